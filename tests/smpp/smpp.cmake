# The SMS channel (docs/protocols/smpp.md): its codec against the
# profile's examples, the channel against smscsim (its own process and
# codec), and against an SMSC written with the npm smpp package.
kiosk_cmocka_test(smpp_pdu SOURCES smpp/test_smpp_pdu.c LIBS bo_notify_smpp)
kiosk_cmocka_test(smpp_smscsim SOURCES smpp/test_smpp_channel.c smpp/smsc_fixture.c
                  LIBS bo_notify_smpp ktest_support ENV SMSCSIM=$<TARGET_FILE:smscsim> TIMEOUT 30)
add_dependencies(test_smpp_smscsim smscsim)
find_program(NODE_BIN node)
if(NODE_BIN)
  kiosk_cmocka_test(smpp_npm SOURCES smpp/test_smpp_npm.c smpp/smsc_fixture.c LIBS bo_notify_smpp ktest_support
                    ENV "NODE=${NODE_BIN};SMSC_JS=${CMAKE_CURRENT_SOURCE_DIR}/smsc/server.js" TIMEOUT 60)
else()
  message(WARNING "node not found: the SMS channel's test against the npm smpp SMSC is left out (scripts/install-deps)")
endif()
kiosk_cmocka_test(smscsim_codec SOURCES smpp/test_smscsim_codec.c LIBS smscsim_wire)
