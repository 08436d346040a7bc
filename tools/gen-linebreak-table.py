#!/usr/bin/env python3
"""Generate gloss's UAX #14 line-break table from the Unicode Character Database.

    python3 tools/gen-linebreak-table.py /usr/share/unicode src/gen

reads, under the first argument (Debian's unicode-data layout):
    LineBreak.txt                          the Line_Break class of every code point
    EastAsianWidth.txt                     F, W, H: LB30 leaves wide brackets alone
    emoji/emoji-data.txt                   Extended_Pictographic: LB30b
    extracted/DerivedGeneralCategory.txt   Mn/Mc (LB1 resolves SA) and Cn (LB30b)
and writes linebreak-table.h and linebreak-table.c into the second.

The output is one table: for every code point an index into a short list of
(class, flags) pairs, found through a three-stage lookup (chunk, block,
value; identical chunks and blocks stored once; the smallest of a few
shapes), checked against the data for every code point before it is written.
A flag is kept only on the classes whose rule reads it, so that blocks stay
identical and the table stays small:
    WIDE                 East_Asian_Width F, W or H, on OP and CP (LB30)
    MARK                 General_Category Mn or Mc, on SA (LB1)
    EXTPICT_UNASSIGNED   Extended_Pictographic and unassigned (LB30b)
The files are written only through this script; they are committed so that a
build needs neither Python nor the Unicode data.
"""

import os
import re
import sys

MAX_CP = 0x110000

# Non-tailorable classes first, then the tailorable ones, as LineBreak.txt
# lists them.  The C enum follows this order; nothing depends on it beyond
# the names.
CLASSES = [
    "BK", "CM", "CR", "GL", "LF", "NL", "SP", "WJ", "ZW", "ZWJ",
    "AI", "AL", "B2", "BA", "BB", "CB", "CJ", "CL", "CP", "EB",
    "EM", "EX", "H2", "H3", "HL", "HY", "ID", "IN", "IS", "JL",
    "JT", "JV", "NS", "NU", "OP", "PO", "PR", "QU", "RI", "SA",
    "SG", "SY", "XX",
]
CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}

FLAG_WIDE = 1
FLAG_MARK = 2
FLAG_EXTPICT_UNASSIGNED = 4

# The defaults LineBreak.txt states in its header for code points it does
# not list (explicit lines override them).
LB_DEFAULTS = [
    (0x3400, 0x4DBF, "ID"), (0x4E00, 0x9FFF, "ID"), (0xF900, 0xFAFF, "ID"),
    (0x20000, 0x2FFFD, "ID"), (0x30000, 0x3FFFD, "ID"),
    (0x1F000, 0x1FAFF, "ID"), (0x1FC00, 0x1FFFD, "ID"),
    (0x20A0, 0x20CF, "PR"),
]

LINE_RE = re.compile(r"^([0-9A-Fa-f]+)(?:\.\.([0-9A-Fa-f]+))?\s*;\s*([A-Za-z0-9_]+)")


def read_ranges(path):
    """Yields (first, last, value) for every data line of a UCD file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            m = LINE_RE.match(line)
            if not m:
                sys.exit("%s: cannot parse: %s" % (path, line))
            first = int(m.group(1), 16)
            last = int(m.group(2), 16) if m.group(2) else first
            yield first, last, m.group(3)


def version_of(path):
    """The file's name and version as its header gives them."""
    with open(path, encoding="utf-8") as f:
        head = [f.readline() for _ in range(10)]
    name = head[0].lstrip("# ").strip()
    for line in head:
        m = re.search(r"Emoji Version ([0-9.]+)", line)
        if m:
            return "%s (emoji %s)" % (name, m.group(1))
    return name


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-linebreak-table.py UNICODE_DATA_DIR OUTPUT_DIR")
    ucd, out_dir = sys.argv[1], sys.argv[2]
    lb_path = os.path.join(ucd, "LineBreak.txt")
    eaw_path = os.path.join(ucd, "EastAsianWidth.txt")
    emoji_path = os.path.join(ucd, "emoji", "emoji-data.txt")
    gc_path = os.path.join(ucd, "extracted", "DerivedGeneralCategory.txt")

    cls = [CLASS_INDEX["XX"]] * MAX_CP
    for first, last, value in LB_DEFAULTS:
        for cp in range(first, last + 1):
            cls[cp] = CLASS_INDEX[value]
    for first, last, value in read_ranges(lb_path):
        if value not in CLASS_INDEX:
            sys.exit("%s: unknown Line_Break class %s" % (lb_path, value))
        for cp in range(first, last + 1):
            cls[cp] = CLASS_INDEX[value]

    wide = bytearray(MAX_CP)
    for first, last, value in read_ranges(eaw_path):
        if value in ("F", "W", "H"):
            for cp in range(first, last + 1):
                wide[cp] = 1

    mark = bytearray(MAX_CP)
    unassigned = bytearray(b"\x01" * MAX_CP)    # @missing: Cn
    for first, last, value in read_ranges(gc_path):
        for cp in range(first, last + 1):
            mark[cp] = value in ("Mn", "Mc")
            unassigned[cp] = value == "Cn"

    extpict = bytearray(MAX_CP)
    for first, last, value in read_ranges(emoji_path):
        if value == "Extended_Pictographic":
            for cp in range(first, last + 1):
                extpict[cp] = 1

    op_cp = (CLASS_INDEX["OP"], CLASS_INDEX["CP"])
    sa = CLASS_INDEX["SA"]
    props = {}          # (class, flags) -> index
    prop_list = []
    values = bytearray(MAX_CP)
    for cp in range(MAX_CP):
        c = cls[cp]
        flags = 0
        if wide[cp] and c in op_cp:
            flags |= FLAG_WIDE
        if mark[cp] and c == sa:
            flags |= FLAG_MARK
        if extpict[cp] and unassigned[cp]:
            flags |= FLAG_EXTPICT_UNASSIGNED
        key = (c, flags)
        if key not in props:
            props[key] = len(prop_list)
            prop_list.append(key)
        values[cp] = props[key]
    if len(prop_list) > 256:
        sys.exit("more than 256 (class, flags) pairs: widen the table")

    table = smallest_table(values)
    for cp in range(MAX_CP):
        if table.lookup(cp) != values[cp]:
            sys.exit("table self-check failed at U+%04X" % cp)
    ranges = 1 + sum(1 for cp in range(1, MAX_CP) if values[cp] != values[cp - 1])
    source = version_of(lb_path)

    os.makedirs(out_dir, exist_ok=True)
    write_header(os.path.join(out_dir, "linebreak-table.h"), source, table)
    write_source(os.path.join(out_dir, "linebreak-table.c"), source, prop_list,
                 table, ranges,
                 [version_of(p) for p in (eaw_path, emoji_path, gc_path)])
    print("%s: %d (class, flags) pairs, %d runs of equal values, %s"
          % (source, len(prop_list), ranges, table.describe()))


def c_type(count):
    return "uint8_t" if count <= 256 else "uint16_t"


class Table:
    """A three-stage lookup: cp >> (low_bits + mid_bits) picks a chunk in
    stage1, the chunk's entry in stage2 picks a block of 2**low_bits values
    in stage3.  Identical chunks and blocks are stored once."""

    def __init__(self, values, low_bits, mid_bits):
        self.low_bits, self.mid_bits = low_bits, mid_bits
        blocks, stage2 = {}, []
        for start in range(0, MAX_CP, 1 << low_bits):
            block = bytes(values[start:start + (1 << low_bits)])
            stage2.append(blocks.setdefault(block, len(blocks)))
        chunks, stage1 = {}, []
        for start in range(0, len(stage2), 1 << mid_bits):
            chunk = tuple(stage2[start:start + (1 << mid_bits)])
            stage1.append(chunks.setdefault(chunk, len(chunks)))
        self.stage1 = stage1
        self.stage2 = [n for chunk in chunks for n in chunk]
        self.stage3 = [v for block in blocks for v in block]
        self.stage1_type = c_type(len(chunks))
        self.stage2_type = c_type(len(blocks))
        self.blocks, self.chunks = len(blocks), len(chunks)

    def lookup(self, cp):
        """What lb_lookup in C does, to check the table before writing it."""
        chunk = self.stage1[cp >> (self.low_bits + self.mid_bits)]
        mid = (cp >> self.low_bits) & ((1 << self.mid_bits) - 1)
        block = self.stage2[(chunk << self.mid_bits) | mid]
        return self.stage3[(block << self.low_bits) | (cp & ((1 << self.low_bits) - 1))]

    def size(self):
        width = {"uint8_t": 1, "uint16_t": 2}
        return (len(self.stage1) * width[self.stage1_type]
                + len(self.stage2) * width[self.stage2_type] + len(self.stage3))

    def describe(self):
        return ("%d chunks of %d blocks, %d blocks of %d code points, %d bytes"
                % (self.chunks, 1 << self.mid_bits, self.blocks,
                   1 << self.low_bits, self.size()))


def smallest_table(values):
    """The smallest of a few shapes (the choice is deterministic)."""
    best = None
    for low_bits in range(4, 8):
        for mid_bits in range(3, 7):
            table = Table(values, low_bits, mid_bits)
            if best is None or table.size() < best.size():
                best = table
    return best


GENERATED = ("/* Generated by tools/gen-linebreak-table.py from %s:\n"
             " * do not edit, run the script again. */\n")


def write_header(path, source, table):
    names = ",\n\t".join("LB_%s" % name for name in CLASSES)
    text = GENERATED % source + """#ifndef GLOSS_GEN_LINEBREAK_TABLE_H
#define GLOSS_GEN_LINEBREAK_TABLE_H

#include <stdint.h>

/* Line_Break classes, as LineBreak.txt names them (LB_COUNT < 64, so a
 * set of classes fits in a uint64_t). */
enum lb_class {
\t%s,
\tLB_COUNT
};

/* Facts besides the class, each kept only where a rule reads it. */
enum {
\tLB_FLAG_WIDE = %d,               /* East_Asian_Width F/W/H, on OP and CP (LB30) */
\tLB_FLAG_MARK = %d,               /* General_Category Mn/Mc, on SA (LB1) */
\tLB_FLAG_EXTPICT_UNASSIGNED = %d  /* Extended_Pictographic and Cn (LB30b) */
};

struct lb_props {
\tuint8_t cls;     /* enum lb_class */
\tuint8_t flags;   /* LB_FLAG_* */
};

#define LB_LOW_BITS %d
#define LB_MID_BITS %d

extern const char *const lb_class_names[LB_COUNT];
extern const struct lb_props lb_props_list[];
extern const %s lb_stage1[];
extern const %s lb_stage2[];
extern const uint8_t lb_stage3[];

/* The properties of code point cp; anything above 10FFFF is looked up as
 * U+10FFFF (a noncharacter: XX). */
static inline struct lb_props
lb_lookup(uint32_t cp)
{
\tif (cp > 0x10FFFF)
\t\tcp = 0x10FFFF;
\tunsigned chunk = lb_stage1[cp >> (LB_LOW_BITS + LB_MID_BITS)];
\tunsigned mid = (cp >> LB_LOW_BITS) & ((1u << LB_MID_BITS) - 1);
\tunsigned block = lb_stage2[(chunk << LB_MID_BITS) | mid];
\tunsigned low = cp & ((1u << LB_LOW_BITS) - 1);
\treturn lb_props_list[lb_stage3[(block << LB_LOW_BITS) | low]];
}

#endif
""" % (names, FLAG_WIDE, FLAG_MARK, FLAG_EXTPICT_UNASSIGNED, table.low_bits,
       table.mid_bits, table.stage1_type, table.stage2_type)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def rows(numbers, per_line, width):
    out = []
    for i in range(0, len(numbers), per_line):
        chunk = numbers[i:i + per_line]
        out.append("\t" + ",".join("%*d" % (width, n) for n in chunk) + ",")
    return "\n".join(out)


def write_source(path, source, prop_list, table, ranges, other_sources):
    parts = [GENERATED.replace(":\n", ",\n * %s:\n" % ", ".join(other_sources), 1)
             % source]
    parts.append("/* %d (class, flags) pairs, %d runs of equal values;\n * %s. */\n"
                 % (len(prop_list), ranges, table.describe()))
    parts.append('#include "config.h"\n\n#include "gen/linebreak-table.h"\n\n')
    parts.append("const char *const lb_class_names[LB_COUNT] = {\n")
    for i in range(0, len(CLASSES), 10):
        parts.append("\t" + " ".join('"%s",' % n for n in CLASSES[i:i + 10]) + "\n")
    parts.append("};\n\n")
    parts.append("const struct lb_props lb_props_list[] = {\n")
    for c, flags in prop_list:
        parts.append("\t{ LB_%s, %d },\n" % (CLASSES[c], flags))
    parts.append("};\n\n")
    parts.append("const %s lb_stage1[] = {\n%s\n};\n\n"
                 % (table.stage1_type, rows(table.stage1, 16, 3)))
    parts.append("const %s lb_stage2[] = {\n%s\n};\n\n"
                 % (table.stage2_type, rows(table.stage2, 16, 3)))
    parts.append("const uint8_t lb_stage3[] = {\n%s\n};\n"
                 % rows(table.stage3, 1 << min(table.low_bits, 5), 2))
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
