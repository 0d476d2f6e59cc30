/* The real printer driver against printsim in its own process, over TCP
 * and over a pty: a receipt with Chinese text and a QR code read back from
 * printsim's text rendering line by line and from its PNG by zbarimg; the
 * paper, cover, offline and error states as the status query reports
 * them; garbage on the line; printers that never answer. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "drivers/printer/escpos.h"
#include "drivers/printer/printer.h"
#include "ktest.h"
#include "printer/printsim_client.h"
#include "support/support.h"
#include "kiosk/site/site_devices.h"

#define QR_DATA "https://r.example.cn/k1/0001"
#define WAIT_MS 5000

typedef struct fixture {
    char dir[512];
    ps_sim_t sim;
} fixture_t;

/* The receipt of docs/protocols/escpos.md, "A whole receipt". */
static void build_receipt(printer_doc_t *d)
{
    kmsg_t msg;
    printer_doc_init(d);
    assert_int_equal(printer_doc_text(d, (printer_style_t){PRINTER_CENTRE, true, 2, 2}, "电费收据", &msg), K_OK);
    assert_int_equal(printer_doc_text(d, (printer_style_t){PRINTER_CENTRE, false, 1, 1}, "Prepaid Meter Kiosk", &msg),
                     K_OK);
    assert_int_equal(printer_doc_text(d, PRINTER_STYLE_NORMAL, "表号 Meter   000012345678", &msg), K_OK);
    assert_int_equal(printer_doc_text(d, PRINTER_STYLE_NORMAL, "金额 Amount  50.00 CNY", &msg), K_OK);
    assert_int_equal(printer_doc_text(d, PRINTER_STYLE_NORMAL, "电量 Energy  83.33 kWh", &msg), K_OK);
    assert_int_equal(printer_doc_text(d, (printer_style_t){PRINTER_RIGHT, false, 1, 1}, "2026-11-21 09:30", &msg),
                     K_OK);
    assert_int_equal(printer_doc_qr(d, PRINTER_CENTRE, QR_DATA, strlen(QR_DATA), 6, PRINTER_QR_M, &msg), K_OK);
    assert_int_equal(printer_doc_text(d, (printer_style_t){PRINTER_CENTRE, false, 1, 1}, "谢谢 Thank you", &msg), K_OK);
    assert_int_equal(printer_doc_feed(d, 3, &msg), K_OK);
    assert_int_equal(printer_doc_cut(d, false, &msg), K_OK);
}

/* What printsim's text file must say, row by row. */
static const char *const receipt_rows[] = {
    "                电费收据",
    "              Prepaid Meter Kiosk",
    "表号 Meter   000012345678",
    "金额 Amount  50.00 CNY",
    "电量 Energy  83.33 kWh",
    "                                2026-11-21 09:30",
    "       [QR https://r.example.cn/k1/0001]",
    "                 谢谢 Thank you",
    "",
    "",
    "",
};

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    const char *bin = getenv("PRINTSIM");
    if (!f || !bin || !tmpdir_make(f->dir, sizeof f->dir) || !ps_start(&f->sim, bin, f->dir, NULL)) {
        fprintf(stderr, "cannot start printsim (PRINTSIM=%s)\n", bin ? bin : "unset");
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(sc_stop(&f->sim.sc), 0); /* printsim ends cleanly: it did not crash */
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void set(kiosk_config_t *cfg, const char *assignment)
{
    kmsg_t msg = {""};
    if (config_set(cfg, assignment, &msg) != K_OK)
        fail_msg("%s", msg.text);
}

/* The driver from a [printer] section: the transport, and its target in
 * printer.address (tcp), printer.device (serial) or printer.path (file). */
static void open_printer(printer_t *p, const char *transport, const char *target, int status_timeout_ms)
{
    const char *key = strcmp(transport, "tcp") == 0 ? "address" : strcmp(transport, "serial") == 0 ? "device" : "path";
    kiosk_config_t cfg;
    char line[700];
    kmsg_t msg = {""};
    config_defaults(&cfg);
    set(&cfg, "printer.protocol=escpos");
    snprintf(line, sizeof line, "printer.transport=%s", transport);
    set(&cfg, line);
    snprintf(line, sizeof line, "printer.%s=%s", key, target);
    set(&cfg, line);
    snprintf(line, sizeof line, "printer.status_timeout_ms=%d", status_timeout_ms);
    set(&cfg, line);
    set(&cfg, "printer.baud=115200");
    if (site_printer_open(&cfg, p, &msg) != K_OK)
        fail_msg("printer_open: %s", msg.text);
}

static void open_tcp(printer_t *p, int port)
{
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    open_printer(p, "tcp", addr, 2000);
}

static void open_pty(printer_t *p, const char *link)
{
    open_printer(p, "serial", link, 2000);
}

static void status_of(printer_t *p, printer_status_t *st)
{
    kmsg_t msg = {""};
    printer_err_t e = p->ops->status(p->ctx, st, &msg);
    if (e != PRINTER_OK)
        fail_msg("status: %s: %s", printer_err_name(e), msg.text);
}

static void print_receipt(printer_t *p)
{
    printer_doc_t d;
    kmsg_t msg = {""};
    build_receipt(&d);
    printer_err_t e = p->ops->print(p->ctx, &d, &msg);
    printer_doc_free(&d);
    if (e != PRINTER_OK)
        fail_msg("print: %s: %s", printer_err_name(e), msg.text);
}

/* Receipt n is the whole receipt: text row by row, QR code through zbarimg. */
static void check_receipt(const fixture_t *f, unsigned n)
{
    char txt[700], png[700];
    assert_true(ps_wait_receipt(&f->sim, n, txt, sizeof txt, WAIT_MS));
    char *text = ps_read(txt), *row = text;
    assert_non_null(text);
    size_t rows = sizeof receipt_rows / sizeof receipt_rows[0], i = 0;
    for (char *nl; (nl = strchr(row, '\n')); row = nl + 1, i++) {
        *nl = '\0';
        if (i >= rows)
            fail_msg("row %zu is extra: '%s'", i + 1, row);
        if (strcmp(row, receipt_rows[i]) != 0)
            fail_msg("row %zu: '%s', expected '%s'", i + 1, row, receipt_rows[i]);
    }
    assert_int_equal(i, rows);
    free(text);
    snprintf(png, sizeof png, "%.*s.png", (int)(strlen(txt) - 4), txt);
    char *qr = ps_zbar(png);
    if (!qr)
        fail_msg("zbarimg found no QR code in %s", png);
    assert_string_equal(qr, QR_DATA);
    free(qr);
}

static void receipt_over_tcp(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    open_tcp(&p, f->sim.printer);
    status_of(&p, &st);
    assert_true(printer_status_ready(&st));
    assert_int_equal(st.paper, PRINTER_PAPER_OK);
    assert_memory_equal(st.raw, ((const uint8_t[]){0x12, 0x12, 0x12, 0x12}), 4);
    print_receipt(&p);
    check_receipt(f, 1);
    printer_close(&p);
}

static void receipt_over_pty(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    open_pty(&p, f->sim.link);
    status_of(&p, &st);
    assert_true(printer_status_ready(&st));
    print_receipt(&p);
    check_receipt(f, 1);
    print_receipt(&p);
    check_receipt(f, 2);
    printer_close(&p);
}

static void control(const fixture_t *f, const char *cmd)
{
    char reply[512];
    if (!sc_control(&f->sim.sc, cmd, reply, sizeof reply))
        fail_msg("%s: %s", cmd, reply);
}

/* printsim told cmd, then the driver opened over TCP or the pty and its
 * status read. */
static void status_after(const fixture_t *f, const char *cmd, bool tcp, printer_t *p, printer_status_t *st)
{
    control(f, cmd);
    if (tcp)
        open_tcp(p, f->sim.printer);
    else
        open_pty(p, f->sim.link);
    status_of(p, st);
}

static void paper_near_end(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    status_after(f, "paper near-end", true, &p, &st);
    assert_int_equal(st.paper, PRINTER_PAPER_NEAR_END);
    assert_true(st.online);
    assert_true(printer_status_ready(&st)); /* near its end, it still prints */
    print_receipt(&p);
    check_receipt(f, 1);
    printer_close(&p);
}

/* Paper out: the status says so, and a receipt sent anyway is not printed. */
static void paper_out(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    char reply[512];
    status_after(f, "paper out", true, &p, &st);
    assert_int_equal(st.paper, PRINTER_PAPER_OUT);
    assert_false(st.online);
    assert_false(printer_status_ready(&st));
    assert_memory_equal(st.raw, ((const uint8_t[]){0x1A, 0x32, 0x12, 0x7E}), 4);
    print_receipt(&p); /* the bytes leave the kiosk: the driver cannot know */
    assert_true(ps_wait_state(&f->sim, "discarded", 1, WAIT_MS));
    assert_int_equal(ps_state_int(&f->sim, "receipts"), 0);
    assert_false(sc_control(&f->sim.sc, "last", reply, sizeof reply));
    control(f, "paper ok");
    status_of(&p, &st);
    assert_true(printer_status_ready(&st));
    print_receipt(&p);
    check_receipt(f, 1);
    printer_close(&p);
}

static void cover_open(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    status_after(f, "cover open", false, &p, &st);
    assert_true(st.cover_open);
    assert_false(st.online);
    assert_int_equal(st.paper, PRINTER_PAPER_OK);
    assert_false(printer_status_ready(&st));
    control(f, "cover closed");
    status_of(&p, &st);
    assert_false(st.cover_open);
    assert_true(printer_status_ready(&st));
    printer_close(&p);
}

static void offline(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    status_after(f, "offline on", true, &p, &st);
    assert_false(st.online);
    assert_false(st.cover_open || st.error);
    assert_int_equal(st.paper, PRINTER_PAPER_OK);
    assert_false(printer_status_ready(&st));
    control(f, "offline off");
    status_of(&p, &st);
    assert_true(st.online);
    printer_close(&p);
}

static void cutter_error(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    status_after(f, "error cutter", false, &p, &st);
    assert_true(st.error && st.cutter_error);
    assert_false(st.unrecoverable);
    assert_false(printer_status_ready(&st));
    printer_close(&p);
}

/* Random bytes (a fixed seed) and commands made to hurt: lengths that
 * swallow everything, truncated commands, bad GB18030, bad status numbers. */
static size_t garbage(uint8_t *buf, size_t cap)
{
    static const uint8_t nasty[] = {
        0x1C, 0x26, 0xFF, 0xFE, 0x81, 0x30, 0x1C, 0x2E, 0x0A, /* bad GB18030 in Chinese mode */
        0x10, 0x04, 0x09, 0x10, 0x04, 0x00, 0x1B, 0x99, 0x7F, /* bad status numbers, unknown ESC, DEL */
        0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0xFF,       /* QR module 255 */
        0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,       /* print a QR code never stored */
        0x1D, 0x21, 0x77, 'W', 'I', 'D', 'E', 0x0A,           /* 8 x 8 characters */
        0x1D, 0x28, 0x6B, 0xFF, 0xFF, 0x31, 0x50, 0x30,       /* a QR code too long for a printer */
    };
    uint32_t x = 2463534242u;
    size_t n = 0;
    for (; n < cap - sizeof nasty; n++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[n] = (uint8_t)x;
    }
    memcpy(buf + n, nasty, sizeof nasty);
    return n + sizeof nasty;
}

/* After garbage printsim still answers the driver and prints a clean receipt. */
static void still_prints(fixture_t *f, printer_t *p)
{
    printer_status_t st;
    assert_int_equal(kill(f->sim.sc.pid, 0), 0);
    assert_true(ps_state_int(&f->sim, "unknown_bytes") > 0);
    status_of(p, &st);
    assert_true(printer_status_ready(&st));
    int64_t before = ps_state_int(&f->sim, "receipts");
    print_receipt(p);
    check_receipt(f, (unsigned)before + 1);
}

static void send_tcp(int port, const uint8_t *p, size_t n)
{
    int fd = sc_connect(port);
    assert_true(fd >= 0);
    for (size_t off = 0; off < n;) {
        ssize_t w = send(fd, p + off, n - off, MSG_NOSIGNAL);
        assert_true(w > 0);
        off += (size_t)w;
    }
    close(fd);
}

static void garbage_over_tcp(void **state)
{
    fixture_t *f = *state;
    static uint8_t junk[48 * 1024];
    size_t n = garbage(junk, sizeof junk);
    send_tcp(f->sim.printer, junk, n);                      /* its own connection, cut off mid-command */
    send_tcp(f->sim.printer, (const uint8_t *)"\n\x1d\x56\x00", 4); /* a cut ends whatever it printed */
    assert_true(ps_wait_state(&f->sim, "tcp_bytes", (int64_t)n + 4, WAIT_MS));
    printer_t p;
    open_tcp(&p, f->sim.printer);
    still_prints(f, &p);
    printer_close(&p);
}

static int open_raw(const char *path)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    if (fd >= 0 && tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}

static void garbage_over_pty(void **state)
{
    fixture_t *f = *state;
    static uint8_t junk[48 * 1024];
    size_t n = garbage(junk, sizeof junk);
    int fd = open_raw(f->sim.link);
    assert_true(fd >= 0);
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, junk + off, n - off > 1024 ? 1024 : n - off);
        assert_true(w > 0 || errno == EAGAIN);
        off += w > 0 ? (size_t)w : 0;
    }
    assert_true(ps_wait_state(&f->sim, "pty_bytes", (int64_t)n, WAIT_MS));
    close(fd); /* the host goes away mid-command: printsim forgets it */
    assert_true(ps_wait_state(&f->sim, "pty_hung", 1, WAIT_MS));
    fd = open_raw(f->sim.link);
    assert_true(fd >= 0 && write(fd, "\n\x1d\x56\x00", 4) == 4);
    assert_true(ps_wait_state(&f->sim, "pty_bytes", (int64_t)n + 4, WAIT_MS));
    close(fd);
    printer_t p;
    open_pty(&p, f->sim.link);
    still_prints(f, &p);
    printer_close(&p);
}

/* The status query against a printer that never answers: no answer, in time. */
static void expect_no_answer(printer_t *p, int timeout_ms)
{
    printer_status_t st;
    kmsg_t msg = {""};
    int64_t t0 = sc_now_ms();
    assert_int_equal(p->ops->status(p->ctx, &st, &msg), PRINTER_NO_ANSWER);
    int64_t took = sc_now_ms() - t0;
    assert_true(took >= timeout_ms - 10);
    assert_true(took < timeout_ms + 1500);
    assert_non_null(strstr(msg.text, "did not answer status query DLE EOT 1"));
}

/* A TCP socket bound to a free port of 127.0.0.1, listening if listens;
 * addr gets "127.0.0.1:PORT". */
static int loopback_socket(bool listens, char addr[32])
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (listens)
        assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(addr, 32, "127.0.0.1:%d", ntohs(a.sin_port));
    return fd;
}

static void silent_tcp_printer(void **state)
{
    (void)state;
    char addr[32];
    int lfd = loopback_socket(true, addr); /* connections complete, nobody reads or answers */
    printer_t p;
    open_printer(&p, "tcp", addr, 300);
    expect_no_answer(&p, 300);
    printer_close(&p);
    close(lfd);
}

static void silent_pty_printer(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    printer_t p;
    open_printer(&p, "serial", ptsname(master), 300); /* nobody at the other end reads or answers */
    expect_no_answer(&p, 300);
    printer_close(&p);
    close(master);
}

/* A printer whose port is closed: the link error names it, at once. */
static void unreachable_printer(void **state)
{
    (void)state;
    char addr[32];
    close(loopback_socket(false, addr)); /* the port is free again: nothing listens on it */
    printer_t p;
    printer_status_t st;
    kmsg_t msg = {""};
    open_printer(&p, "tcp", addr, 300);
    assert_int_equal(p.ops->status(p.ctx, &st, &msg), PRINTER_IO);
    assert_non_null(strstr(msg.text, addr));
    printer_close(&p);
}

/* printsim drops the kiosk's link for a new one; the driver connects again. */
static void reconnects(void **state)
{
    fixture_t *f = *state;
    printer_t p;
    printer_status_t st;
    open_tcp(&p, f->sim.printer);
    status_of(&p, &st);
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    assert_true(ps_wait_state(&f->sim, "connections", 2, WAIT_MS));
    close(fd);
    status_of(&p, &st);
    assert_true(printer_status_ready(&st));
    assert_int_equal(ps_state_int(&f->sim, "connections"), 3);
    printer_close(&p);
}

/* A file printer gets exactly the encoder's bytes, appended; always ready. */
static void file_printer(void **state)
{
    fixture_t *f = *state;
    char path[600];
    snprintf(path, sizeof path, "%s/receipts.escpos", f->dir);
    printer_t p;
    printer_status_t st;
    printer_doc_t d;
    kmsg_t msg = {""};
    open_printer(&p, "file", path, 1000);
    status_of(&p, &st);
    assert_true(printer_status_ready(&st));
    print_receipt(&p);
    print_receipt(&p);
    build_receipt(&d);
    uint8_t *want = NULL;
    size_t n = 0;
    assert_int_equal(escpos_encode(&d, &want, &n, &msg), K_OK);
    printer_doc_free(&d);
    char *got = ps_read(path);
    assert_non_null(got);
    assert_memory_equal(got, want, n);
    assert_memory_equal(got + n, want, n);
    free(got);
    free(want);
    printer_close(&p);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(receipt_over_tcp, setup, teardown),
    cmocka_unit_test_setup_teardown(receipt_over_pty, setup, teardown),
    cmocka_unit_test_setup_teardown(paper_near_end, setup, teardown),
    cmocka_unit_test_setup_teardown(paper_out, setup, teardown),
    cmocka_unit_test_setup_teardown(cover_open, setup, teardown),
    cmocka_unit_test_setup_teardown(offline, setup, teardown),
    cmocka_unit_test_setup_teardown(cutter_error, setup, teardown),
    cmocka_unit_test_setup_teardown(garbage_over_tcp, setup, teardown),
    cmocka_unit_test_setup_teardown(garbage_over_pty, setup, teardown),
    cmocka_unit_test_setup_teardown(reconnects, setup, teardown),
    cmocka_unit_test_setup_teardown(file_printer, setup, teardown),
    cmocka_unit_test(silent_tcp_printer),
    cmocka_unit_test(silent_pty_printer),
    cmocka_unit_test(unreachable_printer),
};

KTEST_MAIN(tests)
