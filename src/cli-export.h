/* cli-export.h: the `export` and `import` commands, part of the cli
 * module (cli.c lists them in its command table and calls these). */
#ifndef GLOSS_CLI_EXPORT_H
#define GLOSS_CLI_EXPORT_H

#include "gloss/cli.h"

#include <stdbool.h>

#define CLI_EXPORT_SYNOPSIS \
	"export [FILE...] [--format md|json|csv|html] [-o OUT] [--author A] " \
	"[--tag T] [--status open|resolved] [--since DATE] [--full] [--bom]"
#define CLI_IMPORT_SYNOPSIS "import FILE.json [--to FILE]... [--dry-run]"

/* Each runs its command: argv[0] is the command's name, the options and
 * operands follow (getopt_long style, in any order); json is --json.
 * Prints results on stdout and errors ("gloss: ...") on stderr; returns
 * the exit status.  They open (and close) the store themselves. */
int cli_export_command(const struct cli_context *ctx, bool json, int argc,
		       char **argv);
int cli_import_command(const struct cli_context *ctx, bool json, int argc,
		       char **argv);

/* Shared by the cli files: prints "gloss: MESSAGE" (terminal-safe) on
 * stderr and returns the exit status of `st` (of err->status). */
int cli_report(enum gl_status st, const char *message);
int cli_report_error(const struct gl_error *err);

#endif
