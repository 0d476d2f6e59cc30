#include "base/rand.h"

#include <errno.h>
#include <sys/random.h>

static kerr_t sys_fill(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return K_EIO;
        p += n;
        len -= (size_t)n;
    }
    return K_OK;
}

static const krand_t system_rand = {sys_fill, NULL};

const krand_t *krand_system(void)
{
    return &system_rand;
}

kerr_t krand_fill(const krand_t *r, void *buf, size_t len)
{
    r = r ? r : &system_rand;
    return r->fill(r->ctx, buf, len);
}

kerr_t krand_uuid(const krand_t *r, char out[UUID_STR_LEN])
{
    uint8_t b[16];
    kerr_t rc = krand_fill(r, b, sizeof b);
    if (rc == K_OK)
        uuid_v4_format(b, out);
    return rc;
}

uint32_t krand_u32(const krand_t *r)
{
    uint32_t v = 0;
    return krand_fill(r, &v, sizeof v) == K_OK ? v : 0;
}
