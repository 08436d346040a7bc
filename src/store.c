/* store: opening the SQLite file, the statement cache, errors,
 * transactions, and the small helpers (time, UUIDs) the other store files
 * share.  Schema and migrations are in store-schema.c, documents and
 * annotations in store-annot.c, the event log and undo in
 * store-events.c. */
#include "config.h"

#include "store-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* At least the 5 s DESIGN asks for: a colleague's write (or a slow disk)
 * must not make a command fail. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Columns of a document with its counts; ?1 is the viewer.  Replies are
 * not counted: a document's count is of its threads. */
#define DOC_SELECT \
	"SELECT d.id, d.title, d.source, d.created, " \
	"(SELECT count(*) FROM annotations a WHERE a.document = d.id " \
	" AND a.deleted = 0 AND a.parent IS NULL AND " STORE_VISIBLE "), " \
	"(SELECT count(*) FROM annotations a WHERE a.document = d.id " \
	" AND a.deleted = 0 AND a.parent IS NULL AND a.status = 'open' AND " \
	STORE_VISIBLE "), " \
	"(SELECT count(*) FROM versions v WHERE v.document = d.id) "

#define EVENT_SELECT \
	"SELECT e.seq, e.time, e.who, e.what, e.annotation, e.before, " \
	"e.after, e.reverts FROM events e "

/* Every statement the store caches, indexed by enum store_stmt.  In each
 * one that filters by visibility, ?1 is the store's author. */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_DOC_INSERT] =
		"INSERT INTO documents (id, title, source, created) "
		"VALUES (?1, ?2, ?3, ?4)",
	[ST_DOC_UPDATE] =
		"UPDATE documents SET title = ?2, source = coalesce(?3, source) "
		"WHERE id = ?1",
	[ST_DOC_GET] = DOC_SELECT "FROM documents d WHERE d.id = ?2",
	[ST_DOC_BY_SOURCE] = DOC_SELECT
		"FROM documents d WHERE d.source = ?2 ORDER BY "
		"(SELECT max(v.seq) FROM versions v WHERE v.document = d.id) DESC "
		"LIMIT 1",
	[ST_DOC_LIST] = DOC_SELECT "FROM documents d "
		"ORDER BY d.created DESC, d.rowid DESC",
	[ST_VER_INSERT] =
		"INSERT INTO versions (hash, renderer, document, length_cp, text, "
		"first_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* CASE keeps SQLite from reading a long text that is not wanted. */
	[ST_VER_FIND] =
		"SELECT hash, renderer, document, length_cp, "
		"CASE WHEN ?3 THEN text END, first_seen FROM versions "
		"WHERE hash = ?1 AND renderer = ?2",
	[ST_VER_LATEST] =
		"SELECT hash, renderer, document, length_cp, "
		"CASE WHEN ?2 THEN text END, first_seen FROM versions "
		"WHERE document = ?1 ORDER BY seq DESC LIMIT 1",
	[ST_ANN_INSERT] =
		"INSERT INTO annotations (id, document, version, renderer, author, "
		"parent, start_cp, end_cp, exact, prefix, suffix, style, note, "
		"status, anchor, private, deleted, created, updated) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
		"?15, ?16, ?17, ?18, ?19)",
	[ST_ANN_UPDATE] =
		"UPDATE annotations SET version = ?2, renderer = ?3, start_cp = ?4, "
		"end_cp = ?5, exact = ?6, prefix = ?7, suffix = ?8, style = ?9, "
		"note = ?10, status = ?11, anchor = ?12, private = ?13, "
		"deleted = ?14, updated = ?15 WHERE id = ?1",
	[ST_ANN_GET] = "SELECT " STORE_ANNOTATION_COLUMNS
		" FROM annotations a WHERE a.id = ?2 AND " STORE_VISIBLE,
	[ST_ANN_GET_ANY] = "SELECT " STORE_ANNOTATION_COLUMNS
		" FROM annotations a WHERE a.id = ?2",
	/* Ids are lowercase hex and '-', all below 'g': the range is the
	   prefix, and it uses the unique index. */
	[ST_ANN_PREFIX] =
		"SELECT a.id FROM annotations a WHERE a.id >= ?2 "
		"AND a.id < ?2 || 'g' AND a.deleted = 0 AND " STORE_VISIBLE
		" LIMIT 2",
	[ST_TAG_INSERT] =
		"INSERT OR IGNORE INTO tags (annotation, tag) VALUES (?1, ?2)",
	[ST_TAG_CLEAR] = "DELETE FROM tags WHERE annotation = ?1",
	[ST_FTS_DELETE] =
		"DELETE FROM annotations_fts WHERE rowid = "
		"(SELECT seq FROM annotations WHERE id = ?1)",
	[ST_FTS_INSERT] =
		"INSERT INTO annotations_fts (rowid, exact, note, tags) "
		"SELECT a.seq, coalesce(a.exact, ''), coalesce(a.note, ''), "
		"coalesce((SELECT group_concat(tag, ' ') FROM "
		"(SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag)), '') "
		"FROM annotations a WHERE a.id = ?1",
	[ST_POS_SET] =
		"INSERT INTO positions (document, author, offset_cp, updated) "
		"VALUES (?2, ?1, ?3, ?4) ON CONFLICT (document, author) DO UPDATE "
		"SET offset_cp = excluded.offset_cp, updated = excluded.updated",
	[ST_POS_GET] =
		"SELECT offset_cp FROM positions WHERE document = ?2 AND author = ?1",
	[ST_SEEN_SET] =
		"INSERT INTO seen (document, author, time) VALUES (?2, ?1, ?3) "
		"ON CONFLICT (document, author) DO UPDATE SET time = excluded.time",
	[ST_SEEN_GET] =
		"SELECT time FROM seen WHERE document = ?2 AND author = ?1",
	[ST_EVENT_INSERT] =
		"INSERT INTO events (time, who, what, annotation, before, after, "
		"reverts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_EVENT_GET] = EVENT_SELECT "WHERE e.seq = ?1",
	[ST_EVENT_MINE] =
		"SELECT seq, what, reverts FROM events WHERE who = ?1 "
		"AND what <> 'reanchor' ORDER BY seq",
	[ST_EVENT_LIST_ONE] = EVENT_SELECT
		"JOIN annotations a ON a.id = e.annotation "
		"WHERE e.annotation = ?2 AND " STORE_VISIBLE " ORDER BY e.seq",
	[ST_EVENT_LIST_ALL] = EVENT_SELECT
		"LEFT JOIN annotations a ON a.id = e.annotation "
		"WHERE a.id IS NULL OR " STORE_VISIBLE " ORDER BY e.seq",
};

/* ------------------------------------------------------------- helpers */

sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, struct gl_error *err)
{
	if (!s->stmt[id]) {
		int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
					    SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			store_sql_fail(s, rc, "cannot read the store", err);
			sqlite3_finalize(s->stmt[id]);
			s->stmt[id] = NULL;
			return NULL;
		}
	}
	sqlite3_reset(s->stmt[id]);
	sqlite3_clear_bindings(s->stmt[id]);
	return s->stmt[id];
}

void
store_stmt_done(sqlite3_stmt *st)
{
	if (st)
		sqlite3_reset(st);
}

int
store_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	if (!text)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

char *
store_column_text(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	return xstrndup(t ? (const char *)t : "", (size_t)n);
}

enum gl_status
store_sql_fail(struct store *s, int rc, const char *what, struct gl_error *err)
{
	const char *path = s->path;
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return gl_fail(err, GL_STORE_BUSY,
			       "%s is busy: another program has held it for more "
			       "than %d s (%s); try again",
			       path, STORE_BUSY_TIMEOUT_MS / 1000, what);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return gl_fail(err, GL_STORE_READONLY,
			       "%s is read-only: %s (%s)", path, what, msg);
	case SQLITE_FULL:
		return gl_fail(err, GL_STORE_FULL,
			       "%s: the disk or the store is full: %s; the change "
			       "was rolled back and nothing saved before is lost",
			       path, what);
	case SQLITE_NOTADB:
		return gl_fail(err, GL_STORE,
			       "%s is not a gloss store (file is not a database)",
			       path);
	case SQLITE_CORRUPT:
		return gl_fail(err, GL_STORE,
			       "%s is damaged (%s); gloss has not changed it",
			       path, msg);
	case SQLITE_CANTOPEN:
		return gl_fail(err, GL_STORE, "cannot open %s: %s", path, msg);
	case SQLITE_IOERR:
		return gl_fail(err, GL_STORE, "%s: input/output error: %s (%s)",
			       path, what, msg);
	default:
		return gl_fail(err, GL_STORE, "%s: %s: %s", path, what, msg);
	}
}

enum gl_status
store_check_writable(struct store *s, struct gl_error *err)
{
	if (!s->readonly)
		return GL_OK;
	return gl_fail(err, GL_STORE_READONLY, "%s",
		       s->notice ? s->notice : "the store is read-only");
}

const char *
store_now(struct store *s)
{
	const char *fixed = getenv("GLOSS_NOW");
	struct tm tm;
	/* The test hook takes only a well-formed time, so a typo cannot put
	   garbage in the store. */
	if (fixed && strlen(fixed) == 20 && fixed[4] == '-' && fixed[10] == 'T'
	    && fixed[19] == 'Z') {
		memcpy(s->now, fixed, 21);
		return s->now;
	}
	time_t t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(s->now, sizeof s->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return s->now;
}

static void
random_bytes(unsigned char *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	if (got == n)
		return;
	/* getrandom is missing (old kernel): the same pool through the
	   device.  Never rand(): ids from two processes must not collide. */
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && got < n) {
		ssize_t r = read(fd, out + got, n - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	if (fd >= 0)
		close(fd);
	if (got < n) {
		fprintf(stderr, "gloss: no source of random numbers\n");
		abort();
	}
}

void
store_new_uuid(char out[STORE_ID_LEN + 1])
{
	unsigned char b[16];
	random_bytes(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);  /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);  /* RFC 4122 variant */
	snprintf(out, STORE_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* -------------------------------------------------------- transactions */

static enum gl_status
copy_tx_error(struct store *s, struct gl_error *err)
{
	if (err)
		*err = s->tx_error;
	return s->tx_error.status;
}

/* Rolls the database back if a transaction is open.  SQLite may already
 * have rolled back by itself (after SQLITE_FULL, for instance). */
static void
rollback_db(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	sqlite3_stmt *st = store_stmt(s, ST_ROLLBACK, NULL);
	if (st) {
		sqlite3_step(st);
		store_stmt_done(st);
	}
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

enum gl_status
store_begin(struct store *s, struct gl_error *err)
{
	enum gl_status st = store_check_writable(s, err);
	if (st != GL_OK)
		return st;
	if (s->tx_depth > 0) {
		/* Nothing more may happen in a transaction that is going to be
		   rolled back. */
		if (s->tx_failed)
			return copy_tx_error(s, err);
		s->tx_depth++;
		return GL_OK;
	}
	sqlite3_stmt *q = store_stmt(s, ST_BEGIN, err);
	if (!q)
		return err ? err->status : GL_STORE;
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		st = store_sql_fail(s, rc, "cannot start a change", err);
		store_stmt_done(q);
		rollback_db(s);
		return st;
	}
	store_stmt_done(q);
	s->tx_depth = 1;
	s->tx_failed = false;
	return GL_OK;
}

enum gl_status
store_commit(struct store *s, struct gl_error *err)
{
	if (s->tx_depth <= 0)
		return gl_fail(err, GL_ERROR, "internal error: commit without begin");
	if (--s->tx_depth > 0)
		return s->tx_failed ? copy_tx_error(s, err) : GL_OK;
	if (s->tx_failed) {
		rollback_db(s);
		s->tx_failed = false;
		return copy_tx_error(s, err);
	}
	sqlite3_stmt *q = store_stmt(s, ST_COMMIT, err);
	if (!q) {
		enum gl_status st = err ? err->status : GL_STORE;
		rollback_db(s);
		return st;
	}
	int rc = sqlite3_step(q);
	store_stmt_done(q);
	if (rc != SQLITE_DONE) {
		enum gl_status st = store_sql_fail(s, rc, "cannot save the change", err);
		rollback_db(s);
		return st;
	}
	return GL_OK;
}

/* Ends one level with a failure: the outermost level rolls back at once,
 * an inner one marks the transaction so that the outermost commit rolls
 * back and reports `e`. */
static void
abandon_level(struct store *s, const struct gl_error *e)
{
	if (s->tx_depth <= 0)
		return;
	if (s->tx_depth == 1) {
		rollback_db(s);
		s->tx_depth = 0;
		s->tx_failed = false;
		return;
	}
	s->tx_depth--;
	if (!s->tx_failed) {
		s->tx_failed = true;
		s->tx_error = *e;
	}
}

void
store_rollback(struct store *s)
{
	struct gl_error e;
	gl_fail(&e, GL_ERROR, "the change was abandoned");
	abandon_level(s, &e);
}

enum gl_status
store_end(struct store *s, enum gl_status st, struct gl_error *err)
{
	if (st == GL_OK)
		return store_commit(s, err);
	struct gl_error e;
	if (err && err->status == st)
		e = *err;
	else
		gl_fail(&e, st, "%s", gl_status_text(st));
	abandon_level(s, &e);
	return st;
}

/* --------------------------------------------------------------- opening */

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
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sql_fail(s, rc, what, err);
	return GL_OK;
}

/* Reads one integer from a query (a PRAGMA). */
static enum gl_status
query_int(struct store *s, const char *sql, long long *out,
	  struct gl_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
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
		st = store_sql_fail(s, rc, "cannot read the store", err);
	sqlite3_finalize(q);
	return st;
}

/* Creates the file (and for a private store its directories) so that its
 * mode is ours, not SQLite's default 0644. */
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
	int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		      (flags & STORE_OPEN_PRIVATE) ? 0600 : 0666);
	if (fd < 0 && errno != EEXIST)
		return gl_fail(err, GL_STORE, "cannot create the store %s: %s",
			       s->path, strerror(errno));
	if (fd >= 0)
		close(fd);
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
		rc = sqlite3_open_v2(uri, &s->db,
				     oflags | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
				     NULL);
		free(uri);
	} else {
		rc = sqlite3_open_v2(s->path, &s->db,
				     oflags | SQLITE_OPEN_READWRITE, NULL);
	}
	if (rc != SQLITE_OK) {
		st = store_sql_fail(s, rc, "cannot open the store", err);
		goto out;
	}
out:
	free(dir);
	return st;
}

/* Per-connection settings and the checks that come before any write, so
 * that a newer or foreign file is left exactly as it was. */
static enum gl_status
prepare_connection(struct store *s, struct gl_error *err)
{
	enum gl_status st;
	long long version, app_id, tables;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);

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
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_OK)
		return store_sql_fail(s, rc, "cannot set up the store", err);
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
	if (version < STORE_SCHEMA_VERSION)
		return store_migrate(s, err);
	return GL_OK;
}

enum gl_status
store_open(const char *path, const char *author, unsigned flags,
	   struct store **out, struct gl_error *err)
{
	*out = NULL;
	if (!path || !*path)
		return gl_fail(err, GL_USAGE, "no store path given");
	if (!author || !*author)
		return gl_fail(err, GL_USAGE, "no author given for the store");
	struct store *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->author = xstrdup(author);
	s->data_version = -1;
	enum gl_status st = connect_db(s, flags, err);
	if (st == GL_OK)
		st = prepare_connection(s, err);
	if (st != GL_OK) {
		store_close(s);
		return st;
	}
	*out = s;
	return GL_OK;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	if (s->db && s->tx_depth > 0)
		rollback_db(s);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s->author);
	free(s->notice);
	free(s);
}

bool
store_is_readonly(const struct store *s)
{
	return s->readonly;
}

const char *
store_notice(const struct store *s)
{
	return s->notice;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

const char *
store_author(const struct store *s)
{
	return s->author;
}

bool
store_changed_elsewhere(struct store *s)
{
	sqlite3_stmt *q = store_stmt(s, ST_DATA_VERSION, NULL);
	if (!q)
		return false;
	bool changed = false;
	if (sqlite3_step(q) == SQLITE_ROW) {
		long long v = sqlite3_column_int64(q, 0);
		changed = s->data_version >= 0 && v != s->data_version;
		s->data_version = v;
	}
	store_stmt_done(q);
	return changed;
}

enum gl_status
store_check(struct store *s, struct gl_error *err)
{
	static const char *const checks[] = {
		"PRAGMA integrity_check",
		"PRAGMA foreign_key_check",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(checks); i++) {
		sqlite3_stmt *q = NULL;
		int rc = sqlite3_prepare_v2(s->db, checks[i], -1, &q, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(q);
			return store_sql_fail(s, rc, "cannot check the store", err);
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
			st = store_sql_fail(s, rc, "cannot check the store", err);
		}
		sqlite3_finalize(q);
		if (st != GL_OK)
			return st;
	}
	return GL_OK;
}
