/* cashsim: a ccTalk bill validator on a pseudo-terminal, speaking the
 * device side of the profile cctalk-bill (docs/protocols/cctalk.md), with a
 * text control port for tests (docs/sim/cashsim.md). This header holds the
 * types its files share; names crossing files start with csim_. */
#ifndef SIM_CASHSIM_CSIM_H
#define SIM_CASHSIM_CSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/money.h"
#include "sim/cashsim/cc_frame.h"
#include "sim/common/simio.h"

#define CSIM_LOG "cashsim"
#define CSIM_TYPES 16      /* bill types 1..16 */
#define CSIM_EVENTS 5      /* pairs in the answer to header 159 */
#define CSIM_ID_LEN 7      /* "CN0020A" */
#define CSIM_PATH_MAX 1024
#define CSIM_DEFAULT_NOTES "1:CN0001A,2:CN0005A,3:CN0010A,4:CN0020A,5:CN0050A,6:CN0100A"

/* Mode bits (header 153). */
enum { CSIM_MODE_STACKER = 1 << 0, CSIM_MODE_ESCROW = 1 << 1 };

/* Status codes of an event pair with A = 0 (the profile's list). */
enum {
    CSIM_ST_MASTER_INHIBIT = 0,
    CSIM_ST_RETURNED = 1,
    CSIM_ST_REJECTED = 2,
    CSIM_ST_INHIBITED = 4,
    CSIM_ST_STACKER_JAM = 7,
    CSIM_ST_STACKER_OK = 10,
    CSIM_ST_BOX_REMOVED = 11,
    CSIM_ST_BOX_INSERTED = 12,
    CSIM_ST_BOX_FULL = 14,
    CSIM_ST_JAM_CLEARED = 22,
};

/* One bill type as --notes set it up. */
typedef struct csim_note {
    char id[CSIM_ID_LEN + 1]; /* "" = unused type: bill id "......." */
    int64_t value;            /* minor units */
    const currency_t *cur;
} csim_note_t;

/* What became of a journalled note. */
typedef enum csim_fate { CSIM_STACKED, CSIM_LOST_POWER, CSIM_LOST_RESET } csim_fate_t;

/* One journal entry: the device's own record of a note it kept (or of a
 * note in escrow it gave back when the power went). */
typedef struct csim_entry {
    int64_t note;             /* running number, 1, 2, ... */
    int type;
    char bill_id[CSIM_ID_LEN + 1];
    char currency[4];
    int64_t value;            /* minor units */
    int counter;              /* event counter of its stacked event; 0 = no event */
    int64_t time_ms;          /* wall clock */
    csim_fate_t fate;
} csim_entry_t;

/* The validator as the host sees it, and the cash box. Saved in the state. */
typedef struct csim_dev {
    uint8_t counter;
    uint8_t events[CSIM_EVENTS][2]; /* newest first */
    bool accepting;                 /* master inhibit status bit 0 */
    uint16_t mask;                  /* bit set = type enabled, bit 0 = type 1 */
    uint8_t mode;                   /* CSIM_MODE_* bits as the host set them */
    int escrow;                     /* bill type held in escrow, 0 = none */
    int jammed;                     /* bill type stuck in the stacker, 0 = none */
    bool box_present, box_full;
    csim_entry_t *journal;
    size_t n_journal, cap_journal;
} csim_dev_t;

/* Pending faults, set on the control port; not saved. */
typedef struct csim_faults {
    bool reject;         /* the next note that reaches validation fails */
    bool jam;            /* the next stacking jams */
    unsigned silent;     /* requests still to be ignored (not carried out) */
    unsigned lose_reply; /* requests carried out whose answers are still to be lost */
    bool bad_answer;     /* the next request is not carried out and answered with bad_header, no data */
    uint8_t bad_header;
} csim_faults_t;

typedef struct csim {
    csim_dev_t dev;
    csim_note_t notes[CSIM_TYPES + 1]; /* by type; [0] unused */
    csim_faults_t faults;
    bool echo;
    int64_t escrow_timeout_ms;         /* 0 = never */
    int64_t escrow_since_ms;           /* monotonic: entered escrow or last extended */
    char state_path[CSIM_PATH_MAX];    /* "" = state in memory only */
} csim_t;

/* ---- notes.c: the bill types ---- */

/* Fills s->notes from a --notes list "TYPE:BILLID,...", or returns
 * K_EINVAL with the reason in msg. */
kerr_t csim_notes_parse(csim_t *s, const char *list, kmsg_t *msg);

/* Returns the bill type whose id is id (7 characters), or 0 if none has it. */
int csim_notes_find(const csim_t *s, const char *id);

/* Returns what the device reports for type (1..16): the 7-character bill
 * id, or the profile's "......." for an unused type. */
const char *csim_bill_id(const csim_t *s, int type);

/* True if text has the shape of a bill id: 2 capital letters, 4 digits and
 * one printable character. */
bool csim_id_shape(const char *text);

/* ---- device.c: the validator's rules ---- */

/* The outcome of a note put in the slot. */
typedef enum csim_insert_result {
    CSIM_IN_MASTER_INHIBIT, /* (0, 0): returned */
    CSIM_IN_INHIBITED,      /* (0, 4): returned (type inhibited or unknown) */
    CSIM_IN_REJECTED,       /* (0, 2): validation failed, returned */
    CSIM_IN_ESCROW,         /* (TYPE, 1): held */
    CSIM_IN_STACKED,        /* (TYPE, 0): kept, journalled */
    CSIM_IN_JAMMED,         /* (0, 7): stuck in the stacker */
} csim_insert_result_t;

/* Records an event pair: the counter steps (255 wraps to 1, never 0) and
 * the pair becomes the newest of the five. */
void csim_event(csim_t *s, uint8_t a, uint8_t b);

/* Puts a note of type (0 = a note the device does not know) in the slot at
 * monotonic time now_ms and returns NULL with the outcome in *out, or why
 * the note cannot be inserted at all (then nothing changes). */
const char *csim_insert(csim_t *s, int type, int64_t now_ms, csim_insert_result_t *out);

/* Carries out route bill (154) with how = 0, 1 or 255 at monotonic time
 * now_ms and returns the answer byte: 0 done, 254 escrow empty, 255 failed. */
uint8_t csim_route(csim_t *s, uint8_t how, int64_t now_ms);

/* Returns the note in escrow to the customer (event (0, 1)) if the escrow
 * timeout has run out at monotonic time now_ms, and says whether it did. */
bool csim_escrow_expire(csim_t *s, int64_t now_ms);

/* Gives when csim_escrow_expire next has something to do (monotonic ms),
 * or INT64_MAX. */
int64_t csim_escrow_deadline(const csim_t *s);

/* Ends a jam with event (0, 22) and then stacks (journalled) or returns the
 * stuck note, returning NULL, or why not (no jam). */
const char *csim_clear_jam(csim_t *s, bool stacked);

/* Puts the device in its power-up state (counter 0, no events, master
 * inhibit on, mask 0, mode 0), giving a note in escrow back to the customer
 * and journalling it with fate why; the cash box and a jammed note stay. */
void csim_power_cycle(csim_t *s, csim_fate_t why);

/* Appends a journal entry, numbering it, and returns false if out of
 * memory. */
bool csim_journal_add(csim_t *s, const csim_entry_t *e);

/* ---- cctalk.c: the wire side ---- */

/* Answers one request addressed to the validator (or broadcast) into ans:
 * ACK with data, or NAK for a header it does not know or data it cannot
 * take. */
void csim_cctalk_answer(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms);

/* Takes the next request (DEST 40, or DEST 0 at the head of the buffer)
 * out of the stream, or returns false if more bytes are needed. */
bool csim_next_request(simrx_t *st, csim_frame_t *out);

/* ---- state.c and state_load.c: the JSON state ---- */

/* Returns the state as JSON (one line, or pretty for the file) in a heap
 * string, NULL if out of memory. */
char *csim_state_json(const csim_t *s, bool pretty);

/* Writes the state file atomically (tmp, fsync, rename) if there is one,
 * returning false (logged) on failure. */
bool csim_state_save(const csim_t *s);

/* Reads s->state_path into s->dev, or returns K_ENOTFOUND for a missing
 * file and K_EINVAL naming the field for a bad one. */
kerr_t csim_state_load(csim_t *s, kmsg_t *msg);

/* Frees the journal. */
void csim_state_free(csim_t *s);

/* ---- control.c ---- */

/* Runs one control line and returns the reply line (heap, no newline), NULL
 * if out of memory. */
char *csim_control(csim_t *s, char *line);

/* ---- serve.c ---- */

typedef struct csim_opts {
    const char *link, *listen_addr, *ports_file;
    int control_port;
} csim_opts_t;

/* Opens the pty and the control port, writes the ports file, serves until
 * SIGTERM or SIGINT and returns the exit status. */
int csim_serve(csim_t *s, const csim_opts_t *o);

#endif
