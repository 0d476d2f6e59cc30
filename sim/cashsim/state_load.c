/* The state, read: every field is checked and a wrong one is named. Fields
 * left out take their power-up values, so a test can write a short file by
 * hand; an unknown field is an error (a typo cannot pass silently). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/kjson.h"
#include "sim/cashsim/csim.h"

#define MAX_STATE_BYTES (64 << 20)
#define JSON_EXACT 9007199254740992.0 /* 2^53: larger numbers are not exact in cJSON */

static kerr_t bad(kmsg_t *msg, const char *where, const char *field, const char *why)
{
    return kmsg_set(msg, K_EINVAL, "%s'%s' %s", where, field, why);
}

/* The integer value of a JSON number. cJSON keeps numbers as doubles,
 * which hold every integer up to 2^53 exactly; nothing is computed in them. */
static bool exact_int(const cJSON *it, int64_t *out)
{
    if (!cJSON_IsNumber(it))
        return false;
    double d = it->valuedouble;
    if (!(d >= -JSON_EXACT && d <= JSON_EXACT) || (double)(int64_t)d != d)
        return false;
    *out = (int64_t)d;
    return true;
}

/* An integer in [lo, hi]; left alone when absent unless required. */
static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, int64_t *out, const char *where,
                      kmsg_t *msg)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t v;
    char why[96];
    if (!it)
        return K_OK;
    snprintf(why, sizeof why, "must be a whole number %lld..%lld", (long long)lo, (long long)hi);
    if (!exact_int(it, &v) || v < lo || v > hi)
        return bad(msg, where, name, why);
    *out = v;
    return K_OK;
}

static kerr_t get_bool(const cJSON *o, const char *name, bool *out, const char *where, kmsg_t *msg)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!it)
        return K_OK;
    if (!cJSON_IsBool(it))
        return bad(msg, where, name, "must be true or false");
    *out = cJSON_IsTrue(it);
    return K_OK;
}

/* Refuses a key that is not in names. */
static kerr_t only_known(const cJSON *o, const char *const *names, const char *where, kmsg_t *msg)
{
    for (const cJSON *it = o->child; it; it = it->next) {
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
            known = strcmp(it->string, names[i]) == 0;
        if (!known)
            return bad(msg, where, it->string, "is not a field of the state file");
    }
    return K_OK;
}

static kerr_t require(const cJSON *o, const char *const *names, const char *where, kmsg_t *msg)
{
    for (size_t i = 0; names[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(o, names[i]))
            return bad(msg, where, names[i], "is missing");
    return K_OK;
}

/* A bill type that has a note (--notes), or null for none. */
static kerr_t get_type(const csim_t *s, const cJSON *o, const char *name, int *out, kmsg_t *msg)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t v = 0;
    if (!it || cJSON_IsNull(it)) {
        *out = 0;
        return K_OK;
    }
    if (!exact_int(it, &v) || v < 1 || v > CSIM_TYPES || !s->notes[v].id[0])
        return bad(msg, "", name, "must be null or a bill type that --notes gives a note");
    *out = (int)v;
    return K_OK;
}

static kerr_t get_text(const cJSON *o, const char *name, char *out, size_t cap, const char *where, kmsg_t *msg)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(it) || strlen(it->valuestring) >= cap)
        return bad(msg, where, name, "must be a string, and not that long");
    memcpy(out, it->valuestring, strlen(it->valuestring) + 1);
    return K_OK;
}

static kerr_t get_fate(const cJSON *o, csim_fate_t *out, const char *where, kmsg_t *msg)
{
    static const char *const names[] = {"stacked", "returned_power_loss", "returned_reset"};
    char text[32];
    kerr_t rc = get_text(o, "outcome", text, sizeof text, where, msg);
    for (int i = 0; rc == K_OK && i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (csim_fate_t)i;
            return K_OK;
        }
    return rc ? rc : bad(msg, where, "outcome", "must be stacked, returned_power_loss or returned_reset");
}

static kerr_t entry_texts(const cJSON *o, csim_entry_t *e, const char *where, kmsg_t *msg)
{
    kerr_t rc = get_text(o, "bill_id", e->bill_id, sizeof e->bill_id, where, msg);
    rc = rc ? rc : get_text(o, "currency", e->currency, sizeof e->currency, where, msg);
    if (rc == K_OK && !csim_id_shape(e->bill_id))
        rc = bad(msg, where, "bill_id", "must look like CN0020A");
    if (rc == K_OK && !currency_find(e->currency))
        rc = bad(msg, where, "currency", "must be a currency the kiosk knows (CNY, ...)");
    return rc ? rc : get_fate(o, &e->fate, where, msg);
}

static kerr_t load_entry(csim_t *s, const cJSON *o, size_t i, kmsg_t *msg)
{
    static const char *const names[] = {"note", "type", "bill_id", "currency", "value", "counter",
                                        "outcome", "time_ms", "time", NULL};
    static const char *const needed[] = {"type", "bill_id", "currency", "value", "counter", "outcome", "time_ms",
                                         NULL};
    char where[48];
    snprintf(where, sizeof where, "journal entry %zu: ", i + 1);
    csim_entry_t e = {.note = (int64_t)i + 1};
    int64_t type = 0, counter = 0, note = e.note;
    if (!cJSON_IsObject(o))
        return kmsg_set(msg, K_EINVAL, "%smust be an object", where);
    kerr_t rc = only_known(o, names, where, msg);
    rc = rc ? rc : require(o, needed, where, msg);
    rc = rc ? rc : get_int(o, "type", 1, CSIM_TYPES, &type, where, msg);
    rc = rc ? rc : get_int(o, "counter", 0, 255, &counter, where, msg);
    rc = rc ? rc : get_int(o, "value", 0, INT64_MAX / 2, &e.value, where, msg);
    rc = rc ? rc : get_int(o, "time_ms", 0, INT64_MAX / 2, &e.time_ms, where, msg);
    rc = rc ? rc : get_int(o, "note", e.note, e.note, &note, where, msg);
    rc = rc ? rc : entry_texts(o, &e, where, msg);
    e.type = (int)type;
    e.counter = (int)counter;
    if (rc == K_OK && !csim_journal_add(s, &e))
        rc = kmsg_set(msg, K_EIO, "out of memory");
    return rc;
}

static kerr_t load_journal(csim_t *s, const cJSON *root, kmsg_t *msg)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "journal");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a))
        return bad(msg, "", "journal", "must be an array");
    size_t i = 0;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        kerr_t rc = load_entry(s, it, i, msg);
        if (rc)
            return rc;
    }
    return K_OK;
}

static kerr_t load_events(csim_dev_t *d, const cJSON *root, kmsg_t *msg)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > CSIM_EVENTS)
        return bad(msg, "", "events", "must be an array of at most 5 pairs, newest first");
    int i = 0;
    for (const cJSON *p = a->child; p; p = p->next, i++) {
        int64_t v[2];
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !exact_int(p->child, &v[0]) ||
            !exact_int(p->child->next, &v[1]) || v[0] < 0 || v[0] > 255 || v[1] < 0 || v[1] > 255)
            return bad(msg, "", "events", "must hold pairs [A, B] of bytes 0..255");
        d->events[i][0] = (uint8_t)v[0];
        d->events[i][1] = (uint8_t)v[1];
    }
    return K_OK;
}

static kerr_t load_box(csim_dev_t *d, const cJSON *root, kmsg_t *msg)
{
    static const char *const names[] = {"present", "full", NULL};
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "box");
    if (!b)
        return K_OK;
    if (!cJSON_IsObject(b))
        return bad(msg, "", "box", "must be an object");
    kerr_t rc = only_known(b, names, "box: ", msg);
    rc = rc ? rc : get_bool(b, "present", &d->box_present, "box: ", msg);
    return rc ? rc : get_bool(b, "full", &d->box_full, "box: ", msg);
}

static kerr_t load_format(const cJSON *root, kmsg_t *msg)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    int64_t version = 1;
    if (f && !(cJSON_IsString(f) && strcmp(f->valuestring, "cashsim-state") == 0))
        return bad(msg, "", "format", "must be \"cashsim-state\"");
    kerr_t rc = get_int(root, "version", 1, 1000000, &version, "", msg);
    if (rc == K_OK && version != 1)
        return kmsg_set(msg, K_EVERSION, "state version %lld is newer than this cashsim (1)", (long long)version);
    return rc;
}

static kerr_t load_device(csim_t *s, const cJSON *root, kmsg_t *msg)
{
    csim_dev_t *d = &s->dev;
    int64_t counter = 0, mask = 0, mode = 0;
    kerr_t rc = get_int(root, "counter", 0, 255, &counter, "", msg);
    rc = rc ? rc : get_int(root, "inhibit_mask", 0, 65535, &mask, "", msg);
    rc = rc ? rc : get_int(root, "mode", 0, 255, &mode, "", msg);
    rc = rc ? rc : get_bool(root, "accepting", &d->accepting, "", msg);
    rc = rc ? rc : get_type(s, root, "escrow", &d->escrow, msg);
    rc = rc ? rc : get_type(s, root, "jammed", &d->jammed, msg);
    rc = rc ? rc : load_box(d, root, msg);
    rc = rc ? rc : load_events(d, root, msg);
    d->counter = (uint8_t)counter;
    d->mask = (uint16_t)mask;
    d->mode = (uint8_t)mode;
    if (rc == K_OK && d->escrow && d->jammed)
        rc = kmsg_set(msg, K_EINVAL, "a note cannot be both in escrow and jammed");
    return rc;
}

static kerr_t load_top(csim_t *s, const cJSON *root, kmsg_t *msg)
{
    static const char *const names[] = {"format", "version", "counter", "accepting", "inhibit_mask", "mode",
                                        "escrow", "jammed",  "box",     "events",    "journal",      "totals",
                                        NULL};
    if (!cJSON_IsObject(root))
        return kmsg_set(msg, K_EINVAL, "the state must be a JSON object");
    kerr_t rc = only_known(root, names, "", msg);
    rc = rc ? rc : load_format(root, msg);
    rc = rc ? rc : load_device(s, root, msg);
    return rc ? rc : load_journal(s, root, msg);
}

static kerr_t read_file(const char *path, char **out, kmsg_t *msg)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? K_ENOTFOUND : kmsg_set(msg, K_EIO, "cannot open: %s", strerror(errno));
    char *buf = malloc(MAX_STATE_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_STATE_BYTES + 1, f) : 0;
    bool err = ferror(f) != 0;
    fclose(f);
    if (!buf || err || n > MAX_STATE_BYTES) {
        free(buf);
        return kmsg_set(msg, K_EIO, "cannot read it (or larger than %d bytes)", MAX_STATE_BYTES);
    }
    buf[n] = '\0';
    *out = buf;
    return K_OK;
}

kerr_t csim_state_load(csim_t *s, kmsg_t *msg)
{
    char *text = NULL;
    kerr_t rc = read_file(s->state_path, &text, msg);
    if (rc)
        return rc;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
        return kmsg_set(msg, K_EINVAL, "not valid JSON");
    rc = load_top(s, root, msg);
    cJSON_Delete(root);
    if (rc)
        csim_state_free(s);
    return rc;
}
