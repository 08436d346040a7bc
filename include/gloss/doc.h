/* doc: an article as gloss knows it.  Loading (file, stdin or an http(s)
 * URL; BOM, UTF-16/32, legacy encodings through uchardet + iconv, binary
 * refusal, size limit), the rendered text (NFC, LF newlines), its blocks,
 * inline attributes, title, metadata, identity (XXH3-128 of the text) and
 * code point <-> byte offsets.
 *
 * The document text is what is shown, anchored and exported: for plain
 * text the file's paragraphs, for Markdown and HTML the rendered text
 * without markup (for HTML, only the article: see DOC_FORMAT_HTML).  Blocks are separated in the text by exactly one LF.  An LF
 * inside a block is a mandatory line break, and layout must break the row
 * there: code blocks keep one per source line, a Markdown hard break
 * (two trailing spaces or a backslash) is one, and so is each kept line
 * break of a plain-text block of short lines (verse, an address).  Other
 * blocks have no LF.  The text is valid UTF-8 and NFC, and may contain
 * control characters (NUL too, with allow_binary): display them as
 * placeholders.
 * Offsets are byte offsets into doc_text() unless a name says _cp.
 *
 * A struct doc is immutable once loaded and owns everything it returns. */
#ifndef GLOSS_DOC_H
#define GLOSS_DOC_H

#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct doc;

enum doc_format {
	DOC_FORMAT_AUTO,      /* by the path's extension (case ignored):
				 .md .markdown .mdown .mkd -> Markdown,
				 .html .htm .xhtml -> HTML, else (and for
				 stdin) plain text */
	DOC_FORMAT_TEXT,
	DOC_FORMAT_MARKDOWN,
	/* A web page (libxml2's HTML parser; doc-html.c says exactly what
	 * is kept): the article, without navigation, headers, footers,
	 * asides, forms, scripts, comments and hidden elements; headings,
	 * paragraphs, lists, quotes, code and table rows as Markdown gives
	 * them; links, emphasis, strong, code and strike-through as spans;
	 * an image's alt text; ruby's base text, its reading kept beside
	 * the text (doc_span.ruby), not in it.  A page
	 * with no markup at all is read as plain text (doc_format() then
	 * says DOC_FORMAT_TEXT).  Standard input is HTML when it starts
	 * with <!doctype html or <html (after a BOM and white space). */
	DOC_FORMAT_HTML,
	/* Text gloss rendered before (a stored version): each line is one
	 * paragraph block and nothing is trimmed, joined or dropped, so the
	 * text, and so doc_hash, stay exactly what was stored. */
	DOC_FORMAT_VERBATIM,
};

/* The largest input accepted, in bytes.  It stays under SQLite's limit on
 * one value (1,000,000,000 bytes), since the store keeps each version's
 * text, with room for growth by NFC and UTF-8 transcoding. */
#define DOC_DEFAULT_MAX_SIZE ((size_t)512 * 1024 * 1024)
/* The default for an HTML page (a file, standard input read as HTML, or
 * the body of a URL): the parse costs several times the page. */
#define DOC_HTML_DEFAULT_MAX_SIZE ((size_t)64 * 1024 * 1024)
/* Seconds a URL may take to arrive, connecting included. */
#define DOC_DEFAULT_TIMEOUT 30

struct doc_load_options {
	const char *path;        /* a file, or "-" / NULL for stdin */
	enum doc_format format;  /* DOC_FORMAT_AUTO unless --format */
	const char *encoding;    /* --encoding NAME, or NULL to detect */
	bool allow_binary;       /* --binary: show a binary file anyway; it is
				    read as UTF-8 (no detection) unless
				    `encoding` is given */
	size_t max_size;         /* 0: DOC_DEFAULT_MAX_SIZE, or
				    DOC_HTML_DEFAULT_MAX_SIZE for HTML */
	long timeout;            /* a URL: seconds; 0: DOC_DEFAULT_TIMEOUT */
	bool progress;           /* a URL: a progress line on stderr when it
				    is a terminal and the fetch takes over a
				    second.  Never set it while curses has
				    the screen. */
	bool transient;          /* path is gloss's own spool file (a copy of
				    standard input, say): the document is
				    never found again by that path
				    (doc_source_is_transient) */
};

/* True when `path` is an http:// or https:// URL (scheme in any case):
 * doc_load fetches it instead of opening a file. */
bool doc_is_url(const char *path);

/* Loads and renders a document.
 *
 * Decoding: a BOM says UTF-8, UTF-16LE/BE or UTF-32LE/BE (and is
 * removed); else opt->encoding, if given, is used (a BOM of that same
 * encoding is removed); else valid UTF-8 is UTF-8; else text that is
 * UTF-8 with a few bad bytes (at most one bad byte for four good
 * multi-byte characters) is UTF-8; else uchardet guesses the encoding
 * (if it cannot, UTF-8).
 * Input that cannot be decoded becomes U+FFFD, never an error: one per
 * maximal ill-formed subsequence for UTF-8, one per undecodable byte (or
 * UTF-16/32 code unit) otherwise.  Then CRLF and CR become LF and the text
 * is made NFC.
 *
 * HTML (by DOC_FORMAT_HTML, the extension, or sniffed on stdin): when
 * neither --encoding nor a BOM names the encoding, a <meta charset> or
 * <meta http-equiv="Content-Type"> in the first 8 KiB does (labels mapped
 * as browsers map them: iso-8859-1 is windows-1252, gb2312 is GB18030,
 * shift_jis is CP932...), unless the bytes are valid UTF-8 with non-ASCII
 * in them (a page saved as UTF-8 that kept its old <meta>); then the
 * detection above.
 *
 * A URL (doc_is_url) is fetched with libcurl (doc_fetch in fetch.h:
 * redirects followed, gzip accepted, opt->timeout and the size limit
 * applied) and read as HTML when it is text/html or application/xhtml+xml
 * (or has no type and looks like HTML), as text when text/plain, as
 * Markdown when text/markdown or text/x-markdown, unless opt->format says
 * otherwise; with opt->format given, any text/... type is read in it.  Its encoding: --encoding, else the HTTP
 * charset (a BOM that says otherwise wins, as in browsers; a "utf-8" on
 * bytes that are not mostly UTF-8, a server's default over an old page,
 * is passed over), else as a file.  doc_source() is then the final URL after redirects, and the
 * document is never transient.
 *
 * stdin may be a pipe (it is read to its end, never seeked).  So may a
 * path that names a FIFO or a character device (bash's <(cmd) gives
 * /dev/fd/63, a pipe): it is opened as cat opens it (a FIFO's open waits
 * for its writer) and read once to its end like stdin, with the format
 * sniffed as stdin's is unless opt->format or a .md/.html name says; the
 * document is then transient.  A socket, a block device or a directory
 * is refused without blocking.  The binary
 * test looks at the first 64 KiB: a NUL byte (unless a UTF-16/32 BOM or
 * encoding says NULs are expected) or the signature of an executable
 * (ELF, PE, Mach-O), image (PNG, JPEG, GIF), PDF or compressed file (zip,
 * gzip, bzip2, xz, zstd, 7z).
 *
 * On failure returns the status and a one-line message in err (the file
 * name in it is terminal-safe):
 *   GL_NOT_FOUND     no such file
 *   GL_UNREADABLE    permission denied
 *   GL_NOT_REGULAR   a directory, a socket or a block device
 *   GL_BINARY        NUL bytes or an executable/image signature
 *   GL_TOO_LARGE     over max_size
 *   GL_ENCODING      the named encoding is unknown or cannot be decoded
 *   GL_IO            a read error
 * and for a URL (one line, the URL terminal-safe in it):
 *   GL_USAGE         a malformed URL
 *   GL_NETWORK       no connection, a TLS failure, the timeout, too many
 *                    redirects, or an HTTP error status (404...)
 *   GL_CONTENT_TYPE  not text/html, application/xhtml+xml, text/plain or
 *                    text/markdown (nor other text/... types when opt->format is given)
 *   GL_TOO_LARGE     a body over the limit
 * *out is set only on GL_OK; free it with doc_free. */
enum gl_status doc_load(const struct doc_load_options *opt, struct doc **out,
			struct gl_error *err);

/* Loads a document from bytes already in memory (a fetched page, a test,
 * a fuzzer) exactly as doc_load loads a file with those bytes: the same
 * BOM, encoding detection, transcoding, binary test (on the first 64 KiB,
 * unless opt->allow_binary), normalising and rendering, so doc_info() is
 * the same too.  Nothing is opened: opt->path only names the document
 * (doc_source; NULL or "-" is standard input) and, with DOC_FORMAT_AUTO,
 * chooses the format by its extension.  opt may be NULL (the defaults).
 * The bytes are only read during the call.  Fails as doc_load does, with
 * the errors that are not about opening a file: GL_BINARY, GL_TOO_LARGE
 * (over opt->max_size), GL_ENCODING.  opt->path is never fetched, even
 * when it is a URL (it then names the document and resolves its links). */
enum gl_status doc_load_bytes(const void *bytes, size_t n,
			      const struct doc_load_options *opt,
			      struct doc **out, struct gl_error *err);

/* The start of a large article, to show its first screen before the
 * whole of it is read (the reader loads the rest meanwhile, doc_load, and
 * then shows that instead).  Returns a document made, as doc_load_bytes
 * makes one, from the first `head` bytes of opt->path cut after its last
 * blank line (or line break), or NULL when a head cannot stand for the
 * file: it is not a regular plain-text file (stdin, a URL, Markdown,
 * HTML, by opt->format or its extension), not larger than twice `head`,
 * over the size limit, named an encoding (opt->encoding), has no line
 * break in the head, or its head is not valid UTF-8, binary or cannot be
 * read.  Never an error: on NULL, doc_load says what is wrong.
 *
 * The head's text is the start of the whole document's text when the
 * head has the same paragraph layout as the file (a file with blank
 * lines only after the head is read one line per paragraph in the head);
 * compare before mapping offsets.  doc_info()->source_bytes is the
 * head's size.  Free with doc_free. */
struct doc *doc_load_head(const struct doc_load_options *opt, size_t head);
/* The same for the end of the file (the reader's G while the whole
 * loads): the last `tail` bytes from after their first blank line (or
 * line break).  Its text is the end of the whole text under the same
 * condition as above; doc_title() is its first line, not the article's. */
struct doc *doc_load_tail(const struct doc_load_options *opt, size_t tail);

/* Renders a document from UTF-8 text already in memory (a stored version:
 * use DOC_FORMAT_VERBATIM; a test).  The text is normalised like a loaded
 * file (invalid UTF-8 becomes U+FFFD, LF newlines, NFC), but no encoding
 * is detected and nothing is refused as binary.  DOC_FORMAT_VERBATIM
 * text that is valid UTF-8 keeps its CRs (one in a rendered text came
 * from an entity such as &#13;); it is only made NFC, which changes
 * nothing gloss rendered.  `source` may be NULL (doc_source() is then
 * ""); with DOC_FORMAT_AUTO its extension chooses the format.  Fails only
 * with GL_TOO_LARGE for Markdown over 4 GiB or HTML over 2 GiB, and
 * GL_ERROR when libxml2 cannot start (out of memory). */
enum gl_status doc_from_text(const char *text, size_t n, enum doc_format fmt,
			     const char *source, struct doc **out,
			     struct gl_error *err);
void doc_free(struct doc *d);

/* The rendered text, NUL-terminated; *len (if not NULL) gets its length. */
const char *doc_text(const struct doc *d, size_t *len);
size_t doc_length(const struct doc *d);         /* bytes */
size_t doc_length_cp(const struct doc *d);      /* code points */
/* Code point offset <-> byte offset, O(log n).  Out-of-range values are
 * clamped to the end.  A byte offset inside a character counts as that
 * character (it is rounded down). */
size_t doc_cp_to_byte(const struct doc *d, size_t cp);
size_t doc_byte_to_cp(const struct doc *d, size_t byte);

/* Identity: XXH3-128 of the text, as 32 lowercase hex digits. */
const char *doc_hash(const struct doc *d);
/* The version of the renderer that made the text from the source; stored
 * with the hash so that a better renderer does not make every document
 * look edited. */
#define DOC_RENDERER_VERSION 1
/* The format the text was rendered as (never DOC_FORMAT_AUTO). */
enum doc_format doc_format(const struct doc *d);
const char *doc_format_name(enum doc_format f);  /* "auto", "text", "markdown", "html", "verbatim" */

/* Where it came from: the path as given, "-" for stdin, or for a URL the
 * address it was finally fetched from (after redirects). */
const char *doc_source(const struct doc *d);
/* True when the source is stdin or gloss's own spool file: such a
 * document is never matched to an older one by its source.  The rule:
 * stdin ("-"), a doc_from_text document without a source (or "-"), a
 * FIFO or character device read by its path (doc_load), and a file
 * loaded with doc_load_options.transient.  Any other file is tracked
 * by its path wherever it lives, under /tmp or $TMPDIR too (people keep
 * pages fetched with curl -o /tmp/page.html there, and edit them). */
bool doc_source_is_transient(const struct doc *d);
/* The title; never NULL (may be "").  Markdown: the first level-1
 * heading, else the first heading, else the first line of the first block
 * (up to its first line break in the source).  Plain text: the first line
 * that is not blank and not a rule (----, * * *), without the spaces
 * around it.  HTML: the article's first <h1> when <title> starts with it
 * or og:title is it, else og:title (or twitter:title), else <title>
 * without a trailing " | Site" naming og:site_name, else the first h1,
 * heading or line of the text.  Markdown front matter's title: wins over
 * all of these.  A longer title is cut to DOC_TITLE_MAX grapheme
 * clusters (at a cluster boundary, trailing spaces dropped; also to
 * 16 * DOC_TITLE_MAX bytes, inside one enormous cluster at a character
 * boundary) and ends with "…" (U+2026). */
#define DOC_TITLE_MAX 200
const char *doc_title(const struct doc *d);

/* What loading found out, for --info. */
struct doc_info {
	const char *encoding;      /* "UTF-8", "UTF-16LE", "BIG5", ... */
	bool encoding_detected;    /* by uchardet rather than BOM or option */
	bool had_bom;
	const char *newlines;      /* "LF", "CRLF", "CR", "mixed", "none" */
	size_t source_bytes;       /* bytes read from the file */
	size_t replaced;           /* U+FFFD inserted for invalid input */
	bool changed_by_nfc;
	/* HTML: part of the page was not read, as a hostile page would cost
	   too much (nested deeper than 512, millions of elements, over 20
	   seconds of parsing). */
	bool truncated;
};
const struct doc_info *doc_info(const struct doc *d);

/* What a web page says of itself, whitespace collapsed, or a Markdown
 * article's front matter (author:, date:); "" when it says nothing (and
 * for plain text).  Owned by the doc. */
enum doc_meta {
	DOC_META_AUTHOR,   /* <meta name="author">, article:author (not a
			      profile's address), dc.creator, ... */
	DOC_META_DATE,     /* article:published_time, <meta name="date">,
			      ..., else the first <time datetime> outside
			      boilerplate; as written */
	DOC_META_SITE,     /* og:site_name, application-name */
	DOC_META_COUNT
};
const char *doc_meta(const struct doc *d, enum doc_meta key);

/* ---------------------------------------------------------------- blocks */
enum doc_block_kind {
	DOC_BLOCK_PARAGRAPH,
	DOC_BLOCK_HEADING,     /* Markdown or HTML heading; plain-text headings
				  are found by `outline`, not here */
	DOC_BLOCK_LIST_ITEM,   /* the first paragraph of a list item; later
				  paragraphs of the item are PARAGRAPH blocks
				  with `depth` set to the item's.  A Markdown
				  task item's text starts "[ ] " or "[x] " */
	DOC_BLOCK_QUOTE,       /* a paragraph inside a block quote */
	DOC_BLOCK_CODE,        /* code block: no reflow */
	DOC_BLOCK_TABLE_ROW,   /* cells separated by " | " in the text;
				  doc_block.cells says where each cell
				  is (a cell may hold " | " itself); a
				  run of rows is one table, its first
				  row the header.  The text is never
				  padded: layout aligns the columns */
	DOC_BLOCK_RULE,        /* thematic break; its text is empty */
};

/* A column's alignment, as a Markdown delimiter row (:--, :-:, --:) or
 * an HTML cell's align= or text-align gives it. */
enum doc_align {
	DOC_ALIGN_NONE,      /* not said: left */
	DOC_ALIGN_LEFT,
	DOC_ALIGN_CENTER,
	DOC_ALIGN_RIGHT,
};

/* One cell of a table row. */
struct doc_cell {
	size_t start, end;      /* its text: a byte range in doc_text() */
	enum doc_align align;
};

struct doc_block {
	enum doc_block_kind kind;
	int level;         /* heading level 1..6; else 0 */
	int depth;         /* list nesting (1 = top) of a list item, of a
			      later paragraph of one and of code in one
			      (Markdown, HTML); a quote's quote depth;
			      else 0 */
	bool ordered;      /* list item of an ordered list */
	unsigned number;   /* its number, for an ordered list item */
	/* (Here, beside the other ints: after `line` it cost each block 8
	   bytes of padding, and a long article has a million blocks.)
	   Plain text: 1 when the source line after this block was an
	   underline of = (a title), 2 when of - (a heading); the underline
	   itself is not in the text.  Else 0.  `outline` uses it. */
	int underline;
	size_t start, end; /* byte range in doc_text(), end exclusive, no LF */
	/* For plain text: the source line on which the block starts (1-based),
	   for messages and --outline; 0 for Markdown. */
	size_t line;
	/* Bytes at the start of the block's text that are a list marker as
	   written ("- ", "• ", "12. ").  Plain text keeps its markers in the
	   text; Markdown's are markup, not text (0 here), so draw one from
	   `ordered` and `number`. */
	size_t marker_len;
	/* A code block's language: the first word of a Markdown fence's
	   info string ("python" for ```python), or what an HTML class
	   language-x / lang-x on <pre> or the <code> in it names; else
	   NULL.  Owned by the doc.  Export writes it back. */
	const char *info;
	/* The containers around the block, outermost first (Markdown,
	   HTML): '>' for a block quote, '-' for a list level, '+' for a list
	   level whose item starts with this block.  "" at the top level and
	   for plain text; ">" a paragraph or code block in a quote; ">+" an
	   item of a list in a quote, ">-" a later paragraph (or code) of
	   it; "-+" an item of a list nested in an item; "->" a quote in a
	   list item; "+>" a quote that starts an item ("- > words");
	   ">>" a quote in a quote.  Its count of '-' and '+' is `depth` for
	   a list item, a later paragraph of one and code in one; its '>'
	   count is a quote's `depth`.  At most
	   DOC_NEST_MAX containers (the outermost ones; deeper structure is
	   left out).  A heading or a rule may have one too (an article's
	   heading inside a quote), which export may leave out.  Never NULL;
	   owned by the doc.  Export uses it to keep a list inside a quote,
	   or a quote inside a list, where it was. */
	const char *nest;
	/* A table row's cells, in order (Markdown, HTML): each one's text
	   is a range inside the block, possibly empty; the text between two
	   cells is their separator, " | ", which is in no cell (a cell's own
	   "|" is in the cell).  Each cell's alignment is its column's, as
	   written on that cell.  0 and NULL for other blocks (and a row
	   with no cells).  Owned by the doc.  Layout, word motions and
	   export go by these, never by looking for " | " in the text. */
	size_t ncells;
	const struct doc_cell *cells;
};
#define DOC_NEST_MAX 32

size_t doc_block_count(const struct doc *d);
const struct doc_block *doc_block(const struct doc *d, size_t i);
/* The index of the block that contains byte offset `off` (the block after
 * it when off is on a separating LF, but an empty block such as a rule at
 * its own start; the last block when off is past the end; 0 when there
 * are no blocks); O(log n). */
size_t doc_block_at(const struct doc *d, size_t off);

/* ------------------------------------------------------ inline attributes
 * Markdown emphasis, code spans and links, as ranges of the text. */
enum doc_attr {
	DOC_ATTR_EM = 1u << 0,
	DOC_ATTR_STRONG = 1u << 1,
	DOC_ATTR_CODE = 1u << 2,
	DOC_ATTR_LINK = 1u << 3,
	DOC_ATTR_STRIKE = 1u << 4,
	DOC_ATTR_RUBY = 1u << 5,   /* HTML <ruby>: the base text */
};
struct doc_span {
	size_t start, end;   /* byte range in doc_text() */
	unsigned attrs;      /* enum doc_attr bits */
	const char *href;    /* for DOC_ATTR_LINK, else NULL */
	/* For DOC_ATTR_RUBY: the reading (<rt>) of the base text that ends
	   with this span, to show beside it; else NULL.  The reading is not
	   in the text (a quote, a search or an anchor never sees it); it is
	   whitespace-collapsed, NFC and terminal-safe (u8_safe).  A base cut
	   into several spans by other markup has its reading on the last. */
	const char *ruby;
};
/* Spans in text order, never overlapping: nested markup gives one span
 * per stretch with the union of its attributes (**a *b* c** gives
 * "a " STRONG, "b" STRONG|EM, " c" STRONG).  A span never crosses a
 * block.  href and ruby are owned by the doc. */
size_t doc_span_count(const struct doc *d);
const struct doc_span *doc_span(const struct doc *d, size_t i);

#endif
