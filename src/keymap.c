/* keymap: actions, key names and bindings (see keymap.h). */
#include "config.h"

#include "gloss/keymap.h"
#include "gloss/u8.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const char *help;
} action_table[] = {
	{ "none", "" },
#define ACTION_ROW(id, name, help) { name, help },
	ACTION_INFO(ACTION_ROW)
#undef ACTION_ROW
};

static const char *const mode_names[] = {
#define KEYMAP_MODE_ROW(id, name) name,
	KEYMAP_MODES(KEYMAP_MODE_ROW)
#undef KEYMAP_MODE_ROW
};

static const char *const special_key_names[] = {
#define KEYMAP_KEY_ROW(id, name) name,
	KEYMAP_SPECIAL_KEYS(KEYMAP_KEY_ROW)
#undef KEYMAP_KEY_ROW
};

const char *
action_name(enum action a)
{
	return a >= 0 && a < ACTION_COUNT ? action_table[a].name : "none";
}

const char *
action_help(enum action a)
{
	return a >= 0 && a < ACTION_COUNT ? action_table[a].help : "";
}

/* The actions in the order of their names, for action_by_name: the
 * built-in bindings name some 170 actions, and a walk through the table
 * for each cost some 5,000 string comparisons before the first screen. */
static unsigned short actions_by_name[ACTION_COUNT - 1];
static pthread_once_t actions_sorted = PTHREAD_ONCE_INIT;

static int
compare_action_names(const void *a, const void *b)
{
	return strcmp(action_table[*(const unsigned short *)a].name,
		      action_table[*(const unsigned short *)b].name);
}

static void
sort_actions(void)
{
	for (int a = 1; a < ACTION_COUNT; a++)
		actions_by_name[a - 1] = (unsigned short)a;
	qsort(actions_by_name, ACTION_COUNT - 1, sizeof actions_by_name[0],
	      compare_action_names);
}

enum action
action_by_name(const char *name)
{
	pthread_once(&actions_sorted, sort_actions);
	size_t lo = 0, hi = ACTION_COUNT - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(action_table[actions_by_name[mid]].name, name);
		if (c == 0)
			return (enum action)actions_by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ACTION_NONE;
}

const char *
keymap_mode_name(enum keymap_mode m)
{
	return m < KEYMAP_MODE_COUNT ? mode_names[m] : "?";
}

enum keymap_mode
keymap_mode_by_name(const char *name)
{
	for (int m = 0; m < KEYMAP_MODE_COUNT; m++)
		if (strcmp(mode_names[m], name) == 0)
			return (enum keymap_mode)m;
	return KEYMAP_MODE_COUNT;
}

bool
action_takes_key(enum action a)
{
	return a == ACTION_MARK_SET || a == ACTION_MARK_JUMP ||
	       a == ACTION_SELECT_INSIDE || a == ACTION_SELECT_AROUND;
}

/* ------------------------------------------------------------ key names */

/* Names for keys that are characters or control bytes. */
static const struct {
	const char *name;
	int32_t key;
} named_keys[] = {
	{ "Space", ' ' }, { "Enter", GK_ENTER }, { "CR", GK_ENTER },
	{ "Return", GK_ENTER }, { "Tab", GK_TAB }, { "Esc", GK_ESC },
	{ "BS", GK_BACKSPACE }, { "Backspace", GK_BACKSPACE },
	{ "lt", '<' }, { "Bar", '|' }, { "Bslash", '\\' },
};

static bool
ieq(const char *a, size_t alen, const char *b)
{
	if (strlen(b) != alen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* Parses the inside of <...>; returns the key or -1. */
static int32_t
parse_bracketed(const char *s, size_t n)
{
	if (n >= 3 && (s[0] == 'C' || s[0] == 'c') && s[1] == '-') {
		/* <C-x>: a control key; only for letters and a few symbols. */
		if (n == 3) {
			char c = s[2];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || c == '[' || c == '\\' || c == ']' ||
			    c == '^' || c == '_')
				return GK_CTRL(c);
		}
		return -1;
	}
	if (n >= 3 && (s[0] == 'M' || s[0] == 'm' || s[0] == 'A' || s[0] == 'a') && s[1] == '-') {
		if (ieq(s + 2, n - 2, "Left"))
			return GK_ALT_LEFT;
		if (ieq(s + 2, n - 2, "Right"))
			return GK_ALT_RIGHT;
		return -1;
	}
	if (n == 5 && (s[0] == 'S' || s[0] == 's') && s[1] == '-' && ieq(s + 2, 3, "Tab"))
		return GK_BACKTAB;
	for (size_t i = 0; i < GL_ARRAY_LEN(named_keys); i++)
		if (ieq(s, n, named_keys[i].name))
			return named_keys[i].key;
	for (size_t i = 0; i < GL_ARRAY_LEN(special_key_names); i++)
		if (ieq(s, n, special_key_names[i]))
			return (int32_t)(KEYMAP_KEY_BASE + 1 + i);
	if (ieq(s, n, "PageDown"))
		return GK_PGDN;
	if (ieq(s, n, "PageUp"))
		return GK_PGUP;
	return -1;
}

size_t
keymap_parse_keys(const char *text, int32_t keys[KEYMAP_MAX_SEQ])
{
	size_t n = 0, len = strlen(text), i = 0;
	if (!u8_is_valid(text, len))
		return 0;
	while (i < len) {
		if (n == KEYMAP_MAX_SEQ)
			return 0;
		int32_t key;
		const char *close = text[i] == '<' ? strchr(text + i, '>') : NULL;
		if (close && close > text + i + 1) {
			key = parse_bracketed(text + i + 1, (size_t)(close - text - i - 1));
			if (key < 0)
				return 0;
			i = (size_t)(close - text) + 1;
		} else {
			i += u8_decode(text, len, i, &key);
			if (key < 0x20 || key == 0x7f)
				return 0; /* write control keys as <C-x> */
		}
		keys[n++] = key;
	}
	return n;
}

void
keymap_key_name(int32_t key, struct buf *out)
{
	if (key > KEYMAP_KEY_BASE && key < KEYMAP_KEY_END) {
		buf_printf(out, "<%s>", special_key_names[key - KEYMAP_KEY_BASE - 1]);
		return;
	}
	switch (key) {
	case ' ': buf_puts(out, "<Space>"); return;
	case GK_ENTER: buf_puts(out, "<Enter>"); return;
	case GK_TAB: buf_puts(out, "<Tab>"); return;
	case GK_ESC: buf_puts(out, "<Esc>"); return;
	case GK_BACKSPACE: buf_puts(out, "<BS>"); return;
	case '<': buf_puts(out, "<lt>"); return;
	}
	if (key > 0 && key < 0x20) {
		buf_printf(out, "<C-%c>", (char)(key + 'a' - 1));
		return;
	}
	if (key < 0 || key > 0x10FFFF) {
		buf_puts(out, "<?>");
		return;
	}
	char enc[4];
	size_t n = u8_encode(key, enc);
	u8_safe(out, enc, n);
}

/* -------------------------------------------------------------- keymaps */

struct binding {
	int32_t keys[KEYMAP_MAX_SEQ];
	size_t n;
	enum action action;
};

struct keymap {
	struct binding *bindings[KEYMAP_MODE_COUNT];
	size_t count[KEYMAP_MODE_COUNT];
	bool defaults_read;   /* keys.conf is bound (see with_defaults) */
};

/* The built-in bindings are bound when a keymap is first used, not when
 * it is made: parsing keys.conf was a tenth of the work before the first
 * screen, which needs no key.  A user's bind line binds them first, so
 * that it replaces them. */
static void
bind_defaults(struct keymap *km)
{
	if (km->defaults_read)
		return;
	km->defaults_read = true;
	struct buf errors = BUF_INIT;
	config_parse(keymap_default_config, strlen(keymap_default_config),
		     "keys.conf", keymap_config_handler, km, &errors);
	/* The defaults are tested; an error here is a bug in share/keys.conf. */
	if (errors.len) {
		fprintf(stderr, "gloss: built-in key bindings: %s", errors.data);
		abort();
	}
	buf_free(&errors);
}

/* A keymap being read, its defaults bound: the binding is a cache that
 * reading fills, so a const keymap is filled too (it never was defined
 * const: keymap_new allocates it). */
static const struct keymap *
with_defaults(const struct keymap *km)
{
	bind_defaults((struct keymap *)km);
	return km;
}

static bool
is_prefix(const struct binding *a, const int32_t *keys, size_t n)
{
	size_t m = a->n < n ? a->n : n;
	for (size_t i = 0; i < m; i++)
		if (a->keys[i] != keys[i])
			return false;
	return true;
}

static void
bind_in_mode(struct keymap *km, enum keymap_mode m, const int32_t *keys, size_t n,
	     enum action action)
{
	/* Drop every binding this one would make ambiguous: the same keys, a
	   prefix of them, or a longer sequence they start. */
	size_t w = 0;
	for (size_t i = 0; i < km->count[m]; i++)
		if (!is_prefix(&km->bindings[m][i], keys, n))
			km->bindings[m][w++] = km->bindings[m][i];
	km->count[m] = w;
	if (action == ACTION_NONE)
		return;
	km->bindings[m] = xreallocarray(km->bindings[m], km->count[m] + 1,
					sizeof(struct binding));
	struct binding *b = &km->bindings[m][km->count[m]++];
	memset(b, 0, sizeof *b);
	memcpy(b->keys, keys, n * sizeof *keys);
	b->n = n;
	b->action = action;
}

const char *
keymap_bind(struct keymap *km, const char *mode, const char *keys, const char *action)
{
	bind_defaults(km);
	int32_t seq[KEYMAP_MAX_SEQ];
	size_t n = keymap_parse_keys(keys, seq);
	if (!n)
		return "not a key sequence (write keys as j, ]n, <C-d>, <Space>, <F1> ...)";
	enum action a = strcmp(action, "none") == 0 ? ACTION_NONE : action_by_name(action);
	if (a == ACTION_NONE && strcmp(action, "none") != 0)
		return "unknown action (gloss --keys and the help screen, h, list them)";
	if (strcmp(mode, "all") == 0) {
		for (int m = 0; m < KEYMAP_MODE_COUNT; m++)
			bind_in_mode(km, (enum keymap_mode)m, seq, n, a);
		return NULL;
	}
	enum keymap_mode m = keymap_mode_by_name(mode);
	if (m == KEYMAP_MODE_COUNT)
		return "unknown mode (reading, selecting, outline, notes, all)";
	bind_in_mode(km, m, seq, n, a);
	return NULL;
}

const char *
keymap_config_handler(const struct config_line *line, void *ctx, char *msgbuf)
{
	if (line->nwords == 0 || strcmp(line->words[0], "bind") != 0)
		return NULL;
	if (line->nwords != 4)
		return "a binding is: bind MODE KEYS ACTION";
	return keymap_bind(ctx, line->words[1], line->words[2], line->words[3]);
}

struct keymap *
keymap_new(void)
{
	return xcalloc(1, sizeof(struct keymap));
}

void
keymap_free(struct keymap *km)
{
	if (!km)
		return;
	for (int m = 0; m < KEYMAP_MODE_COUNT; m++)
		free(km->bindings[m]);
	free(km);
}

enum action
keymap_feed(const struct keymap *km, enum keymap_mode mode,
	    struct keymap_state *st, int32_t key)
{
	km = with_defaults(km);
	if (st->n >= KEYMAP_MAX_SEQ)
		st->n = 0;
	st->keys[st->n++] = key;
	bool longer = false;
	for (size_t i = 0; i < km->count[mode]; i++) {
		const struct binding *b = &km->bindings[mode][i];
		if (b->n < st->n || !is_prefix(b, st->keys, st->n))
			continue;
		if (b->n == st->n) {
			st->n = 0;
			return b->action;
		}
		longer = true;
	}
	if (longer)
		return ACTION_PENDING;
	st->n = 0;
	return ACTION_NONE;
}

void
keymap_describe(const struct keymap *km, enum keymap_mode mode,
		 enum action action, struct buf *out)
{
	km = with_defaults(km);
	bool first = true;
	for (size_t i = 0; i < km->count[mode]; i++) {
		const struct binding *b = &km->bindings[mode][i];
		if (b->action != action)
			continue;
		if (!first)
			buf_puts(out, ", ");
		first = false;
		/* For reading: < as itself (<lt> is for config lines). */
		for (size_t k = 0; k < b->n; k++)
			if (b->keys[k] == '<')
				buf_putc(out, '<');
			else
				keymap_key_name(b->keys[k], out);
	}
}

void
keymap_help_text(const struct keymap *km, struct buf *out)
{
	for (int m = 0; m < KEYMAP_MODE_COUNT; m++) {
		buf_printf(out, "%s%s\n", m ? "\n" : "", mode_names[m]);
		for (int a = 1; a < ACTION_COUNT; a++) {
			struct buf keys = BUF_INIT;
			keymap_describe(km, (enum keymap_mode)m, (enum action)a, &keys);
			/* The action's name too: what `bind` lines and `:` take. */
			if (keys.len)
				buf_printf(out, "  %-18s %-16s %s\n", keys.data,
					   action_table[a].name, action_table[a].help);
			buf_free(&keys);
		}
	}
}

void
keymap_bindings_text(const struct keymap *km, struct buf *out)
{
	km = with_defaults(km);
	for (int m = 0; m < KEYMAP_MODE_COUNT; m++) {
		for (int a = 1; a < ACTION_COUNT; a++) {
			for (size_t i = 0; i < km->count[m]; i++) {
				const struct binding *b = &km->bindings[m][i];
				if (b->action != (enum action)a)
					continue;
				buf_printf(out, "bind %-9s ", mode_names[m]);
				size_t start = out->len;
				for (size_t k = 0; k < b->n; k++)
					keymap_key_name(b->keys[k], out);
				size_t width = out->len - start;
				buf_printf(out, "%*s %s\n", width < 10 ? (int)(10 - width) : 0,
					   "", action_table[a].name);
			}
		}
	}
}
