# Shell helpers for URL tests: a local web server (tests/lib/httpd.py) on
# 127.0.0.1 only, stopped when the test ends.  Source after tap.sh:
#
#   . "$top_srcdir/tests/lib/httpd.sh"
#   httpd_start "$TEST_DIR/www"      # sets $base (http://127.0.0.1:PORT)
#
# Skips the whole test when python3 is missing or the server cannot start.
# Proxies from the environment are ignored, so nothing leaves the machine.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY

httpd_start() {
	command -v python3 >/dev/null 2>&1 || skip_all "python3 runs the test's web server"
	mkdir -p "$1"
	rm -f "$TEST_DIR/.httpd-port"
	# It exits by itself after 300 seconds even if this test is killed.
	python3 "$top_srcdir/tests/lib/httpd.py" "$1" "$TEST_DIR/.httpd-port" 300 \
		</dev/null >"$TEST_DIR/.httpd-log" 2>&1 &
	httpd_pid=$!
	trap 'kill "$httpd_pid" 2>/dev/null' EXIT
	i=0
	while [ ! -s "$TEST_DIR/.httpd-port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$TEST_DIR/.httpd-port" ] || skip_all "the test's web server did not start"
	base="http://127.0.0.1:$(cat "$TEST_DIR/.httpd-port")"
}
