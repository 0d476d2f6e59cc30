/* The state, written: the validator and its journal as JSON with exact
 * integers (kjson), saved atomically. The format is in docs/sim/cashsim.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "sim/cashsim/csim.h"
#include "sim/common/simio.h"
#include "sim/common/simjson.h"

static const char *fate_name(csim_fate_t f)
{
    switch (f) {
    case CSIM_STACKED: return "stacked";
    case CSIM_LOST_POWER: return "returned_power_loss";
    case CSIM_LOST_RESET: return "returned_reset";
    }
    return "?";
}

/* A bill type, or null for 0. */
static bool add_type(cJSON *o, const char *name, int type)
{
    return type ? kjson_add_int(o, name, type) : cJSON_AddNullToObject(o, name) != NULL;
}

/* Journal entry i of the csim_dev_t ctx. */
static cJSON *entry_json(const void *ctx, size_t i)
{
    const csim_entry_t *e = &((const csim_dev_t *)ctx)->journal[i];
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_int(o, "note", e->note) && kjson_add_int(o, "type", e->type) &&
              kjson_add_str(o, "bill_id", e->bill_id) && kjson_add_str(o, "currency", e->currency) &&
              kjson_add_int(o, "value", e->value) && kjson_add_int(o, "counter", e->counter) &&
              kjson_add_str(o, "outcome", fate_name(e->fate)) && kjson_add_int(o, "time_ms", e->time_ms) &&
              kjson_add_time(o, "time", e->time_ms);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

typedef struct total {
    char currency[4];
    int64_t notes, value;
} total_t;

#define MAX_CURRENCIES 32 /* more than money.c knows; the loader takes only those */

/* Sums the stacked entries by currency into t; returns how many
 * currencies, or -1 on overflow. */
static int sum_stacked(const csim_dev_t *d, total_t *t, int cap)
{
    int n = 0;
    for (size_t i = 0; i < d->n_journal; i++) {
        const csim_entry_t *e = &d->journal[i];
        int k = 0;
        while (k < n && strcmp(t[k].currency, e->currency) != 0)
            k++;
        if (e->fate != CSIM_STACKED || (k == n && n == cap))
            continue;
        if (k == n)
            t[n++] = (total_t){.notes = 0, .value = 0};
        memcpy(t[k].currency, e->currency, sizeof t[k].currency);
        t[k].notes++;
        if (money_add(&t[k].value, e->value) != K_OK)
            return -1;
    }
    return n;
}

/* "totals": by currency, the stacked notes and their value in minor units. */
static bool add_totals(cJSON *o, const csim_dev_t *d)
{
    total_t t[MAX_CURRENCIES];
    int n = sum_stacked(d, t, MAX_CURRENCIES);
    cJSON *totals = n >= 0 ? cJSON_AddObjectToObject(o, "totals") : NULL;
    bool ok = totals != NULL;
    for (int k = 0; ok && k < n; k++) {
        cJSON *c = cJSON_AddObjectToObject(totals, t[k].currency);
        ok = c && kjson_add_int(c, "notes", t[k].notes) && kjson_add_int(c, "value", t[k].value);
    }
    return ok;
}

static bool add_events(cJSON *o, const csim_dev_t *d)
{
    cJSON *a = cJSON_AddArrayToObject(o, "events");
    bool ok = a != NULL;
    for (int i = 0; ok && i < CSIM_EVENTS; i++) {
        const int pair[2] = {d->events[i][0], d->events[i][1]};
        cJSON *p = cJSON_CreateIntArray(pair, 2);
        ok = p && cJSON_AddItemToArray(a, p);
        if (!ok)
            cJSON_Delete(p);
    }
    return ok;
}

static bool add_box(cJSON *o, const csim_dev_t *d)
{
    cJSON *b = cJSON_AddObjectToObject(o, "box");
    return b && cJSON_AddBoolToObject(b, "present", d->box_present) && cJSON_AddBoolToObject(b, "full", d->box_full);
}

static cJSON *state_json(const csim_t *s)
{
    const csim_dev_t *d = &s->dev;
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "format", "cashsim-state") && kjson_add_int(o, "version", 1) &&
              kjson_add_int(o, "counter", d->counter) && cJSON_AddBoolToObject(o, "accepting", d->accepting) &&
              kjson_add_int(o, "inhibit_mask", d->mask) && kjson_add_int(o, "mode", d->mode) &&
              add_type(o, "escrow", d->escrow) && add_type(o, "jammed", d->jammed) && add_box(o, d) &&
              add_events(o, d) && simjson_add_list(o, "journal", d->n_journal, entry_json, d) && add_totals(o, d);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

char *csim_state_json(const csim_t *s, bool pretty)
{
    cJSON *o = state_json(s);
    char *text = o ? kjson_print(o, pretty) : NULL;
    cJSON_Delete(o);
    return text;
}

bool csim_state_save(const csim_t *s)
{
    if (!s->state_path[0])
        return true;
    char *text = csim_state_json(s, true);
    if (!text) {
        LOG_E(CSIM_LOG, "out of memory writing the state");
        return false;
    }
    bool ok = simio_write_file(s->state_path, text);
    if (!ok)
        LOG_E(CSIM_LOG, "cannot write the state file %s: %s", s->state_path, strerror(errno));
    free(text);
    return ok;
}

void csim_state_free(csim_t *s)
{
    free(s->dev.journal);
    s->dev.journal = NULL;
    s->dev.n_journal = s->dev.cap_journal = 0;
}
