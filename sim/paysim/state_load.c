/* The state file, read: every field is checked, a wrong one is named with
 * its journal entry, an unknown one is refused (a typo must not pass).
 * Fields left out take their defaults, so a test can write a short file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk/app/kjson.h"
#include "sim/paysim/psim.h"

#define MAX_STATE_BYTES (512 << 20)
#define JSON_EXACT 9007199254740992.0 /* 2^53: larger numbers are not exact in cJSON */

/* Where a field sits, for messages: entry 0 is the top level. */
typedef struct where {
    size_t entry;
    kmsg_t *msg;
} where_t;

static kerr_t bad(const where_t *w, const char *field, const char *why)
{
    if (w->entry)
        return kmsg_set(w->msg, K_EINVAL, "journal entry %zu: '%s' %s", w->entry, field, why);
    return kmsg_set(w->msg, K_EINVAL, "'%s' %s", field, why);
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

/* An integer in [lo, hi] (null reads as 0 when null_ok); left alone when
 * absent. */
static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, bool null_ok, int64_t *out,
                      const where_t *w)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    char why[96];
    int64_t v;
    if (!it)
        return K_OK;
    if (null_ok && cJSON_IsNull(it)) {
        *out = 0;
        return K_OK;
    }
    snprintf(why, sizeof why, "must be a whole number %lld..%lld%s", (long long)lo, (long long)hi,
             null_ok ? " or null" : "");
    if (!exact_int(it, &v) || v < lo || v > hi)
        return bad(w, name, why);
    *out = v;
    return K_OK;
}

static kerr_t get_u32(const cJSON *o, const char *name, int64_t lo, int64_t hi, bool null_ok, uint32_t *out,
                      const where_t *w)
{
    int64_t v = *out;
    kerr_t rc = get_int(o, name, lo, hi, null_ok, &v, w);
    *out = (uint32_t)v;
    return rc;
}

static kerr_t get_text(const cJSON *o, const char *name, char *out, size_t cap, const where_t *w)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!it)
        return K_OK;
    if (!cJSON_IsString(it) || strlen(it->valuestring) >= cap)
        return bad(w, name, "must be a string, and not that long");
    memcpy(out, it->valuestring, strlen(it->valuestring) + 1);
    return K_OK;
}

/* Refuses a key that is not in names. */
static kerr_t only_known(const cJSON *o, const char *const *names, const where_t *w)
{
    for (const cJSON *it = o->child; it; it = it->next) {
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
            known = strcmp(it->string, names[i]) == 0;
        if (!known)
            return bad(w, it->string, "is not a field of the state file");
    }
    return K_OK;
}

static kerr_t get_kind(const cJSON *o, psim_txn_t *t, const where_t *w)
{
    static const char *const names[] = {"authorisation", "reversal", "end-of-day"};
    char kind[24] = "";
    kerr_t rc = get_text(o, "kind", kind, sizeof kind, w);
    for (int k = 0; !rc && k < 3; k++)
        if (strcmp(kind, names[k]) == 0) {
            t->kind = (psim_kind_t)k;
            return K_OK;
        }
    return rc ? rc : bad(w, "kind", "must be authorisation, reversal or end-of-day");
}

static kerr_t get_result(const cJSON *o, psim_txn_t *t, const where_t *w)
{
    char text[4] = "00", *end = NULL;
    kerr_t rc = get_text(o, "result", text, sizeof text, w);
    unsigned long v = rc ? 0 : strtoul(text, &end, 16);
    if (!rc && (strlen(text) != 2 || *end || v > 0xFF))
        return bad(w, "result", "must be two hex digits (\"00\", \"6C\")");
    t->result = (uint8_t)v;
    return rc;
}

static kerr_t check_texts(const psim_txn_t *t, const where_t *w)
{
    for (const char *p = t->reference; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return bad(w, "reference", "must be printable ASCII");
    if (strspn(t->card, "0123456789*") != strlen(t->card))
        return bad(w, "card", "must hold digits and '*' only");
    return K_OK;
}

static kerr_t get_card(const cJSON *o, psim_txn_t *t, const where_t *w)
{
    bool reversed = false;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reversed");
    if (r && !cJSON_IsBool(r))
        return bad(w, "reversed", "must be true or false");
    reversed = r && cJSON_IsTrue(r);
    t->reversed = reversed;
    kerr_t rc = get_text(o, "card", t->card, sizeof t->card, w);
    int64_t type = t->card_type;
    rc = rc ? rc : get_int(o, "card_type", 0, 255, false, &type, w);
    t->card_type = (uint8_t)type;
    return rc;
}

static kerr_t load_txn(const cJSON *o, psim_t *s, const where_t *w)
{
    static const char *const names[] = {"kind",     "amount", "currency", "reference", "receipt", "trace",
                                        "result",   "reversed", "reverses", "count",   "card",    "card_type",
                                        "time_ms",  "time",   NULL};
    psim_txn_t t = {.currency = s->currency};
    int64_t currency = t.currency;
    if (!cJSON_IsObject(o))
        return bad(w, "journal", "must hold objects");
    kerr_t rc = only_known(o, names, w);
    rc = rc ? rc : get_kind(o, &t, w);
    rc = rc ? rc : get_int(o, "amount", 0, PSIM_MAX_AMOUNT, false, &t.amount, w);
    rc = rc ? rc : get_int(o, "currency", 0, 999, false, &currency, w);
    rc = rc ? rc : get_text(o, "reference", t.reference, sizeof t.reference, w);
    rc = rc ? rc : get_u32(o, "receipt", 1, PSIM_MAX_RECEIPT, true, &t.receipt, w);
    rc = rc ? rc : get_u32(o, "trace", 1, PSIM_MAX_TRACE, true, &t.trace, w);
    rc = rc ? rc : get_u32(o, "reverses", 0, PSIM_MAX_RECEIPT, false, &t.reverses, w);
    rc = rc ? rc : get_int(o, "count", 0, PSIM_MAX_JOURNAL, false, &t.count, w);
    rc = rc ? rc : get_int(o, "time_ms", 0, (int64_t)JSON_EXACT, false, &t.time_ms, w);
    rc = rc ? rc : get_result(o, &t, w);
    rc = rc ? rc : get_card(o, &t, w);
    rc = rc ? rc : check_texts(&t, w);
    t.currency = (uint16_t)currency;
    if (!rc && !psim_journal_push(s, &t))
        rc = kmsg_set(w->msg, K_EIO, "out of memory, or over %d journal entries", PSIM_MAX_JOURNAL);
    return rc;
}

static kerr_t load_journal(const cJSON *root, psim_t *s, kmsg_t *msg)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "journal");
    where_t w = {0, msg};
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a))
        return bad(&w, "journal", "must be a list");
    kerr_t rc = K_OK;
    for (const cJSON *it = a->child; it && !rc; it = it->next) {
        w.entry++;
        rc = load_txn(it, s, &w);
    }
    return rc;
}

static kerr_t load_top(const cJSON *root, psim_t *s, kmsg_t *msg)
{
    /* the control port's "state" adds the live fields: accepted, not read */
    static const char *const names[] = {"format",  "version",      "next_receipt", "next_trace",      "journal",
                                        "terminal_id", "currency", "clock",        "clock_frozen",    "connected",
                                        "ecr_connections", "busy", "faults",       NULL};
    where_t w = {0, msg};
    char format[32] = "paysim-state";
    int64_t version = 1;
    if (!cJSON_IsObject(root))
        return kmsg_set(msg, K_EINVAL, "the state file must hold one JSON object");
    kerr_t rc = only_known(root, names, &w);
    rc = rc ? rc : get_text(root, "format", format, sizeof format, &w);
    if (!rc && strcmp(format, "paysim-state") != 0)
        return bad(&w, "format", "must be \"paysim-state\"");
    rc = rc ? rc : get_int(root, "version", 1, 1, false, &version, &w);
    rc = rc ? rc : get_u32(root, "next_receipt", 1, PSIM_MAX_RECEIPT, false, &s->next_receipt, &w);
    rc = rc ? rc : get_u32(root, "next_trace", 1, PSIM_MAX_TRACE, false, &s->next_trace, &w);
    return rc ? rc : load_journal(root, s, msg);
}

static kerr_t read_file(const char *path, char **out, kmsg_t *msg)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        return kmsg_set(msg, errno == ENOENT ? K_ENOTFOUND : K_EIO, "cannot read %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || st.st_size > MAX_STATE_BYTES) {
        fclose(f);
        return kmsg_set(msg, K_EIO, "cannot read %s (or it is over %d MB)", path, MAX_STATE_BYTES >> 20);
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    size_t n = text ? fread(text, 1, size + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!text || err || n > size) {
        free(text);
        return kmsg_set(msg, K_EIO, "cannot read %s (out of memory, or it changed while read)", path);
    }
    text[n] = '\0';
    *out = text;
    return K_OK;
}

kerr_t psim_state_load(psim_t *s, kmsg_t *msg)
{
    char *text = NULL;
    kerr_t rc = read_file(s->state_path, &text, msg);
    if (rc)
        return rc;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root)
        rc = kmsg_set(msg, K_EINVAL, "%s is not JSON (look near byte %td)", s->state_path, end ? end - text : 0);
    free(text);
    if (!rc)
        rc = load_top(root, s, msg);
    cJSON_Delete(root);
    if (rc) {
        free(s->journal);
        s->journal = NULL;
        s->n_journal = s->cap_journal = 0;
    }
    return rc;
}
