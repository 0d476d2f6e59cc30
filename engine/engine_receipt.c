/* Receipts on paper: the receipt of a transaction (core/receipt.c
 * says what it gives and in which words) laid out in Chinese and English,
 * with the reference as text and as a QR code. Printing is checked first
 * and never decides anything about the money: the ledger holds the truth,
 * the receipt only tells it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"

#define ENGINE_RECEIPT_BILLS 16 /* the most bills a receipt names: more than the session keeps */

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

/* "label  value" with the value at column `at` (one space after a longer label). */
static void field_at(builder_t *b, size_t at, const char *label, const char *value)
{
    char text[PRINTER_MAX_TEXT];
    size_t pad = columns(label) < at ? at - columns(label) : 1;
    snprintf(text, sizeof text, "%s%*s%s", label, (int)pad, "", value);
    engine__line(b, PRINTER_STYLE_NORMAL, text);
}

void engine__field(builder_t *b, const char *label, const char *value)
{
    field_at(b, ENGINE_VALUE_COLUMN, label, value);
}

void engine__when(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char zone[8]; /* "+0800" -> "+08:00" */
    strftime(zone, sizeof zone, "%z", &tm);
    size_t n = strftime(out, 32, "%Y-%m-%d %H:%M ", &tm);
    snprintf(out + n, 32 - n, "%.3s:%.2s", zone, zone + 3);
}

/* Money on paper: yuan for the yuan ("1,234.50 元", a character every
 * receipt printer here prints), else the currency's code ("HKD 1,234.50"). */
static void paper_money(int64_t minor, const currency_t *cur, char *out, size_t len)
{
    if (strcmp(cur->code, "CNY") != 0) {
        money_format(minor, cur, MONEY_RECEIPT, out, len);
        return;
    }
    char plain[40];
    money_format(minor, cur, MONEY_RECEIPT, plain, sizeof plain);
    snprintf(out, len, "%s 元", plain + 4); /* past "CNY " */
}

/* Both languages, Chinese first: "表号 Meter". */
static void both(receipt_words_t w, char *out, size_t len)
{
    snprintf(out, len, "%s %s", w.zh, w.en);
}

/* The energy line: the quantity in the meter's unit, then the tariff: its
 * id and a single rate's price per unit with the currency's code, or the
 * tariff's kind in both languages. */
static void paper_energy(const receipt_t *r, const receipt_line_t *l, const currency_t *cur, char *out, size_t len)
{
    char q[40], price[32], words[PRINTER_MAX_TEXT / 2];
    meter_quantity_format(r->kind, l->number, UNIT_PLAIN, q);
    if (l->price > 0) {
        tariff_price_text(l->price, cur->exponent, price);
        snprintf(out, len, "%s (%s%s%s %s/%s)", q, l->text, l->text[0] ? " " : "", cur->code, price,
                 meter_unit(r->kind, UNIT_PLAIN));
        return;
    }
    both(l->words, words, sizeof words);
    snprintf(out, len, "%s (%s%s%s)", q, l->text, l->text[0] ? " " : "", l->words.zh ? words : "");
}

/* A value as the paper gives it: words in both languages (then the text
 * that goes with them), money in yuan (or with the currency's code),
 * quantities in the meter's unit, the local time with its offset. */
static void paper_value(const receipt_t *r, const receipt_line_t *l, const currency_t *cur, char *out, size_t len)
{
    char words[PRINTER_MAX_TEXT / 2];
    if (l->fact == RECEIPT_ENERGY) {
        paper_energy(r, l, cur, out, len);
    } else if (l->fact == RECEIPT_TIME) {
        char when[32];
        engine__when(l->number, when);
        snprintf(out, len, "%s", when);
    } else if (l->fact == RECEIPT_AMOUNT || l->fact == RECEIPT_REFUNDED || l->fact == RECEIPT_OWED) {
        paper_money(l->number, cur, out, len);
    } else if (l->words.zh) {
        both(l->words, words, sizeof words);
        snprintf(out, len, "%s%s%s", words, l->text[0] ? " " : "", l->text);
    } else {
        snprintf(out, len, "%s", l->text);
    }
}

/* Where the values start: past the widest label, at ENGINE_VALUE_COLUMN
 * at the least, so that they line up. */
static size_t value_column(const receipt_t *r)
{
    size_t at = ENGINE_VALUE_COLUMN;
    for (size_t i = 0; i < r->n_lines; i++) {
        char label[64];
        both(r->lines[i].label, label, sizeof label);
        if (r->lines[i].fact != RECEIPT_REFERENCE && columns(label) + 1 > at)
            at = columns(label) + 1;
    }
    return at;
}

/* The labelled lines but the reference, the values lined up. */
static void paper_fields(builder_t *b, const receipt_t *r, const currency_t *cur)
{
    size_t at = value_column(r);
    for (size_t i = 0; i < r->n_lines; i++) {
        const receipt_line_t *l = &r->lines[i];
        char label[64], value[PRINTER_MAX_TEXT];
        if (l->fact == RECEIPT_REFERENCE)
            continue;
        both(l->label, label, sizeof label);
        paper_value(r, l, cur, value, sizeof value);
        field_at(b, at, label, value);
    }
}

/* What happens next: Chinese and English on one line if they fit the
 * roll, else one line each. */
static void paper_note(builder_t *b, receipt_words_t note)
{
    char text[PRINTER_MAX_TEXT];
    both(note, text, sizeof text);
    if (columns(text) <= sizeof ENGINE_RULE - 1) {
        engine__line(b, PRINTER_STYLE_NORMAL, text);
        return;
    }
    engine__line(b, PRINTER_STYLE_NORMAL, note.zh);
    engine__line(b, PRINTER_STYLE_NORMAL, note.en);
}

/* The reference last: its QR code (the sale's whole id, for machines),
 * then under its label the reference residents quote, as the screen shows
 * it: the id's first 8 characters, upper case. */
static void paper_reference(builder_t *b, const receipt_line_t *ref, printer_style_t centre)
{
    char label[64], quoted[9];
    if (b->rc == K_OK)
        b->rc = printer_doc_qr(b->doc, PRINTER_CENTRE, ref->text, strlen(ref->text), 6, PRINTER_QR_M, b->msg);
    both(ref->label, label, sizeof label);
    engine__line(b, centre, label);
    receipt_reference(ref->text, quoted);
    engine__line(b, centre, quoted);
}

kerr_t engine_receipt_paper(const receipt_t *r, const currency_t *cur, printer_doc_t *doc, kmsg_t *msg)
{
    builder_t b = {.doc = doc, .msg = msg};
    printer_style_t title = {PRINTER_CENTRE, true, 2, 2}, centre = {PRINTER_CENTRE, false, 1, 1};
    char text[PRINTER_MAX_TEXT];
    engine__line(&b, title, r->site);
    both(r->title, text, sizeof text);
    engine__line(&b, centre, text);
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    paper_fields(&b, r, cur);
    for (size_t i = 0; i < r->n_notes; i++)
        paper_note(&b, r->notes[i]);
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    const receipt_line_t *ref = receipt_find(r, RECEIPT_REFERENCE);
    if (ref)
        paper_reference(&b, ref, centre);
    if (b.rc == K_OK)
        b.rc = printer_doc_feed(doc, 3, msg);
    if (b.rc == K_OK)
        b.rc = printer_doc_cut(doc, true, msg);
    return b.rc;
}

/* A bill payment's side as the ledger kept it when the payment opened
 * (not known if it was opened without asking the back office). */
static kerr_t bills_of(engine_t *e, const ledger_txn_t *t, receipt_bill_t bill[], receipt_bills_t *out, kmsg_t *msg)
{
    out->account = t->meter;
    return ledger_bill_due(e->ledger, t->id, bill, ENGINE_RECEIPT_BILLS, out, msg);
}

/* The receipt of txn_id, from what the ledger holds of it. */
static kerr_t receipt_of(engine_t *e, const char *txn_id, bool copy, receipt_t *r, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, txn_id, &t, msg);
    if (rc)
        return rc;
    bool zero_first = t.amount == 0; /* a new account's zero first purchase: its receipt says it opened */
    if (t.paid == 0 && !zero_first)
        return kmsg_set(msg, K_ESTATE, "transaction %s took no money: there is nothing to print", t.id);
    ledger_card_auth_t auth = {0};
    bool found = false;
    if (t.method == METHOD_CARD && (ledger_card_paid(e->ledger, t.id, &auth, &found, NULL) != K_OK || !found))
        auth.masked_pan[0] = '\0';
    engine_meter_profile_t prof;
    kmsg_t why;
    bool bill = t.channel == CHANNEL_BILL;
    receipt_bill_t kept[ENGINE_RECEIPT_BILLS];
    receipt_bills_t bills = {0};
    if (bill && (rc = bills_of(e, &t, kept, &bills, msg)) != K_OK)
        return rc;
    if (bill || engine_meter_profile(e, t.meter, t.created_at, &prof, &why) != K_OK)
        prof = (engine_meter_profile_t){0}; /* the receipt without a tariff line rather than none */
    receipt_facts_t f = {.site = e->cfg->site_name[0] ? e->cfg->site_name : e->cfg->site_id, .kiosk = e->cfg->kiosk_id[0] ? e->cfg->kiosk_id : e->cfg->site_id,
                         .at_ms = t.created_at, .meter = t.meter, .customer = t.customer, .card = t.card,
                         .on_card = t.channel == CHANNEL_CARD, .method = t.method, .masked_pan = auth.masked_pan,
                         .paid = t.paid, .zero_first = zero_first, .refunded = t.refunded, .purchase_count = t.purchase_count,
                         .state = t.state, .txn = t.id, .copy = copy, .kind = prof.kind,
                         .tariff = prof.has_tariff ? &prof.tariff : NULL, .bills = bill ? &bills : NULL};
    if (bill)
        f.meter = f.customer = NULL;
    receipt_build(&f, r);
    return K_OK;
}

kerr_t engine_receipt_of(engine_t *e, const char *txn_id, bool copy, receipt_t *r, kmsg_t *msg)
{
    return receipt_of(e, txn_id, copy, r, msg);
}

kerr_t engine_receipt_doc(engine_t *e, const char *txn_id, bool copy, printer_doc_t *doc, kmsg_t *msg)
{
    receipt_t r;
    kerr_t rc = receipt_of(e, txn_id, copy, &r, msg);
    return rc ? rc : engine_receipt_paper(&r, e->cfg->currency, doc, msg);
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
