/* app-load: loading a large article on a second thread while the reader
 * shows its head (see app-load.h).  The thread only calls doc_load and
 * outline_build on its own copy of the options; the result is handed over
 * by pthread_join, so no lock is needed but for the `done` flag the
 * reader polls between keys. */
#include "config.h"

#include "app-load.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

struct app_loader {
	pthread_t thread;
	struct doc_load_options opt;   /* strings below are owned copies */
	char *path, *encoding;
	bool joinable;                 /* a thread was started */
	long delay_ms;                 /* GLOSS_LOAD_DELAY_MS (tests) */
	atomic_bool done;
	enum gl_status status;
	struct gl_error err;
	struct doc *doc;
	struct outline *outline;
};

static void *
load_main(void *arg)
{
	struct app_loader *l = arg;
#ifdef __linux__
	/* Background work: the reader's own thread and the terminal that
	   shows its first screen come first on a busy or small machine.
	   (Linux gives each thread a nice value of its own.) */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
	if (l->delay_ms > 0) {
		struct timespec ts = { l->delay_ms / 1000, (l->delay_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	l->status = doc_load(&l->opt, &l->doc, &l->err);
	if (l->status == GL_OK)
		l->outline = outline_build(l->doc);
	atomic_store(&l->done, true);
	return NULL;
}

struct app_loader *
app_loader_start(const struct doc_load_options *opt)
{
	struct app_loader *l = xcalloc(1, sizeof *l);
	l->opt = *opt;
	l->opt.progress = false;
	l->path = opt->path ? xstrdup(opt->path) : NULL;
	l->encoding = opt->encoding ? xstrdup(opt->encoding) : NULL;
	l->opt.path = l->path;
	l->opt.encoding = l->encoding;
	atomic_init(&l->done, false);
	const char *delay = getenv("GLOSS_LOAD_DELAY_MS");
	long ms;
	if (delay && gl_parse_long(delay, 0, 60000, &ms))
		l->delay_ms = ms;
	/* Signals (a resize, SIGTERM) must reach the reader's thread, which
	   waits for keys: the loading thread starts with all of them
	   blocked. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* No thread to be had: load now, as if the thread were over. */
	l->joinable = pthread_create(&l->thread, NULL, load_main, l) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!l->joinable)
		load_main(l);
	return l;
}

bool
app_loader_ready(struct app_loader *l)
{
	return atomic_load(&l->done);
}

enum gl_status
app_loader_finish(struct app_loader *l, struct doc **doc,
		  struct outline **outline, struct gl_error *err)
{
	if (l->joinable)
		pthread_join(l->thread, NULL);
	enum gl_status st = l->status;
	*doc = l->doc;
	*outline = l->outline;
	if (st != GL_OK && err)
		*err = l->err;
	free(l->path);
	free(l->encoding);
	free(l);
	return st;
}
