#!/bin/sh
# reader-annotations: what a key costs in the reader with many
# annotations (issue 10: a screen with 200 annotations on it drawn in
# <= 1 ms; the reader as responsive as less).  For each size N (BENCH_SIZES,
# default "10000 100000"): an article of N sentences, one annotation on
# each by five colleagues (all new to the reader), imported into an empty
# store; then the reader, headless, runs key scripts and each figure is
# the difference of wall times (median of BENCH_RUNS runs, default 3) with
# a script that only opens and quits, in CPU time (user + system) of the
# process, which a busy machine disturbs less than wall time:
#
#   ]n                  one ]n (of BENCH_NEXT, 200, in a row) from the top,
#                       at 160x40
#   F3 notes pane       F3 twice (BENCH_TOGGLES, 20, times): the notes pane
#                       opened and closed again, at 160x40
#   redraw 240x100      one Ctrl-L (of BENCH_REDRAWS, 500) at 240x100, where
#                       about 200 annotations are on the screen (the count
#                       is shown), and the same on the same article without
#                       annotations (an empty store): the difference is what
#                       drawing the annotations costs
#
# Figures only (make bench-annotations; never part of make check).
# GLOSS (the program), top_srcdir and top_builddir as make sets them.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
: "${GLOSS:=$top_builddir/src/gloss}"
sizes=${BENCH_SIZES:-10000 100000}
runs=${BENCH_RUNS:-3}
next=${BENCH_NEXT:-200}
toggles=${BENCH_TOGGLES:-20}
redraws=${BENCH_REDRAWS:-500}
dir="$top_builddir/tests/tmp/bench-annotations"
rm -rf "$dir"
mkdir -p "$dir/home"
cd "$dir"
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_DATA_HOME="$dir/home/.local/share"
export XDG_STATE_HOME="$dir/home/.local/state"
export GLOSS_AUTHOR=bench TZ=UTC LC_ALL=C.UTF-8 GLOSS_DATADIR="$top_srcdir/share"
export GLOSS_HEADLESS=1 TERM=xterm-256color
unset GLOSS_SCRIPT

printf 'g\n:q\n' >s-quit
{ printf 'g\n'; i=0; while [ $i -lt "$next" ]; do echo ']n'; i=$((i + 1)); done; echo ':q'; } >s-next
{ printf 'g\n'; i=0; while [ $i -lt $((toggles * 2)) ]; do echo '<F3>'; i=$((i + 1)); done; echo ':q'; } >s-notes
{ printf 'g\n'; i=0; while [ $i -lt "$redraws" ]; do echo '<C-l>'; i=$((i + 1)); done
  printf ':save-screen redraw.screen\n:q\n'; } >s-redraw

echo "gloss reader with many annotations: $("$GLOSS" --version 2>/dev/null | head -1)"
for n in $sizes; do
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
	export GLOSS_DB="$dir/store-$n.db"
	"$GLOSS" import import.json --to many.txt >/dev/null
	python3 - "$n" "$runs" "$GLOSS" "$next" "$toggles" "$redraws" <<'PY'
import os, statistics, subprocess, sys
n, runs, gloss = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
nnext, toggles, redraws = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
def wall(script, size, db=None):
    env = dict(os.environ, GLOSS_SCRIPT=script, COLUMNS=size[0], LINES=size[1])
    if db:
        env["GLOSS_DB"] = db
    times = []
    for _ in range(runs):
        p = subprocess.Popen([gloss, "many.txt"], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        if status:
            sys.exit("gloss failed on %s (status %d)" % (script, status))
        times.append(ru.ru_utime + ru.ru_stime)
    return statistics.median(times)
small, big = ("160", "40"), ("240", "100")
base = wall("s-quit", small)
base_big = wall("s-quit", big)
print("%d annotations: open and quit %.0f ms CPU (160x40)" % (n, base * 1000))
print("  %-34s %9.3f ms" % ("]n (one of %d)" % nnext, (wall("s-next", small) - base) * 1000 / nnext))
print("  %-34s %9.3f ms" % ("F3 notes pane, open + close", (wall("s-notes", small) - base) * 1000 / toggles))
redraw = (wall("s-redraw", big) - base_big) * 1000 / redraws
shown = sum(line.count("Sentence ") for line in open("redraw.screen", encoding="utf-8"))
print("  %-34s %9.3f ms  (%d annotations on screen)" % ("redraw 240x100 (one Ctrl-L)", redraw, shown))
empty = "empty-%d.db" % n
base_empty = wall("s-quit", big, empty)
plain = (wall("s-redraw", big, empty) - base_empty) * 1000 / redraws
print("  %-34s %9.3f ms  (drawing the annotations: %.3f ms)" % ("the same without annotations", plain,
      redraw - plain))
PY
done
