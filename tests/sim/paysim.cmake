# paysim as its own process, over its real ports, spoken to as the ECR: the
# profile's examples byte for byte, acknowledgements, faults, the journal.
kiosk_cmocka_test(paysim SOURCES sim/test_paysim.c sim/paysim_client.c LIBS payterm_proto ktest_support
                  ENV PAYSIM=$<TARGET_FILE:paysim> TIMEOUT 30)
add_dependencies(test_paysim paysim)
