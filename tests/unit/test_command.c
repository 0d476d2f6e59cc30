/* Central commands' pure rules (core/command.c): what a restart does with
 * a command in each state, for each kind. */
#include "ktest.h"

#include "core/command.h"

static void restart_by_state_and_kind(void **state)
{
    (void)state;
    /* recorded, not acted on: run it, or end it expired */
    assert_int_equal(mcmd_restart(MCMD_RECEIVED, MCMD_RELAY_TRIP, false, false), MCMD_RESTART_RUN);
    assert_int_equal(mcmd_restart(MCMD_RECEIVED, MCMD_CREDIT, true, false), MCMD_RESTART_EXPIRE);
    /* acting: a sale's outcome settles a credit and an account opening; never sent again otherwise */
    assert_int_equal(mcmd_restart(MCMD_ACTING, MCMD_CREDIT, false, true), MCMD_RESTART_FINISH_SALE);
    assert_int_equal(mcmd_restart(MCMD_ACTING, MCMD_OPEN_ACCOUNT, false, true), MCMD_RESTART_FINISH_SALE);
    assert_int_equal(mcmd_restart(MCMD_ACTING, MCMD_OPEN_ACCOUNT, false, false), MCMD_RESTART_READ);
    assert_int_equal(mcmd_restart(MCMD_ACTING, MCMD_RELAY_TRIP, true, false), MCMD_RESTART_READ);
    assert_int_equal(mcmd_restart(MCMD_ACTING, MCMD_REFUND, false, false), MCMD_RESTART_SETTLE_REFUND);
    /* final: nothing */
    assert_int_equal(mcmd_restart(MCMD_DONE, MCMD_CREDIT, false, true), MCMD_RESTART_NOTHING);
    assert_int_equal(mcmd_restart(MCMD_UNKNOWN, MCMD_RELAY_CLOSE, false, false), MCMD_RESTART_NOTHING);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(restart_by_state_and_kind),
};

KTEST_MAIN(tests)
