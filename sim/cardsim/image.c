/* Card images, written: one JSON object per card (docs/sim/cardsim.md,
 * "Card images"), replaced whole after every change so that a reader sees
 * the old image or the new one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/kjson.h"
#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simarray.h"
#include "sim/common/simhex.h"
#include "sim/common/simio.h"
#include "sim/common/simjson.h"

/* The image of a blank card with this serial. */
void cardsim_image_blank(cardsim_image_t *img, const uint8_t serial[CARDSIM_SERIAL_LEN])
{
    memset(img, 0, sizeof *img);
    memcpy(img->serial, serial, CARDSIM_SERIAL_LEN);
    img->files.info[0] = 0x01;
    img->files.info[CARDSIM_INFO_TYPE] = CARDSIM_TYPE_BLANK;
    img->files.info[CARDSIM_INFO_STATUS] = CARDSIM_STATUS_ACTIVE;
    memcpy(img->files.info + CARDSIM_INFO_SERIAL, serial, CARDSIM_SERIAL_LEN);
}

/* Frees the journal of an image. */
void cardsim_image_free(cardsim_image_t *img)
{
    free(img->journal);
    img->journal = NULL;
    img->n_journal = img->cap_journal = 0;
}

/* Appends one UPDATE to the journal. */
bool cardsim_journal_push(cardsim_image_t *img, const cardsim_entry_t *e)
{
    if (img->n_journal >= CARDSIM_MAX_JOURNAL)
        return false;
    cardsim_entry_t *p = simarray_room(img->journal, img->n_journal, &img->cap_journal, sizeof *p, 16);
    if (!p)
        return false;
    img->journal = p;
    img->journal[img->n_journal++] = *e;
    return true;
}

static bool add_hex(cJSON *o, const char *name, const uint8_t *b, size_t n)
{
    char text[2 * CARDSIM_FILE_MAX + 1];
    simhex_encode(b, n, text);
    return kjson_add_str(o, name, text);
}

/* Journal entry i of the cardsim_image_t ctx. */
static cJSON *entry_json(const void *ctx, size_t i)
{
    const cardsim_entry_t *e = &((const cardsim_image_t *)ctx)->journal[i];
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_time(o, "time", e->time_ms) && kjson_add_int(o, "time_ms", e->time_ms) &&
              kjson_add_str(o, "file", cardsim_file_name(e->sfi)) && kjson_add_int(o, "offset", e->offset) &&
              add_hex(o, "data", e->data, e->len) && cJSON_AddBoolToObject(o, "repeat", e->repeat);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static cJSON *image_json(const cardsim_image_t *img)
{
    const cardsim_files_t *f = &img->files;
    bool blocked = f->info[CARDSIM_INFO_STATUS] == CARDSIM_STATUS_BLOCKED;
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "format", "cardsim-card") && kjson_add_int(o, "version", 1) &&
              add_hex(o, "serial", img->serial, CARDSIM_SERIAL_LEN) &&
              kjson_add_str(o, "status", blocked ? "blocked" : "active") &&
              kjson_add_int(o, "mac_failures", f->mac_failures) && add_hex(o, "ef_info", f->info, sizeof f->info) &&
              add_hex(o, "ef_purse", f->purse, sizeof f->purse) && add_hex(o, "ef_writeback", f->wb, sizeof f->wb) &&
              simjson_add_list(o, "journal", img->n_journal, entry_json, img);
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

/* The image as JSON text. */
char *cardsim_image_json(const cardsim_image_t *img, bool pretty)
{
    cJSON *o = image_json(img);
    char *text = o ? kjson_print(o, pretty) : NULL;
    cJSON_Delete(o);
    return text;
}

/* Replaces the image file whole. */
bool cardsim_image_save(const cardsim_image_t *img, const char *path)
{
    char *text = cardsim_image_json(img, true);
    if (!text) {
        errno = ENOMEM;
        return false;
    }
    bool ok = simio_write_file(path, text);
    free(text);
    return ok;
}

/* Writes a new blank card image, never over an existing file. */
kerr_t cardsim_make_blank(const char *serial_hex, const char *path, kmsg_t *msg)
{
    uint8_t serial[CARDSIM_SERIAL_LEN];
    cardsim_image_t img;
    if (!simhex_decode(serial_hex, serial, sizeof serial))
        return kmsg_set(msg, K_EINVAL, "the serial '%s' is not 16 hex digits", serial_hex);
    if (access(path, F_OK) == 0)
        return kmsg_set(msg, K_ECONFLICT, "%s exists already: not replaced", path);
    cardsim_image_blank(&img, serial);
    if (!cardsim_image_save(&img, path))
        return kmsg_set(msg, K_EIO, "cannot write %s: %s", path, strerror(errno));
    return K_OK;
}
