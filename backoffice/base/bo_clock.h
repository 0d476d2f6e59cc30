/* The wall clock every layer reads: the command line stamps staff's
 * changes with it, the server adds its test offset (bo_now), the audit
 * trail's own rows are stamped with it. One place, so tests and a later
 * clock seam have one function to replace. */
#ifndef BACKOFFICE_BASE_BO_CLOCK_H
#define BACKOFFICE_BASE_BO_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch, UTC (CLOCK_REALTIME). */
int64_t bo_clock_wall_ms(void);

/* Writes ms as a UTC date, "2026-11-21", or with minutes ("2026-11-21
 * 09:30") into out. */
void bo_clock_date(int64_t ms, bool minutes, char *out, size_t len);

#endif
