#!/usr/bin/python3
"""Writes the encoding fixtures: small news feeds in the style of the agencies our users follow, each
in up to four variants of the same text, and cases.json, the text every variant must read back as and the problem each must record.

    /usr/bin/python3 tests/Aggregator.Tests/Parsing/Fixtures/encodings/make.py

Variants (the file name says which):
  NAME.correct.xml     UTF-8, declared UTF-8: nothing to do.
  NAME.undeclared.xml  the legacy charset's bytes, no charset anywhere: the detector must find it.
  NAME.wrong.xml       the legacy charset's bytes under a declaration that cannot be right.
  NAME.double.xml      UTF-8 text read as windows-1252 and saved again as UTF-8 (mojibake): repaired.
The headlines are written for these tests in the style of each source, not copied from it.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

FEEDS = [
    # name, legacy charset (Python codec, name we report), wrong declaration, language, channel title, items
    ("tass", ("cp1251", "windows-1251"), "utf-8", "ru", "ТАСС: Международная панорама", [
        ("Лавров провёл переговоры с главой МИД Ирана в Москве",
         "Министры обсудили ход выполнения договора о всеобъемлющем стратегическом партнёрстве и ситуацию на Ближнем Востоке."),
        ("Россия и Иран подписали соглашение о поставках газа через Азербайджан",
         "Документ предусматривает поставки до 55 млрд кубометров в год, сообщили в «Газпроме»."),
        ("В Тегеране открылась выставка российских промышленных товаров",
         "В экспозиции участвуют более ста компаний из двадцати регионов России."),
    ]),
    ("ria", ("koi8_r", "koi8-r"), "windows-1252", "ru", "РИА Новости", [
        ("Путин и Пезешкиан обсудили по телефону сотрудничество в энергетике",
         "Стороны договорились продолжить контакты на высшем уровне, сообщили в Кремле."),
        ("Северо-Южный транспортный коридор: первый поезд прибыл в Решт",
         "Состав с грузом зерна прошёл маршрут за двенадцать суток."),
        ("Эксперт объяснил, почему санкции не остановят товарооборот",
         "По его словам, расчёты всё чаще идут в рублях и риалах."),
    ]),
    # Persian sites on windows-1256 wrote Arabic yeh and kaf (ي ك): the charset has no Persian ones.
    ("irna", ("cp1256", "windows-1256"), "utf-8", "fa", "ايرنا - خبرگزاري جمهوري اسلامي", [
        ("عراقچي: گفتگوهاي تهران و مسكو در چارچوب پيمان راهبردي ادامه دارد",
         "وزير امور خارجه در پايان سفر به مسكو گفت همكاري در حوزه انرژي و حمل و نقل گسترش مي يابد."),
        ("نخستين قطار باري از روسيه به بندر چابهار رسيد",
         "اين قطار پس از عبور از خاك آذربايجان وارد ايستگاه رشت شد."),
        ("پزشكيان: روابط با همسايگان اولويت سياست خارجي است",
         "رييس جمهور در ديدار با سفراي كشورهاي همسايه بر گسترش تجارت تاكيد كرد."),
    ]),
    ("aljazeera", ("cp1256", "windows-1256"), "iso-8859-1", "ar", "الجزيرة نت - أخبار", [
        ("موسكو وطهران تبحثان توسيع التعاون العسكري",
         "قال مسؤولون إن المحادثات تناولت صفقات طائرات وأنظمة دفاع جوي جديدة."),
        ("مجلس الأمن يعقد جلسة طارئة بشأن الوضع في سوريا",
         "دعت روسيا إلى الجلسة بعد تصاعد الاشتباكات في ريف حلب."),
        ("ارتفاع أسعار النفط بعد قرار أوبك بلس خفض الإنتاج",
         "صعد خام برنت إلى أعلى مستوى له منذ ثلاثة أشهر."),
    ]),
    ("haaretz", ("cp1255", "windows-1255"), "utf-8", "he", "הארץ - חדשות", [
        ("איראן ורוסיה חתמו על הסכם שיתוף פעולה אסטרטגי",
         "ההסכם כולל שיתוף פעולה בתחומי האנרגיה, התחבורה והביטחון."),
        ("משלחת אמריקאית תגיע לירושלים בשבוע הבא",
         "השיחות יעסקו בהסדר בצפון ובחזרת החטופים."),
        ("הבנק המרכזי הותיר את הריבית ללא שינוי",
         "הנגיד אמר כי האינפלציה עדיין גבוהה מהיעד."),
    ]),
    ("kathimerini", ("iso8859_7", "iso-8859-7"), "windows-1252", "el", "Καθημερινή - Κόσμος", [
        ("Συνάντηση Λαβρόφ με τον Ιρανό ομόλογό του στη Μόσχα",
         "Οι δύο υπουργοί συζήτησαν την κατάσταση στη Μέση Ανατολή και την ενεργειακή συνεργασία."),
        ("Νέες κυρώσεις της ΕΕ κατά ρωσικών εταιρειών",
         "Το πακέτο περιλαμβάνει περιορισμούς στις εξαγωγές τεχνολογίας."),
        ("Άνοδος των τιμών του φυσικού αερίου στην Ευρώπη",
         "Οι αγορές αντέδρασαν στις ειδήσεις από το Ιράν."),
    ]),
    ("nhk", ("shift_jis", "shift_jis"), "utf-8", "ja", "NHKニュース 国際", [
        ("ロシアとイランの外相がモスクワで会談",
         "両国は戦略的パートナーシップ条約の履行状況について協議しました。"),
        ("原油価格が上昇　中東情勢の緊張受け",
         "ニューヨーク市場で原油の先物価格は一時１バレル８０ドルを超えました。"),
        ("国連安全保障理事会が緊急会合を開催",
         "シリア情勢をめぐり各国の代表が意見を述べました。"),
    ]),
    ("nhk-eucjp", ("euc_jp", "euc-jp"), "iso-8859-1", "ja", "NHKニュース 経済", [
        ("円相場が一時１ドル１５０円台に値下がり",
         "日米の金利差が意識され、円を売る動きが出ています。"),
        ("イラン産原油の輸入を巡り各国が対応を協議",
         "エネルギー安全保障の観点から調達先の分散が課題となっています。"),
        ("ロシア産の液化天然ガスの調達継続へ",
         "政府は長期契約に基づく輸入を続ける方針です。"),
    ]),
    ("xinhua", ("gb18030", "gb18030"), "utf-8", "zh", "新华网 国际频道", [
        ("俄罗斯与伊朗外长在莫斯科举行会谈",
         "双方就落实全面战略伙伴关系条约和中东局势交换了意见。"),
        ("国际油价因中东局势紧张而上涨",
         "布伦特原油期货价格升至三个月来的最高水平。"),
        ("联合国安理会就叙利亚局势召开紧急会议",
         "各国代表呼吁有关各方保持克制，通过对话解决分歧。"),
    ]),
]

# The five bytes windows-1252 leaves undefined stay as the C1 control characters of the same number,
# as a Latin-1 reader (and Python's "sloppy" codecs) keep them.
UNDEFINED_1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def read_as_1252(data: bytes) -> str:
    return "".join(chr(b) if b in UNDEFINED_1252 else bytes([b]).decode("cp1252") for b in data)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def document(declaration: str, title: str, items) -> str:
    lines = [f"<?xml version=\"1.0\"{declaration}?>", "<rss version=\"2.0\">", "<channel>",
             f"<title>{escape(title)}</title>", "<link>https://example.org/news</link>"]
    for n, (item_title, summary) in enumerate(items, 1):
        lines += ["<item>", f"<title>{escape(item_title)}</title>", f"<link>https://example.org/news/{n}</link>",
                  f"<guid>https://example.org/news/{n}</guid>", f"<description>{escape(summary)}</description>", "</item>"]
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def main() -> None:
    cases = []
    for name, (codec, charset), wrong, language, title, items in FEEDS:
        files = {}
        utf8 = document(' encoding="utf-8"', title, items)
        variants = {
            "correct": (utf8.encode("utf-8"), None),
            "undeclared": (document("", title, items).encode(codec), f"no charset declared; detected {charset}"),
            "wrong": (document(f' encoding="{wrong}"', title, items).encode(codec), f"declared {wrong} but the bytes are {charset}"),
            "double": (read_as_1252(utf8.encode("utf-8")).encode("utf-8"), "read as windows-1252 and saved again"),
        }
        for variant, (data, problem) in variants.items():
            file = f"{name}.{variant}.xml"
            with open(os.path.join(HERE, file), "wb") as out:
                out.write(data)
            files[file] = problem
        # Expected as stored: whitespace, the ideographic space included, collapsed to one space.
        cases.append({"title": title, "language": language, "items": [{"title": " ".join(t.split()), "summary": " ".join(s.split())} for t, s in items],
                      "files": files})
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as out:
        json.dump(cases, out, ensure_ascii=False, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
