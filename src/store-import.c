/* store-import: merging annotations that come from outside (gloss
 * import): each one keeps the id, author, parent and times it was made
 * with, and is added, updated or left alone by its id.
 *
 * The write lock is what colleagues wait for, so a batch is made in two
 * steps: store_import_batch_new checks every annotation and writes what
 * the event log will keep of it (the snapshot's JSON) without the lock;
 * store_import_batch_apply then only writes rows.  Inside the lock: one
 * INSERT ... ON CONFLICT DO NOTHING per annotation (an existing id is
 * read back only when the insert said it exists) and its event.  The
 * new rows' full-text entries (SQLite's FTS5, the costliest part) are
 * made inside the lock only for a small batch; a big one records the
 * range of rows it added in search_backlog, and store_import_batch_finish
 * indexes them after the commit in short transactions of their own
 * (store_search_catch_up), which other writers can come between.  Search
 * scans the backlog's rows meanwhile (store-annot.c), and a store that a
 * process left with a backlog is caught up when it is next opened. */
#include "config.h"

#include "store-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A lowercase UUID in its text form (any version). */
static bool
is_uuid(const char *id)
{
	if (!id || strlen(id) != STORE_ID_LEN)
		return false;
	for (size_t i = 0; i < STORE_ID_LEN; i++) {
		char c = id[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static int
compare_tags(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The row as the import wants it stored, as a view of `in` (nothing is
 * copied but the list of tags, sorted and unique: free a->tags).  Fields
 * an import never sets (deleted) are false; an empty note or style is
 * NULL, as the other calls store them.  False for an empty tag. */
static bool
build(const struct store_annotation *in, struct store_annotation *a)
{
	static char empty[] = "";
	memset(a, 0, sizeof *a);
	a->id = in->id;
	a->document = in->document;
	a->version = in->version;
	a->renderer = in->renderer;
	a->author = in->author;
	a->parent = in->parent && *in->parent ? in->parent : NULL;
	a->start = in->start < 0 ? -1 : in->start;
	a->end = in->start < 0 ? -1 : in->end;
	if (a->start >= 0) {
		a->exact = in->exact ? in->exact : empty;
		a->prefix = in->prefix;
		a->suffix = in->suffix;
		a->anchor = in->anchor == STORE_ANCHOR_NONE ? STORE_ANCHOR_EXACT
							    : in->anchor;
	} else {
		a->anchor = STORE_ANCHOR_NONE;
	}
	a->style = in->style && *in->style ? in->style : NULL;
	a->note = in->note && *in->note ? in->note : NULL;
	a->status = in->status;
	a->is_private = in->is_private;
	a->created = in->created;
	a->updated = in->updated && strcmp(in->updated, in->created) > 0
		     ? in->updated : in->created;
	if (in->tag_count) {
		a->tags = xcalloc(in->tag_count, sizeof *a->tags);
		for (size_t i = 0; i < in->tag_count; i++) {
			if (!in->tags[i] || !in->tags[i][0])
				return false;
			a->tags[i] = in->tags[i];
		}
		if (in->tag_count > 1)
			qsort(a->tags, in->tag_count, sizeof *a->tags, compare_tags);
		for (size_t i = 0; i < in->tag_count; i++)
			if (a->tag_count == 0 || strcmp(a->tags[a->tag_count - 1], a->tags[i]) != 0)
				a->tags[a->tag_count++] = a->tags[i];
	}
	return true;
}

/* ST_ANN_INSERT that leaves an existing id alone: whether the row was
 * added says whether the id was there, without reading it first. */
#define INSERT_NEW_SQL \
	"INSERT INTO annotations (id, document, version, renderer, author, " \
	"parent, start_cp, end_cp, exact, prefix, suffix, style, note, " \
	"status, anchor, private, deleted, created, updated) VALUES " \
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, " \
	"?15, ?16, ?17, ?18, ?19) ON CONFLICT (id) DO NOTHING"

/* Inserts a row with its tags when no annotation has its id (*added
 * says which); its full-text entry is made by index_new_rows, for all the
 * new rows at once.  q is INSERT_NEW_SQL, prepared once per batch. */
static enum gl_status
insert_row(struct store *s, struct db_stmt *q, const struct store_annotation *a,
	   bool *added, struct gl_error *err)
{
	*added = false;
	db_reset(q);
	store_bind_text(q, 1, a->id);
	store_bind_text(q, 2, a->document);
	store_bind_text(q, 3, a->version);
	db_bind_int64(q, 4, a->renderer);
	store_bind_text(q, 5, a->author);
	store_bind_text(q, 6, a->parent);
	if (a->start < 0) {
		db_bind_null(q, 7);
		db_bind_null(q, 8);
	} else {
		db_bind_int64(q, 7, a->start);
		db_bind_int64(q, 8, a->end);
	}
	store_bind_text(q, 9, a->exact);
	store_bind_text(q, 10, a->prefix);
	store_bind_text(q, 11, a->suffix);
	store_bind_text(q, 12, a->style);
	store_bind_text(q, 13, a->note);
	store_bind_text(q, 14, store_status_name(a->status));
	store_bind_text(q, 15, store_anchor_state_name(a->anchor));
	db_bind_int64(q, 16, a->is_private);
	db_bind_int64(q, 17, 0);
	store_bind_text(q, 18, a->created);
	store_bind_text(q, 19, a->updated);
	int rc = db_step(q);
	long long changed = rc == DB_DONE ? db_changes(s->db) : 0;
	db_reset(q);
	if (rc == DB_CONSTRAINT_FK)
		return gl_fail(err, GL_NO_MATCH, "annotation %s: no such document, "
			       "version or parent in the store", a->id);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot save the annotation", err);
	if (changed == 0)
		return GL_OK;
	*added = true;
	for (size_t i = 0; i < a->tag_count; i++) {
		q = store_stmt(s, ST_TAG_INSERT, err);
		if (!q)
			return err ? err->status : GL_STORE;
		store_bind_text(q, 1, a->id);
		store_bind_text(q, 2, a->tags[i]);
		rc = db_step(q);
		store_stmt_done(q);
		if (rc != DB_DONE)
			return store_sql_fail(s, rc, "cannot save the tags", err);
	}
	return GL_OK;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* True when the two differ in what an import carries (times aside, and
 * what an import never changes: document, author, parent, creation):
 * the members of store_annotation_to_json but those, compared as its JSON
 * would compare them (a NULL is not ""; no range ignores start and end).
 * Both have their tags sorted and unique. */
static bool
content_differs(const struct store_annotation *a, const struct store_annotation *b)
{
	if (!same_text(a->id, b->id) || !same_text(a->version, b->version) ||
	    a->renderer != b->renderer || (a->start < 0) != (b->start < 0) ||
	    (a->start >= 0 && (a->start != b->start || a->end != b->end)) ||
	    !same_text(a->exact, b->exact) || !same_text(a->prefix, b->prefix) ||
	    !same_text(a->suffix, b->suffix) || !same_text(a->style, b->style) ||
	    !same_text(a->note, b->note) || a->status != b->status ||
	    a->anchor != b->anchor || a->is_private != b->is_private ||
	    a->tag_count != b->tag_count)
		return true;
	for (size_t i = 0; i < a->tag_count; i++)
		if (!same_text(a->tags[i], b->tags[i]))
			return true;
	return false;
}

/* ------------------------------------------------- the event of an add
 * An import logs an event per annotation, as every change does, with the
 * snapshot store_annotation_to_json makes.  For the thousands an import
 * adds it is written directly: the same members, the same JSON, in a
 * fraction of the time jansson's objects take (the lock is held
 * meanwhile).  tests/unit/test-import.c checks the two agree. */

static void
json_text(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, run, (size_t)(p - run));
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_printf(b, "\\u%04x", c); break;
		}
		run = p + 1;
	}
	buf_puts(b, run);
	buf_putc(b, '"');
}

/* What follows "document" in the snapshot of `a`: all but its first two
 * members, which a batch writes inside the lock (the document of an
 * annotation for gloss import --to FILE is known only there). */
static void
snapshot_tail(struct buf *b, const struct store_annotation *a)
{
	buf_puts(b, ",\"version\":");
	json_text(b, a->version);
	buf_printf(b, ",\"renderer\":%d,\"author\":", a->renderer);
	json_text(b, a->author);
	buf_puts(b, ",\"parent\":");
	json_text(b, a->parent);
	if (a->start < 0)
		buf_puts(b, ",\"start\":null,\"end\":null");
	else
		buf_printf(b, ",\"start\":%lld,\"end\":%lld", a->start, a->end);
	buf_puts(b, ",\"exact\":");
	json_text(b, a->exact);
	buf_puts(b, ",\"prefix\":");
	json_text(b, a->prefix);
	buf_puts(b, ",\"suffix\":");
	json_text(b, a->suffix);
	buf_puts(b, ",\"style\":");
	json_text(b, a->style);
	buf_puts(b, ",\"note\":");
	json_text(b, a->note);
	buf_printf(b, ",\"status\":\"%s\",\"anchor\":\"%s\",\"private\":%s,"
		   "\"deleted\":%s,\"created\":", store_status_name(a->status),
		   store_anchor_state_name(a->anchor), a->is_private ? "true" : "false",
		   a->deleted ? "true" : "false");
	json_text(b, a->created);
	buf_puts(b, ",\"updated\":");
	json_text(b, a->updated);
	buf_puts(b, ",\"tags\":[");
	for (size_t i = 0; i < a->tag_count; i++) {
		if (i)
			buf_putc(b, ',');
		json_text(b, a->tags[i]);
	}
	buf_puts(b, "]}");
}

/* The first members of the snapshot, before its tail. */
static void
snapshot_head(struct buf *b, const struct store_annotation *a)
{
	buf_puts(b, "{\"id\":");
	json_text(b, a->id);
	buf_puts(b, ",\"document\":");
	json_text(b, a->document);
}

void
store_snapshot_text(struct buf *b, const struct store_annotation *a)
{
	snapshot_head(b, a);
	snapshot_tail(b, a);
}

/* store_log_event(s, "import", a->id, NULL, a, 0) for an added one,
 * with the tail of its snapshot made before the lock. */
static enum gl_status
log_added(struct store *s, const struct store_annotation *a, const char *tail,
	  size_t tail_len, struct buf *scratch, struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_EVENT_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	buf_clear(scratch);
	snapshot_head(scratch, a);
	buf_append(scratch, tail, tail_len);
	store_bind_text(q, 1, store_now(s));
	store_bind_text(q, 2, s->author);
	store_bind_text(q, 3, "import");
	store_bind_text(q, 4, a->id);
	db_bind_null(q, 5);
	db_bind_textn(q, 6, scratch->data, scratch->len);
	int rc = db_step(q);
	store_stmt_done(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot record the change", err);
	return GL_OK;
}

/* Runs one SQL statement with an optional integer parameter ?1. */
static enum gl_status
run_sql(struct store *s, const char *sql, bool with_param, long long param,
	const char *what, struct gl_error *err)
{
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, sql, &q);
	if (rc == DB_OK) {
		if (with_param)
			db_bind_int64(q, 1, param);
		while ((rc = db_step(q)) == DB_ROW)
			;
	}
	db_finalize(q);
	if (rc != DB_DONE && rc != DB_OK)
		return store_sql_fail(s, rc, what, err);
	return GL_OK;
}

static enum gl_status
query_int(struct store *s, const char *sql, long long *out, struct gl_error *err)
{
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, sql, &q);
	*out = -1;
	if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
		if (!db_column_is_null(q, 0))
			*out = db_column_int64(q, 0);
		rc = DB_DONE;
	}
	db_finalize(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot read the store", err);
	return GL_OK;
}

/* A batch that adds this many is indexed for search after its commit,
 * and gets a larger page cache and its checkpoint after the lock
 * (SQLite); a smaller one is written as any change is. */
#define BIG_BATCH 1000

/* The full-text row of each annotation in after < seq <= upto that has
 * none yet, in one statement: FTS5 builds its index far faster from one
 * insert of many rows than from one insert per row between other
 * writes.  A row may have one already when it was edited after the
 * import (store_write_annotation indexes it then); the NOT IN list is
 * read before the insert starts. */
#define INDEX_RANGE_SQL \
	"INSERT INTO annotations_fts (rowid, exact, note, tags) " \
	"SELECT a.seq, " STORE_FTS_FOLDED_COLUMNS \
	" FROM annotations a WHERE a.seq > ?1 AND a.seq <= ?2 AND a.seq NOT IN " \
	"(SELECT id FROM annotations_fts_docsize WHERE id > ?1 AND id <= ?2) " \
	"ORDER BY a.seq"

static enum gl_status
index_range(struct store *s, long long after, long long upto,
	    struct gl_error *err)
{
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, INDEX_RANGE_SQL, &q);
	if (rc == DB_OK) {
		db_bind_int64(q, 1, after);
		db_bind_int64(q, 2, upto);
		rc = db_step(q);
	}
	db_finalize(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot update the search index", err);
	return GL_OK;
}

/* The annotations an import added after row `after` (count of them):
 * indexed now for a small batch; for a big one, left to the catch-up
 * after the commit, their range recorded in search_backlog in this
 * transaction (so a rollback takes it back with the rows). */
static enum gl_status
index_new_rows(struct store *s, long long after, size_t count,
	       struct gl_error *err)
{
	if (!s->db->ops->has_fts5)  /* PostgreSQL: its triggers index them */
		return GL_OK;
	long long upto = -1;
	enum gl_status st = query_int(s, "SELECT max(seq) FROM annotations", &upto, err);
	if (st != GL_OK || upto <= after)
		return st;
	if (count < BIG_BATCH)
		return index_range(s, after, upto, err);
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, "INSERT INTO search_backlog (after_seq, upto_seq) "
			    "VALUES (?1, ?2)", &q);
	if (rc == DB_OK) {
		db_bind_int64(q, 1, after);
		db_bind_int64(q, 2, upto);
		rc = db_step(q);
	}
	db_finalize(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot update the search index", err);
	return GL_OK;
}

bool
store_search_backlog(struct store *s, long long *after, long long *upto)
{
	*after = *upto = 0;
	if (!s->db->ops->has_fts5)
		return false;
	struct db_stmt *q = NULL;
	bool some = false;
	int rc = db_prepare(s->db, "SELECT min(after_seq), max(upto_seq) "
			    "FROM search_backlog", &q);
	if (rc == DB_OK && db_step(q) == DB_ROW && !db_column_is_null(q, 0)) {
		*after = db_column_int64(q, 0);
		*upto = db_column_int64(q, 1);
		some = true;
	}
	db_finalize(q);
	return some;
}

/* The fold name search_fold records ("" when none, or on error). */
static char *
index_fold_name(struct store *s)
{
	struct db_stmt *q = NULL;
	char *name = NULL;
	if (db_prepare(s->db, "SELECT fold FROM search_fold", &q) == DB_OK &&
	    db_step(q) == DB_ROW)
		name = store_column_text(q, 0);
	db_finalize(q);
	return name ? name : xstrdup(STORE_NO_FOLD);
}

static const char *
current_fold_name(void)
{
	const struct store_text_fold *f = store_text_fold();
	return f && f->name ? f->name : STORE_NO_FOLD;
}

bool
store_search_index_folded(struct store *s)
{
	if (!s->db->ops->has_fts5)
		return false;
	char *name = index_fold_name(s);
	bool same = strcmp(name, current_fold_name()) == 0;
	free(name);
	return same;
}

/* The index made anew from every annotation (as schema 2 made it, each
 * field through gloss_fold): dropping the table is far faster than
 * deleting its rows one by one, and the backlog goes with it. */
static const char refold_sql[] =
	"DROP TABLE annotations_fts;"
	/* The same text as schema 2's: a rebuilt store's schema is
	   exactly a new one's. */
	"CREATE VIRTUAL TABLE annotations_fts USING fts5 (\n"
	"  exact, note, tags, tokenize = 'trigram'\n"
	");"
	"INSERT INTO annotations_fts (rowid, exact, note, tags)"
	"  SELECT a.seq, " STORE_FTS_FOLDED_COLUMNS " FROM annotations a"
	"  ORDER BY a.seq;"
	"DELETE FROM search_backlog;";

enum gl_status
store_search_refold(struct store *s, struct gl_error *err)
{
	if (!s->db->ops->has_fts5 || s->readonly || store_search_index_folded(s))
		return GL_OK;
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	/* Read again inside the lock: another gloss may have done it. */
	if (store_search_index_folded(s))
		return store_end(s, GL_OK, err);
	int rc = db_exec(s->db, refold_sql);
	struct db_stmt *q = NULL;
	if (rc == DB_OK &&
	    (rc = db_prepare(s->db, "UPDATE search_fold SET fold = ?1", &q)) == DB_OK) {
		store_bind_text(q, 1, current_fold_name());
		rc = db_step(q);
		if (rc == DB_DONE)
			rc = DB_OK;
	}
	db_finalize(q);
	if (rc != DB_OK)
		st = store_sql_fail(s, rc, "cannot rebuild the search index", err);
	return store_end(s, st, err);
}

/* One step of the catch-up: the first STORE_CATCH_UP_ROWS of the oldest
 * range, in one write transaction; *done when no range is left. */
static enum gl_status
catch_up_step(struct store *s, bool *done, struct gl_error *err)
{
	*done = false;
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	/* Read again inside the lock: another process may be catching up
	   the same ranges. */
	struct db_stmt *q = NULL;
	long long after = -1, upto = -1;
	int rc = db_prepare(s->db, "SELECT after_seq, upto_seq FROM search_backlog "
			    "ORDER BY after_seq LIMIT 1", &q);
	if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
		after = db_column_int64(q, 0);
		upto = db_column_int64(q, 1);
		rc = DB_DONE;
	} else if (rc == DB_DONE) {
		*done = true;
	}
	db_finalize(q);
	if (rc != DB_DONE && rc != DB_OK)
		st = store_sql_fail(s, rc, "cannot read the search index's backlog", err);
	if (st != GL_OK || *done)
		return store_end(s, st, err);
	long long to = upto - after > STORE_CATCH_UP_ROWS ? after + STORE_CATCH_UP_ROWS
							  : upto;
	st = index_range(s, after, to, err);
	if (st == GL_OK) {
		/* The range's key moves past what is done; the last step
		   deletes it. */
		q = NULL;
		rc = db_prepare(s->db, to == upto
				? "DELETE FROM search_backlog WHERE after_seq = ?1"
				: "UPDATE search_backlog SET after_seq = ?2 "
				  "WHERE after_seq = ?1", &q);
		if (rc == DB_OK) {
			db_bind_int64(q, 1, after);
			if (to != upto)
				db_bind_int64(q, 2, to);
			rc = db_step(q);
		}
		db_finalize(q);
		if (rc != DB_DONE)
			st = store_sql_fail(s, rc, "cannot update the search index", err);
	}
	return store_end(s, st, err);
}

enum gl_status
store_search_catch_up(struct store *s, struct gl_error *err)
{
	long long after, upto;
	if (!s->db->ops->has_fts5 || s->readonly || s->tx_depth > 0 ||
	    s->db->ops->in_transaction(s->db))
		return GL_OK;
	const char *skip = getenv("GLOSS_TEST_NO_CATCH_UP");
	if (skip && *skip)
		return GL_OK;
	/* A look without the lock first: nearly always there is nothing. */
	if (!store_search_backlog(s, &after, &upto))
		return GL_OK;
	bool done = false;
	enum gl_status st = GL_OK;
	for (int step = 0; st == GL_OK && !done; step++) {
		/* Between two steps, a pause: a writer waiting for the lock
		   (it tries every millisecond, store-sqlite.c) takes it then. */
		if (step)
			usleep(STORE_CATCH_UP_PAUSE_US);
		st = catch_up_step(s, &done, err);
	}
	return st;
}

/* ------------------------------------------------------------ batches */

struct store_import_batch {
	const struct store_annotation *in;  /* the caller's, n of them */
	struct store_annotation *rows;  /* as stored: views of `in`, own tags */
	size_t n;
	struct buf tails;        /* each row's snapshot tail, one after another */
	size_t *tail_end;        /* row i's tail ends at tail_end[i] */
	/* What apply changed on an SQLite connection, for finish: */
	bool tuned;
	long long cache_size, autocheckpoint;
};


enum gl_status
store_import_batch_new(const struct store_annotation *in, size_t n,
		       struct store_import_batch **out, struct gl_error *err)
{
	*out = NULL;
	struct store_import_batch *b = xcalloc(1, sizeof *b);
	b->in = in;
	b->n = n;
	b->rows = xcalloc(n + 1, sizeof *b->rows);
	b->tail_end = xcalloc(n + 1, sizeof *b->tail_end);
	enum gl_status st = GL_OK;
	for (size_t i = 0; i < n && st == GL_OK; i++) {
		const struct store_annotation *a = &in[i];
		if (!is_uuid(a->id))
			st = gl_fail(err, GL_USAGE, "'%s' is not an annotation id",
				     a->id ? a->id : "");
		else if (!a->version || !a->author || !*a->author ||
			 !a->created || !*a->created)
			st = gl_fail(err, GL_USAGE, "annotation %s lacks its version, "
				     "author or creation time", a->id);
		else if ((a->start < 0) != (a->end < 0) ||
			 (a->start >= 0 && a->start > a->end))
			st = gl_fail(err, GL_USAGE, "annotation %s: bad range %lld:%lld",
				     a->id, a->start, a->end);
		else if (!build(a, &b->rows[i]))
			st = gl_fail(err, GL_USAGE, "annotation %s: a tag cannot be "
				     "empty", a->id);
		if (st == GL_OK)
			snapshot_tail(&b->tails, &b->rows[i]);
		b->tail_end[i] = b->tails.len;
	}
	if (st != GL_OK) {
		store_import_batch_free(b);
		return st;
	}
	*out = b;
	return GL_OK;
}

void
store_import_batch_free(struct store_import_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->rows[i].tags);
	free(b->rows);
	free(b->tail_end);
	buf_free(&b->tails);
	free(b);
}

enum gl_status
store_move_annotation(struct store *s, const char *id, const char *document,
		 struct gl_error *err)
{
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, "UPDATE annotations SET document = ?1 WHERE id = ?2",
			    &q);
	if (rc != DB_OK)
		return store_sql_fail(s, rc, "cannot move the annotation", err);
	store_bind_text(q, 1, document);
	store_bind_text(q, 2, id);
	rc = db_step(q);
	db_finalize(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot move the annotation", err);
	return GL_OK;
}

/* An annotation whose id the store has: updated when `a` is newer and
 * differs (see store_annotation_import), else left alone. */
static enum gl_status
merge_existing(struct store *s, const struct store_annotation *a,
	       enum store_import_result *result, struct gl_error *err)
{
	struct store_annotation old;
	enum gl_status st = store_fetch_annotation(s, a->id, false, &old, err);
	*result = STORE_IMPORT_UNCHANGED;
	if (st != GL_OK)
		return st;
	bool visible = !old.is_private || strcmp(old.author, s->author) == 0;
	bool newer = strcmp(a->updated, old.updated) > 0;
	/* Another document: the caller (import_prepare) found that its text
	   is that document's, so an earlier import put it in the wrong one.
	   It moves with its place on the new text; what it says (note, tags,
	   style, status, privacy) is the newer copy's. */
	if (visible && strcmp(a->document, old.document) != 0) {
		struct store_annotation next = *a;
		next.author = old.author;
		next.parent = old.parent;
		next.created = old.created;
		next.deleted = old.deleted;
		if (!newer) {
			next.style = old.style;
			next.note = old.note;
			next.status = old.status;
			next.is_private = old.is_private;
			next.tags = old.tags;
			next.tag_count = old.tag_count;
			next.updated = old.updated;
		}
		st = store_move_annotation(s, a->id, a->document, err);
		if (st == GL_OK)
			st = store_write_annotation(s, &next, err);
		if (st == GL_OK)
			st = store_log_event(s, "import", a->id, &old, &next, 0, err);
		*result = STORE_IMPORT_UPDATED;
		store_annotation_clear(&old);
		return st;
	}
	/* Newer wins; an equal or older copy changes nothing, so importing
	   the same file twice is harmless.  Someone else's private
	   annotation is never touched. */
	if (visible && content_differs(&old, a) && newer) {
		struct store_annotation next = *a;
		/* What an import never changes stays as stored. */
		next.document = old.document;
		next.author = old.author;
		next.parent = old.parent;
		next.created = old.created;
		next.deleted = old.deleted;
		st = store_write_annotation(s, &next, err);
		if (st == GL_OK)
			st = store_log_event(s, "import", a->id, &old, &next, 0, err);
		*result = STORE_IMPORT_UPDATED;
	}
	store_annotation_clear(&old);
	return st;
}

/* SQLite, for a big batch: a page cache that holds what the batch
 * writes (spilling it to the WAL in the middle of the transaction costs
 * more than the memory, and the cache only grows as far as it is used),
 * and no automatic checkpoint at the commit.  That checkpoint copies the
 * whole batch from the WAL into the database after the write lock is
 * released, but inside the COMMIT call, so a caller that times the lock
 * would count it and a caller that waits for it would wait:
 * store_import_batch_finish runs it instead. */
static enum gl_status
tune_for_batch(struct store *s, struct store_import_batch *b, struct gl_error *err)
{
	if (b->tuned || b->n < BIG_BATCH || !s->db->ops->has_fts5)  /* SQLite */
		return GL_OK;
	enum gl_status st = query_int(s, "PRAGMA cache_size", &b->cache_size, err);
	if (st == GL_OK)
		st = query_int(s, "PRAGMA wal_autocheckpoint", &b->autocheckpoint, err);
	if (st != GL_OK)
		return st;
	b->tuned = true;
	st = run_sql(s, "PRAGMA cache_size = -131072", false, 0,
		     "cannot set the cache size", err);
	if (st == GL_OK)
		st = run_sql(s, "PRAGMA wal_autocheckpoint = 0", false, 0,
			     "cannot set up the store", err);
	return st;
}

void
store_import_batch_finish(struct store *s, struct store_import_batch *b)
{
	if (!s || !b)
		return;
	/* The rows a big batch left out of the search index, before the
	   checkpoint (which then copies them too), with the batch's cache. */
	store_search_catch_up(s, NULL);
	if (!b->tuned)
		return;
	b->tuned = false;
	char *sql = xasprintf("PRAGMA cache_size = %lld", b->cache_size);
	run_sql(s, sql, false, 0, "cannot set the cache size", NULL);
	free(sql);
	sql = xasprintf("PRAGMA wal_autocheckpoint = %lld", b->autocheckpoint);
	run_sql(s, sql, false, 0, "cannot set up the store", NULL);
	free(sql);
	/* PASSIVE: it waits for no one and no one waits for it; inside a
	   transaction (a caller's, still open) it is left to the next
	   commit. */
	if (!s->db->ops->in_transaction(s->db))
		run_sql(s, "PRAGMA wal_checkpoint(PASSIVE)", false, 0,
			"cannot tidy the store", NULL);
}

enum gl_status
store_import_batch_apply(struct store *s, struct store_import_batch *b,
			 enum store_import_result *results, struct gl_error *err)
{
	enum gl_status st = store_check_writable(s, err);
	if (st != GL_OK)
		return st;
	for (size_t i = 0; i < b->n; i++)
		if (!b->in[i].document)
			return gl_fail(err, GL_USAGE, "annotation %s lacks its document",
				       b->in[i].id);
	st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	long long last = -1;
	size_t added = 0;
	struct buf scratch = BUF_INIT;
	struct db_stmt *insert = NULL;
	st = query_int(s, "SELECT max(seq) FROM annotations", &last, err);
	if (st == GL_OK)
		st = tune_for_batch(s, b, err);
	if (st == GL_OK) {
		int rc = db_prepare(s->db, INSERT_NEW_SQL, &insert);
		if (rc != DB_OK)
			st = store_sql_fail(s, rc, "cannot save the annotation", err);
	}
	for (size_t i = 0; i < b->n && st == GL_OK; i++) {
		struct store_annotation *a = &b->rows[i];
		enum store_import_result r = STORE_IMPORT_UNCHANGED;
		bool is_new = false;
		a->document = b->in[i].document;
		st = insert_row(s, insert, a, &is_new, err);
		if (st == GL_OK && is_new) {
			size_t from = i ? b->tail_end[i - 1] : 0;
			st = log_added(s, a, b->tails.data + from, b->tail_end[i] - from,
				       &scratch, err);
			r = STORE_IMPORT_ADDED;
			added++;
		} else if (st == GL_OK) {
			st = merge_existing(s, a, &r, err);
		}
		if (results)
			results[i] = r;
	}
	db_finalize(insert);
	buf_free(&scratch);
	if (st == GL_OK && added)
		st = index_new_rows(s, last < 0 ? 0 : last, added, err);
	return store_end(s, st, err);
}

enum gl_status
store_annotations_import(struct store *s, const struct store_annotation *a,
			 size_t n, enum store_import_result *results,
			 struct gl_error *err)
{
	struct store_import_batch *b = NULL;
	enum gl_status st = store_import_batch_new(a, n, &b, err);
	if (st != GL_OK)
		return st;
	st = store_import_batch_apply(s, b, results, err);
	store_import_batch_finish(s, b);
	store_import_batch_free(b);
	return st;
}

enum gl_status
store_annotation_import(struct store *s, const struct store_annotation *a,
			enum store_import_result *result, struct gl_error *err)
{
	enum store_import_result r = STORE_IMPORT_UNCHANGED;
	enum gl_status st = store_annotations_import(s, a, 1, &r, err);
	if (st == GL_OK && result)
		*result = r;
	return st;
}
