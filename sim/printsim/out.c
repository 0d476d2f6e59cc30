/* The output folder: receipt-0001.png and receipt-0001.txt, numbered on
 * from the receipts already there; the PNG is written first, the text
 * last, each appearing whole, so a reader who sees the text sees both. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/printsim/prsim.h"

/* The highest NNNN of receipt-NNNN.txt in dir (0 if none). */
static unsigned highest(DIR *d)
{
    unsigned top = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned n;
        char tail[8];
        if (sscanf(e->d_name, "receipt-%u.%7s", &n, tail) == 2 && strcmp(tail, "txt") == 0 && n > top)
            top = n;
    }
    return top;
}

kerr_t prsim_out_open(prsim_out_t *o, const char *dir, kmsg_t *msg)
{
    memset(o, 0, sizeof *o);
    if (strlen(dir) + 32 >= sizeof o->dir)
        return kmsg_set(msg, K_EINVAL, "--out %s: the path is too long", dir);
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return kmsg_set(msg, K_EIO, "cannot make the output folder %s: %s", dir, strerror(errno));
    DIR *d = opendir(dir);
    if (!d)
        return kmsg_set(msg, K_EIO, "cannot read the output folder %s: %s", dir, strerror(errno));
    o->next = highest(d) + 1;
    closedir(d);
    return K_OK;
}

/* Writes both files of one receipt under stem; false with msg set. */
static bool write_both(const prsim_page_t *page, const char *stem, kmsg_t *msg)
{
    char path[PRSIM_PATH_MAX + 8];
    char *text = prsim_text_render(page);
    if (!text) {
        kmsg_set(msg, K_EIO, "out of memory");
        return false;
    }
    snprintf(path, sizeof path, "%s.png", stem);
    bool ok = prsim_png_render(page, path, msg) == K_OK;
    snprintf(path, sizeof path, "%s.txt", stem);
    if (ok && !simio_write_file(path, text)) {
        kmsg_set(msg, K_EIO, "cannot write %s: %s", path, strerror(errno));
        ok = false;
    }
    free(text);
    return ok;
}

bool prsim_out_write(prsim_out_t *o, const prsim_page_t *page)
{
    char stem[PRSIM_PATH_MAX];
    kmsg_t msg = {""};
    snprintf(stem, sizeof stem, "%s/receipt-%04u", o->dir, o->next);
    if (!write_both(page, stem, &msg)) {
        LOG_E(PRSIM_LOG, "receipt %u not written: %s", o->next, msg.text);
        return false;
    }
    snprintf(o->last, sizeof o->last, "%s", stem);
    LOG_I(PRSIM_LOG, "receipt %u: %s.txt and .png (%zu lines)", o->next, stem, page->n);
    o->next++;
    return true;
}
