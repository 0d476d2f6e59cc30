/* Helpers the tests share: temporary folders and small files. */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"

/* A clock that reads test_now_ms, for wall and monotonic time alike; a
 * pause on it (kclock_sleep) moves test_now_ms on instead of waiting. */
extern int64_t test_now_ms;
extern const kclock_t test_clock;

/* Makes a fresh folder under $TMPDIR (or /tmp) and writes its path. */
bool tmpdir_make(char *out, size_t len);

/* Removes a folder and everything in it. */
void tmpdir_remove(const char *path);

/* Writes text to dir/name (replacing it). */
bool file_write(const char *dir, const char *name, const char *text);

/* Reads dir/name into a malloc'd string (NULL if missing). */
char *file_read(const char *dir, const char *name);

/* Counts the lines of dir/name that start with prefix. */
int file_count_lines(const char *dir, const char *name, const char *prefix);

#endif
