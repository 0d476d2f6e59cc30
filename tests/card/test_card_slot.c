/* The PC/SC card slot on the real stack: pcscd with the virtual reader of
 * vsmartcard-vpcd, through libpcsclite. A small card of the test's own
 * (a process speaking vpcd's protocol on the reader's port) stands in the
 * slot: it answers the ATR and echoes each APDU's bytes back with 90 00.
 * The pcscd fixture (tests/card/pcscd.sh) makes sure the service runs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

#include "drivers/card/card_slot.h"

#define READER "Virtual PCD 00 00"
#define VPCD_PORT 35963

static const uint8_t atr[] = {0x3B, 0x88, 0x80, 0x01, 0x4B, 0x50, 0x52, 0x45, 0x50, 0x41, 0x59, 0x31, 0x7C};

static bool read_all(int fd, uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

static void send_framed(int fd, const uint8_t *p, size_t n)
{
    uint8_t head[2] = {(uint8_t)(n >> 8), (uint8_t)n};
    if (write(fd, head, 2) != 2 || write(fd, p, n) != (ssize_t)n)
        _exit(3);
}

/* The card: connects to vpcd and serves until vpcd hangs up or it is killed. */
static void echo_card(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(VPCD_PORT)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) { /* vpcd listens again only a moment after a card left */
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            close(fd);
            fd = -1;
            usleep(50000);
        }
    }
    if (fd < 0)
        _exit(2);
    uint8_t head[2], buf[300];
    while (read_all(fd, head, 2)) {
        size_t n = (size_t)head[0] << 8 | head[1];
        if (n > sizeof buf - 2 || !read_all(fd, buf, n))
            _exit(4);
        if (n == 1 && buf[0] == 0x04)
            send_framed(fd, atr, sizeof atr);
        else if (n > 1) {
            buf[n] = 0x90;
            buf[n + 1] = 0x00;
            send_framed(fd, buf, n + 2);
        }
    }
    _exit(0);
}

static pid_t insert_card(void)
{
    pid_t pid = fork();
    if (pid == 0)
        echo_card();
    return pid;
}

static void remove_card(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* wait() must give want; msg says why if not. */
static void wait_for(card_slot_t *s, bool present, card_err_t want)
{
    kmsg_t msg = {""};
    card_err_t got = s->ops->wait(s->ctx, present, 5000, &msg);
    if (got != want)
        fail_msg("waiting for the card to be %s: %d (%s)", present ? "in" : "out", (int)got, msg.text);
}

static void no_such_reader(void **state)
{
    (void)state;
    card_slot_t s;
    kmsg_t msg = {""};
    assert_int_equal(card_pcsc_open("No Such Reader", &s, &msg), K_OK);
    assert_int_equal(s.ops->wait(s.ctx, true, 100, &msg), CARD_NO_READER);
    assert_non_null(strstr(msg.text, "card.reader"));
    card_slot_close(&s);
}

static void empty_slot_times_out(void **state)
{
    (void)state;
    card_slot_t s;
    kmsg_t msg = {""};
    assert_int_equal(card_pcsc_open(READER, &s, &msg), K_OK);
    assert_int_equal(s.ops->wait(s.ctx, false, 2000, &msg), CARD_OK);
    assert_int_equal(s.ops->wait(s.ctx, true, 300, &msg), CARD_TIMEOUT);
    uint8_t a[CARD_ATR_MAX];
    size_t n;
    assert_int_equal(s.ops->connect(s.ctx, a, &n, &msg), CARD_ABSENT);
    card_slot_close(&s);
}

static void insert_exchange_remove(void **state)
{
    (void)state;
    card_slot_t s;
    kmsg_t msg = {""};
    assert_int_equal(card_pcsc_open(READER, &s, &msg), K_OK);
    wait_for(&s, false, CARD_OK); /* the last card is gone */
    pid_t card = insert_card();
    wait_for(&s, true, CARD_OK);
    uint8_t a[CARD_ATR_MAX], resp[CARD_RESP_MAX];
    size_t n, rn;
    assert_int_equal(s.ops->connect(s.ctx, a, &n, &msg), CARD_OK);
    assert_int_equal(n, sizeof atr);
    assert_memory_equal(a, atr, sizeof atr);
    const uint8_t apdu[] = {0x00, 0xB0, 0x81, 0x00, 0x20};
    assert_int_equal(s.ops->transmit(s.ctx, apdu, sizeof apdu, resp, &rn, &msg), CARD_OK);
    assert_int_equal(rn, sizeof apdu + 2);
    assert_memory_equal(resp, apdu, sizeof apdu);
    assert_int_equal(resp[rn - 2], 0x90);
    remove_card(card); /* pulled out */
    assert_int_equal(s.ops->transmit(s.ctx, apdu, sizeof apdu, resp, &rn, &msg), CARD_ABSENT);
    wait_for(&s, false, CARD_OK);
    card_slot_close(&s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(no_such_reader),
    cmocka_unit_test(empty_slot_times_out),
    cmocka_unit_test(insert_exchange_remove),
};

KTEST_MAIN(tests)
