/* kioskctl card ...: the meter card in the reader. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/kjson.h"
#include "kiosk/ctl/ctl.h"

int ctl_card_inserted(ctl_site_t *s, engine_mcard_t *card)
{
    kmsg_t msg;
    if (!s->engine.card)
        return ctl_fail(CTL_EXIT_FAIL, "no meter-card reader (set card.protocol = pcsc)");
    engine_mcard_t tmp;
    kerr_t rc = engine_mcard_inserted(&s->engine, &tmp, &msg);
    if (rc == K_ENOTFOUND)
        return ctl_fail(CTL_EXIT_FAIL, "no meter card in the reader (%s)", msg.text);
    if (rc != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "the card cannot be read: %s", msg.text);
    *card = tmp;
    if (card->finished)
        fprintf(stderr, "kioskctl: %d unfinished purchase(s) of this card written now\n", card->finished);
    return CTL_EXIT_OK;
}

static const char *type_name(uint8_t t)
{
    return t == CARD_TYPE_BLANK ? "blank" : t == CARD_TYPE_USER ? "user" : t == CARD_TYPE_REPLACEMENT ? "replacement" : "?";
}

static const char *purpose_name(uint8_t p)
{
    static const char *const names[] = {"none", "open_account", "purchase", "replacement"};
    return p < 4 ? names[p] : "?";
}

static cJSON *purse_json(const card_purse_t *p)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "purpose", purpose_name(p->purpose));
    kjson_add_int(o, "amount", p->amount);
    kjson_add_int(o, "count", p->count);
    kjson_add_str(o, "time", p->time);
    return o;
}

static cJSON *writeback_json(const card_writeback_t *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "written", w->written);
    kjson_add_str(o, "meter", w->meter);
    kjson_add_int(o, "remaining", w->remaining);
    kjson_add_int(o, "energy_wh", w->energy_total);
    static const char *const bands[] = {"sharp_wh", "peak_wh", "flat_wh", "valley_wh"};
    for (int i = 0; i < 4; i++)
        kjson_add_int(o, bands[i], w->energy[i]);
    kjson_add_int(o, "meter_count", w->count);
    kjson_add_int(o, "status", w->status);
    kjson_add_int(o, "tamper", w->tamper);
    kjson_add_str(o, "time", w->time);
    return o;
}

/* The card as kioskctl prints it. */
static cJSON *card_json(const engine_mcard_t *card)
{
    const card_info_t *i = &card->view.info;
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "serial", card->serial);
    kjson_add_str(o, "type", type_name(i->type));
    kjson_add_str(o, "status", i->status == CARD_STATUS_BLOCKED ? "blocked" : "active");
    kjson_add_str(o, "meter", i->meter);
    kjson_add_str(o, "customer", i->customer);
    kjson_add_int(o, "generation", i->generation);
    cJSON_AddItemToObject(o, "purse", purse_json(&card->view.purse));
    cJSON_AddItemToObject(o, "writeback", writeback_json(&card->view.writeback));
    cJSON *alerts = cJSON_AddArrayToObject(o, "alerts");
    for (size_t k = 0; k < card->n_alerts; k++)
        cJSON_AddItemToArray(alerts, cJSON_CreateString(card->alerts[k].kind));
    return o;
}

static void print_json(cJSON *o)
{
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

int ctl_card_read(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl card read");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    engine_mcard_t card;
    if (status == CTL_EXIT_OK && (status = ctl_card_inserted(&s, &card)) == CTL_EXIT_OK) {
        cJSON *o = card_json(&card);
        cJSON_AddBoolToObject(o, "can_buy", card.verdict == MCARD_OK);
        kjson_add_str(o, "verdict", mcard_verdict_text(card.verdict));
        print_json(o);
    }
    if (s.ledger)
        ctl_site_close(&s);
    return status;
}

/* card issue and card replace: the options, then the engine. */
static int issue(ctl_t *c, bool replace)
{
    static const struct option opts[] = {{"meter", required_argument, NULL, 'm'},
                                         {"customer", required_argument, NULL, 'c'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"generation", required_argument, NULL, 'g'},
                                         {0, 0, 0, 0}};
    engine_mcard_issue_t req = {.meter = "", .customer = "", .replace = replace, .lost_generation = -1,
                                .operator_name = ctl_actor(),
                                .reason = replace ? "the resident's card was lost or blocked" : "new account"};
    const char *usage = replace ? "usage: kioskctl card replace --meter ADDR [--reason TEXT] [--generation N "
                                  "--customer NUMBER]"
                                : "usage: kioskctl card issue --meter ADDR --customer NUMBER [--reason TEXT]";
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        switch (ch) {
        case 'm': req.meter = optarg; break;
        case 'c': req.customer = optarg; break;
        case 'r': req.reason = optarg; break;
        case 'g':
            req.lost_generation = (int)strtol(optarg, &end, 10);
            if (!replace || *end || end == optarg || req.lost_generation < 0 || req.lost_generation > 254)
                return ctl_fail(CTL_EXIT_USAGE, "--generation %s: the lost card's generation, 0..254 (%s)", optarg, usage);
            break;
        default: return ctl_fail(CTL_EXIT_USAGE, "%s", usage);
        }
    }
    if (optind != c->argc || !ctl_twelve_digits(req.meter) || (req.customer[0] && !ctl_twelve_digits(req.customer)) ||
        (!replace && !req.customer[0]) || (replace && (req.lost_generation >= 0) != (req.customer[0] != 0)))
        return ctl_fail(CTL_EXIT_USAGE, "%s (ADDR and NUMBER are 12 digits)", usage);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    engine_mcard_t card;
    kmsg_t msg = {""};
    kerr_t rc = s.engine.card ? engine_mcard_issue(&s.engine, &req, &card, &msg)
                              : kmsg_set(&msg, K_ENOTFOUND, "no meter-card reader (set card.protocol = pcsc)");
    if (rc == K_OK)
        print_json(card_json(&card));
    else
        status = ctl_fail(CTL_EXIT_FAIL, "the card was not issued: %s", msg.text);
    ctl_site_close(&s);
    return status;
}

int ctl_card_issue(ctl_t *c)
{
    return issue(c, false);
}

int ctl_card_replace(ctl_t *c)
{
    return issue(c, true);
}
