/* keymap: every action of the reader (one X-macro table with its name and
 * help text), the names of keys, and the bindings from keys to actions in
 * each mode.  The default bindings are share/keys.conf, compiled in and
 * read by the same parser (config.h) as the user's `bind` lines, so
 * defaults and user config cannot drift.  The help screen and the man page
 * are checked against this table.
 *
 * Keys are int32 codes: a Unicode code point for a character key, 1..31
 * and 127 for control keys (Ctrl-D is 4), and GK_* values above U+10FFFF
 * for the keys that have no character.  `ui` translates curses' codes into
 * these, so nothing here knows curses. */
#ifndef GLOSS_KEYMAP_H
#define GLOSS_KEYMAP_H

#include "gloss/config.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys without a character. */
#define KEYMAP_SPECIAL_KEYS(_) \
	_(UP, "Up") _(DOWN, "Down") _(LEFT, "Left") _(RIGHT, "Right") \
	_(PGUP, "PgUp") _(PGDN, "PgDn") _(HOME, "Home") _(END, "End") \
	_(INSERT, "Insert") _(DELETE, "Delete") _(BACKTAB, "S-Tab") \
	_(ALT_LEFT, "M-Left") _(ALT_RIGHT, "M-Right") \
	_(F1, "F1") _(F2, "F2") _(F3, "F3") _(F4, "F4") _(F5, "F5") \
	_(F6, "F6") _(F7, "F7") _(F8, "F8") _(F9, "F9") _(F10, "F10") \
	_(RESIZE, "Resize") _(MOUSE, "Mouse") _(PASTE_START, "PasteStart") \
	_(PASTE_END, "PasteEnd")

enum keymap_key {
	KEYMAP_KEY_BASE = 0x110000,
#define KEYMAP_KEY_ENUM(id, name) GK_##id,
	KEYMAP_SPECIAL_KEYS(KEYMAP_KEY_ENUM)
#undef KEYMAP_KEY_ENUM
	KEYMAP_KEY_END
};
#define GK_CTRL(c) ((c) & 0x1f)
#define GK_ESC 27
#define GK_ENTER 13
#define GK_TAB 9
#define GK_BACKSPACE 127

/* Every action: id, the name used in config files and `:` commands, and
 * one line of help.  Grouped as the help screen shows them. */
#define ACTION_INFO(_) \
	_(LINE_DOWN,        "line-down",        "Scroll down one line") \
	_(LINE_UP,          "line-up",          "Scroll up one line") \
	_(PAGE_DOWN,        "page-down",        "Scroll down one page") \
	_(PAGE_UP,          "page-up",          "Scroll up one page") \
	_(HALF_PAGE_DOWN,   "half-page-down",   "Scroll down half a page") \
	_(HALF_PAGE_UP,     "half-page-up",     "Scroll up half a page") \
	_(TOP,              "top",              "Go to the start (with a count N: N%)") \
	_(BOTTOM,           "bottom",           "Go to the end") \
	_(PERCENT,          "percent",          "Go to N% of the article (N%)") \
	_(HEADING_NEXT,     "heading-next",     "Next heading") \
	_(HEADING_PREV,     "heading-prev",     "Previous heading") \
	_(ANNOTATION_NEXT,  "annotation-next",  "Next annotation") \
	_(ANNOTATION_PREV,  "annotation-prev",  "Previous annotation") \
	_(UNRESOLVED_NEXT,  "unresolved-next",  "Next unresolved annotation") \
	_(UNRESOLVED_PREV,  "unresolved-prev",  "Previous unresolved annotation") \
	_(AUTHOR_NEXT,      "author-next",      "Next annotation by another author") \
	_(AUTHOR_PREV,      "author-prev",      "Previous annotation by another author") \
	_(TAG_NEXT,         "tag-next",         "Next annotation with the filtered tag") \
	_(TAG_PREV,         "tag-prev",         "Previous annotation with the filtered tag") \
	_(MARK_SET,         "mark-set",         "Set mark x here (mx)") \
	_(MARK_JUMP,        "mark-jump",        "Jump to mark x ('x); '' jumps back") \
	_(JUMP_BACK,        "jump-back",        "Back in the jump list") \
	_(JUMP_FORWARD,     "jump-forward",     "Forward in the jump list") \
	_(CURSOR_LEFT,      "cursor-left",      "Cursor one character left") \
	_(CURSOR_RIGHT,     "cursor-right",     "Cursor one character right") \
	_(WORD_NEXT,        "word-next",        "Cursor to the next word (CJK: script runs)") \
	_(WORD_PREV,        "word-prev",        "Cursor to the previous word") \
	_(WORD_END,         "word-end",         "Cursor to the end of the word (CJK: of the script run)") \
	_(CLAUSE_NEXT,      "clause-next",      "Cursor past the next clause mark (，、,；;)") \
	_(CLAUSE_PREV,      "clause-prev",      "Cursor to the previous clause") \
	_(SENTENCE_NEXT,    "sentence-next",    "Cursor to the next sentence (。！？.!?)") \
	_(SENTENCE_PREV,    "sentence-prev",    "Cursor to the previous sentence") \
	_(PARAGRAPH_NEXT,   "paragraph-next",   "Cursor to the next paragraph") \
	_(PARAGRAPH_PREV,   "paragraph-prev",   "Cursor to the previous paragraph") \
	_(SEARCH_FORWARD,   "search-forward",   "Search forward (incremental)") \
	_(SEARCH_BACKWARD,  "search-backward",  "Search backward (incremental)") \
	_(SEARCH_NEXT,      "search-next",      "Next match") \
	_(SEARCH_PREV,      "search-prev",      "Previous match") \
	_(SELECT,           "select",           "Start or end a selection") \
	_(SELECT_INSIDE,    "select-inside",    "Select inside a text object (w q b s c p)") \
	_(SELECT_AROUND,    "select-around",    "Select around a text object (w q b s c p)") \
	_(HIGHLIGHT,        "highlight",        "Highlight the selection") \
	_(STYLE_1,          "style-1",          "Highlight / restyle in style 1") \
	_(STYLE_2,          "style-2",          "Highlight / restyle in style 2") \
	_(STYLE_3,          "style-3",          "Highlight / restyle in style 3") \
	_(STYLE_4,          "style-4",          "Highlight / restyle in style 4") \
	_(STYLE_5,          "style-5",          "Highlight / restyle in style 5") \
	_(TAG,              "tag",              "Tag the selection") \
	_(NOTE,             "note",             "Write a note on the selection") \
	_(COPY,             "copy",             "Copy the selection or annotation (OSC 52)") \
	_(EDIT_NOTE,        "edit-note",        "Edit the annotation's note") \
	_(EDIT_TAGS,        "edit-tags",        "Edit the annotation's tags") \
	_(DELETE,           "delete",           "Delete the annotation (your own)") \
	_(REPLY,            "reply",            "Reply to the annotation") \
	_(RESOLVE,          "resolve",          "Resolve or reopen the annotation") \
	_(PRIVATE,          "private",          "Make the annotation private or shared") \
	_(THREAD,           "thread",           "Show the whole note, its tags, times and replies") \
	_(PAGE_NOTE,        "page-note",        "Write a note on the whole article (a page note)") \
	_(UNDO,             "undo",             "Undo your last change in this document") \
	_(REDO,             "redo",             "Redo what u undid in this document") \
	_(FOCUS_NEXT,       "focus-next",       "Focus the next pane") \
	_(FOCUS_PREV,       "focus-prev",       "Focus the previous pane") \
	_(TOGGLE_OUTLINE,   "toggle-outline",   "Show or hide the outline") \
	_(TOGGLE_NOTES,     "toggle-notes",     "Show or hide the notes") \
	_(TOGGLE_OTHERS,    "toggle-others",    "Show or hide other authors' annotations") \
	_(OPEN,             "open",             "Jump to the chosen heading or annotation") \
	_(COMMAND,          "command",          "Type a command (:42%, :heading N, :q ...)") \
	_(HELP,             "help",             "Show this help") \
	_(REDRAW,           "redraw",           "Redraw the screen") \
	_(CANCEL,           "cancel",           "Cancel the prompt, search or selection") \
	_(QUIT,             "quit",             "Quit")

enum action {
	ACTION_NONE = 0,
#define ACTION_ENUM(id, name, help) ACTION_##id,
	ACTION_INFO(ACTION_ENUM)
#undef ACTION_ENUM
	ACTION_COUNT,
	ACTION_PENDING = -1, /* keys so far start a longer binding */
};

/* Modes: what the keys mean depends on what is focused. */
#define KEYMAP_MODES(_) \
	_(READING, "reading") \
	_(SELECTING, "selecting") \
	_(OUTLINE, "outline") \
	_(NOTES, "notes")

enum keymap_mode {
#define KEYMAP_MODE_ENUM(id, name) KEYMAP_##id,
	KEYMAP_MODES(KEYMAP_MODE_ENUM)
#undef KEYMAP_MODE_ENUM
	KEYMAP_MODE_COUNT
};

const char *action_name(enum action a);
const char *action_help(enum action a);
enum action action_by_name(const char *name);  /* ACTION_NONE if unknown */
const char *keymap_mode_name(enum keymap_mode m);
/* KEYMAP_MODE_COUNT if unknown; "all" is not a mode (see keymap_bind). */
enum keymap_mode keymap_mode_by_name(const char *name);

/* ------------------------------------------------------------ key names
 * Names as in tig and vim: a character stands for itself ("j", "漢"),
 * "<Space>", "<Enter>", "<Tab>", "<Esc>", "<BS>", "<C-d>", "<M-Left>",
 * "<Down>", "<F1>" ...; a sequence is written one key after the other
 * ("]n", "[[", "<C-w>j"). */
#define KEYMAP_MAX_SEQ 4
/* Parses a key sequence; returns its length (1..KEYMAP_MAX_SEQ) or 0 when
 * it is not one. */
size_t keymap_parse_keys(const char *text, int32_t keys[KEYMAP_MAX_SEQ]);
/* Appends the name of `key` to out. */
void keymap_key_name(int32_t key, struct buf *out);

/* -------------------------------------------------------------- keymaps */
struct keymap;

/* A keymap with the default bindings (share/keys.conf). */
struct keymap *keymap_new(void);
void keymap_free(struct keymap *km);

/* Binds `keys` (a key-sequence text) to the action named `action` in mode
 * `mode` ("all" binds it in every mode).  "none" as the action unbinds.
 * A sequence that is a prefix of another in the same mode, or the
 * reverse, replaces the other (a key never means two things in one mode).
 * Returns NULL or an error message (static). */
const char *keymap_bind(struct keymap *km, const char *mode, const char *keys,
			const char *action);

/* The config-file handler for `bind MODE KEYS ACTION` lines; other lines
 * are ignored.  Use with config_parse(..., keymap_config_handler, km, ...). */
const char *keymap_config_handler(const struct config_line *line, void *ctx,
				  char *msgbuf);

/* Feeding keys one at a time.  A key that follows a character argument
 * action (mark-set, mark-jump, select-inside/around) is given to the
 * caller as that action's argument, so the state tells when one is
 * wanted. */
struct keymap_state {
	int32_t keys[KEYMAP_MAX_SEQ];
	size_t n;
};
/* Returns the action bound to the keys typed so far plus `key`, or
 * ACTION_PENDING when they are the start of a longer binding, or
 * ACTION_NONE when nothing is bound (the state is reset then). */
enum action keymap_feed(const struct keymap *km, enum keymap_mode mode,
			struct keymap_state *st, int32_t key);
/* True for actions that take the next key as an argument (mx, 'x, iq). */
bool action_takes_key(enum action a);

/* Every binding of `action` in `mode`, as key names separated by ", "
 * (for the help screen, so < is written as itself, not <lt>); empty
 * when unbound. */
void keymap_describe(const struct keymap *km, enum keymap_mode mode,
		     enum action action, struct buf *out);
/* The whole help text: per mode, each bound action with its keys and help
 * line, generated from the table: keys, action name, help (the help
 * screen shows it; tests/cli/keys-documented.test checks the man page and
 * README against the bindings). */
void keymap_help_text(const struct keymap *km, struct buf *out);
/* Every binding of every mode as a `bind MODE KEYS ACTION` line (the
 * format of share/keys.conf and the config file), grouped by mode in the
 * order of the action table; what `gloss --keys` prints. */
void keymap_bindings_text(const struct keymap *km, struct buf *out);

/* The default bindings as config text (share/keys.conf, compiled in). */
extern const char keymap_default_config[];

#endif
