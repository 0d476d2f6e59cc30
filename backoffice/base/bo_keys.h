/* A settings section's keys as a table: text keys copied into char arrays,
 * whole numbers within a range, each at its offset in the section's
 * struct, so that a section's parser is its table and one call. */
#ifndef BACKOFFICE_BASE_BO_KEYS_H
#define BACKOFFICE_BASE_BO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bo_key {
    const char *name;
    size_t offset, size; /* size 0: an int64_t in [min, max] */
    int64_t min, max;
} bo_key_t;

#define BO_KEY_TEXT(T, n, f) {n, offsetof(T, f), sizeof(((T *)0)->f), 0, 0}
#define BO_KEY_INT(T, n, f, lo, hi) {n, offsetof(T, f), 0, lo, hi}

/* Sets key name of the struct at base to value. False if the value is bad
 * (a text too long, not a whole number in range); *known is false if the
 * table has no such key. */
bool bo_keys_set(void *base, const bo_key_t *keys, size_t n, const char *name, const char *value, bool *known);

#endif
