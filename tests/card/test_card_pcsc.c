/* Meter cards on the real PC/SC stack: pcscd with vpcd's readers, cardsim
 * as the card (and the SAM) in them, libpcsclite, the card driver and the
 * engine. A purchase with the key file and with the SAM; the card pulled
 * out at every APDU of writing a purchase, and then re-inserted: the
 * purchase must end on the card exactly once (the card's own journal is the
 * witness) and the ledger must verify. CARDSIM names the simulator; the
 * pcscd fixture (tests/card/pcscd.sh) makes sure the service runs. */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "support/simclient.h"
#include "support/support.h"
#include "support/vcard.h"

#include "drivers/card/card_session.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define SERIAL "4B50000000000001"
#define METER "000000000001"

static struct {
    char dir[512], image[600];
    sc_sim_t sim;
    kiosk_config_t cfg;
    ledger_t *ledger;
    gw_t gw, card;
    engine_t eng;
} site;

static bool control(const char *cmd, char *reply, size_t len)
{
    return sc_control(&site.sim, cmd, reply, len);
}

/* The card goes into the reader and pcscd sees it. */
static void insert(void)
{
    char err[256];
    if (!vcard_insert(&site.sim, site.image, err, sizeof err))
        fail_msg("cardsim: %s", err);
}

static void start_cardsim(void)
{
    const char *bin = getenv("CARDSIM");
    char err[256];
    assert_non_null(bin);
    if (!vcard_start(&site.sim, bin, site.dir, err, sizeof err))
        fail_msg("%s", err);
}

/* A blank card, issued to METER by staff (through the driver). */
static void issued_card(const char *keys, const char *serial)
{
    snprintf(site.image, sizeof site.image, "%s/card-%d.json", site.dir, rand());
    char *bin = getenv("CARDSIM");
    const char *args[] = {"make-blank", serial, site.image, NULL};
    assert_int_equal(sc_run(bin, site.dir, args), 0);
    insert();
    card_slot_t slot;
    card_keys_t k;
    kmsg_t msg = {""};
    assert_int_equal(card_pcsc_open(VCARD_READER, &slot, &msg), K_OK);
    assert_int_equal(slot.ops->wait(slot.ctx, true, 5000, &msg), CARD_OK);
    if (strcmp(keys, "file") == 0)
        assert_int_equal(card_keys_file_open(site.cfg.card_key_file, &k, &msg), K_OK);
    else {
        card_slot_t sam;
        assert_int_equal(card_pcsc_open(VCARD_SAM_READER, &sam, &msg), K_OK);
        assert_int_equal(card_keys_sam_open(sam, &k, &msg), K_OK);
    }
    card_view_t v;
    card_status_t st;
    if (card_session_read(&slot, &k, &v, &st, &msg) != K_OK)
        fail_msg("reading the blank card: %s", msg.text);
    card_info_t info = v.info;
    info.type = CARD_TYPE_USER;
    snprintf(info.meter, sizeof info.meter, METER);
    snprintf(info.customer, sizeof info.customer, "100000000001");
    info.currency = 156;
    snprintf(info.issued, sizeof info.issued, "261122030000");
    if (card_session_issue(&slot, &k, &info, &st, &msg) != K_OK)
        fail_msg("issuing: %s", msg.text);
    card_keys_close(&k);
    card_slot_close(&slot);
}

static void open_kiosk(const char *keys)
{
    assert_true(tmpdir_make(site.dir, sizeof site.dir));
    start_cardsim();
    assert_true(file_write(site.dir, "meters", METER " 100000000001 0 0\n"));
    kiosk_config_t *c = &site.cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", site.dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "fake");
    snprintf(c->gateway_fake_dir, sizeof c->gateway_fake_dir, "%s", site.dir);
    snprintf(c->card_protocol, sizeof c->card_protocol, "pcsc");
    snprintf(c->card_keys, sizeof c->card_keys, "%s", keys);
    snprintf(c->card_key_file, sizeof c->card_key_file, "%s/master.key", site.dir);
    kmsg_t msg = {""};
    if (ledger_open(c->ledger_path, LEDGER_CREATE, NULL, &site.ledger, &msg) || site_gateway_open(c, NULL, &site.gw, &msg) ||
        site_card_open(c, &site.card, &msg))
        fail_msg("kiosk: %s", msg.text);
    site.eng = (engine_t){.ledger = site.ledger, .gw = &site.gw, .card = &site.card, .cfg = c};
}

static int stop(void **state)
{
    (void)state;
    char reply[64];
    control("remove", reply, sizeof reply);
    if (site.ledger)
        ledger_close(site.ledger);
    site.ledger = NULL;
    gw_close(&site.card);
    gw_close(&site.gw);
    sc_stop(&site.sim);
    tmpdir_remove(site.dir);
    return 0;
}

/* The card's own journal: how many purses it took (repeats not counted),
 * and the count and amount of the one it holds. */
static int purses_taken(int64_t *count, int64_t *amount)
{
    char *text = file_read("", site.image);
    cJSON *o = text ? cJSON_Parse(text) : NULL, *e;
    free(text);
    assert_non_null(o);
    int n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(e, "file"));
        n += file && strcmp(file, "EF_PURSE") == 0 && !cJSON_IsTrue(cJSON_GetObjectItem(e, "repeat"));
    }
    const char *purse = cJSON_GetStringValue(cJSON_GetObjectItem(o, "ef_purse"));
    assert_non_null(purse);
    unsigned long long a = 0, c = 0;
    sscanf(purse + 2, "%8llx%4llx", &a, &c);
    *amount = (int64_t)a;
    *count = (int64_t)c;
    cJSON_Delete(o);
    return n;
}

/* A sale of amount onto the card in the reader, paid at the counter. */
static ledger_txn_t card_sale(int64_t amount, char id[UUID_STR_LEN])
{
    engine_mcard_t card;
    kmsg_t msg = {""};
    if (engine_mcard_inserted(&site.eng, &card, &msg) != K_OK)
        fail_msg("reading the card: %s", msg.text);
    assert_int_equal(card.verdict, MCARD_OK);
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = amount, .ref = "counter"};
    if (engine_mcard_open_sale(&site.eng, &card, METHOD_COUNTER, amount, id, &msg) ||
        engine_begin_payment(&site.eng, id, &msg) || engine_accept_payment(&site.eng, id, &pay, &msg) ||
        engine_finish_payment(&site.eng, id, &msg))
        fail_msg("sale: %s", msg.text);
    ledger_txn_t t;
    if (engine_deliver(&site.eng, id, &t, &msg) != K_OK)
        fail_msg("delivering: %s", msg.text);
    return t;
}

static void verified(void)
{
    int64_t n = -1;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
}

static void purchase(const char *keys)
{
    open_kiosk(keys);
    issued_card(keys, SERIAL);
    char id[UUID_STR_LEN];
    ledger_txn_t t = card_sale(5000, id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_string_equal(t.card, SERIAL);
    int64_t count, amount;
    assert_int_equal(purses_taken(&count, &amount), 1);
    assert_int_equal(count, 1);
    assert_int_equal(amount, 5000);
    engine_mcard_t card;
    kmsg_t msg = {""};
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_NOT_TAKEN); /* not in the meter yet: no second purchase */
    verified();
}

static void purchase_with_the_key_file(void **state)
{
    (void)state;
    purchase("file");
}

static void purchase_with_the_sam(void **state)
{
    (void)state;
    purchase("sam");
}

/* Pulls the card out at the k-th card APDU of a purchase, counted from the
 * card's detection (reading it, then writing), or in or after the write;
 * re-inserts it, and expects exactly one purchase on it. A card pulled out
 * while it is read takes no purchase then; put back, it is read again. */
static bool torn_once(const char *tear, int k)
{
    open_kiosk("file");
    issued_card("file", SERIAL);
    char cmd[64], reply[128], id[UUID_STR_LEN];
    snprintf(cmd, sizeof cmd, k ? "%s %d" : "%s", tear, k);
    engine_mcard_t card;
    kmsg_t msg = {""};
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = 3000, .ref = "counter"};
    assert_true(control(cmd, reply, sizeof reply));
    bool torn_in_read = engine_mcard_inserted(&site.eng, &card, &msg) != K_OK;
    if (torn_in_read) {
        control("clear", reply, sizeof reply);
        insert();
        if (engine_mcard_inserted(&site.eng, &card, &msg) != K_OK)
            fail_msg("%s %d: put back, the card cannot be read: %s", tear, k, msg.text);
    }
    if (engine_mcard_open_sale(&site.eng, &card, METHOD_COUNTER, 3000, id, &msg) ||
        engine_begin_payment(&site.eng, id, &msg) || engine_accept_payment(&site.eng, id, &pay, &msg) ||
        engine_finish_payment(&site.eng, id, &msg))
        fail_msg("sale: %s", msg.text);
    ledger_txn_t t;
    assert_int_equal(engine_deliver(&site.eng, id, &t, &msg), K_OK);
    bool torn = torn_in_read || t.state != TXN_DELIVERED;
    if (t.state != TXN_DELIVERED) { /* the resident puts the card back in */
        if (t.state != TXN_DELIVERY_PENDING)
            fail_msg("%s %d: the sale is %s (%s) instead of waiting for the card", tear, k, txn_state_name(t.state),
                     t.reason);
        control("clear", reply, sizeof reply);
        insert();
        assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
        assert_int_equal(card.finished, 1);
        assert_int_equal(ledger_get(site.ledger, id, &t, NULL), K_OK);
    }
    assert_int_equal(t.state, TXN_DELIVERED);
    int64_t count, amount;
    if (purses_taken(&count, &amount) != 1 || count != 1 || amount != 3000)
        fail_msg("%s %d: the card took %d purses, holds count %lld amount %lld", tear, k,
                 purses_taken(&count, &amount), (long long)count, (long long)amount);
    verified();
    stop(NULL);
    return torn;
}

static void torn_at_every_apdu(void **state)
{
    (void)state;
    int k = 1;
    while (torn_once("tear-after", k))
        k++;
    assert_int_equal(k - 1, 7); /* docs/card.md, "A purchase, APDU by APDU": seven card APDUs */
    assert_true(torn_once("tear-in-update", 0));
    assert_true(torn_once("tear-after-update", 0));
    print_message("      torn at each of %d APDUs, in and after the write: one purchase each time\n", k - 1);
}

/* A purchase torn off one card waits for that card: another card of the
 * same meter is refused until the first comes back and takes it. */
static void another_card_cannot_finish_a_purchase(void **state)
{
    (void)state;
    open_kiosk("file");
    issued_card("file", SERIAL);
    char first[600], id[UUID_STR_LEN], reply[128];
    snprintf(first, sizeof first, "%s", site.image);
    engine_mcard_t card;
    kmsg_t msg = {""};
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = 2000, .ref = "counter"};
    if (engine_mcard_inserted(&site.eng, &card, &msg) ||
        engine_mcard_open_sale(&site.eng, &card, METHOD_COUNTER, 2000, id, &msg) ||
        engine_begin_payment(&site.eng, id, &msg) || engine_accept_payment(&site.eng, id, &pay, &msg) ||
        engine_finish_payment(&site.eng, id, &msg))
        fail_msg("sale: %s", msg.text);
    assert_true(control("tear-after 1", reply, sizeof reply));
    ledger_txn_t t;
    assert_int_equal(engine_deliver(&site.eng, id, &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    control("clear", reply, sizeof reply);
    issued_card("file", "4B50000000000002"); /* the resident's other card for the same meter */
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_PENDING_OTHER);
    assert_int_equal(card.finished, 0);
    int64_t count, amount;
    assert_int_equal(purses_taken(&count, &amount), 0); /* nothing was written onto it */
    control("remove", reply, sizeof reply);
    snprintf(site.image, sizeof site.image, "%s", first);
    insert();
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.finished, 1);
    assert_int_equal(ledger_get(site.ledger, id, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(purses_taken(&count, &amount), 1);
    assert_int_equal(count, 1);
    verified();
}

/* A new blank card image in the reader (the card there is taken out). */
static void blank_card(const char *serial)
{
    char reply[64];
    control("remove", reply, sizeof reply);
    snprintf(site.image, sizeof site.image, "%s/card-%s.json", site.dir, serial);
    const char *args[] = {"make-blank", serial, site.image, NULL};
    assert_int_equal(sc_run(getenv("CARDSIM"), site.dir, args), 0);
    insert();
}

/* How many updates of EF_INFO the card's journal holds. */
static int info_writes(void)
{
    char *text = file_read("", site.image);
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, "\"EF_INFO\"")); p++)
        n++;
    free(text);
    return n;
}

static kerr_t issue(bool replace, engine_mcard_t *card, kmsg_t *msg)
{
    engine_mcard_issue_t req = {.meter = METER, .customer = replace ? "" : "100000000001", .replace = replace,
                                .lost_generation = -1, .operator_name = "staff:test", .reason = "test"};
    return engine_mcard_issue(&site.eng, &req, card, msg);
}

static void swap_card(const char *image)
{
    char reply[64];
    control("remove", reply, sizeof reply);
    snprintf(site.image, sizeof site.image, "%s", image);
    insert();
}

/* Staff issue a blank card to a new account; the resident loses it; staff
 * replace it: the new card continues the meter's count, the lost card is
 * refused from then on, and a card is issued only once. */
static void issue_then_replace(void **state)
{
    (void)state;
    open_kiosk("sam");
    blank_card("4B50000000000011");
    char first[600], id[UUID_STR_LEN];
    snprintf(first, sizeof first, "%s", site.image);
    engine_mcard_t card;
    kmsg_t msg = {""};
    if (issue(false, &card, &msg) != K_OK)
        fail_msg("issue: %s", msg.text);
    assert_int_equal(card.view.info.type, CARD_TYPE_USER);
    assert_string_equal(card.view.info.customer, "100000000001");
    assert_int_equal(card.view.info.generation, 0);
    assert_int_equal(issue(false, &card, &msg), K_ESTATE); /* issued already */
    assert_non_null(strstr(msg.text, "issued already"));
    ledger_txn_t t = card_sale(4000, id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.purchase_count, 1);
    assert_int_equal(card.view.purse.purpose, CARD_PURPOSE_NONE);
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.view.purse.purpose, CARD_PURPOSE_OPEN);

    blank_card("4B50000000000012"); /* the card was lost: a new blank one */
    assert_int_equal(issue(false, &card, &msg), K_ECONFLICT); /* the meter has a card */
    assert_non_null(strstr(msg.text, "card replace"));
    if (issue(true, &card, &msg) != K_OK)
        fail_msg("replace: %s", msg.text);
    assert_int_equal(card.view.info.type, CARD_TYPE_REPLACEMENT);
    assert_int_equal(card.view.info.generation, 1);
    assert_string_equal(card.view.info.customer, "100000000001");
    t = card_sale(2500, id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.purchase_count, 2); /* continues the meter's count, not the empty purse's */
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.view.purse.purpose, CARD_PURPOSE_REPLACE);
    assert_int_equal(card.view.purse.count, 2);

    swap_card(first); /* the lost card turns up */
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_REPLACED);
    assert_int_equal(engine_mcard_open_sale(&site.eng, &card, METHOD_COUNTER, 1000, id, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "replaced"));
    verified();
}

/* The back office's registry document, naming METHOD's meter with its
 * first_purchase_zero_ok. */
static void registry_says(int version, bool zero_ok)
{
    char body[256], etag[32];
    snprintf(body, sizeof body,
             "{\"meters\":[{\"meter\":\"" METER "\",\"account\":\"A1\",\"status\":\"open\",\"sellable\":true,"
             "\"first_purchase_zero_ok\":%s}]}",
             zero_ok ? "true" : "false");
    snprintf(etag, sizeof etag, "\"registry-%d\"", version);
    kmsg_t msg = {""};
    assert_int_equal(ledger_doc_put(site.ledger, "registry", version, etag, body, "{}", &msg), K_OK);
}

/* A zero sale onto the card in the reader is refused, saying so. */
static void zero_refused(const char *why)
{
    engine_mcard_t card;
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_false(card.zero_first_ok);
    kerr_t rc = engine_sale_open(&site.eng, &(sale_req_t){.amount = 0}, &card, id, &msg);
    assert_int_not_equal(rc, K_OK);
    if (!strstr(msg.text, why))
        fail_msg("refusal '%s' does not say '%s'", msg.text, why);
}

static void keep_violation(void *ctx, const char *text)
{
    char *all = ctx;
    size_t n = strlen(all);
    snprintf(all + n, 1024 - n, "%s\n", text);
}

/* The violations ledger verify finds after sql changed the file behind
 * the ledger's back, their text in seen (1024 bytes). */
static int64_t verify_after(const char *sql, char *seen)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(site.cfg.ledger_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    int64_t n = -1;
    seen[0] = '\0';
    assert_int_equal(ledger_verify(site.ledger, keep_violation, seen, &n, NULL), K_OK);
    return n;
}

/* A new account's first purchase may be zero, on the card that opens it,
 * where the registry says so: nothing is paid, the card takes purpose
 * "open the account", amount 0 and count 1, once; then the card must go
 * into the meter first. Refused without the registry's word, for a
 * replacement card, and for an amount 0 anywhere else. */
static void zero_first_purchase_opens_the_account(void **state)
{
    (void)state;
    open_kiosk("file");
    blank_card("4B50000000000040");
    engine_mcard_t card;
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    if (issue(false, &card, &msg) != K_OK)
        fail_msg("issue: %s", msg.text);
    zero_refused("limits.min_purchase"); /* no registry document yet */
    registry_says(3, false);
    zero_refused("registry does not allow meter " METER);
    registry_says(4, true);
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_true(card.zero_first_ok);
    /* a remote sale of 0 to the same meter keeps the limits */
    assert_int_equal(engine_sale_open(&site.eng, &(sale_req_t){.meter = METER, .method = METHOD_COUNTER}, NULL, id,
                                      &msg),
                     K_EINVAL);
    assert_non_null(strstr(msg.text, "limits.min_purchase"));
    /* the card's zero sale: no device is there for a method, none is asked */
    if (engine_sale_open(&site.eng, &(sale_req_t){.amount = 0, .method = METHOD_CASH}, &card, id, &msg) != K_OK)
        fail_msg("zero sale: %s", msg.text);
    engine_paid_t paid;
    assert_int_equal(engine_sale_pay(&site.eng, id, NULL, &paid, &msg), K_OK);
    assert_int_equal(paid.sale.state, TXN_PAID);
    assert_int_equal(paid.sale.paid, 0);
    assert_int_equal(paid.sale.method, METHOD_NONE);
    engine_delivered_t done;
    assert_int_equal(engine_sale_deliver(&site.eng, id, &done, &msg), K_OK);
    assert_int_equal(done.sale.state, TXN_DELIVERED);
    assert_int_equal(done.sale.purchase_count, 1);
    int64_t count, amount;
    assert_int_equal(purses_taken(&count, &amount), 1);
    assert_int_equal(count, 1);
    assert_int_equal(amount, 0);
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.view.purse.purpose, CARD_PURPOSE_OPEN);
    assert_int_equal(card.verdict, MCARD_NOT_TAKEN); /* into the meter before the next purchase */
    zero_refused("insert the card into your meter");
    verified();

    blank_card("4B50000000000041"); /* a replacement's first purchase re-binds, it does not open */
    if (issue(true, &card, &msg) != K_OK)
        fail_msg("replace: %s", msg.text);
    zero_refused("is a replacement");
    assert_int_equal(purses_taken(&count, &amount), 0);

    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO payment(txn_id, method, amount, currency, at) VALUES ('%s', 'counter', 100, 'CNY', 1)", id);
    char seen[1024];
    assert_true(verify_after(sql, seen) >= 2);
    if (!strstr(seen, "paid 0 but its payments sum to 100") || !strstr(seen, "amount 0 yet 1 payments and 0 refunds"))
        fail_msg("verify said: %s", seen);
    snprintf(sql, sizeof sql, "DELETE FROM payment; UPDATE txn SET channel = 'remote', card = '' WHERE id = '%s'", id);
    assert_int_equal(verify_after(sql, seen), 1);
    assert_non_null(strstr(seen, "amount 0 on channel remote"));
}

/* The card is pulled out in the middle of being issued: the ledger keeps
 * the issue, and the same card put back is finished, written once. */
static void issue_torn_and_finished(void **state)
{
    (void)state;
    open_kiosk("file");
    blank_card("4B50000000000021");
    char reply[64];
    engine_mcard_t card;
    kmsg_t msg = {""};
    assert_true(control("tear-after-update", reply, sizeof reply));
    assert_int_equal(issue(false, &card, &msg), K_ETIMEOUT);
    assert_non_null(strstr(msg.text, "put it back"));
    ledger_mcard_t row;
    bool found;
    assert_int_equal(ledger_mcard_get(site.ledger, "4B50000000000021", &row, &found, NULL), K_OK);
    assert_true(found);
    assert_string_equal(row.state, "issuing");
    control("clear", reply, sizeof reply);
    insert();
    if (issue(false, &card, &msg) != K_OK)
        fail_msg("issue again: %s", msg.text);
    assert_int_equal(ledger_mcard_get(site.ledger, "4B50000000000021", &row, &found, NULL), K_OK);
    assert_string_equal(row.state, "active");
    assert_int_equal(info_writes(), 1); /* the card held it: not written twice */
    assert_int_equal(card.view.info.type, CARD_TYPE_USER);
}

/* A card whose MACs this kiosk's keys do not confirm is not genuine:
 * nothing is sold to it and nothing is written. */
static void card_of_another_issuer_is_refused(void **state)
{
    (void)state;
    open_kiosk("file");
    issued_card("file", SERIAL);
    gw_close(&site.card);
    assert_true(file_write(site.dir, "other.key", "0f0e0d0c0b0a09080706050403020100\n"));
    char key[600];
    snprintf(key, sizeof key, "%s/other.key", site.dir);
    assert_int_equal(chmod(key, 0600), 0);
    snprintf(site.cfg.card_key_file, sizeof site.cfg.card_key_file, "%s", key);
    kmsg_t msg = {""};
    assert_int_equal(site_card_open(&site.cfg, &site.card, &msg), K_OK);
    engine_mcard_t card;
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_EDEVICE);
    assert_non_null(strstr(msg.text, "not a genuine card"));
    int64_t count, amount;
    assert_int_equal(purses_taken(&count, &amount), 0);
    int64_t n = 0;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
}

/* A card that blocked itself (three wrong MACs) is read, and refused with
 * the reason. */
static void blocked_card_is_refused(void **state)
{
    (void)state;
    open_kiosk("file");
    issued_card("file", SERIAL);
    char reply[64];
    control("remove", reply, sizeof reply);
    char *text = file_read("", site.image);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(text);
    assert_non_null(o);
    cJSON_ReplaceItemInObject(o, "status", cJSON_CreateString("blocked"));
    char ef[65];
    snprintf(ef, sizeof ef, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(o, "ef_info")));
    ef[4] = '0';
    ef[5] = '1'; /* EF_INFO byte 2: blocked */
    cJSON_ReplaceItemInObject(o, "ef_info", cJSON_CreateString(ef));
    char *json = cJSON_Print(o);
    cJSON_Delete(o);
    assert_true(file_write("", site.image, json));
    free(json);
    insert();
    engine_mcard_t card;
    kmsg_t msg = {""};
    char id[UUID_STR_LEN];
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_BLOCKED);
    assert_int_equal(engine_mcard_open_sale(&site.eng, &card, METHOD_COUNTER, 1000, id, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "blocked"));
}

/* The card pulled out while it is being read: an error that says so, and
 * nothing in the ledger; put back, it reads whole. */
static void card_pulled_out_while_read(void **state)
{
    (void)state;
    open_kiosk("file");
    issued_card("file", SERIAL);
    char reply[64];
    engine_mcard_t card;
    kmsg_t msg = {""};
    for (int k = 1; k <= 4; k++) { /* select, EF_INFO, EF_WRITEBACK, EF_PURSE with its MAC */
        char cmd[32];
        snprintf(cmd, sizeof cmd, "tear-after %d", k);
        assert_true(control(cmd, reply, sizeof reply));
        kerr_t rc = engine_mcard_inserted(&site.eng, &card, &msg);
        if (rc == K_OK)
            fail_msg("torn at APDU %d of the read, yet read", k);
        assert_true(msg.text[0] != '\0');
        control("clear", reply, sizeof reply);
        insert();
    }
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_OK);
    int64_t n = -1;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
    int64_t count, amount;
    assert_int_equal(purses_taken(&count, &amount), 0);
}

static sc_sim_t meter_sim;

/* metersim with one meter (000000000001, customer 100000000001), whose card
 * slot checks cards with the test master key. */
static void start_metersim(void)
{
    char dir[600], key[700];
    snprintf(dir, sizeof dir, "%s/meter", site.dir);
    snprintf(key, sizeof key, "%s/master.key", site.dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    const char *extra[] = {"--meters", "1", "--speed", "0", "--card-key", key, NULL};
    assert_non_null(getenv("METERSIM"));
    if (!sc_start(&meter_sim, getenv("METERSIM"), dir, extra))
        fail_msg("metersim did not start");
}

/* The resident takes the card out of the kiosk and puts it into the meter;
 * the meter's one-line answer is returned. */
static const char *into_meter(const char *image)
{
    static char reply[512];
    char cmd[700];
    vcard_remove(&site.sim);
    snprintf(cmd, sizeof cmd, "card-insert " METER " %s", image);
    sc_control(&meter_sim, cmd, reply, sizeof reply);
    return reply;
}

static int stop_all(void **state)
{
    sc_stop(&meter_sim);
    return stop(state);
}

/* A whole card cycle through the meter's slot: issue, buy, into the meter,
 * back to the kiosk (the write-back becomes a reading; the next purchase is
 * allowed), buy again; the card is lost and replaced, the replacement
 * re-binds the meter and credits, the lost card is refused by the meter;
 * the meter's tamper flag comes back on the card and raises an alert. */
static void full_cycle_through_the_meter(void **state)
{
    (void)state;
    open_kiosk("sam");
    start_metersim();
    blank_card("4B50000000000041");
    char first[600], id[UUID_STR_LEN], reply[128];
    snprintf(first, sizeof first, "%s", site.image);
    engine_mcard_t card;
    kmsg_t msg = {""};
    if (issue(false, &card, &msg) != K_OK)
        fail_msg("issue: %s", msg.text);
    assert_int_equal(card_sale(5000, id).state, TXN_DELIVERED);
    const char *r = into_meter(first);
    if (!strstr(r, "\"amount\":5000") || !strstr(r, "\"count\":1,"))
        fail_msg("the meter did not take the first purchase: %s", r);

    insert();
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_OK);
    assert_true(card.view.writeback.written);
    assert_int_equal(card.view.writeback.count, 1);
    ledger_reading_t last;
    bool found = false;
    assert_int_equal(ledger_last_reading(site.ledger, METER, &last, &found, NULL), K_OK);
    assert_true(found);
    assert_int_equal(last.purchase_count, 1);
    assert_int_equal(last.balance, card.view.writeback.remaining);
    assert_int_equal(card_sale(3000, id).purchase_count, 2);
    r = into_meter(first);
    if (!strstr(r, "\"amount\":3000") || !strstr(r, "\"count\":2,"))
        fail_msg("the meter did not take the second purchase: %s", r);
    r = into_meter(first); /* again: nothing more to take */
    assert_non_null(strstr(r, "\"result\":\"nothing\""));

    blank_card("4B50000000000042"); /* the first card is lost */
    char second[600];
    snprintf(second, sizeof second, "%s", site.image);
    if (issue(true, &card, &msg) != K_OK)
        fail_msg("replace: %s", msg.text);
    assert_int_equal(card_sale(1000, id).purchase_count, 3);
    assert_true(sc_control(&meter_sim, "tamper " METER " cover on", reply, sizeof reply));
    r = into_meter(second);
    if (!strstr(r, "\"result\":\"rebound\"") || !strstr(r, "\"amount\":1000") || !strstr(r, "\"count\":3,"))
        fail_msg("the replacement did not re-bind and credit: %s", r);
    r = into_meter(first);
    if (!strstr(r, "error refused"))
        fail_msg("the meter took the lost card after its replacement: %s", r);

    snprintf(site.image, sizeof site.image, "%s", second);
    insert();
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.verdict, MCARD_OK);
    bool tamper = false;
    for (size_t i = 0; i < card.n_alerts; i++)
        tamper |= strcmp(card.alerts[i].kind, "tamper") == 0;
    if (!tamper)
        fail_msg("the meter cover came back on the card but raised no alert (%zu alerts)", card.n_alerts);
    assert_int_equal(engine_mcard_inserted(&site.eng, &card, &msg), K_OK);
    assert_int_equal(card.n_alerts, 0); /* the same write-back read again: no second reading */
    verified();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(full_cycle_through_the_meter, stop_all),
    cmocka_unit_test_teardown(issue_then_replace, stop),
    cmocka_unit_test_teardown(zero_first_purchase_opens_the_account, stop),
    cmocka_unit_test_teardown(issue_torn_and_finished, stop),
    cmocka_unit_test_teardown(card_of_another_issuer_is_refused, stop),
    cmocka_unit_test_teardown(blocked_card_is_refused, stop),
    cmocka_unit_test_teardown(card_pulled_out_while_read, stop),
    cmocka_unit_test_teardown(purchase_with_the_key_file, stop),
    cmocka_unit_test_teardown(purchase_with_the_sam, stop),
    cmocka_unit_test_teardown(another_card_cannot_finish_a_purchase, stop),
    cmocka_unit_test(torn_at_every_apdu),
};

KTEST_MAIN(tests)
