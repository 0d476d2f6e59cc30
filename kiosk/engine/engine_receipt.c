/* Receipts: what the kiosk prints for a transaction, in Chinese and
 * English, with the reference as text and as a QR code. A delivery that is
 * still pending says exactly what happens to the money. Printing is
 * checked first and never decides anything about the money: the ledger
 * holds the truth, the receipt only tells it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kiosk/engine/engine_int.h"

void engine__line(builder_t *b, printer_style_t style, const char *text)
{
    if (b->rc == K_OK)
        b->rc = printer_doc_text(b->doc, style, text, b->msg);
}

/* Columns a UTF-8 text takes on the printer: a Chinese character (three
 * bytes) is two, ASCII one. */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += *p < 0x80 ? 1 : (*p & 0xC0) == 0xC0 ? 2 : 0;
    return n;
}

void engine__field(builder_t *b, const char *label, const char *value)
{
    char text[PRINTER_MAX_TEXT];
    size_t pad = columns(label) < 16 ? 16 - columns(label) : 1;
    snprintf(text, sizeof text, "%s%*s%s", label, (int)pad, "", value);
    engine__line(b, PRINTER_STYLE_NORMAL, text);
}

void engine__when(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The customer number with its middle hidden: 1000****0003. */
static void masked(const char *customer, char out[LEDGER_METER_LEN])
{
    size_t n = strlen(customer);
    snprintf(out, LEDGER_METER_LEN, "%s", customer);
    for (size_t i = 4; n > 8 && i < n - 4; i++)
        out[i] = '*';
}

static const char *method_text(sale_method_t method)
{
    return method == METHOD_CASH   ? "现金 Cash"
           : method == METHOD_CARD ? "银行卡 Bank card"
           : method == METHOD_QR   ? "扫码 QR"
                                   : "柜台 Counter";
}

/* What the resident is told about the state of the purchase. */
static void outcome(builder_t *b, const ledger_txn_t *t)
{
    bool card = t->channel == CHANNEL_CARD;
    switch (t->state) {
    case TXN_DELIVERED:
        engine__field(b, "状态 Status", card ? "已写卡 On the card" : "已到账 Credited");
        if (card)
            engine__line(b, PRINTER_STYLE_NORMAL, "请将卡插入电表 Insert the card into your meter");
        return;
    case TXN_DELIVERY_PENDING:
    case TXN_PAID:
    case TXN_DELIVERING:
        engine__field(b, "状态 Status", "待送达 Pending");
        engine__line(b, PRINTER_STYLE_NORMAL, card ? "钱已收到。请再次插卡完成写卡。" : "钱已收到，稍后自动送达电表。");
        engine__line(b, PRINTER_STYLE_NORMAL,
             card ? "The money is safe: insert the same card again to finish."
                  : "The money is safe: the kiosk keeps sending it to the meter.");
        return;
    case TXN_NEEDS_RECONCILIATION:
        engine__field(b, "状态 Status", "人工处理 Staff will settle");
        engine__line(b, PRINTER_STYLE_NORMAL, "钱已收到，工作人员将处理。请保留此凭证。");
        engine__line(b, PRINTER_STYLE_NORMAL, "The money is safe: staff settle it. Keep this receipt.");
        return;
    case TXN_REFUNDING:
    case TXN_REFUNDED: engine__field(b, "状态 Status", "已退款 Refunded"); return;
    case TXN_VOIDED: engine__field(b, "状态 Status", "已作废 Voided by staff"); return;
    case TXN_NONE:
    case TXN_CREATED:
    case TXN_PAYMENT_PENDING:
    case TXN_CANCELLED:
    case TXN_STATE_COUNT: break;
    }
    engine__field(b, "状态 Status", txn_state_name(t->state));
}

/* The lines about the money and where it went. */
static void body(builder_t *b, engine_t *e, const ledger_txn_t *t)
{
    char text[64], amount[40];
    engine__when(t->created_at, text);
    engine__field(b, "时间 Time", text);
    engine__field(b, "终端 Kiosk", e->cfg->kiosk_id[0] ? e->cfg->kiosk_id : e->cfg->site_id);
    engine__field(b, "表号 Meter", t->meter);
    if (t->customer[0]) {
        char m[LEDGER_METER_LEN];
        masked(t->customer, m);
        engine__field(b, "户号 Customer", m);
    }
    if (t->card[0])
        engine__field(b, "电卡 Meter card", t->card);
    ledger_card_auth_t auth;
    bool found = false;
    if (t->method == METHOD_CARD && ledger_card_paid(e->ledger, t->id, &auth, &found, NULL) == K_OK && found)
        snprintf(text, sizeof text, "%s %s", method_text(t->method), auth.masked_pan);
    else
        snprintf(text, sizeof text, "%s", method_text(t->method));
    engine__field(b, "方式 Paid by", text);
    money_format(t->paid, e->cfg->currency, MONEY_RECEIPT, amount, sizeof amount);
    engine__field(b, "金额 Amount", amount);
    if (t->refunded > 0) {
        money_format(t->refunded, e->cfg->currency, MONEY_RECEIPT, amount, sizeof amount);
        engine__field(b, "退款 Refunded", amount);
    }
    if (t->purchase_count > 0) {
        snprintf(text, sizeof text, "%lld", (long long)t->purchase_count);
        engine__field(b, "购电次数 Count", text);
    }
    outcome(b, t);
}

kerr_t engine_receipt_doc(engine_t *e, const char *txn_id, bool copy, printer_doc_t *doc, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, txn_id, &t, msg);
    if (rc)
        return rc;
    if (t.paid == 0)
        return kmsg_set(msg, K_ESTATE, "transaction %s took no money: there is nothing to print", t.id);
    builder_t b = {.doc = doc, .msg = msg};
    printer_style_t title = {PRINTER_CENTRE, true, 2, 2}, centre = {PRINTER_CENTRE, false, 1, 1};
    engine__line(&b, title, e->cfg->site_id[0] ? e->cfg->site_id : "Prepaid kiosk");
    engine__line(&b, centre, copy ? "购电凭证(副本) TOP-UP RECEIPT (COPY)" : "购电凭证 TOP-UP RECEIPT");
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    body(&b, e, &t);
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    if (b.rc == K_OK)
        b.rc = printer_doc_qr(doc, PRINTER_CENTRE, t.id, strlen(t.id), 6, PRINTER_QR_M, msg);
    engine__line(&b, centre, "参考号 Reference");
    engine__line(&b, centre, t.id);
    if (b.rc == K_OK)
        b.rc = printer_doc_feed(doc, 3, msg);
    if (b.rc == K_OK)
        b.rc = printer_doc_cut(doc, true, msg);
    return b.rc;
}

kerr_t engine_printer_ready(printer_t *p, printer_status_t *st, kmsg_t *msg)
{
    if (!p || !p->ops)
        return kmsg_set(msg, K_ENOTFOUND, "no receipt printer (printer.protocol)");
    if (p->ops->status(p->ctx, st, msg) != PRINTER_OK) {
        kmsg_prefix(msg, "the printer: ");
        return K_EDEVICE;
    }
    if (!printer_status_ready(st)) {
        char why[128];
        printer_status_text(st, why, sizeof why);
        return kmsg_set(msg, K_EDEVICE, "the printer cannot print: %s", why);
    }
    return K_OK;
}

kerr_t engine_print_receipt(engine_t *e, printer_t *p, const char *txn_id, const char *actor, kmsg_t *msg)
{
    printer_status_t st;
    bool copy = false;
    kerr_t rc = engine_printer_ready(p, &st, msg);
    if (rc == K_OK)
        rc = ledger_audit_exists(e->ledger, "receipt_print", txn_id, &copy, msg); /* printed before: a copy */
    printer_doc_t doc;
    printer_doc_init(&doc);
    if (rc == K_OK)
        rc = engine_receipt_doc(e, txn_id, copy, &doc, msg);
    if (rc == K_OK && p->ops->print(p->ctx, &doc, msg) != PRINTER_OK) {
        kmsg_prefix(msg, "printing the receipt: ");
        rc = K_EDEVICE;
    }
    printer_doc_free(&doc);
    if (rc == K_OK)
        rc = ledger_audit(e->ledger, actor, "receipt_print", txn_id, copy ? "reprint" : "receipt", "", msg);
    return rc;
}
