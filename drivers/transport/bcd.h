/* Packed BCD, two decimal digits a byte, as the wire profiles carry
 * numbers: DL/T 645 puts the lowest byte first, ZVT the highest. One
 * codec for both; each protocol names its order. */
#ifndef DRIVERS_TRANSPORT_BCD_H
#define DRIVERS_TRANSPORT_BCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bcd_order { BCD_LOW_FIRST, BCD_HIGH_FIRST } bcd_order_t;

/* Reads n bytes of BCD in that order. False if a nibble is not 0-9. */
bool bcd_get(const uint8_t *p, size_t n, bcd_order_t order, uint64_t *out);

/* Writes v as n bytes of BCD in that order. False if v needs more. */
bool bcd_put(uint64_t v, uint8_t *p, size_t n, bcd_order_t order);

#endif
