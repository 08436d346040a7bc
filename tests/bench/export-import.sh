#!/bin/sh
# export-import: figures for gloss export and gloss import (make
# bench-export; never part of make check, never fails on time).
#
#   import   the W3C JSON of N annotations (default 100,000: a tenth of
#            them replies, a fifth with tags) into an empty store, with
#            the time the store's write lock was held; then the same file
#            again (everything unchanged)
#   export   the N annotations in each format (md, md --full, json, csv,
#            html), to a file
#
# Budgets (issue 9): the import holds the lock under 2 s; each export
# takes at most 2 s.  Needs python3 to make the input.
#
# Usage: export-import.sh [N]; GLOSS (the program) and top_builddir as
# make sets them, else ./src/gloss.
set -eu
n=${1:-100000}
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
: "${GLOSS:=$top_builddir/src/gloss}"
dir="$top_builddir/tests/tmp/bench-export"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
export GLOSS_DB="$dir/store.db" GLOSS_AUTHOR=bench TZ=UTC LC_ALL=C.UTF-8

# An article with one sentence per annotation, and the JSON.
python3 - "$n" <<'PY'
import json, sys
n = int(sys.argv[1])
words = ("harbour boats nets quay gulls market tide lantern rope crate "
         "morning river steps bread fish salt").split()
sentences = []
for i in range(n):
    w = [words[(i * 7 + k) % len(words)] for k in range(6)]
    sentences.append("Sentence %d tells of the %s and the %s, %s %s %s %s." %
                     (i, *w))
paras = [" ".join(sentences[i:i + 8]) for i in range(0, n, 8)]
text = "A Long Article\n\n" + "\n\n".join(paras) + "\n"
open("article.txt", "w", encoding="utf-8").write(text)
# Offsets in the rendered text: title, then paragraphs separated by one LF.
rendered = "A Long Article\n" + "\n".join(paras)
items = []
pos = 0
roots = []
for i, s in enumerate(sentences):
    start = rendered.index(s, pos)
    pos = start + len(s)
    if i % 10 == 9 and roots:
        items.append({"id": "urn:uuid:00000000-0000-4000-8000-%012d" % i,
                      "type": "Annotation", "motivation": "replying",
                      "created": "2026-01-01T00:00:00Z",
                      "creator": {"type": "Person", "name": "reader%d" % (i % 5)},
                      "body": [{"type": "TextualBody", "purpose": "commenting",
                                "value": "A reply about sentence %d." % i}],
                      "target": roots[-1]})
        continue
    aid = "urn:uuid:00000000-0000-4000-8000-%012d" % i
    roots.append(aid)
    body = [{"type": "TextualBody", "purpose": "commenting",
             "value": "Note %d: check *this* & that, \"quoted\"." % i}]
    if i % 5 == 0:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": "tag%d" % (i % 50)})
    items.append({"id": aid, "type": "Annotation", "motivation": "commenting",
                  "created": "2026-01-01T00:00:00Z",
                  "creator": {"type": "Person", "name": "reader%d" % (i % 5)},
                  "body": body,
                  "target": {"source": "urn:xxh3-128:unknown",
                             "selector": [
                                 {"type": "TextPositionSelector", "start": start,
                                  "end": start + len(s)},
                                 {"type": "TextQuoteSelector", "exact": s,
                                  "prefix": rendered[max(0, start - 32):start],
                                  "suffix": rendered[start + len(s):start + len(s) + 32]}]}})
json.dump({"@context": "http://www.w3.org/ns/anno.jsonld",
           "type": "AnnotationCollection",
           "first": {"type": "AnnotationPage", "items": items}},
          open("import.json", "w", encoding="utf-8"), ensure_ascii=False)
PY

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
size() { stat -c %s "$1"; }

echo "gloss export/import benchmark: $n annotations ($(size import.json) bytes of JSON)"
t0=$(now)
"$GLOSS" import import.json --to article.txt --json > report.json
t1=$(now)
python3 - "$(elapsed "$t0" "$t1")" <<'PY'
import json, sys
r = json.load(open("report.json"))
print("import (empty store): %.2f s in all, write lock held %.2f s; "
      "%d added, %d orphaned" % (float(sys.argv[1]), r["seconds_locked"],
                                 r["added"], r["orphaned"]))
PY
t0=$(now)
"$GLOSS" import import.json --json > report.json
t1=$(now)
python3 - "$(elapsed "$t0" "$t1")" <<'PY'
import json, sys
r = json.load(open("report.json"))
print("import again (all unchanged): %.2f s in all, write lock held %.2f s; "
      "%d unchanged" % (float(sys.argv[1]), r["seconds_locked"], r["unchanged"]))
PY

for f in md md-full json csv html; do
	case $f in
	md-full) args="--format md --full" ext=md ;;
	*) args="--format $f" ext=$f ;;
	esac
	t0=$(now)
	# shellcheck disable=SC2086
	"$GLOSS" export $args -o "out-$f.$ext" 2>/dev/null
	t1=$(now)
	printf 'export %-8s %6.2f s  %10d bytes\n' "$f" "$(elapsed "$t0" "$t1")" \
		"$(size "out-$f.$ext")"
done
