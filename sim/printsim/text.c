/* The receipt as text: what a person reads on the paper, row by row, for
 * tests to compare line by line (docs/sim/printsim.md, "Output"). */
#include <stdlib.h>
#include <string.h>

#include "sim/printsim/prsim.h"

typedef struct str {
    char *p;
    size_t n, cap;
    bool failed;
} str_t;

static void put(str_t *s, const char *p, size_t n)
{
    if (s->failed)
        return;
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->n + n + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q) {
            s->failed = true;
            return;
        }
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
    s->p[s->n] = '\0';
}

static void spaces(str_t *s, int n)
{
    for (int i = 0; i < n; i++)
        put(s, " ", 1);
}

/* Ends a row: trailing spaces go, a newline comes. */
static void end_row(str_t *s)
{
    while (!s->failed && s->n > 0 && s->p[s->n - 1] == ' ')
        s->n--;
    put(s, "\n", 1);
}

static void text_line(str_t *s, const prsim_line_t *line)
{
    prsim_row_t *rows;
    size_t n = prsim_layout(line, &rows);
    if (n == 0) {
        s->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        spaces(s, rows[i].indent);
        for (size_t k = 0; k < rows[i].n; k++)
            put(s, rows[i].pieces[k].span->text + rows[i].pieces[k].off, rows[i].pieces[k].len);
        end_row(s);
    }
    prsim_rows_free(rows, n);
}

static void qr_line(str_t *s, const prsim_line_t *line)
{
    char *label = prsim_qr_label(line);
    if (!label) {
        s->failed = true;
        return;
    }
    prsim_span_t span = {false, 1, 1, label};
    prsim_line_t as_text = {.kind = PRSIM_LINE_TEXT, .align = line->align, .spans = &span, .n_spans = 1};
    size_t len = strlen(label);
    if (len <= PRSIM_COLUMNS) {
        text_line(s, &as_text);
    } else { /* a long label stays on one row */
        put(s, label, len);
        end_row(s);
    }
    free(label);
}

char *prsim_text_render(const prsim_page_t *page)
{
    str_t s = {0};
    put(&s, "", 0);
    for (size_t i = 0; i < page->n; i++) {
        if (page->lines[i].kind == PRSIM_LINE_QR)
            qr_line(&s, &page->lines[i]);
        else
            text_line(&s, &page->lines[i]);
    }
    if (s.failed) {
        free(s.p);
        return NULL;
    }
    return s.p;
}
