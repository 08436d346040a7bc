/* app: the reader's controller.  It owns the document, its outline and
 * layout, the search, the store handle and the three panes (pane.h), and
 * runs the loop:
 *
 *     draw what changed -> ui_flush -> when idle, read the next event
 *     key -> keymap action (with a count typed before it) -> the focused
 *     pane's handler -> the common handler (jumps, marks, search, focus,
 *     panes, prompts, commands, help, quit)
 *
 * "Idle" means no work is left (an incremental search or a match count
 * on a huge text runs in steps between keys); a key script is read only
 * when idle, so screen tests need no sleeps.
 *
 * The reading position of each document is saved per author in the
 * store when the reader leaves it (quit, :open, a SIGTERM, SIGHUP or
 * SIGINT from another process) and restored when it is opened again. */
#ifndef GLOSS_APP_H
#define GLOSS_APP_H

#include "gloss/doc.h"
#include "gloss/keymap.h"

#include <stdbool.h>

struct app_options {
	/* The article, with main's loading options (format, encoding...);
	   load.path "-" is standard input. */
	struct doc_load_options load;
	/* The article is the tutorial, opened because gloss was given no
	   file: when the store already knows documents, the document list
	   is shown over it ("the tutorial the first time, the list after"). */
	bool tutorial;
	/* gloss open ID|TITLE: instead of load.path, the document of the
	   store with this id or title (cli_open_stored), read from the text
	   the store kept, with every annotation on it.  NULL: a file. */
	const char *stored;
	const char *db_path;       /* the store; NULL: none (positions not kept) */
	bool db_path_explicit;     /* a shared store (--db, GLOSS_DB, config) */
	const char *author;        /* NULL: the login name (config_login_name) */
	/* The key bindings (defaults plus the user's bind lines); borrowed. */
	const struct keymap *keymap;
	const char *theme;         /* "default", "light", "mono" or NULL */
	/* Config "osc52": 1 on, -1 off, 0 not set (on, but off when
	   headless): whether y copies through the terminal (OSC 52). */
	int osc52;
	const char *panes;         /* config "panes": "outline,notes", "text"... or NULL */
	/* Config "mouse" or --no-mouse: 1 on, -1 off, 0 not set (on).  Off,
	   the terminal keeps the mouse (its own drag to copy); :set mouse
	   changes it at run time. */
	int mouse;
	/* Config "status = bottom": the status line on the last row, as in
	   less and vim, instead of the first. */
	bool status_bottom;
	bool headless;             /* no terminal (tests) */
	const char *script;        /* key script (tests), or NULL */
	bool no_color;             /* NO_COLOR is set */
	/* Config errors ("FILE:LINE: message" lines) to show in the status
	   line without stopping; may be NULL. */
	const char *config_errors;
};

/* Runs the reader until the user quits.  Returns the exit status: 0, the
 * gl_status exit code when the first document cannot be loaded or the
 * terminal cannot be opened (the message is printed on stderr, prefixed
 * "gloss: "), 1 when a key script failed (a :save-screen that could not
 * be written, a :wait-for that timed out; said on stderr), or 128 + the
 * signal when SIGTERM, SIGHUP or SIGINT ended it (the terminal restored
 * and the position saved first). */
int app_run(const struct app_options *opt);

#endif
