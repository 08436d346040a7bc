# Helpers for tests/cli/export-*.test and import-*.test: read gloss's
# exports back the way other tools would (json, csv, html.parser) and
# compare them with `gloss list --json`.
#
# Usage: python3 export-lib.py CHECK ARGS...; exit status 0 when the check
# holds, else 1 with the reasons on stdout as "# ..." lines (TAP comments).
import csv
import html
import html.parser
import json
import re
import sys

VOID = {"meta", "br", "hr", "img", "link", "input", "wbr", "col", "area", "base",
        "source", "track", "embed", "param"}
BIDI = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E,
        0x206F, 0xFEFF, 0x2028, 0x2029, 0xFFF9, 0xFFFA, 0xFFFB}
problems = []


def fail(msg):
    problems.append(msg)


def visible(s):
    """The text as gloss shows it: control characters as placeholders."""
    out = []
    for ch in s:
        c = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif c < 0x20:
            out.append("^" + chr(c + 0x40))
        elif c == 0x7F:
            out.append("^?")
        elif 0x80 <= c < 0xA0 or c in BIDI:
            out.append("<U+%04X>" % c)
        else:
            out.append(ch)
    return "".join(out)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def guard(s):
    """A CSV cell as gloss makes it inert."""
    if s and s[0] in "=+-@\t\r":
        return "'" + s
    return s


class Text(html.parser.HTMLParser):
    """The text of a page (<br> as a newline) and a strict tag check."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.stack = []
        self.errors = []
        self.tags = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "br":
            self.parts.append("\n")
        if tag in ("style", "script", "title"):
            self.skip += 1
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                   "blockquote", "section", "aside", "article"):
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "br":
            self.parts.append("\n")
        if tag not in VOID:
            self.errors.append("<%s/> is not a void element" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("</%s> closes a void element" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag in ("style", "script", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def text(self):
        return "".join(self.parts)


def parse_html(path):
    p = Text()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    if p.stack:
        p.errors.append("never closed: " + " ".join(p.stack))
    return p


def annotations(list_json):
    return json.load(open(list_json, encoding="utf-8"))


def check_quotes_in_text(text, items, what):
    t = norm(text)
    for a in items:
        if a.get("exact") and norm(visible(a["exact"])) not in t:
            fail("%s lacks the quote %r" % (what, a["exact"]))
        if a.get("note") and norm(visible(a["note"])) not in t:
            fail("%s lacks the note %r" % (what, a["note"]))


# ---------------------------------------------------------------- checks

def check_md_html(html_file, list_json, *flags):
    """pandoc's HTML of the Markdown export shows every quote and note."""
    p = parse_html(html_file)
    items = annotations(list_json)
    check_quotes_in_text(p.text(), items, "the Markdown turned to HTML")
    if "--tags" in flags:
        t = norm(p.text())
        for a in items:
            for tag in a["tags"]:
                if tag not in t:
                    fail("the Markdown lacks the tag %r" % tag)


def check_html(html_file, list_json):
    """The HTML export: strict, self-contained, every quote and note."""
    p = parse_html(html_file)
    for e in p.errors:
        fail("HTML: " + e)
    for tag, attrs in p.tags:
        if tag in ("script", "iframe", "object", "embed", "img", "link"):
            fail("HTML has a <%s>" % tag)
        for k, v in attrs.items():
            if k in ("src", "href") and v and not v.startswith("#"):
                fail("HTML refers outside: %s=%r" % (k, v))
            if k.startswith("on"):
                fail("HTML has an event handler %s" % k)
    items = annotations(list_json)
    check_quotes_in_text(p.text(), items, "the HTML")
    marks = {a.get("id", "")[2:] for t, a in p.tags if t == "mark" and a.get("id")}
    for a in items:
        if a["start"] is not None and a["anchor"] != "orphan" and a["id"] not in marks:
            fail("no <mark> for %s" % a["id"])
        if a["parent"] is None and not any(t == "div" and at.get("id") == "n-" + a["id"]
                                           for t, at in p.tags):
            fail("no note for %s" % a["id"])


def check_json(json_file, list_json):
    """The W3C export: its shape, and the same annotations as gloss list."""
    d = json.load(open(json_file, encoding="utf-8"))
    items = annotations(list_json)
    ctx = d.get("@context")
    if not (isinstance(ctx, list) and ctx[0] == "http://www.w3.org/ns/anno.jsonld"
            and ctx[1].get("gloss") == "https://gloss.invalid/ns#"):
        fail("bad @context %r" % ctx)
    if d.get("type") != "AnnotationCollection":
        fail("not an AnnotationCollection")
    page = d.get("first", {})
    if page.get("type") != "AnnotationPage":
        fail("no embedded AnnotationPage")
    got = {i["id"]: i for i in page.get("items", [])}
    if d.get("total") != len(items) or len(got) != len(items):
        fail("total %r, %d items, %d annotations listed" % (d.get("total"), len(got), len(items)))
    for a in items:
        i = got.get("urn:uuid:" + a["id"])
        if i is None:
            fail("annotation %s missing" % a["id"])
            continue
        if i.get("type") != "Annotation" or i.get("created") != a["created"] \
                or i.get("modified") != a["updated"]:
            fail("%s: type or times differ" % a["id"])
        if i.get("creator", {}).get("name") != a["author"]:
            fail("%s: creator differs" % a["id"])
        bodies = i.get("body", [])
        notes = [b["value"] for b in bodies if b.get("purpose") == "commenting"]
        tags = sorted(b["value"] for b in bodies if b.get("purpose") == "tagging")
        if notes != ([a["note"]] if a["note"] else []):
            fail("%s: note %r, want %r" % (a["id"], notes, a["note"]))
        if tags != sorted(a["tags"]):
            fail("%s: tags %r, want %r" % (a["id"], tags, a["tags"]))
        if a["parent"]:
            if i.get("motivation") != "replying" or i.get("target") != "urn:uuid:" + a["parent"]:
                fail("%s: a reply must target its parent" % a["id"])
            continue
        if i.get("gloss:status") != a["status"]:
            fail("%s: status differs" % a["id"])
        if (i.get("gloss:style") or None) != a["style"]:
            fail("%s: style differs" % a["id"])
        t = i.get("target", {})
        if not str(t.get("source", "")).startswith("urn:xxh3-128:" + a["version"]):
            fail("%s: target source %r" % (a["id"], t.get("source")))
        if a["start"] is None:
            if t.get("selector"):
                fail("%s: a page note has no selector" % a["id"])
            continue
        sel = {s["type"]: s for s in t.get("selector", [])}
        pos, quote = sel.get("TextPositionSelector"), sel.get("TextQuoteSelector")
        if not pos or pos["start"] != a["start"] or pos["end"] != a["end"]:
            fail("%s: TextPositionSelector %r" % (a["id"], pos))
        if not quote or quote["exact"] != a["exact"] or quote.get("prefix") != a["prefix"] \
                or quote.get("suffix") != a["suffix"]:
            fail("%s: TextQuoteSelector %r" % (a["id"], quote))


def check_csv(csv_file, list_json):
    """The CSV export read back by Python's csv module."""
    raw = open(csv_file, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        fail("CSV starts with a BOM")
    rows = list(csv.reader(open(csv_file, encoding="utf-8", newline="")))
    header = rows[0]
    want = ["id", "parent", "document", "title", "source", "version", "section",
            "author", "created", "updated", "status", "anchor", "start", "end",
            "quote", "note", "tags", "style", "private"]
    if header != want:
        fail("CSV header %r" % header)
    items = {a["id"]: a for a in annotations(list_json)}
    if len(rows) - 1 != len(items):
        fail("%d rows for %d annotations" % (len(rows) - 1, len(items)))
    for r in rows[1:]:
        if len(r) != len(want):
            fail("row with %d cells" % len(r))
            continue
        row = dict(zip(want, r))
        a = items.get(row["id"])
        if a is None:
            fail("unknown id %r" % row["id"])
            continue
        exp = {
            "parent": a["parent"] or "", "author": guard(a["author"]),
            "created": a["created"], "updated": a["updated"], "status": a["status"],
            "quote": guard(visible(a["exact"] or "")),
            "note": guard(visible(a["note"] or "")),
            "tags": guard(", ".join(a["tags"])), "style": guard(a["style"] or ""),
            "start": "" if a["start"] is None else str(a["start"]),
            "end": "" if a["end"] is None else str(a["end"]),
            "private": "yes" if a["private"] else "no",
        }
        for k, v in exp.items():
            if row[k] != v:
                fail("%s: %s is %r, want %r" % (a["id"][:8], k, row[k], v))
    for r in rows[1:]:
        for cell in r:
            if cell and cell[0] in "=+-@":
                fail("a cell a spreadsheet would run: %r" % cell)


def same_annotations(list_a, list_b, *ignore):
    """Two `gloss list --json` outputs hold the same annotations."""
    keep = lambda a: {k: v for k, v in a.items() if k not in ignore}
    a = sorted((keep(x) for x in annotations(list_a)), key=lambda x: x["id"])
    b = sorted((keep(x) for x in annotations(list_b)), key=lambda x: x["id"])
    if a != b:
        for x, y in zip(a, b):
            if x != y:
                fail("differs: %r\n#   vs    %r" % (x, y))
                break
        if len(a) != len(b):
            fail("%d annotations, then %d" % (len(a), len(b)))


def same_items(json_a, json_b):
    """Two W3C exports hold the same annotations."""
    a = json.load(open(json_a, encoding="utf-8"))["first"]["items"]
    b = json.load(open(json_b, encoding="utf-8"))["first"]["items"]
    a = sorted(a, key=lambda x: x["id"])
    b = sorted(b, key=lambda x: x["id"])
    if a != b:
        fail("the exports differ (%d and %d items)" % (len(a), len(b)))
        for x, y in zip(a, b):
            if x != y:
                fail("first difference: %r\n#   vs %r" % (x, y))
                break


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
    for p in problems[:20]:
        print("#   " + p.replace("\n", "\n# "))
    sys.exit(1 if problems else 0)
