#include "doc_hex.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"

typedef struct reader {
    doc_run_t *runs;
    size_t max, n;
    bool open; /* runs[n] is being filled */
} reader_t;

static bool hex_token(const char *t, size_t len)
{
    return len == 2 && isxdigit((unsigned char)t[0]) && isxdigit((unsigned char)t[1]) &&
           !islower((unsigned char)t[0]) && !islower((unsigned char)t[1]);
}

static void close_run(reader_t *r)
{
    if (r->open && r->runs[r->n].n > 0)
        r->n++;
    r->open = false;
}

static void add_byte(reader_t *r, const char *t)
{
    if (!r->open) {
        if (r->n == r->max)
            return;
        r->runs[r->n].n = 0;
        r->open = true;
    }
    doc_run_t *run = &r->runs[r->n];
    if (run->n < DOC_RUN_MAX)
        run->b[run->n++] = (uint8_t)strtoul((char[3]){t[0], t[1], '\0'}, NULL, 16);
}

#define SPACE " \t\r\n"

/* One line of a code block: a run left open goes on only on a line that
 * starts with white space and a hex token. */
static void read_line(reader_t *r, const char *line)
{
    size_t lead = strspn(line, " \t");
    const char *t = line + lead;
    if (!(lead > 0 && hex_token(t, strcspn(t, SPACE))))
        close_run(r);
    while (*(t += strspn(t, SPACE))) {
        size_t len = strcspn(t, SPACE);
        if (hex_token(t, len))
            add_byte(r, t);
        else
            close_run(r);
        t += len;
    }
}

size_t doc_runs(const char *var, doc_run_t *runs, size_t max)
{
    const char *path = getenv(var);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        fail_msg("%s: the document cannot be read (%s)", var, path ? path : "not set");
    reader_t r = {.runs = runs, .max = max};
    char line[1024];
    bool in_block = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line + strspn(line, " "), "```", 3) == 0) {
            close_run(&r);
            in_block = !in_block;
        } else if (in_block) {
            read_line(&r, line);
        }
    }
    close_run(&r);
    fclose(f);
    return r.n;
}

size_t doc_frames(const char *var, const char *start, size_t min, doc_run_t *runs, size_t max, size_t want)
{
    uint8_t head[16];
    size_t head_len = hex_bytes(start, head, sizeof head), n = doc_runs(var, runs, max), kept = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].n >= min && runs[i].n >= head_len && memcmp(runs[i].b, head, head_len) == 0)
            runs[kept++] = runs[i];
    if (kept < want)
        fail_msg("%s: %zu frames on the page, fewer than %zu", var, kept, want);
    return kept;
}
