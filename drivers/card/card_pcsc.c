/* The card slot on PC/SC (pcscd through libpcsclite): one reader, found by
 * a part of its name; insert and remove through SCardGetStatusChange; T=1
 * or T=0 as the card offers. APDUs are hex-dumped at debug level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>

#include "base/clock.h"
#include "base/log.h"
#include "drivers/card/card_slot.h"

#define READER_LEN 128

typedef struct pcsc {
    SCARDCONTEXT ctx;
    bool have_ctx;
    char match[READER_LEN];
    char reader[READER_LEN]; /* "" until found */
    SCARDHANDLE card;
    DWORD protocol;
    bool connected;
} pcsc_t;

static card_err_t fail(LONG rc, const char *what, kmsg_t *msg)
{
    card_err_t e;
    switch (rc) {
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD: e = CARD_ABSENT; break;
    case SCARD_E_TIMEOUT: e = CARD_TIMEOUT; break;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE: e = CARD_NO_READER; break;
    default: e = CARD_IO; break;
    }
    kmsg_set(msg, e == CARD_NO_READER ? K_ENOTFOUND : K_EDEVICE, "card reader: %s: %s", what, pcsc_stringify_error(rc));
    return e;
}

/* A PC/SC context, made again if pcscd restarted. */
static card_err_t context(pcsc_t *p, kmsg_t *msg)
{
    if (p->have_ctx && SCardIsValidContext(p->ctx) == SCARD_S_SUCCESS)
        return CARD_OK;
    LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
    p->have_ctx = rc == SCARD_S_SUCCESS;
    p->reader[0] = '\0';
    return p->have_ctx ? CARD_OK : fail(rc, "no PC/SC service (is pcscd running?)", msg);
}

/* Finds the reader whose name contains the configured part. */
static card_err_t find_reader(pcsc_t *p, kmsg_t *msg)
{
    card_err_t e = context(p, msg);
    if (e != CARD_OK || p->reader[0])
        return e;
    char names[4096];
    DWORD len = sizeof names;
    LONG rc = SCardListReaders(p->ctx, NULL, names, &len);
    if (rc != SCARD_S_SUCCESS)
        return fail(rc, "listing the readers", msg);
    for (const char *n = names; *n; n += strlen(n) + 1)
        if (strstr(n, p->match)) {
            snprintf(p->reader, sizeof p->reader, "%s", n);
            return CARD_OK;
        }
    kmsg_set(msg, K_ENOTFOUND, "card reader: no reader named like '%s' (check card.reader)", p->match);
    return CARD_NO_READER;
}

/* Is a card in the reader now? */
static bool present(pcsc_t *p)
{
    SCARD_READERSTATE st = {.szReader = p->reader, .dwCurrentState = SCARD_STATE_UNAWARE};
    return SCardGetStatusChange(p->ctx, 0, &st, 1) == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_PRESENT);
}

static card_err_t pcsc_wait(void *ctx, bool present, int timeout_ms, kmsg_t *msg)
{
    pcsc_t *p = ctx;
    card_err_t e = find_reader(p, msg);
    if (e != CARD_OK)
        return e;
    SCARD_READERSTATE st = {.szReader = p->reader, .dwCurrentState = SCARD_STATE_UNAWARE};
    LONG rc = SCardGetStatusChange(p->ctx, 0, &st, 1);
    int64_t deadline = kclock_mono(NULL) + timeout_ms;
    while (rc == SCARD_S_SUCCESS && ((st.dwEventState & SCARD_STATE_PRESENT) != 0) != present) {
        int64_t left = deadline - kclock_mono(NULL);
        st.dwCurrentState = st.dwEventState;
        rc = left > 0 ? SCardGetStatusChange(p->ctx, (DWORD)left, &st, 1) : SCARD_E_TIMEOUT;
    }
    if (rc != SCARD_S_SUCCESS)
        return fail(rc, present ? "waiting for a card" : "waiting for the card to be taken out", msg);
    return CARD_OK;
}

static void pcsc_disconnect(void *ctx)
{
    pcsc_t *p = ctx;
    if (p->connected)
        SCardDisconnect(p->card, SCARD_UNPOWER_CARD);
    p->connected = false;
}

static card_err_t pcsc_connect(void *ctx, uint8_t atr[CARD_ATR_MAX], size_t *atr_len, kmsg_t *msg)
{
    pcsc_t *p = ctx;
    pcsc_disconnect(p);
    card_err_t e = find_reader(p, msg);
    if (e != CARD_OK)
        return e;
    LONG rc = SCardConnect(p->ctx, p->reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &p->card,
                           &p->protocol);
    if (rc != SCARD_S_SUCCESS)
        return fail(rc, "connecting to the card", msg);
    p->connected = true;
    char name[READER_LEN];
    DWORD name_len = sizeof name, state, proto, len = CARD_ATR_MAX;
    rc = SCardStatus(p->card, name, &name_len, &state, &proto, atr, &len);
    if (rc != SCARD_S_SUCCESS)
        return fail(rc, "reading the ATR", msg);
    *atr_len = len;
    log_hex(LOG_DEBUG, "card", "ATR", atr, len);
    return CARD_OK;
}

static card_err_t pcsc_transmit(void *ctx, const uint8_t *apdu, size_t n, uint8_t resp[CARD_RESP_MAX],
                                size_t *resp_len, kmsg_t *msg)
{
    pcsc_t *p = ctx;
    if (!p->connected) {
        kmsg_set(msg, K_EDEVICE, "card reader: no card connected");
        return CARD_ABSENT;
    }
    const SCARD_IO_REQUEST *pci = p->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    DWORD len = CARD_RESP_MAX;
    log_hex(LOG_DEBUG, "card", "send", apdu, n);
    LONG rc = SCardTransmit(p->card, pci, apdu, (DWORD)n, NULL, resp, &len);
    if (rc != SCARD_S_SUCCESS) {
        card_err_t e = fail(rc, "exchanging an APDU", msg);
        pcsc_disconnect(p);
        if (e == CARD_IO && !present(p)) { /* a card pulled out mid-APDU reads as a failed exchange */
            kmsg_set(msg, K_EDEVICE, "card reader: the card was taken out during an APDU");
            e = CARD_ABSENT;
        }
        return e;
    }
    log_hex(LOG_DEBUG, "card", "received", resp, len);
    if (len < 2) { /* no status word: the card went away in the exchange */
        bool gone = !present(p);
        pcsc_disconnect(p);
        kmsg_set(msg, K_EDEVICE, "card reader: %s", gone ? "the card was taken out during an APDU" : "no answer");
        return gone ? CARD_ABSENT : CARD_IO;
    }
    *resp_len = len;
    return CARD_OK;
}

static bool pcsc_held(void *ctx)
{
    pcsc_t *p = ctx;
    char name[READER_LEN];
    uint8_t atr[CARD_ATR_MAX];
    DWORD name_len = sizeof name, state = 0, proto, len = sizeof atr;
    return p->connected && SCardStatus(p->card, name, &name_len, &state, &proto, atr, &len) == SCARD_S_SUCCESS &&
           (state & SCARD_PRESENT) && (state & SCARD_POWERED);
}

/* A look at the reader without waiting: a card in it, or ready and empty. */
static card_err_t pcsc_probe(void *ctx, kmsg_t *msg)
{
    card_err_t e = pcsc_wait(ctx, true, 1, msg);
    if (e == CARD_OK)
        kmsg_set(msg, K_OK, "a card is in it");
    else if (e == CARD_TIMEOUT)
        kmsg_set(msg, K_OK, "ready, empty");
    return e == CARD_TIMEOUT ? CARD_OK : e;
}

static void pcsc_close(void *ctx)
{
    pcsc_t *p = ctx;
    pcsc_disconnect(p);
    if (p->have_ctx)
        SCardReleaseContext(p->ctx);
    free(p);
}

static const card_slot_ops_t pcsc_ops = {"pcsc",          pcsc_wait, pcsc_connect, pcsc_transmit,
                                         pcsc_disconnect, pcsc_held, pcsc_close,   pcsc_probe};

kerr_t card_pcsc_open(const char *reader_match, card_slot_t *out, kmsg_t *msg)
{
    pcsc_t *p = calloc(1, sizeof *p);
    if (!p)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(p->match, sizeof p->match, "%s", reader_match);
    *out = (card_slot_t){&pcsc_ops, p};
    return K_OK;
}

card_err_t card_slot_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return CARD_OK;
}

void card_slot_close(card_slot_t *s)
{
    if (s->ops)
        s->ops->close(s->ctx);
    *s = (card_slot_t){0};
}
