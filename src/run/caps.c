/* libcap, dlopened (see caps.h). */
#define _GNU_SOURCE
#include "caps.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "util.h"

static struct {
	bool loaded;
	cap_value_t (*max_bits)(void);
	int (*from_name)(const char *, cap_value_t *);
	char *(*to_name)(cap_value_t);
	int (*drop_bound)(cap_value_t);
	int (*set_ambient)(cap_value_t, cap_flag_value_t);
	cap_t (*init)(void);
	int (*set_flag)(cap_t, cap_flag_t, int, const cap_value_t *, cap_flag_value_t);
	int (*set_proc)(cap_t);
	int (*free)(void *);
} lc;

const char *caps_load(void)
{
	if (lc.loaded)
		return NULL;
	static const struct dl_sym syms[] = {
		{ (void **)&lc.max_bits, "cap_max_bits" }, { (void **)&lc.from_name, "cap_from_name" },
		{ (void **)&lc.to_name, "cap_to_name" }, { (void **)&lc.drop_bound, "cap_drop_bound" },
		{ (void **)&lc.set_ambient, "cap_set_ambient" }, { (void **)&lc.init, "cap_init" },
		{ (void **)&lc.set_flag, "cap_set_flag" }, { (void **)&lc.set_proc, "cap_set_proc" },
		{ (void **)&lc.free, "cap_free" },
	};
	const char *why = dl_load("libcap.so.2", syms, sizeof syms / sizeof syms[0]);
	if (why)
		return why;
	lc.loaded = true;
	return NULL;
}

int caps_from_name(const char *name)
{
	char buf[64];
	/* libcap knows "cap_net_raw" (any case) and numbers; people also write "net_raw". */
	snprintf(buf, sizeof buf, "%s%s", strncasecmp(name, "cap_", 4) == 0 || (name[0] >= '0' && name[0] <= '9') ? "" : "cap_",
		 name);
	cap_value_t v;
	if (!lc.loaded || lc.from_name(buf, &v) != 0 || v < 0 || v > caps_last())
		return -1;
	return v;
}

int caps_last(void)
{
	int n = lc.loaded ? (int)lc.max_bits() - 1 : 40;
	return n < 63 ? n : 63;
}

const char *caps_name(int cap)
{
	static char buf[64];
	char *n = lc.loaded ? lc.to_name(cap) : NULL;
	snprintf(buf, sizeof buf, "%s", n ? n : "?");
	if (n)
		lc.free(n);
	return buf;
}

int caps_drop_bound(uint64_t keep, int *which)
{
	for (int c = 0; c <= caps_last(); c++)
		if (!(keep & (1ull << c)) && lc.drop_bound(c) < 0 && errno != EINVAL) {
			*which = c;
			return -1;
		}
	return 0;
}

int caps_set(uint64_t have, int *which)
{
	cap_t set = lc.init();
	if (!set)
		return *which = -1, -1;
	int rc = 0;
	for (int c = 0; c <= caps_last() && rc == 0; c++) {
		if (!(have & (1ull << c)))
			continue;
		cap_value_t v = c;
		if (lc.set_flag(set, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 || lc.set_flag(set, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    lc.set_flag(set, CAP_INHERITABLE, 1, &v, CAP_SET) < 0) {
			*which = c;
			rc = -1;
		}
	}
	if (rc == 0 && lc.set_proc(set) < 0) {
		*which = -1;
		rc = -1;
	}
	int saved = errno;
	lc.free(set);
	errno = saved;
	return rc;
}

int caps_raise_ambient(uint64_t have, int *which)
{
	for (int c = 0; c <= caps_last(); c++)
		if ((have & (1ull << c)) && lc.set_ambient(c, CAP_SET) < 0) {
			*which = c;
			return -1;
		}
	return 0;
}
