#!/usr/bin/python3
"""Our poll figures against the fastest peer of each cycle, and issue 7's targets, from the results file
that ../shared/bench/poll_bench.sh wrote (bench/run.sh poll calls this after it).

  bench/ratios.py RESULTS.jsonl

Per N and cycle: our wall time (median over repeats), CPU, peak memory; the fastest peer's wall time and
how many times faster we were; the share of unchanged feeds answered 304; entries and alerts against the
generator's expected lists. Targets, set for 1,000 and 10,000 feeds: at least 5x the fastest peer, under
30 s (cycle 1) and 10 s (cycle 2) at 10,000 feeds, under 300 MB, at least 99% of unchanged feeds answered
304, nothing missed or duplicated.
"""
import json
import statistics
import sys
from collections import defaultdict

OURS = "aggregator"


def main(path):
    runs = defaultdict(list)  # (n, cycle, tool) -> records
    for line in open(path):
        if line.strip():
            record = json.loads(line)
            if record.get("bench") == "poll" and "wall_s" in record:
                runs[(record["n"], record["cycle"], record["tool"])].append(record)

    print("| feeds | cycle | aggregator: wall, CPU, peak | fastest peer | × | 304 of unchanged | entries | alerts | targets |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, cycle in sorted({(n, c) for n, c, _ in runs}):
        ours = runs.get((n, cycle, OURS))
        if not ours:
            continue
        wall = statistics.median(r["wall_s"] for r in ours)
        cpu = statistics.median(r["cpu_s"] for r in ours)
        peak = max(max(r["max_rss_mb"], r.get("tree_rss_mb") or 0) for r in ours)
        peers = {tool: statistics.median(r["wall_s"] for r in records)
                 for (pn, pc, tool), records in runs.items() if (pn, pc) == (n, cycle) and tool != OURS}
        fastest = min(peers, key=peers.get) if peers else None
        times = peers[fastest] / wall if fastest else None

        unchanged = ours[0].get("feeds_unchanged", 0)
        answered_304 = min(r["http"]["n304"] for r in ours)
        share = answered_304 / unchanged if cycle > 1 and unchanged else None
        expected = ours[0]["verify"]["expected"]
        missing = max(r["verify"]["missing"] for r in ours)
        duplicated = max(r["verify"]["duplicates"] for r in ours)
        alerts = [r["alerts"] for r in ours if "alerts" in r]

        missed = []
        if times is not None and times < 5:
            missed.append("5× the fastest peer")
        if n >= 10000 and wall >= (30 if cycle == 1 else 10):
            missed.append(f"under {30 if cycle == 1 else 10} s")
        if peak >= 300:
            missed.append("under 300 MB")
        if share is not None and share < 0.99:
            missed.append("99% answered 304")
        if missing or duplicated:
            missed.append("every entry once")

        print("| {:,} | {} | {:.2f} s, {:.1f} s CPU, {:.0f} MB | {} | {} | {} | {:,}/{:,}{} | {} | {} |".format(
            n, cycle, wall, cpu, peak,
            f"{fastest} {peers[fastest]:.2f} s" if fastest else "none ran",
            f"{times:.1f}" if times is not None else "-",
            f"{share:.0%}" if share is not None else "-",
            expected - missing, expected, f", {duplicated} duplicated" if duplicated else "",
            describe_alerts(alerts, cycle),
            "-" if n not in (1000, 10000) else "met" if not missed else "NOT met: " + ", ".join(missed)))


def describe_alerts(alerts, cycle):
    if not alerts:
        return "-"
    worst = min(alerts, key=lambda a: a["delivered"] - a["duplicates"])
    if cycle == 1 and worst["delivered"] == 0:
        return "backlog, not alerted"  # a feed's first poll stores its entries without alerting, by design
    text = f"{worst['delivered']}/{worst['expected']}"
    return text + (f", {worst['duplicates']} duplicated" if worst["duplicates"] else "")


if __name__ == "__main__":
    main(sys.argv[1])
