/* The HTTP layer's own state, between bo_http.c (a request's life),
 * bo_listen.c (libmicrohttpd with the [server] limits) and bo_wait.c
 * (long polls parked without a thread). Internal to the server. */
#ifndef BACKOFFICE_BO_HTTP_H
#define BACKOFFICE_BO_HTTP_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "backoffice/http/bo_server.h"

/* A request with nothing to answer yet, its connection suspended. */
typedef struct bo_parked {
    struct MHD_Connection *conn;
    struct bo_parked *next;
} bo_parked_t;

typedef struct bo_http {
    atomic_size_t upload_used; /* bytes of [server] upload_memory_bytes held by bodies being received */
    atomic_int polls;          /* long polls parked, or woken and not yet answered */
    pthread_mutex_t lock;      /* guards parked and closing */
    bo_parked_t *parked;
    bool closing;              /* the server stops: park nothing more */
    pthread_t waker;
    bool waker_running;
    void *watch;             /* the store's watch on the database's changes (NULL: none) */
    pthread_t listener;      /* waits on watch and wakes the waker */
    bool listener_running;
    atomic_bool listen_stop;
    atomic_bool nudged;      /* a notice came: the waker wakes the parked requests at once */
    atomic_long notices;     /* the database's notices heard (the health probe says) */
} bo_http_t;

/* libmicrohttpd's access handler: admits a request on its headers, takes
 * its body, runs its handler (bo_http.c). cls is the bo_server_t. */
enum MHD_Result bo__http_on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                    const char *version, const char *upload, size_t *upload_size, void **con_cls);

/* Adds the web console's security headers to resp (bo_http.c). */
void bo__console_headers(struct MHD_Response *resp);

/* libmicrohttpd's end of a request: gives back its memory. */
void bo__http_on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why);

/* Suspends p's connection until something changes or the next tick (called
 * from the access handler, which then returns without an answer); false if
 * the server is stopping, and the request must answer now. */
bool bo__wait_park(bo_http_t *h, bo_parked_t *p);

/* Starts the thread that wakes parked requests, and, when the store has a
 * watch on the database's changes (PostgreSQL), the one that listens. */
kerr_t bo__wait_start(bo_server_t *s, kmsg_t *msg);

/* Wakes every parked request, parks no more, ends that thread, and gives
 * the woken requests a second to send their answers. */
void bo__wait_stop(bo_server_t *s);

#endif
