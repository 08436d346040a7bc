/* anchor: a selection as W3C selectors, and those selectors placed again
 * on another version of the text.
 *
 * A range is kept two ways (the W3C Web Annotation model):
 *   - TextPositionSelector: start and end in Unicode code points of the
 *     NFC document text, start inclusive, end exclusive;
 *   - TextQuoteSelector: the exact text of the range (`exact`) with up to
 *     ANCHOR_CONTEXT_CP code points before it (`prefix`) and after it
 *     (`suffix`).
 *
 * Everything here works on plain UTF-8 text plus its length (a stored
 * version, doc_text() of a loaded document), so store, cli, import and
 * the UI can all use it.  The text must be valid UTF-8 and NFC, as `doc`
 * and `u8_normalize_text` make it; invalid bytes are counted as one code
 * point each, like u8_decode does, and never read out of bounds.
 *
 * Re-anchoring (anchor_resolve) follows DESIGN.md, "Anchoring".  Every
 * candidate place is scored as Hypothesis's match-quote does:
 *
 *     score = (50 quote + 20 prefix + 20 suffix + 2 position) / 92
 *
 * quote = 1 - errors / m (m: the quote's length, errors: Levenshtein
 * edits, both in folded characters, see below); prefix and suffix = 1 -
 * errors / length of the stored context against the text touching the
 * candidate (only the ANCHOR_CONTEXT_CP characters nearest the quote are
 * compared; an empty stored context means "at the edge of the text": 1
 * there, else 0; a NULL one is unknown and scores 0); position = 1 -
 * |new start - old start| / text length.  The context SUPPORTS a
 * candidate when one side scores at least ANCHOR_MIN_CONTEXT_SCORE, or,
 * for a quote that is not short, when both together reach
 * ANCHOR_MIN_CONTEXT_SUM.  A quote is SHORT below ANCHOR_SHORT_QUOTE_CP
 * code points (CJK quotes are often 2-4 characters and repeat a lot).
 *
 *  1. EXACT: the quote still stands at [start, end), on cluster
 *     boundaries.  Score 1.
 *  2. MOVED: the quote found verbatim elsewhere (memmem on the bytes).
 *     The candidate with the best score wins, a tie goes to the one
 *     nearest the old start.  Accepted when the quote is not short and
 *     occurs exactly once, or when the score is at least ANCHOR_MIN_SCORE
 *     and the context supports it.  So a quote that occurs many times is
 *     placed by its context or not at all.  A short quote is placed here
 *     only with its whole context intact; else step 3 looks for it.
 *  3. FUZZY: an approximate match, at most min(256, m / 2) errors
 *     (DESIGN), found with Myers' bit-parallel algorithm in 64-bit
 *     blocks.  For a quote that is not short the bound is tightened to
 *     what could still be accepted (a quote score of at least
 *     ANCHOR_MIN_QUOTE_SCORE).  Accepted when the score is at least
 *     ANCHOR_MIN_SCORE, the context supports it, and (not short) the quote
 *     score is at least ANCHOR_MIN_QUOTE_SCORE.  A short quote is looked
 *     for next to its context (where the prefix ends or the suffix starts
 *     with at most a quarter of it wrong), since nothing else could be
 *     accepted; the best candidate there wins, verbatim or not.  The best
 *     accepted candidate wins (ties: nearest); if its text is exactly the
 *     quote it is reported as MOVED.
 *  4. ORPHAN: nothing acceptable.  start and end stay the old values and
 *     score is the best rejected candidate's (0 if there was none).
 *
 * Quotes and contexts are compared FOLDED: every run of White_Space
 * (spaces, tabs, LF...) counts as one space, so a hard-wrapped paragraph
 * that was re-joined is still a close match (FUZZY with a score near 1,
 * since its text did change).  A FUZZY range is widened to grapheme
 * cluster boundaries.
 *
 * Work is bounded.  The EXACT check costs O(quote).  Steps 2 and 3 first
 * look near the old position (ANCHOR_NEAR_CP code points on each side):
 * step 2 takes the nearest occurrence there whose whole context is
 * intact, step 3 any acceptable candidate there, before the whole text is
 * searched.  A struct anchor_text also remembers the last shifts it saw
 * (a paragraph inserted above moves every later highlight by the same
 * amount) and tries them first, so resolving many highlights after one
 * edit does not search the whole text for each.  A candidate taken this
 * way is not compared with the rest of the text.  An orphan costs one or
 * two linear scans of the text.  Quotes longer than ANCHOR_FUZZY_MAX_CP
 * are not matched approximately (they become ORPHAN unless found
 * verbatim), and at most ANCHOR_MAX_CANDIDATES approximate matches
 * (fewest errors, then nearest, first) are scored per search.
 *
 * Nothing here is thread-safe across one struct anchor_text; separate
 * texts may be used in separate threads. */
#ifndef GLOSS_ANCHOR_H
#define GLOSS_ANCHOR_H

#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

/* Code points of context kept on each side (W3C prefix/suffix). */
#define ANCHOR_CONTEXT_CP 32
/* A quote shorter than this (in code points) needs its context to move. */
#define ANCHOR_SHORT_QUOTE_CP 8
/* Acceptance thresholds (see the top of this file).  Tests rely on them:
 * a 2-character quote with one character changed and both sides of its
 * context intact scores 0.728 and is accepted. */
#define ANCHOR_MIN_SCORE 0.70
#define ANCHOR_MIN_QUOTE_SCORE 0.70
#define ANCHOR_MIN_CONTEXT_SCORE 0.75
#define ANCHOR_MIN_CONTEXT_SUM 1.0
/* The most approximate errors ever allowed (DESIGN: min(256, m / 2)). */
#define ANCHOR_MAX_ERRORS 256
/* Longest quote (code points) that is searched approximately. */
#define ANCHOR_FUZZY_MAX_CP 65536
/* Approximate matches scored at most, per search. */
#define ANCHOR_MAX_CANDIDATES 2000
/* Code points on each side of the old position searched first. */
#define ANCHOR_NEAR_CP 8192

enum anchor_state {
	ANCHOR_EXACT,    /* the quote still stands at its position */
	ANCHOR_MOVED,    /* the same quote, found elsewhere */
	ANCHOR_FUZZY,    /* a close but different text */
	ANCHOR_ORPHAN,   /* not found: keep it, show it with its old text */
};

/* A range as selectors.  Offsets are code points; the strings are
 * NUL-terminated UTF-8 owned by the selector (free with
 * anchor_selector_free).  A selector filled by hand (from the store, from
 * W3C JSON) may leave prefix or suffix NULL when unknown; a NULL exact is
 * taken as "". */
struct anchor_selector {
	size_t start, end;   /* TextPositionSelector, end exclusive */
	char *exact;         /* TextQuoteSelector */
	char *prefix;
	char *suffix;
};

struct anchor_result {
	enum anchor_state state;
	size_t start, end;   /* code points in the new text (the old values
				for ANCHOR_ORPHAN) */
	double score;        /* 1 for EXACT; see above for the others */
};

/* ------------------------------------------------------------ a text
 * A text prepared for many makes and resolves: its length in code points
 * and a sampled code point -> byte index (one entry per 64 code points,
 * none at all for ASCII text), built in one pass.  It BORROWS the text:
 * the caller keeps text[0, len) alive and unchanged until
 * anchor_text_free.  It also keeps a few recent shifts between old and
 * new positions (see above), which is why resolving takes it non-const. */
struct anchor_text;

/* Never fails (memory exhaustion exits, as x*alloc do). */
struct anchor_text *anchor_text_new(const char *text, size_t len);
void anchor_text_free(struct anchor_text *at);   /* NULL is fine */

/* The text, its length in bytes and in code points. */
const char *anchor_text_bytes(const struct anchor_text *at, size_t *len);
size_t anchor_text_length_cp(const struct anchor_text *at);
/* Code point offset -> byte offset, and back; O(64).  Out-of-range
 * values are clamped to the end; a byte offset inside a character counts
 * as that character (it is rounded down). */
size_t anchor_text_cp_to_byte(const struct anchor_text *at, size_t cp);
size_t anchor_text_byte_to_cp(const struct anchor_text *at, size_t byte);

/* ------------------------------------------------------------ selectors
 * Builds the selectors for the code point range [start, end) of the text.
 * The range is first widened to grapheme cluster boundaries (UAX #29), so
 * a selection never splits a cluster: start moves back to the start of
 * its cluster, end forward to the end of its cluster (an empty range
 * inside a cluster moves to the cluster's start).  sel->start and sel->end
 * are the widened range, exact its text; prefix is the ANCHOR_CONTEXT_CP
 * code points before it and suffix the ANCHOR_CONTEXT_CP after it (fewer
 * at the ends of the text, "" at the very start or end), each shortened
 * where needed so that it does not cut a cluster in two.  The strings
 * are C strings, so a NUL character (only a --binary document has one)
 * cannot be kept: a context ends at the NUL nearest the range, and is
 * NULL (unknown) when that leaves nothing of it.
 *
 * *sel is overwritten (free an earlier selector first).  Returns GL_OK,
 * or GL_USAGE with a message in err (which may be NULL) when start > end,
 * end is past the end of the text or the (widened) range holds a NUL;
 * *sel is then left all zero. */
enum gl_status anchor_make(const char *text, size_t len, size_t start,
			   size_t end, struct anchor_selector *sel,
			   struct gl_error *err);
enum gl_status anchor_make_in(const struct anchor_text *at, size_t start,
			      size_t end, struct anchor_selector *sel,
			      struct gl_error *err);

/* Frees the strings of a selector and zeroes it (not the struct itself,
 * which the caller owns).  NULL is fine. */
void anchor_selector_free(struct anchor_selector *sel);
/* Copies src into *dst (new strings; NULL stays NULL). */
void anchor_selector_copy(struct anchor_selector *dst,
			  const struct anchor_selector *src);

/* ------------------------------------------------------------ resolving
 * Places sel on the text as described at the top of this file and fills
 * *out.  Never fails; a selector that cannot be placed is ANCHOR_ORPHAN.
 * An EXACT or MOVED range starts and ends on grapheme cluster boundaries,
 * and so does a FUZZY one (widened to them).
 *
 * An empty quote (a point) is placed by its context alone: EXACT where
 * its prefix still ends and its suffix still starts at its position, else
 * MOVED to the occurrence of prefix + suffix nearest to it (score (40 + 2
 * position) / 42), else ORPHAN; points are never matched approximately.
 * A NULL side is not checked, so a point with no quote and no context
 * stays where it is if that is inside the text.
 *
 * anchor_resolve builds a struct anchor_text for one call (O(len));
 * use anchor_resolve_in to resolve many selectors on one text. */
void anchor_resolve(const char *text, size_t len,
		    const struct anchor_selector *sel,
		    struct anchor_result *out);
void anchor_resolve_in(struct anchor_text *at,
		       const struct anchor_selector *sel,
		       struct anchor_result *out);

/* "exact", "moved", "fuzzy", "orphan" (what the store and JSON keep);
 * "unknown" for a value out of range. */
const char *anchor_state_name(enum anchor_state s);
/* The state named `name` (as anchor_state_name gives it); false if none. */
bool anchor_state_parse(const char *name, enum anchor_state *out);

#endif
