# metersim's card slot, metersim as its own process and no pcscd: card
# images the test writes, inserted into meters on the control port; every
# row of the meter's rules, the write-back, restarts
# (docs/sim/metersim.md, "The card slot").
kiosk_cmocka_test(metersim_card SOURCES sim/test_metersim_card.c LIBS card_proto ktest_support
                  ENV METERSIM=$<TARGET_FILE:metersim> TIMEOUT 30)
add_dependencies(test_metersim_card metersim)
