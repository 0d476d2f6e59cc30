/* printsim: an ESC/POS receipt printer, the printer side of the profile
 * escpos-kiosk (docs/protocols/escpos.md), on TCP and on a pseudo-terminal,
 * with a text control port; every receipt is rendered to a text file and a
 * PNG (docs/sim/printsim.md). This header holds the types its files share;
 * names crossing files start with prsim_ (psim_ is paysim's). */
#ifndef SIM_PRINTSIM_PRSIM_H
#define SIM_PRINTSIM_PRSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "sim/common/simio.h"
#include "sim/common/simpty.h"

#define PRSIM_LOG "printsim"
#define PRSIM_PATH_MAX 1024
#define PRSIM_COLUMNS 48      /* font A on 80 mm paper */
#define PRSIM_MAX_QR 7089     /* the most a QR code holds (numeric, version 40) */
#define PRSIM_MAX_LINE 1024   /* bytes kept of one line; more are dropped */
#define PRSIM_MAX_LINES 2000  /* lines kept of one receipt; more are dropped */

/* ---- parse.c: the ESC/POS byte stream, as events (pure, fuzzed) ---- */

typedef enum prsim_ev_kind {
    PRSIM_EV_TEXT,      /* printable bytes (20..FF but 7F): data, len */
    PRSIM_EV_LF,        /* print the line */
    PRSIM_EV_INIT,      /* ESC @ */
    PRSIM_EV_ALIGN,     /* ESC a: arg 0..2 (48..50 taken as 0..2) */
    PRSIM_EV_BOLD,      /* ESC E: arg bit 0 */
    PRSIM_EV_SIZE,      /* GS !: arg = the byte */
    PRSIM_EV_MODE,      /* ESC !: arg = the byte (bit 3 bold, 4 double height, 5 double width) */
    PRSIM_EV_CHINESE,   /* FS & (arg 1), FS . (arg 0) */
    PRSIM_EV_FEED,      /* ESC d: arg lines */
    PRSIM_EV_CUT,       /* GS V, ESC i, ESC m: arg 1 if partial */
    PRSIM_EV_QR_MODULE, /* GS ( k fn 43: arg dots */
    PRSIM_EV_QR_LEVEL,  /* GS ( k fn 45: arg 0..3 */
    PRSIM_EV_QR_STORE,  /* GS ( k fn 50: data, len */
    PRSIM_EV_QR_PRINT,  /* GS ( k fn 51 */
    PRSIM_EV_STATUS,    /* DLE EOT n: arg 1..4 */
    PRSIM_EV_IGNORED,   /* a known command the simulator does not act on: data, len = its bytes */
    PRSIM_EV_UNKNOWN,   /* bytes skipped: data, len; text says why */
} prsim_ev_kind_t;

typedef struct prsim_ev {
    prsim_ev_kind_t kind;
    int arg;
    const uint8_t *data;
    size_t len;
    const char *text;
} prsim_ev_t;

typedef void (*prsim_ev_fn)(void *ctx, const prsim_ev_t *ev);

/* The parser's state between reads. Zero it, then set fn and ctx. */
typedef struct prsim_parser {
    prsim_ev_fn fn;
    void *ctx;
    int state;
    uint8_t head[8];    /* the command's bytes so far */
    size_t nhead, want; /* ... and how many it needs */
    uint8_t body[PRSIM_MAX_QR + 3]; /* a GS ( k function's bytes after cn fn */
    size_t nbody;
    size_t left;        /* bytes of a long command still to come */
    bool keep;          /* ... kept in body (a QR function), or skipped */
    uint64_t unknown;   /* bytes skipped as unknown */
} prsim_parser_t;

/* Feeds n bytes; every event they complete goes to p->fn at once. A
 * command cut across reads is finished by the next feed. */
void prsim_parse(prsim_parser_t *p, const uint8_t *buf, size_t n);

/* Forgets a half-received command (the link closed). */
void prsim_parse_reset(prsim_parser_t *p);

/* ---- device.c: the printer's sensors and its status answers ---- */

typedef enum prsim_paper { PRSIM_PAPER_OK, PRSIM_PAPER_NEAR_END, PRSIM_PAPER_OUT } prsim_paper_t;
typedef enum prsim_error {
    PRSIM_ERR_NONE,
    PRSIM_ERR_MECHANICAL,
    PRSIM_ERR_CUTTER,
    PRSIM_ERR_UNRECOVERABLE,
    PRSIM_ERR_AUTO_RECOVERABLE,
} prsim_error_t;

typedef struct prsim_dev {
    prsim_paper_t paper;
    bool cover_open, offline;
    prsim_error_t error;
} prsim_dev_t;

/* The answer to DLE EOT n (1..4) for this state (docs/protocols/escpos.md). */
uint8_t prsim_status_byte(const prsim_dev_t *d, int n);

/* True if what arrives now is printed: online, paper, cover closed, no error. */
bool prsim_printable(const prsim_dev_t *d);

/* Names for the control port and the state: "ok", "near-end", "out";
 * "none", "mechanical", "cutter", "unrecoverable", "auto-recoverable". */
const char *prsim_paper_name(prsim_paper_t p);
const char *prsim_error_name(prsim_error_t e);

/* Parses those names; false if text is none of them. */
bool prsim_paper_parse(const char *text, prsim_paper_t *out);
bool prsim_error_parse(const char *text, prsim_error_t *out);

/* ---- page.c: the receipt being printed ---- */

typedef struct prsim_span {
    bool bold;
    uint8_t width, height; /* 1..8 */
    char *text;            /* UTF-8, NUL-terminated */
} prsim_span_t;

typedef enum prsim_line_kind { PRSIM_LINE_TEXT, PRSIM_LINE_QR } prsim_line_kind_t;

typedef struct prsim_line {
    prsim_line_kind_t kind;
    int align;             /* 0 left, 1 centre, 2 right */
    prsim_span_t *spans;   /* TEXT; none: an empty line */
    size_t n_spans;
    uint8_t *qr;           /* QR: the stored data */
    size_t qr_len;
    int module, level;     /* QR: dots per module, 0..3 = L M Q H */
} prsim_line_t;

typedef struct prsim_modes {
    int align;
    bool bold, chinese;
    uint8_t width, height;
} prsim_modes_t;

/* One receipt: its printed lines, the line being filled, the modes in
 * force, the QR code stored. spoiled: something came while the printer
 * could not print, so the receipt is not rendered. */
typedef struct prsim_page {
    prsim_line_t *lines;
    size_t n, cap;
    prsim_modes_t modes;
    prsim_span_t *cur;      /* spans of the line being filled, text converted */
    size_t n_cur, cap_cur;
    uint8_t raw[PRSIM_MAX_LINE]; /* bytes of the span being filled */
    size_t n_raw;
    prsim_modes_t raw_modes;     /* the modes those bytes came in */
    int line_align;              /* taken when the line's first byte came */
    size_t line_bytes, dropped;  /* bytes in the line; bytes dropped for lack of room */
    uint8_t qr[PRSIM_MAX_QR];
    size_t qr_len;
    int qr_module, qr_level;
    bool spoiled;
} prsim_page_t;

/* A receipt cut off the roll, handed to whoever renders it. */
typedef void (*prsim_cut_fn)(void *ctx, const prsim_page_t *page);

/* The printer: its sensors, the receipt being printed, and what becomes of
 * a cut receipt (cut is not called for a spoiled one). One printer serves
 * every link; each link has its own parser. */
typedef struct prsim_printer {
    prsim_page_t page;
    prsim_dev_t dev;
    prsim_cut_fn cut;
    void *ctx;
    uint64_t receipts, discarded, queries, unknown;
} prsim_printer_t;

/* Sets a page to power-up: no lines, left, normal, QR module 3 level L. */
void prsim_page_init(prsim_page_t *page);

/* Frees the page's lines and spans and empties it (the modes stay). */
void prsim_page_clear(prsim_page_t *page);

/* Applies one parser event; returns the byte to send back (the answer to
 * DLE EOT), or -1. */
int prsim_printer_event(prsim_printer_t *pr, const prsim_ev_t *ev);

/* Converts n bytes in GB18030 (chinese) or ASCII to UTF-8: a heap
 * string; bytes that do not decode become U+FFFD, ASCII-mode bytes from 80
 * up become '?'. NULL if out of memory. */
char *prsim_to_utf8(const uint8_t *p, size_t n, bool chinese);

/* ---- layout.c: lines on the 48 columns of the paper (pure) ---- */

/* A piece of a span on one printed row. */
typedef struct prsim_piece {
    const prsim_span_t *span;
    size_t off, len; /* bytes of span->text */
    int col, cols;   /* where it starts, how many columns it takes */
} prsim_piece_t;

typedef struct prsim_row {
    prsim_piece_t *pieces;
    size_t n;
    int indent, height; /* columns before the text (alignment); the tallest span */
} prsim_row_t;

/* Cuts a text line into rows of at most 48 columns (a character of more
 * than one UTF-8 byte takes two columns, times the width) and aligns each.
 * Returns how many rows (at least one) in *rows (heap, free with
 * prsim_rows_free), or 0 if out of memory. */
size_t prsim_layout(const prsim_line_t *line, prsim_row_t **rows);

void prsim_rows_free(prsim_row_t *rows, size_t n);

/* The QR code's line in the text rendering: "[QR data]", or "[QR hex:...]"
 * for data that is not printable UTF-8. Heap string. */
char *prsim_qr_label(const prsim_line_t *line);

/* ---- text.c: the receipt as text (pure) ---- */

/* The receipt as the paper shows it, one row per line, aligned with
 * spaces, trailing spaces cut, a QR code as its label, a feed as empty
 * lines. Heap string; NULL if out of memory. */
char *prsim_text_render(const prsim_page_t *page);

/* ---- png.c: the receipt as a picture ---- */

/* Opens the font (face index in a collection); K_EIO with the reason. */
kerr_t prsim_png_init(const char *font, long index, kmsg_t *msg);

/* Draws the receipt 576 dots wide (plus a margin) with the QR codes and
 * writes it to path (tmp file, then rename). */
kerr_t prsim_png_render(const prsim_page_t *page, const char *path, kmsg_t *msg);

void prsim_png_done(void);

/* ---- out.c: the output folder ---- */

typedef struct prsim_out {
    char dir[PRSIM_PATH_MAX];
    unsigned next;            /* number of the next receipt */
    char last[PRSIM_PATH_MAX]; /* stem of the last receipt written, "" = none */
} prsim_out_t;

/* Uses dir (created if missing); numbering goes on after the receipts
 * already in it. */
kerr_t prsim_out_open(prsim_out_t *o, const char *dir, kmsg_t *msg);

/* Writes dir/receipt-NNNN.png and then .txt; false (logged) on failure. */
bool prsim_out_write(prsim_out_t *o, const prsim_page_t *page);

/* ---- the simulator: serve.c, control.c ---- */

struct prsim;

/* One way in to the printer (the TCP connection, the pty), with its own
 * parser, so that a command half-sent on one does not mix with the other. */
typedef struct prsim_link {
    struct prsim *sim;
    const char *name; /* "tcp", "pty" */
    prsim_parser_t parser;
    uint64_t bytes;
} prsim_link_t;

typedef struct prsim_opts {
    const char *out, *link, *listen_addr, *ports_file, *font;
    long font_index;
    int tcp_port;     /* -1: no TCP printer port; 0: the kernel picks */
    int control_port; /* 0: the kernel picks */
} prsim_opts_t;

typedef struct prsim {
    prsim_printer_t printer;
    prsim_out_t out;
    prsim_link_t tcp, serial;
    int tcp_listen, tcp_conn; /* -1 = none */
    simpty_t pty;             /* master -1: no pty */
    simio_ctl_t ctl;          /* the control port */
    uint64_t connections;
} prsim_t;

/* Opens the output folder, the printer port, the pty and the control
 * port, writes the ports file, serves until SIGTERM or SIGINT and returns
 * the exit status. */
int prsim_serve(prsim_t *s, const prsim_opts_t *o);

/* Runs one control line and returns the reply line (heap, no newline),
 * NULL if out of memory. */
char *prsim_control(prsim_t *s, char *line);

/* The state as one line of JSON (heap), NULL if out of memory. */
char *prsim_state_json(const prsim_t *s);

#endif
