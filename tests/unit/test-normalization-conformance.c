/* Unicode's NormalizationTest.txt (15.0, committed beside the other test
 * files): every article gloss loads is NFC, so c2 == NFC(c1) == NFC(c2) ==
 * NFC(c3) and c4 == NFC(c4) == NFC(c5) must hold for every line, through
 * both u8_nfc and the loader's u8_normalize_text.  One TAP line per part
 * of the file, with the failing lines listed. */
#include "config.h"

#include "gloss/u8.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

/* Parses "0044 0307" into UTF-8. */
static void
parse_field(const char *s, const char *end, struct buf *out)
{
	buf_clear(out);
	while (s < end) {
		char *next;
		long cp = strtol(s, &next, 16);
		if (next == s)
			break;
		char enc[4];
		buf_append(out, enc, u8_encode((int32_t)cp, enc));
		s = next;
	}
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/unicode/NormalizationTest.txt", top ? top : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		tap_skip_all("tests/data/unicode/NormalizationTest.txt is missing");

	char line[4096];
	int part = -1, lines = 0, failures = 0, part_lines = 0;
	struct buf c[5], got = BUF_INIT;
	for (int i = 0; i < 5; i++)
		c[i] = (struct buf)BUF_INIT;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '@') {
			if (part >= 0)
				ok(failures == 0, "part %d: %d lines normalise to NFC as Unicode says (%d failed)",
				   part, part_lines, failures);
			part++;
			failures = part_lines = 0;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		const char *p = line;
		for (int i = 0; i < 5; i++) {
			const char *semi = strchr(p, ';');
			if (!semi)
				break;
			parse_field(p, semi, &c[i]);
			p = semi + 1;
		}
		lines++;
		part_lines++;
		/* c2 == NFC(c1) == NFC(c2) == NFC(c3); c4 == NFC(c4) == NFC(c5). */
		static const int from[] = { 0, 1, 2, 3, 4 };
		static const int want[] = { 1, 1, 1, 3, 3 };
		for (int k = 0; k < 5; k++) {
			buf_clear(&got);
			u8_nfc(&got, c[from[k]].data, c[from[k]].len);
			bool same = got.len == c[want[k]].len && memcmp(got.data, c[want[k]].data, got.len) == 0;
			buf_clear(&got);
			u8_normalize_text(&got, c[from[k]].data, c[from[k]].len, NULL);
			same = same && got.len == c[want[k]].len &&
			       memcmp(got.data, c[want[k]].data, got.len) == 0;
			if (!same) {
				if (failures < 10)
					diag("NFC of column %d differs: %s", from[k] + 1, line);
				failures++;
				break;
			}
		}
	}
	if (part >= 0)
		ok(failures == 0, "part %d: %d lines normalise to NFC as Unicode says (%d failed)",
		   part, part_lines, failures);
	fclose(f);
	ok(lines > 18000, "the whole file was read (%d lines)", lines);
	for (int i = 0; i < 5; i++)
		buf_free(&c[i]);
	buf_free(&got);
	return tap_done();
}
