/* export: the annotations of the store in the forms people use:
 * Markdown, W3C Web Annotation JSON, CSV and a self-contained HTML page.
 *
 * Everything is built in memory (a struct buf) so that the caller can
 * write it in one atomic save (gl_write_file_atomic) or to stdout; a
 * failed export never leaves half a file.  Nothing here touches the
 * screen or prints.
 *
 * What is exported.  Annotations are exported by THREAD: a top-level
 * annotation (a highlight or a page note) with every reply under it,
 * replies of replies included, so a reply is never shown without what it
 * answers.  The filters choose threads:
 *   author  a thread whose root or any reply was written by `author`;
 *   tag     a thread whose root carries `tag`;
 *   status  a thread whose root is open / resolved;
 *   since   a thread in which something was created or changed at or
 *           after `since` (a date or time as gl_parse_time reads it).
 * Deleted annotations, threads whose root is deleted, and other people's
 * private annotations (invisible to the store's author) are never
 * exported.
 *
 * Where an annotation is.  Each annotation was last anchored on one
 * version of its document (store.h); the text of that version, read back
 * with DOC_FORMAT_VERBATIM, gives its outline section (outline_section_at)
 * and its place in the article.  When the caller passes the loaded doc of
 * a document (a FILE argument) and it is that very version (same hash),
 * its own blocks and headings are used instead, which keeps a Markdown
 * article's structure.  Without one, a Markdown or HTML document's source
 * file (a path, never a URL) is read again and used in the same way when
 * it still renders to the latest version's text.  Orphans (not found in the latest text) are listed
 * apart, with the text they were made on.
 *
 * Formats (see each function for the exact shape):
 *   md    YAML front matter; per document "# title", annotations grouped
 *         under the heading they fall in, the quote as a block quote,
 *         note, tags, author, time, state and replies; Markdown specials
 *         escaped so that text shows as typed.  With `full`: the whole
 *         article with its structure (headings at their level, the title
 *         once; lists with bullets, numbers and nesting; fenced code;
 *         GFM tables; quotes; emphasis, strong, strike-through, code and
 *         links), highlights inline (<mark>) and notes as footnotes.
 *   json  a W3C AnnotationCollection with one embedded AnnotationPage.
 *   csv   RFC 4180, UTF-8 (with a BOM only when `bom` asks for one),
 *         CRLF, a header row, one row per annotation; formula-like cells
 *         made inert.
 *   html  one page, no script, no outside resource: each article with
 *         its structure (as md --full; links only to http, https, mailto,
 *         ftp or relative addresses), its highlights (style and author
 *         colour) and the notes below each paragraph; everything escaped.
 *
 * Control characters.  The formats people read (md, html, csv) show a
 * control character, an escape or a bidirectional control in a quote,
 * note, tag or title as gloss shows it on screen (u8_placeholder: ^[,
 * <U+202E>); tabs and newlines stay.  JSON keeps the data exact (jansson
 * escapes C0 controls; DEL, C1 and bidirectional controls are written as
 * \u escapes, so the JSON is the same but cannot drive a terminal). */
#ifndef GLOSS_EXPORT_H
#define GLOSS_EXPORT_H

#include "gloss/doc.h"
#include "gloss/store.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

enum export_format {
	EXPORT_MARKDOWN,
	EXPORT_JSON,
	EXPORT_CSV,
	EXPORT_HTML,
};

/* "md" (also "markdown"), "json", "csv", "html"; false when unknown. */
bool export_format_parse(const char *name, enum export_format *out);
/* "md", "json", "csv", "html". */
const char *export_format_name(enum export_format f);

/* The IRI of gloss's JSON-LD context for its own terms (resolved state,
 * style, anchor state, privacy).  It is under .invalid (RFC 6761): it
 * will never resolve to anything, so it is a name, stable for good.  The
 * JSON says "@context": ["http://www.w3.org/ns/anno.jsonld",
 * {"gloss": EXPORT_GLOSS_NS}] and uses "gloss:status" and so on. */
#define EXPORT_GLOSS_NS "https://gloss.invalid/ns#"
/* Prefix of a target source that names a text by its hash (doc_hash). */
#define EXPORT_HASH_URN "urn:xxh3-128:"

/* Called now and then while exporting: `done` of `total` annotations. */
typedef void (*export_progress_fn)(void *ctx, size_t done, size_t total);

struct export_options {
	enum export_format format;
	const char *author;      /* filters, NULL for any (see the top) */
	const char *tag;
	bool status_set;
	enum store_status status;
	const char *since;
	bool full;               /* md: the whole article, notes as footnotes */
	bool bom;                /* csv: a UTF-8 byte order mark first, so that
				    Excel reads the file as UTF-8 (CJK) */
	/* The export time written in the output; NULL: $GLOSS_NOW when it
	   holds a time (the store's test hook), else now. */
	const char *now;
	export_progress_fn progress;  /* may be NULL */
	void *progress_ctx;
};

/* One document to export, with its loaded doc when the caller has one
 * (NULL otherwise; see "Where an annotation is"). */
struct export_document {
	const char *id;
	const struct doc *doc;
};

/* Appends the export of `docs` (n of them; n == 0: every document in the
 * store, most recently created first) to out; *count (if not NULL) gets
 * the number of annotations written (roots and replies).  A document
 * with no matching annotation is still exported (it shows with none).
 * Errors are the store's (store.h), GL_NO_MATCH for an unknown document
 * id, GL_USAGE for a bad `since`.  On failure out may hold part of an
 * export: do not write it. */
enum gl_status export_write(struct store *s, const struct export_document *docs,
			    size_t n, const struct export_options *opt,
			    struct buf *out, size_t *count, struct gl_error *err);

/* ------------------------------------------------- the export options
 * `gloss export` and the reader's :export take the same options and parse
 * them here (src/export-args.c):
 *   --format md|json|csv|html  -o/--output OUT  --author A  --tag T
 *   --status open|resolved  --since DATE  --full  --bom
 * argv[0] is the command's name; options and operands may come in any
 * order (getopt_long, which this resets and which prints nothing).  The
 * format is --format, else the one OUT's extension names, else md. */
struct export_args {
	/* Format, filters, full; opt.author, opt.tag and opt.since point
	   into this struct (do not copy it). */
	struct export_options opt;
	const char *output;      /* -o OUT (points into argv), NULL when not
				    given; "-" is kept as given */
	bool format_given;       /* --format was given */
	int first_operand;       /* argv index of the first FILE operand
				    (argc when there is none) */
	char *warning;           /* a note for the user (--full or --bom with
				    another format), or NULL */
	char *author, *tag;      /* NFC, trimmed */
	char since[21];
};
/* Fills *out (clear it with export_args_clear).  Errors: GL_USAGE with a
 * message that names the bad option or value (an unknown option or
 * format, a missing value, an author or tag that is empty or not UTF-8, a
 * bad --status or --since); *out is then cleared. */
enum gl_status export_args_parse(int argc, char **argv, struct export_args *out,
				 struct gl_error *err);
void export_args_clear(struct export_args *a);
/* The format a file name's extension names (.md .markdown .json .jsonld
 * .csv .html .htm, any case); false when none. */
bool export_format_of_path(const char *path, enum export_format *f);

/* -------------------------------------------------- escaping, for tests
 * Each appends the escaped form of s[0, n) to out. */
/* Markdown inline text that shows as typed in CommonMark, GFM and
 * pandoc's Markdown: ASCII punctuation that could be markup is
 * backslash-escaped, a line's leading spaces and tabs become character
 * references, control characters placeholders.  LF is kept as LF: the
 * caller decides what a line break becomes (see export-md.c). */
void export_md_escape(struct buf *out, const char *s, size_t n);
/* HTML text and attribute values: & < > " ' as references, control
 * characters (but LF and TAB) as placeholders in <span class="ctl">
 * (in_attribute: the placeholder text only). */
void export_html_escape(struct buf *out, const char *s, size_t n,
			bool in_attribute);
/* One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF
 * (quotes doubled); a cell starting with = + - @ TAB or CR gets a leading
 * ' so that no spreadsheet runs it as a formula; control characters but
 * LF and TAB become placeholders. */
void export_csv_cell(struct buf *out, const char *s, size_t n);

#endif
