/* The receipt being printed: what each event does to the page and the
 * modes, the printer refusing data while it cannot print (the receipt is
 * then spoiled and not rendered), and the cut that hands a receipt on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/common/simarray.h"
#include "sim/printsim/prsim.h"

static const prsim_modes_t power_up = {0, false, false, 1, 1};

void prsim_page_init(prsim_page_t *page)
{
    memset(page, 0, sizeof *page);
    page->modes = power_up;
    page->qr_module = 3;
}

static void free_spans(prsim_span_t *spans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(spans[i].text);
    free(spans);
}

/* Forgets the line being filled. */
static void drop_current(prsim_page_t *page)
{
    free_spans(page->cur, page->n_cur);
    page->cur = NULL;
    page->n_cur = page->cap_cur = page->n_raw = page->line_bytes = 0;
}

void prsim_page_clear(prsim_page_t *page)
{
    for (size_t i = 0; i < page->n; i++) {
        free_spans(page->lines[i].spans, page->lines[i].n_spans);
        free(page->lines[i].qr);
    }
    free(page->lines);
    page->lines = NULL;
    page->n = page->cap = page->dropped = 0;
    page->spoiled = false;
    drop_current(page);
}

/* Turns the bytes of the span being filled into a UTF-8 span. */
static void close_span(prsim_page_t *page)
{
    if (page->n_raw == 0)
        return;
    char *text = prsim_to_utf8(page->raw, page->n_raw, page->raw_modes.chinese);
    page->n_raw = 0;
    if (page->n_cur == page->cap_cur) {
        size_t cap = page->cap_cur ? 2 * page->cap_cur : 4;
        prsim_span_t *s = realloc(page->cur, cap * sizeof *s);
        if (!s) {
            free(text);
            return;
        }
        page->cur = s;
        page->cap_cur = cap;
    }
    if (!text)
        return;
    const prsim_modes_t *m = &page->raw_modes;
    page->cur[page->n_cur++] = (prsim_span_t){m->bold, m->width, m->height, text};
}

/* Appends a line (its spans or QR data are the page's from now on). */
static bool push_line(prsim_page_t *page, const prsim_line_t *line)
{
    if (page->n == PRSIM_MAX_LINES) {
        page->dropped++;
        return false;
    }
    prsim_line_t *l = simarray_room(page->lines, page->n, &page->cap, sizeof *l, 32);
    if (!l)
        return false;
    page->lines = l;
    page->lines[page->n++] = *line;
    return true;
}

/* Prints the line being filled (LF, or a command that prints the buffer). */
static void end_line(prsim_page_t *page)
{
    close_span(page);
    prsim_line_t line = {.kind = PRSIM_LINE_TEXT, .align = page->line_bytes ? page->line_align : page->modes.align,
                         .spans = page->cur, .n_spans = page->n_cur};
    if (!push_line(page, &line))
        free_spans(page->cur, page->n_cur);
    page->cur = NULL;
    page->n_cur = page->cap_cur = page->line_bytes = 0;
}

/* Prints a line being filled, if any (before a feed, a QR code, a cut). */
static void flush_line(prsim_page_t *page)
{
    if (page->line_bytes)
        end_line(page);
}

static void add_text(prsim_page_t *page, const uint8_t *p, size_t n)
{
    const prsim_modes_t *m = &page->modes, *r = &page->raw_modes;
    if (page->line_bytes == 0)
        page->line_align = m->align; /* ESC a counts at the start of a line */
    if (page->n_raw && (r->bold != m->bold || r->chinese != m->chinese || r->width != m->width ||
                        r->height != m->height))
        close_span(page);
    page->raw_modes = *m;
    size_t room = PRSIM_MAX_LINE - page->line_bytes;
    if (n > room) {
        page->dropped += n - room;
        n = room;
    }
    memcpy(page->raw + page->n_raw, p, n);
    page->n_raw += n;
    page->line_bytes += n;
}

static void feed(prsim_page_t *page, int lines)
{
    flush_line(page);
    for (int i = 0; i < lines; i++)
        end_line(page);
}

static void print_qr(prsim_page_t *page)
{
    flush_line(page);
    if (page->qr_len == 0) {
        LOG_W(PRSIM_LOG, "QR code print with no data stored: nothing printed");
        return;
    }
    prsim_line_t line = {.kind = PRSIM_LINE_QR, .align = page->modes.align, .qr_len = page->qr_len,
                         .module = page->qr_module, .level = page->qr_level};
    line.qr = malloc(page->qr_len);
    if (!line.qr)
        return;
    memcpy(line.qr, page->qr, page->qr_len);
    if (!push_line(page, &line))
        free(line.qr);
}

static void cut(prsim_printer_t *pr)
{
    prsim_page_t *page = &pr->page;
    flush_line(page);
    if (page->spoiled) {
        pr->discarded++;
        LOG_W(PRSIM_LOG, "receipt cut, but data came while the printer could not print: not rendered");
    } else if (page->n == 0) {
        LOG_I(PRSIM_LOG, "cut with nothing printed");
    } else {
        pr->receipts++;
        if (page->dropped)
            LOG_W(PRSIM_LOG, "receipt too long: %zu bytes or lines dropped", page->dropped);
        if (pr->cut)
            pr->cut(pr->ctx, page);
    }
    prsim_page_clear(page);
}

/* ESC ! n: bold, double height and double width at once. */
static void print_mode(prsim_modes_t *m, int b)
{
    m->bold = b & 0x08;
    m->height = b & 0x10 ? 2 : 1;
    m->width = b & 0x20 ? 2 : 1;
}

static void log_event(const prsim_ev_t *ev)
{
    if (ev->kind == PRSIM_EV_UNKNOWN) {
        char label[96];
        snprintf(label, sizeof label, "skipped (%s)", ev->text ? ev->text : "unknown");
        log_hex(LOG_WARN, PRSIM_LOG, label, ev->data, ev->len < 16 ? ev->len : 16);
    } else if (ev->kind == PRSIM_EV_IGNORED) {
        log_hex(LOG_DEBUG, PRSIM_LOG, "not acted on", ev->data, ev->len < 16 ? ev->len : 16);
    }
}

/* The events that change what is on the paper. */
static bool prints(prsim_ev_kind_t k)
{
    return k == PRSIM_EV_TEXT || k == PRSIM_EV_LF || k == PRSIM_EV_FEED || k == PRSIM_EV_QR_PRINT ||
           k == PRSIM_EV_CUT;
}

/* The events that only set a mode or the QR code. */
static void set_mode(prsim_page_t *page, const prsim_ev_t *ev)
{
    prsim_modes_t *m = &page->modes;
    switch (ev->kind) {
    case PRSIM_EV_INIT:
        drop_current(page);
        *m = power_up;
        break;
    case PRSIM_EV_ALIGN: m->align = ev->arg; break;
    case PRSIM_EV_BOLD: m->bold = ev->arg & 1; break;
    case PRSIM_EV_SIZE:
        m->width = (uint8_t)((ev->arg >> 4 & 7) + 1);
        m->height = (uint8_t)((ev->arg & 7) + 1);
        break;
    case PRSIM_EV_MODE: print_mode(m, ev->arg); break;
    case PRSIM_EV_CHINESE: m->chinese = ev->arg; break;
    case PRSIM_EV_QR_MODULE:
        if (ev->arg >= 1 && ev->arg <= 16)
            page->qr_module = ev->arg;
        break;
    case PRSIM_EV_QR_LEVEL: page->qr_level = ev->arg; break;
    case PRSIM_EV_QR_STORE:
        memcpy(page->qr, ev->data, ev->len);
        page->qr_len = ev->len;
        break;
    case PRSIM_EV_TEXT:
    case PRSIM_EV_LF:
    case PRSIM_EV_FEED:
    case PRSIM_EV_CUT:
    case PRSIM_EV_QR_PRINT:
    case PRSIM_EV_STATUS:
    case PRSIM_EV_IGNORED:
    case PRSIM_EV_UNKNOWN: break;
    }
}

int prsim_printer_event(prsim_printer_t *pr, const prsim_ev_t *ev)
{
    prsim_page_t *page = &pr->page;
    log_event(ev);
    if (ev->kind == PRSIM_EV_UNKNOWN)
        pr->unknown += ev->len;
    if (ev->kind == PRSIM_EV_STATUS) {
        pr->queries++;
        return prsim_status_byte(&pr->dev, ev->arg);
    }
    if (prints(ev->kind) && !prsim_printable(&pr->dev)) {
        if (!page->spoiled)
            LOG_W(PRSIM_LOG, "data while the printer cannot print (paper %s%s%s%s): the receipt is lost",
                  prsim_paper_name(pr->dev.paper), pr->dev.cover_open ? ", cover open" : "",
                  pr->dev.offline ? ", offline" : "", pr->dev.error ? ", error" : "");
        page->spoiled = true;
        if (ev->kind == PRSIM_EV_CUT)
            cut(pr);
        return -1;
    }
    switch (ev->kind) {
    case PRSIM_EV_TEXT: add_text(page, ev->data, ev->len); break;
    case PRSIM_EV_LF: end_line(page); break;
    case PRSIM_EV_FEED: feed(page, ev->arg); break;
    case PRSIM_EV_QR_PRINT: print_qr(page); break;
    case PRSIM_EV_CUT: cut(pr); break;
    case PRSIM_EV_INIT:
    case PRSIM_EV_ALIGN:
    case PRSIM_EV_BOLD:
    case PRSIM_EV_SIZE:
    case PRSIM_EV_MODE:
    case PRSIM_EV_CHINESE:
    case PRSIM_EV_QR_MODULE:
    case PRSIM_EV_QR_LEVEL:
    case PRSIM_EV_QR_STORE: set_mode(page, ev); break;
    case PRSIM_EV_STATUS:
    case PRSIM_EV_IGNORED:
    case PRSIM_EV_UNKNOWN: break;
    }
    return -1;
}
