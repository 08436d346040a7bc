/* cli: the scripting commands (add, list, show, edit, rm, undo, redo,
 * reply, resolve, reopen, tags, docs, search, ...): arguments ->
 * store/anchor calls -> plain text or JSON on stdout.
 *
 * main resolves everything that is common (store location, author,
 * loading options, --json) and hands the command's own arguments here. */
#ifndef GLOSS_CLI_H
#define GLOSS_CLI_H

#include "gloss/doc.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stdio.h>

struct cli_context {
	const char *db_path;     /* resolved store location (never NULL) */
	bool db_path_explicit;   /* from --db, GLOSS_DB or the config file */
	const char *author;      /* resolved author name (never NULL) */
	bool json;               /* --json: print JSON instead of text */
	struct doc_load_options load; /* --format, --encoding, --binary */
};

/* True when `name` is a subcommand cli_main knows. */
bool cli_is_command(const char *name);
/* Runs the subcommand argv[0] with its arguments (getopt_long style,
 * options may follow operands).  Prints results on stdout and one-line
 * errors ("gloss: ...") on stderr; returns the exit status. */
int cli_main(const struct cli_context *ctx, int argc, char **argv);
/* One line per subcommand for `gloss --help`. */
void cli_print_usage(FILE *f);

#endif
