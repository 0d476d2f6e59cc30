/* paysim: a ZVT bank-card terminal, the terminal (PT) side of the profile
 * zvt-kiosk (docs/protocols/zvt.md) on TCP, with a text control port for
 * tests (docs/sim/paysim.md). This header holds the types its files share;
 * names crossing files start with psim_. */
#ifndef SIM_PAYSIM_PSIM_H
#define SIM_PAYSIM_PSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "sim/common/simio.h"
#include "sim/paysim/zvt_wire.h"

#define PSIM_LOG "paysim"
#define PSIM_TERMINAL_ID 52500038u
#define PSIM_ACK_MS 5000           /* how long the terminal waits for the ECR's 80 00 00 */
#define PSIM_REF_MAX 255           /* longest reference (BMP 3C) kept */
#define PSIM_CARD "411111******1111" /* the one card the simulator reads, masked */
#define PSIM_CARD_TYPE 0x05
#define PSIM_MAX_RECEIPT 9999u     /* BMP 87: 2 bytes BCD */
#define PSIM_MAX_TRACE 999999u     /* BMP 0B: 3 bytes BCD */
#define PSIM_MAX_AMOUNT 999999999999LL /* BMP 04: 6 bytes BCD */
#define PSIM_MAX_MS 600000         /* longest slow / card-wait delay */
#define PSIM_MAX_JOURNAL 1000000

/* Result codes (BMP 27 and the byte after 06 1E) and negative
 * acknowledgements (84 xx 00) the simulator uses. */
enum {
    PSIM_RC_OK = 0x00,
    PSIM_RC_ABORTED = 0x6C,
    PSIM_RC_CURRENCY = 0x6F,
    PSIM_RC_NOT_POSSIBLE = 0x83,
    PSIM_RC_REVERSED = 0xB4,
    PSIM_RC_NO_REVERSAL = 0xB5,
    PSIM_NAK_PASSWORD = 0x9A, /* 84 9A 00: wrong password (the simulator's choice) */
};

typedef enum psim_kind { PSIM_AUTH, PSIM_REVERSAL, PSIM_END_OF_DAY } psim_kind_t;

/* One journaled transaction: the terminal's own record. Everything its
 * status information and print lines are made of, so a repeated receipt
 * is identical. */
typedef struct psim_txn {
    psim_kind_t kind;
    int64_t amount;                 /* minor units; end of day: the total */
    uint16_t currency;              /* ISO 4217 numeric */
    char reference[PSIM_REF_MAX + 1]; /* the ECR's BMP 3C; reversal: the original's */
    uint32_t receipt, trace;        /* 0 = none (declined, aborted) */
    uint8_t result;
    bool reversed;                  /* authorisation: a reversal cancelled it */
    uint32_t reverses;              /* reversal: the receipt it cancelled */
    int64_t count;                  /* end of day: payments counted */
    char card[20];                  /* masked PAN, '*' for hidden digits; "" = no card read */
    uint8_t card_type;
    int64_t time_ms;                /* the terminal's clock, ms since the epoch */
} psim_txn_t;

/* What the next authorisation does (control: approve, decline, ...). */
typedef enum psim_outcome { PSIM_APPROVE, PSIM_DECLINE, PSIM_TIMEOUT_AFTER, PSIM_DROP_AFTER } psim_outcome_t;

/* Pending faults, set on the control port; kept in memory only. */
typedef struct psim_faults {
    psim_outcome_t outcome;  /* for the next authorisation */
    uint8_t decline_code;    /* PSIM_DECLINE */
    bool timeout_before;     /* the next command is swallowed */
    int64_t slow_ms;         /* every PT message delayed (until cleared) */
    int64_t card_wait_ms;    /* the next authorisation waits this long for the card */
    bool stray_next;         /* the next command's acknowledgement follows a stray 80 00 00, 06 0F 00 */
    bool no_reference;       /* status information names no reference (3C), as a terminal that drops it */
} psim_faults_t;

/* One step of the command being run. */
typedef enum psim_step_kind {
    PSIM_SEND,      /* send apdu, then wait for the ECR's acknowledgement */
    PSIM_CARD_WAIT, /* wait ms for the card (06 B0 aborts) */
    PSIM_DECIDE,    /* the card is read: decide, journal, add the remaining steps */
    PSIM_HANG_UP,   /* close the ECR link (drop-after) */
} psim_step_kind_t;

typedef struct psim_step {
    psim_step_kind_t kind;
    psim_apdu_t apdu;
    int64_t ms;
} psim_step_t;

#define PSIM_MAX_STEPS 24

/* The command being run: its steps and where it stands. */
typedef struct psim_run {
    bool active;
    uint8_t instr;             /* 06 xx, for logs */
    psim_step_t steps[PSIM_MAX_STEPS];
    size_t n, at;
    bool started;              /* steps[at] has begun: sent, or waiting for the card */
    int64_t due_ms;            /* monotonic: when steps[at] acts or times out */
    bool card_phase;           /* an authorisation still waiting for its card: 06 B0 aborts it */
    bool undecided;            /* an authorisation not yet decided: a lost link aborts it */
    psim_txn_t auth;           /* the authorisation being run */
    psim_outcome_t outcome;    /* its faults, taken when it began */
    uint8_t decline_code;
} psim_run_t;

typedef struct psim {
    char state_path[1024];     /* "" = journal in memory only */
    uint8_t password[3];       /* BCD */
    uint16_t currency;         /* ISO 4217 numeric */
    psim_txn_t *journal;
    size_t n_journal, cap_journal;
    uint32_t next_receipt, next_trace;
    psim_faults_t faults;
    bool clock_frozen;         /* control "time": the terminal's clock stands still */
    int64_t frozen_ms;
    psim_run_t run;
    int ecr_fd;                /* the ECR connection, -1 = none */
    int64_t ecr_connections;   /* accepted since start */
} psim_t;

/* ---- journal.c: transactions and counters ---- */

/* The terminal's clock: wall time, or the time the control port froze. */
int64_t psim_clock(const psim_t *s);

/* Takes the next receipt number (1..9999, then 1 again). */
uint32_t psim_take_receipt(psim_t *s);

/* Takes the next trace number (1..999999, then 1 again). */
uint32_t psim_take_trace(psim_t *s);

/* Appends t to the journal without saving; false if out of memory or full. */
bool psim_journal_push(psim_t *s, const psim_txn_t *t);

/* Appends t to the journal and saves the state; false if it could not be
 * kept (logged). */
bool psim_journal_add(psim_t *s, const psim_txn_t *t);

/* The approved authorisation with this receipt since the last end of day,
 * or NULL. */
psim_txn_t *psim_find_receipt(psim_t *s, uint32_t receipt);

/* Payments approved and not reversed since the last end of day. */
void psim_day_totals(const psim_t *s, int64_t *count, int64_t *amount);

/* The last transaction, or NULL if there is none. */
const psim_txn_t *psim_last_txn(const psim_t *s);

/* ---- receipt.c: what a transaction looks like on the wire ---- */

/* The status information (04 0F) of a journaled transaction. */
bool psim_status_apdu(const psim_txn_t *t, psim_apdu_t *out);

/* The print lines (06 D1) of a journaled transaction, at most max; returns
 * how many. */
size_t psim_print_lines(const psim_txn_t *t, psim_apdu_t *out, size_t max);

/* Completion (06 0F) or abort (06 1E with the result code). */
void psim_completion_apdu(psim_apdu_t *out);
void psim_abort_apdu(uint8_t code, psim_apdu_t *out);

/* ---- cmd.c: the ECR's commands ---- */

/* Checks a command and fills s->run with what the terminal will do; returns
 * 0 to acknowledge it (80 00 00), or the code of a negative
 * acknowledgement (84 xx 00), leaving s->run inactive. */
uint8_t psim_cmd_begin(psim_t *s, const psim_apdu_t *cmd);

/* An authorisation's card is read: journals the outcome and adds the steps
 * that report it. */
void psim_cmd_decide(psim_t *s);

/* Ends an authorisation still waiting for its card with 6C and journals it;
 * with link_lost nothing more is sent. */
void psim_cmd_abort(psim_t *s, bool link_lost);

/* Adds a step to s->run; false if the run is full (logged). */
bool psim_run_add(psim_t *s, psim_step_kind_t kind, const psim_apdu_t *apdu, int64_t ms);

/* ---- pt.c: the terminal's side of the link ---- */

/* Handles one APDU from the ECR. */
void psim_pt_received(psim_t *s, const psim_apdu_t *a);

/* Runs the steps that are due; returns when it next needs to run
 * (monotonic ms), or INT64_MAX. */
int64_t psim_pt_tick(psim_t *s, int64_t now_ms);

/* The ECR link is gone (closed, dropped, replaced): the command being run
 * ends as if the link dropped. */
void psim_pt_link_lost(psim_t *s);

/* Sends the ECR an acknowledgement and a completion (80 00 00, 06 0F 00)
 * nobody asked for, as the tail of a dialogue the ECR gave up; waits for no
 * acknowledgement. False if the link broke (it is then lost). */
bool psim_pt_stray(psim_t *s);

/* ---- net.c ---- */

typedef struct psim_listen {
    const char *addr;
    int zvt, control; /* ports asked for; 0 = any */
    const char *ports_file;
} psim_listen_t;

/* Sends one APDU to the ECR; false (and the link closed) if it cannot. */
bool psim_net_send(psim_t *s, const psim_apdu_t *a);

/* Closes the ECR link (without telling pt.c). */
void psim_net_hang_up(psim_t *s);

/* Listens, writes the ports file, and serves until SIGTERM or SIGINT;
 * returns the exit status. */
int psim_serve(psim_t *s, const psim_listen_t *l);

/* ---- state.c and state_load.c: the JSON state ---- */

/* Reads s->state_path into s; K_ENOTFOUND if the file does not exist. */
kerr_t psim_state_load(psim_t *s, kmsg_t *msg);

/* Writes the state atomically (tmp file, fsync, rename) if there is a
 * state file; false on failure, logged. */
bool psim_state_save(const psim_t *s);

/* The state as one line of JSON; with live, also the faults and the
 * link (the control port's "state"). Heap string, NULL if out of memory. */
char *psim_state_json(const psim_t *s, bool live);

/* The result code as two hex digits ("6C"). */
void psim_hex2(uint8_t code, char out[3]);

/* ---- control.c ---- */

/* Runs one control line; returns the reply line (heap, no newline), NULL if
 * out of memory. */
char *psim_control(psim_t *s, char *line);

#endif
