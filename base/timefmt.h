/* Time as stored and shown: integer milliseconds since the Unix epoch, UTC;
 * ISO 8601 text for people and exports. */
#ifndef BASE_TIMEFMT_H
#define BASE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes "2026-11-21T09:30:00.123Z" into buf (24 bytes + terminator). */
bool ktime_format_iso(int64_t ms, char *buf, size_t len);

/* Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[Z]" (UTC) into
 * milliseconds. False if the text is not such a date. */
bool ktime_parse(const char *text, int64_t *ms);

/* As ktime_parse, and also "YYYY-MM-DDTHH:MM:SS.mmmZ" (exactly three
 * digits of milliseconds then Z: the form the kiosk and the back office
 * write). */
bool ktime_parse_ms(const char *text, int64_t *ms);

#endif
