/* jansson, dlopened on first use: the seccomp profile reader and the recording reader need it,
 * `climit run` without either must not pay for mapping it (launch cost, bench/results.md). */
#ifndef CLIMIT_JSONLIB_H
#define CLIMIT_JSONLIB_H

#include <jansson.h>
#include <stdbool.h>

struct jsn_api {
	bool loaded;
	json_t *(*load_file)(const char *, size_t, json_error_t *);
	json_t *(*loadb)(const char *, size_t, size_t, json_error_t *);
	void (*delete)(json_t *);
	json_t *(*object_get)(const json_t *, const char *);
	size_t (*array_size)(const json_t *);
	json_t *(*array_get)(const json_t *, size_t);
	const char *(*string_value)(const json_t *);
	json_int_t (*integer_value)(const json_t *);
	double (*number_value)(const json_t *);
};
extern struct jsn_api jsn;

/* NULL once loaded, else why not (for a message naming the package). */
const char *jsn_load(void);

#endif
