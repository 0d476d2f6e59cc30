# cashsim as its own process, over its real pty: the profile's examples byte
# for byte, notes through escrow, faults, echo, restart (docs/sim/cashsim.md).
kiosk_cmocka_test(cashsim SOURCES sim/test_cashsim.c sim/cashsim_client.c LIBS cash_proto ktest_support
                  ENV CASHSIM=$<TARGET_FILE:cashsim> TIMEOUT 30)
add_dependencies(test_cashsim cashsim)
