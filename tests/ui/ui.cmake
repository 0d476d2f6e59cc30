# The resident's session, as a pure table.
kiosk_cmocka_test(session SOURCES ui/test_session.c LIBS kiosk_core)

# The staff's service mode, as a pure table: gesture, sign-in, permissions.
kiosk_cmocka_test(service SOURCES ui/test_service.c LIBS kiosk_core)

# One receipt, two media: the paper and the screen give the same facts.
kiosk_cmocka_test(receipt SOURCES ui/test_receipt.c LIBS kiosk_engine kiosk_screens ENV TZ=UTC)

# A meter's daily use from its readings (the account's chart).
kiosk_cmocka_test(ui_history SOURCES ui/test_history.c LIBS kiosk_ledger)

# Top-ups end to end, headless (kiosk-demo replaying a script), against the
# simulators in their own processes (printsim for the receipts, the
# reference back office for QR codes); and a script that must fail. The
# meter card's case runs cardsim in pcscd's virtual readers, one at a time
# with the other card tests.
set(UI_E2E bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/e2e_test.sh)
set(UI_E2E_ARGS $<TARGET_FILE:kiosk-demo> $<TARGET_FILE:kioskctl> $<TARGET_FILE:metersim> $<TARGET_FILE:cashsim>
    $<TARGET_FILE:paysim> ${CMAKE_CURRENT_SOURCE_DIR}/ui/scripts $<TARGET_FILE:printsim> $<TARGET_FILE:cardsim>
    $<TARGET_FILE:backoffice>)
foreach(c cash_remote cash_stop card_remote pending bad_script receipt_on_screen device_health meter_card qr_remote service_mode
    water_remote zero_first bill_cash bill_card bill_refused)
  add_test(NAME ui_e2e.${c} COMMAND ${UI_E2E} ${c} ${UI_E2E_ARGS})
  set_tests_properties(ui_e2e.${c} PROPERTIES TIMEOUT 90 ENVIRONMENT "TZ=UTC")
endforeach()
set_tests_properties(ui_e2e.meter_card ui_e2e.service_mode ui_e2e.zero_first PROPERTIES ${PCSC_TEST_PROPS})
set_tests_properties(ui_e2e.qr_remote PROPERTIES TIMEOUT 30) # it runs in a few seconds

# Layout: every screen, both languages (kiosk-demo's gallery), at the three
# resolutions (with the dpi of a typical panel of that size); and one
# screen too small to hold it.
foreach(r 1080x1920:102 1280x800:150 800x480:133 320x240:96:fails)
  string(REPLACE ":" ";" parts ${r})
  list(GET parts 0 size)
  add_test(NAME ui_layout.${size} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/layout_test.sh $<TARGET_FILE:kiosk-demo>
           ${parts})
  set_tests_properties(ui_layout.${size} PROPERTIES TIMEOUT 60 ENVIRONMENT "TZ=UTC")
endforeach()

# Reference screenshots at 1280x800 (tests/ui/ref, half size), each compared
# with a tolerance; `cmake --build <build> --target ui_refs` refreshes them.
add_executable(shot_compare ui/shot_compare.c)
target_link_libraries(shot_compare PRIVATE kiosk_screens)
set(UI_SHOTS ${CMAKE_BINARY_DIR}/ui-shots)
set(UI_GALLERY $<TARGET_FILE:kiosk-demo> --set ui.resolution=1280x800 --set ui.dpi=150 --set ui.language=zh_CN
    --gallery ${UI_SHOTS})
add_test(NAME ui_shots.render COMMAND ${CMAKE_COMMAND} -E env TZ=UTC ${UI_GALLERY})
set_tests_properties(ui_shots.render PROPERTIES FIXTURES_SETUP ui_shots TIMEOUT 60)
add_test(NAME ui_shots.prepare COMMAND ${CMAKE_COMMAND} -E make_directory ${UI_SHOTS})
set_tests_properties(ui_shots.prepare PROPERTIES FIXTURES_SETUP ui_shots_dir TIMEOUT 10)
set_tests_properties(ui_shots.render PROPERTIES FIXTURES_REQUIRED ui_shots_dir)
file(GLOB UI_REFS ${CMAKE_CURRENT_SOURCE_DIR}/ui/ref/*.png)
if(NOT UI_REFS)
  message(WARNING "tests/ui/ref holds no reference screenshots: build the target ui_refs")
endif()
foreach(ref ${UI_REFS})
  get_filename_component(name ${ref} NAME_WE)
  add_test(NAME ui_shots.${name} COMMAND shot_compare ${CMAKE_CURRENT_SOURCE_DIR}/ui/ref ${UI_SHOTS} ${name})
  set_tests_properties(ui_shots.${name} PROPERTIES FIXTURES_REQUIRED ui_shots TIMEOUT 30)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ui/ref)
add_custom_target(ui_refs
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UI_SHOTS}
  COMMAND ${CMAKE_COMMAND} -E env TZ=UTC ${UI_GALLERY}
  COMMAND shot_compare --refresh ${CMAKE_CURRENT_SOURCE_DIR}/ui/ref ${UI_SHOTS}
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${CMAKE_CURRENT_SOURCE_DIR}/ui/ref ${CMAKE_SOURCE_DIR}/docs/screenshots
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UI_SHOTS}-800x480 ${CMAKE_SOURCE_DIR}/docs/screenshots/800x480
  COMMAND ${CMAKE_COMMAND} -E env TZ=UTC $<TARGET_FILE:kiosk-demo> --set ui.resolution=800x480 --set ui.dpi=133
          --set ui.language=zh_CN --gallery ${UI_SHOTS}-800x480
  COMMAND shot_compare --refresh ${CMAKE_SOURCE_DIR}/docs/screenshots/800x480 ${UI_SHOTS}-800x480
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/screens_page.sh ${CMAKE_SOURCE_DIR}
  DEPENDS kiosk-demo shot_compare
  COMMENT "Refreshing the reference screenshots (tests/ui/ref, docs/screenshots, docs/screens.md)")

# Every string has its Chinese; docs/ui.md's table is the code's.
add_test(NAME ui_po.complete COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/check.sh po ${CMAKE_SOURCE_DIR})
add_test(NAME ui_docs.table_current COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/check.sh table ${CMAKE_SOURCE_DIR}
         $<TARGET_FILE:kiosk>)
set_tests_properties(ui_po.complete ui_docs.table_current PROPERTIES TIMEOUT 30)

# Each language on its own screens: no English word on a Chinese screen,
# no Chinese on an English one (the resident's screens, every state the
# gallery draws, the service mode's too).
add_test(NAME ui_lang.every_screen COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/lang_test.sh $<TARGET_FILE:kiosk-demo>)
set_tests_properties(ui_lang.every_screen PROPERTIES TIMEOUT 60)

# Voice guidance: every screen the gallery draws has its spoken prompt in
# both languages; speaking never blocks the screen (a sink held stuck);
# espeak-ng really synthesises both languages; the mute button silences it.
add_test(NAME ui_voice.every_screen COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ui/voice_test.sh $<TARGET_FILE:kiosk-demo>)
set_tests_properties(ui_voice.every_screen PROPERTIES TIMEOUT 60)
kiosk_cmocka_test(ui_voice SOURCES ui/test_voice.c LIBS kiosk_ui ENV KIOSK_LOCALEDIR=${CMAKE_BINARY_DIR}/locale)
