# The SMS channel (docs/protocols/smpp.md): its codec against the
# profile's examples, the channel against smscsim (its own process and
# codec), and against an SMSC written with the npm smpp package.
kiosk_cmocka_test(smpp_pdu SOURCES smpp/test_smpp_pdu.c LIBS bo_notify_smpp)
kiosk_cmocka_test(smpp_smscsim SOURCES smpp/test_smpp_channel.c smpp/smsc_fixture.c
                  LIBS bo_notify_smpp ktest_support ENV SMSCSIM=$<TARGET_FILE:smscsim> TIMEOUT 30)
add_dependencies(test_smpp_smscsim smscsim)
