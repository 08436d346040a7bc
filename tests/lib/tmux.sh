# Tests of the reader in a real terminal: tmux runs gloss in a pane of a
# given size, the test sends keys and reads the pane back with
# capture-pane.  Every wait polls the pane (never a fixed sleep).  Source
# it first thing, instead of tap.sh; it skips the test when tmux is
# missing.
#
#   . "$top_srcdir/tests/lib/tmux.sh"
#   tmux_start 100 30 "$DATA/reader/night-market-zh.txt"
#   tmux_wait_for "夜市"           # or fail after 20 s
#   tmux_keys j
#   tmux_capture now.txt
. "$top_srcdir/tests/lib/tap.sh"

if ! command -v tmux >/dev/null 2>&1; then
	skip_all "tmux is not installed (Debian package tmux): no real-terminal tests"
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip_all "python3 is needed to measure the rows of the terminal"
fi

DATA="$top_srcdir/tests/data"
# Each tmux_start gets a server of its own (a new socket), so a test can
# start gloss several times without waiting for a server to go away.
TMUX_SOCKET="gloss-test-$$"
TMUX_RUNS=0
TMUX_CMD="tmux -L $TMUX_SOCKET-0 -f $TEST_DIR/tmux.conf"
cat >"$TEST_DIR/tmux.conf" <<'CONF'
set -g status off
set -g escape-time 0
CONF
unset TMUX
tmux_kill_all() {
	i=0
	while [ $i -le $TMUX_RUNS ]; do
		tmux -L "$TMUX_SOCKET-$i" kill-server >/dev/null 2>&1
		# the server leaves its socket behind
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET-$i"
		i=$((i + 1))
	done
}
trap tmux_kill_all EXIT

# tmux_start COLS ROWS ARGS...: runs, in a new pane, a shell that records
# the terminal's modes, runs gloss ARGS, and says how gloss ended and
# whether the modes came back ("tty restored"), then waits (cat) so that
# the pane can still be read.  TERM in the pane: $PANE_TERM (tmux-256color);
# the store: $PANE_DB (default: the one under XDG_DATA_HOME).
tmux_start() {
	cols=$1 rows=$2
	shift 2
	TMUX_RUNS=$((TMUX_RUNS + 1))
	TMUX_CMD="tmux -L $TMUX_SOCKET-$TMUX_RUNS -f $TEST_DIR/tmux.conf"
	{
		echo "cd '$TEST_DIR' || exit 1"
		printf 'export HOME=%s XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s LC_ALL=C.UTF-8\n' \
			"'$HOME'" "'$XDG_CONFIG_HOME'" "'$XDG_DATA_HOME'"
		printf 'export GLOSS_AUTHOR=tester GLOSS_DATADIR=%s TERM=%s\n' \
			"'$top_srcdir/share'" "${PANE_TERM:-tmux-256color}"
		echo 'unset GLOSS_HEADLESS GLOSS_SCRIPT NO_COLOR COLUMNS LINES GLOSS_DB'
		# On TERM=linux ncurses would load libgpm for the mouse (there is
		# no GPM in tmux, and libgpm keeps bytes the leak checker sees).
		echo 'export NCURSES_GPM_TERMS='
		[ -n "${PANE_DB:-}" ] && printf 'export GLOSS_DB=%s\n' "'$PANE_DB'"
		echo 'before=$(stty -g)'
		printf '"%s"' "$GLOSS"
		for arg in "$@"; do printf " '%s'" "$arg"; done
		echo
		echo 'status=$?'
		echo 'after=$(stty -g)'
		echo '[ "$before" = "$after" ] && echo "tty restored" || echo "tty changed"'
		echo 'echo "gloss exited $status"'
		echo 'exec cat'
	} >"$TEST_DIR/pane.sh"
	if [ -n "${PANE_SHELL:-}" ]; then
		# An interactive shell with job control, as a user has: Ctrl-Z
		# stops gloss and fg brings it back.
		$TMUX_CMD new-session -d -s t -x "$cols" -y "$rows" \
			"env PS1='$ ' HOME='$HOME' bash --norc --noprofile -i"
		tmux_wait_for '$'
		$TMUX_CMD send-keys -t t -l "sh '$TEST_DIR/pane.sh'"
		$TMUX_CMD send-keys -t t Enter
	else
		$TMUX_CMD new-session -d -s t -x "$cols" -y "$rows" "sh '$TEST_DIR/pane.sh'"
	fi
}

# tmux_capture FILE: the pane's text now.
tmux_capture() {
	$TMUX_CMD capture-pane -p -t t >"$TEST_DIR/$1"
}

# tmux_wait_for TEXT: polls until TEXT shows in the pane; false after 20 s.
tmux_wait_for() {
	i=0
	while [ $i -lt 400 ]; do
		if $TMUX_CMD capture-pane -p -t t 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for: $1"
	$TMUX_CMD capture-pane -p -t t 2>/dev/null | sed 's/^/#   | /' | head -40
	return 1
}

# tmux_wait_row N TEXT: polls until row N (from 1) of the pane starts with
# TEXT (after the blanks at its start).
tmux_wait_row() {
	i=0
	while [ $i -lt 400 ]; do
		row=$($TMUX_CMD capture-pane -p -t t 2>/dev/null | sed -n "${1}p" | sed 's/^ *//')
		case "$row" in "$2"*) return 0 ;; esac
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for row $1 to start with: $2 (it is: $row)"
	return 1
}

# tmux_wait_status [ROWS]: polls until the status line, on the first row
# (the default of config "status"), has been drawn (it ends with "%"); with
# ROWS, until the window is also ROWS rows high (after a resize).
tmux_wait_status() {
	i=0
	while [ $i -lt 400 ]; do
		screen=$($TMUX_CMD capture-pane -p -t t 2>/dev/null)
		row=$(printf '%s\n' "$screen" | sed -n 1p)
		case "$row" in
		*READ*%)
			[ -z "${1:-}" ] || [ "$(printf '%s\n' "$screen" | wc -l)" -eq "$1" ] && return 0 ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for the status line on the first row (it is: $row)"
	return 1
}

tmux_keys() { $TMUX_CMD send-keys -t t "$@"; }
tmux_text() { $TMUX_CMD send-keys -t t -l "$1"; }
tmux_resize() { $TMUX_CMD resize-window -t t -x "$1" -y "$2"; }
tmux_format() { $TMUX_CMD display-message -p -t t "$1"; }
tmux_pid() { tmux_format '#{pane_pid}'; }
# gloss_pid: the process id of gloss in the pane (the pane's shell runs
# pane.sh, which runs gloss), or nothing.
gloss_pid() {
	for p in $(ps -e -o pid= -o comm= | awk '$2 == "gloss" { print $1 }'); do
		# one of ours: a descendant of this pane's process
		q=$p
		while [ -n "$q" ] && [ "$q" -gt 1 ]; do
			if [ "$q" = "$(tmux_pid)" ]; then echo "$p"; return 0; fi
			q=$(ps -o ppid= -p "$q" | tr -d ' ')
		done
	done
}

# max_width FILE: the widest row of a capture, in terminal columns.
max_width() {
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

# assert_fits FILE COLS DESCRIPTION
assert_fits() {
	got=$(max_width "$1")
	[ "$got" -le "$2" ]
	ok $? "$3 (widest row: $got of $2 columns)"
}
