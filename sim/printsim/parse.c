/* The ESC/POS byte stream as events: a step machine that never stops on
 * bad input. Printable bytes are text; a command is collected whole (its
 * fixed bytes, then a length-counted body) and reported once; a byte that
 * starts nothing known, or a command this table does not know, is
 * reported as unknown and skipped. A command cut across reads waits for
 * the next read. */
#include <string.h>

#include "sim/printsim/prsim.h"

enum { LF = 0x0A, CR = 0x0D, HT = 0x09, FF = 0x0C, DLE = 0x10, ESC = 0x1B, FS = 0x1C, GS = 0x1D, DEL = 0x7F };
enum { P_IDLE, P_HEAD, P_BODY, P_NUL };
enum { MAX_NUL_DATA = 255 }; /* a barcode's data until NUL, at most */

/* Commands of a fixed length: prefix, command byte, parameter bytes, event. */
static const struct fixed {
    uint8_t prefix, cmd, params;
    prsim_ev_kind_t kind;
} fixed[] = {
    {ESC, '@', 0, PRSIM_EV_INIT},    {ESC, 'a', 1, PRSIM_EV_ALIGN},   {ESC, 'E', 1, PRSIM_EV_BOLD},
    {ESC, 'd', 1, PRSIM_EV_FEED},    {ESC, '!', 1, PRSIM_EV_MODE},    {ESC, 'i', 0, PRSIM_EV_CUT},
    {ESC, 'm', 0, PRSIM_EV_CUT},     {ESC, '-', 1, PRSIM_EV_IGNORED}, {ESC, '2', 0, PRSIM_EV_IGNORED},
    {ESC, '3', 1, PRSIM_EV_IGNORED}, {ESC, 'J', 1, PRSIM_EV_IGNORED}, {ESC, 'M', 1, PRSIM_EV_IGNORED},
    {ESC, 'R', 1, PRSIM_EV_IGNORED}, {ESC, 't', 1, PRSIM_EV_IGNORED}, {ESC, 'G', 1, PRSIM_EV_IGNORED},
    {ESC, '{', 1, PRSIM_EV_IGNORED}, {ESC, 'V', 1, PRSIM_EV_IGNORED}, {ESC, ' ', 1, PRSIM_EV_IGNORED},
    {ESC, '$', 2, PRSIM_EV_IGNORED}, {ESC, 'p', 3, PRSIM_EV_IGNORED}, {ESC, 'c', 2, PRSIM_EV_IGNORED},
    {GS, '!', 1, PRSIM_EV_SIZE},     {GS, 'B', 1, PRSIM_EV_IGNORED},  {GS, 'L', 2, PRSIM_EV_IGNORED},
    {GS, 'W', 2, PRSIM_EV_IGNORED},  {GS, 'h', 1, PRSIM_EV_IGNORED},  {GS, 'w', 1, PRSIM_EV_IGNORED},
    {GS, 'H', 1, PRSIM_EV_IGNORED},  {GS, 'f', 1, PRSIM_EV_IGNORED},  {GS, 'a', 1, PRSIM_EV_IGNORED},
    {GS, 'r', 1, PRSIM_EV_IGNORED},  {FS, '&', 0, PRSIM_EV_CHINESE},  {FS, '.', 0, PRSIM_EV_CHINESE},
    {FS, '!', 1, PRSIM_EV_IGNORED},  {FS, '-', 1, PRSIM_EV_IGNORED},  {FS, 'C', 1, PRSIM_EV_IGNORED},
    {FS, 'p', 2, PRSIM_EV_IGNORED},  {DLE, 0x04, 1, PRSIM_EV_STATUS}, {DLE, 0x05, 1, PRSIM_EV_IGNORED},
    {DLE, 0x14, 3, PRSIM_EV_IGNORED},
};

static void emit(prsim_parser_t *p, prsim_ev_kind_t kind, int arg, const uint8_t *data, size_t len, const char *text)
{
    prsim_ev_t ev = {kind, arg, data, len, text};
    if (kind == PRSIM_EV_UNKNOWN)
        p->unknown += len;
    p->fn(p->ctx, &ev);
}

static void idle(prsim_parser_t *p)
{
    p->state = P_IDLE;
    p->nhead = p->want = p->nbody = p->left = 0;
}

static const struct fixed *find_fixed(uint8_t prefix, uint8_t cmd)
{
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i].prefix == prefix && fixed[i].cmd == cmd)
            return &fixed[i];
    return NULL;
}

/* A whole fixed command: its event, with the argument it carries. */
static void fixed_done(prsim_parser_t *p, const struct fixed *f)
{
    int arg = f->params ? p->head[p->nhead - 1] : 0;
    if (f->kind == PRSIM_EV_CHINESE)
        arg = f->cmd == '&';
    else if (f->kind == PRSIM_EV_CUT)
        arg = 1; /* ESC i, ESC m: partial */
    else if (f->kind == PRSIM_EV_ALIGN && arg >= '0')
        arg -= '0';
    if (f->kind == PRSIM_EV_STATUS && (arg < 1 || arg > 4))
        emit(p, PRSIM_EV_UNKNOWN, 0, p->head, p->nhead, "status query other than DLE EOT 1..4");
    else if (f->kind == PRSIM_EV_ALIGN && (arg < 0 || arg > 2))
        emit(p, PRSIM_EV_UNKNOWN, 0, p->head, p->nhead, "alignment other than 0..2");
    else
        emit(p, f->kind, arg, p->head, p->nhead, NULL);
    idle(p);
}

/* A command whose body follows: keep it (a QR function) or skip it. */
static void body(prsim_parser_t *p, size_t len, bool keep)
{
    if (len == 0) {
        emit(p, PRSIM_EV_IGNORED, 0, p->head, p->nhead, NULL);
        idle(p);
        return;
    }
    p->state = P_BODY;
    p->left = len;
    p->keep = keep && len <= sizeof p->body;
    p->nbody = 0;
    if (keep && !p->keep)
        emit(p, PRSIM_EV_UNKNOWN, 0, p->head, p->nhead, "GS ( k function longer than a QR code holds: skipped");
}

/* GS ( k cn=49 (QR code): the functions of the profile. */
static void qr_function(prsim_parser_t *p)
{
    const uint8_t *b = p->body, fn = p->nbody >= 2 ? b[1] : 0;
    size_t n = p->nbody;
    if (n < 2 || b[0] != '1')
        emit(p, PRSIM_EV_IGNORED, 0, b, n, "GS ( k for another symbol");
    else if (fn == 'C' && n == 3)
        emit(p, PRSIM_EV_QR_MODULE, b[2], NULL, 0, NULL);
    else if (fn == 'E' && n == 3 && b[2] >= '0' && b[2] <= '3')
        emit(p, PRSIM_EV_QR_LEVEL, b[2] - '0', NULL, 0, NULL);
    else if (fn == 'P' && n >= 4 && b[2] == '0')
        emit(p, PRSIM_EV_QR_STORE, 0, b + 3, n - 3, NULL);
    else if (fn == 'Q' && n == 3)
        emit(p, PRSIM_EV_QR_PRINT, 0, NULL, 0, NULL);
    else if (fn == 'A' || fn == 'R')
        emit(p, PRSIM_EV_IGNORED, 0, b, n, NULL);
    else
        emit(p, PRSIM_EV_UNKNOWN, 0, b, n, "QR code function unknown or of the wrong length");
}

/* True if the head holds k bytes; otherwise asks for them. */
static bool have(prsim_parser_t *p, size_t k)
{
    if (p->nhead >= k)
        return true;
    p->want = k;
    return false;
}

/* GS ( fn pL pH, GS v 0 m xL xH yL yH, GS k m: a body follows whose
 * length is in the head (or, for old barcodes, that ends with NUL). */
static void long_head(prsim_parser_t *p)
{
    const uint8_t *h = p->head;
    if (h[1] == '(' && have(p, 5)) {
        body(p, (size_t)(h[3] | h[4] << 8), h[2] == 'k');
    } else if (h[1] == 'v' && have(p, 8)) { /* raster image: xL xH bytes by yL yH dots */
        body(p, (size_t)(h[4] | h[5] << 8) * (size_t)(h[6] | h[7] << 8), false);
    } else if (h[1] == 'k' && have(p, 3)) {
        if (h[2] <= 6) {
            p->state = P_NUL;
            p->left = MAX_NUL_DATA;
        } else if (have(p, 4)) {
            body(p, h[3], false);
        }
    }
}

/* GS V m, or GS V m n (m 65, 66: feed n, then cut). */
static void cut_head(prsim_parser_t *p)
{
    const uint8_t *h = p->head;
    if (!have(p, 3) || ((h[2] == 65 || h[2] == 66) && !have(p, 4)))
        return;
    emit(p, PRSIM_EV_CUT, h[2] == 1 || h[2] == '1' || h[2] == 66, h, p->nhead, NULL);
    idle(p);
}

/* The head holds want bytes: finish the command, or ask for more. */
static void head_done(prsim_parser_t *p)
{
    const uint8_t *h = p->head;
    const struct fixed *f = find_fixed(h[0], h[1]);
    if (h[0] == GS && (h[1] == '(' || h[1] == 'v' || h[1] == 'k')) {
        long_head(p);
    } else if (h[0] == GS && h[1] == 'V') {
        cut_head(p);
    } else if (!f) {
        emit(p, PRSIM_EV_UNKNOWN, 0, h, 2, "unknown command");
        idle(p);
    } else if (have(p, 2u + f->params)) {
        fixed_done(p, f);
    }
}

/* A byte outside any command, not text. */
static void control_byte(prsim_parser_t *p, const uint8_t *b)
{
    switch (*b) {
    case LF: emit(p, PRSIM_EV_LF, 0, b, 1, NULL); break;
    case CR:
    case HT:
    case FF: emit(p, PRSIM_EV_IGNORED, 0, b, 1, NULL); break;
    case ESC:
    case GS:
    case FS:
    case DLE:
        p->state = P_HEAD;
        p->head[0] = *b;
        p->nhead = 1;
        p->want = 2;
        break;
    default: emit(p, PRSIM_EV_UNKNOWN, 0, b, 1, "control byte"); break;
    }
}

/* One byte inside a command. */
static void command_byte(prsim_parser_t *p, uint8_t b)
{
    if (p->state == P_HEAD) {
        p->head[p->nhead++] = b;
        if (p->nhead == p->want)
            head_done(p);
    } else if (p->state == P_BODY) {
        if (p->keep)
            p->body[p->nbody++] = b;
        if (--p->left == 0) {
            if (p->keep)
                qr_function(p);
            else
                emit(p, PRSIM_EV_IGNORED, 0, p->head, p->nhead, NULL);
            idle(p);
        }
    } else if (b == 0 || --p->left == 0) { /* P_NUL */
        emit(p, PRSIM_EV_IGNORED, 0, p->head, p->nhead, NULL);
        idle(p);
    }
}

void prsim_parse(prsim_parser_t *p, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p->state != P_IDLE) {
            command_byte(p, buf[i++]);
            continue;
        }
        size_t run = 0;
        while (i + run < n && buf[i + run] >= 0x20 && buf[i + run] != DEL)
            run++;
        if (run) {
            emit(p, PRSIM_EV_TEXT, 0, buf + i, run, NULL);
            i += run;
        } else if (buf[i] == DEL) {
            emit(p, PRSIM_EV_UNKNOWN, 0, buf + i++, 1, "control byte");
        } else {
            control_byte(p, buf + i++);
        }
    }
}

void prsim_parse_reset(prsim_parser_t *p)
{
    if (p->state != P_IDLE)
        emit(p, PRSIM_EV_UNKNOWN, 0, p->head, p->nhead, "command cut off by the end of the link");
    idle(p);
}
