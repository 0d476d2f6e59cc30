/* ledger_daily_use: the energy a meter used each day, from the readings
 * the kiosk stored, for the account's 30-day chart. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ktest.h"

#include "ledger/ledger.h"

#define DAY INT64_C(86400000)
#define NOW (INT64_C(20000) * DAY + 15 * 3600000) /* 15:00 on day 20000 */
#define METER "000000000001"

static ledger_t *open_ledger(char path[64])
{
    snprintf(path, 64, "/tmp/kiosk-history-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    ledger_t *l;
    kmsg_t msg;
    assert_int_equal(ledger_open(path, LEDGER_CREATE, NULL, &l, &msg), K_OK);
    return l;
}

static void reading(ledger_t *l, const char *meter, int64_t at, int64_t energy)
{
    ledger_reading_t r = {.at = at, .energy = energy};
    snprintf(r.meter, sizeof r.meter, "%s", meter);
    kmsg_t msg;
    assert_int_equal(ledger_record_reading(l, &r, NULL, 0, &msg), K_OK);
}

static void close_ledger(ledger_t *l, const char *path)
{
    ledger_close(l);
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Rises between successive readings count on the later reading's day; the
 * reading before the window is the base of its first day. */
static void rises_by_day(void **state)
{
    (void)state;
    char path[64];
    ledger_t *l = open_ledger(path);
    reading(l, METER, NOW - 40 * DAY, 1000);     /* long before: only a base */
    reading(l, METER, NOW - 31 * DAY, 50000);    /* the base of the window */
    reading(l, METER, NOW - 29 * DAY, 57000);    /* day 0 of the window: 7000 */
    reading(l, METER, NOW - 2 * DAY, 60000);     /* day 27: 3000 */
    reading(l, METER, NOW - 2 * DAY + 60000, 60500); /* day 27 again: 500 */
    reading(l, METER, NOW - 3600000, 64000);     /* today: 3500 */
    reading(l, "000000000002", NOW - DAY, 99999); /* another meter */
    int64_t days[30];
    int n;
    kmsg_t msg;
    assert_int_equal(ledger_daily_use(l, METER, NOW, 30, days, &n, &msg), K_OK);
    assert_int_equal(n, 5);
    assert_int_equal(days[0], 7000);
    assert_int_equal(days[27], 3500);
    assert_int_equal(days[29], 3500);
    assert_int_equal(days[1] + days[10] + days[28], 0);
    close_ledger(l, path);
}

/* Fewer than two readings give nothing; a register that went down (a new
 * meter) counts nothing that day. */
static void too_few_and_going_down(void **state)
{
    (void)state;
    char path[64];
    ledger_t *l = open_ledger(path);
    int64_t days[30];
    int n;
    kmsg_t msg;
    assert_int_equal(ledger_daily_use(l, METER, NOW, 30, days, &n, &msg), K_OK);
    assert_int_equal(n, 0);
    reading(l, METER, NOW - DAY, 5000);
    assert_int_equal(ledger_daily_use(l, METER, NOW, 30, days, &n, &msg), K_OK);
    assert_int_equal(n, 1);
    assert_int_equal(days[28], 0);
    reading(l, METER, NOW - 60000, 100);
    assert_int_equal(ledger_daily_use(l, METER, NOW, 30, days, &n, &msg), K_OK);
    assert_int_equal(n, 2);
    assert_int_equal(days[29], 0);
    close_ledger(l, path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(rises_by_day),
    cmocka_unit_test(too_few_and_going_down),
};

KTEST_MAIN(tests)
