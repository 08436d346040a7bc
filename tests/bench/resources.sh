#!/bin/sh
# resources: a 100 MB article and a store of 100,000 annotations open and
# work; prints the wall time and the peak memory (maximum resident set)
# of each step.  Figures only (make bench-resources; never part of make
# check, never fails on time or memory), except that each step must
# succeed and the store must pass PRAGMA integrity_check.
#
#   article  ARTICLE (default: 100 MiB of Chinese made by
#            ../shared/bench/make_data.py from tests/data/outline's article,
#            as make bench does; or the project's own fixture repeated when
#            that script is absent): --info (the whole load), --dump
#            --width 80 of all of it to /dev/null, and the reader, headless,
#            going to the end, searching, highlighting and quitting
#   store    N annotations (default 100,000; BENCH_N) imported into an empty
#            store on an article of N sentences; gloss list; the reader
#            opening that article with the notes pane, moving from
#            annotation to annotation, adding one and quitting
#
# Usage: resources.sh [ARTICLE]; GLOSS (the program), top_srcdir and
# top_builddir as make sets them, else ./src/gloss and the script's tree.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
: "${GLOSS:=$top_builddir/src/gloss}"
n=${BENCH_N:-100000}
dir="$top_builddir/tests/tmp/bench-resources"
rm -rf "$dir"
mkdir -p "$dir/home"
cd "$dir"
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_DATA_HOME="$dir/home/.local/share"
export XDG_STATE_HOME="$dir/home/.local/state"
export GLOSS_DB="$dir/store.db" GLOSS_AUTHOR=bench TZ=UTC LC_ALL=C.UTF-8
export GLOSS_DATADIR="$top_srcdir/share"
unset GLOSS_HEADLESS GLOSS_SCRIPT

# measure LABEL CMD...: runs CMD (stdin from $STDIN or /dev/null, output
# to /dev/null, or to $OUT); prints the wall time and the peak RSS of CMD
# and its children; fails when CMD fails.
measure() {
	label=$1
	shift
	python3 - "$label" "$@" <<'PY'
import os, resource, subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
out = open(os.environ["OUT"], "wb") if os.environ.get("OUT") else subprocess.DEVNULL
t = time.monotonic()
r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
took = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print("%-46s %8.2f s  %8.1f MiB peak RSS%s" % (label, took, rss / 1024.0,
      "" if r.returncode == 0 else "  FAILED (exit %d)" % r.returncode))
if r.returncode:
    sys.stderr.write(r.stderr.decode("utf-8", "replace")[-2000:])
    sys.exit(1)
PY
}

# ------------------------------------------------------------ the article
article=${1:-}
if [ -z "$article" ]; then
	data="$top_builddir/tests/bench/data"
	article="$data/cjk-100m.txt"
	make_data="$top_srcdir/../shared/bench/make_data.py"
	if [ ! -f "$article" ] && [ -f "$make_data" ]; then
		mkdir -p "$data"
		python3 "$make_data" --source "$top_srcdir/tests/data/outline/news-zh-hant.txt" \
			--out "$data" --only cjk-100m >/dev/null
	fi
	if [ ! -f "$article" ]; then
		article="$dir/cjk-100m.txt"
		python3 - "$top_srcdir/tests/data/reader/night-market-zh.txt" "$article" <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    size, i = 0, 0
    while size < 100 * 1024 * 1024:
        i += 1
        part = "第 %d 篇 COPY-%06d\n\n%s\n" % (i, i, src)
        f.write(part)
        size += len(part.encode("utf-8"))
    f.write("〔全文完〕 END-OF-DATA\n")
PY
	fi
fi
bytes=$(stat -c %s "$article")
echo "gloss resources: $(basename "$article"), $bytes bytes; a store of $n annotations"
echo "gloss: $("$GLOSS" --version 2>/dev/null | head -1)"
measure "--info (load, normalise, blocks, outline)" "$GLOSS" --info "$article"
measure "--dump --width 80 of the whole article" "$GLOSS" --dump --width 80 "$article"
echo ':q' >steps-quit
GLOSS_HEADLESS=1 GLOSS_SCRIPT=steps-quit TERM=xterm-256color LINES=40 COLUMNS=120 \
	measure "reader: open and quit" "$GLOSS" "$article"
cat >steps-article <<'EOF'
:save-state first.state
G
:save-state end.state
/END-OF-DATA<Enter>
50%
v>
<Enter>
:save-state highlighted.state
:q
EOF
GLOSS_HEADLESS=1 GLOSS_SCRIPT=steps-article TERM=xterm-256color LINES=40 COLUMNS=120 \
	measure "reader: open, end, search, 50%, highlight" "$GLOSS" "$article"
grep -q '^message: highlighted' highlighted.state ||
	{ echo "resources: the highlight was not saved: $(grep '^message' highlighted.state)"; exit 1; }

# -------------------------------------------------------------- the store
# An article of N sentences and the W3C JSON of N annotations, one on each.
python3 - "$n" <<'PY'
import json, sys
n = int(sys.argv[1])
words = ("harbour boats nets quay gulls market tide lantern rope crate "
         "morning river steps bread fish salt").split()
sentences = ["Sentence %d tells of the %s and the %s, %s %s %s %s." %
             (i, *[words[(i * 7 + k) % len(words)] for k in range(6)]) for i in range(n)]
paras = [" ".join(sentences[i:i + 8]) for i in range(0, n, 8)]
open("many.txt", "w", encoding="utf-8").write("A Long Article\n\n" + "\n\n".join(paras) + "\n")
rendered = "A Long Article\n" + "\n".join(paras)
items, pos = [], 0
for i, s in enumerate(sentences):
    start = rendered.index(s, pos)
    pos = start + len(s)
    body = [{"type": "TextualBody", "purpose": "commenting", "value": "Note %d." % i}]
    if i % 5 == 0:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": "tag%d" % (i % 50)})
    items.append({"id": "urn:uuid:00000000-0000-4000-8000-%012d" % i, "type": "Annotation",
                  "motivation": "commenting", "created": "2026-01-01T00:00:00Z",
                  "creator": {"type": "Person", "name": "reader%d" % (i % 5)}, "body": body,
                  "target": {"source": "urn:xxh3-128:unknown", "selector": [
                      {"type": "TextPositionSelector", "start": start, "end": start + len(s)},
                      {"type": "TextQuoteSelector", "exact": s,
                       "prefix": rendered[max(0, start - 32):start],
                       "suffix": rendered[start + len(s):start + len(s) + 32]}]}})
json.dump({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
           "first": {"type": "AnnotationPage", "items": items}},
          open("import.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
export GLOSS_DB="$dir/many.db"
echo "  (import.json: $(stat -c %s import.json) bytes)"
measure "import of $n annotations" "$GLOSS" import import.json --to many.txt
OUT=list.txt measure "gloss list (all $n)" "$GLOSS" list many.txt
echo "  (gloss list printed $(wc -l <list.txt) lines)"
GLOSS_HEADLESS=1 GLOSS_SCRIPT=steps-quit TERM=xterm-256color LINES=40 COLUMNS=160 \
	measure "reader: $n annotations, open and quit" "$GLOSS" many.txt
cat >steps-store <<'EOF'
<F3>
:save-state notes.state
]n]n]n]n]n
G
[n
}
v>
<Enter>
:save-state added.state
:q
EOF
GLOSS_HEADLESS=1 GLOSS_SCRIPT=steps-store TERM=xterm-256color LINES=40 COLUMNS=160 \
	measure "reader: $n annotations, notes, ]n, add one" "$GLOSS" many.txt
echo "  (the notes pane said: $(grep '^notes:' notes.state | head -1))"
grep -q '^message: highlighted' added.state ||
	{ echo "resources: the new highlight was not saved: $(grep '^message' added.state)"; exit 1; }
measure "gloss search (full-text, trigram) among all" "$GLOSS" search "Sentence 99999"
python3 -c '
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
r = " ".join(x[0] for x in con.execute("PRAGMA integrity_check"))
print("store: %s, %d bytes, PRAGMA integrity_check: %s" % (sys.argv[1].rsplit("/", 1)[-1],
      __import__("os").path.getsize(sys.argv[1]), r))
sys.exit(0 if r == "ok" else 1)' "$GLOSS_DB"
