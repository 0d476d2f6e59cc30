/* printsim on its own, over its real ports with raw bytes: the status
 * answers of docs/protocols/escpos.md for every state, the page's whole
 * receipt rendered as the page shows it, wrapping and styles within a
 * line, a receipt lost to an empty roll, the control port, both links at
 * once, the command line. */
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "gateway/hex.h"
#include "ktest.h"
#include "printer/printsim_client.h"
#include "support/support.h"

#define WAIT_MS 5000

typedef struct fixture {
    char dir[512];
    ps_sim_t sim;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    const char *bin = getenv("PRINTSIM");
    if (!f || !bin || !tmpdir_make(f->dir, sizeof f->dir) || !ps_start(&f->sim, bin, f->dir, NULL)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(sc_stop(&f->sim.sc), 0);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void control(const fixture_t *f, const char *cmd, char *reply, size_t len)
{
    if (!sc_control(&f->sim.sc, cmd, reply, len))
        fail_msg("%s: %s", cmd, reply);
}

static void send_all(int fd, const uint8_t *p, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = send(fd, p + off, n - off, MSG_NOSIGNAL);
        assert_true(w > 0);
        off += (size_t)w;
    }
}

/* Sends DLE EOT 1..4 one by one and writes the answers as "12 12 12 12". */
static void ask_status(int fd, char *out)
{
    uint8_t answers[4];
    for (int n = 1; n <= 4; n++) {
        send_all(fd, (const uint8_t[]){0x10, 0x04, (uint8_t)n}, 3);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, 2000), 1);
        assert_int_equal(recv(fd, &answers[n - 1], 1, 0), 1);
    }
    snprintf(out, 12, "%02X %02X %02X %02X", answers[0], answers[1], answers[2], answers[3]);
}

/* The table "Answers to n = 1, 2, 3, 4, as printsim gives them". */
static void status_answers(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *commands, *hex;
    } rows[] = {
        {"", "12 12 12 12"},
        {"paper near-end", "12 12 12 1E"},
        {"paper out", "1A 32 12 7E"},
        {"paper ok;cover open", "1A 16 12 12"},
        {"cover closed;offline on", "1A 12 12 12"},
        {"offline off;error cutter", "1A 52 1A 12"},
        {"error none", "12 12 12 12"},
    };
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char cmds[64], reply[512], got[12];
        snprintf(cmds, sizeof cmds, "%s", rows[i].commands);
        for (char *save = NULL, *c = strtok_r(cmds, ";", &save); c; c = strtok_r(NULL, ";", &save))
            control(f, c, reply, sizeof reply);
        ask_status(fd, got);
        assert_string_equal(got, rows[i].hex);
    }
    close(fd);
    assert_int_equal(ps_state_int(&f->sim, "status_queries"), 28);
}

/* A block of the page: the lines between the ``` after `after` and the next ```. */
static char *doc_block(const char *after)
{
    char *doc = ps_read(getenv("ESCPOS_DOC"));
    assert_non_null(doc);
    char *p = strstr(doc, after);
    assert_non_null(p);
    char *start = strstr(p, "```\n");
    assert_non_null(start);
    start += 4;
    char *end = strstr(start, "```");
    assert_non_null(end);
    char *block = strndup(start, (size_t)(end - start));
    free(doc);
    return block;
}

/* The hex bytes a line starts with, up to its first word that is not
 * one ("1B 40   initialise" gives 1B 40). */
static size_t line_hex(char *line, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (char *save = NULL, *w = strtok_r(line, " ", &save); w && n < cap; w = strtok_r(NULL, " ", &save)) {
        if (strlen(w) != 2 || !isxdigit((unsigned char)w[0]) || !isxdigit((unsigned char)w[1]))
            break;
        out[n++] = (uint8_t)strtoul(w, NULL, 16);
    }
    return n;
}

/* The page's whole receipt, sent as its hex says, is rendered as its text says. */
static void renders_the_doc_receipt(void **state)
{
    fixture_t *f = *state;
    char *hex = doc_block("item by item:"), *want = doc_block("renders it as this text");
    uint8_t bytes[1024];
    size_t n = 0;
    for (char *save = NULL, *line = strtok_r(hex, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        n += line_hex(line, bytes + n, sizeof bytes - n);
    free(hex);
    assert_int_equal(n, 254);
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    send_all(fd, bytes, n);
    char txt[700];
    assert_true(ps_wait_receipt(&f->sim, 1, txt, sizeof txt, WAIT_MS));
    char *got = ps_read(txt);
    assert_string_equal(got, want);
    free(got);
    free(want);
    close(fd);
}

/* Sends bytes on a fresh connection and returns receipt n's text. */
static char *print_raw(const fixture_t *f, const char *hex, unsigned n)
{
    uint8_t bytes[2048];
    size_t len = hex_bytes(hex, bytes, sizeof bytes);
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    send_all(fd, bytes, len);
    char txt[700];
    assert_true(ps_wait_receipt(&f->sim, n, txt, sizeof txt, WAIT_MS));
    close(fd);
    return ps_read(txt);
}

/* A line too long for 48 columns goes on in the next row; bold and size
 * may change within a line; ESC a counts at the start of a line. */
static void wraps_and_styles(void **state)
{
    fixture_t *f = *state;
    char *got = print_raw(f,
                          "1B 40 41 42 43 1B 45 01 44 45 46 1B 45 00 0A " /* ABC, DEF bold */
                          "1B 61 01 1D 21 10 57 49 44 45 1D 21 00 0A "    /* WIDE double width, centred */
                          /* 50 digits, still centred: 48, then 2 in the next row */
                          "31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 "
                          "36 37 38 39 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 38 39 30 0A "
                          "1B 61 02 1C 26 B5 E7 1B 61 00 B7 D1 1C 2E 0A " /* 电费 right: the later ESC a is too late */
                          "1D 56 00",
                          1);
    char want[512];
    snprintf(want, sizeof want, "ABCDEF\n%*sWIDE\n%s\n%*s90\n%*s电费\n", 20, "",
             "123456789012345678901234567890123456789012345678", 23, "", 44, "");
    assert_string_equal(got, want);
    free(got);
}

static void send_raw(const fixture_t *f, int fd, const char *hex)
{
    uint8_t bytes[256];
    int64_t before = ps_state_int(&f->sim, "tcp_bytes");
    size_t n = hex_bytes(hex, bytes, sizeof bytes);
    send_all(fd, bytes, n);
    assert_true(ps_wait_state(&f->sim, "tcp_bytes", before + (int64_t)n, WAIT_MS));
}

/* Data while the paper is out, even half a receipt, loses the receipt. */
static void lost_to_an_empty_roll(void **state)
{
    fixture_t *f = *state;
    char reply[4096], path[700];
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    control(f, "paper out", reply, sizeof reply);
    send_raw(f, fd, "1B 40 48 49 0A 1D 56 00");
    assert_int_equal(ps_state_int(&f->sim, "discarded"), 1);
    control(f, "paper ok", reply, sizeof reply);
    send_raw(f, fd, "1B 40 41 0A");
    control(f, "paper out", reply, sizeof reply);
    send_raw(f, fd, "42 0A");
    assert_int_equal(ps_state_int(&f->sim, "receipt_spoiled"), 1);
    control(f, "paper ok", reply, sizeof reply);
    send_raw(f, fd, "1D 56 00");
    assert_int_equal(ps_state_int(&f->sim, "discarded"), 2);
    assert_int_equal(ps_state_int(&f->sim, "receipts"), 0);
    assert_false(sc_control(&f->sim.sc, "last", reply, sizeof reply));
    assert_string_equal(reply, "error no receipt yet");
    snprintf(path, sizeof path, "%s/receipt-0001.txt", f->sim.out);
    assert_int_equal(access(path, F_OK), -1);
    send_raw(f, fd, "1B 40 48 49 0A 1D 56 00");
    char *got = print_raw(f, "", 1);
    assert_string_equal(got, "HI\n");
    free(got);
    control(f, "last", reply, sizeof reply);
    assert_non_null(strstr(reply, "/receipt-0001.txt "));
    assert_non_null(strstr(reply, "/receipt-0001.png"));
    close(fd);
}

static void control_port(void **state)
{
    fixture_t *f = *state;
    char reply[4096];
    control(f, "help", reply, sizeof reply);
    assert_non_null(strstr(reply, "paper ok|near-end|out"));
    assert_non_null(strstr(reply, "cover open|closed"));
    assert_non_null(strstr(reply, "offline on|off"));
    assert_non_null(strstr(reply, "state"));
    assert_non_null(strstr(reply, "last"));
    assert_false(sc_control(&f->sim.sc, "paper sideways", reply, sizeof reply));
    assert_string_equal(reply, "error usage: paper ok|near-end|out");
    assert_false(sc_control(&f->sim.sc, "cover", reply, sizeof reply));
    assert_string_equal(reply, "error usage: cover open|closed");
    assert_false(sc_control(&f->sim.sc, "feed 3", reply, sizeof reply));
    assert_string_equal(reply, "error unknown command 'feed' (try help)");
    assert_false(sc_control(&f->sim.sc, "", reply, sizeof reply));
    control(f, "offline on", reply, sizeof reply);
    assert_string_equal(reply, "ok status=1A 12 12 12");
    control(f, "state", reply, sizeof reply);
    assert_non_null(strstr(reply, "\"paper\":\"ok\""));
    assert_non_null(strstr(reply, "\"offline\":true"));
    assert_non_null(strstr(reply, "\"status\":\"1A 12 12 12\""));
    assert_non_null(strstr(reply, "\"printable\":false"));
    assert_non_null(strstr(reply, "\"last\":null"));
}

/* Each link has its own parser: a command half-sent over TCP does not
 * stop the pty's status query, and the answer goes back the pty. */
static void both_links(void **state)
{
    fixture_t *f = *state;
    int fd = sc_connect(f->sim.printer);
    assert_true(fd >= 0);
    send_raw(f, fd, "1D 28 6B FF 00 31 50 30 41 42"); /* 250 more bytes to come */
    int pty = open(f->sim.link, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(pty >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(pty, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(pty, TCSANOW, &t), 0);
    assert_int_equal(write(pty, "\x10\x04\x04", 3), 3);
    struct pollfd p = {.fd = pty, .events = POLLIN};
    uint8_t b = 0;
    assert_int_equal(poll(&p, 1, 2000), 1);
    assert_int_equal(read(pty, &b, 1), 1);
    assert_int_equal(b, 0x12);
    p.fd = fd;
    assert_int_equal(poll(&p, 1, 100), 0); /* nothing came back on TCP */
    close(pty);
    close(fd);
}

/* Data that is not text is labelled in hex; the QR code is in the PNG. */
static void binary_qr(void **state)
{
    fixture_t *f = *state;
    char *got = print_raw(f, "1B 40 1D 28 6B 03 00 31 43 08 1D 28 6B 03 00 31 45 33 "
                             "1D 28 6B 06 00 31 50 30 00 01 FF 1D 28 6B 03 00 31 51 30 1D 56 01", 1);
    assert_string_equal(got, "[QR hex:0001FF]\n");
    free(got);
    got = print_raw(f, "1B 40 1B 61 02 1D 28 6B 0A 00 31 50 30 4B 31 2D 30 30 30 31 "
                       "1D 28 6B 03 00 31 51 30 1D 56 00", 2);
    char want[64];
    snprintf(want, sizeof want, "%*s[QR K1-0001]\n", 48 - 12, ""); /* right: 12 characters end at column 48 */
    assert_string_equal(got, want);
    free(got);
    char png[700];
    snprintf(png, sizeof png, "%s/receipt-0002.png", f->sim.out);
    char *qr = ps_zbar(png);
    assert_non_null(qr);
    assert_string_equal(qr, "K1-0001");
    free(qr);
}

static void command_line(void **state)
{
    (void)state;
    const char *bin = getenv("PRINTSIM");
    char dir[512], out[600], file[600];
    assert_true(tmpdir_make(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(file, sizeof file, "%s/plain", dir);
    assert_true(file_write(dir, "plain", "not a symlink"));
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--help", NULL}), 0);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--tcp", "0", NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--out", out, NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--out", out, "--tcp", "x", NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--out", out, "--tcp", "0", "stray", NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--out", out, "--link", file, NULL}), 2);
    assert_int_equal(sc_run(bin, dir, (const char *const[]){"--out", out, "--tcp", "0", "--font", file, NULL}), 2);
    char *err = file_read(dir, "stderr");
    assert_non_null(err);
    assert_non_null(strstr(err, "fonts-noto-cjk"));
    free(err);
    tmpdir_remove(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(status_answers, setup, teardown),
    cmocka_unit_test_setup_teardown(renders_the_doc_receipt, setup, teardown),
    cmocka_unit_test_setup_teardown(wraps_and_styles, setup, teardown),
    cmocka_unit_test_setup_teardown(lost_to_an_empty_roll, setup, teardown),
    cmocka_unit_test_setup_teardown(control_port, setup, teardown),
    cmocka_unit_test_setup_teardown(both_links, setup, teardown),
    cmocka_unit_test_setup_teardown(binary_qr, setup, teardown),
    cmocka_unit_test(command_line),
};

KTEST_MAIN(tests)
