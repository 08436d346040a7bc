/* search: finding a query in a document's text, as a reader expects.
 *
 * Matching is done on folded text: NFKC and case folding (u8_fold), so
 * "ＡＢＣ" finds "ABC", "，" finds "," and "straße" finds "STRASSE".
 * Smart case: a query with an uppercase (or titlecase) letter is matched
 * case-sensitively, still after NFKC (u8_nfkc), so "ABC" finds "ＡＢＣ"
 * but not "abc".  A match starts and ends on grapheme-cluster boundaries
 * of the text: "e" never finds half of "é" written as e + U+0301, and
 * "s" does not find half of the "ss" that ß folds to (but "ss" finds ß).
 *
 * Matches never overlap: in each piece of the text (see below) they are
 * the leftmost-first non-overlapping occurrences, so finding, counting
 * and highlighting agree on one list.
 *
 * Large texts: the text is folded lazily, in pieces of about
 * SEARCH_PIECE bytes that end after a line feed when one is near (else at
 * a cluster boundary), on a fixed grid, so the pieces are the same
 * whatever is asked first.  Folded pieces are kept in a small cache
 * (query-independent, so typing an incremental search does not fold
 * again), and a 100 MB article is never folded whole at once.  A match
 * that runs across the end of a piece is found (each piece is folded with
 * SEARCH_OVERLAP bytes of the next), as long as its text is shorter than
 * that overlap.  Work can be cut into steps with a byte budget, so a
 * search or a count on a huge text never blocks the keyboard.
 *
 * Offsets are byte offsets into doc_text().  A struct search refers to
 * its doc, which must outlive it.  Not thread-safe. */
#ifndef GLOSS_SEARCH_H
#define GLOSS_SEARCH_H

#include "gloss/doc.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

#define SEARCH_PIECE ((size_t)64 * 1024)
#define SEARCH_OVERLAP ((size_t)4 * 1024)
/* The longest query accepted, in bytes once folded. */
#define SEARCH_MAX_QUERY ((size_t)1024)

struct search;

struct search_match {
	size_t start, end;   /* byte range in doc_text(), end exclusive */
};

/* A searcher for d, with no query yet.  Never fails; free with
 * search_free. */
struct search *search_new(const struct doc *d);
void search_free(struct search *s);   /* NULL is allowed */

/* Sets the query (UTF-8, q[0, n); need not be NUL-terminated).  Returns
 * false, leaving no query set, when it is empty, not valid UTF-8, or
 * longer than SEARCH_MAX_QUERY once folded.  Resets any count. */
bool search_set_query(struct search *s, const char *q, size_t n);
/* The query as given (NUL-terminated, "" when none), and whether it is
 * matched case-sensitively (smart case). */
const char *search_query(const struct search *s);
bool search_case_sensitive(const struct search *s);
bool search_has_query(const struct search *s);

/* ------------------------------------------------------------- finding
 * A find walks from `from` forward (the first match that starts at or
 * after it) or backward (the last match that starts before it), and, with
 * `wrap`, on from the other end of the text back to `from`.  It runs in
 * steps: search_find_begin sets it up, search_find_step does at most
 * about `budget` bytes of work (0: no limit) and returns: */
enum search_result {
	SEARCH_FOUND,      /* *m is the match; *wrapped says whether the
			      walk went past the end (start) of the text */
	SEARCH_NOT_FOUND,  /* no match anywhere the walk was to look */
	SEARCH_MORE,       /* not done: call search_find_step again */
};
void search_find_begin(struct search *s, size_t from, bool backward, bool wrap);
enum search_result search_find_step(struct search *s, size_t budget,
				    struct search_match *m, bool *wrapped);
/* Both at once, with no limit on the work. */
enum search_result search_find(struct search *s, size_t from, bool backward,
			       bool wrap, struct search_match *m, bool *wrapped);

/* Every match that overlaps [start, end), in text order, for highlighting
 * what is on the screen.  *out (caller frees; NULL when none) gets
 * *count matches.  Folds only the pieces that range touches. */
void search_matches_in(struct search *s, size_t start, size_t end,
		       struct search_match **out, size_t *count);

/* -------------------------------------------------------------- counting
 * Counting every match of a huge text takes a while, so it is done in
 * steps too: search_count_step counts on for about `budget` bytes of text
 * (0: to the end) and returns true when the count is complete. */
bool search_count_step(struct search *s, size_t budget);
/* The matches counted so far; *complete (may be NULL) says whether that
 * is all of them. */
size_t search_count(const struct search *s, bool *complete);
/* The 1-based number of the match that starts at `start` among all
 * matches, once the count has reached it; 0 when unknown (not counted
 * yet, or no match starts there). */
size_t search_match_number(struct search *s, size_t start);

#endif
