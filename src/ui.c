/* ui: the only user of curses (see ui.h). */
#include "config.h"

#include "gloss/keymap.h"
#include "gloss/u8.h"
#include "gloss/ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* Key codes ncurses gives to sequences we define ourselves. */
#define UI_KEY_PASTE_START (KEY_MAX + 1)
#define UI_KEY_PASTE_END (KEY_MAX + 2)
#define UI_KEY_ALT_LEFT (KEY_MAX + 3)
#define UI_KEY_ALT_RIGHT (KEY_MAX + 4)

struct ui {
	SCREEN *screen;
	FILE *out, *in;          /* what curses was given */
	bool own_out, own_in;
	bool headless;
	FILE *script;
	struct buf script_line;
	int colours;
	bool mouse;
	char *startup_message;
	const char *theme;       /* "default", "light" or "mono" */
	bool colour_started;     /* start_color was called */
	struct buf event_text;
	int tty_fd;              /* for raw OSC 52 output; -1 headless */
	bool input_ready;        /* ui_ready_input has run */
};

struct ui_win {
	struct ui *ui;
	WINDOW *win;
};

/* ------------------------------------------------------------- signals */

static volatile sig_atomic_t pending_signal;

/* The terminal as it was before curses, for the watchdog below (-1: no
 * terminal to put back). */
static volatile sig_atomic_t emergency_fd = -1, emergency_in_fd = -1;
static struct termios emergency_tty;

/* Seconds the loop has, after a stop signal, to restore the terminal and
 * save its place before the watchdog does the first alone and exits. */
#define STOP_GRACE_SECONDS 10

static void
on_stop_signal(int sig)
{
	if (!pending_signal)
		alarm(STOP_GRACE_SECONDS);
	pending_signal = sig;
}

/* The loop did not get to a stop signal in time (stuck in long work): puts
 * the terminal back with async-signal-safe calls only, and exits with the
 * signal's status. */
static void
on_watchdog(int sig)
{
	(void)sig;
	if (!pending_signal)
		return;
	int fd = emergency_fd;
	if (fd >= 0) {
		static const char restore[] = "\033[?1000l\033[?1002l\033[?1003l\033[?1006l"
					      "\033[?2004l\033[0m\033[?25h\033[?1049l\r\n";
		ssize_t w = write(fd, restore, sizeof restore - 1);
		(void)w;
		if (emergency_in_fd >= 0)
			tcsetattr(emergency_in_fd, TCSANOW, &emergency_tty);
	}
	static const char say[] = "gloss: stopped by a signal while busy; the terminal is restored\n";
	ssize_t w = write(STDERR_FILENO, say, sizeof say - 1);
	(void)w;
	_exit(128 + pending_signal);
}

void
ui_install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns so the loop sees the flag. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Ctrl-\ is a key too (the terminal does not send SIGQUIT, see
	   ui_open); a SIGQUIT from another process stops gloss like
	   SIGTERM, terminal restored, instead of dumping core. */
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
ui_pending_signal(void)
{
	return (int)pending_signal;
}

/* --------------------------------------------------------------- themes */

struct style_def {
	short fg, bg;        /* colours for 8+ colour terminals; -1 default */
	attr_t attrs;        /* with colour */
	attr_t mono;         /* without colour */
};

/* Readable on dark and light backgrounds: colours are backgrounds for
 * highlights (with black text) and foregrounds only where any terminal
 * palette keeps them legible. */
static const struct style_def default_theme[UI_STYLE_COUNT] = {
	[UI_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[UI_HEADING] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[UI_TITLE] = { COLOR_BLUE, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
	[UI_DIM] = { -1, -1, A_DIM, A_DIM },
	[UI_BORDER] = { -1, -1, A_DIM, A_NORMAL },
	/* The status line is a running head, in the text's own attributes
	   but for its mode: its position changes with every few lines
	   scrolled, and in reverse video each change would cost the terminal
	   two attribute changes (some 15 bytes) besides the digits. */
	[UI_STATUS] = { -1, -1, A_NORMAL, A_NORMAL },
	[UI_STATUS_MODE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[UI_MESSAGE] = { -1, -1, A_NORMAL, A_NORMAL },
	[UI_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[UI_CURSOR] = { -1, -1, A_REVERSE, A_REVERSE },
	[UI_SELECTION] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[UI_SEARCH] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_UNDERLINE | A_BOLD },
	[UI_SEARCH_CURRENT] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD | A_UNDERLINE, A_REVERSE | A_BOLD },
	[UI_PLACEHOLDER] = { COLOR_MAGENTA, -1, A_NORMAL, A_DIM | A_BOLD },
	[UI_CHOSEN] = { -1, -1, A_REVERSE, A_REVERSE },
	[UI_CHOSEN_UNFOCUSED] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[UI_MARGIN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UI_LINK] = { COLOR_CYAN, -1, A_UNDERLINE, A_UNDERLINE },
	[UI_CODE] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[UI_EM] = { -1, -1, A_ITALIC, A_ITALIC },
	[UI_STRONG] = { -1, -1, A_BOLD, A_BOLD },
	[UI_HL1] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE },
	[UI_HL2] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_UNDERLINE },
	[UI_HL3] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_BOLD | A_UNDERLINE },
	[UI_HL4] = { COLOR_BLACK, COLOR_MAGENTA, A_NORMAL, A_STANDOUT | A_DIM },
	[UI_HL5] = { COLOR_RED, -1, A_UNDERLINE | A_BOLD, A_BOLD },
	[UI_AUTHOR0] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_AUTHOR1] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UI_AUTHOR2] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[UI_AUTHOR3] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UI_AUTHOR4] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[UI_AUTHOR5] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	/* A colleague's highlight: underlined in the author's colour, not a
	   background, so it never looks like one of the reader's own styles
	   (without colour: underlined and dim, which no HL style is). */
	[UI_OTHER0] = { COLOR_CYAN, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_OTHER1] = { COLOR_GREEN, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_OTHER2] = { COLOR_MAGENTA, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_OTHER3] = { COLOR_YELLOW, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_OTHER4] = { COLOR_BLUE, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_OTHER5] = { COLOR_RED, -1, A_UNDERLINE, A_UNDERLINE | A_DIM },
	[UI_NEW] = { COLOR_GREEN, -1, A_BOLD, A_BOLD | A_REVERSE },
};

/* On 256 colours the author palette uses middle tones (teal, green,
 * purple, dark gold, blue, red) that stay legible on black and on white
 * backgrounds; the 8-colour ones are the closest basic colours. */
static const short author_256[UI_AUTHOR_COLOURS] = { 30, 28, 127, 136, 26, 160 };

int
ui_author_colour(const char *name)
{
	/* FNV-1a: stable across runs and machines. */
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return (int)(h % UI_AUTHOR_COLOURS);
}

static attr_t style_attrs[UI_STYLE_COUNT];
static short style_pair[UI_STYLE_COUNT];

static void
set_up_styles(struct ui *ui, bool light)
{
	for (int s = 0; s < UI_STYLE_COUNT; s++) {
		const struct style_def *d = &default_theme[s];
		if (!ui->colours || (d->fg < 0 && d->bg < 0)) {
			style_attrs[s] = ui->colours ? d->attrs : d->mono;
			style_pair[s] = 0;
			continue;
		}
		short fg = d->fg, bg = d->bg;
		int author = s >= UI_AUTHOR0 && s < UI_AUTHOR0 + UI_AUTHOR_COLOURS ? s - UI_AUTHOR0
			     : s >= UI_OTHER0 && s < UI_OTHER0 + UI_AUTHOR_COLOURS ? s - UI_OTHER0
										: -1;
		if (author >= 0 && ui->colours >= 256)
			fg = author_256[author];
		/* A light theme: yellow text is unreadable on white. */
		else if (light && fg == COLOR_YELLOW)
			fg = COLOR_RED;
		init_pair((short)(s + 1), fg, bg);
		style_attrs[s] = d->attrs;
		style_pair[s] = (short)(s + 1);
	}
	/* A terminal without italics (screen-256color, tmux's usual TERM, and
	   the Linux console) would show emphasis as plain text: underline it
	   there, as w3m and lynx do. */
	if (!(term_attrs() & A_ITALIC))
		style_attrs[UI_EM] = (style_attrs[UI_EM] & ~A_ITALIC) | A_UNDERLINE;
}

static void
apply_style(WINDOW *w, enum ui_style s)
{
	wattr_set(w, style_attrs[s], style_pair[s], NULL);
}

/* --------------------------------------------------------------- set-up */

static bool
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Over SSH LANG is often unset or C: still show UTF-8 text right. */
static const char *
ensure_utf8_locale(void)
{
	if (locale_is_utf8())
		return NULL;
	static const char *const fallbacks[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	for (size_t i = 0; i < GL_ARRAY_LEN(fallbacks); i++)
		if (setlocale(LC_CTYPE, fallbacks[i]) && locale_is_utf8())
			return fallbacks[i];
	return "";
}

/* True when ncurses knows `term`.  Where its compiled description is in
 * one of the usual places (a file stat is all it costs) that is taken to
 * mean yes, so that the common case reads the description once, in
 * newterm.  Otherwise setupterm says: newterm is never tried on a name it
 * does not know, as a failed newterm leaks what it had allocated. */
static bool
terminal_known(const char *term)
{
	if (!term || !*term || strchr(term, '/') || term[0] == '.')
		return false;
	const char *own = getenv("TERMINFO");
	char home_dir[4096] = "";
	const char *home = getenv("HOME");
	if (home && *home)
		snprintf(home_dir, sizeof home_dir, "%s/.terminfo", home);
	const char *more = getenv("TERMINFO_DIRS");
	static const char *const system_dirs[] = {
		"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo",
	};
	struct buf dirs = BUF_INIT;   /* NUL-separated */
	if (own && *own)
		buf_append(&dirs, own, strlen(own) + 1);
	if (*home_dir)
		buf_append(&dirs, home_dir, strlen(home_dir) + 1);
	for (const char *p = more; p && *p;) {
		size_t n = strcspn(p, ":");
		if (n) {
			buf_append(&dirs, p, n);
			buf_putc(&dirs, '\0');
		}
		p += n + (p[n] == ':');
	}
	for (size_t i = 0; i < GL_ARRAY_LEN(system_dirs); i++)
		buf_append(&dirs, system_dirs[i], strlen(system_dirs[i]) + 1);
	bool found = false;
	for (size_t at = 0; at < dirs.len && !found; at += strlen(dirs.data + at) + 1) {
		char path[8192];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%c/%s", dirs.data + at, term[0], term);
		found = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	}
	buf_free(&dirs);
	if (found)
		return true;
	int errret = 0;
	if (setupterm(term, -1, &errret) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

/* The screen for TERM, or for the first of a few common descriptions
 * when TERM is unset or unknown (`*used` says which; `*fell_back` that it
 * is not TERM's). */
static SCREEN *
open_screen(const char *term, FILE *out, FILE *in, const char **used, bool *fell_back)
{
	static const char *const safe[] = { "xterm-256color", "xterm", "vt100", "dumb" };
	*fell_back = false;
	*used = term;
	if (terminal_known(term)) {
		SCREEN *sc = newterm(term, out, in);
		if (sc)
			return sc;
	}
	*fell_back = true;
	for (size_t i = 0; i < GL_ARRAY_LEN(safe); i++) {
		if (!terminal_known(safe[i]))
			continue;
		SCREEN *sc = newterm(safe[i], out, in);
		if (sc) {
			*used = safe[i];
			return sc;
		}
	}
	*used = NULL;
	return NULL;
}

enum gl_status
ui_open(const struct ui_options *opt, struct ui **out, struct gl_error *err)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	ui->headless = opt->headless;
	ui->tty_fd = -1;
	struct buf msg = BUF_INIT;

	const char *fallback_locale = ensure_utf8_locale();
	if (fallback_locale && *fallback_locale)
		buf_printf(&msg, "the locale is not UTF-8: using %s", fallback_locale);
	else if (fallback_locale)
		buf_puts(&msg, "no UTF-8 locale found: wide text may show wrongly");

	const char *term = getenv("TERM");

	if (opt->headless) {
		ui->out = fopen("/dev/null", "w");
		ui->in = fopen("/dev/null", "r");
		ui->own_out = ui->own_in = true;
	} else {
		/* Keys come from the terminal even when the article came on
		   standard input. */
		if (isatty(STDIN_FILENO)) {
			ui->in = stdin;
		} else {
			ui->in = fopen("/dev/tty", "r");
			ui->own_in = true;
		}
		if (isatty(STDOUT_FILENO)) {
			ui->out = stdout;
		} else {
			ui->out = fopen("/dev/tty", "w");
			ui->own_out = true;
		}
	}
	if (!ui->in || !ui->out) {
		if (ui->own_in && ui->in)
			fclose(ui->in);
		if (ui->own_out && ui->out)
			fclose(ui->out);
		free(ui);
		buf_free(&msg);
		return gl_fail(err, GL_TERMINAL, "cannot open the terminal: %s", strerror(errno));
	}
	if (opt->script) {
		ui->script = fopen(opt->script, "r");
		if (!ui->script) {
			enum gl_status s = gl_fail(err, GL_NOT_FOUND, "cannot open the key script %s: %s",
						   u8_safe_str(opt->script), strerror(errno));
			if (ui->own_in)
				fclose(ui->in);
			if (ui->own_out)
				fclose(ui->out);
			free(ui);
			buf_free(&msg);
			return s;
		}
	}

	/* Escape sequences arrive whole over SSH well within this. */
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	if (!opt->headless && tcgetattr(fileno(ui->in), &emergency_tty) == 0) {
		emergency_in_fd = fileno(ui->in);
		emergency_fd = fileno(ui->out);
	}
	const char *use_term = NULL;
	bool fell_back = false;
	ui->screen = open_screen(term, ui->out, ui->in, &use_term, &fell_back);
	if (ui->screen && fell_back && (!opt->headless || (term && *term))) {
		if (msg.len)
			buf_puts(&msg, "; ");
		buf_printf(&msg, "TERM=%s is unknown: using %s", u8_safe_str(term ? term : ""),
			   use_term);
	}
	/* A terminal that cannot move the cursor (TERM=dumb, emacs's shell)
	   would show a blank screen and a status line: refuse it, saying
	   what works instead. */
	bool no_cup = false;
	if (ui->screen) {
		set_term(ui->screen);
		char *cup = tigetstr("cup");
		no_cup = !opt->headless && (!cup || cup == (char *)-1);
		if (no_cup) {
			endwin();
			delscreen(ui->screen);
			ui->screen = NULL;
		}
	}
	if (!ui->screen) {
		emergency_fd = emergency_in_fd = -1;
		if (ui->script)
			fclose(ui->script);
		if (ui->own_in)
			fclose(ui->in);
		if (ui->own_out)
			fclose(ui->out);
		free(ui);
		buf_free(&msg);
		if (no_cup)
			return gl_fail(err, GL_TERMINAL,
				       "the terminal \"%s\" cannot move the cursor, which the reader needs: "
				       "set TERM to your terminal's name (such as xterm-256color), or read "
				       "the laid-out text with gloss FILE | less",
				       use_term ? u8_safe_str(use_term) : "");
		return gl_fail(err, GL_TERMINAL, "no usable terminal description (TERM=%s)",
			       u8_safe_str(term ? term : ""));
	}
	/* ncurses 6.4 flushes its output after every cursor move until the
	   screen has once been left and resumed (until then it takes the
	   program for a low-level terminfo user), so each row of a paint
	   went out in a write(2) of its own: some 25 per screen, each a
	   wake-up of the terminal and a packet over SSH.  Leaving the screen
	   and resuming it now, before anything is drawn, makes each paint
	   one write.  The resume is
	   done at once, before colours are started: resuming a screen with
	   colours on resets the terminal's palette (OSC 104), which would
	   undo a user's own colour scheme. */
	if (!opt->headless) {
		endwin();
		doupdate();
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	/* Ctrl-C is a key (cancel), never a signal from our own terminal,
	   and so is Ctrl-\ (it would dump core): turn off VINTR and VQUIT
	   only, so Ctrl-Z still suspends. */
	if (!opt->headless) {
		struct termios t;
		int fd = fileno(ui->in);
		if (tcgetattr(fd, &t) == 0) {
			t.c_cc[VINTR] = _POSIX_VDISABLE;
			t.c_cc[VQUIT] = _POSIX_VDISABLE;
			tcsetattr(fd, TCSANOW, &t);
			def_prog_mode();
		}
		ui->tty_fd = fileno(ui->out);
	}

	ui->colours = 0;
	ui_set_theme(ui, opt->theme ? opt->theme : "default", opt->no_color);

	ui->mouse = opt->mouse;
	if (msg.len)
		ui->startup_message = buf_steal(&msg, NULL);
	buf_free(&msg);
	*out = ui;
	return GL_OK;
}

void
ui_close(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->input_ready) {
		fputs("\033[?2004l", ui->out);
		fflush(ui->out);
		if (ui->mouse)
			mousemask(0, NULL);
	}
	curs_set(1);
	endwin();
	delscreen(ui->screen);
	emergency_fd = emergency_in_fd = -1;   /* the terminal is back */
	if (ui->script)
		fclose(ui->script);
	if (ui->own_in)
		fclose(ui->in);
	if (ui->own_out)
		fclose(ui->out);
	buf_free(&ui->script_line);
	buf_free(&ui->event_text);
	free(ui->startup_message);
	free(ui);
}

const char *
ui_startup_message(const struct ui *ui)
{
	return ui->startup_message;
}

void
ui_size(const struct ui *ui, int *rows, int *cols)
{
	(void)ui;
	*rows = LINES;
	*cols = COLS;
}

void
ui_resize(struct ui *ui, int rows, int cols)
{
	(void)ui;
	resizeterm(rows, cols);
}

int
ui_colours(const struct ui *ui)
{
	return ui->colours;
}

bool
ui_set_theme(struct ui *ui, const char *theme, bool no_color)
{
	static const char *const names[] = { "default", "light", "mono" };
	const char *known = NULL;
	for (size_t i = 0; i < GL_ARRAY_LEN(names) && !known; i++)
		if (theme && strcmp(theme, names[i]) == 0)
			known = names[i];
	if (!known)
		return false;
	bool mono = no_color || strcmp(known, "mono") == 0;
	ui->colours = 0;
	if (!mono && has_colors()) {
		if (!ui->colour_started) {
			start_color();
			use_default_colors();
			ui->colour_started = true;
		}
		ui->colours = COLORS >= 256 ? 256 : 8;
	}
	ui->theme = mono ? "mono" : known;
	set_up_styles(ui, strcmp(known, "light") == 0);
	return true;
}

const char *
ui_theme(const struct ui *ui)
{
	return ui->theme;
}

void
ui_set_mouse(struct ui *ui, bool on)
{
	if (on == ui->mouse)
		return;
	/* Headless there is no terminal to put in mouse mode: the state is
	   kept so that :set shows it. */
	if (!ui->headless) {
		mousemask(on ? ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION : 0, NULL);
		if (on)
			mouseinterval(0);
	}
	ui->mouse = on;
}

bool
ui_mouse(const struct ui *ui)
{
	return ui->mouse;
}

/* ---------------------------------------------------------------- drawing */

struct ui_win *
ui_win_new(struct ui *ui, int y, int x, int h, int w)
{
	struct ui_win *win = xcalloc(1, sizeof *win);
	win->ui = ui;
	win->win = newwin(h > 0 ? h : 1, w > 0 ? w : 1, y, x);
	if (!win->win)
		win->win = newwin(1, 1, 0, 0);
	/* The cursor is hidden but where a prompt shows it (ui_set_cursor):
	   left where the last drawing put it, never moved there for
	   nothing (a redraw that changed no cell would still send a cursor
	   move, bytes a slow link waits for). */
	leaveok(win->win, TRUE);
	return win;
}

void
ui_win_free(struct ui_win *w)
{
	if (!w)
		return;
	delwin(w->win);
	free(w);
}

void
ui_win_place(struct ui_win *w, int y, int x, int h, int wd)
{
	if (h < 1)
		h = 1;
	if (wd < 1)
		wd = 1;
	/* Shrink first so the move always fits the screen. */
	wresize(w->win, 1, 1);
	mvwin(w->win, y, x);
	wresize(w->win, h, wd);
}

void
ui_win_size(const struct ui_win *w, int *h, int *wd)
{
	*h = getmaxy(w->win);
	*wd = getmaxx(w->win);
}

void
ui_win_erase(struct ui_win *w)
{
	wattr_set(w->win, A_NORMAL, 0, NULL);
	werase(w->win);
}

void
ui_win_clear_eol(struct ui_win *w, int y, int x, enum ui_style s)
{
	int width = getmaxx(w->win);
	if (x >= width || y < 0 || y >= getmaxy(w->win))
		return;
	/* One call for the row (a waddch per cell cost a first paint more
	   than the text itself). */
	cchar_t blank;
	if (setcchar(&blank, L" ", style_attrs[s], style_pair[s], NULL) == OK)
		mvwhline_set(w->win, y, x, &blank, width - x);
}

/* What ncurses will assume the cluster takes: the sum of wcwidth. */
static int
libc_width(const wchar_t *wcs, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		int w = wcwidth(wcs[i]);
		if (w < 0)
			return -1;
		total += w;
	}
	return total;
}

static void
put_placeholder(WINDOW *win, int y, int x, int width)
{
	apply_style(win, UI_PLACEHOLDER);
	for (int i = 0; i < width; i++)
		mvwaddch(win, y, x + i, i == 0 ? '?' : ' ');
}

void
ui_put_cluster(struct ui_win *w, int y, int x, const char *s, size_t n, int width,
	       enum ui_style style)
{
	WINDOW *win = w->win;
	if (y < 0 || y >= getmaxy(win) || x < 0 || x + width > getmaxx(win) || width <= 0)
		return;
	/* Most clusters are one printable code point that ncurses places at
	   the width the layout gave it: one cell, without the general case's
	   copies (the bulk of drawing a screen of text). */
	if (n <= 4) {
		int32_t cp;
		if (u8_decode(s, n, 0, &cp) == n && cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0) &&
		    wcwidth((wchar_t)cp) == width) {
			wchar_t one[2] = { (wchar_t)cp, 0 };
			cchar_t cell;
			/* Stored as it is (wadd_wchnstr): wadd_wch would ask the
			   locale whether each one is a byte-sized character, a
			   tenth of the cost of drawing a screen. */
			if (setcchar(&cell, one, style_attrs[style], style_pair[style], NULL) == OK) {
				mvwadd_wchnstr(win, y, x, &cell, 1);
				return;
			}
		}
	}
	/* Room for a long cluster; one cell holds CCHARW_MAX of it. */
	wchar_t wcs[64];
	size_t nw = 0;
	bool too_long = false;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += u8_decode(s, n, i, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			nw = 0; /* never a control character: layout should have replaced it */
			break;
		}
		if (nw + 1 == GL_ARRAY_LEN(wcs)) {
			too_long = true;
			break;
		}
		wcs[nw++] = (wchar_t)cp;
	}
	wcs[nw] = 0;
	if (nw == 0 || too_long || libc_width(wcs, nw) != width || wcwidth(wcs[0]) <= 0) {
		/* ncurses would place it at another width: keep columns. */
		put_placeholder(win, y, x, width);
		return;
	}
	/* A cell holds one spacing character and the zero-width ones after
	   it.  A cluster of several spacing characters (a flag: two regional
	   indicators) goes into consecutive cells, which the terminal shows
	   as one glyph of the same total width. */
	cchar_t cells[8];
	int cols[8];
	size_t ncells = 0;
	for (size_t i = 0; i < nw;) {
		size_t j = i + 1;
		while (j < nw && wcwidth(wcs[j]) == 0)
			j++;
		if (ncells == GL_ARRAY_LEN(cells) || j - i > CCHARW_MAX) {
			put_placeholder(win, y, x, width);
			return;
		}
		wchar_t piece[CCHARW_MAX + 1];
		memcpy(piece, wcs + i, (j - i) * sizeof *piece);
		piece[j - i] = 0;
		if (setcchar(&cells[ncells], piece, style_attrs[style], style_pair[style], NULL) != OK) {
			put_placeholder(win, y, x, width);
			return;
		}
		cols[ncells++] = wcwidth(wcs[i]);
		i = j;
	}
	int cx = x;
	for (size_t k = 0; k < ncells; k++) {
		mvwadd_wch(win, y, cx, &cells[k]);
		cx += cols[k];
	}
}

int
ui_put_text(struct ui_win *w, int y, int x, const char *s, size_t n, int max_width,
	    enum ui_style style)
{
	int win_w = getmaxx(w->win);
	if (max_width < 0 || x + max_width > win_w)
		max_width = win_w - x;
	if (y < 0 || y >= getmaxy(w->win) || max_width <= 0)
		return 0;
	/* Only what can show is made safe and measured: a message or a line
	   of any length costs what fits in the window.  No cluster of real
	   text comes near 64 bytes a column. */
	size_t cap = ((size_t)max_width + 1) * 64;
	if (n > cap) {
		n = cap;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	struct buf safe = BUF_INIT;
	u8_safe(&safe, s, n);
	int used = 0;
	for (size_t i = 0; i < safe.len;) {
		size_t end = u8_next_cluster(safe.data, safe.len, i);
		int cw = u8_cluster_width(safe.data + i, end - i);
		if (used + cw > max_width)
			break;
		ui_put_cluster(w, y, x + used, safe.data + i, end - i, cw, style);
		used += cw;
		i = end;
	}
	buf_free(&safe);
	return used;
}

void
ui_restyle(struct ui_win *w, int y, int x, int ncols, enum ui_style style)
{
	if (y < 0 || y >= getmaxy(w->win) || ncols <= 0)
		return;
	mvwchgat(w->win, y, x, ncols, style_attrs[style], style_pair[style], NULL);
}

void
ui_win_scroll(struct ui_win *w, int n)
{
	scrollok(w->win, TRUE);
	wscrl(w->win, n);
	scrollok(w->win, FALSE);
}

void
ui_set_cursor(struct ui *ui, struct ui_win *w, int y, int x, bool visible)
{
	(void)ui;
	if (visible) {
		wmove(w->win, y, x);
		leaveok(w->win, FALSE);
		curs_set(1);
	} else {
		leaveok(w->win, TRUE);
		curs_set(0);
	}
}

void
ui_win_touch(struct ui_win *w)
{
	touchwin(w->win);
}

void
ui_win_stage(struct ui_win *w)
{
	wnoutrefresh(w->win);
}

void
ui_flush(struct ui *ui)
{
	(void)ui;
	doupdate();
}

void
ui_redraw_all(struct ui *ui)
{
	(void)ui;
	clearok(curscr, TRUE);
}

/* ------------------------------------------------------------------ input */

static int32_t
translate_curses_key(int code)
{
	switch (code) {
	case KEY_UP: return GK_UP;
	case KEY_DOWN: return GK_DOWN;
	case KEY_LEFT: return GK_LEFT;
	case KEY_RIGHT: return GK_RIGHT;
	case KEY_PPAGE: return GK_PGUP;
	case KEY_NPAGE: return GK_PGDN;
	case KEY_HOME: return GK_HOME;
	case KEY_END: return GK_END;
	case KEY_IC: return GK_INSERT;
	case KEY_DC: return GK_DELETE;
	case KEY_BTAB: return GK_BACKTAB;
	case KEY_BACKSPACE: return GK_BACKSPACE;
	case KEY_ENTER: return GK_ENTER;
	case KEY_RESIZE: return GK_RESIZE;
	case UI_KEY_ALT_LEFT: return GK_ALT_LEFT;
	case UI_KEY_ALT_RIGHT: return GK_ALT_RIGHT;
	case UI_KEY_PASTE_START: return GK_PASTE_START;
	case UI_KEY_PASTE_END: return GK_PASTE_END;
	}
	if (code >= KEY_F(1) && code <= KEY_F(10))
		return GK_F1 + (code - KEY_F(1));
	return -1;
}

/* Reads the rest of a bracketed paste (up to the end marker). */
static void
read_paste(struct ui *ui)
{
	buf_clear(&ui->event_text);
	timeout(1000);
	for (;;) {
		wint_t wc;
		untouchwin(stdscr);
		int r = get_wch(&wc);
		if (r == ERR)
			break;
		if (r == KEY_CODE_YES) {
			if ((int)wc == UI_KEY_PASTE_END)
				break;
			continue;
		}
		if (wc == '\r')
			wc = '\n';
		char enc[4];
		buf_append(&ui->event_text, enc, u8_encode((int32_t)wc, enc));
	}
}

static bool
next_script_line(struct ui *ui, struct ui_event *ev)
{
	for (;;) {
		buf_clear(&ui->script_line);
		int c;
		bool any = false;
		while ((c = fgetc(ui->script)) != EOF) {
			any = true;
			if (c == '\n')
				break;
			buf_putc(&ui->script_line, (char)c);
		}
		if (!any)
			return false;
		char *line = ui->script_line.data ? ui->script_line.data : (char *)"";
		size_t len = ui->script_line.len;
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		buf_clear(&ui->event_text);
		if (*line == ':') {
			buf_puts(&ui->event_text, line + 1);
			ev->kind = UI_EVENT_COMMAND;
		} else {
			/* Keys; a " #" starts a comment. */
			char *hash = strstr(line, " #");
			if (hash)
				*hash = '\0';
			buf_puts(&ui->event_text, line);
			ev->kind = UI_EVENT_KEYS;
		}
		ev->text = ui->event_text.data;
		return true;
	}
}

bool
ui_terminal_size(int *rows, int *cols)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

void
ui_ready_input(struct ui *ui)
{
	if (ui->input_ready || ui->headless)
		return;
	ui->input_ready = true;
	keypad(stdscr, TRUE);
	define_key("\033[200~", UI_KEY_PASTE_START);
	define_key("\033[201~", UI_KEY_PASTE_END);
	define_key("\033[1;3D", UI_KEY_ALT_LEFT);
	define_key("\033[1;3C", UI_KEY_ALT_RIGHT);
	/* Bracketed paste: pasted text is text, never keys. */
	fputs("\033[?2004h", ui->out);
	fflush(ui->out);
	if (ui->mouse) {
		mousemask(ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION, NULL);
		mouseinterval(0);
	}
}

void
ui_next_event(struct ui *ui, int timeout_ms, struct ui_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (pending_signal) {
		ev->kind = UI_EVENT_SIGNAL;
		ev->signal = pending_signal;
		return;
	}
	if (ui->script) {
		if (!next_script_line(ui, ev))
			ev->kind = UI_EVENT_EOF;
		return;
	}
	if (ui->headless) {
		ev->kind = UI_EVENT_EOF;
		return;
	}
	ui_ready_input(ui);
	timeout(timeout_ms);
	/* get_wch refreshes stdscr first when it looks changed (it does at
	   the start and after a resize), which would paint the blank stdscr
	   over the panes: nothing is ever drawn on stdscr, so say so. */
	untouchwin(stdscr);
	wint_t wc;
	int r = get_wch(&wc);
	if (r == ERR) {
		if (pending_signal) {
			ev->kind = UI_EVENT_SIGNAL;
			ev->signal = pending_signal;
		} else if (timeout_ms < 0 && errno != EINTR) {
			ev->kind = UI_EVENT_EOF; /* the terminal went away */
		}
		return;
	}
	if (r == KEY_CODE_YES) {
		if ((int)wc == KEY_MOUSE) {
			MEVENT me;
			if (getmouse(&me) != OK)
				return;
			ev->kind = UI_EVENT_MOUSE;
			ev->mouse_y = me.y;
			ev->mouse_x = me.x;
			ev->button = 1;
			if (me.bstate & BUTTON4_PRESSED)
				ev->mouse_kind = UI_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
			else if (me.bstate & BUTTON5_PRESSED)
				ev->mouse_kind = UI_MOUSE_WHEEL_DOWN;
#endif
			else if (me.bstate & BUTTON1_RELEASED)
				ev->mouse_kind = UI_MOUSE_RELEASE;
			else if (me.bstate & BUTTON1_PRESSED)
				ev->mouse_kind = UI_MOUSE_PRESS;
			else if (me.bstate & REPORT_MOUSE_POSITION)
				ev->mouse_kind = UI_MOUSE_DRAG;
			else
				ev->kind = UI_EVENT_NONE;
			return;
		}
		if ((int)wc == KEY_RESIZE) {
			ev->kind = UI_EVENT_RESIZE;
			return;
		}
		if ((int)wc == UI_KEY_PASTE_START) {
			read_paste(ui);
			ev->kind = UI_EVENT_PASTE;
			ev->text = ui->event_text.data ? ui->event_text.data : (char *)"";
			return;
		}
		int32_t k = translate_curses_key((int)wc);
		if (k < 0)
			return;
		ev->kind = UI_EVENT_KEY;
		ev->key = k;
		return;
	}
	ev->kind = UI_EVENT_KEY;
	ev->key = (int32_t)wc;
	/* With nonl, Enter is CR and Ctrl-J is LF: Ctrl-J stays itself (a
	   line break in a note; elsewhere the reader takes it as Enter). */
	if (wc == '\r')
		ev->key = GK_ENTER;
	else if (wc == '\n')
		ev->key = GK_CTRL('j');
	else if (wc == 8)
		ev->key = GK_BACKSPACE;
	else if (wc == 27) {
		/* Alt+key arrives as ESC key; ESC alone times out. */
		timeout(0);
		wint_t next;
		int r2 = get_wch(&next);
		if (r2 == OK && next == 'b')
			ev->key = GK_ALT_LEFT;
		else if (r2 == OK && next == 'f')
			ev->key = GK_ALT_RIGHT;
		else if (r2 == OK && (next == '\r' || next == '\n'))
			ev->key = GK_CTRL('j');   /* Alt-Enter: as Ctrl-J */
		else if (r2 != ERR)
			unget_wch((wchar_t)next);
	}
}

bool
ui_scripted(const struct ui *ui)
{
	return ui->script != NULL;
}

/* ------------------------------------------------------ dumps for tests */

static char
mask_char(attr_t attrs, short pair)
{
	for (int s = UI_HL1; s <= UI_OTHER5; s++) {
		if (s > UI_HL5 && s < UI_OTHER0)
			continue;
		if (style_attrs[s] == (attrs & ~A_CHARTEXT & ~A_COLOR) && style_pair[s] == pair &&
		    (pair != 0 || style_attrs[s] != A_NORMAL))
			return '^';
	}
	if (pair == style_pair[UI_SELECTION] && (attrs & ~A_COLOR) == style_attrs[UI_SELECTION])
		return 's';
	if (pair == style_pair[UI_SEARCH_CURRENT] && (attrs & ~A_COLOR) == style_attrs[UI_SEARCH_CURRENT])
		return '*';
	if (pair == style_pair[UI_SEARCH] && (attrs & ~A_COLOR) == style_attrs[UI_SEARCH])
		return '/';
	return ' ';
}

/* The initial of a colour (see ui.h), a 256-colour entry as the nearest
 * basic colour; ' ' for the default. */
static char
colour_char(short c)
{
	static const char basic[] = "krgybmcw";
	if (c < 0)
		return ' ';
	if (c < 16)
		return basic[c % 8];
	if (c >= 232)
		return c >= 244 ? 'w' : 'k';
	int v = c - 16, r = v / 36, g = (v / 6) % 6, b = v % 6;
	return basic[(r >= 2 ? 1 : 0) | (g >= 2 ? 2 : 0) | (b >= 2 ? 4 : 0)];
}

static char
cell_colour(short pair)
{
	short fg = -1, bg = -1;
	if (pair <= 0 || pair_content(pair, &fg, &bg) == ERR)
		return ' ';
	return bg >= 0 ? colour_char(bg) : colour_char(fg);
}

static void
dump_row(int y, struct buf *text, struct buf *mask, struct buf *colours)
{
	int cols = COLS;
	for (int x = 0; x < cols;) {
		cchar_t cc;
		if (mvwin_wch(curscr, y, x, &cc) != OK)
			break;
		wchar_t wcs[CCHARW_MAX + 1];
		attr_t attrs;
		short pair;
		if (getcchar(&cc, wcs, &attrs, &pair, NULL) == ERR)
			break;
		int w = wcs[0] ? wcwidth(wcs[0]) : 1;
		if (w < 1)
			w = 1;
		for (size_t i = 0; wcs[i]; i++) {
			char enc[4];
			buf_append(text, enc, u8_encode((int32_t)wcs[i], enc));
		}
		if (!wcs[0])
			buf_putc(text, ' ');
		char m = mask_char(attrs, pair);
		char k = cell_colour(pair);
		for (int i = 0; i < w; i++) {
			buf_putc(mask, m);
			buf_putc(colours, k);
		}
		x += w;
	}
	while (text->len && text->data[text->len - 1] == ' ')
		text->data[--text->len] = '\0';
	while (mask->len && mask->data[mask->len - 1] == ' ')
		mask->data[--mask->len] = '\0';
	while (colours->len && colours->data[colours->len - 1] == ' ')
		colours->data[--colours->len] = '\0';
}

enum gl_status
ui_save_screen(struct ui *ui, const char *path, unsigned what, struct gl_error *err)
{
	(void)ui;
	struct buf out = BUF_INIT, text = BUF_INIT, mask = BUF_INIT, colours = BUF_INIT;
	for (int y = 0; y < LINES; y++) {
		buf_clear(&text);
		buf_clear(&mask);
		buf_clear(&colours);
		dump_row(y, &text, &mask, &colours);
		buf_append(&out, text.data ? text.data : "", text.len);
		buf_putc(&out, '\n');
		if (what & UI_DUMP_ATTRS) {
			buf_append(&out, mask.data ? mask.data : "", mask.len);
			buf_putc(&out, '\n');
		}
		if (what & UI_DUMP_COLOURS) {
			buf_append(&out, colours.data ? colours.data : "", colours.len);
			buf_putc(&out, '\n');
		}
	}
	enum gl_status s = gl_write_file_atomic(path, out.data, out.len, 0644, err);
	buf_free(&out);
	buf_free(&text);
	buf_free(&mask);
	buf_free(&colours);
	return s;
}

bool
ui_screen_contains(struct ui *ui, const char *needle)
{
	(void)ui;
	struct buf text = BUF_INIT, mask = BUF_INIT, colours = BUF_INIT;
	bool found = false;
	for (int y = 0; y < LINES && !found; y++) {
		buf_clear(&text);
		dump_row(y, &text, &mask, &colours);
		found = text.data && strstr(text.data, needle);
	}
	buf_free(&text);
	buf_free(&mask);
	buf_free(&colours);
	return found;
}

void
ui_suspend(struct ui *ui)
{
	if (ui->headless)
		return;
	def_prog_mode();
	endwin();
	fputs("\033[?2004l", ui->out);   /* the editor gets plain pastes */
	fflush(ui->out);
}

void
ui_resume(struct ui *ui)
{
	if (ui->headless)
		return;
	fputs("\033[?2004h", ui->out);
	fflush(ui->out);
	reset_prog_mode();
	clearok(curscr, TRUE);
	doupdate();
}

void
ui_send_raw(struct ui *ui, const char *bytes, size_t n)
{
	if (ui->headless || !ui->out)
		return;
	fwrite(bytes, 1, n, ui->out);
	fflush(ui->out);
}
