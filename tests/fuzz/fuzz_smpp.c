/* libFuzzer target: the SMS channel's SMPP 3.4 decoding. The input is a
 * stream of PDUs as the SMSC would send them: every whole PDU goes through
 * the answer and deliver_sm decoders and the receipt text parser, whose
 * results must stay inside the PDU. The same bytes, as text, go through
 * UTF-8 -> UCS-2 and the split into parts, which must join back into the
 * same units. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/notify/bo_smpp_pdu.h"
#include "backoffice/notify/bo_smpp_text.h"

static void one_pdu(const uint8_t *p, size_t n)
{
    char id[66], stat[24], masked[22];
    (void)bo_smpp_decode_resp_id(p, n, id, sizeof id);
    bo_smpp_deliver_t d;
    if (!bo_smpp_decode_deliver(p, n, &d))
        return;
    if (d.sm < p || d.sm + d.sm_len > p + n || d.source_off + strlen(d.source) >= n ||
        strlen(d.receipted_id) >= sizeof d.receipted_id)
        abort();
    if (bo_smpp_receipt_parse((const char *)d.sm, d.sm_len, id, sizeof id, stat, sizeof stat) &&
        (!id[0] || !stat[0] || strlen(id) >= sizeof id || strlen(stat) >= sizeof stat))
        abort();
    bo_smpp_mask(d.source, masked, sizeof masked);
    if (strlen(masked) != strlen(d.source))
        abort();
    (void)bo_smpp_state_word(d.message_state);
}

static void text(const uint8_t *data, size_t size)
{
    static char s[4096];
    static uint16_t u[BO_SMPP_MAX_UNITS], back[BO_SMPP_MAX_UNITS];
    static bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    size_t k = size < sizeof s - 1 ? size : sizeof s - 1;
    memcpy(s, data, k);
    s[k] = '\0';
    int n = bo_smpp_utf16(s, u, BO_SMPP_MAX_UNITS);
    if (n <= 0)
        return;
    int total = bo_smpp_split(u, (size_t)n, 0x5A, parts);
    size_t m = 0;
    for (int i = 0; i < total; i++) {
        size_t skip = total > 1 ? 6 : 0;
        if (parts[i].len > 140 || (parts[i].len - skip) % 2 || (total > 1 && (parts[i].sm[4] != total || parts[i].sm[5] != i + 1)))
            abort();
        for (size_t j = skip; j < parts[i].len; j += 2)
            back[m++] = (uint16_t)(parts[i].sm[j] << 8 | parts[i].sm[j + 1]);
    }
    if (total > 0 && (m != (size_t)n || memcmp(back, u, m * sizeof u[0]) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pdu[BO_SMPP_MAX_PDU];
    size_t at = 0;
    bo_smpp_header_t h;
    while (at < size && bo_smpp_frame(data + at, size - at, &h) == BO_SMPP_WHOLE) {
        memcpy(pdu, data + at, h.len); /* a copy of its own size, so an overrun is seen */
        one_pdu(pdu, h.len);
        at += h.len;
    }
    text(data, size);
    return 0;
}
