/* doc-text: plain text into blocks.
 *
 * A file without blank lines between its lines (as many CJK articles
 * are) has one paragraph per line, never joined.  Otherwise paragraphs
 * are the runs of lines between blank lines, and their hard-wrapped lines
 * are joined: with nothing between two CJK characters (not Hangul), with
 * one space otherwise.  Inside a run, these lines are not joined to what
 * is before them:
 *   - a line followed by an underline (=== or ---, three or more): a
 *     heading; its block gets `underline` and the underline is dropped;
 *   - a rule (three or more of one of - * _ = ~ #, spaces allowed): a
 *     DOC_BLOCK_RULE with no text;
 *   - a list item (- * + • or 1. 1) with a space after): a
 *     DOC_BLOCK_LIST_ITEM that keeps its marker; the lines after it join
 *     it;
 *   - a line after a short line (at most 40 columns) whose first word
 *     would have fitted on that short line: the writer broke the line on
 *     purpose ("CHAPTER I" over the first line of the chapter).
 * A run whose lines are all at most 40 columns (verse, an address, a
 * contents list) keeps its line breaks as LFs inside one block.  A run
 * whose lines are all indented (a tab or four spaces) is a code block,
 * unless every run of the file is indented (then indenting is the
 * writer's style, not code).
 *
 * The text is read without a copy per line: a pass over the file decides
 * its shape, then each run is measured and then emitted. */
#include "config.h"

#include "doc-internal.h"
#include "gloss/u8.h"

#include <string.h>

/* Lines up to this many columns are short: headings, verse, addresses. */
#define SHORT_COLUMNS 40
#define MAX_LIST_DEPTH 16

/* --------------------------------------------------------------- lines */

/* The line at pos ends at *end (its LF, or n); returns where the next
 * one starts. */
static size_t
line_at(const char *s, size_t n, size_t pos, size_t *end)
{
	const char *lf = memchr(s + pos, '\n', n - pos);
	*end = lf ? (size_t)(lf - s) : n;
	return lf ? *end + 1 : n;
}

static bool
is_hspace(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_blank(const char *s, size_t start, size_t end)
{
	for (size_t i = start; i < end;) {
		if (is_hspace(s[i])) {
			i++;
			continue;
		}
		int32_t cp;
		size_t len = u8_decode(s, end, i, &cp);
		if (!u8_is_space(cp))
			return false;
		i += len;
	}
	return true;
}

static void
trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && is_hspace(s[*start]))
		(*start)++;
	while (*end > *start && is_hspace(s[*end - 1]))
		(*end)--;
}

/* A tab, or four spaces (a tab after fewer spaces counts as one). */
static bool
is_indented(const char *s, size_t start, size_t end)
{
	for (size_t i = start; i < end && i < start + 4; i++) {
		if (s[i] == '\t')
			return true;
		if (s[i] != ' ')
			return false;
	}
	return end - start >= 4;
}

/* Leading columns, a tab going to the next multiple of 4. */
static int
indent_columns(const char *s, size_t start, size_t end)
{
	int cols = 0;
	for (size_t i = start; i < end && is_hspace(s[i]); i++)
		cols = s[i] == '\t' ? (cols / 4 + 1) * 4 : cols + 1;
	return cols;
}

/* 1 for a line of = (3 or more), 2 for one of -, else 0.  ts/te trimmed. */
static int
underline_kind(const char *s, size_t ts, size_t te)
{
	if (te - ts < 3 || (s[ts] != '=' && s[ts] != '-'))
		return 0;
	for (size_t i = ts; i < te; i++)
		if (s[i] != s[ts])
			return 0;
	return s[ts] == '=' ? 1 : 2;
}

static bool
is_rule(const char *s, size_t ts, size_t te)
{
	if (ts >= te || !strchr("-*_=~#", s[ts]))
		return false;
	int count = 0;
	for (size_t i = ts; i < te; i++) {
		if (s[i] == s[ts])
			count++;
		else if (!is_hspace(s[i]))
			return false;
	}
	return count >= 3;
}

/* The length of a list marker and the blanks after it at ts, or 0. */
static size_t
list_marker(const char *s, size_t ts, size_t te, bool *ordered, unsigned *number)
{
	size_t i = ts;
	*ordered = false;
	*number = 0;
	if (i < te && (s[i] == '-' || s[i] == '*' || s[i] == '+')) {
		i++;
	} else if (te - i >= 3 && memcmp(s + i, "\xE2\x80\xA2", 3) == 0) {  /* • */
		i += 3;
	} else {
		unsigned value = 0;
		size_t digits = 0;
		while (i < te && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		/* Three digits at most: "1984. It was" is a sentence. */
		if (digits == 0 || digits > 3 || i >= te || (s[i] != '.' && s[i] != ')'))
			return 0;
		i++;
		*ordered = true;
		*number = value;
	}
	if (i >= te || !is_hspace(s[i]))
		return 0;
	while (i < te && is_hspace(s[i]))
		i++;
	if (i >= te)
		return 0;
	return i - ts;
}

static size_t
width_of(const char *s, size_t ts, size_t te)
{
	return te > ts ? u8_str_width(s + ts, te - ts) : 0;
}

static bool
is_wide_cjk(int32_t cp)
{
	return u8_is_cjk(cp) && u8_script(cp) != U8_SCRIPT_HANGUL;
}

/* The width of the first word of a line: up to a space, or one character
 * of Han or Kana (which break anywhere). */
static size_t
first_word_width(const char *s, size_t ts, size_t te)
{
	size_t i = ts;
	while (i < te) {
		int32_t cp;
		size_t len = u8_decode(s, te, i, &cp);
		if (u8_is_space(cp))
			break;
		if (is_wide_cjk(cp)) {
			if (i == ts)
				i += len;
			break;
		}
		i += len;
	}
	return width_of(s, ts, i);
}

static int32_t
first_cp(const char *s, size_t ts, size_t te)
{
	int32_t cp = 0;
	if (ts < te)
		u8_decode(s, te, ts, &cp);
	return cp;
}

static int32_t
last_cp(const struct buf *text)
{
	if (text->len == 0)
		return 0;
	int32_t cp;
	u8_decode(text->data, text->len, u8_prev(text->data, text->len), &cp);
	return cp;
}

/* ---------------------------------------------------------------- state */

struct text_state {
	struct doc_builder *b;
	const char *s;
	size_t n;
	bool titled;
	int list_indent[MAX_LIST_DEPTH];
	int list_depth;
};

/* Appends a line as the start of a new block's text; the first such
 * line of the document is its title. */
static void
put_first_line(struct text_state *ts, size_t start, size_t end)
{
	size_t at = docb_append(ts->b, ts->s + start, end - start);
	if (!ts->titled && end > start) {
		ts->titled = true;
		ts->b->have_title = true;
		ts->b->title_start = at;
		ts->b->title_end = ts->b->text.len;
	}
}

static struct doc_block *
begin(struct text_state *ts, enum doc_block_kind kind, size_t line)
{
	struct doc_block *blk = docb_block_begin(ts->b, kind);
	blk->line = line;
	return blk;
}

static int
list_depth_for(struct text_state *ts, int indent)
{
	while (ts->list_depth > 0 && ts->list_indent[ts->list_depth - 1] > indent)
		ts->list_depth--;
	if (ts->list_depth == 0 || ts->list_indent[ts->list_depth - 1] < indent) {
		if (ts->list_depth < MAX_LIST_DEPTH)
			ts->list_indent[ts->list_depth++] = indent;
	}
	return ts->list_depth > 0 ? ts->list_depth : 1;
}

/* ---------------------------------------------------------------- runs */

struct run_shape {
	size_t lines;
	size_t max_width;
	bool all_indented;
};

static void
measure_run(const struct text_state *ts, size_t pos, size_t end_pos,
	    struct run_shape *shape)
{
	memset(shape, 0, sizeof *shape);
	shape->all_indented = true;
	while (pos < end_pos) {
		size_t le, next = line_at(ts->s, ts->n, pos, &le);
		if (!is_indented(ts->s, pos, le))
			shape->all_indented = false;
		size_t a = pos, z = le;
		trim(ts->s, &a, &z);
		size_t w = width_of(ts->s, a, z);
		if (w > shape->max_width)
			shape->max_width = w;
		shape->lines++;
		pos = next;
	}
}

/* A code block: one indentation level (a tab or up to four spaces) taken
 * off each line, trailing blanks dropped, line breaks kept. */
static void
emit_code(struct text_state *ts, size_t pos, size_t end_pos, size_t line)
{
	begin(ts, DOC_BLOCK_CODE, line);
	bool first = true;
	while (pos < end_pos) {
		size_t le, next = line_at(ts->s, ts->n, pos, &le);
		size_t a = pos;
		for (int cols = 0; a < le && cols < 4 && is_hspace(ts->s[a]); a++) {
			if (ts->s[a] == '\t') {
				a++;
				break;
			}
			cols++;
		}
		while (le > a && is_hspace(ts->s[le - 1]))
			le--;
		if (first)
			put_first_line(ts, a, le);
		else {
			buf_putc(&ts->b->text, '\n');
			docb_append(ts->b, ts->s + a, le - a);
		}
		first = false;
		pos = next;
	}
	docb_block_end(ts->b);
}

/* Emits the lines in [pos, end_pos).  join: hard-wrapped lines are joined
 * (a file with blank lines); keep_breaks: they are kept as LFs instead
 * (a run of short lines); wrap: the widest line of the run. */
static void
emit_lines(struct text_state *ts, size_t pos, size_t end_pos, size_t line,
	   bool join, bool keep_breaks, size_t wrap)
{
	const char *s = ts->s;
	size_t prev_width = 0;
	while (pos < end_pos) {
		/* Nothing before this line is read again. */
		docb_consumed(ts->b, pos);
		size_t le, next = line_at(s, ts->n, pos, &le);
		size_t a = pos, z = le;
		if (is_blank(s, a, z)) {
			docb_block_end(ts->b);
			pos = next;
			line++;
			continue;
		}
		trim(s, &a, &z);
		bool ordered;
		unsigned number;
		size_t marker = list_marker(s, a, z, &ordered, &number);

		/* An underline on the next line makes this line a heading. */
		int underline = 0;
		size_t after_underline = next;
		if (!marker && next < end_pos && !is_rule(s, a, z)) {
			size_t ue, unext = line_at(s, ts->n, next, &ue);
			size_t ua = next, uz = ue;
			trim(s, &ua, &uz);
			underline = underline_kind(s, ua, uz);
			after_underline = unext;
		}

		if (underline) {
			struct doc_block *blk = begin(ts, DOC_BLOCK_PARAGRAPH, line);
			blk->underline = underline;
			put_first_line(ts, a, z);
			docb_block_end(ts->b);
			ts->list_depth = 0;
			pos = after_underline;
			line += 2;
			continue;
		}
		if (is_rule(s, a, z)) {
			begin(ts, DOC_BLOCK_RULE, line);
			docb_block_end(ts->b);
			ts->list_depth = 0;
		} else if (marker) {
			struct doc_block *blk = begin(ts, DOC_BLOCK_LIST_ITEM, line);
			blk->depth = list_depth_for(ts, indent_columns(s, pos, le));
			blk->ordered = ordered;
			blk->number = number;
			blk->marker_len = marker;
			put_first_line(ts, a, z);
			if (!join)
				docb_block_end(ts->b);
		} else {
			struct doc_block *open = docb_current(ts->b);
			bool forced = !keep_breaks && prev_width <= SHORT_COLUMNS &&
				      prev_width + 1 + first_word_width(s, a, z) <= wrap;
			if (join && open && !forced) {
				if (keep_breaks)
					buf_putc(&ts->b->text, '\n');
				else if (!doc_join_without_space(last_cp(&ts->b->text),
								 first_cp(s, a, z)))
					docb_append(ts->b, " ", 1);
				docb_append(ts->b, s + a, z - a);
			} else {
				if (indent_columns(s, pos, le) == 0)
					ts->list_depth = 0;
				begin(ts, DOC_BLOCK_PARAGRAPH, line);
				put_first_line(ts, a, z);
				if (!join)
					docb_block_end(ts->b);
			}
		}
		/* Only whether it is short is asked of it (forced, above). */
		prev_width = u8_str_width_upto(s + a, z - a, SHORT_COLUMNS);
		pos = next;
		line++;
	}
	docb_block_end(ts->b);
}

void
doc_render_text(struct doc_builder *b, const char *s, size_t n)
{
	struct text_state ts;
	memset(&ts, 0, sizeof ts);
	ts.b = b;
	ts.s = s;
	ts.n = n;

	/* The file's shape: blank lines between text lines?  Is every run
	 * indented? */
	bool seen_text = false, blank_after_text = false, has_blank = false;
	size_t runs = 0, indented_runs = 0;
	bool in_run = false, run_indented = true;
	for (size_t pos = 0; pos < n;) {
		size_t le, next = line_at(s, n, pos, &le);
		if (is_blank(s, pos, le)) {
			if (seen_text)
				blank_after_text = true;
			if (in_run) {
				runs++;
				indented_runs += run_indented;
				in_run = false;
			}
		} else {
			if (blank_after_text)
				has_blank = true;
			seen_text = true;
			if (!in_run) {
				in_run = true;
				run_indented = true;
			}
			if (!is_indented(s, pos, le))
				run_indented = false;
		}
		pos = next;
	}
	if (in_run) {
		runs++;
		indented_runs += run_indented;
	}
	bool indenting_is_style = runs > 0 && indented_runs == runs;

	if (!has_blank) {
		emit_lines(&ts, 0, n, 1, false, false, 0);
		return;
	}
	size_t pos = 0, line = 1;
	while (pos < n) {
		size_t le, next = line_at(s, n, pos, &le);
		if (is_blank(s, pos, le)) {
			pos = next;
			line++;
			continue;
		}
		/* The run: up to the next blank line. */
		size_t run_start = pos, run_line = line, run_end = pos;
		while (run_end < n) {
			size_t e, nx = line_at(s, n, run_end, &e);
			if (is_blank(s, run_end, e))
				break;
			run_end = nx;
			line++;
		}
		struct run_shape shape;
		measure_run(&ts, run_start, run_end, &shape);
		if (shape.all_indented && !indenting_is_style) {
			emit_code(&ts, run_start, run_end, run_line);
		} else {
			bool keep_breaks = shape.lines >= 2 && shape.max_width <= SHORT_COLUMNS;
			emit_lines(&ts, run_start, run_end, run_line, true, keep_breaks,
				   shape.max_width);
		}
		pos = run_end;
	}
}

void
doc_render_verbatim(struct doc_builder *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	bool titled = false;
	size_t pos = 0;
	for (;;) {
		const char *lf = memchr(s + pos, '\n', n - pos);
		size_t end = lf ? (size_t)(lf - s) : n;
		docb_block_begin(b, DOC_BLOCK_PARAGRAPH);
		size_t at = docb_append(b, s + pos, end - pos);
		if (!titled && !is_blank(s, pos, end)) {
			size_t a = pos, z = end;
			trim(s, &a, &z);
			titled = true;
			b->have_title = true;
			b->title_start = at + (a - pos);
			b->title_end = at + (z - pos);
		}
		docb_block_end(b);
		if (!lf)
			break;
		pos = end + 1;
	}
}
