#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

int64_t test_now_ms = 1795000000000; /* 2026-11-18T11:06:40Z */

static int64_t read_test_clock(void *ctx)
{
    (void)ctx;
    return test_now_ms;
}

/* A pause on the test clock steps it: nothing waits. */
static void step_test_clock(void *ctx, int64_t ms)
{
    (void)ctx;
    test_now_ms += ms;
}

const kclock_t test_clock = {
    .wall_ms = read_test_clock, .mono_ms = read_test_clock, .ctx = NULL, .sleep_ms = step_test_clock};

bool tmpdir_make(char *out, size_t len)
{
    const char *base = getenv("TMPDIR");
    snprintf(out, len, "%s/kiosk-test-XXXXXX", base && base[0] ? base : "/tmp");
    return mkdtemp(out) != NULL;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tmpdir_remove(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool file_write(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    bool ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

char *file_read(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p)
                free(buf);
            buf = p;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

int file_count_lines(const char *dir, const char *name, const char *prefix)
{
    char *text = file_read(dir, name);
    int n = 0;
    for (char *line = text; line && *line;) {
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
        char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return n;
}
