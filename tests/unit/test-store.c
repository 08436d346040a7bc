/* store: annotations are kept, found, changed only by their author, undone
 * from the log, searched (CJK too); the file survives several writers, a
 * killed writer, a full disk, a newer or foreign file, and old stores are
 * upgraded.
 *
 * This test includes <sqlite3.h> itself, only to build fixtures the store
 * cannot make (a version-1 file from tests/data/store/v1.sql, a file
 * stamped by a newer gloss, another program's database) and to read the
 * schema back; everything under test goes through store.h. */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/cli.h"
#include "gloss/doc.h"
#include "gloss/store.h"
#include "gloss/util.h"
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *tmpdir;

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static void
remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Set when the tests run against PostgreSQL (tests/cli/store-postgresql.test
 * starts a throwaway server and sets GLOSS_TEST_PG_HOST, _PORT and _PSQL). */
static const char *pg_host, *pg_port, *pg_psql;
static int pg_databases;

/* A fresh path in the test's directory. */
static char *
tmp_path(const char *name)
{
	return gl_path_join(tmpdir, name);
}

/* A fresh, empty store location for a test that works on either backend:
 * a file in the test's directory, or a new database on the test server. */
static char *
store_location(const char *name)
{
	if (!pg_host)
		return tmp_path(name);
	char db[32];
	snprintf(db, sizeof db, "gloss_unit_%d", ++pg_databases);
	char *cmd = xasprintf("'%s' -X -q -h '%s' -p '%s' -U gloss_admin -d postgres "
			      "-c 'CREATE DATABASE %s' >/dev/null", pg_psql, pg_host,
			      pg_port, db);
	if (system(cmd) != 0)
		diag("cannot create the test database %s", db);
	free(cmd);
	return xasprintf("postgresql:///%s?host=%s&port=%s", db, pg_host, pg_port);
}

static struct store *
open_as(const char *path, const char *author)
{
	struct store *s = NULL;
	struct gl_error err;
	enum gl_status st = store_open(path, author, 0, &s, &err);
	if (st != GL_OK) {
		diag("store_open %s as %s: %s", path, author, err.message);
		return NULL;
	}
	return s;
}

static char *
read_all(const char *path, size_t *len)
{
	char *data = NULL;
	if (gl_read_file(path, &data, len, 1 << 30, NULL) != GL_OK)
		return NULL;
	return data;
}

/* A document with one version whose text is `text`. */
static char *
make_document(struct store *s, const char *title, const char *source,
	      const char *hash, const char *text)
{
	char *doc = NULL;
	struct gl_error err;
	if (store_document_create(s, title, source, &doc, &err) != GL_OK) {
		diag("document_create: %s", err.message);
		return NULL;
	}
	long long cp = 0;
	for (const char *p = text; *p; p++)
		cp += ((unsigned char)*p & 0xc0) != 0x80;
	if (store_version_add(s, doc, hash, 1, text, strlen(text), cp, &err) != GL_OK)
		diag("version_add: %s", err.message);
	return doc;
}

static char *
add_quote(struct store *s, const char *doc, const char *hash, long long start,
	  long long end, const char *exact, const char *note,
	  const char *const *tags, size_t ntags, bool priv)
{
	struct store_new_annotation n = {
		.document = doc, .version = hash, .renderer = 1,
		.start = start, .end = end, .exact = exact, .prefix = "",
		.suffix = "", .anchor = STORE_ANCHOR_EXACT, .note = note,
		.tags = tags, .tag_count = ntags, .is_private = priv,
	};
	char *id = NULL;
	struct gl_error err;
	if (store_annotation_add(s, &n, &id, &err) != GL_OK) {
		diag("annotation_add: %s", err.message);
		return NULL;
	}
	return id;
}

static size_t
count_listed(struct store *s, const struct store_filter *f)
{
	struct store_annotation_list l;
	if (store_annotations_list(s, f, &l, NULL) != GL_OK)
		return (size_t)-1;
	size_t n = l.count;
	store_annotation_list_free(&l);
	return n;
}

static size_t
count_found(struct store *s, const char *query)
{
	struct store_annotation_list l;
	struct gl_error err;
	if (store_search(s, query, NULL, &l, &err) != GL_OK) {
		diag("search %s: %s", query, err.message);
		return (size_t)-1;
	}
	size_t n = l.count;
	store_annotation_list_free(&l);
	return n;
}

/* ------------------------------------------------------------- opening */

static void
test_open_new(void)
{
	char *dir = tmp_path("new/deeper");
	char *path = gl_path_join(dir, "gloss.db");
	struct store *s = NULL;
	struct gl_error err;
	is_int(store_open(path, "alice", STORE_OPEN_PRIVATE, &s, &err), GL_OK,
	       "a new private store is created with its directories");
	struct stat sb;
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	   "a new private store file has mode 0600");
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	   "its new directory has mode 0700");
	ok(s && !store_is_readonly(s), "a new store is writable");
	ok(s && store_notice(s) == NULL, "and has no read-only notice");
	is_str(s ? store_author(s) : NULL, "alice", "the store knows its author");
	ok(s && store_check(s, &err) == GL_OK, "a new store passes the integrity check");
	store_close(s);

	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
	sqlite3_step(q);
	is_int(sqlite3_column_int(q, 0), STORE_SCHEMA_VERSION,
	       "a new store is at the current schema version");
	sqlite3_finalize(q);
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
	sqlite3_step(q);
	is_str((const char *)sqlite3_column_text(q, 0), "wal",
	       "a new store uses write-ahead logging");
	sqlite3_finalize(q);
	sqlite3_close(db);

	is_int(store_open(path, "", 0, &s, &err), GL_USAGE,
	       "a store cannot be opened without an author");
	char *nodir = tmp_path("missing-dir/x.db");
	is_int(store_open(nodir, "alice", 0, &s, &err), GL_STORE,
	       "a shared store in a missing directory is not created");
	ok(strstr(err.message, "missing-dir") != NULL, "the message names the directory");
	free(nodir);
	free(path);
	free(dir);
}

static void
test_bad_files(void)
{
	struct gl_error err;
	struct store *s = NULL;
	size_t n1, n2;

	char *text = tmp_path("notes.txt");
	gl_write_file_atomic(text, "just some notes\nnot a database\n", 32, 0644, NULL);
	is_int(store_open(text, "alice", 0, &s, &err), GL_STORE,
	       "a text file is refused as a store");
	ok(strstr(err.message, "is not a gloss store (file is not a database)") != NULL,
	   "the message says it is not a database");
	char *after = read_all(text, &n1);
	ok(after && n1 == 32 && memcmp(after, "just some notes\n", 16) == 0,
	   "the refused file is left as it was");
	free(after);

	/* Another program's SQLite database. */
	char *other = tmp_path("other.db");
	sqlite3 *db;
	sqlite3_open(other, &db);
	sqlite3_exec(db, "CREATE TABLE bookmarks (url TEXT)", NULL, NULL, NULL);
	sqlite3_close(db);
	char *before = read_all(other, &n1);
	is_int(store_open(other, "alice", 0, &s, &err), GL_STORE,
	       "another program's database is refused");
	ok(strstr(err.message, "not a gloss store") != NULL, "saying it is not a gloss store");
	after = read_all(other, &n2);
	ok(before && after && n1 == n2 && memcmp(before, after, n1) == 0,
	   "another program's database is left byte for byte as it was");
	free(before);
	free(after);

	/* A store stamped by a newer gloss. */
	char *newer = tmp_path("newer.db");
	s = open_as(newer, "alice");
	char *doc = make_document(s, "t", NULL, "00aa", "some text");
	char *id = add_quote(s, doc, "00aa", 0, 4, "some", "kept", NULL, 0, false);
	store_close(s);
	free(doc);
	free(id);
	sqlite3_open(newer, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	before = read_all(newer, &n1);
	is_int(store_open(newer, "alice", 0, &s, &err), GL_STORE_NEWER,
	       "a store made by a newer gloss is refused");
	ok(strstr(err.message, "newer gloss") != NULL, "the message says a newer gloss made it");
	after = read_all(newer, &n2);
	ok(before && after && n1 == n2 && memcmp(before, after, n1) == 0,
	   "the newer store is left byte for byte as it was");
	free(before);
	free(after);

	/* A damaged store: its pages after the first overwritten. */
	char *bad = tmp_path("damaged.db");
	s = open_as(bad, "alice");
	doc = make_document(s, "t", NULL, "00bb", "some text to damage");
	for (int i = 0; i < 50; i++)
		free(add_quote(s, doc, "00bb", 0, 4, "some", "a note that takes room "
			       "on the pages of the store", NULL, 0, false));
	store_close(s);
	free(doc);
	size_t len;
	char *data = read_all(bad, &len);
	for (size_t i = 4096 * 2; data && i < len; i++)
		data[i] = (char)0x5a;
	gl_write_file_atomic(bad, data, len, 0644, NULL);
	free(data);
	enum gl_status st = store_open(bad, "alice", 0, &s, &err);
	if (st == GL_OK) {
		struct store_annotation_list l;
		st = store_annotations_list(s, NULL, &l, &err);
		if (st == GL_OK)
			st = store_check(s, &err);
		store_annotation_list_free(&l);
		store_close(s);
	}
	is_int(st, GL_STORE, "a damaged store is reported as a store error");
	ok(strstr(err.message, "damaged") != NULL || strstr(err.message, "malformed") != NULL,
	   "the message says the store is damaged");
	diag("damaged: %s", err.message);

	free(bad);
	free(newer);
	free(other);
	free(text);
}

/* --------------------------------------------------------- documents */

static void
test_documents(void)
{
	char *path = store_location("docs.db");
	struct store *s = open_as(path, "alice");
	struct gl_error err;
	char *d1 = NULL, *d2 = NULL;
	ok(store_document_create(s, "Harbour", "/home/a/harbour.txt", &d1, &err) == GL_OK,
	   "a document is created");
	ok(d1 && strlen(d1) == STORE_ID_LEN && d1[14] == '4',
	   "its id is a version 4 UUID");
	store_document_create(s, "Stdin", NULL, &d2, &err);
	ok(d1 && d2 && strcmp(d1, d2) != 0, "two documents have different ids");

	is_int(store_version_add(s, d1, "h1", 1, "old text", 8, 8, &err), GL_OK,
	       "a version is recorded");
	is_int(store_version_add(s, d1, "h1", 1, "old text", 8, 8, &err), GL_OK,
	       "recording the same version again is harmless");
	is_int(store_version_add(s, d2, "h1", 1, "old text", 8, 8, &err), GL_USAGE,
	       "a version cannot belong to two documents");
	is_int(store_version_add(s, "no-such-doc", "h9", 1, "x", 1, 1, &err), GL_NO_MATCH,
	       "a version of an unknown document is refused");
	store_version_add(s, d1, "h2", 1, "new text, longer", 16, 16, &err);
	store_version_add(s, d1, "h2", 2, "new text (renderer 2)", 21, 21, &err);

	struct store_version v;
	is_int(store_version_find(s, "h1", 1, true, &v, &err), GL_OK, "a version is found by hash");
	is_str(v.text, "old text", "with its text");
	is_int(v.length_cp, 8, "and its length in code points");
	is_str(v.document, d1, "and its document");
	store_version_clear(&v);
	store_version_find(s, "h1", 1, false, &v, &err);
	ok(v.text == NULL, "the text is not read unless asked for");
	store_version_clear(&v);
	is_int(store_version_find(s, "h1", 2, false, &v, &err), GL_NO_MATCH,
	       "the same hash from another renderer is another version");
	is_int(store_version_latest(s, d1, true, &v, &err), GL_OK, "the latest version is found");
	ok(v.hash && strcmp(v.hash, "h2") == 0 && v.renderer == 2,
	   "the latest version is the one recorded last");
	store_version_clear(&v);
	is_int(store_version_latest(s, d2, false, &v, &err), GL_NO_MATCH,
	       "a document without versions has no latest one");

	struct store_document d;
	is_int(store_document_by_source(s, "/home/a/harbour.txt", &d, &err), GL_OK,
	       "a document is found by its source path");
	is_str(d.id, d1, "the right one");
	is_int(d.versions, 3, "with its count of versions");
	store_document_clear(&d);
	is_int(store_document_by_source(s, "/elsewhere.txt", &d, &err), GL_NO_MATCH,
	       "an unknown source finds nothing");
	is_int(store_document_update(s, d2, "Renamed", "/home/a/saved.txt", &err), GL_OK,
	       "a document's title and source can change");
	store_document_get(s, d2, &d, &err);
	ok(d.title && strcmp(d.title, "Renamed") == 0 && d.source &&
	   strcmp(d.source, "/home/a/saved.txt") == 0, "the change is kept");
	store_document_clear(&d);
	is_int(store_document_get(s, "nope", &d, &err), GL_NO_MATCH, "an unknown document is not found");

	char *id = add_quote(s, d1, "h1", 0, 3, "old", NULL, NULL, 0, false);
	char *id2 = add_quote(s, d1, "h1", 4, 8, "text", NULL, NULL, 0, false);
	store_annotation_set_status(s, id2, STORE_STATUS_RESOLVED, &err);
	struct store_document_list l;
	is_int(store_documents_list(s, &l, &err), GL_OK, "documents are listed");
	is_int(l.count, 2, "every document is listed");
	for (size_t i = 0; i < l.count; i++) {
		if (strcmp(l.items[i].id, d1) == 0) {
			is_int(l.items[i].annotations, 2, "a document counts its annotations");
			is_int(l.items[i].open, 1, "and the open ones");
		}
	}
	store_document_list_free(&l);
	free(id);
	free(id2);
	free(d1);
	free(d2);
	store_close(s);
	free(path);
}

/* ---------------------------------------------------------- annotations */

static const char *const en_text =
	"At six the fishing boats come back. The harbour master counts them; "
	"the harbour is quiet again by seven.";
static const char *const zh_text =
	"清晨六點，漁船陸續回港。碼頭上，「今天的收成不錯」，老陳說。漁船很多。";

static void
test_annotations(void)
{
	char *path = store_location("annotations.db");
	struct store *s = open_as(path, "alice");
	struct gl_error err;
	char *doc = make_document(s, "Harbour", "/h.txt", "e1", en_text);
	const char *tags[] = { "boats", "question", "boats" };
	struct store_new_annotation n = {
		.document = doc, .version = "e1", .renderer = 1, .start = 10, .end = 23,
		.exact = "fishing boats", .prefix = "At six the ", .suffix = " come back.",
		.anchor = STORE_ANCHOR_EXACT, .style = "yellow", .note = "Which ones?",
		.tags = tags, .tag_count = 3,
	};
	char *id = NULL;
	is_int(store_annotation_add(s, &n, &id, &err), GL_OK, "an annotation is added");
	ok(id && strlen(id) == STORE_ID_LEN, "and gets a full id");

	struct store_annotation a;
	is_int(store_annotation_get(s, id, &a, &err), GL_OK, "an annotation is read back");
	is_str(a.exact, "fishing boats", "its quote is kept");
	is_str(a.prefix, "At six the ", "its prefix is kept");
	is_str(a.suffix, " come back.", "its suffix is kept");
	ok(a.start == 10 && a.end == 23, "its range in code points is kept");
	is_str(a.note, "Which ones?", "its note is kept");
	is_str(a.style, "yellow", "its style is kept");
	is_str(a.author, "alice", "its author is the store's author");
	is_str(a.version, "e1", "it is anchored on the version given");
	ok(a.status == STORE_STATUS_OPEN, "a new annotation is open");
	ok(a.anchor == STORE_ANCHOR_EXACT, "and exactly anchored");
	ok(!a.is_private && !a.deleted, "shared and not deleted");
	ok(a.tag_count == 2 && strcmp(a.tags[0], "boats") == 0 &&
	   strcmp(a.tags[1], "question") == 0, "its tags are sorted and unique");
	ok(a.created && strlen(a.created) == 20 && a.created[19] == 'Z',
	   "its creation time is ISO 8601 UTC");
	store_annotation_clear(&a);

	struct store_new_annotation bad = n;
	bad.start = 5;
	bad.end = -1;
	char *none = NULL;
	is_int(store_annotation_add(s, &bad, &none, &err), GL_USAGE, "a half range is refused");
	bad = n;
	bad.start = 9;
	bad.end = 3;
	is_int(store_annotation_add(s, &bad, &none, &err), GL_USAGE, "a reversed range is refused");
	bad = n;
	bad.version = "nope";
	is_int(store_annotation_add(s, &bad, &none, &err), GL_NO_MATCH,
	       "an annotation on an unknown version is refused");
	const char *empty_tag[] = { "" };
	bad = n;
	bad.tags = empty_tag;
	bad.tag_count = 1;
	is_int(store_annotation_add(s, &bad, &none, &err), GL_USAGE, "an empty tag is refused");

	/* A page note. */
	struct store_new_annotation page = {
		.document = doc, .version = "e1", .renderer = 1, .start = -1, .end = -1,
		.note = "Read this with the map.",
	};
	char *pid = NULL;
	is_int(store_annotation_add(s, &page, &pid, &err), GL_OK, "a page note is added");
	store_annotation_get(s, pid, &a, &err);
	ok(store_annotation_is_page(&a) && a.exact == NULL && a.anchor == STORE_ANCHOR_NONE,
	   "a page note has no range, no quote and no anchor state");
	store_annotation_clear(&a);

	/* Prefixes. */
	char *full = NULL;
	char prefix[9];
	memcpy(prefix, id, 8);
	prefix[8] = '\0';
	is_int(store_resolve_id(s, prefix, &full, &err), GL_OK, "an id prefix resolves");
	is_str(full, id, "to the full id");
	free(full);
	for (int i = 0; i < 8; i++)
		prefix[i] = (char)(prefix[i] >= 'a' ? prefix[i] - 'a' + 'A' : prefix[i]);
	full = NULL;
	is_int(store_resolve_id(s, prefix, &full, &err), GL_OK, "an id prefix in capitals resolves");
	free(full);
	is_int(store_resolve_id(s, "abc", &full, &err), GL_USAGE,
	       "a prefix shorter than 4 characters is refused");
	is_int(store_resolve_id(s, "zzzzzz", &full, &err), GL_USAGE,
	       "a prefix that is not hexadecimal is refused");
	is_int(store_resolve_id(s, "0000000", &full, &err) == GL_NO_MATCH ||
	       strncmp(id, "0000000", 7) == 0, 1, "an unknown prefix matches nothing");

	/* Listing and filters. */
	const char *t2[] = { "place" };
	char *id2 = add_quote(s, doc, "e1", 40, 47, "harbour", "first", t2, 1, false);
	char *id3 = add_quote(s, doc, "e1", 72, 79, "harbour", "second", t2, 1, false);
	struct store_filter f = { .document = doc };
	is_int(count_listed(s, &f), 4, "list gives every annotation of a document");
	struct store_annotation_list l;
	store_annotations_list(s, &f, &l, &err);
	ok(l.count == 4 && l.items[0].start < 0 && l.items[1].start == 10 &&
	   l.items[2].start == 40 && l.items[3].start == 72,
	   "in text order, page notes first");
	store_annotation_list_free(&l);
	f.tag = "place";
	is_int(count_listed(s, &f), 2, "list filters by tag");
	f.tag = NULL;
	store_annotation_set_status(s, id2, STORE_STATUS_RESOLVED, &err);
	f.status_set = true;
	f.status = STORE_STATUS_RESOLVED;
	is_int(count_listed(s, &f), 1, "list filters resolved annotations");
	f.status = STORE_STATUS_OPEN;
	is_int(count_listed(s, &f), 3, "list filters open annotations");
	f.status_set = false;
	f.author = "bob";
	is_int(count_listed(s, &f), 0, "list filters by author");
	f.author = NULL;
	f.orphans_only = true;
	is_int(count_listed(s, &f), 0, "no orphans yet");

	/* Re-anchoring. */
	is_int(store_annotation_reanchor(s, id3, "e1", 1, 72, 79, STORE_ANCHOR_ORPHAN, &err),
	       GL_OK, "an annotation can be marked orphan");
	is_int(count_listed(s, &f), 1, "list --orphans finds it");
	f.orphans_only = false;
	store_version_add(s, doc, "e2", 1, "new", 3, 3, &err);
	struct store_event_list ev;
	store_events_list(s, id3, &ev, &err);
	size_t before_events = ev.count;
	store_event_list_free(&ev);
	store_annotation_reanchor(s, id3, "e1", 1, 72, 79, STORE_ANCHOR_ORPHAN, &err);
	store_events_list(s, id3, &ev, &err);
	is_int(ev.count, before_events, "re-anchoring to the same place records nothing");
	store_event_list_free(&ev);
	is_int(store_annotation_reanchor(s, id3, "e2", 1, 0, 3, STORE_ANCHOR_MOVED, &err),
	       GL_OK, "an annotation can be moved to a new version");
	store_annotation_get(s, id3, &a, &err);
	ok(a.start == 0 && a.end == 3 && a.anchor == STORE_ANCHOR_MOVED &&
	   strcmp(a.version, "e2") == 0, "its new place, version and state are kept");
	store_annotation_clear(&a);
	store_events_list(s, id3, &ev, &err);
	ok(ev.count == before_events + 1 && strcmp(ev.items[ev.count - 1].what, "reanchor") == 0,
	   "re-anchoring is recorded as an event");
	store_event_list_free(&ev);

	/* Edits. */
	const char *add[] = { "fish" }, *rm[] = { "question" };
	struct store_edit e = {
		.set_note = true, .note = "Which boats? Trawlers.",
		.set_style = true, .style = "green",
		.add_tags = add, .add_count = 1, .remove_tags = rm, .remove_count = 1,
	};
	is_int(store_annotation_edit(s, id, &e, &err), GL_OK, "the author edits an annotation");
	store_annotation_get(s, id, &a, &err);
	is_str(a.note, "Which boats? Trawlers.", "the note is changed");
	is_str(a.style, "green", "the style is changed");
	ok(a.tag_count == 2 && strcmp(a.tags[0], "boats") == 0 && strcmp(a.tags[1], "fish") == 0,
	   "a tag is added and another removed");
	store_annotation_clear(&a);
	store_events_list(s, id, &ev, &err);
	size_t nev = ev.count;
	ok(ev.count == 2 && strcmp(ev.items[1].what, "edit") == 0 && ev.items[1].before &&
	   strstr(ev.items[1].before, "Which ones?") && strstr(ev.items[1].after, "Trawlers"),
	   "the edit is logged with the annotation before and after");
	ok(ev.count == 2 && strcmp(ev.items[0].what, "add") == 0 && ev.items[0].before == NULL &&
	   strcmp(ev.items[0].who, "alice") == 0, "the add is logged with who made it");
	store_event_list_free(&ev);
	is_int(store_annotation_edit(s, id, &e, &err), GL_OK, "an edit that changes nothing is fine");
	store_events_list(s, id, &ev, &err);
	is_int(ev.count, nev, "and records no event");
	store_event_list_free(&ev);
	struct store_edit clear = { .set_note = true, .note = "" };
	store_annotation_edit(s, id2, &clear, &err);
	store_annotation_get(s, id2, &a, &err);
	ok(a.note == NULL, "an empty note removes the note");
	store_annotation_clear(&a);

	/* Delete is a tombstone. */
	is_int(store_annotation_delete(s, id2, &err), GL_OK, "the author deletes an annotation");
	f = (struct store_filter){ .document = doc };
	is_int(count_listed(s, &f), 3, "a deleted annotation is not listed");
	f.include_deleted = true;
	is_int(count_listed(s, &f), 4, "but it is still kept, as a tombstone");
	store_annotation_get(s, id2, &a, &err);
	ok(a.deleted, "reading it says it is deleted");
	store_annotation_clear(&a);
	is_int(store_annotation_delete(s, id2, &err), GL_NO_MATCH,
	       "deleting it twice is refused");
	is_int(store_annotation_edit(s, id2, &e, &err), GL_NO_MATCH, "a deleted annotation cannot be edited");
	memcpy(prefix, id2, 8);
	prefix[8] = '\0';
	is_int(store_resolve_id(s, prefix, &full, &err), GL_NO_MATCH,
	       "a deleted annotation's prefix does not resolve");

	/* Replies. */
	char *rid = NULL;
	is_int(store_annotation_reply(s, id, "They are trawlers.", false, &rid, &err), GL_OK,
	       "a reply is added");
	store_annotation_get(s, rid, &a, &err);
	ok(a.parent && strcmp(a.parent, id) == 0 && a.start < 0 && !store_annotation_is_page(&a),
	   "a reply points at its parent and has no range");
	is_str(a.document, doc, "a reply belongs to its parent's document");
	store_annotation_clear(&a);
	is_int(store_annotation_reply(s, id, "", false, &none, &err), GL_USAGE,
	       "an empty reply is refused");
	is_int(store_annotation_reply(s, id2, "late", false, &none, &err), GL_NO_MATCH,
	       "a deleted annotation cannot be replied to");
	f = (struct store_filter){ .parent = id };
	is_int(count_listed(s, &f), 1, "the replies of an annotation are listed");
	f = (struct store_filter){ .document = doc };
	store_annotations_list(s, &f, &l, &err);
	bool after_parent = false;
	for (size_t i = 0; i + 1 < l.count; i++)
		if (strcmp(l.items[i].id, id) == 0 && strcmp(l.items[i + 1].id, rid) == 0)
			after_parent = true;
	ok(l.count == 4 && after_parent, "a reply is listed right after its parent");
	store_annotation_list_free(&l);

	/* Tags. */
	struct store_tag_list tl;
	is_int(store_tags_list(s, doc, &tl, &err), GL_OK, "tags are listed");
	ok(tl.count == 3 && strcmp(tl.items[0].tag, "boats") == 0 && tl.items[0].count == 1 &&
	   strcmp(tl.items[2].tag, "place") == 0 && tl.items[2].count == 1,
	   "each tag once, with how many annotations carry it (not the deleted one)");
	store_tag_list_free(&tl);

	/* Positions and seen. */
	long long off = -1;
	is_int(store_position_get(s, doc, &off, &err), GL_NO_MATCH, "no reading position at first");
	is_int(store_position_set(s, doc, 123, &err), GL_OK, "a reading position is kept");
	store_position_set(s, doc, 456, &err);
	store_position_get(s, doc, &off, &err);
	is_int(off, 456, "the last position is the one read back");
	is_int(store_position_set(s, "nope", 1, &err), GL_NO_MATCH,
	       "a position in an unknown document is refused");
	char *seen = NULL;
	is_int(store_seen_get(s, doc, &seen, &err), GL_NO_MATCH, "not seen at first");
	setenv("GLOSS_NOW", "2024-01-01T00:00:00Z", 1);
	store_seen_mark(s, doc, &err);
	store_seen_get(s, doc, &seen, &err);
	is_str(seen, "2024-01-01T00:00:00Z", "the visit time is kept (and GLOSS_NOW fixes it)");
	free(seen);
	unsetenv("GLOSS_NOW");

	free(rid);
	free(id);
	free(id2);
	free(id3);
	free(pid);
	free(doc);
	store_close(s);
	free(path);
}

/* ------------------------------------------------- authors and privacy */

static void
test_permissions(void)
{
	char *path = store_location("authors.db");
	struct store *alice = open_as(path, "alice");
	struct store *bob = open_as(path, "bob");
	struct gl_error err;
	char *doc = make_document(alice, "Harbour", NULL, "p1", en_text);
	const char *tags[] = { "secret" };
	char *shared = add_quote(alice, doc, "p1", 10, 23, "fishing boats", "shared note", NULL, 0, false);
	char *priv = add_quote(alice, doc, "p1", 40, 47, "harbour", "private harbour note", tags, 1, true);

	struct store_edit e = { .set_note = true, .note = "bob was here" };
	is_int(store_annotation_edit(bob, shared, &e, &err), GL_DENIED,
	       "another author's annotation cannot be edited");
	ok(strstr(err.message, "alice") != NULL, "the refusal names the author");
	is_int(store_annotation_delete(bob, shared, &err), GL_DENIED,
	       "another author's annotation cannot be deleted");
	struct store_annotation a;
	store_annotation_get(alice, shared, &a, &err);
	ok(a.note && strcmp(a.note, "shared note") == 0 && !a.deleted,
	   "the refused edit and delete changed nothing");
	store_annotation_clear(&a);

	char *reply = NULL;
	is_int(store_annotation_reply(bob, shared, "I agree", false, &reply, &err), GL_OK,
	       "anyone may reply");
	is_int(store_annotation_set_status(bob, shared, STORE_STATUS_RESOLVED, &err), GL_OK,
	       "anyone may resolve");
	store_annotation_get(alice, shared, &a, &err);
	ok(a.status == STORE_STATUS_RESOLVED, "the author sees it resolved");
	store_annotation_clear(&a);
	is_int(store_annotation_set_status(bob, shared, STORE_STATUS_OPEN, &err), GL_OK,
	       "anyone may reopen");
	is_int(store_annotation_edit(alice, reply, &e, &err), GL_DENIED,
	       "the parent's author cannot edit someone's reply");

	/* Private annotations. */
	is_int(store_annotation_get(bob, priv, &a, &err), GL_NO_MATCH,
	       "another author cannot read a private annotation");
	is_int(store_annotation_get(alice, priv, &a, &err), GL_OK, "its author can");
	ok(a.is_private, "and sees it marked private");
	store_annotation_clear(&a);
	struct store_filter f = { .document = doc };
	is_int(count_listed(bob, &f), 2, "a private annotation is not listed for others");
	is_int(count_listed(alice, &f), 3, "its author lists it");
	is_int(count_found(bob, "harbour note"), 0, "search does not show others' private notes");
	is_int(count_found(alice, "harbour note"), 1, "search shows one's own private notes");
	is_int(count_found(bob, "se"), 0, "nor does the short-query scan");
	struct store_tag_list tl;
	store_tags_list(bob, NULL, &tl, &err);
	is_int(tl.count, 0, "a private annotation's tags are not counted for others");
	store_tag_list_free(&tl);
	char prefix[9];
	memcpy(prefix, priv, 8);
	prefix[8] = '\0';
	char *full = NULL;
	is_int(store_resolve_id(bob, prefix, &full, &err), GL_NO_MATCH,
	       "a private annotation's id does not resolve for others");
	is_int(store_annotation_set_status(bob, priv, STORE_STATUS_RESOLVED, &err), GL_NO_MATCH,
	       "others cannot resolve a private annotation");
	is_int(store_annotation_reply(bob, priv, "peek", false, &full, &err), GL_NO_MATCH,
	       "others cannot reply to a private annotation");
	struct store_document d;
	store_document_get(bob, doc, &d, &err);
	is_int(d.annotations, 1, "a document's count leaves out others' private annotations");
	store_document_clear(&d);
	struct store_event_list ev;
	store_events_list(bob, NULL, &ev, &err);
	bool leaked = false;
	for (size_t i = 0; i < ev.count; i++)
		if (ev.items[i].after && strstr(ev.items[i].after, "private harbour note"))
			leaked = true;
	ok(!leaked, "the change log does not show others' private annotations");
	store_event_list_free(&ev);
	char *preply = NULL;
	store_annotation_reply(alice, priv, "a thought on my own note", false, &preply, &err);
	is_int(store_annotation_get(bob, preply, &a, &err), GL_NO_MATCH,
	       "a reply to a private annotation is private too");
	free(preply);
	struct store_edit share = { .set_private = -1 };
	is_int(store_annotation_edit(alice, priv, &share, &err), GL_OK, "the author shares it");
	is_int(store_annotation_get(bob, priv, &a, &err), GL_OK, "then others see it");
	store_annotation_clear(&a);

	free(reply);
	free(shared);
	free(priv);
	free(doc);
	store_close(alice);
	store_close(bob);
	free(path);
}

/* ---------------------------------------------------------------- undo */

static void
test_undo(void)
{
	char *path = store_location("undo.db");
	struct store *s = open_as(path, "alice");
	struct store *bob = open_as(path, "bob");
	struct gl_error err;
	struct store_event ev;
	struct store_annotation a;
	char *doc = make_document(s, "Harbour", NULL, "u1", en_text);

	is_int(store_undo(s, &ev, &err), GL_NO_MATCH, "nothing to undo in a new store");
	is_int(store_redo(s, &ev, &err), GL_NO_MATCH, "nothing to redo either");

	char *id = add_quote(s, doc, "u1", 10, 23, "fishing boats", "first", NULL, 0, false);
	struct store_edit e1 = { .set_note = true, .note = "second" };
	store_annotation_edit(s, id, &e1, &err);
	const char *tags[] = { "t1" };
	struct store_edit e2 = { .add_tags = tags, .add_count = 1 };
	store_annotation_edit(s, id, &e2, &err);

	is_int(store_undo(s, &ev, &err), GL_OK, "the last change is undone");
	is_str(ev.what, "edit", "undo says what it undid");
	store_event_clear(&ev);
	store_annotation_get(s, id, &a, &err);
	ok(a.tag_count == 0 && strcmp(a.note, "second") == 0, "undo removed the added tag only");
	store_annotation_clear(&a);

	/* A restart: a new handle sees the same stacks. */
	store_close(s);
	s = open_as(path, "alice");
	is_int(store_undo(s, NULL, &err), GL_OK, "undo works after a restart");
	store_annotation_get(s, id, &a, &err);
	is_str(a.note, "first", "the note is back to what it was");
	store_annotation_clear(&a);
	is_int(store_redo(s, &ev, &err), GL_OK, "redo works");
	store_event_clear(&ev);
	store_annotation_get(s, id, &a, &err);
	is_str(a.note, "second", "redo puts the note back");
	store_annotation_clear(&a);
	store_close(s);
	s = open_as(path, "alice");
	is_int(store_redo(s, NULL, &err), GL_OK, "redo works after a restart");
	store_annotation_get(s, id, &a, &err);
	ok(a.tag_count == 1 && strcmp(a.tags[0], "t1") == 0, "the tag is back");
	store_annotation_clear(&a);
	is_int(store_redo(s, NULL, &err), GL_NO_MATCH, "nothing more to redo");

	/* Undo the delete, then the add. */
	store_annotation_delete(s, id, &err);
	is_int(store_undo(s, &ev, &err), GL_OK, "a delete is undone");
	is_str(ev.what, "delete", "undo says it undid a delete");
	store_event_clear(&ev);
	store_annotation_get(s, id, &a, &err);
	ok(!a.deleted, "undo brings the deleted annotation back");
	store_annotation_clear(&a);

	/* A new change drops the redo stack. */
	store_undo(s, NULL, &err);          /* the tag */
	struct store_edit e3 = { .set_style = true, .style = "blue" };
	store_annotation_edit(s, id, &e3, &err);
	is_int(store_redo(s, NULL, &err), GL_NO_MATCH, "a new change drops what could be redone");

	/* Someone else's later change survives my undo. */
	store_annotation_set_status(bob, id, STORE_STATUS_RESOLVED, &err);
	struct store_edit e4 = { .set_note = true, .note = "third" };
	store_annotation_edit(s, id, &e4, &err);
	is_int(store_undo(bob, &ev, &err), GL_OK, "each author undoes their own changes");
	is_str(ev.what, "resolve", "bob's undo undoes bob's resolve, not alice's later edit");
	store_event_clear(&ev);
	store_annotation_get(s, id, &a, &err);
	ok(a.status == STORE_STATUS_OPEN && strcmp(a.note, "third") == 0,
	   "alice's later edit is kept");
	store_annotation_clear(&a);
	store_annotation_set_status(bob, id, STORE_STATUS_RESOLVED, &err);
	store_undo(s, NULL, &err);          /* alice: the note */
	store_annotation_get(s, id, &a, &err);
	ok(a.status == STORE_STATUS_RESOLVED && strcmp(a.note, "second") == 0,
	   "undoing one's edit keeps a colleague's later resolve");
	store_annotation_clear(&a);

	/* Undo all the way to the add. */
	while (store_undo(s, &ev, &err) == GL_OK) {
		bool last = strcmp(ev.what, "add") == 0;
		store_event_clear(&ev);
		if (last)
			break;
	}
	store_annotation_get(s, id, &a, &err);
	ok(a.deleted, "undoing an add deletes the annotation (a tombstone)");
	store_annotation_clear(&a);
	is_int(store_undo(s, NULL, &err), GL_NO_MATCH, "and then there is nothing left to undo");
	is_int(store_redo(s, NULL, &err), GL_OK, "redoing the add brings it back");
	store_annotation_get(s, id, &a, &err);
	ok(!a.deleted, "the annotation is there again");
	store_annotation_clear(&a);

	free(id);
	free(doc);
	store_close(s);
	store_close(bob);
	free(path);
}

/* Undo scoped to one document (the reader's u), and threads kept whole:
 * an annotation with replies is neither deleted nor undone away. */
static void
test_undo_scoped(void)
{
	char *path = store_location("undo-scoped.db");
	struct store *s = open_as(path, "alice");
	struct store *bob = open_as(path, "bob");
	struct gl_error err;
	struct store_event ev;
	struct store_annotation a;
	char *en = make_document(s, "Harbour", NULL, "v1", en_text);
	char *zh = make_document(s, "港口", NULL, "v2", zh_text);

	is_int(store_undo_in(s, en, NULL, &err), GL_NO_MATCH,
	       "nothing to undo in a document without changes");
	ok(strstr(err.message, "nothing to undo in this document") != NULL, "and it says so");
	char *on_en = add_quote(s, en, "v1", 10, 23, "fishing boats", "on en", NULL, 0, false);
	char *on_zh = add_quote(s, zh, "v2", 5, 7, "漁船", "on zh", NULL, 0, false);
	is_int(store_undo_in(s, en, &ev, &err), GL_OK, "undo in one document works");
	is_str(ev.annotation, on_en, "it undoes the change on that document, not the newer one elsewhere");
	store_event_clear(&ev);
	is_int(store_annotation_get(s, on_zh, &a, &err), GL_OK, "the other document's annotation is kept");
	store_annotation_clear(&a);
	is_int(store_undo_in(s, en, NULL, &err), GL_NO_MATCH, "then nothing is left to undo there");
	is_int(store_redo_in(s, zh, NULL, &err), GL_NO_MATCH, "nothing to redo in the other document");
	is_int(store_redo_in(s, en, &ev, &err), GL_OK, "redo in the document brings it back");
	store_event_clear(&ev);
	is_int(store_undo(s, &ev, &err), GL_OK, "the unscoped undo still takes the last change anywhere");
	is_str(ev.annotation, on_en, "(the redo, the last one made)");
	store_event_clear(&ev);
	store_redo(s, NULL, &err);

	char *reply = NULL;
	store_annotation_reply(bob, on_zh, "bob's reply", false, &reply, &err);
	is_int(store_annotation_delete(s, on_zh, &err), GL_DENIED,
	       "an annotation with a colleague's reply is not deleted");
	ok(strstr(err.message, "this thread has 1 reply by bob") != NULL, "the message says who replied");
	is_int(store_undo_in(s, zh, NULL, &err), GL_DENIED, "nor is its add undone");
	is_int(store_annotation_get(s, reply, &a, &err), GL_OK, "the reply is still there");
	store_annotation_clear(&a);
	is_int(store_annotation_delete(bob, reply, &err), GL_OK, "bob deletes his reply");
	is_int(store_annotation_delete(s, on_zh, &err), GL_OK, "then the annotation can be deleted");

	free(reply);
	free(on_en);
	free(on_zh);
	free(en);
	free(zh);
	store_close(s);
	store_close(bob);
	free(path);
}

/* -------------------------------------------------------------- search */

static void
test_search(void)
{
	char *path = store_location("search.db");
	struct store *s = open_as(path, "alice");
	struct gl_error err;
	char *en = make_document(s, "Harbour", NULL, "s1", en_text);
	char *zh = make_document(s, "港口", NULL, "s2", zh_text);
	const char *t1[] = { "Boats" }, *t2[] = { "引文" };
	char *a1 = add_quote(s, en, "s1", 10, 23, "fishing boats", "Trawlers, mostly", t1, 1, false);
	char *a2 = add_quote(s, zh, "s2", 5, 7, "漁船", "漁船是哪一種？", NULL, 0, false);
	char *a3 = add_quote(s, zh, "s2", 15, 24, "「今天的收成不錯」", "老陳的原話", t2, 1, false);
	char *a4 = add_quote(s, zh, "s2", 30, 32, "漁船", "second boat mention \"quoted\"", NULL, 0, false);
	char *a5 = add_quote(s, en, "s1", 40, 47, "harbour", "x", NULL, 0, false);

	is_int(count_found(s, "trawlers"), 1, "search finds a word in a note, ignoring case");
	is_int(count_found(s, "ishing bo"), 1, "search finds part of a quote");
	is_int(count_found(s, "boats"), 1, "search looks at tags, ignoring case");
	is_int(count_found(s, "今天的收成"), 1, "search finds a CJK phrase");
	is_int(count_found(s, "老陳的"), 1, "search finds a three-character CJK note");
	is_int(count_found(s, "漁船"), 2, "a two-character CJK query finds every annotation with it");
	is_int(count_found(s, "船"), 2, "a one-character CJK query finds every one too");
	is_int(count_found(s, "陳"), 1, "a one-character query looks in notes");
	is_int(count_found(s, "引文"), 1, "a two-character query looks in tags");
	is_int(count_found(s, "BO"), 3, "a two-letter query finds every quote and note with it, ignoring ASCII case");
	is_int(count_found(s, "\"quoted\""), 1, "a query with double quotes is taken literally");
	is_int(count_found(s, "AND OR NOT"), 0, "search words are text, not operators");
	is_int(count_found(s, "nowhere at all"), 0, "a query that matches nothing finds nothing");
	struct store_annotation_list l;
	is_int(store_search(s, "", NULL, &l, &err), GL_USAGE, "an empty query is refused");
	struct store_filter f = { .document = en };
	store_search(s, "x", &f, &l, &err);
	is_int(l.count, 1, "search can be narrowed to a document");
	store_annotation_list_free(&l);

	store_annotation_delete(s, a2, &err);
	is_int(count_found(s, "漁船"), 1, "a deleted annotation is not found");
	struct store_edit e = { .set_note = true, .note = "changed to herring" };
	store_annotation_edit(s, a1, &e, &err);
	is_int(count_found(s, "trawlers"), 0, "the index follows an edited note");
	is_int(count_found(s, "herring"), 1, "and finds the new note");
	store_undo(s, NULL, &err);
	is_int(count_found(s, "trawlers"), 1, "and follows an undo");

	free(a1);
	free(a2);
	free(a3);
	free(a4);
	free(a5);
	free(en);
	free(zh);
	store_close(s);
	free(path);
}

/* --------------------------------------------------------- transactions */

static void
test_transactions(void)
{
	char *path = store_location("tx.db");
	struct store *s = open_as(path, "alice");
	struct gl_error err;
	char *doc = make_document(s, "t", NULL, "x1", en_text);
	struct store_filter f = { .document = doc };

	is_int(store_begin(s, &err), GL_OK, "a transaction begins");
	char *a = add_quote(s, doc, "x1", 0, 2, "At", NULL, NULL, 0, false);
	char *b = add_quote(s, doc, "x1", 3, 6, "six", NULL, NULL, 0, false);
	store_rollback(s);
	is_int(count_listed(s, &f), 0, "a rolled back transaction leaves nothing");
	free(a);
	free(b);

	store_begin(s, &err);
	a = add_quote(s, doc, "x1", 0, 2, "At", NULL, NULL, 0, false);
	struct store_edit e = { .set_note = true, .note = "x" };
	is_int(store_annotation_edit(s, "no-such-id", &e, &err), GL_NO_MATCH,
	       "a failing call inside a transaction reports its error");
	is_int(store_commit(s, &err), GL_NO_MATCH,
	       "and the outermost commit fails with it");
	is_int(count_listed(s, &f), 0, "so the earlier add in it is rolled back too");
	free(a);

	store_begin(s, &err);
	a = add_quote(s, doc, "x1", 0, 2, "At", NULL, NULL, 0, false);
	b = add_quote(s, doc, "x1", 3, 6, "six", NULL, NULL, 0, false);
	is_int(store_commit(s, &err), GL_OK, "a transaction commits");
	is_int(count_listed(s, &f), 2, "with all its changes");
	free(a);
	free(b);
	free(doc);
	store_close(s);
	free(path);
}

/* ------------------------------------------------- events and ids */

static void
test_misc(void)
{
	char *path = store_location("misc.db");
	struct store *s = open_as(path, "alice");
	struct store *other = open_as(path, "bob");
	struct gl_error err;
	setenv("GLOSS_NOW", "2024-01-01T00:00:00Z", 1);
	char *doc = make_document(s, "t", NULL, "m1", en_text);
	char *id = add_quote(s, doc, "m1", 0, 2, "At", NULL, NULL, 0, false);
	struct store_annotation a;
	store_annotation_get(s, id, &a, &err);
	is_str(a.created, "2024-01-01T00:00:00Z", "GLOSS_NOW sets the creation time");
	store_annotation_clear(&a);
	unsetenv("GLOSS_NOW");

	/* Ids: version 4, lowercase, unique. */
	bool good = true;
	for (int i = 0; i < 200 && good; i++) {
		char *x = add_quote(s, doc, "m1", 0, 2, "At", NULL, NULL, 0, false);
		good = x && strlen(x) == 36 && x[8] == '-' && x[13] == '-' && x[14] == '4' &&
		       strchr("89ab", x[19]) && x[23] == '-' && strspn(x, "0123456789abcdef-") == 36;
		free(x);
	}
	ok(good, "every id is a lowercase version 4 UUID");

	store_changed_elsewhere(s);
	ok(!store_changed_elsewhere(s), "no change elsewhere is seen when there was none");
	store_position_set(other, doc, 5, &err);
	/* PostgreSQL's notification arrives a moment after the commit; the
	   reader polls, and must see it within 2 s. */
	bool seen = store_changed_elsewhere(s);
	for (int i = 0; !seen && i < 40; i++) {
		usleep(50000);
		seen = store_changed_elsewhere(s);
	}
	ok(seen, "a change by another connection is seen (within 2 s)");
	ok(!store_changed_elsewhere(s), "once");
	free(id);
	free(doc);
	store_close(s);
	store_close(other);
	free(path);
}

/* ------------------------------------------------------------ migration */

static void
test_migration(void)
{
	char *fixture = gl_path_join(getenv("top_srcdir") ? getenv("top_srcdir") : "..",
				     "tests/data/store/v1.sql");
	char *sql = read_all(fixture, NULL);
	if (!sql) {
		ok(0, "the version-1 fixture %s can be read", fixture);
		free(fixture);
		return;
	}
	char *path = tmp_path("v1.db");
	sqlite3 *db;
	sqlite3_open(path, &db);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	is_int(rc, SQLITE_OK, "the version-1 fixture loads (%s)", msg ? msg : "ok");
	sqlite3_free(msg);
	sqlite3_close(db);
	free(sql);

	struct gl_error err;
	struct store *s = open_as(path, "alice");
	ok(s != NULL, "a version-1 store opens");
	if (!s)
		goto out;
	ok(store_check(s, &err) == GL_OK, "it passes the integrity check after the upgrade");
	struct store_annotation_list l;
	store_annotations_list(s, NULL, &l, &err);
	is_int(l.count, 7, "alice sees her annotations and the shared ones (not deleted)");
	store_annotation_list_free(&l);
	struct store_annotation a;
	is_int(store_annotation_get(s, "11111111-aaaa-4bbb-8ccc-000000000001", &a, &err), GL_OK,
	       "an old annotation is read");
	ok(a.tag_count == 2 && strcmp(a.tags[0], "boats") == 0 && a.start == 44 &&
	   strcmp(a.exact, "fishing boats") == 0, "with its tags, range and quote");
	store_annotation_clear(&a);
	is_int(count_found(s, "trawlers"), 2, "the upgrade indexed the old notes for search");
	is_int(count_found(s, "收成不錯"), 1, "and the old CJK quotes");
	is_int(count_found(s, "問題"), 1, "and the old tags");
	long long off;
	store_position_get(s, "5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f", &off, &err);
	is_int(off, 42, "reading positions survive the upgrade");
	/* Undo works from the old log: alice's last change was the page note. */
	struct store_event ev;
	is_int(store_undo(s, &ev, &err), GL_OK, "undo works on the old change log");
	is_str(ev.annotation, "22222222-aaaa-4bbb-8ccc-000000000008", "and undoes the last old change");
	store_event_clear(&ev);
	store_close(s);

	/* The upgraded schema is the schema of a new store. */
	char *fresh = tmp_path("fresh.db");
	s = open_as(fresh, "alice");
	store_close(s);
	const char *q = "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), "
			"char(10)) FROM (SELECT * FROM sqlite_schema ORDER BY name)";
	char *schema[2] = { NULL, NULL };
	const char *paths[2] = { path, fresh };
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;
		sqlite3_open(paths[i], &db);
		sqlite3_prepare_v2(db, q, -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			schema[i] = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
		sqlite3_step(st);
		is_int(sqlite3_column_int(st, 0), STORE_SCHEMA_VERSION,
		       "%s store is at the current version", i ? "a new" : "the upgraded");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	ok(schema[0] && schema[1] && strcmp(schema[0], schema[1]) == 0,
	   "an upgraded store has exactly the schema of a new one");
	free(schema[0]);
	free(schema[1]);
	free(fresh);
out:
	free(path);
	free(fixture);
}

/* ---------------------------------------------------------- concurrency */

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_concurrency(void)
{
	char *path = store_location("concurrent.db");
	struct store *s = open_as(path, "parent");
	char *doc = make_document(s, "t", NULL, "c1", en_text);
	store_close(s);

	enum { WRITERS = 4, EACH = 250 };
	pid_t pids[WRITERS];
	int go[2];
	if (pipe(go) != 0)
		return;
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			char author[16];
			char c;
			snprintf(author, sizeof author, "writer%d", w);
			close(go[1]);
			/* All start together. */
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			struct store *ws = open_as(path, author);
			int failures = 0;
			for (int i = 0; ws && i < EACH; i++) {
				char note[64];
				snprintf(note, sizeof note, "note %d of %s", i, author);
				char *id = add_quote(ws, doc, "c1", 0, 2, "At", note, NULL, 0, false);
				if (!id)
					failures++;
				free(id);
			}
			store_close(ws);
			_exit(!ws ? 2 : failures ? 1 : 0);
		}
	}
	close(go[0]);
	double t0 = now_seconds();
	close(go[1]);   /* EOF: go */
	int all_ok = 1;
	for (int w = 0; w < WRITERS; w++) {
		int status = 0;
		waitpid(pids[w], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			all_ok = 0;
	}
	diag("4 writers x 250 adds took %.2f s", now_seconds() - t0);
	ok(all_ok, "4 processes adding at once all succeed (none busy past the timeout)");
	s = open_as(path, "parent");
	struct store_filter f = { .document = doc };
	is_int(count_listed(s, &f), WRITERS * EACH, "none of the 1000 annotations is lost");
	struct gl_error err;
	ok(store_check(s, &err) == GL_OK, "the store passes the integrity check");

	/* With 1000 ids, some 4-character prefix is almost surely shared. */
	struct store_annotation_list l;
	store_annotations_list(s, &f, &l, &err);
	const char *dup = NULL;
	for (size_t i = 0; i < l.count && !dup; i++)
		for (size_t j = i + 1; j < l.count && !dup; j++)
			if (strncmp(l.items[i].id, l.items[j].id, 4) == 0)
				dup = l.items[i].id;
	if (dup) {
		char prefix[5];
		memcpy(prefix, dup, 4);
		prefix[4] = '\0';
		char *full = NULL;
		is_int(store_resolve_id(s, prefix, &full, &err), GL_USAGE,
		       "an ambiguous id prefix is refused");
		ok(strstr(err.message, "ambiguous") != NULL, "saying it is ambiguous");
	} else {
		ok(1, "# SKIP no shared 4-character prefix among 1000 ids");
		ok(1, "# SKIP no shared 4-character prefix among 1000 ids");
	}
	store_annotation_list_free(&l);
	store_close(s);
	free(doc);
	free(path);
}

static void
test_busy(void)
{
	char *path = tmp_path("busy.db");
	struct store *s = open_as(path, "alice");
	char *doc = make_document(s, "t", NULL, "b1", en_text);
	int ready[2];
	if (pipe(ready) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		struct store *hold = open_as(path, "bob");
		struct gl_error e;
		if (hold && store_begin(hold, &e) == GL_OK) {
			if (write(ready[1], "x", 1) < 0)
				_exit(1);
			sleep(7);
			store_rollback(hold);
		}
		store_close(hold);
		_exit(0);
	}
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1) {
		ok(0, "the lock holder started");
		return;
	}
	double t0 = now_seconds();
	struct store_new_annotation n = {
		.document = doc, .version = "b1", .renderer = 1, .start = 0, .end = 2,
		.exact = "At", .anchor = STORE_ANCHOR_EXACT,
	};
	char *id = NULL;
	struct gl_error err;
	is_int(store_annotation_add(s, &n, &id, &err), GL_STORE_BUSY,
	       "a store locked by another process past the timeout is reported busy");
	double waited = now_seconds() - t0;
	ok(waited >= 4.9, "after waiting at least 5 s (waited %.1f s)", waited);
	ok(strstr(err.message, "busy") != NULL, "the message says the store is busy");
	waitpid(pid, NULL, 0);
	is_int(store_annotation_add(s, &n, &id, &err), GL_OK, "once the lock is gone, adding works");
	free(id);
	close(ready[0]);
	store_close(s);
	free(doc);
	free(path);
}

static void
test_crash(void)
{
	char *path = tmp_path("crash.db");
	struct store *s = open_as(path, "alice");
	char *doc = make_document(s, "t", NULL, "k1", en_text);
	store_close(s);
	srand((unsigned)getpid());

	enum { ROUNDS = 6, MAXIDS = 100000 };
	char **ids = xcalloc(MAXIDS, sizeof *ids);
	size_t nids = 0;
	for (int round = 0; round < ROUNDS; round++) {
		int fds[2];
		if (pipe(fds) != 0)
			break;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			struct store *ws = open_as(path, "writer");
			for (int i = 0; ws; i++) {
				char note[64];
				snprintf(note, sizeof note, "round %d note %d", round, i);
				char *id = add_quote(ws, doc, "k1", 0, 2, "At", note, NULL, 0, false);
				/* Reported only once the add has returned. */
				if (id && write(fds[1], id, STORE_ID_LEN) != STORE_ID_LEN)
					_exit(1);
				free(id);
			}
			_exit(2);
		}
		close(fds[1]);
		/* Let it write for a random while, then kill it mid-write. */
		usleep((useconds_t)(20000 + rand() % 250000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		char buf[STORE_ID_LEN];
		ssize_t r;
		size_t have = 0;
		while ((r = read(fds[0], buf + have, STORE_ID_LEN - have)) > 0) {
			have += (size_t)r;
			if (have == STORE_ID_LEN) {
				if (nids < MAXIDS)
					ids[nids++] = xstrndup(buf, STORE_ID_LEN);
				have = 0;
			}
		}
		close(fds[0]);
	}
	diag("%zu adds returned before the kills", nids);
	s = open_as(path, "alice");
	ok(s != NULL, "the store opens after its writer was killed");
	size_t missing = 0;
	for (size_t i = 0; s && i < nids; i++) {
		struct store_annotation a;
		if (store_annotation_get(s, ids[i], &a, NULL) != GL_OK)
			missing++;
		store_annotation_clear(&a);
	}
	ok(nids > 0 && missing == 0,
	   "every annotation whose add returned is there after SIGKILL (%zu of %zu missing)",
	   missing, nids);
	struct gl_error err;
	ok(s && store_check(s, &err) == GL_OK, "the killed writer left the store intact");
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	store_close(s);
	free(doc);
	free(path);
}

static void
test_full_disk(void)
{
	char *path = tmp_path("full.db");
	struct store *s = open_as(path, "alice");
	char *doc = make_document(s, "t", NULL, "f1", en_text);
	store_close(s);
	struct stat sb;
	stat(path, &sb);
	/* The WAL holds pages not yet in the file: count from a generous
	   base so the limit is hit after some adds, not at once. */
	long pages = (long)(sb.st_size / 4096) + 40;
	char num[32];
	snprintf(num, sizeof num, "%ld", pages);
	setenv("GLOSS_TEST_MAX_PAGES", num, 1);
	s = open_as(path, "alice");
	char *note = xmalloc(3001);
	memset(note, 'n', 3000);
	note[3000] = '\0';
	char **ids = xcalloc(10000, sizeof *ids);
	size_t nids = 0;
	enum gl_status st = GL_OK;
	struct gl_error err;
	while (s && nids < 10000) {
		struct store_new_annotation n = {
			.document = doc, .version = "f1", .renderer = 1, .start = 0, .end = 2,
			.exact = "At", .anchor = STORE_ANCHOR_EXACT, .note = note,
		};
		char *id = NULL;
		st = store_annotation_add(s, &n, &id, &err);
		if (st != GL_OK)
			break;
		ids[nids++] = id;
	}
	is_int(st, GL_STORE_FULL, "a full disk is reported as such");
	ok(strstr(err.message, "full") != NULL, "the message says the disk is full");
	diag("full after %zu adds: %s", nids, err.message);
	struct store_edit e = { .set_note = true, .note = note };
	note[0] = 'X';
	enum gl_status est = GL_OK;
	for (size_t i = 0; i < nids && est == GL_OK; i++)
		est = store_annotation_edit(s, ids[i], &e, &err);
	ok(est == GL_STORE_FULL || est == GL_OK, "edits on a full store fail cleanly or fit");
	store_close(s);
	unsetenv("GLOSS_TEST_MAX_PAGES");

	s = open_as(path, "alice");
	size_t missing = 0;
	for (size_t i = 0; s && i < nids; i++) {
		struct store_annotation a;
		if (store_annotation_get(s, ids[i], &a, NULL) != GL_OK || !a.note)
			missing++;
		store_annotation_clear(&a);
	}
	ok(nids > 0 && missing == 0, "every annotation saved before the disk filled is kept");
	ok(s && store_check(s, &err) == GL_OK, "the store is intact after filling up");
	struct store_filter f = { .document = doc };
	is_int(count_listed(s, &f), nids, "and holds nothing half-saved");
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(note);
	free(doc);
	store_close(s);
	free(path);
}

/* ------------------------------------------- finding and re-anchoring */

static struct doc *
text_doc(const char *text, const char *source)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(text, strlen(text), DOC_FORMAT_TEXT, source, &d, &err) != GL_OK)
		diag("doc_from_text: %s", err.message);
	return d;
}

/* Annotates the nth occurrence of quote in d (a document of cd). */
static char *
annotate(struct store *s, const struct doc *d, const char *docid,
	 const char *quote, int nth)
{
	size_t len;
	const char *text = doc_text(d, &len);
	const char *hit = text;
	for (int i = 0; i < nth && hit; i++) {
		hit = memmem(i ? hit + 1 : hit, len - (size_t)(hit - text) - (i ? 1 : 0),
			     quote, strlen(quote));
	}
	if (!hit)
		return NULL;
	size_t start = doc_byte_to_cp(d, (size_t)(hit - text));
	size_t end = doc_byte_to_cp(d, (size_t)(hit - text) + strlen(quote));
	struct anchor_selector sel;
	anchor_make(text, len, start, end, &sel, NULL);
	struct store_new_annotation n = {
		.document = docid, .version = doc_hash(d), .renderer = DOC_RENDERER_VERSION,
		.start = (long long)sel.start, .end = (long long)sel.end,
		.exact = sel.exact, .prefix = sel.prefix, .suffix = sel.suffix,
		.anchor = STORE_ANCHOR_EXACT,
	};
	char *id = NULL;
	store_annotation_add(s, &n, &id, NULL);
	anchor_selector_free(&sel);
	return id;
}

/* The text of d at an annotation's range. */
static char *
text_at(const struct doc *d, const struct store_annotation *a)
{
	size_t b0 = doc_cp_to_byte(d, (size_t)a->start), b1 = doc_cp_to_byte(d, (size_t)a->end);
	return xstrndup(doc_text(d, NULL) + b0, b1 - b0);
}

static const char *const harbour_v1 =
	"Harbour Notes\n"
	"At six in the morning the fishing boats come back to the harbour.\n"
	"Workers load crates of fish onto trucks while gulls cirle overhead.\n"
	"The harbour master writes every boat in his book, and the harbour falls quiet by noon.\n"
	"In the afternoon the nets are mended on the quay.\n";
/* A paragraph inserted at the top, the last one deleted, two reordered,
   a typo fixed inside a quote. */
static const char *const harbour_v2 =
	"Harbour Notes\n"
	"A word first: this was written in the spring, when the harbour is busiest.\n"
	"At six in the morning the fishing boats come back to the harbour.\n"
	"The harbour master writes every boat in his book, and the harbour falls quiet by noon.\n"
	"Workers load crates of fish onto trucks while gulls circle overhead.\n";
static const char *const port_v1 =
	"港口的早晨\n"
	"清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車。\n"
	"「今天的收成不錯」，老陳笑著說。漁船一艘接一艘靠岸。\n"
	"市場在七點開門。\n";
static const char *const port_v2 =
	"港口的早晨\n"
	"今年的漁船比往年多，港口也比往年熱鬧。\n"
	"清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車。\n"
	"「今天的收成不錯」，老陳笑著說。漁船一艘接一艘靠岸。\n"
	"市場在七點開門。\n";
/* The sentence around the second 漁船 is gone; 漁船 stands elsewhere. */
static const char *const port_v3 =
	"港口的早晨\n"
	"今年的漁船比往年多，港口也比往年熱鬧。\n"
	"清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車。\n"
	"市場在七點開門，買菜的人很快就擠滿了走道。\n";

static void
test_attach(void)
{
	char *path = tmp_path("attach.db");
	struct store *s = open_as(path, "alice");
	struct gl_error err;
	struct cli_document cd;
	const char *src = "/nonexistent-gloss-test/harbour.txt";

	ok(cli_text_similar("abcdefghijklmnop", 16, "abcdefghijklmnop and more", 25),
	   "a text with an addition is similar to the old one");
	ok(!cli_text_similar(harbour_v1, strlen(harbour_v1), port_v1, strlen(port_v1)),
	   "a different article is not similar");
	ok(cli_text_similar(harbour_v1, strlen(harbour_v1), harbour_v2, strlen(harbour_v2)),
	   "an edited article (inserted, deleted, reordered) is similar");
	ok(!cli_text_similar("short", 5, "shorts", 6), "texts under 8 characters are similar only when equal");

	struct doc *v1 = text_doc(harbour_v1, src);
	is_int(cli_attach_document(s, v1, false, &cd, &err), GL_OK, "an unknown article is looked up");
	ok(cd.id == NULL, "without create, an unknown article finds no document");
	cli_document_clear(&cd);
	is_int(cli_attach_document(s, v1, true, &cd, &err), GL_OK, "a new article gets a document");
	ok(cd.id && cd.created && !cd.new_version, "a new document is created");
	char *docid = xstrdup(cd.id ? cd.id : "");
	cli_document_clear(&cd);
	cli_attach_document(s, v1, true, &cd, &err);
	ok(cd.id && strcmp(cd.id, docid) == 0 && !cd.created, "the same text finds the same document by hash");
	cli_document_clear(&cd);

	char *boats = annotate(s, v1, docid, "fishing boats", 1);
	char *gulls = annotate(s, v1, docid, "gulls cirle overhead", 1);
	char *third = annotate(s, v1, docid, "harbour", 3);  /* "the harbour falls" */
	char *nets = annotate(s, v1, docid, "nets are mended", 1);
	ok(boats && gulls && third && nets, "annotations are made on the first version");

	struct doc *v2 = text_doc(harbour_v2, src);
	is_int(cli_attach_document(s, v2, true, &cd, &err), GL_OK, "the edited article is attached");
	ok(cd.id && strcmp(cd.id, docid) == 0 && cd.new_version && !cd.created,
	   "an edited article at the same path is a new version of its document");
	is_int(cd.reanchored, 4, "all four annotations were re-anchored");
	is_int(cd.orphans, 1, "one of them is an orphan");
	cli_document_clear(&cd);

	struct store_annotation a;
	char *t;
	store_annotation_get(s, boats, &a, &err);
	t = text_at(v2, &a);
	ok(a.anchor == STORE_ANCHOR_MOVED && strcmp(t, "fishing boats") == 0 &&
	   strcmp(a.version, doc_hash(v2)) == 0,
	   "a quote pushed down by an inserted paragraph is moved to its new place");
	free(t);
	store_annotation_clear(&a);
	store_annotation_get(s, gulls, &a, &err);
	t = text_at(v2, &a);
	ok(a.anchor == STORE_ANCHOR_FUZZY && strcmp(t, "gulls circle overhead") == 0,
	   "a quote whose typo was fixed (in a moved paragraph) is found fuzzily");
	diag("fuzzy: \"%s\" %s", t, store_anchor_state_name(a.anchor));
	free(t);
	store_annotation_clear(&a);
	store_annotation_get(s, third, &a, &err);
	t = text_at(v2, &a);
	size_t b0 = doc_cp_to_byte(v2, (size_t)a.start);
	ok(strcmp(t, "harbour") == 0 && strncmp(doc_text(v2, NULL) + b0, "harbour falls", 13) == 0,
	   "a word that occurs many times is placed by its context");
	free(t);
	store_annotation_clear(&a);
	store_annotation_get(s, nets, &a, &err);
	ok(a.anchor == STORE_ANCHOR_ORPHAN && strcmp(a.version, doc_hash(v1)) == 0,
	   "a quote whose paragraph was deleted is an orphan that keeps its old version");
	store_annotation_clear(&a);
	struct store_filter f = { .document = docid, .orphans_only = true };
	is_int(count_listed(s, &f), 1, "the orphan is listed, not dropped");

	cli_attach_document(s, v2, true, &cd, &err);
	is_int(cd.reanchored, 0, "opening the same version again changes nothing");
	cli_document_clear(&cd);

	/* Back to the first text: found by hash, everything re-anchored. */
	cli_attach_document(s, v1, true, &cd, &err);
	ok(cd.id && strcmp(cd.id, docid) == 0, "the old text finds its document by hash");
	cli_document_clear(&cd);
	store_annotation_get(s, nets, &a, &err);
	ok(a.anchor == STORE_ANCHOR_EXACT, "an orphan is anchored again when its text comes back");
	store_annotation_clear(&a);
	store_annotation_get(s, gulls, &a, &err);
	t = text_at(v1, &a);
	ok((a.anchor == STORE_ANCHOR_EXACT || a.anchor == STORE_ANCHOR_MOVED) &&
	   strcmp(a.version, doc_hash(v1)) == 0 && strcmp(t, "gulls cirle overhead") == 0,
	   "and every annotation is back on the old version, on its old words");
	free(t);
	store_annotation_clear(&a);

	/* A different article at the same path is a new document. */
	struct doc *other = text_doc(port_v1, src);
	cli_attach_document(s, other, true, &cd, &err);
	ok(cd.id && strcmp(cd.id, docid) != 0 && cd.created,
	   "a different article at the same path is a new document");
	char *portid = xstrdup(cd.id ? cd.id : "");
	cli_document_clear(&cd);

	/* Transient documents are never found by their source. */
	struct doc *piped1 = text_doc(harbour_v1, NULL), *piped2 = text_doc(harbour_v2 , NULL);
	cli_attach_document(s, piped2, true, &cd, &err);
	ok(cd.id && strcmp(cd.id, docid) == 0 && !cd.created,
	   "stdin with a known text is found by its hash");
	cli_document_clear(&cd);
	struct doc *piped3 = text_doc("At six in the morning the fishing boats come back.\nA new text.\n", NULL);
	cli_attach_document(s, piped3, true, &cd, &err);
	ok(cd.created, "stdin with a new text is a new document, never matched by source");
	cli_document_clear(&cd);
	doc_free(piped1);
	doc_free(piped2);
	doc_free(piped3);

	/* A two-character CJK quote. */
	char *ship = annotate(s, other, portid, "漁船", 2);
	struct doc *p2 = text_doc(port_v2, src), *p3 = text_doc(port_v3, src);
	cli_attach_document(s, p2, true, &cd, &err);
	ok(cd.new_version, "the CJK article's new version is recorded");
	cli_document_clear(&cd);
	store_annotation_get(s, ship, &a, &err);
	t = text_at(p2, &a);
	b0 = doc_cp_to_byte(p2, (size_t)a.start);
	ok(a.anchor == STORE_ANCHOR_MOVED && strcmp(t, "漁船") == 0 &&
	   strncmp(doc_text(p2, NULL) + b0, "漁船一艘", 12) == 0,
	   "a 2-character CJK quote moves to the occurrence with its context");
	free(t);
	store_annotation_clear(&a);
	cli_attach_document(s, p3, true, &cd, &err);
	cli_document_clear(&cd);
	store_annotation_get(s, ship, &a, &err);
	ok(a.anchor == STORE_ANCHOR_ORPHAN,
	   "a 2-character CJK quote whose context is gone is an orphan, not moved to another occurrence");
	diag("2-character quote on v3: %s", store_anchor_state_name(a.anchor));
	store_annotation_clear(&a);

	/* Re-anchoring is recorded, and is not an undoable change. */
	struct store_event_list ev;
	store_events_list(s, ship, &ev, &err);
	ok(ev.count >= 3 && strcmp(ev.items[ev.count - 1].what, "reanchor") == 0,
	   "each re-anchoring is an event");
	store_event_list_free(&ev);

	doc_free(p2);
	doc_free(p3);
	doc_free(other);
	doc_free(v1);
	doc_free(v2);
	free(ship);
	free(portid);
	free(boats);
	free(gulls);
	free(third);
	free(nets);
	free(docid);
	store_close(s);
	free(path);
}

static void
test_readonly(void)
{
	if (geteuid() == 0) {
		/* Root may write any file: tests/cli/store-readonly.test runs
		   these cases as an unprivileged user. */
		ok(1, "# SKIP running as root (see tests/cli/store-readonly.test)");
		return;
	}
	char *dir = tmp_path("ro");
	mkdir(dir, 0755);
	char *path = gl_path_join(dir, "gloss.db");
	struct store *s = open_as(path, "alice");
	char *doc = make_document(s, "t", NULL, "r1", en_text);
	char *id = add_quote(s, doc, "r1", 0, 2, "At", "kept", NULL, 0, false);
	store_close(s);
	chmod(path, 0444);
	struct gl_error err;
	s = open_as(path, "alice");
	ok(s && store_is_readonly(s), "a read-only file opens read-only");
	ok(s && store_notice(s) && strstr(store_notice(s), "read-only"), "and says so");
	is_int(count_listed(s, NULL), 1, "its annotations can be read");
	char *none = NULL;
	is_int(store_annotation_reply(s, id, "no", false, &none, &err), GL_STORE_READONLY,
	       "a change is refused as read-only");
	store_close(s);
	chmod(path, 0644);
	chmod(dir, 0555);
	s = open_as(path, "alice");
	ok(s && store_is_readonly(s), "a store in a read-only directory opens read-only");
	is_int(count_listed(s, NULL), 1, "its annotations can be read");
	store_close(s);
	chmod(dir, 0755);
	free(id);
	free(doc);
	free(path);
	free(dir);
}

int
main(void)
{
	char tmpl[] = "tests/tmp/test-store.XXXXXX";
	gl_mkdir_p("tests/tmp", 0755, NULL);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		tap_skip_all("cannot make a temporary directory");
	unsetenv("GLOSS_NOW");
	unsetenv("GLOSS_TEST_MAX_PAGES");

	pg_host = getenv("GLOSS_TEST_PG_HOST");
	pg_port = getenv("GLOSS_TEST_PG_PORT");
	pg_psql = getenv("GLOSS_TEST_PG_PSQL");
	if (pg_host && pg_port && pg_psql) {
		/* The tests of what both backends do; the rest are about
		   SQLite files (modes, damage, WAL, page limits). */
		diag("the store on PostgreSQL (a throwaway server in %s)", pg_host);
		test_documents();
		test_annotations();
		test_permissions();
		test_undo();
		test_undo_scoped();
		test_search();
		test_transactions();
		test_misc();
		test_concurrency();
		if (!tap_failed)
			remove_tree(tmpdir);
		return tap_done();
	}
	pg_host = NULL;

	test_open_new();
	test_bad_files();
	test_documents();
	test_annotations();
	test_permissions();
	test_undo();
	test_undo_scoped();
	test_search();
	test_transactions();
	test_misc();
	test_migration();
	test_concurrency();
	test_busy();
	test_crash();
	test_full_disk();
	test_attach();
	test_readonly();

	if (!tap_failed)
		remove_tree(tmpdir);
	return tap_done();
}
