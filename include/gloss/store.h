/* store: the annotation store, and the only module that speaks SQL.
 *
 * A store holds documents, their versions (with the text), annotations
 * with both selectors in Unicode code points, tags, reading positions,
 * "seen" times, an append-only log of events (which gives undo/redo and an
 * audit trail) and a full-text index.  It lives in one of two backends,
 * chosen by its location (store_open), behind the same calls:
 *  - an SQLite file (WAL, synchronous=FULL, foreign keys, a busy timeout
 *    of 5 s, BEGIN IMMEDIATE for every write), for one person or a team
 *    on one host;
 *  - a PostgreSQL database (libpq), for a team on several hosts: each
 *    author is a database role and row-level security enforces who may
 *    change and see what; writers take turns through an advisory lock.
 * Nothing outside the store knows which one is in use.
 *
 * The store stores plain data: it knows nothing of doc, anchor, layout or
 * curses.  No SQLite or libpq type crosses this header.
 *
 * Conventions for every function below:
 *  - A function that can fail returns an enum gl_status and, on failure,
 *    fills `err` (which may be NULL) with one line a user can read.  It
 *    may quote the store's path or other data as they are: print it
 *    through u8_safe (the store uses util only).  The store-wide failures
 *    are:
 *      GL_STORE_BUSY      another process held the lock past the timeout
 *      GL_STORE_READONLY  the store was opened read-only (a write refused)
 *      GL_STORE_FULL      the disk (or the store's size limit) is full;
 *                         the change was rolled back, nothing else lost
 *      GL_STORE           any other database error (damaged file, I/O)
 *    and, where said, GL_NO_MATCH (no such visible annotation, document or
 *    version), GL_DENIED (not the author), GL_USAGE (a bad argument).
 *  - Strings handed in are UTF-8 and only read during the call.
 *  - Structs handed out own their strings (malloc'd); free them with the
 *    matching *_clear or *_free function.  A cleared struct is zeroed, and
 *    clearing a zeroed struct is harmless.
 *  - Every change is made by the store's author (given to store_open) and
 *    appends an event.  Private annotations of other authors are invisible
 *    to every call: they behave as if they did not exist.
 *  - Times are ISO 8601 UTC, "2024-01-01T00:00:00Z".  Test hook: when the
 *    environment variable GLOSS_NOW holds such a time, it is used as the
 *    current time.
 *
 * A struct store is not thread-safe; use one per thread (or process). */
#ifndef GLOSS_STORE_H
#define GLOSS_STORE_H

#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The schema version this program writes (PRAGMA user_version; on
 * PostgreSQL the table gloss_schema).  1: the first schema.  2: adds the
 * full-text index (SQLite: FTS5, trigram; PostgreSQL: pg_trgm).  3: the
 * SQLite index's backlog (search_backlog: what a big import left for the
 * index to catch up on after its commit); nothing changes on PostgreSQL.
 * 4: the SQLite index holds text folded by the text fold (see
 * store_set_text_fold) and search_fold names that fold; nothing changes
 * on PostgreSQL. */
#define STORE_SCHEMA_VERSION 4

/* Length of an annotation or document id: a version 4 UUID in lowercase
 * text, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
#define STORE_ID_LEN 36
/* The shortest id prefix accepted by store_resolve_id. */
#define STORE_ID_MIN_PREFIX 4

/* ------------------------------------------------------------- opening */
enum store_open_flags {
	/* Create a missing file with mode 0600 and missing parent
	   directories with mode 0700 (the default, personal store).  Without
	   it a new file gets 0666 minus the umask and the parent directory
	   must exist (a team's shared store). */
	STORE_OPEN_PRIVATE = 1u << 0,
	/* Never write, even where the file would allow it. */
	STORE_OPEN_READONLY = 1u << 1,
};

/* Opens (creating if needed) the store at `path` for `author` (who makes
 * every change through this handle; must not be empty) and brings its
 * schema up to STORE_SCHEMA_VERSION in one transaction.
 *
 * `path` is a location: a file path or "sqlite:PATH" is an SQLite file;
 * "postgresql://..." or "postgres://..." (a libpq URI) is a PostgreSQL
 * database.  On PostgreSQL the author is the database role: gloss
 * connects as the user the URI names (or PGUSER), else as `author`, and
 * store_author returns the role; a password comes from ~/.pgpass or
 * PGPASSWORD (or the URI), TLS settings from the URI (sslmode).  The
 * flags about files do not apply there; STORE_OPEN_READONLY does.
 * store_path, and every message, show the location with any password
 * replaced by "***".  A lost connection fails the call that met it
 * (GL_STORE, the message says the connection was lost: the caller keeps
 * what it was saving); the next call connects again.
 *
 * When the file or its directory is not writable by this process, the
 * store is opened read-only: reading works, every change fails with
 * GL_STORE_READONLY, and store_is_readonly / store_notice say so.
 *
 * Errors (the file is left exactly as it was in each case):
 *   GL_STORE_NEWER     made by a newer gloss (user_version above ours)
 *   GL_STORE           not a database, not a gloss store, damaged, or
 *                      cannot be created
 *   GL_STORE_READONLY  read-only and too old to read (needs a migration),
 *                      or missing and its directory is not writable
 *   GL_STORE_BUSY      locked past the timeout (during a migration)
 *   GL_STORE_FULL      no room for the migration
 * *out is set only on GL_OK; close it with store_close.
 *
 * Test hook: the environment variable GLOSS_TEST_MAX_PAGES=N sets
 * PRAGMA max_page_count to N, so tests can simulate a full disk. */
enum gl_status store_open(const char *path, const char *author, unsigned flags,
			  struct store **out, struct gl_error *err);

/* True when `location` names an SQLite store that does not exist yet (a
 * missing file); false for an existing file, an unreadable place, or a
 * PostgreSQL location.  Lets the reader make a new store after its first
 * screen without knowing how locations are spelled. */
bool store_location_is_new(const char *location);

/* Closes the store (rolling back a transaction left open).  NULL is
 * harmless. */
void store_close(struct store *s);

/* True when the store was opened read-only. */
bool store_is_readonly(const struct store *s);
/* Why the store is read-only, one line ("... is read-only: ..."), or NULL
 * when it is writable.  Owned by the store. */
const char *store_notice(const struct store *s);
const char *store_path(const struct store *s);
const char *store_author(const struct store *s);
/* True when another connection (process) changed the store since the
 * last call (SQLite: PRAGMA data_version; PostgreSQL: a NOTIFY from the
 * other connection's commit, which may arrive a moment after it); the
 * first call returns false.  Never waits for the network. */
bool store_changed_elsewhere(struct store *s);
/* SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL: the
 * schema's version (the server keeps its own integrity).  GL_OK, or
 * GL_STORE with the first problem in err. */
enum gl_status store_check(struct store *s, struct gl_error *err);

/* -------------------------------------------------------- transactions
 * Each writing call is atomic on its own.  To make several calls one
 * transaction, wrap them in store_begin / store_commit: calls nest, only
 * the outermost pair reaches the database (BEGIN IMMEDIATE ... COMMIT).
 * If any call inside fails, the whole transaction is rolled back when the
 * outermost store_commit runs, which then returns the first failure. */
enum gl_status store_begin(struct store *s, struct gl_error *err);
enum gl_status store_commit(struct store *s, struct gl_error *err);
/* Abandons the transaction (all of it, at whatever depth). */
void store_rollback(struct store *s);

/* ------------------------------------------------------------ documents */
struct store_document {
	char *id;          /* UUID */
	char *title;       /* never NULL (may be "") */
	char *source;      /* absolute path or URL; NULL when not known (stdin) */
	char *created;
	/* Counts (filled by store_documents_list and store_document_get), of
	   the annotations the author can see, not deleted, not counting
	   replies: */
	long long annotations;
	long long open;    /* of which open (not resolved) */
	long long versions;
};
void store_document_clear(struct store_document *d);

struct store_document_list {
	struct store_document *items;
	size_t count;
};
void store_document_list_free(struct store_document_list *l);

/* Creates a document; *id (caller frees) gets its new id.  `source` may be
 * NULL (a transient document: stdin, a temporary file). */
enum gl_status store_document_create(struct store *s, const char *title,
				     const char *source, char **id,
				     struct gl_error *err);
/* Sets a document's title and source (NULL source: unchanged). */
enum gl_status store_document_update(struct store *s, const char *id,
				     const char *title, const char *source,
				     struct gl_error *err);
/* GL_NO_MATCH when there is no such document. */
enum gl_status store_document_get(struct store *s, const char *id,
				  struct store_document *out,
				  struct gl_error *err);
/* The document most recently given a version whose source is `source`;
 * GL_NO_MATCH when none. */
enum gl_status store_document_by_source(struct store *s, const char *source,
					struct store_document *out,
					struct gl_error *err);
/* Every document, most recently created first. */
enum gl_status store_documents_list(struct store *s,
				    struct store_document_list *out,
				    struct gl_error *err);

/* ------------------------------------------------------------- versions
 * A version is one text of a document, identified by the hash of the text
 * and the version of the renderer that made it. */
struct store_version {
	char *hash;
	int renderer;
	char *document;
	long long length_cp;  /* length of the text in code points */
	char *text;           /* NULL unless asked for; NUL-terminated */
	size_t text_len;      /* bytes */
	char *first_seen;
};
void store_version_clear(struct store_version *v);

/* Records a version of `document`.  Adding a (hash, renderer) that exists
 * is GL_OK when it belongs to the same document (nothing changes), and
 * GL_USAGE when it belongs to another. */
enum gl_status store_version_add(struct store *s, const char *document,
				 const char *hash, int renderer,
				 const char *text, size_t text_len,
				 long long length_cp, struct gl_error *err);
/* The version (hash, renderer); GL_NO_MATCH when unknown.  The text is
 * fetched only when `with_text`. */
enum gl_status store_version_find(struct store *s, const char *hash,
				  int renderer, bool with_text,
				  struct store_version *out,
				  struct gl_error *err);
/* The version of `document` recorded last; GL_NO_MATCH when none. */
enum gl_status store_version_latest(struct store *s, const char *document,
				    bool with_text, struct store_version *out,
				    struct gl_error *err);

/* ---------------------------------------------------------- annotations */
enum store_anchor_state {
	STORE_ANCHOR_NONE,    /* no range: a page note or a reply */
	STORE_ANCHOR_EXACT,   /* the quote stands at the stored position */
	STORE_ANCHOR_MOVED,   /* the quote was found elsewhere */
	STORE_ANCHOR_FUZZY,   /* an approximate match */
	STORE_ANCHOR_ORPHAN,  /* not found: start/end/version are the last
				 place it had */
};
/* "none", "exact", "moved", "fuzzy", "orphan". */
const char *store_anchor_state_name(enum store_anchor_state s);
/* Parses a name; false when unknown. */
bool store_anchor_state_parse(const char *name, enum store_anchor_state *out);

enum store_status { STORE_STATUS_OPEN, STORE_STATUS_RESOLVED };
const char *store_status_name(enum store_status s);   /* "open", "resolved" */
bool store_status_parse(const char *name, enum store_status *out);

/* Styles and tags: one rule for every way in (store-valid.c), so that
 * what gloss add/edit stores the reader can show and edit, and the other
 * way round.
 *
 * A style is "1" to "5" (the reader's 1-5), or one of the colour names
 * yellow (1), green (2), blue or cyan (3), pink, magenta or purple (4),
 * red or underline (5), kept as written.  Returns its number, 1 to 5, or
 * 0 when `style` is not one (NULL, "", "7", "abc"). */
int store_style_number(const char *style);
/* A tag is one word, as the reader's tag prompt splits them: not empty,
 * at most STORE_TAG_MAX code points, without white space (Unicode
 * White_Space), commas (, U+FF0C U+3001) or control characters, valid
 * UTF-8.  NULL when `tag` is one, else why not (a static string). */
#define STORE_TAG_MAX 100
const char *store_tag_problem(const char *tag);
/* A tag from outside made into one (import, a tag stored before the rule
 * when it is exported): each run of white space, commas and control
 * characters becomes one "-", none at either end ("to do" -> "to-do"), cut
 * to STORE_TAG_MAX code points, invalid UTF-8 dropped.  Caller frees;
 * "" when nothing is left (drop the tag then). */
char *store_tag_canonical(const char *tag);

struct store_annotation {
	char *id;
	char *document;
	char *version;        /* hash of the version it was last anchored on */
	int renderer;         /* ... and that version's renderer version */
	char *author;
	char *parent;         /* the annotation replied to, or NULL */
	/* Range in code points of the version's text, end exclusive; both -1
	   for a page note or a reply. */
	long long start, end;
	char *exact, *prefix, *suffix; /* quote selector; NULL when no range */
	char *style;          /* NULL when none */
	char *note;           /* NULL when none */
	enum store_status status;
	enum store_anchor_state anchor;
	bool is_private;      /* seen by its author only */
	bool deleted;         /* a tombstone (only with include_deleted) */
	char *created, *updated;
	char **tags;          /* sorted, unique */
	size_t tag_count;
};
void store_annotation_clear(struct store_annotation *a);
/* True for a page note: no range and no parent. */
bool store_annotation_is_page(const struct store_annotation *a);

struct store_annotation_list {
	struct store_annotation *items;
	size_t count;
};
void store_annotation_list_free(struct store_annotation_list *l);

/* What store_annotation_add takes.  For a page note set start = end = -1,
 * exact/prefix/suffix NULL and anchor STORE_ANCHOR_NONE. */
struct store_new_annotation {
	const char *document;
	const char *version;     /* hash */
	int renderer;
	long long start, end;
	const char *exact, *prefix, *suffix;
	enum store_anchor_state anchor;
	const char *style;       /* NULL: none */
	const char *note;        /* NULL: none */
	bool is_private;
	const char *const *tags; /* duplicates are merged */
	size_t tag_count;
};

/* Adds an annotation by the store's author; *id (caller frees) gets its
 * id.  GL_NO_MATCH when the document or version is unknown, GL_USAGE for
 * an inconsistent range (start > end, or only one of them -1) or an empty
 * tag. */
enum gl_status store_annotation_add(struct store *s,
				    const struct store_new_annotation *a,
				    char **id, struct gl_error *err);
/* Adds a reply to `parent` (anyone may reply to what they can see); it
 * takes the parent's document and version and has no range, and is
 * private when asked or when the parent is.  *id gets the new id.
 * GL_USAGE for an empty note; GL_NO_MATCH when the parent is unknown or
 * deleted. */
enum gl_status store_annotation_reply(struct store *s, const char *parent,
				      const char *note, bool is_private,
				      char **id, struct gl_error *err);

/* A change to an annotation; fields left at their zero value (false,
 * NULL, 0) change nothing. */
struct store_edit {
	bool set_note;
	const char *note;        /* NULL or "" removes the note */
	bool set_style;
	const char *style;       /* NULL or "" removes the style */
	const char *const *add_tags;
	size_t add_count;
	const char *const *remove_tags;
	size_t remove_count;
	int set_private;         /* 0: unchanged, 1: private, -1: shared */
};
/* Edits an annotation.  Only its author may: GL_DENIED for others.
 * GL_NO_MATCH when unknown or deleted.  A change that changes nothing
 * records no event and is GL_OK. */
enum gl_status store_annotation_edit(struct store *s, const char *id,
				     const struct store_edit *e,
				     struct gl_error *err);
/* Deletes (a tombstone: undo brings it back).  Only its author may:
 * GL_DENIED for others.  GL_NO_MATCH when unknown or already deleted. */
enum gl_status store_annotation_delete(struct store *s, const char *id,
				       struct gl_error *err);
/* Resolves or reopens; anyone who can see it may.  Setting the status it
 * already has records nothing.  GL_NO_MATCH when unknown or deleted. */
enum gl_status store_annotation_set_status(struct store *s, const char *id,
					   enum store_status status,
					   struct gl_error *err);
/* Records where re-anchoring placed an annotation on a version (anyone's
 * annotation: this is the program's doing, not an edit, and is not undone
 * by store_undo).  An event ("reanchor") is recorded when anything
 * changed.  For STORE_ANCHOR_ORPHAN pass the last known place (the
 * annotation's current version, start and end) so that the text it was
 * made on can still be shown. */
enum gl_status store_annotation_reanchor(struct store *s, const char *id,
					 const char *version, int renderer,
					 long long start, long long end,
					 enum store_anchor_state state,
					 struct gl_error *err);
/* Places an annotation by hand (the reader's :reanchor, for an orphan or
 * a wrong fuzzy match): it becomes anchored, state STORE_ANCHOR_EXACT, on
 * [start, end) (code points) of the version (version, renderer) of its
 * own document, with the quote selector exact/prefix/suffix of that place
 * (prefix and suffix may be NULL: unknown, and "" is kept as NULL, as
 * store_annotation_add does; the caller makes them, e.g. with
 * anchor_make).  Unlike store_annotation_reanchor it replaces the
 * quote, since the text chosen is the new quote; like it, anyone who can
 * see the annotation may (a placement, not an edit of what was said), it
 * records a "place" event by the store's author when anything changed
 * (and the time in `updated`), which store_undo undoes like any change of
 * theirs (the annotation goes back where it was, an orphan again; the
 * automatic "reanchor" events are never undone).  Errors:
 * GL_USAGE for a bad range (start < 0, start > end, end past the
 * version's length), a NULL exact or version, or an annotation without a
 * place (a page note or a reply); GL_NO_MATCH when the annotation is
 * unknown or deleted, or the version is unknown or of another document;
 * the store-wide failures. */
enum gl_status store_annotation_place(struct store *s, const char *id,
				      const char *version, int renderer,
				      long long start, long long end,
				      const char *exact, const char *prefix,
				      const char *suffix, struct gl_error *err);
/* Fetches one annotation (deleted ones too, with `deleted` set).
 * GL_NO_MATCH when unknown or private to someone else. */
enum gl_status store_annotation_get(struct store *s, const char *id,
				    struct store_annotation *out,
				    struct gl_error *err);
/* Turns a unique id prefix (at least STORE_ID_MIN_PREFIX characters,
 * case-insensitive) of a visible, not deleted annotation into its full id
 * (*id, caller frees).  GL_USAGE for a prefix that is too short, not
 * made of hex digits and '-', or ambiguous; GL_NO_MATCH when nothing
 * matches. */
enum gl_status store_resolve_id(struct store *s, const char *prefix,
				char **id, struct gl_error *err);

/* Which annotations store_annotations_list returns; zero means "any". */
struct store_filter {
	const char *document;   /* only this document */
	const char *author;     /* only this author's */
	const char *tag;        /* only those with this tag */
	const char *parent;     /* only replies to this annotation */
	bool status_set;        /* only this status: */
	enum store_status status;
	bool orphans_only;      /* only anchor state orphan */
	bool include_deleted;   /* tombstones too */
	/* Only annotations with a range that are orphans or were last
	   anchored on a version other than (stale_version, stale_renderer):
	   those to re-anchor on that version. */
	const char *stale_version;
	int stale_renderer;
};
/* Annotations visible to the author, in order of document, start
 * (page notes first), creation. */
enum gl_status store_annotations_list(struct store *s,
				      const struct store_filter *f,
				      struct store_annotation_list *out,
				      struct gl_error *err);
/* Whether store_annotations_list would return any annotation (`*any`),
 * without reading them: a query far cheaper to prepare, for asking
 * "is there anything to do?" on the way to the first screen. */
enum gl_status store_annotations_exist(struct store *s,
				       const struct store_filter *f, bool *any,
				       struct gl_error *err);

/* The folding of search, given to the store by the program (the store
 * speaks no Unicode): gloss sets { u8_fold, u8_fold_query,
 * u8_fold_contains, u8_fold_version() } so that store_search finds what
 * the reader's / finds.
 *   fold      appends the fold of text[0, n) to out (map: always NULL);
 *             what the SQLite index holds, and what a query is looked up
 *             with, so it must fold case and every other difference the
 *             search ignores.
 *   query     appends the needle of a query to out; true when matching
 *             is case-sensitive (smart case).
 *   contains  true when text[0, n) holds the needle (folded as `query`
 *             said): the final word on every candidate.
 *   name      names the folding (its rules and Unicode version): a
 *             writable SQLite store whose index was built with another
 *             fold is re-indexed once when opened. */
struct store_text_fold {
	void (*fold)(struct buf *out, const char *text, size_t n, size_t **map);
	bool (*query)(struct buf *out, const char *query, size_t n);
	bool (*contains)(const char *needle, size_t nlen, bool case_sensitive,
			 const char *text, size_t n);
	const char *name;
};
/* Sets the text fold for every store opened afterwards (once, at start;
 * `f` and its name must outlive them; NULL: none).  Without one the
 * store searches as its index does: case folded, no other folding. */
void store_set_text_fold(const struct store_text_fold *f);

/* Full-text search over quotes, notes and tags.  With a text fold set:
 * annotations whose quote, note or one tag contains the query under
 * that fold (smart case, as the reader's /); SQLite finds candidates in
 * its FTS5 trigram index of folded text (a query of one or two code
 * points, which has no trigram, by a scan of the index's folded text; a
 * big import's rows not indexed yet by folding them), PostgreSQL by
 * reading the visible annotations, and each is checked with `contains`.
 * Without one: SQLite's index, case folded; PostgreSQL ILIKE with
 * pg_trgm indexes; queries of one or two code points by a scan of the
 * same fields (case folded), so a two-character CJK query finds every
 * match.  The filter narrows the results as in store_annotations_list.
 * GL_USAGE for an empty query. */
enum gl_status store_search(struct store *s, const char *query,
			    const struct store_filter *f,
			    struct store_annotation_list *out,
			    struct gl_error *err);

/* --------------------------------------------------------------- import
 * (store-import.c) Merges one annotation that comes from outside (gloss
 * import) by its id.  Unlike store_annotation_add it keeps what `a` says:
 * id (a UUID, lowercase, any version), author, parent, created, updated,
 * status, style, note, tags, private, version, range, selectors (prefix
 * and suffix may be NULL: unknown) and anchor state.  a->document must be
 * the document's id; `deleted` is ignored.  Empty note or style mean none;
 * a NULL or older `updated` is taken as `created`.
 *
 *  - No annotation has this id: it is inserted (STORE_IMPORT_ADDED).
 *  - One has, and differs in what an import carries (range, selectors,
 *    version, anchor, style, note, status, tags, private) while `a` is
 *    newer (a->updated later than its updated): those fields and
 *    `updated` are replaced (STORE_IMPORT_UPDATED).  Its document,
 *    author, parent, creation and deletion stay as stored.
 *  - One has, in another document than a->document (gloss import found
 *    its text is that document's: an earlier import put it in the wrong
 *    one): it moves there with a's version, range, selectors and anchor
 *    state, and a's other fields when `a` is newer (STORE_IMPORT_UPDATED;
 *    undo moves it back).
 *  - Otherwise nothing changes (STORE_IMPORT_UNCHANGED): the same
 *    annotation, an older copy, or someone else's private annotation
 *    (never touched).
 *
 * An "import" event (by the store's author) records each change, so undo
 * takes an added annotation away and puts an updated one back.  Errors:
 * GL_USAGE for an id that is not a UUID, a missing document, version,
 * author or creation time, a bad range or an empty tag; GL_NO_MATCH when
 * the document, the version or the parent is not in the store (insert
 * parents before their replies); the store-wide failures.  On PostgreSQL,
 * adding or changing another author's annotation takes a role with
 * BYPASSRLS (row-level security): GL_DENIED otherwise. */
enum store_import_result {
	STORE_IMPORT_ADDED,
	STORE_IMPORT_UPDATED,
	STORE_IMPORT_UNCHANGED,
};
enum gl_status store_annotation_import(struct store *s,
				       const struct store_annotation *a,
				       enum store_import_result *result,
				       struct gl_error *err);
/* The same for n annotations in one transaction (nested in the caller's
 * if one is open), in order (parents before their replies); results[i]
 * (results may be NULL) gets what happened to a[i].  Much faster than n
 * calls: the full-text index is brought up to date once, at the end.  On
 * failure nothing is changed (the caller's transaction fails too). */
enum gl_status store_annotations_import(struct store *s,
					const struct store_annotation *a,
					size_t n,
					enum store_import_result *results,
					struct gl_error *err);

/* The same in steps, so that the write lock is held only for writing
 * (gloss import):
 *
 *   store_import_batch_new     before the transaction: checks every
 *                              annotation (the GL_USAGE errors above) and
 *                              prepares what is written (the rows, the
 *                              events' snapshots), touching no store.
 *                              a[] and what it points to must outlive the
 *                              batch; a[i].document may still be NULL
 *                              and be set before apply (the document of
 *                              gloss import --to FILE is found or made
 *                              inside the transaction).
 *   store_import_batch_apply   inside the caller's transaction (or its
 *                              own): as store_annotations_import;
 *                              GL_USAGE when a document is still NULL.
 *   store_import_batch_finish  after that transaction ended, committed or
 *                              not: on SQLite, indexes for search what a
 *                              big batch (1,000 or more added) left out
 *                              of its transaction, in short write
 *                              transactions of a few thousand rows each
 *                              (search finds those annotations meanwhile,
 *                              and if the process dies first the next
 *                              store_open finishes the work); then puts
 *                              back the connection's settings that the
 *                              batch changed and runs the WAL checkpoint
 *                              it kept out of the commit.  Inside a
 *                              transaction that is still open it leaves
 *                              the indexing to the next store_open.
 *                              Harmless otherwise.
 *   store_import_batch_free    frees the batch (NULL is fine).
 */
struct store_import_batch;
enum gl_status store_import_batch_new(const struct store_annotation *a,
				      size_t n, struct store_import_batch **out,
				      struct gl_error *err);
enum gl_status store_import_batch_apply(struct store *s,
					struct store_import_batch *b,
					enum store_import_result *results,
					struct gl_error *err);
void store_import_batch_finish(struct store *s, struct store_import_batch *b);
void store_import_batch_free(struct store_import_batch *b);

/* -------------------------------------------------------------- copying
 * (store-copy.c) Copies the whole of `from` into `to` (gloss migrate),
 * whichever their backends: documents, versions, annotations (deleted
 * ones and every author's, as far as `from` lets its author see them),
 * tags, events, reading positions and last visits, in one transaction on
 * `to`.  Idempotent: what `to` already has (by id; a version by hash and
 * renderer) is left as it is, so copying again copies nothing.  An
 * annotation's events come with it when it is copied, renumbered, so undo
 * works on the copy.  *copied gets what was copied, *total what `from`
 * holds (events: all of the log).  Errors: those of both stores; on
 * PostgreSQL, copying annotations or events of other authors needs a role
 * with BYPASSRLS (GL_DENIED otherwise, and nothing is copied). */
struct store_copy_counts {
	long long documents, versions, annotations, events, positions;
};
enum gl_status store_copy(struct store *from, struct store *to,
			  struct store_copy_counts *copied,
			  struct store_copy_counts *total,
			  struct gl_error *err);

/* ------------------------------------------------------------------ tags */
struct store_tag_count {
	char *tag;
	long long count;
};
struct store_tag_list {
	struct store_tag_count *items;
	size_t count;
};
void store_tag_list_free(struct store_tag_list *l);
/* Tags of the visible, not deleted annotations (of `document`, or of all
 * when NULL) with how many carry each, by tag. */
enum gl_status store_tags_list(struct store *s, const char *document,
			       struct store_tag_list *out,
			       struct gl_error *err);

/* ------------------------------------------------- positions and "seen"
 * Per document and author: where the author stopped reading (a code point
 * offset) and when the author last looked (to show what is new).  These
 * are reading state, not changes: they record no event. */
enum gl_status store_position_set(struct store *s, const char *document,
				  long long offset, struct gl_error *err);
/* GL_NO_MATCH when none was recorded. */
enum gl_status store_position_get(struct store *s, const char *document,
				  long long *offset, struct gl_error *err);
/* Records "now" as the author's last visit. */
enum gl_status store_seen_mark(struct store *s, const char *document,
			       struct gl_error *err);
/* *time (caller frees) gets the last visit; GL_NO_MATCH when none. */
enum gl_status store_seen_get(struct store *s, const char *document,
			      char **time, struct gl_error *err);

/* --------------------------------------------------------------- events */
struct store_event {
	long long seq;        /* order of the log */
	char *time;
	char *who;
	char *what;           /* add, reply, edit, delete, resolve, reopen,
				 reanchor, place, undo, redo */
	char *annotation;
	char *before;         /* JSON of the annotation before; NULL for add */
	char *after;          /* JSON after */
	long long reverts;    /* undo/redo: the event undone or redone; else 0 */
};
void store_event_clear(struct store_event *e);
struct store_event_list {
	struct store_event *items;
	size_t count;
};
void store_event_list_free(struct store_event_list *l);
/* The log, oldest first, of one annotation (or all when NULL), as far as
 * the author can see it. */
enum gl_status store_events_list(struct store *s, const char *annotation,
				 struct store_event_list *out,
				 struct gl_error *err);

/* Undoes the author's last change that is not undone yet (add, reply,
 * edit, delete, resolve, reopen), working from the event log, so it also
 * works after a restart.  Only the fields that change altered are put
 * back, and only where they still hold what it left (a colleague's later
 * change is kept).  On GL_OK, *undone (if not NULL) gets a copy of the
 * event undone (clear it).  GL_NO_MATCH when there is nothing to undo. */
enum gl_status store_undo(struct store *s, struct store_event *undone,
			  struct gl_error *err);
/* Redoes the change undone last, unless the author made another change
 * since (which drops the redo stack, as in an editor).  GL_NO_MATCH when
 * there is nothing to redo. */
enum gl_status store_redo(struct store *s, struct store_event *redone,
			  struct gl_error *err);
/* The same, scoped to one document (its id): undoes or redoes the
 * author's newest change, not undone yet, on an annotation of `document`,
 * leaving changes on other documents where they are in the stacks.
 * GL_NO_MATCH ("nothing to undo in this document") when there is none. */
enum gl_status store_undo_in(struct store *s, const char *document,
			     struct store_event *undone, struct gl_error *err);
enum gl_status store_redo_in(struct store *s, const char *document,
			     struct store_event *redone, struct gl_error *err);

#endif
