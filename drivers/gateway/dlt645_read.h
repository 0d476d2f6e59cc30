/* The kiosk's reading of a meter's answer to a DL/T 645 read (C = 11) of
 * one data identifier (docs/protocols/dlt645-prepaid.md, "Reads"). Pure,
 * so each kind of reply is unit-tested frame by frame; the simulator
 * builds its replies on its own. */
#ifndef DRIVERS_GATEWAY_DLT645_READ_H
#define DRIVERS_GATEWAY_DLT645_READ_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/gateway/dlt645_frame.h"

typedef enum dlt645_answer {
    DLT645_ANSWER_VALUE,   /* 91: the DI asked for and a value of the expected length */
    DLT645_ANSWER_NO_DATA, /* D1, error byte bit 1: the meter has no such data */
    DLT645_ANSWER_REFUSED, /* D1 with another error (bit 0 other, bit 2 not authorised) */
    DLT645_ANSWER_GARBLED, /* anything else: another DI or length, an error reply without its byte */
} dlt645_answer_t;

/* What reply says to a read of di whose value takes want bytes (at most
 * DLT645_MAX_DATA - 4). On VALUE the value (what follows the DI) is copied
 * to value; on NO_DATA and REFUSED *err holds the error byte. */
dlt645_answer_t dlt645_read_answer(const dlt645_frame_t *reply, uint32_t di, size_t want, uint8_t *value,
                                   uint8_t *err);

/* A short text for an error byte ("no such data"), for messages. */
const char *dlt645_error_text(uint8_t err);

#endif
