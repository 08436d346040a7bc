/* store: choosing the backend from the store's location, the statement
 * cache, errors, transactions, and the small helpers (time, UUIDs) the
 * other store files share.  The drivers are store-sqlite.c (with the
 * SQLite schema in store-schema.c) and store-pg.c; documents and
 * annotations are in store-annot.c, the event log and undo in
 * store-events.c, import in store-import.c. */
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

/* How long a write waits for another writer: at least the 5 s DESIGN
 * asks for (both drivers use it). */
#define STORE_BUSY_SECONDS 5

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
		"INSERT INTO tags (annotation, tag) VALUES (?1, ?2) "
		"ON CONFLICT DO NOTHING",
	[ST_TAG_GET] =
		"SELECT tag FROM tags WHERE annotation = ?1 ORDER BY tag",
	[ST_TAG_CLEAR] = "DELETE FROM tags WHERE annotation = ?1",
	[ST_FTS_DELETE] =
		"DELETE FROM annotations_fts WHERE rowid = "
		"(SELECT seq FROM annotations WHERE id = ?1)",
	[ST_FTS_INSERT] =
		"INSERT INTO annotations_fts (rowid, exact, note, tags) "
		"SELECT a.seq, " STORE_FTS_FOLDED_COLUMNS
		" FROM annotations a WHERE a.id = ?1",
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

/* Set once by the program before it opens a store (store.h). */
static const struct store_text_fold *text_fold;

void
store_set_text_fold(const struct store_text_fold *f)
{
	text_fold = f;
}

const struct store_text_fold *
store_text_fold(void)
{
	return text_fold;
}

struct db_stmt *
store_stmt(struct store *s, enum store_stmt id, struct gl_error *err)
{
	if (!s->stmt[id]) {
		int rc = db_prepare(s->db, stmt_sql[id], &s->stmt[id]);
		if (rc != DB_OK) {
			store_sql_fail(s, rc, "cannot read the store", err);
			return NULL;
		}
	} else {
		db_reset(s->stmt[id]);
	}
	return s->stmt[id];
}

void
store_stmt_done(struct db_stmt *st)
{
	if (st)
		db_reset(st);
}

int
store_bind_text(struct db_stmt *st, int i, const char *text)
{
	return db_bind_textn(st, i, text, text ? strlen(text) : 0);
}

char *
store_column_text(struct db_stmt *st, int i)
{
	if (db_column_is_null(st, i))
		return NULL;
	return xstrndup(db_column_text(st, i), db_column_bytes(st, i));
}

enum gl_status
store_sql_fail(struct store *s, int rc, const char *what, struct gl_error *err)
{
	const char *path = s->path;
	const char *msg = s->db ? db_errmsg(s->db) : "cannot open";
	switch (rc) {
	case DB_BUSY:
		return gl_fail(err, GL_STORE_BUSY,
			       "%s is busy: another program has held it for more "
			       "than %d s (%s); try again",
			       path, STORE_BUSY_SECONDS, what);
	case DB_READONLY:
		return gl_fail(err, GL_STORE_READONLY,
			       "%s is read-only: %s (%s)", path, what, msg);
	case DB_DENIED:
		return gl_fail(err, GL_DENIED, "%s: not allowed: %s (%s)", path,
			       what, msg);
	case DB_FULL:
		return gl_fail(err, GL_STORE_FULL,
			       "%s: the disk or the store is full: %s; the change "
			       "was rolled back and nothing saved before is lost",
			       path, what);
	case DB_NOTADB:
		return gl_fail(err, GL_STORE,
			       "%s is not a gloss store (file is not a database)",
			       path);
	case DB_CORRUPT:
		return gl_fail(err, GL_STORE,
			       "%s is damaged (%s); gloss has not changed it",
			       path, msg);
	case DB_CANTOPEN:
		return gl_fail(err, GL_STORE, "cannot open %s: %s", path, msg);
	case DB_IOERR:
		return gl_fail(err, GL_STORE, "%s: input/output error: %s (%s)",
			       path, what, msg);
	case DB_LOST:
		return gl_fail(err, GL_STORE,
			       "lost the connection to %s (%s): %s; gloss "
			       "reconnects at the next change", path, msg, what);
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

/* Rolls the database back if a transaction is open. */
static void
rollback_db(struct store *s)
{
	s->db->ops->rollback(s->db);
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
	int rc = s->db->ops->begin_write(s->db);
	if (rc != DB_OK) {
		st = store_sql_fail(s, rc, "cannot start a change", err);
		rollback_db(s);
		return st;
	}
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
	int rc = s->db->ops->commit(s->db);
	if (rc != DB_OK) {
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

/* The part of a location that names a PostgreSQL database, or NULL for
 * SQLite. */
static bool
is_pg_location(const char *loc)
{
	return strncmp(loc, "postgresql://", 13) == 0 ||
	       strncmp(loc, "postgres://", 11) == 0;
}

bool
store_location_is_new(const char *location)
{
	if (!location || !*location || is_pg_location(location))
		return false;
	if (strncmp(location, "sqlite:", 7) == 0)
		location += 7;
	struct stat st;
	return *location && stat(location, &st) != 0 && errno == ENOENT;
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
	s->author = xstrdup(author);
	enum gl_status st;
	if (is_pg_location(path)) {
		s->path = store_location_shown(path);
		st = store_pg_open(s, path, flags, err);
	} else {
		if (strncmp(path, "sqlite:", 7) == 0)
			path += 7;
		s->path = xstrdup(path);
		if (!*path)
			st = gl_fail(err, GL_USAGE, "no store path given after sqlite:");
		else
			st = store_sqlite_open(s, flags, err);
	}
	if (st != GL_OK) {
		store_close(s);
		return st;
	}
	*out = s;
	return GL_OK;
}

char *
store_location_shown(const char *location)
{
	if (!is_pg_location(location))
		return xstrdup(location);
	/* scheme://[user[:password]@]host...: the password is between the
	   first ':' after the scheme and the '@' that ends the user part. */
	const char *rest = strstr(location, "://") + 3;
	const char *end = rest + strcspn(rest, "/?#");
	const char *at = NULL;
	for (const char *p = rest; p < end; p++)
		if (*p == '@')
			at = p;
	struct buf b = BUF_INIT;
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		if (colon) {
			buf_append(&b, location, (size_t)(colon - location));
			buf_puts(&b, ":***");
			location = at;
		}
	}
	/* A password=... parameter in the query part, too. */
	const char *q = strchr(location, '?');
	if (!q) {
		buf_puts(&b, location);
		return buf_steal(&b, NULL);
	}
	buf_append(&b, location, (size_t)(q - location));
	for (const char *p = q; *p;) {
		size_t n = strcspn(p + 1, "&") + 1;
		if (strncmp(p + 1, "password=", 9) == 0)
			buf_printf(&b, "%cpassword=***", *p);
		else
			buf_append(&b, p, n);
		p += n;
	}
	return buf_steal(&b, NULL);
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	if (s->db && s->tx_depth > 0)
		rollback_db(s);
	for (int i = 0; i < ST_COUNT; i++)
		db_finalize(s->stmt[i]);
	if (s->db)
		s->db->ops->close(s->db);
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
	return s->db->ops->changed_elsewhere(s->db);
}

enum gl_status
store_check(struct store *s, struct gl_error *err)
{
	if (s->db->ops->has_fts5)
		return store_sqlite_check(s, err);
	return store_pg_check(s, err);
}
