/* Capabilities through libcap (names, bounding set, permitted/effective/inheritable, ambient),
 * dlopened only by runs that change capabilities: a plain `climit run` never maps it. */
#ifndef CLIMIT_CAPS_H
#define CLIMIT_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Load libcap (once); NULL, or why not. Must happen in climit before the container's fork: the
 * workload may no longer see the host's libraries after pivot_root. */
const char *caps_load(void);
/* "net_raw", "CAP_NET_RAW" or a number -> the capability, or -1. */
int caps_from_name(const char *name);
/* The highest capability this kernel knows. */
int caps_last(void);
/* In the workload: drop every capability outside keep from the bounding set, set the
 * permitted/effective/inheritable sets to have, and raise have in the ambient set if asked
 * (a non-root user keeps capabilities across exec only that way). 0, or -1 with errno and the
 * capability that failed in *which. */
int caps_drop_bound(uint64_t keep, int *which);
int caps_set(uint64_t have, int *which);
int caps_raise_ambient(uint64_t have, int *which);
/* The capability's name for messages ("cap_net_raw"), in a static buffer. */
const char *caps_name(int cap);

#endif
