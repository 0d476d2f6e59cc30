# Warnings: on and clean under gcc and clang.
add_compile_options(
  -Wall -Wextra -Wpedantic
  -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition
  -Wformat=2 -Wvla -Wundef -Wpointer-arith -Wcast-qual -Wwrite-strings
  -Wswitch-enum -Wimplicit-fallthrough -Wconversion -Wno-sign-conversion
)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wnull-dereference)
  # snprintf into a fixed buffer truncates by design; the guess-based
  # warning about it would only push code toward unbounded buffers.
  add_compile_options(-Wno-format-truncation)
endif()
if(KIOSK_WERROR)
  add_compile_options(-Werror)
endif()
