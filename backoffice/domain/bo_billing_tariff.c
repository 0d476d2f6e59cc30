/* Daily billing's tariffs: each day is billed with the version of the
 * meter's tariff in force at the day's local midnight (docs/billing.md,
 * "The money"); every version parsed once per run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_billing_int.h"
#include "core/money.h"

static void ver_add(void *arg, const bo_tariff_ver_t *v)
{
    bo_bill_run_t *run = arg;
    char *text = strdup(v->text);
    bo_bill_ver_t *grown = text ? realloc(run->vers, (run->n_vers + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(text);
        run->vers_oom = true;
        return;
    }
    run->vers = grown;
    bo_bill_ver_t *w = &run->vers[run->n_vers++];
    snprintf(w->id, sizeof w->id, "%s", v->id);
    snprintf(w->currency, sizeof w->currency, "%s", v->currency);
    w->text = text;
    w->from = v->from;
}

kerr_t bo__bill_versions_load(bo_bill_run_t *run)
{
    kerr_t rc = run->st->ops->tariffv->each(run->st->ctx, "", ver_add, run, run->msg);
    if (rc == K_OK && run->vers_oom)
        rc = kmsg_set(run->msg, K_EIO, "out of memory reading the tariff versions");
    return rc;
}

void bo__bill_versions_free(bo_bill_run_t *run)
{
    for (size_t i = 0; i < run->n_vers; i++)
        free(run->vers[i].text);
    free(run->vers);
    run->vers = NULL;
    run->n_vers = 0;
}

/* The latest version of id in force at `at`; NULL: the tariff's own row. */
static const bo_bill_ver_t *version_at(const bo_bill_run_t *run, const char *id, int64_t at)
{
    const bo_bill_ver_t *best = NULL;
    for (size_t i = 0; i < run->n_vers; i++)
        if (strcmp(run->vers[i].id, id) == 0 && run->vers[i].from <= at)
            best = &run->vers[i]; /* by instant: the last one that qualifies */
    return best;
}

/* The parsed version (id, from), parsed now if it was not yet. */
static const tariff_t *parsed(bo_bill_run_t *run, const char *id, int64_t from, const char *currency,
                              const char *text)
{
    for (int i = 0; i < run->n_tariffs; i++)
        if (run->tariffs[i].from == from && strcmp(run->tariffs[i].id, id) == 0)
            return run->tariffs[i].ok ? &run->tariffs[i].t : NULL;
    if (run->n_tariffs == BO_BILL_TARIFFS)
        run->n_tariffs = 0; /* forget them all: a fleet of more tariffs than this parses again */
    bo_bill_tariff_t *c = &run->tariffs[run->n_tariffs++];
    const currency_t *cur = currency_find(currency);
    kmsg_t why = {{0}};
    snprintf(c->id, sizeof c->id, "%s", id);
    snprintf(c->currency, sizeof c->currency, "%s", currency);
    c->from = from;
    c->ok = cur && tariff_parse(text, cur->exponent, &c->t, &why) == K_OK;
    return c->ok ? &c->t : NULL;
}

const tariff_t *bo__bill_tariff_at(bo_bill_run_t *run, const bo_bill_meter_t *m, int64_t at, const char **currency)
{
    *currency = m->currency;
    if (!m->tariff[0] || !m->text[0])
        return NULL;
    const bo_bill_ver_t *v = version_at(run, m->tariff, at);
    if (!v)
        return parsed(run, m->tariff, TARIFF_ALWAYS, m->currency, m->text);
    *currency = v->currency;
    return parsed(run, v->id, v->from, v->currency, v->text);
}
