/* climit export: a recording (record.h) in another format. */
#ifndef CLIMIT_EXPORT_H
#define CLIMIT_EXPORT_H

#include "record.h"

enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_OPENMETRICS };

/* Write r to OUT (atomically: temporary file + rename) or, OUT NULL, to stdout. */
int export_run(const struct rec_run *r, enum export_format fmt, const char *out, struct err *e);

#endif
