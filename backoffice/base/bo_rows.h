/* A table of rows as the listings and reports give them (the store fills
 * it; the command line and the admin API present it): column names, each
 * cell as text with what kind of value it holds. Written as an aligned
 * table, as CSV (RFC 4180, formula-like text guarded) or as JSON. */
#ifndef BACKOFFICE_BASE_BO_ROWS_H
#define BACKOFFICE_BASE_BO_ROWS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

/* What a cell holds: a whole number (JSON writes it as a number), text
 * (CSV guards it against spreadsheet formulas), or anything else (NULL,
 * a fraction: written as its text). */
typedef enum bo_cell { BO_CELL_OTHER, BO_CELL_INT, BO_CELL_TEXT } bo_cell_t;

typedef struct bo_rows {
    int ncols, nrows, cap;
    char **names;          /* ncols */
    char **cells;          /* nrows * ncols, row by row; "" for NULL */
    unsigned char *kinds;  /* a bo_cell_t per cell */
} bo_rows_t;

/* Starts an empty table of ncols columns; false if out of memory. */
bool bo_rows_init(bo_rows_t *r, int ncols);

/* Names column i (copied); false if out of memory. */
bool bo_rows_name(bo_rows_t *r, int i, const char *name);

/* Appends a row of ncols cells (texts copied; NULL is ""); false if out
 * of memory. */
bool bo_rows_add(bo_rows_t *r, const char *const *texts, const bo_cell_t *kinds);

/* The index of the column named name, -1 if there is none. */
int bo_rows_col(const bo_rows_t *r, const char *name);

/* Keeps the rows keep(r, row, arg) says yes to, in order, freeing the
 * others. */
void bo_rows_keep(bo_rows_t *r, bool (*keep)(const bo_rows_t *r, int row, void *arg), void *arg);

/* Frees what the table holds (it may be zeroed and never started). */
void bo_rows_free(bo_rows_t *r);

/* Writes the header and every row to out, as an aligned table or CSV.
 * Returns the number of rows. */
int bo_rows_write(const bo_rows_t *r, bool csv, FILE *out);

/* The rows as a JSON array of objects named by the columns. */
cJSON *bo_rows_json(const bo_rows_t *r);

#endif
