# Alipay's open API (docs/payments-qr.md "Alipay"): the client against
# alipaysim (its own process and codec), and the npm alipay-sdk's checks
# of the simulator and of the client (tests/alipaysdk).
pkg_check_modules(MHD_T REQUIRED IMPORTED_TARGET libmicrohttpd)
kiosk_cmocka_test(alipay SOURCES alipay/test_alipay.c alipay/ali_fix.c
                  LIBS bo_pay_alipay bo_base ktest_support PkgConfig::MHD_T ENV ALIPAYSIM=$<TARGET_FILE:alipaysim> TIMEOUT 60)
add_dependencies(test_alipay alipaysim)
kiosk_cmocka_test(alipaysim_codec SOURCES alipay/test_alipaysim_codec.c LIBS alipaysim_wire)
add_executable(alipay_probe alipay/alipay_probe.c)
target_link_libraries(alipay_probe PRIVATE bo_pay_alipay)
find_program(NODE_BIN node)
if(NODE_BIN)
  add_test(NAME alipay_sdk.against_sim
           COMMAND ${NODE_BIN} ${CMAKE_CURRENT_SOURCE_DIR}/alipaysdk/check.js $<TARGET_FILE:alipaysim>
                   $<TARGET_FILE:alipay_probe>)
  set_tests_properties(alipay_sdk.against_sim PROPERTIES TIMEOUT 120)
else()
  message(WARNING "node not found: the alipay-sdk checks are left out (scripts/install-deps)")
endif()
