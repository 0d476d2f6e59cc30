/* The Z report: the end-of-shift collection recorded in the ledger first,
 * then printed for the collector (docs/staff.md, "Cash collection"). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* A method in both languages, Chinese first ("现金 Cash"); a name the
 * kiosk does not know as it is stored. */
static const char *method_words(const char *name)
{
    static const char *const words[METHOD_COUNT] = {
        [METHOD_COUNTER] = "柜台 Counter", [METHOD_CASH] = "现金 Cash", [METHOD_CARD] = "银行卡 Card",
        [METHOD_QR] = "扫码 QR code",      [METHOD_CENTRAL] = "中心 Central"};
    sale_method_t m;
    return sale_method_from_name(name, &m) && words[m] ? words[m] : name;
}

/* "label   count      money": the count and the money right-aligned in
 * their columns, so that a list of them reads straight down. */
static void money_line(builder_t *b, const currency_t *cur, const char *label, int64_t count, int64_t total)
{
    char money[40], value[64];
    money_format(total, cur, MONEY_RECEIPT, money, sizeof money);
    snprintf(value, sizeof value, "%4lld %14s", (long long)count, money);
    engine__field(b, label, value);
}

/* The lines of the cash (by note) or of the other methods (by method),
 * adding up their count and money. */
static void taken_lines(builder_t *b, const currency_t *cur, const ledger_cash_report_t *r, bool cash, int64_t *n,
                        int64_t *total)
{
    for (size_t i = 0; i < r->n_taken; i++) {
        const ledger_cash_line_t *x = &r->taken[i];
        sale_method_t m = METHOD_NONE;
        if ((sale_method_from_name(x->method, &m) && m == METHOD_CASH) != cash)
            continue;
        char label[64], note[40] = "";
        if (x->denomination)
            money_format(x->denomination, cur, MONEY_RECEIPT, note, sizeof note);
        snprintf(label, sizeof label, "  %s", cash ? note : method_words(x->method));
        money_line(b, cur, label, x->count, x->total);
        *n += x->count;
        *total += x->total;
    }
}

/* Money taken: the cash by note and its total (what the collector counts
 * in the box) first, then the other methods and the total of all. */
static void taken(builder_t *b, const currency_t *cur, const ledger_cash_report_t *r)
{
    int64_t cash_n = 0, cash = 0, other_n = 0, other = 0;
    engine__line(b, PRINTER_STYLE_NORMAL, "现金 Cash");
    taken_lines(b, cur, r, true, &cash_n, &cash);
    money_line(b, cur, "现金合计 Cash", cash_n, cash);
    engine__line(b, PRINTER_STYLE_NORMAL, "其他 Other methods");
    taken_lines(b, cur, r, false, &other_n, &other);
    money_line(b, cur, "合计 Total", cash_n + other_n, cash + other);
}

static void given_back(builder_t *b, const currency_t *cur, const ledger_cash_report_t *r)
{
    engine__line(b, PRINTER_STYLE_NORMAL, "退回 Given back");
    for (size_t i = 0; i < r->n_refunded; i++) {
        char label[48];
        snprintf(label, sizeof label, "  %s", r->refunded[i].method);
        money_line(b, cur, label, r->refunded[i].count, r->refunded[i].total);
    }
    if (!r->n_refunded)
        engine__line(b, PRINTER_STYLE_NORMAL, "  无 none");
}

kerr_t engine_zreport_doc(engine_t *e, const ledger_cash_report_t *r, const char *actor, printer_doc_t *doc,
                          kmsg_t *msg)
{
    const currency_t *cur = currency_find(r->currency);
    cur = cur ? cur : e->cfg->currency;
    builder_t b = {.doc = doc, .msg = msg};
    printer_style_t title = {PRINTER_CENTRE, true, 2, 2}, centre = {PRINTER_CENTRE, false, 1, 1};
    char text[64];
    engine__line(&b, title, e->cfg->site_name[0] ? e->cfg->site_name : e->cfg->site_id[0] ? e->cfg->site_id : "Prepaid kiosk");
    engine__line(&b, centre, "Z 报表 Z REPORT");
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    engine__field(&b, "终端 Kiosk", e->cfg->kiosk_id[0] ? e->cfg->kiosk_id : e->cfg->site_id);
    if (r->since)
        engine__when(r->since, text);
    else
        snprintf(text, sizeof text, "首笔 the first sale");
    engine__field(&b, "从 From", text);
    engine__when(r->until, text);
    engine__field(&b, "到 To", text);
    engine__field(&b, "操作员 Operator", strncmp(actor, "operator:", 9) == 0 ? actor + 9 : actor);
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    taken(&b, cur, r);
    given_back(&b, cur, r);
    snprintf(text, sizeof text, "%lld / %lld", (long long)r->box_removed, (long long)r->box_inserted);
    engine__field(&b, "钱箱 Box out/in", text);
    engine__line(&b, PRINTER_STYLE_NORMAL, ENGINE_RULE);
    engine__line(&b, centre, "计数器已清零 Counters reset");
    if (b.rc == K_OK)
        b.rc = printer_doc_feed(doc, 3, msg);
    if (b.rc == K_OK)
        b.rc = printer_doc_cut(doc, true, msg);
    return b.rc;
}

static kerr_t do_collect(engine_t *e, printer_t *p, const char *actor, ledger_cash_report_t *out, bool *printed,
                      kmsg_t *msg)
{
    *printed = false;
    kerr_t rc = ledger_cash_collect(e->ledger, actor, out, msg);
    if (rc)
        return rc;
    printer_status_t st;
    kmsg_t why = {""};
    printer_doc_t doc;
    printer_doc_init(&doc);
    kerr_t prc = engine_printer_ready(p, &st, &why);
    if (prc == K_OK)
        prc = engine_zreport_doc(e, out, actor, &doc, &why);
    if (prc == K_OK && p->ops->print(p->ctx, &doc, &why) != PRINTER_OK)
        prc = K_EDEVICE;
    printer_doc_free(&doc);
    *printed = prc == K_OK;
    if (!*printed) {
        LOG_W("engine", "Z report not printed: %s", why.text);
        kmsg_set(msg, K_OK, "the collection is recorded; the Z report was not printed: %s", why.text);
    }
    return K_OK;
}

kerr_t engine_collect(engine_t *e, printer_t *p, const char *actor, ledger_cash_report_t *out, bool *printed,
                      kmsg_t *msg)
{
    ENGINE_LOCKED(e, "collect", msg, do_collect(e, p, actor, out, printed, msg));
}
