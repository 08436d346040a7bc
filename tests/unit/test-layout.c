/* Tests of layout: rows as a reader sees them, offsets <-> positions,
 * resizing, laziness, and a property test over random text in every
 * script gloss covers (CJK, Hangul with jamo, Latin, emoji sequences,
 * combining stacks, controls, tabs). */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include "../tap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static struct doc *
mkdoc(const char *text, enum doc_format fmt)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(text, strlen(text), fmt, NULL, &d, &err) != GL_OK) {
		printf("Bail out! doc_from_text failed: %s\n", err.message);
		exit(1);
	}
	return d;
}

/* The dump of the whole document at width w (caller frees). */
static char *
dump_at(const struct doc *d, int w, unsigned flags)
{
	struct outline *o = outline_build(d);
	struct layout *l = layout_new(d, o, w);
	struct buf b = BUF_INIT;
	layout_dump(l, 0, flags, NULL, 0, &b);
	layout_free(l);
	outline_free(o);
	return buf_steal(&b, NULL);
}

static char *
dump_text(const char *text, enum doc_format fmt, int w, unsigned flags)
{
	struct doc *d = mkdoc(text, fmt);
	char *s = dump_at(d, w, flags);
	doc_free(d);
	return s;
}

static void
check_dump(const char *text, enum doc_format fmt, int w, unsigned flags,
	   const char *want, const char *what)
{
	char *got = dump_text(text, fmt, w, flags);
	is_str(got, want, "%s", what);
	free(got);
}

static int32_t
first_cp(const char *s, size_t n)
{
	int32_t cp = 0;
	if (n)
		u8_decode(s, n, 0, &cp);
	return cp;
}

/* ---------------------------------------------------------- rows */

static void
test_wrapping(void)
{
	check_dump("The quick brown fox jumps over the lazy dog", DOC_FORMAT_VERBATIM, 10, 0,
		   "The quick\nbrown fox\njumps over\nthe lazy\ndog\n",
		   "English wraps at the last space that fits and shows no space at a row's start or end");
	check_dump("The quick brown fox jumps over the lazy dog", DOC_FORMAT_VERBATIM, 200, 0,
		   "The quick brown fox jumps over the lazy dog\n",
		   "a line narrower than the width is one row");
	check_dump("一二三四五六七八九十", DOC_FORMAT_VERBATIM, 10, 0,
		   "一二三四五\n六七八九十\n",
		   "Chinese fills a row of 10 columns with five characters");
	check_dump("一二三四五，六七", DOC_FORMAT_VERBATIM, 10, 0,
		   "一二三四\n五，六七\n",
		   "a full-width comma never starts a row: the character before it moves down with it");
	check_dump("一二三四五。」六七", DOC_FORMAT_VERBATIM, 10, 0,
		   "一二三四\n五。」六七\n",
		   "。」 never start a row");
	check_dump("一二三四「五六」七", DOC_FORMAT_VERBATIM, 10, 0,
		   "一二三四\n「五六」七\n",
		   "「 never ends a row: it moves down with the text it opens");
	check_dump("一二三四:五六", DOC_FORMAT_VERBATIM, 8, 0,
		   "一二三\n四:五六\n",
		   "a half-width colon after CJK never starts a row");
	check_dump("特朗普說「好」,然後走了", DOC_FORMAT_VERBATIM, 10, 0,
		   "特朗普說\n「好」,然\n後走了\n",
		   "a half-width comma after 」 stays on the row with it");
	check_dump("Numbers like 1234567 stay whole", DOC_FORMAT_VERBATIM, 8, 0,
		   "Numbers\nlike\n1234567\nstay\nwhole\n",
		   "a number is not broken when it fits a row alone");
	check_dump("aaa    bbb", DOC_FORMAT_VERBATIM, 3, 0,
		   "aaa\nbbb\n",
		   "a run of spaces at a break hangs: it takes no column and is not shown");
}

static void
test_narrow(void)
{
	check_dump("中文字", DOC_FORMAT_VERBATIM, 1, LAYOUT_DUMP_FORCED,
		   "?\n?\n?\n",
		   "at width 1 each wide character is a one-column \"?\"");
	check_dump("中文字", DOC_FORMAT_VERBATIM, 2, 0,
		   "中\n文\n字\n",
		   "at width 2 one wide character per row");
	check_dump("中文字", DOC_FORMAT_VERBATIM, 3, 0,
		   "中\n文\n字\n",
		   "at width 3 still one wide character per row, never 3 columns of 2 + 2");
	check_dump("abcdefghijklm", DOC_FORMAT_VERBATIM, 5, LAYOUT_DUMP_FORCED,
		   "abcde\tforced\nfghij\tforced\nklm\n",
		   "a word wider than the row is broken at the width, and the breaks are reported as forced");
	check_dump("ab中文", DOC_FORMAT_VERBATIM, 1, LAYOUT_DUMP_FORCED,
		   "a\tforced\nb\n?\n?\n",
		   "width 1: letters one per row, wide characters as \"?\"");
	check_dump("abcdefghi中", DOC_FORMAT_VERBATIM, 10, 0,
		   "abcdefghi\n中\n",
		   "a wide character that does not fit the last column moves to the next row");

	struct doc *d = mkdoc("abcdefghi中", DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 10);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos = { 0, 0 };
	ok(layout_get_row(l, pos, &row), "the first row exists");
	is_int(row.width, 9, "the row before a moved wide character is 9 columns wide");
	is_int(row.ncells, 9, "and has no padding cell");
	ok(!(row.flags & LAYOUT_ROW_FORCED), "moving a wide character is not a forced break");
	layout_set_width(l, 1);
	pos.row = 9;
	ok(layout_get_row(l, pos, &row) && row.ncells == 1, "at width 1 the wide character has a row");
	is_int(row.cells[0].width, 1, "its placeholder is one column");
	ok(row.cells[0].attrs & LAYOUT_ATTR_PLACEHOLDER, "and is marked as a placeholder");
	is_int(row.cells[0].end - row.cells[0].start, 3, "it stands for the character's three bytes");
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);
}

static void
test_tabs_and_controls(void)
{
	struct doc *d = mkdoc("a\tb\x1b[31mc", DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 40);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos = { 0, 0 };
	layout_get_row(l, pos, &row);
	ok(row.ncells >= 4, "a row with a tab and an escape has cells");
	if (row.ncells >= 4) {
		is_int(row.cells[1].col, 1, "the tab starts at column 1");
		is_int(row.cells[1].width, 7, "and reaches the stop at column 8");
		ok(row.cells[1].attrs & LAYOUT_ATTR_TAB, "it is marked as a tab");
		is_int(row.cells[2].col, 8, "the character after the tab is at column 8");
		is_mem(row.cells[3].glyph, row.cells[3].glyph_len, "^[", 2,
		       "ESC is shown as its placeholder ^[");
		is_int(row.cells[3].width, 2, "the placeholder is one cell of two columns");
		is_int(row.cells[3].end - row.cells[3].start, 1, "that stands for the one ESC byte");
		ok(row.cells[3].attrs & LAYOUT_ATTR_PLACEHOLDER, "and is marked as a placeholder");
	}
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);

	check_dump("abcdefghi\tx", DOC_FORMAT_VERBATIM, 10, 0,
		   "abcdefghi\nx\n",
		   "a tab near the end of a row stops at the row's end (shown as blanks, trimmed in the dump)");
	check_dump("a\x01\x7f", DOC_FORMAT_VERBATIM, 40, 0,
		   "a^A^?\n", "C0 controls and DEL are shown in caret notation");
	check_dump("x\xe2\x80\xaey", DOC_FORMAT_VERBATIM, 40, 0,
		   "x<U+202E>y\n", "a bidirectional override is shown as <U+202E>, never sent");
	check_dump("x\xe2\x80\xaey", DOC_FORMAT_VERBATIM, 4, LAYOUT_DUMP_FORCED,
		   "x\tforced\n?y\n",
		   "a placeholder wider than the row becomes \"?\"");
}

static void
test_blocks(void)
{
	check_dump("# Title\n\nFirst paragraph.\n\nSecond.\n", DOC_FORMAT_MARKDOWN, 40, 0,
		   "Title\n\nFirst paragraph.\n\nSecond.\n",
		   "a heading and paragraphs are separated by one blank row");
	check_dump("- one\n- two\n  continued here\n", DOC_FORMAT_MARKDOWN, 12, 0,
		   "• one\n• two\n  continued\n  here\n",
		   "list items get a bullet and a hanging indent, no blank row between them");
	check_dump("1. one\n2. two two two\n", DOC_FORMAT_MARKDOWN, 10, 0,
		   "1. one\n2. two two\n   two\n",
		   "ordered items get their number and hang under their text");
	check_dump("> quoted text here\n", DOC_FORMAT_MARKDOWN, 10, 0,
		   "│ quoted\n│ text\n│ here\n",
		   "a quote has a bar on every row");
	check_dump("```\nshort\nthis line is too long\n\na\tx\n```\n", DOC_FORMAT_MARKDOWN, 10,
		   LAYOUT_DUMP_FORCED,
		   "short\nthis line»\tcut\n\na       x\n",
		   "a code block keeps its lines, cuts a long one with » in the last column");
	check_dump("a\n\n---\n\nb\n", DOC_FORMAT_MARKDOWN, 5, 0,
		   "a\n\n─────\n\nb\n",
		   "a rule is a row of ─ across the width");
	check_dump("- one\n", DOC_FORMAT_MARKDOWN, 3, 0,
		   "one\n",
		   "at width 3 a bullet would leave too little room: it is left out");

	check_dump("Hard  \nbreak here and more\n", DOC_FORMAT_MARKDOWN, 12, 0,
		   "Hard\nbreak here\nand more\n",
		   "a hard line break inside a paragraph ends the row, and the LF is not shown");
	check_dump("Title\n\n- first item that wraps\n- second\n", DOC_FORMAT_TEXT, 14, 0,
		   "Title\n\n- first item\n  that wraps\n- second\n",
		   "a plain-text list item keeps its own marker and hangs under its text");
	check_dump("> one\n>\n> two\n", DOC_FORMAT_MARKDOWN, 20, 0,
		   "│ one\n│\n│ two\n",
		   "the blank row between two quote paragraphs keeps the bar");
	check_dump("- a\n- b\n\n1. c\n2. d\n", DOC_FORMAT_MARKDOWN, 20, 0,
		   "• a\n• b\n\n1. c\n2. d\n",
		   "two lists one after the other are set apart by a blank row");

	/* Decorations are measured: │ • ─ are East Asian Ambiguous. */
	struct doc *ad = mkdoc("- item\n\n---\n", DOC_FORMAT_MARKDOWN);
	struct layout *al = layout_new(ad, NULL, 9);
	u8_set_ambiguous_width(2);
	layout_invalidate(al);
	struct layout_row ar = LAYOUT_ROW_INIT;
	layout_get_row(al, (struct layout_pos){ 0, 0 }, &ar);
	ok(ar.ncells > 1 && ar.cells[0].width == 3 && ar.cells[1].col == 3,
	   "with wide ambiguous characters the bullet \"• \" takes 3 columns and the text follows it");
	layout_get_row(al, (struct layout_pos){ 1, 1 }, &ar);
	ok(ar.ncells == 1 && ar.width == 8 && ar.cells[0].glyph_len == 4 * 3,
	   "and a rule at width 9 is four ─ of 2 columns, never wider than the row");
	u8_set_ambiguous_width(1);
	layout_invalidate(al);
	layout_get_row(al, (struct layout_pos){ 1, 1 }, &ar);
	is_int(ar.width, 9, "back to narrow ambiguous characters the rule is 9 columns");
	ok(ar.flags & LAYOUT_ROW_LAST, "a block's last row says so");
	is_int(layout_block_rows(al, 1), 2, "the rule's block has a blank row and the rule");
	layout_row_free(&ar);
	layout_free(al);
	doc_free(ad);

	/* Attributes. */
	struct doc *d = mkdoc("# Head\n\nsome *em* text\n", DOC_FORMAT_MARKDOWN);
	struct layout *l = layout_new(d, NULL, 40);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos = { 0, 0 };
	layout_get_row(l, pos, &row);
	ok(row.ncells > 0 && (row.cells[0].attrs & LAYOUT_ATTR_HEADING),
	   "a heading's cells carry the heading attribute");
	ok(row.flags & LAYOUT_ROW_FIRST, "the first row of a block says so");
	pos.block = 1;
	pos.row = 0;
	layout_get_row(l, pos, &row);
	ok(row.flags & LAYOUT_ROW_BLANK, "a blank row separates the heading from the paragraph");
	pos.row = 1;
	layout_get_row(l, pos, &row);
	bool em_ok = true;
	for (size_t k = 0; k < row.ncells; k++) {
		const struct layout_cell *c = &row.cells[k];
		bool in_em = c->glyph_len == 1 && (c->glyph[0] == 'e' || c->glyph[0] == 'm') &&
			c->col >= 5 && c->col <= 6;
		if (in_em != !!(c->attrs & LAYOUT_ATTR_EM))
			em_ok = false;
	}
	ok(em_ok, "emphasised text, and only it, carries the emphasis attribute");
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);
}

/* ------------------------------------------------- Korean keep-all */

/* A Korean paragraph (words between spaces, a number with its counter,
 * a Latin word with its particle, Hanja in brackets, quotes) and one
 * word longer than any row tested. */
static const char korean_text[] =
	"서울의 봄은 짧다. 벚꽃이 피었다가 지는 데에는 일주일이면 충분하고, "
	"사람들은 그 일주일을 위해 한 해를 기다린다. 올해는 비가 잦아서 "
	"꽃잎이 일찍 떨어졌다는 소식이 “뉴스”에 실렸다. 2024년 3월의 "
	"기록에 따르면 개화는 평년보다 나흘 빨랐고, Linux는 한국(韓國)의 "
	"서버에서도 널리 쓰인다!";
static const char korean_long_word[] =
	"가나다라마바사아자차카타파하가나다라마바사아자차카타파하";

static bool in_list(int32_t cp, const char *list);

static bool
is_word_char(int32_t cp)
{
	return u8_is_alnum(cp);
}

/* Lays text out at width w and checks every row: none wider than w, none
 * (but a forced one) ending between two letters of a word, none starting
 * with a mark that must not start a line.  Returns the number of forced
 * rows; *mid_word counts rows that end inside a word. */
static size_t
korean_rows(const char *text, int w, size_t *mid_word, size_t *bad_start, size_t *too_wide)
{
	struct doc *d = mkdoc(text, DOC_FORMAT_VERBATIM);
	size_t len;
	const char *t = doc_text(d, &len);
	struct layout *l = layout_new(d, NULL, w);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos;
	size_t forced = 0;
	*mid_word = *bad_start = *too_wide = 0;
	bool ok_pos = layout_first(l, &pos);
	while (ok_pos && layout_get_row(l, pos, &row)) {
		if (row.width > w)
			(*too_wide)++;
		if (row.flags & LAYOUT_ROW_FORCED)
			forced++;
		if (row.text_end > row.start && row.end == row.text_end && row.end < len) {
			int32_t last = 0, next = 0;
			u8_decode(t, len, u8_prev(t, row.text_end), &last);
			u8_decode(t, len, row.end, &next);
			if (is_word_char(last) && is_word_char(next) && !(row.flags & LAYOUT_ROW_FORCED))
				(*mid_word)++;
		}
		if (row.start > 0 && row.text_end > row.start) {
			int32_t first = first_cp(t + row.start, row.text_end - row.start);
			if (in_list(first, ".,!?:;)”」"))
				(*bad_start)++;
		}
		ok_pos = layout_next_row(l, &pos);
	}
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);
	return forced;
}

static void
test_korean_keep_all(void)
{
	ok(u8_korean_keep_all(), "Korean keep-all is on by default");
	size_t mid, bad, wide, all_mid = 0, all_bad = 0, all_wide = 0, forced = 0;
	for (int w = 12; w <= 60; w++) {
		forced += korean_rows(korean_text, w, &mid, &bad, &wide);
		all_mid += mid;
		all_bad += bad;
		all_wide += wide;
	}
	is_int((long)all_mid, 0,
	       "a Korean paragraph at widths 12 to 60: no row ends in the middle of a word");
	is_int((long)all_bad, 0,
	       "and no row starts with . , ! ? ) ” (they stay with the word before)");
	is_int((long)all_wide, 0, "and no row is wider than the width");
	is_int((long)forced, 0,
	       "every word of the paragraph fits a row of 12: no break is forced");

	check_dump("한국어 문장은 띄어쓰기로 나눈다", DOC_FORMAT_VERBATIM, 12, LAYOUT_DUMP_FORCED,
		   "한국어\n문장은\n띄어쓰기로\n나눈다\n",
		   "Korean words wrap at spaces, as Latin words do");
	check_dump("2024년 3월 Linux는 좋다", DOC_FORMAT_VERBATIM, 8, LAYOUT_DUMP_FORCED,
		   "2024년\n3월\nLinux는\n좋다\n",
		   "a number keeps its counter and a Latin word its particle");

	size_t long_forced = korean_rows(korean_long_word, 10, &mid, &bad, &wide);
	ok(long_forced >= 2 && wide == 0,
	   "a Korean word wider than the row is still broken inside (%zu forced breaks "
	   "at width 10), and no row is wider", long_forced);
	check_dump("가 가나다라마바사아자차 나", DOC_FORMAT_VERBATIM, 10, LAYOUT_DUMP_FORCED,
		   "가\n가나다라마\tforced\n바사아자차\n나\n",
		   "an over-long word starts on its own row and is cut at the width");

	check_dump("一二三四五六七八九十", DOC_FORMAT_VERBATIM, 10, 0,
		   "一二三四五\n六七八九十\n",
		   "Chinese still breaks between ideographs with keep-all on");
	check_dump("これはとてもながいぶんです", DOC_FORMAT_VERBATIM, 10, 0,
		   "これはとて\nもながいぶ\nんです\n",
		   "Japanese still breaks between kana with keep-all on");

	u8_set_korean_keep_all(false);
	ok(!u8_korean_keep_all(), "keep-all can be turned off");
	check_dump("한국어 문장은 띄어쓰기로 나눈다", DOC_FORMAT_VERBATIM, 12, LAYOUT_DUMP_FORCED,
		   "한국어 문장\n은 띄어쓰기\n로 나눈다\n",
		   "with keep-all off Korean breaks between any two syllables (UAX #14)");
	size_t off_mid = 0;
	for (int w = 12; w <= 60; w++) {
		korean_rows(korean_text, w, &mid, &bad, &wide);
		off_mid += mid;
	}
	ok(off_mid > 0, "with keep-all off rows end inside words (%zu rows), so the test "
	   "above can fail", off_mid);
	u8_set_korean_keep_all(true);
}

/* ---------------------------------- Korean particles after brackets */

/* Korean sentences where a particle follows closing punctuation: corner
 * brackets, double corner brackets, narrow and wide parentheses, and an
 * exclamation mark before a quoting particle. */
static const char korean_particles[] =
	"시민들은 「즉각 철회하라」며, 반발했다! 정부는 『검토 중』이라고 "
	"답했고, 야당(野黨)은 (모두)에게 “설명하라”고 요구했다. "
	"한국（韓國）은 「안 된다!」고 했다!고 전했다?";

/* Lays text out at width w: *split counts the rows (not forced) that end
 * between closing punctuation and the Hangul particle after it,
 * *bad_start the rows that start with closing punctuation, *bad_end
 * those that end with an opening bracket (past the text's end). */
static void
particle_rows(const char *text, int w, size_t *split, size_t *bad_start, size_t *bad_end)
{
	struct doc *d = mkdoc(text, DOC_FORMAT_VERBATIM);
	size_t len;
	const char *t = doc_text(d, &len);
	struct layout *l = layout_new(d, NULL, w);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos;
	*split = *bad_start = *bad_end = 0;
	bool more = layout_first(l, &pos);
	while (more && layout_get_row(l, pos, &row)) {
		if (row.text_end > row.start) {
			int32_t first = first_cp(t + row.start, row.text_end - row.start);
			int32_t last = 0;
			u8_decode(t, len, u8_prev(t, row.text_end), &last);
			if (row.start > 0 && in_list(first, "」』）)”，。、,.!?"))
				(*bad_start)++;
			if (row.end < len && in_list(last, "「『（(“"))
				(*bad_end)++;
			if (row.end == row.text_end && row.end < len &&
			    !(row.flags & LAYOUT_ROW_FORCED) && in_list(last, "」』）)!?")) {
				int32_t next = 0;
				u8_decode(t, len, row.end, &next);
				if (u8_script(next) == U8_SCRIPT_HANGUL)
					(*split)++;
			}
		}
		more = layout_next_row(l, &pos);
	}
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);
}

static void
test_korean_particles(void)
{
	check_dump("「즉각 철회하라」며, 반발했다!", DOC_FORMAT_VERBATIM, 19, LAYOUT_DUMP_FORCED,
		   "「즉각\n철회하라」며,\n반발했다!\n",
		   "width 19: 「…」며, is one word: the row ends at the space before it, "
		   "not between 」 and 며");
	check_dump("「즉각 철회하라」며, 반발했다!", DOC_FORMAT_VERBATIM, 14, LAYOUT_DUMP_FORCED,
		   "「즉각\n철회하라」며,\n반발했다!\n",
		   "width 14: the same, the word fits its own row");
	check_dump("「즉각 철회하라」며, 반발했다!", DOC_FORMAT_VERBATIM, 8, LAYOUT_DUMP_FORCED,
		   "「즉각\n철회하\tforced\n라」며,\n반발했\tforced\n다!\n",
		   "width 8: a word wider than the row is cut between two syllables, "
		   "so no row starts with 」 or !");
	check_dump("야당은 (모두)에게 『검토 중』이라고 답했다", DOC_FORMAT_VERBATIM, 16,
		   LAYOUT_DUMP_FORCED,
		   "야당은\n(모두)에게\n『검토\n중』이라고\n답했다\n",
		   "a particle after ) or 』 stays with its word");
	check_dump("이것은 한국（韓國）은 했다!고 말했다", DOC_FORMAT_VERBATIM, 19,
		   LAYOUT_DUMP_FORCED,
		   "이것은 한국\n（韓國）은 했다!고\n말했다\n",
		   "Hanja in wide brackets before a particle are not split from it, "
		   "nor !고 from its word");

	size_t split, bad_start, bad_end, all_split = 0, all_start = 0, all_end = 0;
	for (int w = 6; w <= 60; w++) {
		particle_rows(korean_particles, w, &split, &bad_start, &bad_end);
		all_split += split;
		all_start += bad_start;
		all_end += bad_end;
	}
	is_int((long)all_split, 0,
	       "Korean with particles after 」』）) and ! at widths 6 to 60: no row ends "
	       "between the closing mark and its particle unless the word is cut");
	is_int((long)all_start, 0,
	       "and no row starts with 」』）)”，。、,.!? even where a word is cut");
	is_int((long)all_end, 0, "and no row ends with 「『（(“");

	check_dump("他說「好」然後走了。", DOC_FORMAT_VERBATIM, 10, 0,
		   "他說「好」\n然後走了。\n",
		   "Chinese still breaks after a closing bracket");
	check_dump("彼は「はい」と言った。", DOC_FORMAT_VERBATIM, 12, 0,
		   "彼は「はい」\nと言った。\n",
		   "Japanese still breaks after a closing bracket");
}

/* ----------------------------------------------------------- tables */

static void
test_tables(void)
{
	const char *md = "Intro.\n\n| Name | Age |\n|---|---|\n| Alice | 30 |\n| Bob | 4 |\n";
	check_dump(md, DOC_FORMAT_MARKDOWN, 40, 0,
		   "Intro.\n\n"
		   "Name  │ Age\n"
		   "──────┼────\n"
		   "Alice │ 30\n"
		   "Bob   │ 4\n",
		   "a table that fits is aligned in columns, with a rule under its header row");
	const char *cjk = "| 名前 | 年齢 | 町 |\n|---|---|---|\n| 山田太郎 | 三十 | 京都 |\n"
			  "| 李 | 7 | 서울특별시 |\n";
	check_dump(cjk, DOC_FORMAT_MARKDOWN, 60, 0,
		   "名前     │ 年齢 │ 町\n"
		   "─────────┼──────┼───────────\n"
		   "山田太郎 │ 三十 │ 京都\n"
		   "李       │ 7    │ 서울특별시\n",
		   "CJK cells are measured in columns (2 per character): the bars line up");
	check_dump(md, DOC_FORMAT_MARKDOWN, 8, 0,
		   "Intro.\n\n"
		   "Name │\n"
		   "Age\n"
		   "────────\n"
		   "Alice │\n"
		   "30\n"
		   "Bob │ 4\n",
		   "a table wider than the pane wraps row by row under a rule across the width, "
		   "and no row starts with a bar");
	check_dump("<table><tr><th>Day</th><th>High tide</th></tr>"
		   "<tr><td>Monday</td><td>6.2 m</td></tr></table>",
		   DOC_FORMAT_HTML, 40, 0,
		   "Day    │ High tide\n"
		   "───────┼──────────\n"
		   "Monday │ 6.2 m\n",
		   "an HTML table is aligned the same way");
	check_dump("| Op | Means |\n|---|---|\n| a \\| b | either |\n| x | y |\n",
		   DOC_FORMAT_MARKDOWN, 40, 0,
		   "Op    │ Means\n"
		   "──────┼───────\n"
		   "a | b │ either\n"
		   "x     │ y\n",
		   "a pipe written in a cell (\\|) stays in its cell: two columns, not three");
	check_dump("<table><tr><th>Op</th><th>Means</th></tr>"
		   "<tr><td>a | b</td><td>either</td></tr></table>",
		   DOC_FORMAT_HTML, 40, 0,
		   "Op    │ Means\n"
		   "──────┼───────\n"
		   "a | b │ either\n",
		   "a pipe in an HTML cell stays in its cell");
	check_dump("| Name | Mid | Count |\n|---|:---:|---:|\n| Alice | x | 7 |\n"
		   "| Bo | wide | 1234 |\n",
		   DOC_FORMAT_MARKDOWN, 40, 0,
		   "Name  │ Mid  │ Count\n"
		   "──────┼──────┼──────\n"
		   "Alice │  x   │     7\n"
		   "Bo    │ wide │  1234\n",
		   "a ---: column is right-aligned and a :---: column centred, the last one too");
	check_dump("| a \\| b | c |\n|---|---|\n| 1 | 2 |\n", DOC_FORMAT_MARKDOWN, 6, 0,
		   "a |\n"
		   "b │ c\n"
		   "──────\n"
		   "1 │ 2\n",
		   "in a wrapped row a cell's own pipe stays \"|\", only the separator is a bar");

	/* Offsets: the bar stands for its "|", padding for the cell's end. */
	struct doc *d = mkdoc(md, DOC_FORMAT_MARKDOWN);
	size_t len;
	const char *t = doc_text(d, &len);
	struct layout *l = layout_new(d, NULL, 40);
	const char *bob = strstr(t, "Bob");
	int col = -1;
	struct layout_pos pos = layout_pos_at(l, (size_t)(bob - t) + 4, &col);
	is_int(col, 6, "the \"|\" after Bob is shown in column 6, under the header's bar");
	size_t at = layout_offset_at(l, pos, 4);
	is_int((long)at, (long)(bob - t) + 3,
	       "a click on the padding after Bob gives the end of the cell's text");
	is_int((long)layout_offset_at(l, pos, 8), (long)(bob - t) + 6,
	       "a click on the next cell gives its text");
	struct layout_row row = LAYOUT_ROW_INIT;
	layout_get_row(l, (struct layout_pos){ 2, 0 }, &row);
	ok((row.flags & LAYOUT_ROW_BLANK) && row.ncells == 1 &&
	   (row.cells[0].attrs & LAYOUT_ATTR_RULE),
	   "the header rule is a separator row that stands for no text");
	layout_row_free(&row);

	u8_set_ambiguous_width(2);
	layout_invalidate(l);
	struct buf b = BUF_INIT;
	layout_dump(l, 0, 0, NULL, 0, &b);
	is_str(b.data, "Intro.\n\nName  | Age\n------+----\nAlice | 30\nBob   | 4\n",
	       "with wide ambiguous characters the bars and the rule are ASCII, still aligned");
	buf_free(&b);
	u8_set_ambiguous_width(1);
	layout_free(l);
	doc_free(d);
}

/* ------------------------------------------ lists in quotes, and back */

/* Whether row `pos` of l has, before its text, a bar cell at column
 * `bar_col` (LAYOUT_ATTR_QUOTE, a decoration) and its first text cell at
 * `text_col`, standing for the text at `text`. */
static bool
row_starts(struct layout *l, struct layout_pos pos, int bar_col, int text_col, size_t text)
{
	struct layout_row row = LAYOUT_ROW_INIT;
	bool good = layout_get_row(l, pos, &row);
	bool bar = false;
	const struct layout_cell *first = NULL;
	for (size_t k = 0; good && k < row.ncells; k++) {
		const struct layout_cell *c = &row.cells[k];
		if (!(c->attrs & LAYOUT_ATTR_DECORATION)) {
			first = c;
			break;
		}
		if (c->col == bar_col && (c->attrs & LAYOUT_ATTR_QUOTE) && c->start == c->end)
			bar = true;
	}
	good = good && bar && first && first->col == text_col && first->start == text &&
		(first->attrs & LAYOUT_ATTR_QUOTE) && (first->attrs & LAYOUT_ATTR_LIST);
	layout_row_free(&row);
	return good;
}

static void
test_nested_containers(void)
{
	const char *md = "> Said:\n"
			 ">\n"
			 "> - first item that wraps around\n"
			 "> - second\n"
			 ">   - nested\n"
			 ">\n"
			 ">   more of second\n"
			 ">\n"
			 "> 1. one\n"
			 "> 2. two\n"
			 ">\n"
			 "> ```\n"
			 "> code\n"
			 "> ```\n";
	check_dump(md, DOC_FORMAT_MARKDOWN, 30, 0,
		   "│ Said:\n"
		   "│\n"
		   "│ • first item that wraps\n"
		   "│   around\n"
		   "│ • second\n"
		   "│   • nested\n"
		   "│\n"
		   "│   more of second\n"
		   "│\n"
		   "│ 1. one\n"
		   "│ 2. two\n"
		   "│\n"
		   "│ code\n",
		   "a list in a quote keeps the bar on every row, its items their bullets after "
		   "it, a later paragraph and a nested item their indent, code its bar");
	check_dump(md, DOC_FORMAT_MARKDOWN, 16, 0,
		   "│ Said:\n"
		   "│\n"
		   "│ • first item\n"
		   "│   that wraps\n"
		   "│   around\n"
		   "│ • second\n"
		   "│   • nested\n"
		   "│\n"
		   "│   more of\n"
		   "│   second\n"
		   "│\n"
		   "│ 1. one\n"
		   "│ 2. two\n"
		   "│\n"
		   "│ code\n",
		   "at width 16 the wrapped rows of a quoted item keep the bar and hang under "
		   "the item's text");

	const char *inlist = "- item:\n"
			     "\n"
			     "  > quoted words that wrap\n"
			     "\n"
			     "  back in the item\n"
			     "- > starts with a quote\n"
			     "\n"
			     "> a\n"
			     ">\n"
			     "> > b\n";
	check_dump(inlist, DOC_FORMAT_MARKDOWN, 30, 0,
		   "• item:\n"
		   "\n"
		   "  │ quoted words that wrap\n"
		   "\n"
		   "  back in the item\n"
		   "\n"
		   "• │ starts with a quote\n"
		   "\n"
		   "│ a\n"
		   "│\n"
		   "│ │ b\n",
		   "a quote in a list item is indented under the item's text, one that starts "
		   "an item stands after its bullet, and a quote in a quote has two bars");
	check_dump(inlist, DOC_FORMAT_MARKDOWN, 14, 0,
		   "• item:\n"
		   "\n"
		   "  │ quoted\n"
		   "  │ words that\n"
		   "  │ wrap\n"
		   "\n"
		   "  back in the\n"
		   "  item\n"
		   "\n"
		   "• │ starts\n"
		   "  │ with a\n"
		   "  │ quote\n"
		   "\n"
		   "│ a\n"
		   "│\n"
		   "│ │ b\n",
		   "at width 14 the wrapped rows of a quote in a list item keep their indent "
		   "and bar");

	check_dump("> - a\n\n- b\n\n> | x | yy |\n> |---|---|\n> | 1 | 2 |\n",
		   DOC_FORMAT_MARKDOWN, 20, 0,
		   "│ • a\n"
		   "\n"
		   "• b\n"
		   "\n"
		   "│ x │ yy\n"
		   "│ ──┼───\n"
		   "│ 1 │ 2\n",
		   "a quoted list and a list after the quote are apart, and a table in a "
		   "quote is aligned after the bar");
	check_dump("<blockquote><p>Quote</p><ul><li>item one</li><li>item two</li></ul>"
		   "</blockquote>",
		   DOC_FORMAT_HTML, 30, 0,
		   "│ Quote\n"
		   "│\n"
		   "│ • item one\n"
		   "│ • item two\n",
		   "an HTML list in a <blockquote> keeps the bar too");

	/* Clicks and selections: the bar and the bullet stand for no text,
	   the text after them for itself. */
	struct doc *d = mkdoc(md, DOC_FORMAT_MARKDOWN);
	const char *t = doc_text(d, NULL);
	size_t around = (size_t)(strstr(t, "around") - t);
	size_t nested = (size_t)(strstr(t, "nested") - t);
	struct layout *l = layout_new(d, NULL, 30);
	int col = -1;
	struct layout_pos pos = layout_pos_at(l, around, &col);
	is_int(col, 4, "\"around\", wrapped in a quoted item, is shown at column 4, after "
	       "\"│ \" and the hanging indent");
	is_int((long)layout_offset_at(l, pos, col), (long)around,
	       "a click on it gives its offset back");
	ok(row_starts(l, pos, 0, 4, around),
	   "its row starts with a bar that stands for no text, and the text cells are in "
	   "a quote and a list");
	pos = layout_pos_at(l, nested, &col);
	is_int(col, 6, "the nested item's text is at column 6, after \"│   • \"");
	ok(row_starts(l, pos, 0, 6, nested), "and its row starts with the bar");
	is_int((long)layout_offset_at(l, pos, 0), (long)nested,
	       "a click on the bar gives the start of the row's text");
	layout_free(l);
	doc_free(d);
}

/* --------------------------------------------------- offsets, resize */

static const char mixed_text[] =
	"從「密談」到「拒談」:特朗普為何轉向強硬?\n"
	"The quick brown fox jumps over the lazy dog, twice.\n"
	"日本語の文章、カタカナとひらがな。「引用」もある。\n"
	"한국어 문장도 있습니다. 띄어쓰기를 합니다.\n"
	"Emoji 👨‍👩‍👧 and flags 🇯🇵🇹🇼 and e\xcc\x81\xcc\xa3 stacks.\n"
	"\tTabbed\tline\x1b with a control.\n";

static void
test_offsets(void)
{
	struct doc *d = mkdoc(mixed_text, DOC_FORMAT_VERBATIM);
	const int widths[] = { 1, 2, 3, 7, 10, 23, 40, 80, 200 };
	for (size_t wi = 0; wi < GL_ARRAY_LEN(widths); wi++) {
		struct layout *l = layout_new(d, NULL, widths[wi]);
		struct layout_row row = LAYOUT_ROW_INIT;
		struct layout_pos pos;
		size_t cells = 0, bad = 0, badoff = 0;
		bool more = layout_first(l, &pos);
		while (more) {
			layout_get_row(l, pos, &row);
			for (size_t k = 0; k < row.ncells; k++) {
				const struct layout_cell *c = &row.cells[k];
				if (c->start == c->end || c->width == 0)
					continue;
				cells++;
				int col;
				struct layout_pos p2 = layout_pos_at(l, c->start, &col);
				if (p2.block != pos.block || p2.row != pos.row || col != c->col) {
					if (bad++ < 3)
						diag("width %d: offset %zu -> (%zu,%zu,%d), want (%zu,%zu,%d)",
						     widths[wi], c->start, p2.block, p2.row, col,
						     pos.block, pos.row, c->col);
				}
				/* Every byte of the cell maps to it. */
				for (size_t o = c->start + 1; o < c->end; o++) {
					p2 = layout_pos_at(l, o, &col);
					if (col != c->col || p2.row != pos.row)
						badoff++;
				}
				if (layout_offset_at(l, pos, c->col) != c->start ||
				    layout_offset_at(l, pos, c->col + c->width - 1) != c->start) {
					if (bad++ < 3)
						diag("width %d: (%zu,%zu,%d) -> %zu, want %zu", widths[wi],
						     pos.block, pos.row, c->col,
						     layout_offset_at(l, pos, c->col), c->start);
				}
			}
			more = layout_next_row(l, &pos);
		}
		ok(cells > 0 && bad == 0,
		   "width %d: offset -> (row, column) -> offset gives back every cell (%zu cells)",
		   widths[wi], cells);
		is_int(badoff, 0, "width %d: a byte inside a cluster maps to the cluster's column",
		       widths[wi]);
		layout_row_free(&row);
		layout_free(l);
	}

	/* Offsets not shown. */
	struct layout *l = layout_new(d, NULL, 40);
	int col;
	struct layout_pos p = layout_pos_at(l, doc_length(d) + 100, &col);
	struct layout_pos last;
	layout_last(l, &last);
	ok(p.block == last.block && p.row == last.row, "an offset past the end gives the last row");
	size_t lf = strchr(doc_text(d, NULL), '\n') - doc_text(d, NULL);
	p = layout_pos_at(l, lf, &col);
	is_int(p.block, 1, "the LF between two blocks belongs to the next block");
	is_int(p.row, 1, "... to its first text row, after the blank row");
	is_int(layout_offset_at(l, p, 0), lf + 1, "and column 0 of that row is the block's start");
	is_int(layout_row_offset(l, (struct layout_pos){ 1, 0 }), lf + 1,
	       "a blank row stands for the start of its block");
	layout_free(l);
	doc_free(d);
}

static void
test_resize(void)
{
	struct buf text = BUF_INIT;
	for (int i = 0; i < 40; i++)
		buf_printf(&text, "第%d段。這是一個很長的段落，用來測試改變寬度時頂端的位置不變。"
			   "It mixes English words in, too.\n", i);
	struct doc *d = mkdoc(text.data, DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 40);
	struct layout_pos top;
	layout_first(l, &top);
	layout_move(l, &top, 57);
	size_t off = layout_row_offset(l, top);
	const int widths[] = { 13, 80, 1, 200, 40 };
	bool same = true;
	for (size_t k = 0; k < GL_ARRAY_LEN(widths); k++) {
		layout_set_width(l, widths[k]);
		struct layout_pos p = layout_pos_at(l, off, NULL);
		struct layout_row row = LAYOUT_ROW_INIT;
		layout_get_row(l, p, &row);
		if (!(row.start <= off && off < row.end))
			same = false;
		layout_row_free(&row);
	}
	ok(same, "after each resize the text that was at the top is on the top row");
	layout_set_width(l, 40);
	struct layout_pos p = layout_pos_at(l, off, NULL);
	ok(p.block == top.block && p.row == top.row,
	   "resizing back gives the very same top row");
	layout_free(l);
	doc_free(d);
	buf_free(&text);
}

static void
test_navigation(void)
{
	struct doc *d = mkdoc(mixed_text, DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 17);
	struct layout_pos p;
	layout_first(l, &p);
	size_t down = layout_move(l, &p, 100000);
	struct layout_pos last;
	layout_last(l, &last);
	ok(p.block == last.block && p.row == last.row, "moving far down stops on the last row");
	size_t up = layout_move(l, &p, -100000);
	is_int(up, down, "moving back up passes as many rows as moving down");
	ok(p.block == 0 && p.row == 0, "and stops on the first row");
	struct layout_row row = LAYOUT_ROW_INIT;
	ok(!layout_get_row(l, (struct layout_pos){ 0, 1000 }, &row), "a row past a block's end does not exist");
	ok(!layout_get_row(l, (struct layout_pos){ 1000, 0 }, &row), "nor a block past the end");
	layout_row_free(&row);
	layout_free(l);
	doc_free(d);

	d = mkdoc("", DOC_FORMAT_VERBATIM);
	l = layout_new(d, NULL, 80);
	struct buf b = BUF_INIT;
	layout_dump(l, 0, 0, NULL, 0, &b);
	ok(b.len <= 1, "an empty document dumps nothing (or one empty row)");
	int col = 5;
	p = layout_pos_at(l, 0, &col);
	ok(p.block == 0 && p.row == 0 && col == 0, "an empty document's position is the origin");
	buf_free(&b);
	layout_free(l);
	doc_free(d);
}

static void
test_lazy(void)
{
	struct buf text = BUF_INIT;
	for (int i = 0; i < 50000; i++)
		buf_printf(&text, "第%d段：很短的一行。\n", i);
	struct doc *d = mkdoc(text.data, DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 80);
	is_int(layout_cached_rows(l), 0, "making a layout lays out nothing");
	struct layout_pos p;
	layout_first(l, &p);
	layout_move(l, &p, 50);
	ok(layout_cached_rows(l) < 100, "showing a first screen lays out only its blocks (%zu rows)",
	   layout_cached_rows(l));
	layout_last(l, &p);
	layout_move(l, &p, -50);
	ok(layout_cached_rows(l) < 200, "jumping to the end lays out only the end (%zu rows)",
	   layout_cached_rows(l));
	layout_first(l, &p);
	layout_move(l, &p, 100000000);
	ok(layout_cached_rows(l) <= ((size_t)1 << 18) + 64,
	   "walking the whole document keeps the cache bounded (%zu rows)", layout_cached_rows(l));
	layout_free(l);
	doc_free(d);

	/* One block of 3 MB: the first screen does not lay out all of it. */
	buf_clear(&text);
	while (text.len < 3 * 1024 * 1024)
		buf_puts(&text, "一段沒有換行的文字，重複很多次。Some words too. ");
	d = mkdoc(text.data, DOC_FORMAT_VERBATIM);
	l = layout_new(d, NULL, 80);
	layout_first(l, &p);
	layout_move(l, &p, 40);
	ok(layout_cached_rows(l) < 100, "the first screen of a 3 MB paragraph lays out few rows (%zu)",
	   layout_cached_rows(l));
	/* The same rows whatever is asked first (windows on a fixed grid). */
	struct layout *l2 = layout_new(d, NULL, 80);
	layout_pos_at(l2, doc_length(d) * 2 / 3, NULL);
	struct buf a = BUF_INIT, b = BUF_INIT;
	layout_dump(l, 0, LAYOUT_DUMP_OFFSETS, NULL, 0, &a);
	layout_dump(l2, 0, LAYOUT_DUMP_OFFSETS, NULL, 0, &b);
	ok(a.len > 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	   "a long block gives the same rows whether laid out from its start or its middle first");
	buf_free(&a);
	buf_free(&b);
	layout_free(l2);
	layout_free(l);
	doc_free(d);
	buf_free(&text);
}

static void
test_dump_flags(void)
{
	check_dump("ab cd\nxyz", DOC_FORMAT_VERBATIM, 3, LAYOUT_DUMP_OFFSETS,
		   "0-3\tab\n3-5\tcd\n6-6\t\n6-9\txyz\n",
		   "--dump offsets give each row's byte range, a blank row an empty one");
	struct doc *d = mkdoc("one two three four", DOC_FORMAT_VERBATIM);
	struct layout *l = layout_new(d, NULL, 9);
	struct layout_mark marks[] = { { 4, 13, NULL }, { 14, 16, NULL } };
	struct buf b = BUF_INIT;
	layout_dump(l, 0, 0, marks, 2, &b);
	is_str(b.data, "one [[two\nthree]]\n[[fo]]ur\n",
	       "marks are bracketed around the text they cover, across rows");
	buf_free(&b);
	layout_free(l);
	doc_free(d);
}

/* ------------------------------------------------------ property test */

static uint64_t rng_state;

static uint32_t
rng(void)
{
	/* xorshift64*: fixed seeds, the same texts everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t
pick(uint32_t n)
{
	return rng() % n;
}

static void
put_cp(struct buf *b, int32_t cp)
{
	char s[4];
	buf_append(b, s, u8_encode(cp, s));
}

static const char *const cjk_punct[] = {
	"，", "。", "、", "」", "』", "）", "》", "！", "？", "：", "；",
	"「", "『", "（", "《", "——", "…",
};
static const char *const latin_punct[] = { ",", ".", ":", ";", "?", "!", "(", ")", "\"", "-" };
static const char *const emoji[] = {
	"😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "🇹🇼", "1️⃣", "❤️", "🏳️‍🌈",
};

/* A random piece of text; `hostile` adds tabs, controls and zero-width
 * characters (which may legitimately put anything at a row's start). */
static void
random_piece(struct buf *b, bool hostile)
{
	switch (pick(hostile ? 12 : 10)) {
	case 0: case 1: {   /* Han */
		int n = 1 + (int)pick(12);
		for (int i = 0; i < n; i++)
			put_cp(b, 0x4E00 + (int32_t)pick(0x5000));
		break;
	}
	case 2: {           /* kana */
		int n = 1 + (int)pick(8);
		for (int i = 0; i < n; i++)
			put_cp(b, pick(2) ? 0x3042 + (int32_t)pick(80) : 0x30A2 + (int32_t)pick(80));
		break;
	}
	case 3: {           /* Hangul syllables and conjoining jamo */
		int n = 1 + (int)pick(6);
		for (int i = 0; i < n; i++) {
			if (pick(4) == 0) {
				put_cp(b, 0x1100 + (int32_t)pick(19));
				put_cp(b, 0x1161 + (int32_t)pick(21));
				if (pick(2))
					put_cp(b, 0x11A8 + (int32_t)pick(27));
			} else {
				put_cp(b, 0xAC00 + (int32_t)pick(11172));
			}
		}
		if (pick(2))
			buf_putc(b, ' ');
		break;
	}
	case 4: case 5: {   /* a Latin word, maybe with punctuation */
		int n = 1 + (int)pick(pick(8) == 0 ? 25 : 9);
		for (int i = 0; i < n; i++)
			buf_putc(b, (char)('a' + pick(26)));
		if (pick(3) == 0)
			buf_puts(b, latin_punct[pick(GL_ARRAY_LEN(latin_punct))]);
		buf_putc(b, ' ');
		break;
	}
	case 6: {           /* a number */
		int n = 1 + (int)pick(8);
		for (int i = 0; i < n; i++)
			buf_putc(b, (char)('0' + pick(10)));
		if (pick(2))
			buf_puts(b, pick(2) ? ".5" : ",000");
		buf_putc(b, ' ');
		break;
	}
	case 7:
		buf_puts(b, cjk_punct[pick(GL_ARRAY_LEN(cjk_punct))]);
		break;
	case 8:
		buf_puts(b, emoji[pick(GL_ARRAY_LEN(emoji))]);
		if (pick(2))
			buf_putc(b, ' ');
		break;
	case 9: {           /* a combining stack */
		buf_putc(b, (char)('a' + pick(26)));
		int n = 1 + (int)pick(5);
		for (int i = 0; i < n; i++)
			put_cp(b, 0x0300 + (int32_t)pick(0x30));
		break;
	}
	case 10:
		buf_putc(b, pick(2) ? '\t' : (char)(1 + pick(26)));
		break;
	default: {
		static const int32_t odd[] = { 0x200B, 0x202E, 0x2066, 0x00AD, 0x3000, 0x00A0, 0x7F, 0x85 };
		put_cp(b, odd[pick(GL_ARRAY_LEN(odd))]);
		break;
	}
	}
}

static bool
in_list(int32_t cp, const char *list)
{
	size_t n = strlen(list);
	for (size_t i = 0; i < n;) {
		int32_t c;
		i += u8_decode(list, n, i, &c);
		if (c == cp)
			return true;
	}
	return false;
}

static const char forbidden_start[] = "，。、」』）》！？：；,.:;?!";
static const char forbidden_end[] = "「『（《";

struct prop_stats {
	size_t docs, rows, failures;
	size_t forced_checked;
};

static void
prop_fail(struct prop_stats *ps, const char *what, int w, const char *text, size_t at)
{
	if (ps->failures++ < 5) {
		/* Some 60 bytes of text either side, on character starts. */
		size_t n = strlen(text);
		size_t a = at > 60 ? at - 60 : 0, z = at + 60 < n ? at + 60 : n;
		while (a > 0 && ((unsigned char)text[a] & 0xC0) == 0x80)
			a--;
		while (z < n && ((unsigned char)text[z] & 0xC0) == 0x80)
			z++;
		struct buf s = BUF_INIT;
		u8_safe(&s, text + a, z - a);
		diag("width %d, offset %zu: %s in \"%s\" (from offset %zu)", w, at, what, s.data, a);
		buf_free(&s);
	}
}

/* The width of [a, b) laid out from a row's start, without the spaces at
 * its end (what must fit for no break to be forced there). */
static int
run_width(const char *t, size_t a, size_t b)
{
	while (b > a && t[b - 1] == ' ')
		b--;
	int w = 0;
	size_t i = a;
	while (i < b) {
		size_t j = a + u8_next_cluster(t + a, b - a, i - a);
		w += u8_cluster_width(t + i, j - i);
		i = j;
	}
	return w;
}

static void
check_doc(struct prop_stats *ps, const struct doc *d, int w, bool hostile)
{
	size_t len;
	const char *t = doc_text(d, &len);
	struct layout *l = layout_new(d, NULL, w);
	struct layout_row row = LAYOUT_ROW_INIT;
	ps->docs++;
	for (size_t bi = 0; bi < doc_block_count(d); bi++) {
		const struct doc_block *blk = doc_block(d, bi);
		size_t bn = blk->end - blk->start;
		unsigned char *brk = xmalloc(bn + 1);
		u8_line_breaks(t + blk->start, bn, brk);
		/* Opportunities at cluster boundaries only. */
		unsigned char *opp = xcalloc(bn + 1, 1);
		for (size_t i = 0; i < bn;) {
			size_t j = u8_next_cluster(t + blk->start, bn, i);
			opp[j] = brk[j];
			i = j;
		}
		size_t expect = blk->start;
		bool prev_forced = false;
		struct layout_pos pos = { bi, 0 };
		while (layout_get_row(l, pos, &row)) {
			ps->rows++;
			if (row.flags & LAYOUT_ROW_BLANK) {
				pos.row++;
				continue;
			}
			if (row.width > w)
				prop_fail(ps, "row wider than the width", w, t, row.start);
			if (row.start != expect)
				prop_fail(ps, "rows do not tile the block", w, t, row.start);
			size_t at = row.start;
			int col = 0;
			int32_t first = 0, last = 0;
			for (size_t k = 0; k < row.ncells; k++) {
				const struct layout_cell *c = &row.cells[k];
				if (c->col != col || c->col + c->width > w)
					prop_fail(ps, "cell columns do not add up", w, t, c->start);
				col += c->width;
				if (c->start == c->end)
					continue;
				if (c->start != at)
					prop_fail(ps, "cells skip text", w, t, c->start);
				if (!first)
					first = first_cp(t + c->start, c->end - c->start);
				last = first_cp(t + c->start, c->end - c->start);
				at = c->end;
			}
			if (at != row.text_end)
				prop_fail(ps, "cells do not reach the shown end", w, t, at);
			for (size_t o = row.text_end; o < row.end; o++)
				if (t[o] != ' ' && t[o] != '\n')
					prop_fail(ps, "a row drops more than spaces", w, t, o);
			if (col != row.width)
				prop_fail(ps, "row width is not the sum of its cells", w, t, row.start);
			size_t rel = row.end - blk->start;
			bool hard = row.end < blk->end && brk[rel] == U8_BREAK_MANDATORY;
			if (w >= 6 && !hostile) {
				if (row.start != blk->start && !prev_forced && first &&
				    in_list(first, forbidden_start))
					prop_fail(ps, "row starts with a closing mark", w, t, row.start);
				if (row.end < blk->end && !hard && !(row.flags & LAYOUT_ROW_FORCED) &&
				    last && in_list(last, forbidden_end))
					prop_fail(ps, "row ends with an opening mark", w, t, row.start);
			}
			if (row.flags & LAYOUT_ROW_FORCED) {
				if (opp[rel])
					prop_fail(ps, "a forced break on a break opportunity", w, t, row.end);
				if (!hostile) {
					/* The run holding the break must be wider than a row. */
					size_t a = rel, b = rel;
					while (a > 0 && !opp[a])
						a--;
					while (b < bn && !opp[b])
						b++;
					ps->forced_checked++;
					if (run_width(t + blk->start, a, b) <= w)
						prop_fail(ps, "a forced break in a run that fits a row", w, t, row.end);
				}
			}
			prev_forced = row.flags & LAYOUT_ROW_FORCED;
			expect = row.end;
			pos.row++;
		}
		if (expect != blk->end)
			prop_fail(ps, "rows stop before the block's end", w, t, expect);
		free(brk);
		free(opp);
	}
	layout_row_free(&row);
	layout_free(l);
}

static void
test_property(uint64_t seed, int ndocs)
{
	struct prop_stats ps = { 0, 0, 0, 0 };
	struct prop_stats hs = { 0, 0, 0, 0 };
	rng_state = seed;
	for (int n = 0; n < ndocs; n++) {
		bool hostile = n % 3 == 2;
		struct buf text = BUF_INIT;
		int lines = 1 + (int)pick(4);
		for (int li = 0; li < lines; li++) {
			int pieces = 1 + (int)pick(40);
			for (int k = 0; k < pieces; k++)
				random_piece(&text, hostile);
			buf_putc(&text, '\n');
		}
		struct doc *d = mkdoc(text.data, DOC_FORMAT_VERBATIM);
		int w = pick(4) == 0 ? 1 + (int)pick(8) : 1 + (int)pick(200);
		check_doc(hostile ? &hs : &ps, d, w, hostile);
		doc_free(d);
		buf_free(&text);
	}
	ok(ps.failures == 0,
	   "seed %llu: %zu random texts in every script at random widths: rows fit, give back "
	   "the text, no forbidden start or end from width 6, forced breaks only in runs "
	   "wider than a row (%zu rows, %zu forced breaks checked)",
	   (unsigned long long)seed, ps.docs, ps.rows, ps.forced_checked);
	ok(hs.failures == 0,
	   "seed %llu: %zu random texts with tabs, controls and zero-width characters: rows fit "
	   "and give back the text (%zu rows)",
	   (unsigned long long)seed, hs.docs, hs.rows);
}

int
main(void)
{
	test_wrapping();
	test_narrow();
	test_tabs_and_controls();
	test_blocks();
	test_korean_keep_all();
	test_korean_particles();
	test_tables();
	test_nested_containers();
	test_offsets();
	test_resize();
	test_navigation();
	test_lazy();
	test_dump_flags();
	test_property(UINT64_C(0x9E3779B97F4A7C15), 1500);
	test_property(UINT64_C(20250728), 300);
	test_property(UINT64_C(1), 300);
	test_property(UINT64_C(0xC0FFEE), 300);
	return tap_done();
}
