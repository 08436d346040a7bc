/* Where gloss may end a line: UAX #14 on the text readers of gloss read
 * (Chinese with half-width punctuation mixed in, Japanese, Korean, English,
 * numbers, URLs, emoji), and gloss's tailoring.
 *
 * Each expectation is the text with "|" wherever a line may end and "‖"
 * wherever one must (after a line separator); the end of the text, always a
 * mandatory break, is not marked. */
#include "config.h"

#include "gloss/u8.h"

#include "../tap.h"

#include <stdbool.h>

static int invariant_failures;

/* The text of s with its break opportunities marked; a static buffer. */
static const char *
marked(const char *s, bool tailored)
{
	static char out[4096];
	static unsigned char brk[1024];
	size_t n = strlen(s), o = 0;

	if (n >= sizeof brk)
		abort();
	memset(brk, 0xAA, sizeof brk);   /* every entry must be written */
	if (tailored)
		u8_line_breaks(s, n, brk);
	else
		u8_line_breaks_uax14(s, n, brk);

	/* What every caller relies on: no break before the text, a
	 * mandatory one at its end, and nothing inside a code point. */
	if (brk[0] != U8_BREAK_NONE || brk[n] != U8_BREAK_MANDATORY)
		invariant_failures++;
	for (size_t i = 0; i < n; i++) {
		bool continuation = ((unsigned char)s[i] & 0xC0) == 0x80;
		if (brk[i] > U8_BREAK_MANDATORY || (continuation && brk[i] != U8_BREAK_NONE))
			invariant_failures++;
		if (brk[i] == U8_BREAK_ALLOWED)
			out[o++] = '|';
		else if (brk[i] == U8_BREAK_MANDATORY)
			o += (size_t)sprintf(out + o, "‖");
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

#define breaks(s, want, ...) is_str(marked((s), true), (want), __VA_ARGS__)
#define breaks_uax14(s, want, ...) is_str(marked((s), false), (want), __VA_ARGS__)

/* True when u8_line_breaks allows or forces a break at byte offset at. */
static bool
break_at(const char *s, size_t at)
{
	static unsigned char brk[1024];
	u8_line_breaks(s, strlen(s), brk);
	return brk[at] != U8_BREAK_NONE;
}

static void
test_english(void)
{
	breaks("The quick brown fox.", "The |quick |brown |fox.",
	       "English breaks after the spaces, never before the full stop");
	breaks("Hello,  world!", "Hello,  |world!",
	       "a run of spaces stays at the end of the line");
	breaks("state-of-the-art", "state-|of-|the-|art",
	       "a hyphenated word may break after each hyphen");
	breaks("don't \"quote\" me", "don't |\"quote\" |me",
	       "an apostrophe and straight quotes stay with their word");
	breaks("(see p. 12)", "(see |p. |12)",
	       "parentheses stay with the words they enclose");
	breaks("f(x) and g[y]", "f(x) |and |g[y]",
	       "a bracket right after a word does not break from it (LB30)");
}

static void
test_numbers(void)
{
	breaks("$1,234.56", "$1,234.56", "a price is never broken");
	breaks("12.5%", "12.5%", "a percentage is never broken");
	breaks("costs $1,234.56 (12.5%) today", "costs |$1,234.56 |(12.5%) |today",
	       "numbers with prefix, suffix and brackets stay whole in a sentence");
	breaks("-3.5 and +7", "-3.5 |and |+7", "a sign stays with its number");
	breaks("US$100", "US$100", "a currency code and sign stay with the amount");
	breaks("$(12)", "$(12)", "a prefix before a bracketed number stays (LB25)");
	breaks("$(a)", "$|(a)", "but not before a bracketed word");
	breaks("1/2 cup", "1/2 |cup", "a fraction with a slash is one number");
	breaks("3.14159", "3.14159", "decimals are not split at the point");
	breaks("¥1,000", "¥1,000", "a yen amount is never broken");
	breaks("價格為12.5%。", "價|格|為|12.5%。",
	       "a percentage in Chinese text stays whole with its full stop");
}

static void
test_urls(void)
{
	breaks("see https://example.com/a/b?x=1 now",
	       "see |https://|example.com/|a/|b?|x=1 |now",
	       "a URL breaks only after a slash or question mark");
	breaks("mail me@example.org", "mail |me@example.org",
	       "an e-mail address is not broken");
	breaks("v1.2.3-rc1", "v1.2.3-|rc1", "a version string breaks only at its hyphen");
}

static void
test_chinese(void)
{
	breaks("特朗普表示,「已經不再有興趣」。",
	       "特|朗|普|表|示,|「已|經|不|再|有|興|趣」。",
	       "Chinese with a half-width comma: breaks between ideographs, "
	       "none before the comma or after the opening bracket");
	breaks("從\"密談\"到「拒談」", "從\"密|談\"到|「拒|談」",
	       "straight quotes in Chinese glue to their neighbours (LB19)");
	breaks("他說:我們(今天)去。", "他|說:|我|們|(今|天)|去。",
	       "half-width colon and parentheses in Chinese text");
	breaks("第一章、總則", "第|一|章、|總|則",
	       "an ideographic comma never starts a line");
	breaks("真的嗎？是的！", "真|的|嗎？|是|的！",
	       "fullwidth question and exclamation marks stay at the line end");
	breaks("他說：「好。」然後走了。", "他|說：|「好。」|然|後|走|了。",
	       "fullwidth colon and nested closing punctuation stay together");
	breaks("《紅樓夢》（清）", "《紅|樓|夢》|（清）",
	       "book-title marks and fullwidth parentheses wrap their text");
	breaks("等等……然後——結束", "等|等……|然|後|——|結|束",
	       "an ellipsis never starts a line and a two-em dash is not split");
	breaks("使用GPT-4模型", "使|用|GPT-4|模|型",
	       "a Latin word inside Chinese: breaks around it, not inside");
	breaks("共3,000人", "共|3,000|人", "a number in Chinese keeps its separators");
}

static void
test_japanese(void)
{
	breaks("東京へ行きましょう。", "東|京|へ|行|き|ま|しょ|う。",
	       "a small kana never starts a line (CJ as NS, strict)");
	breaks("コーヒーを飲む", "コー|ヒー|を|飲|む",
	       "the prolonged sound mark never starts a line");
	breaks("ちょっと待って", "ちょっ|と|待っ|て",
	       "a small tsu never starts a line");
	breaks("人々・時々", "人々・|時々",
	       "the iteration mark and the middle dot never start a line");
	breaks("「はい」と言った。", "「は|い」|と|言っ|た。",
	       "Japanese corner brackets wrap their text");
}

static void
test_korean(void)
{
	breaks_uax14("한국어 텍스트입니다.", "한|국|어 |텍|스|트|입|니|다.",
		     "UAX #14 alone breaks Korean between syllables, and at spaces");
	/* U+1112 U+1161 U+11AB: HIEUH, A, NIEUN as conjoining jamo. */
	breaks_uax14("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF",
		     "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB|\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF",
		     "a syllable spelled in conjoining jamo (L V T) is not broken (LB26)");
	breaks("가\xE1\x86\xA8", "가\xE1\x86\xA8",
	       "a syllable (LV) followed by a final jamo (T) is not broken (LB26)");
	breaks_uax14("₩1,000원과 50%", "₩1,000|원|과 |50%",
		     "a won amount stays whole before the Hangul unit (UAX #14)");
	breaks("백%", "백%", "a percent sign stays with a Hangul syllable (LB27)");

	/* Korean keep-all (T2), on by default. */
	breaks("한국어 텍스트입니다.", "한국어 |텍스트입니다.",
	       "Korean keep-all: words break only at spaces");
	breaks("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF",
	       "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xB3\xE1\x86\xAF",
	       "keep-all: two syllables in conjoining jamo stay together");
	breaks("₩1,000원과 50%", "₩1,000원과 |50%",
	       "keep-all: an amount keeps its counter and particle");
	breaks("Linux는 3월에 漢字를", "Linux는 |3월에 |漢字를",
	       "keep-all: a Latin word, a number and Hanja keep the Hangul next to them");
	breaks("韓國語 한國語", "韓|國|語 |한國語",
	       "keep-all: ideographs break between them unless Hangul comes before");
	breaks("한국(韓國)은 좋다", "한국(韓國)은 |좋다",
	       "keep-all: narrow brackets stay with the Hangul around them, and Hanja in them");
	breaks("(韓國) 한국「中文」", "(韓|國) |한국|「中|文」",
	       "keep-all: Hanja in brackets with no Hangul before, or in wide ones, still break");
	breaks("中文字「한국」です", "中|文|字|「한국」|で|す",
	       "keep-all leaves Chinese and Japanese as they were");
	breaks("「즉각 철회하라」며, 반발했다!", "「즉각 |철회하라」며, |반발했다!",
	       "keep-all: a particle after a closing corner bracket is part of the word");
	breaks("『검토 중』이라고 （모두）는", "『검토 |중』이라고 |（모두）는",
	       "keep-all: nor after a double corner bracket or a wide parenthesis");
	breaks("했다!고 했다?며 끝.이다", "했다!고 |했다?며 |끝.이다",
	       "keep-all: nor after ! ? or . right before Hangul");
	breaks("한국（韓國）은 좋다", "한국|（韓國）은 |좋다",
	       "keep-all: Hanja in wide brackets before a particle stay whole");
	breaks("他說「好」然後", "他|說|「好」|然|後",
	       "keep-all: Chinese still breaks after a closing bracket");
	u8_set_korean_keep_all(false);
	breaks("「즉각」며", "「즉|각」|며",
	       "with keep-all off, UAX #14 breaks after the closing bracket");
	u8_set_korean_keep_all(true);
	u8_set_korean_keep_all(false);
	breaks("한국어 텍스트", "한|국|어 |텍|스|트",
	       "with korean-keep-all off, u8_line_breaks breaks between syllables again");
	u8_set_korean_keep_all(true);
	unsigned char brk[64];
	const char *ko = "한국어";
	u8_line_breaks_opt(ko, strlen(ko), brk, 0);
	ok(brk[3] == U8_BREAK_ALLOWED && brk[6] == U8_BREAK_ALLOWED,
	   "u8_line_breaks_opt without the option breaks between syllables whatever the setting");
}

/* Whether a forced cut before the n-th byte of s is a good one. */
static bool
cut_ok_at(const char *s, const char *before)
{
	return u8_line_cut_ok(s, strlen(s), strlen(before));
}

static void
test_forced_cuts(void)
{
	const char *w = "철회하라」며,";
	ok(cut_ok_at(w, "철회하"), "a forced cut between two Hangul syllables is a good one");
	ok(cut_ok_at(w, "철회하라」"), "and so is one after the closing bracket, before the particle");
	ok(!cut_ok_at(w, "철회하라"), "not one that starts a row with 」");
	ok(!cut_ok_at(w, "철회하라」며"), "nor with a comma");
	ok(!cut_ok_at("반발했다!", "반발했다"), "nor with !");
	ok(!cut_ok_at("「즉각", "「"), "nor one that ends a row with 「");
	ok(!cut_ok_at("“안녕”", "“"), "nor with an opening quotation mark");
	ok(!cut_ok_at("안녕”", "안녕"), "nor one that starts a row with a closing one");
	ok(!cut_ok_at("中文。", "中文"), "nor with 。");
	ok(!cut_ok_at("コーヒー", "コ"), "nor with the prolonged sound mark (NS)");
	ok(cut_ok_at("abcdef", "abc") && cut_ok_at("中文字", "中"),
	   "between two letters or two ideographs a cut is fine");
	ok(!cut_ok_at("abc", "") && !cut_ok_at("abc", "abc") && !u8_line_cut_ok("abc", 3, 9),
	   "no cut at the start, at the end or past it");
	ok(!cut_ok_at("한국", "\xED"), "no cut inside a code point");
}

static void
test_emoji(void)
{
	breaks("👍🏽👍", "👍🏽|👍", "a skin-tone modifier stays with its emoji (LB30b)");
	breaks("👨\u200D👩\u200D👧 ok", "👨\u200D👩\u200D👧 |ok",
	       "a ZWJ family sequence is never broken (LB8a)");
	breaks("🇯🇵🇰🇷🇹", "🇯🇵|🇰🇷|🇹",
	       "flags break between regional-indicator pairs (LB30a)");
	breaks("中文😀中文", "中|文|😀|中|文", "an emoji in Chinese breaks like an ideograph");
	breaks("1\uFE0F\u20E3 2", "1\uFE0F\u20E3 |2", "a keycap sequence is not broken");
	breaks("e\u0301t\u00E9", "e\u0301t\u00E9",
	       "a combining accent is never separated from its letter (LB9)");
	breaks("a \u0301b", "a |\u0301b",
	       "a combining mark after a space is a letter of its own (LB10)");
}

static void
test_mandatory(void)
{
	breaks("one\ntwo", "one\n‖two", "a line feed forces a break after it");
	breaks("one\r\ntwo", "one\r\n‖two", "CR LF is one mandatory break, after the LF");
	breaks("one\rtwo", "one\r‖two", "a lone CR forces a break");
	breaks("a\u2028b\xC2\x85" "c", "a\u2028‖b\xC2\x85‖c",
	       "line separator and next line force breaks");
	breaks("a \nb", "a \n‖b", "no break before a line feed, even after a space");
	breaks("x\u200By", "x\u200B|y", "a zero-width space gives a break opportunity");
	breaks("x\u2060y z", "x\u2060y |z", "a word joiner prevents one");
	breaks("10\u00A0kg", "10\u00A0kg", "a no-break space prevents one");

	unsigned char brk[1] = { 0xAA };
	u8_line_breaks("", 0, brk);
	is_int(brk[0], U8_BREAK_NONE, "an empty paragraph has no break");
}

/* The promise of the design: no row starts with ，。、」』）》！？：；
 * or their half-width forms, and no row ends with 「『（《, whatever
 * comes before or after. */
static void
test_cjk_line_edges(void)
{
	static const char *const no_start[] = {
		"，", "。", "、", "」", "』", "）", "》", "！", "？", "：", "；",
		",", ".", ":", ";", "?", "!", "ー", "ゃ", "〕", "】", "〉",
	};
	static const char *const no_end[] = { "「", "『", "（", "《", "〔", "【", "〈", "(" };
	static const char *const before[] = {
		"中", "a", "1", "中 ", "a ", "」", "。", "😀", "한", "\"", "1 ",
		"\u3000", "%",
	};
	static const char *const after[] = { "中", "a", "1", " 中", "「", "😀", "한", "$" };
	char text[128];
	int bad = 0, checked = 0;

	for (size_t p = 0; p < sizeof no_start / sizeof *no_start; p++) {
		for (size_t b = 0; b < sizeof before / sizeof *before; b++) {
			int len = snprintf(text, sizeof text, "文字%s", before[b]);
			snprintf(text + len, sizeof text - (size_t)len, "%s字", no_start[p]);
			checked++;
			if (break_at(text, (size_t)len)) {
				bad++;
				diag("  a line may start with %s in \"%s\"", no_start[p], text);
			}
		}
	}
	ok(bad == 0, "no line starts with closing CJK or half-width punctuation "
	   "(%d contexts)", checked);

	bad = checked = 0;
	for (size_t p = 0; p < sizeof no_end / sizeof *no_end; p++) {
		for (size_t a = 0; a < sizeof after / sizeof *after; a++) {
			int len = snprintf(text, sizeof text, "文字%s", no_end[p]);
			snprintf(text + len, sizeof text - (size_t)len, "%s字", after[a]);
			checked++;
			/* any break after the opening bracket, before the end */
			for (size_t at = (size_t)len; at < strlen(text) - 3; at++) {
				if (break_at(text, at)) {
					bad++;
					diag("  a line may end with %s in \"%s\"", no_end[p], text);
					break;
				}
			}
		}
	}
	ok(bad == 0, "no line ends with an opening bracket (%d contexts)", checked);
}

static void
test_tailoring(void)
{
	breaks("答 ：好", "答 ：|好",
	       "gloss: a fullwidth colon after a space does not start a line (T1)");
	breaks_uax14("答 ：好", "答 |：|好",
		     "plain UAX #14 would break there; the conformance test checks this one");
	breaks("word ；next", "word ；|next", "nor a fullwidth semicolon (T1)");
	breaks("ok ‼ yes", "ok ‼ |yes", "nor another NS such as a double exclamation mark");
	breaks_uax14("東京へ行きましょう。", "東|京|へ|行|き|ま|しょ|う。",
		     "without spaces the tailoring changes nothing");
}

static void
test_robustness(void)
{
	static char text[40010];
	memset(text, ' ', sizeof text - 1);
	text[0] = 'a';
	text[sizeof text - 2] = 'b';
	text[sizeof text - 1] = '\0';
	size_t n = strlen(text);
	unsigned char *brk = malloc(n + 1);
	u8_line_breaks(text, n, brk);
	size_t allowed = 0;
	for (size_t i = 0; i <= n; i++)
		allowed += brk[i] == U8_BREAK_ALLOWED;
	ok(allowed == 1 && brk[n - 1] == U8_BREAK_ALLOWED,
	   "40,000 spaces give one break, after the last space");

	/* a letter with 13,000 combining marks */
	size_t o = 0;
	text[o++] = 'a';
	while (o + 2 < 26002) {
		text[o++] = (char)0xCC;
		text[o++] = (char)0x81;
	}
	text[o] = '\0';
	u8_line_breaks(text, o, brk);
	allowed = 0;
	for (size_t i = 0; i < o; i++)
		allowed += brk[i] != U8_BREAK_NONE;
	is_int(allowed, 0, "13,000 combining marks never break from their letter");
	free(brk);

	breaks("a\xFF\xFE" "b c", "a\xFF\xFE" "b |c",
	       "invalid bytes count as U+FFFD (a letter) and are not split");
	breaks("\xE4\xB8", "\xE4\xB8", "a truncated sequence is handled without a read past the end");
}

static void
test_class_names(void)
{
	is_str(u8_line_break_class_name('a'), "AL", "a Latin letter is AL");
	is_str(u8_line_break_class_name(0x4E2D), "ID", "中 is an ideograph (ID)");
	is_str(u8_line_break_class_name(0x3002), "CL", "。 is closing punctuation (CL)");
	is_str(u8_line_break_class_name(0x300C), "OP", "「 is opening punctuation (OP)");
	is_str(u8_line_break_class_name(0xFF1A), "NS", "： is a nonstarter (NS)");
	is_str(u8_line_break_class_name(0x30E3), "CJ", "ャ keeps its class CJ in the names");
	is_str(u8_line_break_class_name(0x0E01), "SA", "Thai letters are SA");
	is_str(u8_line_break_class_name(0xAC00), "H2", "가 is an LV syllable (H2)");
	is_str(u8_line_break_class_name(0xAC01), "H3", "각 is an LVT syllable (H3)");
	is_str(u8_line_break_class_name(0x1F3FD), "EM", "a skin tone is an emoji modifier (EM)");
	is_str(u8_line_break_class_name(0x9FFF), "ID", "unassigned CJK code points default to ID");
	is_str(u8_line_break_class_name(0x20CF), "PR", "unassigned currency symbols default to PR");
	is_str(u8_line_break_class_name(0xE0000), "XX", "an unassigned code point is XX");
	is_str(u8_line_break_class_name(-1), "XX", "a negative value does not crash (XX)");
	is_str(u8_line_break_class_name(0x110000), "XX", "a value above U+10FFFF is XX");
}

int
main(void)
{
	test_english();
	test_numbers();
	test_urls();
	test_chinese();
	test_japanese();
	test_korean();
	test_forced_cuts();
	test_emoji();
	test_mandatory();
	test_cjk_line_edges();
	test_tailoring();
	test_robustness();
	test_class_names();
	is_int(invariant_failures, 0,
	       "every result has no break at 0, a mandatory one at the end and "
	       "none inside a code point");
	return tap_done();
}
