/* Staff operations on meter cards: issuing a blank card to a meter (a new
 * account) and issuing a replacement for a lost or blocked card. Durable
 * first: the issue is in the ledger (state issuing) before the card is
 * written, and finished once the card reads back what was written. A card
 * pulled out in between is recognised by its serial when it comes back. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* YYMMDDhhmmss (UTC) of the kiosk's wall clock. */
static void issue_time(engine_t *e, char out[CARD_DIGITS_LEN])
{
    time_t t = (time_t)(kclock_wall(e->clk) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, CARD_DIGITS_LEN, "%02d%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The ledger row of the card to issue: a new account's first card, or the
 * replacement of the meter's newest card. */
static kerr_t plan(engine_t *e, const engine_mcard_issue_t *req, const char *serial, ledger_mcard_t *row, kmsg_t *msg)
{
    ledger_mcard_t latest;
    bool found;
    kerr_t rc = ledger_mcard_latest(e->ledger, req->meter, &latest, &found, msg);
    if (rc)
        return rc;
    bool live = found && strcmp(latest.state, "issuing") != 0;
    *row = (ledger_mcard_t){.generation = 0};
    snprintf(row->serial, sizeof row->serial, "%s", serial);
    snprintf(row->meter, sizeof row->meter, "%s", req->meter);
    snprintf(row->operator_name, sizeof row->operator_name, "%s", req->operator_name);
    snprintf(row->type, sizeof row->type, "%s", req->replace ? "replacement" : "user");
    if (!req->replace) {
        if (live)
            return kmsg_set(msg, K_ECONFLICT, "meter %s has card %s already (generation %d): use card replace",
                            req->meter, latest.serial, latest.generation);
        snprintf(row->customer, sizeof row->customer, "%s", req->customer);
        return K_OK;
    }
    if (live) {
        row->generation = latest.generation + 1;
        snprintf(row->customer, sizeof row->customer, "%s", latest.customer);
        snprintf(row->replaces, sizeof row->replaces, "%s", latest.serial);
    } else if (req->lost_generation >= 0 && req->customer[0]) {
        row->generation = req->lost_generation + 1; /* the lost card was issued elsewhere */
        snprintf(row->customer, sizeof row->customer, "%s", req->customer);
    } else {
        return kmsg_set(msg, K_ENOTFOUND,
                        "no card of meter %s was issued here: give the lost card's generation and the customer",
                        req->meter);
    }
    if (row->generation > 255)
        return kmsg_set(msg, K_EINVAL, "meter %s has had 256 cards; a card holds generations 0..255", req->meter);
    return K_OK;
}

/* What EF_INFO of the card will hold. */
static card_info_t info_of(engine_t *e, const card_view_t *v, const ledger_mcard_t *row)
{
    card_info_t info = v->info;
    info.version = CARD_INFO_VERSION;
    info.type = strcmp(row->type, "replacement") == 0 ? CARD_TYPE_REPLACEMENT : CARD_TYPE_USER;
    snprintf(info.meter, sizeof info.meter, "%s", row->meter);
    snprintf(info.customer, sizeof info.customer, "%s", row->customer);
    info.generation = (uint8_t)row->generation;
    info.currency = e->cfg->currency ? e->cfg->currency->numeric : 0;
    issue_time(e, info.issued);
    return info;
}

/* Writes the card and finishes the issue in the ledger. */
static kerr_t write_card(engine_t *e, const card_info_t *info, const char *serial, kmsg_t *msg)
{
    engine__step(e, "card_issue.intent");
    kerr_t rc = gw_card_issue(e->card, info, msg);
    engine__step(e, "card_issue.written");
    if (rc == K_ETIMEOUT)
        return kmsg_set(msg, K_ETIMEOUT,
                        "card %s was pulled out or did not answer while it was written: put it back and issue it "
                        "again (the ledger remembers it)",
                        serial);
    if (rc)
        return rc;
    LOG_I("engine", "card %s issued to meter %s, generation %u", serial, info->meter, info->generation);
    return ledger_mcard_done(e->ledger, serial, msg);
}

/* The card came back after its issue was begun: finish it. */
static kerr_t resume(engine_t *e, const card_view_t *v, const ledger_mcard_t *row, kmsg_t *msg)
{
    if (v->info.type == CARD_TYPE_BLANK) {
        card_info_t info = info_of(e, v, row);
        return write_card(e, &info, row->serial, msg);
    }
    if (strcmp(v->info.meter, row->meter) != 0 || v->info.generation != row->generation)
        return kmsg_set(msg, K_ECORRUPT, "card %s holds meter %s generation %u, the ledger meant meter %s generation %d",
                        row->serial, v->info.meter, v->info.generation, row->meter, row->generation);
    return ledger_mcard_done(e->ledger, row->serial, msg);
}

static kerr_t do_mcard_issue(engine_t *e, const engine_mcard_issue_t *req, engine_mcard_t *out, kmsg_t *msg)
{
    kerr_t rc = engine__mcard_read(e, out, msg);
    if (rc)
        return rc;
    ledger_mcard_t row;
    bool found;
    if ((rc = ledger_mcard_get(e->ledger, out->serial, &row, &found, msg)))
        return rc;
    if (found && strcmp(row.state, "issuing") == 0 && strcmp(row.meter, req->meter) == 0)
        rc = resume(e, &out->view, &row, msg);
    else if (found || out->view.info.type != CARD_TYPE_BLANK)
        return kmsg_set(msg, K_ESTATE, "card %s is issued already (to meter %s): use a blank card", out->serial,
                        found ? row.meter : out->view.info.meter);
    else if ((rc = plan(e, req, out->serial, &row, msg)) == K_OK &&
             (rc = ledger_mcard_begin(e->ledger, &row, req->reason, msg)) == K_OK) {
        card_info_t info = info_of(e, &out->view, &row);
        rc = write_card(e, &info, out->serial, msg);
    }
    if (rc == K_OK)
        rc = gw_card_view(e->card, &out->view, msg);
    return rc;
}

kerr_t engine_mcard_issue(engine_t *e, const engine_mcard_issue_t *req, engine_mcard_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "mcard issue", msg, do_mcard_issue(e, req, out, msg));
}
