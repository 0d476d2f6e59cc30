# Notices end to end (docs/notices.md, "End to end"): kioskctl reading
# metersim, the reference back office's outbox, smscsim or the npm smpp
# SMSC, aiosmtpd with STARTTLS; each notice checked where it arrives.
find_program(NODE_BIN node)
foreach(c levels_and_credit quiet_hours smsc_down npm_smsc)
  add_test(NAME notices_e2e.${c} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/notices/notices_e2e_test.sh ${c}
           $<TARGET_FILE:kioskctl> $<TARGET_FILE:metersim> $<TARGET_FILE:backoffice> $<TARGET_FILE:smscsim>
           "$<$<STREQUAL:${c},npm_smsc>:${NODE_BIN}>" "$<$<STREQUAL:${c},npm_smsc>:${CMAKE_CURRENT_SOURCE_DIR}/smsc/server.js>")
  set_tests_properties(notices_e2e.${c} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()
