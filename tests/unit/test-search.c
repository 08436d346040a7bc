/* search: what a reader relies on when pressing / and n. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/search.h"
#include "gloss/util.h"

#include "../tap.h"

#include <string.h>

static struct doc *
make_doc(const char *text)
{
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_from_text(text, strlen(text), DOC_FORMAT_TEXT, NULL, &d, &err) != GL_OK) {
		diag("doc_from_text: %s", err.message);
		exit(1);
	}
	return d;
}

/* The text of a match, for messages and comparisons. */
static char *
match_text(const struct doc *d, const struct search_match *m)
{
	return xstrndup(doc_text(d, NULL) + m->start, m->end - m->start);
}

static void
test_folding(void)
{
	struct doc *d = make_doc("Plain ABC here, and more.\n\n全形ＡＢＣ在這裡，還有。\n");
	struct search *s = search_new(d);
	struct search_match m;
	bool wrapped;

	ok(search_set_query(s, "abc", 3), "a lowercase query is accepted");
	ok(!search_case_sensitive(s), "a lowercase query ignores case");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, "abc finds ABC and the fullwidth ＡＢＣ");

	ok(search_set_query(s, "ＡＢＣ", strlen("ＡＢＣ")), "a fullwidth query is accepted");
	ok(search_case_sensitive(s), "a fullwidth uppercase query is case-sensitive (smart case)");
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_FOUND, "ＡＢＣ finds something");
	char *t = match_text(d, &m);
	is_str(t, "ABC", "ＡＢＣ finds the ASCII ABC first (NFKC)");
	free(t);
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, "ＡＢＣ finds both ABC and ＡＢＣ");

	ok(search_set_query(s, "ABC", 3), "an uppercase query is accepted");
	ok(search_set_query(s, "Abc", 3) && search_case_sensitive(s), "one capital letter makes the search case-sensitive");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 0, "Abc does not find ABC");

	ok(search_set_query(s, "，", strlen("，")), "a fullwidth comma is a query");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, "， finds the ASCII comma and the fullwidth one");
	ok(search_set_query(s, ",", 1), "an ASCII comma is a query");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, ", finds the fullwidth comma too");
	ok(search_find(s, 20, false, false, &m, &wrapped) == SEARCH_FOUND, ", finds a comma after the first line");
	t = match_text(d, &m);
	is_str(t, "，", "the match covers the whole fullwidth comma in the text");
	free(t);

	search_free(s);
	doc_free(d);
}

static void
test_clusters(void)
{
	/* ß folds to ss; x + U+0301 is one cluster that NFC cannot compose. */
	struct doc *d = make_doc("Stra\xC3\x9F" "e and strasse; x\xCC\x81 or x.\n");
	struct search *s = search_new(d);
	struct search_match m;
	bool wrapped;

	ok(search_set_query(s, "strasse", 7), "strasse is a query");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, "strasse finds Stra\xC3\x9F" "e and strasse");
	ok(search_set_query(s, "s", 1), "s is a query");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 4, "s does not find half of the ss that \xC3\x9F folds to");
	ok(search_set_query(s, "x", 1), "x is a query");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 1, "x does not stop inside the cluster x + U+0301");
	ok(search_set_query(s, "x\xCC\x81", 3), "x + U+0301 is a query");
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_FOUND && m.end - m.start == 3,
	   "x + U+0301 finds the whole cluster");
	ok(!search_set_query(s, "", 0), "an empty query is refused");
	ok(!search_has_query(s), "and leaves no query");
	ok(search_find(s, 0, false, true, &m, &wrapped) == SEARCH_NOT_FOUND, "with no query nothing is found");
	ok(!search_set_query(s, "\xFF", 1), "a query that is not UTF-8 is refused");
	search_free(s);
	doc_free(d);
}

static void
test_directions(void)
{
	/* Offsets: "one" 0-3, " two" ..., matches of "o" in a known text. */
	const char *text = "foo bar foo bar foo\n";
	struct doc *d = make_doc(text);
	struct search *s = search_new(d);
	struct search_match m;
	bool wrapped;
	search_set_query(s, "foo", 3);

	ok(search_find(s, 1, false, true, &m, &wrapped) == SEARCH_FOUND && m.start == 8 && !wrapped,
	   "n from inside the first foo finds the second, without wrapping");
	ok(search_find(s, 17, false, true, &m, &wrapped) == SEARCH_FOUND && m.start == 0 && wrapped,
	   "n past the last foo wraps to the first and says so");
	ok(search_find(s, 17, false, false, &m, &wrapped) == SEARCH_NOT_FOUND,
	   "without wrap-around nothing is found past the last foo");
	ok(search_find(s, 8, true, true, &m, &wrapped) == SEARCH_FOUND && m.start == 0 && !wrapped,
	   "N before the second foo finds the first");
	ok(search_find(s, 0, true, true, &m, &wrapped) == SEARCH_FOUND && m.start == 16 && wrapped,
	   "N before the first foo wraps to the last and says so");
	search_count_step(s, 0);
	is_int(search_match_number(s, 8), 2, "the second foo is match 2");
	is_int(search_match_number(s, 16), 3, "the last foo is match 3");

	struct search_match *ms;
	size_t n;
	search_matches_in(s, 5, 12, &ms, &n);
	ok(n == 1 && ms[0].start == 8 && ms[0].end == 11, "the matches on a visible range are listed");
	free(ms);
	search_matches_in(s, 9, 10, &ms, &n);
	ok(n == 1 && ms[0].start == 8, "a match that only overlaps the range is listed too");
	free(ms);
	search_free(s);
	doc_free(d);
}

/* A text of several pieces: matches on seams, counts in steps, wrap. */
static void
test_large(void)
{
	struct buf b = BUF_INIT;
	/* One long paragraph with no line feed (pieces cut at clusters),
	 * then many short lines. */
	for (int i = 0; i < 30000; i++)
		buf_puts(&b, i % 1000 == 999 ? "中文ＮＥＥＤＬＥ字 " : "中文字詞 ");
	buf_putc(&b, '\n');
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "line %d %s\n", i, i % 500 == 250 ? "Needle" : "hay");
	struct doc *d = make_doc(b.data);
	buf_free(&b);
	size_t len = doc_length(d);
	ok(len > 4 * SEARCH_PIECE, "the large text spans several pieces (%zu bytes)", len);

	struct search *s = search_new(d);
	search_set_query(s, "needle", 6);
	size_t steps = 0;
	while (!search_count_step(s, SEARCH_PIECE))
		steps++;
	ok(steps >= 3, "counting a large text goes in several steps");
	is_int(search_count(s, NULL), 30 + 40, "every needle is counted once, seams included");

	/* Walk all matches forward with n and check they are in order. */
	struct search_match m;
	bool wrapped = false;
	size_t from = 0, seen = 0, prev = 0;
	int in_order = 1;
	while (search_find(s, from, false, true, &m, &wrapped) == SEARCH_FOUND && !wrapped) {
		if (seen && m.start <= prev)
			in_order = 0;
		char *t = match_text(d, &m);
		if (strcmp(t, "ＮＥＥＤＬＥ") != 0 && strcmp(t, "Needle") != 0)
			in_order = 0;
		free(t);
		prev = m.start;
		from = m.start + 1;
		seen++;
	}
	is_int(seen, 70, "n walks through every needle before wrapping");
	ok(in_order, "in text order, each match covering a whole needle");
	ok(wrapped, "and then wraps to the first");
	is_int(search_match_number(s, prev), 70, "the last match is number 70");

	/* A find in small steps gives the same answer as one in a go. */
	struct search_match m2;
	search_find_begin(s, len, true, true);
	enum search_result r;
	size_t nsteps = 0;
	while ((r = search_find_step(s, 1, &m2, &wrapped)) == SEARCH_MORE)
		nsteps++;
	ok(r == SEARCH_FOUND && m2.start == prev, "a backward find from the end, one piece a step, finds the last needle");

	search_set_query(s, "absent", 6);
	search_find_begin(s, 100, false, true);
	nsteps = 0;
	while ((r = search_find_step(s, SEARCH_PIECE, &m2, &wrapped)) == SEARCH_MORE)
		nsteps++;
	ok(r == SEARCH_NOT_FOUND && nsteps >= 3, "a query that is nowhere is not found, in steps");
	search_free(s);
	doc_free(d);
}

/* A match that runs across the seam of two pieces is found once. */
static void
test_seam(void)
{
	size_t n = 3 * SEARCH_PIECE;
	char *text = xmalloc(n + 2);
	memset(text, 'x', n);
	text[n] = '\n';
	text[n + 1] = '\0';
	memcpy(text + SEARCH_PIECE - 3, "NEEDLE", 6);      /* across the first seam */
	memcpy(text + 2 * SEARCH_PIECE, "needle", 6);      /* just after the second */
	struct doc *d = make_doc(text);
	free(text);
	struct search *s = search_new(d);
	search_set_query(s, "needle", 6);
	struct search_match m;
	bool wrapped;
	ok(search_find(s, 0, false, false, &m, &wrapped) == SEARCH_FOUND && m.start == SEARCH_PIECE - 3 &&
	   m.end == SEARCH_PIECE + 3, "a needle across a piece seam is found whole");
	ok(search_find(s, SEARCH_PIECE, true, false, &m, &wrapped) == SEARCH_FOUND && m.start == SEARCH_PIECE - 3,
	   "and found backward from just after the seam");
	search_count_step(s, 0);
	is_int(search_count(s, NULL), 2, "each needle near a seam is counted once");
	struct search_match *ms;
	size_t count;
	search_matches_in(s, SEARCH_PIECE, SEARCH_PIECE + 10, &ms, &count);
	ok(count == 1 && ms[0].start == SEARCH_PIECE - 3, "the highlight of the second half of a seam match is found");
	free(ms);
	search_free(s);
	doc_free(d);
}

int
main(void)
{
	test_seam();
	test_folding();
	test_clusters();
	test_directions();
	test_large();
	return tap_done();
}
