/* Helpers shared by the u8*.c files; not part of the u8 contract. */
#ifndef GLOSS_U8_INTERNAL_H
#define GLOSS_U8_INTERNAL_H

#include "gen/unicode-tables.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s[0, n) (n > 0) strictly (Table 3-7 of the
 * Unicode standard).  Returns its length, or 0 for an ill-formed sequence
 * with *bad set to the length of its maximal subpart (1..3), the bytes one
 * U+FFFD stands for. */
size_t u8_scan(const unsigned char *s, size_t n, int32_t *cp, size_t *bad);

/* u8_decode (i < n; a bad byte is U+FFFD of 1) with the two common cases
 * inline: ASCII, and a well-formed three-byte sequence whose lead needs
 * no narrower second-byte range (E1-EC, EE, EF: kana, CJK ideographs and
 * punctuation, full-width forms).  The rest goes to u8_scan. */
size_t u8_decode(const char *s, size_t n, size_t i, int32_t *cp);
static inline size_t
u8_decode_inline(const char *s, size_t n, size_t i, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s + i;
	unsigned c = u[0];
	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF && n - i >= 3 &&
	    (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		*cp = (int32_t)(((c & 0x0F) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu));
		return 3;
	}
	return u8_decode(s, n, i, cp);
}

/* Binary search in a generated table. */
bool u8_in_ranges(const struct u8gen_range *r, size_t len, uint32_t cp);
/* The value of the range holding cp, or dflt. */
int u8_class_in_ranges(const struct u8gen_class_range *r, size_t len, uint32_t cp, int dflt);

#endif
