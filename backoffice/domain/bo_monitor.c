/* The monitoring page's rows (bo_org.h; docs/console.md, "Monitoring"): a
 * building's rooms with their meters' latest state, today's use, money and
 * alarms; a room's history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_org.h"
#include "backoffice/domain/bo_report.h"

/* The state columns taken from the meters' listing, in the rows' order. */
static const char *const state_cols[] = {"customer", "kind", "balance", "supply", "online", "last_read", "energy"};
#define N_STATE ((int)(sizeof state_cols / sizeof state_cols[0]))
/* The placed rows' columns, in the rows' order: place, then the day's. */
static const char *const place_cols[] = {"floor", "room", "room_name", "meter"};
static const char *const day_cols[] = {"today_use", "today_money", "alarms", "currency", "resident"};
#define N_PLACE 4
#define N_DAY 5
#define RESIDENT (N_OUT - 1)
#define N_OUT (N_PLACE + N_STATE + N_DAY)

static const char *cell(const bo_rows_t *r, int row, int col)
{
    return row < 0 || col < 0 ? "" : r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

static bo_cell_t kind_of(const bo_rows_t *r, int row, int col)
{
    return row < 0 || col < 0 ? BO_CELL_TEXT : (bo_cell_t)r->kinds[(size_t)row * (size_t)r->ncols + (size_t)col];
}

/* The row of meter in meters (sorted by the column mc), -1 if none. */
static int find(const bo_rows_t *meters, int mc, const char *meter)
{
    int lo = 0, hi = meters->nrows - 1;
    while (meter[0] && lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(cell(meters, mid, mc), meter);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Copies columns names of row in `from` into texts and kinds. */
static void take(const bo_rows_t *from, int row, const char *const *names, int n, const char **texts,
                 bo_cell_t *kinds)
{
    for (int i = 0; i < n; i++) {
        int c = bo_rows_col(from, names[i]);
        texts[i] = cell(from, row, c);
        kinds[i] = kind_of(from, row, c);
    }
}

/* A name as staff without the contacts permission see it: its first
 * character (UTF-8) and two stars ("张**"); "" stays "". */
static void mask(const char *name, char *out, size_t len)
{
    size_t n = name[0] ? 1 : 0;
    while (name[n] && ((unsigned char)name[n] & 0xC0) == 0x80)
        n++;
    snprintf(out, len, "%.*s%s", (int)n, name, n ? "**" : "");
}

/* The placed rows joined with the meters' states into out, the residents'
 * names masked unless names. */
static kerr_t join(const bo_rows_t *placed, const bo_rows_t *meters, bool names, bo_rows_t *out, kmsg_t *msg)
{
    const char *texts[N_OUT];
    char masked[16];
    bo_cell_t kinds[N_OUT];
    bool ok = bo_rows_init(out, N_OUT);
    for (int i = 0; ok && i < N_OUT; i++)
        ok = bo_rows_name(out, i, i < N_PLACE ? place_cols[i]
                                  : i < N_PLACE + N_STATE ? state_cols[i - N_PLACE]
                                                          : day_cols[i - N_PLACE - N_STATE]);
    int mc = bo_rows_col(meters, "meter"), pm = bo_rows_col(placed, "meter");
    for (int r = 0; ok && r < placed->nrows; r++) {
        int m = find(meters, mc, cell(placed, r, pm));
        take(placed, r, place_cols, N_PLACE, texts, kinds);
        take(meters, m, state_cols, N_STATE, texts + N_PLACE, kinds + N_PLACE);
        take(placed, r, day_cols, N_DAY, texts + N_PLACE + N_STATE, kinds + N_PLACE + N_STATE);
        if (!names) {
            mask(texts[RESIDENT], masked, sizeof masked);
            texts[RESIDENT] = masked;
        }
        ok = bo_rows_add(out, texts, kinds);
    }
    if (!ok) {
        bo_rows_free(out);
        return kmsg_set(msg, K_EIO, "out of memory");
    }
    return K_OK;
}

/* K_OK if org sees the place of kind id, which exists; else K_ENOTFOUND. */
static kerr_t seen(bo_store_t *st, const char *org, bo_org_kind_t kind, const char *id, char parent[65], kmsg_t *msg)
{
    bool found = false, yes = false;
    kerr_t rc = st->ops->org->parent_of(st->ctx, kind, id, parent, &found, msg);
    if (rc == K_OK && found)
        rc = bo_org_sees(st, org, kind, id, &yes, msg);
    if (rc == K_OK && !(found && yes))
        return kmsg_set(msg, K_ENOTFOUND, "no %s %s%s", kind == BO_ORG_ROOM ? "room" : "building", id,
                        org && org[0] ? " in your organisation" : "");
    return rc;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends one's rows to out (started with one's columns if it is not). */
static bool append(bo_rows_t *out, const bo_rows_t *one)
{
    const char *texts[64];
    bo_cell_t kinds[64];
    bool ok = one->ncols <= 64 && (out->names || bo_rows_init(out, one->ncols));
    for (int i = 0; ok && !out->nrows && i < one->ncols; i++)
        ok = bo_rows_name(out, i, one->names[i]);
    for (int r = 0; ok && r < one->nrows; r++) {
        for (int c = 0; c < one->ncols; c++) {
            texts[c] = cell(one, r, c);
            kinds[c] = kind_of(one, r, c);
        }
        ok = bo_rows_add(out, texts, kinds);
    }
    return ok;
}

/* The latest state of the meters in placed (a page of them), sorted by
 * meter as the meters' listing is: each one's own row. */
static kerr_t page_meters(bo_store_t *st, const bo_rows_t *placed, int64_t now, bo_rows_t *out, kmsg_t *msg)
{
    int pm = bo_rows_col(placed, "meter"), n = 0;
    const char **ids = calloc((size_t)placed->nrows + 1, sizeof *ids);
    kerr_t rc = ids ? K_OK : kmsg_set(msg, K_EIO, "out of memory");
    for (int r = 0; ids && r < placed->nrows; r++)
        if (cell(placed, r, pm)[0])
            ids[n++] = cell(placed, r, pm);
    if (ids)
        qsort(ids, (size_t)n, sizeof *ids, by_text);
    for (int i = 0; rc == K_OK && i < n; i++) {
        bo_rows_t one;
        rc = bo_report_rows(st, BO_LIST_METER_ONE, &(bo_list_args_t){.id = ids[i], .from = now}, &one, msg);
        if (rc != K_OK)
            break;
        if (!append(out, &one))
            rc = kmsg_set(msg, K_EIO, "out of memory");
        bo_rows_free(&one);
    }
    free(ids);
    return rc;
}

kerr_t bo_monitor_rows(bo_store_t *st, const bo_monitor_ask_t *ask, bo_rows_t *out, int64_t *total, kmsg_t *msg)
{
    char site[65];
    bo_rows_t meters = {0}, placed = {0};
    bo_place_page_t page = {ask->building, ask->day_from, ask->offset, ask->limit};
    memset(out, 0, sizeof *out);
    kerr_t rc = seen(st, ask->org, BO_ORG_BUILDING, ask->building, site, msg);
    if (rc == K_OK)
        rc = st->ops->org->placed(st->ctx, &page, &placed, total, msg);
    if (rc == K_OK && ask->limit > 0) /* a page: its meters one by one */
        rc = page_meters(st, &placed, ask->now, &meters, msg);
    else if (rc == K_OK) /* the whole building: the site's meters in one listing */
        rc = bo_report_rows(st, BO_LIST_METERS, &(bo_list_args_t){.id = site, .from = ask->now}, &meters, msg);
    if (rc == K_OK)
        rc = join(&placed, &meters, ask->names, out, msg);
    bo_rows_free(&meters);
    bo_rows_free(&placed);
    return rc;
}

kerr_t bo_monitor_history(bo_store_t *st, const char *org, const char *room, const char *what, int64_t limit,
                          bo_rows_t *out, kmsg_t *msg)
{
    char building[65];
    memset(out, 0, sizeof *out);
    kerr_t rc = seen(st, org, BO_ORG_ROOM, room, building, msg);
    if (rc == K_OK)
        rc = st->ops->org->history(st->ctx, room, what, limit, out, msg);
    return rc;
}
