/* util: buffers grow and stay terminated, status codes map to the
 * documented exit statuses, atomic writes replace or leave files whole. */
#include "config.h"

#include "gloss/util.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_buffers(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "漢字");
	buf_putc(&b, '-');
	buf_printf(&b, "%d/%s", 42, "x");
	is_str(b.data, "漢字-42/x", "a buffer appends text, characters and formats");
	is_int(b.len, 11, "a buffer counts bytes, not characters");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%0300d", i);
	is_int(b.len, 11 + 300000, "a buffer grows past its first allocation");
	ok(b.data[b.len] == '\0', "a grown buffer is still a string");
	buf_clear(&b);
	is_str(b.data, "", "a cleared buffer is empty");
	size_t n = 99;
	char *s = buf_steal(&b, &n);
	is_str(s, "", "stealing an empty buffer gives an empty string");
	is_int(n, 0, "and its length 0");
	free(s);
	struct buf empty = BUF_INIT;
	s = buf_steal(&empty, NULL);
	is_str(s, "", "stealing a never-used buffer gives an empty string, not NULL");
	free(s);
	buf_free(&b);
}

static void
test_status(void)
{
	is_int(gl_status_exit_code(GL_OK), 0, "success exits 0");
	is_int(gl_status_exit_code(GL_USAGE), 2, "usage errors exit 2");
	is_int(gl_status_exit_code(GL_BINARY), 6, "a binary file exits 6");
	is_str(gl_status_name(GL_STORE_NEWER), "STORE_NEWER", "statuses have names");
	struct gl_error err;
	enum gl_status s = gl_fail(&err, GL_NOT_FOUND, "cannot open %s", "x.txt");
	is_int(s, GL_NOT_FOUND, "gl_fail returns the status it records");
	is_str(err.message, "cannot open x.txt", "gl_fail formats the message");
	is_int(gl_fail(NULL, GL_IO, "ignored"), GL_IO, "gl_fail takes a NULL error");
	long v;
	ok(gl_parse_long("42", 0, 100, &v) && v == 42, "a number in range parses");
	ok(!gl_parse_long("42x", 0, 100, &v), "trailing junk is not a number");
	ok(!gl_parse_long("101", 0, 100, &v), "a number out of range is refused");
	ok(!gl_parse_long("", 0, 100, &v), "an empty string is not a number");
}

static void
test_atomic_write(void)
{
	char dir[] = "/tmp/gloss-test-util-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char *path = gl_path_join(dir, "out.txt");
	struct gl_error err;
	is_int(gl_write_file_atomic(path, "first", 5, 0644, &err), GL_OK,
	       "an atomic write creates a file");
	char *got;
	size_t len;
	is_int(gl_read_file(path, &got, &len, 1 << 20, &err), GL_OK, "and it reads back");
	is_mem(got, len, "first", 5, "with the bytes written");
	free(got);
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "with the mode asked for");
	is_int(gl_write_file_atomic(path, "second!", 7, 0600, &err), GL_OK,
	       "an atomic write replaces a file");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644,
	   "and the replaced file keeps its mode");
	gl_read_file(path, &got, &len, 1 << 20, &err);
	is_mem(got, len, "second!", 7, "with the new bytes");
	free(got);
	is_int(gl_read_file(path, &got, &len, 3, &err), GL_TOO_LARGE,
	       "reading past a size limit is refused");
	char *missing = gl_path_join(dir, "no/such/dir/x");
	ok(gl_write_file_atomic(missing, "x", 1, 0644, &err) == GL_IO,
	   "writing into a missing directory fails with a message: %s", err.message);
	char *deep = gl_path_join(dir, "a/b/c");
	is_int(gl_mkdir_p(deep, 0700, &err), GL_OK, "mkdir -p makes every parent");
	ok(stat(deep, &st) == 0 && S_ISDIR(st.st_mode), "and the directory exists");
	rmdir(deep);
	char *ab = gl_path_join(dir, "a/b"), *a = gl_path_join(dir, "a");
	rmdir(ab);
	rmdir(a);
	unlink(path);
	rmdir(dir);
	char *j = gl_path_join("/x//", "/y");
	is_str(j, "/x/y", "paths join with one slash");
	free(j);
	free(ab);
	free(a);
	free(deep);
	free(missing);
	free(path);
}

/* What the Markdown export writes as front matter, the Markdown reader
 * reads back. */
static void
test_yaml(void)
{
	static const char *const values[] = {
		"plain", "with \"quotes\" and \\backslashes\\", "two\nlines\tand a tab",
		"港口的早晨「引文」", "# not a comment", "",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(values); i++) {
		struct buf w = BUF_INIT, r = BUF_INIT;
		gl_yaml_put_quoted(&w, values[i], strlen(values[i]));
		bool read = gl_yaml_scalar(w.data, w.len, &r);
		ok(read && strcmp(r.data ? r.data : "", values[i]) == 0,
		   "a value written as a YAML string reads back the same (%s)", w.data);
		buf_free(&w);
		buf_free(&r);
	}
	static const struct {
		const char *yaml, *want;
	} good[] = {
		{ " Plain title  # comment", "Plain title" },
		{ "'it''s'", "it's" },
		{ "\"\\u00e9\\x41\\/\" # after", "\xC3\xA9" "A/" },
		{ "a#b", "a#b" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(good); i++) {
		struct buf r = BUF_INIT;
		ok(gl_yaml_scalar(good[i].yaml, strlen(good[i].yaml), &r) &&
		   strcmp(r.data ? r.data : "", good[i].want) == 0,
		   "YAML %s reads as %s", good[i].yaml, good[i].want);
		buf_free(&r);
	}
	static const char *const bad[] = {
		"\"unclosed", "'unclosed", "\"bad \\q\"", "\"nul \\0\"", "\"\\ud800\"",
		"[a, b]", "{a: b}", "|", "\"x\" tail", "*alias",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(bad); i++) {
		struct buf r = BUF_INIT;
		ok(!gl_yaml_scalar(bad[i], strlen(bad[i]), &r) && r.len == 0,
		   "%s is not a scalar gloss reads", bad[i]);
		buf_free(&r);
	}
}

/* A library loaded on demand (how gloss loads libcurl and libpq): libc's
 * soname is the one every glibc system has. */
static void
test_load_library(void)
{
	struct gl_error err;
	const char *const names[] = { "strlen" };
	void *addrs[1] = { NULL };
	is_int(gl_load_library("libc.so.6", "a test", names, addrs, 1, &err), GL_OK,
	       "a library that exists is loaded");
	size_t (*len)(const char *) = (size_t (*)(const char *))addrs[0];
	ok(len && len("gloss") == 5, "and its function is called through the address found");

	const char *const missing[] = { "strlen", "gloss_no_such_function" };
	void *kept[2] = { NULL, NULL };
	is_int(gl_load_library("libc.so.6", "a test", missing, kept, 2, &err), GL_NO_LIBRARY,
	       "a library without a function needed is refused");
	ok(strstr(err.message, "gloss_no_such_function") != NULL,
	   "the message names the missing function");
	ok(kept[0] == NULL, "and no address is handed out");

	is_int(gl_load_library("libgloss-no-such-library.so.9", "opening a test", names,
			       addrs, 1, &err), GL_NO_LIBRARY,
	       "a library that is not installed is reported as such");
	ok(strstr(err.message, "opening a test needs libgloss-no-such-library.so.9") != NULL,
	   "the message says what needs which library");
	ok(strchr(err.message, '\n') == NULL, "on one line");
	is_int(gl_status_exit_code(GL_NO_LIBRARY), 21, "it exits 21");
}

int
main(void)
{
	test_buffers();
	test_status();
	test_atomic_write();
	test_yaml();
	test_load_library();
	return tap_done();
}
