/* Placement under systemd through sd-bus (see systemd.h). libsystemd is dlopened here, only
 * by runs that place their group under systemd: linking it would map it (and its five
 * dependencies) into every launch, also on hosts without systemd. */
#define _GNU_SOURCE
#include "systemd.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_IFACE "org.freedesktop.systemd1.Manager"

bool sd_running(void)
{
	struct stat st;
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static void user_base(char *out, size_t size)
{
	unsigned uid = (unsigned)geteuid();
	snprintf(out, size, "user.slice/user-%u.slice/user@%u.service", uid, uid);
}

void sd_slice_path(char *out, size_t size)
{
	if (geteuid() == 0) {
		snprintf(out, size, "climit.slice");
		return;
	}
	char base[128];
	user_base(base, sizeof base);
	snprintf(out, size, "%s/climit.slice", base);
}

const char *sd_delegating_unit(void)
{
	static char unit[64];
	if (geteuid() == 0)
		return "the system manager";
	snprintf(unit, sizeof unit, "user@%u.service", (unsigned)geteuid());
	return unit;
}

void sd_unit_name(const char *name, char *out, size_t size)
{
	snprintf(out, size, "climit-%s.scope", name);
}

unsigned sd_delegated_controllers(const struct cg_system *sys)
{
	unsigned mask = CTRL_BIT(CTRL_CPUACCT) | CTRL_BIT(CTRL_FREEZER);
	char path[PATH_MAX], buf[512];
	if (geteuid() == 0) {
		snprintf(path, sizeof path, "%s/cgroup.controllers", sys->v2_mount);
	} else {
		char base[128];
		user_base(base, sizeof base);
		snprintf(path, sizeof path, "%s/%s/cgroup.controllers", sys->v2_mount, base);
	}
	if (read_small_file(path, buf, sizeof buf, NULL) < 0)
		return mask; /* nothing delegated that we can see: the refusal names what is missing */
	return mask | cg_parse_controllers(buf);
}

/* The handful of sd-bus calls climit makes, resolved from libsystemd.so.0. */
static struct {
	bool loaded;
	int (*open_user)(sd_bus **);
	int (*open_system)(sd_bus **);
	int (*bus_new)(sd_bus **);
	int (*set_address)(sd_bus *, const char *);
	int (*bus_start)(sd_bus *);
	sd_bus *(*flush_close_unref)(sd_bus *);
	int (*new_method_call)(sd_bus *, sd_bus_message **, const char *, const char *, const char *,
			       const char *);
	int (*append)(sd_bus_message *, const char *, ...);
	int (*open_container)(sd_bus_message *, char, const char *);
	int (*close_container)(sd_bus_message *);
	int (*call)(sd_bus *, sd_bus_message *, uint64_t, sd_bus_error *, sd_bus_message **);
	int (*read)(sd_bus_message *, const char *, ...);
	sd_bus_message *(*message_unref)(sd_bus_message *);
	void (*error_free)(sd_bus_error *);
	int (*match_signal)(sd_bus *, sd_bus_slot **, const char *, const char *, const char *, const char *,
			    sd_bus_message_handler_t, void *);
	int (*process)(sd_bus *, sd_bus_message **);
	int (*wait)(sd_bus *, uint64_t);
} sdb;

static int load_sdbus(struct err *e)
{
	if (sdb.loaded)
		return 0;
	static const struct dl_sym syms[] = {
		{ (void **)&sdb.open_user, "sd_bus_open_user" },
		{ (void **)&sdb.open_system, "sd_bus_open_system" },
		{ (void **)&sdb.bus_new, "sd_bus_new" },
		{ (void **)&sdb.set_address, "sd_bus_set_address" },
		{ (void **)&sdb.bus_start, "sd_bus_start" },
		{ (void **)&sdb.flush_close_unref, "sd_bus_flush_close_unref" },
		{ (void **)&sdb.new_method_call, "sd_bus_message_new_method_call" },
		{ (void **)&sdb.append, "sd_bus_message_append" },
		{ (void **)&sdb.open_container, "sd_bus_message_open_container" },
		{ (void **)&sdb.close_container, "sd_bus_message_close_container" },
		{ (void **)&sdb.call, "sd_bus_call" },
		{ (void **)&sdb.read, "sd_bus_message_read" },
		{ (void **)&sdb.message_unref, "sd_bus_message_unref" },
		{ (void **)&sdb.error_free, "sd_bus_error_free" },
		{ (void **)&sdb.match_signal, "sd_bus_match_signal" },
		{ (void **)&sdb.process, "sd_bus_process" },
		{ (void **)&sdb.wait, "sd_bus_wait" },
	};
	const char *why = dl_load("libsystemd.so.0", syms, sizeof syms / sizeof syms[0]);
	if (why)
		return err_set(e, "%s (sd-bus, systemd 237 or newer, is needed to ask systemd for a cgroup)", why);
	sdb.loaded = true;
	return 0;
}

struct job_wait {
	const char *job;  /* object path StartTransientUnit returned */
	char result[32];  /* JobRemoved's result: "done", "failed", ... ("" until it came) */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret)
{
	(void)ret;
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sdb.read(m, "uoss", &id, &path, &unit, &result) < 0 || !w->job || strcmp(path, w->job) != 0)
		return 0;
	str_copy(w->result, result, sizeof w->result);
	return 0;
}

/* StartTransientUnit(name, "fail", properties, no aux units) for a scope holding climit. */
static int start_scope(sd_bus *bus, const char *unit, const char *slice, sd_bus_error *berr,
		       sd_bus_message **reply)
{
	sd_bus_message *m = NULL;
	char desc[256];
	snprintf(desc, sizeof desc, "climit container %s", unit);
	int r = sdb.new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE, "StartTransientUnit");
	if (r >= 0)
		r = sdb.append(m, "ss", unit, "fail");
	if (r >= 0)
		r = sdb.open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sdb.append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s", slice,
			       "Delegate", "b", 1, "CollectMode", "s", "inactive-or-failed", "PIDs", "au", 1,
			       (uint32_t)getpid());
	if (r >= 0)
		r = sdb.close_container(m);
	if (r >= 0)
		r = sdb.append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = sdb.call(bus, m, 10 * 1000000ull, berr, reply);
	sdb.message_unref(m);
	return r;
}

/* The manager's own socket, as systemctl uses it: a direct connection (no dbus-daemon hop, no
 * Hello), on which systemd sends its job signals to every client. Falls back to the bus. */
static int open_manager(bool user, sd_bus **bus)
{
	char addr[PATH_MAX + 16];
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (!user)
		snprintf(addr, sizeof addr, "unix:path=/run/systemd/private");
	else if (rt && rt[0] == '/')
		snprintf(addr, sizeof addr, "unix:path=%s/systemd/private", rt);
	else
		snprintf(addr, sizeof addr, "unix:path=/run/user/%u/systemd/private", (unsigned)geteuid());
	if (sdb.bus_new(bus) >= 0) {
		if (sdb.set_address(*bus, addr) >= 0 && sdb.bus_start(*bus) >= 0)
			return 0;
		sdb.flush_close_unref(*bus);
	}
	*bus = NULL;
	return user ? sdb.open_user(bus) : sdb.open_system(bus);
}

static int bus_fail(struct err *e, int r, const sd_bus_error *berr, const char *what)
{
	if (berr && berr->message)
		return err_set(e, "%s: %s", what, berr->message);
	return err_sys(e, -r, "%s", what);
}

int sd_enter_scope(const struct cg_system *sys, const char *unit, char *scope_rel, size_t size,
		   struct err *e)
{
	if (load_sdbus(e) < 0)
		return -1;
	bool user = geteuid() != 0;
	sd_bus *bus = NULL;
	int r = open_manager(user, &bus);
	if (r < 0) {
		const char *rt = getenv("XDG_RUNTIME_DIR");
		if (user)
			return err_sys(e, -r, "cannot reach your systemd user manager on the user bus (%s/bus; "
					      "log in through a session, or `loginctl enable-linger %u` and set "
					      "XDG_RUNTIME_DIR=/run/user/%u)", rt ? rt : "$XDG_RUNTIME_DIR",
				       (unsigned)geteuid(), (unsigned)geteuid());
		return err_sys(e, -r, "cannot reach systemd on the system bus");
	}
	char slice[256];
	const char *last = NULL;
	sd_slice_path(slice, sizeof slice);
	last = strrchr(slice, '/');
	struct job_wait w = { 0 };
	sd_bus_error berr = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int rc = -1;
	r = sdb.match_signal(bus, NULL, SD_DEST, SD_PATH, SD_IFACE, "JobRemoved", on_job_removed, &w);
	if (r < 0) {
		bus_fail(e, r, NULL, "cannot subscribe to systemd's job signals");
		goto out;
	}
	/* The scope of a run that just ended with the same name may not be collected yet (systemd
	 * removes it when it sees the group empty, asynchronously): wait for it, bounded. */
	for (int tries = 0;; tries++) {
		r = start_scope(bus, unit, last ? last + 1 : slice, &berr, &reply);
		if (r >= 0 || tries >= 100 || !berr.name || strcmp(berr.name, "org.freedesktop.systemd1.UnitExists") != 0)
			break;
		sdb.error_free(&berr);
		sleep_ns(20000000);
	}
	if (r < 0) {
		bus_fail(e, r, &berr, "systemd refused the scope");
		goto out;
	}
	if (sdb.read(reply, "o", &w.job) < 0) {
		err_set(e, "systemd's StartTransientUnit reply has no job");
		goto out;
	}
	/* The scope is started by a job; a user manager may move climit through the system
	 * manager (AttachProcessesToUnit) after the job ended. Wait for both, bounded. */
	snprintf(scope_rel, size, "%s/%s", slice, unit);
	uint64_t deadline = now_ns() + 10ull * 1000000000u;
	char self[PATH_MAX] = "";
	for (;;) {
		bool moved = cg_self_v2(self, sizeof self, NULL) == 0 && strcmp(self, scope_rel) == 0;
		if (w.result[0] && strcmp(w.result, "done") != 0) {
			err_set(e, "systemd could not start %s (job %s)", unit, w.result);
			goto out;
		}
		if (moved && w.result[0])
			break;
		if (now_ns() > deadline) {
			err_set(e, "systemd started %s but climit is not in it (it is in /%s)", unit, self);
			goto out;
		}
		r = sdb.process(bus, NULL);
		if (r < 0) {
			bus_fail(e, r, NULL, "lost the connection to systemd");
			goto out;
		}
		if (r == 0)
			sdb.wait(bus, w.result[0] ? 1000 : 100000);
	}
	/* Out of the scope's root into a leaf, so the scope may hand controllers to NAME. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s/" SD_SUPERVISOR, sys->v2_mount, scope_rel);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		err_sys(e, errno, "cannot create %s", path);
		goto out;
	}
	snprintf(path, sizeof path, "%s/%s/" SD_SUPERVISOR "/cgroup.procs", sys->v2_mount, scope_rel);
	if (write_file(path, "0", e) < 0) {
		err_sys(e, e->errnum, "cannot move climit into %s", path);
		goto out;
	}
	rc = 0;
out:
	sdb.error_free(&berr);
	if (reply)
		sdb.message_unref(reply);
	sdb.flush_close_unref(bus);
	return rc;
}
