/* Text: bounded copies, JSON strings of untrusted bytes, the locale's charset, sparklines. */
#ifndef CLIMIT_TEXT_H
#define CLIMIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Copy at most size-1 bytes and always terminate; returns false if truncated. */
bool str_copy(char *dst, const char *src, size_t size);
/* A JSON string of untrusted bytes: valid UTF-8 as it is, any other byte as the text \xHH. */
void json_text(FILE *f, const char *s);
/* The locale's character set is UTF-8 (after setlocale(LC_CTYPE, "")). */
bool locale_utf8(void);
/* One cell per value: block characters (or " .:-=+*#" without UTF-8) scaled to hi (0: to the
 * highest value). */
void sparkline(char *out, size_t size, const float *h, int n, float hi, bool utf8);

#endif
