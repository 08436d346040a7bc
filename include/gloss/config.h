/* config: the one parser of gloss's configuration syntax, used for the
 * user's file ($XDG_CONFIG_HOME/gloss/config) and for defaults compiled in.
 *
 * The syntax, line by line (UTF-8):
 *   # a comment                       (also after a value: " # ...")
 *   key = value                       a setting; spaces around = optional
 *   key = "value with # or spaces"    double quotes keep the text as is;
 *                                     \" and \\ inside them
 *   bind MODE KEY ACTION              a key binding (one word: no '=')
 * Blank lines are ignored.  Keys are lowercase words with '-'.
 *
 * Errors never stop gloss: each is reported as "FILE:LINE: message" and the
 * line is skipped. */
#ifndef GLOSS_CONFIG_H
#define GLOSS_CONFIG_H

#include "gloss/util.h"

#include <stddef.h>

/* One parsed line.  `words` is for directive lines (bind ...): words[0] is
 * the directive, value is NULL.  For settings, key and value are set and
 * nwords is 0.  All strings live until the callback returns. */
struct config_line {
	const char *file;
	size_t lineno;
	const char *key;
	const char *value;
	const char *words[8];
	size_t nwords;
};

/* Called for each setting or directive.  Returns NULL when the line was
 * taken, or a message (static or in `msgbuf`, 256 bytes) that the parser
 * reports as "FILE:LINE: message". */
typedef const char *(*config_handler)(const struct config_line *line,
				      void *ctx, char *msgbuf);

/* Parses text[0, n).  Every error is appended to `errors` as one line
 * "FILE:LINE: message\n" (terminal-safe).  Returns the number of errors. */
size_t config_parse(const char *text, size_t n, const char *file,
		    config_handler handler, void *ctx, struct buf *errors);

/* Reads and parses `path`.  A missing file is no error (returns 0); an
 * unreadable one is one error line. */
size_t config_parse_file(const char *path, config_handler handler, void *ctx,
			 struct buf *errors);

/* The path of the user's config file: $GLOSS_CONFIG, else
 * $XDG_CONFIG_HOME/gloss/config, else ~/.config/gloss/config.  Caller
 * frees. */
char *config_default_path(void);
/* The default store: $XDG_DATA_HOME/gloss/gloss.db, else
 * ~/.local/share/gloss/gloss.db.  Caller frees. */
char *config_default_store_path(void);
/* The login name, the author by default: LOGNAME, else USER, else the
 * password database ("unknown" when it has none).  Caller frees. */
char *config_login_name(void);

#endif
