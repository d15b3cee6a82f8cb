/* seccomp audit records (see scaudit.h). */
#define _GNU_SOURCE
#include "scaudit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sclib.h"
#include "util.h"

const char *sc_syscall_name(uint32_t arch, int nr, char *buf, size_t size)
{
	snprintf(buf, size, "syscall %d", nr);
	if (sclib_load())
		return buf;
	char *name = sc.resolve_num_arch(arch, nr);
	if (name) {
		snprintf(buf, size, "%s", name);
		free(name);
	}
	return buf;
}

/* "key=value" in an audit record, the value up to the next space (or quoted). */
static bool audit_field(const char *rec, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (const char *p = rec; (p = strstr(p, key)); p++) {
		if ((p != rec && p[-1] != ' ') || p[klen] != '=')
			continue;
		const char *v = p + klen + 1;
		size_t n = *v == '"' ? strcspn(v + 1, "\"") : strcspn(v, " \n");
		if (*v == '"')
			v++;
		snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), v);
		return true;
	}
	return false;
}

bool sc_parse_audit(const char *rec, struct sc_event *ev)
{
	if (!strstr(rec, "type=1326"))
		return false;
	char v[64], arch[16], nr[16], code[24];
	if (!audit_field(rec, "syscall", nr, sizeof nr) || !audit_field(rec, "arch", arch, sizeof arch) ||
	    !audit_field(rec, "pid", v, sizeof v))
		return false;
	*ev = (struct sc_event){ .pid = atoi(v), .ts_us = -1 };
	/* kmsg: "PRIO,SEQ,TS_US,FLAGS;text" */
	const char *semi = strchr(rec, ';');
	unsigned long long ts;
	if (semi && sscanf(rec, "%*u,%*u,%llu", &ts) == 1)
		ev->ts_us = (int64_t)ts;
	if (audit_field(rec, "ses", v, sizeof v))
		ev->ses = (unsigned)strtoul(v, NULL, 10);
	/* The process sc_named itself: printable ASCII only, for every reader. */
	audit_field(rec, "comm", ev->comm, sizeof ev->comm);
	for (char *p = ev->comm; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
	if (audit_field(rec, "code", code, sizeof code))
		ev->action = (uint32_t)strtoul(code, NULL, 16) & SECCOMP_RET_ACTION_FULL;
	ev->arch = (uint32_t)strtoul(arch, NULL, 16);
	ev->nr = atoi(nr);
	sc_syscall_name(ev->arch, ev->nr, ev->syscall, sizeof ev->syscall);
	return true;
}

void sc_session_prepare(char *value, size_t size)
{
	value[0] = '\0';
	if (geteuid() != 0)
		return; /* only CAP_AUDIT_CONTROL may change the login uid */
	char cur[32];
	if (read_small_file("/proc/self/loginuid", cur, sizeof cur, NULL) < 0)
		return; /* no audit support */
	unsigned long uid = strtoul(cur, NULL, 10);
	/* Writing a valid uid (the same one, or ours where none is set) starts a new session. */
	snprintf(value, size, "%lu", uid == 4294967295ul ? (unsigned long)getuid() : uid);
}

void sc_session_enter(const char *value)
{
	if (!value || !value[0])
		return;
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!write(fd, value, strlen(value));
	close(fd);
}

/* The audit netlink multicast group of log readers (linux/audit.h AUDIT_NLGRP_READLOG). */
#define NLGRP_READLOG 1

int sc_events_open(bool *netlink)
{
	*netlink = false;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (fd >= 0) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = NLGRP_READLOG };
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			*netlink = true;
			return fd;
		}
		close(fd); /* EPERM without CAP_AUDIT_READ */
	}
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* One record's text: a /dev/kmsg record as it is; a netlink message as "type=1326 TEXT" (the
 * form sc_parse_audit reads), other audit types skipped. Length, 0 for none, -1 at the end. */
static ssize_t next_record(int fd, bool netlink, char *rec, size_t size)
{
	if (!netlink) {
		ssize_t k;
		while ((k = read(fd, rec, size - 1)) < 0 && errno == EPIPE)
			; /* overwritten records: go on with the next */
		if (k <= 0)
			return -1;
		rec[k] = '\0';
		return k;
	}
	char buf[8192];
	ssize_t k = recv(fd, buf, sizeof buf, 0);
	if (k < (ssize_t)sizeof(struct nlmsghdr))
		return k < 0 && errno == EINTR ? 0 : -1;
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	if (h->nlmsg_type != AUDIT_SECCOMP || h->nlmsg_len > (size_t)k || h->nlmsg_len < NLMSG_HDRLEN)
		return 0;
	int len = (int)(h->nlmsg_len - NLMSG_HDRLEN);
	return snprintf(rec, size, "type=1326 %.*s", len, (const char *)NLMSG_DATA(h));
}

int sc_collect(int fd, bool netlink, unsigned ses, struct sc_event *out, int max, int *total)
{
	*total = 0;
	if (fd < 0 || ses == 0)
		return 0;
	int n = 0;
	/* kauditd sends the records from a thread of its own: give the last ones a moment. */
	for (int pass = 0; pass < 2; pass++) {
		char rec[2048];
		ssize_t k;
		while ((k = next_record(fd, netlink, rec, sizeof rec)) >= 0) {
			struct sc_event ev;
			if (k == 0 || !sc_parse_audit(rec, &ev) || ev.ses != ses)
				continue;
			if (n < max)
				out[n++] = ev;
			(*total)++;
		}
		if (pass == 0)
			usleep(20000);
	}
	return n;
}

const char *sc_arch_name(uint32_t arch, int nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return nr & 0x40000000 ? "x32" : "x86_64";
	if (arch == AUDIT_ARCH_I386)
		return "i386";
	return "other";
}

const char *sc_action_name(uint32_t action)
{
	switch (action) {
	case SECCOMP_RET_LOG: return "logged";
	case SECCOMP_RET_ERRNO: return "refused";
	case SECCOMP_RET_TRAP: return "trapped";
	case SECCOMP_RET_TRACE: return "traced";
	case SECCOMP_RET_USER_NOTIF: return "notified";
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD: return "killed";
	default: return "allowed";
	}
}
