/* u8: the only user of utf8proc.  Everything gloss knows about Unicode:
 * validation with replacement, newline unification, NFC, decoding,
 * grapheme clusters (UAX #29), the one width function (East Asian Width
 * with the ambiguous setting and an override table), UAX #14 line-break
 * opportunities, the Script property, case folding with a map back to the
 * original offsets, and the terminal-safe form of any string.
 *
 * Strings are UTF-8 byte ranges (pointer + length, not NUL-terminated
 * unless said).  Offsets are byte offsets into the range given.  Unless a
 * function says otherwise its input must be valid UTF-8 (what
 * u8_normalize_text produces); given invalid bytes, the decoding functions
 * treat each bad byte as U+FFFD of length 1 and never read out of bounds. */
#ifndef GLOSS_U8_H
#define GLOSS_U8_H

#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define U8_REPLACEMENT 0xFFFD

/* ------------------------------------------------------------- decoding */

/* Decodes the code point at s[i] (i < n) into *cp and returns its length
 * in bytes (1..4).  An invalid or truncated sequence gives U+FFFD and 1. */
size_t u8_decode(const char *s, size_t n, size_t i, int32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the length. */
size_t u8_encode(int32_t cp, char *out);
/* The start of the code point before offset i (0 if i == 0). */
size_t u8_prev(const char *s, size_t i);
/* Number of code points in s[0, n). */
size_t u8_count_cp(const char *s, size_t n);

/* ------------------------------------------------------ normalising text
 * What `doc` does to every loaded text, in one streaming pass: invalid
 * UTF-8 becomes U+FFFD, one per maximal subpart of an ill-formed sequence
 * (the Unicode recommendation, as Python's decoder counts); CRLF and lone
 * CR become LF; the result is NFC.  A leading BOM is NOT removed here
 * (doc strips it before).  Works in chunks that end at a safe boundary so
 * memory stays proportional to the input: the output is built in place and
 * only the stretch since the last NFC-safe starter (usually a few code
 * points) ever goes through utf8proc; ASCII and CJK text do not. */
struct u8_normalize_stats {
	size_t replaced;   /* U+FFFD inserted for invalid bytes */
	size_t crlf;       /* CRLF pairs seen */
	size_t cr;         /* lone CRs seen */
	size_t lf;         /* lone LFs seen */
	bool changed_by_nfc; /* NFC changed at least one character */
};
/* Appends the normalised form of in[0, n) to out (what out already holds
 * is left alone: a mark at the start of in does not compose onto it).
 * stats may be NULL. */
void u8_normalize_text(struct buf *out, const char *in, size_t n,
		       struct u8_normalize_stats *stats);
/* True when s[0, n) is valid UTF-8 (no surrogates, no overlongs). */
bool u8_is_valid(const char *s, size_t n);
/* Appends the NFC form of valid UTF-8 s[0, n) to out (CR stays CR; bad
 * bytes become U+FFFD as above). */
void u8_nfc(struct buf *out, const char *s, size_t n);
/* Appends NFKC + case folding of s[0, n) to out (for search and tag
 * matching); default-ignorables are kept.  Folding is done cluster by
 * cluster.  If map is not NULL, *map receives a malloc'd array (caller
 * frees) with one entry per byte appended plus one: map[k] is the input
 * offset of the cluster the k-th appended byte came from, and the last
 * entry is n.  A match [a, b) in the folded text is the input range
 * [map[a], map[b]); when b falls inside a folded cluster (map[b] ==
 * map[b - 1], e.g. "s" matching half of the "ss" of ß) extend the end to
 * the next larger map entry, the end of that cluster.  The map costs
 * sizeof(size_t) per folded byte: fold a large text in pieces. */
void u8_fold(struct buf *out, const char *s, size_t n, size_t **map);
/* The same as u8_fold without the case folding (NFKC only, cluster by
 * cluster, the same map): a case-sensitive search (smart case: the query
 * has an uppercase letter) still finds ＡＢＣ with ABC. */
void u8_nfkc(struct buf *out, const char *s, size_t n, size_t **map);
/* True for an uppercase or titlecase letter (General_Category Lu, Lt):
 * what makes a search query case-sensitive (smart case). */
bool u8_is_upper(int32_t cp);
/* Smart case, the one rule of every search in gloss (the reader's /, the
 * store's gloss search): appends the fold of the query q[0, n) (valid
 * UTF-8) to needle, u8_fold, or u8_nfkc alone when q has an uppercase or
 * titlecase letter, and returns true in that case (case-sensitive). */
bool u8_fold_query(struct buf *needle, const char *q, size_t n);
/* True when s[0, n), folded as u8_fold_query's answer says (u8_nfkc when
 * case_sensitive, else u8_fold), contains the folded needle: "ＶＩＭ" in
 * a note is found by "vim" and by "VIM". */
bool u8_fold_contains(const char *needle, size_t nlen, bool case_sensitive,
		      const char *s, size_t n);
/* A name for what u8_fold does (its rules and the Unicode version it
 * folds by), so that what was folded and stored, e.g. the store's search
 * index, is folded again when it changes.  Static; not thread-safe on
 * the first call. */
const char *u8_fold_name(void);

/* ---------------------------------------------------- grapheme clusters */

/* The end of the extended grapheme cluster that starts at offset i (< n).
 * UAX #29 as utf8proc implements it (Unicode 15, GraphemeBreakTest.txt
 * passes in full). */
size_t u8_next_cluster(const char *s, size_t n, size_t i);
/* The start of the cluster that ends at offset i (> 0).  May scan back to
 * the start of the line for regional indicators. */
size_t u8_prev_cluster(const char *s, size_t n, size_t i);

/* --------------------------------------------------------------- width
 * The one width function of the program.  East Asian Wide and Fullwidth
 * are 2, Ambiguous is the setting (1 by default), nonspacing and
 * enclosing marks, ZWJ, variation selectors and default-ignorables are 0,
 * an emoji presentation sequence (Extended_Pictographic + VS16, a
 * regional-indicator pair, a ZWJ sequence) is 2, a control character is
 * the width of its placeholder (see u8_placeholder).  A tab is not
 * measured here: layout expands it to the next stop of 8.
 * In a cluster: Extended_Pictographic followed by VS16, a skin-tone
 * modifier or ZWJ + another pictograph is 2, as is a keycap base (#, *,
 * 0-9) + VS16 and a regional-indicator pair (a lone indicator is 1);
 * Hangul conjoining jamo after a leading jamo or syllable add nothing (an
 * L+V(+T) block is 2); a cluster that starts with a nonspacing mark (no
 * base: at the start of text or after a control) is 1, so it stays
 * visible; otherwise the widths of the code points add up. */
void u8_set_ambiguous_width(int width);   /* 2, or anything else for 1 */
int u8_ambiguous_width(void);
/* Overrides the width of one code point (0, 1 or 2); -1 (or any other
 * value) removes it.  An override of a cluster's first code point also
 * beats the emoji-sequence rule above. */
void u8_set_width_override(int32_t cp, int width);
void u8_clear_width_overrides(void);
/* Width of one code point on its own. */
int u8_cp_width(int32_t cp);
/* Width of the cluster s[0, n) (one grapheme cluster). */
int u8_cluster_width(const char *s, size_t n);
/* Width of a whole valid string, cluster by cluster, as it would be shown
 * (placeholders included, tabs counted as 1). */
size_t u8_str_width(const char *s, size_t n);
/* u8_str_width, but stopping once the width passes `cap` (the result is
 * then some width above cap): for asking "is this line short?" of text
 * whose lines may be long, in time that does not grow with them. */
size_t u8_str_width_upto(const char *s, size_t n, size_t cap);

/* The BCP 47 tag of the CJK language the text s[0, n) is written in, as
 * far as its first 64 KiB tell: "ja" when it has kana, "ko" when Hangul
 * outnumbers ideographs, "zh-Hant" or "zh-Hans" when ideographs alone
 * and characters found only in one of the two forms say which, "zh"
 * when they do not; NULL for text with fewer than 8 of these characters
 * (English, say).  Browsers choose CJK fonts by it (the same code point
 * has Japanese and Chinese shapes), so exports say it.  Static strings. */
const char *u8_guess_language(const char *s, size_t n);

/* East Asian Width classes, from EastAsianWidth.txt (generated table). */
enum u8_eaw { U8_EAW_N, U8_EAW_NA, U8_EAW_A, U8_EAW_H, U8_EAW_W, U8_EAW_F };
enum u8_eaw u8_east_asian_width(int32_t cp);

/* --------------------------------------------------------- placeholders
 * Control characters are never sent to the terminal.  C0 controls and DEL
 * become caret notation (^@ .. ^_, ^?), C1 controls, bidirectional
 * controls (U+061C, U+200E/F, U+202A..E, U+2066..9) and other format
 * characters that could change what the terminal does (the deprecated
 * shaping controls U+206A..F, U+FEFF inside text, the line and paragraph
 * separators U+2028/9, the interlinear annotation controls U+FFF9..B)
 * become <U+XXXX> (4 to 6 upper-case hex digits);
 * noncharacters and unassigned code points stay as they are (the terminal
 * shows its own glyph).  Returns true and writes the NUL-terminated
 * placeholder into out (at least 16 bytes) when cp needs one. */
bool u8_placeholder(int32_t cp, char out[16]);

/* Appends the terminal-safe form of s[0, n) (any bytes: invalid UTF-8 is
 * shown as <XX> per bad byte) to out.  Every control character, including
 * ESC, LF and TAB, is replaced by its placeholder, so no escape sequence,
 * OSC, DCS, APC, PM or SOS can reach the terminal; what followed ESC stays
 * as visible text.  Every message gloss prints about user data goes
 * through this.  u8_safe_line keeps TAB and LF (for multi-line notes
 * printed by the command line) but still replaces every other control. */
void u8_safe(struct buf *out, const char *s, size_t n);
void u8_safe_line(struct buf *out, const char *s, size_t n);
/* Convenience: the safe form of a NUL-terminated string in a static
 * rotating buffer (8 slots), for error messages.  Two threads may call
 * it (the reader loads on a second one); a result stays valid until 8
 * more calls in any thread. */
const char *u8_safe_str(const char *s);

/* ------------------------------------------------------- line breaking
 * UAX #14 (Unicode 15.0) with the tailoring listed in u8-linebreak.c
 * (T1: no break between a space and NS; T2: Korean keep-all, a setting).
 * For the paragraph s[0, n) (no LF inside except as a mandatory break),
 * fills brk[0..n] (the caller's array of n + 1 bytes) so that brk[i] says
 * whether a line may end before byte i; only offsets at code point starts
 * (and n) carry a meaning, the others are U8_BREAK_NONE.  brk[0] is always
 * NONE; brk[n] is MANDATORY (end of text) when n > 0.  After a BK, CR, LF
 * or NL (CR LF as one) the next offset is MANDATORY.  Linear in n, no
 * allocation; invalid bytes count as U+FFFD. */
enum u8_break { U8_BREAK_NONE = 0, U8_BREAK_ALLOWED = 1, U8_BREAK_MANDATORY = 2 };
void u8_line_breaks(const char *s, size_t n, unsigned char *brk);
/* The same without gloss's tailoring: the default algorithm that
 * LineBreakTest.txt checks (for the conformance test, and to compare). */
void u8_line_breaks_uax14(const char *s, size_t n, unsigned char *brk);
/* Korean keep-all (tailoring T2 in u8-linebreak.c, CSS word-break:
 * keep-all): Korean words are not broken between their syllables, only
 * at spaces and punctuation; Chinese and Japanese are not affected.
 * u8_line_breaks applies it while the setting is on (the default; the
 * user's korean-keep-all setting turns it off).  A layout made before a
 * change needs layout_invalidate.  Not thread-safe: set it before
 * laying out. */
void u8_set_korean_keep_all(bool on);
bool u8_korean_keep_all(void);
/* u8_line_breaks with the options given instead of the settings:
 * U8_LB_KOREAN_KEEP_ALL or 0 (T1 is always applied). */
enum u8_lb_option { U8_LB_KOREAN_KEEP_ALL = 1u << 0 };
void u8_line_breaks_opt(const char *s, size_t n, unsigned char *brk, unsigned options);
/* For a cut where no break is allowed (a word wider than the line, cut
 * mid-word by the caller): whether cutting s[0, n) before byte i keeps
 * punctuation where it belongs, i.e. the code point at i is not one that
 * never starts a line (closing brackets and quotes, ，。、,.!?:; and the
 * like: classes CL, CP, EX, IS, SY, NS, and QU of category Pf) and the one
 * before i does not open (OP, QU of category Pi).  So "철회하|라」며," is
 * a good cut and "철회하라|」며," is not.  False when i is 0, n or past n,
 * or not at a code point start.  Does not look at grapheme clusters: the
 * caller passes cluster boundaries. */
bool u8_line_cut_ok(const char *s, size_t n, size_t i);

/* The line-break class of a code point (the Unicode names, as strings
 * "AL", "ID", ... for tests and --dump); from LineBreak.txt. */
const char *u8_line_break_class_name(int32_t cp);

/* ----------------------------------------------------------- scripts
 * The Script property (Scripts.txt) for word motion in CJK text, reduced
 * to what motion needs. */
enum u8_script {
	U8_SCRIPT_COMMON, U8_SCRIPT_INHERITED, U8_SCRIPT_LATIN, U8_SCRIPT_HAN,
	U8_SCRIPT_HIRAGANA, U8_SCRIPT_KATAKANA, U8_SCRIPT_HANGUL,
	U8_SCRIPT_CYRILLIC, U8_SCRIPT_GREEK, U8_SCRIPT_ARABIC, U8_SCRIPT_HEBREW,
	U8_SCRIPT_THAI, U8_SCRIPT_OTHER
};
enum u8_script u8_script(int32_t cp);

/* ----------------------------------------------------------- classes */
bool u8_is_space(int32_t cp);          /* White_Space */
bool u8_is_alnum(int32_t cp);          /* letters (L*), marks (M*), digits (N*) */
bool u8_is_punct(int32_t cp);          /* P* */
bool u8_is_cjk(int32_t cp);            /* Han, Hiragana, Katakana, Hangul, CJK punctuation, fullwidth forms */
bool u8_is_ext_pict(int32_t cp);       /* Extended_Pictographic */

#endif
