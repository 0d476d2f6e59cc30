/* The ESC/POS profile escpos-kiosk (docs/protocols/escpos.md), pure: a
 * document encoded to the bytes a printer takes, the real-time status
 * queries and their answers. No I/O; shared by the driver and the tests. */
#ifndef DRIVERS_PRINTER_ESCPOS_H
#define DRIVERS_PRINTER_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "drivers/printer/printer_doc.h"
#include "drivers/printer/printer_status.h"

#define ESCPOS_STATUS_QUERIES 4 /* DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper) */

/* Encodes d: ESC @, then each item (text lines in GB18030 inside Chinese
 * mode when they hold anything but ASCII). *out is malloc'd and owned by
 * the caller. K_EINVAL if an item is out of its range (a document built
 * with printer_doc_* never is), K_EIO if out of memory or iconv has no
 * GB18030. */
kerr_t escpos_encode(const printer_doc_t *d, uint8_t **out, size_t *len, kmsg_t *msg);

/* The query DLE EOT n (n = 1..4): 10 04 n. */
void escpos_status_query(unsigned n, uint8_t out[3]);

/* True if b can be an answer to a status query: bits 1 and 4 set, bits 0
 * and 7 clear (0xx1xx10). */
bool escpos_status_byte_ok(uint8_t b);

/* Reads the four answers (raw[0] to DLE EOT 1, ... raw[3] to DLE EOT 4)
 * into out. K_EDEVICE, naming the query, if one cannot be an answer. */
kerr_t escpos_status_parse(const uint8_t raw[ESCPOS_STATUS_QUERIES], printer_status_t *out, kmsg_t *msg);

#endif
