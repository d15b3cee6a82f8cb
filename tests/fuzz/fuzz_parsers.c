/* libFuzzer target for every parser of outside input (make fuzz): the first byte picks the
 * parser, the rest is its input. Sizes, durations, CPU quotas and lists, numbers, names and
 * parent paths (the command line), mountinfo, keyed cgroup files (cpu.stat, memory.events) and
 * /dev/kmsg records. A crash, an ASan/UBSan report or a result that breaks a parser's own
 * contract (checked below) stops the fuzzer with the input saved. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "events.h"
#include "units.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	const char *why = NULL;
	uint64_t v = 0;
	switch (data[0] % 9) {
	case 0:
		if (units_parse_size(s, true, &v, &why) < 0 && !why)
			abort(); /* every refusal says why */
		break;
	case 1:
		if (units_parse_duration(s, &v, &why) < 0 && !why)
			abort();
		break;
	case 2:
		if (units_parse_cpu_quota(s, &v, &why) < 0 && !why)
			abort();
		break;
	case 3:
		if (units_parse_cpu_list(s, 64, &why) < 0 && !why)
			abort();
		break;
	case 4:
		if (units_parse_uint(s, 1, 4194304, true, &v, &why) == 0 && v != UNITS_MAX && (v < 1 || v > 4194304))
			abort(); /* accepted values stay in range */
		break;
	case 5:
		if (units_check_name(s, &why) == 0 && (strlen(s) > NAME_MAX_LEN || strchr(s, '/')))
			abort();
		units_check_parent(s, &why);
		break;
	case 6: {
		struct cg_system sys;
		cg_parse_mountinfo(s, &sys);
		if (sys.mode == CG_V2 && !sys.v2_mount[0])
			abort();
		break;
	}
	case 7:
		keyed_get(s, "usage_usec", &v);
		keyed_get(s, "oom_kill", &v);
		break;
	case 8: {
		static struct events ev;
		events_parse_kmsg(&ev, s);
		if (ev.nkmsg > KMSG_OOM_MAX)
			abort();
		break;
	}
	}
	free(s);
	return 0;
}
