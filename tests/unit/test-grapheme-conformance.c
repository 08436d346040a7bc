/* Grapheme clusters against Unicode's own test: every case of
 * GraphemeBreakTest.txt (Unicode 15.0, committed in tests/data/unicode)
 * must break where the file says ÷ and nowhere it says ×, both walking
 * forwards (u8_next_cluster, what layout and the cursor use) and
 * backwards (u8_prev_cluster, the cursor moving left).  One TAP line per
 * case, so a failure names the line of the file. */
#include "config.h"

#include "gloss/u8.h"

#include "../tap.h"

#include <stdbool.h>

#define TEST_FILE "tests/data/unicode/GraphemeBreakTest.txt"
#define CASES_IN_15_0 602  /* lines with a test in GraphemeBreakTest-15.0.0 */
#define MAX_CPS 32

struct gb_case {
	char text[MAX_CPS * 4];
	size_t len;
	bool want_break[MAX_CPS * 4 + 1]; /* by byte offset: ÷ there */
	bool is_cp_start[MAX_CPS * 4 + 1];
	char hex[MAX_CPS * 6];            /* the code points, for messages */
};

/* Parses "÷ 0020 × 0308 ÷ # comment"; false for a line without a case
 * (comment, blank); *bad for one that does not parse. */
static bool
parse_case(const char *line, struct gb_case *c, bool *bad)
{
	const char *p = line;
	bool expect_mark = true;
	size_t ncps = 0;

	*bad = false;
	memset(c, 0, sizeof(*c));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
			break;
		if (expect_mark) {
			bool is_break = strncmp(p, "\xC3\xB7", 2) == 0;     /* ÷ */
			bool no_break = strncmp(p, "\xC3\x97", 2) == 0;     /* × */
			if (!is_break && !no_break) {
				*bad = true;
				return false;
			}
			c->want_break[c->len] = is_break;
			c->is_cp_start[c->len] = true;
			p += 2;
		} else {
			char *end;
			long cp = strtol(p, &end, 16);
			if (end == p || cp < 0 || cp > 0x10FFFF || ncps == MAX_CPS ||
			    (cp >= 0xD800 && cp <= 0xDFFF)) {
				*bad = true;
				return false;
			}
			p = end;
			size_t hl = strlen(c->hex);
			snprintf(c->hex + hl, sizeof(c->hex) - hl, "%s%04lX", ncps ? " " : "", cp);
			c->len += u8_encode((int32_t)cp, c->text + c->len);
			ncps++;
		}
		expect_mark = !expect_mark;
	}
	if (ncps == 0 && expect_mark)
		return false;
	if (expect_mark || ncps == 0) {
		/* A case ends with a mark; anything else is malformed. */
		*bad = true;
		return false;
	}
	return true;
}

/* Checks one case both ways; fills why on failure. */
static bool
check_case(const struct gb_case *c, char *why, size_t why_len)
{
	bool got[MAX_CPS * 4 + 1];
	memset(got, 0, sizeof(got));
	got[0] = true;
	for (size_t i = 0; i < c->len;) {
		size_t end = u8_next_cluster(c->text, c->len, i);
		if (end <= i || end > c->len) {
			snprintf(why, why_len, "next cluster from %zu went to %zu", i, end);
			return false;
		}
		got[end] = true;
		i = end;
	}
	for (size_t i = 0; i <= c->len; i++) {
		if (c->is_cp_start[i] && got[i] != c->want_break[i]) {
			snprintf(why, why_len, "forwards: %s at byte %zu",
				 got[i] ? "break" : "no break", i);
			return false;
		}
	}
	/* Backwards from the end, boundary by boundary. */
	size_t i = c->len;
	while (i > 0) {
		size_t start = u8_prev_cluster(c->text, c->len, i);
		if (start >= i || !c->want_break[start]) {
			snprintf(why, why_len, "backwards: cluster ending at %zu starts at %zu", i, start);
			return false;
		}
		for (size_t k = start + 1; k < i; k++) {
			if (c->is_cp_start[k] && c->want_break[k]) {
				snprintf(why, why_len, "backwards: skipped the boundary at %zu", k);
				return false;
			}
		}
		i = start;
	}
	return true;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char *path = gl_path_join(top && *top ? top : ".", TEST_FILE);
	FILE *f = fopen(path, "r");
	if (!f) {
		free(path);
		tap_skip_all("GraphemeBreakTest.txt not found (set top_srcdir)");
	}

	char line[4096];
	int lineno = 0, cases = 0, failed = 0;
	struct gb_case c;
	while (fgets(line, sizeof(line), f)) {
		bool bad;
		lineno++;
		if (!parse_case(line, &c, &bad)) {
			if (bad)
				ok(0, "line %d of GraphemeBreakTest.txt parses", lineno);
			continue;
		}
		cases++;
		char why[128] = "";
		bool pass = check_case(&c, why, sizeof(why));
		if (!ok(pass, "line %d: clusters of %s break where Unicode says", lineno, c.hex)) {
			diag("  %s", why);
			failed++;
		}
	}
	fclose(f);
	free(path);
	is_int(cases, CASES_IN_15_0, "every case of the 15.0 file was read");
	if (failed)
		diag("%d of %d cases failed", failed, cases);
	return tap_done();
}
