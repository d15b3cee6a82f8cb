/* Unit tests of the pure code: size/quota/duration/count/name parsers (hostile inputs
 * included), option parsing, mountinfo detection, and counter reading on fixture cgroupfs trees
 * copied from real kernels (tests/fixtures). Prints PASS/FAIL lines; exit 1 on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "doctor.h"
#include "io.h"
#include "jsonlib.h"
#include "record.h"
#include "recorder.h"
#include "replay.h"
#include "units.h"
#include "util.h"

static int failures;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf(ok ? "PASS " : "FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (!ok)
		failures++;
}

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	const char *why = NULL;
	int rc = units_parse_size(s, true, &v, &why);
	check(rc == 0 && v == want, "size \"%s\" = %llu (got %llu%s%s)", s, (unsigned long long)want,
	      (unsigned long long)v, rc ? ", error: " : "", rc ? why : "");
}

static void size_bad(const char *s)
{
	uint64_t v;
	const char *why = NULL;
	int rc = units_parse_size(s, true, &v, &why);
	check(rc < 0 && why, "size \"%s\" refused (%s)", s, why ? why : "accepted");
}

static void sizes(void)
{
	size_ok("0", 0);
	size_ok("4096", 4096);
	size_ok("100M", 104857600);
	size_ok("100m", 104857600);
	size_ok("100MB", 104857600); /* decided: binary, like systemd and cgset */
	size_ok("100Mi", 104857600);
	size_ok("100MiB", 104857600);
	size_ok("100mib", 104857600);
	size_ok("1K", 1024);
	size_ok("1G", 1073741824);
	size_ok("2T", 2199023255552ull);
	size_ok("1.5G", 1610612736);
	size_ok(".5K", 512);
	size_ok("100B", 100);
	size_ok("max", UNITS_MAX);
	size_ok("8388607T", 8388607ull << 40);
	const char *bad[] = { "", " 1M", "1M ", "-1", "-1M", "+1M", "1MM", "1Q", "M", "1.5", "1.", "0x10",
			      "1e6", "1,5M", "9223372036854775808", "18446744073709551616", "99999999999999999999999",
			      "8388608T", "1iB", "1 M", "1M\n", "nan", "inf" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		size_bad(bad[i]);
}

static void quotas(void)
{
	struct { const char *s; uint64_t us; } ok[] = {
		{ "50%", 50000 }, { "150%", 150000 }, { "1.5", 150000 }, { "0.5", 50000 }, { "12.5%", 12500 },
		{ "1%", 1000 }, { "2", 200000 }, { "max", UNITS_MAX },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint64_t v = 0;
		const char *why;
		int rc = units_parse_cpu_quota(ok[i].s, &v, &why);
		check(rc == 0 && v == ok[i].us, "cpu \"%s\" = %llu us per 100 ms", ok[i].s, (unsigned long long)ok[i].us);
	}
	const char *bad[] = { "", "0", "0%", "0.5%", "0.001", "-50%", "50%%", "%", "50 %", "fast", "1e2", "99999999999999999999%", "100001" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t v;
		const char *why = NULL;
		check(units_parse_cpu_quota(bad[i], &v, &why) < 0 && why, "cpu \"%s\" refused", bad[i]);
	}
}

static void durations(void)
{
	struct { const char *s; uint64_t ns; } ok[] = {
		{ "10", 10000000000ull }, { "10s", 10000000000ull }, { "1.5m", 90000000000ull },
		{ "2h", 7200000000000ull }, { "1d", 86400000000000ull }, { "500ms", 500000000ull },
		{ "0", 0 }, { "0.25", 250000000ull },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint64_t v = 1;
		const char *why;
		int rc = units_parse_duration(ok[i].s, &v, &why);
		check(rc == 0 && v == ok[i].ns, "duration \"%s\" = %llu ns", ok[i].s, (unsigned long long)ok[i].ns);
	}
	const char *bad[] = { "", "-1", "5x", "1e9", "s", "1 s", "1ss", "99999999999999999999", "40000d", "1.5.5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t v;
		const char *why = NULL;
		check(units_parse_duration(bad[i], &v, &why) < 0 && why, "duration \"%s\" refused", bad[i]);
	}
}

static void counts_names_lists(void)
{
	uint64_t v;
	const char *why;
	check(units_parse_uint("100", 1, 4194304, true, &v, &why) == 0 && v == 100, "pids 100");
	check(units_parse_uint("max", 1, 4194304, true, &v, &why) == 0 && v == UNITS_MAX, "pids max");
	check(units_parse_uint("0", 1, 4194304, true, &v, &why) < 0, "pids 0 refused");
	check(units_parse_uint("4194305", 1, 4194304, true, &v, &why) < 0, "pids above PID_MAX_LIMIT refused");
	check(units_parse_uint("18446744073709551616", 1, 10, false, &v, &why) < 0, "uint overflow refused");
	check(units_parse_uint("max", 1, 10000, false, &v, &why) < 0, "weight max refused");
	check(units_weight_to_shares(100) == 1024, "weight 100 = 1024 shares");
	check(units_weight_to_shares(1) == 10, "weight 1 = 10 shares");
	check(units_weight_to_shares(10000) == 102400, "weight 10000 = 102400 shares");

	check(units_check_name("web-1_a.b", &why) == 0, "name web-1_a.b");
	const char *badn[] = { "", ".", "..", "-x", "a/b", "a b", "a\n", "\xc3\xa9", "x$(id)",
			       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < sizeof badn / sizeof badn[0]; i++)
		check(units_check_name(badn[i], &why) < 0, "name \"%s\" refused", badn[i]);
	check(units_check_parent("/climit", &why) == 0 && units_check_parent("a/b/c", &why) == 0, "parents");
	const char *badp[] = { "", "/", "a//b", "a/../b", "a/", "../x" };
	for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
		check(units_check_parent(badp[i], &why) < 0, "parent \"%s\" refused", badp[i]);

	check(units_parse_cpu_list("0", 2, &why) == 0 && units_parse_cpu_list("0-1", 2, &why) == 0 &&
	      units_parse_cpu_list("0,1", 2, &why) == 0, "cpu lists");
	const char *badl[] = { "", "2", "0-2", "1-0", "a", "0,", ",0", "0--1", "-1" };
	for (size_t i = 0; i < sizeof badl / sizeof badl[0]; i++)
		check(units_parse_cpu_list(badl[i], 2, &why) < 0, "cpu list \"%s\" refused", badl[i]);

	char buf[32];
	units_format_size(104857600, buf, sizeof buf);
	check(strcmp(buf, "100M") == 0, "format 100M (%s)", buf);
	units_format_size(1610612736, buf, sizeof buf);
	check(strcmp(buf, "1.5G") == 0, "format 1.5G (%s)", buf);
	units_format_size(1000, buf, sizeof buf);
	check(strcmp(buf, "1000") == 0, "format 1000 (%s)", buf);
	units_format_size(UNITS_MAX, buf, sizeof buf);
	check(strcmp(buf, "max") == 0, "format max (%s)", buf);
}

/* The printf-free formatters print exactly what the printf formats they replace print. */
static void formatters(void)
{
	char got[40], want[40];
	static const char suffix[] = "KMGT";
	uint64_t x = 88172645463325252ull;
	int bad_u = 0, bad_t = 0, bad_s = 0;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t v = i < 1100 ? (uint64_t)i : x >> (x % 64); /* small, then all magnitudes */
		units_format_u64(v, got, sizeof got);
		snprintf(want, sizeof want, "%llu", (unsigned long long)v);
		bad_u += strcmp(got, want) != 0;
		double d = (double)(v % 100000) / (i % 2 ? 8.0 : 7.0); /* exact halves and inexact values */
		units_format_tenths(d, got, sizeof got);
		snprintf(want, sizeof want, "%.1f", d);
		bad_t += strcmp(got, want) != 0;
		/* units_format_size against the printf version it replaced */
		uint64_t b = v == UNITS_MAX ? v - 1 : v;
		int k = -1;
		double m = (double)b;
		while (m >= 1024 && k < 3) {
			m /= 1024;
			k++;
		}
		if (k < 0)
			snprintf(want, sizeof want, "%llu", (unsigned long long)b);
		else if (m == (double)(uint64_t)m)
			snprintf(want, sizeof want, "%llu%c", (unsigned long long)m, suffix[k]);
		else
			snprintf(want, sizeof want, "%.1f%c", m, suffix[k]);
		units_format_size(b, got, sizeof got);
		bad_s += strcmp(got, want) != 0;
	}
	check(bad_u == 0, "units_format_u64 = %%llu (%d of 200000 differ)", bad_u);
	check(bad_t == 0, "units_format_tenths = %%.1f (%d of 200000 differ)", bad_t);
	check(bad_s == 0, "units_format_size = its printf version (%d of 200000 differ)", bad_s);
	units_format_u64(1234567, got, 4);
	check(strcmp(got, "123") == 0, "units_format_u64 truncates to the buffer (%s)", got);
}

static int parse(struct run_opts *o, struct err *e, ...)
{
	char *argv[32] = { "climit" };
	int argc = 1;
	va_list ap;
	va_start(ap, e);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	return cli_parse_run(argc, argv, o, e);
}

static void options(void)
{
	struct run_opts o;
	struct err e;
	int rc = parse(&o, &e, "--mem", "64M", "-p", "50", "--cpu=50%", "--report=json", "--", "sh", "-c", "x", NULL);
	check(rc == 0 && o.mem_max == 64 << 20 && o.pids_max == 50 && o.cpu_quota_us == 50000 &&
	      o.report == REPORT_JSON && strcmp(o.argv[0], "sh") == 0 && strcmp(o.argv[2], "x") == 0,
	      "options parse into run_opts");
	rc = parse(&o, &e, "--pids", "5", "ls", "--mem", "x", NULL);
	check(rc == 0 && o.mem_max == OPT_UNSET && strcmp(o.argv[1], "--mem") == 0, "options stop at the command");
	rc = parse(&o, &e, "--mem", "1M", "--mem", "2M", "true", NULL);
	check(rc < 0 && strstr(e.msg, "--mem: given twice"), "repeated option refused: %s", e.msg);
	rc = parse(&o, &e, "--mem", "1M", NULL);
	check(rc < 0 && strstr(e.msg, "missing command"), "missing command: %s", e.msg);
	rc = parse(&o, &e, "--mem", NULL);
	check(rc < 0 && strcmp(e.msg, "--mem: missing value") == 0, "missing value: %s", e.msg);
	rc = parse(&o, &e, "--mem", "5M junk", "true", NULL);
	check(rc < 0 && strstr(e.msg, "--mem: \"5M junk\": not a size"), "junk named: %s", e.msg);
	rc = parse(&o, &e, "--mem", "1", "true", NULL);
	check(rc < 0 && strcmp(e.msg, "--mem: \"1\": 1 byte is too small to start any program (at least 1M); "
				      "did you mean 1M or 1G?") == 0, "--mem 1 refused with a hint: %s", e.msg);
	rc = parse(&o, &e, "--mem", "1023K", "true", NULL);
	check(rc < 0 && strstr(e.msg, "1047552 bytes is too small"), "--mem 1023K refused: %s", e.msg);
	rc = parse(&o, &e, "--mem", "1M", "true", NULL);
	check(rc == 0 && o.mem_max == 1048576, "--mem 1M accepted: %s", rc ? e.msg : "");
	rc = parse(&o, &e, "--report", "true", NULL);
	check(rc == 0 && o.report == REPORT_TEXT && strcmp(o.argv[0], "true") == 0, "--report takes no separate value");
	rc = parse(&o, &e, "--swap", "1G", "true", NULL);
	check(rc < 0 && strstr(e.msg, "--swap: \"1G\": needs --mem"), "--swap needs --mem: %s", e.msg);
	rc = parse(&o, &e, "--mem", "1G", "--mem-high", "2G", "true", NULL);
	check(rc < 0 && strstr(e.msg, "--mem-high: \"2G\""), "--mem-high above --mem: %s", e.msg);
	rc = parse(&o, &e, "--parent", "/a/b", "--name", "x", "true", NULL);
	check(rc == 0 && strcmp(o.parent, "a/b") == 0 && strcmp(o.name, "x") == 0, "--parent strips the slash");
}

static char *slurp(const char *path)
{
	static char buf[65536];
	ssize_t n = read_small_file(path, buf, sizeof buf, NULL);
	return n < 0 ? NULL : buf;
}

/* doctor and stats --explain on a v2 tree this host cannot show (tests/fixtures/cgroupfs/v2-tree):
 * the lowest limit up the tree wins, the line names the file, and what binds is said. */
static const struct doc_line *doc_find(const struct doctor *d, const char *what)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->l[i].what, what) == 0)
			return &d->l[i];
	return NULL;
}

static void doctor_fixture(void)
{
	const char *root = "tests/fixtures/cgroupfs/v2-tree";
	struct cg_system sys = { .mode = CG_V2, .v2_controllers = CTRL_BIT(CTRL_MEMORY) | CTRL_BIT(CTRL_PIDS) |
								    CTRL_BIT(CTRL_CPU) | CTRL_BIT(CTRL_CPUSET) };
	snprintf(sys.v2_mount, sizeof sys.v2_mount, "%s", root);
	struct run_opts o;
	struct err e;
	int rc = parse(&o, &e, "--dry-run", "--parent", "capped", "--cgroup-manager", "cgroupfs", "--mem", "1G",
		       "--pids", "100", "--cpu", "80%", "--mem-high", "512M", NULL);
	check(rc == 0, "doctor options parse: %s", rc ? e.msg : "");
	struct doctor d = { .n = 0 };
	doctor_limits(&sys, &o, &d);
	const struct doc_line *l = doc_find(&d, "--mem 1G");
	check(l && l->state == '-' && strcmp(l->detail, "effective limit 64M, not 1G: set by "
			 "tests/fixtures/cgroupfs/v2-tree/capped/memory.max") == 0, "doctor --mem: %s", l ? l->detail : "none");
	l = doc_find(&d, "--pids 100");
	check(l && l->state == '-' && strstr(l->detail, "effective limit 30, not 100: set by tests/fixtures/cgroupfs/v2-tree/capped/pids.max"),
	      "doctor --pids: %s", l ? l->detail : "none");
	l = doc_find(&d, "--cpu 80%");
	check(l && l->state == '-' && strstr(l->detail, "effective limit 50%, not 80%: set by tests/fixtures/cgroupfs/v2-tree/capped/cpu.max"),
	      "doctor --cpu: %s", l ? l->detail : "none");
	l = doc_find(&d, "--mem-high");
	check(l && l->state == '+', "doctor --mem-high on v2: %s", l ? l->detail : "none");
	check(doctor_failures(&d) == 3, "doctor failures: %d", doctor_failures(&d));
	struct cgroup cg;
	rc = cg_open(&cg, &sys, "capped", "web", &e);
	check(rc == 0, "v2 tree fixture opens%s", rc ? e.msg : "");
	if (rc < 0)
		return;
	struct doctor x = { .n = 0 };
	doctor_explain(&cg, &x);
	l = doc_find(&x, "memory");
	check(l && l->state == '+' && strcmp(l->detail, "effective 64M (set by tests/fixtures/cgroupfs/v2-tree/capped); "
			 "uses 2M; its own 1G never acts") == 0, "explain memory: %s", l ? l->detail : "none");
	l = doc_find(&x, "pids");
	check(l && l->state == '-' && strstr(l->detail, "30 tasks: binding now, 12 forks refused so far"),
	      "explain pids: %s", l ? l->detail : "none");
	l = doc_find(&x, "cpu");
	check(l && l->state == '-' && strstr(l->detail, "effective 50% of one CPU (set by tests/fixtures/cgroupfs/v2-tree/capped)") &&
	      strstr(l->detail, "throttled in 50% of its periods so far: binding"), "explain cpu: %s", l ? l->detail : "none");
	cg_close(&cg);
}

/* The error model: -1, errnum, a message naming the file; NULL e allowed; context added. */
static void error_model(void)
{
	struct err e = { 0 };
	char buf[64];
	check(read_small_file("tests/fixtures/no-such-file", buf, sizeof buf, &e) == -1 && e.errnum == ENOENT &&
	      strstr(e.msg, "cannot open tests/fixtures/no-such-file: ") != NULL, "read error filled: %s", e.msg);
	errno = 0;
	check(read_small_file("tests/fixtures/no-such-file", buf, sizeof buf, NULL) == -1 && errno == ENOENT,
	      "read error without e keeps errno");
	e = (struct err){ 0 };
	check(write_file("/proc/self/stat", "1", &e) == -1 && e.errnum != 0 && strstr(e.msg, "/proc/self/stat"),
	      "write error filled: %s", e.msg);
	err_wrap(&e, "group %s", "x");
	check(strncmp(e.msg, "group x: cannot ", 16) == 0 && e.errnum != 0, "wrap keeps errnum: %s", e.msg);
	char dir[] = "/tmp/climit-test-unit-XXXXXX";
	if (!mkdtemp(dir)) {
		check(0, "mkdtemp");
		return;
	}
	char path[128];
	snprintf(path, sizeof path, "%s/memory.max", dir);
	FILE *f = fopen(path, "w");
	fputs("12x\n", f);
	fclose(f);
	uint64_t v = 7;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	e = (struct err){ 0 };
	check(cg_read_u64(dfd, "memory.max", &v, &e) == 0 && v == 12, "u64 stops at the first non-digit");
	f = fopen(path, "w");
	fputs("max\n", f);
	fclose(f);
	check(cg_read_u64(dfd, "memory.max", &v, &e) == 0 && v == UNITS_MAX, "u64 max");
	f = fopen(path, "w");
	fputs("junk\n", f);
	fclose(f);
	check(cg_read_u64(dfd, "memory.max", &v, &e) == -1 && e.errnum == EINVAL &&
	      strstr(e.msg, "memory.max: \"junk") != NULL, "u64 junk: %s", e.msg);
	check(cg_read_u64(dfd, "memory.min", &v, &e) == -1 && e.errnum == ENOENT, "u64 missing: %s", e.msg);
	close(dfd);
	unlink(path);
	rmdir(dir);
	char self[256];
	e = (struct err){ 0 };
	int r = cg_self_v2(self, sizeof self, &e);
	check((r == 0 && self[0] != '/') || (r == -1 && e.errnum == ENOENT), "self cgroup: %s", r ? e.msg : self);
}

static void mountinfo(void)
{
	struct cg_system sys;
	char *t = slurp("tests/fixtures/mountinfo/hybrid-debian12-host.txt");
	check(t != NULL, "fixture hybrid readable");
	if (t) {
		cg_parse_mountinfo(t, &sys);
		check(sys.mode == CG_HYBRID, "hybrid detected (%s)", cg_mode_name(sys.mode));
		check(strcmp(sys.v1_mount[CTRL_MEMORY], "/sys/fs/cgroup/memory") == 0 &&
		      strcmp(sys.v1_mount[CTRL_CPUACCT], "/sys/fs/cgroup/cpuacct") == 0 &&
		      strcmp(sys.v2_mount, "/sys/fs/cgroup/unified") == 0, "hybrid mounts");
	}
	t = slurp("tests/fixtures/mountinfo/v2-systemd.txt");
	check(t != NULL, "fixture v2-systemd readable");
	if (t) {
		cg_parse_mountinfo(t, &sys);
		check(sys.mode == CG_V2 && strcmp(sys.v2_mount, "/sys/fs/cgroup") == 0, "pure v2 detected");
	}
	t = slurp("tests/fixtures/mountinfo/v1-comounted.txt");
	check(t != NULL, "fixture v1-comounted readable");
	if (t) {
		cg_parse_mountinfo(t, &sys);
		check(sys.mode == CG_V1, "pure v1 detected");
		check(strcmp(sys.v1_mount[CTRL_CPU], "/sys/fs/cgroup/cpu,cpuacct") == 0 &&
		      strcmp(sys.v1_mount[CTRL_CPU], sys.v1_mount[CTRL_CPUACCT]) == 0, "co-mounted cpu,cpuacct share one mount");
		check(sys.v1_mount[CTRL_FREEZER][0] && !sys.v2_mount[0], "freezer found, no v2");
	}
	cg_parse_mountinfo("", &sys);
	check(sys.mode == CG_NONE, "no cgroup mounted -> none");
	cg_parse_mountinfo("garbage\n1 2 3\n- - -\n", &sys);
	check(sys.mode == CG_NONE, "garbage mountinfo -> none");
	check(cg_parse_controllers("cpuset io memory hugetlb pids rdma misc\n") ==
		      (CTRL_BIT(CTRL_CPUSET) | CTRL_BIT(CTRL_IO) | CTRL_BIT(CTRL_MEMORY) | CTRL_BIT(CTRL_PIDS)),
	      "cgroup.controllers: whole words (cpuset is not cpu), unknown ones ignored");
	check(cg_parse_controllers("cpu\n") == CTRL_BIT(CTRL_CPU) && cg_parse_controllers("") == 0,
	      "cgroup.controllers: cpu alone, and an empty list");
	cg_parse_mountinfo("35 1 0:31 / /mnt/a\\040b rw - cgroup cgroup rw,memory\n", &sys);
	check(strcmp(sys.v1_mount[CTRL_MEMORY], "/mnt/a b") == 0, "octal escapes decoded (%s)", sys.v1_mount[CTRL_MEMORY]);
}

/* Point a v1 system at the fixture tree copied from this host: one directory per controller. */
static void fixture_stats_v1(void)
{
	struct cg_system sys = { .mode = CG_HYBRID };
	const char *root = "tests/fixtures/cgroupfs/hybrid";
	for (int c = 0; c < CTRL_COUNT; c++)
		snprintf(sys.v1_mount[c], sizeof sys.v1_mount[c], "%s/%s", root, cg_ctrl_name(c));
	struct cgroup cg;
	/* The fixture holds the files directly: parent "." and name "." address the mount itself. */
	struct err e;
	int rc = cg_open(&cg, &sys, ".", ".", &e);
	check(rc == 0, "v1 fixture opens%s", rc ? e.msg : "");
	struct cg_stats st;
	cg_read_stats(&cg, &st);
	check(st.have & HAVE_OOM && st.oom_kills == 1, "v1: oom_kill from memory.oom_control (%llu)", (unsigned long long)st.oom_kills);
	check(st.have & HAVE_MEM && st.mem_max == 64 << 20, "v1: memory.limit_in_bytes");
	check(st.have & HAVE_MEM_PEAK && st.mem_peak == 64 << 20, "v1: memory.max_usage_in_bytes is the peak");
	check(st.have & HAVE_PIDS && st.pids_max == 20 && st.pids_current == 3, "v1: pids");
	check(st.have & HAVE_THROTTLE && st.nr_throttled == 15 && st.throttled_us == 776723, "v1: cpu.stat throttled_time in ns");
	check(st.have & HAVE_CPU && st.cpu_user_us == 400000 && st.cpu_system_us == 500000, "v1: cpuacct.usage_user/sys in ns");
	cg_close(&cg);
}

static void fixture_stats_v2(void)
{
	struct cg_system sys = { .mode = CG_V2 };
	const char *root = "tests/fixtures/cgroupfs/v2/cgroup";
	snprintf(sys.v2_mount, sizeof sys.v2_mount, "%s", root);
	struct cgroup cg;
	/* The fixture is committed (captured in the v2 guest by tests/fixtures/capture.sh v2): a
	 * failure to open it is a failure, and every figure is compared with the file's value. */
	struct err e;
	int rc = cg_open(&cg, &sys, ".", ".", &e);
	check(rc == 0, "v2 fixture opens%s", rc ? e.msg : "");
	if (rc < 0)
		return;
	struct cg_stats st;
	cg_read_stats(&cg, &st);
	check(st.have & HAVE_OOM && st.oom_kills == 1, "v2: oom_kill from memory.events (%llu)", (unsigned long long)st.oom_kills);
	check(st.have & HAVE_MEM && st.mem_max == 64 << 20 && st.mem_current == 22605824, "v2: memory.max, memory.current");
	check(st.have & HAVE_MEM_PEAK && st.mem_peak == 64 << 20, "v2: memory.peak");
	check(st.have & HAVE_PIDS && st.pids_max == 20 && st.pids_current == 3, "v2: pids.max, pids.current");
	check(st.have & HAVE_PIDS_EVENTS && st.pids_refused == 0, "v2: pids.events max");
	check(st.have & HAVE_THROTTLE && st.nr_periods == 30 && st.nr_throttled == 27 && st.throttled_us == 1510680,
	      "v2: cpu.stat nr_periods, nr_throttled, throttled_usec");
	check(st.have & HAVE_CPU && st.cpu_usage_us == 1448917 && st.cpu_user_us == 498502 && st.cpu_system_us == 950415,
	      "v2: cpu.stat usage_usec, user_usec, system_usec");
	cg_close(&cg);
}

static void keyed(void)
{
	uint64_t v = 0;
	check(keyed_get("low 0\nhigh 0\nmax 5\noom 1\noom_kill 2\n", "oom_kill", &v) == 0 && v == 2, "keyed oom_kill");
	check(keyed_get("oom_kill_disable 0\noom_kill 3\n", "oom_kill", &v) == 0 && v == 3, "keyed skips longer keys");
	check(keyed_get("max 5", "max", &v) == 0 && v == 5, "keyed without newline");
	check(keyed_get("max x\n", "max", &v) < 0, "keyed refuses junk");
	check(keyed_get("", "max", &v) < 0, "keyed missing key");
}

static void isolation_options(void)
{
	uint64_t caps;
	unsigned long ns;
	const char *why = NULL;
	check(iso_parse_caps("net_raw,CAP_SYS_ADMIN", &caps, &why) == 0 && caps == ((1ull << 13) | (1ull << 21)),
	      "caps \"net_raw,CAP_SYS_ADMIN\" = bits 13 and 21");
	check(iso_parse_caps("all", &caps, &why) == 0 && caps == ~0ull, "caps \"all\"");
	const char *bad_caps[] = { "", "sys_nonsense", "net_raw,", ",chown", "chown,,kill", "cap_" };
	for (size_t i = 0; i < sizeof bad_caps / sizeof *bad_caps; i++) {
		why = NULL;
		check(iso_parse_caps(bad_caps[i], &caps, &why) < 0 && why, "caps \"%s\" refused", bad_caps[i]);
	}
	check(iso_parse_ns("pid,mount,net", &ns, &why) == 0 && ns == (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET),
	      "ns \"pid,mount,net\"");
	check(iso_parse_ns("mnt,user", &ns, &why) == 0 && ns == (CLONE_NEWNS | CLONE_NEWUSER), "ns \"mnt,user\"");
	const char *bad_ns[] = { "", "pid,", ",pid", "time", "pid,,net", "PID" };
	for (size_t i = 0; i < sizeof bad_ns / sizeof *bad_ns; i++) {
		why = NULL;
		check(iso_parse_ns(bad_ns[i], &ns, &why) < 0 && why, "ns \"%s\" refused", bad_ns[i]);
	}
	check(!(iso_default_caps() & (1ull << 21)) && (iso_default_caps() & 1), "default caps: no sys_admin, chown kept");
	struct run_opts o;
	struct err e;
	char *a1[] = { "climit", "--isolate", "--share-net", "--cap-drop", "chown", "--", "true", NULL };
	check(cli_parse_run(7, a1, &o, &e) == 0 && !(o.iso.ns & CLONE_NEWNET) && (o.iso.ns & CLONE_NEWPID) &&
	      !(o.iso.caps & 1) && (o.iso.caps & (1ull << 5)), "--isolate --share-net --cap-drop chown");
	char *a2[] = { "climit", "--env", "A=1", "--env", "B=2", "--", "true", NULL };
	check(cli_parse_run(7, a2, &o, &e) == 0 && o.iso.nenv == 2, "--env is repeatable");
	char *a3[] = { "climit", "--hostname", "box", "--", "true", NULL };
	check(cli_parse_run(5, a3, &o, &e) == 0 && iso_check_support(&o.iso, &e) < 0 && strstr(e.msg, "--hostname"),
	      "--hostname without a uts namespace is refused");
}

/* The kernel's I/O files, in the formats of 6.x (io.stat with io.cost's extra keys, v1 with
 * its Sync/Async/Discard/Total lines), and the --io-* option parser. */
static void io_parsers(void)
{
	struct cg_stats st = { 0 };
	io_parse_v2_stat("254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
			 "7:0 rbytes=1048576 wbytes=10485760 rios=16 wios=160 dbytes=0 dios=0 cost.vrate=100.00 "
			 "cost.usage=12 cost.wait=3500 cost.indebt=0 cost.indelay=0\n", &st);
	check((st.have & HAVE_IO) && st.io_rbytes == 1052672 && st.io_wbytes == 10493952 && st.io_rios == 17 &&
	      st.io_wios == 162, "io.stat totals over two devices");
	check(st.io_ndev == 2 && st.io_dev[1].major == 7 && st.io_dev[1].wbytes == 10485760 && st.io_dev[1].wios == 160,
	      "io.stat per device");
	check((st.have & HAVE_IO_WAIT) && st.io_wait_us == 3500, "io.stat cost.wait");
	st = (struct cg_stats){ 0 };
	io_parse_v2_stat("", &st);
	check((st.have & HAVE_IO) && st.io_ndev == 0 && st.io_wbytes == 0, "empty io.stat: zero, not absent");
	io_parse_v2_max("7:0 rbps=max wbps=5242880 riops=max wiops=50\n", &st);
	check(st.io_nlim == 1 && st.io_lim[0].v[IO_WBPS] == 5242880 && st.io_lim[0].v[IO_RBPS] == UNITS_MAX &&
	      st.io_lim[0].v[IO_WIOPS] == 50, "io.max");
	st = (struct cg_stats){ 0 };
	const char *v1 = "7:0 Read 4096\n7:0 Write 10485760\n7:0 Sync 10489856\n7:0 Async 0\n7:0 Discard 0\n"
			 "7:0 Total 10489856\n254:0 Read 0\n254:0 Write 512\n254:0 Sync 0\n254:0 Async 512\n"
			 "254:0 Discard 0\n254:0 Total 512\nTotal 10490368\n";
	io_parse_v1_service(v1, false, &st);
	io_parse_v1_service("7:0 Read 1\n7:0 Write 160\n7:0 Total 161\nTotal 161\n", true, &st);
	check(st.io_rbytes == 4096 && st.io_wbytes == 10486272 && st.io_rios == 1 && st.io_wios == 160,
	      "v1 io_service_bytes / io_serviced: Read and Write only, Total not counted twice");
	check(st.io_ndev == 2 && st.io_dev[0].rios == 1 && st.io_dev[1].wbytes == 512, "v1 per device");
	io_parse_v1_limit("7:0 5242880\n", IO_WBPS, &st);
	io_parse_v1_limit("7:0 100\n8:0 0\n", IO_RIOPS, &st);
	check(st.io_nlim == 2 && st.io_lim[0].v[IO_WBPS] == 5242880 && st.io_lim[0].v[IO_RIOPS] == 100 &&
	      st.io_lim[1].v[IO_RIOPS] == UNITS_MAX, "v1 throttle files");
	char text[128];
	io_limit_text(&st.io_lim[0], text, sizeof text);
	check(strcmp(text, "write 5M/s, read 100 IOPS") == 0, "limits in words: \"%s\"", text);

	struct io_opts o = { 0 };
	const char *why = NULL;
	check(io_parse_arg(&o, IO_WBPS, "--io-write-bps", "/var/lib/db=20M", &why) == 0 && o.args[0].value == 20 << 20 &&
	      o.args[0].target_len == 11, "PATH=RATE");
	check(io_parse_arg(&o, IO_RBPS, "--io-read-bps", "8:0=512K/s", &why) == 0 && o.args[1].value == 512 << 10 &&
	      o.args[1].target_len == 3, "MAJ:MIN=RATE/s");
	check(io_parse_arg(&o, IO_RIOPS, "--io-read-iops", "max", &why) == 0 && o.args[2].value == UNITS_MAX &&
	      o.args[2].target_len == 0, "RATE alone: the working directory's disk");
	check(io_parse_arg(&o, IO_WEIGHT, "--io-weight", "/a=b=300", &why) == 0 && o.args[3].target_len == 4 && o.args[3].value == 300,
	      "the last '=' splits (a path may hold one)");
	check(strcmp(o.first, "--io-write-bps") == 0, "the first I/O option is remembered");
	const char *bad[] = { "0", "=5M", "5X", "-1M", "x=", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		check(io_parse_arg(&o, IO_WBPS, "--io-write-bps", bad[i], &why) < 0 && why, "rate \"%s\" refused", bad[i]);
	}
	check(io_parse_arg(&o, IO_WEIGHT, "--io-weight", "10001", &why) < 0, "weight 10001 refused");
}

/* seccomp: the audit record climit attributes refused calls from (the format of 6.x kmsg), and
 * the name lists of --seccomp-allow/--seccomp-deny. */
static void seccomp_parsers(void)
{
	struct sc_event ev;
	const char *rec = "5,1234,3267259061,-;audit: type=1326 audit(1796228466.707:86): auid=0 uid=0 gid=0 ses=288 "
			  "subj=unconfined pid=4754 comm=\"sysprobe\" exe=\"/work/main/tests/helpers/sysprobe\" sig=0 "
			  "arch=c000003e syscall=250 compat=0 ip=0x7f793e3c8829 code=0x50000\n";
	check(sc_parse_audit(rec, &ev) && ev.ses == 288 && ev.pid == 4754 && strcmp(ev.comm, "sysprobe") == 0 &&
	      ev.ts_us == 3267259061ll && ev.action == 0x50000, "audit record: session, pid, comm, time, action");
	check(strcmp(ev.syscall, "keyctl") == 0 || strcmp(ev.syscall, "syscall 250") == 0,
	      "audit record: x86_64 syscall 250 is keyctl (\"%s\")", ev.syscall);
	/* The same call through int 0x80: i386's number 288. */
	const char *i386 = "5,1235,3267259062,-;audit: type=1326 audit(1.2:87): auid=0 uid=0 gid=0 ses=288 pid=4755 "
			   "comm=\"p\" exe=\"/p\" sig=0 arch=40000003 syscall=288 compat=1 ip=0x1 code=0x7ffc0000\n";
	check(sc_parse_audit(i386, &ev) && ev.action == 0x7ffc0000 && (strcmp(ev.syscall, "keyctl") == 0 ||
	      strcmp(ev.syscall, "syscall 288") == 0), "audit record: i386 syscall 288 is keyctl (\"%s\")", ev.syscall);
	check(!sc_parse_audit("6,1,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,task=hog,pid=42\n", &ev),
	      "an OOM record is not a seccomp record");
	char list[] = "keyctl,add_key,request_key";
	const char *names[SC_NAMES];
	int n;
	const char *why = NULL;
	check(sc_parse_names(list, names, &n, &why) == 0 && n == 3 && strcmp(names[2], "request_key") == 0,
	      "names \"keyctl,add_key,request_key\"");
	const char *bad[] = { "", "keyctl,", ",keyctl", "key ctl", "KEYCTL", "a,,b" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char copy[32];
		str_copy(copy, bad[i], sizeof copy);
		why = NULL;
		check(sc_parse_names(copy, names, &n, &why) < 0 && why, "names \"%s\" refused", bad[i]);
	}
}

/* The recording format: what the writer puts in a file the reader gives back (limits that are
 * none, figures the kernel lacks, events, the end), and hostile or foreign lines refused. */
static void recordings(void)
{
	char path[] = "/tmp/climit-unit-rec.XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	struct rec_writer w;
	struct err e;
	check(rec_open(&w, path, &e) == 0, "rec_open %s", path);
	char *argv[] = { "stress-ng", "--vm", "2", "quote\"d", NULL };
	struct rec_header h = { .source = "run", .argv = argv, .name = "x-1", .cgroup = "climit/x-1",
				.cgroup_version = "v2", .interval_ns = 50000000, .mem_max = 64 << 20, .mem_high = OPT_UNSET,
				.swap_max = OPT_UNSET, .pids_max = UNITS_MAX, .cpu_quota_us = 50000, .cpu_weight = OPT_UNSET };
	check(rec_header(&w, &h, &e) == 0, "rec_header");
	struct cg_stats a = { .have = HAVE_CPU | HAVE_MEM | HAVE_PIDS | HAVE_OOM, .cpu_usage_us = 1000, .mem_current = 8 << 20,
			      .mem_max = 64 << 20, .pids_current = 3, .pids_max = UNITS_MAX, .cpu_limit_pct = 50 };
	struct cg_stats b = a;
	b.cpu_usage_us = 26000; /* 25 ms of CPU in 50 ms: 50% */
	b.oom_kills = 1;
	rec_sample(&w, w.start_ns, "x-1", &a);
	rec_sample(&w, w.start_ns + 50000000, "x-1", &b);
	rec_event(&w, w.start_ns + 50000000, "x-1", "oom_kill", "OOM kill #1: pid 7 (hog)", 7, "hog", 4096);
	rec_end(&w, w.start_ns + 60000000, 137, "oom_kill");
	rec_close(&w);
	struct rec_run r;
	int rc = rec_load(path, &r, &e);
	check(rc == 0, "rec_load of what rec_* wrote (%s)", rc ? e.msg : "ok");
	if (rc == 0) {
		check(r.version == 2 && strcmp(r.source, "run") == 0 && r.mem_max == 64 << 20 && r.pids_max == UNITS_MAX &&
			      r.cpu_max_pct == 50 && strcmp(r.command, "stress-ng --vm 2 quote\"d") == 0,
		      "header back: version %d source %s command '%s'", r.version, r.source, r.command);
		check(r.ns == 2 && r.ngroups == 1 && r.s[1].t > 0.049 && r.s[1].t < 0.051, "two samples of one group");
		check(r.ns == 2 && r.s[1].st.mem_current == 8 << 20 && r.s[1].st.mem_max == 64 << 20 &&
			      r.s[1].st.pids_max == UNITS_MAX && (r.s[1].st.have & HAVE_PIDS) && !(r.s[1].st.have & HAVE_PSI) &&
			      r.s[1].st.oom_kills == 1 && r.s[1].st.cpu_limit_pct == 50,
		      "sample fields back (none stays none, absent stays absent)");
		struct rec_rates rt;
		if (r.ns == 2)
			rec_rates(&r.s[0], &r.s[1], &rt);
		check(r.ns == 2 && rt.cpu_pct > 49.9 && rt.cpu_pct < 50.1, "cpu %% over the interval: %.2f", r.ns == 2 ? rt.cpu_pct : 0);
		check(r.nev == 1 && r.ev[0].pid == 7 && strcmp(r.ev[0].comm, "hog") == 0 && r.ev[0].rss == 4096 &&
			      strcmp(r.ev[0].kind, "oom_kill") == 0,
		      "event back");
		check(r.ended && r.exit_status == 137 && strcmp(r.how, "oom_kill") == 0, "end back");
		rec_free(&r);
	}
	/* A file cut mid-line is truncated, not silently shorter. */
	FILE *f = fopen(path, "a");
	if (f) {
		fputs("{\"type\":\"sample\",\"t\":0.1", f);
		fclose(f);
	}
	rc = rec_load(path, &r, &e);
	check(rc < 0 && strstr(e.msg, "line 6: truncated"), "a cut last line: %s", rc < 0 ? e.msg : "accepted");
	unlink(path);
	/* Hostile and foreign lines. */
	static const struct { const char *line; const char *why; } bad[] = {
		{ "{", "not a JSON object" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"type\":\"sample\",\"t\":0,\"group\":\"a\"}", "not the header" },
		{ "{\"type\":\"header\",\"format\":\"other\",\"version\":1}", "not a climit recording" },
		{ "{\"type\":\"header\",\"format\":\"climit-record\",\"version\":3}", "newer than this climit" },
		{ "{\"type\":\"header\",\"format\":\"climit-record\"}", "no valid \"version\"" },
	};
	check(jsn_load() == NULL, "jansson loads");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rec_run x = { 0 };
		const char *why = NULL;
		rc = rec_parse_line(&x, bad[i].line, strlen(bad[i].line), &why);
		check(rc < 0 && why && strstr(why, bad[i].why), "line %s refused: %s", bad[i].line, why ? why : "accepted");
		rec_free(&x);
	}
	struct rec_run x = { 0 };
	const char *why = NULL;
	const char *hdr = "{\"type\":\"header\",\"format\":\"climit-record\",\"version\":1}";
	const char *later = "{\"type\":\"annotation\",\"t\":1}"; /* a later minor addition */
	const char *badnum = "{\"type\":\"sample\",\"t\":1,\"group\":\"g\",\"mem\":\"lots\"}"; /* a version 1 name */
	check(rec_parse_line(&x, hdr, strlen(hdr), &why) == 0 && rec_parse_line(&x, later, strlen(later), &why) == 0,
	      "an unknown record type is skipped");
	check(rec_parse_line(&x, badnum, strlen(badnum), &why) < 0 && strstr(why, "\"mem\" is not a number"),
	      "a field of the wrong type is refused: %s", why ? why : "accepted");
	rec_free(&x);
	/* Sparklines: buckets merge when full, peaks are kept, CPU is averaged. */
	struct spark sp = { 0 };
	for (int i = 0; i < 1000; i++)
		spark_add(&sp, (float)i, i % 2 ? 100.0f : 0.0f, (float)(i % 7));
	float out[SPARK_N];
	int n = spark_series(&sp, 0, out);
	check(n >= SPARK_N / 2 && n <= SPARK_N && out[n - 1] >= 990, "memory buckets: %d, last %.0f", n, n ? out[n - 1] : -1);
	n = spark_series(&sp, 1, out);
	check(n > 0 && out[0] > 49 && out[0] < 51, "cpu bucket is the mean: %.1f", n ? out[0] : -1);
	n = spark_series(&sp, 2, out);
	check(n > 0 && out[0] == 6, "tasks bucket is the peak: %.0f", n ? out[0] : -1);
	/* A replay starts on the first sample, which an emulated machine takes milliseconds after
	 * t = 0 (a replay that started at 0 showed nothing there and every step landed one short). */
	char rp_path[] = "/tmp/climit-unit-replay.XXXXXX";
	int rfd = mkstemp(rp_path);
	FILE *rf = rfd >= 0 ? fdopen(rfd, "w") : NULL;
	if (rf) {
		fputs("{\"type\":\"header\",\"format\":\"climit-record\",\"version\":1,\"interval_sec\":0.1}\n", rf);
		for (int i = 0; i < 5; i++)
			fprintf(rf, "{\"type\":\"sample\",\"t\":%.3f,\"group\":\"g\",\"pids\":%d}\n", 0.004 + 0.1 * i, i + 1);
		fclose(rf);
	}
	struct replay rp;
	rc = replay_open(&rp, rp_path, 1, &e);
	check(rc == 0, "replay_open (%s)", rc ? e.msg : "ok");
	if (rc == 0) {
		/* Through the source interface the dashboard's sampler uses. */
		struct sample_source src;
		replay_source(&rp, &src);
		src.control(src.ctx, REPLAY_PAUSE, 0);
		src.control(src.ctx, REPLAY_JUMP, 0);
		double t0 = replay_now(&rp);
		src.control(src.ctx, REPLAY_STEP, 1);
		src.control(src.ctx, REPLAY_STEP, 1);
		double t2 = replay_now(&rp);
		src.control(src.ctx, REPLAY_STEP, -1);
		double t1 = replay_now(&rp);
		src.control(src.ctx, REPLAY_JUMP, 1);
		double te = replay_now(&rp);
		check(t0 > 0.0039 && t0 < 0.0041 && t2 > 0.2039 && t2 < 0.2041 && t1 > 0.1039 && t1 < 0.1041 && te > 0.4039,
		      "replay: start %.3f, two steps %.3f, one back %.3f, end %.3f", t0, t2, t1, te);
		replay_close(&rp);
	}
	unlink(rp_path);
}

int main(void)
{
	sizes();
	formatters();
	quotas();
	durations();
	counts_names_lists();
	options();
	mountinfo();
	fixture_stats_v1();
	fixture_stats_v2();
	keyed();
	io_parsers();
	seccomp_parsers();
	isolation_options();
	error_model();
	doctor_fixture();
	recordings();
	printf("unit: %d failed\n", failures);
	return failures ? 1 : 0;
}
