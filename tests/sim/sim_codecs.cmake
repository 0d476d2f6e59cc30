# The simulators' own codecs against the hex examples of docs/protocols/
# and docs/card.md (the DL/T 645 and ccTalk tests read every example from
# the page itself), so both sides are held to the documents, not to each
# other; and what sim/common gives them. No driver library is linked.
kiosk_cmocka_test(metersim_codec SOURCES sim/test_metersim_codec.c sim/doc_hex.c LIBS metersim_wire cardsim_card
                  ENV DLT645_DOC=${CMAKE_SOURCE_DIR}/docs/protocols/dlt645-prepaid.md)
kiosk_cmocka_test(cashsim_codec SOURCES sim/test_cashsim_codec.c sim/doc_hex.c LIBS cashsim_wire
                  ENV CCTALK_DOC=${CMAKE_SOURCE_DIR}/docs/protocols/cctalk.md)
kiosk_cmocka_test(paysim_codec SOURCES sim/test_paysim_codec.c LIBS paysim_wire)
kiosk_cmocka_test(cardsim_codec SOURCES sim/test_cardsim_codec.c LIBS cardsim_card)
kiosk_cmocka_test(sim_common SOURCES sim/test_sim_common.c LIBS sim_common)
