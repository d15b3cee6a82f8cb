/* climit export: a recording as CSV (spreadsheets, pandas), one JSON document, or OpenMetrics
 * text that `promtool tsdb create-blocks-from openmetrics` loads into Prometheus. */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "metrics.h"
#include "outfile.h"

static void csv_text(FILE *f, const char *s)
{
	/* RFC 4180: quoted, inner quotes doubled. */
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv(FILE *f, const struct rec_run *r)
{
	fputs("t,unix_time,group", f);
	for (size_t i = 0; i < rec_nfields; i++)
		fprintf(f, ",%s", rec_fields[i].name);
	fputs(",cpu_percent,cpu_throttled_percent,pids_refused_per_second\n", f);
	for (size_t k = 0; k < r->ns; k++) {
		const struct rec_sample *s = &r->s[k];
		fprintf(f, "%.3f,%.3f,", s->t, r->start_unix + s->t);
		csv_text(f, r->groups[s->group]);
		for (size_t i = 0; i < rec_nfields; i++) {
			double v;
			if (rec_field_value(&s->st, i, &v))
				fprintf(f, ",%.15g", v);
			else
				fputc(',', f);
		}
		const struct rec_sample *p = rec_prev(r, k);
		struct rec_rates rt;
		rec_rates(p, s, &rt);
		if (p)
			fprintf(f, ",%.2f,%.2f,%.2f\n", rt.cpu_pct, rt.throttled_pct, rt.refused_rate);
		else
			fputs(",,,\n", f);
	}
}

static void json(FILE *f, const struct rec_run *r)
{
	fprintf(f, "{\"header\":%s,\"samples\":[", r->header_line);
	for (size_t k = 0; k < r->ns; k++) {
		const struct rec_sample *s = &r->s[k];
		fprintf(f, "%s\n{\"t\":%.3f,\"group\":", k ? "," : "", s->t);
		json_text(f, r->groups[s->group]);
		for (size_t i = 0; i < rec_nfields; i++) {
			double v;
			if (rec_field_value(&s->st, i, &v))
				fprintf(f, ",\"%s\":%.15g", rec_fields[i].name, v);
			else
				fprintf(f, ",\"%s\":null", rec_fields[i].name);
		}
		const struct rec_sample *p = rec_prev(r, k);
		struct rec_rates rt;
		rec_rates(p, s, &rt);
		if (p)
			fprintf(f, ",\"cpu_percent\":%.2f,\"cpu_throttled_percent\":%.2f,\"pids_refused_per_second\":%.2f}", rt.cpu_pct,
				rt.throttled_pct, rt.refused_rate);
		else
			fputs(",\"cpu_percent\":null,\"cpu_throttled_percent\":null,\"pids_refused_per_second\":null}", f);
	}
	fputs("],\"events\":[", f);
	for (size_t k = 0; k < r->nev; k++) {
		const struct rec_event *e = &r->ev[k];
		fprintf(f, "%s\n{\"t\":%.3f,\"group\":", k ? "," : "", e->t);
		if (e->group >= 0)
			json_text(f, r->groups[e->group]);
		else
			fputs("null", f);
		fprintf(f, ",\"kind\":\"%s\",\"text\":", e->kind);
		json_text(f, e->text);
		if (e->pid > 0) {
			fprintf(f, ",\"pid\":%d,\"comm\":", e->pid);
			json_text(f, e->comm);
			fprintf(f, ",\"rss_bytes\":%" PRIu64, e->rss);
		}
		fputc('}', f);
	}
	fputs("],\"end\":", f);
	if (r->ended)
		fprintf(f, "{\"t\":%.3f,\"exit_status\":%d,\"how\":\"%s\"}}\n", r->end_t, r->exit_status, r->how);
	else
		fputs("null}\n", f);
}

/* OpenMetrics 1.0: a family's samples together, one series after another, each in time order;
 * counters are declared without their _total suffix; timestamps in seconds; # EOF at the end. */
static void openmetrics(FILE *f, const struct rec_run *r)
{
	for (int m = 0; m < M_COUNT; m++) {
		const struct metric_def *d = &metric_defs[m];
		size_t nl = strlen(d->name);
		bool counter = strcmp(d->type, "counter") == 0;
		int fam = (int)(counter && nl > 6 && strcmp(d->name + nl - 6, "_total") == 0 ? nl - 6 : nl);
		fprintf(f, "# TYPE %.*s %s\n# HELP %.*s %s\n", fam, d->name, d->type, fam, d->name, d->help);
		for (int g = 0; g < r->ngroups; g++)
			for (size_t k = 0; k < r->ns; k++) {
				const struct rec_sample *s = &r->s[k];
				double v;
				if (s->group != g || !metric_value(&s->st, m, &v))
					continue;
				fprintf(f, "%s{container=\"", d->name);
				metric_label_value(f, r->groups[g]);
				fprintf(f, "\"} %.15g %.3f\n", v, r->start_unix + s->t);
			}
	}
	fputs("# EOF\n", f);
}

int export_run(const struct rec_run *r, enum export_format fmt, const char *out, struct err *e)
{
	struct out_file of;
	FILE *f = stdout;
	if (out && out_open(&of, out, OUT_REPLACE, 0, e) < 0)
		return err_wrap(e, "-o");
	if (out && !(f = out_stdio(&of))) {
		out_abort(&of);
		return err_sys(e, ENOMEM, "-o: \"%s\"", out);
	}
	if (fmt == EXPORT_CSV)
		csv(f, r);
	else if (fmt == EXPORT_JSON)
		json(f, r);
	else
		openmetrics(f, r);
	if (out && out_commit(&of) < 0)
		return err_sys(e, errno, "-o: \"%s\": cannot write it", out);
	if (!out && (fflush(stdout) != 0 || ferror(stdout)))
		return err_sys(e, errno, "cannot write the export");
	return 0;
}
