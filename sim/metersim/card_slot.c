/* The meter's card slot (docs/sim/metersim.md, "The card slot"): a card
 * image goes in, the meter reads it through APDUs, judges it by its rules,
 * books and saves what it takes (durable first), then writes its state
 * back onto the card. A refusal writes nothing anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/kjson.h"
#include "base/log.h"
#include "sim/common/simkey.h"
#include "sim/metersim/card_slot.h"

#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

/* One insertion: the card held in-process and what the meter made of it. */
typedef struct insertion {
    msim_t *s;
    msim_meter_t *m;
    cardsim_card_t card;
    msim_card_info_t info;
    msim_card_purse_t purse;
    char serial[MSIM_SERIAL_LEN];
    msim_card_verdict_t v;
    bool wb_ok;
    kmsg_t wb_msg;
} insertion_t;

static char *refused(const insertion_t *in, const char *why)
{
    LOG_I(MSIM_LOG, "meter %s: card %s refused: %s", in->m->addr, in->serial[0] ? in->serial : "?", why);
    return ERR("refused: %s", why);
}

/* Books the verdict and saves the state; if the save fails the meter is
 * put back as it was (the journal's memory stays with it). */
static bool book(insertion_t *in, kmsg_t *msg)
{
    msim_meter_t *m = in->m, old = *m;
    msim_card_apply(m, &in->info, &in->purse, &in->v);
    if (msim_state_save(in->s))
        return true;
    msim_credit_t *journal = m->journal;
    size_t cap = m->cap_journal;
    *m = old;
    m->journal = journal;
    m->cap_journal = cap;
    kmsg_set(msg, K_EIO, "the meter's state file cannot be written (see the log): nothing was taken from the card; "
                         "try again once it can");
    return false;
}

/* The write-back, after the state is saved; a failure leaves the credit
 * booked (the next insertion finds count = n and writes it again). */
static void write_back(insertion_t *in)
{
    uint8_t wb[MSIM_CARD_WB_LEN];
    bool bound = strcmp(in->m->card_serial, in->serial) == 0;
    kerr_t rc = msim_card_wb_build(in->s, in->m, bound, in->v.credit, wb, &in->wb_msg);
    if (rc == K_OK)
        rc = msim_card_wb_write(&in->card, in->s->card_key, in->info.serial, wb, &in->wb_msg);
    in->wb_ok = rc == K_OK;
    if (!in->wb_ok)
        LOG_W(MSIM_LOG, "meter %s: card %s: the write-back failed (%s); what was booked stays booked", in->m->addr,
              in->serial, in->wb_msg.text);
}

static cJSON *reply_json(const insertion_t *in)
{
    const msim_meter_t *m = in->m;
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "result", msim_card_result_name(in->v.result)) &&
              kjson_add_str(o, "meter", m->addr) && kjson_add_str(o, "card", in->serial) &&
              kjson_add_int(o, "purpose", in->purse.purpose) && kjson_add_int(o, "card_count", in->purse.count) &&
              kjson_add_int(o, "amount", in->v.credit ? in->purse.amount : 0) && kjson_add_int(o, "count", m->count) &&
              kjson_add_int(o, "balance", m->balance) &&
              cJSON_AddBoolToObject(o, "bound", strcmp(m->card_serial, in->serial) == 0) &&
              cJSON_AddBoolToObject(o, "writeback", in->wb_ok) &&
              (in->wb_ok || kjson_add_str(o, "writeback_error", in->wb_msg.text));
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static char *reply_ok(const insertion_t *in)
{
    LOG_I(MSIM_LOG, "meter %s: card %s (purpose %02X, count %u): %s, amount %lld; count %u, balance %lld",
          in->m->addr, in->serial, in->purse.purpose, in->purse.count, msim_card_result_name(in->v.result),
          (long long)(in->v.credit ? in->purse.amount : 0), in->m->count, (long long)in->m->balance);
    cJSON *o = reply_json(in);
    char *json = o ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

/* Read, judge, book and save, write back. */
static char *take(insertion_t *in)
{
    kmsg_t msg = {""};
    kerr_t rc = msim_card_read(&in->card, in->s->card_key, &in->info, &in->purse, &msg);
    if (in->info.version) /* EF_INFO was read */
        msim_card_serial_text(in->info.serial, in->serial);
    if (rc != K_OK)
        return refused(in, msg.text);
    msim_card_judge(in->m, &in->info, &in->purse, &in->v);
    if (in->v.result == MSIM_CARD_REFUSED)
        return refused(in, in->v.why);
    if (!book(in, &msg))
        return ERR("%s", msg.text);
    write_back(in);
    return reply_ok(in);
}

/* The key the card was made under: the given file, or --card-key. */
static bool issuer_key(const msim_t *s, const char *path, uint8_t key[16], kmsg_t *msg)
{
    if (!path) {
        memcpy(key, s->card_key, 16);
        return true;
    }
    if (simkey_load(path, key, msg) == K_OK)
        return true;
    kmsg_prefix(msg, "the card's issuer key %s: ", path);
    return false;
}

char *msim_card_insert(msim_t *s, const char *meter, const char *path, const char *issuer_path)
{
    if (!s->have_card_key)
        return ERR("this metersim has no card issuer key, so its meters cannot check cards: start it with --card-key "
                   "FILE");
    msim_meter_t *m = msim_find(s, meter);
    if (!m)
        return ERR("no meter %s (meters are named by their 12 digits)", meter);
    insertion_t in = {.s = s, .m = m};
    uint8_t key[16];
    kmsg_t msg = {""};
    bool have = issuer_key(s, issuer_path, key, &msg);
    kerr_t rc = have ? cardsim_card_load(&in.card, key, path, &msg) : K_EINVAL;
    memset(key, 0, sizeof key);
    if (rc != K_OK)
        return have ? ERR("the card image %s: %s", path, msg.text) : ERR("%s", msg.text);
    msim_advance(s, kclock_mono(NULL));
    char *reply = take(&in);
    cardsim_card_unload(&in.card);
    return reply;
}
