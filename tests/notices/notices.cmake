# Notices end to end (docs/notices.md, "End to end"): kioskctl reading
# metersim, the reference back office's outbox, smscsim or the npm smpp
# SMSC, aiosmtpd with STARTTLS; each notice checked where it arrives.
# Each also as pg.notices_e2e.CASE, the back office on the test
# PostgreSQL server.
find_program(NODE_BIN node)
foreach(c levels_and_credit quiet_hours smsc_down npm_smsc)
  set(cmd bash ${CMAKE_CURRENT_SOURCE_DIR}/notices/notices_e2e_test.sh ${c}
      $<TARGET_FILE:kioskctl> $<TARGET_FILE:metersim> $<TARGET_FILE:backoffice> $<TARGET_FILE:smscsim>
      "$<$<STREQUAL:${c},npm_smsc>:${NODE_BIN}>" "$<$<STREQUAL:${c},npm_smsc>:${CMAKE_CURRENT_SOURCE_DIR}/smsc/server.js>")
  add_test(NAME notices_e2e.${c} COMMAND ${cmd})
  set_tests_properties(notices_e2e.${c} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
  add_test(NAME pg.notices_e2e.${c} COMMAND ${cmd})
  set_tests_properties(pg.notices_e2e.${c} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 FIXTURES_REQUIRED bo_pg
                       ENVIRONMENT BO_TEST_PG=${BO_PG_STATE})
endforeach()
