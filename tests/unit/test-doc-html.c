/* HTML: a web page opens as the article a reader expects (the site around
 * it left out), with the blocks, spans, title and metadata Markdown would
 * give, whatever the page's encoding, entities or hostility. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/outline.h"
#include "gloss/util.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *srcdir = ".";

/* --------------------------------------------------------------- helpers */

static struct doc *
html_from(const char *s, size_t n, const char *source)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(s, n, DOC_FORMAT_HTML, source, &d, &err) != GL_OK) {
		diag("doc_from_text failed: %s", err.message);
		return NULL;
	}
	return d;
}

static struct doc *
html(const char *s)
{
	return html_from(s, strlen(s), NULL);
}

static const char *const kind_names[] = {
	[DOC_BLOCK_PARAGRAPH] = "p", [DOC_BLOCK_HEADING] = "h", [DOC_BLOCK_LIST_ITEM] = "li",
	[DOC_BLOCK_QUOTE] = "quote", [DOC_BLOCK_CODE] = "code", [DOC_BLOCK_TABLE_ROW] = "row",
	[DOC_BLOCK_RULE] = "rule",
};

/* What a reader sees, one line per block: "h1 Title", "p text", "li2 text"
 * (depth), "li1 3. text" (ordered), "quote1 text", "code a\nb", "row a | b",
 * "rule"; LF inside a block as \n, other control characters as \xNN. */
static void
reader_view(const struct doc *d, struct buf *out)
{
	const char *t = doc_text(d, NULL);
	for (size_t i = 0; i < doc_block_count(d); i++) {
		const struct doc_block *b = doc_block(d, i);
		buf_puts(out, kind_names[b->kind]);
		if (b->kind == DOC_BLOCK_HEADING)
			buf_printf(out, "%d", b->level);
		else if (b->depth)
			buf_printf(out, "%d", b->depth);
		if (b->kind == DOC_BLOCK_LIST_ITEM && b->ordered)
			buf_printf(out, " %u.", b->number);
		if (b->end > b->start)
			buf_putc(out, ' ');
		for (size_t k = b->start; k < b->end; k++) {
			unsigned char c = (unsigned char)t[k];
			if (c == '\n')
				buf_puts(out, "\\n");
			else if (c < 0x20 || c == 0x7F)
				buf_printf(out, "\\x%02X", c);
			else
				buf_putc(out, (char)c);
		}
		buf_putc(out, '\n');
	}
}

/* The whole page as the fixtures' .view files write it. */
static void
page_view(const struct doc *d, struct buf *out)
{
	buf_printf(out, "title: %s\n", doc_title(d));
	buf_printf(out, "format: %s\n", doc_format_name(doc_format(d)));
	buf_printf(out, "encoding: %s\n", doc_info(d)->encoding);
	buf_printf(out, "author: %s\n", doc_meta(d, DOC_META_AUTHOR));
	buf_printf(out, "date: %s\n", doc_meta(d, DOC_META_DATE));
	buf_printf(out, "site: %s\n", doc_meta(d, DOC_META_SITE));
	buf_puts(out, "--\n");
	reader_view(d, out);
	buf_puts(out, "-- outline\n");
	struct outline *o = outline_build(d);
	outline_format(o, d, out);
	outline_free(o);
	buf_puts(out, "-- links\n");
	const char *t = doc_text(d, NULL);
	for (size_t i = 0; i < doc_span_count(d); i++) {
		const struct doc_span *sp = doc_span(d, i);
		if (sp->attrs & DOC_ATTR_LINK)
			buf_printf(out, "%.*s -> %s\n", (int)(sp->end - sp->start), t + sp->start,
				   sp->href);
	}
}

/* Compares two views and names the first line that differs. */
static void
view_is(const char *got, const char *want, const char *what)
{
	if (ok(strcmp(got, want) == 0, "%s", what))
		return;
	size_t line = 1;
	const char *g = got, *w = want;
	while (*g && *w) {
		const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
		size_t gl = ge ? (size_t)(ge - g) : strlen(g), wl = we ? (size_t)(we - w) : strlen(w);
		if (gl != wl || memcmp(g, w, gl) != 0) {
			diag("  line %zu differs:", line);
			diag("  got:  %.*s", (int)gl, g);
			diag("  want: %.*s", (int)wl, w);
			return;
		}
		g += gl + (ge ? 1 : 0);
		w += wl + (we ? 1 : 0);
		line++;
	}
	diag("  line %zu: got %s, want %s", line, *g ? g : "(the end)", *w ? w : "(the end)");
}

static char *
view_of(const struct doc *d)
{
	struct buf b = BUF_INIT;
	reader_view(d, &b);
	return buf_steal(&b, NULL);
}

static void
view(const char *page, const char *want, const char *what)
{
	struct doc *d = html(page);
	if (!d) {
		ok(0, "%s (no document)", what);
		return;
	}
	char *got = view_of(d);
	view_is(got, want, what);
	free(got);
	doc_free(d);
}

/* The span that covers the first occurrence of `needle` exactly. */
static const struct doc_span *
span_of(const struct doc *d, const char *needle)
{
	const char *t = doc_text(d, NULL);
	const char *at = strstr(t, needle);
	if (!at)
		return NULL;
	size_t start = (size_t)(at - t), end = start + strlen(needle);
	for (size_t i = 0; i < doc_span_count(d); i++) {
		const struct doc_span *sp = doc_span(d, i);
		if (sp->start == start && sp->end == end)
			return sp;
	}
	return NULL;
}

static char *
path_of(const char *name)
{
	return xasprintf("%s/tests/data/html/%s", srcdir, name);
}

/* ---------------------------------------------------------- the fixtures */

static void
fixture(const char *name, const char *what)
{
	char *page = path_of(name);
	char *view_name = xstrdup(name);
	char *dot = strrchr(view_name, '.');
	*dot = '\0';
	char *view_path = xasprintf("%s/tests/data/html/%s.view", srcdir, view_name);
	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.path = page;
	struct doc *d = NULL;
	struct gl_error err;
	char *want = NULL;
	size_t want_len;
	if (gl_read_file(view_path, &want, &want_len, 1 << 20, &err) != GL_OK) {
		ok(0, "%s: its expected view %s can be read (%s)", what, view_path, err.message);
	} else if (doc_load(&opt, &d, &err) != GL_OK) {
		ok(0, "%s: the page opens (%s)", what, err.message);
	} else {
		struct buf got = BUF_INIT;
		page_view(d, &got);
		view_is(got.data, want, what);
		if (getenv("GLOSS_PRINT_VIEWS"))
			fputs(got.data, stderr);
		buf_free(&got);
		ok(doc_source_is_transient(d) == false || strncmp(page, "/tmp/", 5) == 0,
		   "%s: the page is found again by its path", name);
	}
	doc_free(d);
	free(want);
	free(view_path);
	free(view_name);
	free(page);
}

static void
test_fixtures(void)
{
	fixture("news-en.html", "an English news page: the article without its site "
		"(navigation, cookie banner, ads, share tools, comments, sidebar, "
		"newsletter, footer, scripts, hidden text), and its metadata");
	fixture("news-zh-hant.html", "a Traditional Chinese news page without <article>: "
		"the story found by its text, lines joined without spaces, ruby's "
		"reading left out, the headline above the story kept");
	fixture("news-big5.html", "a Big5 page declared by <meta http-equiv>, laid out "
		"with a table: the story column only, decoded");
	fixture("entities.html", "a page full of entities: each becomes its character, "
		"control characters stay for placeholders, broken ones become U+FFFD");
	fixture("old-latin1.html", "an old page in upper case with <font>, <br><br> and "
		"a Latin-1 <meta> (read as windows-1252, as browsers do)");
}

/* ------------------------------------------------------------ white space */

static void
test_whitespace(void)
{
	view("<p>  one \n two\t<b> three </b> four  </p>",
	     "p one two three four\n",
	     "white space collapses as a browser shows it: one space, none at the edges");
	view("<p>颱風昨日過境，港口\n關閉三日。</p>",
	     "p 颱風昨日過境，港口關閉三日。\n",
	     "a source line break between two Chinese characters vanishes");
	view("<p>港口 關閉</p>",
	     "p 港口 關閉\n",
	     "a written space between Chinese characters stays");
	view("<p>한국\n어</p><p>中文\nEnglish</p><p>English\n中文</p>",
	     "p 한국 어\np 中文 English\np English 中文\n",
	     "a line break in Hangul or next to Latin becomes a space");
	view("<p>颱風\n  <b>\n  過境</b></p>",
	     "p 颱風過境\n",
	     "a line break vanishes between CJK characters even across an element");
	view("<p>a<br>b</p><p>c <br> d<br></p>",
	     "p a\\nb\np c\\nd\n",
	     "<br> is a line break inside the paragraph, without spaces around it or one at the end");
	view("<div>one<br><br>two<br>\n<br>three</div>",
	     "p one\np two\np three\n",
	     "two <br> in a row make paragraphs, as they look");
	view("<h2>Part one<br>the harbour</h2>",
	     "h2 Part one the harbour\n",
	     "a heading stays one line");
	view("<pre>\n  indented\n\ttabbed  \n\n    last</pre>",
	     "code   indented\\n\\x09tabbed  \\n\\n    last\n",
	     "<pre> keeps its text as written, but for the line feed after the tag");
	view("<pre><code class=\"lang-c\"><span>int</span> x = <b>1</b>;\nreturn x;\n</code></pre>",
	     "code int x = 1;\\nreturn x;\n",
	     "highlighted code keeps its lines, without the trailing line break");
	view("<div>loose text <span>in a div</span><div>and a block</div>after it</div>",
	     "p loose text in a div\np and a block\np after it\n",
	     "text straight in a div makes paragraphs around a block inside it");
}

/* ------------------------------------------------------------------ blocks */

static void
test_blocks(void)
{
	view("<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h5>E</h5><h6>F</h6>",
	     "h1 A\nh2 B\nh3 C\nh4 D\nh5 E\nh6 F\n",
	     "h1 to h6 are headings of their level");
	view("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul>after</li><li>d</li></ul>",
	     "li1 a\nli2 b\nli3 1. c\np1 after\nli1 d\n",
	     "nested lists keep their depth; text after a nested list is a paragraph of the item");
	view("<ol start=\"4\"><li>four</li><li value=\"9\">nine</li><li>ten</li></ol>",
	     "li1 4. four\nli1 9. nine\nli1 10. ten\n",
	     "an ordered list counts from start, and an item's value resets the count");
	view("<ul><li><p>first</p><p>second</p></li></ul>",
	     "li1 first\np1 second\n",
	     "a list item's first paragraph is the item, the next ones its paragraphs");
	view("<blockquote><p>one</p><blockquote><p>two</p></blockquote></blockquote>",
	     "quote1 one\nquote2 two\n",
	     "block quotes nest");
	view("<blockquote><ul><li>item</li></ul></blockquote><ul><li><blockquote>q</blockquote></li></ul>",
	     "li1 item\nquote1 q\n",
	     "the innermost of a list item and a quote decides, as in Markdown");
	struct doc *code = html("<article><ul><li>Run it:<pre>make check</pre></li></ul>"
			       "<p>Then this:</p><pre>alone here</pre></article>");
	ok(code && doc_block_count(code) == 4 && doc_block(code, 1)->kind == DOC_BLOCK_CODE &&
	   doc_block(code, 1)->depth == 1 && doc_block(code, 3)->kind == DOC_BLOCK_CODE &&
	   doc_block(code, 3)->depth == 0,
	   "a <pre> in a list item has the item's depth (export keeps it in the list); "
	   "one outside, none");
	doc_free(code);
	code = html("<article><p>Two ways to write it:</p>"
		    "<pre><code class=\"hljs language-python\">print(1)</code></pre>"
		    "<pre class=\"lang-c\">int x;</pre><pre><code class=\"x\">plain</code></pre>"
		    "</article>");
	ok(code && doc_block_count(code) == 4 && doc_block(code, 1)->info &&
	   strcmp(doc_block(code, 1)->info, "python") == 0 && doc_block(code, 2)->info &&
	   strcmp(doc_block(code, 2)->info, "c") == 0 && doc_block(code, 3)->info == NULL,
	   "a code block keeps the language its class names (language-x on <code>, lang-x "
	   "on <pre>), for export; none when no class names one");
	doc_free(code);
	view("<table><caption>Tides</caption><tr><th>Day</th><th>High</th></tr>"
	     "<tr><td>Mon</td><td><b>6.2</b> m</td></tr><tr><td></td><td>x</td></tr></table>",
	     "p Tides\nrow Day | High\nrow Mon | 6.2 m\nrow  | x\n",
	     "a data table gives one row block per row, cells joined by \" | \"");
	view("<table><tr><td><p>Column one has a paragraph.</p></td>"
	     "<td><h2>Title</h2><p>Column two.</p></td></tr></table>",
	     "p Column one has a paragraph.\nh2 Title\np Column two.\n",
	     "a table used for layout is read as the blocks in its cells");
	view("<table><tr><td></td><td> </td></tr></table><p>x</p>",
	     "row  | \np x\n",
	     "a row of empty cells first on the page is an empty row");
	view("<table><tr></tr></table><hr><p>x</p>",
	     "rule\np x\n",
	     "a row with no cells leaves nothing");
	view("<p>before</p><hr><p>after</p>",
	     "p before\nrule\np after\n",
	     "<hr> is a rule");
	view("<dl><dt>Term</dt><dd>Its meaning</dd></dl><figure><img alt=\"A boat\">"
	     "<figcaption>The boat</figcaption></figure>",
	     "p Term\np Its meaning\np A boat\np The boat\n",
	     "definitions, images and captions are paragraphs");
	view("<p>A <img src=x.png alt=\"small boat\"> sails; <img src=y.png alt=\"\"> <img src=z.png>.</p>",
	     "p A small boat sails; .\n",
	     "an image shows its alt text in the line; no alt, nothing");
	view("<p>東京<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>です</p>"
	     "<blockquote><p><ruby>颱<rt>ㄊㄞˊ</rt>風<rt>ㄈㄥ</rt></ruby>來了</p></blockquote>",
	     "p 東京漢字です\nquote1 颱風來了\n",
	     "ruby keeps its base text; the reading is never in the text, nor in a quote");
	view("<p>x<sup>2</sup> and H<sub>2</sub>O, <q>quoted</q>, <abbr title=\"and so on\">etc.</abbr></p>",
	     "p x2 and H2O, quoted, etc.\n",
	     "inline elements add no text of their own (no quotation marks for <q>)");
}

/* ------------------------------------------------------------------- spans */

static void
test_spans(void)
{
	struct doc *d = html_from(
		"<base href=\"https://example.org/news/\">"
		"<p><em>one</em> <i>two</i> <strong>three</strong> <b>four</b> <code>five</code> "
		"<del>six</del> <s>seven</s> <a href=\"../about.html#team\">eight <em>nine</em></a> "
		"<a href=\"javascript:void(0)\">ten</a> <a href=\"  https://other.example/x?a=1&amp;b=2 \">eleven</a></p>",
		strlen("<base href=\"https://example.org/news/\">"
		       "<p><em>one</em> <i>two</i> <strong>three</strong> <b>four</b> <code>five</code> "
		       "<del>six</del> <s>seven</s> <a href=\"../about.html#team\">eight <em>nine</em></a> "
		       "<a href=\"javascript:void(0)\">ten</a> <a href=\"  https://other.example/x?a=1&amp;b=2 \">eleven</a></p>"),
		"https://example.org/news/2024/story.html");
	const struct doc_span *sp;
	sp = span_of(d, "one");
	ok(sp && sp->attrs == DOC_ATTR_EM, "<em> is emphasis");
	sp = span_of(d, "two");
	ok(sp && sp->attrs == DOC_ATTR_EM, "<i> is emphasis");
	sp = span_of(d, "three");
	ok(sp && sp->attrs == DOC_ATTR_STRONG, "<strong> is strong");
	sp = span_of(d, "four");
	ok(sp && sp->attrs == DOC_ATTR_STRONG, "<b> is strong");
	sp = span_of(d, "five");
	ok(sp && sp->attrs == DOC_ATTR_CODE, "<code> is code");
	sp = span_of(d, "six");
	ok(sp && sp->attrs == DOC_ATTR_STRIKE, "<del> is struck through");
	sp = span_of(d, "seven");
	ok(sp && sp->attrs == DOC_ATTR_STRIKE, "<s> is struck through");
	sp = span_of(d, "eight");
	ok(sp && sp->attrs == DOC_ATTR_LINK && sp->href &&
	   strcmp(sp->href, "https://example.org/about.html#team") == 0,
	   "a relative link is resolved against <base> (%s)", sp && sp->href ? sp->href : "none");
	sp = span_of(d, "nine");
	ok(sp && sp->attrs == (DOC_ATTR_LINK | DOC_ATTR_EM) && sp->href &&
	   strcmp(sp->href, "https://example.org/about.html#team") == 0,
	   "emphasis inside a link is both, with the link's target");
	ok(span_of(d, "ten") == NULL, "a javascript: link is no link");
	sp = span_of(d, "eleven");
	ok(sp && sp->href && strcmp(sp->href, "https://other.example/x?a=1&b=2") == 0,
	   "an absolute link keeps its target, entities decoded and spaces trimmed");
	doc_free(d);

	d = html_from("<p><a href=\"b.html\">b</a> <a href=\"/c\">c</a></p>", 40,
		      "https://example.org/news/a.html");
	sp = span_of(d, "b");
	ok(sp && sp->href && strcmp(sp->href, "https://example.org/news/b.html") == 0,
	   "a page's relative links resolve against its URL");
	sp = span_of(d, "c");
	ok(sp && sp->href && strcmp(sp->href, "https://example.org/c") == 0,
	   "a root-relative link resolves against the page's host");
	doc_free(d);

	d = html("<p><a href=\"notes/b.html\">local</a></p>");
	sp = span_of(d, "local");
	ok(sp && sp->href && strcmp(sp->href, "notes/b.html") == 0,
	   "a file's links stay as written");
	doc_free(d);

	d = html("<pre>int <code>x</code>;</pre><h2><em>Big</em> news</h2>");
	ok(span_of(d, "x") == NULL, "code inside <pre> is not marked again");
	sp = span_of(d, "Big");
	ok(sp && sp->attrs == DOC_ATTR_EM, "a heading keeps its emphasis");
	size_t n = doc_span_count(d);
	bool apart = true;
	for (size_t i = 0; i + 1 < n; i++)
		apart = apart && doc_span(d, i)->end <= doc_span(d, i + 1)->start;
	ok(apart, "spans are in order and never overlap");
	doc_free(d);
}

/* ---------------------------------------------------------- left out */

static void
test_left_out(void)
{
	view("<p>shown</p><p hidden>hidden</p><p style=\"color: red; DISPLAY : none\">none</p>"
	     "<p style=\"visibility:hidden\">invisible</p><p aria-hidden=\"true\">aria</p>"
	     "<span class=\"visually-hidden\">sr</span><div class=\"hidden-xs\">responsive</div>",
	     "p shown\np responsive\n",
	     "hidden elements are left out, however they are hidden");
	view("<p>text</p><script>document.write('<p>script</p>')</script><style>p{}</style>"
	     "<noscript>noscript</noscript><template><p>template</p></template>"
	     "<!-- <p>comment</p> --><iframe src=x>iframe</iframe><svg><text>svg</text></svg>"
	     "<button>Click</button><select><option>Option</option></select><textarea>ta</textarea>",
	     "p text\n",
	     "scripts, styles, comments, templates and controls are never text");
	view("<body><nav><p>Navigation words that are long enough to count for something.</p></nav>"
	     "<p>The article text.</p>"
	     "<aside><p>An aside with even more words than the article has in it.</p></aside>"
	     "<footer><p>Footer words</p></footer><form><p>Form words</p></form></body>",
	     "p The article text.\n",
	     "navigation, asides, footers and forms are not the article");
	view("<div class=\"cookie-notice\"><p>We use cookies, lots of cookies, on this site.</p></div>"
	     "<div id=\"newsletter\"><p>Subscribe to our newsletter for all the news.</p></div>"
	     "<div class=\"social-share\"><p>Share this with all of your friends now.</p></div>"
	     "<div role=\"complementary\"><p>Complementary words that go on and on.</p></div>"
	     "<div class=\"article-content\"><p>The story.</p></div>",
	     "p The story.\n",
	     "cookie banners, newsletter boxes and share tools are left out by their names");
	view("<form id=\"aspnetForm\"><div class=\"content\"><h1>Old site</h1>"
	     "<p>A whole page inside a form, as old sites are.</p></div></form>",
	     "h1 Old site\np A whole page inside a form, as old sites are.\n",
	     "a page whose only text is inside a form is still shown");
	view("<ul class=\"links\"><li><a href=\"/a\">First link</a></li><li><a href=\"/b\">Second</a></li></ul>",
	     "li1 First link\nli1 Second\n",
	     "a page of links only is shown as it is");
}

/* ---------------------------------------------------------- the article */

static void
test_article(void)
{
	view("<body><div class=\"teaser\"><p>A teaser with a little text.</p></div>"
	     "<article><h1>Headline</h1><p>The body of the story, which is the longest text "
	     "on the page by far, long enough to be the article.</p></article>"
	     "<article><p>Another short teaser.</p></article></body>",
	     "h1 Headline\np The body of the story, which is the longest text on the page by "
	     "far, long enough to be the article.\n",
	     "the <article> with most of the page's text is the article");
	view("<body><main><p>Intro text of a listing page.</p><article><p>one</p></article>"
	     "<article><p>two</p></article></main></body>",
	     "p Intro text of a listing page.\np one\np two\n",
	     "<main> is the article when no <article> holds half the text");
	view("<body><div id=\"page\"><div class=\"top\"><a href=\"/\">Site</a></div>"
	     "<div id=\"story\"><h1>The story</h1><p>First paragraph of the story, long.</p>"
	     "<p>Second paragraph of the story, longer still.</p></div>"
	     "<div class=\"misc\"><p>x</p></div></div></body>",
	     "h1 The story\np First paragraph of the story, long.\n"
	     "p Second paragraph of the story, longer still.\n",
	     "without <article> or <main>, the element holding most of the paragraphs");
	view("<body><div class=\"lead\"><h1>The headline</h1></div><div class=\"text\">"
	     "<p>The story, told at length over a long paragraph of words.</p>"
	     "<p>And its second paragraph, about as long as the first one.</p></div></body>",
	     "h1 The headline\np The story, told at length over a long paragraph of words.\n"
	     "p And its second paragraph, about as long as the first one.\n",
	     "the page's only h1, above the story, stays its headline");
}

/* ----------------------------------------------------------- title, meta */

static void
test_title(void)
{
	struct doc *d;
	d = html("<title>Harbour reopens | Coast Courier</title><article><h1>Harbour reopens</h1><p>x</p></article>");
	is_str(doc_title(d), "Harbour reopens", "the h1 that <title> starts with is the title");
	doc_free(d);
	d = html("<title>Home | Coast Courier</title><meta property=\"og:title\" content=\"Storm closes harbour\">"
		 "<article><h2>Other</h2><p>x</p></article>");
	is_str(doc_title(d), "Storm closes harbour", "og:title comes before <title>");
	doc_free(d);
	d = html("<title>Storm closes harbour | Coast Courier</title>"
		 "<meta property=\"og:site_name\" content=\"Coast Courier\"><p>x</p>");
	is_str(doc_title(d), "Storm closes harbour", "<title> without the site's name");
	doc_free(d);
	d = html("<title>  Storm\n  closes &amp; harbour </title><p>x</p>");
	is_str(doc_title(d), "Storm closes & harbour", "<title> with its white space collapsed");
	doc_free(d);
	d = html("<h1>Site logo</h1><title>Real title</title><p>x</p>");
	is_str(doc_title(d), "Real title", "an h1 that <title> does not confirm is not the title");
	doc_free(d);
	d = html("<article><h2>Only a subheading</h2><p>text</p></article>");
	is_str(doc_title(d), "Only a subheading", "without any title, the first heading");
	doc_free(d);
	d = html("<meta name=\"author\" content=\" Ann  Lee \"><meta property=\"article:author\" "
		 "content=\"https://example.org/ann\"><meta property=\"article:published_time\" "
		 "content=\"2024-03-02T08:00:00Z\"><meta property=\"og:site_name\" content=\"Courier\"><p>x</p>");
	is_str(doc_meta(d, DOC_META_AUTHOR), "Ann Lee", "the author from <meta name=author>");
	is_str(doc_meta(d, DOC_META_DATE), "2024-03-02T08:00:00Z", "the date from article:published_time");
	is_str(doc_meta(d, DOC_META_SITE), "Courier", "the site from og:site_name");
	doc_free(d);
	d = html("<meta property=\"article:author\" content=\"https://example.org/ann\">"
		 "<article><p>By someone, <time datetime=\"2023-01-05\">5 January</time></p></article>");
	is_str(doc_meta(d, DOC_META_AUTHOR), "", "a profile's address is not an author");
	is_str(doc_meta(d, DOC_META_DATE), "2023-01-05", "else the date of the first <time>");
	doc_free(d);
	struct gl_error err;
	ok(doc_from_text("# md", 4, DOC_FORMAT_MARKDOWN, NULL, &d, &err) == GL_OK &&
	   strcmp(doc_meta(d, DOC_META_AUTHOR), "") == 0, "other formats have no metadata");
	doc_free(d);
}

/* ------------------------------------------------------ hostile pages */

static void
test_hostile(void)
{
	struct doc *d;
	static const char with_nul[] = "<p>a\0b&#0;c</p>";
	d = html_from(with_nul, sizeof with_nul - 1, NULL);
	char *v = view_of(d);
	is_str(v, "p a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\n", "NUL, written or as &#0;, becomes U+FFFD");
	free(v);
	doc_free(d);

	d = html("<p>bell&#7; escape&#x1b;[31m del&#127; c1&#x85; cr&#13; literal\x01 ok</p>");
	v = view_of(d);
	is_str(v, "p bell\\x07 escape\\x1B[31m del\\x7F c1\xC2\x85 cr\\x0D literal\\x01 ok\n",
	       "references to control characters (and literal ones) stay as the characters, "
	       "for layout to show as placeholders");
	free(v);
	doc_free(d);

	d = html("<p>a\xEF\xB7\x90z &#xFDD5;</p>");
	v = view_of(d);
	is_str(v, "p a\xEF\xBF\xBDz \xEF\xBF\xBD\n",
	       "the noncharacters gloss uses while parsing become U+FFFD, never a control");
	free(v);
	doc_free(d);

	d = html("<p>Ohm: &#x2126;, e&#x301;, A&#x30A;</p>");
	v = view_of(d);
	is_str(v, "p Ohm: \xCE\xA9, \xC3\xA9, \xC3\x85\n", "what entities give is made NFC");
	free(v);
	doc_free(d);

	/* Deep nesting: bounded, and nothing after it is lost. */
	struct buf page = BUF_INIT;
	buf_puts(&page, "<p>before</p>");
	for (int i = 0; i < 20000; i++)
		buf_puts(&page, "<div>");
	buf_puts(&page, "deep");
	for (int i = 0; i < 20000; i++)
		buf_puts(&page, "</div>");
	buf_puts(&page, "<p>after</p>");
	clock_t t0 = clock();
	d = html_from(page.data, page.len, NULL);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	v = d ? view_of(d) : xstrdup("");
	is_str(v, "p before\np deep\np after\n", "20,000 nested elements keep all their text");
	ok(d && doc_info(d)->truncated, "and --info says the structure was cut");
	ok(secs < 20, "in bounded time (%.2f s)", secs);
	free(v);
	doc_free(d);
	buf_free(&page);

	/* A tag with 100,000 attributes (libxml2 checks them in quadratic
	   time): ended after 256. */
	buf_puts(&page, "<p ");
	for (int i = 0; i < 100000; i++)
		buf_printf(&page, "a%d=\"1\" ", i);
	buf_puts(&page, ">text</p><p>after</p>");
	t0 = clock();
	d = html_from(page.data, page.len, NULL);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(d && strstr(doc_text(d, NULL), "after") != NULL,
	   "a tag with 100,000 attributes does not stop the page");
	ok(secs < 10, "and costs little (%.2f s)", secs);
	doc_free(d);
	buf_free(&page);

	/* Unclosed elements by the thousand. */
	for (int i = 0; i < 30000; i++)
		buf_puts(&page, "<b><i>x");
	buf_puts(&page, "<p>end</p>");
	d = html_from(page.data, page.len, NULL);
	ok(d && strstr(doc_text(d, NULL), "end") != NULL, "thousands of unclosed elements are read");
	doc_free(d);
	buf_free(&page);

	d = html("<p>This has <no markup of its own> only text with a < sign.</p>");
	ok(d && strstr(doc_text(d, NULL), "This has") != NULL, "a stray < does not lose the text");
	doc_free(d);

	static const char words[] = "Just words\nover two lines, no markup at all.\n\n"
				    "A second paragraph, written as a text file would be.\n";
	d = html(words);
	struct doc *as_text = NULL;
	struct gl_error err;
	ok(d && doc_from_text(words, sizeof words - 1, DOC_FORMAT_TEXT, NULL, &as_text, &err) == GL_OK &&
	   strcmp(doc_text(d, NULL), doc_text(as_text, NULL)) == 0 &&
	   doc_block_count(d) == doc_block_count(as_text),
	   "a \"page\" with no markup at all is read as the plain text it is");
	ok(d && doc_format(d) == DOC_FORMAT_TEXT, "and says it is text");
	doc_free(as_text);
	doc_free(d);

	d = html("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html>\n"
		 "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>X</title></head>"
		 "<body><p>An <em>XHTML</em> page<br/>with a break.</p></body></html>");
	v = view_of(d);
	is_str(v, "p An XHTML page\\nwith a break.\n", "an XHTML page reads like HTML");
	free(v);
	doc_free(d);
}

/* ------------------------------------------------- sniffing, encodings */

static struct doc *
from_bytes(const char *bytes, size_t n, const char *path, enum doc_format fmt,
	   const char *encoding)
{
	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.path = path;
	opt.format = fmt;
	opt.encoding = encoding;
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_load_bytes(bytes, n, &opt, &d, &err) != GL_OK) {
		diag("doc_load_bytes failed: %s", err.message);
		return NULL;
	}
	return d;
}

static void
sniffed(const char *bytes, enum doc_format want, const char *what)
{
	struct doc *d = from_bytes(bytes, strlen(bytes), "-", DOC_FORMAT_AUTO, NULL);
	ok(d && doc_format(d) == want, "%s", what);
	doc_free(d);
}

static void
test_sniffing(void)
{
	sniffed("<!DOCTYPE html>\n<p>hi</p>", DOC_FORMAT_HTML, "stdin starting with <!DOCTYPE html is HTML");
	sniffed("\xEF\xBB\xBF \n\t<HTML lang=en><p>hi</p>", DOC_FORMAT_HTML,
		"stdin starting with a BOM, white space and <HTML is HTML");
	sniffed("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></html>",
		DOC_FORMAT_HTML, "stdin with an XML declaration and <html is HTML");
	sniffed("<p>a fragment</p>", DOC_FORMAT_TEXT, "stdin with a mere fragment stays text");
	sniffed("<!doctype htmlx>", DOC_FORMAT_TEXT, "<!doctype htmlx> is not HTML");
	sniffed("Dear <html> fans,", DOC_FORMAT_TEXT, "text that mentions <html> is text");
	struct doc *d = from_bytes("<p>x</p>", 8, "page.HTM", DOC_FORMAT_AUTO, NULL);
	ok(d && doc_format(d) == DOC_FORMAT_HTML, ".HTM is HTML, whatever the case");
	doc_free(d);
	d = from_bytes("<p>x</p>", 8, "page.xhtml", DOC_FORMAT_AUTO, NULL);
	ok(d && doc_format(d) == DOC_FORMAT_HTML, ".xhtml is HTML");
	doc_free(d);
	d = from_bytes("<p>x</p>", 8, "notes.txt", DOC_FORMAT_HTML, NULL);
	ok(d && doc_format(d) == DOC_FORMAT_HTML && strcmp(doc_text(d, NULL), "x") == 0,
	   "--format html reads any file as HTML");
	doc_free(d);
}

static void
encoded(const char *bytes, size_t n, const char *encoding, const char *want_text,
	const char *want_encoding, const char *what)
{
	struct doc *d = from_bytes(bytes, n, "page.html", DOC_FORMAT_AUTO, encoding);
	ok(d && strstr(doc_text(d, NULL), want_text) != NULL, "%s: the text", what);
	if (d && !strstr(doc_text(d, NULL), want_text))
		diag("  got \"%s\"", doc_text(d, NULL));
	ok(d && strcmp(doc_info(d)->encoding, want_encoding) == 0, "%s: the encoding (%s)", what,
	   d ? doc_info(d)->encoding : "none");
	doc_free(d);
}

static void
test_encodings(void)
{
	/* 港口 in Big5: B4E4 A466. */
	static const char big5_meta[] = "<meta charset=\"big5\"><p>\xB4\xE4\xA4\x66</p>";
	encoded(big5_meta, sizeof big5_meta - 1, NULL, "港口", "BIG5",
		"<meta charset=big5> names the encoding");
	static const char big5_equiv[] =
		"<html><head><!-- <meta charset=\"koi8-r\"> -->"
		"<META HTTP-EQUIV=\"content-type\" CONTENT=\"text/html; Charset='big5'\"></head>"
		"<body><p>\xB4\xE4\xA4\x66</p></body></html>";
	encoded(big5_equiv, sizeof big5_equiv - 1, NULL, "港口", "BIG5",
		"<meta http-equiv> names it too, and a commented-out <meta> does not");
	static const char cp1252[] = "<meta charset=iso-8859-1><p>\x93quoted\x94 caf\xE9</p>";
	encoded(cp1252, sizeof cp1252 - 1, NULL, "\xE2\x80\x9Cquoted\xE2\x80\x9D caf\xC3\xA9", "CP1252",
		"iso-8859-1 is read as windows-1252, as browsers do");
	static const char gb[] = "<meta charset=gb2312><p>\xB8\xDB\xBF\xDA</p>";
	encoded(gb, sizeof gb - 1, NULL, "港口", "GB18030", "gb2312 is read as GB18030");
	static const char utf8_but_big5[] = "<meta charset=big5><p>港口</p>";
	encoded(utf8_but_big5, sizeof utf8_but_big5 - 1, NULL, "港口", "UTF-8",
		"a page that is valid UTF-8 is UTF-8 whatever its old <meta> says");
	static const char bom[] = "\xEF\xBB\xBF<meta charset=big5><p>港口</p>";
	encoded(bom, sizeof bom - 1, NULL, "港口", "UTF-8", "a BOM wins over <meta>");
	encoded(big5_meta, sizeof big5_meta - 1, "cp950", "港口", "CP950",
		"--encoding wins over <meta>");
	static const char unknown[] = "<meta charset=klingon><p>caf\xC3\xA9</p>";
	encoded(unknown, sizeof unknown - 1, NULL, "caf\xC3\xA9", "UTF-8",
		"an unknown <meta> charset is ignored");
	static const char undeclared[] =
		"<p>\xB3\x6F\xAC\x4F\xA4\x40\xBD\x67\xA5\xCE\x20\x42\x69\x67\x35\x20\xBD\x73\xBD\x58"
		"\xAA\xBA\xA4\xE5\xB3\xB9\xA1\x41\xA4\xBA\xAE\x65\xAC\x4F\xA1\x75\xB4\xE4\xA4\x66"
		"\xA1\x76\xAA\xBA\xAE\xF8\xAE\xA7\xA1\x43</p>";
	encoded(undeclared, sizeof undeclared - 1, NULL, "「港口」", "BIG5",
		"an undeclared page is detected, never read as Latin-1");
}

/* Each block says which quotes and lists it stands in, outermost first
 * (doc_block.nest): export keeps a list inside its <blockquote>. */
static void
test_containers(void)
{
	struct doc *d = html("<body><blockquote><p>Rules:</p><ul><li>one<ol><li>two</li></ol>"
			     "</li></ul><pre>x</pre></blockquote><ul><li><p>item</p>"
			     "<blockquote>in the item</blockquote></li></ul>"
			     "<ul><li><blockquote>q1</blockquote></li><li><blockquote>q2</blockquote>"
			     "</li></ul><p>after</p></body>");
	if (!d)
		return;
	static const char *const want[] = { ">", ">+", ">-+", ">", "+", "->", "+>", "+>", "" };
	is_int((long)doc_block_count(d), (long)(sizeof want / sizeof want[0]),
	       "every block of the quotes and lists is there");
	for (size_t i = 0; i < doc_block_count(d) && i < sizeof want / sizeof want[0]; i++) {
		is_str(doc_block(d, i)->nest, want[i],
		       i == 1 ? "a list in a <blockquote> stands in the quote" :
		       i == 2 ? "a nested list in it one level deeper" :
		       i == 4 ? "an item's first block starts the item (+)" :
		       i == 5 ? "a <blockquote> in an <li> stands in the list" :
		       i == 6 || i == 7 ? "a <blockquote> that starts an <li> starts the item" :
		       "a block's quotes and lists");
	}
	doc_free(d);
}

/* A data table's cells are recorded: a "|" in a cell stays in it, and
 * align= or text-align is the cell's alignment. */
static void
test_table_cells(void)
{
	struct doc *d = html("<table><tr><th>Op</th><th align=\"right\">Count</th>"
			     "<th style=\"color: red; text-align : Center\">Mid</th></tr>"
			     "<tr><td> a | b </td><td>3</td><td></td></tr></table>");
	const struct doc_block *row = d && doc_block_count(d) == 2 ? doc_block(d, 1) : NULL;
	const char *t = d ? doc_text(d, NULL) : "";
	ok(row && row->end - row->start == strlen("a | b | 3 | ") &&
	   memcmp(t + row->start, "a | b | 3 | ", row->end - row->start) == 0,
	   "a row with a pipe in a cell keeps its text, cells joined by \" | \"");
	ok(row && row->ncells == 3, "that row has three cells, not four");
	ok(row && row->ncells == 3 && row->cells[0].end - row->cells[0].start == 5 &&
	   memcmp(t + row->cells[0].start, "a | b", 5) == 0,
	   "the first cell is \"a | b\", its blanks collapsed away");
	ok(row && row->ncells == 3 && row->cells[1].end - row->cells[1].start == 1 &&
	   t[row->cells[1].start] == '3', "the second cell is \"3\"");
	ok(row && row->ncells == 3 && row->cells[2].start == row->cells[2].end,
	   "an empty last cell is an empty range");
	const struct doc_block *head = d && doc_block_count(d) == 2 ? doc_block(d, 0) : NULL;
	ok(head && head->ncells == 3 && head->cells[0].align == DOC_ALIGN_NONE &&
	   head->cells[1].align == DOC_ALIGN_RIGHT && head->cells[2].align == DOC_ALIGN_CENTER,
	   "align=right and text-align: center (case and blanks ignored) are the cells' "
	   "alignment; a cell with neither has none");
	ok(d && doc_block_count(d) == 2 && doc_block(d, 0)->kind == DOC_BLOCK_TABLE_ROW,
	   "the table is two rows");
	doc_free(d);
}

int
main(void)
{
	const char *env = getenv("top_srcdir");
	if (env && *env)
		srcdir = env;
	test_fixtures();
	test_whitespace();
	test_blocks();
	test_containers();
	test_spans();
	test_left_out();
	test_article();
	test_title();
	test_hostile();
	test_sniffing();
	test_encodings();
	test_table_cells();
	return tap_done();
}
