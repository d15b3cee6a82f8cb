/* climit fit's options and answer, and its outputs in other tools' terms (fitout.c). */
#ifndef CLIMIT_FIT_H
#define CLIMIT_FIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "try.h"
#include "util.h"

enum fit_emit { EMIT_NONE = -1, EMIT_CLIMIT, EMIT_SYSTEMD, EMIT_KUBERNETES, EMIT_DOCKER, EMIT_SLURM, EMIT_COUNT };
extern const char *const fit_emit_names[EMIT_COUNT];

struct fit_opts {
	bool mem, cpu, pids, json;
	double slowdown, margin;     /* factor; percent */
	int runs;
	uint64_t budget_ns;
	const char *prepare, *plot, *record;
	enum fit_emit emit;
};

/* The answer: per resource (memory bytes, CPU % of one CPU, tasks) the measured need (smallest
 * that passed), the recommendation (need + margin) and the baseline's use. */
struct fit_result {
	char **argv;
	bool on[3];
	uint64_t need[3], rec[3], use[3];
	double margin;
};

/* The recommendation as FORMAT: a climit command line, systemd properties, a Kubernetes
 * resources block, docker/podman flags, Slurm #SBATCH lines. */
void fit_emit(FILE *f, enum fit_emit format, const struct fit_result *r);
/* Wall time against each limit tried, failures marked by reason, the answer as a line, the
 * slowdown limit as another. */
int fit_plot(const char *out, const struct try *tries, int n, const struct fit_result *r, double threshold,
	     struct err *e);

#endif
