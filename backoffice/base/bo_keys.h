/* Settings sections read by table (the [wechatpay] keys, and any section
 * whose text keys are char arrays of one struct): a key's name, where its
 * array is and how long. */
#ifndef BACKOFFICE_BASE_BO_KEYS_H
#define BACKOFFICE_BASE_BO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bo_text_key {
    const char *name;
    size_t offset, size; /* of the char array in the settings struct */
    bool required;
} bo_text_key_t;

/* Copies value into the array of keys' entry `name` in settings; false if
 * it does not fit. *known is false (and false returned) if no entry has
 * that name. */
bool bo_keys_text(void *settings, const bo_text_key_t *keys, size_t n, const char *name, const char *value,
                  bool *known);

/* The first required entry of keys left empty in settings, or NULL. */
const char *bo_keys_missing(const void *settings, const bo_text_key_t *keys, size_t n);

/* Parses a whole decimal number in min..max into *out; false if it is not one. */
bool bo_keys_int(const char *value, int64_t min, int64_t max, int64_t *out);

#endif
