/* Columns of the container table: titles, widths, cell text, sorting. Shared by the ncurses
 * screen and batch mode so both show the same figures. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "ui.h"
#include "units.h"

const struct col_def cols[C_COUNT] = {
	[C_NAME] = { "NAME", 20, true, "name" },
	[C_STATE] = { "STATE", 7, true, "state" },
	[C_PIDS] = { "PIDS", 6, false, "pids" },
	[C_PLIM] = { "P.LIM", 6, false, "pids_limit" },
	[C_REFUSED] = { "REFUSED", 8, false, "pids_refused" },
	[C_REFRATE] = { "REF/s", 7, false, "pids_refused_per_second" },
	[C_MEM] = { "MEM", 7, false, "memory_bytes" },
	[C_MLIM] = { "M.LIM", 7, false, "memory_limit_bytes" },
	[C_MEMPCT] = { "MEM%", 6, false, "memory_percent" },
	[C_PEAK] = { "PEAK", 7, false, "memory_peak_bytes" },
	[C_OOM] = { "OOM", 5, false, "oom_kills" },
	[C_CPU] = { "CPU%", 6, false, "cpu_percent" },
	[C_CPULIM] = { "C.LIM", 6, false, "cpu_limit_percent" },
	[C_THR] = { "THR%", 5, false, "cpu_throttled_percent" },
	[C_IOR] = { "READ/s", 7, false, "io_read_bytes_per_second" },
	[C_IOW] = { "WRITE/s", 7, false, "io_write_bytes_per_second" },
	[C_PSIM] = { "PSI.M", 6, false, "psi_memory_some_avg10" },
	[C_PSIC] = { "PSI.C", 6, false, "psi_cpu_some_avg10" },
	[C_PSII] = { "PSI.IO", 6, false, "psi_io_some_avg10" },
};

const char *group_state(const struct sample_group *g)
{
	if (g->st.frozen)
		return "frozen";
	if ((g->st.have & HAVE_PIDS) && g->st.pids_current == 0)
		return "empty";
	return "running";
}

static double mem_pct(const struct sample_group *g)
{
	if (!(g->st.have & HAVE_MEM) || g->st.mem_max == UNITS_MAX || g->st.mem_max == 0)
		return -1;
	return 100.0 * (double)g->st.mem_current / (double)g->st.mem_max;
}

/* A numeric key per column; -1 where the figure does not exist. */
static double key(const struct sample_group *g, enum col c)
{
	const struct cg_stats *st = &g->st;
	switch (c) {
	case C_PIDS: return (double)st->pids_current;
	case C_PLIM: return st->pids_max == UNITS_MAX ? 1e18 : (double)st->pids_max;
	case C_REFUSED: return (double)st->pids_refused;
	case C_REFRATE: return g->refused_rate;
	case C_MEM: return (double)st->mem_current;
	case C_MLIM: return st->mem_max == UNITS_MAX ? 1e18 : (double)st->mem_max;
	case C_MEMPCT: return mem_pct(g);
	case C_PEAK: return (st->have & HAVE_MEM_PEAK) ? (double)st->mem_peak : -1;
	case C_OOM: return (st->have & HAVE_OOM) ? (double)st->oom_kills : -1;
	case C_CPU: return g->cpu_pct;
	case C_CPULIM: return g->cpu_limit_pct;
	case C_THR: return g->throttled_pct;
	case C_PSIM: return (st->have & HAVE_PSI) ? st->psi_mem_avg10 : -1;
	case C_PSIC: return (st->have & HAVE_PSI) ? st->psi_cpu_avg10 : -1;
	case C_PSII: return (st->have & HAVE_PSI_IO) ? st->psi_io_avg10 : -1;
	case C_IOR: return (st->have & HAVE_IO) ? g->io_read_rate : -1;
	case C_IOW: return (st->have & HAVE_IO) ? g->io_write_rate : -1;
	default: return 0;
	}
}

/* Cells are formatted thousands of times per refresh: no printf here (units_format_u64). */
void table_cell(const struct sample_group *g, enum col c, char *buf, size_t size)
{
	const struct cg_stats *st = &g->st;
	double k = key(g, c);
	switch (c) {
	case C_NAME:
		ui_escape(g->name, buf, size);
		return;
	case C_STATE: str_copy(buf, group_state(g), size); return;
	case C_PIDS: case C_REFUSED: case C_OOM:
		if (k < 0 || (c == C_PIDS && !(st->have & HAVE_PIDS)))
			str_copy(buf, "-", size);
		else
			units_format_u64((uint64_t)k, buf, size);
		return;
	case C_PLIM:
		if (!(st->have & HAVE_PIDS) || st->pids_max == UNITS_MAX)
			str_copy(buf, "-", size);
		else
			units_format_u64(st->pids_max, buf, size);
		return;
	case C_MEM: case C_MLIM: case C_PEAK:
		if (k < 0 || k >= 1e18 || (c != C_PEAK && !(st->have & HAVE_MEM)))
			str_copy(buf, "-", size);
		else
			units_format_size((uint64_t)k, buf, size);
		return;
	case C_IOR: case C_IOW:
		if (k < 0)
			str_copy(buf, "-", size);
		else
			units_format_size((uint64_t)(k + 0.5), buf, size);
		return;
	case C_REFRATE: case C_MEMPCT: case C_CPU: case C_THR: case C_PSIM: case C_PSIC: case C_PSII:
		if (k < 0)
			str_copy(buf, "-", size);
		else
			units_format_tenths(k, buf, size);
		return;
	case C_CPULIM:
		if (k <= 0)
			str_copy(buf, "-", size);
		else
			units_format_u64((uint64_t)(k + 0.5), buf, size);
		return;
	default:
		buf[0] = '\0';
	}
}

static enum col sort_col;
static int sort_sign;

static int compare(const void *a, const void *b)
{
	const struct sample_group *x = *(struct sample_group *const *)a, *y = *(struct sample_group *const *)b;
	int r;
	if (sort_col == C_NAME || sort_col == C_STATE) {
		r = sort_col == C_NAME ? strcmp(x->name, y->name) : strcmp(group_state(x), group_state(y));
	} else {
		double kx = key(x, sort_col), ky = key(y, sort_col);
		r = kx < ky ? -1 : kx > ky ? 1 : strcmp(x->name, y->name);
	}
	return sort_sign * r;
}

void table_sort(struct sample_group **v, int n, enum col c, bool reverse)
{
	sort_col = c;
	/* Names sort A-Z; figures sort largest first, like top. */
	sort_sign = (c == C_NAME || c == C_STATE) ? 1 : -1;
	if (reverse)
		sort_sign = -sort_sign;
	qsort(v, (size_t)n, sizeof *v, compare);
}

void ui_escape(const char *in, char *out, size_t size)
{
	size_t o = 0;
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	size_t len = strlen(in);
	for (size_t i = 0; i < len && o + 5 < size;) {
		unsigned char ch = (unsigned char)in[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') { /* printable ASCII: no decoding needed */
			out[o++] = (char)ch;
			i++;
			continue;
		}
		wchar_t wc;
		size_t n = mbrtowc(&wc, in + i, len - i, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || !iswprint((wint_t)wc) ||
		    (n == 1 && (unsigned char)in[i] >= 0x80)) {
			memset(&ps, 0, sizeof ps);
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", (unsigned char)in[i]);
			i++;
			continue;
		}
		if (in[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
}
