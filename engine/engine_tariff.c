/* A meter's kind and tariff as the kiosk sells to it: the back office's
 * registry document (or the registry file) names the meter's kind and its
 * tariff id; the tariffs document gives that id's versions, each in force
 * from its effective time (core/tariff_plan.c decides which); a kiosk that
 * holds no tariffs document falls back on ui.tariff / ui.tariff_water. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/timefmt.h"
#include "engine/engine_int.h"

#define TARIFF_VERSIONS 16

/* The meter's kind and tariff id: the registry document for a meter it
 * lists, else the registry file's line. */
static void kind_and_id(engine_t *e, const char *meter, engine_meter_profile_t *out)
{
    const registry_entry_t *line = e->registry ? registry_find(e->registry, meter) : NULL;
    if (line) {
        out->kind = line->kind;
        snprintf(out->tariff.id, sizeof out->tariff.id, "%s", line->tariff);
    }
    ledger_doc_t d;
    bool found = false;
    kmsg_t ignore;
    if (ledger_doc_get(e->ledger, "registry", &d, &found, &ignore) != K_OK || !found)
        return;
    registry_status_t st;
    if (registry_doc_lookup(d.body, meter, &st, &ignore) == K_OK && st.listed) {
        if (st.has_kind)
            out->kind = st.kind;
        snprintf(out->tariff.id, sizeof out->tariff.id, "%s", st.tariff);
    }
    free(d.body);
}

/* An entry's effective time: "effective_at" (ISO 8601 UTC, with or
 * without milliseconds: "2027-01-01T00:00:00.000Z"), or always. */
static bool effective(const cJSON *it, int64_t *from_ms)
{
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "effective_at"));
    *from_ms = TARIFF_ALWAYS;
    if (!at)
        return true;
    char whole[32];
    int ms = 0, used = 0;
    const char *dot = strchr(at, '.');
    if (!dot)
        return ktime_parse(at, from_ms);
    if ((size_t)(dot - at) >= sizeof whole || sscanf(dot, ".%3d%n", &ms, &used) != 1 || used != 4 || ms < 0 ||
        strcmp(dot + used, "Z") != 0)
        return false;
    snprintf(whole, sizeof whole, "%.*sZ", (int)(dot - at), at);
    if (!ktime_parse(whole, from_ms))
        return false;
    *from_ms += ms;
    return true;
}

/* Collects the versions of id in the site's currency; *n how many. */
static void versions(const cJSON *list, const char *id, const char *currency, const cJSON *ver[],
                     int64_t from[], size_t *n)
{
    const cJSON *it;
    *n = 0;
    cJSON_ArrayForEach(it, list)
    {
        const char *tid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        const char *cur = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "currency"));
        if (!tid || strcmp(tid, id) != 0 || (cur && strcmp(cur, currency) != 0) || *n == TARIFF_VERSIONS)
            continue;
        if (!effective(it, &from[*n]))
            LOG_W("engine", "tariff %s: an effective_at that is no time: that version is not used", id);
        else
            ver[(*n)++] = it;
    }
}

/* The version of out->tariff.id in force at at_ms from the tariffs
 * document's body; false if there is none (a reason logged). */
static bool from_document(const engine_t *e, const char *body, int64_t at_ms, meter_tariff_t *out)
{
    cJSON *doc = cJSON_Parse(body ? body : "");
    const cJSON *ver[TARIFF_VERSIONS];
    int64_t from[TARIFF_VERSIONS];
    size_t n = 0;
    versions(cJSON_GetObjectItemCaseSensitive(doc, "tariffs"), out->id, e->cfg->currency->code, ver, from, &n);
    int i = tariff_version_at(from, n, at_ms);
    kmsg_t why = {""};
    const char *text = i >= 0 ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ver[i], "text")) : NULL;
    bool ok = text && tariff_parse(text, e->cfg->currency->exponent, &out->tariff, &why) == K_OK;
    if (i < 0)
        LOG_W("engine", "tariff %s: not in the tariffs document in force now: no estimate", out->id);
    else if (!ok)
        LOG_W("engine", "tariff %s: '%s' not used: %s", out->id, text ? text : "(no text)", why.text);
    out->from_ms = i >= 0 ? from[i] : TARIFF_ALWAYS;
    cJSON_Delete(doc);
    return ok;
}

/* The configuration's fallback for the kind; false if it gives none. */
static bool from_config(const engine_t *e, meter_kind_t kind, meter_tariff_t *out)
{
    const char *text = kind == METER_WATER ? e->cfg->ui_tariff_water : e->cfg->ui_tariff;
    kmsg_t ignore;
    out->id[0] = '\0';
    out->from_ms = TARIFF_ALWAYS;
    return text[0] && tariff_parse(text, e->cfg->currency->exponent, &out->tariff, &ignore) == K_OK;
}

/* The first instant of at_ms's month (UTC). */
static int64_t month_start(int64_t at_ms)
{
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mday = 1, tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return (int64_t)timegm(&tm) * 1000;
}

kerr_t engine_meter_profile(engine_t *e, const char *meter, int64_t at_ms, engine_meter_profile_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    kind_and_id(e, meter, out);
    ledger_doc_t d;
    bool found = false;
    kerr_t rc = ledger_doc_get(e->ledger, "tariffs", &d, &found, msg);
    if (rc)
        return rc;
    if (found) {
        out->has_tariff = out->tariff.id[0] && from_document(e, d.body, at_ms, &out->tariff);
        free(d.body);
    } else {
        out->has_tariff = from_config(e, out->kind, &out->tariff);
    }
    if (out->has_tariff && out->tariff.tariff.kind == TARIFF_TIERED)
        rc = ledger_use_since(e->ledger, meter, month_start(at_ms), at_ms, &out->tariff.ctx.month_used, msg);
    return rc;
}
