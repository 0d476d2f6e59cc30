/* The resident's session table (core/session.c): every path a
 * resident can take, every timeout rule, and the rule above all: no
 * timeout while money is in. */
#include "ktest.h"

#include "core/session.h"

#define IDLE 60000
#define METER "000000000001"

typedef struct rig {
    session_t s;
    session_cmd_t cmd[SESSION_MAX_CMDS];
    size_t n;
    int64_t now;
} rig_t;

static rig_t *rig_new(unsigned health)
{
    static rig_t r;
    session_config_t cfg = {.idle_ms = IDLE, .min_purchase = 100, .max_purchase = 100000,
                            .presets = {2000, 5000, 10000, 0}, .exponent = 2, .lang = LANG_ZH};
    r = (rig_t){.now = 1000};
    session_init(&r.s, &cfg, r.now);
    session_event_t ev = {.kind = SEV_HEALTH, .now_ms = r.now, .health = health};
    session_handle(&r.s, &ev, r.cmd, &r.n);
    return &r;
}

static const session_view_t *view(rig_t *r)
{
    return session_view(&r->s);
}

static void send(rig_t *r, session_event_t ev)
{
    ev.now_ms = r->now;
    if (ev.kind != SEV_TAP && ev.kind != SEV_TICK && ev.kind != SEV_HEALTH && ev.kind != SEV_LANG &&
        ev.kind != SEV_CARD_IN && ev.kind != SEV_CARD_OUT)
        ev.gen = r->s.gen; /* an answer to the current resident */
    session_handle(&r->s, &ev, r->cmd, &r->n);
}

static void tap(rig_t *r, const char *id)
{
    session_event_t ev = {.kind = SEV_TAP};
    assert_true(session_control_from_id(id, &ev.control, &ev.digit, &ev.index));
    send(r, ev);
}

static void keys(rig_t *r, const char *digits)
{
    for (const char *p = digits; *p; p++) {
        char id[8] = "key0";
        id[3] = *p;
        tap(r, id);
    }
}

static void tick(rig_t *r, int64_t after)
{
    r->now += after;
    send(r, (session_event_t){.kind = SEV_TICK});
}

static void expect_cmd(rig_t *r, session_cmd_kind_t kind)
{
    assert_int_equal(r->n, 1);
    assert_string_equal(session_cmd_name(r->cmd[0].kind), session_cmd_name(kind));
}

static void expect_screen(rig_t *r, session_screen_t s)
{
    assert_string_equal(session_screen_name(view(r)->screen), session_screen_name(s));
}

static session_event_t found(void)
{
    session_event_t ev = {.kind = SEV_ACCOUNT, .ok = true};
    snprintf(ev.account.meter, sizeof ev.account.meter, METER);
    snprintf(ev.account.customer, sizeof ev.account.customer, "100000000001");
    ev.account.balance_known = true;
    ev.account.balance = 1530;
    kmsg_t msg;
    assert_int_equal(tariff_parse("single 0.5283", 2, &ev.account.tariff.tariff, &msg), K_OK);
    ev.account.has_tariff = true;
    return ev;
}

/* An account found for meter with the tariff given as text (NULL: none). */
static session_event_t found_with(const char *meter, meter_kind_t kind, const char *tariff)
{
    session_event_t ev = found();
    snprintf(ev.account.meter, sizeof ev.account.meter, "%s", meter);
    ev.account.kind = kind;
    ev.account.has_tariff = tariff != NULL;
    kmsg_t msg;
    if (tariff)
        assert_int_equal(tariff_parse(tariff, 2, &ev.account.tariff.tariff, &msg), K_OK);
    return ev;
}

/* The amount screen's estimate for a meter found with that tariff, after
 * preset2 (50.00); -1 when there is none. */
static int64_t estimate_for(const char *meter, meter_kind_t kind, const char *tariff, int64_t month_used)
{
    rig_t *r = rig_new(HEALTH_CASH);
    tap(r, "start");
    keys(r, meter);
    tap(r, "ok");
    session_event_t ev = found_with(meter, kind, tariff);
    ev.account.tariff.ctx.month_used = month_used;
    send(r, ev);
    tap(r, "ok");
    tap(r, "preset2");
    expect_screen(r, SCR_AMOUNT);
    return view(r)->has_estimate ? view(r)->estimate_milli : -1;
}

/* Each meter is estimated under its own tariff, not one for the site. */
static void estimate_per_meter(void **state)
{
    (void)state;
    assert_int_equal(estimate_for("000000000001", METER_ELECTRICITY, "single 0.5283", 0), 94643);
    assert_int_equal(estimate_for("000000000002", METER_ELECTRICITY, "single 1.00", 0), 50000);
    /* water: 50.00 at 4.10 per m3 buys 12.195 m3, in litres */
    assert_int_equal(estimate_for("000000000003", METER_WATER, "single 4.10", 0), 12195);
    /* tiered: the month's use so far decides the step; 190 kWh used: 10 kWh at 0.5283, the rest at 0.5783 */
    int64_t fresh = estimate_for("000000000004", METER_ELECTRICITY, "tiered 200:0.5283 -:0.5783", 0);
    int64_t late = estimate_for("000000000004", METER_ELECTRICITY, "tiered 200:0.5283 -:0.5783", 190000);
    assert_int_equal(fresh, 94643);
    assert_true(late < fresh);
    assert_int_equal(estimate_for("000000000005", METER_ELECTRICITY, NULL, 0), -1); /* no tariff: no estimate */
}

/* From attract to the screen asked, on the remote path, by the method. */
static void go_to(rig_t *r, session_screen_t target, const char *method)
{
    tap(r, "start");
    if (target == SCR_IDENTIFY)
        return;
    keys(r, METER);
    tap(r, "ok");
    send(r, found());
    if (target == SCR_ACCOUNT)
        return;
    tap(r, "ok");
    if (target == SCR_AMOUNT)
        return;
    tap(r, "preset2");
    tap(r, "ok");
    if (target == SCR_METHOD)
        return;
    tap(r, method);
    session_event_t opened = {.kind = SEV_SALE_OPENED, .ok = true, .txn = "0b7c9a52-1111-4222-8333-444455556666"};
    send(r, opened);
    if (target == SCR_PAYMENT)
        return;
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 5000});
    if (target == SCR_DELIVERING)
        return;
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_DELIVERED, .paid = 5000});
}

static void no_device_no_service(void **state)
{
    (void)state;
    rig_t *r = rig_new(0);
    expect_screen(r, SCR_OUT_OF_SERVICE);
    tap(r, "start");
    expect_screen(r, SCR_OUT_OF_SERVICE);
    send(r, (session_event_t){.kind = SEV_HEALTH, .health = HEALTH_READER}); /* a reader alone takes no money */
    expect_screen(r, SCR_OUT_OF_SERVICE);
    send(r, (session_event_t){.kind = SEV_HEALTH, .health = HEALTH_CASH});
    expect_screen(r, SCR_ATTRACT);
    send(r, (session_event_t){.kind = SEV_HEALTH, .health = 0});
    expect_screen(r, SCR_OUT_OF_SERVICE);
}

static void cash_to_a_remote_meter(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_TERMINAL);
    expect_screen(r, SCR_ATTRACT);
    tap(r, "start");
    expect_screen(r, SCR_IDENTIFY);
    keys(r, "00000000000");
    tap(r, "ok");
    assert_int_equal(r->n, 0);
    assert_int_equal(view(r)->message, MSG_METER_DIGITS);
    keys(r, "1");
    tap(r, "ok");
    expect_cmd(r, CMD_LOOKUP);
    assert_string_equal(r->cmd[0].meter, METER);
    assert_true(view(r)->busy);
    keys(r, "5"); /* busy: the keypad waits */
    assert_string_equal(view(r)->entry, METER);
    send(r, found());
    expect_screen(r, SCR_ACCOUNT);
    assert_int_equal(view(r)->account.balance, 1530);
    tap(r, "ok");
    expect_screen(r, SCR_AMOUNT);
    tap(r, "preset2");
    assert_int_equal(view(r)->amount, 5000);
    assert_true(view(r)->has_estimate);
    assert_int_equal(view(r)->estimate_milli, 94643); /* 50.00 at 0.5283 buys 94.643 kWh, rounded down */
    tap(r, "ok");
    expect_screen(r, SCR_METHOD);
    tap(r, "cash");
    expect_screen(r, SCR_PAYMENT);
    expect_cmd(r, CMD_OPEN_SALE);
    assert_int_equal(r->cmd[0].method, METHOD_CASH);
    assert_int_equal(r->cmd[0].amount, 5000);
    assert_false(r->cmd[0].on_card);
    session_event_t opened = {.kind = SEV_SALE_OPENED, .ok = true, .txn = "0b7c9a52-1111-4222-8333-444455556666"};
    send(r, opened);
    expect_cmd(r, CMD_START_CASH);
    assert_string_equal(r->cmd[0].txn, opened.txn);
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 2000, .note = PNOTE_TAKEN, .note_value = 2000});
    assert_int_equal(r->n, 0);
    assert_int_equal(view(r)->paid, 2000);
    assert_true(session_money_in(view(r)));
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 5000});
    expect_cmd(r, CMD_FINISH_CASH); /* the amount is reached */
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 5000});
    expect_screen(r, SCR_DELIVERING);
    expect_cmd(r, CMD_DELIVER);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_DELIVERED, .paid = 5000, .has_balance = true,
                              .balance = 6530});
    expect_screen(r, SCR_RESULT);
    assert_false(session_money_in(view(r)));
    assert_int_equal(view(r)->balance, 6530);
    tap(r, "finish");
    expect_screen(r, SCR_ATTRACT);
    assert_string_equal(view(r)->txn, "");
}

/* Every timeout rule, one row each: on this screen (reached by that
 * method, with that much paid), a tick after `after` ms leads to `want`
 * and decides `cmd` (-1: none). */
typedef struct timeout_case {
    session_screen_t screen;
    const char *method;
    int64_t paid;
    int64_t after;
    session_screen_t want;
    int cmd;
} timeout_case_t;

static const timeout_case_t timeouts[] = {
    {SCR_IDENTIFY, "cash", 0, IDLE - 1, SCR_IDENTIFY, -1},
    {SCR_IDENTIFY, "cash", 0, IDLE, SCR_ATTRACT, -1},
    {SCR_ACCOUNT, "cash", 0, IDLE, SCR_ATTRACT, -1},
    {SCR_AMOUNT, "cash", 0, IDLE, SCR_ATTRACT, -1},
    {SCR_METHOD, "cash", 0, IDLE, SCR_ATTRACT, -1},
    {SCR_PAYMENT, "cash", 0, IDLE - 1, SCR_PAYMENT, -1},
    {SCR_PAYMENT, "cash", 0, IDLE, SCR_PAYMENT, CMD_FINISH_CASH},   /* closed, cancelled by the result */
    {SCR_PAYMENT, "cash", 2000, IDLE, SCR_PAYMENT, CMD_FINISH_CASH}, /* money in: delivered, never dropped */
    {SCR_PAYMENT, "cash", 2000, 100 * IDLE, SCR_PAYMENT, CMD_FINISH_CASH},
    {SCR_PAYMENT, "card", 0, 100 * IDLE, SCR_PAYMENT, -1},          /* the terminal has its own timeout */
    {SCR_PAYMENT, "qr", 0, 100 * IDLE, SCR_PAYMENT, -1},            /* the provider decides: it may be paid */
    {SCR_DELIVERING, "cash", 5000, 100 * IDLE, SCR_DELIVERING, -1},
    {SCR_RESULT, "cash", 5000, IDLE - 1, SCR_RESULT, -1},
    {SCR_RESULT, "cash", 5000, IDLE, SCR_ATTRACT, -1},
    {SCR_ATTRACT, "cash", 0, 100 * IDLE, SCR_ATTRACT, -1},
};

static void every_timeout_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        const timeout_case_t *c = &timeouts[i];
        rig_t *r = rig_new(HEALTH_CASH | HEALTH_TERMINAL | HEALTH_QR);
        if (c->screen != SCR_ATTRACT)
            go_to(r, c->screen, c->method);
        if (c->paid && c->screen == SCR_PAYMENT)
            send(r, (session_event_t){.kind = SEV_NOTE, .paid = c->paid});
        expect_screen(r, c->screen);
        tick(r, c->after);
        printf("row %zu: %s after %lld ms\n", i, session_screen_name(c->screen), (long long)c->after);
        expect_screen(r, c->want);
        if (c->cmd < 0)
            assert_int_equal(r->n, 0);
        else
            expect_cmd(r, (session_cmd_kind_t)c->cmd);
    }
}

static void money_in_never_returns_to_attract(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_PAYMENT, "cash");
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 1000});
    tick(r, IDLE);
    expect_cmd(r, CMD_FINISH_CASH);
    for (int i = 0; i < 5; i++) { /* closing: no second command, no way out */
        tick(r, IDLE);
        expect_screen(r, SCR_PAYMENT);
        assert_int_equal(r->n, 0);
    }
    tap(r, "back");
    tap(r, "cancel");
    expect_screen(r, SCR_PAYMENT);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 1000});
    expect_screen(r, SCR_DELIVERING);
    assert_true(session_money_in(view(r)));
    tick(r, 10 * IDLE);
    expect_screen(r, SCR_DELIVERING);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_PENDING, .paid = 1000});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_PENDING);
    assert_int_equal(view(r)->paid, 1000);
    assert_string_equal(view(r)->txn, "0b7c9a52-1111-4222-8333-444455556666"); /* the reference is shown */
}

static void cash_cancelled_before_money(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_PAYMENT, "cash");
    tap(r, "done"); /* nothing in: Done means nothing */
    assert_int_equal(r->n, 0);
    tap(r, "cancel");
    expect_cmd(r, CMD_FINISH_CASH);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = false, .paid = 0});
    expect_screen(r, SCR_ATTRACT);
    /* a note that slipped in while closing is delivered, not dropped */
    r = rig_new(HEALTH_CASH);
    go_to(r, SCR_PAYMENT, "cash");
    tap(r, "cancel");
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 1000});
    assert_int_equal(r->n, 0);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 1000});
    expect_screen(r, SCR_DELIVERING);
    expect_cmd(r, CMD_DELIVER);
}

static void card_payment_paths(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_TERMINAL);
    go_to(r, SCR_PAYMENT, "card");
    expect_cmd(r, CMD_PAY_CARD);
    assert_int_equal(r->cmd[0].amount, 5000);
    send(r, (session_event_t){.kind = SEV_TERMINAL_TEXT, .prompt = PPROMPT_INSERT_CARD});
    assert_int_equal(view(r)->prompt, PPROMPT_INSERT_CARD);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = false, .reason = REASON_DECLINED});
    expect_screen(r, SCR_METHOD);
    assert_int_equal(view(r)->message, MSG_NOT_PAID);
    assert_string_equal(session_reason_name(view(r)->reason), "declined"); /* the terminal's typed outcome */
    assert_string_equal(view(r)->txn, "");
    /* cancelled at the prompt */
    tap(r, "card");
    send(r, (session_event_t){.kind = SEV_SALE_OPENED, .ok = true, .txn = "1b7c9a52-1111-4222-8333-444455556666"});
    tap(r, "cancel");
    expect_cmd(r, CMD_CANCEL_CARD);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = false, .reason = REASON_DECLINED});
    expect_screen(r, SCR_METHOD);
    assert_string_equal(session_reason_name(view(r)->reason), "cancelled"); /* the resident tapped Cancel */
    /* an outcome nobody knows: parked, with the reference */
    tap(r, "card");
    send(r, (session_event_t){.kind = SEV_SALE_OPENED, .ok = true, .txn = "2b7c9a52-1111-4222-8333-444455556666"});
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = false, .parked = true});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_PARKED);
    assert_string_equal(view(r)->txn, "2b7c9a52-1111-4222-8333-444455556666");
}

/* The QR rows, one case each: on the payment screen with the code shown
 * (120 s to pay), `ev` after `after` ms leads to `want`, decides `cmd`
 * (-1: none) and leaves `left_s` on the countdown (-1: not looked at). */
typedef struct qr_case {
    const char *what;
    session_event_t ev;
    int64_t after;
    session_screen_t want;
    int cmd;
    int64_t left_s;
} qr_case_t;

#define QR_URL "http://127.0.0.1:8443/pay/0f5eca5f239d522938961ff9f23ffa8a"

static const qr_case_t qr_cases[] = {
    {"a second passes", {.kind = SEV_TICK}, 1000, SCR_PAYMENT, -1, 119},
    {"part of a second", {.kind = SEV_TICK}, 1500, SCR_PAYMENT, -1, 119},
    {"idle long after expiry: stays, the provider decides", {.kind = SEV_TICK}, 100 * IDLE, SCR_PAYMENT, -1, 0},
    {"cancel", {.kind = SEV_TAP, .control = CTL_CANCEL}, 0, SCR_PAYMENT, CMD_CANCEL_QR, 120},
    {"paid", {.kind = SEV_PAY_RESULT, .ok = true, .paid = 5000}, 0, SCR_DELIVERING, CMD_DELIVER, 0},
    {"expired or cancelled", {.kind = SEV_PAY_RESULT, .reason = REASON_DECLINED}, 0, SCR_METHOD, -1, 0},
    {"nobody knows", {.kind = SEV_PAY_RESULT, .parked = true}, 0, SCR_RESULT, -1, -1},
    {"the link failed", {.kind = SEV_FAILED, .reason = REASON_FAILED}, 0, SCR_RESULT, -1, -1},
    {"Done is for cash", {.kind = SEV_TAP, .control = CTL_DONE}, 0, SCR_PAYMENT, -1, 120},
    {"back is not there", {.kind = SEV_TAP, .control = CTL_BACK}, 0, SCR_PAYMENT, -1, 120},
};

static rig_t *at_qr_code(void)
{
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_QR);
    go_to(r, SCR_PAYMENT, "qr");
    expect_cmd(r, CMD_PAY_QR);
    assert_int_equal(r->cmd[0].amount, 5000);
    session_event_t code = {.kind = SEV_QR_CODE, .url = QR_URL, .left_ms = 120000};
    send(r, code);
    assert_string_equal(view(r)->qr_url, QR_URL);
    assert_int_equal(view(r)->qr_left_s, 120);
    return r;
}

static void qr_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof qr_cases / sizeof qr_cases[0]; i++) {
        const qr_case_t *c = &qr_cases[i];
        printf("QR row %zu: %s\n", i, c->what);
        rig_t *r = at_qr_code();
        r->now += c->after;
        send(r, c->ev);
        expect_screen(r, c->want);
        if (c->cmd < 0)
            assert_int_equal(r->n, 0);
        else
            expect_cmd(r, (session_cmd_kind_t)c->cmd);
        if (c->left_s >= 0)
            assert_int_equal(view(r)->qr_left_s, c->left_s);
    }
}

static void qr_offer_and_endings(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_QR); /* QR alone serves */
    expect_screen(r, SCR_ATTRACT);
    r = rig_new(HEALTH_CASH);
    go_to(r, SCR_METHOD, "cash");
    tap(r, "qr"); /* no provider, or the back office does not answer */
    expect_screen(r, SCR_METHOD);
    assert_int_equal(view(r)->message, MSG_DEVICE_DOWN);
    assert_int_equal(r->n, 0);
    send(r, (session_event_t){.kind = SEV_HEALTH, .health = HEALTH_CASH | HEALTH_QR});
    tap(r, "qr");
    expect_screen(r, SCR_PAYMENT);
    expect_cmd(r, CMD_OPEN_SALE);
    assert_int_equal(r->cmd[0].method, METHOD_QR);
    /* the cancel races the payment: the provider says paid, the credit goes */
    r = at_qr_code();
    tap(r, "cancel");
    assert_true(view(r)->closing);
    tap(r, "cancel"); /* once */
    assert_int_equal(r->n, 0);
    send(r, (session_event_t){.kind = SEV_QR_CODE, .url = "http://elsewhere/", .left_ms = 1000});
    assert_string_equal(view(r)->qr_url, QR_URL); /* no new code while closing */
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 5000});
    expect_screen(r, SCR_DELIVERING);
    assert_string_equal(view(r)->qr_url, "");
    /* not paid: back to the methods, the code forgotten, the reason said */
    r = at_qr_code();
    r->now += 120000;
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .reason = REASON_DECLINED});
    expect_screen(r, SCR_METHOD);
    assert_int_equal(view(r)->message, MSG_NOT_PAID);
    assert_string_equal(session_reason_name(view(r)->reason), "expired"); /* its countdown ran out */
    assert_string_equal(view(r)->qr_url, "");
    assert_string_equal(view(r)->txn, "");
    /* a code for a resident who has gone is dropped */
    r = at_qr_code();
    uint32_t old = r->s.gen;
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .reason = REASON_DECLINED});
    tick(r, IDLE);
    expect_screen(r, SCR_ATTRACT);
    session_event_t late = {.kind = SEV_QR_CODE, .gen = old, .url = QR_URL, .now_ms = r->now};
    session_handle(&r->s, &late, r->cmd, &r->n);
    assert_string_equal(view(r)->qr_url, "");
}

static void only_healthy_methods(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_METHOD, "cash");
    tap(r, "card");
    expect_screen(r, SCR_METHOD);
    assert_int_equal(view(r)->message, MSG_DEVICE_DOWN);
    assert_int_equal(r->n, 0);
    send(r, (session_event_t){.kind = SEV_HEALTH, .health = HEALTH_TERMINAL}); /* the acceptor failed meanwhile */
    tap(r, "cash");
    expect_screen(r, SCR_METHOD);
    tap(r, "card");
    expect_screen(r, SCR_PAYMENT);
    expect_cmd(r, CMD_OPEN_SALE);
}

static void amount_limits_and_keypad(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_AMOUNT, "cash");
    keys(r, "0"); /* no leading zero */
    assert_string_equal(view(r)->entry, "");
    tap(r, "ok");
    assert_int_equal(view(r)->message, MSG_AMOUNT_LOW);
    keys(r, "1001"); /* the fourth digit would pass the limit (1,000.00): refused at once, saying so */
    assert_string_equal(view(r)->entry, "100");
    assert_int_equal(view(r)->amount, 10000);
    assert_int_equal(view(r)->message, MSG_AMOUNT_HIGH);
    tap(r, "del");
    assert_int_equal(view(r)->amount, 1000);
    assert_int_equal(view(r)->message, MSG_NONE);
    keys(r, "00"); /* the limit itself */
    assert_int_equal(view(r)->amount, 100000);
    assert_int_equal(view(r)->message, MSG_NONE);
    keys(r, "5");
    assert_string_equal(view(r)->entry, "1000");
    assert_int_equal(view(r)->message, MSG_AMOUNT_HIGH);
    tap(r, "clear");
    assert_int_equal(view(r)->amount, 0);
    tap(r, "preset4"); /* unused preset */
    assert_int_equal(view(r)->amount, 0);
    tap(r, "preset1");
    assert_int_equal(view(r)->amount, 2000);
    tap(r, "ok");
    expect_screen(r, SCR_METHOD);
    tap(r, "back");
    expect_screen(r, SCR_AMOUNT);
    tap(r, "back");
    expect_screen(r, SCR_ACCOUNT);
    tap(r, "back");
    expect_screen(r, SCR_IDENTIFY);
    assert_string_equal(view(r)->account.meter, "");
}

static void unknown_meter_and_stale_answers(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    tap(r, "start");
    keys(r, "000000000009");
    tap(r, "ok");
    send(r, (session_event_t){.kind = SEV_ACCOUNT, .ok = false});
    expect_screen(r, SCR_IDENTIFY);
    assert_int_equal(view(r)->message, MSG_METER_UNKNOWN);
    assert_false(view(r)->busy);
    tap(r, "clear");
    keys(r, METER);
    tap(r, "ok");
    uint32_t old = r->s.gen;
    tap(r, "back"); /* gone before the answer */
    expect_screen(r, SCR_ATTRACT);
    tap(r, "start");
    session_event_t late = found();
    late.gen = old;
    late.now_ms = r->now;
    assert_false(session_handle(&r->s, &late, r->cmd, &r->n));
    expect_screen(r, SCR_IDENTIFY);
}

static void meter_card_path(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_READER);
    send(r, (session_event_t){.kind = SEV_CARD_IN});
    expect_screen(r, SCR_IDENTIFY);
    expect_cmd(r, CMD_READ_CARD);
    send(r, (session_event_t){.kind = SEV_CARD_READ, .verdict = CARDV_NOT_TAKEN});
    expect_screen(r, SCR_IDENTIFY);
    assert_int_equal(view(r)->message, MSG_CARD_REFUSED);
    assert_int_equal(view(r)->verdict, CARDV_NOT_TAKEN);
    send(r, (session_event_t){.kind = SEV_CARD_IN});
    expect_cmd(r, CMD_READ_CARD);
    session_event_t ok = found();
    ok.kind = SEV_CARD_READ;
    ok.verdict = CARDV_OK;
    ok.account.on_card = true;
    snprintf(ok.account.card_serial, sizeof ok.account.card_serial, "4B50000000000001");
    send(r, ok);
    expect_screen(r, SCR_ACCOUNT);
    assert_true(view(r)->account.on_card);
    tap(r, "ok");
    tap(r, "preset1");
    tap(r, "ok");
    tap(r, "cash");
    expect_cmd(r, CMD_OPEN_SALE);
    assert_true(r->cmd[0].on_card);
    /* pulled out before paying: back to the start */
    r = rig_new(HEALTH_CASH | HEALTH_READER);
    send(r, (session_event_t){.kind = SEV_CARD_IN});
    send(r, ok);
    tap(r, "ok");
    send(r, (session_event_t){.kind = SEV_CARD_OUT});
    expect_screen(r, SCR_ATTRACT);
    /* a meter typed in does not care about a card taken out */
    r = rig_new(HEALTH_CASH | HEALTH_READER);
    go_to(r, SCR_AMOUNT, "cash");
    send(r, (session_event_t){.kind = SEV_CARD_OUT});
    expect_screen(r, SCR_AMOUNT);
}

/* A card read that may buy; zero: it may take a zero first purchase. */
static session_event_t card_read(bool zero)
{
    session_event_t ev = found();
    ev.kind = SEV_CARD_READ;
    ev.verdict = CARDV_OK;
    ev.account.on_card = true;
    ev.account.zero_first_ok = zero;
    snprintf(ev.account.card_serial, sizeof ev.account.card_serial, "4B50000000000001");
    return ev;
}

/* On the amount screen with a card that may (or may not) open its
 * account with 0. */
static rig_t *rig_zero(bool zero, unsigned health)
{
    rig_t *r = rig_new(health);
    send(r, (session_event_t){.kind = SEV_CARD_IN});
    send(r, card_read(zero));
    tap(r, "ok");
    expect_screen(r, SCR_AMOUNT);
    return r;
}

/* A new account's card: 0 is offered, Continue skips the method screen,
 * the sale opens for 0 with no method and goes straight onto the card;
 * the result gets its receipt. */
static void zero_first_purchase(void **state)
{
    (void)state;
    rig_t *r = rig_zero(true, HEALTH_CASH | HEALTH_READER);
    tap(r, "preset2");
    tap(r, "zero");
    assert_true(view(r)->zero_first);
    assert_int_equal(view(r)->amount, 0);
    assert_false(view(r)->has_estimate);
    tap(r, "ok");
    expect_screen(r, SCR_DELIVERING);
    expect_cmd(r, CMD_OPEN_SALE);
    assert_int_equal(r->cmd[0].amount, 0);
    assert_int_equal(r->cmd[0].method, METHOD_NONE);
    assert_true(r->cmd[0].on_card);
    session_event_t opened = {.kind = SEV_SALE_OPENED, .ok = true, .printer_ok = true};
    snprintf(opened.txn, sizeof opened.txn, "abcdef01-0000-4000-8000-000000000000");
    send(r, opened);
    expect_screen(r, SCR_DELIVERING);
    expect_cmd(r, CMD_DELIVER);
    assert_string_equal(r->cmd[0].txn, opened.txn);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_DELIVERED});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_DELIVERED);
    assert_true(view(r)->zero_first);
    expect_cmd(r, CMD_PRINT_RECEIPT); /* nothing paid, but the account opened: a receipt */
    assert_int_equal(view(r)->receipt, RCPT_PRINTING);
    tap(r, "finish");
    expect_screen(r, SCR_ATTRACT);
    assert_false(view(r)->zero_first);
}

/* 0 is offered only to a card that may take it; a digit or a preset
 * after it takes its place; a sale that does not open refuses, nothing
 * parked. */
static void zero_first_guards(void **state)
{
    (void)state;
    rig_t *r = rig_zero(false, HEALTH_CASH | HEALTH_READER);
    tap(r, "zero");
    assert_false(view(r)->zero_first);
    tap(r, "ok");
    expect_screen(r, SCR_AMOUNT); /* 0 is below the least */
    assert_int_equal(view(r)->message, MSG_AMOUNT_LOW);
    assert_int_equal(r->n, 0);
    r = rig_new(HEALTH_CASH); /* a meter typed in: never */
    go_to(r, SCR_AMOUNT, "cash");
    tap(r, "zero");
    assert_false(view(r)->zero_first);
    r = rig_zero(true, HEALTH_CASH | HEALTH_READER);
    tap(r, "zero");
    keys(r, "5");
    assert_false(view(r)->zero_first);
    tap(r, "clear");
    tap(r, "ok");
    expect_screen(r, SCR_AMOUNT); /* cleared to 0 is not the choice */
    tap(r, "zero");
    tap(r, "preset1");
    tap(r, "ok");
    expect_screen(r, SCR_METHOD); /* a preset: paid as any purchase */
    r = rig_zero(true, HEALTH_CASH | HEALTH_READER);
    tap(r, "zero");
    tap(r, "ok");
    send(r, (session_event_t){.kind = SEV_SALE_OPENED, .reason = REASON_METER_CLOSED});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_REFUSED);
    assert_int_equal(view(r)->reason, REASON_METER_CLOSED);
    assert_int_equal(view(r)->receipt, RCPT_NONE);
    r = rig_zero(true, HEALTH_CASH | HEALTH_READER); /* opened, then the delivery fails: parked, with a receipt */
    tap(r, "zero");
    tap(r, "ok");
    session_event_t opened = {.kind = SEV_SALE_OPENED, .ok = true};
    snprintf(opened.txn, sizeof opened.txn, "abcdef01-0000-4000-8000-000000000000");
    send(r, opened);
    send(r, (session_event_t){.kind = SEV_FAILED, .reason = REASON_FAILED});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_PARKED);
    assert_int_equal(view(r)->receipt, RCPT_ON_SCREEN);
}

static const session_screen_t screens[] = {SCR_ATTRACT, SCR_IDENTIFY, SCR_ACCOUNT, SCR_AMOUNT,
                                           SCR_METHOD, SCR_PAYMENT, SCR_DELIVERING, SCR_RESULT};

/* A resident on screen s, paying cash. */
static rig_t *rig_on(session_screen_t s)
{
    rig_t *r = rig_new(HEALTH_CASH);
    if (s != SCR_ATTRACT)
        go_to(r, s, "cash");
    return r;
}

static void language_on_every_screen(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
        rig_t *r = rig_on(screens[i]);
        assert_int_equal(view(r)->lang, LANG_ZH);
        tap(r, "lang");
        assert_int_equal(view(r)->lang, LANG_EN);
        expect_screen(r, screens[i]);
        send(r, (session_event_t){.kind = SEV_LANG, .lang = LANG_ZH});
        assert_int_equal(view(r)->lang, LANG_ZH);
    }
    rig_t *r = rig_new(0);
    tap(r, "lang");
    assert_int_equal(view(r)->lang, LANG_EN); /* out of service too */
    r = rig_new(HEALTH_CASH);
    tap(r, "lang");
    tap(r, "start");
    assert_int_equal(view(r)->lang, LANG_EN); /* chosen at attract, kept */
    tick(r, IDLE);
    assert_int_equal(view(r)->lang, LANG_ZH); /* the next resident gets the default */
}

/* The mute button: on every screen it toggles the spoken guidance and
 * nothing else; the next resident starts as configured. */
static void mute_on_every_screen(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
        rig_t *r = rig_on(screens[i]);
        assert_false(view(r)->muted);
        tap(r, "voice");
        assert_true(view(r)->muted);
        assert_int_equal(r->n, 0);
        expect_screen(r, screens[i]);
        tap(r, "voice");
        assert_false(view(r)->muted);
    }
    rig_t *r = rig_new(0);
    tap(r, "voice");
    assert_true(view(r)->muted); /* out of service too */
    r = rig_new(HEALTH_CASH);
    tap(r, "voice");
    tap(r, "start");
    assert_true(view(r)->muted); /* kept through the resident's visit */
    tick(r, IDLE);
    assert_false(view(r)->muted); /* the next resident gets the default */
    session_config_t quiet = r->s.cfg;
    quiet.muted = true; /* ui.voice = off */
    session_init(&r->s, &quiet, r->now);
    assert_true(view(r)->muted);
    tap(r, "voice");
    assert_false(view(r)->muted);
}

static void failures_while_paying(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_PAYMENT, "cash");
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 2000});
    send(r, (session_event_t){.kind = SEV_FAILED, .reason = REASON_DEVICE_DOWN});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_PARKED); /* money in: staff settle it */
    assert_int_equal(view(r)->reason, REASON_DEVICE_DOWN);
    r = rig_new(HEALTH_CASH);
    go_to(r, SCR_METHOD, "cash");
    tap(r, "cash");
    send(r, (session_event_t){.kind = SEV_SALE_OPENED, .ok = false, .reason = REASON_OFFLINE_LIMIT});
    expect_screen(r, SCR_METHOD);
    assert_int_equal(view(r)->message, MSG_SALE_FAILED);
    assert_string_equal(session_reason_name(view(r)->reason), "offline_limit");
    tap(r, "cash"); /* tried again: the reason is forgotten */
    assert_int_equal(view(r)->reason, REASON_NONE);
    r = rig_new(HEALTH_CASH);
    go_to(r, SCR_DELIVERING, "cash");
    send(r, (session_event_t){.kind = SEV_FAILED, .reason = REASON_FAILED});
    assert_int_equal(view(r)->outcome, OUT_PARKED);
    /* a card terminal failing before money is in: nothing charged, the reason said */
    r = rig_new(HEALTH_TERMINAL);
    go_to(r, SCR_PAYMENT, "card");
    send(r, (session_event_t){.kind = SEV_FAILED, .reason = REASON_NO_ANSWER});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(view(r)->outcome, OUT_REFUSED);
    assert_string_equal(session_reason_name(view(r)->reason), "no_answer");
}

/* The engine's typed errors as the resident's reasons: each check of
 * opening a sale has its own; taking the money names the device. */
static void reasons_from_engine_errors(void **state)
{
    (void)state;
    static const struct {
        session_cmd_kind_t during;
        kerr_t rc;
        const char *want;
    } cases[] = {
        {CMD_OPEN_SALE, K_OK, ""},
        {CMD_OPEN_SALE, K_EINVAL, "over_limit"},
        {CMD_OPEN_SALE, K_ESTATE, "meter_closed"},
        {CMD_OPEN_SALE, K_EBUSY, "offline_limit"},
        {CMD_OPEN_SALE, K_ENOTFOUND, "device_down"},
        {CMD_OPEN_SALE, K_ETIMEOUT, "no_answer"},
        {CMD_OPEN_SALE, K_EIO, "failed"},
        {CMD_START_CASH, K_EDEVICE, "device_down"},
        {CMD_PAY_CARD, K_ENOTFOUND, "device_down"},
        {CMD_PAY_CARD, K_ETIMEOUT, "no_answer"},
        {CMD_PAY_QR, K_ESTATE, "failed"},
        {CMD_DELIVER, K_EIO, "failed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        printf("case %zu: %s, %s\n", i, session_cmd_name(cases[i].during), kerr_str(cases[i].rc));
        assert_string_equal(session_reason_name(session_reason_of(cases[i].during, cases[i].rc)), cases[i].want);
    }
    for (int r = 1; r < REASON_COUNT; r++) { /* every reason has a name */
        const char *name = session_reason_name((session_reason_t)r);
        assert_true(name[0] && strcmp(name, "?") != 0);
    }
}

/* Cash with money in: Cancel asks whether to stop and credit (a stacked
 * note cannot be given back); keep goes back, stop finishes the cash. */
static rig_t *asking_stop(int64_t paid)
{
    rig_t *r = rig_new(HEALTH_CASH);
    go_to(r, SCR_PAYMENT, "cash");
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = paid, .note = PNOTE_TAKEN, .note_value = paid});
    tap(r, "cancel");
    expect_screen(r, SCR_PAYMENT);
    assert_int_equal(r->n, 0); /* nothing stops yet */
    assert_true(view(r)->asking_stop);
    return r;
}

static void cancel_with_money_in_asks(void **state)
{
    (void)state;
    rig_t *r = asking_stop(2000);
    tap(r, "keep");
    assert_false(view(r)->asking_stop);
    assert_int_equal(r->n, 0);
    assert_false(view(r)->closing);
    tap(r, "stop"); /* not asked: nothing to confirm */
    assert_int_equal(r->n, 0);
    /* confirm: what is in is credited */
    r = asking_stop(2000);
    tap(r, "stop");
    expect_cmd(r, CMD_FINISH_CASH);
    assert_true(view(r)->closing);
    assert_false(view(r)->asking_stop);
    tap(r, "keep"); /* closing: too late */
    assert_int_equal(r->n, 0);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 2000});
    expect_screen(r, SCR_DELIVERING);
    expect_cmd(r, CMD_DELIVER);
    assert_int_equal(r->cmd[0].amount, 5000);
    assert_int_equal(view(r)->paid, 2000);
    /* a note arriving while asking: the question names the new amount */
    r = asking_stop(2000);
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 3000, .note = PNOTE_TAKEN, .note_value = 1000});
    assert_true(view(r)->asking_stop);
    assert_int_equal(view(r)->paid, 3000);
    assert_int_equal(r->n, 0);
    /* ... and one reaching the amount finishes at once */
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 5000, .note = PNOTE_TAKEN, .note_value = 2000});
    expect_cmd(r, CMD_FINISH_CASH);
    assert_false(view(r)->asking_stop);
    /* idle while asking: still closed and credited, never back to attract */
    r = asking_stop(1000);
    tick(r, IDLE);
    expect_cmd(r, CMD_FINISH_CASH);
    expect_screen(r, SCR_PAYMENT);
    assert_false(view(r)->asking_stop);
}

/* A result that took money gets a receipt: printed when the printer could
 * print as the sale opened, else on the screen; a printer that fails at
 * the end puts it on the screen; no money, no receipt. */
static void receipts(void **state)
{
    (void)state;
    session_event_t opened = {.kind = SEV_SALE_OPENED, .ok = true, .printer_ok = true,
                              .txn = "0b7c9a52-1111-4222-8333-444455556666"};
    session_event_t paid = {.kind = SEV_PAY_RESULT, .ok = true, .paid = 5000, .at_ms = 1795838100000};
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_PRINTER);
    go_to(r, SCR_METHOD, "cash");
    tap(r, "cash");
    send(r, opened);
    assert_true(view(r)->paper_receipt);
    send(r, paid);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_DELIVERED, .paid = 5000});
    expect_screen(r, SCR_RESULT);
    expect_cmd(r, CMD_PRINT_RECEIPT);
    assert_string_equal(r->cmd[0].txn, opened.txn);
    assert_int_equal(view(r)->receipt, RCPT_PRINTING);
    assert_int_equal(view(r)->sale_at_ms, 1795838100000);
    send(r, (session_event_t){.kind = SEV_RECEIPT, .ok = true});
    assert_int_equal(view(r)->receipt, RCPT_PRINTED);
    /* the paper ran out between the check and the print */
    r = rig_new(HEALTH_CASH | HEALTH_PRINTER);
    go_to(r, SCR_METHOD, "cash");
    tap(r, "cash");
    send(r, opened);
    send(r, paid);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_PENDING, .paid = 5000});
    expect_cmd(r, CMD_PRINT_RECEIPT);
    send(r, (session_event_t){.kind = SEV_RECEIPT, .ok = false});
    assert_int_equal(view(r)->receipt, RCPT_ON_SCREEN);
    /* no printer that can print: on the screen, nothing sent to a printer */
    r = rig_new(HEALTH_CASH);
    go_to(r, SCR_RESULT, "cash");
    assert_int_equal(r->n, 0);
    assert_false(view(r)->paper_receipt);
    assert_int_equal(view(r)->receipt, RCPT_ON_SCREEN);
    /* an answer for the resident before is dropped */
    tap(r, "finish");
    send(r, (session_event_t){.kind = SEV_RECEIPT, .ok = true});
    assert_int_equal(view(r)->receipt, RCPT_NONE);
    /* a card payment nobody could confirm took no known money: no receipt */
    r = rig_new(HEALTH_TERMINAL | HEALTH_PRINTER);
    go_to(r, SCR_METHOD, "card");
    tap(r, "card");
    send(r, opened);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .parked = true});
    expect_screen(r, SCR_RESULT);
    assert_int_equal(r->n, 0);
    assert_int_equal(view(r)->receipt, RCPT_NONE);
}

static void names_and_ids(void **state)
{
    (void)state;
    session_control_t c;
    int digit, index;
    assert_true(session_control_from_id("key7", &c, &digit, &index));
    assert_int_equal(c, CTL_KEY);
    assert_int_equal(digit, 7);
    assert_true(session_control_from_id("preset3", &c, &digit, &index));
    assert_int_equal(index, 2);
    assert_false(session_control_from_id("preset0", &c, &digit, &index));
    assert_false(session_control_from_id("key", &c, &digit, &index));
    assert_false(session_control_from_id("keyboard", &c, &digit, &index));
    assert_true(session_control_from_id("finish", &c, &digit, &index));
    assert_int_equal(c, CTL_FINISH);
    for (int s = 0; s < SCR_COUNT; s++)
        assert_int_equal(session_screen_from_name(session_screen_name((session_screen_t)s)), s);
    assert_int_equal(session_screen_from_name("nowhere"), SCR_COUNT);
    size_t n;
    const session_rule_t *t = session_table(&n);
    for (size_t i = 0; i < n; i++) { /* every row prints */
        assert_string_not_equal(session_event_name(t[i].kind), "?");
        assert_string_not_equal(session_guard_name(t[i].guard), "?");
        assert_string_not_equal(session_action_name(t[i].action), "?");
    }
    char masked[16];
    session_mask("100000000001", masked);
    assert_string_equal(masked, "1000****0001");
}

/* What account 20260001 owes: two bills, 20.00 and 50.00. */
static session_event_t due_answer(void)
{
    session_event_t ev = {.kind = SEV_DUE, .ok = true};
    snprintf(ev.bill.account, sizeof ev.bill.account, "20260001");
    ev.bill.n = 2;
    ev.bill.owed = 7000;
    ev.bill.bill[0] = (receipt_bill_t){"2026-09-01", "2026-09-30", 2000};
    ev.bill.bill[1] = (receipt_bill_t){"2026-10-01", "2026-10-31", 5000};
    return ev;
}

/* Paying a bill: offered only while the back office answers and cash or
 * the terminal is healthy; the account asked before any sale is opened;
 * no QR; the sale opened as a bill payment of the total; back from the
 * method screen to the bills. */
static void bill_payment(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_QR); /* the back office does not answer: no bill */
    tap(r, "bill");
    expect_screen(r, SCR_ATTRACT);
    r = rig_new(HEALTH_QR | HEALTH_BILLS); /* nothing takes a bill's money */
    tap(r, "bill");
    expect_screen(r, SCR_ATTRACT);
    r = rig_new(HEALTH_CASH | HEALTH_QR | HEALTH_BILLS);
    tap(r, "lang");
    tap(r, "bill");
    expect_screen(r, SCR_BILL_ACCOUNT);
    assert_int_equal(view(r)->lang, LANG_EN); /* the resident's choice stays */
    assert_true(view(r)->paying_bill);
    tap(r, "ok"); /* nothing typed: nothing asked */
    assert_int_equal(r->n, 0);
    keys(r, "020260001"); /* no leading 0 */
    assert_string_equal(view(r)->entry, "20260001");
    tap(r, "ok");
    expect_cmd(r, CMD_ASK_DUE);
    assert_string_equal(r->cmd[0].account, "20260001");
    assert_true(view(r)->busy);
    send(r, (session_event_t){.kind = SEV_DUE, .reason = REASON_ACCOUNT_UNKNOWN});
    expect_screen(r, SCR_BILL_ACCOUNT);
    assert_int_equal(view(r)->message, MSG_BILL_REFUSED);
    assert_int_equal(view(r)->reason, REASON_ACCOUNT_UNKNOWN);
    tap(r, "ok");
    send(r, (session_event_t){.kind = SEV_DUE, .ok = true}); /* known, owing nothing */
    expect_screen(r, SCR_BILL_ACCOUNT);
    assert_int_equal(view(r)->reason, REASON_NOTHING_DUE);
    tap(r, "ok");
    send(r, due_answer());
    expect_screen(r, SCR_BILL);
    assert_int_equal(view(r)->amount, 7000);
    assert_int_equal(view(r)->bill.n, 2);
    tap(r, "ok");
    expect_screen(r, SCR_METHOD);
    tap(r, "qr"); /* a bill is paid in cash or by card */
    expect_screen(r, SCR_METHOD);
    assert_int_equal(r->n, 0);
    tap(r, "back");
    expect_screen(r, SCR_BILL);
    tap(r, "back");
    expect_screen(r, SCR_BILL_ACCOUNT);
    assert_string_equal(view(r)->entry, "20260001");
    tap(r, "ok");
    send(r, due_answer());
    tap(r, "ok");
    tap(r, "cash");
    expect_screen(r, SCR_PAYMENT);
    expect_cmd(r, CMD_OPEN_SALE);
    assert_true(r->cmd[0].bill);
    assert_string_equal(r->cmd[0].account, "20260001");
    assert_int_equal(r->cmd[0].amount, 7000);
    send(r, (session_event_t){.kind = SEV_SALE_OPENED, .ok = true, .printer_ok = true,
                              .txn = "3b7c9a52-1111-4222-8333-444455556666"});
    expect_cmd(r, CMD_START_CASH);
    send(r, (session_event_t){.kind = SEV_NOTE, .paid = 7000, .note = PNOTE_TAKEN, .note_value = 7000});
    expect_cmd(r, CMD_FINISH_CASH);
    send(r, (session_event_t){.kind = SEV_PAY_RESULT, .ok = true, .paid = 7000});
    expect_screen(r, SCR_DELIVERING);
    send(r, (session_event_t){.kind = SEV_DELIVERY, .outcome = OUT_DELIVERED, .paid = 7000});
    expect_screen(r, SCR_RESULT);
    expect_cmd(r, CMD_PRINT_RECEIPT);
    assert_true(r->cmd[0].bill);
    assert_string_equal(r->cmd[0].account, "20260001");
    tap(r, "finish");
    expect_screen(r, SCR_ATTRACT);
    assert_false(view(r)->paying_bill);
}

/* The bill screens time out like the others (no money is in on them). */
static void bill_timeouts(void **state)
{
    (void)state;
    rig_t *r = rig_new(HEALTH_CASH | HEALTH_BILLS);
    tap(r, "bill");
    tick(r, IDLE);
    expect_screen(r, SCR_ATTRACT);
    tap(r, "bill");
    keys(r, "7");
    tap(r, "ok");
    send(r, due_answer());
    expect_screen(r, SCR_BILL);
    assert_true(view(r)->idle_left_s > 0);
    tick(r, IDLE);
    expect_screen(r, SCR_ATTRACT);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(no_device_no_service),
    cmocka_unit_test(cash_to_a_remote_meter),
    cmocka_unit_test(every_timeout_rule),
    cmocka_unit_test(money_in_never_returns_to_attract),
    cmocka_unit_test(cash_cancelled_before_money),
    cmocka_unit_test(card_payment_paths),
    cmocka_unit_test(qr_rows),
    cmocka_unit_test(qr_offer_and_endings),
    cmocka_unit_test(only_healthy_methods),
    cmocka_unit_test(amount_limits_and_keypad),
    cmocka_unit_test(unknown_meter_and_stale_answers),
    cmocka_unit_test(meter_card_path),
    cmocka_unit_test(zero_first_purchase),
    cmocka_unit_test(zero_first_guards),
    cmocka_unit_test(language_on_every_screen),
    cmocka_unit_test(mute_on_every_screen),
    cmocka_unit_test(failures_while_paying),
    cmocka_unit_test(reasons_from_engine_errors),
    cmocka_unit_test(cancel_with_money_in_asks),
    cmocka_unit_test(receipts),
    cmocka_unit_test(estimate_per_meter),
    cmocka_unit_test(names_and_ids),
    cmocka_unit_test(bill_payment),
    cmocka_unit_test(bill_timeouts),
};

KTEST_MAIN(tests)
