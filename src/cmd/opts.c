/* Options from a table (see opts.h). */
#define _GNU_SOURCE
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "exitcodes.h"
#include "plot.h"
#include "units.h"

static bool has_help(const struct opt_def *defs, int n)
{
	for (int i = 0; i < n; i++)
		if (defs[i].name && strcmp(defs[i].name, "help") == 0)
			return true;
	return false;
}

void opts_begin(struct opts *s, const struct opt_def *defs, int n, bool permute)
{
	*s = (struct opts){ .defs = defs, .n = n };
	int nl = 0;
	size_t ns = 0;
	if (!permute)
		s->shorts[ns++] = '+'; /* stop at the command: its own options are its own */
	s->shorts[ns++] = ':';         /* a missing argument is ':', not '?' */
	for (int i = 0; i < n && nl < OPTS_MAX; i++) {
		const struct opt_def *d = &defs[i];
		if (!d->name)
			continue;
		int has = !d->arg ? no_argument : strncmp(d->arg, "[=", 2) == 0 ? optional_argument : required_argument;
		s->lo[nl++] = (struct option){ d->name, has, NULL, d->key };
		if (d->key < 256) {
			s->shorts[ns++] = (char)d->key;
			if (has == required_argument)
				s->shorts[ns++] = ':';
			else if (has == optional_argument)
				ns += (size_t)snprintf(s->shorts + ns, 3, "::");
		}
	}
	if (!has_help(defs, n)) {
		s->lo[nl++] = (struct option){ "help", no_argument, NULL, OPT_HELP_KEY };
		s->shorts[ns++] = 'h';
	}
	s->lo[nl++] = (struct option){ "completion-helper", no_argument, NULL, OPT_COMPLETE_KEY };
	s->lo[nl] = (struct option){ 0 };
	s->shorts[ns] = '\0';
	optind = 0; /* a fresh scan (GNU getopt) */
	opterr = 0;
}

/* getopt leaves the failing argument at argv[optind-1]; name it as typed. */
static int failure(char **argv, int c, struct err *e)
{
	const char *arg = argv[optind - 1];
	if (c == ':')
		return err_set(e, "%s: missing value", arg);
	/* After a subcommand's name (argv[0] here), the user may have meant a program of that name:
	 * `climit ls -l` is climit's ls; `climit -- ls -l` runs ls. */
	static const char *const subs[] = { "top", "ls", "stats", "set", "kill", "freeze", "thaw", "wait", "attach",
					    "gc", "doctor", "export", "plot", "replay", "fit", "sweep" };
	const char *sub = NULL;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[0], subs[i]) == 0)
			sub = subs[i];
	char opt[64];
	if (optopt && arg[0] == '-' && arg[1] != '-')
		snprintf(opt, sizeof opt, "-%c", optopt);
	else
		snprintf(opt, sizeof opt, "%.*s", (int)(strcspn(arg, "=") < 60 ? strcspn(arg, "=") : 60), arg);
	if (sub)
		return err_set(e, "%s: unknown option of climit %s (try 'climit %s --help'; to run a program named %s: "
				  "climit -- %s %s)", opt, sub, sub, sub, sub, opt);
	return err_set(e, "%s: unknown option (try 'climit --help')", opt);
}

int opts_next(struct opts *s, int argc, char **argv, const char **arg, struct err *e)
{
	int c = getopt_long(argc, argv, s->shorts, s->lo, NULL);
	*arg = optarg;
	if (c == -1)
		return -1;
	if (c == '?' || c == ':')
		return failure(argv, c, e), -2;
	if (c == OPT_HELP_KEY || c == OPT_COMPLETE_KEY)
		return c;
	bool repeats = false;
	for (int i = 0; i < s->n; i++)
		if (s->defs[i].name && s->defs[i].key == c)
			repeats = s->defs[i].flags & OPT_REPEAT;
	if (c >= 0 && c < 1024 && s->seen[c] && !repeats) {
		/* The option as typed: "--mem 1G" leaves optarg in its own argv slot. */
		const char *typed = argv[optind - 1 - (optarg && argv[optind - 1] == optarg)];
		return err_set(e, "%.*s: given twice%s%s%s", (int)strcspn(typed, "="), typed, optarg ? " (\"" : "",
			       optarg ? optarg : "", optarg ? "\")" : ""), -2;
	}
	if (c >= 0 && c < 1024)
		s->seen[c] = true;
	return c;
}

const char *opts_name(const struct opt_def *defs, int n, int key)
{
	static char buf[48];
	for (int i = 0; i < n; i++)
		if (defs[i].name && defs[i].key == key) {
			snprintf(buf, sizeof buf, "--%s", defs[i].name);
			return buf;
		}
	return "?";
}

int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, opt_fn *fn, void *ctx, bool *help,
	       bool *complete, struct err *e)
{
	struct opts s;
	opts_begin(&s, defs, n, false);
	*help = *complete = false;
	const char *arg;
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2)
			return -1;
		if (c == OPT_HELP_KEY || c == OPT_COMPLETE_KEY) {
			*(c == OPT_HELP_KEY ? help : complete) = true;
			continue;
		}
		for (int i = 0; i < n; i++)
			if (defs[i].name && defs[i].key == c && fn(ctx, &defs[i], arg, e) < 0)
				return -1;
	}
	return optind;
}

/* "  -m, --mem SIZE" and the help from column 25; a longer left side gets a line of its own. */
static void help_entry(FILE *f, const char *left, const char *help)
{
	const char *nl = strchr(help, '\n');
	int first = nl ? (int)(nl - help) : (int)strlen(help);
	if (strlen(left) <= 22)
		fprintf(f, "  %-22s %.*s\n", left, first, help);
	else
		fprintf(f, "  %s\n%25s%.*s\n", left, "", first, help);
	while (nl) {
		help = nl + 1;
		nl = strchr(help, '\n');
		fprintf(f, "%25s%.*s\n", "", nl ? (int)(nl - help) : (int)strlen(help), help);
	}
}

void opts_help(FILE *f, const char *usage, const struct opt_def *defs, int n, const char *after)
{
	fputs(usage, f);
	for (int i = 0; i < n; i++) {
		const struct opt_def *d = &defs[i];
		if (!d->name) {
			fputs(d->help, f);
			continue;
		}
		char left[96], shrt[8] = "    ";
		if (d->key < 256)
			snprintf(shrt, sizeof shrt, "-%c, ", d->key);
		bool optional = d->arg && strncmp(d->arg, "[=", 2) == 0;
		snprintf(left, sizeof left, "%s--%s%s%s", shrt, d->name, d->arg && !optional ? " " : "", d->arg ? d->arg : "");
		help_entry(f, left, d->help);
	}
	if (!has_help(defs, n))
		help_entry(f, "-h, --help", "show this help and exit");
	if (after)
		fputs(after, f);
}

void opts_complete(FILE *f, const struct opt_def *defs, int n)
{
	bool first = true;
	for (int i = 0; i < n; i++) {
		const struct opt_def *d = &defs[i];
		if (!d->name)
			continue;
		fprintf(f, "%s--%s", first ? "" : " ", d->name);
		first = false;
		/* "[=text|json]": the forms with a value, for completion after "=". */
		if (d->arg && strncmp(d->arg, "[=", 2) == 0 && strchr(d->arg, '|')) {
			const char *v = d->arg + 2;
			while (*v && *v != ']') {
				size_t len = strcspn(v, "|]");
				fprintf(f, " --%s=%.*s", d->name, (int)len, v);
				v += len + (v[len] == '|');
			}
		}
	}
	fputs(has_help(defs, n) ? "\n" : " --help\n", f);
}

int opts_plot_path(const char *arg, const char **out, struct err *e)
{
	if (!plot_format(arg))
		return err_set(e, "--plot: \"%s\": not a .png, .svg or .pdf file name", arg);
	*out = arg;
	return 0;
}

int opts_runs(const char *arg, int *out, struct err *e)
{
	uint64_t v;
	const char *why = NULL;
	if (units_parse_uint(arg, 1, 100, false, &v, &why) < 0)
		return err_set(e, "--runs: \"%s\": %s (1 to 100)", arg, why);
	*out = (int)v;
	return 0;
}

int cmd_fail(const struct err *e)
{
	fprintf(stderr, "climit: %s\n", e->msg);
	return EXIT_CLIMIT;
}
