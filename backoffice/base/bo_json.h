/* Reading JSON requests: exact integers (never beyond 2^53, where a double
 * stops being exact), bounded strings, ISO times. Pure: no I/O. */
#ifndef BACKOFFICE_BO_JSON_H
#define BACKOFFICE_BO_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Reads obj.name as an integer in [min, max]; a missing, fractional or
 * out-of-range value is K_EINVAL with a message naming the field. */
kerr_t bo_json_int(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out, kmsg_t *msg);

/* As bo_json_int, but a missing or null field leaves *out as it was. */
kerr_t bo_json_int_opt(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out, kmsg_t *msg);

/* Copies obj.name (a string of at most len-1 bytes) into out; K_EINVAL if
 * missing, not a string or too long. */
kerr_t bo_json_str(const cJSON *obj, const char *name, char *out, size_t len, kmsg_t *msg);

/* As bo_json_str, but a missing or null field writes "". */
kerr_t bo_json_str_opt(const cJSON *obj, const char *name, char *out, size_t len, kmsg_t *msg);

/* Reads obj.name as "YYYY-MM-DDTHH:MM:SS[.mmm]Z" into milliseconds. */
kerr_t bo_json_time(const cJSON *obj, const char *name, int64_t *ms, kmsg_t *msg);

/* Parses the ISO time text (as above) into milliseconds. */
bool bo_time_parse(const char *text, int64_t *ms);

/* obj.name as an integer in [-1, 100000000]: dflt when missing or null,
 * -1 when it is not such a number (which callers' checks then refuse). */
int64_t bo_json_int_or(const cJSON *obj, const char *name, int64_t dflt);

/* obj.name's string (pointing into obj), or NULL when it is not one. */
const char *bo_json_str_ref(const cJSON *obj, const char *name);

/* True if s is 1 to max characters of [A-Za-z0-9._-]: the ids in paths. */
bool bo_id_valid(const char *s, size_t max);

#endif
