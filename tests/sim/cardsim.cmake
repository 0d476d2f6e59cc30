# cardsim as its own process, without pcscd: the test plays vpcd on its
# own ports. Every command and status word of docs/card.md, the purse
# rules, blocking, the tears, the SAM (docs/sim/cardsim.md).
kiosk_cmocka_test(cardsim SOURCES sim/test_cardsim.c sim/cardsim_client.c LIBS card_proto ktest_support
                  ENV CARDSIM=$<TARGET_FILE:cardsim> TIMEOUT 30)
add_dependencies(test_cardsim cardsim)
