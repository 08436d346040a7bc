/* A small TAP producer for the C unit tests (automake's tap-driver.sh reads
 * it).  Header only: each test program includes it once.
 *
 *   ok(cond, "what a user relies on");
 *   is_int(got, want, "..."); is_str(got, want, "..."); is_mem(...)
 *   return tap_done();     // prints the plan, exit status 0 or 1
 *
 * tap_skip_all("reason") exits 0 with "1..0 # SKIP reason".  A test that
 * needs a missing Unicode file skips this way, never passes silently. */
#ifndef GLOSS_TESTS_TAP_H
#define GLOSS_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))

static int tap_count;
static int tap_failed;

TAP_UNUSED __attribute__((format(printf, 2, 3))) static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_count++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

TAP_UNUSED __attribute__((format(printf, 1, 2))) static void
diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define is_int(got, want, ...) do { \
	long long tap_g_ = (long long)(got), tap_w_ = (long long)(want); \
	if (!ok(tap_g_ == tap_w_, __VA_ARGS__)) \
		diag("  got %lld, want %lld (%s:%d)", tap_g_, tap_w_, __FILE__, __LINE__); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *tap_g_ = (got), *tap_w_ = (want); \
	int tap_eq_ = (tap_g_ && tap_w_) ? strcmp(tap_g_, tap_w_) == 0 : tap_g_ == tap_w_; \
	if (!ok(tap_eq_, __VA_ARGS__)) \
		diag("  got \"%s\", want \"%s\" (%s:%d)", tap_g_ ? tap_g_ : "(null)", \
		     tap_w_ ? tap_w_ : "(null)", __FILE__, __LINE__); \
} while (0)

#define is_mem(got, gotlen, want, wantlen, ...) do { \
	size_t tap_gl_ = (gotlen), tap_wl_ = (wantlen); \
	int tap_eq_ = tap_gl_ == tap_wl_ && memcmp((got), (want), tap_gl_) == 0; \
	if (!ok(tap_eq_, __VA_ARGS__)) \
		diag("  got \"%.*s\" (%zu bytes), want \"%.*s\" (%zu bytes) (%s:%d)", \
		     (int)tap_gl_, (const char *)(got), tap_gl_, (int)tap_wl_, \
		     (const char *)(want), tap_wl_, __FILE__, __LINE__); \
} while (0)

TAP_UNUSED static void
tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

TAP_UNUSED static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
