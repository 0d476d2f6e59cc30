# Fuzz targets (clang's libFuzzer): a few seconds each in the suite, from
# the seed corpus; docs/testing.md has the command for a long run and the one
# that prints each target's coverage.
#
# libFuzzer sees only the branches of code built with its coverage
# instrumentation. The code under test lives in the project's libraries,
# which the rest of the build compiles without it, so each target links
# instrumented copies of them (LIB_fuzz, made by kiosk_fuzz_lib from LIB's
# own list of sources): the decoders and everything they call that decides
# something are seen, and a file added to a library is fuzzed with it.

# kiosk_fuzz_lib(LIB): LIB_fuzz, LIB's sources built with fuzzer coverage,
# linked to the LIB_fuzz copies of the project libraries LIB links.
function(kiosk_fuzz_lib lib)
  if(TARGET ${lib}_fuzz)
    return()
  endif()
  get_target_property(dir ${lib} SOURCE_DIR)
  get_target_property(srcs ${lib} SOURCES)
  set(abs "")
  foreach(s ${srcs})
    cmake_path(ABSOLUTE_PATH s BASE_DIRECTORY ${dir} OUTPUT_VARIABLE a)
    list(APPEND abs ${a})
  endforeach()
  get_target_property(deps ${lib} LINK_LIBRARIES)
  if(NOT deps)
    set(deps "")
  endif()
  set(links "")
  foreach(d ${deps})
    if(TARGET ${d})
      get_target_property(type ${d} TYPE)
      get_target_property(imported ${d} IMPORTED)
      if(type STREQUAL "STATIC_LIBRARY" AND NOT imported)
        kiosk_fuzz_lib(${d})
        set(d ${d}_fuzz)
      endif()
    elseif(d MATCHES "::")
      message(FATAL_ERROR "kiosk_fuzz_lib: ${lib} links ${d}, unknown in tests/fuzz/fuzz.cmake: add it there")
    endif()
    list(APPEND links ${d})
  endforeach()
  add_library(${lib}_fuzz STATIC EXCLUDE_FROM_ALL ${abs})
  foreach(p INCLUDE_DIRECTORIES INTERFACE_INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS)
    get_target_property(v ${lib} ${p})
    if(v)
      set_property(TARGET ${lib}_fuzz PROPERTY ${p} ${v})
    endif()
  endforeach()
  target_compile_options(${lib}_fuzz PRIVATE -fsanitize=fuzzer-no-link)
  target_link_libraries(${lib}_fuzz PUBLIC ${links})
endfunction()

# kiosk_fuzz(NAME SOURCES file.c... LIBS lib... CORPUS dir [SECONDS s]):
# the program fuzz_NAME, its sources and the instrumented copies of LIBS,
# and the ctest entry PREFIX.NAME (fuzz.NAME unless TEST says otherwise)
# running it SECONDS (5) from the seeds in CORPUS.
function(kiosk_fuzz name)
  cmake_parse_arguments(F "" "CORPUS;SECONDS;TEST" "SOURCES;LIBS" ${ARGN})
  if(NOT F_SECONDS)
    set(F_SECONDS 5)
  endif()
  if(NOT F_TEST)
    set(F_TEST fuzz.${name})
  endif()
  add_executable(fuzz_${name} ${F_SOURCES})
  target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  target_include_directories(fuzz_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  foreach(l ${F_LIBS})
    kiosk_fuzz_lib(${l})
    target_link_libraries(fuzz_${name} PRIVATE ${l}_fuzz)
  endforeach()
  add_test(NAME ${F_TEST} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_${name}>
           ${F_CORPUS} ${F_SECONDS})
  set_tests_properties(${F_TEST} PROPERTIES TIMEOUT 120)
endfunction()

if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  # The imported targets those libraries link, made here too (each folder's
  # are its own); a library linking one not listed stops the configuration.
  foreach(m SODIUM:libsodium CURL:libcurl SYSTEMD:libsystemd LIBCRYPTO:libcrypto LIBMODBUS:libmodbus
            PCSC:libpcsclite MHD:libmicrohttpd GNUTLS:gnutls QRENCODE:libqrencode ZLIB:zlib)
    string(REPLACE ":" ";" m ${m})
    list(GET m 0 prefix)
    list(GET m 1 module)
    pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET ${module})
  endforeach()
  find_package(Threads REQUIRED)
  set(FUZZ_CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus)
  # Framing and decoding of what devices and cards answer.
  kiosk_fuzz(dlt645 SOURCES fuzz/fuzz_dlt645.c LIBS meter_proto CORPUS ${FUZZ_CORPUS}/dlt645)
  kiosk_fuzz(modbus_profile SOURCES fuzz/fuzz_modbus_profile.c LIBS drv_gateway CORPUS ${FUZZ_CORPUS}/modbus_profile)
  kiosk_fuzz(cctalk SOURCES fuzz/fuzz_cctalk.c LIBS cash_proto CORPUS ${FUZZ_CORPUS}/cctalk)
  kiosk_fuzz(zvt SOURCES fuzz/fuzz_zvt.c LIBS payterm_proto CORPUS ${FUZZ_CORPUS}/zvt)
  kiosk_fuzz(card SOURCES fuzz/fuzz_card.c LIBS card_proto CORPUS ${FUZZ_CORPUS}/card)
  # The real drivers' dialogues against a device scripted by the input, on
  # a fake serial port and TCP link in place of drivers/transport/.
  kiosk_fuzz(cash_cctalk SOURCES fuzz/fuzz_cash_cctalk.c fuzz/fuzz_line.c fuzz/fake_serial.c LIBS drv_cash
             CORPUS ${FUZZ_CORPUS}/cash_cctalk)
  kiosk_fuzz(pt_zvt SOURCES fuzz/fuzz_pt_zvt.c fuzz/fuzz_line.c fuzz/fake_tcp.c LIBS drv_payterm
             CORPUS ${FUZZ_CORPUS}/pt_zvt)
  # The back-office link's answers, decoded by the kiosk's own sources.
  kiosk_fuzz(sync SOURCES fuzz/fuzz_sync.c LIBS sync_kiosk CORPUS ${FUZZ_CORPUS}/sync)
  # The SMS channel's SMPP 3.4 decoding and its UCS-2 parts (docs/protocols/smpp.md).
  kiosk_fuzz(smpp SOURCES fuzz/fuzz_smpp.c LIBS bo_notify_smpp CORPUS ${FUZZ_CORPUS}/smpp)
  # What the Alipay client reads: the bill's CSV, notifications' forms, answers' nodes, yuan.
  kiosk_fuzz(alipay SOURCES fuzz/fuzz_alipay.c LIBS bo_pay_alipay CORPUS ${FUZZ_CORPUS}/alipay)
  # printsim's ESC/POS parser, page and text rendering.
  kiosk_fuzz(escpos SOURCES fuzz/fuzz_escpos.c LIBS printsim_core CORPUS ${FUZZ_CORPUS}/escpos)
  # The back office's request decoding.
  kiosk_fuzz(bo_decode SOURCES backoffice/fuzz_bo_decode.c LIBS bo_decode
             CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/backoffice/corpus SECONDS 10 TEST bo_fuzz.decode)
  # Its requests through the route table and every handler, on an in-memory database.
  kiosk_fuzz(bo_request SOURCES fuzz/fuzz_bo_request.c LIBS bo_http bo_cli bo_store_sqlite CORPUS ${FUZZ_CORPUS}/bo_request
             TEST bo_fuzz.request)
endif()
