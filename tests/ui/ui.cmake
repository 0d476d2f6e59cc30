# The resident's session, as a pure table.
kiosk_cmocka_test(session SOURCES ui/test_session.c LIBS kiosk_core)

# Top-ups end to end, headless, against the simulators in their own
# processes; and a script that must fail.
foreach(c cash_remote card_remote pending bad_script)
  add_test(NAME ui_e2e.${c} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/e2e_test.sh ${c} $<TARGET_FILE:kiosk>
           $<TARGET_FILE:kioskctl> $<TARGET_FILE:metersim> $<TARGET_FILE:cashsim> $<TARGET_FILE:paysim>
           ${CMAKE_CURRENT_SOURCE_DIR}/ui/scripts)
  set_tests_properties(ui_e2e.${c} PROPERTIES TIMEOUT 90 ENVIRONMENT "TZ=UTC")
endforeach()
