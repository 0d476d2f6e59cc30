/* The state as JSON, written: the journal and the counters with exact
 * integers (kjson), saved atomically; the control port's "state" adds the
 * faults and the link. The format is in docs/sim/paysim.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/common/simjson.h"
#include "sim/paysim/psim.h"

void psim_hex2(uint8_t code, char out[3])
{
    snprintf(out, 3, "%02X", code);
}

static const char *kind_name(psim_kind_t k)
{
    switch (k) {
    case PSIM_AUTH: return "authorisation";
    case PSIM_REVERSAL: return "reversal";
    case PSIM_END_OF_DAY: return "end-of-day";
    }
    return "?";
}

/* name: n, or null when n is 0 (no number given). */
static bool add_number(cJSON *o, const char *name, uint32_t n)
{
    return n ? kjson_add_int(o, name, n) : cJSON_AddNullToObject(o, name) != NULL;
}

static bool add_kind_fields(cJSON *o, const psim_txn_t *t)
{
    switch (t->kind) {
    case PSIM_AUTH:
        return cJSON_AddBoolToObject(o, "reversed", t->reversed) && kjson_add_str(o, "card", t->card) &&
               kjson_add_int(o, "card_type", t->card_type);
    case PSIM_REVERSAL:
        return kjson_add_int(o, "reverses", t->reverses) && kjson_add_str(o, "card", t->card) &&
               kjson_add_int(o, "card_type", t->card_type);
    case PSIM_END_OF_DAY: return kjson_add_int(o, "count", t->count);
    }
    return false;
}

/* Journal entry i of the psim_t ctx. */
static cJSON *txn_json(const void *ctx, size_t i)
{
    const psim_txn_t *t = &((const psim_t *)ctx)->journal[i];
    char result[3];
    psim_hex2(t->result, result);
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "kind", kind_name(t->kind)) && kjson_add_int(o, "amount", t->amount) &&
              kjson_add_int(o, "currency", t->currency) && kjson_add_str(o, "reference", t->reference) &&
              add_number(o, "receipt", t->receipt) && add_number(o, "trace", t->trace) &&
              kjson_add_str(o, "result", result) && add_kind_fields(o, t) && kjson_add_int(o, "time_ms", t->time_ms) &&
              kjson_add_time(o, "time", t->time_ms);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static const char *outcome_name(psim_outcome_t o)
{
    switch (o) {
    case PSIM_APPROVE: return "approve";
    case PSIM_DECLINE: return "decline";
    case PSIM_TIMEOUT_AFTER: return "timeout-after";
    case PSIM_DROP_AFTER: return "drop-after";
    }
    return "?";
}

static bool add_faults(cJSON *o, const psim_t *s)
{
    const psim_faults_t *f = &s->faults;
    char code[3];
    psim_hex2(f->decline_code, code);
    cJSON *j = cJSON_AddObjectToObject(o, "faults");
    return j && kjson_add_str(j, "next_authorisation", outcome_name(f->outcome)) &&
           kjson_add_str(j, "decline_code", f->outcome == PSIM_DECLINE ? code : NULL) &&
           cJSON_AddBoolToObject(j, "timeout_before", f->timeout_before) && kjson_add_int(j, "slow_ms", f->slow_ms) &&
           kjson_add_int(j, "card_wait_ms", f->card_wait_ms) &&
           cJSON_AddBoolToObject(j, "stray_completion_next", f->stray_next);
}

/* The terminal and its link, for the control port only. */
static bool add_live(cJSON *o, const psim_t *s)
{
    char tid[16];
    snprintf(tid, sizeof tid, "%08u", PSIM_TERMINAL_ID);
    return kjson_add_str(o, "terminal_id", tid) && kjson_add_int(o, "currency", s->currency) &&
           kjson_add_time(o, "clock", psim_clock(s)) && cJSON_AddBoolToObject(o, "clock_frozen", s->clock_frozen) &&
           cJSON_AddBoolToObject(o, "connected", s->ecr_fd >= 0) &&
           kjson_add_int(o, "ecr_connections", s->ecr_connections) &&
           cJSON_AddBoolToObject(o, "busy", s->run.active) && add_faults(o, s);
}

static cJSON *state_json(const psim_t *s, bool live)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "format", "paysim-state") && kjson_add_int(o, "version", 1) &&
              kjson_add_int(o, "next_receipt", s->next_receipt) && kjson_add_int(o, "next_trace", s->next_trace) &&
              (!live || add_live(o, s)) && simjson_add_list(o, "journal", s->n_journal, txn_json, s);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

char *psim_state_json(const psim_t *s, bool live)
{
    cJSON *o = state_json(s, live);
    char *text = o ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    return text;
}

bool psim_state_save(const psim_t *s)
{
    if (!s->state_path[0])
        return true;
    cJSON *o = state_json(s, false);
    char *text = o ? kjson_print(o, true) : NULL;
    cJSON_Delete(o);
    if (!text) {
        LOG_E(PSIM_LOG, "out of memory writing the state");
        return false;
    }
    bool ok = simio_write_file(s->state_path, text);
    if (!ok)
        LOG_E(PSIM_LOG, "cannot write the state file %s: %s", s->state_path, strerror(errno));
    free(text);
    return ok;
}
