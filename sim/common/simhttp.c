/* The HTTP simulators' requests (simhttp.h). */
#include "sim/common/simhttp.h"

#include <stdlib.h>
#include <string.h>

void *simhttp_req_new(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls, (void)c;
    simhttp_req_t *r = calloc(1, sizeof *r);
    if (r)
        r->uri = strdup(uri);
    return r;
}

void simhttp_req_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    simhttp_req_t *r = *con_cls;
    if (r) {
        free(r->uri);
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

static bool add(simhttp_req_t *r, const char *data, size_t n)
{
    if (r->len + n > SIMHTTP_MAX_BODY)
        return false;
    char *g = realloc(r->body, r->len + n + 1);
    if (!g)
        return false;
    memcpy(g + r->len, data, n);
    r->len += n;
    g[r->len] = '\0';
    r->body = g;
    return true;
}

int simhttp_gather(void **con_cls, const char *data, size_t *size, simhttp_req_t **out)
{
    simhttp_req_t *r = *con_cls;
    if (!r)
        return -1;
    if (!r->started) {
        r->started = true;
        return 0;
    }
    if (*size) {
        if (!add(r, data, *size))
            return -1;
        *size = 0;
        return 0;
    }
    *out = r;
    return 1;
}
