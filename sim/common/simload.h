/* Reading a simulator's JSON file (a state file, a card image): the file
 * read whole and parsed, and each field checked with the place of a wrong
 * one named ("meter 000000000001: 'balance' must be ...", "journal entry
 * 3: 'file' must be ..."). Fields left out are left as they were unless a
 * loader says they are needed, so a test can write a short file by hand;
 * an unknown field is refused, so a typo cannot pass silently. */
#ifndef SIM_COMMON_SIMLOAD_H
#define SIM_COMMON_SIMLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kiosk/app/kjson.h"
#include "kiosk/core/err.h"

/* The largest whole number a JSON number holds exactly (2^53). */
#define SIMLOAD_INT_MAX ((int64_t)1 << 53)

/* Where the fields being read sit, for messages. */
typedef struct simload_at {
    char where[64];   /* "meter 000000000001: ", "journal entry 3: ", or "" at the top */
    const char *file; /* what the file is, for an unknown field: "the state file" */
    kmsg_t *msg;
} simload_at_t;

/* How a number may be given besides its value. */
enum {
    SIMLOAD_NEEDED = 1 << 0,    /* absent is an error */
    SIMLOAD_NULL_IS_0 = 1 << 1, /* null reads as 0 */
};

/* A place at the top of file, messages into msg. */
simload_at_t simload_top(const char *file, kmsg_t *msg);

/* Sets the place ("journal entry 3: "); at->where is cut if it is long. */
void simload_at(simload_at_t *at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* K_EINVAL with "<where>'<field>' <why>" in the message. */
kerr_t simload_bad(const simload_at_t *at, const char *field, const char *why);

/* The integer a JSON number holds, if it holds one exactly (cJSON keeps
 * numbers as doubles, exact up to 2^53; nothing is computed in them). */
bool simload_exact_int(const cJSON *it, int64_t *out);

/* A whole number in [lo, hi] ("must be a whole number lo..hi"); how is
 * SIMLOAD_* bits; absent, *out is left alone unless needed. */
kerr_t simload_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, unsigned how, int64_t *out,
                   const simload_at_t *at);

/* true or false; absent, *out is left alone. */
kerr_t simload_bool(const cJSON *o, const char *name, bool *out, const simload_at_t *at);

/* A string shorter than cap; absent, out is left alone. */
kerr_t simload_text(const cJSON *o, const char *name, char *out, size_t cap, const simload_at_t *at);

/* Refuses a field of o that is not in names (NULL-terminated). */
kerr_t simload_only_known(const cJSON *o, const char *const *names, const simload_at_t *at);

/* Refuses o if a field of names (NULL-terminated) is missing. */
kerr_t simload_require(const cJSON *o, const char *const *names, const simload_at_t *at);

/* Reads the file at path (at most max_bytes) and parses it as JSON into
 * *root (free it with cJSON_Delete). K_ENOTFOUND if it does not exist,
 * K_EIO if it cannot be read, K_EINVAL if it is not JSON; msg names the
 * path. */
kerr_t simload_file(const char *path, size_t max_bytes, cJSON **root, kmsg_t *msg);

#endif
