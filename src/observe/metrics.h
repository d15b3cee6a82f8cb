/* The per-container metrics, named once: `climit top --prometheus` serves them, `climit export
 * --format openmetrics` writes a recording's history of them. */
#ifndef CLIMIT_METRICS_H
#define CLIMIT_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "cgroup.h"

struct metric_def {
	const char *name, *type, *help;
};
enum {
	M_CPU, M_THR_S, M_THR_P, M_CPU_LIM, M_MEM, M_MEM_MAX, M_MEM_PEAK, M_OOM, M_PIDS, M_PIDS_MAX, M_HITS,
	M_COUNT
};
extern const struct metric_def metric_defs[M_COUNT];

/* The value of metric m, false where the figure does not exist (or there is no limit). */
bool metric_value(const struct cg_stats *st, int m, double *v);
/* A label value with backslash, double quote and newline escaped, as both formats require. */
void metric_label_value(FILE *f, const char *v);

#endif
