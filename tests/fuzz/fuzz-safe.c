/* fuzz-safe: the terminal-safe form of any bytes (u8_safe, u8_safe_line,
 * u8_safe_str), through which every message about user data goes.  The
 * output must be valid UTF-8 with no control character at all (no C0 but
 * TAB and LF for u8_safe_line, no DEL, no C1 in either form (valid UTF-8
 * has no lone 0x9B), no ESC so no
 * escape sequence of any family) and none of the characters u8_placeholder
 * replaces (bidirectional controls and the other format controls).  Any
 * violation aborts.  Also walks clusters and widths over the same bytes,
 * which u8.h says never read out of bounds even on invalid UTF-8. */
#include "config.h"

#include "fuzz.h"

static void
check_safe(const struct buf *out, bool keep_tab_lf)
{
	FUZZ_CHECK(out->len == 0 || u8_is_valid(out->data, out->len));
	for (size_t i = 0; i < out->len;) {
		unsigned char c = (unsigned char)out->data[i];
		if (c < 0x20)
			FUZZ_CHECK(keep_tab_lf && (c == '\t' || c == '\n'));
		FUZZ_CHECK(c != 0x7F);
		int32_t cp;
		char ph[16];
		size_t l = u8_decode(out->data, out->len, i, &cp);
		if (cp >= 0x20)
			FUZZ_CHECK(!u8_placeholder(cp, ph));
		FUZZ_CHECK(!(cp >= 0x80 && cp < 0xA0));
		FUZZ_CHECK(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069) &&
			   cp != 0x200E && cp != 0x200F && cp != 0x061C);
		i += l;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf out = BUF_INIT;
	u8_safe(&out, s, size);
	check_safe(&out, false);
	/* Appending keeps what was there. */
	size_t before = out.len;
	u8_safe(&out, s, size);
	FUZZ_CHECK(out.len == 2 * before);
	buf_free(&out);

	u8_safe_line(&out, s, size);
	check_safe(&out, true);
	buf_free(&out);

	/* The NUL-terminated form, on the part before the first NUL. */
	char *z = xstrndup(s, size);
	const char *safe = u8_safe_str(z);
	struct buf zb = BUF_INIT;
	buf_puts(&zb, safe);
	check_safe(&zb, false);
	buf_free(&zb);
	free(z);

	/* Clusters forwards and back, and widths, on any bytes. */
	size_t clusters = 0;
	for (size_t i = 0; i < size;) {
		size_t next = u8_next_cluster(s, size, i);
		FUZZ_CHECK(next > i && next <= size);
		int w = u8_cluster_width(s + i, next - i);
		FUZZ_CHECK(w >= 0);
		i = next;
		clusters++;
	}
	size_t back = 0;
	for (size_t i = size; i > 0;) {
		size_t prev = u8_prev_cluster(s, size, i);
		FUZZ_CHECK(prev < i);
		i = prev;
		FUZZ_CHECK(++back <= size);
	}
	(void)u8_str_width(s, size);
	(void)clusters;

	/* Normalising any bytes gives valid UTF-8 with LF newlines only. */
	struct buf norm = BUF_INIT;
	struct u8_normalize_stats st;
	memset(&st, 0, sizeof st);
	u8_normalize_text(&norm, s, size, &st);
	FUZZ_CHECK(norm.len == 0 || u8_is_valid(norm.data, norm.len));
	FUZZ_CHECK(norm.len == 0 || !memchr(norm.data, '\r', norm.len));
	buf_free(&norm);
	return 0;
}
