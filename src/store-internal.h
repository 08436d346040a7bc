/* store-internal.h: what the store's files share.  Only src/store*.c
 * include this; nothing here crosses store.h.  The store's logic speaks to
 * the database through the driver interface of store-db.h; only the
 * drivers include <sqlite3.h> (store-sqlite.c, store-schema.c) or
 * <libpq-fe.h> (store-pg.c). */
#ifndef GLOSS_STORE_INTERNAL_H
#define GLOSS_STORE_INTERNAL_H

#include "gloss/store.h"
#include "gloss/util.h"

#include "store-db.h"

#include <jansson.h>

/* PRAGMA application_id of a gloss store: "glos" in ASCII. */
#define STORE_APPLICATION_ID 0x676c6f73

/* The SELECT list that store_read_annotation() reads, in its order, for a
 * query over "annotations a". */
#define STORE_ANNOTATION_COLUMNS \
	"a.id, a.document, a.version, a.renderer, a.author, a.parent, " \
	"a.start_cp, a.end_cp, a.exact, a.prefix, a.suffix, a.style, a.note, " \
	"a.status, a.anchor, a.private, a.deleted, a.created, a.updated, " \
	"(SELECT json_group_array(tag) FROM " \
	"(SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag) AS t)"
#define STORE_ANNOTATION_NCOLUMNS 20
/* Who may see an annotation: shared ones, and the author's own.  ?1 is
 * the store's author in every statement that uses it. */
#define STORE_VISIBLE "(a.private = 0 OR a.author = ?1)"

/* The prepared statements, prepared on first use and finalized by
 * store_close.  Their SQL is in store.c's table. */
enum store_stmt {
	ST_DOC_INSERT,
	ST_DOC_UPDATE,
	ST_DOC_GET,
	ST_DOC_BY_SOURCE,
	ST_DOC_LIST,
	ST_VER_INSERT,
	ST_VER_FIND,
	ST_VER_LATEST,
	ST_ANN_INSERT,
	ST_ANN_UPDATE,
	ST_ANN_GET,
	ST_ANN_GET_ANY,
	ST_ANN_PREFIX,
	ST_TAG_INSERT,
	ST_TAG_GET,
	ST_TAG_CLEAR,
	ST_FTS_DELETE,
	ST_FTS_INSERT,
	ST_POS_SET,
	ST_POS_GET,
	ST_SEEN_SET,
	ST_SEEN_GET,
	ST_EVENT_INSERT,
	ST_EVENT_GET,
	ST_EVENT_MINE,
	ST_EVENT_LIST_ONE,
	ST_EVENT_LIST_ALL,
	ST_COUNT
};

struct store {
	struct db *db;           /* the driver's connection */
	char *path;              /* the location as messages show it (a
				    PostgreSQL password hidden) */
	char *author;
	char *notice;            /* why read-only, or NULL */
	bool readonly;
	struct db_stmt *stmt[ST_COUNT];
	int tx_depth;            /* nesting of store_begin */
	bool tx_failed;          /* a call inside the transaction failed */
	struct gl_error tx_error;/* ... and this was its error */
	char now[32];            /* scratch for store_now() */
};

/* The text fold store_set_text_fold set, or NULL. */
const struct store_text_fold *store_text_fold(void);
/* The fold name of an index built without a text fold. */
#define STORE_NO_FOLD ""
/* What the SQLite full-text index holds for annotation `a` (rowid
 * a.seq): its quote, note and tags (sorted, joined by a space), each
 * through gloss_fold(), the SQL function of the text fold (store-sqlite.c;
 * the text unchanged without one). */
#define STORE_FTS_FOLDED_COLUMNS \
	"gloss_fold(coalesce(a.exact, '')), gloss_fold(coalesce(a.note, '')), " \
	"gloss_fold(coalesce((SELECT group_concat(tag, ' ') FROM " \
	"(SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag)), ''))"
/* True when the SQLite index was built with the current text fold (its
 * name is in search_fold): then store_search may look the folded query
 * up in it. */
bool store_search_index_folded(struct store *s);
/* Rebuilds the SQLite index with the current text fold when it was
 * built with another (store-import.c), in one write transaction; a busy
 * or read-only store is left as it is (search stays right: it scans). */
enum gl_status store_search_refold(struct store *s, struct gl_error *err);

/* The cached statement `id`, reset and with its bindings cleared; NULL
 * with err filled when it cannot be prepared. */
struct db_stmt *store_stmt(struct store *s, enum store_stmt id,
			   struct gl_error *err);
/* Resets a statement after use (keeps it cached). */
void store_stmt_done(struct db_stmt *st);

/* Turns a driver's result code (enum db_rc) into a status and a one-line
 * message about `what` (e.g. "cannot save the annotation"). */
enum gl_status store_sql_fail(struct store *s, int rc, const char *what,
			      struct gl_error *err);
/* Refuses a change on a read-only store (GL_STORE_READONLY). */
enum gl_status store_check_writable(struct store *s, struct gl_error *err);
/* Ends a write begun with store_begin: commits on GL_OK, else rolls back
 * (this level and, through the outermost, everything).  Returns the
 * status of the whole: `st`, or the commit's failure. */
enum gl_status store_end(struct store *s, enum gl_status st,
			 struct gl_error *err);

/* The current time, ISO 8601 UTC (or $GLOSS_NOW), in s->now. */
const char *store_now(struct store *s);
/* A fresh version 4 UUID into out (STORE_ID_LEN + 1 bytes). */
void store_new_uuid(char out[STORE_ID_LEN + 1]);

/* Binding helpers: NULL binds SQL NULL.  Text is bound transiently. */
int store_bind_text(struct db_stmt *st, int i, const char *text);
/* A column as a malloc'd string, or NULL for SQL NULL. */
char *store_column_text(struct db_stmt *st, int i);

/* A location as messages may show it: a PostgreSQL URI with its password
 * (user:PASSWORD@ or password=...) replaced by "***"; other locations as
 * they are.  Caller frees. */
char *store_location_shown(const char *location);

/* The SQLite driver (store-sqlite.c): opens s->path (read-only when it
 * must), checks it is a gloss store and migrates it. */
enum gl_status store_sqlite_open(struct store *s, unsigned flags,
				 struct gl_error *err);
enum gl_status store_sqlite_check(struct store *s, struct gl_error *err);
/* The SQLite connection, for SQLite-only code (schema, bulk import). */
struct sqlite3;
struct sqlite3 *store_sqlite_handle(struct store *s);
/* An SQLite result code as an enum db_rc. */
int store_sqlite_rc(int sqlite_rc);
/* schema (store-schema.c): brings an SQLite store from its user_version
 * (read inside the transaction) up to STORE_SCHEMA_VERSION in one
 * BEGIN IMMEDIATE transaction. */
enum gl_status store_sqlite_migrate(struct store *s, struct gl_error *err);

/* The PostgreSQL driver (store-pg.c): connects to `uri` (as the role
 * named in it, else as the author), sets s->author to the role, checks
 * and migrates the schema. */
enum gl_status store_pg_open(struct store *s, const char *uri, unsigned flags,
			     struct gl_error *err);
enum gl_status store_pg_check(struct store *s, struct gl_error *err);

/* annotations (store-annot.c) */
/* Reads the STORE_ANNOTATION_COLUMNS of the current row into *a. */
void store_read_annotation(struct db_stmt *st, struct store_annotation *a);
/* Fetches an annotation by full id regardless of who may see it. */
enum gl_status store_fetch_annotation(struct store *s, const char *id,
				      bool only_visible,
				      struct store_annotation *out,
				      struct gl_error *err);
/* Writes every mutable field of `a` (found by a->id), its tags and its
 * full-text row.  Inside a transaction. */
enum gl_status store_write_annotation(struct store *s,
				      const struct store_annotation *a,
				      struct gl_error *err);
/* Puts annotation `id` in another document (store-import.c): an import
 * that finds its text is that document's, and undo or redo of that move.
 * store_write_annotation writes its version and place. */
enum gl_status store_move_annotation(struct store *s, const char *id,
				     const char *document, struct gl_error *err);
/* GL_DENIED, with a message naming who replied, when `a` has replies
 * (deleting it would strand them); GL_OK when it has none. */
enum gl_status store_refuse_if_replied(struct store *s,
				       const struct store_annotation *a,
				       struct gl_error *err);
/* Sorts and de-duplicates a->tags; false when a tag is empty. */
bool store_normalize_tags(struct store_annotation *a);

/* import (store-import.c) */
/* Appends the JSON text of store_annotation_to_json(a), written without
 * jansson (for speed); the two must agree. */
void store_snapshot_text(struct buf *b, const struct store_annotation *a);
/* SQLite: the span of annotations.seq that may still lack full-text rows
 * (every search_backlog range inside after < seq <= upto); false, with
 * both 0, when there is none (or on PostgreSQL, or when it cannot be
 * read: the caller then searches the index alone). */
bool store_search_backlog(struct store *s, long long *after, long long *upto);
/* SQLite: indexes the backlog's rows, at most STORE_CATCH_UP_ROWS per
 * write transaction, until none is left.  Does nothing on PostgreSQL, on
 * a read-only store, inside a transaction, or when $GLOSS_TEST_NO_CATCH_UP
 * is set (the test hook for a process that died before it).  Errors
 * leave the rest for later (search stays right meanwhile). */
enum gl_status store_search_catch_up(struct store *s, struct gl_error *err);
#ifndef STORE_CATCH_UP_ROWS
#define STORE_CATCH_UP_ROWS 5000
#endif
#define STORE_CATCH_UP_PAUSE_US 5000

/* events (store-events.c) */
/* The JSON snapshot of an annotation kept in events (new reference). */
json_t *store_annotation_to_json(const struct store_annotation *a);
/* The reverse; false when the JSON lacks something. */
bool store_annotation_from_json(const json_t *j, struct store_annotation *a);
/* Appends an event.  before/after may be NULL; reverts 0 when none. */
enum gl_status store_log_event(struct store *s, const char *what,
			       const char *annotation,
			       const struct store_annotation *before,
			       const struct store_annotation *after,
			       long long reverts, struct gl_error *err);

#endif
