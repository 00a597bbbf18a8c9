#!/usr/bin/env python3
"""The conformance figure once the differences where we are right are counted as agreeing.

usage: conformance-listed.py CORPUS OUTDIR DIFFERENCES_TSV [--verbose]

Runs the corpus's compare.py (--json --verbose) on OUTDIR and reads DIFFERENCES_TSV (file, index, field,
feedparser, ours, reason; values as JSON). An entry that compare.py counts as disagreeing counts as ours-right
only when every one of its disagreements on a key field is listed with exactly the values it has now, so a
new regression is never hidden; a listed "entry count" difference that occurs exactly covers the entries
missing or extra. Prints the stale listed differences (no longer occurring as listed) and, with --verbose,
the disagreements that are not listed, then one last line:
  entries agree: X/Y (P%); with the N entries whose differences are all listed as ours right: X2/Y (P2%),
  files crashed: C, unlisted differences: U, stale listed differences: S of L
"""
import csv
import json
import os
import subprocess
import sys


def main(argv):
    corpus, out, listed_path = argv[1:4]
    verbose = '--verbose' in argv[4:]
    sys.path.insert(0, corpus)
    from compare import KEY_FIELDS  # the corpus's own definition of an agreeing entry

    text = subprocess.run([sys.executable, os.path.join(corpus, 'compare.py'), os.path.join(corpus, 'golden'), out,
                           '--json', '--verbose'], capture_output=True, text=True, check=True).stdout
    report = json.loads(text[:text.rstrip().rfind('\n')])  # compare.py ends its JSON with its summary line

    listed = {}
    with open(listed_path, encoding='utf-8', newline='') as fh:
        for row in csv.DictReader(fh, delimiter='\t', quoting=csv.QUOTE_NONE):
            key = (row['file'], row['index'], row['field'])
            listed[key] = (json.loads(row['feedparser']), json.loads(row['ours']), row['reason'])

    matched = set()
    unlisted = []
    open_entries = {}  # (file, index) -> key-field disagreements not listed
    rescued = 0
    for d in report['disagreements']:
        key = (d['file'], str(d['index']), d['field'])
        ours_right = key in listed and listed[key][:2] == (d['expected'], d['got'])
        if ours_right:
            matched.add(key)
        else:
            unlisted.append(d)
        if d['field'] in KEY_FIELDS and isinstance(d['index'], int):
            entry = (d['file'], d['index'])
            open_entries[entry] = open_entries.get(entry, 0) + (0 if ours_right else 1)
        elif d['field'] == 'entry count' and ours_right:
            rescued += abs(d['expected'] - d['got'])
    rescued += sum(1 for remaining in open_entries.values() if remaining == 0)

    stale = [key for key in listed if key not in matched]
    for key in stale:
        print('stale listed difference (no longer as listed): %s\t%s\t%s' % key)
    if verbose:
        for d in unlisted:
            print('unlisted difference: %s\t%s\t%s\tfeedparser=%s\tours=%s' % (
                d['file'], d['index'], d['field'], json.dumps(d['expected'], ensure_ascii=False),
                json.dumps(d['got'], ensure_ascii=False)))

    agree, total = report['entries_agree'], report['entries_total']
    pct = lambda a: 100.0 * a / total if total else 100.0
    print('entries agree: %d/%d (%.1f%%); with the %d entries whose differences are all listed as ours right: %d/%d (%.1f%%), '
          'files crashed: %d, unlisted differences: %d, stale listed differences: %d of %d' % (
              agree, total, pct(agree), rescued, agree + rescued, total, pct(agree + rescued),
              report['files_crashed'], len(unlisted), len(stale), len(listed)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
