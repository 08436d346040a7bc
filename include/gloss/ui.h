/* ui: the only user of curses.  Screen set-up on a real terminal or
 * headless (for tests: curses writes to /dev/null and never opens
 * /dev/tty), colours and themes, windows, key reading (from the terminal
 * or from a script file), drawing one cluster at the column layout gave
 * it, and screen dumps for tests.  It knows nothing of documents.
 *
 * Every string drawn goes through u8's terminal-safe form; ui_put_cluster
 * is for text layout already made safe (layout turns control characters
 * into placeholder cells). */
#ifndef GLOSS_UI_H
#define GLOSS_UI_H

#include "gloss/keymap.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Styles: what a cell means; the theme decides how it looks. */
#define UI_STYLES(_) \
	_(NORMAL) _(HEADING) _(TITLE) _(DIM) _(BORDER) _(STATUS) _(STATUS_MODE) \
	_(MESSAGE) _(ERROR) _(CURSOR) _(SELECTION) _(SEARCH) _(SEARCH_CURRENT) \
	_(PLACEHOLDER) _(CHOSEN) _(CHOSEN_UNFOCUSED) _(MARGIN) _(LINK) _(CODE) \
	_(EM) _(STRONG) \
	_(HL1) _(HL2) _(HL3) _(HL4) _(HL5) \
	_(AUTHOR0) _(AUTHOR1) _(AUTHOR2) _(AUTHOR3) _(AUTHOR4) _(AUTHOR5) \
	_(OTHER0) _(OTHER1) _(OTHER2) _(OTHER3) _(OTHER4) _(OTHER5) \
	_(NEW)

enum ui_style {
#define UI_STYLE_ENUM(id) UI_##id,
	UI_STYLES(UI_STYLE_ENUM)
#undef UI_STYLE_ENUM
	UI_STYLE_COUNT
};
/* Authors: a name is drawn in UI_AUTHOR0 + k and a colleague's highlight
 * in UI_OTHER0 + k (the colour underlined; underlined and dim without
 * colours), k = ui_author_colour(name).  UI_NEW marks what is new. */
#define UI_AUTHOR_COLOURS 6
/* The palette entry of an author's name: a hash of the name, so the same
 * author has the same colour in every session and on every screen. */
int ui_author_colour(const char *name);

struct ui_options {
	bool headless;            /* no terminal: curses writes to /dev/null */
	const char *script;       /* read keys from this file (tests) */
	const char *theme;        /* "default", "light", "mono"; NULL = default */
	bool no_color;            /* NO_COLOR or --theme mono */
	bool mouse;               /* report mouse events where the terminal can */
};

struct ui;

/* Opens the screen.  On a terminal: the locale must be UTF-8 (main
 * ensures it), an unknown TERM falls back to a basic one with a message
 * (ui_message_at_start).  Errors: GL_TERMINAL with a message. */
enum gl_status ui_open(const struct ui_options *opt, struct ui **out,
		       struct gl_error *err);
/* Restores the terminal (also safe to call from a signal-driven exit path
 * once, via ui_restore_terminal). */
void ui_close(struct ui *ui);
/* A one-line message ui wants shown once (e.g. "TERM foo unknown, using
 * xterm"); NULL if none. */
const char *ui_startup_message(const struct ui *ui);

void ui_size(const struct ui *ui, int *rows, int *cols);
/* The size of the terminal on standard output before the screen is
 * opened (for what to prepare for the first screen), or false when it is
 * not a terminal that says. */
bool ui_terminal_size(int *rows, int *cols);
/* Readies the terminal for keys: the keypad mode (ncurses builds its table
 * of some 250 key sequences then), gloss's own sequences, bracketed paste
 * and the mouse.  Left out of ui_open so that the first screen comes
 * before it (it was a tenth of the work before that screen, and a write of
 * its own); the reader calls it right after that screen, before the work
 * that follows it (the store made, the article loaded), since a terminal
 * that waits for the end of the first burst of output would wait for that
 * work too.  ui_next_event calls it when nobody did.  Idempotent. */
void ui_ready_input(struct ui *ui);
/* Headless: change the size as a terminal resize would (tests, :resize). */
void ui_resize(struct ui *ui, int rows, int cols);
int ui_colours(const struct ui *ui);  /* 0 (monochrome), 8 or 256 */
/* Switches the theme at run time ("default", "light" or "mono"; no_color:
 * as mono, for NO_COLOR).  The caller redraws everything (ui_redraw_all
 * and every window).  False (nothing changed) for an unknown name. */
bool ui_set_theme(struct ui *ui, const char *theme, bool no_color);
/* The theme in use: "default", "light" or "mono". */
const char *ui_theme(const struct ui *ui);
/* Turns mouse reporting on or off now (mousemask): off, the terminal
 * keeps its own use of the mouse (drag to copy, its own wheel); on, gloss
 * gets clicks, drags and the wheel (UI_EVENT_MOUSE).  The terminal hears
 * of it with the next refresh.  ui_mouse says which it is. */
void ui_set_mouse(struct ui *ui, bool on);
bool ui_mouse(const struct ui *ui);

/* ---------------------------------------------------------------- drawing
 * Rectangles of the screen.  Coordinates are relative to the window.
 * Drawing goes to an off-screen buffer; ui_flush sends only what changed
 * (wnoutrefresh + doupdate) so a keystroke costs few bytes over SSH. */
struct ui_win;
struct ui_win *ui_win_new(struct ui *ui, int y, int x, int h, int w);
void ui_win_free(struct ui_win *w);
void ui_win_place(struct ui_win *w, int y, int x, int h, int wd);
void ui_win_size(const struct ui_win *w, int *h, int *wd);
void ui_win_erase(struct ui_win *w);
/* Fills from column x to the end of row y with blanks in a style. */
void ui_win_clear_eol(struct ui_win *w, int y, int x, enum ui_style s);
/* Draws one grapheme cluster s[0, n) (valid UTF-8, no control chars) at
 * (y, x) taking `width` columns, as layout decided.  Where the C library's
 * wcwidth would disagree with `width`, a placeholder of `width` columns is
 * drawn instead, so columns never drift. */
void ui_put_cluster(struct ui_win *w, int y, int x, const char *s, size_t n,
		    int width, enum ui_style style);
/* Draws any text (made terminal-safe here) from (y, x), clipped at
 * max_width columns (-1: to the window's edge); returns the columns used. */
int ui_put_text(struct ui_win *w, int y, int x, const char *s, size_t n,
		int max_width, enum ui_style style);
/* Changes the style of cells already drawn (for overlays such as the
 * cursor or search matches). */
void ui_restyle(struct ui_win *w, int y, int x, int ncols, enum ui_style style);
/* Scrolls the window's contents by n rows (positive: up) using the
 * terminal's scrolling region where it can; the caller redraws the rows
 * that came free. */
void ui_win_scroll(struct ui_win *w, int n);
/* Where the terminal cursor rests after the update (prompts). */
void ui_set_cursor(struct ui *ui, struct ui_win *w, int y, int x, bool visible);
void ui_win_touch(struct ui_win *w);
void ui_win_stage(struct ui_win *w);   /* wnoutrefresh */
void ui_flush(struct ui *ui);          /* doupdate */
/* Forget what the terminal shows and repaint everything (Ctrl-L). */
void ui_redraw_all(struct ui *ui);

/* ------------------------------------------------------------------ input */
enum ui_event_kind {
	UI_EVENT_NONE,      /* timeout: nothing happened */
	UI_EVENT_KEY,       /* key: a keymap.h key code */
	UI_EVENT_COMMAND,   /* text: a ":command" line from a script */
	UI_EVENT_KEYS,      /* text: a line of keys in keymap notation from a
			       script; the caller splits it (keymap.h) */
	UI_EVENT_MOUSE,     /* mouse_y/x/button/kind */
	UI_EVENT_RESIZE,
	UI_EVENT_PASTE,     /* text: bracketed paste contents */
	UI_EVENT_EOF,       /* the script ended or the terminal went away */
	UI_EVENT_SIGNAL,    /* SIGTERM, SIGHUP or SIGINT from another process */
};
enum ui_mouse_kind { UI_MOUSE_PRESS, UI_MOUSE_RELEASE, UI_MOUSE_DRAG,
		     UI_MOUSE_WHEEL_UP, UI_MOUSE_WHEEL_DOWN };
struct ui_event {
	enum ui_event_kind kind;
	int32_t key;        /* a keymap.h key code (GK_*, or a character) */
	char *text;         /* owned by ui until the next ui_next_event */
	int mouse_y, mouse_x, button;
	enum ui_mouse_kind mouse_kind;
	int signal;
};
/* Waits up to timeout_ms (-1: forever) for the next event.  From a
 * script, the next key is given at once (the caller only asks when it is
 * idle, so tests need no sleeps); when the script ends, UI_EVENT_EOF. */
void ui_next_event(struct ui *ui, int timeout_ms, struct ui_event *ev);
/* True when a script drives the keys. */
bool ui_scripted(const struct ui *ui);
/* The signal that asked gloss to stop (SIGTERM, SIGHUP, SIGINT, SIGQUIT
 * from another process), or 0.  Set from the handler; checked by the
 * loop. */
int ui_pending_signal(void);
/* Installs the handlers for SIGTERM, SIGHUP, SIGINT and SIGQUIT (they set
 * the flag), and a watchdog: when the loop has not ended 10 seconds after
 * such a signal (stuck in long work, or waiting for $EDITOR), SIGALRM
 * restores the terminal as ui_open found it and exits with 128 + the
 * signal's number. */
void ui_install_signal_handlers(void);

/* ------------------------------------------------------ dumps for tests */
/* Writes the screen's text, one row per line, trailing blanks trimmed.
 * With UI_DUMP_ATTRS, each row is followed by a mask line: '^' under
 * cells drawn in a highlight style (HL1..HL5, a colleague's OTHER0..5),
 * 's' selection, '/' search match, '*' the current search match,
 * blank otherwise (trimmed); widened by each cell's width.
 * With UI_DUMP_COLOURS, each row is followed (after the mask, if any) by a
 * colour line: under each cell the initial of its background colour when
 * it has one, else of its foreground colour (k black, r red, g green,
 * y yellow, b blue, m magenta, c cyan, w white; a 256-colour entry as the
 * nearest of these), blank for the terminal's default (so all blank in
 * monochrome). */
#define UI_DUMP_ATTRS 1u
#define UI_DUMP_COLOURS 2u
enum gl_status ui_save_screen(struct ui *ui, const char *path, unsigned what,
			      struct gl_error *err);
/* True when `text` appears on the screen (one row). */
bool ui_screen_contains(struct ui *ui, const char *text);
/* Gives the terminal back (def_prog_mode, endwin) so that another
 * program (the user's $EDITOR) can use it, and takes it again after
 * (reset_prog_mode, a full repaint: call ui_redraw_all and redraw).
 * Headless: nothing. */
void ui_suspend(struct ui *ui);
void ui_resume(struct ui *ui);
/* Sends raw bytes to the terminal outside curses (OSC 52 copy); never
 * called with unchecked user bytes; does nothing headless. */
void ui_send_raw(struct ui *ui, const char *bytes, size_t n);

#endif
