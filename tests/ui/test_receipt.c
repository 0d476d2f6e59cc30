/* One receipt (core/receipt.c), two media: the paper the engine
 * prints (engine_receipt_paper) and the receipt on the screen
 * (screen_receipt_rows) carry the same facts, in the same order, under the
 * same labels and words, for each kind of sale: credited, pending, settled
 * by staff, a bank card, a QR code, a meter card, a copy. Run with TZ=UTC:
 * the screen's local time and the paper's (with its offset, +00:00). */
#include "ktest.h"

#include "engine/engine.h"
#include "screens/screen.h"

#define TXN "3f2c1a9e-5b7d-4c2e-9a10-6d8e2f4b7c01"
#define SALE_MS INT64_C(1796465400000) /* 2026-12-05 10:10 UTC */

typedef struct paper {
    char lines[32][PRINTER_MAX_TEXT];
    size_t n;
    char qr[64];
} paper_t;

static const currency_t *cny(void)
{
    return currency_find("CNY");
}

/* The receipt on paper, line by line, and its QR code's data. */
static void print(const receipt_t *r, paper_t *p)
{
    printer_doc_t doc;
    printer_doc_init(&doc);
    kmsg_t msg = {""};
    if (engine_receipt_paper(r, cny(), &doc, &msg) != K_OK)
        fail_msg("paper: %s", msg.text);
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < doc.n; i++) {
        const printer_item_t *it = &doc.items[i];
        if (it->kind == PRINTER_TEXT && p->n < 32)
            snprintf(p->lines[p->n++], PRINTER_MAX_TEXT, "%.*s", (int)it->len, (const char *)it->data);
        else if (it->kind == PRINTER_QR)
            snprintf(p->qr, sizeof p->qr, "%.*s", (int)it->len, (const char *)it->data);
    }
    assert_int_equal(doc.items[doc.n - 1].kind, PRINTER_CUT);
    printer_doc_free(&doc);
}

/* The paper's line that starts with prefix, at or after *from (which
 * moves past it): the paper keeps the receipt's order. */
static const char *paper_line(const paper_t *p, size_t *from, const char *prefix)
{
    for (size_t i = *from; i < p->n; i++)
        if (strncmp(p->lines[i], prefix, strlen(prefix)) == 0) {
            *from = i + 1;
            return p->lines[i];
        }
    fail_msg("the paper has no line '%s...' after line %zu", prefix, *from);
    return NULL;
}

static bool has(const char *text, const char *part)
{
    return strstr(text, part) != NULL;
}

/* The screen's value for a line, in one language, matches the paper's. */
static void same_value(const receipt_line_t *l, const char *paper, const char *zh, const char *en)
{
    char money[40], digits[40] = "";
    if (l->fact == RECEIPT_AMOUNT || l->fact == RECEIPT_REFUNDED || l->fact == RECEIPT_OWED) {
        money_format(l->number, cny(), MONEY_SCREEN, money, sizeof money);
        assert_string_equal(zh, money);
        money_format(l->number, cny(), MONEY_RECEIPT, money, sizeof money);
        char yuan[48];
        snprintf(yuan, sizeof yuan, "%s 元", money + 4); /* "CNY 50.00" on paper is "50.00 元" */
        assert_true(has(paper, yuan));
    } else if (l->fact == RECEIPT_TIME) { /* the same clock: "2026-12-05 10:10", and the zone on paper */
        assert_true(has(paper, zh));
        assert_true(has(paper, " +00:00"));
    } else if (l->fact == RECEIPT_METER) { /* in groups of four on the screen */
        for (size_t i = 0, o = 0; zh[i] && o + 1 < sizeof digits; i++)
            if (zh[i] != ' ')
                digits[o++] = zh[i];
        assert_string_equal(digits, l->text);
        assert_true(has(paper, l->text));
    } else {
        assert_true(has(zh, l->text) && has(en, l->text) && has(paper, l->text));
    }
    if (l->words.zh) { /* the paper says both ("现金 Cash"), the screen one */
        char both[128];
        snprintf(both, sizeof both, "%s %s", l->words.zh, l->words.en);
        assert_true(has(paper, both));
        assert_true(has(zh, l->words.zh) && !has(zh, l->words.en));
        assert_true(has(en, l->words.en) && !has(en, l->words.zh));
    }
}

/* The paper and the screen in both languages give the receipt's lines,
 * each under the same label, with the same value; the reference ends both
 * (on paper under the QR code of the whole id, on the screen its first
 * eight characters above the same QR code). p receives the paper. */
static void same_facts(const receipt_t *r, paper_t *p)
{
    screen_receipt_row_t zh[RECEIPT_MAX_LINES], en[RECEIPT_MAX_LINES];
    print(r, p);
    assert_int_equal(screen_receipt_rows(r, LANG_ZH, cny(), zh), r->n_lines);
    assert_int_equal(screen_receipt_rows(r, LANG_EN, cny(), en), r->n_lines);
    size_t at = 0;
    for (size_t i = 0; i < r->n_lines; i++) {
        const receipt_line_t *l = &r->lines[i];
        char label[64];
        assert_int_equal(zh[i].fact, l->fact);
        assert_int_equal(en[i].fact, l->fact);
        snprintf(label, sizeof label, "%s %s", zh[i].label, en[i].label); /* the paper's label: "表号 Meter" */
        if (l->fact == RECEIPT_REFERENCE) {
            assert_int_equal(i, r->n_lines - 1);
            char quoted[9]; /* the same reference on paper and screen; the QR code holds the whole id */
            receipt_reference(l->text, quoted);
            paper_line(p, &at, label);
            assert_string_equal(paper_line(p, &at, quoted), quoted);
            assert_string_equal(p->qr, l->text);
            assert_string_equal(zh[i].value, quoted);
            assert_string_equal(zh[i].value, en[i].value);
            continue;
        }
        same_value(l, paper_line(p, &at, label), zh[i].value, en[i].value);
    }
}

/* Whether a line of the paper says text. */
static bool paper_says(const paper_t *p, const char *text)
{
    for (size_t i = 0; i < p->n; i++)
        if (has(p->lines[i], text))
            return true;
    return false;
}

/* The receipt of f, checked on both media. */
static void build(const receipt_facts_t *f, receipt_t *r, paper_t *p)
{
    receipt_build(f, r);
    same_facts(r, p);
}

static receipt_facts_t cash_sale(txn_state_t state)
{
    return (receipt_facts_t){.site = "market-hall-east", .kiosk = "K1", .at_ms = SALE_MS, .meter = "000000000001",
                             .customer = "100000000001", .method = METHOD_CASH, .paid = 5000, .purchase_count = 42,
                             .state = state, .txn = TXN};
}

static void credited(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_DELIVERED);
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_string_equal(p.lines[0], "market-hall-east");
    assert_string_equal(p.lines[1], "购电凭证 TOP-UP RECEIPT");
    assert_true(paper_says(&p, "已到账 Credited") && paper_says(&p, "现金 Cash") && paper_says(&p, "1000****0001"));
    assert_false(paper_says(&p, "100000000001"));
    assert_int_equal(r.n_notes, 0);
    static const receipt_fact_t order[] = {RECEIPT_TIME,   RECEIPT_KIOSK,     RECEIPT_METER,  RECEIPT_CUSTOMER,
                                           RECEIPT_METHOD, RECEIPT_AMOUNT,    RECEIPT_PURCHASES, RECEIPT_STATUS,
                                           RECEIPT_REFERENCE};
    assert_int_equal(r.n_lines, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < r.n_lines; i++)
        assert_int_equal(r.lines[i].fact, order[i]);
}

static void pending(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_DELIVERY_PENDING);
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "待送达 Pending"));
    assert_true(paper_says(&p, "钱已收到，稍后自动送达电表。"));
    assert_true(paper_says(&p, "The money is safe: the kiosk keeps sending it to the meter."));
}

/* A bank card whose delivery staff settle: the card's masked number on a
 * line of its own after the method, on both (a long number never wraps the
 * method's line). */
static void settled_by_staff(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_NEEDS_RECONCILIATION);
    f.method = METHOD_CARD;
    f.masked_pan = "4B50****0071";
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "银行卡 Bank card"));
    assert_true(paper_says(&p, "卡号 Card no.") && paper_says(&p, "4B50****0071"));
    assert_false(paper_says(&p, "Bank card 4B50"));
    assert_true(paper_says(&p, "人工处理 Staff will settle"));
    assert_true(paper_says(&p, "The money is safe: staff settle it. Keep this receipt."));
    screen_receipt_row_t en[RECEIPT_MAX_LINES];
    screen_receipt_rows(&r, LANG_EN, cny(), en);
    assert_string_equal(en[receipt_find(&r, RECEIPT_METHOD) - r.lines].value, "Bank card");
    assert_string_equal(en[receipt_find(&r, RECEIPT_PAN) - r.lines].value, "4B50****0071");
}

static void qr_code(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_DELIVERED);
    f.method = METHOD_QR;
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "扫码支付 QR code"));
}

/* A purchase onto a meter card: the card's serial, "on the card", and
 * the note to take it to the meter on one line of both languages. */
static void meter_card(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_DELIVERED);
    f.card = "4B50000000000001";
    f.on_card = true;
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "电卡 Meter card") && paper_says(&p, "已写卡 On the card"));
    assert_true(paper_says(&p, "请将卡插入电表 Insert the card into your meter"));
    f.state = TXN_DELIVERY_PENDING;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "The money is safe: insert the same card again to finish."));
}

/* A new account's zero first purchase onto its card: amount 0.00 and
 * "account opened", the card into the meter before the next purchase,
 * nothing to pay and no energy; pending and parked say so without money;
 * the screen's receipt gives the same facts. */
static void zero_first_purchase(void **state)
{
    (void)state;
    meter_tariff_t t = {.id = "home"};
    kmsg_t msg;
    assert_int_equal(tariff_parse("single 0.5283", 2, &t.tariff, &msg), K_OK);
    receipt_facts_t f = {.site = "market-hall-east", .kiosk = "K1", .at_ms = SALE_MS, .meter = "000000000003",
                         .customer = "100000000003", .card = "4B50000000000001", .on_card = true,
                         .method = METHOD_NONE, .paid = 0, .zero_first = true, .purchase_count = 1,
                         .state = TXN_DELIVERED, .txn = TXN, .tariff = &t};
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "已开户 Account opened"));
    assert_true(paper_says(&p, "0.00 元"));
    assert_true(paper_says(&p, "无需支付 Nothing to pay"));
    assert_true(paper_says(&p, "Insert the card into your meter before the next purchase"));
    assert_null(receipt_find(&r, RECEIPT_ENERGY));
    assert_int_equal(receipt_find(&r, RECEIPT_AMOUNT)->number, 0);
    f.state = TXN_DELIVERY_PENDING;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "Insert the same card again to finish opening the account."));
    assert_false(paper_says(&p, "money"));
    f.state = TXN_NEEDS_RECONCILIATION;
    build(&f, &r, &p);
    assert_true(paper_says(&p, "Staff settle it. Keep this receipt."));
    assert_false(paper_says(&p, "money"));
    f.state = TXN_DELIVERED;
    f.zero_first = false; /* the same facts as any card sale: no account opened */
    build(&f, &r, &p);
    assert_false(paper_says(&p, "Account opened"));
    session_view_t v = {.screen = SCR_RESULT, .zero_first = true, .outcome = OUT_DELIVERED,
                        .sale_at_ms = SALE_MS, .receipt = RCPT_ON_SCREEN, .txn = TXN};
    snprintf(v.account.meter, sizeof v.account.meter, "000000000003");
    v.account.on_card = true;
    receipt_t screen;
    screen_receipt_of(&v, &screen);
    screen_receipt_row_t en[RECEIPT_MAX_LINES];
    screen_receipt_rows(&screen, LANG_EN, cny(), en);
    assert_string_equal(en[receipt_find(&screen, RECEIPT_STATUS) - screen.lines].value, "Account opened");
    assert_string_equal(en[receipt_find(&screen, RECEIPT_METHOD) - screen.lines].value, "Nothing to pay");
}

static void copy(void **state)
{
    (void)state;
    receipt_facts_t f = cash_sale(TXN_DELIVERED);
    f.copy = true;
    f.refunded = 1000;
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_string_equal(p.lines[1], "购电凭证(副本) TOP-UP RECEIPT (COPY)");
    assert_true(paper_says(&p, "退款 Refunded") && paper_says(&p, "10.00 元"));
}

/* A fact that is not known has no line, on either. */
static void unknown_facts_have_no_line(void **state)
{
    (void)state;
    receipt_facts_t f = {.meter = "000000000002", .method = METHOD_COUNTER, .paid = 1000, .txn = TXN};
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_string_equal(p.lines[0], "Prepaid kiosk");
    assert_null(receipt_find(&r, RECEIPT_TIME));
    assert_null(receipt_find(&r, RECEIPT_CUSTOMER));
    assert_null(receipt_find(&r, RECEIPT_STATUS));
    assert_int_equal(r.n_lines, 4); /* meter, how paid, amount, reference */
}

/* The screen's receipt of a session's sale is the ledger's receipt of the
 * same sale, less the lines only the ledger can give. */
static void the_screen_gives_the_sessions_facts(void **state)
{
    (void)state;
    session_view_t v = {.screen = SCR_RESULT, .method = METHOD_CASH, .paid = 5000, .outcome = OUT_PENDING,
                        .sale_at_ms = SALE_MS, .receipt = RCPT_ON_SCREEN, .txn = TXN};
    snprintf(v.account.meter, sizeof v.account.meter, "000000000001");
    snprintf(v.account.customer, sizeof v.account.customer, "100000000001");
    receipt_facts_t f = cash_sale(TXN_DELIVERY_PENDING);
    receipt_t screen, ledger;
    screen_receipt_of(&v, &screen);
    receipt_build(&f, &ledger);
    size_t j = 0;
    for (size_t i = 0; i < ledger.n_lines; i++) {
        const receipt_line_t *l = &ledger.lines[i];
        if (l->fact == RECEIPT_KIOSK || l->fact == RECEIPT_PURCHASES)
            continue;
        assert_true(j < screen.n_lines);
        const receipt_line_t *s = &screen.lines[j++];
        assert_int_equal(s->fact, l->fact);
        assert_string_equal(s->text, l->text);
        assert_true(s->number == l->number);
        assert_ptr_equal(s->words.zh, l->words.zh);
    }
    assert_int_equal(j, screen.n_lines);
    assert_int_equal(screen.n_notes, ledger.n_notes);
}

/* A bill payment: the account instead of the meter, the bills it pays
 * oldest first (50.00 pays September's 20.00 and 30.00 of October's
 * 50.00), what is still owed, no energy; the same on both media. Without
 * the back office's answer (a reprint), no bills and no owed line. */
static void bill_payment(void **state)
{
    (void)state;
    static const receipt_bill_t bills[] = {{"2026-09-01", "2026-09-30", 2000}, {"2026-10-01", "2026-10-31", 5000},
                                           {"2026-11-05", "2026-12-04", 900}};
    receipt_bills_t b = {.account = "20260001", .known = true, .owed = 7900, .n = 3, .bill = bills};
    receipt_facts_t f = cash_sale(TXN_DELIVERED);
    f.meter = f.customer = NULL;
    f.purchase_count = 0;
    f.bills = &b;
    receipt_t r;
    paper_t p;
    build(&f, &r, &p);
    assert_string_equal(p.lines[1], "缴费凭证 BILL PAYMENT");
    static const receipt_fact_t order[] = {RECEIPT_TIME,   RECEIPT_KIOSK, RECEIPT_ACCOUNT, RECEIPT_BILLS,
                                           RECEIPT_METHOD, RECEIPT_AMOUNT, RECEIPT_OWED,   RECEIPT_STATUS,
                                           RECEIPT_REFERENCE};
    assert_int_equal(r.n_lines, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < r.n_lines; i++)
        assert_int_equal(r.lines[i].fact, order[i]);
    assert_string_equal(receipt_find(&r, RECEIPT_BILLS)->text, "2026-09..2026-10 (2)");
    assert_int_equal(receipt_find(&r, RECEIPT_OWED)->number, 2900);
    assert_true(paper_says(&p, "缴费金额 Amount paid") && paper_says(&p, "50.00 元"));
    assert_true(paper_says(&p, "尚欠 Still owed") && paper_says(&p, "29.00 元"));
    assert_true(paper_says(&p, "已缴费 Paid"));
    assert_false(paper_says(&p, "表号 Meter") || paper_says(&p, "Energy"));
    char one[RECEIPT_TEXT_LEN];
    receipt_bills_paid(&b, 2000, one); /* the first bill to the fen */
    assert_string_equal(one, "2026-09");
    receipt_bills_paid(&b, 7900, one); /* a period not a whole month */
    assert_string_equal(one, "2026-09..2026-11-05..2026-12-04 (3)");
    b.known = false;
    build(&f, &r, &p);
    assert_null(receipt_find(&r, RECEIPT_BILLS));
    assert_null(receipt_find(&r, RECEIPT_OWED));
    assert_string_equal(receipt_find(&r, RECEIPT_ACCOUNT)->text, "20260001");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(credited),
    cmocka_unit_test(pending),
    cmocka_unit_test(settled_by_staff),
    cmocka_unit_test(qr_code),
    cmocka_unit_test(meter_card),
    cmocka_unit_test(zero_first_purchase),
    cmocka_unit_test(copy),
    cmocka_unit_test(unknown_facts_have_no_line),
    cmocka_unit_test(the_screen_gives_the_sessions_facts),
    cmocka_unit_test(bill_payment),
};

KTEST_MAIN(tests)
