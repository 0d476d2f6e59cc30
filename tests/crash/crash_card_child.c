/* The kiosk side of the meter-card crash test: a purchase onto the meter
 * card in the reader (cardsim on vpcd, through pcscd and the real card
 * driver), paid at the counter, SIGKILLing itself at step boundary K;
 * with AMOUNT 0, a zero first purchase (the registry document allowing it
 * is stored first).
 *
 *   crash_card_child CONFIG K [AMOUNT]      K = 0 runs to the end
 *
 * Each step goes to steps.log and the finished sale to child.log, in the
 * folder of CONFIG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_util.h"
#include "kiosk/site/site.h"

static crash_steps_t steps;
static char dir[CFG_PATH_LEN];

/* The card in the reader, read as the screen does when it is inserted: a
 * reader another program holds a moment longer is asked again. */
static void read_card(engine_t *e, engine_mcard_t *card)
{
    kmsg_t msg = {""};
    kerr_t rc = K_EDEVICE;
    for (int i = 0; i < 20 && rc != K_OK; i++)
        if ((rc = engine_mcard_inserted(e, card, &msg)) != K_OK)
            usleep(150000);
    crash_must(rc, &msg, "reading the card");
}

/* The card is read, a sale opened for it, paid, written onto it. */
static void card_sale(engine_t *e, int64_t amount)
{
    char id[UUID_STR_LEN], line[128];
    kmsg_t msg = {""};
    engine_mcard_t card;
    read_card(e, &card);
    if (card.verdict != MCARD_OK) {
        fprintf(stderr, "crash_card_child: the card may not buy: %s\n", mcard_verdict_text(card.verdict));
        exit(4);
    }
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = amount, .ref = "staff took the money"};
    engine_paid_t paid;
    if (amount == 0) {
        crash_must(engine_sale_open(e, &(sale_req_t){.amount = 0}, &card, id, &msg), &msg, "open a zero sale");
        crash_must(engine_sale_pay(e, id, NULL, &paid, &msg), &msg, "pay nothing");
    } else {
        crash_must(engine_mcard_open_sale(e, &card, METHOD_COUNTER, amount, id, &msg), &msg, "open");
        crash_must(engine_begin_payment(e, id, &msg), &msg, "begin payment");
        crash_must(engine_accept_payment(e, id, &pay, &msg), &msg, "payment");
        crash_must(engine_finish_payment(e, id, &msg), &msg, "finish payment");
    }
    ledger_txn_t t;
    crash_must(engine_deliver(e, id, &t, &msg), &msg, "deliver");
    snprintf(line, sizeof line, "done %s %s\n", id, txn_state_name(t.state));
    crash_append(dir, "child.log", line);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: crash_card_child CONFIG K [AMOUNT]\n");
        return 2;
    }
    steps.kill_at = atoi(argv[2]);
    kiosk_config_t cfg;
    site_t s;
    kmsg_t msg = {""};
    crash_config(argv[1], &cfg, dir, sizeof dir);
    steps.dir = dir;

    crash_must(site_open(&cfg, &s, NULL, NULL, &msg), &msg, "site");
    if (!(s.opened & SITE_CARD)) {
        fprintf(stderr, "crash_card_child: no meter-card reader (card.protocol)\n");
        return 4;
    }
    s.engine.step = crash_step;
    s.engine.step_ctx = &steps;
    engine_recovery_t rep;
    crash_must(engine_recover(&s.engine, &rep, &msg), &msg, "recovery");
    int64_t amount = argc == 4 ? atoll(argv[3]) : 3000;
    if (amount == 0)
        crash_must(ledger_doc_put(s.ledger, "registry", 1, "\"registry-1\"",
                                  "{\"meters\":[{\"meter\":\"000000000001\",\"account\":\"A1\","
                                  "\"status\":\"open\",\"sellable\":true,\"first_purchase_zero_ok\":true}]}",
                                  "{}", &msg),
                   &msg, "the registry document");
    card_sale(&s.engine, amount);
    site_close(&s);
    printf("steps %d\n", steps.n);
    return 0;
}
