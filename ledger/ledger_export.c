/* `ledger export`: transactions as CSV (RFC 4180) or a JSON array. */
#include <string.h>

#include "base/kjson.h"
#include "base/timefmt.h"
#include "ledger/ledger_int.h"

typedef struct export_ctx {
    FILE *out;
    ledger_format_t fmt;
    size_t n;
    bool failed;
} export_ctx_t;

static const char csv_header[] = "id,state,amount,currency,meter,customer,method,channel,paid,delivered,"
                                 "refunded,purchase_count,reason,created_at,updated_at\r\n";

/* Quotes a CSV field when it holds a comma, quote or line break. */
static void csv_field(FILE *out, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

static void write_csv(export_ctx_t *x, const ledger_txn_t *t)
{
    char created[32], updated[32], count[24] = "";
    ktime_format_iso(t->created_at, created, sizeof created);
    ktime_format_iso(t->updated_at, updated, sizeof updated);
    if (t->purchase_count > 0)
        snprintf(count, sizeof count, "%lld", (long long)t->purchase_count);
    fprintf(x->out, "%s,%s,%lld,%s,", t->id, txn_state_name(t->state), (long long)t->amount, t->currency);
    csv_field(x->out, t->meter, false);
    csv_field(x->out, t->customer, false);
    csv_field(x->out, sale_method_name(t->method), false);
    csv_field(x->out, sale_channel_name(t->channel), false);
    fprintf(x->out, "%lld,%lld,%lld,%s,", (long long)t->paid, (long long)t->delivered, (long long)t->refunded,
            count);
    csv_field(x->out, t->reason, false);
    fprintf(x->out, "%s,%s\r\n", created, updated);
}

static void write_json(export_ctx_t *x, const ledger_txn_t *t)
{
    cJSON *o = ledger__txn_json(t);
    char *text = o ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    if (!text) {
        x->failed = true;
        return;
    }
    fprintf(x->out, "%s\n  %s", x->n ? "," : "", text);
    cJSON_free(text);
}

static void on_txn(void *ctx, const ledger_txn_t *t)
{
    export_ctx_t *x = ctx;
    if (x->fmt == LEDGER_CSV)
        write_csv(x, t);
    else
        write_json(x, t);
    x->n++;
}

kerr_t ledger_export(ledger_t *l, FILE *out, ledger_format_t fmt, int64_t from, int64_t to, kmsg_t *msg)
{
    export_ctx_t x = {.out = out, .fmt = fmt};
    ledger_filter_t f = {.from = from, .to = to};
    fputs(fmt == LEDGER_CSV ? csv_header : "[", out);
    /* One read transaction: the export is one consistent snapshot. */
    kerr_t rc = ledger__exec(l, "BEGIN", msg);
    if (rc == K_OK)
        rc = ledger_list(l, &f, on_txn, &x, msg);
    ledger__rollback(l);
    if (fmt == LEDGER_JSON)
        fputs(x.n ? "\n]\n" : "]\n", out);
    if (rc == K_OK && x.failed)
        rc = kmsg_set(msg, K_EIO, "out of memory while exporting");
    if (rc == K_OK && (fflush(out) != 0 || ferror(out)))
        rc = kmsg_set(msg, K_EIO, "could not write the export");
    return rc;
}
