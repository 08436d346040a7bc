# Golden dumps of layout: lays out a fixture of tests/data/layout/ at a
# list of widths with tests/unit/layout-dump (what `gloss --dump --forced`
# prints) and compares each dump with tests/layout/expected/NAME-wWIDTH.txt.
# Source it after tests/lib/tap.sh.
#
# To make or update the expected dumps, run the test with GLOSS_REGEN=1 in
# the environment (e.g. make check TESTS=tests/layout/ja.test
# GLOSS_REGEN=1), then read every changed dump by eye before committing it.
LAYOUT_DUMP="$top_builddir/tests/unit/layout-dump"
[ -x "$LAYOUT_DUMP" ] || skip_all "tests/unit/layout-dump is not built"

# golden FIXTURE WHAT [OPTION...]: the widths 1 2 3 10 40 80 200, or those
# in $WIDTHS; extra options go to layout-dump (and into the file name).
golden() {
	fixture=$1
	what=$2
	shift 2
	name=${fixture%.*}
	suffix=$(printf '%s' "$*" | tr -c 'a-z0-9' '-' | sed 's/--*/-/g; s/^-//; s/-$//')
	for w in ${WIDTHS:-1 2 3 10 40 80 200}; do
		base="$name-w$w${suffix:+-$suffix}.txt"
		expected="$top_srcdir/tests/layout/expected/$base"
		got="$TEST_DIR/$base"
		"$LAYOUT_DUMP" --forced --width "$w" "$@" \
			"$top_srcdir/tests/data/layout/$fixture" >"$got" 2>"$TEST_DIR/stderr"
		st=$?
		if [ -n "${GLOSS_REGEN:-}" ] && [ "$st" -eq 0 ]; then
			cp "$got" "$expected"
		fi
		if [ "$st" -ne 0 ]; then
			ok 1 "$what at width $w: layout-dump failed ($st)"
			sed 's/^/#   /' "$TEST_DIR/stderr" | head -20
		elif [ ! -f "$expected" ]; then
			ok 1 "$what at width $w: no expected dump $base"
		elif cmp -s "$expected" "$got"; then
			ok 0 "$what at width $w looks as reviewed"
		else
			ok 1 "$what at width $w looks as reviewed"
			diff -u "$expected" "$got" | head -40 | sed 's/^/#   /'
		fi
	done
}
