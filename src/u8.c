/* u8: decoding, validation, newline unification and NFC, grapheme
 * clusters, case folding, scripts and character classes.  Widths,
 * placeholders and the terminal-safe form are in u8-width.c; line breaking
 * is in u8-linebreak.c.  The only files that include utf8proc.h. */
#include "config.h"

#include "gloss/u8.h"
#include "gen/unicode-tables.h"
#include "u8-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char replacement_utf8[3] = { '\xEF', '\xBF', '\xBD' };

/* ------------------------------------------------------------- decoding */

size_t
u8_scan(const unsigned char *s, size_t n, int32_t *cp, size_t *bad)
{
	unsigned lead = s[0];
	if (lead < 0x80) {
		*cp = (int32_t)lead;
		return 1;
	}
	/* The ranges of Table 3-7 (Well-Formed UTF-8 Byte Sequences): the
	 * second byte's range depends on the lead, which is what rules out
	 * overlongs (E0, F0), surrogates (ED) and values past U+10FFFF (F4). */
	size_t need;
	unsigned lo = 0x80, hi = 0xBF;
	int32_t value;
	if (lead >= 0xC2 && lead <= 0xDF) {
		need = 1;
		value = (int32_t)(lead & 0x1F);
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		need = 2;
		value = (int32_t)(lead & 0x0F);
		if (lead == 0xE0)
			lo = 0xA0;
		else if (lead == 0xED)
			hi = 0x9F;
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		need = 3;
		value = (int32_t)(lead & 0x07);
		if (lead == 0xF0)
			lo = 0x90;
		else if (lead == 0xF4)
			hi = 0x8F;
	} else {
		/* 80..C1 and F5..FF never start a well-formed sequence. */
		*bad = 1;
		return 0;
	}
	size_t k;
	for (k = 1; k <= need && k < n; k++) {
		unsigned b = s[k];
		if (b < lo || b > hi)
			break;
		value = (value << 6) | (int32_t)(b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	if (k > need) {
		*cp = value;
		return need + 1;
	}
	/* The lead and the continuation bytes that fitted so far form the
	 * maximal subpart: one U+FFFD for all of them. */
	*bad = k;
	return 0;
}

size_t
u8_decode(const char *s, size_t n, size_t i, int32_t *cp)
{
	size_t bad;
	size_t len = u8_scan((const unsigned char *)s + i, n - i, cp, &bad);
	if (len)
		return len;
	*cp = U8_REPLACEMENT;
	return 1;
}

size_t
u8_encode(int32_t cp, char *out)
{
	uint32_t c = (uint32_t)cp;
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = U8_REPLACEMENT;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t
u8_prev(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	size_t k = i - 1;
	size_t limit = i >= 4 ? i - 4 : 0;
	while (k > limit && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	/* Only a well-formed sequence ending exactly at i is one code point;
	 * otherwise the byte before i is a bad byte of its own, as u8_decode
	 * would see it going forwards. */
	int32_t cp;
	if (k < i - 1 && u8_decode(s, i, k, &cp) == i - k)
		return k;
	return i - 1;
}

/* A word of eight bytes, each below 0x80: the high bit of each byte that
 * is zero is set, exactly (no false hits from borrows). */
static inline uint64_t
zero_bytes(uint64_t x)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
	return ~(((x & low7) + low7) | x | low7);
}

static inline unsigned
count_high_bits(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_popcountll(x);
#else
	unsigned count = 0;
	for (; x; x &= x - 1)
		count++;
	return count;
#endif
}

#define HIGH_BITS 0x8080808080808080ULL
#define BYTES_OF(c) (0x0101010101010101ULL * (uint64_t)(c))

/* The end of the run of ASCII bytes from i; stops at CR when stop_at_cr. */
static size_t
ascii_run(const unsigned char *s, size_t i, size_t n, bool stop_at_cr, size_t *lf)
{
	size_t count = 0;
	while (n - i >= 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & HIGH_BITS)
			break;
		if (stop_at_cr && zero_bytes(w ^ BYTES_OF('\r')))
			break;
		count += count_high_bits(zero_bytes(w ^ BYTES_OF('\n')));
		i += 8;
	}
	while (i < n && s[i] < 0x80 && !(stop_at_cr && s[i] == '\r')) {
		count += s[i] == '\n';
		i++;
	}
	*lf += count;
	return i;
}

size_t
u8_count_cp(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t count = 0, i = 0, lf = 0;
	while (i < n) {
		if (u[i] < 0x80) {
			size_t j = ascii_run(u, i, n, false, &lf);
			count += j - i;
			i = j;
			continue;
		}
		int32_t cp;
		i += u8_decode(s, n, i, &cp);
		count++;
	}
	return count;
}

bool
u8_is_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, lf = 0;
	while (i < n) {
		if (u[i] < 0x80) {
			i = ascii_run(u, i, n, false, &lf);
			continue;
		}
		int32_t cp;
		size_t bad;
		size_t len = u8_scan(u + i, n - i, &cp, &bad);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

/* ------------------------------------------------------ normalising text */

bool
u8_in_ranges(const struct u8gen_range *r, size_t len, uint32_t cp)
{
	if (len == 0 || cp < r[0].first || cp > r[len - 1].last)
		return false;
	size_t lo = 0, hi = len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int
u8_class_in_ranges(const struct u8gen_class_range *r, size_t len, uint32_t cp, int dflt)
{
	size_t lo = 0, hi = len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return (int)r[mid].value;
	}
	return dflt;
}

/* Where a text may be cut for NFC, by the code point after the cut. */
enum nfc_cut {
	NFC_CUT_SAFE,       /* combining class 0 and NFC_Quick_Check=Yes: it
			     * neither reorders with nor composes onto what
			     * precedes it, so a cut before it changes nothing */
	NFC_CUT_STARTER,    /* class 0 but may compose onto the previous one */
	NFC_CUT_NONSTARTER, /* a combining class other than 0 */
};

static enum nfc_cut
nfc_cut_before(int32_t cp)
{
	if (cp < 0x300)
		return NFC_CUT_SAFE;
	/* CJK ideographs and Hangul syllables, the bulk of CJK text. */
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3))
		return NFC_CUT_SAFE;
	if (utf8proc_get_property(cp)->combining_class != 0)
		return NFC_CUT_NONSTARTER;
	if (u8_in_ranges(u8gen_nfc_unsafe, u8gen_nfc_unsafe_len, (uint32_t)cp))
		return NFC_CUT_STARTER;
	return NFC_CUT_SAFE;
}

/* utf8proc sorts combining marks by insertion, quadratic in a run of
 * them; a file of a million alternating marks would stall loading.  Real
 * text needs at most 30 in a row (UAX #15's Stream-Safe Text Format), so
 * a longer run is normalised in pieces of this many: still deterministic,
 * only the order of marks in such a run may differ from full NFC. */
#define MAX_NONSTARTER_RUN 256

/* Code points for utf8proc, reused from one call to the next. */
struct cp_scratch {
	utf8proc_int32_t *cps;
	size_t cap;
};

static void
scratch_free(struct cp_scratch *sc)
{
	free(sc->cps);
	sc->cps = NULL;
	sc->cap = 0;
}

/* Runs utf8proc's decomposition of s[0, n) with options into sc and
 * re-encodes the result in place (composing if asked).  Returns the length
 * of the UTF-8 now at (char *)sc->cps, or -1 if utf8proc refused it. */
static utf8proc_ssize_t
utf8proc_transform(struct cp_scratch *sc, const char *s, size_t n, utf8proc_option_t options)
{
	utf8proc_ssize_t got;
	for (;;) {
		got = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
					 sc->cps, (utf8proc_ssize_t)sc->cap, options);
		if (got < 0)
			return -1;
		if ((size_t)got <= sc->cap)
			break;
		/* utf8proc_reencode writes a NUL after the bytes: one spare
		 * code point of room. */
		size_t cap = (size_t)got + (size_t)got / 2 + 16;
		sc->cps = xreallocarray(sc->cps, cap + 1, sizeof(*sc->cps));
		sc->cap = cap;
	}
	return utf8proc_reencode(sc->cps, got, options);
}

/* Appends len bytes to b, growing it only when needed (the hot path of
 * u8_normalize_text).  Leaves the terminating NUL to the caller. */
static inline void
put_bytes(struct buf *b, const void *p, size_t len)
{
	if (b->cap - b->len <= len)
		buf_reserve(b, len);
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

/* Replaces out[seg, len) by its NFC form; true if that changed it. */
static bool
nfc_tail(struct buf *out, size_t seg, struct cp_scratch *sc)
{
	size_t old = out->len - seg;
	utf8proc_ssize_t len = utf8proc_transform(sc, out->data + seg, old,
						  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (len < 0)
		return false;  /* not reached: the segment is valid UTF-8 */
	if ((size_t)len == old && memcmp(sc->cps, out->data + seg, old) == 0)
		return false;
	out->len = seg;
	put_bytes(out, sc->cps, (size_t)len);
	return true;
}

/* Han ideographs, kana and CJK or full-width punctuation that are none
 * of Prepend, Extend, SpacingMark, ZWJ, Hangul jamo or syllables,
 * regional indicators or Extended_Pictographic (U+302A-302F, U+3030,
 * U+303D, U+3099-309A and U+FF9E-FF9F are left out): between two of
 * them, or one of them and ASCII, there is always a cluster boundary
 * (GB999), whatever came before.  Most of a CJK text is these. */
static inline bool
is_plain_cjk(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x3001 && c <= 0x3029) || (c >= 0x3041 && c <= 0x3096) ||
	       (c >= 0x30A1 && c <= 0x30FF) || (c >= 0xFF01 && c <= 0xFF5E);
}

/* The code point of p[0, 3) when it is a three-byte sequence of
 * U+3000-9FFF (lead byte E3-E9: kana, CJK punctuation, Han), else -1: the
 * CJK runs below test it without a general decode.  The caller makes sure
 * three bytes are there. */
static inline int32_t
cjk3(const unsigned char *p)
{
	if (p[0] < 0xE3 || p[0] > 0xE9 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return -1;
	return ((int32_t)(p[0] & 0x0F) << 12) | ((int32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
}

/* True when p[0, 3) is a Han ideograph of U+3400-4DBF or U+4E00-9FFF. */
static inline bool
is_han3(const char *p)
{
	int32_t cp = cjk3((const unsigned char *)p);
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* The one pass behind u8_normalize_text and u8_nfc.  The output is built
 * in place: out[seg, len) is the part NFC may still change (it starts at
 * the last boundary before a starter that nothing can compose onto), and
 * it is normalised only when it holds a character that is not already
 * NFC-stable (`dirty`).  ASCII and most CJK text never reach utf8proc;
 * a dirty segment is usually a few code points, so memory stays at the
 * size of the output. */
static void
normalize(struct buf *out, const char *in_s, size_t n, bool unify_newlines,
	  struct u8_normalize_stats *stats)
{
	const unsigned char *in = (const unsigned char *)in_s;
	struct u8_normalize_stats st = { 0, 0, 0, 0, false };
	struct cp_scratch sc = { NULL, 0 };
	size_t seg = out->len;
	bool dirty = false;
	size_t nonstarters = 0;  /* combining marks in a row just before i */
	size_t i = 0;

	buf_reserve(out, n + 16);
	while (i < n) {
		unsigned c = in[i];
		if (c < 0x80 && !(unify_newlines && c == '\r')) {
			size_t j = ascii_run(in, i, n, unify_newlines, &st.lf);
			if (dirty) {
				st.changed_by_nfc |= nfc_tail(out, seg, &sc);
				dirty = false;
			}
			put_bytes(out, in + i, j - i);
			nonstarters = 0;
			/* A following mark may still compose onto the last one. */
			seg = out->len - 1;
			i = j;
			continue;
		}
		if (c == '\r') {
			if (dirty) {
				st.changed_by_nfc |= nfc_tail(out, seg, &sc);
				dirty = false;
			}
			put_bytes(out, "\n", 1);
			nonstarters = 0;
			seg = out->len - 1;
			if (i + 1 < n && in[i + 1] == '\n') {
				st.crlf++;
				i += 2;
			} else {
				st.cr++;
				i++;
			}
			continue;
		}
		/* A run of Han ideographs and kana, most of a CJK text: each is
		   valid, NFC-stable and a boundary (nothing before it composes
		   with it), so the run is copied at once, not a character at a
		   time.  Only the last may still take a mark that follows. */
		if (c >= 0xE3 && c <= 0xE9) {
			size_t j = i;
			while (j + 2 < n && is_plain_cjk(cjk3(in + j)))
				j += 3;
			if (j > i) {
				if (dirty) {
					st.changed_by_nfc |= nfc_tail(out, seg, &sc);
					dirty = false;
				}
				put_bytes(out, in + i, j - i);
				seg = out->len - 3;
				nonstarters = 0;
				i = j;
				continue;
			}
		}
		int32_t cp;
		size_t bad;
		size_t len = u8_scan(in + i, n - i, &cp, &bad);
		const void *bytes = in + i;
		size_t out_len = len;
		if (!len) {
			cp = U8_REPLACEMENT;
			bytes = replacement_utf8;
			out_len = sizeof(replacement_utf8);
			len = bad;
			st.replaced++;
		}
		enum nfc_cut cut = nfc_cut_before(cp);
		if (cut == NFC_CUT_NONSTARTER && ++nonstarters > MAX_NONSTARTER_RUN) {
			st.changed_by_nfc |= nfc_tail(out, seg, &sc);
			seg = out->len;
			nonstarters = 1;
		} else if (cut != NFC_CUT_NONSTARTER) {
			nonstarters = 0;
		}
		if (cut == NFC_CUT_SAFE) {
			if (dirty) {
				st.changed_by_nfc |= nfc_tail(out, seg, &sc);
				dirty = false;
			}
			seg = out->len;
		} else {
			dirty = true;
		}
		put_bytes(out, bytes, out_len);
		i += len;
	}
	if (dirty)
		st.changed_by_nfc |= nfc_tail(out, seg, &sc);
	out->data[out->len] = '\0';
	scratch_free(&sc);
	if (stats)
		*stats = st;
}

void
u8_normalize_text(struct buf *out, const char *in, size_t n,
		  struct u8_normalize_stats *stats)
{
	normalize(out, in, n, true, stats);
}

void
u8_nfc(struct buf *out, const char *s, size_t n)
{
	normalize(out, s, n, false, NULL);
}

/* ---------------------------------------------------- grapheme clusters */

static inline size_t
decode_fast(const char *s, size_t n, size_t i, int32_t *cp)
{
	return u8_decode_inline(s, n, i, cp);
}


/* The end of the cluster whose first code point, `prev`, ends at j < n:
 * utf8proc's rules.  Kept out of line, so that the common cases above
 * cost a call without saving what this loop needs. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t
cluster_end_slow(const char *s, size_t n, size_t j, int32_t prev)
{
	int32_t next;
	utf8proc_int32_t state = 0;
	while (j < n) {
		size_t len = decode_fast(s, n, j, &next);
		if (utf8proc_grapheme_break_stateful(prev, next, &state))
			break;
		prev = next;
		j += len;
	}
	return j;
}

size_t
u8_next_cluster(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return n;
	unsigned char c = (unsigned char)s[i];
	/* Two ASCII characters always have a boundary between them, but for
	 * CR LF (GB3, GB999). */
	if (c < 0x80 && i + 1 < n) {
		unsigned char d = (unsigned char)s[i + 1];
		if (d < 0x80 && !(c == '\r' && d == '\n'))
			return i + 1;
	}
	int32_t prev, next;
	size_t j = i + decode_fast(s, n, i, &prev);
	if (j >= n)
		return n;
	/* The common CJK cases without utf8proc: ASCII or a plain CJK
	   character, followed by either. */
	if (prev != '\r' && (prev < 0x80 || is_plain_cjk(prev))) {
		decode_fast(s, n, j, &next);
		if ((next < 0x80 && prev >= 0x80) || is_plain_cjk(next))
			return j;
	}
	return cluster_end_slow(s, n, j, prev);
}

/* True when there is a cluster boundary between a and b whatever came
 * before a.  Only GB11 (ZWJ × Extended_Pictographic, depending on an
 * earlier pictograph) and GB12/13 (regional indicator pairs) look further
 * back; the stateless rules say "no break" for a pair of indicators, so
 * only GB11 needs excluding here. */
static bool
definite_boundary(int32_t a, int32_t b)
{
	if (!utf8proc_grapheme_break(a, b))
		return false;
	return !(utf8proc_get_property(a)->boundclass == UTF8PROC_BOUNDCLASS_ZWJ &&
		 utf8proc_get_property(b)->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC);
}

size_t
u8_prev_cluster(const char *s, size_t n, size_t i)
{
	if (i == 0)
		return 0;
	if (i > n)
		i = n;
	/* Walk back to a boundary that holds whatever precedes it, then
	 * walk forwards cluster by cluster, as the forward rules decide. */
	size_t q = u8_prev(s, i);
	while (q > 0) {
		size_t p = u8_prev(s, q);
		int32_t a, b;
		decode_fast(s, n, p, &a);
		decode_fast(s, n, q, &b);
		if (definite_boundary(a, b))
			break;
		q = p;
	}
	for (;;) {
		size_t end = u8_next_cluster(s, n, q);
		if (end >= i)
			return q;
		q = end;
	}
}

/* -------------------------------------------------------------- folding */

struct size_array {
	size_t *v;
	size_t len, cap;
};

static void
map_push(struct size_array *m, size_t value, size_t count)
{
	if (m->cap - m->len < count) {
		size_t cap = m->cap ? m->cap : 64;
		while (cap - m->len < count)
			cap *= 2;
		m->v = xreallocarray(m->v, cap, sizeof(*m->v));
		m->cap = cap;
	}
	for (size_t k = 0; k < count; k++)
		m->v[m->len++] = value;
}

#define NFKC_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE)
#define FOLD_OPTIONS (NFKC_OPTIONS | UTF8PROC_CASEFOLD)

/* Folds the cluster s[0, n) into out; a cluster with bad bytes is folded
 * code point by code point, each bad byte as U+FFFD. */
static void
fold_cluster(struct buf *out, const char *s, size_t n, struct cp_scratch *sc,
	     utf8proc_option_t options)
{
	utf8proc_ssize_t len = utf8proc_transform(sc, s, n, options);
	if (len >= 0) {
		buf_append(out, sc->cps, (size_t)len);
		return;
	}
	for (size_t i = 0; i < n;) {
		int32_t cp;
		char enc[4];
		i += u8_decode(s, n, i, &cp);
		size_t enc_len = u8_encode(cp, enc);
		len = utf8proc_transform(sc, enc, enc_len, options);
		if (len >= 0)
			buf_append(out, sc->cps, (size_t)len);
		else
			buf_append(out, enc, enc_len);
	}
}

/* The pass behind u8_fold and u8_nfkc: cluster by cluster, so the map
 * points every output byte at the start of the cluster it came from. */
static void
fold_text(struct buf *out, const char *s, size_t n, size_t **map, bool casefold)
{
	utf8proc_option_t options = casefold ? FOLD_OPTIONS : NFKC_OPTIONS;
	struct cp_scratch sc = { NULL, 0 };
	struct size_array m = { NULL, 0, 0 };
	size_t i = 0;

	buf_reserve(out, n);
	while (i < n) {
		/* A run of ASCII but its last byte (a mark may follow that)
		 * is one cluster per byte, folded by lowering the case. */
		size_t run = i;
		while (run + 1 < n && (unsigned char)s[run] < 0x80 &&
		       (unsigned char)s[run + 1] < 0x80 && s[run] != '\r')
			run++;
		if (run > i) {
			buf_reserve(out, run - i);
			for (size_t k = i; k < run; k++) {
				char c = s[k];
				out->data[out->len++] = casefold && c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
			}
			if (map) {
				map_push(&m, 0, run - i);
				for (size_t k = i; k < run; k++)
					m.v[m.len - (run - k)] = k;
			}
			i = run;
			continue;
		}
		/* A run of Han ideographs (U+3400-4DBF, U+4E00-9FFF: none has
		 * a decomposition or a case folding), each followed by another
		 * or by ASCII, is one cluster per ideograph that folds to
		 * itself: copied whole, as most of a Chinese text is such runs
		 * (the general path below asks utf8proc about each). */
		run = i;
		while (run + 3 < n && is_han3(s + run) &&
		       ((run + 6 <= n && is_han3(s + run + 3)) ||
			((unsigned char)s[run + 3] < 0x80 && s[run + 3] != '\r')))
			run += 3;
		if (run > i) {
			buf_append(out, s + i, run - i);
			if (map)
				for (size_t k = i; k < run; k += 3)
					map_push(&m, k, 3);
			i = run;
			continue;
		}
		size_t end = u8_next_cluster(s, n, i);
		size_t before = out->len;
		unsigned char c = (unsigned char)s[i];
		if (end == i + 1 && c < 0x80) {
			buf_putc(out, (char)(casefold && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
		} else {
			int32_t cp;
			size_t len = u8_decode(s, n, i, &cp);
			const utf8proc_property_t *p = utf8proc_get_property(cp);
			/* One code point with no decomposition and no case
			 * folding (most of CJK) folds to itself. */
			if (len == end - i && cp != U8_REPLACEMENT &&
			    p->decomp_seqindex == UINT16_MAX &&
			    (!casefold || p->casefold_seqindex == UINT16_MAX))
				buf_append(out, s + i, len);
			else
				fold_cluster(out, s + i, end - i, &sc, options);
		}
		if (map)
			map_push(&m, i, out->len - before);
		i = end;
	}
	if (!out->data)
		buf_reserve(out, 0);
	out->data[out->len] = '\0';
	scratch_free(&sc);
	if (map) {
		map_push(&m, n, 1);
		*map = m.v;
	}
}

void
u8_fold(struct buf *out, const char *s, size_t n, size_t **map)
{
	fold_text(out, s, n, map, true);
}

void
u8_nfkc(struct buf *out, const char *s, size_t n, size_t **map)
{
	fold_text(out, s, n, map, false);
}

bool
u8_fold_query(struct buf *needle, const char *q, size_t n)
{
	bool upper = false;
	for (size_t i = 0; i < n && !upper;) {
		int32_t cp;
		i += u8_decode(q, n, i, &cp);
		upper = u8_is_upper(cp);
	}
	if (upper)
		u8_nfkc(needle, q, n, NULL);
	else
		u8_fold(needle, q, n, NULL);
	return upper;
}

bool
u8_fold_contains(const char *needle, size_t nlen, bool case_sensitive,
		 const char *s, size_t n)
{
	if (nlen == 0 || !s || n == 0)
		return false;
	/* ASCII folds to itself (NFKC) or its lower case (case folding):
	   most notes are, and a store of 100,000 is searched at once. */
	bool ascii = true;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = (unsigned char)s[i] < 0x80;
	if (ascii) {
		if (case_sensitive)
			return memmem(s, n, needle, nlen) != NULL;
		for (size_t i = 0; i + nlen <= n; i++) {
			size_t k = 0;
			while (k < nlen && (s[i + k] >= 'A' && s[i + k] <= 'Z' ?
					    s[i + k] - 'A' + 'a' : s[i + k]) == needle[k])
				k++;
			if (k == nlen)
				return true;
		}
		return false;
	}
	struct buf folded = BUF_INIT;
	if (case_sensitive)
		u8_nfkc(&folded, s, n, NULL);
	else
		u8_fold(&folded, s, n, NULL);
	bool found = folded.len >= nlen && memmem(folded.data, folded.len, needle, nlen) != NULL;
	buf_free(&folded);
	return found;
}

const char *
u8_fold_name(void)
{
	/* Bump the first part when u8_fold's own rules change. */
	static char name[64];
	if (!name[0])
		snprintf(name, sizeof name, "u8_fold 1, Unicode %s",
			 utf8proc_unicode_version());
	return name;
}

bool
u8_is_upper(int32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	if (cp > 0x10FFFF)
		return false;
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

/* -------------------------------------------------------------- scripts */

enum u8_script
u8_script(int32_t cp)
{
	if (cp < 0 || cp > 0x10FFFF)
		return U8_SCRIPT_OTHER;
	if (cp < 0x80) {
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
			return U8_SCRIPT_LATIN;
		return U8_SCRIPT_COMMON;
	}
	return (enum u8_script)u8_class_in_ranges(u8gen_script, u8gen_script_len,
						  (uint32_t)cp, U8_SCRIPT_OTHER);
}

/* -------------------------------------------------------------- classes */

bool
u8_is_space(int32_t cp)
{
	/* White_Space in PropList.txt (stable since Unicode 6.3). */
	switch (cp) {
	case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

static int
category(int32_t cp)
{
	if (cp < 0 || cp > 0x10FFFF)
		return UTF8PROC_CATEGORY_CN;
	return utf8proc_category(cp);
}

bool
u8_is_alnum(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= 'a' && cp <= 'z');
	int c = category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

bool
u8_is_punct(int32_t cp)
{
	int c = category(cp);
	return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool
u8_is_cjk(int32_t cp)
{
	switch (u8_script(cp)) {
	case U8_SCRIPT_HAN:
	case U8_SCRIPT_HIRAGANA:
	case U8_SCRIPT_KATAKANA:
	case U8_SCRIPT_HANGUL:
		return true;
	default:
		break;
	}
	/* Blocks whose characters are Common (punctuation, the prolonged
	 * sound mark, fullwidth forms, ...) but belong to CJK text. */
	return (cp >= 0x2E80 && cp <= 0x2FFF) ||   /* radicals, ideographic description */
	       (cp >= 0x3000 && cp <= 0x33FF) ||   /* punctuation, kana, bopomofo, enclosed, compatibility */
	       (cp >= 0xFE10 && cp <= 0xFE1F) ||   /* vertical forms */
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||   /* compatibility forms */
	       (cp >= 0xFF00 && cp <= 0xFFEF);     /* halfwidth and fullwidth forms */
}

bool
u8_is_ext_pict(int32_t cp)
{
	if (cp < 0xA9 || cp > 0x10FFFF)
		return false;
	return u8_in_ranges(u8gen_ext_pict, u8gen_ext_pict_len, (uint32_t)cp);
}

enum u8_eaw
u8_east_asian_width(int32_t cp)
{
	if (cp < 0x20 || cp > 0x10FFFF)
		return U8_EAW_N;
	if (cp < 0x7F)
		return U8_EAW_NA;
	return (enum u8_eaw)u8_class_in_ranges(u8gen_eaw, u8gen_eaw_len, (uint32_t)cp, U8_EAW_N);
}

/* Characters common in running Chinese text that exist in only one of the
 * two written forms (這/这 ...): enough to tell them apart on a page. */
static const char *const only_traditional =
	"這們個說會時來為國對學與從後點還經過麼見長開關問題發現義聽讀書寫電話實應當將";
static const char *const only_simplified =
	"这们个说会时来为国对学与从后点还经过么见长开关问题发现义听读书写电话实应当将";

static bool
in_set(const char *set, int32_t cp)
{
	size_t n = strlen(set);
	for (size_t i = 0; i < n;) {
		int32_t c;
		i += u8_decode(set, n, i, &c);
		if (c == cp)
			return true;
	}
	return false;
}

const char *
u8_guess_language(const char *s, size_t n)
{
	size_t han = 0, kana = 0, hangul = 0, trad = 0, simp = 0;
	if (n > 65536)
		n = 65536;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += u8_decode(s, n, i, &cp);
		if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
		    (cp >= 0xFF66 && cp <= 0xFF9D))
			kana++;
		else if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) ||
			 (cp >= 0x3130 && cp <= 0x318F))
			hangul++;
		else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
			 (cp >= 0x20000 && cp <= 0x2FA1F)) {
			han++;
			/* Only the common ideographs are in either list: no need to
			   look the others up. */
			if (cp < 0x9FFF) {
				if (in_set(only_traditional, cp))
					trad++;
				else if (in_set(only_simplified, cp))
					simp++;
			}
		}
	}
	if (han + kana + hangul < 8)
		return NULL;
	/* Japanese writes its grammar in kana: a few percent of kana among
	   ideographs is Japanese, not a Chinese text quoting a name. */
	if (kana * 20 > han + kana)
		return "ja";
	if (hangul > han)
		return "ko";
	if (trad > simp)
		return "zh-Hant";
	if (simp > trad)
		return "zh-Hans";
	return "zh";
}
