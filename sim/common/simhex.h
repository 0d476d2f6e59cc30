/* Bytes as hex text, the way the simulators write them in their files,
 * control replies and logs (upper-case, no spaces), and back. */
#ifndef SIM_COMMON_SIMHEX_H
#define SIM_COMMON_SIMHEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of hex digit c (either case), or -1. */
int simhex_digit(int c);

/* n bytes as 2n upper-case hex digits and a terminator into out. */
void simhex_encode(const uint8_t *b, size_t n, char *out);

/* Exactly 2n hex digits of either case to n bytes; false otherwise. */
bool simhex_decode(const char *text, uint8_t *out, size_t n);

#endif
