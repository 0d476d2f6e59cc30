/* paysim as a separate process, over its real ports, spoken to as the ECR
 * with the shared ZVT codec: the examples of docs/protocols/zvt.md byte for
 * byte, the acknowledgement rules, every fault of the control port, the
 * journal. The simulator binary comes as the PAYSIM environment variable. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

#include "ktest.h"
#include "gateway/hex.h"
#include "sim/paysim_client.h"
#include "support/simclient.h"
#include "support/support.h"

#define REF "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa0b1c2"
#define REF_HEX                                                                                                  \
    "3C F0 F3 F6 36 66 31 63 32 61 33 62 2D 30 64 34 65 2D 34 66 35 61 2D 38 62 36 63 2D 37 64 38 65 39 66 61" \
    " 30 62 31 63 32"
/* The profile's examples. */
#define REGISTRATION "06 00 08 12 34 56 0E 01 56 03 03"
#define AUTH "06 01 32 04 00 00 00 00 50 00 49 01 56 " REF_HEX
#define APPROVED                                                                                                 \
    "04 0F 4F 27 00 04 00 00 00 00 50 00 0B 00 00 42 0C 14 30 05 0D 11 21 22 F0 F8 41 11 11 EE EE EE 11 11 87" \
    " 00 17 8A 05 49 01 56 " REF_HEX
#define DECLINED "04 0F 31 27 05 04 00 00 00 00 50 00 " REF_HEX
#define REVERSE_17 "06 30 06 12 34 56 87 00 17"
#define REPEAT "06 20 03 12 34 56"
#define END_OF_DAY "06 50 03 12 34 56"
#define ABORT "06 B0 00"
/* Receipt 17, trace 42 and 14:30:05 on 11-21 as in the example. */
#define VECTOR_STATE "{\"next_receipt\":17,\"next_trace\":42}"
#define VECTOR_TIME "time 2026-11-21T14:30:05"

#define WAIT_MS 2000
#define MAX_MSGS 32

static const char *paysim_bin;
static char dir[512];
static ps_sim_t sim;
static ps_ecr_t ecr;

/* What the terminal sent for one command, every message acknowledged. */
typedef struct msgs {
    zvt_apdu_t m[MAX_MSGS];
    size_t n;
} msgs_t;

static void start(const char *const *extra)
{
    if (!ps_start(&sim, paysim_bin, dir, extra)) {
        char *log = file_read(dir, "paysim.log");
        fprintf(stderr, "paysim did not start:\n%s\n", log ? log : "(no log)");
        free(log);
        fail();
    }
}

static void control(const char *cmd)
{
    char reply[512];
    if (!sc_control(&sim.sc, cmd, reply, sizeof reply))
        fail_msg("control '%s' answered '%s'", cmd, reply);
}

static void connect_ecr(void)
{
    ps_close(&ecr);
    assert_true(ps_connect(&sim, &ecr));
}

static int setup(void **state)
{
    (void)state;
    memset(&sim, 0, sizeof sim);
    ecr.fd = -1;
    if (!tmpdir_make(dir, sizeof dir) || !file_write(dir, "state.json", VECTOR_STATE))
        return -1;
    start(NULL);
    control(VECTOR_TIME);
    connect_ecr();
    return 0;
}

static int setup_bare(void **state)
{
    (void)state;
    memset(&sim, 0, sizeof sim);
    ecr.fd = -1;
    return tmpdir_make(dir, sizeof dir) ? 0 : -1;
}

/* The simulator must stop cleanly (status 0: no sanitizer report either). */
static int teardown(void **state)
{
    (void)state;
    ps_close(&ecr);
    int status = sim.sc.pid > 0 ? ps_stop(&sim) : 0;
    if (status != 0) {
        char *log = file_read(dir, "paysim.log");
        fprintf(stderr, "paysim exited with %d; its log:\n%s\n", status, log ? log : "(none)");
        free(log);
    }
    tmpdir_remove(dir);
    return status == 0 ? 0 : -1;
}

/* ---- the ECR's side ---- */

static void hex_of(const zvt_apdu_t *a, char *out, size_t cap)
{
    uint8_t raw[ZVT_MAX_DATA + 5];
    size_t n = ps_encode(a, raw, sizeof raw), k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k + 4 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%02X", i ? " " : "", raw[i]);
}

/* a must be exactly the bytes of want (hex). */
static void assert_apdu(const zvt_apdu_t *a, const char *want)
{
    uint8_t w[ZVT_MAX_DATA + 5], raw[ZVT_MAX_DATA + 5];
    size_t wn = hex_bytes(want, w, sizeof w), n = ps_encode(a, raw, sizeof raw);
    if (n != wn || memcmp(raw, w, n) != 0) {
        char got[4 * ZVT_MAX_DATA];
        hex_of(a, got, sizeof got);
        fail_msg("expected %s\n       got %s", want, got);
    }
}

static void send_hex(const char *hex)
{
    assert_true(ps_send_hex(&ecr, hex));
}

static void ack(void)
{
    send_hex("80 00 00");
}

static void recv_one(zvt_apdu_t *a, int timeout_ms)
{
    int rc = ps_recv(&ecr, a, timeout_ms);
    if (rc != 1)
        fail_msg("no APDU from the terminal within %d ms (%s)", timeout_ms, rc < 0 ? "link closed" : "silence");
}

/* The terminal's acknowledgement of a command: exactly want, not answered. */
static void expect_reply(const char *want)
{
    zvt_apdu_t a;
    recv_one(&a, WAIT_MS);
    assert_apdu(&a, want);
}

/* A PT message: exactly want, then acknowledged. */
static void expect_msg(const char *want)
{
    zvt_apdu_t a;
    recv_one(&a, WAIT_MS);
    assert_apdu(&a, want);
    ack();
}

static void expect_silence(int ms)
{
    zvt_apdu_t a;
    int rc = ps_recv(&ecr, &a, ms);
    if (rc == 1) {
        char got[4 * ZVT_MAX_DATA];
        hex_of(&a, got, sizeof got);
        fail_msg("expected silence, got %s", got);
    }
    assert_int_equal(rc, 0);
}

static bool is_end(const zvt_apdu_t *a)
{
    return a->cls == 0x06 && (a->instr == 0x0F || a->instr == 0x1E);
}

/* Every message up to and including 06 0F or 06 1E, each acknowledged. */
static void collect(msgs_t *out)
{
    out->n = 0;
    do {
        assert_true(out->n < MAX_MSGS);
        recv_one(&out->m[out->n], WAIT_MS);
        ack();
    } while (!is_end(&out->m[out->n++]));
}

static const zvt_apdu_t *last(const msgs_t *m, size_t back)
{
    assert_true(m->n > back);
    return &m->m[m->n - 1 - back];
}

/* The print lines' texts, one per line, after checking they are plain ASCII. */
static void print_text(const msgs_t *m, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->n; i++) {
        const zvt_apdu_t *a = &m->m[i];
        if (a->cls != 0x06 || a->instr != 0xD1)
            continue;
        assert_true(a->len >= 1);
        for (size_t j = 1; j < a->len; j++)
            assert_true(a->data[j] >= 0x20 && a->data[j] <= 0x7E);
        k += (size_t)snprintf(out + k, cap - k, "%.*s\n", (int)a->len - 1, (const char *)a->data + 1);
    }
}

/* One BMP of a status information, or fails. */
static zvt_bmp_t bmp_of(const zvt_apdu_t *a, uint8_t tag)
{
    size_t off = 0;
    zvt_bmp_t b;
    bool bad = false;
    assert_true(a->cls == 0x04 && a->instr == 0x0F);
    while (zvt_bmp_next(a->data, a->len, &off, &b, &bad))
        if (b.tag == tag)
            return b;
    assert_false(bad);
    fail_msg("BMP %02X missing from the status information", tag);
    return b;
}

static uint64_t bcd_of(const zvt_apdu_t *a, uint8_t tag)
{
    zvt_bmp_t b = bmp_of(a, tag);
    uint64_t v;
    assert_true(zvt_bcd_get(b.value, b.len, &v));
    return v;
}

/* An authorisation of amount (minor units) with reference ref, approved;
 * returns its receipt number. */
static uint32_t authorise(int64_t amount, const char *ref)
{
    zvt_apdu_t a = {.cls = 0x06, .instr = 0x01};
    msgs_t m;
    assert_true(zvt_put_bcd(&a, 0x04, (uint64_t)amount, 6));
    assert_true(zvt_put_bcd(&a, 0x49, 156, 2));
    assert_true(zvt_put_bytes(&a, 0x3C, (const uint8_t *)ref, strlen(ref)));
    assert_true(ps_send(&ecr, &a));
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 0), "06 0F 00");
    assert_int_equal(bmp_of(last(&m, 1), 0x27).value[0], 0x00);
    zvt_bmp_t r = bmp_of(last(&m, 1), 0x3C);
    assert_int_equal(r.len, strlen(ref));
    assert_memory_equal(r.value, ref, r.len);
    return (uint32_t)bcd_of(last(&m, 1), 0x87);
}

/* ---- the terminal's own view ---- */

static cJSON *state_json(void)
{
    static char text[1 << 20];
    if (!sc_control(&sim.sc, "state", text, sizeof text))
        fail_msg("state: %s", text);
    cJSON *o = cJSON_Parse(text + 3);
    assert_non_null(o);
    return o;
}

static int journal_len(void)
{
    cJSON *o = state_json();
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(o, "journal"));
    cJSON_Delete(o);
    return n;
}

/* Journal entry i (negative: from the end), detached; free with cJSON_Delete. */
static cJSON *entry(int i)
{
    cJSON *o = state_json();
    cJSON *j = cJSON_GetObjectItem(o, "journal");
    int n = cJSON_GetArraySize(j);
    if (i < 0)
        i += n;
    assert_true(i >= 0 && i < n);
    cJSON *e = cJSON_DetachItemFromArray(j, i);
    cJSON_Delete(o);
    return e;
}

static void assert_str(const cJSON *o, const char *name, const char *want)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    if (!cJSON_IsString(v) || strcmp(v->valuestring, want) != 0)
        fail_msg("journal field %s: expected \"%s\", got %s", name, want, v ? cJSON_PrintUnformatted(v) : "nothing");
}

static void assert_int_field(const cJSON *o, const char *name, int64_t want)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    if (!cJSON_IsNumber(v) || (int64_t)v->valuedouble != want)
        fail_msg("journal field %s: expected %lld", name, (long long)want);
}

static void assert_null_field(const cJSON *o, const char *name)
{
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, name)));
}

static void assert_bool_field(const cJSON *o, const char *name, bool want)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    assert_true(cJSON_IsBool(v));
    assert_int_equal(cJSON_IsTrue(v), want);
}

/* ---- the profile's examples, byte for byte ---- */

static void doc_registration(void **state)
{
    (void)state;
    send_hex(REGISTRATION);
    expect_reply("80 00 00");
    expect_msg("06 0F 00");
    send_hex("06 00 06 12 34 56 0E 01 56"); /* as the kiosk's driver sends it */
    expect_reply("80 00 00");
    expect_msg("06 0F 00");
    send_hex("06 00 06 12 34 56 0E 09 78"); /* EUR at a CNY terminal */
    expect_reply("80 00 00");
    expect_msg("06 1E 01 6F");
    expect_silence(200);
    assert_int_equal(journal_len(), 0);
}

static void doc_authorisation(void **state)
{
    (void)state;
    msgs_t m;
    char text[2048];
    send_hex(AUTH);
    expect_reply("80 00 00");
    expect_msg("04 FF 01 0A");
    expect_msg("04 FF 01 0E");
    expect_msg("06 D1 0D 00 43 41 52 44 20 50 41 59 4D 45 4E 54"); /* "CARD PAYMENT" */
    collect(&m);
    assert_apdu(last(&m, 1), APPROVED);
    assert_apdu(last(&m, 0), "06 0F 00");
    print_text(&m, text, sizeof text);
    assert_non_null(strstr(text, "TERMINAL 52500038"));
    assert_non_null(strstr(text, "CARD 4111 11** **** 1111"));
    assert_non_null(strstr(text, "AMOUNT CNY 50.00"));
    assert_non_null(strstr(text, "RECEIPT 0017"));
    assert_non_null(strstr(text, "APPROVED"));
    cJSON *e = entry(0);
    assert_str(e, "kind", "authorisation");
    assert_int_field(e, "amount", 5000);
    assert_int_field(e, "currency", 156);
    assert_str(e, "reference", REF);
    assert_int_field(e, "receipt", 17);
    assert_int_field(e, "trace", 42);
    assert_str(e, "result", "00");
    assert_bool_field(e, "reversed", false);
    assert_str(e, "card", "411111******1111");
    assert_str(e, "time", "2026-11-21T14:30:05.000Z");
    cJSON_Delete(e);
    assert_int_equal(journal_len(), 1);
}

static void doc_decline(void **state)
{
    (void)state;
    msgs_t m;
    char text[2048];
    control("decline 05");
    send_hex(AUTH);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 1), DECLINED);
    assert_apdu(last(&m, 0), "06 1E 01 05");
    print_text(&m, text, sizeof text);
    assert_non_null(strstr(text, "DECLINED 05"));
    assert_null(strstr(text, "RECEIPT"));
    cJSON *e = entry(0);
    assert_str(e, "result", "05");
    assert_str(e, "reference", REF);
    assert_null_field(e, "receipt");
    assert_null_field(e, "trace");
    cJSON_Delete(e);
    /* the fault was for one authorisation; a decline takes no receipt number */
    assert_int_equal(authorise(5000, "second"), 17);
}

static void doc_reversal(void **state)
{
    (void)state;
    msgs_t m;
    assert_int_equal(authorise(5000, REF), 17);
    send_hex(REVERSE_17);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 0), "06 0F 00");
    const zvt_apdu_t *st = last(&m, 1);
    assert_int_equal(bmp_of(st, 0x27).value[0], 0x00);
    assert_int_equal(bcd_of(st, 0x04), 5000);
    assert_int_equal(bcd_of(st, 0x87), 18); /* a new receipt number */
    assert_int_equal(bcd_of(st, 0x0B), 43);
    zvt_bmp_t r = bmp_of(st, 0x3C);
    assert_int_equal(r.len, strlen(REF) + 2);
    assert_memory_equal(r.value, "R:" REF, r.len); /* "R:" and the original's reference */
    send_hex(REVERSE_17);
    expect_reply("80 00 00");
    expect_msg("06 1E 01 B4");
    send_hex("06 30 06 12 34 56 87 00 99");
    expect_reply("80 00 00");
    expect_msg("06 1E 01 B5");
    send_hex("06 30 06 12 34 56 87 00 18"); /* a reversal's receipt is not a payment */
    expect_reply("80 00 00");
    expect_msg("06 1E 01 B5");
    cJSON *e = entry(0);
    assert_bool_field(e, "reversed", true);
    cJSON_Delete(e);
    e = entry(1);
    assert_str(e, "kind", "reversal");
    assert_int_field(e, "receipt", 18);
    assert_int_field(e, "reverses", 17);
    assert_int_field(e, "amount", 5000);
    assert_str(e, "reference", REF);
    cJSON_Delete(e);
    assert_int_equal(journal_len(), 2);
}

/* The messages of an authorisation without its intermediate status. */
static void without_status(const msgs_t *in, msgs_t *out)
{
    out->n = 0;
    for (size_t i = 0; i < in->n; i++)
        if (!(in->m[i].cls == 0x04 && in->m[i].instr == 0xFF))
            out->m[out->n++] = in->m[i];
}

static void assert_same(const msgs_t *a, const msgs_t *b)
{
    char want[4 * ZVT_MAX_DATA];
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        hex_of(&a->m[i], want, sizeof want);
        assert_apdu(&b->m[i], want);
    }
}

static void doc_repeat_receipt(void **state)
{
    (void)state;
    msgs_t auth, plain, again;
    send_hex(REPEAT);
    expect_reply("80 00 00");
    expect_msg("06 1E 01 83"); /* nothing yet */
    send_hex(AUTH);
    expect_reply("80 00 00");
    collect(&auth);
    without_status(&auth, &plain);
    send_hex(REPEAT);
    expect_reply("80 00 00");
    collect(&again);
    assert_same(&plain, &again); /* print lines, 04 0F (the example's bytes), 06 0F */
    assert_apdu(last(&again, 1), APPROVED);
    control("decline 05");
    send_hex(AUTH);
    expect_reply("80 00 00");
    collect(&auth);
    send_hex(REPEAT);
    expect_reply("80 00 00");
    collect(&again);
    assert_apdu(last(&again, 1), DECLINED); /* the last transaction, declined */
    assert_apdu(last(&again, 0), "06 0F 00");
    assert_int_equal(journal_len(), 2); /* repeating journals nothing */
}

static void doc_end_of_day(void **state)
{
    (void)state;
    msgs_t m;
    assert_int_equal(authorise(5000, REF), 17);
    assert_int_equal(authorise(1234, "second"), 18);
    assert_int_equal(authorise(100, "third"), 19);
    send_hex("06 30 06 12 34 56 87 00 19");
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 0), "06 0F 00");
    send_hex(END_OF_DAY);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 0), "06 0F 00");
    const zvt_apdu_t *st = last(&m, 1);
    assert_int_equal(bmp_of(st, 0x27).value[0], 0x00);
    assert_int_equal(bcd_of(st, 0x04), 6234); /* 50.00 + 12.34; 1.00 was reversed */
    zvt_bmp_t count = bmp_of(st, 0x3C);
    assert_int_equal(count.len, 7);
    assert_memory_equal(count.value, "count=2", 7);
    cJSON *e = entry(-1);
    assert_str(e, "kind", "end-of-day");
    assert_int_field(e, "amount", 6234);
    assert_int_field(e, "count", 2);
    cJSON_Delete(e);
    send_hex(REVERSE_17); /* before the end of day: too late */
    expect_reply("80 00 00");
    expect_msg("06 1E 01 B5");
    send_hex(END_OF_DAY);
    expect_reply("80 00 00");
    collect(&m);
    assert_int_equal(bcd_of(last(&m, 1), 0x04), 0);
    assert_memory_equal(bmp_of(last(&m, 1), 0x3C).value, "count=0", 7);
}

static void doc_abort(void **state)
{
    (void)state;
    control("card-wait 3000");
    send_hex(AUTH);
    expect_reply("80 00 00");
    expect_msg("04 FF 01 0A");
    int64_t t0 = sc_now_ms();
    send_hex(ABORT);
    expect_reply("80 00 00");
    expect_msg("04 0F 31 27 6C 04 00 00 00 00 50 00 " REF_HEX);
    expect_msg("06 1E 01 6C");
    assert_true(sc_now_ms() - t0 < 1500); /* not after the card wait */
    expect_silence(200);
    cJSON *e = entry(0);
    assert_str(e, "result", "6C");
    assert_null_field(e, "receipt");
    cJSON_Delete(e);
    send_hex(ABORT); /* nothing to abort: acknowledged, nothing more */
    expect_reply("80 00 00");
    expect_silence(300);
    assert_int_equal(authorise(5000, REF), 17); /* card-wait was for one authorisation */
}

static void doc_negative_ack(void **state)
{
    (void)state;
    send_hex("06 99 00"); /* no such command */
    expect_reply("84 83 00");
    send_hex("06 01 03 49 01 56"); /* an authorisation without an amount */
    expect_reply("84 83 00");
    send_hex("06 30 06 65 43 21 87 00 17"); /* wrong passwords */
    expect_reply("84 9A 00");
    send_hex("06 20 03 65 43 21");
    expect_reply("84 9A 00");
    send_hex("06 50 03 65 43 21");
    expect_reply("84 9A 00");
    send_hex("06 00 06 65 43 21 0E 01 56");
    expect_reply("84 9A 00");
    expect_silence(300);
    assert_int_equal(journal_len(), 0);
}

/* ---- acknowledgements ---- */

static void ecr_must_acknowledge(void **state)
{
    (void)state;
    zvt_apdu_t a;
    msgs_t m;
    send_hex(AUTH);
    expect_reply("80 00 00");
    recv_one(&a, WAIT_MS);
    assert_apdu(&a, "04 FF 01 0A");
    expect_silence(600); /* nothing more until the ECR acknowledges */
    send_hex(REPEAT);    /* a command meanwhile: busy */
    expect_reply("84 83 00");
    ack();
    expect_msg("04 FF 01 0E");
    collect(&m);
    assert_apdu(last(&m, 1), APPROVED);
}

static void missing_ack_does_not_wedge(void **state)
{
    (void)state;
    zvt_apdu_t a;
    send_hex(REGISTRATION);
    expect_reply("80 00 00");
    recv_one(&a, WAIT_MS);
    assert_apdu(&a, "06 0F 00");
    int64_t t0 = sc_now_ms(); /* and never acknowledged */
    usleep(1000 * 1000);
    send_hex(REGISTRATION);
    expect_reply("84 83 00"); /* still waiting for the acknowledgement */
    int64_t left = t0 + 5500 - sc_now_ms();
    if (left > 0)
        usleep((useconds_t)left * 1000);
    send_hex(REGISTRATION);
    expect_reply("80 00 00");
    expect_msg("06 0F 00");
    assert_int_equal(authorise(5000, REF), 17);
}

/* ---- faults ---- */

static void timeout_before(void **state)
{
    (void)state;
    control("timeout-before");
    send_hex(AUTH);
    expect_silence(1000); /* no acknowledgement, nothing */
    assert_int_equal(journal_len(), 0);
    cJSON *o = state_json();
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "faults"), "timeout_before")));
    cJSON_Delete(o);
    connect_ecr(); /* the kiosk gives up on that link and asks again */
    assert_int_equal(authorise(5000, REF), 17);
}

static void timeout_after(void **state)
{
    (void)state;
    msgs_t m;
    control("timeout-after");
    send_hex(AUTH);
    expect_reply("80 00 00");
    expect_msg("04 FF 01 0A");
    expect_msg("04 FF 01 0E");
    expect_silence(1000); /* approved, and then nothing */
    cJSON *e = entry(0);
    assert_str(e, "result", "00");
    assert_int_field(e, "receipt", 17);
    assert_str(e, "reference", REF);
    cJSON_Delete(e);
    connect_ecr(); /* the kiosk's recovery: ask for the last transaction */
    send_hex(REPEAT);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 1), APPROVED);
    assert_apdu(last(&m, 0), "06 0F 00");
}

static void drop_after(void **state)
{
    (void)state;
    msgs_t m;
    zvt_apdu_t a;
    control("drop-after");
    send_hex(AUTH);
    expect_reply("80 00 00");
    expect_msg("04 FF 01 0A");
    expect_msg("04 FF 01 0E");
    assert_int_equal(ps_recv(&ecr, &a, WAIT_MS), -1); /* the link closes, no status information */
    cJSON *e = entry(0);
    assert_str(e, "result", "00");
    assert_int_field(e, "receipt", 17);
    cJSON_Delete(e);
    connect_ecr();
    send_hex(REPEAT);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 1), APPROVED);
}

static void wrong_currency(void **state)
{
    (void)state;
    send_hex("06 01 32 04 00 00 00 00 50 00 49 09 78 " REF_HEX);
    expect_reply("80 00 00");
    expect_msg("04 0F 31 27 6F 04 00 00 00 00 50 00 " REF_HEX); /* no card asked for */
    expect_msg("06 1E 01 6F");
    cJSON *e = entry(0);
    assert_str(e, "result", "6F");
    assert_int_field(e, "currency", 978);
    assert_null_field(e, "receipt");
    cJSON_Delete(e);
}

static void slow_terminal(void **state)
{
    (void)state;
    zvt_apdu_t a;
    control("slow 1000");
    int64_t t0 = sc_now_ms();
    send_hex(REGISTRATION);
    expect_reply("80 00 00"); /* the acknowledgement is not delayed */
    assert_true(sc_now_ms() - t0 < 700);
    recv_one(&a, WAIT_MS);
    assert_apdu(&a, "06 0F 00");
    assert_true(sc_now_ms() - t0 >= 990);
    ack();
    control("slow 0");
    t0 = sc_now_ms();
    send_hex(REGISTRATION);
    expect_reply("80 00 00");
    expect_msg("06 0F 00");
    assert_true(sc_now_ms() - t0 < 700);
}

/* ---- the journal ---- */

static void state_json_and_restart(void **state)
{
    (void)state;
    char reply[256];
    control("decline 2a");
    control("card-wait 1234");
    control("slow 7");
    cJSON *o = state_json();
    cJSON *f = cJSON_GetObjectItem(o, "faults");
    assert_str(f, "next_authorisation", "decline");
    assert_str(f, "decline_code", "2A");
    assert_int_field(f, "card_wait_ms", 1234);
    assert_int_field(f, "slow_ms", 7);
    assert_str(o, "terminal_id", "52500038");
    assert_int_field(o, "currency", 156);
    assert_int_field(o, "next_receipt", 17);
    cJSON_Delete(o);
    control("clear");
    o = state_json();
    assert_str(cJSON_GetObjectItem(o, "faults"), "next_authorisation", "approve");
    cJSON_Delete(o);
    assert_false(sc_control(&sim.sc, "decline 00", reply, sizeof reply));
    assert_false(sc_control(&sim.sc, "decline zz", reply, sizeof reply));
    assert_false(sc_control(&sim.sc, "slow -1", reply, sizeof reply));
    assert_false(sc_control(&sim.sc, "frobnicate", reply, sizeof reply));
    assert_int_equal(authorise(123456789012LL, REF), 17); /* the largest amounts stay exact */
    cJSON *e = entry(0);
    assert_int_field(e, "amount", 123456789012LL);
    cJSON_Delete(e);
    o = state_json();
    cJSON *before = cJSON_DetachItemFromObject(o, "journal");
    cJSON_Delete(o);
    ps_close(&ecr);
    assert_int_equal(ps_stop(&sim), 0);
    char *text = file_read(dir, "state.json");
    cJSON *file = cJSON_Parse(text);
    free(text);
    assert_true(cJSON_Compare(cJSON_GetObjectItem(file, "journal"), before, true));
    assert_int_field(file, "next_receipt", 18);
    assert_int_field(file, "next_trace", 43);
    cJSON_Delete(file);
    start(NULL); /* the journal survives a restart, numbering goes on */
    connect_ecr();
    o = state_json();
    assert_true(cJSON_Compare(cJSON_GetObjectItem(o, "journal"), before, true));
    cJSON_Delete(o);
    cJSON_Delete(before);
    assert_int_equal(authorise(5000, "after restart"), 18);
    send_hex(REVERSE_17);
    expect_reply("80 00 00");
    msgs_t m;
    collect(&m);
    assert_apdu(last(&m, 0), "06 0F 00");
}

/* ---- the link ---- */

static void new_connection_replaces_old(void **state)
{
    (void)state;
    msgs_t m;
    zvt_apdu_t a;
    control("card-wait 3000");
    send_hex(AUTH);
    expect_reply("80 00 00");
    expect_msg("04 FF 01 0A");
    ps_ecr_t old = ecr;
    ecr.fd = -1;
    connect_ecr();
    ps_ecr_t fresh = ecr;
    ecr = old;
    assert_int_equal(ps_recv(&ecr, &a, WAIT_MS), -1); /* the old link is closed */
    ps_close(&ecr);
    ecr = fresh;
    cJSON *e = entry(0);
    assert_str(e, "result", "6C"); /* as if the link dropped: aborted, not approved */
    cJSON_Delete(e);
    send_hex(REPEAT);
    expect_reply("80 00 00");
    collect(&m);
    assert_apdu(last(&m, 1), "04 0F 31 27 6C 04 00 00 00 00 50 00 " REF_HEX);
    cJSON *o = state_json();
    assert_int_field(o, "ecr_connections", 2);
    cJSON_Delete(o);
}

static void garbage_drops_link(void **state)
{
    (void)state;
    zvt_apdu_t a;
    send_hex("12 34 00"); /* a well-formed APDU of no known class */
    expect_reply("84 83 00");
    send_hex("06 01 03 99 01 02"); /* an unknown BMP */
    expect_reply("84 83 00");
    send_hex("06 01 FF 00 10"); /* 4096 bytes: no APDU of ours */
    assert_int_equal(ps_recv(&ecr, &a, WAIT_MS), -1);
    uint32_t seed = 12345; /* random bursts: answered or dropped, never a crash */
    int answered = 0, dropped = 0;
    for (int burst = 0; burst < 30; burst++) {
        uint8_t junk[700];
        connect_ecr();
        for (size_t i = 0; i < sizeof junk; i++) {
            seed = seed * 1103515245u + 12345u;
            junk[i] = (uint8_t)(seed >> 16);
        }
        junk[0] = burst % 2 ? 0x06 : junk[0]; /* half of them look like commands */
        assert_true(ps_send_bytes(&ecr, junk, sizeof junk));
        int rc;
        while ((rc = ps_recv(&ecr, &a, 20)) == 1)
            answered++;
        dropped += rc < 0;
    }
    assert_true(answered > 0 && dropped > 0);
    connect_ecr();
    send_hex(REGISTRATION);
    expect_reply("80 00 00");
    expect_msg("06 0F 00");
}

static void bad_arguments(void **state)
{
    (void)state;
    static const char *const cases[][4] = {
        {"--password", "12345", NULL}, {"--password", "12345a", NULL}, {"--currency", "999", NULL},
        {"--currency", "0", NULL},     {"--port", "70000", NULL},      {"--listen", "nowhere", NULL},
        {"--frobnicate", NULL},        {"extra", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (sc_run(paysim_bin, dir, cases[i]) != 2)
            fail_msg("paysim %s %s: expected exit status 2", cases[i][0], cases[i][1] ? cases[i][1] : "");
    char path[600];
    snprintf(path, sizeof path, "%s/state.json", dir);
    const char *const with_state[] = {"--state", path, "--port", "0", NULL};
    assert_true(file_write(dir, "state.json", "{\"journal\":[{\"kind\":\"authorisation\",\"amout\":5}]}"));
    assert_int_equal(sc_run(paysim_bin, dir, with_state), 2);
    char *err = file_read(dir, "stderr");
    assert_non_null(strstr(err, "'amout'"));
    free(err);
    assert_true(file_write(dir, "state.json", "{\"next_receipt\":10000}"));
    assert_int_equal(sc_run(paysim_bin, dir, with_state), 2);
    assert_true(file_write(dir, "state.json", "not json"));
    assert_int_equal(sc_run(paysim_bin, dir, with_state), 2);
    const char *const help[] = {"--help", NULL}, *const version[] = {"--version", NULL};
    assert_int_equal(sc_run(paysim_bin, dir, help), 0);
    assert_int_equal(sc_run(paysim_bin, dir, version), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(doc_registration, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_authorisation, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_decline, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_reversal, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_repeat_receipt, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_end_of_day, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_abort, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_negative_ack, setup, teardown),
    cmocka_unit_test_setup_teardown(ecr_must_acknowledge, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_ack_does_not_wedge, setup, teardown),
    cmocka_unit_test_setup_teardown(timeout_before, setup, teardown),
    cmocka_unit_test_setup_teardown(timeout_after, setup, teardown),
    cmocka_unit_test_setup_teardown(drop_after, setup, teardown),
    cmocka_unit_test_setup_teardown(wrong_currency, setup, teardown),
    cmocka_unit_test_setup_teardown(slow_terminal, setup, teardown),
    cmocka_unit_test_setup_teardown(state_json_and_restart, setup, teardown),
    cmocka_unit_test_setup_teardown(new_connection_replaces_old, setup, teardown),
    cmocka_unit_test_setup_teardown(garbage_drops_link, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_arguments, setup_bare, teardown),
};

int main(int argc, char **argv)
{
    paysim_bin = getenv("PAYSIM");
    if (!paysim_bin || !*paysim_bin) {
        fprintf(stderr, "test_paysim: set PAYSIM to the paysim binary\n");
        return 2;
    }
    return ktest_run(__FILE__, tests, sizeof tests / sizeof tests[0], argc, argv);
}
