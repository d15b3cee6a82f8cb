/* A recording as a source of snapshots: climit replay / top --replay. The position moves with
 * the wall clock times the speed unless paused; each sampler refresh shows every group as its
 * last sample at or before the position said, with its history and the events up to it. */
#ifndef CLIMIT_REPLAY_H
#define CLIMIT_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"
#include "sample.h"

struct replay {
	struct rec_run run;
	size_t **idx;            /* per group: its samples' indices, in time order */
	size_t *nidx;
	double pos;              /* seconds into the recording at base_ns */
	uint64_t base_ns;
	double speed;
	bool paused;
	double begin, end;       /* the first and last samples' times */
	size_t ev_fed;           /* events given to the sampler's log */
	double fed_until;
};

/* Load FILE (errors as rec_load's) and start at 0, playing at speed. */
int replay_open(struct replay *rp, const char *file, double speed, struct err *e);
void replay_close(struct replay *rp);
double replay_now(struct replay *rp);
/* The replay as a sampler's source (sampler_open_source): each refresh fills the sampler for
 * the current position. */
void replay_source(struct replay *rp, struct sample_source *src);

#endif
