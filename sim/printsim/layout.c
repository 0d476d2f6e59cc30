/* Lines on the paper: 48 columns; an ASCII character takes one column and
 * any other (a GB18030 character: Chinese, full width) two, times the
 * character width; a line too long for the paper goes on in the next row,
 * as a printer wraps it. Shared by the text and the PNG renderings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/printsim/prsim.h"

typedef struct builder {
    prsim_row_t *rows;
    size_t n, cap;
    bool failed;
} builder_t;

static prsim_row_t *new_row(builder_t *b)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4;
        prsim_row_t *r = realloc(b->rows, cap * sizeof *r);
        if (!r) {
            b->failed = true;
            return NULL;
        }
        b->rows = r;
        b->cap = cap;
    }
    prsim_row_t *row = &b->rows[b->n++];
    memset(row, 0, sizeof *row);
    row->height = 1;
    return row;
}

static prsim_piece_t *new_piece(builder_t *b, prsim_row_t *row, const prsim_span_t *span, size_t off, int col)
{
    prsim_piece_t *p = realloc(row->pieces, (row->n + 1) * sizeof *p);
    if (!p) {
        b->failed = true;
        return NULL;
    }
    row->pieces = p;
    p = &row->pieces[row->n++];
    *p = (prsim_piece_t){span, off, 0, col, 0};
    if (span->height > row->height)
        row->height = span->height;
    return p;
}

/* Bytes in the UTF-8 character that starts with byte c. */
static size_t char_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

/* Columns used by the row so far. */
static int row_cols(const prsim_row_t *row)
{
    return row->n ? row->pieces[row->n - 1].col + row->pieces[row->n - 1].cols : 0;
}

/* Adds a span's characters, starting new rows when the paper is full. */
static prsim_row_t *add_span(builder_t *b, prsim_row_t *row, const prsim_span_t *s)
{
    prsim_piece_t *piece = NULL;
    size_t len = strlen(s->text);
    for (size_t off = 0; off < len && row;) {
        size_t k = char_len((unsigned char)s->text[off]);
        k = k > len - off ? len - off : k;
        int cols = (k == 1 ? 1 : 2) * s->width;
        int used = row_cols(row);
        if (used > 0 && used + cols > PRSIM_COLUMNS) {
            row = new_row(b);
            piece = NULL;
            used = 0;
        }
        if (row && !piece)
            piece = new_piece(b, row, s, off, used);
        if (!piece)
            return NULL;
        piece->len += k;
        piece->cols += cols;
        off += k;
    }
    return row;
}

static void align_rows(prsim_row_t *rows, size_t n, int align)
{
    for (size_t i = 0; i < n; i++) {
        int free_cols = PRSIM_COLUMNS - row_cols(&rows[i]);
        rows[i].indent = free_cols <= 0 ? 0 : align == 1 ? free_cols / 2 : align == 2 ? free_cols : 0;
    }
}

size_t prsim_layout(const prsim_line_t *line, prsim_row_t **rows)
{
    builder_t b = {0};
    prsim_row_t *row = new_row(&b);
    for (size_t i = 0; i < line->n_spans && row; i++) {
        row = add_span(&b, row, &line->spans[i]);
        if (row)
            row = &b.rows[b.n - 1]; /* the array may have moved */
    }
    if (b.failed) {
        prsim_rows_free(b.rows, b.n);
        return 0;
    }
    align_rows(b.rows, b.n, line->align);
    *rows = b.rows;
    return b.n;
}

void prsim_rows_free(prsim_row_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].pieces);
    free(rows);
}

/* True if the QR code's data is UTF-8 text that prints as it is. */
static bool printable_utf8(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = char_len(p[i]);
        if (p[i] < 0x20 || p[i] == 0x7F || (p[i] >= 0x80 && k == 1) || k > n - i)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
        i += k;
    }
    return true;
}

char *prsim_qr_label(const prsim_line_t *line)
{
    bool text = printable_utf8(line->qr, line->qr_len);
    size_t cap = 2 * line->qr_len + 16;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "[QR %s", text ? "" : "hex:");
    for (size_t i = 0; i < line->qr_len; i++)
        n += text ? snprintf(s + n, cap - (size_t)n, "%c", line->qr[i])
                  : snprintf(s + n, cap - (size_t)n, "%02X", line->qr[i]);
    snprintf(s + n, cap - (size_t)n, "]");
    return s;
}
