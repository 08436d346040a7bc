/* Line breaking against Unicode's own test: every case of LineBreakTest.txt
 * (Unicode 15.0, committed in tests/data/unicode) must break where the file
 * says ÷ and nowhere it says ×.  The untailored algorithm
 * (u8_line_breaks_uax14) must pass in full; gloss's tailoring
 * (u8_line_breaks_opt) may differ only where src/u8-linebreak.c says (T1
 * between a space and NS; T2, Korean keep-all, only by removing breaks
 * after a Hangul character has been seen), and the number of cases each
 * changes is printed. */
#include "config.h"

#include "gloss/u8.h"

#include "../tap.h"

#include <stdbool.h>

#define TEST_FILE "tests/data/unicode/LineBreakTest.txt"
#define CASES_IN_15_0 7654      /* lines with a test in LineBreakTest-15.0.0 */
#define GROUP 100               /* cases per TAP line */
#define MAX_CPS 64

struct lb_case {
	int line;
	char text[MAX_CPS * 4];
	size_t len;
	size_t offset[MAX_CPS + 1];   /* byte offset of each position */
	bool want_break[MAX_CPS + 1]; /* ÷ at that position */
	int32_t cps[MAX_CPS];
	size_t ncps;
};

static size_t
encode(int32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Parses "× 0023 ÷ 0020 ... ÷ # comment"; false for a line without a
 * case (comment, blank) or one that does not parse (*bad set). */
static bool
parse_case(const char *line, struct lb_case *c, bool *bad)
{
	const char *p = line;
	size_t positions = 0;
	bool expect_mark = true;

	*bad = false;
	c->len = 0;
	c->ncps = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
			break;
		if (expect_mark) {
			bool is_break = strncmp(p, "\xC3\xB7", 2) == 0;     /* ÷ */
			bool no_break = strncmp(p, "\xC3\x97", 2) == 0;     /* × */
			if ((!is_break && !no_break) || positions > MAX_CPS) {
				*bad = true;
				return false;
			}
			c->offset[positions] = c->len;
			c->want_break[positions++] = is_break;
			p += 2;
		} else {
			char *end;
			long cp = strtol(p, &end, 16);
			if (end == p || cp < 0 || cp > 0x10FFFF || c->ncps == MAX_CPS) {
				*bad = true;
				return false;
			}
			c->cps[c->ncps++] = (int32_t)cp;
			c->len += encode((int32_t)cp, c->text + c->len);
			p = end;
		}
		expect_mark = !expect_mark;
	}
	if (positions == 0)
		return false;
	if (expect_mark || positions != c->ncps + 1) {
		*bad = true;
		return false;
	}
	return true;
}

/* Positions where brk disagrees with the case; at most max written. */
static size_t
mismatches(const struct lb_case *c, const unsigned char *brk, size_t *where,
	   size_t max)
{
	size_t count = 0;
	for (size_t k = 0; k <= c->ncps; k++) {
		bool got = brk[c->offset[k]] != U8_BREAK_NONE;
		if (got != c->want_break[k]) {
			if (count < max)
				where[count] = k;
			count++;
		}
	}
	return count;
}

static void
show_case(const struct lb_case *c, const unsigned char *brk, const char *who)
{
	char got[MAX_CPS * 16] = "", want[MAX_CPS * 16] = "";
	size_t g = 0, w = 0;
	for (size_t k = 0; k <= c->ncps; k++) {
		bool b = brk[c->offset[k]] != U8_BREAK_NONE;
		g += (size_t)snprintf(got + g, sizeof got - g, "%s", b ? "÷" : "×");
		w += (size_t)snprintf(want + w, sizeof want - w, "%s",
				      c->want_break[k] ? "÷" : "×");
		if (k < c->ncps) {
			char cls[32];
			snprintf(cls, sizeof cls, " %04X(%s) ", (unsigned)c->cps[k],
				 u8_line_break_class_name(c->cps[k]));
			g += (size_t)snprintf(got + g, sizeof got - g, "%s", cls);
			w += (size_t)snprintf(want + w, sizeof want - w, "%s", cls);
		}
	}
	diag("  line %d (%s):", c->line, who);
	diag("    got  %s", got);
	diag("    want %s", want);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", top ? top : ".", TEST_FILE);
	FILE *f = fopen(path, "r");
	if (!f)
		tap_skip_all("cannot open " TEST_FILE " (set top_srcdir)");

	static struct lb_case c;
	unsigned char brk[MAX_CPS * 4 + 1], tailored[MAX_CPS * 4 + 1];
	unsigned char keep_all[MAX_CPS * 4 + 1];
	char line[8192];
	int lineno = 0, cases = 0, bad_lines = 0, failed = 0, shown = 0;
	int group_first = 0, group_failed = 0, group_cases = 0;
	int tailored_cases = 0, tailored_elsewhere = 0;
	int keep_all_cases = 0, keep_all_elsewhere = 0;

	while (fgets(line, sizeof line, f)) {
		bool bad;
		lineno++;
		if (!parse_case(line, &c, &bad)) {
			if (bad) {
				bad_lines++;
				diag("line %d does not parse: %s", lineno, line);
			}
			continue;
		}
		c.line = lineno;
		cases++;
		if (group_cases == 0)
			group_first = lineno;

		u8_line_breaks_uax14(c.text, c.len, brk);
		size_t where[4];
		if (mismatches(&c, brk, where, 4) != 0) {
			failed++;
			group_failed++;
			if (shown++ < 20)
				show_case(&c, brk, "UAX #14 default");
		}

		/* gloss's tailoring T1 (SP × NS) may only remove breaks
		 * between a space and an NS (CJ is NS by LB1). */
		u8_line_breaks_opt(c.text, c.len, tailored, 0);
		bool differs = false;
		for (size_t k = 0; k <= c.ncps; k++) {
			size_t off = c.offset[k];
			if (tailored[off] == brk[off])
				continue;
			differs = true;
			const char *after = k < c.ncps ?
				u8_line_break_class_name(c.cps[k]) : "";
			bool t1 = k > 0 && k < c.ncps && c.cps[k - 1] == 0x20 &&
				tailored[off] == U8_BREAK_NONE &&
				(strcmp(after, "NS") == 0 || strcmp(after, "CJ") == 0);
			if (!t1) {
				tailored_elsewhere++;
				if (shown++ < 20)
					show_case(&c, tailored, "gloss tailoring");
			}
		}
		tailored_cases += differs;

		/* T2 (Korean keep-all) may only remove breaks, and only once
		 * a Hangul character (H2, H3, JL, JV, JT) has been seen. */
		u8_line_breaks_opt(c.text, c.len, keep_all, U8_LB_KOREAN_KEEP_ALL);
		bool hangul_seen = false;
		differs = false;
		for (size_t k = 0; k <= c.ncps; k++) {
			size_t off = c.offset[k];
			if (k < c.ncps) {
				const char *cls = u8_line_break_class_name(c.cps[k]);
				if (!strcmp(cls, "H2") || !strcmp(cls, "H3") || !strcmp(cls, "JL") ||
				    !strcmp(cls, "JV") || !strcmp(cls, "JT"))
					hangul_seen = true;
			}
			if (keep_all[off] == tailored[off])
				continue;
			differs = true;
			if (!(hangul_seen && keep_all[off] == U8_BREAK_NONE &&
			      tailored[off] == U8_BREAK_ALLOWED)) {
				keep_all_elsewhere++;
				if (shown++ < 20)
					show_case(&c, keep_all, "Korean keep-all");
			}
		}
		keep_all_cases += differs;

		if (++group_cases == GROUP) {
			ok(group_failed == 0,
			   "LineBreakTest.txt lines %d-%d: %d cases break where Unicode says",
			   group_first, lineno, group_cases);
			group_cases = 0;
			group_failed = 0;
		}
	}
	fclose(f);
	if (group_cases > 0)
		ok(group_failed == 0,
		   "LineBreakTest.txt lines %d-%d: %d cases break where Unicode says",
		   group_first, lineno, group_cases);

	is_int(bad_lines, 0, "every test line of LineBreakTest.txt parses");
	is_int(cases, CASES_IN_15_0,
	       "all cases of LineBreakTest-15.0.0 were read (none silently lost)");
	is_int(tailored_elsewhere, 0,
	       "gloss's tailoring changes only breaks between a space and NS (T1)");
	diag("LineBreakTest.txt: %d cases, %d pass, %d fail (UAX #14 15.0 default)",
	     cases, cases - failed, failed);
	is_int(keep_all_elsewhere, 0,
	       "Korean keep-all (T2) only keeps breaks out next to Hangul");
	ok(keep_all_cases > 0,
	   "Korean keep-all (T2) does change Hangul cases of the test file");
	diag("gloss tailoring T1 (SP x NS) changes %d of the %d cases", tailored_cases,
	     cases);
	diag("gloss tailoring T2 (Korean keep-all) changes %d more", keep_all_cases);
	return tap_done();
}
