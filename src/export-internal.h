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
	/* Its Markdown or HTML source read again for the structure (when
	   no loaded doc was given and the file still holds that text);
	   owned, or NULL. */
	struct doc *reloaded;
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

/* ------------------------------------------- the article's inline text
 * md --full and html write a block's text as a list of tokens: text,
 * the inline elements around it opened and closed in a proper nesting
 * (links, highlights, strike-through, strong, emphasis and code, from
 * the doc's spans and the sweep's highlights), footnote references where
 * highlights end, and table cell separators. */
enum ex_elem {   /* outermost first: the order of opening at one place */
	EX_EL_LINK,
	EX_EL_MARK,
	EX_EL_STRIKE,
	EX_EL_STRONG,
	EX_EL_EM,
	EX_EL_CODE,
	EX_EL_COUNT
};

enum ex_tok_kind {
	EX_TOK_TEXT,     /* text[start, end) */
	EX_TOK_OPEN,     /* elem opens */
	EX_TOK_CLOSE,    /* elem closes */
	EX_TOK_REF,      /* the reference of `thread`, whose highlight ends */
	EX_TOK_CELL,     /* text[start, end) is the " | " between two
			    cells (doc_block.cells) */
};

struct ex_tok {
	enum ex_tok_kind kind;
	enum ex_elem elem;    /* OPEN, CLOSE */
	size_t start, end;    /* TEXT, CELL */
	size_t thread;        /* REF; OPEN of a MARK: the newest highlight */
	bool multi;           /* OPEN of a MARK: highlights overlap there */
	const char *href;     /* OPEN of a LINK (owned by the doc) */
	size_t pair;          /* OPEN: index of its CLOSE, and back */
};

struct ex_inline {
	struct ex_tok *toks;
	size_t n, cap;
};

/* Cuts text[start, end) of a block into il's tokens (replacing what was
 * there), moving the sweep on to `end`.  *span is the first doc span not
 * before this block: start at 0 and keep it between blocks, in text
 * order.  `row`: the table row whose cells the text is (its separators
 * become EX_TOK_CELL), or NULL.  Every element
 * opened is closed again by the end; a highlight's element is closed
 * and opened again wherever another highlight starts or ends, and
 * everything is closed before a reference, a cell separator and the
 * end. */
void ex_inline_block(struct ex_inline *il, struct ex_sweep *sw, const struct doc *doc,
		     size_t *span, size_t start, size_t end, const struct doc_block *row);
void ex_inline_free(struct ex_inline *il);
/* True when a link to href is safe to write (no scheme, or http, https,
 * mailto, ftp): a javascript: or data: link is written as its text. */
bool ex_link_ok(const char *href);
/* The block that is the document's title in its latest text: its first
 * non-empty block, when it is a heading of level 1 (in the outline or
 * the markup) whose text is the document's title; else (size_t)-1.  The
 * article then shows it as its title, once. */
size_t ex_title_block(const struct ex_document *d);
/* The level block b is written at: its outline entry's level (`*oi`
 * walks the outline with the blocks, in order: start at 0), else its
 * markup's level when it is a heading, else 0 (not a heading). */
int ex_heading_level(const struct doc *doc, const struct outline *ol, size_t *oi, size_t b);

/* The containers block blk is written in, outermost first ('>' a
 * quote, '-' a list level, '+' a list level whose item starts with this
 * block), NUL-terminated in out (at most EX_NEST_MAX of them): its
 * doc_block.nest, completed for a block that has none (plain text's
 * list items get one list level per level of `depth`, a quote '>' per
 * quote level), and ending in '+' for a list item, in '>' for a quote
 * paragraph.  A heading (level > 0) stands outside everything: "". */
#define EX_NEST_MAX 32
void ex_block_nest(const struct doc_block *blk, int level, char out[EX_NEST_MAX + 1]);

/* The writers. */
void ex_write_md(struct ex_export *x, struct buf *out);
enum gl_status ex_write_json(struct ex_export *x, struct buf *out,
			     struct gl_error *err);
void ex_write_csv(struct ex_export *x, struct buf *out);
void ex_write_html(struct ex_export *x, struct buf *out);

#endif
