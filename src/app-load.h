/* app-load.h: the reader's background load of a large article (part of
 * the app module; only app.c includes it).
 *
 * The reader shows the head of a large file at once (doc_load_head) and
 * meanwhile loads the whole of it here, on a second thread: doc_load
 * (read, decode, NFC, render, hash) and outline_build, which touch no
 * curses, no store and nothing of the reader's.  The reader then swaps the
 * whole document in (app.c, finish_loading).  Nothing else runs on the
 * thread, so the hand-off is the join in app_loader_finish. */
#ifndef GLOSS_APP_LOAD_H
#define GLOSS_APP_LOAD_H

#include "gloss/doc.h"
#include "gloss/outline.h"
#include "gloss/util.h"

#include <stdbool.h>

struct app_loader;

/* Starts loading opt->path (the options and the strings they point to
 * are copied; opt->progress is ignored, as the screen is curses's).
 * When no thread can be started, it loads before returning.  Never
 * NULL; finish it with app_loader_finish, which frees it.
 * GLOSS_LOAD_DELAY_MS=N (0 to 60000) makes the thread wait N ms before it
 * starts: the tests' way to act while a load is under way. */
struct app_loader *app_loader_start(const struct doc_load_options *opt);

/* True when the load is over (app_loader_finish will not wait).  Never
 * blocks. */
bool app_loader_ready(struct app_loader *l);

/* Waits for the load to end and frees the loader.  On GL_OK, *doc and
 * *outline are the whole article and its outline (the caller owns both);
 * otherwise both are NULL and err says what doc_load said. */
enum gl_status app_loader_finish(struct app_loader *l, struct doc **doc,
				 struct outline **outline, struct gl_error *err);

#endif
