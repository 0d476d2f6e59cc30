#include "backoffice/base/bo_rows.h"

#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"

bool bo_rows_init(bo_rows_t *r, int ncols)
{
    memset(r, 0, sizeof *r);
    r->ncols = ncols;
    r->names = calloc((size_t)ncols, sizeof *r->names);
    return r->names != NULL;
}

bool bo_rows_name(bo_rows_t *r, int i, const char *name)
{
    free(r->names[i]);
    r->names[i] = strdup(name ? name : "");
    return r->names[i] != NULL;
}

static bool grow(bo_rows_t *r)
{
    int cap = r->cap ? r->cap * 2 : 16;
    size_t n = (size_t)cap * (size_t)r->ncols;
    char **cells = realloc(r->cells, n * sizeof *cells);
    if (!cells)
        return false;
    r->cells = cells;
    unsigned char *kinds = realloc(r->kinds, n);
    if (!kinds)
        return false;
    r->kinds = kinds;
    r->cap = cap;
    return true;
}

bool bo_rows_add(bo_rows_t *r, const char *const *texts, const bo_cell_t *kinds)
{
    if (r->nrows == r->cap && !grow(r))
        return false;
    size_t at = (size_t)r->nrows * (size_t)r->ncols;
    for (int i = 0; i < r->ncols; i++) {
        r->cells[at + (size_t)i] = strdup(texts[i] ? texts[i] : "");
        r->kinds[at + (size_t)i] = (unsigned char)kinds[i];
        if (!r->cells[at + (size_t)i]) {
            for (int j = 0; j < i; j++)
                free(r->cells[at + (size_t)j]);
            return false;
        }
    }
    r->nrows++;
    return true;
}

int bo_rows_col(const bo_rows_t *r, const char *name)
{
    for (int i = 0; i < r->ncols; i++)
        if (strcmp(r->names[i], name) == 0)
            return i;
    return -1;
}

void bo_rows_keep(bo_rows_t *r, bool (*keep)(const bo_rows_t *r, int row, void *arg), void *arg)
{
    int kept = 0;
    size_t w = (size_t)r->ncols;
    for (int i = 0; i < r->nrows; i++) {
        char **from = r->cells + (size_t)i * w;
        if (!keep(r, i, arg)) {
            for (size_t j = 0; j < w; j++)
                free(from[j]);
            continue;
        }
        if (kept != i) {
            memmove(r->cells + (size_t)kept * w, from, w * sizeof *from);
            memmove(r->kinds + (size_t)kept * w, r->kinds + (size_t)i * w, w);
        }
        kept++;
    }
    r->nrows = kept;
}

void bo_rows_free(bo_rows_t *r)
{
    for (int i = 0; r->names && i < r->ncols; i++)
        free(r->names[i]);
    for (size_t i = 0; r->cells && i < (size_t)r->nrows * (size_t)r->ncols; i++)
        free(r->cells[i]);
    free(r->names);
    free(r->cells);
    free(r->kinds);
    memset(r, 0, sizeof *r);
}

/* A text cell a spreadsheet would take for a formula (=, +, -, @, or a
 * tab or carriage return first: kiosk-sent text such as an audit reason)
 * is written after an apostrophe, so it opens as the text it is. */
static bool formula_like(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

static void csv_field(FILE *out, const char *s, bool text)
{
    bool guard = text && formula_like(s);
    if (!guard && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (guard)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* One line: cells (kinds NULL: the header) as a table or CSV. */
static void write_line(const bo_rows_t *r, char *const *cells, const unsigned char *kinds, bool csv, FILE *out)
{
    for (int i = 0; i < r->ncols; i++) {
        if (csv)
            csv_field(out, cells[i], kinds && kinds[i] == BO_CELL_TEXT);
        else
            fprintf(out, "%-16s", cells[i]);
        fputs(i + 1 < r->ncols ? (csv ? "," : " ") : (csv ? "\r\n" : "\n"), out);
    }
}

int bo_rows_write(const bo_rows_t *r, bool csv, FILE *out)
{
    write_line(r, r->names, NULL, csv, out);
    for (int n = 0; n < r->nrows; n++) {
        size_t at = (size_t)n * (size_t)r->ncols;
        write_line(r, r->cells + at, r->kinds + at, csv, out);
    }
    return r->nrows;
}

cJSON *bo_rows_json(const bo_rows_t *r)
{
    cJSON *arr = cJSON_CreateArray();
    for (int n = 0; arr && n < r->nrows; n++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        for (int i = 0; i < r->ncols; i++) {
            size_t at = (size_t)n * (size_t)r->ncols + (size_t)i;
            if (r->kinds[at] == BO_CELL_INT)
                kjson_add_int(o, r->names[i], strtoll(r->cells[at], NULL, 10));
            else
                kjson_add_str(o, r->names[i], r->cells[at]);
        }
    }
    return arr;
}
