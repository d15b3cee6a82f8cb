/* jansson through dlopen (see jsonlib.h). */
#include "jsonlib.h"

#include "util.h"

struct jsn_api jsn;

const char *jsn_load(void)
{
	if (jsn.loaded)
		return NULL;
	const struct dl_sym syms[] = {
		{ (void **)&jsn.load_file, "json_load_file" },
		{ (void **)&jsn.loadb, "json_loadb" },
		{ (void **)&jsn.delete, "json_delete" },
		{ (void **)&jsn.object_get, "json_object_get" },
		{ (void **)&jsn.array_size, "json_array_size" },
		{ (void **)&jsn.array_get, "json_array_get" },
		{ (void **)&jsn.string_value, "json_string_value" },
		{ (void **)&jsn.integer_value, "json_integer_value" },
		{ (void **)&jsn.number_value, "json_number_value" },
	};
	const char *why = dl_load("libjansson.so.4", syms, sizeof syms / sizeof *syms);
	jsn.loaded = why == NULL;
	return why;
}
