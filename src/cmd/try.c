/* One try of a command under limits (see try.h). */
#define _GNU_SOURCE
#include "try.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exitcodes.h"

extern char **environ;

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "pass", "oom", "refused forks", "exit", "slow", "timeout", "signal",
					     "not started", "stopped" };
	return names[v];
}

int tryer_init(struct tryer *t, char **argv, const char *tag, struct err *e)
{
	*t = (struct tryer){ .devnull = -1, .errmem = -1, .saved = { -1, -1, -1 }, .tag = tag, .next_k = 1 };
	if (launch_take_signals(&t->sigs, e) < 0)
		return -1;
	/* The command as `climit run -- CMD` would run it: the same defaults (parent, manager). */
	int n = 0;
	while (argv[n])
		n++;
	char *args[n + 3];
	args[0] = (char *)"climit";
	args[1] = (char *)"--";
	memcpy(args + 2, argv, (size_t)(n + 1) * sizeof *argv);
	if (cli_parse_run(n + 2, args, &t->base, e) < 0)
		return -1;
	t->base.argv = argv;
	t->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	t->errmem = memfd_create("climit-try-stderr", MFD_CLOEXEC);
	if (t->devnull < 0 || t->errmem < 0)
		return err_sys(e, errno, "cannot set up the tries' output");
	for (int fd = 0; fd < 3; fd++) {
		t->saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		if (t->saved[fd] < 0) /* closed: the command gets /dev/null there anyway */
			t->saved[fd] = fcntl(t->devnull, F_DUPFD_CLOEXEC, 10);
	}
	int mfd = fcntl(t->saved[2], F_DUPFD_CLOEXEC, 10);
	t->msg = mfd >= 0 ? fdopen(mfd, "w") : NULL;
	if (!t->msg)
		return err_sys(e, errno, "cannot set up the progress output");
	setvbuf(t->msg, NULL, _IOLBF, 0);
	return 0;
}

void tryer_close(struct tryer *t)
{
	if (t->msg)
		fclose(t->msg);
	t->msg = NULL;
	for (int fd = 0; fd < 3; fd++)
		if (t->saved[fd] >= 0)
			close(t->saved[fd]);
	if (t->devnull >= 0)
		close(t->devnull);
	if (t->errmem >= 0)
		close(t->errmem);
	t->devnull = t->errmem = -1;
}

/* --prepare: sh -c CMD outside the limits, with climit's output and the signal mask climit's
 * caller gave it (climit blocks the signals it handles). */
static int run_prepare(struct tryer *t, struct err *e)
{
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &t->sigs.mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, t->devnull, STDIN_FILENO);
	char *argv[] = { "sh", "-c", (char *)t->prepare, NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		return err_code(e, rc, "--prepare: cannot run /bin/sh: %s", strerror(rc));
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, errno, "--prepare: waitpid");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		return err_set(e, "--prepare: \"%s\" exited %d", t->prepare, WEXITSTATUS(st));
	return err_set(e, "--prepare: \"%s\" killed by signal %d", t->prepare, WTERMSIG(st));
}

/* The command's stdio for the try, and climit's back after it. */
static void redirect(struct tryer *t, bool on)
{
	if (on) {
		(void)!ftruncate(t->errmem, 0);
		lseek(t->errmem, 0, SEEK_SET);
		dup2(t->devnull, STDIN_FILENO);
		dup2(t->devnull, STDOUT_FILENO);
		dup2(t->errmem, STDERR_FILENO);
	} else {
		for (int fd = 0; fd < 3; fd++)
			dup2(t->saved[fd], fd);
	}
}

int tryer_run(struct tryer *t, const char *phase, uint64_t mem, unsigned cpu_pct, uint64_t pids, uint64_t timeout_ns,
	      struct try *out, struct err *e)
{
	*out = (struct try){ .k = t->next_k++, .phase = phase, .mem = mem, .pids = pids, .cpu_pct = cpu_pct };
	if (t->prepare && run_prepare(t, e) < 0)
		return -1;
	struct run_opts o = t->base;
	char name[NAME_MAX_LEN + 1], rec[4200];
	snprintf(name, sizeof name, "climit-%s-%d-%d", t->tag, (int)getpid(), out->k);
	o.name = name;
	o.mem_max = mem ? mem : OPT_UNSET;
	o.pids_max = pids ? pids : OPT_UNSET;
	o.cpu_quota_us = cpu_pct ? (uint64_t)cpu_pct * CPU_PERIOD_US / 100 : OPT_UNSET;
	o.timeout_ns = timeout_ns;
	if (t->record_dir) {
		snprintf(rec, sizeof rec, "%s/try-%02d.jsonl", t->record_dir, out->k);
		o.record = rec;
	}
	static struct run_outcome r;
	int rc;
	for (;;) {
		o.sample_peaks = t->sample_peaks;
		if (t->sample_peaks)
			o.record_interval_ns = REC_INTERVAL_MIN;
		redirect(t, true);
		rc = run_workload(&o, &t->sigs, true, &r, e);
		redirect(t, false);
		if (rc < 0)
			return -1;
		/* memory.peak is 5.19+, pids.peak 6.11+ on v2: without them the peaks are the highest
		 * values sampled every 10 ms, and the try is run again so sampled. */
		bool no_peak = ((r.st.have & HAVE_MEM) && !(r.st.have & HAVE_MEM_PEAK)) ||
			       ((r.st.have & HAVE_PIDS) && !(r.st.have & HAVE_PIDS_PEAK));
		if (!no_peak || t->sample_peaks || r.res.got_signal)
			break;
		t->sample_peaks = true;
		fprintf(t->msg, "climit: %s: this kernel keeps no %s: the peaks are sampled every 10 ms\n", t->tag,
			!(r.st.have & HAVE_MEM_PEAK) ? "memory peak (memory.peak is 5.19+)" : "task peak (pids.peak is 6.11+)");
		if (t->prepare && run_prepare(t, e) < 0)
			return -1;
	}
	const struct cg_stats *st = &r.st;
	out->status = r.status;
	out->wall = (double)r.res.wall_ns / 1e9;
	out->cpu = (double)st->cpu_usage_us / 1e6;
	out->have_mem_peak = st->have & HAVE_MEM_PEAK;
	out->have_pids_peak = st->have & HAVE_PIDS_PEAK;
	out->mem_peak = st->mem_peak;
	out->pids_peak = st->pids_peak;
	out->oom_kills = st->have & HAVE_OOM ? st->oom_kills : 0;
	out->refused = st->pids_refused;
	out->periods = st->nr_periods;
	out->throttled = st->nr_throttled;
	if (r.res.failed != STAGE_NONE) {
		out->v = V_NOSTART;
		snprintf(out->why, sizeof out->why, "%s", r.res.failed == STAGE_EXEC ? strerror(r.res.failed_err.errnum)
										     : r.res.failed_err.msg);
	} else if (r.res.timed_out) {
		out->v = V_TIMEOUT;
	}
	if (r.res.got_signal == SIGINT || r.res.got_signal == SIGTERM || r.res.got_signal == SIGHUP) {
		out->v = V_STOPPED;
		out->stop_sig = r.res.got_signal;
		snprintf(out->why, sizeof out->why, "SIG%s", sigabbrev_np(r.res.got_signal));
	}
	return 0;
}

void try_verdict_text(const struct try *t, char *buf, size_t size)
{
	if (t->v == V_PASS)
		snprintf(buf, size, "pass");
	else if ((t->v == V_EXIT || t->v == V_SIGNAL || t->v == V_NOSTART) && t->why[0])
		snprintf(buf, size, "%s", t->why); /* "exit 3", "signal SEGV", the exec error */
	else
		snprintf(buf, size, "%s%s%s", verdict_name(t->v), t->why[0] ? " " : "", t->why);
}

enum verdict try_outcome(struct try *t)
{
	if (t->v == V_NOSTART || t->v == V_STOPPED || t->v == V_TIMEOUT)
		return t->v;
	if (t->oom_kills)
		return t->v = V_OOM;
	if (t->refused)
		return t->v = V_REFUSED;
	if (t->status > EXIT_SIGNAL_BASE && t->status < EXIT_SIGNAL_BASE + 65) {
		snprintf(t->why, sizeof t->why, "signal %s", sigabbrev_np(t->status - EXIT_SIGNAL_BASE) ?: "?");
		return t->v = V_SIGNAL;
	}
	if (t->status != 0) {
		snprintf(t->why, sizeof t->why, "exit %d", t->status);
		return t->v = V_EXIT;
	}
	return t->v = V_PASS;
}

void tryer_stderr_tail(struct tryer *t, char *buf, size_t size)
{
	char tail[1024];
	off_t end = lseek(t->errmem, 0, SEEK_END);
	off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
	ssize_t n = pread(t->errmem, tail, sizeof tail - 1, from);
	buf[0] = '\0';
	if (n <= 0)
		return;
	tail[n] = '\0';
	while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' '))
		tail[--n] = '\0';
	/* The last three lines, joined with " | ", control characters as spaces. */
	char *p = tail + n;
	int lines = 0;
	while (p > tail && lines < 3)
		if (*--p == '\n')
			lines++;
	if (*p == '\n')
		p++;
	size_t o = 0;
	for (; *p && o + 4 < size; p++) {
		if (*p == '\n') {
			memcpy(buf + o, " | ", 3);
			o += 3;
		} else {
			buf[o++] = (unsigned char)*p < 0x20 ? ' ' : *p;
		}
	}
	buf[o] = '\0';
}

int tryer_stop_signal(const struct tryer *t, const struct try *last)
{
	(void)t;
	if (last && last->v == V_STOPPED)
		return last->stop_sig;
	/* Between tries the signals stay blocked and pending. */
	sigset_t pend;
	if (sigpending(&pend) == 0)
		for (int s = 0; s < 3; s++) {
			int sig = s == 0 ? SIGINT : s == 1 ? SIGTERM : SIGHUP;
			if (sigismember(&pend, sig))
				return sig;
		}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double try_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
