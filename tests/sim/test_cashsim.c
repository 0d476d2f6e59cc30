/* cashsim as a separate process, over its real pty: the examples of
 * docs/protocols/cctalk.md byte for byte, notes through escrow, the faults
 * of the control port, echo, restart. Run as: test_cashsim CASE, with
 * CASHSIM=path-to-cashsim in the environment. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "gateway/hex.h"
#include "sim/cashsim_client.h"
#include "support/support.h"

#include <cjson/cJSON.h>

#include "drivers/cash/cctalk_frame.h"

#define REPLY_MS 1000 /* an answer that takes longer is missing */
#define SILENCE_MS 250 /* how long "no answer" is waited for */

static const char *bin;
static char dir[512];
static cs_sim_t sim;
static int port = -1;

static int setup(void **state)
{
    (void)state;
    memset(&sim, 0, sizeof sim);
    port = -1;
    bin = getenv("CASHSIM");
    if (!bin || !bin[0]) {
        fprintf(stderr, "CASHSIM is not set (the path of the cashsim program)\n");
        return -1;
    }
    return tmpdir_make(dir, sizeof dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (port >= 0)
        close(port);
    if (sim.sc.pid > 0)
        sc_stop(&sim.sc);
    tmpdir_remove(dir);
    return 0;
}

static void show_log(void)
{
    char *log = file_read(dir, "cashsim.log");
    fprintf(stderr, "---- cashsim.log ----\n%s\n", log ? log : "(no log)");
    free(log);
}

/* Starts cashsim with extra arguments and opens its link as the kiosk does. */
static void start(const char *const *extra)
{
    if (!cs_start(&sim, bin, dir, extra)) {
        show_log();
        fail_msg("cashsim did not start");
    }
    port = cs_open_port(sim.link);
    assert_true(port >= 0);
}

static const char *control(const char *cmd)
{
    static char reply[1 << 16];
    if (!sc_control(&sim.sc, cmd, reply, sizeof reply)) {
        show_log();
        fail_msg("control '%s' answered '%s'", cmd, reply);
    }
    return reply;
}

static void control_refused(const char *cmd)
{
    char reply[512];
    assert_false(sc_control(&sim.sc, cmd, reply, sizeof reply));
    assert_true(strncmp(reply, "error ", 6) == 0);
}

/* Sends req and checks every byte that comes back against want (both hex;
 * want "" = nothing at all). */
static void expect(const char *req_hex, const char *want_hex)
{
    uint8_t req[CCTALK_MAX_FRAME], want[2 * CCTALK_MAX_FRAME], got[4 * CCTALK_MAX_FRAME];
    char text[4 * sizeof got];
    size_t n = hex_bytes(req_hex, req, sizeof req), w = hex_bytes(want_hex, want, sizeof want);
    cctalk_stream_t st = {0};
    cctalk_frame_t f;
    cctalk_stream_feed(&st, want, w);
    bool framed, answer = cctalk_stream_next(&st, CCTALK_HOST, &f);
    size_t g = cs_exchange(port, req, n, got, sizeof got, answer ? REPLY_MS : SILENCE_MS, &framed);
    cs_hex(got, g, text, sizeof text);
    if (g != w || memcmp(got, want, w) != 0) {
        show_log();
        fail_msg("%s: got '%s', want '%s'", req_hex, text, want_hex);
    }
}

/* A request built with the shared encoder; the answer must be an ACK. */
static cctalk_frame_t ask(uint8_t header, const uint8_t *data, uint8_t len)
{
    cctalk_frame_t f = {.dest = CCTALK_BILL, .src = CCTALK_HOST, .header = header, .len = len}, r;
    uint8_t out[CCTALK_MAX_FRAME], got[4 * CCTALK_MAX_FRAME];
    if (len)
        memcpy(f.data, data, len);
    size_t n = cctalk_encode(&f, out, sizeof out);
    bool framed;
    size_t g = cs_exchange(port, out, n, got, sizeof got, REPLY_MS, &framed);
    cctalk_stream_t st = {0};
    cctalk_stream_feed(&st, got, g);
    if (!cctalk_stream_next(&st, CCTALK_HOST, &r)) {
        show_log();
        fail_msg("no answer to header %u", header);
    }
    assert_int_equal(r.src, CCTALK_BILL);
    assert_int_equal(r.header, CCTALK_ACK);
    return r;
}

static uint8_t route(uint8_t how)
{
    cctalk_frame_t r = ask(154, &how, 1);
    assert_int_equal(r.len, 1);
    return r.data[0];
}

/* The answer to read events (159) must be counter + these pairs (hex). */
static void expect_events(unsigned counter, const char *pairs_hex)
{
    uint8_t want[10];
    char got_text[64], want_text[64];
    assert_int_equal(hex_bytes(pairs_hex, want, sizeof want), 10);
    cctalk_frame_t r = ask(159, NULL, 0);
    assert_int_equal(r.len, 11);
    cs_hex(r.data + 1, 10, got_text, sizeof got_text);
    cs_hex(want, 10, want_text, sizeof want_text);
    if (r.data[0] != counter || memcmp(r.data + 1, want, 10) != 0)
        fail_msg("events: counter %u pairs %s, want counter %u pairs %s", r.data[0], got_text, counter, want_text);
}

/* What the kiosk does at start: inhibits 3..6, accept, the given mode. */
static void host_setup(uint8_t mode)
{
    const uint8_t mask[2] = {0x3C, 0x00}, accept = 1;
    ask(231, mask, 2);
    ask(228, &accept, 1);
    ask(153, &mode, 1);
}

/* The control port's state, parsed (the caller deletes it). */
static cJSON *state_json(void)
{
    const char *reply = control("state");
    cJSON *o = cJSON_Parse(reply + 3);
    assert_non_null(o);
    return o;
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v))
        fail_msg("'%s' is not a number", name);
    return (int64_t)v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v))
        fail_msg("'%s' is not a string", name);
    return v->valuestring;
}

static const cJSON *journal_entry(const cJSON *st, int i)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(st, "journal");
    assert_true(cJSON_IsArray(j));
    const cJSON *e = cJSON_GetArrayItem(j, i);
    assert_non_null(e);
    return e;
}

static int journal_len(const cJSON *st)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, "journal"));
}

/* ---- the profile's examples ---- */

static void doc_identification(void **state)
{
    (void)state;
    start(NULL);
    char target[256] = "";
    assert_string_equal(sim.pty, sim.link); /* the ports file names the link */
    assert_true(readlink(sim.link, target, sizeof target - 1) > 0);
    assert_true(strncmp(target, "/dev/pts/", 9) == 0);
    expect("28 00 01 FE D9", "01 00 28 00 D7");
    expect("28 00 01 F6 E1", "01 03 28 00 4B 49 4F F1");
    expect("28 00 01 F5 E2", "01 0E 28 00 42 69 6C 6C 20 56 61 6C 69 64 61 74 6F 72 80");
    expect("28 00 01 F4 E3", "01 06 28 00 4E 56 2D 53 49 4D 17");
    expect("28 00 01 F2 E5", "01 03 28 00 39 30 00 6B");
    expect("28 01 01 9D 04 35", "01 07 28 00 43 4E 30 30 32 30 41 3C");
    const char *ids[] = {"CN0001A", "CN0005A", "CN0010A", "CN0020A", "CN0050A", "CN0100A"};
    for (uint8_t t = 1; t <= 16; t++) {
        cctalk_frame_t r = ask(157, &t, 1);
        if (t > 6) { /* the profile's "......." for an unused type: seven dots */
            assert_int_equal(r.len, 7);
            assert_memory_equal(r.data, ".......", 7);
            continue;
        }
        assert_int_equal(r.len, 7);
        assert_memory_equal(r.data, ids[t - 1], 7);
    }
}

static void doc_setup_and_route(void **state)
{
    (void)state;
    start(NULL);
    expect("28 00 01 9F 38", "01 0B 28 00 00 00 00 00 00 00 00 00 00 00 00 CC"); /* power-up */
    cctalk_frame_t r = ask(227, NULL, 0);
    assert_int_equal(r.len, 1);
    assert_int_equal(r.data[0], 0); /* starts inhibited */
    expect("28 02 01 E7 3C 00 B2", "01 00 28 00 D7");
    expect("28 01 01 E4 01 F1", "01 00 28 00 D7");
    expect("28 01 01 99 03 3A", "01 00 28 00 D7");
    r = ask(230, NULL, 0);
    assert_int_equal(r.len, 2);
    assert_int_equal(r.data[0], 0x3C);
    assert_int_equal(r.data[1], 0x00);
    assert_int_equal(ask(227, NULL, 0).data[0], 1);
    expect("28 01 01 9A 01 3B", "01 01 28 00 FE D8"); /* stack, escrow empty */
    expect("28 01 01 9A 00 3C", "01 01 28 00 FE D8"); /* return, escrow empty */
    control("insert 4");
    expect("28 01 01 9A 01 3B", "01 01 28 00 00 D6"); /* stack: done */
    control("insert 3");
    expect("28 01 01 9A 00 3C", "01 01 28 00 00 D6"); /* return: done */
    expect("28 00 01 01 D6", "01 00 28 00 D7");       /* reset */
    expect("28 00 01 07 D0", "01 00 28 05 D2");       /* header 7: not known, NAK */
    expect("28 00 01 9F 38", "01 0B 28 00 00 00 00 00 00 00 00 00 00 00 00 CC"); /* reset: counter 0 */
}

static void doc_events_example(void **state)
{
    (void)state;
    assert_true(file_write(dir, "state.json",
                           "{\"counter\":7,\"accepting\":true,\"inhibit_mask\":60,\"mode\":3,\"escrow\":4,"
                           "\"events\":[[4,1],[0,12],[3,0],[0,0],[0,0]]}"));
    start(NULL);
    expect("28 00 01 9F 38", "01 0B 28 00 07 04 01 00 0C 03 00 00 00 00 00 B1");
    expect("28 01 01 9A 01 3B", "01 01 28 00 00 D6");
    expect_events(8, "04 00 04 01 00 0C 03 00 00 00");
}

/* ---- notes ---- */

static void escrow_to_stacked(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    assert_non_null(strstr(control("insert CN0020A"), "escrow type=4 counter=1"));
    expect_events(1, "04 01 00 00 00 00 00 00 00 00");
    control_refused("insert 3"); /* one note at a time */
    cJSON *st = state_json();
    assert_int_equal(num(st, "escrow"), 4);
    assert_int_equal(journal_len(st), 0); /* escrow is not money */
    cJSON_Delete(st);
    assert_int_equal(route(1), 0);
    expect_events(2, "04 00 04 01 00 00 00 00 00 00");
    assert_int_equal(route(1), 254);
    st = state_json();
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(st, "escrow")));
    const cJSON *e = journal_entry(st, 0);
    assert_int_equal(num(e, "note"), 1);
    assert_int_equal(num(e, "type"), 4);
    assert_string_equal(str(e, "bill_id"), "CN0020A");
    assert_int_equal(num(e, "value"), 2000);
    assert_int_equal(num(e, "counter"), 2);
    assert_string_equal(str(e, "outcome"), "stacked");
    const cJSON *cny = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "totals"), "CNY");
    assert_int_equal(num(cny, "notes"), 1);
    assert_int_equal(num(cny, "value"), 2000);
    cJSON_Delete(st);
    /* a second note, extended then stacked: the note numbers run on */
    control("insert 6");
    assert_int_equal(route(255), 0);
    assert_int_equal(route(1), 0);
    expect_events(4, "06 00 06 01 04 00 04 01 00 00");
    st = state_json();
    assert_int_equal(num(journal_entry(st, 1), "note"), 2);
    assert_int_equal(num(journal_entry(st, 1), "value"), 10000);
    assert_int_equal(num(journal_entry(st, 1), "counter"), 4);
    cny = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "totals"), "CNY");
    assert_int_equal(num(cny, "value"), 12000);
    cJSON_Delete(st);
}

static void escrow_returned(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("insert 5");
    assert_int_equal(route(0), 0);
    expect_events(2, "00 01 05 01 00 00 00 00 00 00");
    cJSON *st = state_json();
    assert_int_equal(journal_len(st), 0);
    cJSON_Delete(st);
}

static void no_escrow_stacks_at_once(void **state)
{
    (void)state;
    static const char *const extra[] = {"--notes", "1:CN0010A,3:EU0005A", NULL};
    start(extra);
    const uint8_t mask[2] = {0x05, 0x00}, accept = 1, mode = 1;
    ask(231, mask, 2);
    ask(228, &accept, 1);
    ask(153, &mode, 1);
    cctalk_frame_t r = ask(157, (const uint8_t[]){2}, 1);
    assert_int_equal(r.len, 7);
    assert_memory_equal(r.data, ".......", 7);
    assert_non_null(strstr(control("insert 3"), "stacked type=3 note=1 value=500 counter=1"));
    control("insert CN0010A");
    expect_events(2, "01 00 03 00 00 00 00 00 00 00");
    cJSON *st = state_json();
    assert_string_equal(str(journal_entry(st, 0), "currency"), "EUR");
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(st, "totals");
    assert_int_equal(num(cJSON_GetObjectItemCaseSensitive(totals, "EUR"), "value"), 500);
    assert_int_equal(num(cJSON_GetObjectItemCaseSensitive(totals, "CNY"), "value"), 1000);
    cJSON_Delete(st);
}

static void inhibited_notes(void **state)
{
    (void)state;
    start(NULL);
    assert_non_null(strstr(control("insert 4"), "master-inhibit"));
    expect_events(1, "00 00 00 00 00 00 00 00 00 00");
    host_setup(3);
    assert_non_null(strstr(control("insert 1"), "inhibited type=1")); /* type 1 not in 3..6 */
    assert_non_null(strstr(control("insert 9"), "inhibited type=9")); /* unused type */
    assert_non_null(strstr(control("insert US0020A"), "inhibited type=0")); /* a note it does not know */
    expect_events(4, "00 04 00 04 00 04 00 00 00 00");
    const uint8_t off = 0;
    ask(228, &off, 1);
    control("insert 4");
    expect_events(5, "00 00 00 04 00 04 00 04 00 00");
    cJSON *st = state_json();
    assert_int_equal(journal_len(st), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(st, "escrow")));
    cJSON_Delete(st);
    control_refused("insert 17");
    control_refused("insert cn0020a");
}

static void reject_fails_validation(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("reject");
    assert_non_null(strstr(control("insert 4"), "rejected"));
    expect_events(1, "00 02 00 00 00 00 00 00 00 00");
    assert_int_equal(route(1), 254);
    assert_non_null(strstr(control("insert 4"), "escrow")); /* only the next note */
    expect_events(2, "04 01 00 02 00 00 00 00 00 00");
}

static void jam_and_clear(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("jam");
    control("insert 4");
    assert_int_equal(route(1), 0);
    expect_events(2, "00 07 04 01 00 00 00 00 00 00");
    assert_int_equal(route(1), 254); /* the note left escrow: it is in limbo */
    control_refused("insert 3");
    cJSON *st = state_json();
    assert_int_equal(num(st, "jammed"), 4);
    assert_int_equal(journal_len(st), 0);
    cJSON_Delete(st);
    control("clear-jam stacked");
    expect_events(4, "04 00 00 16 00 07 04 01 00 00");
    st = state_json();
    assert_int_equal(num(journal_entry(st, 0), "counter"), 4);
    assert_int_equal(num(journal_entry(st, 0), "value"), 2000);
    cJSON_Delete(st);
    control_refused("clear-jam stacked"); /* no jam now */
    control("jam");
    control("insert 5");
    assert_int_equal(route(1), 0);
    control("clear-jam returned");
    expect_events(8, "00 01 00 16 00 07 05 01 04 00");
    st = state_json();
    assert_int_equal(journal_len(st), 1);
    cJSON_Delete(st);
}

static void box_removed(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("remove-box");
    control("insert 3");
    expect_events(2, "03 01 00 0B 00 00 00 00 00 00");
    assert_int_equal(route(1), 255);
    cJSON *st = state_json();
    assert_int_equal(num(st, "escrow"), 3);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "box"),
                                                               "present")));
    cJSON_Delete(st);
    control_refused("remove-box");
    control("insert-box");
    assert_int_equal(route(1), 0);
    expect_events(4, "03 00 00 0C 03 01 00 0B 00 00");
    control("box-full");
    control("insert 3");
    assert_int_equal(route(1), 255); /* a full box takes nothing either */
    assert_int_equal(route(0), 0);
    expect_events(7, "00 01 03 01 00 0E 03 00 00 0C");
}

static void power_cycle_resets(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("insert 3");
    assert_int_equal(route(1), 0);
    control("insert 4");
    expect_events(3, "04 01 03 00 03 01 00 00 00 00");
    control("power-cycle");
    expect("28 00 01 9F 38", "01 0B 28 00 00 00 00 00 00 00 00 00 00 00 00 CC");
    assert_int_equal(ask(227, NULL, 0).data[0], 0);
    cctalk_frame_t r = ask(230, NULL, 0);
    assert_int_equal(r.data[0] | r.data[1], 0);
    assert_int_equal(route(1), 254); /* the note went back */
    cJSON *st = state_json();
    assert_int_equal(num(st, "counter"), 0);
    assert_int_equal(num(st, "mode"), 0);
    assert_int_equal(journal_len(st), 2);
    assert_string_equal(str(journal_entry(st, 1), "outcome"), "returned_power_loss");
    assert_int_equal(num(journal_entry(st, 1), "type"), 4);
    const cJSON *cny = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "totals"), "CNY");
    assert_int_equal(num(cny, "value"), 1000); /* only the stacked note counts */
    cJSON_Delete(st);
    host_setup(3);
    control("insert 3");
    expect_events(1, "03 01 00 00 00 00 00 00 00 00");
}

static void lose_events_jump(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("insert 4");
    expect_events(1, "04 01 00 00 00 00 00 00 00 00");
    control("lose-events 7");
    cctalk_frame_t r = ask(159, NULL, 0);
    assert_int_equal(r.data[0], 8); /* 7 new: more than the 5 the buffer shows */
    for (int i = 1; i <= 10; i++)
        assert_int_not_equal(r.data[i], 4); /* the escrow event is gone from the buffer */
    control_refused("lose-events 5");
    control("lose-events 250"); /* 8 + 250 wraps: 255 -> 1, never 0 */
    assert_int_equal(ask(159, NULL, 0).data[0], 3);
    assert_int_equal(route(1), 0); /* the note is still there */
    assert_int_equal(ask(159, NULL, 0).data[0], 4);
}

static void echo_comes_first(void **state)
{
    (void)state;
    static const char *const extra[] = {"--echo", NULL};
    start(extra);
    expect("28 00 01 FE D9", "28 00 01 FE D9 01 00 28 00 D7");
    expect("28 01 01 9D 04 35", "28 01 01 9D 04 35 01 07 28 00 43 4E 30 30 32 30 41 3C");
    expect("28 00 01 07 D0", "28 00 01 07 D0 01 00 28 05 D2");
    expect("77 01", "77 01"); /* noise is echoed too, and not answered */
    control("echo off");
    expect("28 00 01 FE D9", "01 00 28 00 D7");
    control("echo on");
    expect("28 00 01 F2 E5", "28 00 01 F2 E5 01 03 28 00 39 30 00 6B");
    control_refused("echo maybe");
}

static void silent_gets_no_answer(void **state)
{
    (void)state;
    start(NULL);
    control("silent 2");
    expect("28 01 01 E4 01 F1", "");
    expect("28 00 01 FE D9", "");
    expect("28 00 01 FE D9", "01 00 28 00 D7");
    assert_int_equal(ask(227, NULL, 0).data[0], 0); /* the silent request was not carried out */
    control("lose-reply 1");
    expect("28 01 01 E4 01 F1", "");
    assert_int_equal(ask(227, NULL, 0).data[0], 1); /* this one was */
    control("silent 5");
    control("clear");
    expect("28 00 01 FE D9", "01 00 28 00 D7");
    assert_string_equal(control("faults"), "ok reject=0 jam=0 silent=0 lose-reply=0 echo=off");
}

static void escrow_timeout_returns(void **state)
{
    (void)state;
    static const char *const extra[] = {"--escrow-timeout-ms", "500", NULL};
    start(extra);
    host_setup(3);
    control("insert 4");
    usleep(300 * 1000);
    assert_int_equal(route(255), 0); /* extend: the clock starts again */
    usleep(300 * 1000);              /* 600 ms after the insert, 300 after the extension */
    expect_events(1, "04 01 00 00 00 00 00 00 00 00");
    usleep(500 * 1000);
    expect_events(2, "00 01 04 01 00 00 00 00 00 00");
    assert_int_equal(route(1), 254);
}

static void restart_and_reopen(void **state)
{
    (void)state;
    start(NULL);
    host_setup(3);
    control("insert 6");
    assert_int_equal(route(1), 0);
    control("insert 3");
    /* the kiosk closes the port and opens it again */
    close(port);
    usleep(100 * 1000);
    port = cs_open_port(sim.link);
    assert_true(port >= 0);
    expect_events(3, "03 01 06 00 06 01 00 00 00 00");
    /* the simulator restarts: the state file brings everything back */
    close(port);
    port = -1;
    assert_int_equal(sc_stop(&sim.sc), 0);
    struct stat sb;
    assert_int_not_equal(lstat(sim.link, &sb), 0); /* the link went with it */
    start(NULL);
    expect_events(3, "03 01 06 00 06 01 00 00 00 00");
    assert_int_equal(ask(227, NULL, 0).data[0], 1);
    assert_int_equal(route(1), 0);
    cJSON *st = state_json();
    assert_int_equal(journal_len(st), 2);
    assert_int_equal(num(journal_entry(st, 1), "note"), 2);
    assert_int_equal(num(journal_entry(st, 1), "counter"), 4);
    cJSON_Delete(st);
    char *file = file_read(dir, "state.json");
    assert_non_null(file);
    assert_non_null(strstr(file, "\"cashsim-state\""));
    free(file);
}

static void noise_and_broadcast(void **state)
{
    (void)state;
    start(NULL);
    expect("00 00 01 F4 0B", "01 06 28 00 4E 56 2D 53 49 4D 17"); /* broadcast */
    expect("28 00 01 FE D8", "");                                 /* bad checksum */
    expect("02 00 01 FE FF", "");                                 /* for another device */
    expect("00 00 01 F4 0B", "01 06 28 00 4E 56 2D 53 49 4D 17"); /* broadcast again */
    expect("FF 13 28 28", "");                                    /* noise, a frame start cut short */
    expect("28 00 01 FE D9", "01 00 28 00 D7"); /* a whole frame after it proves it noise */
    expect("28 01 01 9D 00 39", "01 00 28 05 D2"); /* bill type 0 */
    expect("28 01 01 9A 07 35", "01 00 28 05 D2"); /* route 7 */
    expect("28 01 01 FE 00 D8", "01 00 28 05 D2"); /* simple poll with data */
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 37 + 11);
    bool framed;
    uint8_t got[1024];
    cs_exchange(port, junk, sizeof junk, got, sizeof got, SILENCE_MS, &framed);
    expect("28 00 01 FE D9", "01 00 28 00 D7");
    assert_true(sc_control(&sim.sc, "state", NULL, 0)); /* still alive */
}

static void bad_arguments(void **state)
{
    (void)state;
    char link[600], file[600];
    snprintf(link, sizeof link, "%s/bv", dir);
    snprintf(file, sizeof file, "%s/plain", dir);
    assert_true(file_write(dir, "plain", "not a symlink\n"));
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--state", file, NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--link", file, NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--link", link, "--notes", "1:CN20A", NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--link", link, "--notes", "17:CN0020A", NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--link", link, "--escrow-timeout-ms", "-1", NULL}), 2);
    assert_true(file_write(dir, "bad.json", "{\"counter\":7,\"colour\":\"red\"}"));
    snprintf(file, sizeof file, "%s/bad.json", dir);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--link", link, "--state", file, NULL}), 2);
    char *err = file_read(dir, "stderr");
    assert_non_null(strstr(err, "colour"));
    free(err);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--help", NULL}), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(doc_identification, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_setup_and_route, setup, teardown),
    cmocka_unit_test_setup_teardown(doc_events_example, setup, teardown),
    cmocka_unit_test_setup_teardown(escrow_to_stacked, setup, teardown),
    cmocka_unit_test_setup_teardown(escrow_returned, setup, teardown),
    cmocka_unit_test_setup_teardown(no_escrow_stacks_at_once, setup, teardown),
    cmocka_unit_test_setup_teardown(inhibited_notes, setup, teardown),
    cmocka_unit_test_setup_teardown(reject_fails_validation, setup, teardown),
    cmocka_unit_test_setup_teardown(jam_and_clear, setup, teardown),
    cmocka_unit_test_setup_teardown(box_removed, setup, teardown),
    cmocka_unit_test_setup_teardown(power_cycle_resets, setup, teardown),
    cmocka_unit_test_setup_teardown(lose_events_jump, setup, teardown),
    cmocka_unit_test_setup_teardown(echo_comes_first, setup, teardown),
    cmocka_unit_test_setup_teardown(silent_gets_no_answer, setup, teardown),
    cmocka_unit_test_setup_teardown(escrow_timeout_returns, setup, teardown),
    cmocka_unit_test_setup_teardown(restart_and_reopen, setup, teardown),
    cmocka_unit_test_setup_teardown(noise_and_broadcast, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
};

KTEST_MAIN(tests)
