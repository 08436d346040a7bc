#!/bin/sh
# make bench-store-backends: the store's figures (tests/bench/bench-store)
# on SQLite and on PostgreSQL side by side, on this machine: add latency
# (median, p99), loading a document with 10,000 annotations, search.  The
# PostgreSQL server is a throwaway one (tests/lib/pg.sh) with its durable
# defaults (fsync on, synchronous_commit on), reached over a unix socket.
# Usage: store-backends.sh [SEARCH_ANNOTATIONS]   (default 20000)
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir
bench="$top_builddir/tests/bench/bench-store"
count=${1:-20000}
. "$top_srcdir/tests/lib/tap.sh" >/dev/null
cd "$top_builddir" || exit 1
echo "== SQLite (WAL, synchronous=FULL)"
"$bench" "$TEST_DIR" "$count" || exit 1
export PG_DURABLE=1
. "$top_srcdir/tests/lib/pg.sh"
pg_start bench
echo "== PostgreSQL $("$PG_BIN/postgres" --version | sed 's/^[^0-9]*\([0-9.]*\).*/\1/') (unix socket, fsync on)"
# The import section brings other people's annotations, which takes a
# role with BYPASSRLS on PostgreSQL; bench is an ordinary member, so that
# the figures include row-level security, and that section is skipped.
GLOSS_BENCH_STORE=$(pg_new_database) "$bench" "$TEST_DIR" "$count" 2>&1 |
	sed "s/^bench-store: import: .*row-level security.*/(import of other people's annotations: needs a role with BYPASSRLS, not measured)/"
