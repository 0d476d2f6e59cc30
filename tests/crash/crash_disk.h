/* What a disk keeps across a power cut (crash_vfs.h has the model): per
 * file, by path, its content at its last sync and the changes made since;
 * the names created and deleted since the last sync of any file. */
#ifndef TESTS_CRASH_CRASH_DISK_H
#define TESTS_CRASH_CRASH_DISK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct disk_file disk_file_t;

/* The file at path, about to be opened; created says it did not exist
 * before. A file seen for the first time counts as on the disk as it is. */
disk_file_t *disk_open(const char *path, bool created);

/* A write of n bytes at off. */
void disk_write(disk_file_t *f, int64_t off, const void *data, int n);

/* The file cut to size bytes. */
void disk_truncate(disk_file_t *f, int64_t size);

/* The file synced: its content so far is durable, and so is every name
 * created or deleted so far. */
void disk_sync(disk_file_t *f);

/* The file at path deleted; dir_synced: SQLite synced its folder after. */
void disk_delete(const char *path, bool dir_synced);

/* Puts every file back as the disk keeps it: the last synced content
 * (with seed, a random subset of the later changes on top, in order),
 * files whose creation was not durable removed, files whose deletion was
 * not durable back. */
void disk_cut(unsigned seed);

/* The last part of a file's path, for messages. */
const char *disk_name(const disk_file_t *f);

#endif
