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

/* Binary search in a generated table. */
bool u8_in_ranges(const struct u8gen_range *r, size_t len, uint32_t cp);
/* The value of the range holding cp, or dflt. */
int u8_class_in_ranges(const struct u8gen_class_range *r, size_t len, uint32_t cp, int dflt);

#endif
