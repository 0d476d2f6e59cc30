#include "drivers/gateway/dlt645_read.h"

#include <string.h>

enum {
    ERR_OTHER = 0x01,   /* error byte bit 0 */
    ERR_NO_DATA = 0x02, /* bit 1 */
    ERR_AUTH = 0x04,    /* bit 2 */
};

dlt645_answer_t dlt645_read_answer(const dlt645_frame_t *reply, uint32_t di, size_t want, uint8_t *value,
                                   uint8_t *err)
{
    if (reply->ctrl & DLT645_C_ERROR) {
        if (reply->len != 1)
            return DLT645_ANSWER_GARBLED;
        *err = reply->data[0];
        return *err & ERR_NO_DATA ? DLT645_ANSWER_NO_DATA : DLT645_ANSWER_REFUSED;
    }
    if (want > DLT645_MAX_DATA - 4 || reply->len != 4 + want || dlt645_get_di(reply->data) != di)
        return DLT645_ANSWER_GARBLED;
    memcpy(value, reply->data + 4, want);
    return DLT645_ANSWER_VALUE;
}

const char *dlt645_error_text(uint8_t err)
{
    if (err & ERR_NO_DATA)
        return "no such data";
    if (err & ERR_AUTH)
        return "wrong password or not authorised";
    return err & ERR_OTHER ? "other error" : "an error without a reason";
}
