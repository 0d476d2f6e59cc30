/* The state file, read: every field is checked, a wrong one is named with
 * its journal entry, an unknown one is refused (a typo must not pass).
 * Fields left out take their defaults, so a test can write a short file. */
#include <stdlib.h>
#include <string.h>

#include "sim/common/simjson.h"
#include "sim/paysim/psim.h"

#define MAX_STATE_BYTES ((size_t)512 << 20)
#define STATE_FILE "the state file"

/* An unsigned 32-bit field in [lo, hi]. */
static kerr_t get_u32(const cJSON *o, const char *name, int64_t lo, int64_t hi, unsigned how, uint32_t *out,
                      const simjson_at_t *w)
{
    int64_t v = *out;
    kerr_t rc = simjson_int(o, name, lo, hi, how, &v, w);
    *out = (uint32_t)v;
    return rc;
}

static kerr_t get_kind(const cJSON *o, psim_txn_t *t, const simjson_at_t *w)
{
    static const char *const names[] = {"authorisation", "reversal", "end-of-day"};
    char kind[24] = "";
    kerr_t rc = simjson_text(o, "kind", kind, sizeof kind, w);
    for (int k = 0; !rc && k < 3; k++)
        if (strcmp(kind, names[k]) == 0) {
            t->kind = (psim_kind_t)k;
            return K_OK;
        }
    return rc ? rc : simjson_bad(w, "kind", "must be authorisation, reversal or end-of-day");
}

static kerr_t get_result(const cJSON *o, psim_txn_t *t, const simjson_at_t *w)
{
    char text[4] = "00", *end = NULL;
    kerr_t rc = simjson_text(o, "result", text, sizeof text, w);
    unsigned long v = rc ? 0 : strtoul(text, &end, 16);
    if (!rc && (strlen(text) != 2 || *end || v > 0xFF))
        return simjson_bad(w, "result", "must be two hex digits (\"00\", \"6C\")");
    t->result = (uint8_t)v;
    return rc;
}

static kerr_t check_texts(const psim_txn_t *t, const simjson_at_t *w)
{
    for (const char *p = t->reference; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return simjson_bad(w, "reference", "must be printable ASCII");
    if (strspn(t->card, "0123456789*") != strlen(t->card))
        return simjson_bad(w, "card", "must hold digits and '*' only");
    return K_OK;
}

static kerr_t get_card(const cJSON *o, psim_txn_t *t, const simjson_at_t *w)
{
    t->reversed = false;
    kerr_t rc = simjson_bool(o, "reversed", &t->reversed, w);
    rc = rc ? rc : simjson_text(o, "card", t->card, sizeof t->card, w);
    int64_t type = t->card_type;
    rc = rc ? rc : simjson_int(o, "card_type", 0, 255, 0, &type, w);
    t->card_type = (uint8_t)type;
    return rc;
}

/* Journal entry n into the psim_t ctx. */
static kerr_t load_txn(const cJSON *o, size_t n, const simjson_at_t *w, void *ctx)
{
    psim_t *s = ctx;
    (void)n;
    static const char *const names[] = {"kind",     "amount", "currency", "reference", "receipt", "trace",
                                        "result",   "reversed", "reverses", "count",   "card",    "card_type",
                                        "time_ms",  "time",   NULL};
    psim_txn_t t = {.currency = s->currency};
    int64_t currency = t.currency;
    if (!cJSON_IsObject(o))
        return simjson_bad(w, "journal", "must hold objects");
    kerr_t rc = simjson_only_known(o, names, w);
    rc = rc ? rc : get_kind(o, &t, w);
    rc = rc ? rc : simjson_int(o, "amount", 0, PSIM_MAX_AMOUNT, 0, &t.amount, w);
    rc = rc ? rc : simjson_int(o, "currency", 0, 999, 0, &currency, w);
    rc = rc ? rc : simjson_text(o, "reference", t.reference, sizeof t.reference, w);
    rc = rc ? rc : get_u32(o, "receipt", 1, PSIM_MAX_RECEIPT, SIMJSON_NULL_IS_0, &t.receipt, w);
    rc = rc ? rc : get_u32(o, "trace", 1, PSIM_MAX_TRACE, SIMJSON_NULL_IS_0, &t.trace, w);
    rc = rc ? rc : get_u32(o, "reverses", 0, PSIM_MAX_RECEIPT, 0, &t.reverses, w);
    rc = rc ? rc : simjson_int(o, "count", 0, PSIM_MAX_JOURNAL, 0, &t.count, w);
    rc = rc ? rc : simjson_int(o, "time_ms", 0, SIMJSON_INT_MAX, 0, &t.time_ms, w);
    rc = rc ? rc : get_result(o, &t, w);
    rc = rc ? rc : get_card(o, &t, w);
    rc = rc ? rc : check_texts(&t, w);
    t.currency = (uint16_t)currency;
    if (!rc && !psim_journal_push(s, &t))
        rc = kmsg_set(w->msg, K_EIO, "out of memory, or over %d journal entries", PSIM_MAX_JOURNAL);
    return rc;
}

static kerr_t load_top(const cJSON *root, const simjson_at_t *top, void *ctx)
{
    /* the control port's "state" adds the live fields: accepted, not read */
    static const char *const names[] = {"format",  "version",      "next_receipt", "next_trace",      "journal",
                                        "terminal_id", "currency", "clock",        "clock_frozen",    "connected",
                                        "ecr_connections", "busy", "faults",       NULL};
    psim_t *s = ctx;
    char format[32] = "paysim-state";
    int64_t version = 1;
    kerr_t rc = simjson_only_known(root, names, top);
    rc = rc ? rc : simjson_text(root, "format", format, sizeof format, top);
    if (!rc && strcmp(format, "paysim-state") != 0)
        return simjson_bad(top, "format", "must be \"paysim-state\"");
    rc = rc ? rc : simjson_int(root, "version", 1, 1, 0, &version, top);
    rc = rc ? rc : get_u32(root, "next_receipt", 1, PSIM_MAX_RECEIPT, 0, &s->next_receipt, top);
    rc = rc ? rc : get_u32(root, "next_trace", 1, PSIM_MAX_TRACE, 0, &s->next_trace, top);
    return rc ? rc : simjson_list(root, "journal", "journal entry", load_txn, s, top);
}

kerr_t psim_state_load(psim_t *s, kmsg_t *msg)
{
    kerr_t rc = simjson_read(s->state_path, MAX_STATE_BYTES, STATE_FILE, load_top, s, msg);
    if (rc) {
        free(s->journal);
        s->journal = NULL;
        s->n_journal = s->cap_journal = 0;
    }
    return rc;
}
