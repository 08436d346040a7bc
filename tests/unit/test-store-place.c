/* store_annotation_place: the reader's :reanchor puts an orphan on a new
 * range of the text with a new quote, by anyone who sees it, as an event;
 * bad ranges, page notes, replies and versions of another document are
 * refused and change nothing. */
#include "config.h"

#include "gloss/store.h"
#include "gloss/util.h"
#include "../tap.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static struct store *
open_as(const char *path, const char *author)
{
	struct store *s = NULL;
	struct gl_error err;
	if (store_open(path, author, STORE_OPEN_PRIVATE, &s, &err) != GL_OK) {
		diag("cannot open the store: %s", err.message);
		exit(1);
	}
	return s;
}

static size_t
events_of(struct store *s, const char *id, const char *what)
{
	struct store_event_list ev;
	size_t n = 0;
	if (store_events_list(s, id, &ev, NULL) != GL_OK)
		return 0;
	for (size_t i = 0; i < ev.count; i++)
		n += strcmp(ev.items[i].what, what) == 0;
	store_event_list_free(&ev);
	return n;
}

int
main(void)
{
	char tmpl[] = "/tmp/gloss-test-place-XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (!dir)
		tap_skip_all("no temporary directory");
	char *path = gl_path_join(dir, "gloss.db");
	setenv("GLOSS_NOW", "2024-05-01T09:00:00Z", 1);
	struct gl_error err;

	struct store *alice = open_as(path, "alice");
	char *doc = NULL, *other = NULL, *id = NULL, *page = NULL, *reply = NULL;
	const char *text = "The harbour at dawn. Boats come in before six.";
	store_document_create(alice, "Harbour", "/srv/harbour.txt", &doc, &err);
	store_version_add(alice, doc, "v1", 1, text, strlen(text), (long long)strlen(text), &err);
	store_version_add(alice, doc, "v2", 1, "Boats come in at six.", 21, 21, &err);
	store_document_create(alice, "Other", "/srv/other.txt", &other, &err);
	store_version_add(alice, other, "o1", 1, "another text", 12, 12, &err);
	struct store_new_annotation na = {
		.document = doc, .version = "v1", .renderer = 1, .start = 21, .end = 26,
		.exact = "Boats", .prefix = "The harbour at dawn. ", .suffix = " come in",
		.anchor = STORE_ANCHOR_EXACT, .note = "which boats?",
	};
	ok(store_annotation_add(alice, &na, &id, &err) == GL_OK, "alice notes a quote");
	struct store_new_annotation np = { .document = doc, .version = "v1", .renderer = 1,
					   .start = -1, .end = -1, .note = "a page note" };
	store_annotation_add(alice, &np, &page, &err);
	store_annotation_reply(alice, id, "a reply", false, &reply, &err);
	/* The article changed and the quote was lost. */
	store_annotation_reanchor(alice, id, "v1", 1, 21, 26, STORE_ANCHOR_ORPHAN, &err);
	store_close(alice);

	/* Bob, a colleague, places alice's orphan on the new text. */
	struct store *bob = open_as(path, "bob");
	setenv("GLOSS_NOW", "2024-05-01T10:00:00Z", 1);
	is_int(store_annotation_place(bob, id, "v2", 1, 0, 5, "Boats", "", " come in at six.", &err),
	       GL_OK, "a colleague may place an orphan by hand");
	struct store_annotation a;
	store_annotation_get(bob, id, &a, &err);
	ok(a.start == 0 && a.end == 5 && strcmp(a.version, "v2") == 0, "it is on the new range of the new version");
	is_int(a.anchor, STORE_ANCHOR_EXACT, "anchored exactly");
	is_str(a.exact, "Boats", "with the new quote");
	ok(a.prefix == NULL, "its new prefix (none: the start of the text, kept as unknown as "
	   "store_annotation_add keeps it)");
	is_str(a.suffix, " come in at six.", "and its new suffix");
	is_str(a.note, "which boats?", "the note is alice's, unchanged");
	is_str(a.author, "alice", "and so is the author");
	is_str(a.updated, "2024-05-01T10:00:00Z", "the time of the change is kept");
	store_annotation_clear(&a);
	is_int((int)events_of(bob, id, "place"), 1,
	       "the placing is recorded as a change of bob's (a place event)");
	is_int((int)events_of(bob, id, "reanchor"), 1, "apart from the automatic re-anchoring");
	/* Undo puts it back where it was: an orphan, with its old quote. */
	struct store_event ev = { 0 };
	is_int(store_undo_in(bob, doc, &ev, &err), GL_OK, "bob can undo the placing");
	is_str(ev.what, "place", "what is undone is the placing, not an earlier change");
	store_event_clear(&ev);
	store_annotation_get(bob, id, &a, &err);
	ok(a.anchor == STORE_ANCHOR_ORPHAN && a.start == 21 && strcmp(a.version, "v1") == 0 &&
	   strcmp(a.exact, "Boats") == 0 && !a.deleted,
	   "after undo the annotation is an orphan again where it was, not deleted");
	store_annotation_clear(&a);
	is_int(store_redo_in(bob, doc, &ev, &err), GL_OK, "and redo places it again");
	store_event_clear(&ev);
	store_annotation_get(bob, id, &a, &err);
	ok(a.anchor == STORE_ANCHOR_EXACT && a.start == 0 && strcmp(a.version, "v2") == 0,
	   "on the new range");
	store_annotation_clear(&a);
	is_int(store_annotation_place(bob, id, "v2", 1, 0, 5, "Boats", "", " come in at six.", &err),
	       GL_OK, "placing it again where it is succeeds");
	is_int((int)events_of(bob, id, "place"), 1, "and records nothing");

	/* What is refused. */
	is_int(store_annotation_place(bob, id, "v2", 1, 3, 2, "x", NULL, NULL, &err), GL_USAGE,
	       "a range that ends before it starts is refused");
	is_int(store_annotation_place(bob, id, "v2", 1, 0, 22, "x", NULL, NULL, &err), GL_USAGE,
	       "a range past the end of the version is refused");
	is_int(store_annotation_place(bob, id, "v2", 1, 0, 5, NULL, NULL, NULL, &err), GL_USAGE,
	       "a range without a quote is refused");
	is_int(store_annotation_place(bob, id, "o1", 1, 0, 7, "another", NULL, NULL, &err), GL_NO_MATCH,
	       "a version of another document is refused");
	is_int(store_annotation_place(bob, id, "v9", 1, 0, 5, "Boats", NULL, NULL, &err), GL_NO_MATCH,
	       "an unknown version is refused");
	is_int(store_annotation_place(bob, page, "v2", 1, 0, 5, "Boats", NULL, NULL, &err), GL_USAGE,
	       "a page note has no place to put");
	is_int(store_annotation_place(bob, reply, "v2", 1, 0, 5, "Boats", NULL, NULL, &err), GL_USAGE,
	       "nor has a reply");
	is_int(store_annotation_place(bob, "00000000-0000-4000-8000-000000000000", "v2", 1, 0, 5,
				      "Boats", NULL, NULL, &err),
	       GL_NO_MATCH, "an unknown annotation is refused");
	store_annotation_get(bob, id, &a, &err);
	ok(a.start == 0 && a.end == 5 && strcmp(a.exact, "Boats") == 0,
	   "after the refusals the annotation is where it was put");
	store_annotation_clear(&a);
	store_close(bob);

	struct store *ro = NULL;
	if (store_open(path, "carol", STORE_OPEN_READONLY, &ro, &err) == GL_OK) {
		is_int(store_annotation_place(ro, id, "v2", 1, 6, 10, "come", NULL, NULL, &err),
		       GL_STORE_READONLY, "a read-only store refuses it");
		store_close(ro);
	}

	free(id);
	free(page);
	free(reply);
	free(doc);
	free(other);
	free(path);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
