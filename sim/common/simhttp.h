/* The HTTP simulators' requests (libmicrohttpd): each connection's URI as
 * received and its body gathered whole, bounded, for the handler's last
 * call. Only the plumbing is shared; each simulator keeps its own codec. */
#ifndef SIM_COMMON_SIMHTTP_H
#define SIM_COMMON_SIMHTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#define SIMHTTP_MAX_BODY ((size_t)1 << 20)

typedef struct simhttp_req {
    char *uri;    /* the raw URI, query included */
    char *body;   /* NUL-terminated, NULL if none came */
    size_t len;
    bool started; /* the handler's first call (headers only) is past */
} simhttp_req_t;

/* MHD_OPTION_URI_LOG_CALLBACK: a new request holding uri (NULL if out of memory). */
void *simhttp_req_new(void *cls, const char *uri, struct MHD_Connection *c);

/* MHD_OPTION_NOTIFY_COMPLETED: frees the request. */
void simhttp_req_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t);

/* Gathers a request through the handler's calls (con_cls, the upload and
 * its size as libmicrohttpd passes them): 1 with *out when it is whole, 0
 * while more is to come (answer MHD_YES), -1 when it cannot be kept
 * (answer MHD_NO: out of memory or past SIMHTTP_MAX_BODY). */
int simhttp_gather(void **con_cls, const char *data, size_t *size, simhttp_req_t **out);

#endif
