/* A raw connection to the test back office (bo_harness.h): bytes exactly as
 * the caller writes them, from a chosen loopback address, over TLS (GnuTLS)
 * when the server speaks it. For the requests libcurl will not make: a body
 * announced and never sent, a handshake never finished, many connections
 * held open at once. */
#ifndef TESTS_BACKOFFICE_BO_RAW_H
#define TESTS_BACKOFFICE_BO_RAW_H

#include <stdbool.h>
#include <stddef.h>

#include "bo_harness.h"

typedef struct boh_raw {
    int fd;
    void *tls;  /* gnutls_session_t; NULL over plain HTTP or without the handshake */
    void *cred; /* gnutls_certificate_credentials_t */
} boh_raw_t;

/* Connects from address `from` (127.0.0.1 if NULL; any 127.x.y.z works),
 * then, if the server speaks TLS and handshake is true, does the handshake
 * with kiosk certificate cert (NULL: none). False if either failed. */
bool boh_raw_open(boh_raw_t *c, const boh_t *h, const char *from, const char *cert, bool handshake);

/* Sends n bytes; false if the connection would not take them in 2 s. */
bool boh_raw_send(boh_raw_t *c, const void *data, size_t n);

/* What came back on a connection within a time. */
typedef struct boh_raw_answer {
    int status;      /* the HTTP status, 0 if no status line came */
    bool closed;     /* the server closed the connection */
    long ms;         /* how long: until the answer or the close, or the whole wait */
    size_t n;        /* bytes in text */
    char text[4096]; /* what came (the start of it), NUL-terminated */
} boh_raw_answer_t;

/* Reads until a whole answer came (headers and Content-Length bytes), the
 * server closed the connection, or wait_ms passed (0: only what is there
 * already). */
void boh_raw_read(boh_raw_t *c, int wait_ms, boh_raw_answer_t *a);

/* Closes the connection (no TLS goodbye: as a client that vanished). */
void boh_raw_close(boh_raw_t *c);

#endif
