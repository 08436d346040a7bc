/* anchor: a highlight made on one version of an article is found again on
 * the next version, or honestly reported as lost.  The articles are in
 * tests/data/anchor/: zh-v1 and en-v1, and edited versions of each. */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/u8.h"
#include "gloss/util.h"
#include "../tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct text {
	char *s;
	size_t len;
};

static struct text
load(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/data/anchor/%s", top ? top : ".", name);
	struct text t = { NULL, 0 };
	struct gl_error err;
	if (gl_read_file(path, &t.s, &t.len, 1 << 20, &err) != GL_OK) {
		printf("Bail out! cannot read %s: %s\n", path, err.message);
		exit(1);
	}
	free(path);
	return t;
}

/* The code point offset of the nth (1-based) occurrence of needle. */
static size_t
cp_of(const struct text *t, const char *needle, int nth)
{
	const char *p = t->s;
	size_t n = strlen(needle);
	for (;;) {
		p = memmem(p, t->len - (size_t)(p - t->s), needle, n);
		if (!p) {
			printf("Bail out! \"%s\" (#%d) is not in the fixture\n", needle, nth);
			exit(1);
		}
		if (--nth == 0)
			return u8_count_cp(t->s, (size_t)(p - t->s));
		p++;
	}
}

static size_t
cp_len(const char *s)
{
	return u8_count_cp(s, strlen(s));
}

/* A selector for the nth occurrence of quote in t. */
static void
select_quote(const struct text *t, const char *quote, int nth, struct anchor_selector *sel)
{
	size_t start = cp_of(t, quote, nth);
	if (anchor_make(t->s, t->len, start, start + cp_len(quote), sel, NULL) != GL_OK) {
		printf("Bail out! anchor_make failed for \"%s\"\n", quote);
		exit(1);
	}
}

/* The text of the code point range [start, end) of t (caller frees). */
static char *
range_text(const struct text *t, size_t start, size_t end)
{
	struct anchor_text *at = anchor_text_new(t->s, t->len);
	size_t b0 = anchor_text_cp_to_byte(at, start), b1 = anchor_text_cp_to_byte(at, end);
	anchor_text_free(at);
	return xstrndup(t->s + b0, b1 > b0 ? b1 - b0 : 0);
}

/* Makes a selector for `quote` (occurrence nth) in `from`, resolves it on
 * `to`, and checks the state and, unless orphan, that the range found
 * holds want_text and starts where the first occurrence of `where` (NULL:
 * want_text) starts in `to`. */
static void
check(const struct text *from, const char *quote, int nth, const struct text *to,
      enum anchor_state want_state, const char *want_text, const char *where,
      const char *what)
{
	struct anchor_selector sel;
	struct anchor_result res;
	select_quote(from, quote, nth, &sel);
	anchor_resolve(to->s, to->len, &sel, &res);
	if (!ok(res.state == want_state, "%s: %s", what, anchor_state_name(want_state)))
		diag("  got %s [%zu, %zu) score %.3f", anchor_state_name(res.state),
		     res.start, res.end, res.score);
	if (want_state == ANCHOR_ORPHAN) {
		ok(res.start == sel.start && res.end == sel.end,
		   "%s: an orphan keeps its old offsets", what);
	} else {
		char *got = range_text(to, res.start, res.end);
		is_str(got, want_text, "%s: the range found holds the right text", what);
		is_int(res.start, cp_of(to, where ? where : want_text, 1),
		       "%s: at the right place", what);
		free(got);
	}
	anchor_selector_free(&sel);
}

static void
test_same_text(void)
{
	struct text zh = load("zh-v1.txt");
	struct anchor_selector sel;
	struct anchor_result res;
	select_quote(&zh, "東方經濟論壇", 1, &sel);
	is_int(sel.start, cp_of(&zh, "東方經濟論壇", 1), "a selector starts at the code point selected");
	is_int(sel.end - sel.start, 6, "a selector of six CJK characters is six code points long");
	is_str(sel.exact, "東方經濟論壇", "the quote is the selected text");
	is_int(cp_len(sel.prefix), ANCHOR_CONTEXT_CP, "the prefix is 32 code points of context");
	is_int(cp_len(sel.suffix), ANCHOR_CONTEXT_CP, "the suffix is 32 code points of context");
	ok(strstr(zh.s, sel.prefix) && strstr(zh.s, sel.suffix), "prefix and suffix are text of the article");
	anchor_resolve(zh.s, zh.len, &sel, &res);
	is_int(res.state, ANCHOR_EXACT, "on the same text a highlight is exact");
	ok(res.start == sel.start && res.end == sel.end && res.score == 1.0,
	   "an exact highlight keeps its offsets and scores 1");
	struct anchor_selector copy;
	anchor_selector_copy(&copy, &sel);
	ok(copy.exact != sel.exact && strcmp(copy.exact, sel.exact) == 0 &&
	   strcmp(copy.prefix, sel.prefix) == 0 && copy.start == sel.start,
	   "a copied selector has its own strings with the same text");
	anchor_selector_free(&copy);
	anchor_selector_free(&sel);
	ok(sel.exact == NULL && sel.prefix == NULL && sel.suffix == NULL,
	   "a freed selector is empty");
	anchor_selector_free(&sel);
	ok(1, "freeing an empty selector again is harmless");
	free(zh.s);
}

static void
test_zh_inserted(void)
{
	struct text v1 = load("zh-v1.txt"), v2 = load("zh-v2-inserted.txt");
	check(&v1, "東方經濟論壇", 1, &v2, ANCHOR_EXACT, "東方經濟論壇", NULL,
	      "a quote above an inserted paragraph");
	check(&v1, "俄羅斯的天然氣出口高度依賴通往歐洲的管線", 1, &v2, ANCHOR_MOVED,
	      "俄羅斯的天然氣出口高度依賴通往歐洲的管線", NULL,
	      "a quote below an inserted paragraph");
	/* 普京 is in the article seven times, and once more in the inserted
	 * paragraph: the fourth one is "普京此行". */
	check(&v1, "普京", 4, &v2, ANCHOR_MOVED, "普京", "普京此行",
	      "a name quoted among many (普京, 4th of 7) is found by its context");
	check(&v1, "普京", 7, &v2, ANCHOR_MOVED, "普京", "普京的亞洲之行",
	      "the last of seven 普京 is found by its context");
	check(&v1, "普京", 1, &v2, ANCHOR_EXACT, "普京", NULL,
	      "the first 普京, above the insertion, is exact");
	free(v1.s);
	free(v2.s);
}

static void
test_zh_deleted(void)
{
	struct text v1 = load("zh-v1.txt"), v3 = load("zh-v3-deleted.txt");
	check(&v1, "普京此行刻意安排與多國領袖會面", 1, &v3, ANCHOR_EXACT,
	      "普京此行刻意安排與多國領袖會面", NULL,
	      "a quote above a deleted paragraph");
	check(&v1, "技術與金融制裁讓大型合作案步履維艱", 1, &v3, ANCHOR_MOVED,
	      "技術與金融制裁讓大型合作案步履維艱", NULL,
	      "a quote below a deleted paragraph");
	check(&v1, "大家都想買便宜的能源,但沒有人想為此付出政治代價", 1, &v3,
	      ANCHOR_ORPHAN, NULL, NULL, "a quote in the deleted paragraph");
	/* 能源 still appears four times, all in other sentences. */
	check(&v1, "能源", 3, &v3, ANCHOR_ORPHAN, NULL, NULL,
	      "a two-character quote whose context was deleted is not moved to another 能源");
	free(v1.s);
	free(v3.s);
}

static void
test_zh_reordered(void)
{
	struct text v1 = load("zh-v1.txt"), v4 = load("zh-v4-reordered.txt");
	check(&v1, "莫斯科只能把目光轉向東方", 1, &v4, ANCHOR_MOVED,
	      "莫斯科只能把目光轉向東方", NULL, "a quote in a section moved down");
	check(&v1, "部分國家只派出部長級官員出席", 1, &v4, ANCHOR_MOVED,
	      "部分國家只派出部長級官員出席", NULL, "a quote in a section moved up");
	/* 油輪 three times: the heading, "老舊油輪", "這些油輪". */
	check(&v1, "油輪", 2, &v4, ANCHOR_MOVED, "油輪", "油輪承運",
	      "a two-character quote in a moved section is found by its context");
	check(&v1, "普京", 4, &v4, ANCHOR_MOVED, "普京", "普京此行",
	      "a 普京 in a moved section is the right one of seven");
	check(&v1, "下一次論壇", 1, &v4, ANCHOR_EXACT, "下一次論壇", NULL,
	      "a quote after the reordered sections");
	free(v1.s);
	free(v4.s);
}

static void
test_zh_edited(void)
{
	struct text v1 = load("zh-v1.txt"), v5 = load("zh-v5-edited.txt");
	check(&v1, "這些油輪保險不足、船齡編高,一旦在麻六甲海峽發生事故,後果難以估記", 1,
	      &v5, ANCHOR_FUZZY,
	      "這些油輪保險不足、船齡偏高,一旦在麻六甲海峽發生事故,後果難以估計", NULL,
	      "a quote whose two typos were fixed");
	check(&v1, "編高,一旦在麻六甲海峽發生事故", 1, &v5, ANCHOR_FUZZY,
	      "偏高,一旦在麻六甲海峽發生事故", NULL,
	      "a quote whose first character was corrected covers the corrected character");
	check(&v1, "一旦在麻六甲海峽發生事故,後果難以估記", 1, &v5, ANCHOR_FUZZY,
	      "一旦在麻六甲海峽發生事故,後果難以估計", NULL,
	      "a quote whose last character was corrected covers the corrected character");
	check(&v1, "這句話道出了亞洲國家的普遍心態", 1, &v5, ANCHOR_ORPHAN, NULL, NULL,
	      "a sentence rewritten in other words");
	check(&v1, "在經濟上保持往來", 1, &v5, ANCHOR_MOVED, "在經濟上保持往來", NULL,
	      "a quote right after the rewritten sentence");

	struct anchor_selector sel;
	struct anchor_result res;
	select_quote(&v1, "這些油輪保險不足、船齡編高,一旦在麻六甲海峽發生事故,後果難以估記", 1, &sel);
	anchor_resolve(v5.s, v5.len, &sel, &res);
	ok(res.score >= ANCHOR_MIN_SCORE && res.score < 1,
	   "a fuzzy match scores below 1 and above the minimum (%.3f)", res.score);
	anchor_selector_free(&sel);
	free(v1.s);
	free(v5.s);
}

static void
test_en(void)
{
	struct text v1 = load("en-v1.txt"), v2 = load("en-v2-rewrapped.txt"),
		v3 = load("en-v3-edited.txt");
	struct anchor_selector sel;
	struct anchor_result res;

	/* Re-wrapping: each paragraph's lines joined with spaces. */
	check(&v1, "Austrian Railways bought the routes", 1, &v2, ANCHOR_EXACT,
	      "Austrian Railways bought the routes", NULL,
	      "a quote inside one line of a re-wrapped paragraph");
	select_quote(&v1, "beaten\nby cheap flights", 1, &sel);
	anchor_resolve(v2.s, v2.len, &sel, &res);
	is_int(res.state, ANCHOR_FUZZY, "a quote across a line break of a re-joined paragraph is fuzzy");
	char *got = range_text(&v2, res.start, res.end);
	is_str(got, "beaten by cheap flights", "and it covers the re-joined words");
	free(got);
	ok(res.score > 0.99, "and whitespace alone costs nothing in the score (%.3f)", res.score);
	anchor_selector_free(&sel);
	select_quote(&v2, "Belgium, Sweden and the Netherlands followed, and a sleeper from Brussels", 1, &sel);
	anchor_resolve(v1.s, v1.len, &sel, &res);
	is_int(res.state, ANCHOR_FUZZY, "a quote made on the joined text is found on the hard-wrapped one");
	got = range_text(&v1, res.start, res.end);
	is_str(got, "Belgium, Sweden and the Netherlands followed, and a sleeper from\nBrussels",
	       "and covers the same words");
	free(got);
	anchor_selector_free(&sel);

	/* An edited version: a paragraph inserted at the top, typos fixed, a
	 * paragraph deleted, a sentence rewritten. */
	check(&v1, "The Return of the Night Train", 1, &v3, ANCHOR_EXACT,
	      "The Return of the Night Train", NULL, "the title at the very start");
	check(&v1, "Austrian Railways bought the routes", 1, &v3, ANCHOR_MOVED,
	      "Austrian Railways bought the routes", NULL, "a quote below an inserted paragraph");
	check(&v1, "you recieve a full night of sleep on a seperate bunk", 1, &v3, ANCHOR_FUZZY,
	      "you receive a full night of sleep on a separate bunk", NULL,
	      "a quote whose spelling mistakes were corrected");
	check(&v1, "Critics point out that tickets often cost\nmore than a flight", 1, &v3,
	      ANCHOR_ORPHAN, NULL, NULL, "a quote in a deleted paragraph");
	check(&v1, "Track work is usually scheduled at night, exactly when the\nsleepers want to run.",
	      1, &v3, ANCHOR_ORPHAN, NULL, NULL, "a sentence rewritten in other words");
	/* "night train" is in v1 and v3 six times (and once across a line
	 * break); the sixth is "Until then, the night train". */
	check(&v1, "night train", 6, &v3, ANCHOR_MOVED, "night train", "night train will remain",
	      "a phrase that occurs six times is placed by its context");
	check(&v1, "night train", 4, &v3, ANCHOR_MOVED, "night train", "night train\ncarriages",
	      "another of the six is placed by its context");

	/* The sentence around the sixth "night train" rewritten, and another
	 * sentence with "night train" in its place whose words around it are
	 * a little alike (it scores 0.73 but neither side supports it): the
	 * highlight is lost, not moved to another of the six. */
	struct buf b = BUF_INIT;
	const char *until = strstr(v1.s, "Until then, the night train will remain a small\nmarket");
	const char *next = strstr(until, "do not.");
	buf_append(&b, v1.s, (size_t)(until - v1.s));
	buf_puts(&b, "Booking a ticket is still hard, and the night train often sells\n"
		 "out a small number of weeks ahead.");
	buf_puts(&b, next + strlen("do not."));
	struct text gone = { b.data, b.len };
	check(&v1, "night train", 6, &gone, ANCHOR_ORPHAN, NULL, NULL,
	      "a phrase that occurs six times, whose own sentence was rewritten, is not moved to another");
	buf_free(&b);

	/* A sentence reworded: a few words changed, it is fuzzy; a third of
	 * it changed, it is no longer the sentence that was highlighted, even
	 * with the sentences around it intact. */
	const char *track = "Track work is usually scheduled at night, exactly when the\nsleepers want to run.";
	const char *at_track = strstr(v1.s, track);
	buf_append(&b, v1.s, (size_t)(at_track - v1.s));
	buf_puts(&b, "Track work is mostly planned at night, just when the\nsleepers need to run.");
	buf_puts(&b, at_track + strlen(track));
	struct text few = { b.data, b.len };
	check(&v1, track, 1, &few, ANCHOR_FUZZY,
	      "Track work is mostly planned at night, just when the\nsleepers need to run.", NULL,
	      "a sentence with a few words changed (72% alike)");
	buf_free(&b);
	buf_append(&b, v1.s, (size_t)(at_track - v1.s));
	buf_puts(&b, "Track repairs are mostly planned at night, just when the\nsleepers need to run.");
	buf_puts(&b, at_track + strlen(track));
	struct text many = { b.data, b.len };
	check(&v1, track, 1, &many, ANCHOR_ORPHAN, NULL, NULL,
	      "a sentence with a third of it changed (61% alike), its neighbours intact");
	buf_free(&b);

	/* A paragraph copied further down: the highlight stays on the copy
	 * nearest its old place. */
	const char *surveys = strstr(v1.s, "Surveys of passengers");
	const char *surveys_end = strstr(surveys, "\n\n") + 2;
	buf_puts(&b, "A new first line.\n");
	buf_append(&b, v1.s, v1.len);
	buf_append(&b, surveys, (size_t)(surveys_end - surveys));
	struct text dup = { b.data, b.len };
	check(&v1, "a hotel room, arrives in the centre", 1, &dup, ANCHOR_MOVED,
	      "a hotel room, arrives in the centre", NULL,
	      "a paragraph copied further down: the highlight stays on the nearer copy");
	buf_free(&b);

	/* A sentence edited a little, its paragraph moved to the end and the
	 * words on both sides changed a little too: still found. */
	const char *para = strstr(v1.s, "Now the night train is back.");
	const char *para_end = strstr(para, "\n\n") + 2;
	buf_append(&b, v1.s, (size_t)(para - v1.s));
	buf_append(&b, para_end, strlen(para_end));
	buf_puts(&b, "\nThe night train is now back. Austrian Railways bought the routes that\n"
		 "Germany had abandoned and filled them in one season. New operators from\n"
		 "Belgium and Sweden followed.\n");
	struct text moved = { b.data, b.len };
	select_quote(&v1, "Austrian Railways bought the routes that\nGermany abandoned and filled them within a season.", 1, &sel);
	anchor_resolve(moved.s, moved.len, &sel, &res);
	is_int(res.state, ANCHOR_FUZZY, "an edited sentence in a moved paragraph, its neighbours edited too, is fuzzy");
	got = range_text(&moved, res.start, res.end);
	is_str(got, "Austrian Railways bought the routes that\nGermany had abandoned and filled them in one season.",
	       "and covers the edited sentence");
	free(got);
	anchor_selector_free(&sel);
	buf_free(&b);

	free(v1.s);
	free(v2.s);
	free(v3.s);
}

static void
test_edges(void)
{
	struct text en = load("en-v1.txt"), en3 = load("en-v3-edited.txt"),
		zh = load("zh-v1.txt"), zh2 = load("zh-v2-inserted.txt");
	struct anchor_text *at = anchor_text_new(en.s, en.len);
	size_t n = anchor_text_length_cp(at);
	struct anchor_selector sel;
	struct anchor_result res;

	/* The whole document. */
	ok(anchor_make_in(at, 0, n, &sel, NULL) == GL_OK, "the whole article can be selected");
	is_str(sel.prefix, "", "the whole article has no prefix");
	is_str(sel.suffix, "", "and no suffix");
	is_int(strlen(sel.exact), en.len, "its quote is the whole text");
	anchor_resolve_in(at, &sel, &res);
	ok(res.state == ANCHOR_EXACT && res.start == 0 && res.end == n,
	   "a note on the whole article is exact on the same text");
	anchor_selector_free(&sel);

	struct anchor_text *zat = anchor_text_new(zh.s, zh.len);
	anchor_make_in(zat, 0, anchor_text_length_cp(zat), &sel, NULL);
	anchor_resolve(zh2.s, zh2.len, &sel, &res);
	ok(res.state == ANCHOR_FUZZY && res.start == 0 && res.end == u8_count_cp(zh2.s, zh2.len),
	   "a note on the whole article covers the whole edited article (fuzzy)");
	anchor_selector_free(&sel);
	anchor_text_free(zat);

	/* Empty ranges: a point between two characters. */
	size_t p = cp_of(&en, "Surveys of passengers", 1);
	ok(anchor_make_in(at, p, p, &sel, NULL) == GL_OK, "an empty range can be selected");
	is_str(sel.exact, "", "its quote is empty");
	anchor_resolve_in(at, &sel, &res);
	ok(res.state == ANCHOR_EXACT && res.start == p && res.end == p,
	   "an empty range is exact on the same text");
	anchor_resolve(en3.s, en3.len, &sel, &res);
	ok(res.state == ANCHOR_MOVED && res.start == cp_of(&en3, "Surveys of passengers", 1) &&
	   res.end == res.start, "an empty range below an inserted paragraph moves with its context");
	anchor_selector_free(&sel);
	p = cp_of(&en, "tickets often cost", 1);
	anchor_make_in(at, p, p, &sel, NULL);
	anchor_resolve(en3.s, en3.len, &sel, &res);
	ok(res.state == ANCHOR_ORPHAN && res.start == p,
	   "an empty range in a deleted paragraph is an orphan");
	anchor_selector_free(&sel);

	/* The very start and the very end. */
	anchor_make_in(at, 0, 10, &sel, NULL);
	is_str(sel.prefix, "", "a range at the start has an empty prefix");
	anchor_resolve(en3.s, en3.len, &sel, &res);
	ok(res.state == ANCHOR_EXACT && res.start == 0 && res.end == 10,
	   "a range at the start stays exact");
	anchor_selector_free(&sel);
	anchor_make_in(at, n - 12, n, &sel, NULL);
	is_str(sel.suffix, "", "a range at the end has an empty suffix");
	is_str(sel.exact, "who do not.\n", "a range at the end holds the last characters");
	size_t n3 = u8_count_cp(en3.s, en3.len);
	anchor_resolve(en3.s, en3.len, &sel, &res);
	ok(res.state == ANCHOR_MOVED && res.end == n3 && res.start == n3 - 12,
	   "a range at the end moves to the new end");
	anchor_selector_free(&sel);

	/* A line added above a quote at the very start: the quote also ends
	 * the article (the closing line repeats the title's words). */
	struct text zh0 = { NULL, 0 };
	zh0.s = xasprintf("編者按:本文於週五更新。\n%s", zh.s);
	zh0.len = strlen(zh0.s);
	check(&zh, "從「冷場」到「熱線」", 1, &zh0, ANCHOR_MOVED, "從「冷場」到「熱線」", NULL,
	      "a quote at the very start still found when a line is added above it");
	free(zh0.s);

	/* Ranges out of the text are refused. */
	struct gl_error err;
	sel.exact = (char *)"x";
	is_int(anchor_make_in(at, 5, 4, &sel, &err), GL_USAGE, "a range that ends before it starts is refused");
	ok(sel.exact == NULL, "and leaves the selector empty");
	is_int(anchor_make_in(at, 0, n + 1, &sel, &err), GL_USAGE,
	       "a range past the end of the text is refused");
	ok(strstr(err.message, "past the end") != NULL, "with a message that says so");

	anchor_text_free(at);
	free(en.s);
	free(en3.s);
	free(zh.s);
	free(zh2.s);
}

static void
test_code_points(void)
{
	/* 𠀀 is one code point of four bytes. */
	const char *astral = "A𠀀B𠀁C";
	struct anchor_selector sel;
	struct anchor_result res;
	ok(anchor_make(astral, strlen(astral), 1, 2, &sel, NULL) == GL_OK, "an astral character can be selected");
	is_str(sel.exact, "𠀀", "code point 1 of \"A𠀀B\" is 𠀀");
	is_str(sel.suffix, "B𠀁C", "and the suffix counts code points, not bytes or UTF-16 units");
	anchor_selector_free(&sel);

	struct anchor_text *at = anchor_text_new(astral, strlen(astral));
	is_int(anchor_text_length_cp(at), 5, "A𠀀B𠀁C is five code points");
	is_int(anchor_text_cp_to_byte(at, 3), 6, "code point 3 starts at byte 6");
	is_int(anchor_text_byte_to_cp(at, 6), 3, "byte 6 is code point 3");
	is_int(anchor_text_byte_to_cp(at, 3), 1, "a byte inside 𠀀 counts as 𠀀");
	is_int(anchor_text_cp_to_byte(at, 99), strlen(astral), "a code point past the end is the end");
	anchor_text_free(at);

	/* A moved quote with astral characters keeps code point offsets. */
	const char *before = "𠀀𠀁𠀂 甲乙丙丁戊己 𠀃𠀄 庚辛壬癸 𠀅";
	const char *after = "𠀆𠀇𠀈𠀉 新的一行\n𠀀𠀁𠀂 甲乙丙丁戊己 𠀃𠀄 庚辛壬癸 𠀅";
	size_t qs = 4;   /* 甲 */
	anchor_make(before, strlen(before), qs, qs + 10, &sel, NULL);
	is_str(sel.exact, "甲乙丙丁戊己 𠀃𠀄 ", "a quote among astral characters");
	anchor_resolve(after, strlen(after), &sel, &res);
	is_int(res.state, ANCHOR_MOVED, "a quote among astral characters moves");
	is_int(res.start, qs + 10, "by the ten code points added above it");
	anchor_selector_free(&sel);

	/* A combining sequence without a precomposed form (q + U+0303) and
	 * an emoji ZWJ sequence are single clusters: never split. */
	const char *comb = "xq\xcc\x83y a\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb" "b";
	/* code points: x0 q1 ~2 y3 ' '4 a5 woman6 zwj7 laptop8 b9 */
	anchor_make(comb, strlen(comb), 2, 3, &sel, NULL);
	ok(sel.start == 1 && sel.end == 3, "selecting a combining mark selects its base too");
	is_str(sel.exact, "q\xcc\x83", "and the quote is the whole cluster");
	anchor_selector_free(&sel);
	anchor_make(comb, strlen(comb), 1, 2, &sel, NULL);
	ok(sel.start == 1 && sel.end == 3, "selecting a base letter takes its combining mark");
	anchor_selector_free(&sel);
	anchor_make(comb, strlen(comb), 7, 8, &sel, NULL);
	ok(sel.start == 6 && sel.end == 9, "selecting inside an emoji ZWJ sequence takes all of it");
	anchor_selector_free(&sel);
	anchor_make(comb, strlen(comb), 7, 7, &sel, NULL);
	ok(sel.start == 6 && sel.end == 6, "an empty range inside a cluster moves to its start");
	anchor_selector_free(&sel);
	anchor_make(comb, strlen(comb), 5, 10, &sel, NULL);
	is_str(sel.prefix, "xq\xcc\x83y ", "a prefix holds whole clusters");
	anchor_selector_free(&sel);
	/* A 40-code-point context would cut a cluster at 32: the prefix is
	 * shortened to a boundary. */
	struct buf marks = BUF_INIT;
	buf_puts(&marks, "a");
	for (int i = 0; i < 39; i++)
		buf_puts(&marks, "\xcc\x81");   /* U+0301 */
	buf_puts(&marks, "Z");
	anchor_make(marks.data, marks.len, 40, 41, &sel, NULL);
	is_str(sel.prefix, "", "a context that would cut a long cluster is cut before it");
	anchor_selector_free(&sel);
	buf_free(&marks);

	/* A mark added to a quoted letter: the letter alone no longer stands
	 * there; the match widens to the cluster and says it is fuzzy. */
	const char *plain = "note: x";
	const char *marked = "note: x\xcc\x83";
	anchor_make(plain, strlen(plain), 6, 7, &sel, NULL);
	anchor_resolve(marked, strlen(marked), &sel, &res);
	ok(res.state == ANCHOR_FUZZY && res.start == 6 && res.end == 8,
	   "a quote whose letter gained a combining mark is fuzzy and covers the whole cluster");
	anchor_selector_free(&sel);

	/* CJK hard wrap re-joined with nothing between the characters. */
	const char *wrapped = "前言很短。\n第一段的文字在這裡換行\n接著是第二行的內容,然後結束。\n後記。";
	const char *joined = "前言很短。\n第一段的文字在這裡換行接著是第二行的內容,然後結束。\n後記。";
	struct text w = { (char *)wrapped, strlen(wrapped) }, j = { (char *)joined, strlen(joined) };
	select_quote(&w, "在這裡換行\n接著是第二行的內容", 1, &sel);
	anchor_resolve(j.s, j.len, &sel, &res);
	is_int(res.state, ANCHOR_FUZZY, "a CJK quote across a re-joined line break is fuzzy");
	char *got = range_text(&j, res.start, res.end);
	is_str(got, "在這裡換行接著是第二行的內容", "and covers the joined characters");
	free(got);
	anchor_selector_free(&sel);
}

static void
test_short_quotes(void)
{
	/* An empty prefix means "at the start of the text": a quote that
	 * opened the article, now reworded and below a new first line, is not
	 * placed by its suffix alone. */
	const char *opened = "能源問題很重要,各國都在討論。\n第二段。";
	const char *later = "新的標題\n能量問題很重要,各國都在討論。\n第二段。";
	struct text o = { (char *)opened, strlen(opened) }, l = { (char *)later, strlen(later) };
	check(&o, "能源", 1, &l, ANCHOR_ORPHAN, NULL, NULL,
	      "a changed two-character quote that opened the article, no longer at its start");
	check(&o, "能源問題很重要,各國都在討論", 1, &l, ANCHOR_FUZZY, "能量問題很重要,各國都在討論", NULL,
	      "a longer quote there, one character changed, is fuzzy");

	struct text zh = load("zh-v1.txt");
	/* 普京 → 普丁 (another transliteration) in one place, context kept. */
	struct buf b = BUF_INIT;
	const char *at = strstr(zh.s, "普京此行");
	buf_append(&b, zh.s, (size_t)(at - zh.s));
	buf_puts(&b, "普丁此行");
	buf_puts(&b, at + strlen("普京此行"));
	struct text ed = { b.data, b.len };
	check(&zh, "普京", 4, &ed, ANCHOR_FUZZY, "普丁", "普丁此行",
	      "a two-character name spelled differently, its context intact, is fuzzy");
	/* With the context gone too, the same quote is never moved to one
	 * of the six other 普京. */
	struct buf c = BUF_INIT;
	const char *para = strstr(zh.s, "普京此行");
	const char *eol = strchr(para, '\n');
	buf_append(&c, zh.s, (size_t)(para - zh.s));
	buf_puts(&c, "此段已刪除。");
	buf_puts(&c, eol);
	struct text gone = { c.data, c.len };
	check(&zh, "普京", 4, &gone, ANCHOR_ORPHAN, NULL, NULL,
	      "a two-character quote whose sentence is gone is an orphan, not another 普京");
	buf_free(&b);
	buf_free(&c);
	free(zh.s);
}

/* A small deterministic generator for the property tests. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t
rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static void
test_random_ranges(void)
{
	const char *names[] = { "zh-v1.txt", "en-v1.txt" };
	for (size_t f = 0; f < 2; f++) {
		struct text t = load(names[f]);
		struct anchor_text *at = anchor_text_new(t.s, t.len);
		size_t n = anchor_text_length_cp(at);
		int bad = 0, same = 0;
		for (int i = 0; i < 300; i++) {
			size_t a = rng() % (n + 1), len = rng() % 60;
			size_t e = a + len > n ? n : a + len;
			struct anchor_selector sel;
			struct anchor_result res;
			anchor_make_in(at, a, e, &sel, NULL);
			if (sel.start == a && sel.end == e)
				same++;
			anchor_resolve_in(at, &sel, &res);
			if (res.state != ANCHOR_EXACT || res.start != sel.start || res.end != sel.end) {
				if (bad++ < 3)
					diag("  [%zu, %zu) -> %s [%zu, %zu)", sel.start, sel.end,
					     anchor_state_name(res.state), res.start, res.end);
			}
			anchor_selector_free(&sel);
		}
		is_int(bad, 0, "%s: 300 random ranges are exact, with the same offsets, on the same text",
		       names[f]);
		is_int(same, 300, "%s: a range of whole characters is not widened", names[f]);
		anchor_text_free(at);
		free(t.s);
	}

	/* After a paragraph is inserted, every range below it moves by the
	 * inserted length, however short. */
	struct text v1 = load("zh-v1.txt"), v2 = load("zh-v2-inserted.txt");
	struct anchor_text *a1 = anchor_text_new(v1.s, v1.len), *a2 = anchor_text_new(v2.s, v2.len);
	size_t from = cp_of(&v1, "能源:從管線到油輪", 1);
	size_t shift = cp_of(&v2, "能源:從管線到油輪", 1) - from;
	size_t n = anchor_text_length_cp(a1);
	int bad = 0;
	for (int i = 0; i < 300; i++) {
		size_t a = from + rng() % (n - from), len = 1 + rng() % 20;
		size_t e = a + len > n ? n : a + len;
		struct anchor_selector sel;
		struct anchor_result res;
		anchor_make_in(a1, a, e, &sel, NULL);
		anchor_resolve_in(a2, &sel, &res);
		if (res.state != ANCHOR_MOVED || res.start != a + shift || res.end != e + shift) {
			if (bad++ < 3)
				diag("  \"%s\" [%zu, %zu) -> %s [%zu, %zu), want [%zu, %zu)", sel.exact,
				     sel.start, sel.end, anchor_state_name(res.state), res.start,
				     res.end, a + shift, e + shift);
		}
		anchor_selector_free(&sel);
	}
	is_int(bad, 0, "300 random ranges below an inserted paragraph all move by its length");
	anchor_text_free(a1);
	anchor_text_free(a2);
	free(v1.s);
	free(v2.s);
}

/* A 1 MB article with 10,000 highlights, edited near the top and in the
 * middle: every highlight is placed, without a search of the whole text
 * for each. */
static void
append_paragraph(struct buf *b, size_t chars)
{
	char u[4];
	for (size_t i = 0; i < chars; i++) {
		int32_t cp = 0x4E00 + (int32_t)(rng() % 3000);
		if (i % 23 == 22)
			cp = 0xFF0C;   /* ， */
		buf_append(b, u, u8_encode(cp, u));
	}
	buf_append(b, "。\n", strlen("。\n"));
}

static void
test_large(void)
{
	enum { PARAS = 1200, PARA_CP = 290, NOTES = 10000 };
	struct buf old = BUF_INIT;
	size_t para_start[PARAS + 1];
	for (size_t i = 0; i < PARAS; i++) {
		para_start[i] = i * (PARA_CP + 2);
		append_paragraph(&old, PARA_CP);
	}
	para_start[PARAS] = PARAS * (PARA_CP + 2);
	/* New version: a paragraph inserted after paragraph 3, paragraph 600
	 * deleted. */
	struct buf neu = BUF_INIT;
	struct anchor_text *ao = anchor_text_new(old.data, old.len);
	size_t b3 = anchor_text_cp_to_byte(ao, para_start[3]);
	size_t b600 = anchor_text_cp_to_byte(ao, para_start[600]);
	size_t b601 = anchor_text_cp_to_byte(ao, para_start[601]);
	buf_append(&neu, old.data, b3);
	append_paragraph(&neu, 100);
	buf_append(&neu, old.data + b3, b600 - b3);
	buf_append(&neu, old.data + b601, old.len - b601);
	struct anchor_text *an = anchor_text_new(neu.data, neu.len);
	diag("large article: %zu bytes, %zu code points", old.len, anchor_text_length_cp(ao));

	struct anchor_selector *sels = xcalloc(NOTES, sizeof *sels);
	for (size_t i = 0; i < NOTES; i++) {
		size_t p = rng() % PARAS, off = rng() % (PARA_CP - 40);
		size_t a = para_start[p] + off, len = 2 + rng() % 30;
		anchor_make_in(ao, a, a + len, &sels[i], NULL);
	}
	clock_t t0 = clock();
	int wrong = 0, exact = 0;
	for (size_t i = 0; i < NOTES; i++) {
		struct anchor_result res;
		anchor_resolve_in(ao, &sels[i], &res);
		if (res.state == ANCHOR_EXACT)
			exact++;
	}
	clock_t t1 = clock();
	is_int(exact, NOTES, "10,000 highlights on an unchanged 1 MB article are all exact");
	int orphans = 0;
	for (size_t i = 0; i < NOTES; i++) {
		struct anchor_result res;
		anchor_resolve_in(an, &sels[i], &res);
		size_t a = sels[i].start, want;
		enum anchor_state want_state;
		if (a < para_start[3]) {
			want = a;
			want_state = ANCHOR_EXACT;
		} else if (a < para_start[600]) {
			want = a + 102;
			want_state = ANCHOR_MOVED;
		} else if (a < para_start[601]) {
			want = a;
			want_state = ANCHOR_ORPHAN;
			orphans++;
		} else {
			want = a + 102 - (PARA_CP + 2);
			want_state = ANCHOR_MOVED;
		}
		if (res.state != want_state || res.start != want) {
			if (wrong++ < 3)
				diag("  highlight at %zu: %s at %zu, want %s at %zu", a,
				     anchor_state_name(res.state), res.start,
				     anchor_state_name(want_state), want);
		}
	}
	clock_t t2 = clock();
	is_int(wrong, 0, "after an edit, 10,000 highlights are exact, moved or (%d in the deleted paragraph) orphans",
	       orphans);
	diag("resolve 10,000: unchanged %.2f s, edited %.2f s",
	     (double)(t1 - t0) / CLOCKS_PER_SEC, (double)(t2 - t1) / CLOCKS_PER_SEC);

	for (size_t i = 0; i < NOTES; i++)
		anchor_selector_free(&sels[i]);
	free(sels);
	anchor_text_free(ao);
	anchor_text_free(an);
	buf_free(&old);
	buf_free(&neu);
}

/* Selectors filled by hand, as W3C JSON without prefix and suffix gives
 * them. */
static void
test_without_context(void)
{
	struct text v1 = load("en-v1.txt"), v3 = load("en-v3-edited.txt");
	struct anchor_selector sel = { 0 };
	struct anchor_result res;
	sel.start = cp_of(&v1, "Austrian Railways", 1);
	sel.end = sel.start + cp_len("Austrian Railways");
	sel.exact = xstrdup("Austrian Railways");
	anchor_resolve(v1.s, v1.len, &sel, &res);
	is_int(res.state, ANCHOR_EXACT, "a quote without context is exact where it stands");
	anchor_resolve(v3.s, v3.len, &sel, &res);
	ok(res.state == ANCHOR_MOVED && res.start == cp_of(&v3, "Austrian Railways", 1),
	   "a quote without context that occurs once elsewhere is moved there");
	free(sel.exact);
	sel.start = cp_of(&v1, "night train", 6);
	sel.end = sel.start + cp_len("night train");
	sel.exact = xstrdup("night train");
	anchor_resolve(v3.s, v3.len, &sel, &res);
	ok(res.state == ANCHOR_ORPHAN && res.start == sel.start,
	   "a quote without context that occurs several times elsewhere is an orphan");
	free(sel.exact);
	sel.exact = NULL;
	sel.start = sel.end = 7;
	anchor_resolve(v1.s, v1.len, &sel, &res);
	ok(res.state == ANCHOR_EXACT && res.start == 7 && res.end == 7,
	   "a point with no quote and no context stays where it was");
	sel.start = sel.end = v1.len + 5;
	anchor_resolve(v1.s, v1.len, &sel, &res);
	ok(res.state == ANCHOR_ORPHAN && res.start == v1.len + 5,
	   "a point past the end of the text is an orphan");
	anchor_resolve("", 0, &sel, &res);
	is_int(res.state, ANCHOR_ORPHAN, "nothing is found in an empty text");
	free(v1.s);
	free(v3.s);
}

/* Random texts (CJK, ASCII, combining marks, emoji, invalid bytes) and
 * random edits: whatever happens, a result lies inside the text, an
 * EXACT or MOVED range holds exactly the quote, and nothing is read out
 * of bounds (the sanitizer build checks that). */
static void
random_piece(struct buf *b)
{
	static const char *const pieces[] = {
		"普京", "能源", "的", "。", ",", "「", "」", "the ", "train ", "a", "e",
		"\xcc\x81", "\xcc\x83", "\xf0\xa0\x80\x80", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
		"\xf0\x9f\x87\xb9\xf0\x9f\x87\xbc", " ", "\n", "\t", "\xff", "\xe4\xb8", "\x80",
		"\r\n", "x", "y", "z", "歐洲", "俄羅斯",
	};
	buf_puts(b, pieces[rng() % GL_ARRAY_LEN(pieces)]);
}

static void
test_random_edits(void)
{
	int outside = 0, wrong_text = 0, runs = 0;
	for (int iter = 0; iter < 200; iter++) {
		struct buf a = BUF_INIT, b = BUF_INIT;
		size_t pieces = 1 + rng() % 300;
		for (size_t i = 0; i < pieces; i++)
			random_piece(&a);
		/* b: a with a few pieces inserted, deleted or replaced. */
		size_t pos = 0;
		while (pos < a.len) {
			size_t step = 1 + rng() % 40;
			if (step > a.len - pos)
				step = a.len - pos;
			switch (rng() % 6) {
			case 0: random_piece(&b); break;                 /* insert */
			case 1: pos += step; continue;                   /* delete */
			default: break;
			}
			buf_append(&b, a.data + pos, step);
			pos += step;
		}
		struct anchor_text *ta = anchor_text_new(a.data, a.len);
		struct anchor_text *tb = anchor_text_new(b.data, b.len);
		size_t na = anchor_text_length_cp(ta), nb = anchor_text_length_cp(tb);
		for (int i = 0; i < 10; i++) {
			size_t s0 = rng() % (na + 1), e0 = s0 + rng() % 30;
			if (e0 > na)
				e0 = na;
			struct anchor_selector sel;
			struct anchor_result res;
			anchor_make_in(ta, s0, e0, &sel, NULL);
			anchor_resolve_in(tb, &sel, &res);
			runs++;
			if (res.state != ANCHOR_ORPHAN && (res.start > res.end || res.end > nb))
				outside++;
			if (res.state == ANCHOR_EXACT || res.state == ANCHOR_MOVED) {
				size_t b0 = anchor_text_cp_to_byte(tb, res.start);
				size_t b1 = anchor_text_cp_to_byte(tb, res.end);
				if (b1 - b0 != strlen(sel.exact) || memcmp(b.data + b0, sel.exact, b1 - b0) != 0)
					wrong_text++;
			}
			anchor_selector_free(&sel);
		}
		anchor_text_free(ta);
		anchor_text_free(tb);
		buf_free(&a);
		buf_free(&b);
	}
	is_int(outside, 0, "on %d random edits no range found lies outside the new text", runs);
	is_int(wrong_text, 0, "an exact or moved range always holds exactly the quote");
}

static void
test_names(void)
{
	is_str(anchor_state_name(ANCHOR_EXACT), "exact", "the exact state is stored as \"exact\"");
	is_str(anchor_state_name(ANCHOR_MOVED), "moved", "the moved state is stored as \"moved\"");
	is_str(anchor_state_name(ANCHOR_FUZZY), "fuzzy", "the fuzzy state is stored as \"fuzzy\"");
	is_str(anchor_state_name(ANCHOR_ORPHAN), "orphan", "the orphan state is stored as \"orphan\"");
	enum anchor_state s;
	ok(anchor_state_parse("fuzzy", &s) && s == ANCHOR_FUZZY, "a stored state name reads back");
	ok(!anchor_state_parse("lost", &s), "an unknown state name is refused");
}

int
main(void)
{
	test_same_text();
	test_zh_inserted();
	test_zh_deleted();
	test_zh_reordered();
	test_zh_edited();
	test_en();
	test_edges();
	test_code_points();
	test_short_quotes();
	test_random_ranges();
	test_large();
	test_without_context();
	test_random_edits();
	test_names();
	return tap_done();
}
