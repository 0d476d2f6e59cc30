/* The state, read: every field is checked and a wrong one is named. Fields
 * left out take their power-up values, so a test can write a short file by
 * hand; an unknown field is an error (a typo cannot pass silently). */
#include <stdlib.h>
#include <string.h>

#include "sim/common/simjson.h"
#include "sim/cashsim/csim.h"

#define MAX_STATE_BYTES ((size_t)64 << 20)
#define STATE_FILE "the state file"

/* A bill type that has a note (--notes), or null for none. */
static kerr_t get_type(const csim_t *s, const cJSON *o, const char *name, int *out, const simjson_at_t *at)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t v = 0;
    if (!it || cJSON_IsNull(it)) {
        *out = 0;
        return K_OK;
    }
    if (!simjson_exact_int(it, &v) || v < 1 || v > CSIM_TYPES || !s->notes[v].id[0])
        return simjson_bad(at, name, "must be null or a bill type that --notes gives a note");
    *out = (int)v;
    return K_OK;
}

static kerr_t get_fate(const cJSON *o, csim_fate_t *out, const simjson_at_t *at)
{
    static const char *const names[] = {"stacked", "returned_power_loss", "returned_reset"};
    char text[32] = "";
    kerr_t rc = simjson_text(o, "outcome", text, sizeof text, at);
    for (int i = 0; rc == K_OK && i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (csim_fate_t)i;
            return K_OK;
        }
    return rc ? rc : simjson_bad(at, "outcome", "must be stacked, returned_power_loss or returned_reset");
}

static kerr_t entry_texts(const cJSON *o, csim_entry_t *e, const simjson_at_t *at)
{
    kerr_t rc = simjson_text(o, "bill_id", e->bill_id, sizeof e->bill_id, at);
    rc = rc ? rc : simjson_text(o, "currency", e->currency, sizeof e->currency, at);
    if (rc == K_OK && !csim_id_shape(e->bill_id))
        rc = simjson_bad(at, "bill_id", "must look like CN0020A");
    if (rc == K_OK && !currency_find(e->currency))
        rc = simjson_bad(at, "currency", "must be a currency the kiosk knows (CNY, ...)");
    return rc ? rc : get_fate(o, &e->fate, at);
}

/* Journal entry n into the csim_t ctx; its note number is n. */
static kerr_t load_entry(const cJSON *o, size_t n, const simjson_at_t *at, void *ctx)
{
    static const char *const names[] = {"note", "type", "bill_id", "currency", "value", "counter",
                                        "outcome", "time_ms", "time", NULL};
    static const char *const needed[] = {"type", "bill_id", "currency", "value", "counter", "outcome", "time_ms",
                                         NULL};
    csim_t *s = ctx;
    csim_entry_t e = {.note = (int64_t)n};
    int64_t type = 0, counter = 0, note = e.note;
    if (!cJSON_IsObject(o))
        return kmsg_set(at->msg, K_EINVAL, "%smust be an object", at->where);
    kerr_t rc = simjson_only_known(o, names, at);
    rc = rc ? rc : simjson_require(o, needed, at);
    rc = rc ? rc : simjson_int(o, "type", 1, CSIM_TYPES, 0, &type, at);
    rc = rc ? rc : simjson_int(o, "counter", 0, 255, 0, &counter, at);
    rc = rc ? rc : simjson_int(o, "value", 0, INT64_MAX / 2, 0, &e.value, at);
    rc = rc ? rc : simjson_int(o, "time_ms", 0, INT64_MAX / 2, 0, &e.time_ms, at);
    rc = rc ? rc : simjson_int(o, "note", e.note, e.note, 0, &note, at);
    rc = rc ? rc : entry_texts(o, &e, at);
    e.type = (int)type;
    e.counter = (int)counter;
    if (rc == K_OK && !csim_journal_add(s, &e))
        rc = kmsg_set(at->msg, K_EIO, "out of memory");
    return rc;
}

static kerr_t load_events(csim_dev_t *d, const cJSON *root, const simjson_at_t *top)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > CSIM_EVENTS)
        return simjson_bad(top, "events", "must be an array of at most 5 pairs, newest first");
    int i = 0;
    for (const cJSON *p = a->child; p; p = p->next, i++) {
        int64_t v[2];
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !simjson_exact_int(p->child, &v[0]) ||
            !simjson_exact_int(p->child->next, &v[1]) || v[0] < 0 || v[0] > 255 || v[1] < 0 || v[1] > 255)
            return simjson_bad(top, "events", "must hold pairs [A, B] of bytes 0..255");
        d->events[i][0] = (uint8_t)v[0];
        d->events[i][1] = (uint8_t)v[1];
    }
    return K_OK;
}

static kerr_t load_box(csim_dev_t *d, const cJSON *root, const simjson_at_t *top)
{
    static const char *const names[] = {"present", "full", NULL};
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "box");
    simjson_at_t at = *top;
    if (!b)
        return K_OK;
    if (!cJSON_IsObject(b))
        return simjson_bad(top, "box", "must be an object");
    simjson_at(&at, "box: ");
    kerr_t rc = simjson_only_known(b, names, &at);
    rc = rc ? rc : simjson_bool(b, "present", &d->box_present, &at);
    return rc ? rc : simjson_bool(b, "full", &d->box_full, &at);
}

static kerr_t load_format(const cJSON *root, const simjson_at_t *top)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    int64_t version = 1;
    if (f && !(cJSON_IsString(f) && strcmp(f->valuestring, "cashsim-state") == 0))
        return simjson_bad(top, "format", "must be \"cashsim-state\"");
    kerr_t rc = simjson_int(root, "version", 1, 1000000, 0, &version, top);
    if (rc == K_OK && version != 1)
        return kmsg_set(top->msg, K_EVERSION, "state version %lld is newer than this cashsim (1)", (long long)version);
    return rc;
}

static kerr_t load_device(csim_t *s, const cJSON *root, const simjson_at_t *top)
{
    csim_dev_t *d = &s->dev;
    int64_t counter = 0, mask = 0, mode = 0;
    kerr_t rc = simjson_int(root, "counter", 0, 255, 0, &counter, top);
    rc = rc ? rc : simjson_int(root, "inhibit_mask", 0, 65535, 0, &mask, top);
    rc = rc ? rc : simjson_int(root, "mode", 0, 255, 0, &mode, top);
    rc = rc ? rc : simjson_bool(root, "accepting", &d->accepting, top);
    rc = rc ? rc : get_type(s, root, "escrow", &d->escrow, top);
    rc = rc ? rc : get_type(s, root, "jammed", &d->jammed, top);
    rc = rc ? rc : load_box(d, root, top);
    rc = rc ? rc : load_events(d, root, top);
    d->counter = (uint8_t)counter;
    d->mask = (uint16_t)mask;
    d->mode = (uint8_t)mode;
    if (rc == K_OK && d->escrow && d->jammed)
        rc = kmsg_set(top->msg, K_EINVAL, "a note cannot be both in escrow and jammed");
    return rc;
}

static kerr_t load_top(const cJSON *root, const simjson_at_t *top, void *ctx)
{
    static const char *const names[] = {"format", "version", "counter", "accepting", "inhibit_mask", "mode",
                                        "escrow", "jammed",  "box",     "events",    "journal",      "totals",
                                        NULL};
    csim_t *s = ctx;
    kerr_t rc = simjson_only_known(root, names, top);
    rc = rc ? rc : load_format(root, top);
    rc = rc ? rc : load_device(s, root, top);
    return rc ? rc : simjson_list(root, "journal", "journal entry", load_entry, s, top);
}

kerr_t csim_state_load(csim_t *s, kmsg_t *msg)
{
    kerr_t rc = simjson_read(s->state_path, MAX_STATE_BYTES, STATE_FILE, load_top, s, msg);
    if (rc)
        csim_state_free(s);
    return rc;
}
