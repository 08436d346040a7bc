# Screen tests of the reader, the tig way: gloss runs headless (curses
# writes to /dev/null), reads its keys from a script, and dumps screens
# and states that the test compares with expected files kept beside it.
# Source it first thing, instead of tap.sh:
#
#   . "$top_srcdir/tests/lib/screen.sh"
#   screen_size 100x30
#   steps '
#       ]]                       # next heading
#       :save-screen heading.screen
#   '
#   run_screen article.txt
#   assert_screen heading.screen "]] shows the next heading at the top"
#   done_testing
#
# The runs of one test share a store ($GLOSS_DB, also for gloss_run add),
# so a run starts where the last one quit (the reading position is kept):
# begin the steps with g to start at the top.
#
# Expected screens live in tests/screen/expected/TEST/NAME.  To make them
# (once; then read each by eye and freeze it): GLOSS_FREEZE=1 make check
# TESTS=tests/screen/TEST.test.  A missing expected file fails the test.
. "$top_srcdir/tests/lib/tap.sh"

export GLOSS_HEADLESS=1
# A terminal with colours, so that the attribute masks of --attrs mean
# what a user sees; curses never writes to it (headless).
export TERM=xterm-256color
export LINES=30 COLUMNS=100
export GLOSS_DATADIR="$top_srcdir/share"
export GLOSS_DB="$TEST_DIR/gloss.db"
unset GLOSS_SCRIPT NO_COLOR ESCDELAY

SCREEN_EXPECTED="$top_srcdir/tests/screen/expected/$test_name"
DATA="$top_srcdir/tests/data"

# screen_size COLSxROWS: the size of the (headless) terminal.
screen_size() {
	COLUMNS=${1%x*}
	LINES=${1#*x}
	export COLUMNS LINES
}

# steps 'SCRIPT': the keys and commands of the next run, one per line,
# indentation and "# comments" allowed.  A line of keys is in keymap
# notation (j, <C-d>, <Enter>, /word<Enter>); a line starting with ":" is
# a command.  The script ends with :q.
steps() {
	printf '%s\n' "$1" | sed -e 's/^[ 	]*//' >"$TEST_DIR/steps"
	echo ':q' >>"$TEST_DIR/steps"
}

# run_screen ARGS...: runs the reader with the steps; sets $status, $out,
# $err.  Unless told otherwise (screen_expect_status N), the run must end
# with status 0 and say nothing on stderr: both are checked as one
# assertion.
screen_expected_status=0
screen_expect_status() { screen_expected_status=$1; }
run_screen() {
	GLOSS_SCRIPT="$TEST_DIR/steps" gloss_run "$@"
	if [ "$status" -eq "$screen_expected_status" ] && [ -z "$err" ]; then
		ok 0 "gloss ran the script to its end (status $status)"
	else
		ok 1 "gloss ran the script to its end (status $status, expected $screen_expected_status)"
		printf '%s\n' "$err" | sed 's/^/#   stderr: /' | head -20
	fi
	screen_expected_status=0
}

# assert_screen NAME DESCRIPTION: compares $TEST_DIR/NAME (a screen or
# state dump) with the expected one.
assert_screen() {
	want="$SCREEN_EXPECTED/$1"
	got="$TEST_DIR/$1"
	if [ ! -f "$got" ]; then
		ok 1 "$2"
		diag "gloss wrote no $1"
		return
	fi
	if [ "${GLOSS_FREEZE:-}" = 1 ] && [ ! -f "$want" ]; then
		mkdir -p "$SCREEN_EXPECTED"
		cp "$got" "$want"
		diag "froze $want: read it by eye before committing it"
	fi
	if [ ! -f "$want" ]; then
		ok 1 "$2"
		diag "no expected screen $want (GLOSS_FREEZE=1 makes it)"
		return
	fi
	if diff -u "$want" "$got" >"$TEST_DIR/.diff" 2>&1; then
		ok 0 "$2"
	else
		ok 1 "$2"
		sed 's/^/#   /' "$TEST_DIR/.diff" | head -60
	fi
}

# state_line FILE KEY: the value of "KEY: value" in a :save-state dump.
state_line() {
	sed -n "s/^$2: //p" "$TEST_DIR/$1" | head -1
}

# screen_row FILE N: row N (from 1) of a screen dump.
screen_row() {
	sed -n "${2}p" "$TEST_DIR/$1"
}

# text_row FILE N: row N (from 1) of the panes, below the status line
# (which is on the first row: config "status", top by default).
text_row() {
	sed -n "$(($2 + 1))p" "$TEST_DIR/$1"
}

# status_line FILE: the status line (or prompt) of a screen dump.
status_line() {
	sed -n 1p "$TEST_DIR/$1"
}

# max_row_width FILE: the widest row of a dump, in terminal columns.
max_row_width() {
	python3 -c '
import sys, unicodedata
def w(s):
    n = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return n
print(max([w(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$TEST_DIR/$1"
}
