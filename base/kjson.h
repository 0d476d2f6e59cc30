/* JSON helpers on cJSON. Integers (money, counts, times) are written as
 * exact decimal text, never through a double. */
#ifndef BASE_KJSON_H
#define BASE_KJSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Adds name: v as an exact JSON integer. Returns false on allocation failure. */
bool kjson_add_int(cJSON *obj, const char *name, int64_t v);

/* Adds name: "text" (NULL becomes null). */
bool kjson_add_str(cJSON *obj, const char *name, const char *text);

/* Adds name: "2026-11-21T09:30:00.000Z" for ms since the epoch. */
bool kjson_add_time(cJSON *obj, const char *name, int64_t ms);

/* Prints obj without formatting and frees nothing; the caller frees the
 * returned string with free(). */
char *kjson_print(const cJSON *obj, bool pretty);

#endif
