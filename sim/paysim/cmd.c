/* The ECR's commands (docs/protocols/zvt.md, "Commands used"): each is
 * checked, and what the terminal will send is laid out as steps for pt.c
 * to run. Transactions are journaled (and saved) when they are decided:
 * an authorisation once its card is read, the others when they begin. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "sim/paysim/psim.h"

#define PRINT_MAX 12

bool psim_run_add(psim_t *s, psim_step_kind_t kind, const psim_apdu_t *apdu, int64_t ms)
{
    psim_run_t *r = &s->run;
    if (r->n >= PSIM_MAX_STEPS) {
        LOG_E(PSIM_LOG, "too many steps for command 06 %02X: step dropped", r->instr);
        return false;
    }
    psim_step_t *st = &r->steps[r->n++];
    st->kind = kind;
    st->ms = ms;
    if (apdu)
        st->apdu = *apdu;
    else
        memset(&st->apdu, 0, sizeof st->apdu);
    return true;
}

static void run_begin(psim_t *s, uint8_t instr)
{
    psim_run_t *r = &s->run;
    r->active = true;
    r->instr = instr;
    r->n = r->at = 0;
    r->started = r->card_phase = r->undecided = false;
}

static void send_abort(psim_t *s, uint8_t code)
{
    psim_apdu_t a;
    psim_abort_apdu(code, &a);
    psim_run_add(s, PSIM_SEND, &a, 0);
}

/* Print lines, status information, then 06 0F, or 06 1E `code` if code is
 * not 00. */
static void report(psim_t *s, const psim_txn_t *t, uint8_t code)
{
    psim_apdu_t lines[PRINT_MAX], status;
    size_t n = psim_print_lines(t, lines, PRINT_MAX);
    for (size_t i = 0; i < n; i++)
        psim_run_add(s, PSIM_SEND, &lines[i], 0);
    psim_txn_t told = *t;
    if (s->faults.no_reference)
        told.reference[0] = '\0'; /* a terminal that does not echo 3C */
    if (!psim_status_apdu(&told, &status)) {
        LOG_E(PSIM_LOG, "the status information does not fit in an APDU: ending with 06 1E 83");
        send_abort(s, PSIM_RC_NOT_POSSIBLE);
        return;
    }
    psim_run_add(s, PSIM_SEND, &status, 0);
    if (code == PSIM_RC_OK) {
        psim_apdu_t done;
        psim_completion_apdu(&done);
        psim_run_add(s, PSIM_SEND, &done, 0);
    } else {
        send_abort(s, code);
    }
}

/* The password in the first three bytes: 0, or the negative ack's code. */
static uint8_t check_password(const psim_t *s, const psim_apdu_t *c)
{
    if (c->len < 3)
        return PSIM_RC_NOT_POSSIBLE;
    if (memcmp(c->data, s->password, 3) != 0) {
        LOG_W(PSIM_LOG, "command 06 %02X with a wrong password: 84 %02X 00", c->instr, PSIM_NAK_PASSWORD);
        return PSIM_NAK_PASSWORD;
    }
    return 0;
}

static bool any_field(const psim_bmp_t *b, void *ctx)
{
    (void)b;
    (void)ctx;
    return true;
}

/* True if data[off..] is a clean run of BMPs. */
static bool bmps_clean(const psim_apdu_t *c, size_t off)
{
    return psim_bmp_each(c->data, c->len, off, any_field, NULL);
}

/* 06 00: password, config byte, optional currency (2 bytes BCD, no tag),
 * optional BMPs (the profile's example ends with 03 03). */
static uint8_t registration(psim_t *s, const psim_apdu_t *c)
{
    uint8_t rc = check_password(s, c);
    uint64_t cc = s->currency;
    size_t off = 4;
    if (rc)
        return rc;
    if (c->len < 4)
        return PSIM_RC_NOT_POSSIBLE;
    if (c->len >= 6) {
        if (!psim_bcd_get(c->data + 4, 2, &cc))
            return PSIM_RC_NOT_POSSIBLE;
        off = 6;
    }
    if (!bmps_clean(c, off))
        return PSIM_RC_NOT_POSSIBLE;
    run_begin(s, c->instr);
    if (cc != s->currency) {
        LOG_W(PSIM_LOG, "registration for currency %03u, the terminal's is %03u: 06 1E 6F", (unsigned)cc,
              s->currency);
        send_abort(s, PSIM_RC_CURRENCY);
        return 0;
    }
    LOG_I(PSIM_LOG, "registration (config byte %02X)", c->data[3]);
    psim_apdu_t done;
    psim_completion_apdu(&done);
    psim_run_add(s, PSIM_SEND, &done, 0);
    return 0;
}

static bool printable(const psim_bmp_t *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->value[i] < 0x20 || b->value[i] > 0x7E)
            return false;
    return b->len <= PSIM_REF_MAX;
}

/* One BMP of an authorisation into the psim_txn_t ctx; false if it cannot
 * be taken. */
static bool auth_field(const psim_bmp_t *b, void *ctx)
{
    psim_txn_t *t = ctx;
    uint64_t v;
    switch (b->tag) {
    case 0x04:
        if (!psim_bcd_get(b->value, b->len, &v))
            return false;
        t->amount = (int64_t)v;
        return true;
    case 0x49:
        if (!psim_bcd_get(b->value, b->len, &v))
            return false;
        t->currency = (uint16_t)v;
        return true;
    case 0x3C:
        if (!printable(b))
            return false;
        memcpy(t->reference, b->value, b->len);
        t->reference[b->len] = '\0';
        return true;
    default: return true; /* other fields (payment type, ...) are not the simulator's business */
    }
}

static bool parse_auth(const psim_apdu_t *c, psim_txn_t *t)
{
    return psim_bmp_each(c->data, c->len, 0, auth_field, t) && t->amount > 0;
}

/* A currency other than the terminal's: 04 0F 27 6F, 06 1E 6F, no card. */
static void wrong_currency(psim_t *s, psim_txn_t *t)
{
    t->result = PSIM_RC_CURRENCY;
    t->time_ms = psim_clock(s);
    LOG_I(PSIM_LOG, "authorisation of %lld in currency %03u, the terminal's is %03u: 6F", (long long)t->amount,
          t->currency, s->currency);
    psim_journal_add(s, t);
    report(s, t, PSIM_RC_CURRENCY);
}

/* 06 01: 04 amount, 49 currency, 3C reference. The card is asked for and
 * the outcome decided later (psim_cmd_decide). */
static uint8_t authorisation(psim_t *s, const psim_apdu_t *c)
{
    psim_txn_t t = {.kind = PSIM_AUTH, .currency = s->currency};
    if (!parse_auth(c, &t)) {
        LOG_W(PSIM_LOG, "authorisation without a usable amount, currency or reference: 84 83 00");
        return PSIM_RC_NOT_POSSIBLE;
    }
    run_begin(s, c->instr);
    if (t.currency != s->currency) {
        wrong_currency(s, &t);
        return 0;
    }
    psim_run_t *r = &s->run;
    psim_faults_t *f = &s->faults;
    r->auth = t;
    r->card_phase = r->undecided = true;
    r->outcome = f->outcome;
    r->decline_code = f->decline_code;
    int64_t wait = f->card_wait_ms;
    f->outcome = PSIM_APPROVE; /* these faults are for one authorisation */
    f->card_wait_ms = 0;
    LOG_I(PSIM_LOG, "authorisation of %lld, reference '%s'%s", (long long)t.amount, t.reference,
          wait ? ", waiting for the card" : "");
    psim_apdu_t st = {.cls = 0x04, .instr = 0xFF, .len = 1, .data = {0x0A}};
    psim_run_add(s, PSIM_SEND, &st, 0);
    psim_run_add(s, PSIM_CARD_WAIT, NULL, wait);
    st.data[0] = 0x0E;
    psim_run_add(s, PSIM_SEND, &st, 0);
    psim_run_add(s, PSIM_DECIDE, NULL, 0);
    return 0;
}

void psim_cmd_decide(psim_t *s)
{
    psim_run_t *r = &s->run;
    psim_txn_t t = r->auth;
    r->undecided = false;
    t.time_ms = psim_clock(s);
    snprintf(t.card, sizeof t.card, "%s", PSIM_CARD);
    t.card_type = PSIM_CARD_TYPE;
    if (r->outcome == PSIM_DECLINE) {
        t.result = r->decline_code;
    } else {
        t.receipt = psim_take_receipt(s);
        t.trace = psim_take_trace(s);
    }
    psim_journal_add(s, &t);
    LOG_I(PSIM_LOG, "authorisation '%s': result %02X, receipt %u, trace %u", t.reference, t.result, t.receipt,
          t.trace);
    if (r->outcome == PSIM_TIMEOUT_AFTER) {
        LOG_I(PSIM_LOG, "timeout-after: approved, and nothing more is sent");
        return;
    }
    if (r->outcome == PSIM_DROP_AFTER) {
        LOG_I(PSIM_LOG, "drop-after: approved, and the link is closed before the status information");
        psim_run_add(s, PSIM_HANG_UP, NULL, 0);
        return;
    }
    report(s, &t, t.result);
}

void psim_cmd_abort(psim_t *s, bool link_lost)
{
    psim_run_t *r = &s->run;
    psim_txn_t t = r->auth;
    t.result = PSIM_RC_ABORTED;
    t.time_ms = psim_clock(s);
    psim_journal_add(s, &t);
    LOG_I(PSIM_LOG, "authorisation '%s' aborted (%s) while waiting for the card", t.reference,
          link_lost ? "the link was lost" : "06 B0");
    r->n = r->at = 0;
    r->started = r->card_phase = r->undecided = false;
    if (link_lost)
        r->active = false;
    else
        report(s, &t, PSIM_RC_ABORTED);
}

/* A reversal's receipt number: its BMP 87 (the last one, if it repeats). */
typedef struct receipt_field {
    bool have;
    uint64_t number;
} receipt_field_t;

static bool receipt_field(const psim_bmp_t *b, void *ctx)
{
    receipt_field_t *r = ctx;
    if (b->tag == 0x87)
        r->have = psim_bcd_get(b->value, b->len, &r->number);
    return true;
}

/* 06 30: password, 87 receipt number. */
static uint8_t reversal(psim_t *s, const psim_apdu_t *c)
{
    uint8_t rc = check_password(s, c);
    receipt_field_t r = {.have = false};
    if (rc)
        return rc;
    if (!psim_bmp_each(c->data, c->len, 3, receipt_field, &r) || !r.have)
        return PSIM_RC_NOT_POSSIBLE;
    uint64_t receipt = r.number;
    run_begin(s, c->instr);
    psim_txn_t *orig = psim_find_receipt(s, (uint32_t)receipt);
    if (!orig || orig->reversed) {
        LOG_I(PSIM_LOG, "reversal of receipt %u: %s", (unsigned)receipt,
              orig ? "already reversed (B4)" : "no such payment since the last end of day (B5)");
        send_abort(s, orig ? PSIM_RC_REVERSED : PSIM_RC_NO_REVERSAL);
        return 0;
    }
    orig->reversed = true;
    psim_txn_t t = *orig;
    t.kind = PSIM_REVERSAL;
    t.reversed = false;
    t.reverses = orig->receipt;
    t.receipt = psim_take_receipt(s);
    t.trace = psim_take_trace(s);
    t.time_ms = psim_clock(s);
    psim_journal_add(s, &t);
    LOG_I(PSIM_LOG, "reversal of receipt %u ('%s'): receipt %u", t.reverses, t.reference, t.receipt);
    report(s, &t, PSIM_RC_OK);
    return 0;
}

/* 06 20: the last transaction again, exactly. */
static uint8_t repeat_receipt(psim_t *s, const psim_apdu_t *c)
{
    uint8_t rc = check_password(s, c);
    if (rc)
        return rc;
    run_begin(s, c->instr);
    const psim_txn_t *last = psim_last_txn(s);
    if (!last) {
        LOG_I(PSIM_LOG, "repeat receipt: no transaction yet (83)");
        send_abort(s, PSIM_RC_NOT_POSSIBLE);
        return 0;
    }
    LOG_I(PSIM_LOG, "repeat receipt: transaction %zu, reference '%s'", s->n_journal, last->reference);
    report(s, last, PSIM_RC_OK);
    return 0;
}

/* 06 50: the day's totals; older receipts can no longer be reversed. */
static uint8_t end_of_day(psim_t *s, const psim_apdu_t *c)
{
    uint8_t rc = check_password(s, c);
    if (rc)
        return rc;
    run_begin(s, c->instr);
    psim_txn_t t = {.kind = PSIM_END_OF_DAY, .currency = s->currency, .result = PSIM_RC_OK};
    psim_day_totals(s, &t.count, &t.amount);
    t.trace = psim_take_trace(s);
    t.time_ms = psim_clock(s);
    psim_journal_add(s, &t);
    LOG_I(PSIM_LOG, "end of day: %lld payments, total %lld", (long long)t.count, (long long)t.amount);
    report(s, &t, PSIM_RC_OK);
    return 0;
}

uint8_t psim_cmd_begin(psim_t *s, const psim_apdu_t *cmd)
{
    s->run.active = false;
    if (cmd->cls == 0x06) {
        switch (cmd->instr) {
        case 0x00: return registration(s, cmd);
        case 0x01: return authorisation(s, cmd);
        case 0x20: return repeat_receipt(s, cmd);
        case 0x30: return reversal(s, cmd);
        case 0x50: return end_of_day(s, cmd);
        default: break;
        }
    }
    LOG_W(PSIM_LOG, "unknown command %02X %02X: 84 83 00", cmd->cls, cmd->instr);
    return PSIM_RC_NOT_POSSIBLE;
}
