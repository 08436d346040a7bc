/* import: what someone bringing notes in relies on.  Malformed files are
 * refused with the place of the fault, before anything is written; W3C
 * and Hypothesis shapes are read; ids are kept or mapped the same way
 * every time; annotations are placed by their quote, merged by id (the
 * newer copy wins, the same one changes nothing), written in one
 * transaction, logged so undo works; other people's private notes are
 * never touched.  tests/cli/import-roundtrip.test drives the command. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/import.h"
#include "gloss/store.h"
#include "gloss/util.h"
#include "../tap.h"

#include <ftw.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir;

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Parses `json`; returns the status and leaves the message in err. */
static enum gl_status
parse(const char *json, struct import_set **set, struct gl_error *err)
{
	*set = NULL;
	return import_parse(json, strlen(json), "notes.json", set, err);
}

static void
refused(const char *json, const char *where, const char *what)
{
	struct import_set *set;
	struct gl_error err = { 0 };
	enum gl_status st = parse(json, &set, &err);
	is_int(st, GL_USAGE, "refused: %s", what);
	ok(strstr(err.message, where) != NULL, "the message names the place (%s)", where);
	if (!strstr(err.message, where))
		diag("message: %s", err.message);
	import_free(set);
}

static void
test_malformed(void)
{
	refused("{\n  \"type\": \"Annotation\",\n  \"target\": [1,}\n}", "notes.json:3:",
		"bad JSON, with its line");
	refused("{\"hello\": 1}", "no annotations", "JSON without annotations");
	refused("{\"type\": \"AnnotationCollection\", \"first\": {\"items\": "
		"[{\"type\": \"Annotation\", \"target\": {\"source\": \"x\", \"selector\": "
		"[{\"type\": \"TextPositionSelector\", \"start\": 1, \"end\": 2}, "
		"{\"type\": \"TextQuoteSelector\", \"prefix\": \"a\"}]}}]}}",
		"first.items[0].target.selector[1]", "a quote selector without exact");
	refused("[{\"type\": \"Annotation\", \"target\": {\"source\": \"x\", \"selector\": "
		"{\"type\": \"TextPositionSelector\", \"start\": 5, \"end\": 2}}}]",
		"[0].target.selector", "a position selector that ends before it starts");
	refused("[{\"type\": \"Annotation\", \"target\": \"x\"}, {\"type\": \"Highlight\"}]",
		"[1]", "something that is not an annotation");
	refused("[{\"type\": \"Annotation\", \"target\": \"x\", \"created\": \"May 1\"}]",
		"[0]", "a time that is not ISO 8601");
	refused("[{\"type\": \"Annotation\", \"target\": \"x\", \"body\": "
		"{\"purpose\": \"tagging\", \"value\": \"a\\u001bb\"}}]",
		"[0].body", "a tag with a control character");
	refused("[{\"type\": \"Annotation\"}]", "[0]", "an annotation without a target");
	refused("[{\"id\": \"a1\", \"type\": \"Annotation\", \"target\": \"x\"}, "
		"{\"id\": \"a1\", \"type\": \"Annotation\", \"target\": \"y\"}]",
		"[1]", "the same id twice");
	refused("{\"type\": \"AnnotationCollection\", \"first\": \"http://example.org/page1\"}",
		"first", "a collection whose page is elsewhere");
	refused("[{\"type\": \"Annotation\", \"motivation\": \"replying\", \"target\": {}}]",
		"[0]", "a reply without what it answers");

	struct import_set *set;
	struct gl_error err;
	ok(parse("{\"type\": \"AnnotationCollection\", \"first\": {\"type\": "
		 "\"AnnotationPage\", \"items\": []}}", &set, &err) == GL_OK &&
	   import_count(set) == 0, "an empty collection is fine");
	import_free(set);
}

static void
test_ids(void)
{
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1];
	import_derive_id("Q9GJ9BC0EeyPVBtgAn5Yjw", a);
	import_derive_id("Q9GJ9BC0EeyPVBtgAn5Yjw", b);
	is_str(a, b, "a foreign id maps to the same UUID every time");
	ok(strlen(a) == 36 && a[14] == '8' && strchr("89ab", a[19]) != NULL,
	   "a version 8 UUID with the RFC variant");
	import_derive_id("Q9GJ9BC0EeyPVBtgAn5Yjx", b);
	ok(strcmp(a, b) != 0, "another id maps elsewhere");
}

/* ----------------------------------------------------------- a store */

static const char text[] =
	"The River Market\n"
	"Every Saturday the river market opens before dawn, when the boats from "
	"upstream tie up along the stone steps.\n"
	"By nine the best crates are gone and the gulls move in.\n";

struct env {
	struct store *s;
	struct doc *doc;
	char *document;
};

static bool
env_open(struct env *e, const char *name, const char *author, const char *source)
{
	struct gl_error err;
	char *path = gl_path_join(tmpdir, name);
	memset(e, 0, sizeof *e);
	bool good = store_open(path, author, 0, &e->s, &err) == GL_OK &&
		    doc_from_text(text, strlen(text), DOC_FORMAT_VERBATIM, NULL, &e->doc,
				  &err) == GL_OK;
	free(path);
	if (!good) {
		diag("%s", err.message);
		return false;
	}
	struct store_version v;
	if (store_version_find(e->s, doc_hash(e->doc), DOC_RENDERER_VERSION, false, &v,
			       NULL) == GL_OK) {
		e->document = xstrdup(v.document);
		store_version_clear(&v);
		return true;
	}
	store_document_create(e->s, "The River Market", source, &e->document, NULL);
	return store_version_add(e->s, e->document, doc_hash(e->doc), DOC_RENDERER_VERSION,
				 text, strlen(text), (long long)doc_length_cp(e->doc),
				 NULL) == GL_OK;
}

static void
env_close(struct env *e)
{
	store_close(e->s);
	doc_free(e->doc);
	free(e->document);
}

/* Parses, prepares and applies json into the env's store. */
static enum gl_status
run(struct env *e, const char *json, struct import_report *r, struct gl_error *err)
{
	struct import_set *set;
	memset(r, 0, sizeof *r);
	enum gl_status st = parse(json, &set, err);
	if (st == GL_OK)
		st = import_prepare(set, e->s, NULL, 0, err);
	if (st == GL_OK)
		st = import_apply(set, e->s, NULL, r, err);
	import_free(set);
	return st;
}

static size_t
count(struct env *e)
{
	struct store_annotation_list l;
	if (store_annotations_list(e->s, NULL, &l, NULL) != GL_OK)
		return (size_t)-1;
	size_t n = l.count;
	store_annotation_list_free(&l);
	return n;
}

static char *
json_with(const char *hash, const char *note, const char *modified)
{
	return xasprintf(
		"{\"@context\": [\"http://www.w3.org/ns/anno.jsonld\", "
		"{\"gloss\": \"https://gloss.invalid/ns#\"}],"
		" \"type\": \"AnnotationCollection\", \"first\": {\"type\": \"AnnotationPage\","
		" \"items\": ["
		"{\"id\": \"urn:uuid:6F1C2A2E-1D0B-4C1E-9A55-2B1C8D0F7A11\", \"type\": \"Annotation\","
		" \"created\": \"2026-05-01T08:30:00Z\", \"modified\": \"%s\","
		" \"creator\": {\"type\": \"Person\", \"name\": \"alice\"},"
		" \"body\": [{\"type\": \"TextualBody\", \"purpose\": \"commenting\", \"value\": \"%s\"},"
		"  {\"type\": \"TextualBody\", \"purpose\": \"tagging\", \"value\": \"boats\"}],"
		" \"target\": {\"source\": \"urn:xxh3-128:%s\", \"selector\": ["
		"  {\"type\": \"TextPositionSelector\", \"start\": 9999, \"end\": 10018},"
		"  {\"type\": \"TextQuoteSelector\", \"exact\": \"boats from upstream\"}]},"
		" \"gloss:status\": \"resolved\", \"gloss:style\": \"2\"},"
		"{\"id\": \"urn:uuid:6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a12\", \"type\": \"Annotation\","
		" \"motivation\": \"replying\", \"created\": \"2026-05-01T09:00:00Z\","
		" \"creator\": \"bob\", \"bodyValue\": \"Fishing boats.\","
		" \"target\": \"urn:uuid:6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11\"},"
		"{\"id\": \"urn:uuid:6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a13\", \"type\": \"Annotation\","
		" \"created\": \"2026-05-01T09:10:00Z\", \"creator\": \"carol\","
		" \"bodyValue\": \"Pelicans?\","
		" \"target\": {\"source\": \"urn:xxh3-128:%s\", \"selector\": "
		"  {\"type\": \"TextQuoteSelector\", \"exact\": \"the pelicans\"}}},"
		"{\"id\": \"urn:uuid:6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a14\", \"type\": \"Annotation\","
		" \"motivation\": \"replying\", \"created\": \"2026-05-01T09:20:00Z\","
		" \"creator\": \"dan\", \"bodyValue\": \"To nothing.\","
		" \"target\": \"urn:uuid:00000000-0000-4000-8000-000000000000\"}"
		"]}}", modified, note, hash, hash);
}

static void
test_merge(void)
{
	struct env e;
	struct gl_error err;
	struct import_report r;
	if (!env_open(&e, "merge.db", "importer", NULL)) {
		ok(0, "the store is made");
		return;
	}
	char *json = json_with(doc_hash(e.doc), "Which boats?", "2026-05-01T08:30:00Z");
	is_int(run(&e, json, &r, &err), GL_OK, "a W3C collection imports");
	is_int(r.added, 3, "three annotations added");
	is_int(r.skipped, 1, "a reply to an annotation that is nowhere is skipped");
	is_int(r.orphaned, 1, "a quote not in the text is counted as orphaned");

	struct store_annotation a;
	ok(store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11", &a, &err) == GL_OK,
	   "an urn:uuid id is kept (lowercase)");
	size_t len;
	const char *t = doc_text(e.doc, &len);
	long long want = (long long)doc_byte_to_cp(e.doc, (size_t)(strstr(t, "boats from") - t));
	is_int(a.start, want, "the annotation is placed by its quote, not its position hint");
	is_int(a.anchor, STORE_ANCHOR_MOVED, "and says it moved");
	is_str(a.author, "alice", "its author is the file's creator");
	is_str(a.created, "2026-05-01T08:30:00Z", "its creation time is kept");
	is_int(a.status, STORE_STATUS_RESOLVED, "gloss:status is read");
	is_str(a.style, "2", "gloss:style too");
	ok(a.tag_count == 1 && strcmp(a.tags[0], "boats") == 0, "a tagging body is a tag");
	size_t pl = a.prefix ? strlen(a.prefix) : 0;
	ok(pl >= 9 && strcmp(a.prefix + pl - 9, "when the ") == 0,
	   "a missing prefix is taken from the text");
	store_annotation_clear(&a);
	ok(store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a12", &a, &err) == GL_OK &&
	   a.parent && strcmp(a.parent, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11") == 0,
	   "a replying annotation becomes a reply to its target");
	is_str(a.note, "Fishing boats.", "bodyValue is its note");
	store_annotation_clear(&a);
	ok(store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a13", &a, &err) == GL_OK &&
	   a.anchor == STORE_ANCHOR_ORPHAN && strcmp(a.exact, "the pelicans") == 0,
	   "an orphan is kept with its quote");
	store_annotation_clear(&a);

	/* Every imported annotation is logged as the store logs its own:
	   the import's snapshot equals the one a later change records. */
	struct store_event_list ev;
	store_annotation_set_status(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a13",
				    STORE_STATUS_RESOLVED, NULL);
	ok(store_events_list(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a13", &ev, &err) == GL_OK &&
	   ev.count == 2, "an import is logged as an event");
	if (ev.count == 2) {
		json_t *imported = json_loads(ev.items[0].after, 0, NULL);
		json_t *stored = json_loads(ev.items[1].before, 0, NULL);
		is_str(ev.items[0].what, "import", "named import");
		ok(imported && json_equal(imported, stored),
		   "its snapshot is the store's own snapshot of the annotation");
		if (!(imported && json_equal(imported, stored)))
			diag("import: %s\n#  store:  %s", ev.items[0].after, ev.items[1].before);
		json_decref(imported);
		json_decref(stored);
	}
	store_event_list_free(&ev);
	store_undo(e.s, NULL, NULL);   /* the resolve */

	size_t before = count(&e);
	is_int(run(&e, json, &r, &err), GL_OK, "the same file again");
	ok(r.added == 0 && r.updated == 0 && r.unchanged == 3, "changes nothing");
	is_int(count(&e), before, "the store holds what it held");
	free(json);

	json = json_with(doc_hash(e.doc), "Trawlers, it turns out.", "2026-06-01T00:00:00Z");
	run(&e, json, &r, &err);
	is_int(r.updated, 1, "a newer copy updates");
	store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11", &a, NULL);
	is_str(a.note, "Trawlers, it turns out.", "with its note");
	is_str(a.updated, "2026-06-01T00:00:00Z", "and its time");
	store_annotation_clear(&a);
	free(json);
	json = json_with(doc_hash(e.doc), "An older note.", "2026-05-02T00:00:00Z");
	run(&e, json, &r, &err);
	is_int(r.updated, 0, "an older copy does not");
	free(json);

	ok(store_undo(e.s, NULL, &err) == GL_OK, "undo after an import");
	store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11", &a, NULL);
	is_str(a.note, "Which boats?", "puts back what the import changed");
	store_annotation_clear(&a);

	/* A read-only store: refused, nothing written. */
	char *path = gl_path_join(tmpdir, "merge.db");
	struct store *ro = NULL;
	store_open(path, "importer", STORE_OPEN_READONLY, &ro, NULL);
	free(path);
	json = json_with(doc_hash(e.doc), "x", "2027-01-01T00:00:00Z");
	struct import_set *set;
	parse(json, &set, &err);
	import_prepare(set, ro, NULL, 0, &err);
	is_int(import_apply(set, ro, NULL, &r, &err), GL_STORE_READONLY,
	       "a read-only store refuses the import");
	import_free(set);
	store_close(ro);
	store_annotation_get(e.s, "6f1c2a2e-1d0b-4c1e-9a55-2b1c8d0f7a11", &a, NULL);
	is_str(a.note, "Which boats?", "and nothing changed");
	store_annotation_clear(&a);
	free(json);
	env_close(&e);
}

static void
test_private(void)
{
	struct env e, other;
	struct gl_error err;
	struct import_report r;
	if (!env_open(&e, "private.db", "alice", NULL) ||
	    !env_open(&other, "private.db", "bob", NULL)) {
		ok(0, "the store is made");
		return;
	}
	/* Bob's private page note, imported under Bob's id by Alice with
	   other content: left alone. */
	char *id = NULL;
	struct store_new_annotation n = {
		.document = other.document, .version = doc_hash(other.doc),
		.renderer = DOC_RENDERER_VERSION, .start = -1, .end = -1,
		.anchor = STORE_ANCHOR_NONE, .note = "secret", .is_private = true,
	};
	store_annotation_add(other.s, &n, &id, NULL);
	char *json = xasprintf("[{\"id\": \"%s\", \"type\": \"Annotation\", \"target\": "
			       "{\"source\": \"urn:xxh3-128:%s\"}, \"bodyValue\": \"changed\", "
			       "\"modified\": \"2099-01-01T00:00:00Z\"}]", id, doc_hash(e.doc));
	is_int(run(&e, json, &r, &err), GL_OK, "importing over someone else's private note");
	is_int(r.unchanged, 1, "counts it unchanged");
	struct store_annotation a;
	store_annotation_get(other.s, id, &a, NULL);
	is_str(a.note, "secret", "and leaves it alone");
	store_annotation_clear(&a);
	free(json);
	free(id);
	env_close(&e);
	env_close(&other);
}

static void
test_hypothesis(void)
{
	struct env e;
	struct gl_error err;
	struct import_report r;
	if (!env_open(&e, "hyp.db", "importer", "https://news.example.org/river")) {
		ok(0, "the store is made");
		return;
	}
	static const char json[] =
		"{\"export_date\": \"2026-04-30T10:00:00.000Z\", \"annotations\": ["
		"{\"id\": \"Q9GJ9BC0EeyPVBtgAn5Yjw\", \"created\": \"2026-04-30T09:51:35.722360+00:00\","
		" \"updated\": \"2026-04-30T09:55:00.000000+00:00\", \"user\": \"acct:mira@hypothes.is\","
		" \"uri\": \"https://news.example.org/river\", \"text\": \"Gulls!\", \"tags\": [\"birds\", \" \"],"
		" \"target\": [{\"source\": \"https://news.example.org/river\", \"selector\": ["
		"  {\"type\": \"RangeSelector\", \"startContainer\": \"/p[2]\", \"startOffset\": 1,"
		"   \"endContainer\": \"/p[2]\", \"endOffset\": 9},"
		"  {\"type\": \"TextPositionSelector\", \"start\": 5012, \"end\": 5021},"
		"  {\"type\": \"TextQuoteSelector\", \"exact\": \"the gulls\", \"prefix\": \"gone and \","
		"   \"suffix\": \" move in.\"}]}]},"
		"{\"id\": \"R2kz8BC1EeyQ1aBcDeFgHi\", \"created\": \"2026-04-30T10:00:00+00:00\","
		" \"updated\": \"2026-04-30T10:00:00+00:00\", \"user\": \"acct:tom@hypothes.is\","
		" \"text\": \"Herring gulls.\", \"references\": [\"Q9GJ9BC0EeyPVBtgAn5Yjw\"],"
		" \"target\": [{\"source\": \"https://news.example.org/river\"}]}]}";
	is_int(run(&e, json, &r, &err), GL_OK, "Hypothesis's export imports without --to");
	if (r.added != 2)
		diag("%s", err.message);
	is_int(r.added, 2, "found by the URL the document was read from");
	char id[STORE_ID_LEN + 1];
	import_derive_id("Q9GJ9BC0EeyPVBtgAn5Yjw", id);
	struct store_annotation a;
	ok(store_annotation_get(e.s, id, &a, &err) == GL_OK, "its id is mapped");
	is_str(a.author, "mira@hypothes.is", "its user, without acct:");
	is_str(a.updated, "2026-04-30T09:55:00Z", "its update time, in the store's form");
	ok(a.tag_count == 1 && strcmp(a.tags[0], "birds") == 0, "its tags (empty ones dropped)");
	size_t len;
	const char *t = doc_text(e.doc, &len);
	is_int(a.start, (long long)(strstr(t, "the gulls") - t),
	       "placed by its quote: its UTF-16 page offset is only a hint");
	store_annotation_clear(&a);
	char rid[STORE_ID_LEN + 1];
	import_derive_id("R2kz8BC1EeyQ1aBcDeFgHi", rid);
	ok(store_annotation_get(e.s, rid, &a, &err) == GL_OK && a.parent &&
	   strcmp(a.parent, id) == 0, "references make a reply to the last one");
	store_annotation_clear(&a);
	env_close(&e);
}

static void
test_routing(void)
{
	struct env e;
	struct gl_error err = { 0 };
	if (!env_open(&e, "route.db", "importer", NULL)) {
		ok(0, "the store is made");
		return;
	}
	static const char json[] =
		"[{\"type\": \"Annotation\", \"target\": {\"source\": \"urn:xxh3-128:0000\","
		" \"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"stone steps\"}}}]";
	struct import_set *set;
	parse(json, &set, &err);
	is_int(import_prepare(set, e.s, NULL, 0, &err), GL_NO_MATCH,
	       "an annotation of an unknown text, with no --to, is refused");
	ok(strstr(err.message, "--to FILE") != NULL, "and the message says what to do");
	import_free(set);

	/* With the text given (--to), it goes there: the fallback. */
	struct import_fallback fb = {
		.text = doc_text(e.doc, &fb.len), .hash = doc_hash(e.doc),
		.renderer = DOC_RENDERER_VERSION,
	};
	struct import_report r;
	parse(json, &set, &err);
	is_int(import_prepare(set, e.s, &fb, 1, &err), GL_OK, "with --to it is prepared");
	ok(import_uses_fallback(set, 0), "for the file named by --to");
	const char *ids[] = { e.document };
	is_int(import_apply(set, e.s, ids, &r, &err), GL_OK, "and applied");
	is_int(r.added, 1, "added there");
	import_free(set);

	/* The same annotation again, with no --to: it is found by its id. */
	parse(json, &set, &err);
	is_int(import_prepare(set, e.s, NULL, 0, &err), GL_OK,
	       "an annotation the store has needs no --to");
	import_apply(set, e.s, NULL, &r, &err);
	is_int(r.unchanged, 1, "and is unchanged (its id comes from its content)");
	import_free(set);
	env_close(&e);
}

/* A big import, in the steps gloss import takes so that the write lock
 * is held only for writing: the batch is made and checked first, then
 * applied in a transaction, then the store is tidied after the commit. */
enum { BIG = 1500 };

static void
big_batch(struct env *e, char (*ids)[STORE_ID_LEN + 1], char (*notes)[40],
	  struct store_annotation *a)
{
	static char batch[] = "batch", alice[] = "alice", quote[] = "river market",
		    created[] = "2026-05-01T08:00:00Z";
	static char *tag[] = { batch };
	for (int i = 0; i < BIG; i++) {
		snprintf(ids[i], STORE_ID_LEN + 1, "00000000-0000-4000-8000-%012d", i);
		snprintf(notes[i], 40, "batch note %d", i);
		bool reply = i % 10 == 9;
		a[i] = (struct store_annotation){
			.id = ids[i], .document = e->document,
			.version = (char *)doc_hash(e->doc), .renderer = DOC_RENDERER_VERSION,
			.author = alice, .parent = reply ? ids[i - 1] : NULL,
			.start = reply ? -1 : 22, .end = reply ? -1 : 36,
			.exact = reply ? NULL : quote,
			.note = notes[i], .created = created,
			.anchor = reply ? STORE_ANCHOR_NONE : STORE_ANCHOR_EXACT,
			.tags = i % 5 == 0 ? tag : NULL, .tag_count = i % 5 == 0,
		};
	}
}

static void
test_big(void)
{
	struct env e;
	struct gl_error err = { 0 };
	if (!env_open(&e, "big.db", "importer", NULL)) {
		ok(0, "the store is made");
		return;
	}
	char (*ids)[STORE_ID_LEN + 1] = xcalloc(BIG, sizeof *ids);
	char (*notes)[40] = xcalloc(BIG, sizeof *notes);
	struct store_annotation *a = xcalloc(BIG, sizeof *a);
	enum store_import_result *res = xcalloc(BIG, sizeof *res);
	struct store_import_batch *b = NULL;
	big_batch(&e, ids, notes, a);

	/* A fault anywhere is found before the transaction. */
	a[700].end = 3;
	is_int(store_import_batch_new(a, BIG, &b, &err), GL_USAGE,
	       "a bad range in the middle of a batch is refused before writing");
	ok(strstr(err.message, ids[700]) != NULL, "naming the annotation");
	ok(b == NULL && count(&e) == 0, "and nothing is written");
	a[700].end = 36;

	/* The document may come last (gloss import --to makes it inside). */
	a[3].document = NULL;
	is_int(store_import_batch_new(a, BIG, &b, &err), GL_OK,
	       "a batch is made without a store and without a document yet");
	is_int(store_import_batch_apply(e.s, b, res, &err), GL_USAGE,
	       "but is not applied while a document is missing");
	is_int((long long)count(&e), 0, "so nothing is written");
	a[3].document = e.document;

	ok(store_begin(e.s, &err) == GL_OK &&
	   store_import_batch_apply(e.s, b, res, &err) == GL_OK &&
	   store_commit(e.s, &err) == GL_OK, "1500 annotations are applied in one transaction");
	store_import_batch_finish(e.s, b);
	store_import_batch_free(b);
	b = NULL;
	size_t added = 0;
	for (int i = 0; i < BIG; i++)
		added += res[i] == STORE_IMPORT_ADDED;
	is_int((long long)added, BIG, "each is added");
	is_int((long long)count(&e), BIG, "and listed");

	struct store_annotation_list l;
	ok(store_search(e.s, "batch note 1234", NULL, &l, &err) == GL_OK && l.count == 1 &&
	   strcmp(l.items[0].id, ids[1234]) == 0, "a search finds one by its note");
	store_annotation_list_free(&l);
	struct store_filter f = { .tag = "batch" };
	ok(store_annotations_list(e.s, &f, &l, &err) == GL_OK && l.count == BIG / 5,
	   "its tags are kept");
	store_annotation_list_free(&l);
	struct store_annotation one;
	ok(store_annotation_get(e.s, ids[19], &one, &err) == GL_OK && one.parent &&
	   strcmp(one.parent, ids[18]) == 0, "a reply keeps its parent");
	store_annotation_clear(&one);

	struct store_event_list ev;
	ok(store_events_list(e.s, ids[1499], &ev, &err) == GL_OK && ev.count == 1 &&
	   strcmp(ev.items[0].what, "import") == 0, "each is logged as an import");
	if (ev.count == 1) {
		json_t *j = json_loads(ev.items[0].after, 0, NULL);
		ok(j && strcmp(json_string_value(json_object_get(j, "document")),
			       e.document) == 0 &&
		   strcmp(json_string_value(json_object_get(j, "note")), notes[1499]) == 0,
		   "with its snapshot, document included");
		json_decref(j);
	}
	store_event_list_free(&ev);
	ok(store_check(e.s, &err) == GL_OK, "the store passes the integrity check");

	ok(store_undo(e.s, NULL, &err) == GL_OK &&
	   (long long)count(&e) == BIG - 1, "undo takes the last one away");

	/* The same batch again changes nothing. */
	ok(store_import_batch_new(a, BIG, &b, &err) == GL_OK &&
	   store_import_batch_apply(e.s, b, res, &err) == GL_OK,
	   "the same batch again is applied");
	store_import_batch_finish(e.s, b);
	store_import_batch_free(b);
	size_t unchanged = 0;
	for (int i = 0; i < BIG; i++)
		unchanged += res[i] == STORE_IMPORT_UNCHANGED;
	is_int((long long)unchanged, BIG, "and changes nothing");
	is_int((long long)count(&e), BIG - 1, "the store holds what it held");
	ok(store_check(e.s, &err) == GL_OK, "and still passes the integrity check");

	free(ids);
	free(notes);
	free(a);
	free(res);
	env_close(&e);
}

int
main(void)
{
	char tmpl[] = "tests/tmp/test-import.XXXXXX";
	gl_mkdir_p("tests/tmp", 0755, NULL);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		tap_skip_all("cannot make a temporary directory");
	setenv("GLOSS_NOW", "2026-05-01T12:00:00Z", 1);

	test_malformed();
	test_ids();
	test_merge();
	test_private();
	test_hypothesis();
	test_routing();
	test_big();

	if (!tap_failed)
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
