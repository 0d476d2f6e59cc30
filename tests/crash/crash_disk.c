/* What a disk keeps across a power cut (crash_disk.h). */
#include "crash_disk.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A change since the file's last sync: a write, or a truncate (n < 0). */
typedef struct change {
    int64_t off;
    int n;
    unsigned char *data;
} change_t;

typedef struct image {
    unsigned char *bytes;
    int64_t size, cap;
} image_t;

struct disk_file {
    char *path;
    bool on_disk;   /* what the disk keeps: the name exists */
    bool now;       /* the name exists now */
    bool remade;    /* deleted and made again: synced is the old file's */
    image_t synced; /* the content at the last sync (empty if never) */
    change_t *changes;
    size_t n_changes, cap_changes;
    disk_file_t *next;
};

static disk_file_t *files;

static void die(const char *what)
{
    perror(what);
    abort();
}

static void image_resize(image_t *im, int64_t size)
{
    if (size > im->cap) {
        int64_t cap = im->cap ? im->cap : 4096;
        while (cap < size)
            cap *= 2;
        if (!(im->bytes = realloc(im->bytes, (size_t)cap)))
            die("crash_disk: out of memory");
        im->cap = cap;
    }
    if (size > im->size)
        memset(im->bytes + im->size, 0, (size_t)(size - im->size));
    im->size = size;
}

static void image_apply(image_t *im, const change_t *c)
{
    if (c->n < 0) {
        image_resize(im, c->off);
        return;
    }
    if (c->off + c->n > im->size)
        image_resize(im, c->off + c->n);
    memcpy(im->bytes + c->off, c->data, (size_t)c->n);
}

/* The file's content as it is now, read from the file system. */
static void image_load(image_t *im, const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        die(path);
    image_resize(im, st.st_size);
    for (int64_t got = 0; got < st.st_size;) {
        ssize_t n = pread(fd, im->bytes + got, (size_t)(st.st_size - got), got);
        if (n <= 0)
            die(path);
        got += n;
    }
    close(fd);
}

static void changes_clear(disk_file_t *f)
{
    for (size_t i = 0; i < f->n_changes; i++)
        free(f->changes[i].data);
    f->n_changes = 0;
}

static void change_add(disk_file_t *f, int64_t off, const void *data, int n)
{
    if (f->n_changes == f->cap_changes) {
        f->cap_changes = f->cap_changes ? f->cap_changes * 2 : 16;
        if (!(f->changes = realloc(f->changes, f->cap_changes * sizeof *f->changes)))
            die("crash_disk: out of memory");
    }
    change_t *c = &f->changes[f->n_changes++];
    *c = (change_t){.off = off, .n = n};
    if (n > 0) {
        if (!(c->data = malloc((size_t)n)))
            die("crash_disk: out of memory");
        memcpy(c->data, data, (size_t)n);
    }
}

static disk_file_t *find(const char *path)
{
    for (disk_file_t *f = files; f; f = f->next)
        if (strcmp(f->path, path) == 0)
            return f;
    return NULL;
}

/* A file seen for the first time: one made just now, or one as it is on
 * the file system. */
static disk_file_t *track(const char *path, bool created)
{
    disk_file_t *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path)))
        die("crash_disk: out of memory");
    f->now = true;
    f->on_disk = !created;
    if (f->on_disk)
        image_load(&f->synced, path);
    f->next = files;
    files = f;
    return f;
}

disk_file_t *disk_open(const char *path, bool created)
{
    disk_file_t *f = find(path);
    if (!f)
        return track(path, created);
    if (created && !f->now) { /* made again after a deletion: it starts empty */
        changes_clear(f);
        change_add(f, 0, NULL, -1);
        f->remade = f->on_disk;
    }
    f->now = true;
    return f;
}

void disk_write(disk_file_t *f, int64_t off, const void *data, int n)
{
    change_add(f, off, data, n);
}

void disk_truncate(disk_file_t *f, int64_t size)
{
    change_add(f, size, NULL, -1);
}

/* Names created or deleted so far reach the disk. */
static void names_durable(void)
{
    for (disk_file_t *g = files; g; g = g->next) {
        if ((g->on_disk && !g->now) || g->remade)
            g->synced.size = 0; /* the old file is gone for good */
        g->on_disk = g->now;
        g->remade = false;
    }
}

void disk_sync(disk_file_t *f)
{
    for (size_t i = 0; i < f->n_changes; i++)
        image_apply(&f->synced, &f->changes[i]);
    changes_clear(f);
    f->remade = false; /* synced is the new file's now */
    names_durable();
}

void disk_delete(const char *path, bool dir_synced)
{
    disk_file_t *f = find(path);
    struct stat st;
    if (!f && stat(path, &st) != 0)
        return;
    if (!f)
        f = track(path, false);
    changes_clear(f);
    f->now = false;
    if (dir_synced)
        names_durable();
}

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static void put_back(disk_file_t *f, unsigned *seed)
{
    if (!f->on_disk) {
        unlink(f->path);
        return;
    }
    image_t im = {0};
    image_resize(&im, f->synced.size);
    if (f->synced.size)
        memcpy(im.bytes, f->synced.bytes, (size_t)f->synced.size);
    for (size_t i = 0; *seed && f->now && i < f->n_changes; i++)
        if (next_rand(seed) & 1)
            image_apply(&im, &f->changes[i]);
    int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || (im.size && write(fd, im.bytes, (size_t)im.size) != im.size))
        die(f->path);
    close(fd);
    free(im.bytes);
}

void disk_cut(unsigned seed)
{
    for (disk_file_t *f = files; f; f = f->next)
        put_back(f, &seed);
}

const char *disk_name(const disk_file_t *f)
{
    const char *slash = strrchr(f->path, '/');
    return slash ? slash + 1 : f->path;
}
