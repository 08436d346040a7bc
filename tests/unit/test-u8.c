/* u8: what the rest of gloss relies on about text.  Loading turns any
 * bytes into NFC UTF-8 the way Python's decoder counts bad bytes; clusters
 * are never split; the one width function gives the columns a terminal
 * uses; nothing that could steer the terminal survives the safe form;
 * folding finds ＡＢＣ with "abc" and maps matches back. */
#include "config.h"

#include "gloss/u8.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), (sizeof(lit) - 1)
/* Compares bytes with a string literal (which may hold NULs). */
#define is_lit(got, gotlen, lit, ...) is_mem(got, gotlen, lit, sizeof(lit) - 1, __VA_ARGS__)

/* The normalised form of in[0, n) as a string; stats may be NULL. */
static char *
normalized(const char *in, size_t n, size_t *len, struct u8_normalize_stats *stats)
{
	struct buf b = BUF_INIT;
	u8_normalize_text(&b, in, n, stats);
	return buf_steal(&b, len);
}

static char *
safe(const char *in, size_t n)
{
	struct buf b = BUF_INIT;
	u8_safe(&b, in, n);
	return buf_steal(&b, NULL);
}

static char *
safe_line(const char *in, size_t n)
{
	struct buf b = BUF_INIT;
	u8_safe_line(&b, in, n);
	return buf_steal(&b, NULL);
}

/* ------------------------------------------------------------- decoding */

static void
test_decode(void)
{
	int32_t cp;
	is_int(u8_decode(S("a"), 0, &cp), 1, "ASCII decodes in one byte");
	is_int(cp, 'a', "to itself");
	is_int(u8_decode(S("é"), 0, &cp), 2, "é is two bytes");
	is_int(cp, 0xE9, "é is U+00E9");
	is_int(u8_decode(S("漢"), 0, &cp), 3, "漢 is three bytes");
	is_int(cp, 0x6F22, "漢 is U+6F22");
	is_int(u8_decode(S("😀"), 0, &cp), 4, "an emoji is four bytes");
	is_int(cp, 0x1F600, "😀 is U+1F600");
	is_int(u8_decode(S("\xE6\xBC"), 0, &cp), 1, "a truncated sequence decodes as one bad byte");
	is_int(cp, U8_REPLACEMENT, "a bad byte decodes as U+FFFD");
	is_int(u8_decode(S("\xED\xA0\x80"), 0, &cp), 1, "a surrogate is not a character");
	is_int(u8_decode(S("\xC0\xAF"), 0, &cp), 1, "an overlong slash is not a character");
	is_int(u8_decode(S("\xF4\x90\x80\x80"), 0, &cp), 1, "nothing past U+10FFFF decodes");
	is_int(u8_decode(S("a\xE6\xBC\xA2"), 1, &cp), 3, "decoding starts at the offset given");

	char out[4];
	is_lit(out, u8_encode(0x6F22, out), "漢", "encoding U+6F22 gives 漢");
	is_lit(out, u8_encode(0x1F600, out), "😀", "encoding a four-byte code point");
	is_lit(out, u8_encode(0x7F, out), "\x7F", "encoding the last ASCII code point");
	is_lit(out, u8_encode(0x80, out), "\xC2\x80", "encoding the first two-byte code point");
	is_lit(out, u8_encode(0xD800, out), "\xEF\xBF\xBD", "a surrogate encodes as U+FFFD");
	is_lit(out, u8_encode(0x110000, out), "\xEF\xBF\xBD", "a value past U+10FFFF encodes as U+FFFD");

	const char *mixed = "a漢😀é";
	size_t n = strlen(mixed);
	is_int(u8_prev(mixed, n), n - 2, "the code point before the end is é");
	is_int(u8_prev(mixed, n - 2), 4, "before é is the emoji");
	is_int(u8_prev(mixed, 4), 1, "before the emoji is 漢");
	is_int(u8_prev(mixed, 1), 0, "before 漢 is a");
	is_int(u8_prev(mixed, 0), 0, "nothing is before the start");
	is_int(u8_prev("\xE6\xBC" "a", 2), 1, "a truncated sequence steps back byte by byte");
	is_int(u8_prev("a\x80\x80\x80\x80", 5), 4, "stray continuation bytes step back one at a time");

	is_int(u8_count_cp(S("a漢😀é")), 4, "code points are counted, not bytes");
	is_int(u8_count_cp(S("")), 0, "an empty string has no code points");
	is_int(u8_count_cp(S("\xE6\xBC" "a")), 3, "each bad byte counts as one code point");
	is_int(u8_count_cp(S("0123456789abcdefghij漢")), 21, "a long ASCII run then CJK is counted right");
}

static void
test_validity(void)
{
	ok(u8_is_valid(S("plain ASCII text, long enough for the fast path")), "ASCII is valid");
	ok(u8_is_valid(S("漢字 café 😀")), "CJK, Latin-1 and emoji are valid");
	ok(u8_is_valid(S("")), "the empty string is valid");
	ok(u8_is_valid(S("\xEF\xBF\xBF\xF4\x8F\xBF\xBF")), "noncharacters and U+10FFFF are valid");
	ok(!u8_is_valid(S("abc\xC0\xAF")), "an overlong is invalid");
	ok(!u8_is_valid(S("\xED\xA0\x80")), "an encoded surrogate is invalid");
	ok(!u8_is_valid(S("0123456789\xE6\xBC")), "a sequence cut at the end is invalid");
	ok(!u8_is_valid(S("\xF5\x80\x80\x80")), "F5 never starts a character");
	ok(!u8_is_valid(S("\xFF")), "FF never appears");
	ok(!u8_is_valid(S("\x80")), "a lone continuation byte is invalid");
}

/* ------------------------------------------------------ normalising text */

/* Invalid inputs and what Python's bytes.decode('utf-8', 'replace')
 * gives for them (computed with Python 3.11): one U+FFFD per maximal
 * subpart of an ill-formed sequence. */
static const struct {
	const char *what, *in, *want;
	size_t in_len;
	size_t replaced;
} python_cases[] = {
#define R "\xEF\xBF\xBD"
#define CASE(what, in, want, n) { what, in, want, sizeof(in) - 1, n }
	CASE("overlong C0 AF (slash)", "\xC0\xAF", R R, 2),
	CASE("overlong C1 BF", "\xC1\xBF", R R, 2),
	CASE("overlong E0 80 AF", "\xE0\x80\xAF", R R R, 3),
	CASE("overlong F0 80 80 AF", "\xF0\x80\x80\xAF", R R R R, 4),
	CASE("surrogate ED A0 80", "\xED\xA0\x80", R R R, 3),
	CASE("surrogate ED BF BF", "\xED\xBF\xBF", R R R, 3),
	CASE("a sequence cut at the end", "a\xE4\xB8", "a" R, 1),
	CASE("a sequence cut by ASCII", "\xE4\xB8" "a", R "a", 1),
	CASE("an emoji cut after three bytes", "\xF0\x9F\x98", R, 1),
	CASE("an emoji cut after two bytes", "\xF0\x9F", R, 1),
	CASE("F5 and what follows", "\xF5\x80\x80\x80", R R R R, 4),
	CASE("FF", "\xFF", R, 1),
	CASE("FE FF (a UTF-16 BOM)", "\xFE\xFF", R R, 2),
	CASE("a lone continuation byte", "\x80", R, 1),
	CASE("three continuation bytes", "\x80\x80\x80", R R R, 3),
	CASE("past U+10FFFF", "\xF4\x90\x80\x80", R R R R, 4),
	CASE("C2 at the end", "\xC2", R, 1),
	CASE("C2 before ASCII", "\xC2" "A", R "A", 1),
	CASE("E0 A0 cut", "\xE0\xA0", R, 1),
	CASE("U+FFFF is kept", "\xEF\xBF\xBF", "\xEF\xBF\xBF", 0),
	CASE("U+10FFFF is kept", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", 0),
	CASE("the Unicode standard's example (Table 3-8)",
	     "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
	     "a" R R R "b" R "c" R R "d", 6),
#undef CASE
#undef R
};

static void
test_normalize_invalid(void)
{
	for (size_t k = 0; k < GL_ARRAY_LEN(python_cases); k++) {
		struct u8_normalize_stats st;
		size_t len;
		char *got = normalized(python_cases[k].in, python_cases[k].in_len, &len, &st);
		is_mem(got, len, python_cases[k].want, strlen(python_cases[k].want),
		       "%s: replaced as Python's decoder does", python_cases[k].what);
		is_int(st.replaced, python_cases[k].replaced,
		       "%s: %zu replacement(s) counted", python_cases[k].what,
		       python_cases[k].replaced);
		ok(u8_is_valid(got, len), "%s: the result is valid UTF-8", python_cases[k].what);
		free(got);
	}
}

static void
test_normalize_newlines(void)
{
	struct u8_normalize_stats st;
	size_t len;
	char *got = normalized(S("a\r\nb\rc\nd\r\r\n\r"), &len, &st);
	is_lit(got, len, "a\nb\nc\nd\n\n\n", "CRLF and lone CR become LF");
	is_int(st.crlf, 2, "CRLF pairs are counted");
	is_int(st.cr, 3, "lone CRs are counted");
	is_int(st.lf, 1, "lone LFs are counted");
	ok(!st.changed_by_nfc, "newlines are not an NFC change");
	free(got);

	/* Past the eight-byte fast path, with CRs in every position. */
	struct buf in = BUF_INIT, want = BUF_INIT;
	for (int k = 0; k < 300; k++) {
		buf_printf(&in, "line %d%s", k, k % 3 == 0 ? "\r\n" : k % 3 == 1 ? "\r" : "\n");
		buf_printf(&want, "line %d\n", k);
	}
	got = normalized(in.data, in.len, &len, &st);
	is_mem(got, len, want.data, want.len, "300 lines with mixed endings all end in LF");
	is_int(st.crlf + st.cr + st.lf, 300, "every line ending is counted once");
	is_int(st.lf, 100, "LFs in long ASCII runs are counted exactly");
	free(got);
	buf_free(&in);
	buf_free(&want);

	got = normalized(S("\r"), &len, NULL);
	is_lit(got, len, "\n", "a CR at the very end becomes LF");
	free(got);
	got = normalized(S(""), &len, &st);
	is_lit(got, len, "", "an empty text stays empty");
	ok(got[0] == '\0', "and is a string");
	free(got);
}

static void
test_normalize_nfc(void)
{
	struct u8_normalize_stats st;
	size_t len;
	char *got = normalized(S("cafe\xCC\x81"), &len, &st);
	is_lit(got, len, "caf\xC3\xA9", "e + combining acute becomes é");
	ok(st.changed_by_nfc, "and NFC is reported as a change");
	free(got);

	got = normalized(S("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), &len, NULL);
	is_lit(got, len, "각", "conjoining jamo L V T compose to a syllable");
	free(got);
	got = normalized(S("가\xE1\x86\xA8"), &len, NULL);
	is_lit(got, len, "각", "a syllable and a trailing jamo compose");
	free(got);
	got = normalized(S("\xEF\xA4\x80"), &len, NULL);
	is_lit(got, len, "\xE8\xB1\x88", "a CJK compatibility ideograph becomes its unified form");
	free(got);
	got = normalized(S("a\xCC\x87\xCC\xA3"), &len, NULL);
	is_lit(got, len, "\xE1\xBA\xA1\xCC\x87", "combining marks are reordered, then composed");
	free(got);
	got = normalized(S("\xE2\x84\xAB"), &len, NULL);
	is_lit(got, len, "\xC3\x85", "the Angstrom sign becomes Å");
	free(got);

	got = normalized(S("漢字 café 「引號」"), &len, &st);
	is_lit(got, len, "漢字 café 「引號」", "text already in NFC is unchanged");
	ok(!st.changed_by_nfc, "and no NFC change is reported");
	free(got);

	got = normalized(S("\xCC\x81" "a"), &len, NULL);
	is_lit(got, len, "\xCC\x81" "a", "a mark at the start of the text stays as it is");
	free(got);
	got = normalized(S("e\r\xCC\x81"), &len, NULL);
	is_lit(got, len, "e\n\xCC\x81", "a mark never composes across a line break");
	free(got);
	got = normalized(S("e\xE6\xBC\xCC\x81"), &len, &st);
	is_lit(got, len, "e\xEF\xBF\xBD\xCC\x81", "a mark after a bad byte stays on the U+FFFD");
	free(got);

	/* Appending: what is already in the buffer is left alone. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "e");
	u8_normalize_text(&b, S("\xCC\x81x"), NULL);
	is_lit(b.data, b.len, "e\xCC\x81x", "normalising appends and never touches what was there");
	buf_free(&b);

	/* u8_nfc does NFC only: CR stays. */
	buf_clear(&b);
	u8_nfc(&b, S("e\xCC\x81\r\n"));
	is_lit(b.data, b.len, "\xC3\xA9\r\n", "u8_nfc composes but keeps CR LF");
	buf_free(&b);
}

/* A text much longer than any internal chunk, with composition needed all
 * over it (so every chunk boundary meets one), equals the repetition of the
 * normalised unit. */
static void
test_normalize_long(void)
{
	static const struct {
		const char *what, *unit, *want;
	} units[] = {
		{ "CJK with decomposed é and CRLF", "漢字e\xCC\x81, \r\n", "漢字\xC3\xA9, \n" },
		{ "decomposed Hangul only", "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "한" },
		{ "ASCII ending in a base letter before a mark", "abcdefghijklmnoA\xCC\x8A", "abcdefghijklmno\xC3\x85" },
		{ "bad bytes between CJK", "中\xFF\xE4\xB8文", "中\xEF\xBF\xBD\xEF\xBF\xBD文" },
	};
	/* 100 marks in a row are sorted and composed as NFC says (Python). */
	struct buf in = BUF_INIT, want = BUF_INIT;
	buf_puts(&in, "a");
	buf_puts(&want, "\xE1\xBA\xA1");  /* a + dot below */
	for (int r = 0; r < 50; r++)
		buf_puts(&in, "\xCC\x81\xCC\xA3");
	for (int r = 0; r < 49; r++)
		buf_puts(&want, "\xCC\xA3");
	for (int r = 0; r < 50; r++)
		buf_puts(&want, "\xCC\x81");
	size_t len;
	char *got = normalized(in.data, in.len, &len, NULL);
	is_mem(got, len, want.data, want.len, "a run of 100 combining marks is put in canonical order");
	free(got);
	/* A hostile run of 400,000 alternating marks loads in linear time
	 * (a quadratic sort would not finish) and keeps every mark. */
	buf_clear(&in);
	buf_puts(&in, "x");
	for (int r = 0; r < 200000; r++)
		buf_puts(&in, "\xCC\x81\xCC\xA3");
	got = normalized(in.data, in.len, &len, NULL);
	ok(len == in.len && u8_count_cp(got, len) == 400001,
	   "400,000 combining marks in a row are normalised without losing any");
	free(got);
	buf_clear(&in);
	buf_clear(&want);

	for (size_t k = 0; k < GL_ARRAY_LEN(units); k++) {
		for (int r = 0; r < 40000; r++) {
			buf_puts(&in, units[k].unit);
			buf_puts(&want, units[k].want);
		}
		got = normalized(in.data, in.len, &len, NULL);
		ok(len == want.len && memcmp(got, want.data, len) == 0,
		   "a %zu-byte text of %s normalises as its parts do", in.len, units[k].what);
		free(got);
		buf_clear(&in);
		buf_clear(&want);
	}
	buf_free(&in);
	buf_free(&want);
}

/* ---------------------------------------------------- grapheme clusters */

static void
test_clusters(void)
{
	const char *s = "e\xCC\x81" "a🇬🇧👨‍👩‍👧❤️\r\n한\xE1\x84\x80\xE1\x85\xA1x";
	size_t n = strlen(s);
	static const size_t want[] = {
		3,                        /* e + acute */
		4,                        /* a */
		4 + 8,                    /* the flag: two regional indicators */
		12 + 18,                  /* man ZWJ woman ZWJ girl */
		30 + 6,                   /* heart + VS16 */
		36 + 2,                   /* CR LF */
		38 + 3,                   /* 한 */
		41 + 6,                   /* jamo L + V */
		47 + 1,                   /* x */
	};
	size_t i = 0;
	for (size_t k = 0; k < GL_ARRAY_LEN(want); k++) {
		size_t end = u8_next_cluster(s, n, i);
		is_int(end, want[k], "cluster %zu ends where a reader sees it end", k);
		is_int(u8_prev_cluster(s, n, want[k]), i, "and stepping back from there finds its start");
		i = end;
	}
	is_int(i, n, "the clusters cover the whole text");
	is_int(u8_next_cluster(s, n, n), n, "there is no cluster past the end");
	is_int(u8_prev_cluster(s, n, 0), 0, "there is no cluster before the start");

	const char *flags = "🇬🇧🇯🇵🇹";  /* two flags and a lone indicator */
	n = strlen(flags);
	is_int(u8_next_cluster(flags, n, 0), 8, "the first flag is one cluster");
	is_int(u8_next_cluster(flags, n, 8), 16, "the second flag is the next");
	is_int(u8_next_cluster(flags, n, 16), 20, "a lone indicator stands alone");
	is_int(u8_prev_cluster(flags, n, 20), 16, "back from the end: the lone indicator");
	is_int(u8_prev_cluster(flags, n, 16), 8, "then the second flag");
	is_int(u8_prev_cluster(flags, n, 8), 0, "then the first");

	const char *bad = "a\xFF\xCC\x81\xE6\xBC" "b";
	n = strlen(bad);
	is_int(u8_next_cluster(bad, n, 1), 4, "a bad byte is a U+FFFD that a mark attaches to");
	is_int(u8_next_cluster(bad, n, 4), 5, "each byte of a cut sequence is its own cluster");
	is_int(u8_prev_cluster(bad, n, 4), 1, "stepping back over a bad byte and its mark");
}

/* --------------------------------------------------------------- width */

static int
width(const char *s)
{
	return u8_cluster_width(s, strlen(s));
}

static void
test_width(void)
{
	is_int(width("a"), 1, "'a' is one column");
	is_int(width("漢"), 2, "'漢' is two columns");
	is_int(width("\xC3\xA9"), 1, "'é' precomposed is one column");
	is_int(width("e\xCC\x81"), 1, "'é' decomposed is one column");
	is_int(width("한"), 2, "'한' is two columns");
	is_int(width("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), 2, "'한' as jamo L V T is two columns");
	is_int(width("\xE1\x84\x80\xE1\x85\xA1"), 2, "jamo L V is two columns");
	is_int(width("\xE1\x85\x9F\xE1\x85\xA1"), 2, "a vowel after the choseong filler is two columns");
	is_int(width("\xE1\x85\xA1"), 1, "a vowel jamo alone is one column");
	is_int(width("a\xCC\x81\xCC\x82\xCC\x83\xCC\xA3"), 1, "a stack of combining marks stays one column");
	is_int(width("🇬🇧"), 2, "the flag 🇬🇧 is two columns");
	is_int(width("🇬"), 1, "a lone regional indicator is one column");
	is_int(width("👨‍👩‍👧"), 2, "the family ZWJ sequence is two columns");
	is_int(width("❤️"), 2, "'❤️' (U+2764 U+FE0F) is two columns");
	is_int(width("❤"), 1, "'❤' alone is one column");
	is_int(width("❤\xE2\x80\x8D🔥"), 2, "a ZWJ sequence is the width of one pictograph");
	is_int(width("👍🏽"), 2, "an emoji with a skin tone is two columns");
	is_int(width("😀"), 2, "an emoji with emoji presentation is two columns");
	is_int(width("1\xEF\xB8\x8F\xE2\x83\xA3"), 2, "a keycap sequence is two columns");
	is_int(width("Ａ"), 2, "fullwidth A is two columns");
	is_int(width("ｶ"), 1, "halfwidth katakana is one column");
	is_int(width("，"), 2, "the fullwidth comma is two columns");
	is_int(width("\xE2\x80\x8D"), 0, "a lone ZWJ takes no column");
	is_int(width("\xE2\x80\x8B"), 0, "a zero-width space takes no column");
	is_int(width("\xCC\x81"), 1, "a mark with no base is drawn in a column of its own");
	is_int(width("\x01"), 2, "a control character is as wide as its placeholder ^A");
	is_int(width("\xE2\x80\xAE"), 8, "RLO is as wide as <U+202E>");
	is_int(width("\xC2\x9B"), 8, "the C1 CSI is as wide as <U+009B>");
	is_int(width(""), 0, "nothing is zero columns");

	is_int(u8_cp_width('a'), 1, "code point width of 'a'");
	is_int(u8_cp_width(0x6F22), 2, "code point width of 漢");
	is_int(u8_cp_width(0x0301), 0, "code point width of a combining mark");
	is_int(u8_cp_width(0xFE0F), 0, "code point width of VS16");
	is_int(u8_cp_width(0x00AD), 0, "a soft hyphen is default-ignorable: no column");
	is_int(u8_cp_width(0x7F), 2, "DEL is as wide as ^?");
	is_int(u8_cp_width(0x3400), 2, "CJK extension A is wide");
	is_int(u8_cp_width(0x2A6E0), 2, "an unassigned code point in plane 2 is wide");

	/* The ambiguous-width setting. */
	is_int(u8_ambiguous_width(), 1, "ambiguous characters are one column by default");
	is_int(width("○"), 1, "'○' is one column by default");
	is_int(width("…"), 1, "'…' is one column by default");
	u8_set_ambiguous_width(2);
	is_int(u8_ambiguous_width(), 2, "the setting can be 2");
	is_int(width("○"), 2, "'○' is two columns with the setting");
	is_int(width("…"), 2, "'…' is two columns with the setting");
	is_int(width("a"), 1, "'a' stays one column with the setting");
	is_int(width("漢"), 2, "'漢' stays two columns with the setting");
	u8_set_ambiguous_width(7);
	is_int(u8_ambiguous_width(), 1, "a setting other than 2 means 1");

	/* Overrides. */
	u8_set_width_override(0x2026, 2);
	is_int(width("…"), 2, "an override makes '…' two columns");
	u8_set_width_override(0x2764, 2);
	is_int(width("❤"), 2, "an override makes '❤' two columns");
	u8_set_width_override(0x1F600, 1);
	is_int(width("😀"), 1, "an override narrows an emoji");
	u8_set_width_override(0x2026, -1);
	is_int(width("…"), 1, "removing an override restores the width");
	is_int(width("❤"), 2, "and leaves the other overrides");
	u8_clear_width_overrides();
	is_int(width("❤"), 1, "clearing overrides restores every width");
	is_int(width("😀"), 2, "including the emoji");

	is_int(u8_str_width(S("漢字 abc")), 8, "a string's width adds its clusters");
	is_int(u8_str_width(S("a\tb")), 3, "a tab counts as one column in a string");
	is_int(u8_str_width(S("e\xCC\x81🇬🇧")), 3, "a string's width measures clusters, not code points");
	is_int(u8_str_width(S("a\x1B[m")), 5, "a string's width includes the placeholder of ESC");
	is_int(u8_str_width(S("")), 0, "the empty string is zero columns");

	is_int(u8_east_asian_width('a'), U8_EAW_NA, "'a' is narrow");
	is_int(u8_east_asian_width(0x6F22), U8_EAW_W, "'漢' is wide");
	is_int(u8_east_asian_width(0xFF21), U8_EAW_F, "'Ａ' is fullwidth");
	is_int(u8_east_asian_width(0xFF76), U8_EAW_H, "'ｶ' is halfwidth");
	is_int(u8_east_asian_width(0x25CB), U8_EAW_A, "'○' is ambiguous");
	is_int(u8_east_asian_width(0x0E01), U8_EAW_N, "Thai ko kai is neutral");
	is_int(u8_east_asian_width(0x1F600), U8_EAW_W, "😀 is wide");
}

/* --------------------------------------------------------- placeholders */

/* No byte that a terminal acts on: C0 controls, DEL, C1 controls as
 * UTF-8 (C2 80..C2 9F) or as raw bytes (80..9F not part of a character
 * is impossible in valid UTF-8, so: the output is valid UTF-8). */
static bool
terminal_safe(const char *s, bool allow_tab_lf)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	if (!u8_is_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (u[i] < 0x20 && !(allow_tab_lf && (u[i] == '\t' || u[i] == '\n')))
			return false;
		if (u[i] == 0x7F)
			return false;
		if (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return false;
	}
	/* And no bidirectional control either. */
	return !strstr(s, "\xE2\x80\xAE") && !strstr(s, "\xE2\x80\xAD") &&
	       !strstr(s, "\xE2\x81\xA6") && !strstr(s, "\xE2\x81\xA7") &&
	       !strstr(s, "\xE2\x81\xA8") && !strstr(s, "\xE2\x81\xA9") &&
	       !strstr(s, "\xE2\x80\x8E") && !strstr(s, "\xE2\x80\x8F");
}

static void
test_placeholders(void)
{
	char ph[16];
	ok(u8_placeholder(0x00, ph) && strcmp(ph, "^@") == 0, "NUL is shown as ^@");
	ok(u8_placeholder(0x1B, ph) && strcmp(ph, "^[") == 0, "ESC is shown as ^[");
	ok(u8_placeholder(0x1F, ph) && strcmp(ph, "^_") == 0, "U+001F is shown as ^_");
	ok(u8_placeholder(0x09, ph) && strcmp(ph, "^I") == 0, "TAB has a placeholder ^I");
	ok(u8_placeholder(0x7F, ph) && strcmp(ph, "^?") == 0, "DEL is shown as ^?");
	ok(u8_placeholder(0x9B, ph) && strcmp(ph, "<U+009B>") == 0, "the C1 CSI is shown as <U+009B>");
	ok(u8_placeholder(0x85, ph) && strcmp(ph, "<U+0085>") == 0, "NEL is shown as <U+0085>");
	ok(u8_placeholder(0x202E, ph) && strcmp(ph, "<U+202E>") == 0, "RLO is shown as <U+202E>");
	ok(u8_placeholder(0x061C, ph) && strcmp(ph, "<U+061C>") == 0, "the Arabic letter mark is shown");
	ok(u8_placeholder(0x200F, ph) && strcmp(ph, "<U+200F>") == 0, "RLM is shown");
	ok(u8_placeholder(0x2067, ph) && strcmp(ph, "<U+2067>") == 0, "RLI is shown");
	ok(u8_placeholder(0xFEFF, ph) && strcmp(ph, "<U+FEFF>") == 0, "a BOM inside text is shown");
	ok(u8_placeholder(0x2028, ph) && strcmp(ph, "<U+2028>") == 0, "the line separator is shown");
	ok(u8_placeholder(0x2029, ph) && strcmp(ph, "<U+2029>") == 0, "the paragraph separator is shown");
	ok(!u8_placeholder('a', ph) && ph[0] == '\0', "a letter needs no placeholder");
	ok(!u8_placeholder(0x200D, ph), "ZWJ needs no placeholder (emoji and Indic use it)");
	ok(!u8_placeholder(0xFFFF, ph), "a noncharacter is left to the terminal");
	ok(!u8_placeholder(0xE0001, ph), "a tag character is left to the terminal");
}

static void
test_safe(void)
{
	static const struct {
		const char *what, *in, *want;
		size_t in_len;
	} cases[] = {
#define CASE(what, in, want) { what, in, want, sizeof(in) - 1 }
		CASE("CSI colour", "a\x1B[31mred\x1B[0m", "a^[[31mred^[[0m"),
		CASE("OSC 0 title ending in BEL", "\x1B]0;pwned\x07" "x", "^[]0;pwned^Gx"),
		CASE("OSC 2 title ending in ST", "\x1B]2;pwned\x1B\\x", "^[]2;pwned^[\\x"),
		CASE("OSC 8 hyperlink", "\x1B]8;;http://evil\x1B\\click\x1B]8;;\x1B\\",
		     "^[]8;;http://evil^[\\click^[]8;;^[\\"),
		CASE("OSC 52 clipboard write", "\x1B]52;c;cm0gLXJmIH4=\x07", "^[]52;c;cm0gLXJmIH4=^G"),
		CASE("DCS", "\x1BPq#0;2;0;0;0\x1B\\", "^[Pq#0;2;0;0;0^[\\"),
		CASE("APC", "\x1B_Gf=100;AAAA\x1B\\", "^[_Gf=100;AAAA^[\\"),
		CASE("PM", "\x1B^privacy\x1B\\", "^[^privacy^[\\"),
		CASE("SOS", "\x1BXstring\x1B\\", "^[Xstring^[\\"),
		CASE("C1 CSI as a raw byte", "\x9B" "31m", "<9B>31m"),
		CASE("C1 CSI as U+009B", "\xC2\x9B" "31m", "<U+009B>31m"),
		CASE("C1 OSC and ST as code points", "\xC2\x9D" "0;x\xC2\x9C", "<U+009D>0;x<U+009C>"),
		CASE("DEL", "a\x7F" "b", "a^?b"),
		CASE("a sequence cut at the end", "text\x1B[", "text^[["),
		CASE("a lone ESC at the end", "text\x1B", "text^["),
		CASE("bidi override", "abc\xE2\x80\xAE" "fdp.exe", "abc<U+202E>fdp.exe"),
		CASE("bidi isolates", "\xE2\x81\xA6x\xE2\x81\xA9", "<U+2066>x<U+2069>"),
		CASE("LF and TAB", "a\tb\nc", "a^Ib^Jc"),
		CASE("CR", "a\rb", "a^Mb"),
		CASE("NUL inside", "a\0b", "a^@b"),
		CASE("invalid bytes shown in hex", "a\xFF\xE6\xBC", "a<FF><E6><BC>"),
		CASE("a surrogate shown byte by byte", "\xED\xA0\x80", "<ED><A0><80>"),
		CASE("CJK and emoji untouched", "漢字「引號」😀é", "漢字「引號」😀é"),
		CASE("a BOM inside text", "a\xEF\xBB\xBF" "b", "a<U+FEFF>b"),
#undef CASE
	};
	for (size_t k = 0; k < GL_ARRAY_LEN(cases); k++) {
		char *got = safe(cases[k].in, cases[k].in_len);
		is_str(got, cases[k].want, "safe form: %s", cases[k].what);
		ok(terminal_safe(got, false), "safe form: %s reaches the terminal as plain text",
		   cases[k].what);
		free(got);
	}

	char *got = safe_line(S("note:\n\tindented\x1B[2J\r\xE2\x80\xAE"));
	is_str(got, "note:\n\tindented^[[2J^M<U+202E>", "the line form keeps LF and TAB, nothing else");
	ok(terminal_safe(got, true), "the line form is terminal-safe but for LF and TAB");
	free(got);

	/* Every code point, alone. */
	int unsafe = 0;
	int32_t first_unsafe = -1;
	for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char in[4];
		struct buf b = BUF_INIT;
		u8_safe(&b, in, u8_encode(cp, in));
		if (!terminal_safe(b.data, false)) {
			if (first_unsafe < 0)
				first_unsafe = cp;
			unsafe++;
		}
		buf_free(&b);
	}
	if (!ok(unsafe == 0, "no code point survives the safe form as a control"))
		diag("  %d unsafe, first U+%04X", unsafe, (unsigned)first_unsafe);

	/* Every pair of bytes. */
	unsafe = 0;
	struct buf b = BUF_INIT;
	for (int x = 0; x < 256; x++) {
		for (int y = 0; y < 256; y++) {
			char in[2] = { (char)x, (char)y };
			buf_clear(&b);
			u8_safe(&b, in, 2);
			unsafe += !terminal_safe(b.data, false);
		}
	}
	buf_free(&b);
	is_int(unsafe, 0, "no pair of bytes survives the safe form as a control");

	const char *a = u8_safe_str("one\x1B");
	const char *rest[7];
	for (int k = 0; k < 7; k++)
		rest[k] = u8_safe_str("other");
	is_str(a, "one^[", "u8_safe_str's result survives seven more calls");
	is_str(rest[6], "other", "and each call gives its own string");
	is_str(u8_safe_str(NULL), "(null)", "u8_safe_str takes NULL");
}

/* -------------------------------------------------------------- folding */

static void
test_fold(void)
{
	struct buf b = BUF_INIT;
	size_t *map = NULL;

	u8_fold(&b, S("ＡＢＣ"), &map);
	is_str(b.data, "abc", "ＡＢＣ folds to abc");
	is_int(map[0], 0, "a maps back to the start of Ａ");
	is_int(map[1], 3, "b maps back to Ｂ");
	is_int(map[2], 6, "c maps back to Ｃ");
	is_int(map[3], 9, "the end maps to the end of the input");
	free(map);

	buf_clear(&b);
	u8_fold(&b, S("，"), NULL);
	is_str(b.data, ",", "the fullwidth comma folds to ','");
	buf_clear(&b);
	u8_fold(&b, S("ß"), NULL);
	is_str(b.data, "ss", "ß folds to ss");
	buf_clear(&b);
	u8_fold(&b, S("E\xCC\x81" "COLE"), NULL);
	is_str(b.data, "\xC3\xA9" "cole", "a decomposed É folds to a composed é");
	buf_clear(&b);
	u8_fold(&b, S("\xEF\xAC\x81" "sh ① ㍿ ｶ Σ 漢字"), NULL);
	is_str(b.data, "fish 1 株式会社 カ σ 漢字", "ligatures, circled digits, squares and halfwidth kana fold");

	/* A match in the folded text maps back to the original bytes. */
	const char *text = "Die STRASSE, die Straße.";
	buf_clear(&b);
	u8_fold(&b, text, strlen(text), &map);
	is_str(b.data, "die strasse, die strasse.", "both spellings fold alike");
	const char *second = strstr(b.data + 5, "strasse");
	size_t from = (size_t)(second - b.data), to = from + strlen("strasse");
	is_int(map[from], 17, "the second match starts at 'S' of Straße");
	is_int(map[to], strlen(text) - 1, "and ends before the full stop, past ß");
	is_lit(text + map[from], map[to] - map[from], "Straße", "the match maps back to Straße");
	/* "stras" ends inside the "ss" that ß folded to. */
	to = from + strlen("stras");
	ok(map[to] == map[to - 1], "a match ending inside a folded cluster is recognisable");
	size_t end = map[to];
	for (size_t k = to; map[k] == map[to]; k++)
		end = map[k + 1];
	is_lit(text + map[from], end - map[from], "Straß",
	       "and extends to the end of that cluster in the original");
	free(map);

	/* Runs of Han are copied whole; the ideograph before a mark, a
	   selector or CR is still one cluster with what follows it. */
	buf_clear(&b);
	u8_fold(&b, S("漢字Ab中文"), &map);
	is_str(b.data, "漢字ab中文", "a run of Han folds to itself, the Latin between lowered");
	is_int(map[3], 3, "the second ideograph maps to its own start");
	is_int(map[5], 3, "each of its bytes maps to it");
	is_int(map[7], 7, "'b' maps to itself");
	is_int(map[14], 14, "the end maps to the end");
	free(map);
	buf_clear(&b);
	u8_fold(&b, S("一二\xE3\x82\x99三"), &map);
	is_str(b.data, "一二\xE3\x82\x99三", "an ideograph and the combining mark after it stay as they are");
	is_int(map[6], 3, "the mark maps to the start of the cluster it ends, 二");
	free(map);
	buf_clear(&b);
	u8_fold(&b, S("葛\xF3\xA0\x84\x80城\r\n漢"), &map);
	is_str(b.data, "葛\xF3\xA0\x84\x80城\r\n漢", "an ideographic variation selector stays with its ideograph");
	is_int(map[5], 0, "and maps to it");
	is_int(map[7], 7, "城 before a CR maps to itself");
	is_int(map[11], 10, "CR LF after it is one cluster: its LF maps to the CR");
	free(map);

	buf_clear(&b);
	u8_fold(&b, S(""), &map);
	is_str(b.data, "", "folding nothing gives nothing");
	is_int(map[0], 0, "and a map of one entry");
	free(map);
	buf_free(&b);
}

/* ------------------------------------------------------ scripts, classes */

static void
test_classes(void)
{
	is_int(u8_script('a'), U8_SCRIPT_LATIN, "'a' is Latin");
	is_int(u8_script('1'), U8_SCRIPT_COMMON, "'1' is Common");
	is_int(u8_script(0x6F22), U8_SCRIPT_HAN, "漢 is Han");
	is_int(u8_script(0x3042), U8_SCRIPT_HIRAGANA, "あ is Hiragana");
	is_int(u8_script(0x30AB), U8_SCRIPT_KATAKANA, "カ is Katakana");
	is_int(u8_script(0xD55C), U8_SCRIPT_HANGUL, "한 is Hangul");
	is_int(u8_script(0x0416), U8_SCRIPT_CYRILLIC, "Ж is Cyrillic");
	is_int(u8_script(0x03A3), U8_SCRIPT_GREEK, "Σ is Greek");
	is_int(u8_script(0x0628), U8_SCRIPT_ARABIC, "ب is Arabic");
	is_int(u8_script(0x05D0), U8_SCRIPT_HEBREW, "א is Hebrew");
	is_int(u8_script(0x0E01), U8_SCRIPT_THAI, "ก is Thai");
	is_int(u8_script(0x0301), U8_SCRIPT_INHERITED, "a combining acute is Inherited");
	is_int(u8_script(0x3002), U8_SCRIPT_COMMON, "。 is Common");
	is_int(u8_script(0x0915), U8_SCRIPT_OTHER, "क is another script");
	is_int(u8_script(0x0378), U8_SCRIPT_OTHER, "an unassigned code point is another script");
	is_int(u8_script(0x20000), U8_SCRIPT_HAN, "CJK extension B is Han");

	ok(u8_is_space(' ') && u8_is_space('\t') && u8_is_space(0x3000) && u8_is_space(0xA0),
	   "space, tab, ideographic space and no-break space are spaces");
	ok(!u8_is_space('a') && !u8_is_space(0x200B), "a letter and a zero-width space are not spaces");
	ok(u8_is_alnum('a') && u8_is_alnum('7') && u8_is_alnum(0x6F22) && u8_is_alnum(0x0301),
	   "letters, digits, ideographs and marks are word characters");
	ok(!u8_is_alnum(',') && !u8_is_alnum(0x3001), "commas are not word characters");
	ok(u8_is_punct(',') && u8_is_punct(0x3002) && u8_is_punct(0x300C) && u8_is_punct(0xFF0C),
	   "',', '。', '「' and '，' are punctuation");
	ok(!u8_is_punct('a') && !u8_is_punct('+'), "letters and math signs are not punctuation");
	ok(u8_is_cjk(0x6F22) && u8_is_cjk(0x3042) && u8_is_cjk(0x30FC) && u8_is_cjk(0x3002) &&
	   u8_is_cjk(0xFF0C) && u8_is_cjk(0xD55C),
	   "ideographs, kana, the prolonged sound mark, CJK and fullwidth punctuation are CJK");
	ok(!u8_is_cjk('a') && !u8_is_cjk(',') && !u8_is_cjk(0x00E9), "Latin text is not CJK");
	ok(u8_is_ext_pict(0x2764) && u8_is_ext_pict(0x1F600) && u8_is_ext_pict(0x00A9),
	   "❤, 😀 and © are pictographs");
	ok(!u8_is_ext_pict('a') && !u8_is_ext_pict(0x1F1E6) && !u8_is_ext_pict(0x6F22),
	   "letters, regional indicators and ideographs are not pictographs");
}

/* The fast paths for CJK text (u8_next_cluster and u8_cp_width skip
 * utf8proc and the tables for kana, ideographs and CJK punctuation) must
 * give what the rules give: widths from East Asian Width, and a mark
 * after any of those characters stays in its cluster. */
static void
test_cjk_fast_paths(void)
{
	static const int32_t ranges[][2] = {
		{ 0x3001, 0x3029 }, { 0x3041, 0x3096 }, { 0x30A1, 0x30FF },
		{ 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xFF01, 0xFF60 },
	};
	size_t wrong = 0;
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
		for (int32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
			enum u8_eaw w = u8_east_asian_width(cp);
			if (u8_cp_width(cp) != ((w == U8_EAW_W || w == U8_EAW_F) ? 2 : 1))
				wrong++;
		}
	is_int(wrong, 0, "kana, ideographs and CJK punctuation are as wide as East Asian Width says");

	/* Marks and joiners that attach to what is before them. */
	static const char *const attach[] = {
		"\xE3\x82\x99",  /* U+3099 combining kana voiced mark */
		"\xE3\x80\xAA",  /* U+302A ideographic level tone mark */
		"\xEF\xBE\x9E",  /* U+FF9E halfwidth voiced mark */
		"\xCC\x81",      /* U+0301 combining acute */
		"\xE2\x80\x8D",  /* U+200D ZWJ */
		"\xEF\xB8\x8F",  /* U+FE0F variation selector 16 */
	};
	static const char *const bases[] = {
		"\xE3\x81\x8B",  /* U+304B か */
		"\xE4\xB8\xAD",  /* U+4E2D 中 */
		"\xE3\x80\x8C",  /* U+300C 「 */
		"\xEF\xBC\x8C",  /* U+FF0C ， */
		"a",
	};
	size_t split = 0;
	for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++)
		for (size_t m = 0; m < sizeof attach / sizeof attach[0]; m++) {
			char s[32];
			snprintf(s, sizeof s, "%s%s%s", bases[b], attach[m], bases[b]);
			size_t first = strlen(bases[b]) + strlen(attach[m]);
			if (u8_next_cluster(s, strlen(s), 0) != first)
				split++;
		}
	is_int(split, 0, "a mark or joiner after kana, an ideograph or CJK punctuation stays in its cluster");
	const char *run = "\xE4\xB8\xAD\xE3\x81\x8B" "a" "\xEF\xBC\x8C";  /* 中かa， */
	ok(u8_next_cluster(run, strlen(run), 0) == 3 && u8_next_cluster(run, strlen(run), 3) == 6 &&
	   u8_next_cluster(run, strlen(run), 6) == 7, "plain CJK characters and ASCII are each a cluster");
}

static void
test_guess_language(void)
{
	ok(u8_guess_language("A plain English sentence.", 25) == NULL,
	   "English text gets no CJK language tag");
	const char *ja = "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAE\xE6\x9C\x9D\xE5\xB8\x82\xE3\x81\xAF"
			 "\xE6\x97\xA9\xE3\x81\x84\xE3\x80\x82";   /* 東京の朝市は早い。 */
	is_str(u8_guess_language(ja, strlen(ja)), "ja", "kana among ideographs is Japanese");
	const char *ko = "\xEC\x84\x9C\xEC\x9A\xB8\xEC\x9D\x98 \xEC\x95\x84\xEC\xB9\xA8 "
			 "\xEC\x8B\x9C\xEC\x9E\xA5\xEC\x9D\x80 \xEC\x9D\xBC\xEC\xB0\x8D "
			 "\xEC\x97\xB4\xEB\xA6\xB0\xEB\x8B\xA4.";   /* 서울의 아침 시장은 일찍 열린다. */
	is_str(u8_guess_language(ko, strlen(ko)), "ko", "Hangul is Korean");
	const char *hant = "\xE9\x80\x99\xE6\x98\xAF\xE6\x88\x91\xE5\x80\x91\xE7\x9A\x84"
			   "\xE5\xB8\x82\xE5\xA0\xB4\xE6\x96\xB0\xE8\x81\x9E\xE3\x80\x82";
	/* 這是我們的市場新聞。 */
	is_str(u8_guess_language(hant, strlen(hant)), "zh-Hant", "這 and 們 say Traditional Chinese");
	const char *hans = "\xE8\xBF\x99\xE6\x98\xAF\xE6\x88\x91\xE4\xBB\xAC\xE7\x9A\x84"
			   "\xE5\xB8\x82\xE5\x9C\xBA\xE6\x96\xB0\xE9\x97\xBB\xE3\x80\x82";
	/* 这是我们的市场新闻。 */
	is_str(u8_guess_language(hans, strlen(hans)), "zh-Hans", "这 and 们 say Simplified Chinese");
	const char *zh = "\xE5\xA4\xA9\xE5\x9C\xB0\xE7\x8E\x84\xE9\xBB\x83\xE5\xAE\x87"
			 "\xE5\xAE\x99\xE6\xB4\xAA\xE8\x8D\x92";   /* 天地玄黃宇宙洪荒 */
	const char *g = u8_guess_language(zh, strlen(zh));
	ok(g && (strcmp(g, "zh") == 0 || strcmp(g, "zh-Hant") == 0),
	   "ideographs alone are Chinese");
}

int
main(void)
{
	test_decode();
	test_validity();
	test_normalize_invalid();
	test_normalize_newlines();
	test_normalize_nfc();
	test_normalize_long();
	test_clusters();
	test_width();
	test_cjk_fast_paths();
	test_placeholders();
	test_safe();
	test_fold();
	test_classes();
	test_guess_language();
	return tap_done();
}
