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

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static const int handled_signals[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

#define NSIGNALS (sizeof handled_signals / sizeof handled_signals[0])

void launch_take_signals(struct launch_signals *saved)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &saved->mask);
	/* An ignored signal is discarded even while blocked: signalfd would never see it. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(handled_signals[i], &dfl, &saved->actions[i]);
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

struct child_error {
	int stage;
	int err;
};

/* In the child: never returns. Only async-signal-safe calls until exec. */
static void child_exec(char **argv, const struct launch_signals *sigs, int errfd, const int *procs, int nprocs,
		       pid_t parent)
{
	struct child_error ce = { STAGE_ATTACH, 0 };
	/* If climit is SIGKILLed the main process goes with it; `climit gc` collects the rest. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	if (nprocs > 0 && (ce.err = -cg_attach_self(procs, nprocs)) != 0) {
		(void)!write(errfd, &ce, sizeof ce);
		_exit(125);
	}
	restore_signals(sigs);
	execvp(argv[0], argv);
	ce.stage = STAGE_EXEC;
	ce.err = errno;
	(void)!write(errfd, &ce, sizeof ce);
	_exit(127);
}

/* clone3 into the cgroup; returns the pid, 0 in the child, or -1 with errno. */
static pid_t clone_into(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static pid_t start_child(struct cgroup *cg, char **argv, const struct launch_signals *sigs, int errfd,
			 struct launch_result *res, struct err *e)
{
	pid_t parent = getpid();
	if (cg->sys->mode == CG_V2) {
		pid_t pid = clone_into(cg->dirs[0].fd);
		if (pid == 0)
			child_exec(argv, sigs, errfd, NULL, 0, parent);
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
	pid_t pid = fork();
	if (pid == 0)
		child_exec(argv, sigs, errfd, procs, n, parent);
	int saved = errno;
	for (int i = 0; i < n; i++)
		close(procs[i]);
	if (pid < 0)
		return err_sys(e, saved, "fork");
	return pid;
}

static void kill_group(struct cgroup *cg)
{
	struct err ignored;
	cg_kill_all(cg, &ignored);
}

int launch_run(struct cgroup *cg, char **argv, uint64_t timeout_ns, const struct launch_signals *sigs,
	       struct launch_result *res, struct err *e)
{
	*res = (struct launch_result){ 0 };
	uint64_t start = now_ns();
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_sys(e, errno, "pipe");
	pid_t pid = start_child(cg, argv, sigs, pipefd[1], res, e);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	struct child_error ce;
	ssize_t n;
	while ((n = read(pipefd[0], &ce, sizeof ce)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (n == (ssize_t)sizeof ce) {
		res->failed = (enum launch_stage)ce.stage;
		res->failed_errno = ce.err;
		while (waitpid(pid, &res->wait_status, 0) < 0 && errno == EINTR)
			;
		res->wall_ns = now_ns() - start;
		return 0;
	}

	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaddset(&set, handled_signals[i]);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int tfd = -1;
	if (timeout_ns) {
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		struct itimerspec its = { .it_value = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
							 .tv_nsec = (long)(timeout_ns % 1000000000u) } };
		if (tfd >= 0)
			timerfd_settime(tfd, 0, &its, NULL);
	}
	int sigints = 0;
	for (;;) {
		int r = waitpid(pid, &res->wait_status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			break;
		struct pollfd pfds[2] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
		if (poll(pfds, tfd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (tfd >= 0 && (pfds[1].revents & POLLIN)) {
			uint64_t ticks;
			(void)!read(tfd, &ticks, sizeof ticks);
			if (!res->timed_out && !res->interrupted) {
				res->timed_out = true;
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
		if (sig == SIGINT && ++sigints >= 2) {
			/* The user insists: no more waiting for a graceful exit. */
			if (!res->interrupted && !res->timed_out) {
				res->interrupted = true;
				kill_group(cg);
			}
			continue;
		}
		/* A signal from the terminal (SI_KERNEL, e.g. Ctrl-C) went to the whole foreground
		 * process group, the workload included: forwarding it would deliver it twice. */
		if (si.ssi_code != SI_KERNEL)
			kill(pid, sig);
	}
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	res->wall_ns = now_ns() - start;
	return 0;
}
