/* Markdown: the reader sees (and annotates) the rendered text, with its
 * blocks, emphasis and links, never the markup. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/u8.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static struct doc *
md(const char *s, size_t n)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(s, n, DOC_FORMAT_MARKDOWN, NULL, &d, &err) != GL_OK) {
		diag("doc_from_text failed: %s", err.message);
		return NULL;
	}
	return d;
}

static struct doc *
mds(const char *s)
{
	return md(s, strlen(s));
}

static void
text_is(struct doc *d, const char *want, const char *what)
{
	if (!d) {
		ok(0, "%s (no document)", what);
		return;
	}
	size_t len;
	const char *t = doc_text(d, &len);
	is_mem(t, len, want, strlen(want), "%s", what);
}

static void
block_is(const struct doc *d, size_t i, enum doc_block_kind kind, int level, int depth,
	 const char *want, const char *what)
{
	const struct doc_block *b = doc_block(d, i);
	if (!ok(b != NULL, "%s: the block is there", what))
		return;
	ok(b->kind == kind && b->level == level && b->depth == depth,
	   "%s: kind, level and depth", what);
	if (b->kind != kind || b->level != level || b->depth != depth)
		diag("  got kind %d level %d depth %d", (int)b->kind, b->level, b->depth);
	const char *t = doc_text(d, NULL);
	is_mem(t + b->start, b->end - b->start, want, strlen(want), "%s: its text", what);
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

static void
check_structure(const struct doc *d, const char *what)
{
	size_t len;
	const char *t = doc_text(d, &len);
	bool joined = true;
	for (size_t i = 0; i + 1 < doc_block_count(d); i++) {
		const struct doc_block *b = doc_block(d, i), *n = doc_block(d, i + 1);
		if (b->end >= len || t[b->end] != '\n' || n->start != b->end + 1)
			joined = false;
	}
	ok(joined, "%s: blocks are joined by exactly one LF", what);
	bool ordered = true;
	for (size_t i = 0; i < doc_span_count(d); i++) {
		const struct doc_span *sp = doc_span(d, i);
		if (sp->start >= sp->end || sp->end > len ||
		    (i > 0 && doc_span(d, i - 1)->end > sp->start))
			ordered = false;
		size_t bi = doc_block_at(d, sp->start);
		const struct doc_block *b = doc_block(d, bi);
		if (!b || sp->start < b->start || sp->end > b->end)
			ordered = false;
	}
	ok(ordered, "%s: spans are in order, apart, and inside one block each", what);
	bool cells = true;
	for (size_t i = 0; i < doc_block_count(d); i++) {
		const struct doc_block *b = doc_block(d, i);
		if (b->kind != DOC_BLOCK_TABLE_ROW) {
			cells = cells && b->ncells == 0;
			continue;
		}
		if (b->ncells == 0 || b->cells[0].start != b->start ||
		    b->cells[b->ncells - 1].end != b->end)
			cells = false;
		for (size_t k = 0; cells && k < b->ncells; k++) {
			const struct doc_cell *c = &b->cells[k];
			if (c->start > c->end ||
			    (k > 0 && (c->start != b->cells[k - 1].end + 3 ||
				       memcmp(t + b->cells[k - 1].end, " | ", 3) != 0)))
				cells = false;
		}
	}
	ok(cells, "%s: each table row is its cells in order, \" | \" between two, and only "
	   "table rows have cells", what);
	struct buf nfc = BUF_INIT;
	u8_nfc(&nfc, t, len);
	ok(u8_is_valid(t, len) && nfc.len == len && memcmp(nfc.data, t, len) == 0,
	   "%s: the rendered text is valid UTF-8 and NFC", what);
	buf_free(&nfc);
}

static void
test_blocks(void)
{
	struct doc *d = mds(
		"# The Library\n"
		"\n"
		"Opening *hours* are **longer** now.\n"
		"\n"
		"## Services\n"
		"\n"
		"3. Borrowing\n"
		"4. Returns\n"
		"   - self-service\n"
		"   - at the desk\n"
		"\n"
		"> Quoted text\n"
		"> > nested quote\n"
		"\n"
		"```c\n"
		"int x;\n"
		"\n"
		"return;\n"
		"```\n"
		"\n"
		"    indented code\n"
		"\n"
		"| Day | Hours |\n"
		"|-----|-------|\n"
		"| Mon | 9–17  |\n"
		"\n"
		"---\n"
		"\n"
		"- [x] done\n"
		"- [ ] todo\n"
		"\n"
		"- loose one\n"
		"\n"
		"  its second paragraph\n"
		"- loose two\n");
	if (!d)
		return;
	is_int(doc_block_count(d), 19, "the Markdown sample has 19 blocks");
	block_is(d, 0, DOC_BLOCK_HEADING, 1, 0, "The Library", "a level-1 heading");
	block_is(d, 1, DOC_BLOCK_PARAGRAPH, 0, 0, "Opening hours are longer now.",
		 "a paragraph without its emphasis marks");
	block_is(d, 2, DOC_BLOCK_HEADING, 2, 0, "Services", "a level-2 heading");
	block_is(d, 3, DOC_BLOCK_LIST_ITEM, 0, 1, "Borrowing",
		 "an ordered list item, without its marker");
	ok(doc_block(d, 3)->ordered && doc_block(d, 3)->number == 3,
	   "an ordered list starting at 3 numbers its first item 3");
	is_int(doc_block(d, 3)->marker_len, 0, "a Markdown marker is not in the text");
	is_int(doc_block(d, 4)->number, 4, "and its second item 4");
	block_is(d, 5, DOC_BLOCK_LIST_ITEM, 0, 2, "self-service", "a nested item has depth 2");
	ok(!doc_block(d, 5)->ordered, "a nested - item is not ordered");
	block_is(d, 6, DOC_BLOCK_LIST_ITEM, 0, 2, "at the desk", "the second nested item");
	block_is(d, 7, DOC_BLOCK_QUOTE, 0, 1, "Quoted text", "a block quote has depth 1");
	block_is(d, 8, DOC_BLOCK_QUOTE, 0, 2, "nested quote", "a quote in a quote has depth 2");
	block_is(d, 9, DOC_BLOCK_CODE, 0, 0, "int x;\n\nreturn;",
		 "a fenced code block keeps its lines and blank line, no LF at the end");
	block_is(d, 10, DOC_BLOCK_CODE, 0, 0, "indented code", "an indented code block");
	block_is(d, 11, DOC_BLOCK_TABLE_ROW, 0, 0, "Day | Hours",
		 "a table's head row: cells joined by \" | \"");
	block_is(d, 12, DOC_BLOCK_TABLE_ROW, 0, 0, "Mon | 9–17", "a table's body row");
	block_is(d, 13, DOC_BLOCK_RULE, 0, 0, "", "a thematic break is a rule with no text");
	block_is(d, 14, DOC_BLOCK_LIST_ITEM, 0, 1, "[x] done", "a done task keeps its box");
	block_is(d, 15, DOC_BLOCK_LIST_ITEM, 0, 1, "[ ] todo", "an open task keeps its box");
	block_is(d, 16, DOC_BLOCK_LIST_ITEM, 0, 1, "loose one", "a loose list's item");
	block_is(d, 17, DOC_BLOCK_PARAGRAPH, 0, 1, "its second paragraph",
		 "an item's second paragraph is a paragraph at the item's depth");
	block_is(d, 18, DOC_BLOCK_LIST_ITEM, 0, 1, "loose two", "the next loose item");
	is_str(doc_block(d, 9)->info ? doc_block(d, 9)->info : "(none)", "c",
	       "a fenced code block keeps its language (```c), for export");
	ok(doc_block(d, 10)->info == NULL, "an indented code block has none");
	is_int(doc_block(d, 0)->line, 0, "Markdown blocks have no source line");
	is_str(doc_title(d), "The Library", "the title is the level-1 heading");
	is_str(doc_format_name(doc_format(d)), "markdown", "the format is markdown");
	check_structure(d, "the Markdown sample");
	doc_free(d);
}

static void
test_spans(void)
{
	struct doc *d = mds("Opening *hours* are **longer**; see "
			    "[the notice](https://example.org/n?a=1&amp;b=2 \"Notice\"). "
			    "Call `555-0100` or ~~write~~ e-mail.\n"
			    "**bold *both* bold** and 這是**重要**的。\n");
	if (!d)
		return;
	text_is(d, "Opening hours are longer; see the notice. Call 555-0100 or write e-mail. "
		   "bold both bold and 這是重要的。",
		"the text has no markup");
	const struct doc_span *sp;
	sp = span_of(d, "hours");
	ok(sp && sp->attrs == DOC_ATTR_EM, "*hours* is emphasised");
	sp = span_of(d, "longer");
	ok(sp && sp->attrs == DOC_ATTR_STRONG, "**longer** is strong");
	sp = span_of(d, "the notice");
	ok(sp && sp->attrs == DOC_ATTR_LINK, "the link text is a link");
	if (sp)
		is_str(sp->href, "https://example.org/n?a=1&b=2",
		       "the link keeps its destination, &amp; decoded");
	sp = span_of(d, "555-0100");
	ok(sp && sp->attrs == DOC_ATTR_CODE && !sp->href, "`555-0100` is code");
	sp = span_of(d, "write");
	ok(sp && sp->attrs == DOC_ATTR_STRIKE, "~~write~~ is struck through");
	sp = span_of(d, "bold ");
	ok(sp && sp->attrs == DOC_ATTR_STRONG, "nested: the strong text before");
	sp = span_of(d, "both");
	ok(sp && sp->attrs == (DOC_ATTR_STRONG | DOC_ATTR_EM),
	   "nested: the inner text is strong and emphasised");
	/* The span after "both" (" bold" also occurs earlier, unmarked). */
	const struct doc_span *after = NULL;
	for (size_t i = 0; sp && i + 1 < doc_span_count(d); i++)
		if (doc_span(d, i) == sp)
			after = doc_span(d, i + 1);
	ok(after && after->attrs == DOC_ATTR_STRONG && after->start == sp->end &&
	   after->end - after->start == 5 &&
	   memcmp(doc_text(d, NULL) + after->start, " bold", 5) == 0,
	   "nested: the strong text after");
	sp = span_of(d, "重要");
	ok(sp && sp->attrs == DOC_ATTR_STRONG, "strong CJK text has the right byte range");
	is_int(doc_span_count(d), 9, "nothing else is a span");
	check_structure(d, "the spans sample");
	doc_free(d);

	d = mds("A [link *with emphasis* inside](http://a.example/) here.\n");
	if (d) {
		sp = span_of(d, "with emphasis");
		ok(sp && sp->attrs == (DOC_ATTR_LINK | DOC_ATTR_EM) && sp->href &&
		   strcmp(sp->href, "http://a.example/") == 0,
		   "emphasis inside a link is both, with the link's destination");
		sp = span_of(d, "link ");
		ok(sp && sp->href && strcmp(sp->href, "http://a.example/") == 0,
		   "the link's plain part has its destination too");
		text_is(d, "A link with emphasis inside here.", "the link's text");
	}
	doc_free(d);

	d = mds("![a cat on a mat](cat.png) and <b>raw html</b> &amp; <br>\n");
	text_is(d, "a cat on a mat and <b>raw html</b> & <br>",
		"an image shows its description; raw HTML stays as written");
	doc_free(d);
}

static void
test_entities(void)
{
	struct doc *d = mds("&amp; &lt;tag&gt; &copy; 2024 &mdash; caf&eacute; &#233; &#x1F600; "
			    "&#1; &#0; &bogus; &#x2126; e&#x301; &nbsp;&hellip;&apos;&quot;\n");
	text_is(d, "& <tag> © 2024 — café é 😀 \x01 \xEF\xBF\xBD &bogus; Ω é \xC2\xA0…'\"",
		"entities are decoded: named, decimal, hex; &#1; stays a control character, "
		"&#0; is U+FFFD, an unknown name stays, the text stays NFC");
	if (d)
		check_structure(d, "the entities sample");
	doc_free(d);

	static const char with_nul[] = "a\0b\n";
	d = md(with_nul, sizeof with_nul - 1);
	text_is(d, "a\xEF\xBF\xBD" "b", "a NUL byte in Markdown is U+FFFD (CommonMark)");
	doc_free(d);
}

static void
test_line_breaks(void)
{
	static const struct {
		const char *src, *want, *what;
	} cases[] = {
		{ "one\ntwo\n", "one two", "an English soft break is one space" },
		{ "中文的\n段落\n", "中文的段落", "a soft break between Chinese characters vanishes" },
		{ "日本語の\nテキスト\n", "日本語のテキスト",
		  "a soft break between Japanese characters vanishes" },
		{ "한국어\n문장\n", "한국어 문장", "a soft break in Korean is a space" },
		{ "中文\nEnglish\n", "中文 English", "a soft break between Chinese and Latin is a space" },
		{ "句子。\n「引號」\n", "句子。「引號」",
		  "a soft break between CJK punctuation vanishes" },
		{ "中文**粗\n體**字\n", "中文粗體字", "a soft break inside emphasis is handled the same" },
		{ "line one  \nline two\n", "line one\nline two",
		  "a hard break (two spaces) is an LF inside the paragraph" },
		{ "line one\\\nline two\n", "line one\nline two",
		  "a hard break (backslash) is an LF inside the paragraph" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++) {
		struct doc *d = mds(cases[i].src);
		text_is(d, cases[i].want, cases[i].what);
		if (d)
			is_int(doc_block_count(d), 1, "%s: one block", cases[i].what);
		doc_free(d);
	}
}

static void
test_titles(void)
{
	static const struct {
		const char *src, *want, *what;
	} cases[] = {
		{ "## Second level\n\n# First level\n", "First level",
		  "the title is the first level-1 heading, wherever it is" },
		{ "Intro text.\n\n## Only a level 2\n", "Only a level 2",
		  "without a level-1 heading, the first heading" },
		{ "First line\nsecond line\n\nMore.\n", "First line",
		  "without headings, the first line" },
		{ "---\n\n- item one\n- item two\n", "item one",
		  "a rule is not the first line" },
		{ "Setext title\n============\n\nBody.\n", "Setext title",
		  "an underlined (setext) heading is a level-1 heading" },
		{ "", "", "an empty Markdown file has an empty title" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++) {
		struct doc *d = mds(cases[i].src);
		if (d)
			is_str(doc_title(d), cases[i].want, "%s", cases[i].what);
		doc_free(d);
	}
}

/* YAML front matter is metadata, never text. */
static void
test_front_matter(void)
{
	/* As gloss's own Markdown export writes it. */
	struct doc *d = mds("---\n"
			    "title: \"The \\\"Quiet\\\" Harbour\\\\Port\"\n"
			    "source: \"/home/me/harbour.txt\"\n"
			    "hash: \"f16c9bc0\"\n"
			    "authors: [\"alice\", \"bob\"]\n"
			    "exported: \"2026-05-01T08:30:00Z\"\n"
			    "generator: \"gloss 0.1\"\n"
			    "---\n"
			    "\n"
			    "# Notes on it\n"
			    "\n"
			    "Body.\n");
	text_is(d, "Notes on it\nBody.", "front matter is not shown as text (no rule, no key: lines)");
	if (d) {
		is_str(doc_title(d), "The \"Quiet\" Harbour\\Port",
		       "title: fills the title, its escapes read back");
		is_int(doc_block_count(d), 2, "the front matter makes no block (so nothing in the outline)");
		is_int(doc_block(d, 0)->kind, DOC_BLOCK_HEADING, "the first block is the heading after it");
	}
	doc_free(d);

	d = mds("---\ntitle: 港口的早晨\nauthor: '老陳''s'\ndate: 2026-05-01 # a comment\n"
		"tags:\n  - 港口\n  - 漁船\n...\n## 第一節\n\n正文。\n");
	text_is(d, "第一節\n正文。", "a plain CJK title, a list and a ... close");
	if (d) {
		is_str(doc_title(d), "港口的早晨", "a plain title: is the title");
		is_str(doc_meta(d, DOC_META_AUTHOR), "老陳's", "author: (single-quoted) is the author");
		is_str(doc_meta(d, DOC_META_DATE), "2026-05-01", "date: without its comment");
	}
	doc_free(d);

	d = mds("---\nlayout: post\n---\n\n# Heading title\n\nBody.\n");
	if (d)
		is_str(doc_title(d), "Heading title", "without title: the heading is the title");
	text_is(d, "Heading title\nBody.", "and the front matter is not text");
	doc_free(d);

	d = mds("---\ntitle: \"\\u6E2F\\x41\\t\\U0001F600\"\n---\nBody.\n");
	if (d)
		is_str(doc_title(d), "\xE6\xB8\xAF" "A \xF0\x9F\x98\x80",
		       "\\u, \\x and \\U escapes are read, a tab becomes a space");
	doc_free(d);

	/* Not front matter: left as Markdown. */
	d = mds("---\n\nA paragraph.\n\n---\n");
	if (d)
		is_int(doc_block(d, 0)->kind, DOC_BLOCK_RULE,
		       "a rule followed by a blank line is a rule, not front matter");
	doc_free(d);
	d = mds("---\ntitle: never closed\n\nText.\n");
	text_is(d, "\ntitle: never closed\nText.",
		"front matter that is never closed is Markdown (a rule, then the text)");
	doc_free(d);
	d = mds("Intro.\n\n---\ntitle: x\n---\n");
	if (d)
		ok(strstr(doc_text(d, NULL), "title: x") != NULL,
		   "a --- block after the start is Markdown, not metadata");
	doc_free(d);
	d = mds("---\nJust a sentence, no key.\n---\n");
	if (d)
		ok(strstr(doc_text(d, NULL), "Just a sentence") != NULL,
		   "lines that are not key: value are Markdown (a setext heading)");
	doc_free(d);
	d = mds("---\ntitle: \"bad \\q escape\"\n---\n# Heading\n");
	if (d)
		is_str(doc_title(d), "Heading", "a title: with a bad escape is not used");
	doc_free(d);
}

/* md4c has no footnotes: their definitions must not vanish. */
static void
test_footnotes(void)
{
	struct doc *d = mds("Term[^1].\n\n[^1]: 這是註腳。\n\nafter\n");
	text_is(d, "Term[^1].\n[^1] 這是註腳。\nafter",
		"a CJK footnote is kept as a block where it stands, the reference as [^1]");
	if (d)
		ok(span_of(d, "[^1]") == NULL, "the reference is not a link to the note");
	doc_free(d);

	d = mds("Note[^a] and[^長].\n\n[^a]: An ASCII note, with spaces.\n[^長]:沒有空格\n");
	text_is(d, "Note[^a] and[^長].\n[^a] An ASCII note, with spaces.\n[^長] 沒有空格",
		"two notes in a row are two blocks, ASCII and CJK labels");
	doc_free(d);

	d = mds("```\n[^x]: in code\n```\n\n> [^q]: quoted\n");
	text_is(d, "[^x]: in code\n[^q] quoted",
		"a definition in a code block stays as written; one in a quote is kept");
	doc_free(d);

	d = mds("[link]: https://example.org\n\nSee [link].\n");
	if (d) {
		text_is(d, "See link.", "an ordinary link reference definition still works");
		const struct doc_span *sp = span_of(d, "link");
		ok(sp && (sp->attrs & DOC_ATTR_LINK), "and makes a link");
	}
	doc_free(d);
}

/* Code in a list item belongs to the item: export writes it inside the
 * list, and layout hangs it under the item's text. */
static void
test_code_in_list(void)
{
	struct doc *d = mds("1. Run it:\n\n   ```sh\n   make check\n   ```\n"
			    "2. Read the log.\n\n```\nnot in a list\n```\n");
	if (!d)
		return;
	block_is(d, 1, DOC_BLOCK_CODE, 0, 1, "make check",
		 "a code block in a list item has the item's depth");
	is_str(doc_block(d, 1)->info ? doc_block(d, 1)->info : "(none)", "sh",
	       "and its language");
	block_is(d, 2, DOC_BLOCK_LIST_ITEM, 0, 1, "Read the log.", "the next item");
	block_is(d, 3, DOC_BLOCK_CODE, 0, 0, "not in a list", "code after the list has depth 0");
	doc_free(d);
}

/* Each block says which quotes and lists it stands in, outermost first,
 * so that export keeps a list inside its quote and a quote inside its
 * list item. */
static void
test_containers(void)
{
	struct doc *d = mds("> Rules:\n>\n> - one\n>   - two\n>\n> ```\n> x\n> ```\n"
			    ">\n> > deeper\n\n- item\n\n  > in the item\n\n  more\n\n"
			    "* > q1\n* > q2\n\nafter\n");
	if (!d)
		return;
	static const char *const want[][2] = {
		{ "Rules:", ">" }, { "one", ">+" }, { "two", ">-+" }, { "x", ">" },
		{ "deeper", ">>" }, { "item", "+" }, { "in the item", "->" }, { "more", "-" },
		{ "q1", "+>" }, { "q2", "+>" }, { "after", "" },
	};
	const char *t = doc_text(d, NULL);
	is_int((long)doc_block_count(d), (long)(sizeof want / sizeof want[0]),
	       "every block of the quotes and lists is there");
	for (size_t i = 0; i < doc_block_count(d) && i < sizeof want / sizeof want[0]; i++) {
		const struct doc_block *b = doc_block(d, i);
		char what[96];
		snprintf(what, sizeof what, "\"%s\" stands in \"%s\"", want[i][0], want[i][1]);
		ok(b->end - b->start == strlen(want[i][0]) &&
		   memcmp(t + b->start, want[i][0], b->end - b->start) == 0 &&
		   strcmp(b->nest, want[i][1]) == 0, "%s", what);
		if (strcmp(b->nest, want[i][1]) != 0)
			diag("got \"%s\"", b->nest);
	}
	is_int(doc_block(d, 2)->depth, 2, "the nested item in the quote is at list depth 2");
	is_int(doc_block(d, 6)->depth, 1, "the quote in the item is at quote depth 1");
	doc_free(d);
}

/* A table's text is its cells joined by " | ", never padded: the reader
 * aligns the columns on the screen (layout), so the text that quotes
 * anchor to and the document's hash do not depend on display widths. */
static void
test_tables(void)
{
	const char *src = "| 名前 | Age |\n|:---|---:|\n| 山田太郎 | 30 |\n| Li | 7 |\n";
	struct doc *d = mds(src);
	if (!d)
		return;
	is_int(doc_block_count(d), 3, "a table of a header and two rows is three row blocks");
	block_is(d, 0, DOC_BLOCK_TABLE_ROW, 0, 0, "名前 | Age",
		 "the header row's cells joined by \" | \", not padded to the wider cells below");
	block_is(d, 1, DOC_BLOCK_TABLE_ROW, 0, 0, "山田太郎 | 30", "a CJK row, unpadded");
	block_is(d, 2, DOC_BLOCK_TABLE_ROW, 0, 0, "Li | 7", "a short row, unpadded");
	is_str(doc_text(d, NULL), "名前 | Age\n山田太郎 | 30\nLi | 7",
	       "the document text is the rows joined by LF, with no rule row in it");
	struct doc *again = mds("| 名前 | Age |\n|---|---|\n| 山田太郎   | 30 |\n| Li | 7 |\n");
	if (again)
		is_str(doc_hash(again), doc_hash(d),
		       "the source's own padding and alignment marks do not change the hash");
	doc_free(again);
	doc_free(d);
}

/* Cell k of row block b is `text`, aligned `align`. */
static void
cell_is(const struct doc *d, size_t b, size_t k, const char *text, enum doc_align align,
	const char *what)
{
	const struct doc_block *blk = b < doc_block_count(d) ? doc_block(d, b) : NULL;
	if (!blk || k >= blk->ncells) {
		ok(false, "%s (no cell %zu in block %zu)", what, k, b);
		return;
	}
	const char *t = doc_text(d, NULL);
	const struct doc_cell *c = &blk->cells[k];
	bool same = c->end - c->start == strlen(text) &&
		    memcmp(t + c->start, text, strlen(text)) == 0;
	ok(same && c->align == align, "%s", what);
	if (!same)
		diag("got \"%.*s\"", (int)(c->end - c->start), t + c->start);
	if (c->align != align)
		diag("got alignment %d, wanted %d", (int)c->align, (int)align);
}

/* Where each cell is, so a "|" written in a cell (\|) stays in it, and
 * each cell's alignment from the delimiter row. */
static void
test_table_cells(void)
{
	struct doc *d = mds("| City | Note | People |\n|:---|:---:|---:|\n"
			    "| London | pipe \\| here | 9 |\n| Paris |  | 2 |\n");
	if (!d)
		return;
	block_is(d, 1, DOC_BLOCK_TABLE_ROW, 0, 0, "London | pipe | here | 9",
		 "a row with a pipe in a cell keeps its text: cells joined by \" | \"");
	is_int(doc_block(d, 1)->ncells, 3, "that row still has three cells, not four");
	cell_is(d, 1, 1, "pipe | here", DOC_ALIGN_CENTER,
		"the escaped pipe is inside the second cell, which is centred");
	cell_is(d, 1, 2, "9", DOC_ALIGN_RIGHT, "the third cell is right-aligned (---:)");
	cell_is(d, 0, 0, "City", DOC_ALIGN_LEFT, "the header's first cell is left-aligned (:---)");
	cell_is(d, 2, 1, "", DOC_ALIGN_CENTER, "an empty cell is an empty range");
	cell_is(d, 2, 2, "2", DOC_ALIGN_RIGHT, "the cell after an empty one is found");
	is_int(doc_block(d, 2)->ncells, 3, "a row with an empty cell has three cells");
	check_structure(d, "a table with a pipe in a cell");
	doc_free(d);
	d = mds("A paragraph | with a bar.\n");
	if (d)
		ok(doc_block(d, 0)->ncells == 0 && doc_block(d, 0)->cells == NULL,
		   "a paragraph has no cells, a bar in it or not");
	doc_free(d);
}

int
main(void)
{
	test_blocks();
	test_code_in_list();
	test_containers();
	test_spans();
	test_entities();
	test_line_breaks();
	test_titles();
	test_front_matter();
	test_footnotes();
	test_tables();
	test_table_cells();
	return tap_done();
}
