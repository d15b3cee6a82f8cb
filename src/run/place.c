/* Placement decisions (see place.h). */
#define _GNU_SOURCE
#include "place.h"

#include <errno.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "systemd.h"

/* One line that says what an option needs and how to get it. */
static const struct need {
	enum cg_ctrl ctrl;
	const char *opt;
	size_t off; /* into struct run_opts: a uint64_t limit, or (cpus) a pointer */
} needs[] = {
	{ CTRL_MEMORY, "--mem", offsetof(struct run_opts, mem_max) },
	{ CTRL_MEMORY, "--mem-high", offsetof(struct run_opts, mem_high) },
	{ CTRL_PIDS, "--pids", offsetof(struct run_opts, pids_max) },
	{ CTRL_CPU, "--cpu", offsetof(struct run_opts, cpu_quota_us) },
	{ CTRL_CPU, "--cpu-weight", offsetof(struct run_opts, cpu_weight) },
	{ CTRL_CPUSET, "--cpus", offsetof(struct run_opts, cpus) },
	{ CTRL_IO, NULL, offsetof(struct run_opts, io.first) }, /* the first --io-* option given */
};

static bool option_given(const struct run_opts *o, const struct need *n)
{
	const char *p = (const char *)o + n->off;
	if (n->ctrl == CTRL_CPUSET || n->ctrl == CTRL_IO)
		return *(const char *const *)p != NULL;
	return *(const uint64_t *)p != OPT_UNSET;
}

static const char *need_opt(const struct run_opts *o, const struct need *n)
{
	return n->opt ? n->opt : o->io.first;
}

static void mask_names(unsigned mask, char *out, size_t size)
{
	out[0] = '\0';
	for (int c = 0; c < CTRL_COUNT; c++)
		if ((mask & CTRL_BIT(c)) && c != CTRL_CPUACCT && c != CTRL_FREEZER)
			snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? " " : "", cg_ctrl_name(c));
	if (!out[0])
		snprintf(out, size, "none");
}

static int check_host(const struct cg_system *sys, const struct run_opts *o, struct err *e)
{
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		if (option_given(o, &needs[i]) && !cg_has_controller(sys, needs[i].ctrl))
			return err_set(e, "%s: the %s controller is not available on this host (cgroup %s)",
				       need_opt(o, &needs[i]), cg_ctrl_name(needs[i].ctrl), cg_mode_name(sys->mode));
	if (o->mem_high != OPT_UNSET && sys->mode != CG_V2)
		return err_set(e, "--mem-high: not supported on cgroup %s (memory.high exists only in cgroup v2)",
			       cg_mode_name(sys->mode));
	return 0;
}

static int check_delegated(const struct run_opts *o, unsigned have, struct err *e)
{
	char names[128];
	mask_names(have, names, sizeof names);
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		if (!option_given(o, &needs[i]) || (have & CTRL_BIT(needs[i].ctrl)))
			continue;
		if (geteuid() == 0)
			return err_set(e, "%s: systemd does not offer the %s controller here (it has: %s)", need_opt(o, &needs[i]),
				       cg_ctrl_name(needs[i].ctrl), names);
		return err_set(e, "%s: the %s controller is not delegated to %s (it has: %s); %s", need_opt(o, &needs[i]),
			       cg_ctrl_name(needs[i].ctrl), sd_delegating_unit(), names, place_delegate_fix());
	}
	return 0;
}

const char *place_delegate_fix(void)
{
	return "as root, create /etc/systemd/system/user@.service.d/delegate.conf with \"[Service]\" and "
	       "\"Delegate=cpu cpuset io memory pids\", run `systemctl daemon-reload` and log in again";
}

static const char *user_name(void)
{
	struct passwd *pw = getpwuid(geteuid());
	static char buf[32];
	if (pw)
		return pw->pw_name;
	snprintf(buf, sizeof buf, "%u", (unsigned)geteuid());
	return buf;
}

/* A normal user may use --parent only where an administrator delegated it: the directory
 * exists in every hierarchy climit writes and belongs to the user (kernel cgroup-v2
 * "Delegation"; on v1 the same ownership is the only thing that lets a user in). */
static int check_owned_parent(const struct cg_system *sys, const struct run_opts *o, unsigned ctrls,
			      struct err *e)
{
	for (int c = 0; c < CTRL_COUNT; c++) {
		const char *mount = sys->mode == CG_V2 ? sys->v2_mount : sys->v1_mount[c];
		if (!(ctrls & CTRL_BIT(c)) || !mount[0])
			continue;
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", mount, o->parent);
		if (stat(path, &st) < 0) {
			const char *why = strerror(errno);
			return err_set(e, "--parent: \"%s\": %s: %s (a normal user cannot create it: as root, mkdir "
					  "it and `chown -R %s` it)", o->parent, path, why, user_name());
		}
		if (st.st_uid != geteuid())
			return err_set(e, "--parent: \"%s\": %s belongs to uid %u, not to you (as root: chown -R %s %s)",
				       o->parent, path, (unsigned)st.st_uid, user_name(), path);
		if (sys->mode == CG_V2)
			break;
	}
	return 0;
}

/* cgroup v2 lets a normal user move a process only between groups below one the user owns (the
 * common ancestor's cgroup.procs must be writable), and a group that hands controllers to
 * children must hold no process itself: climit has to run in a leaf below --parent. */
static int check_inside_parent(const struct run_opts *o, struct err *e)
{
	char self[PATH_MAX] = "";
	if (cg_self_v2(self, sizeof self, NULL) < 0)
		return 0; /* let the kernel say it */
	size_t pl = strlen(o->parent);
	if (strncmp(self, o->parent, pl) == 0 && self[pl] == '/')
		return 0;
	return err_set(e, "--parent: \"%s\": climit runs in /%s, %s; the kernel lets a normal user move "
			  "processes only inside a delegated subtree, and %s must hold no process itself (as root, "
			  "move your shell into a leaf such as %s/shell)", o->parent, self,
		       strcmp(self, o->parent) == 0 ? "the group itself" : "outside it", o->parent, o->parent);
}

int place_choose(const struct cg_system *sys, struct run_opts *o, unsigned *ctrls, struct err *e)
{
	bool root = geteuid() == 0;
	if (o->manager == MGR_AUTO)
		o->manager = sys->mode == CG_V2 && !o->parent_given && sd_running() ? MGR_SYSTEMD : MGR_CGROUPFS;
	if (o->manager == MGR_SYSTEMD) {
		if (sys->mode != CG_V2)
			return err_set(e, "--cgroup-manager: \"systemd\": climit uses systemd scopes on cgroup v2 only "
					  "(this host is cgroup %s)", cg_mode_name(sys->mode));
		if (!sd_running())
			return err_set(e, "--cgroup-manager: \"systemd\": systemd is not running here "
					  "(no /run/systemd/system)");
		unsigned have = sd_delegated_controllers(sys);
		if (check_host(sys, o, e) < 0 || check_delegated(o, have, e) < 0)
			return -1;
		*ctrls &= have;
		return 0;
	}
	if (check_host(sys, o, e) < 0)
		return -1;
	if (root)
		return 0;
	if (!o->parent_given) {
		if (sys->mode != CG_V2)
			return err_set(e, "cgroup %s has no safe delegation to a normal user: run climit as root, or "
					  "give --parent PATH whose directory you own in every hierarchy (memory, pids, "
					  "cpu, cpuacct, freezer)", cg_mode_name(sys->mode));
		return err_set(e, "a normal user needs systemd's user manager (not running here) or --parent PATH, "
				  "a cgroup delegated to you (as root: mkdir %s/PATH; chown -R %s %s/PATH)",
			       sys->v2_mount, user_name(), sys->v2_mount);
	}
	if (sys->mode == CG_V2) {
		*ctrls &= sys->v2_controllers | CTRL_BIT(CTRL_CPUACCT) | CTRL_BIT(CTRL_FREEZER);
		if (check_inside_parent(o, e) < 0)
			return -1;
	}
	return check_owned_parent(sys, o, *ctrls, e);
}

void place_default_parent(const struct cg_system *sys, char *out, size_t size)
{
	if (sys->mode == CG_V2 && sd_running())
		sd_slice_path(out, size);
	else
		snprintf(out, size, "climit");
}
