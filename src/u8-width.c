/* u8: the one width function of the program, placeholders for control
 * characters, and the terminal-safe form of any string. */
#include "config.h"

#include "gloss/u8.h"
#include "u8-internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* --------------------------------------------------------------- settings */

static int ambiguous_width = 1;

struct width_override {
	int32_t cp;
	int width;
};

/* Sorted by code point; looked up for every code point measured, so the
 * common case (none set) costs one test. */
static struct width_override *overrides;
static size_t overrides_len, overrides_cap;

void
u8_set_ambiguous_width(int width)
{
	ambiguous_width = width == 2 ? 2 : 1;
}

int
u8_ambiguous_width(void)
{
	return ambiguous_width;
}

static size_t
override_index(int32_t cp, bool *found)
{
	size_t lo = 0, hi = overrides_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (overrides[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < overrides_len && overrides[lo].cp == cp;
	return lo;
}

/* The overridden width of cp, or -1. */
static int
override_width(int32_t cp)
{
	if (overrides_len == 0)
		return -1;
	bool found;
	size_t k = override_index(cp, &found);
	return found ? overrides[k].width : -1;
}

void
u8_set_width_override(int32_t cp, int width)
{
	bool found;
	size_t k = override_index(cp, &found);
	if (width < 0 || width > 2) {
		if (found) {
			memmove(overrides + k, overrides + k + 1,
				(overrides_len - k - 1) * sizeof(*overrides));
			overrides_len--;
		}
		return;
	}
	if (found) {
		overrides[k].width = width;
		return;
	}
	if (overrides_len == overrides_cap) {
		overrides_cap = overrides_cap ? overrides_cap * 2 : 16;
		overrides = xreallocarray(overrides, overrides_cap, sizeof(*overrides));
	}
	memmove(overrides + k + 1, overrides + k, (overrides_len - k) * sizeof(*overrides));
	overrides[k].cp = cp;
	overrides[k].width = width;
	overrides_len++;
}

void
u8_clear_width_overrides(void)
{
	free(overrides);
	overrides = NULL;
	overrides_len = overrides_cap = 0;
}

/* ------------------------------------------------------------ placeholders */

/* Format characters that steer the terminal or the text's direction, or
 * break lines on their own: shown as <U+XXXX>, never sent. */
static bool
is_format_hazard(int32_t cp)
{
	return cp == 0x061C ||                      /* ARABIC LETTER MARK */
	       cp == 0x200E || cp == 0x200F ||      /* LRM, RLM */
	       (cp >= 0x202A && cp <= 0x202E) ||    /* LRE RLE PDF LRO RLO */
	       (cp >= 0x2066 && cp <= 0x206F) ||    /* isolates, deprecated shaping controls */
	       cp == 0x2028 || cp == 0x2029 ||      /* line and paragraph separators */
	       cp == 0xFEFF ||                      /* BOM / ZWNBSP inside text */
	       (cp >= 0xFFF9 && cp <= 0xFFFB);      /* interlinear annotation controls */
}

bool
u8_placeholder(int32_t cp, char out[16])
{
	if (cp >= 0 && cp < 0x20) {
		out[0] = '^';
		out[1] = (char)('@' + cp);
		out[2] = '\0';
		return true;
	}
	if (cp == 0x7F) {
		memcpy(out, "^?", 3);
		return true;
	}
	if ((cp >= 0x80 && cp <= 0x9F) || is_format_hazard(cp)) {
		snprintf(out, 16, "<U+%04X>", (unsigned)cp);
		return true;
	}
	out[0] = '\0';
	return false;
}

/* ------------------------------------------------------------------ width */

static bool
is_mark(int32_t cp)
{
	int c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME;
}

int
u8_cp_width(int32_t cp)
{
	int w = override_width(cp);
	if (w >= 0)
		return w;
	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	/* CJK ideographs, Hangul syllables, kana, CJK and full-width
	   punctuation (East Asian Width W or F, none a mark or ignorable):
	   wide, no table needed. */
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	    (cp >= 0x3001 && cp <= 0x3029) || (cp >= 0x3041 && cp <= 0x3096) ||
	    (cp >= 0x30A1 && cp <= 0x30FF) || (cp >= 0xFF01 && cp <= 0xFF60))
		return 2;
	if (cp < 0 || cp > 0x10FFFF)
		return 1;
	char placeholder[16];
	if (u8_placeholder(cp, placeholder))
		return (int)strlen(placeholder);
	const utf8proc_property_t *p = utf8proc_get_property(cp);
	/* Marks draw on their base, and default-ignorables (ZWJ, ZWNJ,
	 * variation selectors, soft hyphen, fillers...) draw nothing. */
	if (p->category == UTF8PROC_CATEGORY_MN || p->category == UTF8PROC_CATEGORY_ME ||
	    p->ignorable)
		return 0;
	switch (u8_east_asian_width(cp)) {
	case U8_EAW_W:
	case U8_EAW_F:
		return 2;
	case U8_EAW_A:
		return ambiguous_width;
	default:
		return 1;
	}
}

static bool
is_regional_indicator(int32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* A leading jamo or a precomposed syllable: the start of a Hangul block
 * that the following conjoining jamo draw into. */
static bool
is_hangul_block_start(int32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0xA960 && cp <= 0xA97F) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3);
}

static bool
is_hangul_jamo(int32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
	       (cp >= 0xD7B0 && cp <= 0xD7FF);
}

static int cluster_width_rest(const char *s, size_t n, size_t i, int32_t first,
			      int first_width);

int
u8_cluster_width(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	int32_t first;
	size_t i = u8_decode_inline(s, n, 0, &first);
	int first_width = u8_cp_width(first);
	if (i == n) {
		if (first_width == 0 && is_mark(first))
			return 1;  /* a mark with no base: drawn on its own */
		return first_width;
	}
	return cluster_width_rest(s, n, i, first, first_width);
}

/* u8_cluster_width of a cluster of several code points, the first
 * (`first`, `first_width` wide) ending at i.  Out of line, so that the
 * one-code-point clusters of most text cost a light call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
cluster_width_rest(const char *s, size_t n, size_t i, int32_t first, int first_width)
{
	bool overridden = override_width(first) >= 0;
	bool pictograph = u8_is_ext_pict(first);
	bool keycap_base = first == '#' || first == '*' || (first >= '0' && first <= '9');
	bool hangul = is_hangul_block_start(first);
	bool emoji = false;
	int rest = 0;
	int32_t prev = first;
	for (size_t k = 1; i < n; k++) {
		int32_t cp;
		i += u8_decode_inline(s, n, i, &cp);
		if (cp == 0xFE0F && (pictograph || keycap_base))
			emoji = true;                     /* emoji presentation */
		else if (pictograph && prev == 0x200D && u8_is_ext_pict(cp))
			emoji = true;                     /* ZWJ sequence */
		else if (pictograph && cp >= 0x1F3FB && cp <= 0x1F3FF)
			emoji = true;                     /* skin tone modifier */
		else if (k == 1 && is_regional_indicator(first) && is_regional_indicator(cp))
			emoji = true;                     /* a flag */
		if (!(hangul && is_hangul_jamo(cp)))
			rest += u8_cp_width(cp);
		prev = cp;
	}
	/* An emoji sequence is one pictograph, two columns, whatever its
	 * parts would measure alone; an explicit override of its first
	 * character wins. */
	if (emoji && !overridden)
		return 2;
	/* A Hangul block is one wide syllable, even when it starts with the
	 * (default-ignorable) choseong filler. */
	if (hangul && !overridden)
		first_width = 2;
	int width = first_width + rest;
	if (width == 0 && is_mark(first))
		return 1;
	return width;
}

size_t
u8_str_width(const char *s, size_t n)
{
	return u8_str_width_upto(s, n, SIZE_MAX);
}

size_t
u8_str_width_upto(const char *s, size_t n, size_t cap)
{
	size_t width = 0, i = 0;
	while (i < n && width <= cap) {
		size_t end = u8_next_cluster(s, n, i);
		if (end == i + 1 && s[i] == '\t')
			width += 1;
		else if (end == i + 1 && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F)
			width += 1;
		else
			width += (size_t)u8_cluster_width(s + i, end - i);
		i = end;
	}
	return width;
}

/* -------------------------------------------------------- terminal-safe */

static void
safe_form(struct buf *out, const char *s, size_t n, bool keep_tab_lf)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	buf_reserve(out, n);
	while (i < n) {
		size_t j = i;
		while (j < n && u[j] >= 0x20 && u[j] < 0x7F)
			j++;
		if (j > i) {
			buf_append(out, s + i, j - i);
			i = j;
			continue;
		}
		int32_t cp;
		size_t bad;
		size_t len = u8_scan(u + i, n - i, &cp, &bad);
		if (!len) {
			/* Shown byte by byte, so 0x9B (a C1 CSI in
			 * Latin-1 terminals) cannot act. */
			buf_printf(out, "<%02X>", u[i]);
			i++;
			continue;
		}
		char placeholder[16];
		if (keep_tab_lf && (cp == '\t' || cp == '\n'))
			buf_putc(out, (char)cp);
		else if (u8_placeholder(cp, placeholder))
			buf_puts(out, placeholder);
		else
			buf_append(out, s + i, len);
		i += len;
	}
	if (!out->data)
		buf_reserve(out, 0);
	out->data[out->len] = '\0';
}

void
u8_safe(struct buf *out, const char *s, size_t n)
{
	safe_form(out, s, n, false);
}

void
u8_safe_line(struct buf *out, const char *s, size_t n)
{
	safe_form(out, s, n, true);
}

const char *
u8_safe_str(const char *s)
{
	static struct buf slots[8];
	static unsigned next;
	/* The reader's loading thread (app-load.c) names its file with this
	   too: the lock keeps two callers off one slot. */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	struct buf *b = &slots[next];
	next = (next + 1) % GL_ARRAY_LEN(slots);
	buf_clear(b);
	if (!s)
		s = "(null)";
	u8_safe(b, s, strlen(s));
	const char *safe = b->data;
	pthread_mutex_unlock(&lock);
	return safe;
}
