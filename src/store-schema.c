/* store-schema: the schema, as the list of steps that build it.
 *
 * migrations[v] takes a store from schema v to v + 1.  A new store runs
 * them all; an older one the ones it lacks.  They run in one BEGIN
 * IMMEDIATE transaction that also sets PRAGMA user_version, so a store is
 * at one version or the next, never between (user_version lives in the
 * file's header and is transactional).  Never edit a step that has been
 * released: add one.  tests/data/store/v1.sql is a store at version 1,
 * kept to test the way up. */
#include "config.h"

#include "store-internal.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>

static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: the first schema. */
	"PRAGMA application_id = 1735159667;\n" /* STORE_APPLICATION_ID */
	"CREATE TABLE documents (\n"
	"  id TEXT PRIMARY KEY NOT NULL,\n"
	"  title TEXT NOT NULL DEFAULT '',\n"
	"  source TEXT,\n"
	"  created TEXT NOT NULL\n"
	") STRICT;\n"
	"CREATE INDEX documents_by_source ON documents (source);\n"
	"CREATE TABLE versions (\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  hash TEXT NOT NULL,\n"
	"  renderer INTEGER NOT NULL,\n"
	"  document TEXT NOT NULL REFERENCES documents (id),\n"
	"  length_cp INTEGER NOT NULL CHECK (length_cp >= 0),\n"
	"  text TEXT NOT NULL,\n"
	"  first_seen TEXT NOT NULL,\n"
	"  UNIQUE (hash, renderer)\n"
	") STRICT;\n"
	"CREATE INDEX versions_by_document ON versions (document, seq);\n"
	"CREATE TABLE annotations (\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  id TEXT NOT NULL UNIQUE,\n"
	"  document TEXT NOT NULL REFERENCES documents (id),\n"
	"  version TEXT NOT NULL,\n"
	"  renderer INTEGER NOT NULL,\n"
	"  author TEXT NOT NULL CHECK (author <> ''),\n"
	"  parent TEXT REFERENCES annotations (id),\n"
	"  start_cp INTEGER,\n"
	"  end_cp INTEGER,\n"
	"  exact TEXT,\n"
	"  prefix TEXT,\n"
	"  suffix TEXT,\n"
	"  style TEXT,\n"
	"  note TEXT,\n"
	"  status TEXT NOT NULL DEFAULT 'open'\n"
	"    CHECK (status IN ('open', 'resolved')),\n"
	"  anchor TEXT NOT NULL\n"
	"    CHECK (anchor IN ('none', 'exact', 'moved', 'fuzzy', 'orphan')),\n"
	"  private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),\n"
	"  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),\n"
	"  created TEXT NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  FOREIGN KEY (version, renderer) REFERENCES versions (hash, renderer),\n"
	"  CHECK ((start_cp IS NULL) = (end_cp IS NULL)),\n"
	"  CHECK (start_cp IS NULL OR (0 <= start_cp AND start_cp <= end_cp))\n"
	") STRICT;\n"
	"CREATE INDEX annotations_by_document ON annotations (document, start_cp);\n"
	"CREATE INDEX annotations_by_parent ON annotations (parent);\n"
	"CREATE TABLE tags (\n"
	"  annotation TEXT NOT NULL REFERENCES annotations (id),\n"
	"  tag TEXT NOT NULL CHECK (tag <> ''),\n"
	"  PRIMARY KEY (annotation, tag)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX tags_by_tag ON tags (tag);\n"
	"CREATE TABLE positions (\n"
	"  document TEXT NOT NULL REFERENCES documents (id),\n"
	"  author TEXT NOT NULL,\n"
	"  offset_cp INTEGER NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  PRIMARY KEY (document, author)\n"
	") STRICT;\n"
	"CREATE TABLE seen (\n"
	"  document TEXT NOT NULL REFERENCES documents (id),\n"
	"  author TEXT NOT NULL,\n"
	"  time TEXT NOT NULL,\n"
	"  PRIMARY KEY (document, author)\n"
	") STRICT;\n"
	"CREATE TABLE events (\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  time TEXT NOT NULL,\n"
	"  who TEXT NOT NULL,\n"
	"  what TEXT NOT NULL,\n"
	"  annotation TEXT REFERENCES annotations (id),\n"
	"  before TEXT,\n"
	"  after TEXT,\n"
	"  reverts INTEGER REFERENCES events (seq)\n"
	") STRICT;\n"
	"CREATE INDEX events_by_who ON events (who, seq);\n"
	"CREATE INDEX events_by_annotation ON events (annotation, seq);\n",

	/* 1 -> 2: full-text search over quotes, notes and tags.  The trigram
	   tokenizer finds any substring of three or more characters, which
	   is what CJK text needs (it has no spaces between words).  The
	   store keeps it in step with the annotations (store-annot.c), in the
	   same transaction as each change; rowid is annotations.seq. */
	"CREATE VIRTUAL TABLE annotations_fts USING fts5 (\n"
	"  exact, note, tags, tokenize = 'trigram'\n"
	");\n"
	"INSERT INTO annotations_fts (rowid, exact, note, tags)\n"
	"  SELECT a.seq, coalesce(a.exact, ''), coalesce(a.note, ''),\n"
	"    coalesce((SELECT group_concat(tag, ' ') FROM\n"
	"      (SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag)), '')\n"
	"  FROM annotations a;\n",

	/* 2 -> 3: the search index's backlog.  A big import (store-import.c)
	   writes its annotations without their full-text rows, so that the
	   write lock is not held while FTS5 indexes them, and records the
	   range of annotations.seq it added here (after_seq < seq <=
	   upto_seq); the rows are indexed just after the commit, a few
	   thousand per short transaction (store_search_catch_up), and a
	   range is deleted once done.  A range may hold rows indexed already
	   (edited meanwhile); the catch-up skips those.  Until then search
	   scans the range's rows as well as the index, so what it finds does
	   not depend on it. */
	"CREATE TABLE search_backlog (\n"
	"  after_seq INTEGER PRIMARY KEY,\n"
	"  upto_seq INTEGER NOT NULL,\n"
	"  CHECK (after_seq < upto_seq)\n"
	") STRICT;\n",

	/* 3 -> 4: the index holds folded text.  gloss folds what it
	   searches (NFKC and case folding, u8_fold) and gives the store that
	   fold (store_set_text_fold), which SQL calls gloss_fold(); the index
	   is built from gloss_fold() of each field, so that a folded query
	   looks ＶＩＭ up as vim.  search_fold names the fold the index was
	   built with: "" for none, which is what schemas 2 and 3 built.
	   Opening a store whose index has another fold than the program's
	   builds the index again, once (store_search_refold): that is how a
	   store of schema 3 gets its folded index, and how a store follows a
	   new Unicode version.  Until then search does not use the index. */
	"CREATE TABLE search_fold (\n"
	"  fold TEXT NOT NULL\n"
	") STRICT;\n"
	"INSERT INTO search_fold (fold) VALUES ('');\n",
};

enum gl_status
store_sqlite_migrate(struct store *s, struct gl_error *err)
{
	sqlite3 *db = store_sqlite_handle(s);
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;

	/* Read again inside the lock: another gloss may have migrated the
	   file between our first look and now. */
	sqlite3_stmt *q = NULL;
	long long version = 0;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		version = sqlite3_column_int64(q, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_OK) {
		st = store_sql_fail(s, store_sqlite_rc(rc), "cannot read the store's version", err);
		return store_end(s, st, err);
	}
	if (version > STORE_SCHEMA_VERSION) {
		st = gl_fail(err, GL_STORE_NEWER,
			     "%s was made by a newer gloss (store schema %lld; this "
			     "gloss knows up to %d): upgrade gloss to use it; the "
			     "file was left as it is",
			     s->path, version, STORE_SCHEMA_VERSION);
		return store_end(s, st, err);
	}
	for (long long v = version; v < STORE_SCHEMA_VERSION; v++) {
		rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			char what[64];
			snprintf(what, sizeof what,
				 "cannot upgrade the store to schema %lld", v + 1);
			st = store_sql_fail(s, store_sqlite_rc(rc), what, err);
			return store_end(s, st, err);
		}
	}
	char set[64];
	snprintf(set, sizeof set, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	rc = sqlite3_exec(db, set, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		st = store_sql_fail(s, store_sqlite_rc(rc), "cannot upgrade the store", err);
	return store_end(s, st, err);
}
