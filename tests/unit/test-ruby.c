/* Ruby: a Japanese page with readings (<ruby>漢字<rt>かんじ</rt></ruby>)
 * reads as a person reads it on paper: the base text is the article's
 * text, so a quote, a search or an anchor sees the base only, and the
 * reading is shown beside it, "漢字(かんじ)", never inside a quote. */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/search.h"
#include "gloss/util.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static const char *srcdir = ".";

static struct doc *
load_fixture(const char *name)
{
	char *path = xasprintf("%s/tests/data/html/%s", srcdir, name);
	struct doc_load_options o = { .path = path };
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_load(&o, &d, &err) != GL_OK)
		diag("%s: %s", path, err.message);
	free(path);
	return d;
}

static struct doc *
page(const char *html)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(html, strlen(html), DOC_FORMAT_HTML, NULL, &d, &err) != GL_OK)
		diag("%s", err.message);
	return d;
}

/* The span over the first `base` in the text, or NULL. */
static const struct doc_span *
span_over(const struct doc *d, const char *base)
{
	const char *t = doc_text(d, NULL);
	const char *at = strstr(t, base);
	if (!at)
		return NULL;
	size_t start = (size_t)(at - t), end = start + strlen(base);
	for (size_t i = 0; i < doc_span_count(d); i++) {
		const struct doc_span *sp = doc_span(d, i);
		if (sp->start == start && sp->end == end)
			return sp;
	}
	return NULL;
}

static bool
reading_is(const struct doc *d, const char *base, const char *reading)
{
	const struct doc_span *sp = span_over(d, base);
	return sp && (sp->attrs & DOC_ATTR_RUBY) && sp->ruby && strcmp(sp->ruby, reading) == 0;
}

static char *
dump(const struct doc *d, int width, const struct layout_mark *marks, size_t n)
{
	struct layout *l = layout_new(d, NULL, width);
	struct buf out = BUF_INIT;
	layout_dump(l, 0, 0, marks, n, &out);
	layout_free(l);
	return buf_steal(&out, NULL);
}

static void
test_text(struct doc *d)
{
	const char *t = doc_text(d, NULL);
	ok(strstr(t, "日本語の漢字には、") != NULL, "the base text is in the article's text");
	ok(strstr(t, "かんじ") == NULL && strstr(t, "きょう") == NULL && strstr(t, "あした") == NULL,
	   "the readings are not");
	ok(strstr(t, "（") == NULL && strstr(t, "(") == NULL,
	   "nor <rp>'s fallback parentheses");
	ok(strstr(t, "東京の人は、明日も電車に乗る。") != NULL,
	   "per-character ruby leaves the words whole");
	ok(reading_is(d, "漢字", "かんじ"), "漢字 has its reading かんじ");
	ok(reading_is(d, "東", "とう") && reading_is(d, "京", "きょう"),
	   "per-character ruby gives each character its own reading");
	const struct doc_span *sp = span_over(d, "明日");
	ok(sp && (sp->attrs & DOC_ATTR_LINK) && sp->href && sp->ruby &&
	   strcmp(sp->ruby, "あした") == 0, "a link in a ruby base keeps its target and reading");
	ok(strstr(t, "読みの無いruby字と、隠された") != NULL,
	   "a ruby without a reading, or with a hidden one, is just its text");
	for (size_t i = 0; i < doc_span_count(d); i++) {
		sp = doc_span(d, i);
		if (sp->ruby && strstr(sp->ruby, "かくし"))
			ok(0, "a hidden reading is not shown");
	}
}

static void
test_display(struct doc *d)
{
	char *out = dump(d, 40, NULL, 0);
	ok(strstr(out, "日本語の漢字(かんじ)には、") != NULL,
	   "the reading is shown after its base: 漢字(かんじ)");
	ok(strstr(out, "東(とう)") != NULL && strstr(out, "京(きょう)の人(ひと)") != NULL,
	   "each character with its own reading");
	ok(strstr(out, "明日(あした)") != NULL, "a linked base too");
	free(out);

	/* At every width the reading stays beside its base and no row is
	   wider than the screen. */
	bool apart = false, too_wide = false, split = false;
	for (int w = 1; w <= 40; w++) {
		struct layout *l = layout_new(d, NULL, w);
		struct layout_row row = LAYOUT_ROW_INIT;
		struct layout_pos pos;
		bool more = layout_first(l, &pos);
		while (more) {
			layout_get_row(l, pos, &row);
			if (row.width > w)
				too_wide = true;
			for (size_t k = 0; k < row.ncells; k++) {
				const struct layout_cell *c = &row.cells[k];
				if (!(c->attrs & LAYOUT_ATTR_RUBY))
					continue;
				if (c->start != c->end)
					apart = true;
				/* "(" right after the base's last cell. */
				if (c->glyph_len == 1 && c->glyph[0] == '(' &&
				    (k == 0 || row.cells[k - 1].end != c->start))
					split = true;
			}
			more = layout_next_row(l, &pos);
		}
		layout_row_free(&row);
		layout_free(l);
	}
	ok(!too_wide, "no row is wider than the width, from 1 to 40 columns");
	ok(!apart, "a reading stands for no text");
	ok(!split, "a reading is never parted from its base");

	out = dump(d, 12, NULL, 0);
	ok(strstr(out, "漢字(かんじ)") != NULL, "at 12 columns the base and its reading stay together");
	free(out);
	out = dump(d, 6, NULL, 0);
	ok(strstr(out, "かんじ") == NULL && strstr(out, "漢字") != NULL,
	   "at 6 columns a reading that cannot fit is left out, the base shown");
	free(out);

	/* A click on a reading means the end of its base. */
	const char *t = doc_text(d, NULL);
	size_t base_end = (size_t)(strstr(t, "漢字") - t) + strlen("漢字");
	struct layout *l = layout_new(d, NULL, 40);
	int col;
	struct layout_pos pos = layout_pos_at(l, base_end - strlen("字"), &col);
	is_int((long long)layout_offset_at(l, pos, col + 3), (long long)base_end,
	       "a column on the reading gives the end of its base");
	layout_free(l);
}

static void
test_quote_and_search(struct doc *d)
{
	size_t len;
	const char *t = doc_text(d, &len);
	struct search *s = search_new(d);
	struct search_match m;
	bool wrapped;
	search_set_query(s, "漢字", strlen("漢字"));
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_FOUND &&
	   m.end - m.start == strlen("漢字") && memcmp(t + m.start, "漢字", m.end - m.start) == 0,
	   "a search for the base text finds it");
	search_set_query(s, "東京", strlen("東京"));
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_FOUND,
	   "a search for a word with per-character ruby finds it");
	search_set_query(s, "かんじ", strlen("かんじ"));
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_NOT_FOUND,
	   "a search for a reading finds nothing: it is not text");
	search_free(s);

	/* An annotation on 漢字: its quote and context hold no reading. */
	size_t b = (size_t)(strstr(t, "漢字") - t);
	struct anchor_selector sel = { 0 };
	ok(anchor_make(t, len, doc_byte_to_cp(d, b), doc_byte_to_cp(d, b + strlen("漢字")),
		       &sel, NULL) == GL_OK && sel.exact && strcmp(sel.exact, "漢字") == 0,
	   "an annotation's quote is the base text alone");
	ok(sel.suffix && strncmp(sel.suffix, "には", strlen("には")) == 0 &&
	   sel.prefix && !strstr(sel.prefix, "かんじ"), "and its context holds no reading");
	anchor_selector_free(&sel);

	/* --dump marks a highlight around the base; the reading follows. */
	struct layout_mark mark = { b, b + strlen("漢字"), "{yomi}" };
	char *out = dump(d, 40, &mark, 1);
	ok(strstr(out, "[[漢字]]{yomi}(かんじ)") != NULL, "a highlight holds the base, not the reading");
	if (!strstr(out, "[[漢字]]{yomi}(かんじ)"))
		diag("%s", out);
	free(out);
}

static void
test_hostile(void)
{
	struct doc *d = page("<p><ruby>字<rt>a\x1b[31mb\n  c</rt></ruby> "
			     "<ruby>X<rt><script>evil()</script>ok</rt></ruby> "
			     "<ruby>Y<rt><noscript>no</noscript>y</rt></ruby></p>");
	const struct doc_span *sp = d ? span_over(d, "字") : NULL;
	ok(sp && sp->ruby && !strchr(sp->ruby, '\x1b') && strstr(sp->ruby, "b c"),
	   "a reading's escape sequence becomes a placeholder and its spaces collapse (%s)",
	   sp && sp->ruby ? sp->ruby : "none");
	ok(reading_is(d, "X", "ok") && reading_is(d, "Y", "y"),
	   "a script or noscript inside a reading is left out of it");
	doc_free(d);

	d = page("<p><rt>alone</rt> text <ruby><rt>no base</rt></ruby></p>");
	ok(d && !strstr(doc_text(d, NULL), "alone") && !strstr(doc_text(d, NULL), "no base"),
	   "a reading without a base shows nothing and is not text");
	doc_free(d);

	/* A reading far wider than the screen. */
	struct buf big = BUF_INIT;
	buf_puts(&big, "<p>前<ruby>長<rt>");
	for (int i = 0; i < 5000; i++)
		buf_puts(&big, "よみ");
	buf_puts(&big, "</rt></ruby>後</p>");
	d = page(big.data);
	char *out = d ? dump(d, 80, NULL, 0) : NULL;
	ok(out && strstr(out, "前長後") != NULL, "a reading too wide for any row is left out");
	free(out);
	buf_free(&big);
	doc_free(d);
}

int
main(void)
{
	const char *env = getenv("top_srcdir");
	if (env && *env)
		srcdir = env;
	struct doc *d = load_fixture("ruby-ja.html");
	if (!d)
		tap_skip_all("cannot load tests/data/html/ruby-ja.html");
	test_text(d);
	test_display(d);
	test_quote_and_search(d);
	doc_free(d);
	test_hostile();
	return tap_done();
}
