/* The state, read: every field is checked and a wrong one is named. Fields
 * left out take their power-up values, so a test can write a short file by
 * hand; an unknown field is an error (a typo cannot pass silently). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/common/simload.h"
#include "sim/cashsim/csim.h"

#define MAX_STATE_BYTES ((size_t)64 << 20)
#define STATE_FILE "the state file"

/* A bill type that has a note (--notes), or null for none. */
static kerr_t get_type(const csim_t *s, const cJSON *o, const char *name, int *out, const simload_at_t *at)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t v = 0;
    if (!it || cJSON_IsNull(it)) {
        *out = 0;
        return K_OK;
    }
    if (!simload_exact_int(it, &v) || v < 1 || v > CSIM_TYPES || !s->notes[v].id[0])
        return simload_bad(at, name, "must be null or a bill type that --notes gives a note");
    *out = (int)v;
    return K_OK;
}

static kerr_t get_fate(const cJSON *o, csim_fate_t *out, const simload_at_t *at)
{
    static const char *const names[] = {"stacked", "returned_power_loss", "returned_reset"};
    char text[32] = "";
    kerr_t rc = simload_text(o, "outcome", text, sizeof text, at);
    for (int i = 0; rc == K_OK && i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (csim_fate_t)i;
            return K_OK;
        }
    return rc ? rc : simload_bad(at, "outcome", "must be stacked, returned_power_loss or returned_reset");
}

static kerr_t entry_texts(const cJSON *o, csim_entry_t *e, const simload_at_t *at)
{
    kerr_t rc = simload_text(o, "bill_id", e->bill_id, sizeof e->bill_id, at);
    rc = rc ? rc : simload_text(o, "currency", e->currency, sizeof e->currency, at);
    if (rc == K_OK && !csim_id_shape(e->bill_id))
        rc = simload_bad(at, "bill_id", "must look like CN0020A");
    if (rc == K_OK && !currency_find(e->currency))
        rc = simload_bad(at, "currency", "must be a currency the kiosk knows (CNY, ...)");
    return rc ? rc : get_fate(o, &e->fate, at);
}

static kerr_t load_entry(csim_t *s, const cJSON *o, size_t i, kmsg_t *msg)
{
    static const char *const names[] = {"note", "type", "bill_id", "currency", "value", "counter",
                                        "outcome", "time_ms", "time", NULL};
    static const char *const needed[] = {"type", "bill_id", "currency", "value", "counter", "outcome", "time_ms",
                                         NULL};
    simload_at_t at = simload_top(STATE_FILE, msg);
    simload_at(&at, "journal entry %zu: ", i + 1);
    csim_entry_t e = {.note = (int64_t)i + 1};
    int64_t type = 0, counter = 0, note = e.note;
    if (!cJSON_IsObject(o))
        return kmsg_set(msg, K_EINVAL, "%smust be an object", at.where);
    kerr_t rc = simload_only_known(o, names, &at);
    rc = rc ? rc : simload_require(o, needed, &at);
    rc = rc ? rc : simload_int(o, "type", 1, CSIM_TYPES, 0, &type, &at);
    rc = rc ? rc : simload_int(o, "counter", 0, 255, 0, &counter, &at);
    rc = rc ? rc : simload_int(o, "value", 0, INT64_MAX / 2, 0, &e.value, &at);
    rc = rc ? rc : simload_int(o, "time_ms", 0, INT64_MAX / 2, 0, &e.time_ms, &at);
    rc = rc ? rc : simload_int(o, "note", e.note, e.note, 0, &note, &at);
    rc = rc ? rc : entry_texts(o, &e, &at);
    e.type = (int)type;
    e.counter = (int)counter;
    if (rc == K_OK && !csim_journal_add(s, &e))
        rc = kmsg_set(msg, K_EIO, "out of memory");
    return rc;
}

static kerr_t load_journal(csim_t *s, const cJSON *root, const simload_at_t *top)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "journal");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a))
        return simload_bad(top, "journal", "must be an array");
    size_t i = 0;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        kerr_t rc = load_entry(s, it, i, top->msg);
        if (rc)
            return rc;
    }
    return K_OK;
}

static kerr_t load_events(csim_dev_t *d, const cJSON *root, const simload_at_t *top)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > CSIM_EVENTS)
        return simload_bad(top, "events", "must be an array of at most 5 pairs, newest first");
    int i = 0;
    for (const cJSON *p = a->child; p; p = p->next, i++) {
        int64_t v[2];
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !simload_exact_int(p->child, &v[0]) ||
            !simload_exact_int(p->child->next, &v[1]) || v[0] < 0 || v[0] > 255 || v[1] < 0 || v[1] > 255)
            return simload_bad(top, "events", "must hold pairs [A, B] of bytes 0..255");
        d->events[i][0] = (uint8_t)v[0];
        d->events[i][1] = (uint8_t)v[1];
    }
    return K_OK;
}

static kerr_t load_box(csim_dev_t *d, const cJSON *root, const simload_at_t *top)
{
    static const char *const names[] = {"present", "full", NULL};
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "box");
    simload_at_t at = *top;
    if (!b)
        return K_OK;
    if (!cJSON_IsObject(b))
        return simload_bad(top, "box", "must be an object");
    simload_at(&at, "box: ");
    kerr_t rc = simload_only_known(b, names, &at);
    rc = rc ? rc : simload_bool(b, "present", &d->box_present, &at);
    return rc ? rc : simload_bool(b, "full", &d->box_full, &at);
}

static kerr_t load_format(const cJSON *root, const simload_at_t *top)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    int64_t version = 1;
    if (f && !(cJSON_IsString(f) && strcmp(f->valuestring, "cashsim-state") == 0))
        return simload_bad(top, "format", "must be \"cashsim-state\"");
    kerr_t rc = simload_int(root, "version", 1, 1000000, 0, &version, top);
    if (rc == K_OK && version != 1)
        return kmsg_set(top->msg, K_EVERSION, "state version %lld is newer than this cashsim (1)", (long long)version);
    return rc;
}

static kerr_t load_device(csim_t *s, const cJSON *root, const simload_at_t *top)
{
    csim_dev_t *d = &s->dev;
    int64_t counter = 0, mask = 0, mode = 0;
    kerr_t rc = simload_int(root, "counter", 0, 255, 0, &counter, top);
    rc = rc ? rc : simload_int(root, "inhibit_mask", 0, 65535, 0, &mask, top);
    rc = rc ? rc : simload_int(root, "mode", 0, 255, 0, &mode, top);
    rc = rc ? rc : simload_bool(root, "accepting", &d->accepting, top);
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

static kerr_t load_top(csim_t *s, const cJSON *root, kmsg_t *msg)
{
    static const char *const names[] = {"format", "version", "counter", "accepting", "inhibit_mask", "mode",
                                        "escrow", "jammed",  "box",     "events",    "journal",      "totals",
                                        NULL};
    simload_at_t top = simload_top(STATE_FILE, msg);
    if (!cJSON_IsObject(root))
        return kmsg_set(msg, K_EINVAL, "the state must be a JSON object");
    kerr_t rc = simload_only_known(root, names, &top);
    rc = rc ? rc : load_format(root, &top);
    rc = rc ? rc : load_device(s, root, &top);
    return rc ? rc : load_journal(s, root, &top);
}

kerr_t csim_state_load(csim_t *s, kmsg_t *msg)
{
    cJSON *root = NULL;
    kerr_t rc = simload_file(s->state_path, MAX_STATE_BYTES, &root, msg);
    if (rc)
        return rc;
    rc = load_top(s, root, msg);
    cJSON_Delete(root);
    if (rc)
        csim_state_free(s);
    return rc;
}
