/* The daily bill: alipay.data.dataservice.bill.downloadurl.query gives an
 * address; what is there is a zip of GBK-encoded CSV files (the detail and
 * a summary), read here with zlib and iconv. */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "backoffice/pay/bo_alipay_int.h"

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

/* GBK (as GB18030, its superset) to a malloc'd UTF-8 text. */
static char *gbk_to_utf8(const char *in, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 1, left = cap - 1;
    char *out = malloc(cap), *o = out, *i = (char *)(uintptr_t)in;
    size_t in_left = len;
    bool ok = out && iconv(cd, &i, &in_left, &o, &left) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(out);
        return NULL;
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* One member's data, inflated when deflated (method 8), into a malloc'd buffer. */
static unsigned char *member_data(const unsigned char *z, size_t zlen, const unsigned char *cd, size_t *len)
{
    uint32_t method = le16(cd + 10), csize = le32(cd + 20), usize = le32(cd + 24), off = le32(cd + 42);
    if ((size_t)off + 30 > zlen || le32(z + off) != 0x04034b50)
        return NULL;
    size_t data = (size_t)off + 30 + le16(z + off + 26) + le16(z + off + 28);
    if (data + csize > zlen || usize > (64u << 20))
        return NULL;
    unsigned char *out = malloc((size_t)usize + 1);
    if (!out)
        return NULL;
    if (method == 0 && csize == usize) {
        memcpy(out, z + data, usize);
    } else if (method == 8) {
        z_stream s = {0};
        s.next_in = (Bytef *)(uintptr_t)(z + data);
        s.avail_in = csize;
        s.next_out = out;
        s.avail_out = usize;
        int rc = inflateInit2(&s, -MAX_WBITS) == Z_OK ? inflate(&s, Z_FINISH) : Z_DATA_ERROR;
        inflateEnd(&s);
        if (rc != Z_STREAM_END || s.total_out != usize) {
            free(out);
            return NULL;
        }
    } else {
        free(out);
        return NULL;
    }
    *len = usize;
    return out;
}

/* Reads one CSV (GBK) member: 1 if it was the detail, 0 if not (the
 * summary), -1 with msg if it could not be read. */
static int read_member(const unsigned char *raw, size_t len, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    size_t ulen = 0;
    char *text = gbk_to_utf8((const char *)raw, len, &ulen);
    if (!text) {
        kmsg_set(msg, K_ECORRUPT, "alipay bill: a file is not GBK text");
        return -1;
    }
    kerr_t rc = bo_alipay_bill_csv(text, ulen, fn, arg, msg);
    free(text);
    return rc == K_OK ? 1 : rc == K_ENOTFOUND ? 0 : -1;
}

/* Walks the zip's central directory and reads every member. */
static kerr_t read_zip(const unsigned char *z, size_t zlen, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    size_t end = zlen >= 22 ? zlen - 22 : 0;
    while (end > 0 && le32(z + end) != 0x06054b50)
        end--;
    if (zlen < 22 || le32(z + end) != 0x06054b50)
        return kmsg_set(msg, K_ECORRUPT, "alipay bill: no zip directory");
    size_t n = le16(z + end + 10), at = le32(z + end + 16);
    int details = 0;
    for (size_t i = 0; i < n; i++) {
        if (at + 46 > zlen || le32(z + at) != 0x02014b50)
            return kmsg_set(msg, K_ECORRUPT, "alipay bill: zip directory entry %zu broken", i);
        size_t len = 0;
        unsigned char *raw = member_data(z, zlen, z + at, &len);
        if (!raw)
            return kmsg_set(msg, K_ECORRUPT, "alipay bill: zip member %zu cannot be read", i);
        int got = read_member(raw, len, fn, arg, msg);
        free(raw);
        if (got < 0)
            return K_ECORRUPT;
        details += got;
        at += 46 + le16(z + at + 28) + le16(z + at + 30) + le16(z + at + 32);
    }
    return details == 1 ? K_OK : kmsg_set(msg, K_ECORRUPT, "alipay bill: %d detail files in the zip", details);
}

kerr_t ap_bill(void *ctx, const char *day, bo_prov_bill_cb fn, void *arg, kmsg_t *msg)
{
    const ap_ctx_t *c = ctx;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "bill_type", "trade");
    cJSON_AddStringToObject(b, "bill_date", day);
    ap_reply_t r;
    kerr_t rc = ap_call_obj(c, "alipay.data.dataservice.bill.downloadurl.query", b, &r, msg);
    if (rc != K_OK)
        return rc;
    char url[1024];
    ap_json_copy(r.node, "bill_download_url", url, sizeof url);
    if (strcmp(r.code, "10000") != 0)
        rc = ap_refused(&r, "bill", NULL, 0, NULL, 0, msg);
    else if (!url[0])
        rc = kmsg_set(msg, K_ECORRUPT, "alipay: the bill's answer names no bill_download_url");
    cJSON_Delete(r.node);
    char *data = NULL;
    size_t len = 0;
    if (rc == K_OK)
        rc = ap_http_get(c, url, &data, &len, msg);
    if (rc == K_OK && len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
        rc = read_zip((const unsigned char *)data, len, fn, arg, msg);
    else if (rc == K_OK && read_member((const unsigned char *)data, len, fn, arg, msg) != 1)
        rc = K_ECORRUPT;
    free(data);
    return rc;
}
