/* UUID version 4 text from 16 random bytes (the bytes come from the caller,
 * so the core stays free of I/O and tests can fix them). */
#ifndef BASE_UUID_H
#define BASE_UUID_H

#include <stdbool.h>
#include <stdint.h>

#define UUID_STR_LEN 37 /* 36 characters and the terminator */

/* Sets the version and variant bits in rnd and writes the canonical
 * lower-case form "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" into out. */
void uuid_v4_format(const uint8_t rnd[16], char out[UUID_STR_LEN]);

/* True if s is a canonical lower-case UUID version 4. */
bool uuid_v4_valid(const char *s);

#endif
