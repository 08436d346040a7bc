/* app: the reader's controller (see app.h).
 *
 * Sections: the document (open, store, annotations), arrangement of the
 * panes, drawing (panes, overlays, status line, prompt), jumps and marks,
 * search, prompts and the line editor, commands, keys and events, the
 * loop. */
#include "config.h"

#include "gloss/app.h"
#include "gloss/anchor.h"
#include "gloss/annotate.h"
#include "gloss/cli.h"
#include "gloss/config.h"
#include "gloss/export.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/pane.h"
#include "gloss/search.h"
#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/ui.h"
#include "gloss/util.h"
#include "app-load.h"
#include "app-thread.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The smallest screen the reader draws; below it, a notice. */
#define MIN_COLS 20
#define MIN_ROWS 6
/* Widths at which the side panes fit beside the text. */
#define WIDE_COLS 140
#define MEDIUM_COLS 90
/* Bytes of text searched or counted between two looks at the keyboard. */
#define WORK_BUDGET ((size_t)2 * 1024 * 1024)
/* A file over twice its head is shown from the head while the whole of it
 * loads on a second thread (app-load.c); meanwhile the loop looks for the
 * end of the load this often.  The head is what the first screen costs
 * (read, normalise, lay out: some 100 instructions a byte, half the work
 * before the first screen with the 32 KiB it was), so it is sized by the
 * terminal (load_sizes): a screen's bytes are at most about two a column
 * (CJK text: three bytes for two columns), the head is four screens
 * (16 KiB at least, 64 KiB at most), and scrolling into its last screen
 * (the margin) waits for the whole article, which is there long before a
 * reader gets that far but on the largest files (a 100 MB one takes two
 * or three seconds). */
#define LOAD_HEAD_MIN ((size_t)16 * 1024)
#define LOAD_HEAD_MAX ((size_t)64 * 1024)
#define LOAD_HEAD ((size_t)32 * 1024)   /* the tail shown for G meanwhile */
#define LOAD_POLL_MS 20
#define HISTORY_MAX 50

enum arrangement { ARR_WIDE, ARR_MEDIUM, ARR_NARROW, ARR_TOO_SMALL };
static const char *const arrangement_names[] = { "wide", "medium", "narrow", "too-small" };

enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_COMMAND, PROMPT_TAG, PROMPT_NOTE };
enum list_kind { LIST_NONE, LIST_HELP, LIST_DOCS, LIST_THREAD, LIST_MESSAGES };

/* How many of the last messages :messages shows. */
#define MESSAGES_KEPT 50

/* A line being typed: UTF-8 text with the cursor on a cluster boundary. */
struct lineedit {
	struct buf text;
	size_t cursor;
	struct buf killed;   /* what Ctrl-W, Ctrl-U, Ctrl-K took: Ctrl-Y puts it back */
	bool killing;        /* the last key killed: the next kill adds to it */
};

struct history {
	char *items[HISTORY_MAX];
	size_t n;
	size_t at;           /* browsing: n = the line being typed */
};

struct rect {
	int y, x, h, w;
};

struct app {
	const struct app_options *opt;
	struct ui *ui;
	struct store *store;
	const struct keymap *km;

	/* The document and what is made from it. */
	struct doc *doc;
	struct outline *outline;
	struct layout *layout;
	struct search *search;
	char *doc_id;                 /* in the store; NULL until known */
	/* A large article: `doc` is only its head (doc_load_head) while
	   `loader` loads the whole (finish_loading swaps it in).  Nothing is
	   matched with the store, attached or written while `partial`. */
	struct app_loader *loader;
	bool load_pending;            /* `loader` starts after the first screen */
	bool partial;
	size_t load_bytes;            /* the size of the file being loaded */
	/* While loading, `doc` may be the file's tail instead (G): where it
	   starts in the file. */
	bool partial_tail;
	size_t partial_base;
	bool seen_pending;            /* mark_seen's write is still to do */
	bool store_later;             /* the store is made after the first screen */
	struct store_annotation_list annots_raw;
	struct pane_annot *annots;
	size_t nannots, nopen;
	size_t *section_counts;

	struct pane_shared sh;
	struct pane panes[PANE_KIND_COUNT];
	struct rect rects[PANE_KIND_COUNT];
	bool shown[PANE_KIND_COUNT];
	enum pane_kind focus;

	/* Arrangement. */
	enum arrangement arr;
	int rows, cols;
	bool arrange_needed;
	bool show_outline, show_notes;   /* side panes wanted (wide, medium) */
	enum pane_kind side;             /* medium: the one side pane shown */
	enum pane_kind overlay;          /* narrow: the pane shown over the
					    text, PANE_TEXT for none */
	int outline_width, notes_width;  /* 0: automatic */
	char *login_name;                /* the author when opt->author is NULL */
	/* The status line's row: the top (the default) or the bottom.  At
	   the top, the panes reach the last row, so a line scrolled is the
	   terminal deleting the text's first row and writing its new last
	   one (some 14 bytes besides the text); a status line at the bottom
	   makes curses set a scroll region around the text, scroll it and
	   set it back (some 31), more than less's whole prompt line. */
	bool status_bottom;
	struct ui_win *sep[2];
	bool sep_shown[2];
	struct ui_win *status_win;
	struct ui_win *full_win;         /* help, docs, "too small" */
	struct buf status_drawn;
	bool status_dirty;

	/* Messages, shown in the status line until the next key. */
	char *message;
	bool message_error;

	/* Keys. */
	struct keymap_state kst;
	long count;
	bool counted;
	enum action pending_arg;

	/* Prompts. */
	enum prompt_kind prompt;
	struct lineedit le;
	struct history search_hist, cmd_hist;
	bool prompt_backward;            /* the search prompt is ? */
	size_t search_origin;            /* the top when the prompt opened */
	size_t search_from;              /* where its find starts (search_start) */
	char *last_query;                /* the last search accepted */
	bool last_backward;
	bool search_wrap;

	/* Search state: a find runs in steps (see search.h). */
	bool finding;
	long find_repeat;                /* matches still to skip (n with a count) */
	bool find_incremental;           /* from the prompt, as it is typed */
	bool find_record;                /* record a jump when found */
	bool find_backward;              /* the direction of this find */
	size_t find_from_top;            /* the top the find started from */
	bool find_wrapped;               /* this find went past an end */
	bool match_wrapped;              /* ... and found a->match there */
	bool counting;
	bool has_match;
	struct search_match match;

	/* Marks and the jump list (offsets into the text). */
	size_t marks[26];
	bool mark_set[26];
	size_t last_jump_from;
	bool has_last_jump;
	size_t *jumps;
	size_t njumps, jump_at, jumps_cap;

	/* Help and the document list. */
	enum list_kind list;
	char **list_lines;
	size_t list_n, list_scroll, list_chosen;
	/* The thread view (K): the annotation shown, its lines and replies. */
	char *thread_id;
	struct thread_lines thread;
	const struct store_annotation **thread_replies;
	int thread_width;
	struct store_document_list docs;
	bool list_dirty;

	/* Annotating (see "annotating" below). */
	int cur_style;                   /* Enter highlights in it (1..5) */
	bool next_private;               /* P on a selection */
	struct annotate_change draft;    /* what the tag or note prompt makes */
	struct annotate_change *unsaved; /* changes the store could not take */
	size_t nunsaved;
	char *prompt_hint;               /* beside a prompt (tag completions) */
	bool ctrl_x;                     /* Ctrl-X typed in the note prompt */
	char *filter_tag, *filter_author;
	bool osc52;                      /* y copies through OSC 52 */
	bool quit_warned;                /* told that changes are unsaved */

	bool quit;
	int exit_status;
	struct buf script_errors;

	/* Team review: the author's visit to this document before this one
	   (NULL: never, or no store), and how many of the annotations and
	   replies colleagues made since are there (the status line). */
	char *seen_before;
	size_t nnew;
	/* Annotations (by id) seen in this session: no longer new.  Sorted
	   (strcmp), for binary search. */
	char **seen_ids;
	size_t nseen_ids;
	/* The replies in annots_raw (indices) sorted by parent id, so that
	   a thread's replies are found by binary search (load_annotations). */
	size_t *replies_by_parent;
	size_t nreplies_by_parent;

	/* Notes typed in a note prompt that was cancelled (Ctrl-C, Esc),
	   by what they were for (draft_key): offered again when the note
	   prompt opens on the same thing.  Those left at the end go to a
	   drafts file, read back when the article is opened again
	   (offer_kept_drafts). */
	struct note_draft {
		char *key;
		char *text;
		char *about;         /* what it is for, in words (recovery file) */
		char *quote;         /* a new note's: the text it is on */
		char *document;      /* the store's document, when known */
		char *doc_hash;      /* the article it was made or read on */
		char *file;          /* read from this drafts file (else NULL), */
		char *file_key;      /* as this key, */
		char *file_text;     /* with this text */
		bool stray;          /* read back, but not placed on this text */
	} *note_drafts;
	size_t nnote_drafts;
	char *prompt_draft_key;          /* the open note prompt's */
	/* The drafts file entry of the draft whose note is being saved:
	   removed from its file once the note is saved (forget_pending). */
	struct note_draft pending_forget;
	size_t drafts_next;              /* :drafts restores this one next */
	bool annotations_later;          /* read after the first screen */
	bool drawn_once;                 /* the first screen is drawn */
	size_t load_margin;              /* see load_sizes */
	bool drafts_checked;             /* the open article's kept drafts
					    were looked for */
	/* What the annotation a note prompt edits or replies to stood on
	   when it opened (remember_target), so that what is typed there
	   survives its deletion meanwhile (rescue_typed). */
	struct prompt_target {
		char *id;            /* the annotation edited or replied to */
		bool known;          /* it (or its thread) was found */
		bool placed;         /* on this text: start_cp..end_cp */
		bool page;           /* a page note */
		long long start_cp, end_cp;
		char *quote;         /* its text (NULL for a page note) */
		char *author;        /* of the annotation edited or replied to */
		bool reply;          /* that annotation is a reply */
		bool is_private;     /* and private */
		char *parent;        /* a reply's parent (NULL for a note) */
		char *parent_author;
		bool parent_reply;   /* the parent is a reply itself */
	} target;

	/* The last messages, oldest first from msg_first (a ring), for
	   :messages: a long one is cut on the status line. */
	char *msg_history[MESSAGES_KEPT];
	size_t msg_first, nmsg;

	/* :reanchor without a selection: the annotation that goes where the
	   next selection is (its id). */
	char *reanchor_id;
};

static void draw(struct app *a);
static void app_seen(void *ctx, size_t i);
static size_t current_annot(const struct app *a);
static void keep_draft(struct app *a);
static void forget_pending(struct app *a);
static bool rescue_typed(struct app *a, const struct annotate_change *c,
			 const struct gl_error *why);
static const struct store_annotation *raw_annotation(const struct app *a, const char *id);
static void remember_target(struct app *a);
static void forget_target(struct app *a);
static size_t cp_len(const char *s, size_t n);
static size_t clusters_in(const char *s, size_t n);
static void text_object(struct app *a, bool around, int32_t key);
static void accept_annot_prompt(struct app *a);
static void complete_tag(struct app *a);
static void edit_in_editor(struct app *a);
static bool annotate_command(struct app *a, const char *cmd, char *args);
static bool warn_unsaved(struct app *a);
static void run_command(struct app *a, const char *line);
static void handle_key(struct app *a, int32_t key);
static void handle_paste(struct app *a, const struct ui_event *ev);
static void mouse_command(struct app *a, const char *args);

/* ------------------------------------------------------------ messages */

static GL_PRINTF(3, 4) void
say(struct app *a, bool error, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(a->message);
	a->message = buf_steal(&b, NULL);
	a->message_error = error;
	a->status_dirty = true;
	size_t last = (a->msg_first + a->nmsg + MESSAGES_KEPT - 1) % MESSAGES_KEPT;
	if (a->nmsg && strcmp(a->msg_history[last], a->message) == 0)
		return;   /* said again: once is enough */
	if (a->nmsg == MESSAGES_KEPT) {
		free(a->msg_history[a->msg_first]);
		a->msg_first = (a->msg_first + 1) % MESSAGES_KEPT;
		a->nmsg--;
	}
	a->msg_history[(a->msg_first + a->nmsg++) % MESSAGES_KEPT] = xstrdup(a->message);
}

static void
clear_message(struct app *a)
{
	if (a->message) {
		free(a->message);
		a->message = NULL;
		a->status_dirty = true;
	}
}

static void
script_error(struct app *a, const char *fmt, ...) GL_PRINTF(2, 3);

static void
script_error(struct app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&a->script_errors, fmt, ap);
	va_end(ap);
	buf_putc(&a->script_errors, '\n');
}

/* Callbacks for the panes. */
static void app_jump(void *ctx, size_t offset, bool record);

static void
app_message(void *ctx, bool error, const char *text)
{
	say(ctx, error, "%s", text);
}

static void set_overlay(struct app *a, enum pane_kind k);

static void
app_close_overlay(void *ctx)
{
	struct app *a = ctx;
	if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT)
		set_overlay(a, PANE_TEXT);
}

/* ----------------------------------------------------------- panes */

static struct pane *
text_pane(struct app *a)
{
	return &a->panes[PANE_TEXT];
}

static void
all_dirty(struct app *a)
{
	for (int k = 0; k < PANE_KIND_COUNT; k++) {
		a->panes[k].dirty = true;
		if (a->panes[k].win)
			ui_win_touch(a->panes[k].win);
	}
	a->status_dirty = true;
	a->list_dirty = true;
}

static void
set_focus(struct app *a, enum pane_kind k)
{
	if (a->focus == k)
		return;
	a->panes[a->focus].focused = false;
	a->panes[a->focus].dirty = true;
	a->focus = k;
	a->panes[k].focused = true;
	a->panes[k].dirty = true;
	a->status_dirty = true;
	memset(&a->kst, 0, sizeof a->kst);
	/* The note the notes pane shows chosen is read now. */
	if (k == PANE_NOTES && a->sh.notes_chosen != (size_t)-1)
		app_seen(a, a->sh.notes_chosen);
}

/* ------------------------------------------------------- the document */

/* The store's one rule (a colour name too: green is 2, as exports draw
 * it); none or a style stored before it was checked is the first. */
static int
style_number(const char *style)
{
	int n = store_style_number(style);
	return n ? n : 1;
}

static int
annot_order(const void *x, const void *y)
{
	const struct pane_annot *p = x, *q = y;
	int rp = p->a->exact ? (p->placed ? 1 : 2) : 0;
	int rq = q->a->exact ? (q->placed ? 1 : 2) : 0;
	if (rp != rq)
		return rp < rq ? -1 : 1;
	if (rp == 1 && p->start != q->start)
		return p->start < q->start ? -1 : 1;
	if (p->a->start != q->a->start)
		return p->a->start < q->a->start ? -1 : 1;
	return strcmp(p->a->created ? p->a->created : "", q->a->created ? q->a->created : "");
}

static void
free_annotations(struct app *a)
{
	store_annotation_list_free(&a->annots_raw);
	memset(&a->annots_raw, 0, sizeof a->annots_raw);
	free(a->annots);
	free(a->section_counts);
	a->annots = NULL;
	a->section_counts = NULL;
	a->nannots = a->nopen = 0;
	a->sh.annots = NULL;
	a->sh.nannots = 0;
	a->sh.section_counts = NULL;
	pane_annot_index_free(&a->sh.annot_index);
	free(a->replies_by_parent);
	a->replies_by_parent = NULL;
	a->nreplies_by_parent = 0;
}

/* Where id is or would go in the sorted seen_ids. */
static size_t
seen_position(const struct app *a, const char *id, bool *found)
{
	size_t lo = 0, hi = a->nseen_ids;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->seen_ids[mid], id);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
seen_in_session(const struct app *a, const char *id)
{
	bool found;
	seen_position(a, id, &found);
	return found;
}

static void
add_seen(struct app *a, const char *id)
{
	bool found;
	size_t at = seen_position(a, id, &found);
	if (found)
		return;
	a->seen_ids = xreallocarray(a->seen_ids, a->nseen_ids + 1, sizeof *a->seen_ids);
	memmove(a->seen_ids + at + 1, a->seen_ids + at, (a->nseen_ids - at) * sizeof *a->seen_ids);
	a->seen_ids[at] = xstrdup(id);
	a->nseen_ids++;
}

/* The annots_raw items replying to `parent`: [*from, return) of
 * replies_by_parent. */
static size_t
replies_of(const struct app *a, const char *parent, size_t *from)
{
	size_t lo = 0, hi = a->nreplies_by_parent;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(a->annots_raw.items[a->replies_by_parent[mid]].parent, parent) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	while (hi < a->nreplies_by_parent &&
	       strcmp(a->annots_raw.items[a->replies_by_parent[hi]].parent, parent) == 0)
		hi++;
	return hi;
}

/* True when a colleague made `sa` since the author's last visit (any of
 * theirs on a first visit). */
static bool
made_since_visit(const struct app *a, const struct store_annotation *sa)
{
	return a->store && strcmp(sa->author, store_author(a->store)) != 0 &&
	       (!a->seen_before || strcmp(sa->created ? sa->created : "", a->seen_before) > 0);
}

/* Counts what is new (the status line): the annotations and replies
 * colleagues made since the author's last visit that were not seen in
 * this session. */
static void
count_new(struct app *a)
{
	a->nnew = 0;
	for (size_t i = 0; i < a->nannots; i++)
		a->nnew += (a->annots[i].is_new ? 1 : 0) + a->annots[i].new_replies;
	a->status_dirty = true;
}

/* The reader has seen annotation i (the panes' callback): it and its
 * replies are no longer new. */
static void
app_seen(void *ctx, size_t i)
{
	struct app *a = ctx;
	if (i >= a->nannots || (!a->annots[i].is_new && !a->annots[i].new_replies))
		return;
	a->nnew -= (a->annots[i].is_new ? 1 : 0) + a->annots[i].new_replies;
	a->status_dirty = true;
	a->annots[i].is_new = false;
	a->annots[i].new_replies = 0;
	const char *root = a->annots[i].a->id;
	add_seen(a, root);
	size_t r, end = replies_of(a, root, &r);
	for (; r < end; r++)
		add_seen(a, a->annots_raw.items[a->replies_by_parent[r]].id);
	for (int k = 0; k < PANE_KIND_COUNT; k++)
		a->panes[k].dirty = true;
}

static void
forget_seen(struct app *a)
{
	for (size_t i = 0; i < a->nseen_ids; i++)
		free(a->seen_ids[i]);
	free(a->seen_ids);
	a->seen_ids = NULL;
	a->nseen_ids = 0;
}

/* qsort has no context argument in C11: the items being sorted. */
static const struct store_annotation *replies_sorting;

static int
reply_order(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(replies_sorting[i].parent, replies_sorting[j].parent);
	return c ? c : (i < j ? -1 : i > j);
}

/* No annotations yet: what drawing needs (a count per section) to
 * show none. */
static void
clear_annotations(struct app *a)
{
	free_annotations(a);
	size_t nsec = outline_count(a->outline);
	a->section_counts = xcalloc(nsec ? nsec : 1, sizeof *a->section_counts);
	a->sh.section_counts = a->section_counts;
}

/* Reads this document's annotations from the store. */
static void
load_annotations(struct app *a)
{
	clear_annotations(a);
	if (!a->store || !a->doc_id)
		return;
	struct store_filter f = { .document = a->doc_id };
	struct gl_error err;
	if (store_annotations_list(a->store, &f, &a->annots_raw, &err) != GL_OK) {
		say(a, true, "cannot read the notes: %s", err.message);
		return;
	}
	const char *hash = doc_hash(a->doc);
	size_t len_cp = doc_length_cp(a->doc);
	a->annots = xcalloc(a->annots_raw.count ? a->annots_raw.count : 1, sizeof *a->annots);
	for (size_t i = 0; i < a->annots_raw.count; i++) {
		const struct store_annotation *sa = &a->annots_raw.items[i];
		if (sa->parent)
			continue;
		struct pane_annot *pa = &a->annots[a->nannots++];
		pa->a = sa;
		pa->style = style_number(sa->style);
		pa->section = (size_t)-1;
		pa->mine = !a->store || strcmp(sa->author, store_author(a->store)) == 0;
		pa->is_new = made_since_visit(a, sa) && !seen_in_session(a, sa->id);
		pa->placed = sa->start >= 0 && sa->end >= sa->start && sa->version &&
			     strcmp(sa->version, hash) == 0 && sa->anchor != STORE_ANCHOR_ORPHAN &&
			     (size_t)sa->end <= len_cp;
		if (pa->placed) {
			pa->start = doc_cp_to_byte(a->doc, (size_t)sa->start);
			pa->end = doc_cp_to_byte(a->doc, (size_t)sa->end);
			pa->section = outline_section_at(a->outline, pa->start);
			if (pa->section != (size_t)-1 && (pa->mine || !a->sh.hide_others))
				a->section_counts[pa->section]++;
		}
		if (sa->status == STORE_STATUS_OPEN)
			a->nopen++;
	}
	/* Replies by parent id: each thread's are found by binary search,
	   not by a pass over every annotation per reply. */
	a->replies_by_parent = xreallocarray(NULL, a->annots_raw.count - a->nannots + 1,
					     sizeof *a->replies_by_parent);
	for (size_t i = 0; i < a->annots_raw.count; i++)
		if (a->annots_raw.items[i].parent)
			a->replies_by_parent[a->nreplies_by_parent++] = i;
	replies_sorting = a->annots_raw.items;
	qsort(a->replies_by_parent, a->nreplies_by_parent, sizeof *a->replies_by_parent,
	      reply_order);
	replies_sorting = NULL;
	/* A thread's replies, replies to replies too (Hypothesis and gloss
	   reply allow them): a stack of the ids whose replies are still
	   to count. */
	const char **pending = xreallocarray(NULL, a->nreplies_by_parent + 1, sizeof *pending);
	for (size_t k = 0; k < a->nannots; k++) {
		size_t npending = 0;
		pending[npending++] = a->annots[k].a->id;
		while (npending) {
			size_t r, end = replies_of(a, pending[--npending], &r);
			for (; r < end; r++) {
				const struct store_annotation *sa = &a->annots_raw.items[a->replies_by_parent[r]];
				a->annots[k].replies++;
				if (made_since_visit(a, sa) && !seen_in_session(a, sa->id))
					a->annots[k].new_replies++;
				if (npending < a->nreplies_by_parent)   /* no loops: a guard */
					pending[npending++] = sa->id;
			}
		}
	}
	free(pending);
	qsort(a->annots, a->nannots, sizeof *a->annots, annot_order);
	a->sh.annots = a->annots;
	a->sh.nannots = a->nannots;
	a->sh.annots_generation++;
	pane_annot_index_build(&a->sh.annot_index, a->annots, a->nannots);
	count_new(a);
}

/* Remembers the author's last visit to the open document (what is new is
 * what came after it) and records this one, once the screen is drawn
 * (record_seen): the write waits for the disk (synchronous=FULL), which
 * the first screen need not. */
static void
mark_seen(struct app *a)
{
	free(a->seen_before);
	a->seen_before = NULL;
	a->seen_pending = false;
	if (!a->store || !a->doc_id)
		return;
	if (store_seen_get(a->store, a->doc_id, &a->seen_before, NULL) != GL_OK)
		a->seen_before = NULL;
	a->seen_pending = !store_is_readonly(a->store);
}

/* The write mark_seen left for after the drawing. */
static void
record_seen(struct app *a)
{
	if (!a->seen_pending)
		return;
	a->seen_pending = false;
	if (a->store && a->doc_id && !store_is_readonly(a->store))
		store_seen_mark(a->store, a->doc_id, NULL);
}

/* Live updates: when another process (a colleague) changed the store,
 * reads the annotations again and redraws, keeping the reading position,
 * the cursor and the selection (the text pane is not reloaded).  Called
 * while idle (the loop wakes every LIVE_POLL_MS) and by :wait-for.  True
 * when something changed. */
#define LIVE_POLL_MS 500
static void identify_document(struct app *a);
static void build_thread(struct app *a);
static bool
refresh_from_store(struct app *a)
{
	if (!a->store || !a->doc || !store_changed_elsewhere(a->store))
		return false;
	if (!a->doc_id) {
		identify_document(a);
		if (a->doc_id)
			mark_seen(a);
	}
	load_annotations(a);
	a->panes[PANE_NOTES].ops->reload(&a->panes[PANE_NOTES]);
	if (a->list == LIST_THREAD)
		build_thread(a);   /* a colleague's reply shows at once */
	all_dirty(a);
	return true;
}

/* The store's document for the open text, found as the command line finds
 * it (cli_attach_document): by its hash, else an edited article by its
 * path or URL, whose annotations are then re-anchored on the text of
 * today.  With `create`, an article the store has never seen is recorded
 * (to keep the reading position).  True when the document is known. */
static bool
attach_document(struct app *a, bool create)
{
	if (a->doc_id)
		return true;
	if (!a->store || !a->doc || a->partial)
		return false;
	if (create && store_is_readonly(a->store))
		return false;
	struct cli_document cd = { 0 };
	struct gl_error err;
	if (cli_attach_document(a->store, a->doc, create, &cd, &err) != GL_OK) {
		say(a, true, "%s", err.message);
		return false;
	}
	if (cd.id) {
		a->doc_id = cd.id;
		cd.id = NULL;
		if (cd.new_version && cd.reanchored)
			say(a, false, "the article changed: %zu annotation%s moved, %zu orphaned",
			    cd.reanchored - cd.orphans, cd.reanchored - cd.orphans == 1 ? "" : "s",
			    cd.orphans);
	}
	cli_document_clear(&cd);
	return a->doc_id != NULL;
}

static void
identify_document(struct app *a)
{
	free(a->doc_id);
	a->doc_id = NULL;
	attach_document(a, false);
}

/* Records the document in the store if it is not there yet (to keep the
 * reading position); true when it is there. */
static bool
ensure_document(struct app *a)
{
	return attach_document(a, true);
}

static void
save_position(struct app *a)
{
	if (!a->doc || !a->store || store_is_readonly(a->store) || !ensure_document(a))
		return;
	long long cp = (long long)doc_byte_to_cp(a->doc, a->sh.top);
	store_position_set(a->store, a->doc_id, cp, NULL);
}

static void
restore_position(struct app *a)
{
	long long cp;
	if (!a->store || !a->doc_id ||
	    store_position_get(a->store, a->doc_id, &cp, NULL) != GL_OK || cp <= 0)
		return;
	size_t off = doc_cp_to_byte(a->doc, (size_t)cp);
	text_pane(a)->ops->select(text_pane(a), off);
}

static void
reset_reading_state(struct app *a)
{
	memset(a->mark_set, 0, sizeof a->mark_set);
	a->njumps = a->jump_at = 0;
	a->has_last_jump = false;
	a->has_match = false;
	a->sh.has_current_match = false;
	a->finding = a->counting = false;
	free(a->last_query);
	a->last_query = NULL;
}

static void finish_loading(struct app *a);

static void
close_document(struct app *a)
{
	/* The whole article first: the reading position is kept on it. */
	finish_loading(a);
	if (!a->doc)
		return;
	save_position(a);
	/* What colleagues did while it was open was shown: seen now. */
	if (a->store && a->doc_id && !store_is_readonly(a->store))
		store_seen_mark(a->store, a->doc_id, NULL);
	free_annotations(a);
	search_free(a->search);
	layout_free(a->layout);
	outline_free(a->outline);
	doc_free(a->doc);
	free(a->doc_id);
	free(a->seen_before);
	a->seen_before = NULL;
	forget_seen(a);
	free(a->reanchor_id);
	a->reanchor_id = NULL;
	a->search = NULL;
	a->layout = NULL;
	a->outline = NULL;
	a->doc = NULL;
	a->doc_id = NULL;
	a->partial = false;
}

/* Makes d the open document, with its outline o (taking both); `id` is
 * its store document when known. */
static void
open_built_document(struct app *a, struct doc *d, struct outline *o, const char *id)
{
	close_document(a);
	a->doc = d;
	a->outline = o;
	a->layout = layout_new(d, a->outline, 80);
	a->search = search_new(d);
	if (id)
		a->doc_id = xstrdup(id);
	else
		identify_document(a);
	a->sh.doc = a->doc;
	a->sh.outline = a->outline;
	a->sh.layout = a->layout;
	a->sh.search = a->search;
	a->sh.top = a->sh.bottom = 0;
	reset_reading_state(a);
	a->drafts_checked = false;
	mark_seen(a);
	/* At start the annotations are read right after the first screen
	   (load_annotations_later): their query was a fifth of the work
	   before it, with a store that knows the article.  Tests' scripts
	   see them before the first screen, as they see the whole article. */
	a->annotations_later = !a->drawn_once && a->doc_id && !ui_scripted(a->ui);
	if (a->annotations_later)
		clear_annotations(a);
	else
		load_annotations(a);
	for (int k = 0; k < PANE_KIND_COUNT; k++)
		a->panes[k].ops->reload(&a->panes[k]);
	restore_position(a);
	all_dirty(a);
}

/* The annotations open_built_document left for after the first screen,
 * read as a colleague's are (refresh_from_store): the text pane keeps its
 * place.  True when there were any to draw. */
static bool
load_annotations_later(struct app *a)
{
	if (!a->annotations_later)
		return false;
	a->annotations_later = false;
	load_annotations(a);
	if (a->annots_raw.count == 0)
		return false;
	a->panes[PANE_NOTES].ops->reload(&a->panes[PANE_NOTES]);
	all_dirty(a);
	return true;
}

/* Makes d the open document (taking it); `id` is its store document
 * when known. */
static void
open_document(struct app *a, struct doc *d, const char *id)
{
	open_built_document(a, d, outline_build(d), id);
}

/* The head of a large article (returned) and the margin at its end
 * (a->load_margin) for the terminal the first screen is drawn on. */
static size_t
load_sizes(struct app *a)
{
	int rows = 24, cols = 80;
	if (!a->opt->headless)
		ui_terminal_size(&rows, &cols);
	size_t screen = (size_t)rows * (size_t)cols * 2;
	size_t head = 4 * screen;
	head = head < LOAD_HEAD_MIN ? LOAD_HEAD_MIN : head > LOAD_HEAD_MAX ? LOAD_HEAD_MAX : head;
	a->load_margin = screen < head / 4 ? screen : head / 4;
	return head;
}

/* Shows the head of a large article (taking it); the whole of it is
 * loaded on a thread started once the head is drawn (load_pending), so
 * that the first screen does not share the processor with it.
 * finish_loading swaps it in. */
static void
open_head(struct app *a, struct doc *head)
{
	struct stat st;
	a->load_bytes = stat(a->opt->load.path, &st) == 0 ? (size_t)st.st_size : 0;
	a->partial = true;
	a->partial_tail = false;
	a->partial_base = 0;
	open_document(a, head, NULL);
	a->load_pending = true;
}

/* G while the whole article loads: shows the file's tail instead of its
 * head (nothing of the store: it is as partial as the head), so the end
 * is drawn at once.  False when the file has no tail that can stand for
 * it (then G waits for the whole). */
static bool
show_tail(struct app *a)
{
	if (a->partial_tail)
		return true;
	struct doc *d = doc_load_tail(&a->opt->load, LOAD_HEAD);
	if (!d)
		return false;
	search_free(a->search);
	layout_free(a->layout);
	outline_free(a->outline);
	doc_free(a->doc);
	a->doc = d;
	a->outline = outline_build(d);
	a->layout = layout_new(d, a->outline, 80);
	a->search = search_new(d);
	a->sh.doc = a->doc;
	a->sh.outline = a->outline;
	a->sh.layout = a->layout;
	a->sh.search = a->search;
	a->sh.top = a->sh.bottom = 0;
	a->sh.cursor = 0;
	a->sh.cursor_shown = false;
	a->partial_tail = true;
	size_t part = doc_info(d)->source_bytes;
	a->partial_base = a->load_bytes > part ? a->load_bytes - part : 0;
	load_annotations(a);   /* none: only sizes the outline's counts */
	for (int k = 0; k < PANE_KIND_COUNT; k++)
		a->panes[k].ops->reload(&a->panes[k]);
	all_dirty(a);
	return true;
}

/* Swaps the whole article in for its head, waiting for the load if it is
 * not over, and keeps the reader where they were: the head's text is the
 * start of the whole text (checked; else the place is carried over by
 * code points).  Then the store is matched, annotations drawn and a kept
 * reading position restored, unless the reader has moved meanwhile.  If
 * the load failed, the head (or tail) stays, with the error said, and
 * nothing can be written on it (need_document).  A tail (show_tail) is
 * the end of the whole text when checked so, else the reader is put at
 * the end. */
static void
finish_loading(struct app *a)
{
	struct app_loader *l = a->loader;
	if (!l)
		return;
	a->loader = NULL;
	struct doc *d;
	struct outline *o;
	struct gl_error err;
	if (app_loader_finish(l, &d, &o, &err) != GL_OK) {
		say(a, true, "%s (only part of the article is shown)", err.message);
		a->status_dirty = true;
		return;
	}
	size_t part_len, len;
	const char *part = doc_text(a->doc, &part_len);
	const char *text = doc_text(d, &len);
	bool tail = a->partial_tail;
	/* Where the part's text is in the whole one, if it is there. */
	size_t shift = tail ? len - (part_len <= len ? part_len : len) : 0;
	bool same = part_len <= len && memcmp(part, text + shift, part_len) == 0;
	size_t top = a->sh.top, cursor = a->sh.cursor;
	bool moved = top != 0 || a->sh.cursor_shown || tail;
	if (!same && !tail) {
		top = doc_byte_to_cp(a->doc, top);
		cursor = doc_byte_to_cp(a->doc, cursor);
	}
	bool cursor_shown = a->sh.cursor_shown;
	/* Close the head while it is still marked partial: closing saves the
	   reading position, and a head taken for the whole would be recorded
	   in the store as a version of its own (an "edited" article), moving
	   every annotation past it to the orphans. */
	close_document(a);
	a->partial = false;
	a->partial_tail = false;
	a->partial_base = 0;
	open_built_document(a, d, o, NULL);
	if (!moved)
		return;
	if (same) {
		top += shift;
		cursor += shift;
	} else if (tail) {
		top = cursor = len;    /* the end, where G went */
		cursor_shown = false;
	} else {
		top = doc_cp_to_byte(d, top);
		cursor = doc_cp_to_byte(d, cursor);
	}
	text_pane(a)->ops->select(text_pane(a), top);
	a->sh.cursor = cursor;
	a->sh.cursor_shown = cursor_shown;
}

/* Waits for the load to end and drops what it made: the reader is
 * leaving. */
static void
abandon_loading(struct app *a)
{
	if (!a->loader)
		return;
	struct doc *d;
	struct outline *o;
	app_loader_finish(a->loader, &d, &o, NULL);
	a->loader = NULL;
	outline_free(o);
	doc_free(d);
}

/* While the whole article loads, scrolling through the head needs
 * nothing more; every other key (a jump, a search, a selection, a
 * command...), the mouse, and scrolling near the head's end wait for it. */
static bool
may_wait_for_load(struct app *a, const struct ui_event *ev)
{
	/* A signal ends the program: the load is dropped (abandon_loading). */
	if (ev->kind == UI_EVENT_NONE || ev->kind == UI_EVENT_RESIZE ||
	    ev->kind == UI_EVENT_SIGNAL || (ev->kind == UI_EVENT_KEY && ev->key == GK_RESIZE))
		return true;
	if (ev->kind != UI_EVENT_KEY || a->prompt || a->list || a->focus != PANE_TEXT ||
	    a->sh.selecting || a->pending_arg != ACTION_NONE || a->counted)
		return false;
	struct keymap_state st = a->kst;
	enum action act = keymap_feed(a->km, a->panes[a->focus].ops->mode, &st, ev->key);
	if (act == ACTION_BOTTOM)
		return show_tail(a);
	/* Near the part's edge that the rest of the article is beyond. */
	if (a->partial_tail ? a->sh.top < a->load_margin
			    : doc_length(a->doc) - a->sh.bottom < a->load_margin)
		return false;
	switch (act) {
	case ACTION_LINE_DOWN:
	case ACTION_LINE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_HALF_PAGE_DOWN:
	case ACTION_HALF_PAGE_UP:
	case ACTION_REDRAW:
		return true;
	default:
		return false;
	}
}

static bool
open_path(struct app *a, const char *path)
{
	struct doc_load_options lo = a->opt->load;
	lo.path = path;
	/* A progress line on stderr would write over the screen. */
	lo.progress = false;
	if (lo.format != DOC_FORMAT_AUTO && strcmp(path, a->opt->load.path ? a->opt->load.path : "") != 0)
		lo.format = DOC_FORMAT_AUTO;
	struct doc *d;
	struct gl_error err;
	if (doc_load(&lo, &d, &err) != GL_OK) {
		say(a, true, "%s", err.message);
		return false;
	}
	open_document(a, d, NULL);
	return true;
}

/* ------------------------------------------------------------- arrangement */

static int
clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
place(struct app *a, struct ui_win **w, int y, int x, int h, int wd)
{
	if (!*w)
		*w = ui_win_new(a->ui, y, x, h, wd);
	else
		ui_win_place(*w, y, x, h, wd);
	ui_win_erase(*w);
}

static void
place_pane(struct app *a, enum pane_kind k, int y, int x, int h, int w)
{
	struct pane *p = &a->panes[k];
	place(a, &p->win, y, x, h, w);
	p->h = h;
	p->w = w;
	p->dirty = true;
	a->rects[k] = (struct rect){ y, x, h, w };
	a->shown[k] = true;
}

/* The panes' (and lists') first row: under the status line, or the top
 * when it is at the bottom. */
static int
body_y(const struct app *a)
{
	return a->status_bottom ? 0 : 1;
}

static void
arrange(struct app *a)
{
	a->arrange_needed = false;
	ui_size(a->ui, &a->rows, &a->cols);
	int rows = a->rows, cols = a->cols;
	for (int k = 0; k < PANE_KIND_COUNT; k++) {
		a->shown[k] = false;
		a->rects[k] = (struct rect){ 0, 0, 0, 0 };
	}
	a->sep_shown[0] = a->sep_shown[1] = false;
	all_dirty(a);
	if (a->full_win)
		place(a, &a->full_win, 0, 0, rows > 0 ? rows : 1, cols > 0 ? cols : 1);
	if (cols < MIN_COLS || rows < MIN_ROWS) {
		a->arr = ARR_TOO_SMALL;
		return;
	}
	a->arr = cols >= WIDE_COLS ? ARR_WIDE : cols >= MEDIUM_COLS ? ARR_MEDIUM : ARR_NARROW;
	int body = rows - 1;
	place(a, &a->status_win, a->status_bottom ? rows - 1 : 0, 0, 1, cols);
	int y = body_y(a);
	bool left = false, right = false;
	if (a->arr == ARR_WIDE) {
		left = a->show_outline;
		right = a->show_notes;
	} else if (a->arr == ARR_MEDIUM) {
		enum pane_kind side = a->show_outline && a->show_notes ? a->side
				      : a->show_outline ? PANE_OUTLINE
				      : a->show_notes ? PANE_NOTES : PANE_TEXT;
		left = side == PANE_OUTLINE;
		right = side == PANE_NOTES;
	}
	int ow = a->outline_width ? a->outline_width : clamp_int(cols * 22 / 100, 24, 36);
	int nw = a->notes_width ? a->notes_width : clamp_int(cols / 4, 28, 44);
	/* The text keeps at least half of the width. */
	if (ow > cols / 4 && a->arr == ARR_WIDE && left && right)
		ow = clamp_int(ow, 10, cols / 4);
	if (nw > cols / 4 && a->arr == ARR_WIDE && left && right)
		nw = clamp_int(nw, 10, cols / 4);
	if (a->arr == ARR_MEDIUM) {
		ow = clamp_int(ow, 10, cols / 3);
		nw = clamp_int(nw, 10, cols / 3);
	}
	int x = 0;
	if (left) {
		place_pane(a, PANE_OUTLINE, y, 0, body, ow);
		place(a, &a->sep[0], y, ow, body, 1);
		a->sep_shown[0] = true;
		x = ow + 1;
	}
	int tw = cols - x - (right ? nw + 1 : 0);
	place_pane(a, PANE_TEXT, y, x, body, tw);
	if (right) {
		place(a, &a->sep[1], y, x + tw, body, 1);
		a->sep_shown[1] = true;
		place_pane(a, PANE_NOTES, y, x + tw + 1, body, nw);
	}
	if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT)
		place_pane(a, a->overlay, y, 0, body, cols);
	if (!a->shown[a->focus])
		set_focus(a, PANE_TEXT);
	else if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT && a->focus != a->overlay)
		set_focus(a, a->overlay);
}

static void
set_overlay(struct app *a, enum pane_kind k)
{
	a->overlay = k;
	a->arrange_needed = true;
	set_focus(a, k == PANE_TEXT ? PANE_TEXT : k);
}

/* F2 / F3: show or hide a side pane; shown, it takes the focus.  On a
 * medium screen only one side pane fits, so showing one hides the
 * other. */
static void
toggle_pane(struct app *a, enum pane_kind k)
{
	if (a->arr == ARR_NARROW || a->arr == ARR_TOO_SMALL) {
		set_overlay(a, a->overlay == k ? PANE_TEXT : k);
		return;
	}
	bool *want = k == PANE_OUTLINE ? &a->show_outline : &a->show_notes;
	if (a->shown[k]) {
		*want = false;
		a->side = k == PANE_OUTLINE ? PANE_NOTES : PANE_OUTLINE;
		if (a->focus == k)
			set_focus(a, PANE_TEXT);
	} else {
		*want = true;
		a->side = k;
		set_focus(a, k);
	}
	a->arrange_needed = true;
}

/* Tab / Shift-Tab: left to right among the panes shown; on a narrow
 * screen, the outline and notes come in turn over the text. */
static void
cycle_focus(struct app *a, int dir)
{
	static const enum pane_kind order[] = { PANE_OUTLINE, PANE_TEXT, PANE_NOTES };
	if (a->arr == ARR_NARROW) {
		static const enum pane_kind narrow[] = { PANE_TEXT, PANE_OUTLINE, PANE_NOTES };
		int i = 0;
		while (narrow[i] != a->overlay)
			i++;
		set_overlay(a, narrow[(i + 3 + dir) % 3]);
		return;
	}
	int i = 0;
	while (order[i] != a->focus)
		i++;
	for (int n = 0; n < 3; n++) {
		i = (i + 3 + dir) % 3;
		if (a->shown[order[i]]) {
			set_focus(a, order[i]);
			return;
		}
	}
}

static bool
parse_panes(struct app *a, const char *value)
{
	bool o = false, n = false;
	char *copy = xstrdup(value);
	bool good = true;
	for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
		if (strcmp(tok, "outline") == 0)
			o = true;
		else if (strcmp(tok, "notes") == 0)
			n = true;
		else if (strcmp(tok, "text") != 0 && strcmp(tok, "none") != 0)
			good = false;
	}
	free(copy);
	if (!good)
		return false;
	a->show_outline = o;
	a->show_notes = n;
	a->side = o ? PANE_OUTLINE : PANE_NOTES;
	a->arrange_needed = true;
	return true;
}

/* ------------------------------------------------------------- drawing */

static const char *
separator_glyph(void)
{
	/* │ is East Asian Ambiguous: fall back to | when those are wide. */
	return u8_ambiguous_width() == 1 ? "\xE2\x94\x82" : "|";
}

static void
draw_separators(struct app *a)
{
	for (int i = 0; i < 2; i++) {
		if (!a->sep_shown[i])
			continue;
		int h, w;
		ui_win_size(a->sep[i], &h, &w);
		const char *g = separator_glyph();
		for (int y = 0; y < h; y++)
			ui_put_text(a->sep[i], y, 0, g, strlen(g), 1, UI_BORDER);
		ui_win_stage(a->sep[i]);
	}
}

static const char *
mode_name(const struct app *a)
{
	if (a->list == LIST_HELP)
		return "HELP";
	if (a->list == LIST_DOCS)
		return "DOCS";
	if (a->list == LIST_THREAD)
		return "THREAD";
	if (a->list == LIST_MESSAGES)
		return "MESSAGES";
	switch (a->focus) {
	case PANE_OUTLINE: return "OUTLINE";
	case PANE_NOTES: return "NOTES";
	case PANE_TEXT:
		if (a->sh.selecting)
			return "SELECT";
		return "READ";
	default: return "READ";
	}
}

static int
percent(const struct app *a)
{
	size_t len = doc_length(a->doc);
	if (len == 0 || (a->sh.at_end && !(a->partial && !a->partial_tail)))
		return 100;
	/* While only a part is loaded, the place in the whole file (UTF-8
	   text is about as long as the file): the same figure the whole
	   article will give, so the status line does not jump. */
	if (a->partial && a->load_bytes > len)
		return (int)((double)(a->partial_base + a->sh.bottom) * 100.0 /
			     (double)a->load_bytes);
	return (int)((double)a->sh.bottom * 100.0 / (double)len);
}

/* The right part of the status line: search, notes, position. */
static void
status_right(struct app *a, struct buf *out)
{
	if (search_has_query(a->search)) {
		bool complete;
		size_t total = search_count(a->search, &complete);
		size_t num = a->has_match ? search_match_number(a->search, a->match.start) : 0;
		if (complete && total == 0)
			buf_puts(out, "no match");
		else if (complete && num)
			buf_printf(out, "match %zu/%zu", num, total);
		else if (complete)
			buf_printf(out, "%zu match%s", total, total == 1 ? "" : "es");
		else
			buf_printf(out, "%zu+ matches", total);
		buf_puts(out, "  ");
	}
	/* Whose annotation the reader is on. */
	size_t on = a->list || a->cols < 60 ? (size_t)-1 : current_annot(a);
	if (on != (size_t)-1 && a->annots[on].a->author) {
		buf_puts(out, "by ");
		u8_safe(out, a->annots[on].a->author, strlen(a->annots[on].a->author));
		buf_puts(out, "  ");
	}
	if (a->nannots) {
		buf_printf(out, "%zu note%s", a->nannots, a->nannots == 1 ? "" : "s");
		if (a->nopen != a->nannots)
			buf_printf(out, " (%zu open)", a->nopen);
		if (a->sh.hide_others)
			buf_puts(out, ", others hidden");
		buf_puts(out, "  ");
	}
	if (a->nnew)
		buf_printf(out, "%zu new  ", a->nnew);
	size_t ss, se;
	if (a->focus == PANE_TEXT && pane_selection(&a->sh, &ss, &se))
		buf_printf(out, "%zu selected  ", clusters_in(doc_text(a->doc, NULL) + ss, se - ss));
	if (a->nunsaved)
		buf_printf(out, "%zu unsaved  ", a->nunsaved);
	buf_printf(out, "%d%%", percent(a));
}

/* The line editor's text from its horizontal scroll, with the cursor. */
static void
draw_prompt(struct app *a)
{
	struct ui_win *w = a->status_win;
	ui_win_clear_eol(w, 0, 0, UI_NORMAL);
	const char *lead = a->prompt == PROMPT_COMMAND ? ":"
			   : a->prompt == PROMPT_TAG	 ? "tags: "
			   : a->prompt == PROMPT_NOTE && a->draft.kind == ANNOTATE_REPLY ? "reply: "
			   : a->prompt == PROMPT_NOTE	 ? "note: "
			   : a->prompt_backward		 ? "?"
							 : "/";
	int lw = (int)strlen(lead);
	ui_put_text(w, 0, 0, lead, (size_t)lw, lw, UI_NORMAL);
	struct buf right = BUF_INIT;
	if (a->prompt_hint && (a->prompt == PROMPT_TAG || a->prompt == PROMPT_NOTE))
		buf_puts(&right, a->prompt_hint);
	if (a->prompt == PROMPT_SEARCH && a->le.text.len) {
		if (!search_has_query(a->search))
			buf_puts(&right, "not a query");
		else if (a->finding)
			buf_puts(&right, "searching...");
		else if (!a->has_match)
			buf_puts(&right, "not found");
		else {
			bool complete;
			size_t total = search_count(a->search, &complete);
			size_t num = search_match_number(a->search, a->match.start);
			if (complete && num)
				buf_printf(&right, "%zu/%zu", num, total);
			else
				buf_printf(&right, "%zu+", total);
		}
	}
	int rw = (int)u8_str_width(right.data ? right.data : "", right.len);
	int avail = a->cols - lw - (rw ? rw + 2 : 0);
	if (avail < 1)
		avail = a->cols - lw, rw = 0;
	/* Only the window around the cursor is measured and drawn, walking
	   back from the cursor and forward from the window's start, so a note
	   of any length costs the same per key (measuring from the start of
	   the text made a 240,000-character note hang the reader).  Line
	   breaks of a note show as a mark. */
	const char *nl = pane_glyph("\xE2\x86\xB5", "|");   /* ↵ */
	int nlw = (int)u8_str_width(nl, strlen(nl));
	const char *t = a->le.text.data ? a->le.text.data : "";
	size_t tlen = a->le.text.len;
	size_t from = a->le.cursor;
	int before = 0;                  /* columns from `from` to the cursor */
	while (from > 0) {
		size_t p = u8_prev_cluster(t, tlen, from);
		int cw = t[p] == '\n' ? nlw : (int)u8_str_width(t + p, from - p);
		if (before + cw >= avail)
			break;
		before += cw;
		from = p;
	}
	struct buf disp = BUF_INIT;
	int shown = 0;
	for (size_t i = from; i < tlen && shown <= avail;) {
		size_t end = u8_next_cluster(t, tlen, i);
		if (t[i] == '\n') {
			buf_puts(&disp, nl);
			shown += nlw;
		} else {
			buf_append(&disp, t + i, end - i);
			shown += (int)u8_str_width(t + i, end - i);
		}
		i = end;
	}
	ui_put_text(w, 0, lw, disp.data ? disp.data : "", disp.len, avail, UI_NORMAL);
	if (rw)
		ui_put_text(w, 0, a->cols - rw, right.data, right.len, rw, UI_DIM);
	buf_free(&right);
	ui_set_cursor(a->ui, w, 0, lw + before, true);
	buf_free(&disp);
}

static void
draw_status(struct app *a)
{
	if (a->prompt) {
		draw_prompt(a);
		ui_win_stage(a->status_win);
		a->status_dirty = true;   /* redraw the status line after */
		return;
	}
	ui_set_cursor(a->ui, a->status_win, 0, 0, false);
	struct buf right = BUF_INIT, left = BUF_INIT, heading = BUF_INIT, sig = BUF_INIT;
	status_right(a, &right);
	const char *mode = mode_name(a);
	if (a->message) {
		buf_puts(&left, a->message);
	} else {
		buf_puts(&left, doc_title(a->doc));
		size_t sec = outline_section_at(a->outline, a->sh.top);
		if (sec != (size_t)-1 && outline_entry(a->outline, sec)->level > 1) {
			buf_puts(&heading, " \xE2\x80\xBA ");   /* › */
			buf_puts(&heading, outline_entry(a->outline, sec)->title);
		}
	}
	buf_printf(&sig, "%s\x01%s\x01%s\x01%s\x01%d\x01%d", mode, left.data ? left.data : "",
		   heading.data ? heading.data : "", right.data ? right.data : "", a->message_error,
		   a->cols);
	if (!a->status_dirty && a->status_drawn.data && strcmp(sig.data, a->status_drawn.data) == 0) {
		buf_free(&right);
		buf_free(&left);
		buf_free(&heading);
		buf_free(&sig);
		return;
	}
	buf_clear(&a->status_drawn);
	buf_puts(&a->status_drawn, sig.data);
	struct ui_win *w = a->status_win;
	ui_win_clear_eol(w, 0, 0, UI_STATUS);
	int x = 0;
	char modebuf[32];
	snprintf(modebuf, sizeof modebuf, " %s ", mode);
	int cols = a->cols;
	int rw = (int)u8_str_width(right.data, right.len);
	if (cols >= 30 || (int)strlen(modebuf) + rw + 2 <= cols)
		x += ui_put_text(w, 0, 0, modebuf, strlen(modebuf), cols, UI_STATUS_MODE);
	if (rw + 2 > cols - x)
		rw = 0;
	int avail = cols - x - 1 - (rw ? rw + 3 : 0);
	if (avail > 0) {
		/* The title gives way to the heading when both do not fit. */
		int lw = (int)u8_str_width(left.data ? left.data : "", left.len);
		int hw = (int)u8_str_width(heading.data ? heading.data : "", heading.len);
		int tw = lw < avail ? lw : avail;
		if (lw + hw > avail && hw)
			tw = lw < avail / 2 ? lw : (avail - hw > avail / 2 ? avail - hw : avail / 2);
		int used = pane_put_clipped(w, 0, x + 1, left.data ? left.data : "", left.len, tw,
					    a->message ? (a->message_error ? UI_ERROR : UI_STATUS) : UI_STATUS);
		if (hw && avail - used > 3)
			pane_put_clipped(w, 0, x + 1 + used, heading.data, heading.len, avail - used,
					 UI_STATUS);
	}
	if (rw)
		ui_put_text(w, 0, cols - rw - 1, right.data, right.len, rw, UI_STATUS);
	ui_win_stage(w);
	a->status_dirty = false;
	buf_free(&right);
	buf_free(&left);
	buf_free(&heading);
	buf_free(&sig);
}

/* The window of the whole screen (help, lists, "too small"), made when
 * first shown: the first screen of an article needs none. */
static struct ui_win *
full_window(struct app *a)
{
	if (!a->full_win)
		place(a, &a->full_win, 0, 0, a->rows > 0 ? a->rows : 1, a->cols > 0 ? a->cols : 1);
	return a->full_win;
}

static void
draw_too_small(struct app *a)
{
	struct ui_win *w = full_window(a);
	ui_win_erase(w);
	char size[64];
	snprintf(size, sizeof size, "%dx%d, needs %dx%d", a->cols, a->rows, MIN_COLS, MIN_ROWS);
	const char *lines[] = { "terminal too small", size, "q quits" };
	int y = a->rows > 3 ? (a->rows - 3) / 2 : 0;
	for (int i = 0; i < 3 && y + i < a->rows; i++)
		pane_put_clipped(w, y + i, 0, lines[i], strlen(lines[i]), a->cols, i ? UI_DIM : UI_ERROR);
	ui_set_cursor(a->ui, w, 0, 0, false);
	ui_win_stage(w);
}

static void
draw_list(struct app *a)
{
	struct ui_win *w = full_window(a);
	int h = a->rows - 1;
	if (!a->list_dirty)
		return;
	ui_win_erase(w);
	a->status_dirty = true;   /* the full window's erase blanks the status row */
	if (a->list == LIST_THREAD && a->thread_width != a->cols - 2)
		build_thread(a);   /* resized: wrap again */
	const char *title = a->list == LIST_HELP
				    ? "gloss help: keys, action name (for bind lines and :ACTION), what it does; q closes"
			    : a->list == LIST_THREAD
				    ? "Thread (j/k choose, r reply, e edit, D delete, R resolve, q or Esc closes)"
			    : a->list == LIST_MESSAGES
				    ? "Messages, the last at the bottom (q or Esc closes)"
				    : "Documents in the store (Enter opens, q or Esc closes)";
	/* Below (or above) the status line, which stays. */
	int y0 = body_y(a);
	pane_put_clipped(w, y0, 1, title, strlen(title), a->cols - 1, UI_TITLE);
	size_t rows = h > 1 ? (size_t)(h - 1) : 1;
	if (a->list == LIST_DOCS) {
		if (a->list_chosen < a->list_scroll)
			a->list_scroll = a->list_chosen;
		else if (a->list_chosen >= a->list_scroll + rows)
			a->list_scroll = a->list_chosen - rows + 1;
	} else if (a->list == LIST_THREAD) {
		/* Scrolled by the page keys (a long note is read so); the
		   choice is kept in view by thread_choose. */
		size_t maxs = a->list_n > rows ? a->list_n - rows : 0;
		if (a->list_scroll > maxs)
			a->list_scroll = maxs;
	}
	size_t chosen_item = a->list == LIST_THREAD && a->list_chosen < a->thread.n
				     ? a->thread.item[a->list_chosen] : (size_t)-1;
	for (size_t i = 0; i < rows && a->list_scroll + i < a->list_n; i++) {
		const char *line = a->list_lines[a->list_scroll + i];
		enum ui_style s = UI_NORMAL;
		if (a->list == LIST_HELP && line[0] && line[0] != ' ')
			s = UI_HEADING;
		if (a->list == LIST_THREAD && a->list_scroll + i < a->thread.n &&
		    a->thread.head[a->list_scroll + i])
			s = UI_HEADING;
		int y = y0 + (int)i + 1;
		pane_put_clipped(w, y, 1, line, strlen(line), a->cols - 1, s);
		if (a->list == LIST_DOCS && a->list_scroll + i == a->list_chosen)
			ui_restyle(w, y, 0, a->cols, UI_CHOSEN);
		/* The thread: the chosen note or reply, all its lines. */
		if (a->list == LIST_THREAD && a->list_scroll + i < a->thread.n &&
		    a->thread.item[a->list_scroll + i] == chosen_item &&
		    a->thread.body[a->list_scroll + i])
			ui_restyle(w, y, 0, a->cols, UI_CHOSEN);
	}
	ui_win_stage(w);
	a->list_dirty = false;
}

static void
draw(struct app *a)
{
	if (a->arrange_needed)
		arrange(a);
	if (a->arr == ARR_TOO_SMALL) {
		draw_too_small(a);
		ui_flush(a->ui);
		return;
	}
	a->sh.has_current_match = a->has_match;
	a->sh.current_match = a->match;
	if (a->list) {
		draw_list(a);
	} else {
		bool covered = a->arr == ARR_NARROW && a->overlay != PANE_TEXT;
		/* The text first: it publishes the top for the others. */
		struct pane *t = text_pane(a);
		if (!covered) {
			t->ops->draw(t);
			ui_win_stage(t->win);
		}
		for (int k = PANE_OUTLINE; k < PANE_KIND_COUNT; k++) {
			struct pane *p = &a->panes[k];
			if (!a->shown[k])
				continue;
			p->ops->draw(p);
			ui_win_stage(p->win);
		}
		if (!covered)
			draw_separators(a);
	}
	draw_status(a);
	ui_flush(a->ui);
}

/* ---------------------------------------------------- jumps and marks */

static void
record_jump(struct app *a, size_t from)
{
	a->last_jump_from = from;
	a->has_last_jump = true;
	if (a->jump_at < a->njumps)
		a->njumps = a->jump_at;
	if (a->njumps && a->jumps[a->njumps - 1] == from) {
		a->jump_at = a->njumps;
		return;
	}
	if (a->njumps == a->jumps_cap) {
		a->jumps_cap = a->jumps_cap ? a->jumps_cap * 2 : 16;
		a->jumps = xreallocarray(a->jumps, a->jumps_cap, sizeof *a->jumps);
	}
	a->jumps[a->njumps++] = from;
	a->jump_at = a->njumps;
}

static void
app_jump(void *ctx, size_t offset, bool record)
{
	struct app *a = ctx;
	if (record)
		record_jump(a, a->sh.top);
	struct pane *t = text_pane(a);
	t->ops->select(t, offset);
	a->status_dirty = true;
}

static void
jump_back(struct app *a, long count)
{
	while (count-- > 0) {
		if (a->jump_at == 0) {
			say(a, false, "at the oldest place in the jump list");
			return;
		}
		if (a->jump_at == a->njumps) {
			/* Remember where we are, so forward comes back here. */
			size_t here = a->sh.top;
			record_jump(a, here);
			a->jump_at = a->njumps - 1;
			/* Here was the only place in the list (it was already
			 * its last one): nothing older to go back to. */
			if (a->jump_at == 0) {
				say(a, false, "at the oldest place in the jump list");
				return;
			}
		}
		a->jump_at--;
		app_jump(a, a->jumps[a->jump_at], false);
	}
}

static void
jump_forward(struct app *a, long count)
{
	while (count-- > 0) {
		if (a->jump_at + 1 >= a->njumps) {
			say(a, false, "at the newest place in the jump list");
			return;
		}
		a->jump_at++;
		app_jump(a, a->jumps[a->jump_at], false);
	}
}

static void
mark_action(struct app *a, enum action act, int32_t key)
{
	if (act == ACTION_SELECT_INSIDE || act == ACTION_SELECT_AROUND) {
		text_object(a, act == ACTION_SELECT_AROUND, key);
		return;
	}
	if (act == ACTION_MARK_SET) {
		if (key < 'a' || key > 'z') {
			say(a, true, "a mark is a letter a-z");
			return;
		}
		a->marks[key - 'a'] = a->sh.top;
		a->mark_set[key - 'a'] = true;
		say(a, false, "mark %c set", (char)key);
		return;
	}
	if (key == '\'') {
		if (!a->has_last_jump) {
			say(a, true, "no jump to go back from yet");
			return;
		}
		app_jump(a, a->last_jump_from, true);
		return;
	}
	if (key < 'a' || key > 'z' || !a->mark_set[key - 'a']) {
		struct buf name = BUF_INIT;
		keymap_key_name(key, &name);
		say(a, true, "mark %s is not set", name.data);
		buf_free(&name);
		return;
	}
	app_jump(a, a->marks[key - 'a'], true);
}

static void
go_percent(struct app *a, long n)
{
	if (n < 0)
		n = 0;
	if (n > 100)
		n = 100;
	size_t len = doc_length(a->doc);
	size_t off = (size_t)((double)len * (double)n / 100.0);
	if (n == 100)
		off = len;
	app_jump(a, off, true);
}

static void
go_heading(struct app *a, bool next, long count)
{
	size_t n = outline_count(a->outline);
	size_t top = a->sh.top;
	long moved = 0;
	size_t target = top;
	for (; moved < count; moved++) {
		size_t found = (size_t)-1;
		for (size_t i = 0; i < n; i++) {
			size_t st = outline_entry(a->outline, i)->start;
			if (next && st > target) {
				found = i;
				break;
			}
			if (!next && st < target)
				found = i;
		}
		if (found == (size_t)-1)
			break;
		target = outline_entry(a->outline, found)->start;
	}
	if (moved == 0) {
		say(a, false, next ? "no heading after this one" : "no heading before this one");
		return;
	}
	app_jump(a, target, true);
}

/* ]n [n ]u [u ]a [a ]t [t: the next annotation (open, by another author,
 * shown by the notes filter with its tag). */
static void
go_annotation(struct app *a, bool next, int which, long count)
{
	if (which == 3 && !a->filter_tag) {
		say(a, false, "%s follows the tag filter: type :filter tag=NAME first",
		    next ? "]t" : "[t");
		return;
	}
	size_t target = a->sh.top;
	long moved = 0;
	const char *me = a->store ? store_author(a->store) : "";
	const struct pane_annot_index *ix = &a->sh.annot_index;
	for (; moved < count; moved++) {
		size_t found = (size_t)-1;
		/* The placed ones by start (binary search), unless the list
		   has them in another order (then a pass over it). */
		size_t k = ix->list_order ? pane_annot_lower_bound(&a->sh, next ? target + 1 : target)
					  : 0;
		for (size_t step = 0; ix->list_order ? (next ? k < ix->n : k > 0) : step < a->nannots;
		     step++) {
			size_t i = ix->list_order ? ix->order[next ? k++ : --k] : step;
			const struct pane_annot *an = &a->annots[i];
			if (!an->placed)
				continue;
			if (which == 1 && an->a->status != STORE_STATUS_OPEN)
				continue;
			if (which == 2 && an->a->author && strcmp(an->a->author, me) == 0)
				continue;
			if (which == 3 && !pane_annot_visible(&a->sh, an))
				continue;
			if (a->sh.hide_others && !an->mine)
				continue;
			if (next && an->start > target) {
				found = i;
				break;
			}
			if (!next && an->start < target) {
				found = i;
				if (ix->list_order)
					break;   /* the last before target */
			}
		}
		if (found == (size_t)-1)
			break;
		target = a->annots[found].start;
	}
	if (moved == 0) {
		static const char *const what[] = { "note", "unresolved note", "note by another author",
						    "note tagged" };
		if (which == 2 && a->sh.hide_others)
			say(a, false, "others' annotations are hidden (O shows them)");
		else if (which == 3)
			say(a, false, "no note tagged %s %s here", a->filter_tag,
			    next ? "after" : "before");
		else
			say(a, false, "no %s %s here", what[which], next ? "after" : "before");
		return;
	}
	app_jump(a, target, true);
	/* On the annotation: e, T, D, y act on it. */
	a->sh.cursor = target;
	a->sh.cursor_shown = true;
	size_t on = pane_annot_at(&a->sh, target);
	if (on != (size_t)-1)
		app_seen(a, on);
}

/* -------------------------------------------------------------- search */

static void
show_match(struct app *a, const struct search_match *m)
{
	a->match = *m;
	a->has_match = true;
	/* The reading cursor goes to the match: / then v selects from it. */
	a->sh.cursor = m->start;
	a->sh.cursor_shown = true;
	/* Scroll only when the match is not on the screen already. */
	if (!(m->start >= a->sh.top && m->end <= a->sh.bottom) || a->sh.bottom == a->sh.top)
		app_jump(a, m->start, false);
	text_pane(a)->dirty = true;
	a->status_dirty = true;
}

static void
finish_find(struct app *a, enum search_result r, const struct search_match *m, bool wrapped)
{
	a->finding = false;
	a->status_dirty = true;
	text_pane(a)->dirty = true;
	if (r != SEARCH_FOUND) {
		a->has_match = false;
		if (a->find_incremental) {
			app_jump(a, a->search_origin, false);
		} else {
			say(a, true, "not found: %s", search_query(a->search));
		}
		return;
	}
	a->find_wrapped = a->find_wrapped || wrapped;
	if (a->find_repeat > 1) {
		a->find_repeat--;
		a->match = *m;
		a->finding = true;
		bool back = a->find_backward;
		search_find_begin(a->search, back ? m->start : m->start + 1, back, a->search_wrap);
		return;
	}
	if (a->find_record)
		record_jump(a, a->find_from_top);
	show_match(a, m);
	a->match_wrapped = a->find_wrapped;
	if (a->find_wrapped && !a->find_incremental)
		say(a, false, a->find_backward ? "search went past the top: continuing from the end"
					       : "search went past the end: continuing from the top");
}

static void
start_find(struct app *a, size_t from, bool backward, bool incremental, bool record, long repeat)
{
	a->finding = true;
	a->find_backward = backward;
	a->find_incremental = incremental;
	a->find_record = record;
	a->find_repeat = repeat;
	a->find_from_top = a->sh.top;
	a->find_wrapped = false;
	search_find_begin(a->search, from, backward, a->search_wrap);
	a->status_dirty = true;
}

/* Runs pending search work: all of it for a script, else a slice. */
static void
do_work(struct app *a, size_t budget)
{
	if (a->finding) {
		struct search_match m;
		bool wrapped = false;
		enum search_result r = search_find_step(a->search, budget, &m, &wrapped);
		if (r != SEARCH_MORE)
			finish_find(a, r, &m, wrapped);
		return;
	}
	if (a->counting) {
		if (search_count_step(a->search, budget))
			a->counting = false;
		a->status_dirty = true;
	}
}

static bool
has_work(const struct app *a)
{
	return a->finding || a->counting;
}

static void
set_query(struct app *a, const char *q)
{
	bool ok = search_set_query(a->search, q, strlen(q));
	a->counting = ok;
	a->has_match = false;
	a->finding = false;
	text_pane(a)->dirty = true;
	a->status_dirty = true;
}

static size_t search_start(const struct app *a, bool backward);

static void
search_next(struct app *a, bool reverse, long count)
{
	if (!a->last_query) {
		say(a, true, "no search yet: / searches forward, ? backward");
		return;
	}
	if (!search_has_query(a->search) || strcmp(search_query(a->search), a->last_query) != 0)
		set_query(a, a->last_query);
	/* n goes the way of the last / or ?, N the other way. */
	bool back = a->last_backward != reverse;
	bool on_screen = a->has_match && a->match.start >= a->sh.top && a->match.start < a->sh.bottom;
	size_t from = on_screen ? (back ? a->match.start : a->match.start + 1)
		      : search_start(a, back);
	start_find(a, from, back, false, true, count);
}

/* ------------------------------------------------------ the line editor */

static void
le_clear(struct lineedit *le)
{
	buf_clear(&le->text);
	le->cursor = 0;
	le->killing = false;
}

static void
le_set(struct lineedit *le, const char *s)
{
	le_clear(le);
	buf_puts(&le->text, s);
	le->cursor = le->text.len;
}

static void
le_insert(struct lineedit *le, const char *s, size_t n)
{
	buf_reserve(&le->text, n);
	char *d = le->text.data;
	memmove(d + le->cursor + n, d + le->cursor, le->text.len - le->cursor);
	memcpy(d + le->cursor, s, n);
	le->text.len += n;
	d[le->text.len] = '\0';
	le->cursor += n;
}

static void
le_delete(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from)
		return;
	char *d = le->text.data;
	memmove(d + from, d + to, le->text.len - to);
	le->text.len -= to - from;
	d[le->text.len] = '\0';
	if (le->cursor >= to)
		le->cursor -= to - from;
	else if (le->cursor > from)
		le->cursor = from;
}

/* Deletes [from, to) into the kill buffer (a run of kills is kept
 * whole, as readline does). */
static void
le_kill(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from)
		return;
	if (!le->killing)
		buf_clear(&le->killed);
	if (from < le->cursor) {
		/* Killed backwards: goes before what was killed already. */
		struct buf b = BUF_INIT;
		buf_append(&b, le->text.data + from, to - from);
		buf_append(&b, le->killed.data ? le->killed.data : "", le->killed.len);
		buf_free(&le->killed);
		le->killed = b;
	} else {
		buf_append(&le->killed, le->text.data + from, to - from);
	}
	le_delete(le, from, to);
}

static size_t
le_prev(const struct lineedit *le, size_t i)
{
	return i ? u8_prev_cluster(le->text.data, le->text.len, i) : 0;
}

static size_t
le_next(const struct lineedit *le, size_t i)
{
	return i < le->text.len ? u8_next_cluster(le->text.data, le->text.len, i) : i;
}

/* Inserts pasted or typed text: control characters are dropped, line
 * feeds and tabs become spaces. */
static void
le_insert_text(struct lineedit *le, const char *s, size_t n)
{
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		size_t l = u8_decode(s, n, i, &cp);
		if (cp == '\n' || cp == '\t')
			buf_putc(&clean, ' ');
		else if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0))
			buf_append(&clean, s + i, l);
		i += l;
	}
	if (clean.len)
		le_insert(le, clean.data, clean.len);
	buf_free(&clean);
}

/* Inserts text that may hold line breaks (a note): kept as LF; other
 * control characters dropped, tabs become spaces. */
static void
le_insert_multiline(struct lineedit *le, const char *s, size_t n)
{
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		size_t l = u8_decode(s, n, i, &cp);
		if (cp == '\t')
			buf_putc(&clean, ' ');
		else if (cp == '\n' || (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)))
			buf_append(&clean, s + i, l);
		i += l;
	}
	if (clean.len)
		le_insert(le, clean.data, clean.len);
	buf_free(&clean);
}

static void
history_add(struct history *h, const char *s)
{
	if (!*s)
		return;
	if (h->n && strcmp(h->items[h->n - 1], s) == 0) {
		h->at = h->n;
		return;
	}
	if (h->n == HISTORY_MAX) {
		free(h->items[0]);
		memmove(h->items, h->items + 1, (HISTORY_MAX - 1) * sizeof *h->items);
		h->n--;
	}
	h->items[h->n++] = xstrdup(s);
	h->at = h->n;
}

static void
history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->items[i]);
	h->n = h->at = 0;
}

/* ---------------------------------------------------------- completion */

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Completes the file name after ":open ". */
static void
complete_path(struct app *a)
{
	const char *t = a->le.text.data ? a->le.text.data : "";
	const char *arg = NULL;
	if (strncmp(t, "open ", 5) == 0)
		arg = t + 5;
	else if (strncmp(t, "e ", 2) == 0)
		arg = t + 2;
	if (!arg) {
		say(a, false, "Tab completes file names after :open");
		return;
	}
	while (*arg == ' ')
		arg++;
	size_t arg_off = (size_t)(arg - t);
	/* "~" alone completes what is in the home directory. */
	char *word = strcmp(arg, "~") == 0 ? xstrdup("~/") : xstrdup(arg);
	char *expanded = NULL;
	if (word[0] == '~' && (word[1] == '/' || !word[1])) {
		const char *home = getenv("HOME");
		expanded = xasprintf("%s%s", home ? home : "", word + 1);
	} else {
		expanded = xstrdup(word);
	}
	char *slash = strrchr(expanded, '/');
	char *dir = slash ? xstrndup(expanded, (size_t)(slash - expanded) + 1) : xstrdup("");
	const char *base = slash ? slash + 1 : expanded;
	DIR *dp = opendir(*dir ? dir : ".");
	char **names = NULL;
	size_t n = 0, cap = 0;
	if (dp) {
		struct dirent *de;
		while ((de = readdir(dp))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (de->d_name[0] == '.' && base[0] != '.')
				continue;
			if (strncmp(de->d_name, base, strlen(base)) != 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap, sizeof *names);
			}
			names[n++] = xstrdup(de->d_name);
		}
		closedir(dp);
	}
	if (n == 0) {
		say(a, true, "no file name starts so");
	} else {
		qsort(names, n, sizeof *names, cmp_str);
		size_t common = strlen(names[0]);
		for (size_t i = 1; i < n; i++) {
			size_t k = 0;
			while (k < common && names[i][k] == names[0][k])
				k++;
			common = k;
		}
		struct buf nt = BUF_INIT;
		buf_append(&nt, t, arg_off);
		buf_puts(&nt, slash ? word : "");
		if (slash) {
			/* keep what the user typed for the directory part */
			char *ws = strrchr(nt.data, '/');
			nt.len = (size_t)(ws - nt.data) + 1;
			nt.data[nt.len] = '\0';
		}
		buf_append(&nt, names[0], common);
		if (n == 1) {
			char *full = xasprintf("%s%s", dir, names[0]);
			struct stat st;
			if (stat(*full ? full : ".", &st) == 0 && S_ISDIR(st.st_mode))
				buf_putc(&nt, '/');
			free(full);
		} else {
			struct buf list = BUF_INIT;
			for (size_t i = 0; i < n && i < 8; i++)
				buf_printf(&list, "%s%s", i ? "  " : "", names[i]);
			if (n > 8)
				buf_printf(&list, "  (%zu more)", n - 8);
			say(a, false, "%s", list.data);
			buf_free(&list);
		}
		le_set(&a->le, nt.data);
		buf_free(&nt);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	free(expanded);
	free(word);
}

/* ---------------------------------------------------------------- prompts */

/* Where / and ? look from, as in vim: from the reading cursor when it is
 * on the screen (/ after it, ? before it), else from the screen, as less
 * does: / from the first row shown, ? from the end of the last one (the
 * end of the article when it is shown: after G, ? finds the last match). */
static size_t
search_start(const struct app *a, bool backward)
{
	const struct pane_shared *sh = &a->sh;
	if (!sh->cursor_shown || sh->cursor < sh->top || sh->cursor >= sh->bottom) {
		if (!backward)
			return sh->top;
		return sh->at_end ? doc_length(a->doc) : sh->bottom;
	}
	return backward ? sh->cursor : sh->cursor + 1;
}

static void
open_prompt(struct app *a, enum prompt_kind kind, bool backward)
{
	a->prompt = kind;
	a->prompt_backward = backward;
	le_clear(&a->le);
	struct history *h = kind == PROMPT_SEARCH ? &a->search_hist : &a->cmd_hist;
	h->at = h->n;
	a->search_origin = a->sh.top;
	a->search_from = search_start(a, backward);
	a->status_dirty = true;
}

static void
close_prompt(struct app *a)
{
	a->prompt = PROMPT_NONE;
	a->status_dirty = true;
	ui_set_cursor(a->ui, a->status_win, 0, 0, false);
}

/* The query changed while typing: look again from where the prompt
 * opened. */
static void
incremental(struct app *a)
{
	const char *q = a->le.text.data ? a->le.text.data : "";
	if (!*q) {
		set_query(a, "");
		app_jump(a, a->search_origin, false);
		return;
	}
	set_query(a, q);
	if (!search_has_query(a->search))
		return;
	start_find(a, a->search_from, a->prompt_backward, true, false, 1);
}

static void
accept_search(struct app *a)
{
	const char *q = a->le.text.data ? a->le.text.data : "";
	bool back = a->prompt_backward;
	close_prompt(a);
	if (!*q) {
		/* An empty pattern repeats the last search, as in less. */
		if (a->last_query) {
			a->last_backward = back;
			search_next(a, false, 1);
		}
		return;
	}
	history_add(&a->search_hist, q);
	free(a->last_query);
	a->last_query = xstrdup(q);
	a->last_backward = back;
	if (!search_has_query(a->search) || strcmp(search_query(a->search), q) != 0)
		set_query(a, q);
	if (!search_has_query(a->search)) {
		say(a, true, "cannot search for that");
		return;
	}
	/* Finish the find the typing started, then make it a jump. */
	if (!a->finding && !a->has_match)
		start_find(a, a->search_from, back, true, false, 1);
	while (a->finding) {
		struct search_match m;
		bool wrapped = false;
		enum search_result r = search_find_step(a->search, 0, &m, &wrapped);
		if (r != SEARCH_MORE) {
			a->find_incremental = false;
			a->find_record = false;
			finish_find(a, r, &m, wrapped);
		}
	}
	if (a->has_match) {
		record_jump(a, a->search_origin);
		/* The match may have wrapped: say so now the search is done. */
		if (a->match_wrapped)
			say(a, false, back ? "search went past the top: continuing from the end"
					   : "search went past the end: continuing from the top");
	} else {
		say(a, true, "not found: %s", q);
	}
}

static void
cancel_search_prompt(struct app *a)
{
	close_prompt(a);
	a->finding = false;
	set_query(a, a->last_query ? a->last_query : "");
	app_jump(a, a->search_origin, false);
}

static void
prompt_history(struct app *a, int dir)
{
	struct history *h = a->prompt == PROMPT_SEARCH ? &a->search_hist : &a->cmd_hist;
	if (dir < 0 && h->at > 0)
		h->at--;
	else if (dir > 0 && h->at < h->n)
		h->at++;
	else
		return;
	le_set(&a->le, h->at < h->n ? h->items[h->at] : "");
	if (a->prompt == PROMPT_SEARCH)
		incremental(a);
}

static void
prompt_key(struct app *a, int32_t key)
{
	struct lineedit *le = &a->le;
	bool changed = false, killed = false;
	a->status_dirty = true;
	if (a->prompt == PROMPT_NOTE) {
		/* Ctrl-J (or Alt-Enter) breaks the line; Ctrl-X Ctrl-E opens
		   $EDITOR. */
		bool cx = a->ctrl_x;
		a->ctrl_x = false;
		if (key == GK_CTRL('j')) {
			le_insert(le, "\n", 1);
			return;
		}
		if (cx && key == GK_CTRL('e')) {
			edit_in_editor(a);
			return;
		}
		if (key == GK_CTRL('x')) {
			a->ctrl_x = true;
			return;
		}
	}
	if (key == GK_CTRL('j'))
		key = GK_ENTER;
	switch (key) {
	case GK_ENTER: {
		if (a->prompt == PROMPT_SEARCH) {
			accept_search(a);
		} else if (a->prompt == PROMPT_TAG || a->prompt == PROMPT_NOTE) {
			accept_annot_prompt(a);
		} else {
			char *line = xstrdup(le->text.data ? le->text.data : "");
			close_prompt(a);
			history_add(&a->cmd_hist, line);
			run_command(a, line);
			free(line);
		}
		return;
	}
	case GK_CTRL('c'):
	case GK_ESC:
		if (a->prompt == PROMPT_SEARCH) {
			cancel_search_prompt(a);
			return;
		}
		if (a->prompt == PROMPT_NOTE)
			keep_draft(a);
		free(a->prompt_hint);
		a->prompt_hint = NULL;
		close_prompt(a);
		return;
	case GK_BACKSPACE:
	case GK_CTRL('h'):
		if (le->text.len == 0) {
			/* Backspace on an empty line leaves it, as in vi. */
			if (a->prompt == PROMPT_SEARCH) {
				cancel_search_prompt(a);
				return;
			}
			if (a->prompt == PROMPT_NOTE)
				keep_draft(a);   /* nothing typed: drops it */
			free(a->prompt_hint);
			a->prompt_hint = NULL;
			close_prompt(a);
			return;
		}
		le_delete(le, le_prev(le, le->cursor), le->cursor);
		changed = true;
		break;
	case GK_DELETE:
	case GK_CTRL('d'):
		le_delete(le, le->cursor, le_next(le, le->cursor));
		changed = true;
		break;
	case GK_LEFT:
	case GK_CTRL('b'):
		le->cursor = le_prev(le, le->cursor);
		break;
	case GK_RIGHT:
	case GK_CTRL('f'):
		le->cursor = le_next(le, le->cursor);
		break;
	case GK_HOME:
	case GK_CTRL('a'):
		le->cursor = 0;
		break;
	case GK_END:
	case GK_CTRL('e'):
		le->cursor = le->text.len;
		break;
	case GK_CTRL('u'):
		le_kill(le, 0, le->cursor);
		changed = killed = true;
		break;
	case GK_CTRL('k'):
		le_kill(le, le->cursor, le->text.len);
		changed = killed = true;
		break;
	case GK_CTRL('w'):
		/* A word as w moves (CJK: a run of one script, or one
		   punctuation mark), never across a line break. */
		le_kill(le, pane_word_rubout_start(le->text.data ? le->text.data : "", le->text.len,
						   le->cursor),
			le->cursor);
		changed = killed = true;
		break;
	case GK_CTRL('y'):
		if (a->prompt == PROMPT_NOTE)
			le_insert(le, le->killed.data ? le->killed.data : "", le->killed.len);
		else
			le_insert_text(le, le->killed.data ? le->killed.data : "", le->killed.len);
		changed = true;
		break;
	case GK_UP:
		prompt_history(a, -1);
		return;
	case GK_DOWN:
		prompt_history(a, 1);
		return;
	case GK_TAB:
		if (a->prompt == PROMPT_COMMAND)
			complete_path(a);
		else if (a->prompt == PROMPT_TAG)
			complete_tag(a);
		return;
	default:
		if (key >= 0x20 && key < 0x110000 && key != 0x7f && !(key >= 0x80 && key < 0xa0)) {
			char enc[4];
			le_insert(le, enc, u8_encode(key, enc));
			changed = true;
		}
		break;
	}
	le->killing = killed;
	if (changed && a->prompt == PROMPT_SEARCH)
		incremental(a);
}

/* ----------------------------------------------------- help and documents */

static void
free_list(struct app *a)
{
	for (size_t i = 0; i < a->list_n; i++)
		free(a->list_lines[i]);
	free(a->list_lines);
	a->list_lines = NULL;
	a->list_n = a->list_scroll = a->list_chosen = 0;
	store_document_list_free(&a->docs);
	memset(&a->docs, 0, sizeof a->docs);
	thread_lines_free(&a->thread);
	free(a->thread_replies);
	a->thread_replies = NULL;
	free(a->thread_id);
	a->thread_id = NULL;
}

static void
list_push(struct app *a, const char *line, size_t n)
{
	a->list_lines = xreallocarray(a->list_lines, a->list_n + 1, sizeof *a->list_lines);
	a->list_lines[a->list_n++] = xstrndup(line, n);
}

static void
close_list(struct app *a)
{
	free_list(a);
	a->list = LIST_NONE;
	a->arrange_needed = true;
	a->status_dirty = true;
}

static void
open_help(struct app *a)
{
	free_list(a);
	struct buf text = BUF_INIT;
	keymap_help_text(a->km, &text);
	buf_puts(&text,
		 "\ncommands (type : first)\n"
		 "  :42% or :42p       Go 42% into the article\n"
		 "  :heading N|TEXT    Go to the Nth heading, or the first one with TEXT\n"
		 "  :open FILE         Open another article (Tab completes)\n"
		 "  :docs              The documents in the store\n"
		 "  :drafts            The next note draft kept on this article, in the note\n"
		 "                     editor on its text (Enter saves it, Esc keeps it)\n"
		 "  :messages          The last messages, whole\n"
		 "  :set NAME VALUE    ambiguous-width 1|2, panes outline,notes, outline-width N,\n"
		 "                     notes-width N, search-wrap on|off, others on|off,\n"
		 "                     theme default|light|mono, mouse on|off,\n"
		 "                     korean-keep-all on|off\n"
		 "  :filter K=V...     Notes by tag=T author=A state=open|resolved style=N\n"
		 "  :reanchor [ID]     Put the note chosen in the notes pane (an orphan) on the\n"
		 "                     selection\n"
		 "  :export [OPTIONS]  Write this article's notes to a file: --format\n"
		 "                     md|json|csv|html, -o FILE, --author A, --tag T,\n"
		 "                     --status open|resolved, --since DATE, --full, --bom\n"
		 "  :ACTION            Any action above by its name, e.g. :toggle-notes\n"
		 "  :q                 Quit\n"
		 "\nin a prompt\n"
		 "  Ctrl-W             Delete the word before the cursor (as w moves)\n"
		 "  Ctrl-U, Ctrl-K     Delete to the start, to the end\n"
		 "  Ctrl-Y             Put back what they deleted\n"
		 "  Ctrl-J             A line break (notes)\n"
		 "  Ctrl-X Ctrl-E      The note in $EDITOR\n"
		 "\nthe mouse (:set mouse off, --no-mouse or mouse = off in the config\n"
		 "gives it back to the terminal, for its own drag to copy)\n"
		 "  click              Put the cursor there; a heading or note: go to it\n"
		 "  drag               Select (then Enter, t, c... as after v)\n"
		 "  wheel              Scroll the text, the outline, the notes or a list\n"
		 "  Shift-drag         The terminal's own selection in most terminals (iTerm2:\n"
		 "                     Option-drag), with the mouse on\n");
	for (const char *p = text.data; *p;) {
		size_t len = pane_first_line(p);
		list_push(a, p, len);
		p += len + (p[len] ? 1 : 0);
	}
	buf_free(&text);
	a->list = LIST_HELP;
	a->list_dirty = true;
	a->status_dirty = true;
	memset(&a->kst, 0, sizeof a->kst);
}

/* :messages: the last messages, whole (wrapped to the screen), the
 * latest at the bottom and in view. */
static void
open_messages(struct app *a)
{
	if (!a->nmsg) {
		say(a, false, "no messages yet");
		return;
	}
	free_list(a);
	int width = a->cols > 4 ? a->cols - 4 : 1;
	for (size_t k = 0; k < a->nmsg; k++) {
		const char *m = a->msg_history[(a->msg_first + k) % MESSAGES_KEPT];
		size_t n = strlen(m), i = 0;
		bool first = true;
		do {
			/* As many clusters as fit, cut after the last space
			   if there is one; continued rows indented. */
			struct buf row = BUF_INIT;
			buf_puts(&row, first ? "" : "  ");
			int used = first ? 0 : 2;
			size_t start = i, space = 0;
			while (i < n) {
				size_t end = u8_next_cluster(m, n, i);
				int cw = (int)u8_str_width(m + i, end - i);
				if (used + cw > width && i > start) {
					if (space > start) {
						row.len -= i - space;
						row.data[row.len] = '\0';
						i = space;
					}
					break;
				}
				buf_append(&row, m + i, end - i);
				used += cw;
				i = end;
				if (m[i - 1] == ' ')
					space = i;
			}
			list_push(a, row.data, row.len);
			buf_free(&row);
			first = false;
		} while (i < n);
	}
	a->list = LIST_MESSAGES;
	size_t rows = a->rows > 2 ? (size_t)(a->rows - 2) : 1;
	a->list_scroll = a->list_n > rows ? a->list_n - rows : 0;
	a->list_dirty = true;
	a->status_dirty = true;
	memset(&a->kst, 0, sizeof a->kst);
}

static void
open_docs(struct app *a)
{
	if (!a->store) {
		say(a, true, "no annotation store: no document list");
		return;
	}
	free_list(a);
	/* The open article belongs in the list too. */
	ensure_document(a);
	struct gl_error err;
	if (store_documents_list(a->store, &a->docs, &err) != GL_OK) {
		say(a, true, "%s", err.message);
		return;
	}
	if (a->docs.count == 0) {
		say(a, false, "no documents in the store yet");
		return;
	}
	for (size_t i = 0; i < a->docs.count; i++) {
		const struct store_document *d = &a->docs.items[i];
		struct buf line = BUF_INIT;
		bool here = a->doc_id && strcmp(a->doc_id, d->id) == 0;
		buf_printf(&line, "%s %s  \xC2\xB7 %lld note%s", here ? "*" : " ", *d->title ? d->title : "(untitled)",
			   d->annotations, d->annotations == 1 ? "" : "s");
		if (d->open && d->open != d->annotations)
			buf_printf(&line, " (%lld open)", d->open);
		if (d->source)
			buf_printf(&line, "  \xC2\xB7 %s", d->source);
		list_push(a, line.data, line.len);
		if (here)
			a->list_chosen = i;
		buf_free(&line);
	}
	a->list = LIST_DOCS;
	a->list_dirty = true;
	a->status_dirty = true;
	memset(&a->kst, 0, sizeof a->kst);
}

/* Opens the document chosen in the list: from its file when it is still
 * there, else from the text the store kept. */
static void
open_chosen_doc(struct app *a)
{
	if (a->list_chosen >= a->docs.count)
		return;
	const struct store_document *sd = &a->docs.items[a->list_chosen];
	char *id = xstrdup(sd->id);
	char *source = sd->source ? xstrdup(sd->source) : NULL;
	close_list(a);
	if (a->doc_id && strcmp(a->doc_id, id) == 0) {
		free(id);
		free(source);
		return;
	}
	if (source && access(source, R_OK) == 0 && open_path(a, source)) {
		free(id);
		free(source);
		return;
	}
	struct store_version v = { 0 };
	struct gl_error err;
	if (store_version_latest(a->store, id, true, &v, &err) != GL_OK) {
		say(a, true, "%s", err.message);
	} else {
		struct doc *d;
		if (doc_from_text(v.text, v.text_len, DOC_FORMAT_VERBATIM, source, &d, &err) == GL_OK) {
			open_document(a, d, id);
			say(a, false, "opened from the text kept in the store");
		} else {
			say(a, true, "%s", err.message);
		}
	}
	store_version_clear(&v);
	free(id);
	free(source);
}

static bool thread_action(struct app *a, enum action act);
static const struct store_annotation *thread_chosen(const struct app *a);

/* Chooses item `item` of the thread view (its header line) and scrolls
 * to show it: whole when it fits on the `rows` shown, else from its
 * header. */
static void
thread_choose(struct app *a, size_t item, size_t rows)
{
	size_t head = thread_item_head(&a->thread, item), first, last;
	if (head >= a->thread.n || !thread_item_span(&a->thread, item, &first, &last))
		return;
	a->list_chosen = head;
	if (first < a->list_scroll || last - first + 1 > rows)
		a->list_scroll = first;
	else if (last >= a->list_scroll + rows)
		a->list_scroll = last - rows + 1;
}

/* Moves in the thread view, as in a mail reader's thread: j/k (Down/Up)
 * from one note or reply to the next, g/G to the first and last; the
 * page keys (Space/f/PgDn, b/PgUp, Ctrl-D/Ctrl-U: the notes mode's) scroll
 * a long note, and the choice follows when it leaves the screen.  False
 * for other actions. */
static bool
thread_move(struct app *a, enum action act, size_t rows)
{
	size_t item = a->list_chosen < a->thread.n ? a->thread.item[a->list_chosen] : 0;
	size_t nitems = a->thread.nitems;
	long scroll = 0;
	switch (act) {
	case ACTION_LINE_DOWN:
		if (item + 1 < nitems)
			thread_choose(a, item + 1, rows);
		return true;
	case ACTION_LINE_UP:
		thread_choose(a, item ? item - 1 : 0, rows);
		return true;
	case ACTION_TOP:
		thread_choose(a, 0, rows);
		return true;
	case ACTION_BOTTOM:
		thread_choose(a, nitems ? nitems - 1 : 0, rows);
		return true;
	case ACTION_PAGE_DOWN: scroll = (long)rows; break;
	case ACTION_PAGE_UP: scroll = -(long)rows; break;
	case ACTION_HALF_PAGE_DOWN: scroll = (long)(rows / 2 ? rows / 2 : 1); break;
	case ACTION_HALF_PAGE_UP: scroll = -(long)(rows / 2 ? rows / 2 : 1); break;
	default:
		return false;
	}
	size_t maxs = a->list_n > rows ? a->list_n - rows : 0;
	if (scroll > 0)
		a->list_scroll = a->list_scroll + (size_t)scroll < maxs
				 ? a->list_scroll + (size_t)scroll : maxs;
	else
		a->list_scroll = a->list_scroll > (size_t)-scroll ? a->list_scroll - (size_t)-scroll : 0;
	/* The chosen item scrolled out of sight: the nearest one shown is
	   chosen (the first shown going down, the last going up). */
	size_t first, last, end = a->list_scroll + rows;
	if (thread_item_span(&a->thread, item, &first, &last) &&
	    last >= a->list_scroll && first < end)
		return true;
	for (size_t k = 0; k < nitems; k++) {
		size_t pick = scroll > 0 ? k : nitems - 1 - k;
		if (thread_item_span(&a->thread, pick, &first, &last) &&
		    last >= a->list_scroll && first < end) {
			a->list_chosen = thread_item_head(&a->thread, pick);
			break;
		}
	}
	return true;
}

static void
list_key(struct app *a, int32_t key)
{
	/* The thread view takes the notes pane's keys (r, e, D, R...). */
	enum keymap_mode mode = a->list == LIST_DOCS ? KEYMAP_OUTLINE
				: a->list == LIST_THREAD ? KEYMAP_NOTES : KEYMAP_READING;
	enum action act = keymap_feed(a->km, mode, &a->kst, key);
	if (act == ACTION_PENDING)
		return;
	size_t rows = a->rows > 2 ? (size_t)(a->rows - 2) : 1;
	size_t maxs = a->list_n > rows ? a->list_n - rows : 0;
	bool docs = a->list == LIST_DOCS || a->list == LIST_THREAD;
	a->list_dirty = true;
	if (a->list == LIST_THREAD) {
		if (thread_action(a, act))
			return;
		if (thread_move(a, act, rows))
			return;
	}
	switch (act) {
	case ACTION_LINE_DOWN:
		if (docs) {
			if (a->list_chosen + 1 < a->list_n)
				a->list_chosen++;
		} else if (a->list_scroll < maxs) {
			a->list_scroll++;
		}
		break;
	case ACTION_LINE_UP:
		if (docs) {
			if (a->list_chosen)
				a->list_chosen--;
		} else if (a->list_scroll) {
			a->list_scroll--;
		}
		break;
	case ACTION_PAGE_DOWN:
	case ACTION_HALF_PAGE_DOWN:
		a->list_scroll = a->list_scroll + rows < maxs ? a->list_scroll + rows : maxs;
		break;
	case ACTION_PAGE_UP:
	case ACTION_HALF_PAGE_UP:
		a->list_scroll = a->list_scroll > rows ? a->list_scroll - rows : 0;
		break;
	case ACTION_TOP:
		a->list_scroll = 0;
		a->list_chosen = 0;
		break;
	case ACTION_BOTTOM:
		a->list_scroll = maxs;
		a->list_chosen = a->list_n ? a->list_n - 1 : 0;
		break;
	case ACTION_OPEN:
		if (docs)
			open_chosen_doc(a);
		break;
	case ACTION_COMMAND:
		close_list(a);
		open_prompt(a, PROMPT_COMMAND, false);
		break;
	case ACTION_NONE:
		if (key == GK_ESC)
			close_list(a);   /* Esc closes, though unbound */
		break;
	case ACTION_HELP:
	case ACTION_QUIT:
	case ACTION_CANCEL:
		close_list(a);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- state */

static void
save_state(struct app *a, const char *path)
{
	struct buf out = BUF_INIT;
	draw(a);
	buf_printf(&out, "size: %dx%d\n", a->cols, a->rows);
	buf_printf(&out, "layout: %s\n", arrangement_names[a->arr]);
	buf_puts(&out, "panes:");
	static const enum pane_kind order[] = { PANE_OUTLINE, PANE_TEXT, PANE_NOTES };
	bool covered = a->arr == ARR_NARROW && a->overlay != PANE_TEXT;
	for (int i = 0; i < 3; i++)
		if (a->shown[order[i]] && !(covered && order[i] != a->overlay))
			buf_printf(&out, " %s", a->panes[order[i]].ops->name);
	buf_putc(&out, '\n');
	buf_printf(&out, "overlay: %s\n",
		   a->list == LIST_HELP ? "help" : a->list == LIST_DOCS ? "docs"
		   : a->list == LIST_THREAD ? "thread"
		   : a->list == LIST_MESSAGES ? "messages"
		   : a->arr == ARR_NARROW && a->overlay != PANE_TEXT ? a->panes[a->overlay].ops->name
								      : "none");
	buf_printf(&out, "focus: %s\n", a->panes[a->focus].ops->name);
	buf_printf(&out, "colours: %d\n", ui_colours(a->ui));
	buf_puts(&out, "title: ");
	u8_safe(&out, doc_title(a->doc), strlen(doc_title(a->doc)));
	buf_putc(&out, '\n');
	buf_printf(&out, "position: %d%%\n", percent(a));
	for (int k = 0; k < PANE_KIND_COUNT; k++)
		a->panes[k].ops->state(&a->panes[k], &out);
	/* The end of the text shown (tests check that the cursor is in view). */
	buf_printf(&out, "bottom: %zu\n", doc_byte_to_cp(a->doc, a->sh.bottom));
	if (search_has_query(a->search)) {
		bool complete;
		size_t total = search_count(a->search, &complete);
		buf_puts(&out, "search: \"");
		u8_safe(&out, search_query(a->search), strlen(search_query(a->search)));
		buf_printf(&out, "\" %s %s, %zu match%s%s\n",
			   a->last_backward ? "backward" : "forward",
			   search_case_sensitive(a->search) ? "case-sensitive" : "ignoring case", total,
			   total == 1 ? "" : "es", complete ? "" : " so far");
		if (a->has_match) {
			buf_printf(&out, "match: %zu [%zu,%zu) \"", search_match_number(a->search, a->match.start),
				   doc_byte_to_cp(a->doc, a->match.start), doc_byte_to_cp(a->doc, a->match.end));
			u8_safe(&out, doc_text(a->doc, NULL) + a->match.start, a->match.end - a->match.start);
			buf_puts(&out, "\"\n");
		}
	} else {
		buf_puts(&out, "search: none\n");
	}
	buf_puts(&out, "marks:");
	for (int i = 0; i < 26; i++)
		if (a->mark_set[i])
			buf_printf(&out, " %c=%zu", 'a' + i, doc_byte_to_cp(a->doc, a->marks[i]));
	buf_putc(&out, '\n');
	buf_puts(&out, "jumps:");
	for (size_t i = 0; i < a->njumps; i++)
		buf_printf(&out, " %s%zu", i == a->jump_at ? ">" : "", doc_byte_to_cp(a->doc, a->jumps[i]));
	if (a->jump_at == a->njumps)
		buf_puts(&out, " >");
	buf_putc(&out, '\n');
	buf_printf(&out, "unsaved: %zu\n", a->nunsaved);
	struct buf right = BUF_INIT;
	status_right(a, &right);
	buf_printf(&out, "status: %s\n", right.data ? right.data : "");
	buf_free(&right);
	buf_printf(&out, "new: %zu\n", a->nnew);
	buf_printf(&out, "others: %s\n", a->sh.hide_others ? "hidden" : "shown");
	buf_printf(&out, "theme: %s\n", ui_theme(a->ui));
	buf_printf(&out, "drafts: %zu\n", a->nnote_drafts);
	if (a->list == LIST_THREAD && a->list_chosen < a->thread.n) {
		/* The note or reply chosen in the thread view, and the rows
		   highlighted (1 = the first under the title) (for tests). */
		size_t item = a->thread.item[a->list_chosen], first, last;
		const struct store_annotation *sa = thread_chosen(a);
		buf_printf(&out, "thread-chosen: %zu ", item);
		if (sa && sa->author)
			u8_safe(&out, sa->author, strlen(sa->author));
		if (thread_item_span(&a->thread, item, &first, &last)) {
			size_t rows = a->rows > 2 ? (size_t)(a->rows - 2) : 1;
			size_t from = first > a->list_scroll ? first : a->list_scroll;
			size_t to = last < a->list_scroll + rows - 1 ? last : a->list_scroll + rows - 1;
			if (from <= to)
				buf_printf(&out, " rows %zu-%zu", from - a->list_scroll + 1,
					   to - a->list_scroll + 1);
			else
				buf_puts(&out, " off screen");
		}
		buf_printf(&out, "\nthread-scroll: %zu\n", a->list_scroll);
	}
	if (a->prompt) {
		/* The line being typed: its length and cursor in characters,
		   and the text, line breaks as "|" (for tests). */
		const char *pt = a->le.text.data ? a->le.text.data : "";
		buf_printf(&out, "prompt-length: %zu\nprompt-cursor: %zu\nprompt-text: ",
			   cp_len(pt, a->le.text.len), cp_len(pt, a->le.cursor));
		for (const char *c = pt; *c; c++)
			buf_putc(&out, *c == '\n' ? '|' : *c);
		buf_puts(&out, "\nprompt-killed: ");
		for (const char *c = a->le.killed.data ? a->le.killed.data : ""; *c; c++)
			buf_putc(&out, *c == '\n' ? '|' : *c);
		buf_putc(&out, '\n');
	}
	buf_puts(&out, "message: ");
	if (a->message)
		u8_safe(&out, a->message, strlen(a->message));
	buf_putc(&out, '\n');
	struct gl_error err;
	if (gl_write_file_atomic(path, out.data, out.len, 0644, &err) != GL_OK)
		script_error(a, "save-state: %s", err.message);
	buf_free(&out);
}

/* ------------------------------------------------------------- commands */

static void dispatch(struct app *a, enum action act, long count, bool counted);

/* ------------------------------------------------------------ annotating
 * The reading cursor and the selection live in the text pane (pane.h);
 * here they become annotations: a change (annotate.h) is applied to the
 * store at once; when the store cannot take it (disk full, locked,
 * read-only) it is kept in memory, written to a recovery file named in the
 * message, and applied again at the next change or :retry. */

/* The annotations changed in the store: read them again and redraw. */
static void
annots_changed(struct app *a)
{
	load_annotations(a);
	a->panes[PANE_NOTES].ops->reload(&a->panes[PANE_NOTES]);
	if (a->list == LIST_THREAD)
		build_thread(a);
	all_dirty(a);
}

static size_t
cp_len(const char *s, size_t n)
{
	return u8_count_cp(s, n);
}

/* Characters as a reader counts them (grapheme clusters): a family emoji
 * or a letter with its accents is one. */
static size_t
clusters_in(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i = u8_next_cluster(s, n, i))
		count++;
	return count;
}

/* The annotation the reader is on: the one chosen in the notes pane when
 * it is focused, else the innermost one under the cursor; (size_t)-1. */
static size_t
current_annot(const struct app *a)
{
	if (a->focus == PANE_NOTES)
		return a->sh.notes_chosen < a->nannots ? a->sh.notes_chosen : (size_t)-1;
	if (!a->sh.cursor_shown)
		return (size_t)-1;
	return pane_annot_at(&a->sh, a->sh.cursor);
}

static bool
store_wide_failure(enum gl_status s)
{
	return s == GL_STORE_FULL || s == GL_STORE_BUSY || s == GL_STORE_READONLY || s == GL_STORE;
}

/* The store's document for the open text, recorded if it is new. */
static enum gl_status
need_document(struct app *a, struct gl_error *err)
{
	if (a->doc_id)
		return GL_OK;
	if (!a->store)
		return gl_fail(err, GL_STORE, "no annotation store is open");
	/* Only the article's head is loaded (its load failed): an annotation
	   on it would be anchored on the wrong text.  Kept, never lost. */
	if (a->partial)
		return gl_fail(err, GL_STORE_BUSY, "the whole article is not loaded");
	struct cli_document cd = { 0 };
	enum gl_status s = cli_attach_document(a->store, a->doc, true, &cd, err);
	if (s == GL_OK && cd.id) {
		a->doc_id = cd.id;
		cd.id = NULL;
	} else if (s == GL_OK) {
		s = gl_fail(err, GL_STORE_READONLY, "%s",
			    store_notice(a->store) ? store_notice(a->store) : "the store is read-only");
	}
	cli_document_clear(&cd);
	return s;
}

/* Keeps a change the store could not take, and writes it to a recovery
 * file; says so. */
static void
keep_unsaved(struct app *a, struct annotate_change *c, const struct gl_error *why)
{
	char *path = NULL;
	struct gl_error werr;
	enum gl_status ws = annotate_write_recovery(c, doc_title(a->doc), &path, &werr);
	a->unsaved = xreallocarray(a->unsaved, a->nunsaved + 1, sizeof *a->unsaved);
	a->unsaved[a->nunsaved++] = *c;
	memset(c, 0, sizeof *c);
	if (ws == GL_OK)
		say(a, true, "not saved: %s; kept (:retry saves it), a copy is in %s", why->message, path);
	else
		say(a, true, "not saved: %s; kept (:retry saves it); no recovery file: %s", why->message,
		    werr.message);
	free(path);
}

/* Applies what the store could not take before; true when all went. */
static bool
retry_unsaved(struct app *a, struct gl_error *err)
{
	size_t done = 0;
	bool ok = true;
	while (done < a->nunsaved) {
		if (need_document(a, err) != GL_OK ||
		    annotate_apply(a->store, a->doc, a->doc_id, &a->unsaved[done], NULL, err) != GL_OK) {
			if (!store_wide_failure(err->status)) {
				/* Refused for good (deleted meanwhile, not the
				   author): its recovery file keeps it, and a
				   note typed becomes a note or draft of its own. */
				rescue_typed(a, &a->unsaved[done], err);
				annotate_change_clear(&a->unsaved[done++]);
				continue;
			}
			ok = false;
			break;
		}
		annotate_change_clear(&a->unsaved[done++]);
	}
	memmove(a->unsaved, a->unsaved + done, (a->nunsaved - done) * sizeof *a->unsaved);
	a->nunsaved -= done;
	if (done)
		annots_changed(a);
	return ok;
}

/* Applies a change (taking it); true when it is saved.  *new_id (may be
 * NULL) gets the id of a new annotation. */
static bool
apply_change(struct app *a, struct annotate_change *c, char **new_id)
{
	struct gl_error err = { 0 };
	enum gl_status s = GL_OK;
	if (a->nunsaved && !retry_unsaved(a, &err))
		s = err.status;
	if (s == GL_OK)
		s = need_document(a, &err);
	if (s == GL_OK)
		s = annotate_apply(a->store, a->doc, a->doc_id, c, new_id, &err);
	if (s == GL_OK) {
		annotate_change_clear(c);
		annots_changed(a);
		forget_pending(a);
		return true;
	}
	if (store_wide_failure(s) || !a->store)
		keep_unsaved(a, c, &err);
	else if (!rescue_typed(a, c, &err))
		say(a, true, "%s", err.message);
	annotate_change_clear(c);
	return false;
}

/* A draft that no drafts file holds as it is: typed in this session,
 * or read back and changed since (its text, or with `key_too` its key,
 * when it was placed on an edited article). */
static bool
draft_unwritten(const struct note_draft *d, bool key_too)
{
	if (!d->file)
		return true;
	if (strcmp(d->text ? d->text : "", d->file_text ? d->file_text : "") != 0)
		return true;
	return key_too && !d->stray && strcmp(d->key, d->file_key ? d->file_key : "") != 0;
}

/* Before quitting with changes the store did not take: says so once
 * (they are in recovery files) and returns true; the next quit quits. */
static bool
warn_unsaved(struct app *a)
{
	/* Drafts read back from a drafts file, unchanged, are kept there
	   already: nothing to warn about. */
	size_t typed = 0;
	for (size_t i = 0; i < a->nnote_drafts; i++)
		if (draft_unwritten(&a->note_drafts[i], false))
			typed++;
	if ((!a->nunsaved && !typed) || a->quit_warned)
		return false;
	a->quit_warned = true;
	if (a->nunsaved)
		say(a, true, "%zu change%s not saved (copies are in recovery files): :retry tries "
		    "again, q again quits", a->nunsaved, a->nunsaved == 1 ? "" : "s");
	else
		say(a, true, "%zu note draft%s not saved (c, C, e or r offers it again): q again or :q! "
		    "quits, writing %s to a recovery file", typed,
		    typed == 1 ? "" : "s", typed == 1 ? "it" : "them");
	return true;
}

/* Leaving with note drafts (or a note prompt still open): writes them to
 * a recovery file, so that nothing typed is lost; returns the message
 * for standard error, once the terminal is back (caller frees), or NULL
 * when there were none. */
static char *
write_drafts(struct app *a)
{
	if (a->prompt == PROMPT_NOTE) {
		keep_draft(a);
		close_prompt(a);
	}
	/* Those read back unchanged stay in their files as they are. */
	struct annotate_draft *out = xreallocarray(NULL, a->nnote_drafts + 1, sizeof *out);
	size_t n = 0;
	for (size_t i = 0; i < a->nnote_drafts; i++) {
		const struct note_draft *d = &a->note_drafts[i];
		if (!draft_unwritten(d, true))
			continue;
		/* One not placed on this text keeps what it was read as. */
		out[n++] = (struct annotate_draft){
			.key = d->stray ? d->file_key : d->key,
			.document = d->document,
			.quote = d->quote,
			.about = d->about,
			.note = d->text,
		};
	}
	if (!n) {
		free(out);
		return NULL;
	}
	char *path = NULL;
	struct gl_error err;
	char *msg;
	if (annotate_write_drafts(out, n, &path, &err) == GL_OK) {
		msg = xasprintf("%zu note draft%s not saved: written to %s\ngloss: opening the "
				"article again offers %s (:drafts)", n, n == 1 ? "" : "s",
				u8_safe_str(path), n == 1 ? "it" : "them");
		/* Now in the new file: out of the old ones. */
		for (size_t i = 0; i < a->nnote_drafts; i++) {
			const struct note_draft *d = &a->note_drafts[i];
			if (d->file && draft_unwritten(d, true))
				annotate_forget_draft(d->file, d->file_key, d->file_text, &err);
		}
	} else {
		msg = xasprintf("%zu note draft%s not saved and lost: %s", n, n == 1 ? "" : "s",
				err.message);
	}
	free(path);
	free(out);
	return msg;
}

static void
retry_command(struct app *a)
{
	if (!a->nunsaved) {
		say(a, false, "nothing is waiting to be saved");
		return;
	}
	struct gl_error err;
	size_t n = a->nunsaved;
	if (retry_unsaved(a, &err))
		say(a, false, "saved %zu kept change%s", n, n == 1 ? "" : "s");
	else
		say(a, true, "still not saved (%zu kept): %s", a->nunsaved, err.message);
}

/* A new annotation on the selection (or a page note when there is none
 * and `page_ok`), in a->draft; false (said) when there is nothing. */
static bool
draft_from_selection(struct app *a, bool page_ok)
{
	annotate_change_clear(&a->draft);
	a->draft.kind = ANNOTATE_ADD;
	a->draft.set_style = true;
	a->draft.style = xasprintf("%d", a->cur_style);
	a->draft.set_private = a->next_private ? 1 : 0;
	size_t s, e;
	if (a->focus == PANE_TEXT && pane_selection(&a->sh, &s, &e)) {
		a->draft.start_cp = (long long)doc_byte_to_cp(a->doc, s);
		a->draft.end_cp = (long long)doc_byte_to_cp(a->doc, e);
		a->draft.quote = xstrndup(doc_text(a->doc, NULL) + s, e - s);
		return true;
	}
	if (page_ok) {
		/* A page note has no text to highlight: no style. */
		a->draft.start_cp = a->draft.end_cp = -1;
		a->draft.set_style = false;
		free(a->draft.style);
		a->draft.style = NULL;
		return true;
	}
	annotate_change_clear(&a->draft);
	say(a, true, "select some text first (v, then move)");
	return false;
}

/* An edit of the annotation the reader is on, in a->draft; false (said)
 * when there is none or it is someone else's. */
static bool
draft_edit(struct app *a, bool own_only)
{
	size_t i = current_annot(a);
	if (i == (size_t)-1) {
		say(a, true, "no annotation here (move the cursor into one, or choose it in the notes)");
		return false;
	}
	const struct store_annotation *sa = a->annots[i].a;
	if (own_only && a->store && strcmp(sa->author, store_author(a->store)) != 0) {
		say(a, true, "only %s can change this annotation", sa->author);
		return false;
	}
	annotate_change_clear(&a->draft);
	a->draft.kind = ANNOTATE_EDIT;
	a->draft.id = xstrdup(sa->id);
	return true;
}

static void
end_selection(struct app *a)
{
	a->sh.selecting = false;
	text_pane(a)->dirty = true;
}

/* Saves a new annotation from the draft and says what was made. */
static void
save_draft_add(struct app *a, const char *what)
{
	long long n = a->draft.end_cp - a->draft.start_cp;
	bool page = a->draft.start_cp < 0;
	/* A note says what it is on (the quote, cut to some 30 columns):
	   a count of the quote's characters read as the note's length. */
	bool note = a->draft.note && *a->draft.note;
	struct buf q = BUF_INIT;
	if (note && !page && a->draft.quote) {
		const char *s = a->draft.quote;
		size_t len = pane_first_line(s), cut = 0;
		while (cut < len && u8_str_width(s, cut) < 30)
			cut = u8_next_cluster(s, len, cut);
		u8_safe(&q, s, cut);
		if (cut < strlen(s))
			buf_puts(&q, "…");
	}
	if (apply_change(a, &a->draft, NULL)) {
		end_selection(a);
		a->next_private = false;
		if (page)
			say(a, false, "page note saved");
		else if (note)
			say(a, false, "%s on \"%s\"", what, q.data ? q.data : "");
		else
			say(a, false, "%s (%lld characters)", what, n);
	} else {
		end_selection(a);
	}
	buf_free(&q);
}

static void
highlight_action(struct app *a, int style)
{
	if (style >= 1 && style <= 5)
		a->cur_style = style;
	if (a->focus == PANE_TEXT && a->sh.selecting) {
		if (draft_from_selection(a, false))
			save_draft_add(a, "highlighted");
		return;
	}
	if (!draft_edit(a, true))
		return;
	a->draft.set_style = true;
	a->draft.style = xasprintf("%d", a->cur_style);
	if (apply_change(a, &a->draft, NULL))
		say(a, false, "style %d", a->cur_style);
}

/* ------------------------------------------------------- note drafts
 * What was typed in a note prompt that was cancelled is kept, by what it
 * was for: a new annotation on a range (or a page note), a note on an
 * annotation, a reply to one.  The note prompt offers it when it opens
 * on the same thing again; saving the note drops it. */

static char *
draft_key(const struct app *a)
{
	const struct annotate_change *c = &a->draft;
	switch (c->kind) {
	case ANNOTATE_EDIT: return xasprintf("note %s", c->id ? c->id : "");
	case ANNOTATE_REPLY: return xasprintf("reply %s", c->id ? c->id : "");
	default: return xasprintf("add %s %lld %lld", doc_hash(a->doc), c->start_cp, c->end_cp);
	}
}

static struct note_draft *
find_draft(struct app *a, const char *key)
{
	for (size_t i = 0; i < a->nnote_drafts; i++)
		if (strcmp(a->note_drafts[i].key, key) == 0)
			return &a->note_drafts[i];
	return NULL;
}

static void
note_draft_free(struct note_draft *d)
{
	free(d->key);
	free(d->text);
	free(d->about);
	free(d->quote);
	free(d->document);
	free(d->doc_hash);
	free(d->file);
	free(d->file_key);
	free(d->file_text);
	memset(d, 0, sizeof *d);
}

/* The note of a draft is being saved: its drafts file entry (if it came
 * from one) waits in pending_forget until the note is saved (then
 * forget_pending removes it from the file); the draft itself goes. */
static void
drop_draft(struct app *a, const char *key)
{
	struct note_draft *d = key ? find_draft(a, key) : NULL;
	if (!d)
		return;
	note_draft_free(&a->pending_forget);
	if (d->file) {
		a->pending_forget.file = d->file;
		a->pending_forget.file_key = d->file_key;
		a->pending_forget.file_text = d->file_text;
		d->file = d->file_key = d->file_text = NULL;
	}
	note_draft_free(d);
	*d = a->note_drafts[--a->nnote_drafts];
	if (a->drafts_next > a->nnote_drafts)
		a->drafts_next = 0;
}

/* The note of a draft read from a drafts file is saved: the file no
 * longer keeps it. */
static void
forget_pending(struct app *a)
{
	struct note_draft *p = &a->pending_forget;
	if (p->file) {
		struct gl_error err;
		if (annotate_forget_draft(p->file, p->file_key, p->file_text, &err) != GL_OK)
			say(a, true, "the draft is saved, but is still in %s: %s", u8_safe_str(p->file),
			    err.message);
	}
	note_draft_free(p);
}

static void
free_drafts(struct app *a)
{
	for (size_t i = 0; i < a->nnote_drafts; i++)
		note_draft_free(&a->note_drafts[i]);
	free(a->note_drafts);
	a->note_drafts = NULL;
	a->nnote_drafts = 0;
	note_draft_free(&a->pending_forget);
	free(a->prompt_draft_key);
	a->prompt_draft_key = NULL;
	forget_target(a);
}

/* The note prompt has just opened (on a->draft): offers the draft kept
 * for the same thing, if any. */
static void
offer_draft(struct app *a)
{
	free(a->prompt_draft_key);
	a->prompt_draft_key = draft_key(a);
	remember_target(a);
	struct note_draft *d = find_draft(a, a->prompt_draft_key);
	if (!d)
		return;
	le_clear(&a->le);
	le_insert_multiline(&a->le, d->text, strlen(d->text));
	free(a->prompt_hint);
	a->prompt_hint = xstrdup("your draft (Ctrl-U clears)");
}

/* A new draft for `key`, its text and what it is about still NULL. */
static struct note_draft *
new_draft(struct app *a, const char *key)
{
	a->note_drafts = xreallocarray(a->note_drafts, a->nnote_drafts + 1, sizeof *a->note_drafts);
	struct note_draft *d = &a->note_drafts[a->nnote_drafts++];
	memset(d, 0, sizeof *d);
	d->key = xstrdup(key);
	d->document = a->doc_id ? xstrdup(a->doc_id) : NULL;
	d->doc_hash = a->doc ? xstrdup(doc_hash(a->doc)) : NULL;
	return d;
}

static void
forget_target(struct app *a)
{
	free(a->target.id);
	free(a->target.quote);
	free(a->target.author);
	free(a->target.parent);
	free(a->target.parent_author);
	memset(&a->target, 0, sizeof a->target);
}

/* A note prompt opens on an annotation (a->draft edits or replies to
 * it): remembers who wrote it, what it answers (a reply's parent), and
 * where its thread stands on the text, for rescue_typed. */
static void
remember_target(struct app *a)
{
	forget_target(a);
	const struct annotate_change *c = &a->draft;
	if (c->kind == ANNOTATE_ADD || !c->id)
		return;
	const struct store_annotation *sa = raw_annotation(a, c->id);
	if (!sa)
		return;
	struct prompt_target *t = &a->target;
	t->id = xstrdup(c->id);
	t->author = xstrdup(sa->author);
	t->reply = sa->parent != NULL;
	t->is_private = sa->is_private;
	if (sa->parent) {
		const struct store_annotation *p = raw_annotation(a, sa->parent);
		t->parent = xstrdup(sa->parent);
		t->parent_author = xstrdup(p ? p->author : "");
		t->parent_reply = p && p->parent;
	}
	/* A reply stands where its thread does: its root note's place. */
	for (int up = 0; sa && sa->parent && up < 32; up++)
		sa = raw_annotation(a, sa->parent);
	if (!sa)
		return;
	t->known = true;
	t->page = store_annotation_is_page(sa);
	for (size_t i = 0; i < a->nannots; i++) {
		const struct pane_annot *an = &a->annots[i];
		if (!an->placed || strcmp(an->a->id, sa->id) != 0)
			continue;
		t->placed = true;
		t->start_cp = (long long)doc_byte_to_cp(a->doc, an->start);
		t->end_cp = (long long)doc_byte_to_cp(a->doc, an->end);
		t->quote = xstrndup(doc_text(a->doc, NULL) + an->start, an->end - an->start);
		break;
	}
	if (!t->quote && sa->exact)
		t->quote = xstrdup(sa->exact);
}

/* A note or reply typed in the prompt could not be saved for good (its
 * annotation was deleted meanwhile, or the store refused it): nothing
 * typed is lost.  A reply or edit whose annotation is gone becomes, in
 * this order: a new reply to what that annotation answered (an edit of
 * a reply, or a reply to a reply, whose parent is still there); a note
 * of the reader's own on the same text as it stands now (a page note
 * for a page note's thread); else, or when that fails too, a draft that
 * the note prompt offers on that text.  Says which, and why.  False
 * when nothing was typed (the caller says why->message). */
static bool
rescue_typed(struct app *a, const struct annotate_change *c, const struct gl_error *why)
{
	if (!c->set_note || !c->note || !*c->note || !a->doc)
		return false;
	const struct prompt_target *t = &a->target;
	bool about_target = c->kind != ANNOTATE_ADD && c->id && t->id && strcmp(c->id, t->id) == 0;
	bool gone = c->kind != ANNOTATE_ADD && why->status == GL_NO_MATCH;
	const char *me = a->store ? store_author(a->store) : "";
	bool was_reply = about_target && t->reply;
	const char *what = c->kind == ANNOTATE_REPLY || was_reply ? "reply" : "note";
	char *reason = !gone ? xstrdup(why->message)
		       : about_target && strcmp(t->author, me) != 0
			       ? xasprintf("the %s was deleted by %s meanwhile",
					   was_reply ? "reply" : "note", t->author)
			       : xasprintf("the %s was deleted meanwhile", was_reply ? "reply" : "note");

	/* What the deleted reply answered, if it is still there: a new
	   reply to it, in the thread where the old one was. */
	if (gone && about_target && t->parent && a->store) {
		struct annotate_change r = { 0 };
		r.kind = ANNOTATE_REPLY;
		r.id = xstrdup(t->parent);
		r.set_note = true;
		r.note = xstrdup(c->note);
		r.set_private = c->set_private > 0 ||
					(c->kind == ANNOTATE_EDIT && c->set_private == 0 && t->is_private)
				? 1 : 0;
		struct gl_error err = { 0 };
		enum gl_status s = annotate_apply(a->store, a->doc, a->doc_id, &r, NULL, &err);
		annotate_change_clear(&r);
		if (s == GL_OK) {
			annots_changed(a);
			forget_pending(a);
			bool mine = strcmp(t->parent_author, me) == 0;
			say(a, true, "%s: your %s is saved as a new reply to %s%s %s", reason, what,
			    mine ? "your" : t->parent_author, mine ? "" : "'s",
			    t->parent_reply ? "reply" : "note");
			free(reason);
			return true;
		}
		if (err.status == GL_NO_MATCH) {
			char *both = xasprintf("%s, and so was what it answered", reason);
			free(reason);
			reason = both;
		}
	}
	struct buf q = BUF_INIT;
	const char *quote = c->kind == ANNOTATE_ADD ? c->quote : about_target ? t->quote : NULL;
	if (quote)
		u8_safe(&q, quote, pane_first_line(quote));
	bool placed = c->kind == ANNOTATE_ADD ? c->start_cp >= 0 : about_target && t->placed;
	long long start = c->kind == ANNOTATE_ADD ? c->start_cp : placed ? t->start_cp : -1;
	long long end = c->kind == ANNOTATE_ADD ? c->end_cp : placed ? t->end_cp : -1;

	if (gone && about_target && (t->placed || t->page) && a->store) {
		struct annotate_change n = { 0 };
		n.kind = ANNOTATE_ADD;
		n.start_cp = start;
		n.end_cp = end;
		n.quote = t->quote ? xstrdup(t->quote) : NULL;
		if (t->placed) {
			n.set_style = true;
			n.style = xasprintf("%d", a->cur_style);
		}
		n.set_note = true;
		n.note = xstrdup(c->note);
		n.set_private = c->set_private > 0 ? 1 : 0;
		struct gl_error err = { 0 };
		enum gl_status s = need_document(a, &err);
		if (s == GL_OK)
			s = annotate_apply(a->store, a->doc, a->doc_id, &n, NULL, &err);
		annotate_change_clear(&n);
		if (s == GL_OK) {
			annots_changed(a);
			forget_pending(a);
			if (placed)
				say(a, true, "%s: your %s is saved as a new note on \"%s\"", reason,
				    what, q.data ? q.data : "");
			else
				say(a, true, "%s: your %s is saved as a new page note", reason, what);
			free(reason);
			buf_free(&q);
			return true;
		}
	}
	/* A draft of a new note there: c on that text (C for a page note)
	   offers it. */
	char *key = xasprintf("add %s %lld %lld", doc_hash(a->doc), start, end);
	struct note_draft *d = find_draft(a, key);
	if (!d)
		d = new_draft(a, key);
	free(d->about);
	d->about = placed ? xasprintf("a %s (not saved: %s) on \"%s\" (code points %lld-%lld) in %s",
				      what, reason, quote ? quote : "", start, end, doc_title(a->doc))
			  : xasprintf("a %s (not saved: %s) in %s", what, reason, doc_title(a->doc));
	free(d->text);
	d->text = xstrdup(c->note);
	free(d->quote);
	d->quote = placed && quote ? xstrdup(quote) : NULL;
	/* Read from a drafts file: it stays there until saved. */
	if (a->pending_forget.file && !d->file) {
		d->file = a->pending_forget.file;
		d->file_key = a->pending_forget.file_key;
		d->file_text = a->pending_forget.file_text;
		memset(&a->pending_forget, 0, sizeof a->pending_forget);
	}
	if (placed)
		say(a, true, "%s: your %s is kept as a draft (select \"%s\" and press c: it is "
			     "offered there)", reason, what, q.data ? q.data : "");
	else
		say(a, true, "%s: your %s is kept as a draft (C in the text offers it as a page note)",
		    reason, what);
	free(key);
	free(reason);
	buf_free(&q);
	return true;
}

/* The note prompt is being cancelled: keeps what was typed (unless it is
 * empty, or the note as it stands) and says how to get it back. */
static void
keep_draft(struct app *a)
{
	const char *key = a->prompt_draft_key;
	const char *text = a->le.text.data ? a->le.text.data : "";
	if (!key)
		return;
	const char *was = NULL;
	if (a->draft.kind == ANNOTATE_EDIT) {
		size_t i = current_annot(a);
		if (i != (size_t)-1 && a->draft.id && strcmp(a->annots[i].a->id, a->draft.id) == 0)
			was = a->annots[i].a->note ? a->annots[i].a->note : "";
	}
	if (!*text || (was && strcmp(was, text) == 0)) {
		drop_draft(a, key);
		/* Emptied, not saved: a drafts file that has it keeps it. */
		note_draft_free(&a->pending_forget);
		return;
	}
	struct note_draft *d = find_draft(a, key);
	if (!d) {
		d = new_draft(a, key);
		const struct annotate_change *c = &a->draft;
		const char *title = a->doc ? doc_title(a->doc) : "";
		if (c->kind == ANNOTATE_EDIT)
			d->about = xasprintf("the note of annotation %s in %s", c->id ? c->id : "", title);
		else if (c->kind == ANNOTATE_REPLY)
			d->about = xasprintf("a reply to annotation %s in %s", c->id ? c->id : "", title);
		else if (c->start_cp < 0)
			d->about = xasprintf("a page note on %s", title);
		else
			d->about = xasprintf("a note on \"%s\" (code points %lld-%lld) in %s",
					     c->quote ? c->quote : "", c->start_cp, c->end_cp, title);
		if (c->kind == ANNOTATE_ADD && c->quote)
			d->quote = xstrdup(c->quote);
	}
	free(d->text);
	d->text = xstrdup(text);
	/* The key that opens the same prompt again (share/keys.conf). */
	const char *again = a->draft.kind == ANNOTATE_REPLY ? "r here"
			    : a->draft.kind == ANNOTATE_EDIT ? "e here"
			    : a->draft.start_cp < 0 ? "C" : "c on the same text";
	say(a, false, "the %s is kept as a draft: %s offers it again",
	    a->draft.kind == ANNOTATE_REPLY ? "reply" : "note", again);
}

/* The prompt of a tag or note: for the selection (a new annotation), a
 * page note, or the annotation the reader is on (`edit`). */
static void
open_annot_prompt(struct app *a, enum prompt_kind kind, bool edit)
{
	if (edit) {
		if (!draft_edit(a, true))
			return;
	} else if (!draft_from_selection(a, kind == PROMPT_NOTE)) {
		return;
	}
	open_prompt(a, kind, false);
	if (edit) {
		const struct store_annotation *sa = a->annots[current_annot(a)].a;
		struct buf b = BUF_INIT;
		if (kind == PROMPT_NOTE) {
			buf_puts(&b, sa->note ? sa->note : "");
		} else {
			for (size_t i = 0; i < sa->tag_count; i++)
				buf_printf(&b, "%s ", sa->tags[i]);
		}
		le_set(&a->le, b.data ? b.data : "");
		buf_free(&b);
	}
	if (kind == PROMPT_NOTE)
		offer_draft(a);
}

static void
accept_annot_prompt(struct app *a)
{
	enum prompt_kind kind = a->prompt;
	char *text = xstrdup(a->le.text.data ? a->le.text.data : "");
	close_prompt(a);
	free(a->prompt_hint);
	a->prompt_hint = NULL;
	if (kind == PROMPT_NOTE) {
		/* Saved (or kept as unsaved, with its recovery file); one
		   read from a drafts file leaves it once saved. */
		drop_draft(a, a->prompt_draft_key);
		free(a->prompt_draft_key);
		a->prompt_draft_key = NULL;
	}
	if (kind == PROMPT_TAG) {
		a->draft.tags = annotate_parse_tags(text, &a->draft.ntags);
		if (a->draft.kind == ANNOTATE_EDIT) {
			a->draft.set_tags = true;
			if (apply_change(a, &a->draft, NULL))
				say(a, false, "tags saved");
		} else if (!a->draft.ntags) {
			say(a, true, "no tag given: nothing saved");
			annotate_change_clear(&a->draft);
		} else {
			save_draft_add(a, "tagged");
		}
	} else {
		struct buf nfc = BUF_INIT;
		u8_nfc(&nfc, text, strlen(text));
		a->draft.set_note = true;
		a->draft.note = buf_steal(&nfc, NULL);
		if (a->draft.kind == ANNOTATE_EDIT) {
			if (apply_change(a, &a->draft, NULL))
				say(a, false, "note saved");
		} else if (a->draft.kind == ANNOTATE_REPLY) {
			if (!*a->draft.note) {
				say(a, true, "an empty reply: nothing saved");
				annotate_change_clear(&a->draft);
			} else if (apply_change(a, &a->draft, NULL)) {
				say(a, false, "reply saved");
			}
		} else if (a->draft.start_cp < 0 && !*a->draft.note) {
			say(a, true, "a page note needs some text: nothing saved");
			annotate_change_clear(&a->draft);
		} else {
			save_draft_add(a, "note saved");
		}
	}
	/* Not saved (an empty note, the store could not take it): a
	   drafts file keeps it still. */
	note_draft_free(&a->pending_forget);
	free(text);
}

/* ------------------------------------------------- kept drafts
 * Drafts left at the end of a session are in drafts files (write_drafts);
 * when an article is opened, those on it are read back, said on the
 * status line, and :drafts opens each in the note editor on its text.
 * A drafts file keeps a draft until its note is saved (forget_pending),
 * whatever happens to the reader meanwhile. */

/* The code points START..END of an "add HASH START END" key; false for
 * another key. */
static bool
add_key_range(const char *key, char *hash, size_t hash_size, long long *start, long long *end)
{
	char h[80];
	if (sscanf(key, "add %79s %lld %lld", h, start, end) != 3)
		return false;
	snprintf(hash, hash_size, "%s", h);
	return true;
}

/* The annotation id of a "note ID" or "reply ID" key, else NULL. */
static const char *
key_annotation(const char *key, bool *reply)
{
	if (strncmp(key, "note ", 5) == 0) {
		*reply = false;
		return key + 5;
	}
	if (strncmp(key, "reply ", 6) == 0) {
		*reply = true;
		return key + 6;
	}
	return NULL;
}

/* Takes a draft read back from a drafts file if it is on the open
 * article: the key it has on this text in *key (caller frees), or NULL
 * with *stray when it is on this article but cannot be placed (its text
 * or annotation is gone).  False when it is on another article. */
static bool
place_kept_draft(struct app *a, const struct annotate_draft *k, char **key, bool *stray)
{
	*key = NULL;
	*stray = false;
	bool same_doc = k->document && a->doc_id && strcmp(k->document, a->doc_id) == 0;
	char hash[80];
	long long s, e;
	bool reply;
	const char *id;
	if (add_key_range(k->key, hash, sizeof hash, &s, &e)) {
		long long len = (long long)doc_length_cp(a->doc);
		bool page = s < 0 && e < 0;
		if (strcmp(hash, doc_hash(a->doc)) == 0) {
			if (page || (s >= 0 && s <= e && e <= len))
				*key = xstrdup(k->key);
			else
				*stray = true;
			return true;
		}
		if (!same_doc)
			return false;
		/* The article was edited: a page note stays one, a note
		   goes where its text is now. */
		if (page) {
			*key = xasprintf("add %s -1 -1", doc_hash(a->doc));
			return true;
		}
		size_t tlen;
		const char *text = doc_text(a->doc, &tlen);
		const char *at = k->quote && *k->quote ? strstr(text, k->quote) : NULL;
		if (!at) {
			*stray = true;
			return true;
		}
		size_t b = (size_t)(at - text);
		*key = xasprintf("add %s %zu %zu", doc_hash(a->doc), doc_byte_to_cp(a->doc, b),
				 doc_byte_to_cp(a->doc, b + strlen(k->quote)));
		return true;
	}
	if ((id = key_annotation(k->key, &reply))) {
		if (raw_annotation(a, id)) {
			*key = xstrdup(k->key);
			return true;
		}
		*stray = same_doc;
		return same_doc;
	}
	return false;
}

/* Once an article is open whole (and the store with it): reads back the
 * drafts kept on it and says how many, and how to get them back; true
 * when there were some. */
static bool
offer_kept_drafts(struct app *a)
{
	a->drafts_checked = true;
	struct annotate_draft *kept = NULL;
	size_t nkept = 0;
	annotate_read_drafts(&kept, &nkept);
	size_t found = 0;
	for (size_t i = 0; i < nkept; i++) {
		struct annotate_draft *k = &kept[i];
		char *key;
		bool stray;
		if (!place_kept_draft(a, k, &key, &stray)) {
			annotate_draft_clear(k);
			continue;
		}
		/* Read already (the article opened again), or a draft of
		   this session on the same thing, which the prompt offers:
		   the file keeps this one for next time. */
		bool have = false;
		for (size_t j = 0; j < a->nnote_drafts && !have; j++) {
			const struct note_draft *d = &a->note_drafts[j];
			have = (d->file && strcmp(d->file, k->file) == 0 &&
				strcmp(d->file_key, k->key) == 0 && strcmp(d->file_text, k->note) == 0) ||
			       (key && strcmp(d->key, key) == 0);
		}
		if (have) {
			free(key);
			annotate_draft_clear(k);
			continue;
		}
		struct note_draft *d = new_draft(a, key ? key : k->key);
		free(key);
		d->text = xstrdup(k->note);
		d->about = k->about;
		d->quote = k->quote;
		if (k->document) {
			free(d->document);
			d->document = k->document;
		}
		d->file = k->file;
		d->file_key = k->key;
		d->file_text = k->note;
		d->stray = stray;
		memset(k, 0, sizeof *k);
		found++;
	}
	free(kept);
	if (found)
		say(a, false, "%zu kept draft%s of notes not saved before: :drafts opens %s in the "
		    "note editor", found, found == 1 ? "" : "s", found == 1 ? "it" : "each in turn");
	return found > 0;
}

/* The quote of a draft in a message: its first line, terminal-safe. */
static void
draft_words(struct buf *b, const char *text)
{
	u8_safe(b, text, pane_first_line(text));
}

/* :drafts: opens the next draft kept on this article in the note
 * editor, on its text (a note on its range, selected; a page note; a
 * reply to, or the note of, its annotation), or says it cannot be
 * placed; either way it is kept until its note is saved. */
static void
drafts_command(struct app *a)
{
	if (!a->doc) {
		say(a, true, "no article is open");
		return;
	}
	const char *hash = doc_hash(a->doc);
	size_t n = 0, nth = 0;
	struct note_draft *d = NULL;
	for (size_t k = 0; k < a->nnote_drafts; k++) {
		size_t i = (a->drafts_next + k) % a->nnote_drafts;
		if (a->note_drafts[i].doc_hash && strcmp(a->note_drafts[i].doc_hash, hash) == 0) {
			n++;
			if (!d) {
				d = &a->note_drafts[i];
				a->drafts_next = i + 1;
			}
		}
	}
	if (!d) {
		say(a, false, "no draft is kept on this article");
		return;
	}
	for (size_t i = 0; i < (size_t)(d - a->note_drafts); i++)
		if (a->note_drafts[i].doc_hash && strcmp(a->note_drafts[i].doc_hash, hash) == 0)
			nth++;
	nth++;
	if (a->list)
		close_list(a);
	struct buf w = BUF_INIT;
	draft_words(&w, d->text);
	if (d->stray) {
		say(a, true, "draft %zu of %zu (\"%s\") cannot be placed: what it was on is gone "
		    "(%s); it is kept%s%s", nth, n, w.data ? w.data : "", d->about ? d->about : "",
		    d->file ? " in " : "", d->file ? u8_safe_str(d->file) : "");
		buf_free(&w);
		return;
	}
	char h[80];
	long long s, e;
	bool reply;
	const char *id;
	char *key = xstrdup(d->key);
	if (add_key_range(key, h, sizeof h, &s, &e)) {
		set_focus(a, PANE_TEXT);
		if (s < 0) {
			if (a->sh.selecting)
				end_selection(a);
		} else {
			size_t len;
			const char *text = doc_text(a->doc, &len);
			size_t bs = doc_cp_to_byte(a->doc, (size_t)s), be = doc_cp_to_byte(a->doc, (size_t)e);
			app_jump(a, bs, true);
			a->sh.cursor_shown = true;
			a->sh.selecting = true;
			a->sh.sel_anchor = bs;
			a->sh.cursor = be > bs ? u8_prev_cluster(text, len, be) : bs;
			a->sh.follow = true;
			text_pane(a)->dirty = true;
		}
		open_annot_prompt(a, PROMPT_NOTE, false);
	} else if ((id = key_annotation(key, &reply))) {
		const struct store_annotation *sa = raw_annotation(a, id);
		const char *me = a->store ? store_author(a->store) : "";
		if (!reply && sa && strcmp(sa->author, me) != 0) {
			say(a, true, "draft %zu of %zu is a new note for %s's annotation, which only %s "
			    "can edit: it is kept", nth, n, sa->author, sa->author);
			free(key);
			buf_free(&w);
			return;
		}
		/* Where its thread is on the text, to see what it is on. */
		const struct store_annotation *root = sa;
		for (int up = 0; root && root->parent && up < 32; up++)
			root = raw_annotation(a, root->parent);
		for (size_t i = 0; root && i < a->nannots; i++)
			if (a->annots[i].placed && strcmp(a->annots[i].a->id, root->id) == 0) {
				app_jump(a, a->annots[i].start, true);
				break;
			}
		annotate_change_clear(&a->draft);
		a->draft.kind = reply ? ANNOTATE_REPLY : ANNOTATE_EDIT;
		a->draft.id = xstrdup(id);
		open_prompt(a, PROMPT_NOTE, false);
		if (!reply)
			le_set(&a->le, sa && sa->note ? sa->note : "");
		offer_draft(a);
	}
	/* The prompt opened on this draft (a range rounded to whole
	   characters may have keyed it otherwise): it has its text. */
	if (a->prompt == PROMPT_NOTE && a->prompt_draft_key && strcmp(a->prompt_draft_key, key) != 0 &&
	    (d = find_draft(a, key)) != NULL) {
		free(d->key);
		d->key = xstrdup(a->prompt_draft_key);
		offer_draft(a);
	}
	if (a->prompt == PROMPT_NOTE)
		say(a, false, "draft %zu of %zu: Enter saves it, Esc keeps it%s", nth, n,
		    n > 1 ? " (:drafts for the next)" : "");
	free(key);
	buf_free(&w);
}

/* Tab in the tag prompt: completes the tag being typed from the tags the
 * store knows; several candidates complete their common start and are
 * listed beside the prompt. */
static void
complete_tag(struct app *a)
{
	struct lineedit *le = &a->le;
	free(a->prompt_hint);
	a->prompt_hint = NULL;
	if (!a->store)
		return;
	size_t start = le->cursor;
	while (start > 0) {
		size_t p = u8_prev_cluster(le->text.data, le->text.len, start);
		int32_t cp;
		u8_decode(le->text.data, le->text.len, p, &cp);
		if (cp == ' ' || cp == ',' || cp == 0xFF0C || cp == 0x3001)
			break;
		start = p;
	}
	size_t wlen = le->cursor - start;
	struct store_tag_list tl = { 0 };
	if (store_tags_list(a->store, NULL, &tl, NULL) != GL_OK)
		return;
	const char *first = NULL;
	size_t common = 0, n = 0;
	struct buf hint = BUF_INIT;
	for (size_t i = 0; i < tl.count; i++) {
		const char *t = tl.items[i].tag;
		if (strncmp(t, le->text.data + start, wlen) != 0)
			continue;
		if (!first) {
			first = t;
			common = strlen(t);
		} else {
			size_t k = 0;
			while (k < common && t[k] == first[k])
				k++;
			common = k;
		}
		buf_printf(&hint, "%s%s", n ? " " : "", t);
		n++;
	}
	if (n == 0) {
		a->prompt_hint = xstrdup("no such tag yet");
	} else {
		/* Complete to a whole character. */
		while (common > wlen && (first[common] & 0xC0) == 0x80)
			common--;
		le_insert(le, first + wlen, common - wlen);
		if (n == 1)
			le_insert(le, " ", 1);
		else
			a->prompt_hint = buf_steal(&hint, NULL);
	}
	buf_free(&hint);
	store_tag_list_free(&tl);
}

/* Ctrl-X Ctrl-E or :note-edit: the note in $EDITOR (vi when unset) on a
 * temporary file, with the terminal handed over while it runs. */
static void
edit_in_editor(struct app *a)
{
	const char *tmpdir = getenv("TMPDIR");
	char *path = xasprintf("%s/gloss-note-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		say(a, true, "cannot make a temporary file for the editor: %s", strerror(errno));
		free(path);
		return;
	}
	const char *t = a->le.text.data ? a->le.text.data : "";
	size_t n = strlen(t);
	bool wrote = write(fd, t, n) == (ssize_t)n && (n == 0 || write(fd, "\n", 1) == 1);
	close(fd);
	if (!wrote) {
		say(a, true, "cannot write the temporary file for the editor");
		unlink(path);
		free(path);
		return;
	}
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	char *cmd = xasprintf("%s \"$GLOSS_NOTE_FILE\"", editor);
	setenv("GLOSS_NOTE_FILE", path, 1);
	ui_suspend(a->ui);
	int rc = system(cmd);
	ui_resume(a->ui);
	unsetenv("GLOSS_NOTE_FILE");
	ui_redraw_all(a->ui);
	all_dirty(a);
	a->arrange_needed = true;
	free(cmd);
	char *back = NULL;
	size_t blen = 0;
	if (rc == 0 && gl_read_file(path, &back, &blen, (size_t)16 << 20, NULL) == GL_OK) {
		while (blen && (back[blen - 1] == '\n' || back[blen - 1] == '\r'))
			back[--blen] = '\0';
		le_clear(&a->le);
		le_insert_multiline(&a->le, back, blen);
		say(a, false, "the note is back from the editor: Enter saves it");
	} else {
		say(a, true, "the editor failed (status %d): the note is as it was", rc);
	}
	free(back);
	unlink(path);
	free(path);
}

static void
delete_action(struct app *a)
{
	size_t i = current_annot(a);
	if (i == (size_t)-1) {
		say(a, true, "no annotation here to delete");
		return;
	}
	struct gl_error err;
	char *id = xstrdup(a->annots[i].a->id);
	enum gl_status s = a->store ? store_annotation_delete(a->store, id, &err)
				    : gl_fail(&err, GL_STORE, "no annotation store is open");
	free(id);
	if (s != GL_OK) {
		say(a, true, "%s", err.message);
		return;
	}
	annots_changed(a);
	say(a, false, "annotation deleted (u undoes)");
}

static void
private_action(struct app *a)
{
	if (a->focus == PANE_TEXT && a->sh.selecting) {
		a->next_private = !a->next_private;
		say(a, false, a->next_private ? "the next annotation will be private"
					      : "the next annotation will be shared");
		return;
	}
	if (!draft_edit(a, true))
		return;
	bool now = a->annots[current_annot(a)].a->is_private;
	a->draft.set_private = now ? -1 : 1;
	if (apply_change(a, &a->draft, NULL))
		say(a, false, now ? "shared" : "private: only you see it");
}

static void
resolve_action(struct app *a)
{
	size_t i = current_annot(a);
	if (i == (size_t)-1 || !a->store) {
		say(a, true, "no annotation here");
		return;
	}
	bool open = a->annots[i].a->status == STORE_STATUS_OPEN;
	struct gl_error err;
	char *id = xstrdup(a->annots[i].a->id);
	enum gl_status s = store_annotation_set_status(
		a->store, id, open ? STORE_STATUS_RESOLVED : STORE_STATUS_OPEN, &err);
	free(id);
	if (s != GL_OK) {
		say(a, true, "%s", err.message);
		return;
	}
	annots_changed(a);
	say(a, false, open ? "resolved" : "reopened");
}

static void
undo_action(struct app *a, bool redo)
{
	if (!a->store) {
		say(a, true, "no annotation store is open");
		return;
	}
	/* Scoped to the open document: u never touches another article's
	   notes behind the reader's back (gloss undo does that, unscoped). */
	if (!attach_document(a, false)) {
		say(a, false, redo ? "nothing to redo in this document"
				   : "nothing to undo in this document");
		return;
	}
	struct store_event ev = { 0 };
	struct gl_error err;
	enum gl_status s = redo ? store_redo_in(a->store, a->doc_id, &ev, &err)
				: store_undo_in(a->store, a->doc_id, &ev, &err);
	if (s == GL_NO_MATCH) {
		say(a, false, redo ? "nothing to redo in this document"
				   : "nothing to undo in this document");
		return;
	}
	if (s != GL_OK) {
		say(a, true, "%s", err.message);
		return;
	}
	/* "place" is :reanchor's: undone, the note is back where it was. */
	say(a, false, "%s: %s", redo ? "redone" : "undone",
	    !ev.what ? "change" : !strcmp(ev.what, "place") ? "re-anchoring" : ev.what);
	store_event_clear(&ev);
	annots_changed(a);
}

static void
base64(struct buf *out, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_putc(out, tab[(v >> 18) & 63]);
		buf_putc(out, tab[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* y: the selection, or the annotation's quote and note, to the local
 * clipboard through OSC 52 (the terminal decides whether to allow it). */
static void
copy_action(struct app *a)
{
	struct buf text = BUF_INIT;
	size_t s, e, i;
	if (a->focus == PANE_TEXT && pane_selection(&a->sh, &s, &e)) {
		buf_append(&text, doc_text(a->doc, NULL) + s, e - s);
		end_selection(a);
	} else if ((i = current_annot(a)) != (size_t)-1) {
		const struct store_annotation *sa = a->annots[i].a;
		if (sa->exact)
			buf_puts(&text, sa->exact);
		if (sa->note && *sa->note)
			buf_printf(&text, "%s%s", text.len ? "\n\n" : "", sa->note);
	} else {
		say(a, true, "nothing to copy: select text (v) or move onto an annotation");
		return;
	}
	size_t n = cp_len(text.data ? text.data : "", text.len);
	if (!a->osc52) {
		say(a, true, "copying to the clipboard is off (osc52 = on in the config turns it on)");
		buf_free(&text);
		return;
	}
	struct buf seq = BUF_INIT;
	buf_puts(&seq, "\033]52;c;");
	base64(&seq, (const unsigned char *)(text.data ? text.data : ""), text.len);
	buf_putc(&seq, '\a');
	ui_send_raw(a->ui, seq.data, seq.len);
	buf_free(&seq);
	buf_free(&text);
	say(a, false, "copied %zu characters", n);
}

/* :filter tag=X author=Y state=open|resolved style=N; :filter clears. */
static void
filter_command(struct app *a, char *args)
{
	free(a->filter_tag);
	free(a->filter_author);
	a->filter_tag = a->filter_author = NULL;
	a->sh.filter_tag = a->sh.filter_author = NULL;
	a->sh.filter_style = 0;
	a->sh.filter_status_set = false;
	bool bad = false;
	for (char *tok = strtok(args, " \t"); tok; tok = strtok(NULL, " \t")) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			bad = true;
			break;
		}
		*eq = '\0';
		const char *v = eq + 1;
		long n;
		if (!strcmp(tok, "tag")) {
			free(a->filter_tag);
			a->filter_tag = xstrdup(v);
		} else if (!strcmp(tok, "author")) {
			free(a->filter_author);
			a->filter_author = xstrdup(v);
		} else if (!strcmp(tok, "state") || !strcmp(tok, "status")) {
			if (!store_status_parse(v, &a->sh.filter_status)) {
				bad = true;
				break;
			}
			a->sh.filter_status_set = true;
		} else if (!strcmp(tok, "style") && gl_parse_long(v, 1, 5, &n)) {
			a->sh.filter_style = (int)n;
		} else {
			bad = true;
			break;
		}
	}
	if (bad) {
		free(a->filter_tag);
		free(a->filter_author);
		a->filter_tag = a->filter_author = NULL;
		a->sh.filter_style = 0;
		a->sh.filter_status_set = false;
		say(a, true, ":filter takes tag=X author=Y state=open|resolved style=1-5 (none clears)");
	}
	a->sh.filter_tag = a->filter_tag;
	a->sh.filter_author = a->filter_author;
	a->panes[PANE_NOTES].ops->reload(&a->panes[PANE_NOTES]);
	all_dirty(a);
	if (!bad) {
		bool any = a->filter_tag || a->filter_author || a->sh.filter_style || a->sh.filter_status_set;
		say(a, false, any ? "notes filtered" : "notes filter cleared");
	}
}

/* A text object (i/a then w q b s c p) becomes the selection. */
static void
text_object(struct app *a, bool around, int32_t key)
{
	size_t off = a->sh.cursor_shown ? a->sh.cursor : a->sh.top;
	size_t s, e;
	if (!pane_text_object(a->doc, off, key, around, &s, &e)) {
		struct buf name = BUF_INIT;
		keymap_key_name(key, &name);
		say(a, true, "no %s here (w word, q quotes, b brackets, s sentence, c clause, p paragraph)",
		    name.data);
		buf_free(&name);
		return;
	}
	size_t len;
	const char *text = doc_text(a->doc, &len);
	a->sh.cursor_shown = true;
	a->sh.selecting = true;
	a->sh.sel_anchor = s;
	a->sh.cursor = u8_prev_cluster(text, len, e);
	a->sh.follow = true;
	text_pane(a)->dirty = true;
}

/* :reanchor [ID]: an annotation that is not placed on this text (an
 * orphan) goes onto the selection, with the selection as its new quote.
 * Which one: ID, else the one chosen in the focused notes pane, else the
 * one a :reanchor without a selection remembered, else the only one that
 * is not placed.  Without a selection, remembers it and asks for one. */
static void
reanchor_command(struct app *a, const char *args)
{
	struct gl_error err;
	if (!a->store) {
		say(a, true, "no annotation store is open");
		return;
	}
	char *id = NULL;
	size_t chosen = a->sh.notes_chosen;
	if (*args) {
		if (store_resolve_id(a->store, args, &id, &err) != GL_OK) {
			say(a, true, "%s", err.message);
			return;
		}
	} else if (a->focus == PANE_NOTES && chosen < a->nannots) {
		/* Not one that stands where it belongs: only an orphan, one
		   not on this text, or an approximate match. */
		const struct pane_annot *an = &a->annots[chosen];
		if (!an->a->exact) {
			say(a, true, "a page note has no place in the text to re-anchor");
			return;
		}
		if (an->placed && an->a->anchor != STORE_ANCHOR_FUZZY) {
			say(a, true, "this note is on the text already (:reanchor ID moves it anyway)");
			return;
		}
		id = xstrdup(an->a->id);
	} else if (a->reanchor_id) {
		id = xstrdup(a->reanchor_id);
	} else {
		size_t n = 0, found = 0;
		for (size_t i = 0; i < a->nannots; i++)
			if (!a->annots[i].placed && a->annots[i].a->exact &&
			    pane_annot_visible(&a->sh, &a->annots[i])) {
				n++;
				found = i;
			}
		if (n != 1) {
			say(a, true, n ? "%zu notes are not placed: choose one in the notes pane (F3, Tab), "
					 "then :reanchor"
				       : "every note is placed: choose the one to move in the notes pane, "
					 "then :reanchor", n);
			return;
		}
		id = xstrdup(a->annots[found].a->id);
	}
	size_t ss, se;
	if (!pane_selection(&a->sh, &ss, &se)) {
		free(a->reanchor_id);
		a->reanchor_id = id;
		if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT)
			set_overlay(a, PANE_TEXT);
		set_focus(a, PANE_TEXT);
		say(a, false, "now select where it belongs (v, then move) and :reanchor again");
		return;
	}
	size_t len;
	const char *text = doc_text(a->doc, &len);
	struct anchor_selector sel;
	enum gl_status st = need_document(a, &err);
	if (st == GL_OK)
		st = anchor_make(text, len, doc_byte_to_cp(a->doc, ss), doc_byte_to_cp(a->doc, se), &sel,
				 &err);
	if (st == GL_OK) {
		st = store_annotation_place(a->store, id, doc_hash(a->doc), DOC_RENDERER_VERSION,
					    (long long)sel.start, (long long)sel.end, sel.exact, sel.prefix,
					    sel.suffix, &err);
		if (st == GL_OK) {
			struct buf q = BUF_INIT;
			size_t n = cp_len(sel.exact, strlen(sel.exact));
			u8_safe(&q, sel.exact, pane_first_line(sel.exact));
			say(a, false, "re-anchored on \"%s\" (%zu character%s)", q.data ? q.data : "", n,
			    n == 1 ? "" : "s");
			buf_free(&q);
		}
		anchor_selector_free(&sel);
	}
	if (st != GL_OK) {
		say(a, true, "cannot re-anchor: %s", err.message);
		free(id);
		return;
	}
	free(id);
	free(a->reanchor_id);
	a->reanchor_id = NULL;
	end_selection(a);
	annots_changed(a);
}

/* Splits a command's arguments into words at spaces; "double" or
 * 'single' quotes keep spaces in a word.  argv[0] is `name`.  Returns
 * argc; the caller frees argv[1..] and argv. */
static int
split_args(const char *name, const char *args, char ***argv_out)
{
	char **argv = xcalloc(2, sizeof *argv);
	int argc = 1;
	argv[0] = (char *)name;
	const char *p = args;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		struct buf w = BUF_INIT;
		char quote = 0;
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '"' || *p == '\''))
				quote = *p;
			else
				buf_putc(&w, *p);
		}
		argv = xreallocarray(argv, (size_t)argc + 2, sizeof *argv);
		argv[argc++] = w.data ? buf_steal(&w, NULL) : xstrdup("");
		buf_free(&w);
	}
	argv[argc] = NULL;
	*argv_out = argv;
	return argc;
}

/* The file :export writes to when not told: named after the article (its
 * file's name without the extension, else its title), "-notes" and the
 * format's extension, in the current directory; never one that exists. */
static char *
default_export_name(const struct app *a, enum export_format f)
{
	const char *src = doc_source(a->doc);
	const char *base = doc_title(a->doc);
	size_t n = strlen(base);
	bool is_url = strstr(src, "://") != NULL;
	/* A pipe's path (/dev/fd/63 of gloss <(cmd)) names nothing: the
	   title does. */
	if (*src && strcmp(src, "-") != 0 && !is_url && !doc_source_is_transient(a->doc)) {
		const char *slash = strrchr(src, '/');
		base = slash ? slash + 1 : src;
		const char *dot = strrchr(base, '.');
		n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	}
	/* A name a shell and every file system take: no slash, control
	   character or space; at most 60 bytes, whole characters. */
	struct buf name = BUF_INIT;
	for (size_t i = 0; i < n && name.len < 60;) {
		int32_t cp;
		size_t next = i + u8_decode(base, n, i, &cp);
		bool bad = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffd ||
			   (cp < 0x80 && strchr("/\\ :*?\"<>|'`$&;!", (int)cp) != NULL);
		if (bad)
			cp = '-';
		if (cp == '-' && (name.len == 0 || name.data[name.len - 1] == '-')) {
			i = next;
			continue;
		}
		if (cp == '.' && name.len == 0) {
			i = next;
			continue;
		}
		if (cp == '-')
			buf_putc(&name, '-');
		else
			buf_append(&name, base + i, next - i);
		i = next;
	}
	while (name.len && name.data[name.len - 1] == '-')
		name.data[--name.len] = '\0';
	if (!name.len)
		buf_puts(&name, "gloss");
	const char *ext = export_format_name(f);
	char *path = xasprintf("%s-notes.%s", name.data, ext);
	struct stat st;
	for (int k = 2; lstat(path, &st) == 0 && k < 1000; k++) {
		free(path);
		path = xasprintf("%s-notes-%d.%s", name.data, k, ext);
	}
	buf_free(&name);
	return path;
}

/* :export [--format md|json|csv|html] [-o OUT] [--author A] [--tag T]
 * [--status S] [--since DATE] [--full]: the open article's annotations,
 * as `gloss export FILE` writes them (the same options, parsed by the
 * same code), to OUT or to a file named after the article. */
static void
export_command(struct app *a, const char *args)
{
	char **argv;
	int argc = split_args("export", args, &argv);
	struct export_args ea;
	struct gl_error err;
	struct buf out = BUF_INIT;
	char *path = NULL;
	if (export_args_parse(argc, argv, &ea, &err) != GL_OK) {
		say(a, true, ":export: %s (options: --format md|json|csv|html -o FILE --author A "
		    "--tag T --status open|resolved --since DATE --full)", err.message);
		goto out_args;
	}
	if (ea.first_operand < argc) {
		say(a, true, ":export writes this article's notes (gloss export FILE... on the "
		    "command line exports others)");
		goto out;
	}
	if (ea.output && strcmp(ea.output, "-") == 0) {
		say(a, true, ":export writes a file: -o - (standard output) is for the command line");
		goto out;
	}
	if (!a->store || !a->doc_id) {
		say(a, true, "nothing to export: this article has no annotations in the store");
		goto out;
	}
	size_t count = 0;
	struct export_document d = { .id = a->doc_id, .doc = a->doc };
	if (export_write(a->store, &d, 1, &ea.opt, &out, &count, &err) != GL_OK) {
		say(a, true, "cannot export: %s", err.message);
		goto out;
	}
	if (!count) {
		/* As gloss export: an export with no annotation is no file. */
		say(a, true, "nothing to export: %s", argc > 1
			? "no annotation of this article matches those options"
			: "this article has no annotations in the store");
		goto out;
	}
	if (ea.output && ea.output[0] == '~' && ea.output[1] == '/')
		path = xasprintf("%s%s", getenv("HOME") ? getenv("HOME") : "", ea.output + 1);
	else
		path = ea.output ? xstrdup(ea.output) : default_export_name(a, ea.opt.format);
	mode_t mask = umask(0);
	umask(mask);
	if (gl_write_file_atomic(path, out.data ? out.data : "", out.len, 0666 & ~(unsigned)mask,
				 &err) != GL_OK) {
		say(a, true, "cannot export: %s", err.message);
		goto out;
	}
	struct buf shown = BUF_INIT;
	u8_safe(&shown, path, strlen(path));
	say(a, false, "%zu annotation%s exported to %s (%s)%s%s", count, count == 1 ? "" : "s",
	    shown.data, export_format_name(ea.opt.format), ea.warning ? "; " : "",
	    ea.warning ? ea.warning : "");
	buf_free(&shown);
out:
	export_args_clear(&ea);
out_args:
	buf_free(&out);
	free(path);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* The : commands of annotating; false when `cmd` is not one. */
static bool
annotate_command(struct app *a, const char *cmd, char *args)
{
	/* Styles as gloss add --style takes them (store_style_number). */
	int n = 0;
	if (!strcmp(cmd, "highlight")) {
		if (*args && !(n = store_style_number(args)))
			say(a, true, ":highlight takes a style from 1 to 5");
		else
			highlight_action(a, n);
	} else if (!strcmp(cmd, "style")) {
		if (!(n = store_style_number(args)))
			say(a, true, ":style takes a style from 1 to 5");
		else
			highlight_action(a, n);
	} else if (!strcmp(cmd, "tag") && *args) {
		if (a->focus == PANE_TEXT && a->sh.selecting) {
			if (!draft_from_selection(a, false))
				return true;
			a->draft.tags = annotate_parse_tags(args, &a->draft.ntags);
			save_draft_add(a, "tagged");
		} else if (draft_edit(a, true)) {
			/* :tag on an annotation adds to its tags. */
			const struct store_annotation *sa = a->annots[current_annot(a)].a;
			struct buf all = BUF_INIT;
			for (size_t i = 0; i < sa->tag_count; i++)
				buf_printf(&all, "%s ", sa->tags[i]);
			buf_puts(&all, args);
			a->draft.tags = annotate_parse_tags(all.data, &a->draft.ntags);
			a->draft.set_tags = true;
			buf_free(&all);
			if (apply_change(a, &a->draft, NULL))
				say(a, false, "tags saved");
		}
	} else if (!strcmp(cmd, "note") && *args) {
		if (!draft_from_selection(a, true))
			return true;
		struct buf nfc = BUF_INIT;
		u8_nfc(&nfc, args, strlen(args));
		a->draft.set_note = true;
		a->draft.note = buf_steal(&nfc, NULL);
		save_draft_add(a, "note saved");
	} else if (!strcmp(cmd, "note-edit")) {
		if (a->focus == PANE_TEXT && a->sh.selecting)
			open_annot_prompt(a, PROMPT_NOTE, false);
		else if (current_annot(a) != (size_t)-1)
			open_annot_prompt(a, PROMPT_NOTE, true);
		else
			open_annot_prompt(a, PROMPT_NOTE, false);
		if (a->prompt == PROMPT_NOTE)
			edit_in_editor(a);
	} else if (!strcmp(cmd, "filter")) {
		filter_command(a, args);
	} else if (!strcmp(cmd, "retry")) {
		retry_command(a);
	} else if (!strcmp(cmd, "reanchor")) {
		reanchor_command(a, args);
	} else if (!strcmp(cmd, "export")) {
		export_command(a, args);
	} else {
		return false;
	}
	return true;
}


static void
on_resize(struct app *a)
{
	/* As vim does: the cursor (the moving end of a selection, the text
	   a note is being typed for) stays in view when the window
	   shrinks; the top stays where it was when it can. */
	if (a->sh.cursor_shown)
		a->sh.follow = true;
	a->arrange_needed = true;
	ui_redraw_all(a->ui);
}

static void
wait_for(struct app *a, const char *args)
{
	char *text = xstrdup(args);
	double seconds = 5;
	char *last = strrchr(text, ' ');
	if (last) {
		char *end;
		double v = strtod(last + 1, &end);
		if (end != last + 1 && *end == '\0' && v > 0) {
			seconds = v;
			*last = '\0';
		}
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (ui_pending_signal())
			break;   /* the loop ends the program */
		refresh_from_store(a);
		draw(a);
		if (ui_screen_contains(a->ui, text))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double el = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (el > seconds) {
			script_error(a, "wait-for: \"%s\" did not show within %g seconds", text, seconds);
			break;
		}
		struct timespec nap = { 0, 20 * 1000 * 1000 };
		nanosleep(&nap, NULL);
	}
	free(text);
}

static bool
parse_onoff(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return false;
	return true;
}

/* O, :set others on|off: shows or hides the annotations of other
 * authors, in the text and in the notes pane. */
static void
show_others(struct app *a, bool show)
{
	a->sh.hide_others = !show;
	/* The outline counts what the text shows. */
	size_t nsec = outline_count(a->outline);
	if (a->section_counts)
		memset(a->section_counts, 0, (nsec ? nsec : 1) * sizeof *a->section_counts);
	size_t others = 0;
	for (size_t i = 0; i < a->nannots; i++) {
		const struct pane_annot *an = &a->annots[i];
		others += !an->mine;
		if (an->placed && an->section != (size_t)-1 && (show || an->mine) && a->section_counts)
			a->section_counts[an->section]++;
	}
	a->panes[PANE_NOTES].ops->reload(&a->panes[PANE_NOTES]);
	all_dirty(a);
	if (show)
		say(a, false, "others' annotations shown (%zu)", others);
	else
		say(a, false, "others' annotations hidden (%zu): O shows them", others);
}

static void
set_command(struct app *a, char *args)
{
	while (*args == ' ')
		args++;
	if (!*args) {
		say(a, false, "ambiguous-width %d  panes %s%s%s  outline-width %d  notes-width %d  search-wrap %s"
		    "  others %s  theme %s  mouse %s  korean-keep-all %s  status %s",
		    u8_ambiguous_width(), a->show_outline ? "outline" : "",
		    a->show_outline && a->show_notes ? "," : "", a->show_notes ? "notes" : (a->show_outline ? "" : "text"),
		    a->outline_width, a->notes_width, a->search_wrap ? "on" : "off",
		    a->sh.hide_others ? "off" : "on", ui_theme(a->ui), ui_mouse(a->ui) ? "on" : "off",
		    u8_korean_keep_all() ? "on" : "off", a->status_bottom ? "bottom" : "top");
		return;
	}
	char *name = args, *value = args + strcspn(args, " =");
	if (*value) {
		*value++ = '\0';
		while (*value == ' ' || *value == '=')
			value++;
	}
	long n;
	if (!strcmp(name, "ambiguous-width")) {
		if (!gl_parse_long(value, 1, 2, &n)) {
			say(a, true, "ambiguous-width is 1 or 2");
			return;
		}
		u8_set_ambiguous_width((int)n);
		layout_invalidate(a->layout);
		text_pane(a)->ops->select(text_pane(a), a->sh.top);
		a->arrange_needed = true;
		ui_redraw_all(a->ui);
	} else if (!strcmp(name, "korean-keep-all")) {
		bool on;
		if (!parse_onoff(value, &on)) {
			say(a, true, "korean-keep-all is on (Korean breaks at spaces) or off "
			    "(between any two syllables)");
			return;
		}
		u8_set_korean_keep_all(on);
		layout_invalidate(a->layout);
		text_pane(a)->ops->select(text_pane(a), a->sh.top);
		ui_redraw_all(a->ui);
	} else if (!strcmp(name, "status")) {
		if (strcmp(value, "top") != 0 && strcmp(value, "bottom") != 0) {
			say(a, true, "status is top or bottom (where the status line is)");
			return;
		}
		a->status_bottom = value[0] == 'b';
		a->arrange_needed = true;
		ui_redraw_all(a->ui);
		all_dirty(a);
	} else if (!strcmp(name, "panes")) {
		if (!parse_panes(a, value))
			say(a, true, "panes is a list of outline, notes (or text)");
	} else if (!strcmp(name, "outline-width") || !strcmp(name, "notes-width")) {
		if (!gl_parse_long(value, 0, 200, &n)) {
			say(a, true, "%s is a number of columns (0: automatic)", name);
			return;
		}
		*(name[0] == 'o' ? &a->outline_width : &a->notes_width) = (int)n;
		a->arrange_needed = true;
	} else if (!strcmp(name, "search-wrap")) {
		if (!parse_onoff(value, &a->search_wrap))
			say(a, true, "search-wrap is on or off");
	} else if (!strcmp(name, "others")) {
		bool show;
		if (!parse_onoff(value, &show))
			say(a, true, "others is on (show other authors' annotations) or off");
		else
			show_others(a, show);
	} else if (!strcmp(name, "mouse")) {
		bool on;
		if (!parse_onoff(value, &on)) {
			say(a, true, "mouse is on (gloss takes clicks, drags and the wheel) or off "
			    "(the terminal's own, such as drag to copy)");
			return;
		}
		ui_set_mouse(a->ui, on);
		say(a, false, on ? "mouse on: click, drag to select, wheel to scroll"
		    : "mouse off: the terminal's own selection and copy");
	} else if (!strcmp(name, "theme")) {
		/* NO_COLOR still means no colour: a theme then only changes
		   attributes. */
		if (!ui_set_theme(a->ui, value, a->opt->no_color)) {
			say(a, true, "theme is default, light or mono");
			return;
		}
		ui_redraw_all(a->ui);
		all_dirty(a);
		say(a, false, "theme %s%s", value,
		    a->opt->no_color && strcmp(value, "mono") != 0 ? " (without colours: NO_COLOR is set)" : "");
	} else {
		say(a, true, "unknown setting: %s", name);
	}
}

static void
heading_command(struct app *a, const char *arg)
{
	size_t n = outline_count(a->outline);
	long k;
	if (gl_parse_long(arg, 1, LONG_MAX, &k)) {
		if ((size_t)k > n) {
			say(a, true, "there %s only %zu heading%s", n == 1 ? "is" : "are", n, n == 1 ? "" : "s");
			return;
		}
		app_jump(a, outline_entry(a->outline, (size_t)k - 1)->start, true);
		return;
	}
	struct buf want = BUF_INIT;
	u8_fold(&want, arg, strlen(arg), NULL);
	for (size_t i = 0; i < n; i++) {
		const char *t = outline_entry(a->outline, i)->title;
		struct buf f = BUF_INIT;
		u8_fold(&f, t, strlen(t), NULL);
		bool hit = want.len && f.data && strstr(f.data, want.data);
		buf_free(&f);
		if (hit) {
			buf_free(&want);
			app_jump(a, outline_entry(a->outline, i)->start, true);
			return;
		}
	}
	buf_free(&want);
	say(a, true, "no heading matches: %s", arg);
}

static void
run_command(struct app *a, const char *line_in)
{
	char *line = xstrdup(line_in);
	char *cmd = line;
	while (*cmd == ' ' || *cmd == ':')
		cmd++;
	size_t len = strlen(cmd);
	while (len && cmd[len - 1] == ' ')
		cmd[--len] = '\0';
	char *args = cmd + strcspn(cmd, " ");
	if (*args) {
		*args++ = '\0';
		while (*args == ' ')
			args++;
	}
	long n = 0;
	size_t cl = strlen(cmd);
	char *num = xstrdup(cmd);
	/* :42% and :42p; a number past 100 is said to be, not unknown. */
	char unit = cl > 1 ? num[cl - 1] : 0;
	bool is_percent = (unit == '%' || unit == 'p') &&
			  (num[cl - 1] = '\0', gl_parse_long(num, 0, LONG_MAX, &n));
	free(num);
	if (!*cmd) {
		/* nothing */
	} else if (is_percent && n > 100) {
		say(a, true, ":%ld%c is out of range: %s", n, unit,
		    unit == '%' ? "0% to 100%" : "0p to 100p");
	} else if (is_percent) {
		go_percent(a, n);
	} else if (!strcmp(cmd, "q") || !strcmp(cmd, "quit") || !strcmp(cmd, "q!") ||
		   !strcmp(cmd, "x")) {
		if (strcmp(cmd, "q!") == 0 || !warn_unsaved(a))
			a->quit = true;
	} else if (!strcmp(cmd, "heading") || !strcmp(cmd, "h")) {
		if (*args)
			heading_command(a, args);
		else
			say(a, true, ":heading takes a number or words of the heading");
	} else if (!strcmp(cmd, "set")) {
		set_command(a, args);
	} else if (!strcmp(cmd, "open") || !strcmp(cmd, "e")) {
		if (!*args) {
			say(a, true, ":open takes a file name");
		} else {
			char *path = args[0] == '~' && (args[1] == '/' || !args[1])
					     ? xasprintf("%s%s", getenv("HOME") ? getenv("HOME") : "", args + 1)
					     : xstrdup(args);
			open_path(a, path);
			free(path);
		}
	} else if (!strcmp(cmd, "docs")) {
		open_docs(a);
	} else if (!strcmp(cmd, "messages") || !strcmp(cmd, "mes")) {
		open_messages(a);
	} else if (!strcmp(cmd, "drafts")) {
		drafts_command(a);
	} else if (!strcmp(cmd, "help")) {
		open_help(a);
	} else if (annotate_command(a, cmd, args)) {
		/* done */
	} else if (!strcmp(cmd, "save-screen")) {
		unsigned what = 0;
		char *p;
		while ((p = strstr(args, " --attrs")) || (p = strstr(args, " --colours"))) {
			what |= p[3] == 'a' ? UI_DUMP_ATTRS : UI_DUMP_COLOURS;
			memmove(p, p + (p[3] == 'a' ? 8 : 10), strlen(p + (p[3] == 'a' ? 8 : 10)) + 1);
		}
		struct gl_error err;
		draw(a);
		if (!*args || ui_save_screen(a->ui, args, what, &err) != GL_OK)
			script_error(a, "save-screen: %s", *args ? err.message : "needs a file name");
	} else if (!strcmp(cmd, "save-state")) {
		if (*args)
			save_state(a, args);
		else
			script_error(a, "save-state: needs a file name");
	} else if (!strcmp(cmd, "resize")) {
		long c, r;
		char *x = strchr(args, 'x');
		if (x && (*x = '\0', gl_parse_long(args, 1, 1000, &c)) && gl_parse_long(x + 1, 1, 1000, &r)) {
			ui_resize(a->ui, (int)r, (int)c);
			on_resize(a);
		} else {
			say(a, true, ":resize takes COLSxROWS");
		}
	} else if (!strcmp(cmd, "wait-for")) {
		wait_for(a, args);
	} else if (!strcmp(cmd, "mouse")) {
		mouse_command(a, args);
	} else if (!strcmp(cmd, "paste")) {
		struct ui_event ev = { .kind = UI_EVENT_PASTE, .text = args };
		handle_paste(a, &ev);
	} else {
		enum action act = action_by_name(cmd);
		if (act == ACTION_NONE) {
			say(a, true, "unknown command: %s", cmd);
		} else if (action_takes_key(act)) {
			int32_t key;
			if (*args && u8_decode(args, strlen(args), 0, &key))
				mark_action(a, act, key);
			else
				say(a, true, ":%s takes a letter", cmd);
		} else {
			long count = 1;
			bool counted = *args && gl_parse_long(args, 1, 1000000, &count);
			dispatch(a, act, count, counted);
		}
	}
	free(line);
}

/* --------------------------------------------------------------- actions */

/* ---------------------------------------------------------- thread view
 * K on an annotation (o or K in the notes pane): the whole of it and its
 * replies, scrollable; r replies to, e and D act on the line's annotation
 * (the note or a reply; e and D the author's own only), R resolves. */

static const struct store_annotation *
raw_annotation(const struct app *a, const char *id)
{
	for (size_t i = 0; id && i < a->annots_raw.count; i++)
		if (strcmp(a->annots_raw.items[i].id, id) == 0)
			return &a->annots_raw.items[i];
	return NULL;
}

/* (Re)builds the thread view of a->thread_id from the annotations read
 * last, keeping the chosen line; closes it when the annotation is gone. */
static void
build_thread(struct app *a)
{
	char *id = a->thread_id;
	a->thread_id = NULL;
	size_t chosen = a->list_chosen, scroll = a->list_scroll;
	free_list(a);
	a->thread_id = id;
	const struct store_annotation *root = raw_annotation(a, id);
	if (!root) {
		close_list(a);
		say(a, false, "the annotation of the thread is gone");
		return;
	}
	a->thread_width = a->cols - 2;
	thread_lines_build(root, a->annots_raw.items, a->annots_raw.count,
			   a->store ? store_author(a->store) : NULL,
			   a->thread_width > 20 ? a->thread_width : 20, &a->thread,
			   &a->thread_replies);
	for (size_t i = 0; i < a->thread.n; i++)
		list_push(a, a->thread.text[i], strlen(a->thread.text[i]));
	a->list_chosen = chosen < a->list_n ? chosen : a->list_n ? a->list_n - 1 : 0;
	/* The choice is an item (j/k go from one to the next): its header. */
	if (a->list_chosen < a->thread.n) {
		size_t head = thread_item_head(&a->thread, a->thread.item[a->list_chosen]);
		if (head < a->thread.n)
			a->list_chosen = head;
	}
	a->list_scroll = scroll;
	a->list = LIST_THREAD;
	a->list_dirty = true;
	a->status_dirty = true;
}

static void
open_thread(struct app *a)
{
	size_t i = current_annot(a);
	if (i == (size_t)-1) {
		say(a, true, "no annotation here (move the cursor into one, or choose it in the notes)");
		return;
	}
	char *id = xstrdup(a->annots[i].a->id);
	app_seen(a, i);
	free_list(a);
	a->thread_id = id;
	build_thread(a);
	memset(&a->kst, 0, sizeof a->kst);
}

/* The annotation the chosen line of the thread view shows. */
static const struct store_annotation *
thread_chosen(const struct app *a)
{
	if (a->list_chosen >= a->thread.n)
		return NULL;
	size_t k = a->thread.item[a->list_chosen];
	return k ? a->thread_replies[k - 1] : raw_annotation(a, a->thread_id);
}

/* Acts in the thread view; false for what list_key does (moving, q). */
static bool
thread_action(struct app *a, enum action act)
{
	const struct store_annotation *root = raw_annotation(a, a->thread_id);
	const struct store_annotation *sa = thread_chosen(a);
	const char *me = a->store ? store_author(a->store) : "";
	if (!root || !sa)
		return false;
	struct gl_error err;
	switch (act) {
	case ACTION_REPLY:
		/* To the note or reply on the chosen line, as a threaded
		   mail reader answers the message chosen: the new reply
		   shows under it. */
		annotate_change_clear(&a->draft);
		a->draft.kind = ANNOTATE_REPLY;
		a->draft.id = xstrdup(sa->id);
		open_prompt(a, PROMPT_NOTE, false);
		if (sa->parent) {
			free(a->prompt_hint);
			a->prompt_hint = strcmp(sa->author, me) == 0 ? xstrdup("to your reply")
				: xasprintf("to %s's reply", sa->author);
		}
		offer_draft(a);
		return true;
	case ACTION_EDIT_NOTE:
		if (strcmp(sa->author, me) != 0) {
			say(a, true, "only %s can edit this %s", sa->author,
			    sa->parent ? "reply" : "note");
			return true;
		}
		annotate_change_clear(&a->draft);
		a->draft.kind = ANNOTATE_EDIT;
		a->draft.id = xstrdup(sa->id);
		open_prompt(a, PROMPT_NOTE, false);
		le_set(&a->le, sa->note ? sa->note : "");
		offer_draft(a);
		return true;
	case ACTION_DELETE: {
		if (!a->store)
			return true;
		bool reply = sa->parent != NULL;
		char *id = xstrdup(sa->id);
		enum gl_status st = store_annotation_delete(a->store, id, &err);
		free(id);
		if (st != GL_OK) {
			say(a, true, "%s", err.message);
			return true;
		}
		annots_changed(a);
		say(a, false, "%s deleted (u undoes)", reply ? "reply" : "annotation");
		return true;
	}
	case ACTION_RESOLVE: {
		if (!a->store)
			return true;
		bool open = root->status == STORE_STATUS_OPEN;
		char *id = xstrdup(root->id);
		enum gl_status st = store_annotation_set_status(
			a->store, id, open ? STORE_STATUS_RESOLVED : STORE_STATUS_OPEN, &err);
		free(id);
		if (st != GL_OK) {
			say(a, true, "%s", err.message);
			return true;
		}
		annots_changed(a);
		say(a, false, open ? "resolved" : "reopened");
		return true;
	}
	case ACTION_THREAD:
	case ACTION_OPEN:
		close_list(a);
		return true;
	default:
		return false;
	}
}

static void
not_yet(struct app *a, enum action act)
{
	say(a, false, "%s: not in this version of gloss yet", action_name(act));
}

static void
common_action(struct app *a, enum action act, long count, bool counted)
{
	switch (act) {
	case ACTION_TOP:
		if (counted)
			go_percent(a, count);
		else
			app_jump(a, 0, true);
		break;
	case ACTION_BOTTOM:
		if (counted) {
			go_percent(a, count);
		} else {
			app_jump(a, doc_length(a->doc), true);
			/* As vim's G: a cursor shown goes to the last line, not
			   to the top row (where ? would find what is above the
			   last screen); the text pane puts it on that row. */
			size_t len;
			const char *text = doc_text(a->doc, &len);
			if (a->sh.cursor_shown && len)
				a->sh.cursor = u8_prev_cluster(text, len, len);
		}
		break;
	case ACTION_PERCENT: go_percent(a, counted ? count : 0); break;
	case ACTION_HEADING_NEXT: go_heading(a, true, count); break;
	case ACTION_HEADING_PREV: go_heading(a, false, count); break;
	case ACTION_ANNOTATION_NEXT: go_annotation(a, true, 0, count); break;
	case ACTION_ANNOTATION_PREV: go_annotation(a, false, 0, count); break;
	case ACTION_UNRESOLVED_NEXT: go_annotation(a, true, 1, count); break;
	case ACTION_UNRESOLVED_PREV: go_annotation(a, false, 1, count); break;
	case ACTION_AUTHOR_NEXT: go_annotation(a, true, 2, count); break;
	case ACTION_AUTHOR_PREV: go_annotation(a, false, 2, count); break;
	case ACTION_TAG_NEXT: go_annotation(a, true, 3, count); break;
	case ACTION_TAG_PREV: go_annotation(a, false, 3, count); break;
	case ACTION_JUMP_BACK: jump_back(a, count); break;
	case ACTION_JUMP_FORWARD: jump_forward(a, count); break;
	case ACTION_SEARCH_FORWARD: open_prompt(a, PROMPT_SEARCH, false); break;
	case ACTION_SEARCH_BACKWARD: open_prompt(a, PROMPT_SEARCH, true); break;
	case ACTION_SEARCH_NEXT: search_next(a, false, count); break;
	case ACTION_SEARCH_PREV: search_next(a, true, count); break;
	case ACTION_FOCUS_NEXT: cycle_focus(a, 1); break;
	case ACTION_FOCUS_PREV: cycle_focus(a, -1); break;
	case ACTION_TOGGLE_OUTLINE: toggle_pane(a, PANE_OUTLINE); break;
	case ACTION_TOGGLE_NOTES: toggle_pane(a, PANE_NOTES); break;
	case ACTION_TOGGLE_OTHERS: show_others(a, a->sh.hide_others); break;
	case ACTION_COMMAND: open_prompt(a, PROMPT_COMMAND, false); break;
	case ACTION_HELP: open_help(a); break;
	case ACTION_REDRAW:
		ui_redraw_all(a->ui);
		all_dirty(a);
		break;
	case ACTION_HIGHLIGHT: highlight_action(a, 0); break;
	case ACTION_STYLE_1:
	case ACTION_STYLE_2:
	case ACTION_STYLE_3:
	case ACTION_STYLE_4:
	case ACTION_STYLE_5:
		highlight_action(a, 1 + (int)(act - ACTION_STYLE_1));
		break;
	case ACTION_TAG: open_annot_prompt(a, PROMPT_TAG, false); break;
	case ACTION_NOTE:
		/* A page note takes C: c without a selection made stray ones. */
		if (a->focus == PANE_TEXT && !a->sh.selecting)
			say(a, true, "select some text first (v, then move); C writes a page note");
		else
			open_annot_prompt(a, PROMPT_NOTE, false);
		break;
	case ACTION_PAGE_NOTE:
		if (a->sh.selecting)
			end_selection(a);
		open_annot_prompt(a, PROMPT_NOTE, false);
		break;
	case ACTION_THREAD: open_thread(a); break;
	case ACTION_EDIT_NOTE: open_annot_prompt(a, PROMPT_NOTE, true); break;
	case ACTION_EDIT_TAGS: open_annot_prompt(a, PROMPT_TAG, true); break;
	case ACTION_DELETE: delete_action(a); break;
	case ACTION_REPLY:
		/* Anyone may reply to what they see. */
		if (draft_edit(a, false)) {
			a->draft.kind = ANNOTATE_REPLY;
			open_prompt(a, PROMPT_NOTE, false);
			offer_draft(a);
		}
		break;
	case ACTION_PRIVATE: private_action(a); break;
	case ACTION_RESOLVE: resolve_action(a); break;
	case ACTION_UNDO: undo_action(a, false); break;
	case ACTION_REDO: undo_action(a, true); break;
	case ACTION_COPY: copy_action(a); break;
	case ACTION_SELECT:
		/* :select from another pane: selecting is the text's. */
		set_focus(a, PANE_TEXT);
		dispatch(a, act, count, counted);
		break;
	case ACTION_CANCEL:
		if (a->sh.selecting) {
			a->sh.selecting = false;
			text_pane(a)->dirty = true;
		} else if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT)
			set_overlay(a, PANE_TEXT);
		else if (search_has_query(a->search)) {
			set_query(a, "");
			say(a, false, "search highlights cleared (n searches again)");
		}
		break;
	case ACTION_QUIT:
		if (!warn_unsaved(a))
			a->quit = true;
		break;
	case ACTION_OPEN:
	case ACTION_LINE_DOWN:
	case ACTION_LINE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_HALF_PAGE_DOWN:
	case ACTION_HALF_PAGE_UP:
		break;
	default:
		not_yet(a, act);
		break;
	}
}

static void
dispatch(struct app *a, enum action act, long count, bool counted)
{
	struct pane *p = &a->panes[a->focus];
	bool heading_chosen = a->focus == PANE_OUTLINE && act == ACTION_OPEN;
	act = p->ops->handle(p, act, count, counted);
	if (act != ACTION_NONE)
		common_action(a, act, count, counted);
	/* Enter on a heading: the reader goes on reading there, in the
	   text (Tab goes back to the outline). */
	if (heading_chosen && a->focus == PANE_OUTLINE)
		set_focus(a, PANE_TEXT);
	a->status_dirty = true;
}

static bool
bound_alone(const struct app *a, enum keymap_mode mode, int32_t key)
{
	struct keymap_state tmp = { { 0 }, 0 };
	return keymap_feed(a->km, mode, &tmp, key) != ACTION_NONE;
}

static void
handle_key(struct app *a, int32_t key)
{
	if (a->arr == ARR_TOO_SMALL && !a->prompt) {
		/* Only quitting makes sense on a screen too small to read. */
		if (keymap_feed(a->km, KEYMAP_READING, &a->kst, key) == ACTION_QUIT)
			a->quit = true;
		return;
	}
	if (key == GK_CTRL('j') && a->prompt != PROMPT_NOTE)
		key = GK_ENTER;   /* Ctrl-J is Enter outside a note */
	if (!a->prompt)
		clear_message(a);
	if (a->prompt) {
		prompt_key(a, key);
		return;
	}
	if (a->list) {
		list_key(a, key);
		return;
	}
	if (a->pending_arg != ACTION_NONE) {
		enum action act = a->pending_arg;
		a->pending_arg = ACTION_NONE;
		if (key == GK_ESC || key == GK_CTRL('c'))
			return;
		mark_action(a, act, key);
		return;
	}
	enum keymap_mode mode = a->panes[a->focus].ops->mode;
	if (a->focus == PANE_TEXT && a->sh.selecting)
		mode = KEYMAP_SELECTING;
	if (a->kst.n == 0 && key >= '0' && key <= '9' && !bound_alone(a, mode, key)) {
		if (a->count < 100000000)
			a->count = a->count * 10 + (key - '0');
		a->counted = true;
		return;
	}
	enum action act = keymap_feed(a->km, mode, &a->kst, key);
	if (act == ACTION_PENDING)
		return;
	/* A count of 0 means 0 only where it is a place (0%, 0g). */
	long count = a->counted ? a->count : 1;
	bool counted = a->counted;
	if (count == 0 && act != ACTION_PERCENT && act != ACTION_TOP && act != ACTION_BOTTOM)
		count = 1;
	a->count = 0;
	a->counted = false;
	if (act == ACTION_NONE) {
		if (key == GK_ESC)
			common_action(a, ACTION_CANCEL, 1, false);
		return;
	}
	if (action_takes_key(act)) {
		a->pending_arg = act;
		return;
	}
	dispatch(a, act, count, counted);
}

/* A line of keys from a script, in keymap notation: "jjj", "<C-d>",
 * "/word<Enter>".  Spaces between keys are ignored (write <Space>). */
static void
handle_key_line(struct app *a, const char *line)
{
	size_t n = strlen(line);
	for (size_t i = 0; i < n && !a->quit;) {
		if (line[i] == ' ') {
			i++;
			continue;
		}
		int32_t key = -1;
		if (line[i] == '<') {
			const char *close = strchr(line + i + 1, '>');
			if (close) {
				char *tok = xstrndup(line + i, (size_t)(close - line - i) + 1);
				int32_t keys[KEYMAP_MAX_SEQ];
				if (keymap_parse_keys(tok, keys) == 1) {
					key = keys[0];
					i = (size_t)(close - line) + 1;
				}
				free(tok);
			}
		}
		if (key < 0)
			i += u8_decode(line, n, i, &key);
		handle_key(a, key);
		/* The next key only when idle, as from a terminal. */
		while (has_work(a))
			do_work(a, 0);
		draw(a);
	}
}

static struct pane *
pane_at(struct app *a, int y, int x)
{
	static const enum pane_kind order[] = { PANE_OUTLINE, PANE_NOTES, PANE_TEXT };
	if (a->arr == ARR_NARROW && a->overlay != PANE_TEXT)
		return &a->panes[a->overlay];
	for (int i = 0; i < 3; i++) {
		struct rect r = a->rects[order[i]];
		if (a->shown[order[i]] && y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w)
			return &a->panes[order[i]];
	}
	return NULL;
}

static void
handle_mouse(struct app *a, const struct ui_event *ev)
{
	if (a->prompt || a->arr == ARR_TOO_SMALL)
		return;
	if (a->list) {
		if (ev->mouse_kind == UI_MOUSE_WHEEL_DOWN)
			list_key(a, GK_DOWN);
		else if (ev->mouse_kind == UI_MOUSE_WHEEL_UP)
			list_key(a, GK_UP);
		else if (ev->mouse_kind == UI_MOUSE_PRESS && a->list == LIST_DOCS &&
			 ev->mouse_y >= body_y(a) + 1 && ev->mouse_y < body_y(a) + a->rows - 1) {
			/* (a click on the title or the status line opens nothing) */
			size_t i = a->list_scroll + (size_t)(ev->mouse_y - body_y(a) - 1);
			if (i < a->list_n) {
				a->list_chosen = i;
				open_chosen_doc(a);
			}
		}
		return;
	}
	struct pane *p = pane_at(a, ev->mouse_y, ev->mouse_x);
	if (!p)
		return;
	enum pane_kind k = (enum pane_kind)(p - a->panes);
	if (ev->mouse_kind == UI_MOUSE_PRESS && a->focus != k)
		set_focus(a, k);
	struct rect r = a->rects[k];
	p->ops->mouse(p, ev->mouse_kind, ev->mouse_y - r.y, ev->mouse_x - r.x);
	a->status_dirty = true;
}

static void
handle_paste(struct app *a, const struct ui_event *ev)
{
	if (!a->prompt)
		return;   /* pasted text is text, never keys */
	if (a->prompt == PROMPT_NOTE)
		le_insert_multiline(&a->le, ev->text, strlen(ev->text));
	else
		le_insert_text(&a->le, ev->text, strlen(ev->text));
	a->status_dirty = true;
	if (a->prompt == PROMPT_SEARCH)
		incremental(a);
}

/* :mouse press|drag|release|wheel-up|wheel-down ROW COL, for scripts: the same path as
 * a mouse event from the terminal (rows and columns from 0). */
static void
mouse_command(struct app *a, const char *args)
{
	char kind[16];
	int y, x;
	struct ui_event ev = { .kind = UI_EVENT_MOUSE };
	if (sscanf(args, "%15s %d %d", kind, &y, &x) != 3) {
		say(a, true, ":mouse takes press|drag|release|wheel-up|wheel-down ROW COL");
		return;
	}
	if (!strcmp(kind, "press"))
		ev.mouse_kind = UI_MOUSE_PRESS;
	else if (!strcmp(kind, "wheel-up"))
		ev.mouse_kind = UI_MOUSE_WHEEL_UP;
	else if (!strcmp(kind, "wheel-down"))
		ev.mouse_kind = UI_MOUSE_WHEEL_DOWN;
	else if (!strcmp(kind, "drag"))
		ev.mouse_kind = UI_MOUSE_DRAG;
	else if (!strcmp(kind, "release"))
		ev.mouse_kind = UI_MOUSE_RELEASE;
	else {
		say(a, true, ":mouse takes press|drag|release|wheel-up|wheel-down ROW COL");
		return;
	}
	ev.mouse_y = y;
	ev.mouse_x = x;
	handle_mouse(a, &ev);
}

/* --------------------------------------------------------------- the loop */

/* Says what went wrong at start (the terminal, the store, the
 * configuration); true when there was something to say. */
static bool
startup_messages(struct app *a, const char *store_msg)
{
	struct buf m = BUF_INIT;
	const char *um = ui_startup_message(a->ui);
	if (um)
		buf_puts(&m, um);
	if (store_msg) {
		if (m.len)
			buf_puts(&m, "; ");
		buf_puts(&m, store_msg);
	}
	if (a->opt->config_errors && *a->opt->config_errors) {
		const char *e = a->opt->config_errors;
		size_t first = pane_first_line(e), lines = 0;
		for (const char *p = e; *p; p++)
			lines += *p == '\n';
		if (m.len)
			buf_puts(&m, "; ");
		buf_puts(&m, "config: ");
		buf_append(&m, e, first);
		if (lines > 1)
			buf_printf(&m, " (and %zu more)", lines - 1);
	}
	if (m.len)
		say(a, store_msg != NULL || (a->opt->config_errors && *a->opt->config_errors), "%s",
		    m.data);
	bool said = m.len > 0;
	buf_free(&m);
	return said;
}

/* Opens the store the options name; when it cannot be opened, or only
 * to read, `*msg` (caller frees) says so for startup_messages. */
static void
open_store(struct app *a, char **msg)
{
	const struct app_options *opt = a->opt;
	struct gl_error err;
	/* The login name is asked for here, not before the first screen. */
	if (!opt->author && !a->login_name)
		a->login_name = config_login_name();
	if (store_open(opt->db_path, opt->author ? opt->author : a->login_name,
		       opt->db_path_explicit ? 0 : STORE_OPEN_PRIVATE,
		       &a->store, &err) != GL_OK) {
		*msg = xasprintf("reading positions are not kept: %s", err.message);
		a->store = NULL;
	} else if (store_is_readonly(a->store)) {
		*msg = xstrdup(store_notice(a->store));
	}
}


/* The store left for after the first screen (store_location_is_new): made now,
 * the open article matched with it (as refresh_from_store does when a
 * colleague made it meanwhile), and what went wrong said as at start.
 * True when the screen changed (else drawing again would only move the
 * hidden cursor, bytes that a terminal would wait for). */
static bool
open_store_later(struct app *a)
{
	a->store_later = false;
	bool changed = false;
	char *msg = NULL;
	open_store(a, &msg);
	if (a->store && a->doc && !a->doc_id) {
		identify_document(a);
		if (a->doc_id) {
			mark_seen(a);
			load_annotations(a);
			for (int k = 0; k < PANE_KIND_COUNT; k++)
				a->panes[k].ops->reload(&a->panes[k]);
			restore_position(a);
			all_dirty(a);
			changed = true;
		}
	}
	if (startup_messages(a, msg))
		changed = true;
	free(msg);
	return changed;
}

static void
init_panes(struct app *a)
{
	static const struct pane_ops *const ops[PANE_KIND_COUNT] = {
		[PANE_TEXT] = &pane_text_ops,
		[PANE_OUTLINE] = &pane_outline_ops,
		[PANE_NOTES] = &pane_notes_ops,
	};
	a->sh.ui = a->ui;
	a->sh.km = a->km;
	a->sh.app = a;
	a->sh.jump = app_jump;
	a->sh.message = app_message;
	a->sh.close_overlay = app_close_overlay;
	a->sh.seen = app_seen;
	for (int k = 0; k < PANE_KIND_COUNT; k++) {
		a->panes[k].ops = ops[k];
		a->panes[k].sh = &a->sh;
		ops[k]->open(&a->panes[k]);
	}
	a->focus = PANE_TEXT;
	a->panes[PANE_TEXT].focused = true;
	a->overlay = PANE_TEXT;
	a->show_outline = a->show_notes = true;
	a->side = PANE_OUTLINE;
	a->search_wrap = true;
	a->cur_style = 1;
	a->osc52 = a->opt->osc52 > 0 || (a->opt->osc52 == 0 && !a->opt->headless);
}

/* Windows go before the screen does (ui_close). */
static void
free_windows(struct app *a)
{
	for (int k = 0; k < PANE_KIND_COUNT; k++) {
		ui_win_free(a->panes[k].win);
		a->panes[k].win = NULL;
	}
	ui_win_free(a->sep[0]);
	ui_win_free(a->sep[1]);
	ui_win_free(a->status_win);
	ui_win_free(a->full_win);
	a->sep[0] = a->sep[1] = a->status_win = a->full_win = NULL;
}

static void
free_app(struct app *a)
{
	close_document(a);
	free_list(a);
	for (int k = 0; k < PANE_KIND_COUNT; k++)
		if (a->panes[k].ops)
			a->panes[k].ops->close(&a->panes[k]);
	buf_free(&a->status_drawn);
	buf_free(&a->le.text);
	buf_free(&a->le.killed);
	for (size_t i = 0; i < a->nmsg; i++)
		free(a->msg_history[(a->msg_first + i) % MESSAGES_KEPT]);
	history_free(&a->search_hist);
	history_free(&a->cmd_hist);
	annotate_change_clear(&a->draft);
	free_drafts(a);
	for (size_t i = 0; i < a->nunsaved; i++)
		annotate_change_clear(&a->unsaved[i]);
	free(a->unsaved);
	free(a->prompt_hint);
	free(a->filter_tag);
	free(a->filter_author);
	free(a->message);
	free(a->jumps);
	free(a->last_query);
	store_close(a->store);
	free(a->login_name);
}

int
app_run(const struct app_options *opt)
{
	struct app app;
	struct app *a = &app;
	memset(a, 0, sizeof *a);
	a->opt = opt;
	a->km = opt->keymap;

	/* Load first: a file that cannot be read is said on stderr, before
	   the screen is taken. */
	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status s = GL_OK;
	/* A large plain-text file: its head now, the whole of it on a second
	   thread (open_head). */
	size_t head_bytes = load_sizes(a);
	struct doc *head = opt->stored ? NULL : doc_load_head(&opt->load, head_bytes);
	if (!opt->stored && !head)
		s = doc_load(&opt->load, &d, &err);
	if (s != GL_OK) {
		/* gloss with no FILE, from a build not installed: say where
		   the tutorial comes from. */
		fprintf(stderr, "gloss: %s%s\n", u8_safe_str(err.message),
			opt->tutorial && s == GL_NOT_FOUND
			? " (the tutorial is installed by make install; in a source tree, "
			  "GLOSS_DATADIR=DIR/share points to it)" : "");
		return gl_status_exit_code(s);
	}
	char *store_msg = NULL;
	/* A store still to be made is made after the first screen (unless
	   what is shown first comes from it): making one (its schema, some
	   nine fsyncs) would hold that screen back by milliseconds, and a
	   store not yet made holds no position or annotation to show.  It is
	   made before any key is read (open_store_later).  An existing store
	   is opened first: the first screen shows the position it keeps;
	   but not under a large article's head, which nothing of the store
	   is matched with (its position comes with the whole article). */
	a->store_later = opt->db_path && !opt->stored && !opt->tutorial &&
			 (head || store_location_is_new(opt->db_path));
	if (opt->db_path && !a->store_later)
		open_store(a, &store_msg);
	/* gloss open ID|TITLE: the text the store kept, not a file. */
	char *stored_id = NULL;
	if (opt->stored) {
		if (!a->store)
			s = gl_fail(&err, GL_STORE, "%s", store_msg ? store_msg : "no annotation store");
		else
			s = cli_open_stored(a->store, opt->stored, &d, &stored_id, &err);
		if (s != GL_OK) {
			fprintf(stderr, "gloss: %s\n", u8_safe_str(err.message));
			store_close(a->store);
			free(a->login_name);
			free(store_msg);
			return gl_status_exit_code(s);
		}
	}

	ui_install_signal_handlers();
	struct ui_options uo = {
		.headless = opt->headless,
		.script = opt->script,
		.theme = opt->theme,
		.no_color = opt->no_color,
		.mouse = opt->mouse >= 0,
	};
	s = ui_open(&uo, &a->ui, &err);
	if (s != GL_OK) {
		fprintf(stderr, "gloss: %s\n", u8_safe_str(err.message));
		doc_free(d);
		doc_free(head);
		free(stored_id);
		store_close(a->store);
		free(a->login_name);
		free(store_msg);
		return gl_status_exit_code(s);
	}
	init_panes(a);
	a->status_bottom = opt->status_bottom;
	if (opt->panes && !parse_panes(a, opt->panes))
		say(a, true, "config: panes is a list of outline, notes (or text)");
	a->arrange_needed = true;
	arrange(a);
	if (head)
		open_head(a, head);
	else
		open_document(a, d, stored_id);
	free(stored_id);
	if (!a->store_later)
		startup_messages(a, store_msg);
	free(store_msg);
	if (opt->tutorial && a->store) {
		struct store_document_list l = { 0 };
		if (store_documents_list(a->store, &l, NULL) == GL_OK && l.count > 0)
			open_docs(a);
		store_document_list_free(&l);
	}

	int sig = 0;
	while (!a->quit) {
		if ((sig = ui_pending_signal()) != 0)
			break;
		/* Scripts (tests) see the whole article before each key,
		   and before the first screen. */
		if (a->load_pending && ui_scripted(a->ui)) {
			a->load_pending = false;
			a->loader = app_loader_start(&a->opt->load);
		}
		if (a->loader && (ui_scripted(a->ui) || app_loader_ready(a->loader)))
			finish_loading(a);
		refresh_from_store(a);
		if (!ui_scripted(a->ui)) {
			draw(a);
		} else {
			while (has_work(a) && !ui_pending_signal())
				do_work(a, 0);
			draw(a);
		}
		/* The first screen is drawn: now the load of the whole
		   article, and the store, before any key that may need
		   them. */
		if (!a->drawn_once) {
			a->drawn_once = true;
			ui_ready_input(a->ui);
		}
		if (load_annotations_later(a))
			draw(a);
		if (a->load_pending) {
			a->load_pending = false;
			a->loader = app_loader_start(&a->opt->load);
		}
		if (a->store_later && open_store_later(a))
			draw(a);
		/* Drafts kept on the article, once it is whole and matched
		   with the store: said after the first screen. */
		if (!a->drafts_checked && a->doc && !a->partial && !a->loader && !a->store_later) {
			if (offer_kept_drafts(a))
				draw(a);
		}
		record_seen(a);
		struct ui_event ev;
		if (has_work(a)) {
			/* Work in slices, looking at the keyboard between them. */
			do_work(a, WORK_BUDGET);
			ui_next_event(a->ui, 0, &ev);
			if (ev.kind == UI_EVENT_NONE)
				continue;
		} else if (a->loader) {
			/* Loading: wait for a key or the end of the load,
			   drawing nothing meanwhile. */
			do
				ui_next_event(a->ui, LOAD_POLL_MS, &ev);
			while (ev.kind == UI_EVENT_NONE && !app_loader_ready(a->loader) &&
			       !ui_pending_signal());
		} else {
			/* Idle: wake now and then to show colleagues' changes. */
			ui_next_event(a->ui, a->store ? LIVE_POLL_MS : -1, &ev);
		}
		if (a->loader && !may_wait_for_load(a, &ev))
			finish_loading(a);
		switch (ev.kind) {
		case UI_EVENT_KEY:
			if (ev.key == GK_RESIZE)
				on_resize(a);
			else
				handle_key(a, ev.key);
			break;
		case UI_EVENT_KEYS:
			handle_key_line(a, ev.text);
			break;
		case UI_EVENT_COMMAND:
			/* A script's command leaves the message shown (tests
			   look at it). */
			run_command(a, ev.text);
			break;
		case UI_EVENT_MOUSE:
			handle_mouse(a, &ev);
			break;
		case UI_EVENT_RESIZE:
			on_resize(a);
			break;
		case UI_EVENT_PASTE:
			handle_paste(a, &ev);
			break;
		case UI_EVENT_EOF:
			a->quit = true;
			break;
		case UI_EVENT_SIGNAL:
			sig = ev.signal;
			break;
		case UI_EVENT_NONE:
			break;
		}
		if (sig)
			break;
	}
	/* A load still under way: on q, the whole article, on which the
	   place is saved; after a signal, it is dropped (the head is never
	   saved). */
	if (sig)
		abandon_loading(a);
	else
		finish_loading(a);
	char *drafts_msg = write_drafts(a);
	/* The position is saved as the document closes (free_app). */
	free_windows(a);
	ui_close(a->ui);
	a->ui = NULL;
	free_app(a);
	int status = 0;
	if (drafts_msg)
		fprintf(stderr, "gloss: %s\n", drafts_msg);
	free(drafts_msg);
	if (a->script_errors.len) {
		fprintf(stderr, "gloss: %s", a->script_errors.data);
		status = 1;
	}
	buf_free(&a->script_errors);
	if (sig)
		status = GL_EXIT_SIGNAL_BASE + sig;
	return status;
}
