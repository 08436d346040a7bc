/* Hostile input, below the command line: the in-memory loader that the
 * fuzzers use (doc_load_bytes) reads any bytes exactly as doc_load reads
 * a file holding them, and the regressions the fuzzers found stay fixed
 * (tests/fuzz/README: every finding becomes a test here or in the
 * corpus test). */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/u8.h"
#include "../tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

/* The same bytes through a file (doc_load) and from memory
 * (doc_load_bytes): the same status, text, identity and what --info says. */
static void
same_as_file(const char *what, const char *bytes, size_t n, const char *encoding,
	     bool allow_binary)
{
	char path[512];
	snprintf(path, sizeof path, "%s/article.txt", tmpdir);
	FILE *f = fopen(path, "wb");
	if (!f || (n && fwrite(bytes, 1, n, f) != n) || fclose(f) != 0) {
		diag("cannot write %s: %s", path, strerror(errno));
		exit(1);
	}
	struct doc_load_options opt = { .path = path, .encoding = encoding,
					.allow_binary = allow_binary };
	struct doc *from_file = NULL, *from_bytes = NULL;
	struct gl_error e1, e2;
	enum gl_status s1 = doc_load(&opt, &from_file, &e1);
	enum gl_status s2 = doc_load_bytes(bytes, n, &opt, &from_bytes, &e2);
	unlink(path);
	is_int(s2, s1, "%s: loading from memory succeeds or fails as from a file", what);
	if (s1 != GL_OK || s2 != GL_OK) {
		if (s1 != GL_OK && s2 != GL_OK)
			is_str(e2.message, e1.message, "%s: with the same message", what);
		doc_free(from_file);
		doc_free(from_bytes);
		return;
	}
	size_t l1, l2;
	const char *t1 = doc_text(from_file, &l1), *t2 = doc_text(from_bytes, &l2);
	is_mem(t2, l2, t1, l1, "%s: the same text", what);
	is_str(doc_hash(from_bytes), doc_hash(from_file), "%s: the same identity", what);
	const struct doc_info *i1 = doc_info(from_file), *i2 = doc_info(from_bytes);
	ok(strcmp(i1->encoding, i2->encoding) == 0 && i1->encoding_detected == i2->encoding_detected &&
	   i1->had_bom == i2->had_bom && strcmp(i1->newlines, i2->newlines) == 0 &&
	   i1->source_bytes == i2->source_bytes && i1->replaced == i2->replaced &&
	   i1->changed_by_nfc == i2->changed_by_nfc,
	   "%s: what --info says is the same (encoding %s)", what, i2->encoding);
	is_str(doc_source(from_bytes), path, "%s: the name given is the source", what);
	doc_free(from_file);
	doc_free(from_bytes);
}

#define SAME(what, lit, enc, bin) same_as_file((what), (lit), sizeof(lit) - 1, (enc), (bin))

static void
test_load_bytes(void)
{
	SAME("UTF-8", "夜市的燈一盞盞亮起來。\n\n攤販把「今天的湯」寫在小黑板上。\n", NULL, false);
	SAME("a UTF-8 BOM and CRLF", "\xEF\xBB\xBFone\r\ntwo\r\n", NULL, false);
	SAME("UTF-16LE with a BOM", "\xFF\xFE" "a\0b\0\n\0", NULL, false);
	SAME("UTF-16LE named, no BOM", "a\0b\0\n\0", "UTF-16LE", false);
	SAME("invalid UTF-8 among good", "\xE5\xA4\x9C\xE5\xB8\x82\xC0\xAF\xE7\x9A\x84\xE7\x87\x88"
	     "\xE4\xB8\x80\xE7\x9B\x9E\xED\xA0\x80", NULL, false);
	SAME("Big5, detected",
	     "\xa9\x5d\xa5\xab\xaa\xba\xbf\x4f\xa4\x40\xb7\xfe\xb7\xfe\xab\x47\xb0\x5f\xa8\xd3"
	     "\xa1\x41\xc2\x75\xb3\x63\xa7\xe2\xa1\x75\xa4\xb5\xa4\xd1\xaa\xba\xb4\xf6\xa1\x76"
	     "\xbc\x67\xa6\x62\xa4\x70\xb6\xc2\xaa\x4f\xa4\x57\xa1\x43\n", NULL, false);
	SAME("NUL bytes: refused", "text\0nul\n", NULL, false);
	SAME("NUL bytes with --binary", "text\0nul\n", NULL, true);
	SAME("an ELF header: refused", "\x7f" "ELF\x02\x01\x01\0\0\0", NULL, false);
	SAME("an unknown encoding", "text\n", "no-such-encoding", false);
	SAME("empty", "", NULL, false);

	struct doc *d = NULL;
	struct gl_error err;
	struct doc_load_options small = { .path = "-", .max_size = 4 };
	is_int(doc_load_bytes("12345", 5, &small, &d, &err), GL_TOO_LARGE,
	       "bytes over the size limit are refused as too large");
	ok(d == NULL, "and no document is made");
	is_int(doc_load_bytes(NULL, 0, NULL, &d, &err), GL_OK,
	       "no bytes and no options make an empty document");
	is_str(doc_source(d), "-", "whose source is standard input");
	is_int(doc_length(d), 0, "and whose text is empty");
	doc_free(d);
	struct doc_load_options md = { .path = "notes.md" };
	is_int(doc_load_bytes("# Title\n\ntext\n", 14, &md, &d, &err), GL_OK,
	       "bytes named *.md load");
	is_int(doc_format(d), DOC_FORMAT_MARKDOWN, "as Markdown, by the name's extension");
	is_str(doc_title(d), "Title", "with the Markdown title");
	doc_free(d);
}

/* fuzz-layout found it: a lone zero-width character (U+2062, a cluster
 * of its own, width 0) is a cell that covers no column.  Its column gives
 * the cell after it, and at the end of a row the row's end. */
static void
test_zero_width_cell(void)
{
	struct doc *d = NULL;
	struct gl_error err;
	const char text[] = "\xE2\x81\xA2" "ab";   /* U+2062 a b */
	doc_from_text(text, sizeof text - 1, DOC_FORMAT_TEXT, NULL, &d, &err);
	struct layout *l = layout_new(d, NULL, 1);
	int col = -1;
	struct layout_pos p = layout_pos_at(l, 0, &col);
	is_int(col, 0, "a zero-width character at the start of a 1-column row is at column 0");
	size_t off = layout_offset_at(l, p, col);
	is_int(off, 3, "and column 0 gives the letter after it, the cell that covers the column");
	layout_free(l);
	doc_free(d);

	const char alone[] = "\xE2\x81\xA2";
	doc_from_text(alone, sizeof alone - 1, DOC_FORMAT_TEXT, NULL, &d, &err);
	l = layout_new(d, NULL, 1);
	p = layout_pos_at(l, 0, &col);
	is_int(layout_offset_at(l, p, col), 3,
	       "a row of only a zero-width character gives its end at column 0");
	layout_free(l);
	doc_free(d);
}

/* fuzz-anchor found it: selectors are C strings, so a NUL (a --binary
 * document) cut the context short and the selection did not find itself
 * again.  Now the context stops at the NUL and a quote cannot hold one. */
static void
test_anchor_nul(void)
{
	static const char text[] = "ab\0cd efgh";
	size_t len = sizeof text - 1;
	struct anchor_selector sel;
	struct gl_error err;
	struct anchor_result r;

	is_int(anchor_make(text, len, 3, 5, &sel, &err), GL_OK,
	       "a selection just after a NUL is made");
	ok(sel.prefix == NULL, "its prefix, emptied by the NUL, is unknown rather than 'the start'");
	is_str(sel.exact, "cd", "its quote is the text selected");
	anchor_resolve(text, len, &sel, &r);
	is_int(r.state, ANCHOR_EXACT, "resolved on the same text it is exact");
	ok(r.start == 3 && r.end == 5, "at the same place");
	anchor_selector_free(&sel);

	is_int(anchor_make(text, len, 0, 2, &sel, &err), GL_OK,
	       "a selection just before a NUL is made");
	ok(sel.suffix == NULL, "its suffix, emptied by the NUL, is unknown");
	anchor_resolve(text, len, &sel, &r);
	is_int(r.state, ANCHOR_EXACT, "and it is exact on its own text");
	anchor_selector_free(&sel);

	is_int(anchor_make(text, len, 6, 8, &sel, &err), GL_OK, "a selection further on is made");
	is_str(sel.prefix, "cd ", "its prefix stops at the NUL");
	anchor_resolve(text, len, &sel, &r);
	is_int(r.state, ANCHOR_EXACT, "and it is exact on its own text");
	anchor_selector_free(&sel);

	is_int(anchor_make(text, len, 1, 4, &sel, &err), GL_USAGE,
	       "a selection that holds the NUL is refused");
	ok(sel.exact == NULL && sel.prefix == NULL && sel.suffix == NULL,
	   "leaving the selector empty");
	ok(strstr(err.message, "NUL") != NULL, "with a message that says why");

	/* A point just after the NUL. */
	is_int(anchor_make(text, len, 3, 3, &sel, &err), GL_OK, "a point after a NUL is made");
	anchor_resolve(text, len, &sel, &r);
	is_int(r.state, ANCHOR_EXACT, "and stays where it is");
	anchor_selector_free(&sel);
}

/* fuzz-markdown found it: md4c 0.4.8 does not always pair its span
 * callbacks (mity/md4c#294), and an emphasis it never closed ran on into
 * the next blocks.  A span never crosses a block (doc.h). */
static bool
spans_inside_blocks(const struct doc *d)
{
	for (size_t i = 0; i < doc_span_count(d); i++) {
		const struct doc_span *sp = doc_span(d, i);
		const struct doc_block *b = doc_block(d, doc_block_at(d, sp->start));
		if (!b || sp->start < b->start || sp->end > b->end)
			return false;
	}
	return true;
}

static void
test_markdown_unpaired_spans(void)
{
	static const char *const cases[][2] = {
		{ "# _[](_)\n    e\no", "an emphasis md4c opens in a heading and never closes" },
		{ "**a [x](u*) b** c *d*\n\n- *e\n  - f*\n", "emphasis marks inside a link's target" },
		{ "| *a | b* |\n|---|---|\n| _c | d_ |\n", "emphasis across table cells" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++) {
		struct doc *d = NULL;
		struct gl_error err;
		const char *md = cases[i][0];
		is_int(doc_from_text(md, strlen(md), DOC_FORMAT_MARKDOWN, NULL, &d, &err), GL_OK,
		       "Markdown with %s renders", cases[i][1]);
		ok(spans_inside_blocks(d), "and no span crosses a block");
		doc_free(d);
	}
}

/* fuzz-html found it: a bold run ended by two <br>s (a new paragraph)
 * kept the line feed the first <br> had put in, so the span reached one
 * byte past its block, onto the LF between the blocks. */
static void
test_html_span_over_breaks(void)
{
	static const char *const cases[][2] = {
		{ "<B>.<BR><BR>>", "a bold run cut by two <br>s and never closed" },
		{ "<p><b>a<br><br>b</b> c</p>", "a bold run over two <br>s" },
		{ "<p><a href=\"x\">a<br>\n<br>b</a></p>", "a link over two <br>s" },
		{ "<pre>x<b><br></b></pre><p>y</p>", "a bold line break at the end of <pre>" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++) {
		struct doc *d = NULL;
		struct gl_error err;
		const char *html = cases[i][0];
		is_int(doc_from_text(html, strlen(html), DOC_FORMAT_HTML, "page.html", &d, &err),
		       GL_OK, "HTML with %s renders", cases[i][1]);
		ok(doc_block_count(d) >= 2, "as two blocks");
		ok(spans_inside_blocks(d), "and no span crosses a block");
		doc_free(d);
	}
}

int
main(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/gloss-hostile-XXXXXX",
		 base && base[0] == '/' ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_load_bytes();
	test_zero_width_cell();
	test_anchor_nul();
	test_markdown_unpaired_spans();
	test_html_span_over_breaks();
	rmdir(tmpdir);
	return tap_done();
}
