/* Pure parsers and formatters for sizes, CPU quotas, durations, counts, names and CPU lists.
 * No I/O here: everything is unit-tested in tests/unit/test_units.c, hostile inputs included. */
#define _GNU_SOURCE
#include "units.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parse "digits[.digits]" at *p into a fixed-point value scaled by 10^9 (integer part kept
 * exact up to 2^64/1e9 is not enough, so keep both parts separately). */
struct decimal {
	uint64_t whole;
	uint64_t frac;       /* fractional digits as an integer */
	unsigned frac_digits;
};

static int parse_decimal(const char **p, struct decimal *d, const char **why)
{
	const char *s = *p;
	*d = (struct decimal){ 0 };
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return *why = "not a number", -1;
	while (isdigit((unsigned char)*s)) {
		unsigned digit = (unsigned)(*s - '0');
		if (d->whole > (UINT64_MAX - digit) / 10)
			return *why = "too large", -1;
		d->whole = d->whole * 10 + digit;
		s++;
	}
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return *why = "not a number", -1;
		while (isdigit((unsigned char)*s)) {
			if (d->frac_digits < 9) { /* more precision than a nanosecond or a byte is noise */
				d->frac = d->frac * 10 + (unsigned)(*s - '0');
				d->frac_digits++;
			}
			s++;
		}
	}
	*p = s;
	return 0;
}

/* whole*mult + frac*mult/10^digits, with overflow detection. */
static int scale_decimal(const struct decimal *d, uint64_t mult, uint64_t *out, const char **why)
{
	uint64_t v;
	if (__builtin_mul_overflow(d->whole, mult, &v))
		return *why = "too large", -1;
	uint64_t pow10 = 1;
	for (unsigned i = 0; i < d->frac_digits; i++)
		pow10 *= 10;
	unsigned __int128 f = (unsigned __int128)d->frac * mult / pow10;
	if (__builtin_add_overflow(v, (uint64_t)f, &v))
		return *why = "too large", -1;
	*out = v;
	return 0;
}

int units_parse_size(const char *s, bool allow_max, uint64_t *out, const char **why)
{
	if (allow_max && (strcmp(s, "max") == 0 || strcmp(s, "infinity") == 0)) {
		*out = UNITS_MAX;
		return 0;
	}
	struct decimal d;
	const char *p = s;
	if (*p == '-')
		return *why = "negative sizes make no sense", -1;
	if (parse_decimal(&p, &d, why) < 0)
		return *why = (*why && strcmp(*why, "too large") == 0) ? *why : "not a size", -1;
	uint64_t mult = 1;
	switch (toupper((unsigned char)*p)) {
	case 'K': mult = 1ull << 10; p++; break;
	case 'M': mult = 1ull << 20; p++; break;
	case 'G': mult = 1ull << 30; p++; break;
	case 'T': mult = 1ull << 40; p++; break;
	default: break;
	}
	if (mult > 1 && (*p == 'i' || *p == 'I'))
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		return *why = "not a size (use bytes or K, M, G, T, e.g. 100M)", -1;
	if (d.frac_digits && mult == 1)
		return *why = "a fraction of a byte is not a size", -1;
	if (scale_decimal(&d, mult, out, why) < 0)
		return -1;
	if (*out > INT64_MAX)
		return *why = "too large", -1;
	return 0;
}

int units_parse_cpu_quota(const char *s, uint64_t *quota_us, const char **why)
{
	if (strcmp(s, "max") == 0) {
		*quota_us = UNITS_MAX;
		return 0;
	}
	struct decimal d;
	const char *p = s;
	if (*p == '-')
		return *why = "negative quotas make no sense", -1;
	if (parse_decimal(&p, &d, why) < 0)
		return *why = "not a CPU quota (use 50%, 150% or 1.5)", -1;
	uint64_t us;
	if (*p == '%') {
		p++;
		if (scale_decimal(&d, CPU_PERIOD_US / 100, &us, why) < 0)
			return -1;
	} else if (scale_decimal(&d, CPU_PERIOD_US, &us, why) < 0) {
		return -1;
	}
	if (*p != '\0')
		return *why = "not a CPU quota (use 50%, 150% or 1.5)", -1;
	/* The kernel refuses quotas below 1 ms per period (EINVAL from cpu.max / cfs_quota_us). */
	if (us < 1000)
		return *why = "below the kernel's minimum of 1% (0.01 CPU)", -1;
	if (us > 100000ull * CPU_PERIOD_US)
		return *why = "too large (at most 100000 CPUs)", -1;
	*quota_us = us;
	return 0;
}

int units_parse_duration(const char *s, uint64_t *ns, const char **why)
{
	struct decimal d;
	const char *p = s;
	if (*p == '-')
		return *why = "negative durations make no sense", -1;
	if (parse_decimal(&p, &d, why) < 0)
		return *why = "not a duration (use 10, 10s, 1.5m, 2h, 1d or 500ms)", -1;
	uint64_t mult;
	if (strcmp(p, "ms") == 0)
		mult = 1000000ull;
	else if (*p == '\0' || strcmp(p, "s") == 0)
		mult = 1000000000ull;
	else if (strcmp(p, "m") == 0)
		mult = 60ull * 1000000000ull;
	else if (strcmp(p, "h") == 0)
		mult = 3600ull * 1000000000ull;
	else if (strcmp(p, "d") == 0)
		mult = 86400ull * 1000000000ull;
	else
		return *why = "not a duration (use 10, 10s, 1.5m, 2h, 1d or 500ms)", -1;
	if (scale_decimal(&d, mult, ns, why) < 0)
		return -1;
	/* timerfd takes a time_t of seconds; stay far below it. */
	if (*ns > 100ull * 365 * 86400 * 1000000000ull)
		return *why = "too large (at most 100 years)", -1;
	return 0;
}

int units_parse_uint(const char *s, uint64_t min, uint64_t max, bool allow_max, uint64_t *out,
		     const char **why)
{
	if (allow_max && strcmp(s, "max") == 0) {
		*out = UNITS_MAX;
		return 0;
	}
	if (*s == '-')
		return *why = "negative numbers make no sense", -1;
	if (!isdigit((unsigned char)*s))
		return *why = "not a number", -1;
	uint64_t v = 0;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned digit = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return *why = "too large", -1;
		v = v * 10 + digit;
	}
	if (*s != '\0')
		return *why = "not a number", -1;
	static char range[96];
	if (v < min || v > max) {
		snprintf(range, sizeof range, "out of range (%llu..%llu%s)", (unsigned long long)min,
			 (unsigned long long)max, allow_max ? " or max" : "");
		return *why = range, -1;
	}
	*out = v;
	return 0;
}

int units_parse_cpu_list(const char *s, unsigned ncpus, const char **why)
{
	if (*s == '\0')
		return *why = "empty CPU list", -1;
	const char *p = s;
	for (;;) {
		uint64_t lo, hi;
		if (!isdigit((unsigned char)*p))
			return *why = "not a CPU list (use e.g. 0-1,3)", -1;
		lo = strtoull(p, (char **)&p, 10);
		hi = lo;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return *why = "not a CPU list (use e.g. 0-1,3)", -1;
			hi = strtoull(p, (char **)&p, 10);
		}
		if (hi < lo)
			return *why = "a CPU range must go upward (e.g. 0-3)", -1;
		if (hi >= ncpus) {
			static char msg[64];
			snprintf(msg, sizeof msg, "no such CPU (this machine has CPUs 0-%u)", ncpus - 1);
			return *why = msg, -1;
		}
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return *why = "not a CPU list (use e.g. 0-1,3)", -1;
		p++;
	}
}

int units_check_name(const char *s, const char **why)
{
	size_t n = strlen(s);
	if (n == 0)
		return *why = "empty name", -1;
	if (n > NAME_MAX_LEN)
		return *why = "too long (at most 64 characters)", -1;
	if (!isalnum((unsigned char)s[0]))
		return *why = "must start with a letter or digit", -1;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return *why = "only letters, digits, '_', '.' and '-' are allowed", -1;
	return 0;
}

int units_check_parent(const char *s, const char **why)
{
	if (*s == '/')
		s++;
	if (*s == '\0')
		return *why = "empty path (the hierarchy root cannot hold climit's groups)", -1;
	if (strlen(s) > 200)
		return *why = "too long", -1;
	char part[NAME_MAX_LEN * 4];
	while (*s) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		if (n == 0 || n >= sizeof part)
			return *why = "empty or overlong path component", -1;
		memcpy(part, s, n);
		part[n] = '\0';
		/* '@' as in systemd's user@1000.service, where a normal user's groups live. */
		for (char *at = part; (at = strchr(at, '@'));)
			*at++ = '_';
		if (units_check_name(part, why) < 0)
			return -1;
		s += n;
		if (*s == '/' && *++s == '\0')
			return *why = "trailing '/'", -1;
	}
	return 0;
}

uint64_t units_shares_to_weight(uint64_t shares)
{
	/* The inverse of units_weight_to_shares, rounded to the nearest weight that maps back. */
	uint64_t w = (shares * 100 + 512) / 1024;
	return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

uint64_t units_weight_to_shares(uint64_t weight)
{
	uint64_t shares = weight * 1024 / 100;
	if (shares < 2)
		shares = 2;           /* v1 minimum */
	if (shares > 262144)
		shares = 262144;      /* v1 maximum */
	return shares;
}

/* Dashboards format thousands of cells per refresh: these avoid snprintf (about 1.5k
 * instructions a call; a 1000-group batch frame spent more on formatting than on reading
 * cgroupfs). Both write at most size-1 characters and always terminate. */
size_t units_format_u64(uint64_t v, char *buf, size_t size)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t o = 0;
	while (n && o + 1 < size)
		buf[o++] = tmp[--n];
	if (size)
		buf[o] = '\0';
	return o;
}

/* v >= 0 with one decimal, rounded like printf's %.1f (ties to even). */
size_t units_format_tenths(double v, char *buf, size_t size)
{
	double x = v * 10;
	if (!(x < 1.8e19)) /* huge or NaN: leave it to printf */
		return (size_t)snprintf(buf, size, "%.1f", v);
	uint64_t t = (uint64_t)x;
	double frac = x - (double)t;
	if (frac > 0.5 || (frac == 0.5 && (t & 1)))
		t++;
	size_t o = units_format_u64(t / 10, buf, size);
	if (o + 2 < size) {
		buf[o++] = '.';
		buf[o++] = (char)('0' + t % 10);
		buf[o] = '\0';
	}
	return o;
}

void units_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char suffix[] = "KMGT";
	if (bytes == UNITS_MAX) {
		snprintf(buf, size, "max");
		return;
	}
	int i = -1;
	double v = (double)bytes;
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	size_t o = i < 0 ? units_format_u64(bytes, buf, size)
	    : v == (double)(uint64_t)v ? units_format_u64((uint64_t)v, buf, size)
				       : units_format_tenths(v, buf, size);
	if (i >= 0 && o + 1 < size) {
		buf[o++] = suffix[i];
		buf[o] = '\0';
	}
}
