/* Starting the workload inside its cgroup before its first instruction, forwarding signals,
 * enforcing --timeout, and waiting for it.
 *
 * Placement: on v2, clone3(CLONE_INTO_CGROUP) creates the child directly in the group (no
 * migration, no window). Otherwise (v1, hybrid, kernels before 5.7) the child writes "0" to
 * each hierarchy's cgroup.procs before exec: the workload's first instruction, and so its first
 * fork, already runs inside every limit. Exec errors come back through a close-on-exec pipe, so
 * a failed exec (127/126) is never confused with a program that exits 127 itself. */
#define _GNU_SOURCE
#include "launch.h"
#include "scaudit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static const int handled_signals[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

#define NSIGNALS (sizeof handled_signals / sizeof handled_signals[0])

int launch_take_signals(struct launch_signals *saved, struct err *e)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, handled_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, &saved->mask) < 0)
		return err_sys(e, errno, "cannot block signals");
	/* An ignored signal is discarded even while blocked: signalfd would never see it. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	for (size_t i = 0; i < NSIGNALS; i++)
		if (sigaction(handled_signals[i], &dfl, &saved->actions[i]) < 0)
			return err_sys(e, errno, "cannot take signal %d", handled_signals[i]);
	return 0;
}

/* In the child: give the workload what climit's caller gave climit (nohup's ignored SIGHUP,
 * a shell's ignored SIGINT for background jobs). */
static void restore_signals(const struct launch_signals *sigs)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		if (sigs->actions[i].sa_handler == SIG_IGN)
			sigaction(handled_signals[i], &sigs->actions[i], NULL);
	sigprocmask(SIG_SETMASK, &sigs->mask, NULL);
}

/* What the child reports when it fails before exec: the stage and the same struct err climit
 * itself uses (errnum, message). */
struct child_error {
	unsigned audit_session; /* the workload's audit session (scfilter.h), 0 if none */
	int stage;
	struct err e;
};

/* What the first child needs; everything is set up before the fork. */
struct child_ctx {
	char **argv;
	const struct launch_signals *sigs;
	const struct iso_opts *iso;
	int errfd;        /* close-on-exec: EOF means the exec happened (unless *shared says not) */
	struct child_error *shared; /* MAP_SHARED page: the report that cannot fail */
	int statusfd;     /* the init's report of the workload's wait status */
	int syncfd;       /* user namespace: EOF once climit wrote the id maps; -1 if none */
	int syncfd_w;     /* its write end, which the child must close to ever see that EOF */
	const int *procs; /* v1 (or no clone3): cgroup.procs fds to join, nprocs of them */
	int nprocs;
	pid_t parent;
};

/* The report goes to a page shared with climit first, then down the pipe. Writing to a pipe
 * allocates its buffer page, charged to the child's memory cgroup: under a tiny --mem that
 * write fails, and the only sign of the failure would be an exit status. The shared page was
 * touched by climit before the fork, so writing it needs no allocation. */
static void report_error(const struct child_ctx *c, int stage, const struct err *e)
{
	c->shared->e = *e;
	c->shared->stage = stage;
	(void)!write(c->errfd, c->shared, sizeof *c->shared);
}

/* An errno alone, without formatting: async-signal-safe, for the vfork-style child. */
static void report_errno(const struct child_ctx *c, int stage, int errnum)
{
	struct err e = { .errnum = errnum };
	report_error(c, stage, &e);
}

/* The workload itself: credentials, signals as climit's caller left them, exec. */
static void exec_workload(const struct child_ctx *c)
{
	struct err e;
	if (c->iso && iso_active(c->iso) && iso_enter(c->iso, &e) < 0) {
		report_error(c, STAGE_SETUP, &e);
		_exit(125);
	}
	restore_signals(c->sigs);
	/* The syscall filter last: nothing of climit's own set-up runs under it, only the exec. */
	if (c->iso && sc_install(c->iso->sc) < 0) {
		struct err e = { .errnum = errno };
		str_copy(e.msg, "cannot install the seccomp filter", sizeof e.msg);
		report_error(c, STAGE_SETUP, &e);
		_exit(125);
	}
	execvp(c->argv[0], c->argv);
	report_errno(c, STAGE_EXEC, errno);
	_exit(127);
}

/* PID 1 of the container's pid namespace: reaps every orphan (so zombies never hold pids.max
 * slots), forwards the signals climit forwards to it, and when the workload ends reports its
 * wait status and exits; the kernel then kills whatever is left in the namespace. */
static void run_init(const struct child_ctx *c, pid_t workload)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, handled_signals[i]);
	prctl(PR_SET_NAME, "climit-init");
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* Terminal signals reached the workload directly (same process group). */
			if (si.si_code != SI_KERNEL)
				kill(workload, sig);
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != workload)
				continue;
			(void)!write(c->statusfd, &st, sizeof st);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
	}
}

/* A filtered workload gets an audit session of its own: its blocked calls can then be told from
 * everyone else's in /dev/kmsg (read by climit after the run, and by climit top). Tried before
 * the isolation set-up and, where the host's /proc is read-only, once more after it (a fresh
 * /proc). Async-signal-safe. */
static void enter_session(const struct child_ctx *c)
{
	if (!c->iso || !c->iso->sc || !c->iso->sc->prog || !c->iso->sc->session[0] || c->shared->audit_session)
		return;
	sc_session_enter(c->iso->sc->session);
	char buf[16];
	int fd = open("/proc/self/sessionid", O_RDONLY | O_CLOEXEC);
	ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	unsigned long ses = 0;
	for (ssize_t i = 0; i < k && buf[i] >= '0' && buf[i] <= '9'; i++)
		ses = ses * 10 + (unsigned long)(buf[i] - '0');
	/* 4294967295: no session (the write was refused). */
	c->shared->audit_session = k > 0 && ses < 4294967295ul ? (unsigned)ses : 0;
}

/* In the child: never returns. Only async-signal-safe calls until the isolation setup. */
static void child_main(const struct child_ctx *c)
{
	/* If climit is SIGKILLed the main process goes with it; `climit gc` collects the rest. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	bool new_pid = c->iso && (c->iso->ns & CLONE_NEWPID);
	/* In a new pid namespace the parent is outside it: getppid() is 0. */
	if (!new_pid && getppid() != c->parent)
		_exit(125);
	if (c->syncfd >= 0) {
		char b;
		close(c->syncfd_w);
		while (read(c->syncfd, &b, 1) < 0 && errno == EINTR)
			;
		close(c->syncfd);
	}
	struct err e;
	if (c->nprocs > 0 && cg_attach_self(c->procs, c->nprocs, &e) < 0) {
		report_error(c, STAGE_ATTACH, &e);
		_exit(125);
	}
	enter_session(c);
	if (!c->iso || !c->iso->ns)
		exec_workload(c);
	if (iso_setup(c->iso, &e) < 0) {
		report_error(c, STAGE_SETUP, &e);
		_exit(125);
	}
	enter_session(c); /* again, through the container's own /proc if the host's is read-only */
	if (!new_pid || c->iso->no_init)
		exec_workload(c);
	pid_t pid = fork();
	if (pid == 0)
		exec_workload(c);
	if (pid < 0) {
		err_sys(&e, errno, "cannot fork the workload");
		report_error(c, STAGE_SETUP, &e);
		_exit(125);
	}
	close(c->errfd);
	run_init(c, pid);
}

/* clone3, into the cgroup (v2) and/or into new namespaces; the cgroup namespace is created
 * later by the child, once it is inside its group, so that the group is its root. Returns the
 * pid, 0 in the child, or -1 with errno. */
static pid_t clone_child(int cgroup_fd, unsigned long ns)
{
	struct clone_args args = {
		.flags = (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0) | (ns & ~(unsigned long)CLONE_NEWCGROUP),
		.exit_signal = SIGCHLD,
		.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
	};
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static int spawn_entry(void *arg)
{
	child_main(arg);
	return 125;
}

/* Without isolation the child only joins its groups and execs: run it like posix_spawn does,
 * in climit's memory (CLONE_VM) with climit suspended until the exec (CLONE_VFORK), so no page
 * tables are copied and no page is faulted in twice. On this host that took the launch from
 * 8.3 to 6.3 ms (bench/results.md). That child only makes system calls and writes its own
 * stack and errno (no malloc, no environment changes: --env, --uid and friends fork). The
 * stack holds execvp's copy of argv for a script (ENOEXEC), so it grows with argc, as glibc's
 * posix_spawn sizes it. Returns the pid or -1 with errno. */
static pid_t spawn_child(struct child_ctx *c)
{
	size_t argc = 0;
	while (c->argv[argc])
		argc++;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = (64 * 1024 + (argc + 2) * sizeof(char *) + page - 1) / page * page;
	void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = clone(spawn_entry, (char *)stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
	int saved = errno;
	munmap(stack, size);
	errno = saved;
	return pid;
}

static pid_t start_child(struct cgroup *cg, struct child_ctx *c, struct launch_result *res, struct err *e)
{
	c->parent = getpid();
	unsigned long ns = c->iso ? c->iso->ns : 0;
	if (cg->sys->mode == CG_V2) {
		pid_t pid = clone_child(cg->dirs[0].fd, ns);
		if (pid == 0)
			child_main(c);
		if (pid > 0) {
			res->placed_by_clone3 = true;
			return pid;
		}
		/* ENOSYS (before 5.3), E2BIG/EINVAL (no CLONE_INTO_CGROUP before 5.7): fall back. */
	}
	int procs[CTRL_COUNT];
	int n = cg_open_procs(cg, procs, e);
	if (n < 0)
		return -1;
	c->procs = procs;
	c->nprocs = n;
	bool plain = !c->iso || !iso_active(c->iso);
#ifdef __SANITIZE_ADDRESS__
	plain = false; /* ASan cannot follow a child that runs on a stack of climit's own making */
#endif
	pid_t pid = ns ? clone_child(-1, ns) : plain ? spawn_child(c) : fork();
	if (pid == 0)
		child_main(c);
	int saved = errno;
	for (int i = 0; i < n; i++)
		close(procs[i]);
	c->procs = NULL;
	c->nprocs = 0;
	if (pid < 0) {
		if (ns && (saved == EPERM || saved == EINVAL || saved == ENOSPC || saved == EUSERS))
			return err_sys(e, saved, "cannot create the namespaces (clone3 with %s%s%s%s%s%s)",
				       ns & CLONE_NEWUSER ? "user " : "", ns & CLONE_NEWPID ? "pid " : "",
				       ns & CLONE_NEWNS ? "mount " : "", ns & CLONE_NEWUTS ? "uts " : "",
				       ns & CLONE_NEWIPC ? "ipc " : "", ns & CLONE_NEWNET ? "net" : "");
		return err_sys(e, saved, "fork");
	}
	return pid;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0) {
			close(p[i]);
			p[i] = -1;
		}
}

static void kill_group(struct cgroup *cg)
{
	struct err ignored;
	cg_kill_all(cg, &ignored);
}

static int launch_wait(struct cgroup *cg, char **argv, int sfd, int tfd, const struct launch_signals *sigs,
		       const struct iso_opts *iso, const struct launch_hooks *hooks, struct launch_result *res,
		       struct err *e);
static void wait_and_forward(struct cgroup *cg, pid_t pid, int sfd, int tfd, const struct launch_hooks *hooks,
			     struct launch_result *res);

/* The wait loop's descriptors, made before the child exists: without the signalfd climit could
 * neither forward signals nor notice its child's end, without the timer --timeout would be
 * silently dropped. */
static int open_waiters(uint64_t timeout_ns, int *sfd, int *tfd, struct err *e)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, handled_signals[i]);
	*tfd = -1;
	*sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (*sfd < 0)
		return err_sys(e, errno, "cannot create a signalfd");
	if (!timeout_ns)
		return 0;
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
						 .tv_nsec = (long)(timeout_ns % 1000000000u) } };
	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (*tfd < 0 || timerfd_settime(*tfd, 0, &its, NULL) < 0) {
		int saved = errno;
		close(*sfd);
		if (*tfd >= 0)
			close(*tfd);
		return err_sys(e, saved, "--timeout: cannot create a timer");
	}
	return 0;
}

int launch_run(struct cgroup *cg, char **argv, uint64_t timeout_ns, const struct launch_signals *sigs,
	       const struct iso_opts *iso, const struct launch_hooks *hooks, struct launch_result *res,
	       struct err *e)
{
	*res = (struct launch_result){ 0 };
	uint64_t start = now_ns();
	int sfd, tfd;
	if (open_waiters(timeout_ns, &sfd, &tfd, e) < 0)
		return -1;
	int rc = launch_wait(cg, argv, sfd, tfd, sigs, iso, hooks, res, e);
	close(sfd);
	if (tfd >= 0)
		close(tfd);
	res->wall_ns = now_ns() - start;
	return rc;
}

/* Start the child, read its report, then wait for it while forwarding signals and enforcing
 * the timeout. */
static int launch_wait(struct cgroup *cg, char **argv, int sfd, int tfd, const struct launch_signals *sigs,
		       const struct iso_opts *iso, const struct launch_hooks *hooks, struct launch_result *res,
		       struct err *e)
{
	int pipefd[2] = { -1, -1 }, statusfd[2] = { -1, -1 }, syncfd[2] = { -1, -1 };
	bool pidns = iso && (iso->ns & CLONE_NEWPID) && !iso->no_init;
	struct child_error *shared = MAP_FAILED;
	if (pipe2(pipefd, O_CLOEXEC) < 0 || (pidns && pipe2(statusfd, O_CLOEXEC) < 0) ||
	    (iso && (iso->ns & CLONE_NEWUSER) && pipe2(syncfd, O_CLOEXEC) < 0) ||
	    (shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)) ==
		    MAP_FAILED) {
		int saved = errno;
		close_pair(pipefd);
		close_pair(statusfd);
		close_pair(syncfd);
		return err_sys(e, saved, "cannot set up the pipes to the child");
	}
	memset(shared, 0, sizeof *shared); /* faulted in here, charged to climit */
	struct child_ctx c = { .argv = argv, .sigs = sigs, .iso = iso, .errfd = pipefd[1], .shared = shared,
			       .statusfd = statusfd[1], .syncfd = syncfd[0], .syncfd_w = syncfd[1] };
	pid_t pid = start_child(cg, &c, res, e);
	close(pipefd[1]);
	if (statusfd[1] >= 0)
		close(statusfd[1]);
	if (syncfd[0] >= 0)
		close(syncfd[0]);
	if (pid > 0 && syncfd[1] >= 0) {
		/* The child waits for its id maps before it does anything else. */
		if (iso_write_maps(pid, e) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			pid = -1;
		}
	}
	if (syncfd[1] >= 0)
		close(syncfd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		if (statusfd[0] >= 0)
			close(statusfd[0]);
		munmap(shared, sizeof *shared);
		return -1;
	}
	struct child_error ce;
	ssize_t n;
	while ((n = read(pipefd[0], &ce, sizeof ce)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	/* EOF without a report: the exec happened, or the report could not be written (see
	 * report_error) and the shared page has it. */
	if (n != (ssize_t)sizeof ce && shared->stage != STAGE_NONE) {
		ce = *shared;
		n = sizeof ce;
	}
	res->audit_session = shared->audit_session;
	munmap(shared, sizeof *shared);
	if (n == (ssize_t)sizeof ce) {
		res->failed = (enum launch_stage)ce.stage;
		res->failed_err = ce.e;
		/* With an init, the failing workload is its child: the init is what climit waits for,
		 * and the kill of the group (by the caller) ends it. */
		kill_group(cg);
		while (waitpid(pid, &res->wait_status, 0) < 0 && errno == EINTR)
			;
		if (statusfd[0] >= 0)
			close(statusfd[0]);
		return 0;
	}

	wait_and_forward(cg, pid, sfd, tfd, hooks, res);
	if (statusfd[0] >= 0) {
		/* The workload's own status (a signal stays a signal), not the init's exit code. */
		int st;
		if (read(statusfd[0], &st, sizeof st) == (ssize_t)sizeof st)
			res->wait_status = st;
		close(statusfd[0]);
	}
	return 0;
}

/* The wait loop (tini's wait_and_forward_signal): until the child ends, forward the signals
 * climit gets, kill the group on --timeout or a second SIGINT. */
static void note(const struct launch_hooks *hooks, const char *kind, const char *text)
{
	if (hooks && hooks->on_note)
		hooks->on_note(hooks->ctx, kind, text);
}

static void wait_and_forward(struct cgroup *cg, pid_t pid, int sfd, int tfd, const struct launch_hooks *hooks,
			     struct launch_result *res)
{
	int sigints = 0;
	int hfd = hooks ? hooks->fd : -1;
	for (;;) {
		int r = waitpid(pid, &res->wait_status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			break;
		/* poll ignores negative fds: the timer and the hook's fd are optional. */
		struct pollfd pfds[3] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN },
					  { .fd = hfd, .events = POLLIN } };
		if (poll(pfds, 3, -1) < 0)
			continue;
		if (hfd >= 0 && (pfds[2].revents & POLLIN))
			hooks->on_fd(hooks->ctx);
		if (tfd >= 0 && (pfds[1].revents & POLLIN)) {
			uint64_t ticks;
			(void)!read(tfd, &ticks, sizeof ticks);
			if (!res->timed_out && !res->interrupted) {
				res->timed_out = true;
				note(hooks, "timeout", "--timeout expired: the group is killed");
				kill_group(cg);
			}
		}
		if (!(pfds[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) != sizeof si)
			continue;
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD)
			continue;
		res->got_signal = sig;
		if (sig == SIGINT && ++sigints >= 2) {
			/* The user insists: no more waiting for a graceful exit. */
			if (!res->interrupted && !res->timed_out) {
				res->interrupted = true;
				note(hooks, "interrupt", "second SIGINT: the group is killed");
				kill_group(cg);
			}
			continue;
		}
		/* A signal from the terminal (SI_KERNEL, e.g. Ctrl-C) went to the whole foreground
		 * process group, the workload included: forwarding it would deliver it twice. */
		bool from_terminal = si.ssi_code == SI_KERNEL;
		bool forwarded = !from_terminal && kill(pid, sig) == 0;
		if ((from_terminal || forwarded) && hooks && hooks->on_note) {
			char text[80];
			snprintf(text, sizeof text, "SIG%s %s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
				 from_terminal ? "from the terminal (the workload got it too)" : "forwarded to the workload");
			note(hooks, "signal", text);
		}
	}
}
