/* Card images, read: every field is checked and a wrong one is named (with
 * its journal entry), an unknown one is refused, and the image must agree
 * with itself (the serial in EF_INFO, the status byte). */
#include <stdio.h>
#include <string.h>

#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simhex.h"
#include "sim/common/simjson.h"

#define MAX_IMAGE_BYTES ((size_t)64 << 20)
#define IMAGE "a card image"

static const cJSON *need(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* A whole number in [lo, hi] that must be there. */
static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, int64_t *out, const simjson_at_t *w)
{
    return simjson_int(o, name, lo, hi, SIMJSON_NEEDED, out, w);
}

static kerr_t get_hex(const cJSON *o, const char *name, uint8_t *out, size_t n, const simjson_at_t *w)
{
    const cJSON *it = need(o, name);
    char why[64];
    snprintf(why, sizeof why, "must be %zu hex digits", 2 * n);
    if (!cJSON_IsString(it) || !simhex_decode(it->valuestring, out, n))
        return simjson_bad(w, name, why);
    return K_OK;
}

static kerr_t get_sfi(const cJSON *o, uint8_t *sfi, const simjson_at_t *w)
{
    const cJSON *it = need(o, "file");
    for (uint8_t s = CARDSIM_SFI_INFO; s <= CARDSIM_SFI_WB; s++)
        if (cJSON_IsString(it) && strcmp(it->valuestring, cardsim_file_name(s)) == 0) {
            *sfi = s;
            return K_OK;
        }
    return simjson_bad(w, "file", "must be EF_INFO, EF_PURSE or EF_WRITEBACK");
}

/* data: 1 byte or more, within the file from offset. */
static kerr_t get_data(const cJSON *o, cardsim_entry_t *e, size_t size, const simjson_at_t *w)
{
    const cJSON *it = need(o, "data");
    size_t len = cJSON_IsString(it) ? strlen(it->valuestring) / 2 : 0;
    if (len < 1 || e->offset + len > size || !simhex_decode(it->valuestring, e->data, len))
        return simjson_bad(w, "data", "must be hex digits, 1 byte or more, within the file from its offset");
    e->len = len;
    return K_OK;
}

/* Journal entry n into the cardsim_image_t ctx. */
static kerr_t load_entry(const cJSON *o, size_t n, const simjson_at_t *w, void *ctx)
{
    cardsim_image_t *img = ctx;
    (void)n;
    static const char *const names[] = {"time", "time_ms", "file", "offset", "data", "repeat", NULL};
    cardsim_entry_t e = {0};
    int64_t offset = 0;
    size_t size = 0;
    if (!cJSON_IsObject(o))
        return simjson_bad(w, "journal", "must hold objects");
    kerr_t rc = simjson_only_known(o, names, w);
    rc = rc ? rc : get_int(o, "time_ms", 0, SIMJSON_INT_MAX, &e.time_ms, w);
    rc = rc ? rc : get_sfi(o, &e.sfi, w);
    cardsim_file(&img->files, e.sfi, &size);
    rc = rc ? rc : get_int(o, "offset", 0, (int64_t)size - 1, &offset, w);
    e.offset = (uint8_t)offset;
    rc = rc ? rc : get_data(o, &e, size, w);
    rc = rc ? rc : simjson_bool(o, "repeat", &e.repeat, w);
    if (!rc && !cardsim_journal_push(img, &e))
        rc = kmsg_set(w->msg, K_EIO, "out of memory, or over %d journal entries", CARDSIM_MAX_JOURNAL);
    return rc;
}

/* status, mac_failures and EF_INFO must tell the same story. */
static kerr_t check_status(const cJSON *root, cardsim_image_t *img, const simjson_at_t *w)
{
    const cJSON *st = need(root, "status");
    cardsim_files_t *f = &img->files;
    int64_t failures = 0;
    if (!cJSON_IsString(st) || (strcmp(st->valuestring, "active") != 0 && strcmp(st->valuestring, "blocked") != 0))
        return simjson_bad(w, "status", "must be \"active\" or \"blocked\"");
    uint8_t want = strcmp(st->valuestring, "blocked") == 0 ? CARDSIM_STATUS_BLOCKED : CARDSIM_STATUS_ACTIVE;
    if (f->info[CARDSIM_INFO_STATUS] != want)
        return simjson_bad(w, "ef_info", "must hold the status in byte 2 (00 active, 01 blocked)");
    if (memcmp(f->info + CARDSIM_INFO_SERIAL, img->serial, CARDSIM_SERIAL_LEN) != 0)
        return simjson_bad(w, "ef_info", "must hold the serial in bytes 3..10");
    kerr_t rc = get_int(root, "mac_failures", 0, CARDSIM_MAX_MAC_FAILURES, &failures, w);
    if (!rc && failures == CARDSIM_MAX_MAC_FAILURES && want != CARDSIM_STATUS_BLOCKED)
        return simjson_bad(w, "mac_failures", "is 3 only on a blocked card");
    f->mac_failures = (int)failures;
    return rc;
}

static kerr_t load_top(const cJSON *root, const simjson_at_t *top, void *ctx)
{
    static const char *const names[] = {"format",  "version", "serial",       "status",  "mac_failures",
                                        "ef_info", "ef_purse", "ef_writeback", "journal", NULL};
    cardsim_image_t *img = ctx;
    int64_t version = 0;
    const cJSON *format = need(root, "format");
    kerr_t rc = simjson_only_known(root, names, top);
    if (!rc && (!cJSON_IsString(format) || strcmp(format->valuestring, "cardsim-card") != 0))
        rc = simjson_bad(top, "format", "must be \"cardsim-card\"");
    rc = rc ? rc : get_int(root, "version", 1, 1, &version, top);
    rc = rc ? rc : get_hex(root, "serial", img->serial, CARDSIM_SERIAL_LEN, top);
    rc = rc ? rc : get_hex(root, "ef_info", img->files.info, CARDSIM_INFO_LEN, top);
    rc = rc ? rc : get_hex(root, "ef_purse", img->files.purse, CARDSIM_PURSE_LEN, top);
    rc = rc ? rc : get_hex(root, "ef_writeback", img->files.wb, CARDSIM_WB_LEN, top);
    rc = rc ? rc : check_status(root, img, top);
    return rc ? rc : simjson_list(root, "journal", "journal entry", load_entry, img, top);
}

/* Reads and checks a card image file. */
kerr_t cardsim_image_load(const char *path, cardsim_image_t *img, kmsg_t *msg)
{
    memset(img, 0, sizeof *img);
    kerr_t rc = simjson_read(path, MAX_IMAGE_BYTES, IMAGE, load_top, img, msg);
    if (rc)
        cardsim_image_free(img);
    return rc;
}
