/* The bills listed for staff (bo_postpaid.h, bo_bills_list): the store's
 * list of an account's, a site's, a state's or every bill, narrowed to a
 * state and a period; shared by `bill list` and the admin API. */
#include <string.h>

#include "backoffice/domain/bo_postpaid.h"

/* The column named name of rows, or -1. */
static int column(const bo_rows_t *rows, const char *name)
{
    for (int i = 0; i < rows->ncols; i++)
        if (strcmp(rows->names[i], name) == 0)
            return i;
    return -1;
}

/* Whether row i has text at column c (c -1: a column not there, no match). */
static bool cell_is(const bo_rows_t *rows, int i, int c, const char *text, size_t n)
{
    return c >= 0 && strncmp(rows->cells[(size_t)i * (size_t)rows->ncols + (size_t)c], text, n) == 0;
}

static bool known_state(const char *name)
{
    for (int s = 0; s < BO_BILL_STATE_COUNT; s++)
        if (strcmp(bo_bill_state_name((bo_bill_state_t)s), name) == 0)
            return true;
    return false;
}

/* The rows of in that f's state and period keep, into out. */
static kerr_t narrow(const bo_rows_t *in, const bo_bill_filter_t *f, bo_rows_t *out, kmsg_t *msg)
{
    int state = column(in, "state"), from = column(in, "from");
    bool ok = bo_rows_init(out, in->ncols);
    for (int c = 0; ok && c < in->ncols; c++)
        ok = bo_rows_name(out, c, in->names[c]);
    for (int i = 0; ok && i < in->nrows; i++) {
        size_t at = (size_t)i * (size_t)in->ncols;
        if ((f->state && !cell_is(in, i, state, f->state, strlen(f->state) + 1)) ||
            (f->period && !cell_is(in, i, from, f->period, 7)))
            continue;
        bo_cell_t kinds[32];
        for (int c = 0; c < in->ncols && c < 32; c++)
            kinds[c] = (bo_cell_t)in->kinds[at + (size_t)c];
        ok = in->ncols <= 32 && bo_rows_add(out, (const char *const *)&in->cells[at], kinds);
    }
    return ok ? K_OK : kmsg_set(msg, K_EIO, "out of memory listing bills");
}

kerr_t bo_bills_list(bo_store_t *st, const bo_bill_filter_t *f, bo_rows_t *out, kmsg_t *msg)
{
    char from[11], to[11];
    memset(out, 0, sizeof *out);
    if (f->account && f->site)
        return kmsg_set(msg, K_EINVAL, "at most one of account and site");
    if (f->period && !bo_period_month(f->period, from, to))
        return kmsg_set(msg, K_EINVAL, "a period is a month, YYYY-MM, not '%s'", f->period);
    if (f->state && !known_state(f->state))
        return kmsg_set(msg, K_EINVAL, "a bill's state is draft, confirmed, issued, paid or void, not '%s'", f->state);
    bo_bill_list_t which = f->account ? BO_BILLS_ACCOUNT : f->site ? BO_BILLS_SITE : f->state ? BO_BILLS_STATE
                                                                                               : BO_BILLS_ALL;
    bo_rows_t all;
    kerr_t rc = st->ops->post->bills(st->ctx, which, f->account ? f->account : f->site ? f->site : f->state, &all,
                                     msg);
    if (rc == K_OK)
        rc = narrow(&all, f, out, msg);
    bo_rows_free(&all);
    return rc;
}
