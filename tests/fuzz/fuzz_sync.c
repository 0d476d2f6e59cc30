/* libFuzzer target: every answer the kiosk's back-office link decodes. The
 * first byte picks the decoder the rest goes to: an upload's results, a
 * heartbeat's answer, a QR order, a list of notices, a signed document.
 * Nothing may crash, counts must add up, and no document may verify under
 * a key whose private half nobody has. */
#include <stdlib.h>
#include <string.h>

#include "sync/sync_client.h"
#include "sync/sync_doc.h"
#include "sync/sync_heartbeat.h"
#include "sync/sync_notice.h"
#include "sync/sync_qr.h"

static void results(const char *text)
{
    static const int64_t seqs[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ledger_outbox_answer_t ans[10];
    size_t n = 0;
    sync_upload_result_t r = {0};
    kmsg_t msg;
    cJSON *doc = cJSON_Parse(text);
    if (sync_results_parse(doc, seqs, 10, ans, &n, &r, &msg) == K_OK &&
        (n > 10 || (size_t)(r.accepted + r.duplicate + r.rejected) != n))
        abort();
    for (size_t i = 0; i < n; i++)
        if (ans[i].seq < 1 || ans[i].seq > 10)
            abort(); /* an answer for a row that was not sent */
    cJSON_Delete(doc);
}

static void heartbeat(const char *text)
{
    static sync_beat_t beat;
    kmsg_t msg;
    if (sync_beat_parse(text, &beat, &msg) == K_OK && beat.n_notices > SYNC_MAX_NOTICES)
        abort();
}

static void order(const char *text)
{
    sync_qr_order_t o;
    kmsg_t msg;
    cJSON *doc = cJSON_Parse(text);
    if (sync_qr_order_parse(doc, &o, &msg) == K_OK && o.amount <= 0)
        abort();
    cJSON_Delete(doc);
}

static void notices(const char *text)
{
    static sync_notice_t out[SYNC_MAX_NOTICES];
    cJSON *doc = cJSON_Parse(text);
    if (sync_notices_parse(doc, out, SYNC_MAX_NOTICES) > SYNC_MAX_NOTICES)
        abort();
    cJSON_Delete(doc);
}

static void document(const char *text, size_t len)
{
    static const uint8_t pk[SYNC_PUBKEY_BYTES] = {0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
                                                  0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
                                                  0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};
    sync_doc_t d;
    kmsg_t msg;
    if (sync_doc_verify(pk, text, len, "tariffs", "K1", 0, &d, &msg) == K_OK)
        abort(); /* nobody holds the private key: nothing can verify */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 5) {
    case 0: results(text); break;
    case 1: heartbeat(text); break;
    case 2: order(text); break;
    case 3: notices(text); break;
    default: document(text, size - 1); break;
    }
    free(text);
    return 0;
}
