/* Calls one system call the way a program would and prints what the kernel answered: "ok" or
 * the errno's name (EPERM, ENOSYS...). For the seccomp tests: sysprobe NAME...
 * Harmless where a call is allowed (mount aims at a missing directory, kexec_load loads nothing).
 *   keyctl, add_key, mount, kexec_load, perf_event_open, unshare_user, clone_newuser, clone3,
 *   personality_noaslr, ioctl_tiocsti, i386_keyctl (the same keyctl through int 0x80), getpid. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	case EIO: return "EIO";
	default: return "other";
	}
}

static long i386_keyctl(void)
{
#if defined(__x86_64__)
	/* keyctl is 288 in the i386 table (250 on x86_64): KEYCTL_GET_KEYRING_ID of the session
	 * keyring, no creation. A filter that checked only x86_64 numbers would let it through. */
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(288), "b"(KEYCTL_GET_KEYRING_ID), "c"(KEY_SPEC_SESSION_KEYRING), "d"(0)
			 : "memory");
	return ret;
#else
	return -ENOSYS;
#endif
}

static long probe(const char *n)
{
	if (!strcmp(n, "getpid"))
		return syscall(SYS_getpid) > 0 ? 0 : -1;
	if (!strcmp(n, "keyctl"))
		return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) < 0 ? -1 : 0;
	if (!strcmp(n, "add_key"))
		return syscall(SYS_add_key, "user", "climit-test", "x", 1, KEY_SPEC_PROCESS_KEYRING) < 0 ? -1 : 0;
	if (!strcmp(n, "mount"))
		/* Harmless if allowed: the target does not exist (ENOENT); a filter says EPERM first. */
		return mount("none", "/nonexistent-climit-sysprobe", "tmpfs", 0, NULL);
	if (!strcmp(n, "kexec_load"))
		return syscall(SYS_kexec_load, 0, 0, NULL, 0);
	if (!strcmp(n, "perf_event_open")) {
		struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .size = sizeof a, .config = PERF_COUNT_SW_TASK_CLOCK,
					     .disabled = 1, .exclude_kernel = 1 };
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		return fd < 0 ? -1 : 0;
	}
	if (!strcmp(n, "unshare_user"))
		return unshare(CLONE_NEWUSER);
	if (!strcmp(n, "clone_newuser")) {
		long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return pid < 0 ? -1 : 0;
	}
	if (!strcmp(n, "clone3")) {
		struct { unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; } a = {
			.exit_signal = SIGCHLD };
		long pid = syscall(SYS_clone3, &a, sizeof a);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return pid < 0 ? -1 : 0;
	}
	if (!strcmp(n, "personality_noaslr"))
		return personality(ADDR_NO_RANDOMIZE) < 0 ? -1 : 0;
	if (!strcmp(n, "ioctl_tiocsti")) {
		char c = ' ';
		return ioctl(0, TIOCSTI, &c);
	}
	if (!strcmp(n, "tiocsti_inject")) {
		/* Type a command into the terminal on fd 0, as if its user had. */
		const char *cmd = "echo climit-test-INJECTED\n";
		for (const char *p = cmd; *p; p++)
			if (ioctl(0, TIOCSTI, p) < 0)
				return -1;
		return 0;
	}
	if (!strcmp(n, "i386_keyctl")) {
		long r = i386_keyctl();
		if (r < 0 && r > -4096) {
			errno = (int)-r;
			return -1;
		}
		return 0;
	}
	errno = EINVAL;
	fprintf(stderr, "sysprobe: unknown probe %s\n", n);
	return -2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		errno = 0;
		long r = probe(argv[i]);
		if (r == -2)
			return 2;
		printf("%s %s\n", argv[i], r < 0 ? ename(errno) : "ok");
	}
	return 0;
}
