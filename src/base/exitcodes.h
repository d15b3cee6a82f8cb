/* Exit statuses of climit, in one place (documented in climit(1) EXIT STATUS). */
#ifndef CLIMIT_EXITCODES_H
#define CLIMIT_EXITCODES_H

enum {
	EXIT_WORKLOAD_OK = 0,     /* 0..123: the workload's own exit status           */
	EXIT_TIMEDOUT = 124,      /* --timeout expired and the group was killed       */
	EXIT_CLIMIT = 125,        /* climit's own error: bad option, no cgroup support */
	EXIT_CANNOT_EXEC = 126,   /* the command was found but could not be executed   */
	EXIT_NOT_FOUND = 127,     /* the command was not found                         */
	EXIT_SIGNAL_BASE = 128,   /* 128+N: the workload was killed by signal N        */
};

#endif
