/* The error type of the whole core. */
#ifndef CLIMIT_ERR_H
#define CLIMIT_ERR_H

/* Errors travel upward in one of these; only the command layer prints them. Functions that take
 * one return -1 and fill it; callers that care why test errnum (crun's error model), never a
 * -ENOENT return. */
struct err {
	int errnum;    /* the errno behind the failure, 0 if none (a refused value) */
	char msg[512];
};

/* Fill e with a formatted message (errnum 0); returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same with errnum, and ": strerror(errnum)" appended. */
int err_sys(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same with errnum, the message as given (the cause is already in words). */
int err_code(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Add context on the way up: "CONTEXT: <the message so far>"; errnum is kept. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
