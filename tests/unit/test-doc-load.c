/* doc loading: what gloss does with the files (and pipes) a reader gives
 * it: bad inputs are refused with one clear line, every encoding comes
 * out as the same NFC text, offsets in code points and bytes agree.
 * Odd-byte fixtures are built here, in a temporary directory. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/u8.h"
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];
static char *made[128];
static size_t nmade;

static const char *
tmp_path(const char *name)
{
	static char path[8][512];
	static int slot;
	slot = (slot + 1) % 8;
	snprintf(path[slot], sizeof path[slot], "%s/%s", tmpdir, name);
	return path[slot];
}

static const char *
write_file(const char *name, const void *data, size_t n)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		diag("cannot create %s: %s", path, strerror(errno));
		exit(1);
	}
	if (n && fwrite(data, 1, n, f) != n)
		exit(1);
	fclose(f);
	if (nmade < GL_ARRAY_LEN(made))
		made[nmade++] = xstrdup(path);
	return path;
}

/* A file made of a string literal (which may hold NUL bytes). */
#define write_lit(name, lit) write_file((name), (lit), sizeof(lit) - 1)

static void
cleanup(void)
{
	for (size_t i = 0; i < nmade; i++) {
		chmod(made[i], 0600);
		unlink(made[i]);
		rmdir(made[i]);
		free(made[i]);
	}
	rmdir(tmpdir);
}

static enum gl_status
load(const char *path, const struct doc_load_options *base, struct doc **d,
     struct gl_error *err)
{
	struct doc_load_options opt;
	if (base)
		opt = *base;
	else
		memset(&opt, 0, sizeof opt);
	opt.path = path;
	gl_error_clear(err);
	return doc_load(&opt, d, err);
}

/* A TAP skip, as "ok N # SKIP why". */
static void
skip(const char *why)
{
	tap_count++;
	printf("ok %d # SKIP %s\n", tap_count, why);
}

static bool
one_line(const char *s)
{
	return s && *s && !strchr(s, '\n');
}

/* Loads a file expected to fail and checks the status and message. */
static void
refused(const char *what, const char *path, const struct doc_load_options *opt,
	enum gl_status want, const char *must_contain)
{
	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = load(path, opt, &d, &err);
	if (!ok(st == want, "%s is refused with %s", what, gl_status_name(want)))
		diag("  got %s: %s", gl_status_name(st), st ? err.message : "(loaded)");
	ok(d == NULL, "%s: no document is made", what);
	ok(one_line(err.message), "%s: the message is one line", what);
	if (must_contain)
		ok(strstr(err.message, must_contain) != NULL,
		   "%s: the message says \"%s\" (%s)", what, must_contain, err.message);
	doc_free(d);
}

/* Loads a file expected to work; returns the doc (caller frees). */
static struct doc *
loaded(const char *what, const char *path, const struct doc_load_options *opt)
{
	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = load(path, opt, &d, &err);
	if (!ok(st == GL_OK && d, "%s loads", what))
		diag("  %s: %s", gl_status_name(st), err.message);
	return d;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ refusals */

static void
test_refusals(void)
{
	refused("a missing file", tmp_path("no-such-file.txt"), NULL, GL_NOT_FOUND,
		"no-such-file.txt");
	refused("a file under a missing directory", tmp_path("nowhere/a.txt"), NULL,
		GL_NOT_FOUND, NULL);

	const char *dir = tmp_path("a-directory");
	mkdir(dir, 0700);
	made[nmade++] = xstrdup(dir);
	refused("a directory", dir, NULL, GL_NOT_REGULAR, "directory");

	/* A named pipe (and bash's <(cmd), /dev/fd/63) is read to its end
	   like standard input, as cat reads it: its writer is a child. */
	const char *fifo = tmp_path("a-fifo");
	if (mkfifo(fifo, 0600) == 0) {
		made[nmade++] = xstrdup(fifo);
		pid_t writer = fork();
		if (writer == 0) {
			int fd = open(fifo, O_WRONLY);
			static const char words[] = "Words from a pipe.\n\nA second paragraph.\n";
			_exit(fd >= 0 && write(fd, words, sizeof words - 1) ==
				  (ssize_t)(sizeof words - 1) ? 0 : 1);
		}
		double t0 = now();
		struct doc *d = loaded("a named pipe (FIFO) with a writer", fifo, NULL);
		ok(now() - t0 < 10.0, "it is read as soon as its writer is done");
		is_str(d ? doc_text(d, NULL) : "", "Words from a pipe.\nA second paragraph.",
		       "a named pipe's text is what was written into it");
		ok(d && doc_source_is_transient(d),
		   "a named pipe is never found again by its path (its text is gone once read)");
		doc_free(d);
		int wst = 0;
		if (writer > 0)
			waitpid(writer, &wst, 0);
	} else {
		skip("mkfifo failed");
		skip("mkfifo failed");
		skip("mkfifo failed");
		skip("mkfifo failed");
	}

	struct doc *null_doc = loaded("/dev/null (a character device), read like standard input",
				      "/dev/null", NULL);
	is_int(null_doc ? (long)doc_length(null_doc) : -1, 0, "/dev/null is an empty article");
	doc_free(null_doc);

	const char *sock_path = tmp_path("a-socket");
	int sock = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (sock >= 0 && strlen(sock_path) < sizeof sun.sun_path) {
		memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
		if (bind(sock, (struct sockaddr *)&sun, sizeof sun) == 0) {
			made[nmade++] = xstrdup(sock_path);
			refused("a socket", sock_path, NULL, GL_NOT_REGULAR, "socket");
		} else {
			for (int i = 0; i < 4; i++)
				skip("cannot bind a unix socket here");
		}
	} else {
		for (int i = 0; i < 4; i++)
			skip("cannot make a unix socket here");
	}
	if (sock >= 0)
		close(sock);

	const char *secret = write_file("secret.txt", "top secret\n", 11);
	chmod(secret, 0);
	if (geteuid() == 0) {
		skip("running as root: a mode 000 file is readable (a shell test covers it)");
	} else {
		refused("a file without read permission", secret, NULL, GL_UNREADABLE,
			"permission denied");
	}

	/* Size limit: exactly the limit is fine, one byte more is not. */
	struct doc_load_options small;
	memset(&small, 0, sizeof small);
	small.max_size = 10;
	const char *ten = write_file("ten.txt", "0123456789", 10);
	struct doc *d = loaded("a file of exactly max_size bytes", ten, &small);
	doc_free(d);
	const char *eleven = write_file("eleven.txt", "0123456789\n", 11);
	refused("a file over max_size", eleven, &small, GL_TOO_LARGE, "eleven.txt");

	/* Binary files. */
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	refused("a PNG image", write_file("picture.txt", png, sizeof png - 1), NULL,
		GL_BINARY, "PNG");
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
	refused("an ELF executable", write_file("program", elf, sizeof elf - 1), NULL,
		GL_BINARY, "ELF");
	refused("a PDF", write_file("paper.txt", "%PDF-1.7\n%\xe2\xe3\n", 14), NULL,
		GL_BINARY, "PDF");
	refused("a gzip file", write_file("notes.txt.gz", "\x1f\x8b\x08\0\0\0\0\0", 8),
		NULL, GL_BINARY, "gzip");
	refused("a zip file", write_file("notes.zip", "PK\x03\x04\x14\0\0\0", 8), NULL,
		GL_BINARY, "zip");
	char pe[128];
	memset(pe, 0, sizeof pe);
	memcpy(pe, "MZ", 2);
	pe[0x3c] = 0x40;
	memcpy(pe + 0x40, "PE\0\0", 4);
	refused("a Windows executable", write_file("setup.exe", pe, sizeof pe), NULL,
		GL_BINARY, "Windows");
	d = loaded("a text that starts with MZ but has no PE header",
		   write_file("mz.txt", "MZ is a postcode area.\n", 23), NULL);
	doc_free(d);

	static const char nul[] = "text\0with a NUL byte\n";
	const char *nulfile = write_file("nul.txt", nul, sizeof nul - 1);
	refused("a file with NUL bytes", nulfile, NULL, GL_BINARY, "NUL");
	struct doc_load_options binary;
	memset(&binary, 0, sizeof binary);
	binary.allow_binary = true;
	d = loaded("a file with NUL bytes and --binary", nulfile, &binary);
	if (d) {
		size_t len;
		const char *t = doc_text(d, &len);
		ok(len == 20 && memchr(t, '\0', len) == t + 4,
		   "--binary keeps the NUL byte in the text (shown as a placeholder later)");
	}
	doc_free(d);

	/* The NUL test looks at the first 64 KiB only. */
	size_t big = 70 * 1024;
	char *late = xmalloc(big);
	memset(late, 'a', big);
	for (size_t i = 80; i < big; i += 80)
		late[i] = '\n';
	late[big - 2] = '\0';
	d = loaded("a text with a NUL byte after the first 64 KiB",
		   write_file("late-nul.txt", late, big), NULL);
	doc_free(d);
	free(late);

	/* A file name with an escape sequence is shown safely. */
	const char *evil = write_file("evil\x1b]0;pwned\x07.txt", "\0\0", 2);
	struct doc_load_options none;
	memset(&none, 0, sizeof none);
	struct gl_error err;
	d = NULL;
	load(evil, &none, &d, &err);
	ok(!strchr(err.message, '\x1b') && !strchr(err.message, '\x07'),
	   "a file name with escape sequences reaches the message without them (%s)",
	   err.message);
	doc_free(d);

	refused("an unknown --encoding", write_file("plain.txt", "hello\n", 6),
		&(struct doc_load_options){ .encoding = "klingon-8" }, GL_ENCODING,
		"klingon-8");
	struct doc *page = loaded("an HTML file", write_file("page.html", "<p>hi</p>", 9), NULL);
	ok(page && doc_format(page) == DOC_FORMAT_HTML && strcmp(doc_text(page, NULL), "hi") == 0,
	   "an HTML file is read as HTML, its markup not in the text");
	doc_free(page);
}

/* ----------------------------------------------------------- encodings */

static size_t
put_unit(char *out, uint32_t v, int bytes, bool le)
{
	for (int i = 0; i < bytes; i++) {
		int shift = le ? 8 * i : 8 * (bytes - 1 - i);
		out[i] = (char)((v >> shift) & 0xFF);
	}
	return (size_t)bytes;
}

/* Encodes UTF-8 `s` as UTF-16 or UTF-32 with a BOM. */
static size_t
encode_wide(const char *s, char *out, int unit, bool le)
{
	size_t n = put_unit(out, 0xFEFF, unit, le);
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		int32_t cp;
		i += u8_decode(s, len, i, &cp);
		if (unit == 2 && cp > 0xFFFF) {
			uint32_t v = (uint32_t)cp - 0x10000;
			n += put_unit(out + n, 0xD800 + (v >> 10), 2, le);
			n += put_unit(out + n, 0xDC00 + (v & 0x3FF), 2, le);
		} else {
			n += put_unit(out + n, (uint32_t)cp, unit, le);
		}
	}
	return n;
}

/* Converts UTF-8 to `encoding` with iconv, as a legacy editor would save. */
static char *
to_legacy(const char *s, const char *encoding, size_t *n)
{
	iconv_t cd = iconv_open(encoding, "UTF-8");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t len = strlen(s), cap = len * 2 + 16;
	char *out = xmalloc(cap), *outp = out;
	char *inp = (char *)s;
	size_t inleft = len, outleft = cap;
	size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
	iconv_close(cd);
	if (r == (size_t)-1) {
		free(out);
		return NULL;
	}
	*n = cap - outleft;
	return out;
}

static void
check_text(struct doc *d, const char *want, const char *what)
{
	if (!d)
		return;
	size_t len;
	const char *t = doc_text(d, &len);
	is_mem(t, len, want, strlen(want), "%s", what);
}

static void
test_unicode_encodings(void)
{
	/* Two paragraphs, mixed scripts, a character outside the BMP. */
	static const char text[] = "Grüße, 世界 𠀀!\r\nSecond line é.";
	static const char want[] = "Grüße, 世界 𠀀!\nSecond line é.";
	char raw[512];

	size_t n = strlen(text);
	memcpy(raw, "\xEF\xBB\xBF", 3);
	memcpy(raw + 3, text, n);
	struct doc *d = loaded("UTF-8 with a BOM", write_file("bom8.txt", raw, n + 3), NULL);
	check_text(d, want, "the UTF-8 BOM is removed from the text");
	if (d) {
		ok(doc_info(d)->had_bom, "--info says the file had a BOM");
		is_str(doc_info(d)->encoding, "UTF-8", "--info names the encoding UTF-8");
		ok(!doc_info(d)->encoding_detected, "a BOM is not a guess");
		is_str(doc_info(d)->newlines, "CRLF", "--info says the newlines were CRLF");
		is_int(doc_info(d)->source_bytes, n + 3, "--info counts the bytes of the file");
	}
	struct doc *plain = loaded("the same text without a BOM",
				   write_file("nobom8.txt", text, n), NULL);
	if (d && plain) {
		is_str(doc_hash(d), doc_hash(plain),
		       "a BOM does not change the document's identity");
		ok(!doc_info(plain)->had_bom, "--info says there was no BOM");
	}
	doc_free(plain);
	doc_free(d);

	static const struct {
		const char *name;
		int unit;
		bool le;
	} wide[] = {
		{ "UTF-16LE", 2, true }, { "UTF-16BE", 2, false },
		{ "UTF-32LE", 4, true }, { "UTF-32BE", 4, false },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(wide); i++) {
		n = encode_wide(text, raw, wide[i].unit, wide[i].le);
		char file[64], what[96];
		snprintf(file, sizeof file, "%s.txt", wide[i].name);
		snprintf(what, sizeof what, "%s with a BOM (full of NUL bytes)", wide[i].name);
		d = loaded(what, write_file(file, raw, n), NULL);
		snprintf(what, sizeof what, "%s comes out as the same UTF-8 text", wide[i].name);
		check_text(d, want, what);
		if (d) {
			is_str(doc_info(d)->encoding, wide[i].name, "--info names %s",
			       wide[i].name);
			is_int(doc_info(d)->replaced, 0, "%s: nothing replaced", wide[i].name);
		}
		doc_free(d);
	}

	/* A lone surrogate in UTF-16 is one U+FFFD, not a failure. */
	n = 0;
	n += put_unit(raw + n, 0xFEFF, 2, true);
	n += put_unit(raw + n, 'a', 2, true);
	n += put_unit(raw + n, 0xD800, 2, true);
	n += put_unit(raw + n, 'b', 2, true);
	raw[n++] = 'c';  /* an odd byte at the end */
	d = loaded("UTF-16LE with a lone surrogate and an odd last byte",
		   write_file("bad16.txt", raw, n), NULL);
	check_text(d, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD",
		   "a lone surrogate and a truncated unit each become U+FFFD");
	if (d)
		is_int(doc_info(d)->replaced, 2, "--info counts the two replacements");
	doc_free(d);
}

static const char big5_text[] =
	"圖書館在週末延長開放時間，讓上班族也能在下班後借閱書籍。館方表示，"
	"過去一年來訪人數明顯增加，其中以青少年與退休人士最多。為了方便讀者，"
	"館內新增自助借還書機，並提供無線網路與充電座位。館長指出，未來還會"
	"舉辦更多講座與展覽，希望把圖書館變成社區的文化中心。\n";
static const char gb_text[] =
	"今年夏天，城市公园里新建了一条沿河步道，吸引了许多市民前来散步和骑车。"
	"管理部门表示，步道两旁种植了数百棵树木，并设置了休息座椅和饮水点。"
	"附近居民普遍认为，这条步道不仅改善了环境，也让大家有了更多户外活动的空间。\n";
static const char sjis_text[] =
	"今年の夏、市内の公園に川沿いの遊歩道が新しく整備され、多くの市民が散歩や"
	"サイクリングを楽しんでいます。管理事務所によると、遊歩道の両側には数百本の"
	"木が植えられ、ベンチや水飲み場も設置されました。近所の住民からは、環境が"
	"良くなっただけでなく、屋外で過ごす時間が増えたという声が聞かれます。\n";
static const char euckr_text[] =
	"올해 여름 시내 공원에 강변 산책로가 새로 조성되어 많은 시민들이 산책과 "
	"자전거 타기를 즐기고 있습니다. 관리사무소에 따르면 산책로 양쪽에는 수백 "
	"그루의 나무가 심어졌고 벤치와 음수대도 설치되었습니다.\n";

/* detected_as: what uchardet names it; also_ok: a superset it may name
 * instead (UHC, Windows' cp949, for EUC-KR), or NULL. */
static void
legacy_case(const char *what, const char *utf8, const char *encoding,
	    const char *detected_as, const char *also_ok)
{
	size_t n = 0;
	char *bytes = to_legacy(utf8, encoding, &n);
	if (!ok(bytes != NULL, "%s: iconv makes a %s file", what, encoding))
		return;
	char file[64];
	snprintf(file, sizeof file, "legacy-%s.txt", encoding);
	const char *path = write_file(file, bytes, n);
	free(bytes);

	char label[160];
	snprintf(label, sizeof label, "%s in %s, encoding not given", what, encoding);
	struct doc *d = loaded(label, path, NULL);
	if (d) {
		const struct doc_info *info = doc_info(d);
		ok(info->encoding_detected, "%s: the encoding is detected", label);
		if (also_ok && strcmp(info->encoding, also_ok) == 0)
			is_str(info->encoding, also_ok, "%s (%zu bytes): uchardet says %s, "
			       "a superset of %s", label, n, also_ok, detected_as);
		else
			is_str(info->encoding, detected_as, "%s (%zu bytes): uchardet says %s",
			       label, n, detected_as);
		size_t len;
		const char *t = doc_text(d, &len);
		/* Blocks drop the final LF. */
		is_mem(t, len, utf8, strlen(utf8) - 1, "%s: the text comes out right", label);
	}
	doc_free(d);

	snprintf(label, sizeof label, "%s with --encoding %s", what, encoding);
	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.encoding = encoding;
	d = loaded(label, path, &opt);
	if (d) {
		ok(!doc_info(d)->encoding_detected, "%s: named, not detected", label);
		size_t len;
		const char *t = doc_text(d, &len);
		is_mem(t, len, utf8, strlen(utf8) - 1, "%s: the text comes out right", label);
	}
	doc_free(d);
}

static void
test_legacy_encodings(void)
{
	legacy_case("a Traditional Chinese paragraph", big5_text, "BIG5", "BIG5", NULL);
	legacy_case("a Simplified Chinese paragraph", gb_text, "GB18030", "GB18030", NULL);
	legacy_case("a Japanese paragraph", sjis_text, "SHIFT_JIS", "SHIFT_JIS", NULL);
	legacy_case("a Korean paragraph", euckr_text, "EUC-KR", "EUC-KR", "UHC");

	/* cp1252 named by the user; an undefined byte becomes U+FFFD. */
	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.encoding = "cp1252";
	struct doc *d = loaded("a cp1252 file with --encoding cp1252",
			       write_lit("cp1252.txt", "Caf\xe9 \x93quoted\x94 \x80 5\x81"),
			       &opt);
	check_text(d, "Café “quoted” € 5\xEF\xBF\xBD",
		   "cp1252 decodes é, curly quotes and €; its undefined byte 0x81 is U+FFFD");
	if (d) {
		is_int(doc_info(d)->replaced, 1, "--info counts the undefined byte");
		is_str(doc_info(d)->encoding, "CP1252", "--info names the encoding given");
	}
	doc_free(d);

	/* cp1252 found by uchardet. */
	size_t n1252 = 0;
	char *w1252 = to_legacy("Café crème brûlée — “naïve” résumé; façade.\n", "CP1252", &n1252);
	if (w1252) {
		d = loaded("a Western European text in cp1252, encoding not given",
			   write_file("cp1252-guess.txt", w1252, n1252), NULL);
		check_text(d, "Café crème brûlée — “naïve” résumé; façade.",
			   "cp1252 is detected: accents, dashes and curly quotes come out right");
		if (d)
			is_str(doc_info(d)->encoding, "WINDOWS-1252", "--info says WINDOWS-1252");
		doc_free(d);
		free(w1252);
	}

	/* UTF-16 without a BOM, named: its NUL bytes are not binary. */
	memset(&opt, 0, sizeof opt);
	opt.encoding = "utf-16le";
	d = loaded("UTF-16LE without a BOM, with --encoding utf-16le",
		   write_lit("nobom16.txt", "h\0i\0\n\0"), &opt);
	check_text(d, "hi", "its text comes out right");
	doc_free(d);

	/* Valid UTF-8 is never guessed at. */
	d = loaded("a UTF-8 Chinese text", write_file("utf8.txt", big5_text, strlen(big5_text)),
		   NULL);
	if (d) {
		is_str(doc_info(d)->encoding, "UTF-8", "valid UTF-8 is read as UTF-8");
		ok(!doc_info(d)->encoding_detected, "valid UTF-8 is not a guess");
	}
	doc_free(d);

	/* UTF-8 with one stray byte stays UTF-8 (one U+FFFD), not mojibake. */
	char stray[1024];
	size_t n = strlen(big5_text);
	memcpy(stray, big5_text, 30);
	stray[30] = (char)0xB7;
	memcpy(stray + 31, big5_text + 30, n - 30);
	d = loaded("a UTF-8 Chinese text with one stray byte",
		   write_file("stray.txt", stray, n + 1), NULL);
	if (d) {
		is_str(doc_info(d)->encoding, "UTF-8", "it is still read as UTF-8");
		is_int(doc_info(d)->replaced, 1, "the stray byte is one U+FFFD");
		size_t len;
		const char *t = doc_text(d, &len);
		ok(len > 30 && memcmp(t, big5_text, 30) == 0 &&
		   memcmp(t + 30, "\xEF\xBF\xBD", 3) == 0,
		   "the text around it is intact");
	}
	doc_free(d);
}

/* -------------------------------------------------- replacement, NFC, LF */

static void
test_replacement_and_normalising(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
		size_t replaced;
		const char *what;
	} cases[] = {
		{ "a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d", 13,
		  "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD"
		  "c\xEF\xBF\xBD\xEF\xBF\xBD" "d", 6,
		  "Unicode's example (table 3-8): one U+FFFD per maximal subpart" },
		{ "\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD", 2,
		  "an overlong / is two U+FFFD" },
		{ "\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3,
		  "an encoded surrogate is three U+FFFD" },
		{ "x\xF0\x9F\x98", 4, "x\xEF\xBF\xBD", 1,
		  "a truncated emoji at the end is one U+FFFD" },
		{ "\xF4\x90\x80\x80", 4,
		  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 4,
		  "a code point past U+10FFFF is four U+FFFD" },
	};
	struct doc_load_options utf8;
	memset(&utf8, 0, sizeof utf8);
	utf8.encoding = "UTF-8";
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++) {
		char file[32];
		snprintf(file, sizeof file, "fffd-%zu.txt", i);
		struct doc *d = loaded(cases[i].what, write_file(file, cases[i].in, cases[i].n),
				       &utf8);
		check_text(d, cases[i].want, cases[i].what);
		if (d)
			is_int(doc_info(d)->replaced, cases[i].replaced,
			       "%s: --info counts them", cases[i].what);
		doc_free(d);

		struct gl_error err;
		if (doc_from_text(cases[i].in, cases[i].n, DOC_FORMAT_TEXT, NULL, &d, &err) == GL_OK) {
			check_text(d, cases[i].want, "the same from text in memory");
			doc_free(d);
		}
	}

	static const struct {
		const char *in, *want, *newlines;
	} nl[] = {
		{ "one\r\ntwo\r\n", "one\ntwo", "CRLF" },
		{ "one\rtwo\r", "one\ntwo", "CR" },
		{ "one\ntwo\n", "one\ntwo", "LF" },
		{ "one\r\ntwo\nthree\r", "one\ntwo\nthree", "mixed" },
		{ "one line", "one line", "none" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(nl); i++) {
		char file[32];
		snprintf(file, sizeof file, "nl-%zu.txt", i);
		struct doc *d = loaded(nl[i].newlines, write_file(file, nl[i].in, strlen(nl[i].in)),
				       NULL);
		check_text(d, nl[i].want, "newlines become LF");
		if (d)
			is_str(doc_info(d)->newlines, nl[i].newlines,
			       "--info says the newlines were %s", nl[i].newlines);
		doc_free(d);
	}

	struct doc *d = loaded("a decomposed é", write_file("nfd.txt", "cafe\xCC\x81", 6), NULL);
	check_text(d, "caf\xC3\xA9", "e + U+0301 becomes é (NFC)");
	if (d)
		ok(doc_info(d)->changed_by_nfc, "--info says NFC changed the text");
	doc_free(d);
	d = loaded("Hangul jamo", write_file("jamo.txt", "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 9),
		   NULL);
	check_text(d, "한", "the jamo ᄒ ᅡ ᆫ become the syllable 한");
	doc_free(d);
	d = loaded("an NFC text", write_file("nfc.txt", "café", 5), NULL);
	if (d)
		ok(!doc_info(d)->changed_by_nfc, "--info says NFC changed nothing");
	doc_free(d);
}

/* ------------------------------------------------------------- offsets */

static void
test_offsets(void)
{
	/* 1-, 2-, 3- and 4-byte characters, enough for several index samples. */
	struct buf text = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_puts(&text, i % 7 == 6 ? "a漢𠀀é\n" : "a漢𠀀é");
	struct doc *d;
	struct gl_error err;
	if (!ok(doc_from_text(text.data, text.len, DOC_FORMAT_TEXT, NULL, &d, &err) == GL_OK,
		"a long mixed text loads")) {
		buf_free(&text);
		return;
	}
	size_t len;
	const char *t = doc_text(d, &len);
	is_int(doc_length(d), len, "doc_length is the text's bytes");
	is_int(doc_length_cp(d), u8_count_cp(t, len), "doc_length_cp counts code points");
	/* Walk the text and check every offset both ways. */
	bool all = true;
	size_t cp = 0;
	for (size_t off = 0; off <= len && all; cp++) {
		if (doc_cp_to_byte(d, cp) != off || doc_byte_to_cp(d, off) != cp) {
			diag("  mismatch at code point %zu, byte %zu", cp, off);
			all = false;
		}
		if (off == len)
			break;
		int32_t c;
		off += u8_decode(t, len, off, &c);
	}
	ok(all, "every code point offset maps to its byte offset and back");
	is_int(doc_cp_to_byte(d, 0), 0, "code point 0 is byte 0");
	is_int(doc_cp_to_byte(d, 2), 4, "code point 2 (𠀀) starts after a (1) and 漢 (3)");
	is_int(doc_cp_to_byte(d, 3), 8, "code point 3 (é) comes after the 4 bytes of 𠀀");
	is_int(doc_byte_to_cp(d, 6), 2, "a byte inside 𠀀 counts as 𠀀");
	is_int(doc_cp_to_byte(d, (size_t)-1), len, "a code point past the end is the end");
	is_int(doc_byte_to_cp(d, len + 100), doc_length_cp(d), "a byte past the end is the end");
	doc_free(d);
	buf_free(&text);
}

/* ---------------------------------------------------- stdin and identity */

/* Runs doc_load on stdin fed by a child process through a pipe. */
static enum gl_status
load_from_pipe(const char *data, size_t n, const struct doc_load_options *base,
	       struct doc **d, struct gl_error *err)
{
	int p[2];
	if (pipe(p) != 0)
		return GL_IO;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		for (size_t done = 0; done < n;) {
			ssize_t w = write(p[1], data + done, n - done);
			if (w <= 0)
				_exit(1);
			done += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	int saved = dup(0);
	dup2(p[0], 0);
	close(p[0]);
	struct doc_load_options opt;
	if (base)
		opt = *base;
	else
		memset(&opt, 0, sizeof opt);
	opt.path = "-";
	enum gl_status st = doc_load(&opt, d, err);
	dup2(saved, 0);
	close(saved);
	int status;
	waitpid(pid, &status, 0);
	return st;
}

static void
test_stdin_and_identity(void)
{
	/* More than one pipe buffer, so reading has to loop. */
	struct buf text = BUF_INIT;
	for (int i = 0; i < 4000; i++)
		buf_printf(&text, "Line %d of a piped article, 世界.\r\n", i);
	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = load_from_pipe(text.data, text.len, NULL, &d, &err);
	if (!ok(st == GL_OK && d, "an article piped to stdin loads"))
		diag("  %s: %s", gl_status_name(st), err.message);
	if (d) {
		is_str(doc_source(d), "-", "its source is \"-\"");
		ok(doc_source_is_transient(d), "stdin is never matched by its source");
		is_int(doc_info(d)->source_bytes, text.len, "every byte was read");
		is_int(doc_block_count(d), 4000, "every line is there");
		is_str(doc_info(d)->newlines, "CRLF", "the CRLFs were seen");
	}
	/* The same text from a file has the same identity. */
	const char *path = write_file("piped.txt", text.data, text.len);
	struct doc *f = loaded("the same article from a file", path, NULL);
	if (d && f)
		is_str(doc_hash(d), doc_hash(f), "stdin and a file with the same text have one hash");
	if (f) {
		ok(!doc_source_is_transient(f),
		   "a file under the temporary directory is tracked by its path like any other");
		is_str(doc_source(f), path, "a file's source is its path as given");
	}
	doc_free(f);
	/* gloss's own spool file (a copy of stdin) is never found by its path. */
	struct doc_load_options spool;
	memset(&spool, 0, sizeof spool);
	spool.path = path;
	spool.transient = true;
	f = loaded("a spool file of gloss's own", path, &spool);
	if (f)
		ok(doc_source_is_transient(f), "a file loaded as gloss's own spool file is transient");
	doc_free(f);
	doc_free(d);

	struct doc_load_options small;
	memset(&small, 0, sizeof small);
	small.max_size = 1000;
	d = NULL;
	double t0 = now();
	st = load_from_pipe(text.data, text.len, &small, &d, &err);
	is_int(st, GL_TOO_LARGE, "a pipe bringing more than max_size is refused");
	ok(strstr(err.message, "standard input") != NULL,
	   "the message names standard input (%s)", err.message);
	ok(now() - t0 < 5, "without reading the pipe to its end");
	doc_free(d);
	buf_free(&text);

	/* stdin opened on a directory. */
	int dirfd = open(tmpdir, O_RDONLY);
	if (dirfd >= 0) {
		int saved = dup(0);
		dup2(dirfd, 0);
		close(dirfd);
		struct doc_load_options opt;
		memset(&opt, 0, sizeof opt);
		d = NULL;
		st = doc_load(&opt, &d, &err);
		dup2(saved, 0);
		close(saved);
		is_int(st, GL_NOT_REGULAR, "stdin opened on a directory is refused as not a regular file");
		doc_free(d);
	}

	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	d = NULL;
	st = load_from_pipe(png, sizeof png - 1, NULL, &d, &err);
	is_int(st, GL_BINARY, "a PNG piped to stdin is refused as binary");
	doc_free(d);

	/* Hash: the known XXH3-128 of nothing, and its shape. */
	if (doc_from_text("", 0, DOC_FORMAT_TEXT, NULL, &d, &err) == GL_OK) {
		is_str(doc_hash(d), "99aa06d3014798d86001c324468d497f",
		       "the empty document's hash is XXH3-128 of no bytes");
		is_str(doc_title(d), "", "the empty document has an empty title");
		is_int(doc_block_count(d), 0, "and no blocks");
		is_int(doc_block_at(d, 0), 0, "doc_block_at on no blocks is 0");
		ok(doc_source_is_transient(d), "a text from memory without a source is transient");
		doc_free(d);
	}
	struct doc *a, *b;
	if (doc_from_text("Hello\r\n", 7, DOC_FORMAT_TEXT, "x.txt", &a, &err) == GL_OK &&
	    doc_from_text("Hello", 5, DOC_FORMAT_TEXT, "y.txt", &b, &err) == GL_OK) {
		is_str(doc_hash(a), doc_hash(b), "the hash is of the text, not the file's bytes");
		bool hex = strlen(doc_hash(a)) == 32;
		for (const char *p = doc_hash(a); *p; p++)
			hex = hex && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
		ok(hex, "a hash is 32 lowercase hex digits");
		doc_free(a);
		doc_free(b);
	}
	if (doc_from_text("Hello.", 6, DOC_FORMAT_TEXT, NULL, &a, &err) == GL_OK &&
	    doc_from_text("Hello!", 6, DOC_FORMAT_TEXT, NULL, &b, &err) == GL_OK) {
		ok(strcmp(doc_hash(a), doc_hash(b)) != 0, "one changed character changes the hash");
		doc_free(a);
		doc_free(b);
	}

	/* A source outside the temporary directories is not transient. */
	const char *srcdir = getenv("top_srcdir");
	if (srcdir) {
		char *readme = gl_path_join(srcdir, "configure.ac");
		char *real = realpath(readme, NULL);
		const char *tmpenv = getenv("TMPDIR");
		if (real && strncmp(real, "/tmp/", 5) != 0 &&
		    !(tmpenv && *tmpenv && strncmp(real, tmpenv, strlen(tmpenv)) == 0)) {
			struct doc_load_options opt;
			memset(&opt, 0, sizeof opt);
			d = loaded("a file of the source tree", readme, &opt);
			if (d)
				ok(!doc_source_is_transient(d), "a file outside /tmp and $TMPDIR is not transient");
			doc_free(d);
		} else {
			skip("the source tree is under a temporary directory");
		}
		free(real);
		free(readme);
	}
}

/* A file that is one huge line: its title is capped, not the whole line. */
static void
test_long_title(void)
{
	struct buf line = BUF_INIT;
	for (int i = 0; i < 199; i++)
		buf_putc(&line, 'x');
	/* A flag is one cluster of 8 bytes straddling the 200th character. */
	buf_puts(&line, "\xF0\x9F\x87\xB9\xF0\x9F\x87\xBC");
	for (int i = 0; i < 1000000; i++)
		buf_puts(&line, "y");
	buf_putc(&line, '\n');
	const char *path = write_file("one-line.txt", line.data, line.len);
	struct doc *d = loaded("a file of one line of a million characters", path, NULL);
	if (d) {
		const char *t = doc_title(d);
		ok(strlen(t) < 1000, "its title is not the whole line (%zu bytes)", strlen(t));
		ok(strncmp(t, line.data, 199 + 8) == 0,
		   "the title keeps the first 200 characters, the flag whole");
		is_str(t + 199 + 8, "\xE2\x80\xA6", "and ends with an ellipsis right after them");
	}
	doc_free(d);

	buf_clear(&line);
	buf_puts(&line, "# ");
	for (int i = 0; i < 300; i++)
		buf_puts(&line, "\xE6\xBC\xA2");   /* 漢 */
	buf_puts(&line, "\n\nBody.\n");
	path = write_file("long-heading.md", line.data, line.len);
	d = loaded("a Markdown file with a 300-character CJK heading", path, NULL);
	if (d) {
		struct buf want = BUF_INIT;
		for (int i = 0; i < DOC_TITLE_MAX; i++)
			buf_puts(&want, "\xE6\xBC\xA2");
		buf_puts(&want, "\xE2\x80\xA6");
		is_str(doc_title(d), want.data, "a long CJK heading is cut to 200 characters and an ellipsis");
		buf_free(&want);
	}
	doc_free(d);

	/* One cluster of a letter and 100,000 combining marks. */
	buf_clear(&line);
	buf_putc(&line, 'a');
	for (int i = 0; i < 100000; i++)
		buf_puts(&line, "\xCC\x81");   /* U+0301 */
	buf_puts(&line, "\n\nBody.\n");
	struct doc *huge = NULL;
	struct gl_error err;
	if (doc_from_text(line.data, line.len, DOC_FORMAT_TEXT, NULL, &huge, &err) == GL_OK) {
		const char *t = doc_title(huge);
		ok(strlen(t) <= 16 * DOC_TITLE_MAX + 3,
		   "a title that is one enormous cluster is cut too (%zu bytes)", strlen(t));
		ok(u8_is_valid(t, strlen(t)), "at a character boundary");
	} else {
		ok(0, "a letter with 100,000 combining marks loads");
	}
	doc_free(huge);

	const char *short_title = write_lit("short.txt", "A title of its own\n\nBody.\n");
	d = loaded("a file with a short first line", short_title, NULL);
	if (d)
		is_str(doc_title(d), "A title of its own", "a short title is kept whole, without an ellipsis");
	doc_free(d);
	buf_free(&line);
}

static void
test_formats(void)
{
	const char *md = write_lit("notes.MD", "# Title\n\nSome *text*.\n");
	struct doc *d = loaded("a .MD file", md, NULL);
	if (d) {
		is_str(doc_format_name(doc_format(d)), "markdown", "a .MD file is read as Markdown");
		check_text(d, "Title\nSome text.", "its text is rendered, without markup");
	}
	doc_free(d);
	const char *txt = write_file("notes.txt", "# Title\n", 8);
	d = loaded("a .txt file", txt, NULL);
	if (d) {
		is_str(doc_format_name(doc_format(d)), "text", "a .txt file is plain text");
		check_text(d, "# Title", "its markup stays as written");
	}
	doc_free(d);
	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.format = DOC_FORMAT_MARKDOWN;
	d = loaded("a .txt file with --format markdown", txt, &opt);
	check_text(d, "Title", "--format overrides the extension");
	doc_free(d);
}

int
main(void)
{
	alarm(120);
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/gloss-doc-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	test_refusals();
	test_unicode_encodings();
	test_legacy_encodings();
	test_replacement_and_normalising();
	test_offsets();
	test_stdin_and_identity();
	test_formats();
	test_long_title();
	cleanup();
	return tap_done();
}
