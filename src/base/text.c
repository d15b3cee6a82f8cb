/* Text for people and for JSON (see text.h). */
#define _GNU_SOURCE
#include "text.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

bool str_copy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static int utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	int n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) || (p[0] == 0xf0 && p[1] < 0x90) ||
	    (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* Valid UTF-8 is copied as it is (JSON is Unicode text); a byte that is not part of valid UTF-8
 * becomes the text \xHH, as the table shows it (cgroup names are bytes, not trusted text). */
void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (n == 0)
			fprintf(f, "\\\\x%02x", *p);
		else
			fwrite(p, 1, (size_t)n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/* The locale's character set (setlocale from the environment first), not its name. */
bool locale_utf8(void)
{
	setlocale(LC_CTYPE, "");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

void sparkline(char *out, size_t size, const float *h, int n, float hi, bool utf8)
{
	static const char *const blocks[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
					      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[] = " .:-=+*#";
	for (int i = 0; hi <= 0 && i < n; i++)
		if (h[i] > 0)
			hi = -1; /* no scale given: the highest value */
	if (hi < 0)
		for (int i = 0; i < n; i++)
			if (h[i] > hi)
				hi = h[i];
	size_t o = 0;
	for (int i = 0; i < n && o + 4 < size; i++) {
		int lvl = hi > 0 ? (int)(h[i] / hi * 7 + 0.5) : 0;
		lvl = lvl < 0 ? 0 : lvl > 7 ? 7 : lvl;
		if (utf8) {
			memcpy(out + o, blocks[lvl], 3);
			o += 3;
		} else {
			out[o++] = ascii[lvl];
		}
	}
	out[o] = '\0';
}
