/* The kiosk's identity: the CN of its client certificate, verified by
 * GnuTLS against the kiosks' CA (libmicrohttpd's HTTPS_MEM_TRUST). */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/http/bo_server.h"

static bool cn_of(const gnutls_datum_t *der, char *cn, size_t len, kmsg_t *msg)
{
    gnutls_x509_crt_t crt;
    if (gnutls_x509_crt_init(&crt) < 0)
        return kmsg_set(msg, K_EIO, "out of memory reading the client certificate"), false;
    size_t n = len;
    bool ok = gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) >= 0 &&
              gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &n) >= 0;
    gnutls_x509_crt_deinit(crt);
    if (!ok)
        kmsg_set(msg, K_EINVAL, "the client certificate has no common name (CN): it must name the kiosk");
    return ok;
}

bool bo__tls_peer_cn(struct MHD_Connection *conn, char *cn, size_t len, kmsg_t *msg)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    gnutls_session_t tls = ci ? (gnutls_session_t)ci->tls_session : NULL;
    if (!tls)
        return kmsg_set(msg, K_EINVAL, "this connection is not TLS"), false;
    unsigned list_n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(tls, &list_n);
    if (!list || list_n == 0)
        return kmsg_set(msg, K_EINVAL,
                        "no client certificate was presented: a kiosk must connect with its own certificate"),
               false;
    unsigned status = 0;
    if (gnutls_certificate_verify_peers2(tls, &status) < 0 || status != 0)
        return kmsg_set(msg, K_EINVAL,
                        "the client certificate is not signed by the kiosks' CA (or has expired): enrol the "
                        "kiosk again"),
               false;
    return cn_of(&list[0], cn, len, msg);
}

bool bo__tls_peer_is(struct MHD_Connection *conn, const char *fingerprint)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    gnutls_session_t tls = ci ? (gnutls_session_t)ci->tls_session : NULL;
    unsigned list_n = 0;
    const gnutls_datum_t *list = tls ? gnutls_certificate_get_peers(tls, &list_n) : NULL;
    unsigned char fp[32];
    size_t fp_len = sizeof fp;
    char hex[80];
    if (!list || list_n == 0 || gnutls_fingerprint(GNUTLS_DIG_SHA256, &list[0], fp, &fp_len) < 0)
        return false;
    size_t o = (size_t)snprintf(hex, sizeof hex, "sha256:");
    for (size_t i = 0; i < fp_len && o + 3 <= sizeof hex; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "%02x", fp[i]);
    return strcmp(hex, fingerprint) == 0;
}
