/* libFuzzer target: printsim's ESC/POS parser and what it drives, the page
 * and the text rendering. The first byte picks the size of the pieces the
 * rest is fed in (reads from a link) and the printer's state; nothing may
 * crash or leak, every status answer must be a status byte, the parser
 * must stay within its buffers, every cut receipt must render. */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/printsim/prsim.h"

static void on_cut(void *ctx, const prsim_page_t *page)
{
    (void)ctx;
    char *text = prsim_text_render(page);
    if (!text || (page->n > 0 && text[0] == '\0'))
        abort(); /* a receipt with lines renders to something */
    free(text);
}

static void on_event(void *ctx, const prsim_ev_t *ev)
{
    int answer = prsim_printer_event(ctx, ev);
    if (ev->kind == PRSIM_EV_STATUS && (answer < 0 || (answer & 0x93) != 0x12))
        abort();
    if (ev->kind != PRSIM_EV_STATUS && answer >= 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    log_set_level(LOG_ERROR);
    size_t chunk = (size_t)(data[0] & 0x1F) + 1;
    prsim_printer_t pr;
    memset(&pr, 0, sizeof pr);
    prsim_page_init(&pr.page);
    pr.cut = on_cut;
    pr.dev.paper = (prsim_paper_t)((data[0] >> 5) % 3);
    pr.dev.cover_open = data[0] & 0x80 && data[0] & 0x20;
    static prsim_parser_t p;
    memset(&p, 0, sizeof p);
    p.fn = on_event;
    p.ctx = &pr;
    data++;
    size--;
    for (size_t off = 0; off < size; off += chunk) {
        prsim_parse(&p, data + off, size - off < chunk ? size - off : chunk);
        if (p.nhead > sizeof p.head || p.nbody > sizeof p.body || pr.page.n > PRSIM_MAX_LINES ||
            pr.page.line_bytes > PRSIM_MAX_LINE)
            abort();
    }
    prsim_parse_reset(&p);
    prsim_page_clear(&pr.page);
    return 0;
}
