/* export-internal.h: what export.c (gathering) and the four writers
 * (export-md.c, export-json.c, export-csv.c, export-html.c) share.  Only
 * src/export*.c include it. */
#ifndef GLOSS_EXPORT_INTERNAL_H
#define GLOSS_EXPORT_INTERNAL_H

#include "gloss/doc.h"
#include "gloss/export.h"
#include "gloss/outline.h"
#include "gloss/store.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

/* A version's text read back as a doc, with its outline.  The doc is the
 * caller's loaded one when it is that version (borrowed), else made from
 * the stored text with DOC_FORMAT_VERBATIM. */
struct ex_version {
	char *hash;
	int renderer;
	const struct doc *doc;
	struct doc *owned;        /* == doc when made here */
	struct outline *outline;
};

/* One annotation of a thread, in the order it is shown: the root, then
 * the replies depth first (each reply's own replies right after it). */
struct ex_item {
	const struct store_annotation *a;
	int depth;                /* 0: the root; 1: a reply to it; ... */
};

struct ex_thread {
	struct ex_item *items;    /* items[0] is the root */
	size_t count;
	struct ex_version *ver;   /* the version the root is anchored on
				     (NULL when the store lacks it) */
	/* The root's range as byte offsets in ver->doc's text, when it has a
	   range that fits that text. */
	bool ranged;
	size_t start, end;
	/* On the latest version and not an orphan: shown in the article. */
	bool placed;
	size_t section;           /* outline entry of ver, or (size_t)-1 */
	size_t number;            /* placed ones: 1, 2, ... in text order in
				     their document (footnotes); else 0 */
};

struct ex_document {
	struct store_document info;
	struct ex_version *latest;   /* NULL: the document has no version */
	struct store_annotation_list list;
	struct ex_thread *threads;
	size_t nthreads;
	size_t count;                /* annotations in its threads */
};

struct ex_export {
	struct store *store;
	const struct export_options *opt;
	char now[21];
	struct ex_document *docs;
	size_t ndocs;
	struct ex_version **versions;   /* every version read, for reuse */
	size_t nversions;
	char **authors;                 /* sorted, unique: who wrote what is
					   exported */
	size_t nauthors;
	size_t total;                   /* annotations exported */
	size_t done;                    /* written so far (progress) */
};

/* Says one more annotation was written (calls the progress function now
 * and then). */
void ex_progress(struct ex_export *x);

/* The section title of a thread ("" when before the first heading or
 * when the outline's entry is the title). */
const char *ex_section_title(const struct ex_thread *t);
/* The source a W3C target names: the document's URL when it came from
 * one, else EXPORT_HASH_URN + the version's hash.  Caller frees. */
char *ex_target_source(const struct ex_document *d, const char *hash);
/* True when a document's source is a URL (http:// or https://). */
bool ex_source_is_url(const char *source);
/* The highlight style 1..5 of an annotation (as the reader draws it):
 * the first digit 1-5 in its style, or a colour name, else 1. */
int ex_style_number(const char *style);
/* A stable colour index (0..7) for an author. */
unsigned ex_author_colour(const char *author);
/* Appends s with every code point that needs a placeholder (but LF and
 * TAB) replaced by it; the rest copied. */
void ex_put_visible(struct buf *out, const char *s, size_t n);

/* A sweep over a document's placed highlights in text order, to draw
 * them inline (md --full, html).  At each position `cur`, in this order:
 * take the threads that end there (ex_sweep_ending, until -1: put their
 * footnote or note reference), add those that start there
 * (ex_sweep_starting), then draw the text up to ex_sweep_next marked
 * when `nactive` > 0.  Offsets are bytes of the latest version's text;
 * cur must never go back. */
struct ex_sweep {
	const struct ex_document *d;
	size_t *by_start, *by_end;   /* placed thread indices, sorted */
	size_t n;
	size_t si, ei;               /* next in by_start / by_end */
	size_t *active;              /* threads covering cur, oldest first */
	size_t nactive;
};
void ex_sweep_init(struct ex_sweep *sw, const struct ex_document *d);
void ex_sweep_free(struct ex_sweep *sw);
size_t ex_sweep_ending(struct ex_sweep *sw, size_t cur);
void ex_sweep_starting(struct ex_sweep *sw, size_t cur);
size_t ex_sweep_next(const struct ex_sweep *sw, size_t cur, size_t limit);

/* The writers. */
void ex_write_md(struct ex_export *x, struct buf *out);
enum gl_status ex_write_json(struct ex_export *x, struct buf *out,
			     struct gl_error *err);
void ex_write_csv(struct ex_export *x, struct buf *out);
void ex_write_html(struct ex_export *x, struct buf *out);

#endif
