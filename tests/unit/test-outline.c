/* outline: a reader sees the headings of an article in the outline pane
 * and jumps between them with [[ and ]].  Plain-text articles in several
 * scripts get the headings a person would pick out; Markdown gets exactly
 * its marked-up headings; lookups find the section that holds a place. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/outline.h"
#include "gloss/u8.h"
#include "gloss/util.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *srcdir;

/* Reports `count` assertions as skipped, with the reason (TAP's "# SKIP"),
 * so a missing file never passes silently. */
static void
skip(int count, const char *why)
{
	for (int i = 0; i < count; i++) {
		tap_count++;
		printf("ok %d # SKIP %s\n", tap_count, why);
	}
}

static struct doc *
doc_of(const char *text, enum doc_format fmt)
{
	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status s = doc_from_text(text, strlen(text), fmt, NULL, &d, &err);
	if (s != GL_OK) {
		diag("doc_from_text failed: %s", err.message);
		return NULL;
	}
	return d;
}

/* The canonical dump (gloss --outline) of a text. */
static char *
dump_of(const char *text, enum doc_format fmt)
{
	struct doc *d = doc_of(text, fmt);
	if (!d)
		return xstrdup("(no doc)");
	struct outline *o = outline_build(d);
	struct buf b = BUF_INIT;
	outline_format(o, d, &b);
	outline_free(o);
	doc_free(d);
	return buf_steal(&b, NULL);
}

/* Checks that `text` (plain text) has exactly the outline `want`. */
static void
plain_outline_is(const char *text, const char *want, const char *what)
{
	char *got = dump_of(text, DOC_FORMAT_TEXT);
	is_str(got, want, "%s", what);
	free(got);
}

static struct doc *
load_file(const char *path, enum doc_format fmt)
{
	struct doc_load_options opt = { .path = path, .format = fmt };
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_load(&opt, &d, &err) != GL_OK) {
		diag("cannot load %s: %s", path, err.message);
		return NULL;
	}
	return d;
}

/* ------------------------------------------------------------- fixtures */

static void
check_fixture(const char *name, enum doc_format fmt, const char *what)
{
	char *dir = gl_path_join(srcdir, "tests/data/outline");
	char *path = gl_path_join(dir, name);
	char *expected_path = xasprintf("%s/%.*s.outline", dir,
					(int)(strrchr(name, '.') - name), name);
	char *want = NULL;
	struct gl_error err;
	if (gl_read_file(expected_path, &want, NULL, 1 << 20, &err) != GL_OK) {
		ok(0, "%s (expected outline %s readable: %s)", what, expected_path,
		   err.message);
		goto out;
	}
	struct doc *d = load_file(path, fmt);
	if (!d) {
		ok(0, "%s (article loads)", what);
		goto out;
	}
	struct outline *o = outline_build(d);
	struct buf got = BUF_INIT;
	outline_format(o, d, &got);
	is_str(got.data ? got.data : "", want, "%s", what);

	/* Every heading's offset points at its title in the text. */
	bool offsets_right = true;
	const char *text = doc_text(d, NULL);
	for (size_t i = 0; i < outline_count(o); i++) {
		const struct outline_entry *e = outline_entry(o, i);
		size_t len = strlen(e->title);
		if (doc_cp_to_byte(d, e->start_cp) != e->start ||
		    e->end - e->start != len ||
		    memcmp(text + e->start, e->title, len) != 0 ||
		    !outline_is_heading_block(o, e->block) ||
		    outline_section_at(o, e->start) != i)
			offsets_right = false;
	}
	ok(offsets_right, "%s: each heading's offset leads to its title, and jumping "
	   "there lands in its own section", name);
	buf_free(&got);
	outline_free(o);
	doc_free(d);
out:
	free(want);
	free(expected_path);
	free(path);
	free(dir);
}

static void
test_fixtures(void)
{
	check_fixture("news-zh-hant.txt", DOC_FORMAT_TEXT,
		      "a Traditional Chinese commentary (one paragraph a line) shows its "
		      "title and four short section headings, a question among them, "
		      "and no line that merely starts with 第 or ends in 。");
	check_fixture("chapters-zh-hans.txt", DOC_FORMAT_TEXT,
		      "a Simplified Chinese report nests 一、 under 第一章 and （一） "
		      "under 一、, and a list of 1、2、3、 rules is not in the outline");
	check_fixture("essay-ja.txt", DOC_FORMAT_TEXT,
		      "a Japanese essay shows 第1章 … 第3章 and its closing section, "
		      "but no ・ bullet item");
	check_fixture("column-ko.txt", DOC_FORMAT_TEXT,
		      "a Korean column nests 1. headings under 제1장 and skips a "
		      "numbered list of supplies");
	check_fixture("report-en.txt", DOC_FORMAT_TEXT,
		      "an English hard-wrapped report finds its === title, --- "
		      "sections and 1. / 1.1 headings, but not a numbered list");
	check_fixture("notes-mixed.md", DOC_FORMAT_MARKDOWN,
		      "a Markdown article mixing English and CJK shows exactly its "
		      "# headings, at their levels");
}

/* The article the project started from (not in the repository). */
static void
test_sample(void)
{
	const char *want[] = {
		"從\"密談\"到「拒談」:特朗普為何對普京轉向強硬?",
		"從「密談」到「拒談」",
		"重塑對俄路線",
		"「失望」與「拒談」背後的政治考量",
		"衝突將走向何方?",
	};
	const int want_level[] = { 1, 2, 2, 2, 2 };
	char *path = gl_path_join(srcdir, "../shared/samples/article-zh-hant.txt");
	if (access(path, R_OK) != 0) {
		skip(3, "the sample article ../shared/samples/article-zh-hant.txt is absent");
		free(path);
		return;
	}
	struct doc *d = load_file(path, DOC_FORMAT_TEXT);
	free(path);
	if (!d) {
		ok(0, "the sample article loads");
		return;
	}
	struct outline *o = outline_build(d);
	is_int(outline_count(o), 5, "the sample article's outline has the title and "
	       "four section headings");
	bool titles = outline_count(o) == 5, levels = titles;
	for (size_t i = 0; titles && i < 5; i++) {
		const struct outline_entry *e = outline_entry(o, i);
		if (strcmp(e->title, want[i]) != 0) {
			diag("heading %zu: got \"%s\", want \"%s\"", i, e->title, want[i]);
			titles = false;
		}
		if (e->level != want_level[i])
			levels = false;
	}
	ok(titles, "the sample's headings read as a reader sees them, from the title "
	   "to 衝突將走向何方?");
	ok(levels, "the sample's title is level 1 and its sections level 2");
	outline_free(o);
	doc_free(d);
}

/* ------------------------------------------------------ plain-text rules */

static const char long_zh[] =
	"這是一段足夠長的正文,用來說明前面那一行是標題而不是普通的段落,"
	"因為它比標題寬得多,而且以句號結尾。";

static void
test_title(void)
{
	char *text = xasprintf("城市與暴雨\n%s\n", long_zh);
	plain_outline_is(text, "1\t0\t城市與暴雨\n",
			 "the first line of a plain-text article is its title");
	free(text);

	/* 80 columns is the most a title may take; 81 is a paragraph. */
	char title80[81], title81[82];
	memset(title80, 'a', 80);
	title80[80] = '\0';
	memset(title81, 'a', 81);
	title81[81] = '\0';
	text = xasprintf("%s\n%s\n", title80, long_zh);
	char *got = dump_of(text, DOC_FORMAT_TEXT);
	ok(strncmp(got, "1\t0\t", 4) == 0, "a first line of 80 columns is still a title");
	free(got);
	free(text);
	text = xasprintf("%s\n%s\n", title81, long_zh);
	plain_outline_is(text, "", "a first line of 81 columns is not a title");
	free(text);

	text = xasprintf("-*- text -*-\n%s\n", long_zh);
	plain_outline_is(text, "", "an editor's mode line at the top is not a title");
	free(text);

	text = xasprintf("今天天氣很好。\n%s\n", long_zh);
	plain_outline_is(text, "", "a first line that ends in 。 is a sentence, not a title");
	free(text);

	plain_outline_is("", "", "an empty article has an empty outline");

	/* Blank lines between paragraphs, and a byline kept under the title. */
	plain_outline_is("The Rooftop Gardens\nby Kim Ji-woo\n\n"
			 "Seoul's flat roofs are turning green, one styrofoam box of lettuce\n"
			 "at a time, and the neighbours are talking to each other again.\n",
			 "1\t0\tThe Rooftop Gardens\n",
			 "when a byline is kept under the title, the title is the first line alone");

	/* A stored version is read as the plain text it is. */
	got = dump_of("城市與暴雨\n第一章 風起\n短。\n", DOC_FORMAT_VERBATIM);
	is_str(got, "1\t0\t城市與暴雨\n2\t6\t第一章 風起\n",
	       "a stored version of an article gets the outline of its plain text");
	free(got);
}

static void
test_short_paragraph_rule(void)
{
	char *text;
	/* 20 CJK characters = 40 columns: the widest short heading. */
	const char *h40 = "一二三四五六七八九十一二三四五六七八九十";
	const char *h41 = "一二三四五六七八九十一二三四五六七八九十a";
	char *body80 = xasprintf("%s%s", h40, h40);      /* 80 columns */
	char *body79 = xasprintf("%s一二三四五六七八九十一二三四五六七八九a", h40);

	text = xasprintf("標題\n%s\n%s\n", h40, body80);
	plain_outline_is(text, "1\t0\t標題\n2\t3\t一二三四五六七八九十一二三四五六七八九十\n",
			 "a 40-column line followed by one twice as wide is a section heading");
	free(text);
	text = xasprintf("標題\n%s\n%s%s\n", h41, body80, h40);  /* 120 columns */
	plain_outline_is(text, "1\t0\t標題\n",
			 "a 41-column line is too long to be a section heading");
	free(text);
	text = xasprintf("標題\n%s\n%s\n", h40, body79);
	plain_outline_is(text, "1\t0\t標題\n",
			 "a short line followed by one less than twice as wide is not a heading");
	free(text);

	text = xasprintf("標題\n衝突將走向何方?\n%s\n", long_zh);
	plain_outline_is(text, "1\t0\t標題\n2\t3\t衝突將走向何方?\n",
			 "a short question (half-width ?) is a heading");
	free(text);
	text = xasprintf("標題\n衝突將走向何方？\n%s\n", long_zh);
	plain_outline_is(text, "1\t0\t標題\n2\t3\t衝突將走向何方？\n",
			 "a short question (full-width ？) is a heading");
	free(text);

	static const char *const not_headings[] = {
		"專家也提醒,這不是萬靈丹。", "他說:", "第一,", "首先;", "甲、乙、",
		"然後……", "「我們不是不願意改變。」", "「你來了?」", "「快跑！」",
		"Nobody asked.", "・手に取れる重さ", "- a bullet item", "* * *",
		"• 第一項", "https://ftp.gnu.org/gnu/m4/", "team@example.org",
		"-*- text -*-",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(not_headings); i++) {
		text = xasprintf("標題\n%s\n%s\n", not_headings[i], long_zh);
		char *msg = xasprintf("the short line \"%s\" before a long paragraph is "
				      "prose, a quote or a bullet, not a heading",
				      not_headings[i]);
		plain_outline_is(text, "1\t0\t標題\n", msg);
		free(msg);
		free(text);
	}

	text = xasprintf("標題\n%s\n城市究竟準備好了嗎?\n", long_zh);
	plain_outline_is(text, "1\t0\t標題\n",
			 "a short last line has nothing after it and is not a heading");
	free(text);

	text = xasprintf("標題\n第一任期內,特朗普多次表示欣賞對方的作風。\n%s\n", long_zh);
	plain_outline_is(text, "1\t0\t標題\n",
			 "a line that merely starts with 第 (第一任期內,) is not a heading");
	free(text);
	text = xasprintf("標題\n第二回合\n%s\n", long_zh);
	plain_outline_is(text, "1\t0\t標題\n2\t3\t第二回合\n",
			 "第二回合 is not a chapter marker, though short enough to be a section");
	free(text);
	free(body80);
	free(body79);
}

static void
test_numbered(void)
{
	char *text;
	static const struct {
		const char *line;
		int level;
	} markers[] = {
		{ "第一章 風起", 2 }, { "第1章", 2 }, { "第１２章", 2 }, { "第十二回 宴桃園", 2 },
		{ "第三節：方法", 2 }, { "第二部", 2 }, { "第三卷 江湖", 2 },
		{ "제1장 서론", 2 }, { "제2절", 2 }, { "Chapter 1", 2 }, { "CHAPTER IV", 2 },
		{ "Chapter One: The Start", 2 }, { "Part II", 2 }, { "Section 3.", 2 },
		{ "一、總體要求", 2 }, { "十二、附則", 2 }, { "（一）指導思想", 2 },
		{ "(二) 基本原則", 2 }, { "1. Background", 2 }, { "1、借书", 2 },
		{ "1.概述", 2 }, { "（1）範圍", 2 }, { "2.1 Layout", 2 },
		{ "2.1.3 Widths", 2 }, { "1.2.3.4 Deep", 2 },
	};
	/* A short paragraph follows: a line without a marker would need one
	   twice as wide to be a heading, so these pass as numbered ones. */
	for (size_t i = 0; i < GL_ARRAY_LEN(markers); i++) {
		text = xasprintf("Title\n%s\n短。\n", markers[i].line);
		char *want = xasprintf("1\t0\tTitle\n%d\t6\t%s\n", markers[i].level,
				       markers[i].line);
		char *msg = xasprintf("\"%s\" is a numbered heading", markers[i].line);
		plain_outline_is(text, want, msg);
		free(msg);
		free(want);
		free(text);
	}

	static const char *const not_markers[] = {
		"第一任期內,特朗普", "第三者", "第1次會議", "1.5 million people",
		"2024. A year", "一、二楼阅览室每天下午只有不到十位读者。", "1.txt",
		"Part of the problem", "Chapter and verse", "(一)", "一、",
		"第一章 這一章講的是一個很長很長很長很長很長很長很長的故事的開頭",
		"1. Sign out books.",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(not_markers); i++) {
		text = xasprintf("Title\n%s\n短。\n", not_markers[i]);
		char *msg = xasprintf("\"%s\" is not a numbered heading", not_markers[i]);
		plain_outline_is(text, "1\t0\tTitle\n", msg);
		free(msg);
		free(text);
	}

	text = xasprintf("社区图书馆\n第一章 旧馆\n一、藏书老化\n%s\n二、读者流失\n%s\n"
			 "第二章 改造\n（一）补贴\n%s\n", long_zh, long_zh, long_zh);
	plain_outline_is(text,
			 "1\t0\t社区图书馆\n2\t6\t第一章 旧馆\n3\t13\t一、藏书老化\n"
			 "3\t71\t二、读者流失\n2\t129\t第二章 改造\n4\t136\t（一）补贴\n",
			 "第X章, 一、 and （一） get levels 2, 3 and 4, in the order of "
			 "the divisions they name");
	free(text);

	text = xasprintf("The Long Road\nPart One\n%s\nChapter 1\n%s\nChapter 2: Rain\n%s\n"
			 "Part Two\nChapter 3\n%s\n", long_zh, long_zh, long_zh, long_zh);
	char *got = dump_of(text, DOC_FORMAT_TEXT);
	size_t lines = 0, level2 = 0, level3 = 0;
	for (const char *p = got; *p; p++) {
		if (p == got || p[-1] == '\n') {
			lines++;
			level2 += *p == '2';
			level3 += *p == '3';
		}
	}
	ok(lines == 6 && level2 == 2 && level3 == 3,
	   "English parts are level 2 and the chapters in them level 3");
	if (!(lines == 6 && level2 == 2 && level3 == 3))
		diag("got:\n%s", got);
	free(got);
	free(text);

	text = xasprintf("도시 농업\n제1부 봄\n제1장 씨앗\n%s\n제2장 새싹\n%s\n",
			 long_zh, long_zh);
	got = dump_of(text, DOC_FORMAT_TEXT);
	ok(strstr(got, "2\t6\t제1부 봄\n3\t12\t제1장 씨앗\n") != NULL,
	   "Korean 제1부 is level 2 and 제1장 under it level 3");
	free(got);
	free(text);

	text = xasprintf("Report\n1. Scope\n%s\n1.1 Terms\n%s\n", long_zh, long_zh);
	plain_outline_is(text, "1\t0\tReport\n2\t7\t1. Scope\n3\t67\t1.1 Terms\n",
			 "1. and 1.1 headings in a text without chapters get levels 2 and 3");
	free(text);

	text = xasprintf("Rules\nThe house has three rules, and everyone keeps them:\n"
			 "1. Sign out books\n2. Put them back\n3. Children with parents\n%s\n",
			 long_zh);
	plain_outline_is(text, "1\t0\tRules\n",
			 "a run of numbered lines is a list, not headings, even when a "
			 "long paragraph follows the last");
	free(text);
}

static void
test_underlines(void)
{
	plain_outline_is("Reading in a Terminal\n=====================\n\n"
			 "An introduction that runs on for a while, long enough to be a\n"
			 "paragraph of its own.\n\n"
			 "Summary\n-------\n\n"
			 "A summary paragraph that is plainly longer than its heading.\n",
			 "1\t0\tReading in a Terminal\n2\t106\tSummary\n",
			 "in a text with blank lines, === under the first line makes the "
			 "title and --- a section, without the underline in the title");
	plain_outline_is("Title\nHistory\n=======\nA paragraph.\nDetails\n-------\n"
			 "More text.\n",
			 "1\t0\tTitle\n2\t6\tHistory\n3\t27\tDetails\n",
			 "in a text without blank lines, an underline line makes the line "
			 "above a heading; === and --- together give two levels");
	plain_outline_is("Title\nA long paragraph that is followed by a rule, which is "
			 "not an underline, as its eighty-odd columns show.\n-----\nEnd.\n",
			 "1\t0\tTitle\n",
			 "a line of dashes under a long paragraph is a rule, not an underline");
}

/* ----------------------------------------------------------- Markdown */

static void
test_markdown(void)
{
	const char *md =
		"# Title\n\nSome text.\n\n## Part one\n\nShort line\n\n"
		"A paragraph that is long enough to make the short line above look "
		"like a heading in plain text.\n\n### Deeper\n\n第二章\n\n"
		"```\n# not a heading\n```\n";
	struct doc *d = doc_of(md, DOC_FORMAT_MARKDOWN);
	if (!d) {
		ok(0, "a Markdown text loads");
		return;
	}
	struct outline *o = outline_build(d);
	is_int(outline_count(o), 3, "a Markdown outline has exactly its three # headings, "
	       "no short paragraph, no 第二章 line, nothing in code");
	if (outline_count(o) == 3) {
		is_str(outline_entry(o, 0)->title, "Title", "the first heading is the title");
		is_int(outline_entry(o, 0)->level, 1, "# is level 1");
		is_int(outline_entry(o, 1)->level, 2, "## is level 2");
		is_int(outline_entry(o, 2)->level, 3, "### is level 3");
		is_str(outline_entry(o, 2)->title, "Deeper", "a heading's title is its "
		       "rendered text, without the #");
	}
	outline_free(o);
	doc_free(d);
}

/* ------------------------------------------------------------- lookups */

static void
test_lookups(void)
{
	char *text = xasprintf("Intro line that is long enough, with a comma, to be prose.\n"
			       "First\n%s\nSecond\n%s\n", long_zh, long_zh);
	struct doc *d = doc_of(text, DOC_FORMAT_TEXT);
	free(text);
	if (!d) {
		ok(0, "a text loads");
		return;
	}
	struct outline *o = outline_build(d);
	is_int(outline_count(o), 2, "an article without a title line has only its sections");
	if (outline_count(o) != 2)
		goto out;
	const struct outline_entry *first = outline_entry(o, 0), *second = outline_entry(o, 1);
	ok(outline_entry(o, 2) == NULL, "there is no entry past the last heading");
	is_int(outline_section_at(o, 0), -1, "the text before the first heading is in no section");
	is_int(outline_section_at(o, first->start - 1), -1,
	       "the last byte before the first heading is in no section");
	is_int(outline_section_at(o, first->start), 0, "a heading starts its own section");
	is_int(outline_section_at(o, second->start - 1), 0,
	       "the end of the first section belongs to it");
	is_int(outline_section_at(o, second->start), 1, "the second heading starts section 2");
	is_int(outline_section_at(o, doc_length(d)), 1,
	       "the end of the article is in the last section");
	ok(!outline_is_heading_block(o, 0), "the opening paragraph is not a heading");
	ok(outline_is_heading_block(o, first->block), "the first heading's block is a heading");
	ok(!outline_is_heading_block(o, first->block + 1),
	   "the paragraph under a heading is not one");
	ok(outline_is_heading_block(o, second->block), "the second heading's block is a heading");
	ok(!outline_is_heading_block(o, doc_block_count(d) + 5),
	   "a block past the end is not a heading");
out:
	outline_free(o);
	doc_free(d);

	/* An empty outline answers too. */
	d = doc_of("", DOC_FORMAT_TEXT);
	if (d) {
		o = outline_build(d);
		is_int(outline_section_at(o, 0), -1, "an article without headings has no sections");
		ok(!outline_is_heading_block(o, 0), "and no heading blocks");
		outline_free(o);
		doc_free(d);
	}
}

static void
test_format(void)
{
	char *got = dump_of("Tab\there\n" "The body of the article, long enough to follow.\n",
			    DOC_FORMAT_TEXT);
	size_t tabs = 0;
	for (const char *p = got; *p; p++)
		tabs += *p == '\t';
	is_int(tabs, 2, "a tab inside a title is shown as a placeholder, so the dump "
	       "keeps three fields per line");
	ok(strchr(got, '\n') == got + strlen(got) - 1, "the dump has one line per heading");
	free(got);

	got = dump_of("Café crème\nA paragraph that follows the title and is long.\n",
		      DOC_FORMAT_TEXT);
	is_str(got, "1\t0\tCafé crème\n", "the dump prints the level, the code point "
	       "offset and the title");
	free(got);
	got = dump_of("標題\n第二段比較長,而且有逗號,所以不是標題。\n小節\n"
		      "這是小節的正文,比小節標題寬得多,以句號結尾。\n", DOC_FORMAT_TEXT);
	is_str(got, "1\t0\t標題\n2\t24\t小節\n", "offsets count code points, not bytes");
	free(got);
}

/* ------------------------------------------------------------ tutorial */

static void
test_tutorial(void)
{
	char *path = gl_path_join(srcdir, "share/tutorial.md");
	struct doc *d = load_file(path, DOC_FORMAT_MARKDOWN);
	free(path);
	if (!d) {
		ok(0, "the tutorial loads as Markdown");
		return;
	}
	struct outline *o = outline_build(d);
	/* The headings a new reader sees in the outline pane (F2). */
	static const struct {
		int level;
		const char *title;
	} want[] = {
		{ 1, "Learning gloss: a tutorial / gloss 入門教學" },
		{ 2, "Part one: English" },
		{ 3, "Moving around" },
		{ 3, "Searching" },
		{ 3, "Selecting and marking" },
		{ 3, "Changing your mind" },
		{ 3, "Panes, help and leaving" },
		{ 3, "From the command line" },
		{ 2, "第二部分：中文" },
		{ 3, "移動" },
		{ 3, "搜尋" },
		{ 3, "選取與標記" },
		{ 3, "修改與復原" },
		{ 3, "窗格、說明與離開" },
		{ 3, "命令列" },
	};
	is_int(outline_count(o), GL_ARRAY_LEN(want),
	       "the tutorial's outline has its title, two language parts and six "
	       "lessons in each");
	bool same = outline_count(o) == GL_ARRAY_LEN(want);
	for (size_t i = 0; same && i < GL_ARRAY_LEN(want); i++) {
		const struct outline_entry *e = outline_entry(o, i);
		if (e->level != want[i].level || strcmp(e->title, want[i].title) != 0) {
			diag("heading %zu: got %d \"%s\", want %d \"%s\"", i, e->level,
			     e->title, want[i].level, want[i].title);
			same = false;
		}
	}
	ok(same, "the tutorial's headings, in English and in Chinese, are the lessons "
	   "in order");
	outline_free(o);
	doc_free(d);
}

int
main(void)
{
	srcdir = getenv("top_srcdir");
	if (!srcdir || !*srcdir)
		srcdir = ".";
	test_fixtures();
	test_sample();
	test_title();
	test_short_paragraph_rule();
	test_numbered();
	test_underlines();
	test_markdown();
	test_lookups();
	test_format();
	test_tutorial();
	return tap_done();
}
