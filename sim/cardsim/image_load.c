/* Card images, read: every field is checked and a wrong one is named (with
 * its journal entry), an unknown one is refused, and the image must agree
 * with itself (the serial in EF_INFO, the status byte). */
#include <stdio.h>
#include <string.h>

#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simload.h"

#define MAX_IMAGE_BYTES ((size_t)64 << 20)
#define IMAGE "a card image"

static const cJSON *need(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* A whole number in [lo, hi] that must be there. */
static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, int64_t *out, const simload_at_t *w)
{
    return simload_int(o, name, lo, hi, SIMLOAD_NEEDED, out, w);
}

static kerr_t get_hex(const cJSON *o, const char *name, uint8_t *out, size_t n, const simload_at_t *w)
{
    const cJSON *it = need(o, name);
    char why[64];
    snprintf(why, sizeof why, "must be %zu hex digits", 2 * n);
    if (!cJSON_IsString(it) || !cardsim_unhex(it->valuestring, out, n))
        return simload_bad(w, name, why);
    return K_OK;
}

static kerr_t get_sfi(const cJSON *o, uint8_t *sfi, const simload_at_t *w)
{
    const cJSON *it = need(o, "file");
    for (uint8_t s = CARDSIM_SFI_INFO; s <= CARDSIM_SFI_WB; s++)
        if (cJSON_IsString(it) && strcmp(it->valuestring, cardsim_file_name(s)) == 0) {
            *sfi = s;
            return K_OK;
        }
    return simload_bad(w, "file", "must be EF_INFO, EF_PURSE or EF_WRITEBACK");
}

/* data: 1 byte or more, within the file from offset. */
static kerr_t get_data(const cJSON *o, cardsim_entry_t *e, size_t size, const simload_at_t *w)
{
    const cJSON *it = need(o, "data");
    size_t len = cJSON_IsString(it) ? strlen(it->valuestring) / 2 : 0;
    if (len < 1 || e->offset + len > size || !cardsim_unhex(it->valuestring, e->data, len))
        return simload_bad(w, "data", "must be hex digits, 1 byte or more, within the file from its offset");
    e->len = len;
    return K_OK;
}

static kerr_t load_entry(const cJSON *o, cardsim_image_t *img, const simload_at_t *w)
{
    static const char *const names[] = {"time", "time_ms", "file", "offset", "data", "repeat", NULL};
    cardsim_entry_t e = {0};
    int64_t offset = 0;
    size_t size = 0;
    if (!cJSON_IsObject(o))
        return simload_bad(w, "journal", "must hold objects");
    kerr_t rc = simload_only_known(o, names, w);
    rc = rc ? rc : get_int(o, "time_ms", 0, SIMLOAD_INT_MAX, &e.time_ms, w);
    rc = rc ? rc : get_sfi(o, &e.sfi, w);
    cardsim_file(&img->files, e.sfi, &size);
    rc = rc ? rc : get_int(o, "offset", 0, (int64_t)size - 1, &offset, w);
    e.offset = (uint8_t)offset;
    rc = rc ? rc : get_data(o, &e, size, w);
    rc = rc ? rc : simload_bool(o, "repeat", &e.repeat, w);
    if (!rc && !cardsim_journal_push(img, &e))
        rc = kmsg_set(w->msg, K_EIO, "out of memory, or over %d journal entries", CARDSIM_MAX_JOURNAL);
    return rc;
}

static kerr_t load_journal(const cJSON *root, cardsim_image_t *img, kmsg_t *msg)
{
    const cJSON *a = need(root, "journal");
    simload_at_t w = simload_top(IMAGE, msg);
    size_t entry = 0;
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a))
        return simload_bad(&w, "journal", "must be a list");
    kerr_t rc = K_OK;
    for (const cJSON *it = a->child; it && !rc; it = it->next) {
        simload_at(&w, "journal entry %zu: ", ++entry);
        rc = load_entry(it, img, &w);
    }
    return rc;
}

/* status, mac_failures and EF_INFO must tell the same story. */
static kerr_t check_status(const cJSON *root, cardsim_image_t *img, const simload_at_t *w)
{
    const cJSON *st = need(root, "status");
    cardsim_files_t *f = &img->files;
    int64_t failures = 0;
    if (!cJSON_IsString(st) || (strcmp(st->valuestring, "active") != 0 && strcmp(st->valuestring, "blocked") != 0))
        return simload_bad(w, "status", "must be \"active\" or \"blocked\"");
    uint8_t want = strcmp(st->valuestring, "blocked") == 0 ? CARDSIM_STATUS_BLOCKED : CARDSIM_STATUS_ACTIVE;
    if (f->info[CARDSIM_INFO_STATUS] != want)
        return simload_bad(w, "ef_info", "must hold the status in byte 2 (00 active, 01 blocked)");
    if (memcmp(f->info + CARDSIM_INFO_SERIAL, img->serial, CARDSIM_SERIAL_LEN) != 0)
        return simload_bad(w, "ef_info", "must hold the serial in bytes 3..10");
    kerr_t rc = get_int(root, "mac_failures", 0, CARDSIM_MAX_MAC_FAILURES, &failures, w);
    if (!rc && failures == CARDSIM_MAX_MAC_FAILURES && want != CARDSIM_STATUS_BLOCKED)
        return simload_bad(w, "mac_failures", "is 3 only on a blocked card");
    f->mac_failures = (int)failures;
    return rc;
}

static kerr_t load_top(const cJSON *root, cardsim_image_t *img, kmsg_t *msg)
{
    static const char *const names[] = {"format",  "version", "serial",       "status",  "mac_failures",
                                        "ef_info", "ef_purse", "ef_writeback", "journal", NULL};
    simload_at_t w = simload_top(IMAGE, msg);
    int64_t version = 0;
    const cJSON *format = need(root, "format");
    if (!cJSON_IsObject(root))
        return kmsg_set(msg, K_EINVAL, "a card image must hold one JSON object");
    kerr_t rc = simload_only_known(root, names, &w);
    if (!rc && (!cJSON_IsString(format) || strcmp(format->valuestring, "cardsim-card") != 0))
        rc = simload_bad(&w, "format", "must be \"cardsim-card\"");
    rc = rc ? rc : get_int(root, "version", 1, 1, &version, &w);
    rc = rc ? rc : get_hex(root, "serial", img->serial, CARDSIM_SERIAL_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_info", img->files.info, CARDSIM_INFO_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_purse", img->files.purse, CARDSIM_PURSE_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_writeback", img->files.wb, CARDSIM_WB_LEN, &w);
    rc = rc ? rc : check_status(root, img, &w);
    return rc ? rc : load_journal(root, img, msg);
}

/* Reads and checks a card image file. */
kerr_t cardsim_image_load(const char *path, cardsim_image_t *img, kmsg_t *msg)
{
    cJSON *root = NULL;
    memset(img, 0, sizeof *img);
    kerr_t rc = simload_file(path, MAX_IMAGE_BYTES, &root, msg);
    if (rc)
        return rc;
    rc = load_top(root, img, msg);
    cJSON_Delete(root);
    if (rc)
        cardsim_image_free(img);
    return rc;
}
