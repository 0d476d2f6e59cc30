/* The simulators' JSON files (state files, card images). Read: the file
 * read whole and parsed, and each field checked with the place of a wrong
 * one named ("meter 000000000001: 'balance' must be ...", "journal entry
 * 3: 'file' must be ..."). Fields left out are left as they were unless a
 * loader says they are needed, so a test can write a short file by hand;
 * an unknown field is refused, so a typo cannot pass silently. Written:
 * lists, such as every simulator's journal. */
#ifndef SIM_COMMON_SIMJSON_H
#define SIM_COMMON_SIMJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/kjson.h"

/* The largest whole number a JSON number holds exactly (2^53). */
#define SIMJSON_INT_MAX ((int64_t)1 << 53)

/* Where the fields being read sit, for messages. */
typedef struct simjson_at {
    char where[64];   /* "meter 000000000001: ", "journal entry 3: ", or "" at the top */
    const char *file; /* what the file is, for an unknown field: "the state file" */
    kmsg_t *msg;
} simjson_at_t;

/* How a number may be given besides its value. */
enum {
    SIMJSON_NEEDED = 1 << 0,    /* absent is an error */
    SIMJSON_NULL_IS_0 = 1 << 1, /* null reads as 0 */
};

/* A place at the top of file, messages into msg. */
simjson_at_t simjson_top(const char *file, kmsg_t *msg);

/* Sets the place ("journal entry 3: "); at->where is cut if it is long. */
void simjson_at(simjson_at_t *at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* K_EINVAL with "<where>'<field>' <why>" in the message. */
kerr_t simjson_bad(const simjson_at_t *at, const char *field, const char *why);

/* The integer a JSON number holds, if it holds one exactly (cJSON keeps
 * numbers as doubles, exact up to 2^53; nothing is computed in them). */
bool simjson_exact_int(const cJSON *it, int64_t *out);

/* A whole number in [lo, hi] ("must be a whole number lo..hi"); how is
 * SIMJSON_* bits; absent, *out is left alone unless needed. */
kerr_t simjson_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, unsigned how, int64_t *out,
                   const simjson_at_t *at);

/* true or false; absent, *out is left alone. */
kerr_t simjson_bool(const cJSON *o, const char *name, bool *out, const simjson_at_t *at);

/* A string shorter than cap; absent, out is left alone. */
kerr_t simjson_text(const cJSON *o, const char *name, char *out, size_t cap, const simjson_at_t *at);

/* Refuses a field of o that is not in names (NULL-terminated). */
kerr_t simjson_only_known(const cJSON *o, const char *const *names, const simjson_at_t *at);

/* Refuses o if a field of names (NULL-terminated) is missing. */
kerr_t simjson_require(const cJSON *o, const char *const *names, const simjson_at_t *at);

/* Loads one element of a list: n counts from 1, at is its place. */
typedef kerr_t (*simjson_item_fn)(const cJSON *item, size_t n, const simjson_at_t *at, void *ctx);

/* Reads the list field `name` of o, if there is one ("must be a list"
 * otherwise), each element with load, in order, until one fails. The
 * place of element n is at's followed by "<item> n: " ("journal entry 3:
 * "). */
kerr_t simjson_list(const cJSON *o, const char *name, const char *item, simjson_item_fn load, void *ctx,
                    const simjson_at_t *at);

/* Reads the file at path (at most max_bytes) and parses it as JSON into
 * *root (free it with cJSON_Delete). K_ENOTFOUND if it does not exist,
 * K_EIO if it cannot be read, K_EINVAL if it is not JSON; msg names the
 * path. */
kerr_t simjson_file(const char *path, size_t max_bytes, cJSON **root, kmsg_t *msg);

/* Loads the top of a file: its root, a JSON object. */
typedef kerr_t (*simjson_root_fn)(const cJSON *root, const simjson_at_t *top, void *ctx);

/* Reads the file at path as simjson_file does and hands its root object
 * to load (top: the place at the top, file naming what the file is);
 * "<file> must hold one JSON object" if the root is none. */
kerr_t simjson_read(const char *path, size_t max_bytes, const char *file, simjson_root_fn load, void *ctx,
                    kmsg_t *msg);

/* Makes element i of a list from ctx; NULL if out of memory. */
typedef cJSON *(*simjson_item_json_fn)(const void *ctx, size_t i);

/* Adds to o the list `name` of n elements made by json; false (and the
 * list may be partly there) if out of memory. */
bool simjson_add_list(cJSON *o, const char *name, size_t n, simjson_item_json_fn json, const void *ctx);

#endif
