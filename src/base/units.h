/* Pure parsers and formatters for sizes, CPU quotas, durations, counts, names and CPU lists. */
#ifndef CLIMIT_UNITS_H
#define CLIMIT_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNITS_MAX UINT64_MAX        /* the value "max": no limit */
/* A limit not given (an option left out): neither a value nor "max". */
#define OPT_UNSET (UINT64_MAX - 1)
#define CPU_PERIOD_US 100000u       /* CFS period used for every quota (the kernel default) */
#define NAME_MAX_LEN 64

/* Each parser returns 0, or -1 with a reason ("not a size", ...) in *why. */

/* SIZE: digits with an optional fraction, then K/M/G/T (binary, case-insensitive), optional
 * "i", "iB" or "B"; "100MB" means 100 MiB, as in systemd's MemoryMax= and cgset. "max" if allow_max. */
int units_parse_size(const char *s, bool allow_max, uint64_t *out, const char **why);
/* QUOTA: "50%", "12.5%", "150%" (of one CPU) or "1.5" (CPUs) -> microseconds per CPU_PERIOD_US;
 * "max" -> UNITS_MAX. */
int units_parse_cpu_quota(const char *s, uint64_t *quota_us, const char **why);
/* DURATION like timeout(1): NUMBER[ms|s|m|h|d], default seconds; 0 disables. -> nanoseconds. */
int units_parse_duration(const char *s, uint64_t *ns, const char **why);
/* Unsigned integer in [min, max]; "max" -> UNITS_MAX if allow_max. */
int units_parse_uint(const char *s, uint64_t min, uint64_t max, bool allow_max, uint64_t *out,
		     const char **why);
/* CPU list "0-1,3": syntax and range against ncpus (the highest valid CPU is ncpus-1). */
int units_parse_cpu_list(const char *s, unsigned ncpus, const char **why);
/* Container name: [A-Za-z0-9][A-Za-z0-9_.-]*, at most NAME_MAX_LEN. */
int units_check_name(const char *s, const char **why);
/* Parent path: one or more names separated by '/', leading '/' optional. */
int units_check_parent(const char *s, const char **why);
/* cgroup v2 cpu.weight (1..10000) -> cgroup v1 cpu.shares, as systemd maps it (100 <-> 1024). */
uint64_t units_weight_to_shares(uint64_t weight);
uint64_t units_shares_to_weight(uint64_t shares);

/* "100M", "1.5G", "512K", "123" (bytes) — the shortest exact-ish human form. */
void units_format_size(uint64_t bytes, char *buf, size_t size);
/* Decimal digits of v / v >= 0 with one decimal (like %.1f), without printf; the length. */
size_t units_format_u64(uint64_t v, char *buf, size_t size);
size_t units_format_tenths(double v, char *buf, size_t size);

#endif
