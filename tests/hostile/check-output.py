#!/usr/bin/env python3
"""Judges what gloss printed for the hostile corpus (tests/hostile/corpus.test).

    check-output.py MANIFEST MAKE-CORPUS CORPUS RESULTS

RESULTS holds, for the K-th entry of MANIFEST (1-based, comments not
counted) and each MODE gloss ran it in, K.MODE.out, K.MODE.err and
K.MODE.status.  Prints one line per check, "ok TEXT" or "not ok TEXT",
and "# ..." lines that explain a failure; the shell test turns them into
TAP.  The checks:

  - nothing gloss wrote holds invalid UTF-8 or a raw control character:
    C0 but LF (TAB only as the field separator of --outline, and before
    "forced" or "cut" at the end of a --dump --forced row), DEL, C1, and the format controls u8_placeholder
    promises to replace (bidirectional controls U+061C, U+200E/F,
    U+202A-E, U+2066-9; U+2028/9, U+206A-F, U+FEFF, U+FFF9-B);
  - stderr is empty when the file is shown, one line when it is refused;
  - the properties the manifest lists (info:, dump:, outline:, err:,
    screen:);
  - in the reader (mode "screen": K.screen.out holds what gloss wrote to
    stdout, nothing, then the screens it saved headless): every
    placeholder the manifest's dump: checks name (^[, <U+202E>, ...) is
    on one of the screens, so the reader shows what --dump shows;
  - the manifest and the corpus name the same files.
"""
import importlib.util
import os
import re
import sys

MODES_SHOWN = ["info", "outline", "w1", "w13", "w80", "screen"]
MODES_REFUSED = ["info", "outline", "w80", "screen"]
LABEL = {
    "info": "--info",
    "outline": "--outline",
    "w1": "--dump --width 1",
    "w13": "--dump --width 13 --forced",
    "w80": "--width 80 (rows to a pipe)",
    "screen": "in the reader (headless)",
}

# A placeholder of u8's terminal-safe form: ^X for C0 and DEL, <U+XXXX>
# for C1 and the format controls.
PLACEHOLDER = re.compile(r"\^[@A-Z\[\\\]^_?]|<U\+[0-9A-F]{4,6}>")

FORMAT_CONTROLS = set([0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF,
                       0xFFF9, 0xFFFA, 0xFFFB]) | set(range(0x202A, 0x202F)) \
    | set(range(0x2066, 0x206A)) | set(range(0x206A, 0x2070))


def unescape(text):
    """Manifest text to bytes: \\xNN is a byte, the rest is UTF-8."""
    out = bytearray()
    i = 0
    while i < len(text):
        m = re.match(r"\\x([0-9a-fA-F]{2})", text[i:])
        if m:
            out.append(int(m.group(1), 16))
            i += 4
        else:
            out += text[i].encode("utf-8")
            i += 1
    return bytes(out)


def read_manifest(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 4:
                raise SystemExit("%s:%d: fewer than 4 columns" % (path, lineno))
            entries.append({
                "line": lineno, "id": cols[0], "name": cols[1],
                "options": cols[2], "status": int(cols[3]), "checks": cols[4:],
            })
    return entries


def first_bad_char(data, tabs):
    """None if data is safe for a terminal, else why not.  tabs: None (no
    TAB allowed), "outline" or "forced"."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 8):e.start + 8])
    for lineno, line in enumerate(text.split("\n"), 1):
        ntabs = line.count("\t")
        if ntabs:
            if tabs == "outline" and ntabs == 2:
                pass
            elif tabs == "forced" and ntabs == 1 and (line.endswith("\tforced") or
                                                      line.endswith("\tcut")):
                pass
            else:
                return "line %d: TAB where the format has no field: %r" % (lineno, line[:80])
        for ch in line:
            cp = ord(ch)
            if ch == "\t":
                continue
            if cp < 0x20 or cp == 0x7F or 0x80 <= cp < 0xA0 or cp in FORMAT_CONTROLS:
                at = line.index(ch)
                return "line %d: raw U+%04X in %r" % (lineno, cp, line[max(0, at - 20):at + 20])
    return None


def main(argv):
    manifest_path, make_corpus, corpus, results = argv[1:5]
    sys.dont_write_bytecode = True   # no __pycache__ in the source tree
    entries = read_manifest(manifest_path)
    out = []

    def check(good, text, *diag):
        out.append(("ok " if good else "not ok ") + text)
        if not good:
            for d in diag:
                for l in str(d).splitlines()[:20]:
                    out.append("#   " + l)

    # The manifest and the corpus agree.
    spec = importlib.util.spec_from_file_location("make_corpus", make_corpus)
    mc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mc)
    made = {ident: mc.escape_name(name) for ident, name, _ in mc.entries()}
    listed = {}
    for e in entries:
        listed.setdefault(e["id"], e["name"])
    missing = sorted(set(made) - set(listed))
    check(not missing, "every file of the corpus has an expected outcome",
          "not in the manifest: " + " ".join(missing))
    unknown = sorted(set(listed) - set(made))
    check(not unknown, "every file in the manifest is made by make-corpus.py",
          "not made: " + " ".join(unknown))
    wrong = ["%s: manifest %s, made %s" % (i, listed[i], made[i])
             for i in sorted(set(made) & set(listed)) if made[i] != listed[i]]
    check(not wrong, "the manifest names each file as make-corpus.py writes it", *wrong)

    for k, e in enumerate(entries, 1):
        what = e["id"] + ("" if e["options"] == "-" else " (%s)" % e["options"])
        shown = e["status"] == 0
        modes = MODES_SHOWN if shown else MODES_REFUSED
        outputs = {}
        for mode in modes:
            base = os.path.join(results, "%d.%s" % (k, mode))
            try:
                with open(base + ".out", "rb") as f:
                    o = f.read()
                with open(base + ".err", "rb") as f:
                    er = f.read()
            except OSError as ex:
                check(False, "%s: gloss %s left its output" % (what, LABEL[mode]), ex)
                continue
            outputs[mode] = (o, er)
            tabs = "outline" if mode == "outline" else "forced" if mode == "w13" else None
            bad = first_bad_char(o, tabs)
            bad_err = first_bad_char(er, None)
            check(bad is None and bad_err is None,
                  "%s: gloss %s prints no raw control character" % (what, LABEL[mode]),
                  "stdout: " + bad if bad else "", "stderr: " + bad_err if bad_err else "")
            if shown:
                check(er == b"", "%s: gloss %s is silent on stderr" % (what, LABEL[mode]),
                      er.decode("utf-8", "replace"))
            else:
                lines = er.split(b"\n")
                one = len(lines) == 2 and lines[1] == b"" and lines[0].startswith(b"gloss: ")
                check(one, "%s: gloss %s says why in one line on stderr" % (what, LABEL[mode]),
                      er.decode("utf-8", "replace"))
                check(o == b"", "%s: gloss %s prints nothing on stdout" % (what, LABEL[mode]),
                      o[:200])
        for c in e["checks"]:
            kind, _, arg = c.partition(":")
            if kind == "info":
                field, _, value = arg.partition("=")
                want = unescape("%s: %s" % (field, value))
                got = outputs.get("info", (b"", b""))[0].split(b"\n")
                line = [l for l in got if l.startswith(unescape(field + ":"))]
                check(want in got, "%s: --info says %s" % (what, arg),
                      "got: " + (line[0].decode("utf-8", "replace") if line else "(no such line)"))
            elif kind in ("dump", "outline", "err", "screen"):
                mode, stream = {"dump": ("w80", 0), "outline": ("outline", 0),
                                "err": ("info", 1), "screen": ("screen", 0)}[kind]
                got = outputs.get(mode, (b"", b""))[stream]
                check(unescape(arg) in got, "%s: %s shows %s" % (what, LABEL[mode], arg),
                      "got: " + got[:600].decode("utf-8", "replace"))
            else:
                check(False, "%s: manifest line %d: unknown check %r" % (what, e["line"], c))
        # The reader shows the placeholders --dump shows.
        tokens = []
        for c in e["checks"]:
            kind, _, arg = c.partition(":")
            if kind == "dump":
                for t in PLACEHOLDER.findall(unescape(arg).decode("utf-8")):
                    if t not in tokens:
                        tokens.append(t)
        if shown and tokens:
            got = outputs.get("screen", (b"", b""))[0].decode("utf-8", "replace")
            missing = [t for t in tokens if t not in got]
            check(not missing, "%s: the reader shows the placeholders %s" % (what, " ".join(tokens)),
                  "not on the screens: " + " ".join(missing), "got: " + got[:600])
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
