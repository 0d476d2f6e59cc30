# The simulators' own codecs against the hex examples of docs/protocols/
# and docs/card.md (the examples the drivers' tests use too, so both sides
# are held to the document, not to each other), and what sim/common gives
# them. No driver library is linked.
kiosk_cmocka_test(metersim_codec SOURCES sim/test_metersim_codec.c LIBS metersim_wire cardsim_card)
kiosk_cmocka_test(cashsim_codec SOURCES sim/test_cashsim_codec.c LIBS cashsim_wire)
kiosk_cmocka_test(paysim_codec SOURCES sim/test_paysim_codec.c LIBS paysim_wire)
kiosk_cmocka_test(cardsim_codec SOURCES sim/test_cardsim_codec.c LIBS cardsim_card)
kiosk_cmocka_test(sim_common SOURCES sim/test_sim_common.c support/tmpdir.c LIBS sim_common)
