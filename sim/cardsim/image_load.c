/* Card images, read: every field is checked and a wrong one is named (with
 * its journal entry), an unknown one is refused, and the image must agree
 * with itself (the serial in EF_INFO, the status byte). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk/app/kjson.h"
#include "sim/cardsim/cardsim_card.h"

#define MAX_IMAGE_BYTES (64 << 20)
#define JSON_EXACT 9007199254740992.0 /* 2^53 */

/* Where a field sits, for messages: entry 0 is the top level. */
typedef struct where {
    size_t entry;
    kmsg_t *msg;
} where_t;

static kerr_t bad(const where_t *w, const char *field, const char *why)
{
    if (w->entry)
        return kmsg_set(w->msg, K_EINVAL, "journal entry %zu: '%s' %s", w->entry, field, why);
    return kmsg_set(w->msg, K_EINVAL, "'%s' %s", field, why);
}

static const cJSON *need(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

static kerr_t get_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, int64_t *out, const where_t *w)
{
    const cJSON *it = need(o, name);
    char why[80];
    snprintf(why, sizeof why, "must be a whole number %lld..%lld", (long long)lo, (long long)hi);
    if (!cJSON_IsNumber(it))
        return bad(w, name, why);
    double d = it->valuedouble;
    if (!(d >= -JSON_EXACT && d <= JSON_EXACT) || (double)(int64_t)d != d || d < (double)lo || d > (double)hi)
        return bad(w, name, why);
    *out = (int64_t)d;
    return K_OK;
}

static kerr_t get_hex(const cJSON *o, const char *name, uint8_t *out, size_t n, const where_t *w)
{
    const cJSON *it = need(o, name);
    char why[64];
    snprintf(why, sizeof why, "must be %zu hex digits", 2 * n);
    if (!cJSON_IsString(it) || !cardsim_unhex(it->valuestring, out, n))
        return bad(w, name, why);
    return K_OK;
}

static kerr_t only_known(const cJSON *o, const char *const *names, const where_t *w)
{
    for (const cJSON *it = o->child; it; it = it->next) {
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
            known = strcmp(it->string, names[i]) == 0;
        if (!known)
            return bad(w, it->string, "is not a field of a card image");
    }
    return K_OK;
}

static kerr_t get_sfi(const cJSON *o, uint8_t *sfi, const where_t *w)
{
    const cJSON *it = need(o, "file");
    for (uint8_t s = CARDSIM_SFI_INFO; s <= CARDSIM_SFI_WB; s++)
        if (cJSON_IsString(it) && strcmp(it->valuestring, cardsim_file_name(s)) == 0) {
            *sfi = s;
            return K_OK;
        }
    return bad(w, "file", "must be EF_INFO, EF_PURSE or EF_WRITEBACK");
}

/* data: 1 byte or more, within the file from offset. */
static kerr_t get_data(const cJSON *o, cardsim_entry_t *e, size_t size, const where_t *w)
{
    const cJSON *it = need(o, "data");
    size_t len = cJSON_IsString(it) ? strlen(it->valuestring) / 2 : 0;
    if (len < 1 || e->offset + len > size || !cardsim_unhex(it->valuestring, e->data, len))
        return bad(w, "data", "must be hex digits, 1 byte or more, within the file from its offset");
    e->len = len;
    return K_OK;
}

static kerr_t load_entry(const cJSON *o, cardsim_image_t *img, const where_t *w)
{
    static const char *const names[] = {"time", "time_ms", "file", "offset", "data", "repeat", NULL};
    cardsim_entry_t e = {0};
    int64_t offset = 0;
    size_t size = 0;
    if (!cJSON_IsObject(o))
        return bad(w, "journal", "must hold objects");
    const cJSON *repeat = need(o, "repeat");
    kerr_t rc = only_known(o, names, w);
    rc = rc ? rc : get_int(o, "time_ms", 0, (int64_t)JSON_EXACT, &e.time_ms, w);
    rc = rc ? rc : get_sfi(o, &e.sfi, w);
    cardsim_file(&img->files, e.sfi, &size);
    rc = rc ? rc : get_int(o, "offset", 0, (int64_t)size - 1, &offset, w);
    e.offset = (uint8_t)offset;
    rc = rc ? rc : get_data(o, &e, size, w);
    if (!rc && repeat && !cJSON_IsBool(repeat))
        rc = bad(w, "repeat", "must be true or false");
    e.repeat = cJSON_IsTrue(repeat);
    if (!rc && !cardsim_journal_push(img, &e))
        rc = kmsg_set(w->msg, K_EIO, "out of memory, or over %d journal entries", CARDSIM_MAX_JOURNAL);
    return rc;
}

static kerr_t load_journal(const cJSON *root, cardsim_image_t *img, kmsg_t *msg)
{
    const cJSON *a = need(root, "journal");
    where_t w = {0, msg};
    if (!a)
        return K_OK;
    if (!cJSON_IsArray(a))
        return bad(&w, "journal", "must be a list");
    kerr_t rc = K_OK;
    for (const cJSON *it = a->child; it && !rc; it = it->next) {
        w.entry++;
        rc = load_entry(it, img, &w);
    }
    return rc;
}

/* status, mac_failures and EF_INFO must tell the same story. */
static kerr_t check_status(const cJSON *root, cardsim_image_t *img, const where_t *w)
{
    const cJSON *st = need(root, "status");
    cardsim_files_t *f = &img->files;
    int64_t failures = 0;
    if (!cJSON_IsString(st) || (strcmp(st->valuestring, "active") != 0 && strcmp(st->valuestring, "blocked") != 0))
        return bad(w, "status", "must be \"active\" or \"blocked\"");
    uint8_t want = strcmp(st->valuestring, "blocked") == 0 ? CARDSIM_STATUS_BLOCKED : CARDSIM_STATUS_ACTIVE;
    if (f->info[CARDSIM_INFO_STATUS] != want)
        return bad(w, "ef_info", "must hold the status in byte 2 (00 active, 01 blocked)");
    if (memcmp(f->info + CARDSIM_INFO_SERIAL, img->serial, CARD_SERIAL_LEN) != 0)
        return bad(w, "ef_info", "must hold the serial in bytes 3..10");
    kerr_t rc = get_int(root, "mac_failures", 0, CARDSIM_MAX_MAC_FAILURES, &failures, w);
    if (!rc && failures == CARDSIM_MAX_MAC_FAILURES && want != CARDSIM_STATUS_BLOCKED)
        return bad(w, "mac_failures", "is 3 only on a blocked card");
    f->mac_failures = (int)failures;
    return rc;
}

static kerr_t load_top(const cJSON *root, cardsim_image_t *img, kmsg_t *msg)
{
    static const char *const names[] = {"format",  "version", "serial",       "status",  "mac_failures",
                                        "ef_info", "ef_purse", "ef_writeback", "journal", NULL};
    where_t w = {0, msg};
    int64_t version = 0;
    const cJSON *format = need(root, "format");
    if (!cJSON_IsObject(root))
        return kmsg_set(msg, K_EINVAL, "a card image must hold one JSON object");
    kerr_t rc = only_known(root, names, &w);
    if (!rc && (!cJSON_IsString(format) || strcmp(format->valuestring, "cardsim-card") != 0))
        rc = bad(&w, "format", "must be \"cardsim-card\"");
    rc = rc ? rc : get_int(root, "version", 1, 1, &version, &w);
    rc = rc ? rc : get_hex(root, "serial", img->serial, CARD_SERIAL_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_info", img->files.info, CARDSIM_INFO_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_purse", img->files.purse, CARDSIM_PURSE_LEN, &w);
    rc = rc ? rc : get_hex(root, "ef_writeback", img->files.wb, CARDSIM_WB_LEN, &w);
    rc = rc ? rc : check_status(root, img, &w);
    return rc ? rc : load_journal(root, img, msg);
}

static kerr_t read_text(const char *path, char **out, kmsg_t *msg)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        return kmsg_set(msg, errno == ENOENT ? K_ENOTFOUND : K_EIO, "cannot read %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_IMAGE_BYTES) {
        fclose(f);
        return kmsg_set(msg, K_EIO, "cannot read %s (not a file, or over %d MB)", path, MAX_IMAGE_BYTES >> 20);
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    size_t n = text ? fread(text, 1, size + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!text || err || n > size) {
        free(text);
        return kmsg_set(msg, K_EIO, "cannot read %s (out of memory, or it changed while read)", path);
    }
    text[n] = '\0';
    *out = text;
    return K_OK;
}

/* Reads and checks a card image file. */
kerr_t cardsim_image_load(const char *path, cardsim_image_t *img, kmsg_t *msg)
{
    char *text = NULL;
    memset(img, 0, sizeof *img);
    kerr_t rc = read_text(path, &text, msg);
    if (rc)
        return rc;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root)
        rc = kmsg_set(msg, K_EINVAL, "%s is not JSON (look near byte %td)", path, end ? end - text : 0);
    free(text);
    if (!rc)
        rc = load_top(root, img, msg);
    cJSON_Delete(root);
    if (rc)
        cardsim_image_free(img);
    return rc;
}
