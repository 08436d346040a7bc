/* keymap: the default keys work as in less and vi, sequences like ]n wait
 * for their second key, a user's bind lines replace defaults without ever
 * making a key mean two things, and help is generated from the table. */
#include "config.h"

#include "gloss/keymap.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static enum action
type(const struct keymap *km, enum keymap_mode mode, const char *keys)
{
	int32_t seq[KEYMAP_MAX_SEQ];
	size_t n = keymap_parse_keys(keys, seq);
	struct keymap_state st = { .n = 0 };
	enum action a = ACTION_NONE;
	for (size_t i = 0; i < n; i++)
		a = keymap_feed(km, mode, &st, seq[i]);
	return a;
}

int
main(void)
{
	struct keymap *km = keymap_new();
	ok(km != NULL, "the default bindings load");

	is_int(type(km, KEYMAP_READING, "j"), ACTION_LINE_DOWN, "j scrolls down a line");
	is_int(type(km, KEYMAP_READING, "<Down>"), ACTION_LINE_DOWN, "Down scrolls down a line");
	is_int(type(km, KEYMAP_READING, "<Space>"), ACTION_PAGE_DOWN, "Space pages down, as in less");
	is_int(type(km, KEYMAP_READING, "b"), ACTION_PAGE_UP, "b pages up, as in less");
	is_int(type(km, KEYMAP_READING, "<C-d>"), ACTION_HALF_PAGE_DOWN, "Ctrl-D scrolls half a page");
	is_int(type(km, KEYMAP_READING, "G"), ACTION_BOTTOM, "G goes to the end");
	is_int(type(km, KEYMAP_READING, "?"), ACTION_SEARCH_BACKWARD, "? searches backward, as in less and vi");
	is_int(type(km, KEYMAP_READING, "h"), ACTION_HELP, "h is help");
	is_int(type(km, KEYMAP_READING, "<F1>"), ACTION_HELP, "F1 is help");
	is_int(type(km, KEYMAP_READING, "u"), ACTION_UNDO, "u is undo");
	is_int(type(km, KEYMAP_READING, "<C-r>"), ACTION_REDO, "Ctrl-R is redo");
	is_int(type(km, KEYMAP_READING, "<C-o>"), ACTION_JUMP_BACK, "Ctrl-O goes back in the jump list");
	is_int(type(km, KEYMAP_READING, "<M-Right>"), ACTION_JUMP_FORWARD,
	       "Alt-Right goes forward (Ctrl-I is Tab)");
	is_int(type(km, KEYMAP_READING, "<Tab>"), ACTION_FOCUS_NEXT, "Tab moves the focus");
	is_int(type(km, KEYMAP_READING, "<C-c>"), ACTION_CANCEL, "Ctrl-C cancels and never quits");
	is_int(type(km, KEYMAP_READING, "q"), ACTION_QUIT, "q quits");

	struct keymap_state st = { .n = 0 };
	int32_t k[KEYMAP_MAX_SEQ];
	keymap_parse_keys("]n", k);
	is_int(keymap_feed(km, KEYMAP_READING, &st, k[0]), ACTION_PENDING, "] waits for a second key");
	is_int(keymap_feed(km, KEYMAP_READING, &st, k[1]), ACTION_ANNOTATION_NEXT, "]n is the next annotation");
	is_int(type(km, KEYMAP_READING, "[["), ACTION_HEADING_PREV, "[[ is the previous heading");
	is_int(type(km, KEYMAP_READING, "]]"), ACTION_HEADING_NEXT, "]] is the next heading");
	is_int(type(km, KEYMAP_READING, "]z"), ACTION_NONE, "an unbound sequence does nothing");
	is_int(type(km, KEYMAP_READING, "m"), ACTION_MARK_SET, "m sets a mark");
	ok(action_takes_key(ACTION_MARK_SET) && action_takes_key(ACTION_MARK_JUMP),
	   "marks take the next key as their name");

	is_int(type(km, KEYMAP_SELECTING, "<Enter>"), ACTION_HIGHLIGHT, "Enter highlights a selection");
	is_int(type(km, KEYMAP_SELECTING, "3"), ACTION_STYLE_3, "3 highlights a selection in style 3");
	is_int(type(km, KEYMAP_SELECTING, "t"), ACTION_TAG, "t tags a selection");
	is_int(type(km, KEYMAP_SELECTING, "i"), ACTION_SELECT_INSIDE, "i starts an inside text object");
	is_int(type(km, KEYMAP_SELECTING, "<Esc>"), ACTION_CANCEL, "Esc cancels a selection");
	is_int(type(km, KEYMAP_READING, "5"), ACTION_NONE,
	       "digits are free in the reading pane, for counts such as 50%%");
	is_int(type(km, KEYMAP_OUTLINE, "<Enter>"), ACTION_OPEN, "Enter in the outline jumps");
	is_int(type(km, KEYMAP_NOTES, "D"), ACTION_DELETE, "D in the notes deletes");

	/* A user's bindings. */
	ok(keymap_bind(km, "reading", "x", "page-down") == NULL, "a key can be bound");
	is_int(type(km, KEYMAP_READING, "x"), ACTION_PAGE_DOWN, "and then does what it was bound to");
	ok(keymap_bind(km, "reading", "]", "line-down") == NULL, "a prefix key can be rebound");
	is_int(type(km, KEYMAP_READING, "]"), ACTION_LINE_DOWN,
	       "and then acts at once: the sequences it started are gone, no key means two things");
	is_int(type(km, KEYMAP_READING, "[["), ACTION_HEADING_PREV, "sequences that do not start with it still work");
	ok(keymap_bind(km, "reading", "j", "none") == NULL, "a key can be unbound");
	is_int(type(km, KEYMAP_READING, "j"), ACTION_NONE, "and then does nothing");
	ok(keymap_bind(km, "reading", "j", "fly") != NULL, "an unknown action is refused");
	ok(keymap_bind(km, "nowhere", "j", "quit") != NULL, "an unknown mode is refused");
	ok(keymap_bind(km, "reading", "<C-?>", "quit") != NULL, "a bad key name is refused");
	ok(keymap_bind(km, "all", "Q", "quit") == NULL, "a key can be bound in every mode");
	is_int(type(km, KEYMAP_NOTES, "Q"), ACTION_QUIT, "and works in each");

	struct buf errors = BUF_INIT;
	const char *cfg = "bind reading 漢 top\nbind reading\nbind reading j fly\n";
	size_t n = config_parse(cfg, strlen(cfg), "config", keymap_config_handler, km, &errors);
	is_int(n, 2, "bad bind lines in a config file are counted as errors");
	ok(strstr(errors.data, "config:2:") && strstr(errors.data, "config:3:"),
	   "and named by line: %s", errors.data);
	is_int(type(km, KEYMAP_READING, "漢"), ACTION_TOP, "a CJK character can be a key");
	buf_free(&errors);

	/* Key names. */
	struct buf name = BUF_INIT;
	keymap_key_name(GK_CTRL('d'), &name);
	keymap_key_name(' ', &name);
	keymap_key_name(GK_PGDN, &name);
	keymap_key_name('<', &name);
	keymap_key_name(0x1b, &name);
	is_str(name.data, "<C-d><Space><PgDn><lt><Esc>", "keys have readable names");
	buf_free(&name);
	int32_t seq[KEYMAP_MAX_SEQ];
	is_int(keymap_parse_keys("<lt>", seq), 1, "<lt> is the < key");
	ok(seq[0] == '<', "named as in vim");
	is_int(keymap_parse_keys("\x1b[A", seq), 0, "raw control bytes are not key names");

	/* Help from the table. */
	struct keymap *fresh = keymap_new();
	struct buf help = BUF_INIT;
	keymap_help_text(fresh, &help);
	ok(strstr(help.data, "j, <Down>, <Enter>") && strstr(help.data, "Scroll down one line"),
	   "the help lists each action with all its keys");
	ok(strstr(help.data, "selecting\n") != NULL, "the help is grouped by mode");
	{
		struct buf keys = BUF_INIT;
		keymap_describe(fresh, KEYMAP_READING, ACTION_CLAUSE_PREV, &keys);
		is_str(keys.data ? keys.data : "", "<", "the help writes the < key as <, not <lt>");
		buf_free(&keys);
	}
	int unbound = 0;
	for (int a = 1; a < ACTION_COUNT; a++) {
		bool bound = false;
		for (int m = 0; m < KEYMAP_MODE_COUNT; m++) {
			struct buf keys = BUF_INIT;
			keymap_describe(fresh, (enum keymap_mode)m, (enum action)a, &keys);
			bound = bound || keys.len > 0;
			buf_free(&keys);
		}
		if (!bound && a != ACTION_PERCENT) {
			diag("action %s has no default key", action_name((enum action)a));
			unbound++;
		}
	}
	is_int(unbound, 0, "every action has a default key");
	buf_free(&help);
	keymap_free(fresh);
	keymap_free(km);
	return tap_done();
}
