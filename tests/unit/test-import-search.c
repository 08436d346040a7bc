/* import-search: what someone who imports many annotations and then
 * searches relies on.  A big import's annotations are indexed for search
 * after its transaction (store-import.c); search must find them at once,
 * also when the process that imported died before indexing them (the
 * GLOSS_TEST_NO_CATCH_UP hook skips that step), and the next store open
 * finishes the indexing.  After it, the index answers what a scan of
 * every annotation answers, and the store passes its checks.  A store of
 * schema 2 (before the backlog) is upgraded and works the same. */
#include "config.h"

#include "gloss/store.h"
#include "gloss/util.h"
#include "../tap.h"

#include <ctype.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *tmpdir;

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* More than store-import.c's BIG_BATCH (1,000), so that the import
 * leaves its rows for the catch-up. */
enum { BATCH = 2500 };

static const char *const words[] = {
	"Harbour", "boats", "market", "GULLS", "nets", "quay", "morning",
	"漁船回港", "市場很吵", "海鷗飛過", "早晨的碼頭", "「老陳」說",
};

static char *
run_sql_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *out = NULL;
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		out = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out ? out : xstrdup("");
}

static long long
run_sql_int(const char *path, const char *sql)
{
	char *t = run_sql_text(path, sql);
	long long v = *t ? atoll(t) : -1;
	free(t);
	return v;
}

static struct store *
open_store(const char *path)
{
	struct store *s = NULL;
	struct gl_error err = { 0 };
	if (store_open(path, "alice", 0, &s, &err) != GL_OK)
		diag("cannot open %s: %s", path, err.message);
	return s;
}

/* A document with one version; its id and hash into *doc and *hash. */
static void
make_doc(struct store *s, char **doc, char **hash)
{
	struct gl_error err = { 0 };
	static const char text[] = "At six in the morning the fishing boat comes back.";
	static int n;
	*hash = xasprintf("%032x", ++n);
	*doc = NULL;
	if (store_document_create(s, "harbour", NULL, doc, &err) != GL_OK ||
	    store_version_add(s, *doc, *hash, 1, text, strlen(text),
			      (long long)strlen(text), &err) != GL_OK)
		diag("cannot make a document: %s", err.message);
}

/* Imports BATCH annotations with notes, quotes and tags drawn from
 * words[], a tenth of them replies; ids start with `prefix` (one hex
 * digit).  Returns the status of the import. */
static enum gl_status
import_batch(struct store *s, const char *doc, const char *hash, char prefix)
{
	static char author[] = "importer", created[] = "2026-01-01T00:00:00Z";
	char (*ids)[STORE_ID_LEN + 1] = xcalloc(BATCH, sizeof *ids);
	char (*notes)[128] = xcalloc(BATCH, sizeof *notes);
	char (*quotes)[64] = xcalloc(BATCH, sizeof *quotes);
	char *(*tags)[2] = xcalloc(BATCH, sizeof *tags);
	struct store_annotation *a = xcalloc(BATCH, sizeof *a);
	size_t nw = GL_ARRAY_LEN(words);
	for (size_t i = 0; i < BATCH; i++) {
		snprintf(ids[i], sizeof ids[i], "%c0000000-0000-4000-8000-%012zx", prefix, i);
		snprintf(notes[i], sizeof notes[i], "note %zu: %s %s", i,
			 words[i % nw], words[(i / nw) % nw]);
		snprintf(quotes[i], sizeof quotes[i], "%s quote", words[(i * 5) % nw]);
		tags[i][0] = (char *)words[(i * 7) % nw];
		tags[i][1] = (char *)"imported";
		bool reply = i % 10 == 9;
		a[i] = (struct store_annotation){
			.id = ids[i], .document = (char *)doc, .version = (char *)hash,
			.renderer = 1, .author = author,
			.parent = reply ? ids[i - 1] : NULL,
			.start = reply ? -1 : 0, .end = reply ? -1 : 10,
			.exact = reply ? NULL : quotes[i],
			.anchor = reply ? STORE_ANCHOR_NONE : STORE_ANCHOR_EXACT,
			.note = notes[i], .created = created,
			.tags = i % 3 == 0 ? tags[i] : NULL, .tag_count = i % 3 == 0 ? 2 : 0,
		};
	}
	struct gl_error err = { 0 };
	enum gl_status st = store_annotations_import(s, a, BATCH, NULL, &err);
	if (st != GL_OK)
		diag("import: %s", err.message);
	free(a);
	free(tags);
	free(quotes);
	free(notes);
	free(ids);
	return st;
}

/* ASCII-lowercase copy (what the store's search folds). */
static char *
lower(const char *s)
{
	char *l = xstrdup(s ? s : "");
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

static bool
contains(const char *hay, const char *needle)
{
	char *h = lower(hay), *n = lower(needle);
	bool found = strstr(h, n) != NULL;
	free(h);
	free(n);
	return found;
}

static int
compare_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids search finds for `query` and the ids a scan of every visible
 * annotation finds (quote, note, or the tags joined by a space, as the
 * index holds them), each sorted and joined by newlines. */
static void
search_and_scan(struct store *s, const char *query, char **found, char **scanned)
{
	struct store_annotation_list l = { 0 }, all = { 0 };
	struct gl_error err = { 0 };
	struct buf f = BUF_INIT, sc = BUF_INIT;
	if (store_search(s, query, NULL, &l, &err) != GL_OK)
		diag("search %s: %s", query, err.message);
	if (store_annotations_list(s, NULL, &all, &err) != GL_OK)
		diag("list: %s", err.message);
	char **ids = xcalloc(l.count + all.count + 1, sizeof *ids);
	for (size_t i = 0; i < l.count; i++)
		ids[i] = l.items[i].id;
	qsort(ids, l.count, sizeof *ids, compare_str);
	for (size_t i = 0; i < l.count; i++)
		buf_printf(&f, "%s\n", ids[i]);
	size_t n = 0;
	for (size_t i = 0; i < all.count; i++) {
		const struct store_annotation *a = &all.items[i];
		struct buf t = BUF_INIT;
		for (size_t k = 0; k < a->tag_count; k++)
			buf_printf(&t, "%s%s", k ? " " : "", a->tags[k]);
		if (contains(a->exact, query) || contains(a->note, query) ||
		    contains(t.data, query))
			ids[n++] = a->id;
		buf_free(&t);
	}
	qsort(ids, n, sizeof *ids, compare_str);
	for (size_t i = 0; i < n; i++)
		buf_printf(&sc, "%s\n", ids[i]);
	free(ids);
	*found = buf_steal(&f, NULL);
	*scanned = buf_steal(&sc, NULL);
	store_annotation_list_free(&l);
	store_annotation_list_free(&all);
}

static const char *const queries[] = {
	"harbour",      /* three letters and more: the index (any case) */
	"gulls",
	"note 1234:",   /* one annotation */
	"imported",     /* a tag */
	"morning gulls",/* two tags joined, or two words of a note */
	"漁船回",       /* CJK */
	"「老陳」",
	"海鷗",         /* two characters: the scan */
	"no such words",
};

/* Search answers as a scan of every annotation does, for each query;
 * `when` says at which point.  *hits counts what was found in all. */
static void
search_equals_scan(struct store *s, const char *when, size_t *hits)
{
	bool all_same = true;
	*hits = 0;
	for (size_t i = 0; i < GL_ARRAY_LEN(queries); i++) {
		char *found, *scanned;
		search_and_scan(s, queries[i], &found, &scanned);
		if (strcmp(found, scanned) != 0) {
			all_same = false;
			diag("\"%s\" %s: search found %zu bytes of ids, the scan %zu",
			     queries[i], when, strlen(found), strlen(scanned));
		}
		for (const char *p = found; *p; p++)
			*hits += *p == '\n';
		free(found);
		free(scanned);
	}
	ok(all_same, "search finds what a scan of every annotation finds, %s", when);
}

static long long
backlog_rows(const char *path)
{
	return run_sql_int(path, "SELECT count(*) FROM search_backlog");
}

static long long
unindexed(const char *path)
{
	return run_sql_int(path, "SELECT count(*) FROM annotations WHERE seq NOT IN "
			   "(SELECT rowid FROM annotations_fts)");
}

static void
index_is_sound(const char *path, const char *when)
{
	char *r = run_sql_text(path, "PRAGMA integrity_check");
	is_str(r, "ok", "the store passes SQLite's integrity check %s", when);
	free(r);
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO annotations_fts (annotations_fts) "
				  "VALUES ('integrity-check')", NULL, NULL, NULL);
	is_int(rc, SQLITE_OK, "the search index agrees with the annotations %s", when);
	sqlite3_close(db);
	is_int(run_sql_int(path, "SELECT count(*) FROM annotations_fts"),
	       run_sql_int(path, "SELECT count(*) FROM annotations"),
	       "each annotation has exactly one entry in the index %s", when);
}

static void
test_interrupted(void)
{
	char *path = gl_path_join(tmpdir, "interrupted.db");
	struct store *s = open_store(path);
	char *doc, *hash;
	make_doc(s, &doc, &hash);
	size_t hits;

	/* The importing process "dies" before its catch-up. */
	setenv("GLOSS_TEST_NO_CATCH_UP", "1", 1);
	is_int(import_batch(s, doc, hash, 'a'), GL_OK, "%d annotations are imported", BATCH);
	is_int(unindexed(path), BATCH, "the import left its rows out of the index "
	       "(the hook skipped the catch-up)");
	ok(backlog_rows(path) == 1, "and recorded them as the index's backlog");
	search_equals_scan(s, "right after the import, before they are indexed", &hits);
	ok(hits > BATCH, "the queries find imported annotations (%zu)", hits);

	/* An annotation of the backlog edited before the catch-up. */
	struct store_edit e = { .set_note = true, .note = "rewritten by hand: lanterns" };
	struct gl_error err = { 0 };
	const char *edited = "a0000000-0000-4000-8000-000000000007";
	struct store_annotation_list l = { 0 };
	store_close(s);
	struct store *imp = NULL;
	is_int(store_open(path, "importer", 0, &imp, &err), GL_OK,
	       "another process (the notes' author) opens the store");
	is_int(backlog_rows(path), 1, "the backlog stays when its open skips the "
	       "catch-up (the hook)");
	is_int(store_annotation_edit(imp, edited, &e, &err), GL_OK,
	       "an annotation not yet indexed is edited");
	store_close(imp);
	s = open_store(path);
	is_int(store_search(s, "lanterns", NULL, &l, &err), GL_OK, "a search runs");
	ok(l.count == 1 && strcmp(l.items[0].id, edited) == 0,
	   "and finds the edited annotation by its new note");
	store_annotation_list_free(&l);
	is_int(store_search(s, "note 7:", NULL, &l, &err), GL_OK, "a search runs");
	is_int((long long)l.count, 0, "and no longer by its old one");
	store_annotation_list_free(&l);
	search_equals_scan(s, "in a new process, the backlog still there", &hits);
	is_int(backlog_rows(path), 1, "the backlog is still there (the hook is set)");
	store_close(s);

	/* The next open without the hook finishes the work. */
	unsetenv("GLOSS_TEST_NO_CATCH_UP");
	s = open_store(path);
	is_int(backlog_rows(path), 0, "the next store open caught the index up");
	is_int(unindexed(path), 0, "every annotation is in the index");
	search_equals_scan(s, "after the catch-up, from the index alone", &hits);
	ok(hits > BATCH, "the queries still find them (%zu)", hits);
	ok(s && store_check(s, &err) == GL_OK, "the store passes gloss's check");
	store_close(s);
	index_is_sound(path, "after the catch-up");

	free(doc);
	free(hash);
	free(path);
}

static void
test_normal(void)
{
	char *path = gl_path_join(tmpdir, "normal.db");
	struct store *s = open_store(path);
	char *doc, *hash;
	make_doc(s, &doc, &hash);
	size_t hits;
	struct gl_error err = { 0 };

	is_int(import_batch(s, doc, hash, 'b'), GL_OK, "a big import succeeds");
	is_int(backlog_rows(path), 0, "and has indexed its rows once it returns");
	is_int(unindexed(path), 0, "all of them");
	search_equals_scan(s, "after an import", &hits);

	/* A second import on top, and single adds: indexed at once. */
	is_int(import_batch(s, doc, hash, 'c'), GL_OK, "a second big import succeeds");
	struct store_new_annotation n = {
		.document = doc, .version = hash, .renderer = 1, .start = 0, .end = 3,
		.exact = "At ", .anchor = STORE_ANCHOR_EXACT, .note = "a single pelican",
	};
	char *id = NULL;
	is_int(store_annotation_add(s, &n, &id, &err), GL_OK, "a single add succeeds");
	struct store_annotation_list l = { 0 };
	store_search(s, "pelican", NULL, &l, &err);
	ok(l.count == 1, "and is found through the index at once");
	store_annotation_list_free(&l);
	free(id);
	is_int(unindexed(path), 0, "nothing is left unindexed");
	search_equals_scan(s, "after a second import", &hits);

	/* An import rolled back (gloss import --dry-run) leaves no backlog. */
	setenv("GLOSS_TEST_NO_CATCH_UP", "1", 1);
	store_begin(s, &err);
	is_int(import_batch(s, doc, hash, 'd'), GL_OK, "an import inside a transaction");
	store_rollback(s);
	unsetenv("GLOSS_TEST_NO_CATCH_UP");
	is_int(backlog_rows(path), 0, "rolled back leaves no backlog");
	store_close(s);
	index_is_sound(path, "after two imports");
	free(doc);
	free(hash);
	free(path);
}

/* A store of schema 2 (the same tables but the backlog) with annotations
 * is upgraded when opened, and a big import into it works. */
static void
test_upgrade(void)
{
	char *path = gl_path_join(tmpdir, "v2.db");
	struct store *s = open_store(path);
	char *doc, *hash;
	make_doc(s, &doc, &hash);
	size_t hits;
	is_int(import_batch(s, doc, hash, 'e'), GL_OK, "annotations are imported");
	store_close(s);
	sqlite3 *db = NULL;
	sqlite3_open(path, &db);
	int rc = sqlite3_exec(db, "DROP TABLE search_fold; DROP TABLE search_backlog; "
			      "PRAGMA user_version = 2",
			      NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(rc, SQLITE_OK, "the store is made a schema-2 store");
	s = open_store(path);
	ok(s != NULL, "a schema-2 store opens");
	is_int(run_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	       "it is upgraded to the current schema");
	is_int(backlog_rows(path), 0, "with an empty backlog");
	search_equals_scan(s, "after the upgrade", &hits);
	ok(hits > 0, "its annotations are found (%zu)", hits);
	setenv("GLOSS_TEST_NO_CATCH_UP", "1", 1);
	is_int(import_batch(s, doc, hash, 'f'), GL_OK, "an upgraded store takes a big import");
	search_equals_scan(s, "in an upgraded store, before the catch-up", &hits);
	unsetenv("GLOSS_TEST_NO_CATCH_UP");
	store_close(s);
	s = open_store(path);
	is_int(unindexed(path), 0, "and indexes it");
	store_close(s);
	index_is_sound(path, "after the upgrade");
	free(doc);
	free(hash);
	free(path);
}

int
main(void)
{
	char tmpl[] = "tests/tmp/test-import-search.XXXXXX";
	gl_mkdir_p("tests/tmp", 0755, NULL);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		tap_skip_all("cannot make a temporary directory");
	setenv("GLOSS_NOW", "2026-05-01T12:00:00Z", 1);
	unsetenv("GLOSS_TEST_NO_CATCH_UP");

	test_interrupted();
	test_normal();
	test_upgrade();

	if (!tap_failed)
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
