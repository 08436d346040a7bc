#!/usr/bin/env python3
"""Writes gloss's corpus of hostile inputs.

    make-corpus.py OUTDIR       writes OUTDIR/<id>/<file name> for every entry
    make-corpus.py --list       prints "<id>\t<escaped file name>\t<bytes>"

Each entry is one file in a directory of its own, named by its id, so a
test can hand gloss the file's odd name as it is (cd OUTDIR/<id>; gloss -- *)
without quoting it anywhere.  The bytes are written here rather than
committed: many are not text, two are large (a 2 MB line, 200,000 empty
lines), and a script says what each odd byte is for.  The output is the
same on every run (nothing random, nothing from the environment).

expected.tsv beside this script names every entry and what gloss must do
with it; the corpus test fails when the two disagree.
"""
import os
import sys

ESC = b"\x1b"
BEL = b"\x07"
ST = ESC + b"\\"


def u(s):
    """UTF-8 bytes of a str (surrogates are not allowed here: use bytes)."""
    return s.encode("utf-8")


# Prose of our own, to surround the hostile parts with real text.
ZH = ("夜市的燈一盞盞亮起來，攤販把「今天的湯」寫在小黑板上。"
      "老闆說，這鍋湯從清晨就開始熬，骨頭和蘿蔔都是附近農家送來的。\n"
      "雨停以後，街口的風很涼，孩子們在廟前追著紙風車跑，"
      "阿嬤坐在板凳上剝花生，一邊講她年輕時搭渡輪的故事。\n")
ZH_HANS = ("山里的图书馆只有一间屋子，但每个周末都坐满了读书的人。"
           "管理员说，书是村里人一本一本捐来的，最旧的一本已经有六十年了。\n"
           "冬天的时候，屋里生着炉子，孩子们围在一起抄写诗句。\n")
JA = ("駅前の小さな本屋は、朝七時に店を開ける。店主は毎朝、新聞を読みながら"
      "コーヒーを飲む。常連の客は、棚の奥にある古い地図を見に来るのだという。\n"
      "雨の日には、店の前に傘立てが出される。\n")
KO = ("작은 도서관은 아침 일곱 시에 문을 연다. 사서는 매일 아침 신문을 읽으며 "
      "커피를 마신다. 단골 손님들은 오래된 지도를 보러 온다.\n")
RU = ("Маленькая библиотека открывается в семь утра. Библиотекарь каждое утро "
      "читает газету и пьёт кофе. Постоянные читатели приходят посмотреть "
      "на старые карты.\n")
EN = ("The ferry left at dawn, and the harbour was still grey when the first "
      "passengers found their seats.\n")
CP1252_TEXT = ("The caf\u00e9\u2019s \u201cspecial\u201d \u2014 cr\u00e8me "
               "br\u00fbl\u00e9e \u2014 costs \u20ac5\u2026 The na\u00efve "
               "fa\u00e7ade, the \u00bd-price \u2018deal\u2019, the "
               "se\u00f1or\u2019s \u00a9 sign.\n") * 3


def para(*parts):
    return b"".join(parts)


def entries():
    """(id, file name as bytes, content) in a fixed order."""
    e = []

    def add(ident, name, data):
        if isinstance(name, str):
            name = u(name)
        e.append((ident, name, data))

    zh = u(ZH)

    # ---------------------------------------------------- invalid UTF-8
    # Enough good multi-byte text around each bad byte that the file is
    # still taken as UTF-8 (one bad byte for four good characters at most).
    add("utf8-overlong", "overlong.txt", para(
        zh, b"slash \xc0\xaf and \xe0\x80\xaf and \xf0\x80\x80\xaf, "
        b"NUL \xc0\x80, max \xc1\xbf\n", zh))
    add("utf8-surrogates", "surrogates.txt", para(
        zh, b"high \xed\xa0\x80 low \xed\xbf\xbf pair \xed\xa0\xbd\xed\xb8\x80\n", zh))
    add("utf8-truncated", "truncated.txt", para(
        zh, b"cut \xe4\xb8 here, \xf0\x9f\x98 there, \xc3 end\n", zh, b"\xf0\x9f\x98"))
    add("utf8-fe-ff", "fe-ff.txt", para(
        zh, b"bytes \xfe and \xff and \xfe\xff and \xff\xfe inside\n", zh))
    add("utf8-bad-leads", "bad-leads.txt", para(
        zh, b"continuation \x80\xbf, five \xf8\x88\x80\x80\x80, "
        b"six \xfc\x84\x80\x80\x80\x80, past max \xf4\x90\x80\x80, f5 \xf5\x80\x80\x80\n", zh))
    add("utf8-all-bad", "all-bad.txt", bytes(range(0x80, 0x100)) * 4)

    # ------------------------------------------------------------- BOMs
    add("bom-utf8", "bom.txt", b"\xef\xbb\xbf" + zh)
    add("bom-utf8-twice", "bom-twice.txt", b"\xef\xbb\xbf\xef\xbb\xbf" + zh)
    add("bom-utf8-alone", "bom-alone.txt", b"\xef\xbb\xbf")
    add("bom-utf16le-alone", "bom16-alone.txt", b"\xff\xfe")
    add("bom-utf8-mid", "bom-mid.txt", para(zh, b"zero\xef\xbb\xbfwidth no-break\n"))

    # ------------------------------------------------------- UTF-16/32
    text = ZH + EN
    add("utf16le-bom", "utf16le-bom.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    add("utf16be-bom", "utf16be-bom.txt", b"\xfe\xff" + text.encode("utf-16-be"))
    add("utf32le-bom", "utf32le-bom.txt", b"\xff\xfe\x00\x00" + text.encode("utf-32-le"))
    add("utf32be-bom", "utf32be-bom.txt", b"\x00\x00\xfe\xff" + text.encode("utf-32-be"))
    add("utf16le-nobom", "utf16le.txt", text.encode("utf-16-le"))
    add("utf16le-nobom-named", "utf16le-named.txt", text.encode("utf-16-le"))
    add("utf16be-nobom", "utf16be.txt", text.encode("utf-16-be"))
    add("utf32le-nobom", "utf32le.txt", text.encode("utf-32-le"))
    add("utf32be-nobom-named", "utf32be-named.txt", text.encode("utf-32-be"))
    # A lone surrogate and an odd number of bytes at the end.
    add("utf16le-broken", "utf16le-broken.txt",
        b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le")
        + b"\x00\xdc" + "ef".encode("utf-16-le") + b"g")
    add("utf32le-broken", "utf32le-broken.txt",
        b"\xff\xfe\x00\x00" + "ab".encode("utf-32-le") + b"\x00\x00\x11\x00"
        + b"\x00\xd8\x00\x00" + "c".encode("utf-32-le") + b"\x41\x00")

    # ------------------------------------------------ legacy encodings
    add("big5", "big5.txt", ZH.encode("big5"))
    add("gb18030", "gb18030.txt", ZH_HANS.encode("gb18030"))
    add("shift-jis", "shift-jis.txt", JA.encode("shift_jis"))
    add("euc-kr", "euc-kr.txt", KO.encode("euc_kr"))
    add("koi8-r", "koi8-r.txt", RU.encode("koi8_r"))
    add("cp1252", "cp1252.txt", CP1252_TEXT.encode("cp1252"))
    add("big5-named", "big5-named.txt", ZH.encode("big5"))
    # UTF-8 and Big5 in one file, as a badly concatenated page has it.
    add("mixed-utf8-big5", "mixed-utf8-big5.txt", u(ZH) + ZH.encode("big5") + u(ZH))
    add("mixed-big5-utf8", "mixed-big5-utf8.txt", ZH.encode("big5") * 3 + u(ZH))

    # ----------------------------------------------------- binary-ish
    add("nul-bytes", "nul.txt", b"text\x00with a NUL\n")
    add("nul-bytes-shown", "nul-shown.txt", b"text\x00with a NUL\x00\x00\n")
    # A NUL after the first 64 KiB is past the binary test: shown as ^@.
    add("nul-late", "nul-late.txt", (EN.encode() * 700)[:70000] + b"late\x00NUL\n")
    add("elf", "program", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8
        + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(range(256)))
    add("elf-shown", "program-shown", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8
        + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(range(256)))
    pe = bytearray(b"MZ" + b"\x90" * 0x3a + b"\x40\x00\x00\x00")
    pe += b"PE\x00\x00" + b"\x64\x86" + b"\x00" * 18
    add("pe", "setup.exe.txt", bytes(pe))
    add("png", "picture.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
        + b"\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
    add("jpeg", "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01")
    add("gif", "anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00")
    add("pdf", "paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    add("gzip", "notes.txt.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
    add("zip", "notes.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00")

    # ------------------------------------------------- escape sequences
    csi = para(
        b"clear ", ESC, b"[2J", ESC, b"[H home, red ", ESC, b"[31mRED", ESC, b"[0m, ",
        b"alt screen ", ESC, b"[?1049h, report ", ESC, b"[6n, title report ",
        ESC, b"[21t, keys ", ESC, b"[?1h", ESC, b"=, mouse ", ESC, b"[?1000h, ",
        b"C1 CSI \xc2\x9b31m in UTF-8, raw \x9b31m byte\n")
    add("esc-csi", "csi.txt", para(zh, csi, zh))
    osc = para(
        b"OSC 0 BEL ", ESC, b"]0;pwned title", BEL, b" OSC 2 ST ", ESC, b"]2;pwned", ST,
        b" OSC 8 link ", ESC, b"]8;;https://example.invalid/", ST, b"click", ESC, b"]8;;", ST,
        b" OSC 52 clipboard ", ESC, b"]52;c;cm0gLXJmIH4K", BEL,
        b" OSC 52 ST ", ESC, b"]52;c;cm0gLXJmIH4K", ST,
        b" C1 OSC \xc2\x9d0;title\xc2\x9c end\n")
    add("esc-osc", "osc.txt", para(zh, osc, zh))
    dcs = para(
        b"DCS ", ESC, b"P1$r0m", ST, b" APC ", ESC, b"_Gf=24;payload", ST,
        b" PM ", ESC, b"^private", ST, b" SOS ", ESC, b"Xstring", ST,
        b" C1 DCS \xc2\x90q#0;2;0;0;0\xc2\x9c APC \xc2\x9fapc\xc2\x9c PM \xc2\x9epm\xc2\x9c"
        b" SOS \xc2\x98sos\xc2\x9c, SS2 ", ESC, b"N, RIS ", ESC, b"c, charset ", ESC, b"(0",
        b" lqqk ", ESC, b"(B\n")
    add("esc-dcs", "dcs.txt", para(zh, dcs, zh))
    add("esc-cut-osc", "cut-osc.txt", para(zh, b"title ", ESC, b"]0;never ended"))
    add("esc-cut-csi", "cut-csi.txt", para(zh, b"colour ", ESC, b"[38;5"))
    add("esc-cut-esc", "cut-esc.txt", para(zh, ESC))
    add("esc-cut-c1", "cut-c1.txt", para(zh, b"C1 ", b"\xc2\x9b"))
    # The same sequences where Markdown puts them in titles, headings,
    # link texts and targets, code.
    md = para(
        b"# Title ", ESC, b"]0;pwned", BEL, b"\n\n",
        b"## Heading ", ESC, b"[2J", b" \xe2\x80\xae", b"gpj.exe\n\n",
        b"A [link ", ESC, b"]8;;x", ST, b"](https://example.invalid/", ESC, b"]52;c;eA==", BEL,
        b") and `code ", ESC, b"[31m` and **bold ", b"\xc2\x9b", b"**.\n\n",
        b"```\n", ESC, b"P+q", ST, b"\x07\x08\x7f\n```\n\n",
        b"> quote ", ESC, b"_apc", ST, b"\n\n",
        b"- item ", ESC, b"^pm", ST, b"\n- item \x01\x02\x03\n")
    add("esc-markdown", "escapes.md", md)

    # ----------------------------------------------- control characters
    c0 = bytes(c for c in range(1, 0x20))
    add("c0-all", "c0.txt", para(zh, b"C0: ", c0, b" DEL: \x7f end\n", zh))
    c1 = "".join(chr(c) for c in range(0x80, 0xa0))
    add("c1-utf8", "c1.txt", para(zh, b"C1: ", u(c1), b" end\n", zh))
    add("c1-raw", "c1-raw.txt", para(u(EN), bytes(range(0x80, 0xa0)), b" end\n"))
    add("del", "del.txt", para(zh, b"\x7f" * 50, b"\n"))
    add("crlf-cr", "crlf.txt", b"one\r\ntwo\rthree\n\rfour\r\n\r\nfive")
    add("tabs", "tabs.txt", b"a\tb\t\tc\n\n" + b"\t" * 5000 + b"x\n")

    # ------------------------------------------------------------- bidi
    bidi = ("RLO \u202eevil\u202c LRO \u202dx\u202c RLE \u202bx\u202c LRE \u202ax\u202c "
            "RLI \u2067x\u2069 LRI \u2066x\u2069 FSI \u2068x\u2069 LRM \u200e RLM \u200f "
            "ALM \u061c; access = \"user\u202e \u2066// admin\u2069 \u2066\" "
            "Trojan \u202e}\u2066 if (isAdmin)\u2069 \u2066 begin\n")
    add("bidi", "bidi.txt", para(zh, u(bidi), zh))
    add("bidi-unclosed", "bidi-unclosed.txt", para(zh, u("\u202e\u2067\u202b" * 20)))

    # ------------------------------------------------ invisible things
    inv = ("ZWSP[\u200b] ZWNJ[\u200c] ZWJ[\u200d] WJ[\u2060] invisible ops[\u2061\u2062\u2063\u2064] "
           "SHY[\u00ad] MVS[\u180e] fillers[\u3164\uffa0\u115f\u1160] tags[\U000e0001\U000e0041\U000e007f] "
           "LS[\u2028] PS[\u2029] annotation[\ufff9x\ufffay\ufffb] shaping[\u206a\u206f] "
           "BOM[\ufeff] nonchars[\ufdd0\uffff\U0010ffff] private[\ue000\U000f0000] "
           "unassigned[\U0003fffd]\n")
    add("invisible", "invisible.txt", para(zh, u(inv), zh))

    # ------------------------------------------------ clusters, widths
    emoji = ("family \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 "
             "rainbow flag \U0001f3f3\ufe0f\u200d\U0001f308 "
             "flags \U0001f1f9\U0001f1fc\U0001f1ef\U0001f1f5\U0001f1fa "
             "England \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f "
             "skin \U0001f44b\U0001f3fd keycap 1\ufe0f\u20e3 #\ufe0f\u20e3 "
             "text heart \u2764\ufe0e emoji heart \u2764\ufe0f "
             "lone ZWJ \u200d\u200d\u200d long \U0001f468" + "\u200d\U0001f468" * 50 + "\n")
    add("emoji", "emoji.txt", para(zh, u(emoji), u("\U0001f1e6" * 101), b"\n"))
    add("combining", "combining.txt", para(
        u("\u0301\u0302 lone marks first; Z" + "\u0335\u0336\u0337\u0338\u0334" * 40 + "algo; "),
        u("e" + "\u0301" * 10000 + " one cluster of 10001 code points; "),
        u("\u0e01\u0e34\u0e4a\u0e4b; \u1100\u0301; after tab\t\u0301; after ESC \x1b\u0301\n")))
    add("hangul", "hangul.txt", u(
        "conjoining \u1112\u1161\u11ab\u1100\u1173\u11af old \u1107\u1169\u11ab\u302e "
        "lone V \u1161\u1161 lone T \u11ab\u11ab fillers \u115f\u1160 "
        "\u1100" * 1 + "\u1100" * 500 + "\u1161" * 500 + "\u11a8" * 500 + " precomposed 한글\n"))
    add("variation", "variation.txt", u(
        "VS1-16 a\ufe00b\ufe01c\ufe0e\ufe0f VS17+ \u845b\U000e0100\u845b\U000e0101 "
        "digit 1\ufe0f text ok \U0001f197\ufe0e many \u2764" + "\ufe0f" * 300
        + " at start \ufe0f only \U000e01ef\n"))

    # ------------------------------------------------------------- sizes
    words = (EN.strip() + " ").encode()
    add("long-line-ascii", "long-line.txt", b"a" * (2 * 1024 * 1024) + b"\n")
    add("long-line-words", "long-words.txt",
        (words * (2 * 1024 * 1024 // len(words) + 1))[:2 * 1024 * 1024] + b"\n")
    add("long-line-cjk", "long-cjk.txt",
        (u(ZH.replace("\n", "")) * (2 * 1024 * 1024 // len(u(ZH)) + 1))[:2 * 1024 * 1024 - 2]
        + b"\n")
    add("empty-lines", "empty-lines.txt", b"\n" * 200000)
    add("empty-lines-text", "empty-lines-text.txt", b"first\n" + b"\n" * 200000 + b"last\n")
    add("empty-lines-crlf", "empty-lines-crlf.txt", b"\r\n" * 200000)
    add("empty", "empty.txt", b"")
    add("whitespace", "whitespace.txt",
        b"   \t  \n\n \xc2\xa0\xe3\x80\x80 \t\n\x0b\x0c\n   \n" * 100)

    # -------------------------------------------- pathological Markdown
    n = 10000
    add("md-quotes", "quotes.md", b">" * n + b" deep\n")
    add("md-quotes-lines", "quotes-lines.md",
        b"".join(b">" * i + b" q\n" for i in range(1, 301)))
    # Indented lines grow as the square of the depth: 500 levels here, the
    # 10,000 levels on one line below.
    add("md-lists", "lists.md", b"".join(b"  " * i + b"- item\n" for i in range(500)))
    add("md-lists-inline", "lists-inline.md", b"- " * n + b"x\n")
    add("md-ordered", "ordered.md", b"1. " * n + b"x\n")
    add("md-emphasis", "emphasis.md", b"*" * n + b"x" + b"*" * n + b"\n")
    add("md-emphasis-mixed", "emphasis-mixed.md", b"*_" * n + b"x" + b"_*" * n + b"\n")
    add("md-links", "links.md", b"[" * n + b"x" + b"](y)" * n + b"\n")
    add("md-brackets", "brackets.md", b"[" * n + b"\n\n" + b"](" * n + b"\n")
    add("md-backticks", "backticks.md", b"`" * n + b"x" + b"`" * (n - 1) + b"\n")
    add("md-html", "html.md", b"<div>" * n + b"x" + b"</div>" * n + b"\n")
    add("md-headings", "headings.md", b"".join(b"#" * (1 + i % 6) + b" h\n" for i in range(n)))
    add("md-table", "table.md", b"|" + b"a|" * 5000 + b"\n|" + b"-|" * 5000 + b"\n|"
        + b"\x1b|" * 5000 + b"\n")
    add("md-entities", "entities.md",
        b"&#0; &#1; &#27;[2J &#x9b; &#x202e; &#xd800; &#x110000; &#99999999; &#7f;&#127;\n")
    add("md-quote-lists", "quote-lists.md", b"> - " * 5000 + b"x\n")
    # fuzz-markdown found it: --dump crashed when its first row had no
    # cell (a code block that starts with an empty line).
    add("md-code-empty-first", "code-first.md", b"```\n\nx\n```\n")

    # ---------------------------------------------------------------- HTML
    # Escape sequences raw and as character references, where a page puts
    # them: the title, a heading, a link's target and text, <pre>.
    add("esc-html", "escapes.html", para(
        b"<!doctype html><html><head><title>T ", ESC, b"]0;pwned", BEL,
        b" &#27;]2;x&#7; &#x202e;gpj</title></head><body><h1>H ", ESC, b"[2J &#x9b;31m</h1>",
        b"<p>a <a href=\"http://x/", ESC, b"]52;c;eA==", BEL, b"\">link &#1;&#127;</a> b ",
        b"\xc2\x9b c &#x2066;d&#x2069; &#0; &#xd800;</p><pre>", ESC, b"P1$r", ST,
        b" \t tab</pre></body></html>\n"))
    add("html-divs", "divs.html", b"<div>" * n + b"deep" + b"</div>" * n + b"\n")
    add("html-lists", "lists.html", b"<ul><li>" * 5000 + b"deep" + b"</li></ul>" * 5000 + b"\n")
    add("html-inline", "inline.html", b"<b><i>" * 5000 + b"x\n")
    add("html-tables", "tables.html", b"<table><tr><td>" * 3000 + b"x\n")
    add("html-quotes", "quotes.html", b"<blockquote>" * n + b"x\n")

    # ------------------------------------------------------- file names
    plain = u(EN)
    add("name-spaces", "name with  spaces .txt", plain)
    add("name-cjk", "夜市的燈 「筆記」.txt", plain)
    add("name-dash", "-leading-dash.txt", plain)
    add("name-control", b"ctl\x1b]0;pwned\x07\x01\x7f\xc2\x9b.txt", plain)
    add("name-newline", b"two\nlines.txt", plain)
    add("name-bidi", u("invoice\u202efdp.txt"), plain)
    add("name-bad-utf8", b"bad\xff\xfe\xc0\xaf.txt", plain)
    add("name-markdown-escape", b"\x1b[31mred\x1b[0m.md", b"# " + plain)
    return e


def escape_name(name):
    """The name as expected.tsv writes it: printable UTF-8 as it is, and
    every other byte (and a backslash) as \\xNN."""
    out = []
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        return "".join(chr(b) if 0x20 < b < 0x7f and b != 0x5c else "\\x%02x" % b
                       for b in name)
    for ch in text:
        cp = ord(ch)
        if ch == "\\" or cp < 0x21 and ch != " " or 0x7f <= cp < 0xa0 or \
                ch in "\u061c\u200e\u200f\u2028\u2029" or 0x202a <= cp <= 0x202e or \
                0x2066 <= cp <= 0x2069 or ch == "\t":
            out.append("".join("\\x%02x" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def main(argv):
    es = entries()
    ids = [i for i, _, _ in es]
    assert len(ids) == len(set(ids)), "duplicate ids"
    if len(argv) == 2 and argv[1] == "--list":
        for ident, name, data in es:
            print("%s\t%s\t%d" % (ident, escape_name(name), len(data)))
        return 0
    if len(argv) != 2:
        sys.stderr.write("usage: make-corpus.py OUTDIR | --list\n")
        return 2
    out = os.fsencode(argv[1])
    for ident, name, data in es:
        d = os.path.join(out, ident.encode())
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):
            os.unlink(os.path.join(d, old))
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
