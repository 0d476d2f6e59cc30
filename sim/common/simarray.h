/* Growing arrays, as the simulators keep their journals and a printer its
 * page: header-only, so that a library with no other need of sim/common
 * (printsim's core, which is fuzzed) can use it too. */
#ifndef SIM_COMMON_SIMARRAY_H
#define SIM_COMMON_SIMARRAY_H

#include <stddef.h>
#include <stdlib.h>

/* Returns items (n elements of size bytes, *cap allocated) with room for
 * one more, grown by doubling from first when full; NULL if out of memory
 * (items is then still valid and *cap unchanged). */
static inline void *simarray_room(void *items, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return items;
    size_t want = *cap ? 2 * *cap : first;
    void *grown = reallocarray(items, want, size);
    if (grown)
        *cap = want;
    return grown;
}

#endif
