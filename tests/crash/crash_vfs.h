/* A power cut for a crash child's SQLite files (docs/testing.md, "Power
 * loss"). A VFS over SQLite's own "unix" one remembers what each database,
 * WAL and journal held at its last xSync; a cut puts every file back to
 * that (the writes not synced are lost, or with a seed a random subset of
 * them reached the disk) and the process dies at once, closing nothing.
 *
 * The model of what a cut keeps:
 * - a file's data: what it held at its last xSync;
 * - a file created or deleted: as of the last xSync of any file (the
 *   file system's journal commits names in order), or at once for a
 *   deletion SQLite asked to sync the directory for. SQLite syncs the
 *   directory at a new WAL's or journal's first sync; that sync is also
 *   the point where the model makes the name durable.
 * The -shm file is left as it is: SQLite rebuilds it from the WAL when the
 * first connection opens the database again. */
#ifndef TESTS_CRASH_CRASH_VFS_H
#define TESTS_CRASH_CRASH_VFS_H

#include <stdbool.h>

typedef struct crash_vfs_opts {
    long cut_at_op;      /* cut before the n-th write, truncate or sync of a tracked file; 0: never */
    unsigned seed;       /* 0: every write not synced is lost; else a random subset of them landed */
    const char *log_dir; /* cut.log goes here: what was cut and where */
} crash_vfs_opts_t;

/* Registers the power-cut VFS as SQLite's default, over "unix"; false if
 * SQLite has no "unix" VFS. Call before any database is opened. */
bool crash_vfs_install(const crash_vfs_opts_t *o);

/* Cuts the power now: every tracked file back to what the model keeps,
 * a line in cut.log saying why, then SIGKILL. Does not return. */
void crash_vfs_cut(const char *why) __attribute__((noreturn));

/* Writes, truncates and syncs of tracked files so far. */
long crash_vfs_ops(void);

/* Those operations in order, one letter each: w write, t truncate, s sync. */
const char *crash_vfs_trace(void);

#endif
