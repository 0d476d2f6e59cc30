/* The wall clock every layer reads: the command line stamps staff's
 * changes with it, the server adds its test offset (bo_now), the audit
 * trail's own rows are stamped with it. One place, so tests and a later
 * clock seam have one function to replace. */
#ifndef BACKOFFICE_BASE_BO_CLOCK_H
#define BACKOFFICE_BASE_BO_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch, UTC (CLOCK_REALTIME). */
int64_t bo_clock_wall_ms(void);

/* Formats ms as strftime's fmt in UTC into out (as SQLite's strftime with
 * 'unixepoch' does for the listings): "%Y-%m-%d", "%Y-%m-%d %H:%M". */
void bo_clock_format(int64_t ms, const char *fmt, char *out, size_t len);

#endif
