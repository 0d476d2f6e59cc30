/* Reconciliation's comparison (bo_reconcile.h): each side's entries sorted
 * by order id, then walked with binary searches. */
#include "backoffice/domain/bo_reconcile.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[BO_RECON_KIND_N] = {"unknown_here", "missing_from_bill", "amount", "refund"};

const char *bo_recon_kind_name(bo_recon_kind_t k)
{
    return k < BO_RECON_KIND_N ? kind_names[k] : "?";
}

static int by_no(const void *a, const void *b)
{
    return strcmp(((const bo_recon_entry_t *)a)->out_trade_no, ((const bo_recon_entry_t *)b)->out_trade_no);
}

/* A sorted copy of n entries (NULL if out of memory; n 0 gives a 1-entry block). */
static bo_recon_entry_t *sorted(const bo_recon_entry_t *e, size_t n)
{
    bo_recon_entry_t *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n) {
        memcpy(c, e, n * sizeof *c);
        qsort(c, n, sizeof *c, by_no);
    }
    return c;
}

/* The first of the sorted entries s with out_trade_no no, or NULL. */
static const bo_recon_entry_t *find(const bo_recon_entry_t *s, size_t n, const char *no)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s[mid].out_trade_no, no) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(s[lo].out_trade_no, no) == 0 ? &s[lo] : NULL;
}

/* The refunds' sum for no among sorted s (0 when none). */
static int64_t refunds_of(const bo_recon_entry_t *s, size_t n, const char *no)
{
    const bo_recon_entry_t *e = find(s, n, no);
    int64_t sum = 0;
    for (; e && e < s + n && strcmp(e->out_trade_no, no) == 0; e++)
        sum += e->amount;
    return sum;
}

typedef struct walk {
    bo_recon_entry_t *bp, *hp, *br, *hr; /* bill's and here's payments and refunds, sorted */
    size_t nbp, nhp, nbr, nhr;
    bo_recon_diff_cb fn;
    void *arg;
    size_t n;
} walk_t;

static void report(walk_t *w, bo_recon_kind_t k, const bo_recon_entry_t *e, int64_t bill, int64_t ours)
{
    bo_recon_diff_t d = {k, e->out_trade_no, e->trade_no, bill, ours};
    w->fn(w->arg, &d);
    w->n++;
}

static void payments(walk_t *w, const bo_recon_side_t *bill, bo_recon_paid_fn paid, void *paid_arg)
{
    for (size_t i = 0; i < bill->n_paid; i++) {
        const bo_recon_entry_t *b = &bill->paid[i], *h = find(w->hp, w->nhp, b->out_trade_no);
        if (h && h->amount != b->amount)
            report(w, BO_RECON_AMOUNT, b, b->amount, h->amount);
        else if (!h && !(paid && paid(paid_arg, b->out_trade_no, b->amount)))
            report(w, BO_RECON_UNKNOWN_HERE, b, b->amount, 0);
    }
    for (size_t i = 0; i < w->nhp; i++)
        if (!find(w->bp, w->nbp, w->hp[i].out_trade_no))
            report(w, BO_RECON_MISSING_FROM_BILL, &w->hp[i], 0, w->hp[i].amount);
}

/* Each trade with refunds on either side, once, in order. */
static void refunds(walk_t *w)
{
    size_t i = 0, j = 0;
    while (i < w->nbr || j < w->nhr) {
        int c = i >= w->nbr ? 1 : j >= w->nhr ? -1 : strcmp(w->br[i].out_trade_no, w->hr[j].out_trade_no);
        const bo_recon_entry_t *e = c <= 0 ? &w->br[i] : &w->hr[j];
        int64_t b = c <= 0 ? refunds_of(w->br, w->nbr, e->out_trade_no) : 0;
        int64_t h = refunds_of(w->hr, w->nhr, e->out_trade_no);
        if (b != h)
            report(w, BO_RECON_REFUND, e, b, h);
        while (i < w->nbr && strcmp(w->br[i].out_trade_no, e->out_trade_no) == 0)
            i++;
        while (j < w->nhr && strcmp(w->hr[j].out_trade_no, e->out_trade_no) == 0)
            j++;
    }
}

kerr_t bo_recon_compare(const bo_recon_side_t *bill, const bo_recon_side_t *here, bo_recon_paid_fn paid,
                        void *paid_arg, bo_recon_diff_cb fn, void *arg, size_t *n)
{
    walk_t w = {sorted(bill->paid, bill->n_paid), sorted(here->paid, here->n_paid),
                sorted(bill->refunds, bill->n_refunds), sorted(here->refunds, here->n_refunds),
                bill->n_paid, here->n_paid, bill->n_refunds, here->n_refunds, fn, arg, 0};
    kerr_t rc = w.bp && w.hp && w.br && w.hr ? K_OK : K_EIO;
    if (rc == K_OK) {
        payments(&w, bill, paid, paid_arg);
        refunds(&w);
    }
    free(w.bp), free(w.hp), free(w.br), free(w.hr);
    *n = w.n;
    return rc;
}
