# Shell library: a throwaway PostgreSQL server for the tests of gloss's
# PostgreSQL store.  Source it after tests/lib/tap.sh:
#
#   . "$top_srcdir/tests/lib/pg.sh"
#   pg_start alice bob          # or skip_all with a clear reason
#   db=$(pg_new_database)       # an empty database; prints its location
#   GLOSS_DB=$db GLOSS_AUTHOR=alice gloss_run add ...
#
# pg_start runs initdb in a directory of the test ($TEST_DIR/pg), listens on
# a unix socket in that directory only (no TCP port, so parallel tests and a
# real server on the machine never meet), and stops the server when the test
# exits.  As root it runs the server as an unprivileged user (PostgreSQL
# refuses to run as root).  Each name given becomes a login role: in gloss's
# PostgreSQL store an author is a database role.  The bootstrap superuser is
# "gloss_admin", or $PG_SUPERUSER when set ("postgres", as on Debian).
# Every new database has pg_trgm and lets its roles create
# the store's tables.
#
# The server binaries are found with pg_config or in
# /usr/lib/postgresql/*/bin (Debian's postgresql package); when they are
# missing the test is skipped and says so.

pg_bindir() {
	if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
		echo "$PG_BINDIR"; return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			echo "$d"; return 0
		fi
	done
	return 1
}

# pg_run CMD...: runs a server-side command as the server's user.
pg_run() {
	if [ -n "$pg_user" ]; then
		setpriv --reuid="$(id -u "$pg_user")" --regid="$(id -g "$pg_user")" \
			--clear-groups env HOME="$PG_DIR" "$@"
	else
		"$@"
	fi
}

# pg_sql [DATABASE] < SQL: runs SQL as the superuser; quiet, stops at the
# first error.
pg_sql() {
	PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" \
		-U "${PG_SUPERUSER:-gloss_admin}" -d "${1:-postgres}" >/dev/null
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
		pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	return 0
}

# pg_restart: starts the stopped server again (same data, same socket).
pg_restart() {
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start >/dev/null
}

pg_start() {
	PG_BIN=$(pg_bindir) || skip_all "PostgreSQL server binaries not installed (Debian package postgresql): the PostgreSQL half of the store tests was skipped"
	[ -x "$PG_BIN/psql" ] || PG_BIN_PSQL=$(command -v psql) || skip_all "psql not installed: the PostgreSQL half was skipped"
	pg_user=""
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip_all "running as root without setpriv: cannot start a PostgreSQL server as an unprivileged user"
		pg_user=$(unprivileged_user) || skip_all "running as root and no unprivileged user to run PostgreSQL"
	fi
	# A short socket path: unix socket names are limited to 107 bytes.
	PG_DIR=$(mktemp -d /tmp/gloss-pg.XXXXXX)
	export PG_DIR PG_BIN
	chmod 0755 "$PG_DIR"
	[ -n "$pg_user" ] && chown "$pg_user" "$PG_DIR"
	# The port only names the socket file (.s.PGSQL.PORT); no TCP.
	PG_PORT=$((20000 + $$ % 20000))
	export PG_PORT
	trap 'pg_stop; rm -rf "$PG_DIR"' EXIT
	trap 'exit 130' INT TERM
	if ! pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U "${PG_SUPERUSER:-gloss_admin}" -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
		diag "initdb failed:"; sed 's/^/#   /' "$PG_DIR/initdb.log" | tail -20
		echo "Bail out! cannot create a PostgreSQL cluster"
		exit 1
	fi
	# fsync off: a throwaway server; the tests are about gloss, not disks
	# (a stopped server loses nothing: synchronous_commit stays on).
	# PG_DURABLE=1 keeps PostgreSQL's defaults (for benchmarks that
	# compare with SQLite's synchronous=FULL).
	if [ -z "${PG_DURABLE:-}" ]; then
		printf '%s\n' "fsync = off" "full_page_writes = off" \
			>>"$PG_DIR/data/postgresql.conf"
	fi
	printf '%s\n' "max_connections = 40" >>"$PG_DIR/data/postgresql.conf"
	if ! pg_restart; then
		diag "the PostgreSQL server did not start:"; sed 's/^/#   /' "$PG_DIR/log" | tail -20
		echo "Bail out! cannot start PostgreSQL"
		exit 1
	fi
	# What every test database gets (CREATE DATABASE copies template1).
	pg_sql template1 <<-EOF
	CREATE EXTENSION IF NOT EXISTS pg_trgm;
	GRANT CREATE ON SCHEMA public TO PUBLIC;
	EOF
	for role in "$@"; do
		pg_add_role "$role"
	done
}

# pg_add_role NAME: a login role (an author).
pg_add_role() {
	echo "CREATE ROLE \"$1\" LOGIN;" | pg_sql
}

# pg_new_database: creates an empty database and prints the store location
# that names it (without a user: gloss then connects as the author).
pg_new_database() {
	# Counted in a file: it is called in $(...), a subshell.
	n=$(($(cat "$PG_DIR/databases" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$PG_DIR/databases"
	name="gloss_test_$n"
	echo "CREATE DATABASE $name;" | pg_sql
	pg_location "$name"
}

# pg_location DATABASE: the location of a database on this server.
pg_location() {
	echo "postgresql:///$1?host=$PG_DIR&port=$PG_PORT"
}
