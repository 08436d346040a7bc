/* Plain text into paragraphs: what a reader sees of e-mails, Project
 * Gutenberg books, and CJK articles with one paragraph per line. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/u8.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static struct doc *
text_doc(const char *s)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(s, strlen(s), DOC_FORMAT_TEXT, NULL, &d, &err) != GL_OK) {
		diag("doc_from_text failed: %s", err.message);
		return NULL;
	}
	return d;
}

static const char *
kind_name(enum doc_block_kind k)
{
	switch (k) {
	case DOC_BLOCK_PARAGRAPH: return "paragraph";
	case DOC_BLOCK_HEADING: return "heading";
	case DOC_BLOCK_LIST_ITEM: return "list item";
	case DOC_BLOCK_QUOTE: return "quote";
	case DOC_BLOCK_CODE: return "code";
	case DOC_BLOCK_TABLE_ROW: return "table row";
	case DOC_BLOCK_RULE: return "rule";
	}
	return "?";
}

/* Checks block i: its kind, its text and its source line. */
static void
block_is(const struct doc *d, size_t i, enum doc_block_kind kind, const char *want,
	 size_t line, const char *what)
{
	const struct doc_block *b = doc_block(d, i);
	if (!ok(b != NULL, "%s: block %zu exists", what, i))
		return;
	if (!ok(b->kind == kind, "%s: it is a %s", what, kind_name(kind)))
		diag("  got a %s", kind_name(b->kind));
	const char *t = doc_text(d, NULL);
	is_mem(t + b->start, b->end - b->start, want, strlen(want), "%s: its text", what);
	if (line)
		is_int(b->line, line, "%s: it starts on line %zu of the file", what, line);
}

/* Blocks are separated by exactly one LF and doc_block_at finds each. */
static void
check_structure(const struct doc *d, const char *what)
{
	size_t len;
	const char *t = doc_text(d, &len);
	bool joined = true, found = true;
	for (size_t i = 0; i < doc_block_count(d); i++) {
		const struct doc_block *b = doc_block(d, i);
		if (i + 1 < doc_block_count(d)) {
			const struct doc_block *n = doc_block(d, i + 1);
			if (b->end >= len || t[b->end] != '\n' || n->start != b->end + 1)
				joined = false;
			/* An empty block (a rule) is found at its start, which
			 * is also the LF after it. */
			if (b->end > b->start && doc_block_at(d, b->end) != i + 1)
				found = false;
		} else if (b->end != len) {
			joined = false;
		}
		if (doc_block_at(d, b->start) != i)
			found = false;
		if (b->end > b->start && doc_block_at(d, b->end - 1) != i)
			found = false;
	}
	if (doc_block_count(d) > 0 && doc_block(d, 0)->start != 0)
		joined = false;
	ok(joined, "%s: blocks are joined by exactly one LF", what);
	ok(found, "%s: doc_block_at finds each block, and the next one on an LF", what);
	ok(u8_is_valid(t, len), "%s: the text is valid UTF-8", what);
}

static void
test_english_email(void)
{
	static const char text[] =
		"The Voyage Out\n"
		"==============\n"
		"\n"
		"It was a grey morning when the ship left the harbour, and the passengers  \n"
		"stood along the rail to watch the town grow small behind them. Nobody\n"
		"spoke much.\n"
		"\n"
		"CHAPTER I\n"
		"The first week passed quietly. The sea was calm, the food was better\n"
		"than anyone had feared, and the captain dined with them every evening.\n"
		"\n"
		"  - a list item that is long enough to be wrapped onto a second line by\n"
		"    the writer of this little test\n"
		"  - a second item\n"
		"\n"
		"    int main(void)\n"
		"    {\n"
		"        return 0;\n"
		"    }\n"
		"\n"
		"Roses are red,\n"
		"Violets are blue.\n"
		"\n"
		"* * *\n"
		"\n"
		"1984. It was a bright cold day in April, and the clocks were striking\n"
		"thirteen.\n";
	struct doc *d = text_doc(text);
	if (!d)
		return;
	is_int(doc_block_count(d), 10, "a hard-wrapped English text has 10 blocks");
	block_is(d, 0, DOC_BLOCK_PARAGRAPH, "The Voyage Out", 1, "an underlined title");
	is_int(doc_block(d, 0)->underline, 1, "the title was underlined with =");
	block_is(d, 1, DOC_BLOCK_PARAGRAPH,
		 "It was a grey morning when the ship left the harbour, and the passengers "
		 "stood along the rail to watch the town grow small behind them. Nobody "
		 "spoke much.", 4,
		 "wrapped lines joined with one space, trailing spaces collapsed");
	block_is(d, 2, DOC_BLOCK_PARAGRAPH, "CHAPTER I", 8,
		 "a short line the next word would have fitted on stays a line of its own");
	block_is(d, 3, DOC_BLOCK_PARAGRAPH,
		 "The first week passed quietly. The sea was calm, the food was better "
		 "than anyone had feared, and the captain dined with them every evening.", 9,
		 "the chapter's paragraph");
	block_is(d, 4, DOC_BLOCK_LIST_ITEM,
		 "- a list item that is long enough to be wrapped onto a second line by "
		 "the writer of this little test", 12,
		 "a list item keeps its marker and joins its wrapped line");
	is_int(doc_block(d, 4)->marker_len, 2, "the marker \"- \" is 2 bytes of the text");
	is_int(doc_block(d, 4)->depth, 1, "a top-level list item has depth 1");
	ok(!doc_block(d, 4)->ordered, "a - item is not ordered");
	block_is(d, 5, DOC_BLOCK_LIST_ITEM, "- a second item", 14, "the next item");
	block_is(d, 6, DOC_BLOCK_CODE, "int main(void)\n{\n    return 0;\n}", 16,
		 "an indented block is code: lines kept, one indent removed");
	block_is(d, 7, DOC_BLOCK_PARAGRAPH, "Roses are red,\nViolets are blue.", 21,
		 "a run of short lines keeps its line breaks");
	block_is(d, 8, DOC_BLOCK_RULE, "", 24, "* * * is a rule with no text");
	block_is(d, 9, DOC_BLOCK_PARAGRAPH,
		 "1984. It was a bright cold day in April, and the clocks were striking "
		 "thirteen.", 26, "\"1984. It\" is a sentence, not a list item");
	is_str(doc_title(d), "The Voyage Out", "the title is the first line");
	check_structure(d, "the English text");
	doc_free(d);

	/* The same text with CRLF newlines is the same document. */
	struct buf crlf = BUF_INIT;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			buf_putc(&crlf, '\r');
		buf_putc(&crlf, *p);
	}
	struct doc *a = text_doc(text), *b = text_doc(crlf.data);
	if (a && b)
		is_str(doc_hash(b), doc_hash(a), "CRLF newlines give the same paragraphs");
	doc_free(a);
	doc_free(b);
	buf_free(&crlf);

	/* A short line before a long word was wrapped, not broken on purpose. */
	d = text_doc("The report is long and detailed; the library published it online at the\n"
		     "address\n"
		     "https://example.org/a/very/long/path/to/the/annual/report/of/the/library/2024.html\n"
		     "and it can be read there.\n"
		     "\n"
		     "Another paragraph.\n");
	if (d) {
		block_is(d, 0, DOC_BLOCK_PARAGRAPH,
			 "The report is long and detailed; the library published it online at "
			 "the address https://example.org/a/very/long/path/to/the/annual/report/"
			 "of/the/library/2024.html and it can be read there.", 1,
			 "a short line is joined when the next word would not have fitted");
		is_int(doc_block_count(d), 2, "two paragraphs");
	}
	doc_free(d);
}

static void
test_lists_and_underlines(void)
{
	struct doc *d = text_doc("Shopping\n"
				 "--------\n"
				 "1. eggs\n"
				 "2) milk\n"
				 "10. bread\n"
				 "• tea\n"
				 "- top\n"
				 "  - nested\n"
				 "    - deeper\n"
				 "- top again\n");
	if (!d)
		return;
	is_int(doc_block_count(d), 9, "a list without blank lines: one block per item");
	block_is(d, 0, DOC_BLOCK_PARAGRAPH, "Shopping", 1, "a heading underlined with -");
	is_int(doc_block(d, 0)->underline, 2, "its underline was -");
	block_is(d, 1, DOC_BLOCK_LIST_ITEM, "1. eggs", 3, "1. starts an ordered item");
	ok(doc_block(d, 1)->ordered && doc_block(d, 1)->number == 1, "its number is 1");
	is_int(doc_block(d, 1)->marker_len, 3, "its marker is \"1. \"");
	block_is(d, 2, DOC_BLOCK_LIST_ITEM, "2) milk", 4, "2) starts an ordered item");
	is_int(doc_block(d, 2)->number, 2, "its number is 2");
	block_is(d, 3, DOC_BLOCK_LIST_ITEM, "10. bread", 5, "10. starts an ordered item");
	is_int(doc_block(d, 3)->number, 10, "its number is 10");
	is_int(doc_block(d, 3)->marker_len, 4, "its marker is \"10. \"");
	block_is(d, 4, DOC_BLOCK_LIST_ITEM, "• tea", 6, "a bullet • starts an item");
	is_int(doc_block(d, 4)->marker_len, 4, "the marker \"• \" is 4 bytes");
	is_int(doc_block(d, 5)->depth, 1, "- top has depth 1");
	block_is(d, 6, DOC_BLOCK_LIST_ITEM, "- nested", 8, "an indented item");
	is_int(doc_block(d, 6)->depth, 2, "an indented item has depth 2");
	is_int(doc_block(d, 7)->depth, 3, "a further indented item has depth 3");
	is_int(doc_block(d, 8)->depth, 1, "back to the margin is depth 1 again");
	is_str(doc_title(d), "Shopping", "the title is the heading line without its underline");
	check_structure(d, "the list");
	doc_free(d);

	/* Every paragraph indented: a style, not code. */
	d = text_doc("    An indented paragraph that goes on and on, longer than\n"
		     "    forty columns, for two lines.\n"
		     "\n"
		     "    Another one.\n");
	if (d) {
		is_int(doc_block_count(d), 2, "a file whose every paragraph is indented");
		block_is(d, 0, DOC_BLOCK_PARAGRAPH,
			 "An indented paragraph that goes on and on, longer than forty columns, "
			 "for two lines.", 1,
			 "its paragraphs are paragraphs, not code");
	}
	doc_free(d);

	/* A rule first, then the title. */
	d = text_doc("\n\n-----\n  Real Title  \nbody\n");
	if (d)
		is_str(doc_title(d), "Real Title",
		       "the title skips blank lines and rules and drops the spaces around it");
	doc_free(d);
}

static void
test_cjk_joining(void)
{
	struct doc *d = text_doc(
		"圖書館今年起延長週末的開放時間，讓平日上班的讀者也能在下班後借閱\n"
		"書籍。館方表示，過去一年來訪人數明顯增加，其中以青少年最多。\n"
		"\n"
		"為了方便讀者，館內新增了自助借還書機，並提供以 Python 寫成的查詢\n"
		"系統；館長說，這套系統的程式碼公開在網路上，任何人都能下載並使用\n"
		"Python 與 SQLite 修改，由志工維護，歡迎讀者提出意見與建議。\n");
	if (d) {
		block_is(d, 0, DOC_BLOCK_PARAGRAPH,
			 "圖書館今年起延長週末的開放時間，讓平日上班的讀者也能在下班後借閱"
			 "書籍。館方表示，過去一年來訪人數明顯增加，其中以青少年最多。", 1,
			 "Chinese hard-wrapped lines are joined with no space");
		block_is(d, 1, DOC_BLOCK_PARAGRAPH,
			 "為了方便讀者，館內新增了自助借還書機，並提供以 Python 寫成的查詢"
			 "系統；館長說，這套系統的程式碼公開在網路上，任何人都能下載並使用 "
			 "Python 與 SQLite 修改，由志工維護，歡迎讀者提出意見與建議。", 4,
			 "between Chinese and Latin a line break becomes a space");
		check_structure(d, "the Chinese text");
	}
	doc_free(d);

	d = text_doc("今年の夏、市内の公園に川沿いの遊歩道が新しく整備され、多くの市民が\n"
		     "散歩やサイクリングを楽しんでいます。管理事務所によると、両側には\n"
		     "数百本の木が植えられました。\n"
		     "\n"
		     "二段落目です。\n");
	if (d)
		block_is(d, 0, DOC_BLOCK_PARAGRAPH,
			 "今年の夏、市内の公園に川沿いの遊歩道が新しく整備され、多くの市民が"
			 "散歩やサイクリングを楽しんでいます。管理事務所によると、両側には"
			 "数百本の木が植えられました。", 1,
			 "Japanese hard-wrapped lines are joined with no space");
	doc_free(d);

	d = text_doc("올해 여름 시내 공원에 강변 산책로가 새로 조성되어 많은 시민들이\n"
		     "산책과 자전거 타기를 즐기고 있습니다. 관리사무소에 따르면 양쪽에는\n"
		     "수백 그루의 나무가 심어졌습니다.\n"
		     "\n"
		     "두 번째 문단입니다.\n");
	if (d)
		block_is(d, 0, DOC_BLOCK_PARAGRAPH,
			 "올해 여름 시내 공원에 강변 산책로가 새로 조성되어 많은 시민들이 "
			 "산책과 자전거 타기를 즐기고 있습니다. 관리사무소에 따르면 양쪽에는 "
			 "수백 그루의 나무가 심어졌습니다.", 1,
			 "Korean hard-wrapped lines are joined with a space (Hangul spaces words)");
	doc_free(d);
}

static void
test_one_paragraph_per_line(void)
{
	/* The shape of many CJK news articles: a title line, a source line,
	 * short heading lines and long paragraphs, no blank lines. */
	static const char text[] =
		"\n"
		"從「借書」到「讀書」:圖書館為何改變開放時間?\n"
		"來源:本地新聞 週六,市立圖書館宣布延長開放時間,讓上班族也能在下班後借閱書籍。\n"
		"從「借書」到「讀書」\n"
		"　　館長表示,這項措施是為了回應讀者的需求,過去一年來訪人數明顯增加。\n"
		"第一年內,館方也將舉辦更多講座。\n"
		"\n";
	struct doc *d = text_doc(text);
	if (!d)
		return;
	is_int(doc_block_count(d), 5, "a file without blank lines has one block per line");
	block_is(d, 0, DOC_BLOCK_PARAGRAPH, "從「借書」到「讀書」:圖書館為何改變開放時間?", 2,
		 "the title line");
	block_is(d, 1, DOC_BLOCK_PARAGRAPH,
		 "來源:本地新聞 週六,市立圖書館宣布延長開放時間,讓上班族也能在下班後借閱書籍。", 3,
		 "a long line is a paragraph");
	block_is(d, 2, DOC_BLOCK_PARAGRAPH, "從「借書」到「讀書」", 4,
		 "a short line is not joined to the next");
	block_is(d, 3, DOC_BLOCK_PARAGRAPH,
		 "　　館長表示,這項措施是為了回應讀者的需求,過去一年來訪人數明顯增加。", 5,
		 "a full-width indent is kept");
	block_is(d, 4, DOC_BLOCK_PARAGRAPH, "第一年內,館方也將舉辦更多講座。", 6,
		 "the last line");
	is_str(doc_title(d), "從「借書」到「讀書」:圖書館為何改變開放時間?",
	       "the title is the first non-empty line");
	check_structure(d, "the one-paragraph-per-line text");
	doc_free(d);
}

static void
test_verbatim(void)
{
	/* A stored version opens with exactly its text and hash. */
	static const char md[] = "# Title\n\nSome *text* and a list:\n\n- one\n- two\n\n---\n\n```\ncode\n\n```\n";
	struct doc *d = NULL, *v = NULL;
	struct gl_error err;
	if (doc_from_text(md, strlen(md), DOC_FORMAT_MARKDOWN, NULL, &d, &err) != GL_OK)
		return;
	size_t len;
	const char *t = doc_text(d, &len);
	if (doc_from_text(t, len, DOC_FORMAT_VERBATIM, NULL, &v, &err) == GL_OK) {
		size_t vlen;
		const char *vt = doc_text(v, &vlen);
		is_mem(vt, vlen, t, len, "a stored text opened verbatim is the same text");
		is_str(doc_hash(v), doc_hash(d), "and has the same hash");
		is_str(doc_title(v), "Title", "its title is its first line");
		check_structure(v, "the verbatim text");
	}
	doc_free(v);
	doc_free(d);
	static const char odd[] = "  spaces kept  \n\n-----\n* * *\nlast\n";
	if (doc_from_text(odd, strlen(odd), DOC_FORMAT_VERBATIM, NULL, &v, &err) == GL_OK) {
		size_t vlen;
		const char *vt = doc_text(v, &vlen);
		is_mem(vt, vlen, odd, strlen(odd), "verbatim drops no rule, blank line or space");
		is_int(doc_block_count(v), 6, "one block per line, the empty last one included");
		doc_free(v);
	}
}

int
main(void)
{
	test_english_email();
	test_lists_and_underlines();
	test_cjk_joining();
	test_one_paragraph_per_line();
	test_verbatim();
	return tap_done();
}
