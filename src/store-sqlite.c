/* store-sqlite: the SQLite driver of the store (store-db.h) and what only
 * SQLite has: opening a file (modes, read-only fallback, WAL, busy
 * timeout), PRAGMA data_version for live updates, and the integrity
 * check.  The schema and its migrations are in store-schema.c. */
#include "config.h"

#include "store-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* At least the 5 s DESIGN asks for: a colleague's write (or a slow disk)
 * must not make a command fail. */
#define STORE_BUSY_TIMEOUT_MS 5000
/* How often a connection that waits for a lock tries again.  SQLite's
 * own busy timeout backs off to a try every 100 ms, so a writer waiting
 * behind a process that writes in a series of short transactions (the
 * search index's catch-up after an import, store-import.c) would seldom
 * find the lock free: the gaps between those transactions are a few
 * milliseconds.  A failed try costs a system call. */
#define STORE_BUSY_POLL_US 1000

struct lite_db {
	struct db base;
	sqlite3 *h;
	int last_rc;             /* for errmsg before the handle exists */
	long long data_version;  /* last PRAGMA data_version seen; -1: none */
	struct timespec busy_since; /* when the current wait for a lock began */
	sqlite3_stmt *data_version_q;
};

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *q;
};

static struct lite_db *
lite(struct db *db)
{
	return (struct lite_db *)db;
}

static sqlite3_stmt *
lq(struct db_stmt *st)
{
	return ((struct lite_stmt *)st)->q;
}

sqlite3 *
store_sqlite_handle(struct store *s)
{
	return lite(s->db)->h;
}

static sqlite3 *
lite_handle(struct store *s)
{
	return store_sqlite_handle(s);
}

/* SQLite's result codes in the driver interface's terms. */
int
store_sqlite_rc(int rc)
{
	switch (rc) {
	case SQLITE_OK: return DB_OK;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_CONSTRAINT_FOREIGNKEY: return DB_CONSTRAINT_FK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY: return DB_CONSTRAINT_UNIQUE;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_BUSY;
	case SQLITE_READONLY: return DB_READONLY;
	case SQLITE_PERM:
	case SQLITE_AUTH: return DB_DENIED;
	case SQLITE_FULL: return DB_FULL;
	case SQLITE_NOTADB: return DB_NOTADB;
	case SQLITE_CORRUPT: return DB_CORRUPT;
	case SQLITE_CANTOPEN: return DB_CANTOPEN;
	case SQLITE_IOERR: return DB_IOERR;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	default: return DB_ERROR;
	}
}

static int
lite_result(struct db *db, int rc)
{
	lite(db)->last_rc = rc;
	return store_sqlite_rc(rc);
}

static int
lite_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	sqlite3_stmt *q = NULL;
	*out = NULL;
	int rc = sqlite3_prepare_v3(lite(db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &q, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(q);
		return lite_result(db, rc);
	}
	struct lite_stmt *st = xcalloc(1, sizeof *st);
	st->base.db = db;
	st->q = q;
	*out = &st->base;
	return DB_OK;
}

static void
lite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(lq(st));
	free(st);
}

static void
lite_reset(struct db_stmt *st)
{
	sqlite3_reset(lq(st));
	sqlite3_clear_bindings(lq(st));
}

static int
lite_bind_text(struct db_stmt *st, int i, const char *text, size_t len)
{
	int rc = text ? sqlite3_bind_text64(lq(st), i, text, len, SQLITE_TRANSIENT,
					    SQLITE_UTF8)
		      : sqlite3_bind_null(lq(st), i);
	return lite_result(st->db, rc);
}

static int
lite_bind_int64(struct db_stmt *st, int i, long long v)
{
	return lite_result(st->db, sqlite3_bind_int64(lq(st), i, v));
}

static int
lite_step(struct db_stmt *st)
{
	return lite_result(st->db, sqlite3_step(lq(st)));
}

static bool
lite_column_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(lq(st), i) == SQLITE_NULL;
}

static const char *
lite_column_text(struct db_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(lq(st), i);
	return t ? (const char *)t : "";
}

static size_t
lite_column_bytes(struct db_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(lq(st), i);
}

static long long
lite_column_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(lq(st), i);
}

static int
lite_exec(struct db *db, const char *sql)
{
	return lite_result(db, sqlite3_exec(lite(db)->h, sql, NULL, NULL, NULL));
}

static long long
lite_changes(struct db *db)
{
	return sqlite3_changes64(lite(db)->h);
}

static int
lite_begin_write(struct db *db)
{
	return lite_exec(db, "BEGIN IMMEDIATE");
}

static int
lite_commit(struct db *db)
{
	return lite_exec(db, "COMMIT");
}

static bool
lite_in_transaction(struct db *db)
{
	return lite(db)->h && !sqlite3_get_autocommit(lite(db)->h);
}

/* SQLite may already have rolled back by itself (after SQLITE_FULL, for
 * instance). */
static void
lite_rollback(struct db *db)
{
	if (lite_in_transaction(db))
		sqlite3_exec(lite(db)->h, "ROLLBACK", NULL, NULL, NULL);
}

static bool
lite_changed_elsewhere(struct db *db)
{
	struct lite_db *l = lite(db);
	if (!l->data_version_q &&
	    sqlite3_prepare_v3(l->h, "PRAGMA data_version", -1,
			       SQLITE_PREPARE_PERSISTENT, &l->data_version_q,
			       NULL) != SQLITE_OK)
		return false;
	bool changed = false;
	if (sqlite3_step(l->data_version_q) == SQLITE_ROW) {
		long long v = sqlite3_column_int64(l->data_version_q, 0);
		changed = l->data_version >= 0 && v != l->data_version;
		l->data_version = v;
	}
	sqlite3_reset(l->data_version_q);
	return changed;
}

static void
lite_optimize(struct db *db)
{
	sqlite3_exec(lite(db)->h, "PRAGMA optimize", NULL, NULL, NULL);
}

static const char *
lite_errmsg(struct db *db)
{
	struct lite_db *l = lite(db);
	return l->h ? sqlite3_errmsg(l->h) : sqlite3_errstr(l->last_rc);
}

static void
lite_close(struct db *db)
{
	struct lite_db *l = lite(db);
	sqlite3_finalize(l->data_version_q);
	if (l->h)
		sqlite3_close_v2(l->h);
	free(l);
}

static const struct db_ops lite_ops = {
	.name = "SQLite",
	.has_fts5 = true,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.reset = lite_reset,
	.bind_text = lite_bind_text,
	.bind_int64 = lite_bind_int64,
	.step = lite_step,
	.column_is_null = lite_column_is_null,
	.column_text = lite_column_text,
	.column_bytes = lite_column_bytes,
	.column_int64 = lite_column_int64,
	.exec = lite_exec,
	.changes = lite_changes,
	.begin_write = lite_begin_write,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.in_transaction = lite_in_transaction,
	.changed_elsewhere = lite_changed_elsewhere,
	.optimize = lite_optimize,
	.errmsg = lite_errmsg,
	.close = lite_close,
};

/* --------------------------------------------------------------- opening */
/* (Moved here from store.c with the driver interface.) */

/* The directory part of a path ("." for a bare name). */
static char *
parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* A "file:" URI for a path: '%', '?' and '#' escaped, as SQLite's URI
 * filenames require. */
static char *
path_uri(const char *path, const char *query)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_putc(&b, *p);
	}
	buf_puts(&b, query);
	return buf_steal(&b, NULL);
}

static enum gl_status
exec_sql(struct store *s, const char *sql, const char *what,
	 struct gl_error *err)
{
	int rc = sqlite3_exec(lite_handle(s), sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sql_fail(s, store_sqlite_rc(rc), what, err);
	return GL_OK;
}

/* Reads one integer from a query (a PRAGMA). */
static enum gl_status
query_int(struct store *s, const char *sql, long long *out,
	  struct gl_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(lite_handle(s), sql, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(q, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			*out = 0;
			rc = SQLITE_OK;
		}
	}
	enum gl_status st = GL_OK;
	if (rc != SQLITE_OK)
		st = store_sql_fail(s, store_sqlite_rc(rc), "cannot read the store", err);
	sqlite3_finalize(q);
	return st;
}

/* Creates the file (and for a private store its directories) so that its
 * mode is ours, not SQLite's default 0644: 0600, since it holds private
 * notes, wherever it is (--db, GLOSS_DB too), unless its directory is
 * a shared one as `gloss init-shared` makes it (setgid, group-writable):
 * then 0660 whatever the umask, so that every member of the group can
 * write it.  SQLite gives the -wal and -shm files the database's mode. */
static enum gl_status
create_file(struct store *s, const char *dir, unsigned flags,
	    struct gl_error *err)
{
	struct stat sb;
	if (flags & STORE_OPEN_PRIVATE) {
		enum gl_status st = gl_mkdir_p(dir, 0700, err);
		if (st != GL_OK)
			return gl_fail(err, GL_STORE, "cannot create the store %s: %s",
				       s->path, err ? err->message : "mkdir failed");
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return gl_fail(err, GL_STORE,
			       "cannot create the store %s: no directory %s",
			       s->path, dir);
	if (access(dir, W_OK) != 0)
		return gl_fail(err, GL_STORE_READONLY,
			       "cannot create the store %s: its directory is "
			       "read-only", s->path);
	bool shared = !(flags & STORE_OPEN_PRIVATE) &&
		      (sb.st_mode & S_ISGID) && (sb.st_mode & S_IWGRP);
	mode_t mode = shared ? 0660 : 0600;
	int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno != EEXIST)
		return gl_fail(err, GL_STORE, "cannot create the store %s: %s",
			       s->path, strerror(errno));
	if (fd >= 0) {
		/* The umask may have taken the group's bits. */
		if (shared)
			(void)fchmod(fd, mode);
		close(fd);
	}
	return GL_OK;
}

/* Opens the connection: read-write, or read-only when this process cannot
 * write the file or its directory (WAL needs to create files beside it). */
static enum gl_status
connect_db(struct store *s, unsigned flags, struct gl_error *err)
{
	char *dir = parent_dir(s->path);
	struct stat sb;
	enum gl_status st = GL_OK;
	bool exists = stat(s->path, &sb) == 0;

	if (exists && !S_ISREG(sb.st_mode)) {
		st = gl_fail(err, GL_STORE, "%s is not a gloss store (not a regular file)",
			     s->path);
		goto out;
	}
	if (!exists && (flags & STORE_OPEN_READONLY)) {
		st = gl_fail(err, GL_STORE, "there is no store at %s", s->path);
		goto out;
	}
	if (!exists) {
		st = create_file(s, dir, flags, err);
		if (st != GL_OK)
			goto out;
	} else if (access(s->path, R_OK) != 0) {
		st = gl_fail(err, GL_UNREADABLE, "cannot read the store %s: %s",
			     s->path, strerror(errno));
		goto out;
	}

	bool file_ro = access(s->path, W_OK) != 0;
	bool dir_ro = access(dir, W_OK) != 0;
	if (flags & STORE_OPEN_READONLY) {
		s->readonly = true;
		s->notice = xasprintf("%s is open read-only: annotations can be "
				      "read but not changed", s->path);
	} else if (file_ro || dir_ro) {
		s->readonly = true;
		s->notice = xasprintf("%s is read-only (%s): annotations can be "
				      "read but not changed", s->path,
				      file_ro ? "no permission to write the file"
					      : "no permission to write its directory");
	}

	int rc;
	int oflags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
	struct lite_db *ldb = xcalloc(1, sizeof *ldb);
	ldb->base.ops = &lite_ops;
	ldb->data_version = -1;
	s->db = &ldb->base;
	if (s->readonly) {
		/* Without a -wal file nobody is writing, and "immutable" reads
		   the file without creating -wal and -shm files, which a
		   reader could not remove and which would then belong to it
		   and lock the writers out. */
		char *wal = xasprintf("%s-wal", s->path);
		bool wal_exists = access(wal, F_OK) == 0;
		free(wal);
		char *uri = path_uri(s->path, wal_exists ? "?mode=ro"
						       : "?mode=ro&immutable=1");
		rc = sqlite3_open_v2(uri, &ldb->h,
				     oflags | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
				     NULL);
		free(uri);
	} else {
		rc = sqlite3_open_v2(s->path, &ldb->h,
				     oflags | SQLITE_OPEN_READWRITE, NULL);
	}
	if (rc != SQLITE_OK) {
		st = store_sql_fail(s, store_sqlite_rc(rc), "cannot open the store", err);
		goto out;
	}
out:
	free(dir);
	return st;
}

/* The busy handler: tries again every STORE_BUSY_POLL_US until
 * STORE_BUSY_TIMEOUT_MS have passed since the first refusal (n == 0). */
static int
lite_busy(void *arg, int n)
{
	struct lite_db *l = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n == 0)
		l->busy_since = now;
	long long waited_ms = (long long)(now.tv_sec - l->busy_since.tv_sec) * 1000 +
			      (now.tv_nsec - l->busy_since.tv_nsec) / 1000000;
	if (waited_ms >= STORE_BUSY_TIMEOUT_MS)
		return 0;
	usleep(STORE_BUSY_POLL_US);
	return 1;
}

/* gloss_fold(text): the text fold (store_set_text_fold) in SQL, which
 * builds the search index and scans what it does not hold.  Without a
 * fold, the text as it is (the index of schemas 2 and 3). */
static void
sql_gloss_fold(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const struct store_text_fold *f = store_text_fold();
	if (!f || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_value(cx, argv[0]);
		return;
	}
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	if (!text) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	struct buf out = BUF_INIT;
	f->fold(&out, text, (size_t)n, NULL);
	size_t len = 0;
	char *folded = buf_steal(&out, &len);
	sqlite3_result_text64(cx, folded ? folded : "", len, folded ? free : SQLITE_STATIC,
			      SQLITE_UTF8);
}

/* Per-connection settings and the checks that come before any write, so
 * that a newer or foreign file is left exactly as it was. */
static enum gl_status
prepare_connection(struct store *s, struct gl_error *err)
{
	enum gl_status st;
	long long version, app_id, tables;

	sqlite3 *h = lite_handle(s);
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_handler(h, lite_busy, lite(s->db));
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	/* Deterministic and innocuous: FTS5 and the trusted-schema rule
	   accept it anywhere. */
	int frc = sqlite3_create_function_v2(h, "gloss_fold", 1,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC |
					     SQLITE_INNOCUOUS, NULL,
					     sql_gloss_fold, NULL, NULL, NULL);
	if (frc != SQLITE_OK)
		return store_sql_fail(s, store_sqlite_rc(frc), "cannot set up the store", err);

	/* The first read: a file that is not a database fails here. */
	if ((st = query_int(s, "PRAGMA user_version", &version, err)) != GL_OK)
		return st;
	if ((st = query_int(s, "PRAGMA application_id", &app_id, err)) != GL_OK)
		return st;
	if ((st = query_int(s, "SELECT count(*) FROM sqlite_schema", &tables, err))
	    != GL_OK)
		return st;
	if ((version == 0 && tables > 0) ||
	    (version > 0 && app_id != STORE_APPLICATION_ID))
		return gl_fail(err, GL_STORE,
			       "%s is not a gloss store (it is a database of "
			       "another program); gloss has not changed it",
			       s->path);
	if (version > STORE_SCHEMA_VERSION)
		return gl_fail(err, GL_STORE_NEWER,
			       "%s was made by a newer gloss (store schema %lld; "
			       "this gloss knows up to %d): upgrade gloss to use "
			       "it; the file was left as it is",
			       s->path, version, STORE_SCHEMA_VERSION);

	if ((st = exec_sql(s, "PRAGMA foreign_keys = ON", "cannot set up the store",
			   err)) != GL_OK)
		return st;
	if (s->readonly) {
		if (version < STORE_SCHEMA_VERSION)
			return gl_fail(err, GL_STORE_READONLY,
				       "%s needs an upgrade to store schema %d, "
				       "but it is read-only", s->path,
				       STORE_SCHEMA_VERSION);
		return GL_OK;
	}

	/* WAL lets readers go on while one process writes; synchronous=FULL
	   makes a committed annotation survive a power cut. */
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode = WAL", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_OK)
		return store_sql_fail(s, store_sqlite_rc(rc), "cannot set up the store", err);
	if ((st = exec_sql(s, "PRAGMA synchronous = FULL",
			   "cannot set up the store", err)) != GL_OK)
		return st;

	/* Test hook: a small page limit simulates a full disk. */
	const char *max_pages = getenv("GLOSS_TEST_MAX_PAGES");
	long pages;
	if (max_pages && gl_parse_long(max_pages, 1, 1L << 30, &pages)) {
		char *sql = xasprintf("PRAGMA max_page_count = %ld", pages);
		st = exec_sql(s, sql, "cannot set up the store", err);
		free(sql);
		if (st != GL_OK)
			return st;
	}
	if (version < STORE_SCHEMA_VERSION &&
	    (st = store_sqlite_migrate(s, err)) != GL_OK)
		return st;
	/* An index built with another fold (a store of schema 3, a gloss
	   with another Unicode version) is built again, backlog included,
	   once.  A failure (busy) leaves it for later: search scans
	   meanwhile, and does not trust the index until it is done. */
	store_search_refold(s, NULL);
	/* What a big import left unindexed when its process died before
	   the catch-up (store-import.c).  A failure leaves it for later:
	   search is right without it. */
	store_search_catch_up(s, NULL);
	return GL_OK;
}

enum gl_status
store_sqlite_open(struct store *s, unsigned flags, struct gl_error *err)
{
	enum gl_status st = connect_db(s, flags, err);
	if (st == GL_OK)
		st = prepare_connection(s, err);
	return st;
}

enum gl_status
store_sqlite_check(struct store *s, struct gl_error *err)
{
	static const char *const checks[] = {
		"PRAGMA integrity_check",
		"PRAGMA foreign_key_check",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(checks); i++) {
		sqlite3_stmt *q = NULL;
		int rc = sqlite3_prepare_v2(lite_handle(s), checks[i], -1, &q, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(q);
			return store_sql_fail(s, store_sqlite_rc(rc), "cannot check the store", err);
		}
		rc = sqlite3_step(q);
		enum gl_status st = GL_OK;
		if (i == 0 && rc == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(q, 0);
			if (!r || strcmp(r, "ok") != 0)
				st = gl_fail(err, GL_STORE, "%s is damaged: %s", s->path,
					     r ? r : "integrity check failed");
		} else if (i == 1 && rc == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(q, 0);
			st = gl_fail(err, GL_STORE,
				     "%s is inconsistent: a row of %s refers to "
				     "nothing", s->path, t ? t : "?");
		} else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			st = store_sql_fail(s, store_sqlite_rc(rc), "cannot check the store", err);
		}
		sqlite3_finalize(q);
		if (st != GL_OK)
			return st;
	}
	return GL_OK;
}
