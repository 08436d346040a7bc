/* doc-internal.h: what the parts of the doc module share (doc.c,
 * doc-load.c, doc-text.c, doc-markdown.c, doc-html.c, doc-fetch.c).  Not a public contract: no
 * other module includes this. */
#ifndef GLOSS_DOC_INTERNAL_H
#define GLOSS_DOC_INTERNAL_H

#include "gloss/doc.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ loading */

/* What doc-load.c hands to doc.c: the normalised text (valid UTF-8, NFC,
 * LF newlines, no BOM) and what was found out on the way. */
struct doc_loaded {
	struct buf text;
	char *encoding;        /* owned: "UTF-8", "UTF-16LE", "BIG5", ... */
	bool encoding_detected;
	bool had_bom;
	const char *newlines;  /* static string */
	size_t source_bytes;
	size_t replaced;
	bool changed_by_nfc;
};

/* Reads opt->path (or stdin), refuses what is not text, decodes and
 * normalises it.  *fmt is the format it will be rendered as, which
 * chooses the size limit and, for HTML, lets a <meta> name the encoding;
 * DOC_FORMAT_AUTO (standard input) is settled here: HTML when the bytes
 * look like a page (doc_html_sniff), else text.  On GL_OK the caller owns
 * out->text and out->encoding (free with doc_loaded_free); on failure
 * nothing is left allocated. */
enum gl_status doc_read_and_decode(const struct doc_load_options *opt,
				   enum doc_format *fmt, struct doc_loaded *out,
				   struct gl_error *err);
void doc_loaded_free(struct doc_loaded *l);
/* True when path names a FIFO or a character device (bash's <(cmd) gives
 * /dev/fd/63, a pipe): doc_read_and_decode reads it once to its end, as
 * it reads standard input; it is never opened to peek (doc_load_head)
 * nor found again by its path (transient). */
bool doc_path_is_stream(const char *path);
/* The same from bytes in memory (doc_load_bytes, a fetched page):
 * opt->path only names them; `charset` is what a server said the
 * encoding is (or NULL): it comes after opt->encoding and before the
 * rest.  Refuses what doc_read_and_decode refuses but for the file's
 * type: GL_ENCODING, GL_TOO_LARGE, GL_BINARY. */
enum gl_status doc_decode_bytes(const struct doc_load_options *opt,
				const char *bytes, size_t n, enum doc_format *fmt,
				const char *charset, struct doc_loaded *out,
				struct gl_error *err);

/* Normalises in-memory text like a loaded file (doc_from_text). */
void doc_normalize_into(struct doc_loaded *out, const char *text, size_t n);

/* ----------------------------------------------------------- building
 * The renderers append the document text piece by piece and open and
 * close blocks and spans.  Pieces are joined so that the text stays NFC
 * (a piece that starts with a combining mark composes with what is before
 * it); the builder snaps spans to character boundaries at the end. */
struct doc_builder {
	struct buf text;
	struct doc_block *blocks;
	size_t nblocks, blocks_cap;
	bool block_open;
	struct doc_span *spans;
	size_t nspans, spans_cap;
	char **strings;            /* owned strings spans point to (hrefs) */
	size_t nstrings, strings_cap;
	/* The title, as a byte range of the text, set by the renderer. */
	bool have_title;
	size_t title_start, title_end;
	/* HTML: a title that is not in the text (<title>, og:title); owned,
	   wins over the range. */
	char *title_text;
	char *meta[DOC_META_COUNT];  /* HTML's metadata; owned, or NULL */
	bool truncated;              /* HTML: the page was cut short */
	bool as_text;                /* HTML with no markup: read as text */
	/* The renderer's input, when its memory may be given back as it is
	   read (docb_consumed); else NULL. */
	const char *input;
	size_t released;             /* input before this is given back */
	const char *last_nest;       /* docb_nest's last copy, or NULL */
	/* Table rows' cells, all rows' in text order; each block's `cells`
	   is set to its part when the doc is made (blocks count theirs in
	   ncells meanwhile). */
	struct doc_cell *cells;
	size_t ncells, cells_cap;
};

/* The renderer will never read its input before `upto` again: with
 * b->input set, the memory of what it has read is given back, a few MiB
 * at a time (gl_release_pages). */
void docb_consumed(struct doc_builder *b, size_t upto);

/* Appends s[0, n) (valid UTF-8) to the text, composing across the join
 * when needed.  Returns the offset at which the piece now starts (earlier
 * than the old length when it composed with the character before). */
size_t docb_append(struct doc_builder *b, const char *s, size_t n);
/* Starts a block: appends the LF that separates it from the previous one
 * and returns it (start set, the rest zeroed but for kind). */
struct doc_block *docb_block_begin(struct doc_builder *b, enum doc_block_kind kind);
/* Ends the open block at the current end of the text. */
void docb_block_end(struct doc_builder *b);
/* The block being built, or NULL. */
struct doc_block *docb_current(struct doc_builder *b);
/* Records a span; `href` is copied. Empty spans are ignored. */
void docb_span(struct doc_builder *b, size_t start, size_t end, unsigned attrs,
	       const char *href, size_t href_len);
/* Starts a cell of the open block (a table row) at the current end of
 * the text, aligned `align`; the renderer appends the " | " before it
 * first.  Does nothing when no block is open. */
void docb_cell_begin(struct doc_builder *b, enum doc_align align);
/* Ends the open block's last cell at the current end of the text. */
void docb_cell_end(struct doc_builder *b);
/* Forgets the cells of the open block (a renderer taking it back). */
void docb_cells_drop(struct doc_builder *b);
/* A copy of s[0, n) that the doc owns (for doc_block.info). */
const char *docb_string(struct doc_builder *b, const char *s, size_t n);
/* doc_block.nest for s[0, n) ('>' and '-', outermost first): a copy the
 * doc owns, cut to DOC_NEST_MAX, shared with the block before when it is
 * the same; "" (static) when n is 0. */
const char *docb_nest(struct doc_builder *b, const char *s, size_t n);
/* Gives the last span, when it is a DOC_ATTR_RUBY span that ends at the
 * end of the text, the reading s[0, n) (copied; a second reading is
 * joined to the first with a space).  Otherwise does nothing. */
void docb_span_ruby(struct doc_builder *b, const char *s, size_t n);

/* True when a line break between the code points `before` and `after`
 * vanishes when lines are joined (both CJK that is not Hangul, as CSS Text
 * 3 does for Han and Kana); false when it becomes one space. */
bool doc_join_without_space(int32_t before, int32_t after);

/* The renderers.  `text` is the normalised text. */
void doc_render_text(struct doc_builder *b, const char *text, size_t n);
void doc_render_verbatim(struct doc_builder *b, const char *text, size_t n);
enum gl_status doc_render_markdown(struct doc_builder *b, const char *text,
				   size_t n, struct gl_error *err);
/* HTML (doc-html.c).  `page_url`, when not NULL, is the address links are
 * resolved against.  Fails only with GL_TOO_LARGE (over 2 GiB),
 * GL_NO_LIBRARY (libxml2 cannot be loaded) and GL_ERROR (libxml2 could
 * not start). */
enum gl_status doc_render_html(struct doc_builder *b, const char *text,
			       size_t n, const char *page_url, struct gl_error *err);

/* ----------------------------------------------------- HTML's encoding */
/* True when s starts (after a UTF-8 BOM and white space) with
 * <!doctype html, <html, or an XML declaration with <html soon after. */
bool doc_html_sniff(const char *s, size_t n);
/* The charset label a <meta> in the head of s[0, n) names (the first
 * 8 KiB are read, as Latin-1), or NULL; caller frees. */
char *doc_html_meta_charset(const char *s, size_t n);
/* The iconv name for a charset label as browsers read it ("latin1" ->
 * "CP1252", "gb2312" -> "GB18030"; an unknown label upper-cased as it
 * is), or NULL for an empty one; from <meta>, "utf-16" means UTF-8.
 * Caller frees. */
char *doc_html_encoding_for_label(const char *label, bool from_meta);

#endif
