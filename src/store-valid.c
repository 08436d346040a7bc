/* store-valid: what a style and a tag may be (see store.h).  The store
 * keeps plain data and knows nothing of utf8proc, so White_Space is
 * listed here: it is a small, stable set. */
#include "config.h"

#include "gloss/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
store_style_number(const char *style)
{
	static const struct { const char *name; int n; } names[] = {
		{ "yellow", 1 }, { "green", 2 }, { "blue", 3 }, { "cyan", 3 },
		{ "pink", 4 }, { "magenta", 4 }, { "purple", 4 }, { "red", 5 },
		{ "underline", 5 },
	};
	if (!style)
		return 0;
	if (style[0] >= '1' && style[0] <= '5' && style[1] == '\0')
		return style[0] - '0';
	for (size_t i = 0; i < GL_ARRAY_LEN(names); i++)
		if (strcmp(style, names[i].name) == 0)
			return names[i].n;
	return 0;
}

/* Decodes one UTF-8 character at s[i] (s NUL-terminated); its length, or
 * 0 when it is not valid UTF-8 (overlong, surrogate, past U+10FFFF). */
static size_t
decode(const char *str, size_t i, int32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str + i;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (n == 0 || s[0] > 0xF4)
		return 0;
	int32_t v = s[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	static const int32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* What splits tags in the reader's prompt (annotate_parse_tags), and
 * control characters. */
static bool
separates(int32_t cp)
{
	switch (cp) {
	case ',': case 0xFF0C: case 0x3001:          /* , ， 、 */
	case 0x20: case 0x85: case 0xA0: case 0x1680:
	case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
		return true;
	default:
		return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
		       (cp >= 0x2000 && cp <= 0x200A);
	}
}

const char *
store_tag_problem(const char *tag)
{
	if (!tag || !*tag)
		return "a tag cannot be empty";
	size_t count = 0;
	for (size_t i = 0; tag[i];) {
		int32_t cp;
		size_t n = decode(tag, i, &cp);
		if (n == 0)
			return "a tag must be UTF-8 text";
		if (separates(cp))
			return cp < 0x20 || (cp >= 0x7F && cp < 0xA0)
			       ? "a tag cannot hold control characters"
			       : "a tag is one word: no spaces or commas (use - or _)";
		if (++count > STORE_TAG_MAX)
			return "a tag is at most 100 characters";
		i += n;
	}
	return NULL;
}

char *
store_tag_canonical(const char *tag)
{
	struct buf out = BUF_INIT;
	size_t count = 0;
	bool gap = false;
	for (size_t i = 0; tag && tag[i] && count < STORE_TAG_MAX;) {
		int32_t cp;
		size_t n = decode(tag, i, &cp);
		if (n == 0) {
			i++;
			continue;
		}
		if (separates(cp)) {
			gap = out.len > 0;
		} else {
			if (gap) {
				if (count + 2 > STORE_TAG_MAX)
					break;
				buf_putc(&out, '-');
				count++;
			}
			gap = false;
			buf_append(&out, tag + i, n);
			count++;
		}
		i += n;
	}
	return buf_steal(&out, NULL);
}
