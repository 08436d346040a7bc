#!/usr/bin/env python3
"""Generates src/gen/unicode-tables.c and .h from Unicode's data files.

utf8proc 2.8 has no Script property, no East Asian Width (it folds
Ambiguous into 1) and no NFC quick-check, so the u8 module reads these
compact range tables, searched by binary search:

  u8gen_eaw        East_Asian_Width != N       EastAsianWidth.txt
  u8gen_script     Script, reduced to enum u8_script   Scripts.txt
  u8gen_ext_pict   Extended_Pictographic       emoji/emoji-data.txt
  u8gen_nfc_unsafe NFC_Quick_Check = No/Maybe  DerivedNormalizationProps.txt

Usage: python3 tools/gen-unicode-tables.py /usr/share/unicode src/gen

The files must all be of one Unicode version (Debian 12's unicode-data is
15.0, the version utf8proc 2.8 implements); the script refuses a mix and
writes the version into the generated files.  The output is deterministic:
running it again on the same data gives the same bytes.
"""

import os
import re
import sys

# enum u8_script in include/gloss/u8.h: Scripts.txt name -> enumerator.
# Every other script (and Unknown) is U8_SCRIPT_OTHER, the default.
SCRIPTS = {
    "Common": "U8_SCRIPT_COMMON",
    "Inherited": "U8_SCRIPT_INHERITED",
    "Latin": "U8_SCRIPT_LATIN",
    "Han": "U8_SCRIPT_HAN",
    "Hiragana": "U8_SCRIPT_HIRAGANA",
    "Katakana": "U8_SCRIPT_KATAKANA",
    "Hangul": "U8_SCRIPT_HANGUL",
    "Cyrillic": "U8_SCRIPT_CYRILLIC",
    "Greek": "U8_SCRIPT_GREEK",
    "Arabic": "U8_SCRIPT_ARABIC",
    "Hebrew": "U8_SCRIPT_HEBREW",
    "Thai": "U8_SCRIPT_THAI",
}

# enum u8_eaw; N is the default and is not stored.
EAW = {
    "Na": "U8_EAW_NA",
    "A": "U8_EAW_A",
    "H": "U8_EAW_H",
    "W": "U8_EAW_W",
    "F": "U8_EAW_F",
}

# EastAsianWidth.txt says in its header (not in an @missing line) that
# unassigned code points in these ranges default to W.
EAW_DEFAULT_WIDE = [
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
    (0x20000, 0x2FFFD), (0x30000, 0x3FFFD),
]

LINE_RE = re.compile(r"^([0-9A-Fa-f]+)(?:\.\.([0-9A-Fa-f]+))?\s*;\s*([^#;]+?)\s*(?:;\s*([^#]+?)\s*)?(?:#.*)?$")


def read_ranges(path):
    """Yields (first, last, field1, field2 or None) for each data line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = LINE_RE.match(line)
            if not m:
                raise SystemExit(f"{path}: cannot parse line: {line!r}")
            first = int(m.group(1), 16)
            last = int(m.group(2), 16) if m.group(2) else first
            yield first, last, m.group(3).strip(), m.group(4)


def file_version(path):
    """The Unicode version a data file names in its first lines."""
    with open(path, encoding="utf-8") as f:
        head = "".join(f.readline() for _ in range(12))
    m = re.search(r"-(\d+\.\d+\.\d+)\.txt", head)
    if m:
        return m.group(1)
    m = re.search(r"Emoji Version (\d+\.\d+)", head)
    if m:
        return m.group(1) + ".0"
    raise SystemExit(f"{path}: no Unicode version in its header")


def merge(ranges):
    """Sorts (first, last, value) and joins neighbours with one value."""
    out = []
    for first, last, value in sorted(ranges):
        if out and out[-1][2] == value and out[-1][1] + 1 == first:
            out[-1] = (out[-1][0], last, value)
        elif out and first <= out[-1][1]:
            raise SystemExit(f"overlapping ranges at U+{first:04X}")
        else:
            out.append((first, last, value))
    return out


def eaw_table(path):
    # Assign every code point a class: defaults first, then the file.
    cls = {}
    for first, last in EAW_DEFAULT_WIDE:
        for cp in range(first, last + 1):
            cls[cp] = "W"
    for first, last, value, _ in read_ranges(path):
        for cp in range(first, last + 1):
            cls[cp] = value
    ranges = []
    run = None
    for cp in range(0x110000):
        value = cls.get(cp, "N")
        if value not in EAW and value != "N":
            raise SystemExit(f"{path}: unknown width class {value!r}")
        if run and run[2] == value and run[1] + 1 == cp:
            run[1] = cp
        else:
            if run and run[2] != "N":
                ranges.append((run[0], run[1], EAW[run[2]]))
            run = [cp, cp, value]
    if run and run[2] != "N":
        ranges.append((run[0], run[1], EAW[run[2]]))
    return ranges


def script_table(path):
    ranges = []
    for first, last, value, _ in read_ranges(path):
        if value in SCRIPTS:
            ranges.append((first, last, SCRIPTS[value]))
    return merge(ranges)


def property_table(path, prop, values=None):
    ranges = []
    for first, last, name, value in read_ranges(path):
        if name != prop:
            continue
        if values is not None and (value or "").strip() not in values:
            continue
        ranges.append((first, last, 1))
    return [(a, b) for a, b, _ in merge(ranges)]


def emit_valued(out, name, ranges):
    out.append(f"const struct u8gen_class_range {name}[] = {{")
    for first, last, value in ranges:
        out.append(f"\t{{ 0x{first:04X}, 0x{last:04X}, {value} }},")
    out.append("};")
    out.append(f"const size_t {name}_len = {len(ranges)};")
    out.append("")


def emit_plain(out, name, ranges):
    out.append(f"const struct u8gen_range {name}[] = {{")
    for first, last in ranges:
        out.append(f"\t{{ 0x{first:04X}, 0x{last:04X} }},")
    out.append("};")
    out.append(f"const size_t {name}_len = {len(ranges)};")
    out.append("")


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: gen-unicode-tables.py UNICODE-DATA-DIR OUTPUT-DIR")
    src, dst = argv[1], argv[2]
    files = {
        "eaw": os.path.join(src, "EastAsianWidth.txt"),
        "scripts": os.path.join(src, "Scripts.txt"),
        "emoji": os.path.join(src, "emoji", "emoji-data.txt"),
        "norm": os.path.join(src, "DerivedNormalizationProps.txt"),
    }
    versions = {k: file_version(p) for k, p in files.items()}
    if len(set(versions.values())) != 1:
        raise SystemExit(f"the data files are of different Unicode versions: {versions}")
    version = versions["eaw"]

    eaw = eaw_table(files["eaw"])
    scripts = script_table(files["scripts"])
    ext_pict = property_table(files["emoji"], "Extended_Pictographic")
    nfc_unsafe = property_table(files["norm"], "NFC_QC", {"N", "M"})

    banner = (f"/* Generated by tools/gen-unicode-tables.py from the Unicode {version}\n"
              " * data files (EastAsianWidth.txt, Scripts.txt, emoji/emoji-data.txt,\n"
              " * DerivedNormalizationProps.txt).  Do not edit: run the script. */")

    h = [banner,
         "#ifndef GLOSS_GEN_UNICODE_TABLES_H",
         "#define GLOSS_GEN_UNICODE_TABLES_H",
         "",
         "#include <stddef.h>",
         "#include <stdint.h>",
         "",
         f'#define U8GEN_UNICODE_VERSION "{version}"',
         "",
         "/* Sorted, disjoint, inclusive code point ranges. */",
         "struct u8gen_range {",
         "\tuint32_t first, last;",
         "};",
         "/* The same with a value (an enum u8_eaw or enum u8_script). */",
         "struct u8gen_class_range {",
         "\tuint32_t first;",
         "\tuint32_t last : 24;",
         "\tuint32_t value : 8;",
         "};",
         "",
         "/* East_Asian_Width of every code point whose class is not N. */",
         "extern const struct u8gen_class_range u8gen_eaw[];",
         "extern const size_t u8gen_eaw_len;",
         "/* Script for the scripts enum u8_script names; others are OTHER. */",
         "extern const struct u8gen_class_range u8gen_script[];",
         "extern const size_t u8gen_script_len;",
         "/* Extended_Pictographic. */",
         "extern const struct u8gen_range u8gen_ext_pict[];",
         "extern const size_t u8gen_ext_pict_len;",
         "/* NFC_Quick_Check No or Maybe: a text may not be cut for NFC before",
         " * these (nor before a character whose combining class is not 0). */",
         "extern const struct u8gen_range u8gen_nfc_unsafe[];",
         "extern const size_t u8gen_nfc_unsafe_len;",
         "",
         "#endif",
         ""]

    c = [banner,
         '#include "config.h"',
         "",
         '#include "gloss/u8.h"',
         '#include "gen/unicode-tables.h"',
         ""]
    emit_valued(c, "u8gen_eaw", eaw)
    emit_valued(c, "u8gen_script", scripts)
    emit_plain(c, "u8gen_ext_pict", ext_pict)
    emit_plain(c, "u8gen_nfc_unsafe", nfc_unsafe)

    os.makedirs(dst, exist_ok=True)
    for name, lines in (("unicode-tables.h", h), ("unicode-tables.c", c)):
        path = os.path.join(dst, name)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\n".join(lines).rstrip("\n") + "\n")
        os.replace(tmp, path)
    print(f"Unicode {version}: {len(eaw)} width, {len(scripts)} script, "
          f"{len(ext_pict)} pictographic, {len(nfc_unsafe)} NFC ranges")


if __name__ == "__main__":
    main(sys.argv)
