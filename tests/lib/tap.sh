# Shell library for gloss's command-line and screen tests; prints TAP for
# automake's tap-driver.  Source it first thing:
#
#   . "$top_srcdir/tests/lib/tap.sh"
#   gloss_run --info article.txt          # runs $GLOSS, captures out/err/status
#   is "$status" 0 "the article opens"
#   like "$out" "hash:" "--info prints the hash"
#   done_testing
#
# Each test gets its own directory (also HOME, XDG dirs, database), a UTF-8
# locale, TZ=UTC and a fixed author, so tests never see the user's files.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${GLOSS:=$top_builddir/src/gloss}"
export top_srcdir top_builddir GLOSS

tap_n=0
tap_failed=0
test_name=$(basename "$0" .test)
TEST_DIR="${top_builddir}/tests/tmp/${test_name}"
rm -rf "$TEST_DIR"
mkdir -p "$TEST_DIR"
TEST_DIR=$(cd "$TEST_DIR" && pwd)
export HOME="$TEST_DIR/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_STATE_HOME="$HOME/.local/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"
export LC_ALL=C.UTF-8 TZ=UTC GLOSS_AUTHOR=tester TERM=dumb
unset GLOSS_DB GLOSS_CONFIG NO_COLOR LANG LANGUAGE
cd "$TEST_DIR"

ok() { # ok CONDITION-STATUS DESCRIPTION  (use: cmd; ok $? "text")
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '%s\n' "#   got:  $1" "#   want: $2" | head -40
	fi
}

like() { # like TEXT SUBSTRING DESCRIPTION
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; printf '%s\n' "#   text: $1" | head -20; echo "#   lacks: $2" ;;
	esac
}

unlike() { # unlike TEXT SUBSTRING DESCRIPTION
	case "$1" in
	*"$2"*) ok 1 "$3"; echo "#   has: $2" ;;
	*) ok 0 "$3" ;;
	esac
}

skip() { # skip REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

diag() { printf '# %s\n' "$@"; }

# gloss_run ARGS...: runs gloss with no terminal and stdin from /dev/null
# (or from $GLOSS_STDIN when set); sets $out, $err, $status.
gloss_run() {
	if [ -n "${GLOSS_STDIN:-}" ]; then
		timeout 60 "$GLOSS" "$@" <"$GLOSS_STDIN" >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	else
		timeout 60 "$GLOSS" "$@" </dev/null >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	fi
	status=$?
	out=$(cat "$TEST_DIR/.out")
	err=$(cat "$TEST_DIR/.err")
	if [ "$status" -eq 124 ]; then diag "gloss $* timed out"; fi
	if grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error:' "$TEST_DIR/.err"; then
		diag "sanitizer report from: gloss $*"
		sed 's/^/#   /' "$TEST_DIR/.err" | head -30
		status=99
	fi
}

# as_user CMD...: runs a command as an unprivileged user (for tests of
# permissions, which root would pass through).  Sets $out, $err, $status.
# Returns 1 (and the caller should skip) when that is impossible.
unprivileged_user() {
	for u in nobody daemon; do
		if id "$u" >/dev/null 2>&1; then echo "$u"; return 0; fi
	done
	return 1
}
can_drop_privileges() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && unprivileged_user >/dev/null
}
as_user() {
	u=$(unprivileged_user)
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups \
		env HOME="$HOME" "$@" </dev/null >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	status=$?
	out=$(cat "$TEST_DIR/.out")
	err=$(cat "$TEST_DIR/.err")
}

# write FILE: writes standard input to FILE (a fixture written in the test).
write() { mkdir -p "$(dirname "$1")"; cat >"$1"; }

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
