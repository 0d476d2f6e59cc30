/* The receipt of a sale: its facts become labelled lines, each wording in
 * Chinese and English (the one place either is written). */
#include "core/receipt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/session.h"

#define WORDS(z, e) ((receipt_words_t){(z), (e)})

static const receipt_words_t labels[RECEIPT_FACT_COUNT] = {
    [RECEIPT_TIME] = {"时间", "Time"},
    [RECEIPT_KIOSK] = {"终端", "Kiosk"},
    [RECEIPT_ACCOUNT] = {"缴费户号", "Account"},
    [RECEIPT_BILLS] = {"账单", "Bills"},
    [RECEIPT_METER] = {"表号", "Meter"},
    [RECEIPT_CUSTOMER] = {"户号", "Customer"},
    [RECEIPT_CARD] = {"电卡", "Meter card"},
    [RECEIPT_METHOD] = {"支付方式", "Paid by"},
    [RECEIPT_PAN] = {"卡号", "Card no."},
    [RECEIPT_AMOUNT] = {"充值金额", "Amount"},
    [RECEIPT_REFUNDED] = {"退款", "Refunded"},
    [RECEIPT_ENERGY] = {"购电量", "Energy"},
    [RECEIPT_PURCHASES] = {"购电次数", "Count"},
    [RECEIPT_OWED] = {"尚欠", "Still owed"},
    [RECEIPT_STATUS] = {"状态", "Status"},
    [RECEIPT_REFERENCE] = {"参考号", "Reference"},
};

/* What a water meter's receipt says instead (an electricity meter's are
 * the labels above). */
static const receipt_words_t water_labels[RECEIPT_FACT_COUNT] = {
    [RECEIPT_CARD] = {"水卡", "Meter card"},
    [RECEIPT_PURCHASES] = {"购水次数", "Count"},
    [RECEIPT_ENERGY] = {"购水量", "Water"},
};

/* What a bill payment's receipt says instead. */
static const receipt_words_t bill_labels[RECEIPT_FACT_COUNT] = {
    [RECEIPT_AMOUNT] = {"缴费金额", "Amount paid"},
};

/* How each method is said; the counter's too, for a sale staff took. */
static const receipt_words_t methods[METHOD_COUNT] = {
    [METHOD_NONE] = {"无需支付", "Nothing to pay"}, /* a zero first purchase */
    [METHOD_COUNTER] = {"柜台", "Counter"},
    [METHOD_CASH] = {"现金", "Cash"},
    [METHOD_CARD] = {"银行卡", "Bank card"},
    [METHOD_QR] = {"扫码支付", "QR code"},
    [METHOD_CENTRAL] = {"远程充值", "Central"},
};

static receipt_words_t method_words(sale_method_t method)
{
    return method < METHOD_COUNT && methods[method].zh ? methods[method] : methods[METHOD_COUNTER];
}

static bool known(const char *s)
{
    return s && s[0];
}

/* A new line for fact, its label set; NULL if the receipt is full. */
static receipt_line_t *add(receipt_t *r, receipt_fact_t fact)
{
    if (r->n_lines == RECEIPT_MAX_LINES)
        return NULL;
    receipt_line_t *l = &r->lines[r->n_lines++];
    bool water = r->kind == METER_WATER && water_labels[fact].zh, bill = r->bill && bill_labels[fact].zh;
    *l = (receipt_line_t){.fact = fact, .label = bill ? bill_labels[fact] : water ? water_labels[fact] : labels[fact]};
    return l;
}

static void add_text(receipt_t *r, receipt_fact_t fact, const char *text)
{
    receipt_line_t *l = known(text) ? add(r, fact) : NULL;
    if (l)
        snprintf(l->text, sizeof l->text, "%s", text);
}

static void add_number(receipt_t *r, receipt_fact_t fact, int64_t n)
{
    receipt_line_t *l = add(r, fact);
    if (l)
        l->number = n;
}

/* A zero first purchase's status and note: the account opened, the card
 * to go into the meter; no money to speak of. False for a state told as
 * any sale's (refunded, voided). */
static bool zero_status(const receipt_facts_t *f, receipt_words_t *say, receipt_words_t *note)
{
    bool water = f->kind == METER_WATER;
    switch (f->state) {
    case TXN_DELIVERED:
        *say = WORDS("已开户", "Account opened");
        *note = water ? WORDS("请将卡插入水表，下次购水前须先插表", "Insert the card into your meter before the next purchase")
                      : WORDS("请将卡插入电表，下次购电前须先插表", "Insert the card into your meter before the next purchase");
        return true;
    case TXN_DELIVERY_PENDING:
    case TXN_PAID:
    case TXN_DELIVERING:
        *say = WORDS("待开户", "Pending");
        *note = WORDS("请再次插卡完成开户。", "Insert the same card again to finish opening the account.");
        return true;
    case TXN_NEEDS_RECONCILIATION:
        *say = WORDS("人工处理", "Staff will settle");
        *note = WORDS("工作人员将处理。请保留此凭证。", "Staff settle it. Keep this receipt.");
        return true;
    case TXN_NONE:
    case TXN_CREATED:
    case TXN_PAYMENT_PENDING:
    case TXN_CANCELLED:
    case TXN_REFUNDING:
    case TXN_REFUNDED:
    case TXN_VOIDED:
    case TXN_STATE_COUNT: break;
    }
    return false;
}

/* Any other sale's status and note: what became of the money and what
 * happens next. */
static void sale_status(const receipt_facts_t *f, receipt_words_t *say, receipt_words_t *note)
{
    bool card = f->on_card, water = f->kind == METER_WATER;
    switch (f->state) {
    case TXN_DELIVERED:
        *say = card ? WORDS("已写卡", "On the card") : WORDS("已到账", "Credited");
        if (card)
            *note = water ? WORDS("请将卡插入水表", "Insert the card into your meter")
                          : WORDS("请将卡插入电表", "Insert the card into your meter");
        break;
    case TXN_DELIVERY_PENDING:
    case TXN_PAID:
    case TXN_DELIVERING:
        *say = WORDS("待送达", "Pending");
        *note = card    ? WORDS("钱已收到。请再次插卡完成写卡。", "The money is safe: insert the same card again to finish.")
                : water ? WORDS("钱已收到，稍后自动送达水表。", "The money is safe: the kiosk keeps sending it to the meter.")
                        : WORDS("钱已收到，稍后自动送达电表。", "The money is safe: the kiosk keeps sending it to the meter.");
        break;
    case TXN_NEEDS_RECONCILIATION:
        *say = WORDS("人工处理", "Staff will settle");
        *note = WORDS("钱已收到，工作人员将处理。请保留此凭证。", "The money is safe: staff settle it. Keep this receipt.");
        break;
    case TXN_REFUNDING:
    case TXN_REFUNDED: *say = WORDS("已退款", "Refunded"); break;
    case TXN_VOIDED: *say = WORDS("已作废", "Voided by staff"); break;
    case TXN_NONE:
    case TXN_CREATED:
    case TXN_PAYMENT_PENDING:
    case TXN_CANCELLED:
    case TXN_STATE_COUNT: break;
    }
}

/* A bill payment's status and note: settled (the back office is sent the
 * payment), or the money taken and not settled yet; false for a state told
 * as any sale's. */
static bool bill_status(const receipt_facts_t *f, receipt_words_t *say, receipt_words_t *note)
{
    if (f->state == TXN_DELIVERED) {
        *say = WORDS("已缴费", "Paid");
        *note = WORDS("缴费已记入，随即报送营业厅。", "Recorded: the kiosk sends it to the office.");
        return true;
    }
    if (f->state == TXN_DELIVERY_PENDING || f->state == TXN_PAID || f->state == TXN_DELIVERING) {
        *say = WORDS("已收款", "Received");
        *note = WORDS("钱已收到，将记入账单。", "The money is safe: it goes on the bills.");
        return true;
    }
    return false;
}

/* The status and its note; no status line when the state is not known. */
static void status(receipt_t *r, const receipt_facts_t *f)
{
    receipt_words_t say = WORDS(NULL, NULL), note = WORDS(NULL, NULL);
    if (f->state == TXN_NONE)
        return;
    bool told = f->bills ? bill_status(f, &say, &note) : f->zero_first && zero_status(f, &say, &note);
    if (!told)
        sale_status(f, &say, &note);
    receipt_line_t *l = add(r, RECEIPT_STATUS);
    if (l && say.zh)
        l->words = say;
    else if (l) /* a state residents are not told of: its name */
        snprintf(l->text, sizeof l->text, "%s", txn_state_name(f->state));
    if (note.zh)
        r->notes[r->n_notes++] = note;
}

/* How it was paid: the method's words and a bank card's masked number. */
static void method(receipt_t *r, const receipt_facts_t *f)
{
    receipt_line_t *l = add(r, RECEIPT_METHOD);
    if (!l)
        return;
    l->words = method_words(f->method);
    if (known(f->masked_pan))
        add_text(r, RECEIPT_PAN, f->masked_pan);
}

void receipt_reference(const char *txn, char out[9])
{
    size_t i = 0;
    for (; txn[i] && i < 8; i++)
        out[i] = (char)toupper((unsigned char)txn[i]);
    out[i] = '\0';
}

/* What the money kept buys under the tariff in force at the sale, and that
 * tariff: its id, a single rate's price, a TOU or tiered tariff said as such. */
static void tariff(receipt_t *r, const receipt_facts_t *f)
{
    static const receipt_words_t kinds[] = {[TARIFF_SINGLE] = {NULL, NULL},
                                            [TARIFF_TOU] = {"分时", "time of use"},
                                            [TARIFF_TIERED] = {"阶梯", "tiered"}};
    const meter_tariff_t *t = f->tariff;
    int64_t milli = 0, kept = f->paid - (f->refunded > 0 ? f->refunded : 0);
    receipt_line_t *l = t && meter_tariff_estimate(t, kept, &milli) ? add(r, RECEIPT_ENERGY) : NULL;
    if (!l)
        return;
    l->number = milli;
    snprintf(l->text, sizeof l->text, "%s", t->id);
    l->price = t->tariff.kind == TARIFF_SINGLE ? t->tariff.price : 0;
    l->words = (unsigned)t->tariff.kind <= TARIFF_TIERED ? kinds[t->tariff.kind] : WORDS(NULL, NULL);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void receipt_period(const receipt_bill_t *b, char out[24])
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0, m = 0, d = 0;
    bool whole = strncmp(b->from, b->to, 8) == 0 && strcmp(b->from + 8, "01") == 0 &&
                 sscanf(b->to, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 &&
                 d == days[m - 1] + (m == 2 && leap(y));
    if (whole)
        snprintf(out, 24, "%.7s", b->from);
    else
        snprintf(out, 24, "%.10s..%.10s", b->from, b->to);
}

void receipt_bills_paid(const receipt_bills_t *b, int64_t paid, char out[RECEIPT_TEXT_LEN])
{
    int first = -1, last = -1, count = 0;
    int64_t left = paid;
    for (int i = 0; b && i < b->n && left > 0; i++) {
        if (b->bill[i].due <= 0)
            continue;
        first = first < 0 ? i : first;
        last = i;
        count++;
        left -= b->bill[i].due < left ? b->bill[i].due : left;
    }
    out[0] = '\0';
    if (count == 0)
        return;
    char a[24], z[24];
    receipt_period(&b->bill[first], a);
    if (count == 1) {
        snprintf(out, RECEIPT_TEXT_LEN, "%s", a);
        return;
    }
    receipt_period(&b->bill[last], z);
    snprintf(out, RECEIPT_TEXT_LEN, "%s..%s (%d)", a, z, count);
}

/* A bill payment's own lines: the account, the bills it pays. */
static void bill_lines(receipt_t *r, const receipt_facts_t *f)
{
    add_text(r, RECEIPT_ACCOUNT, f->bills->account);
    if (!f->bills->known)
        return;
    char paid[RECEIPT_TEXT_LEN];
    receipt_bills_paid(f->bills, f->paid, paid);
    add_text(r, RECEIPT_BILLS, paid);
}

static void title(receipt_t *r, const receipt_facts_t *f)
{
    if (f->bills)
        r->title = f->copy ? WORDS("缴费凭证(副本)", "BILL PAYMENT (COPY)") : WORDS("缴费凭证", "BILL PAYMENT");
    else if (f->kind == METER_WATER)
        r->title = f->copy ? WORDS("购水凭证(副本)", "TOP-UP RECEIPT (COPY)") : WORDS("购水凭证", "TOP-UP RECEIPT");
    else
        r->title = f->copy ? WORDS("购电凭证(副本)", "TOP-UP RECEIPT (COPY)") : WORDS("购电凭证", "TOP-UP RECEIPT");
}

void receipt_build(const receipt_facts_t *f, receipt_t *r)
{
    memset(r, 0, sizeof *r);
    r->kind = f->kind;
    r->bill = f->bills != NULL;
    title(r, f);
    snprintf(r->site, sizeof r->site, "%s", known(f->site) ? f->site : "Prepaid kiosk");
    if (f->at_ms)
        add_number(r, RECEIPT_TIME, f->at_ms);
    add_text(r, RECEIPT_KIOSK, f->kiosk);
    if (f->bills)
        bill_lines(r, f);
    else
        add_text(r, RECEIPT_METER, f->meter);
    if (!f->bills && known(f->customer)) {
        char masked[16];
        session_mask(f->customer, masked);
        add_text(r, RECEIPT_CUSTOMER, masked);
    }
    add_text(r, RECEIPT_CARD, f->card);
    method(r, f);
    add_number(r, RECEIPT_AMOUNT, f->paid);
    if (f->refunded > 0)
        add_number(r, RECEIPT_REFUNDED, f->refunded);
    if (!f->zero_first && !f->bills) /* nothing bought: no energy */
        tariff(r, f);
    if (f->purchase_count > 0) {
        char count[24];
        snprintf(count, sizeof count, "%lld", (long long)f->purchase_count);
        add_text(r, RECEIPT_PURCHASES, count);
    }
    if (f->bills && f->bills->known)
        add_number(r, RECEIPT_OWED, f->bills->owed > f->paid ? f->bills->owed - f->paid : 0);
    status(r, f);
    add_text(r, RECEIPT_REFERENCE, f->txn);
}

const receipt_line_t *receipt_find(const receipt_t *r, receipt_fact_t fact)
{
    for (size_t i = 0; i < r->n_lines; i++)
        if (r->lines[i].fact == fact)
            return &r->lines[i];
    return NULL;
}
