/* metersim: a meter gateway with N prepaid meters behind it, speaking the
 * meter side of dlt645-prepaid and modbus-prepaid (docs/protocols/) on TCP,
 * with a text control port for tests (docs/sim/metersim.md). This header
 * holds the types its files share; names crossing files start with msim_. */
#ifndef SIM_METERSIM_MSIM_H
#define SIM_METERSIM_MSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/tariff.h"
#include "sim/common/simio.h"
#include "sim/metersim/dlt_frame.h"

#define MSIM_LOG "metersim"
#define MSIM_NUM_LEN 13     /* 12 digits and the terminator */
#define MSIM_TARIFF_LEN 512
#define MSIM_MAX_METERS 10000
#define MSIM_MAX_UNIT 247   /* Modbus unit ids 1..247; 0 = none */
#define MSIM_MB_MAX_ADU 260 /* MBAP header + PDU */
#define MSIM_MAX_POWER 1000000
#define MSIM_MAX_FACTOR 1000
#define MSIM_SERIAL_LEN 17  /* a card serial: 16 hex digits and the terminator */

typedef enum msim_kind { MSIM_ELECTRICITY, MSIM_WATER } msim_kind_t;

/* The energy registers a meter has: the total and the four time-of-use
 * bands, or the total alone (a single-rate meter, which answers "no such
 * data" for the bands). Independent of the tariff it charges. */
typedef enum msim_rates { MSIM_RATES_TOU, MSIM_RATES_SINGLE, MSIM_RATES_COUNT } msim_rates_t;

/* Tamper flags a meter latches (status word 7 bits 0-3). */
enum {
    MSIM_T_COVER = 1 << 0,
    MSIM_T_TERMINAL = 1 << 1,
    MSIM_T_MAGNETIC = 1 << 2,
    MSIM_T_REVERSE = 1 << 3,
};

/* What a meter made of a credit. The numbers are modbus-prepaid's result
 * codes (register 0128); dlt645-prepaid maps them to its error word. */
typedef enum msim_result {
    MSIM_APPLIED = 0,
    MSIM_REPEATED = 1,
    MSIM_COUNT_MISMATCH = 2,
    MSIM_MAC_FAILED = 3,
    MSIM_HOARDING = 4,
    MSIM_CUSTOMER = 5,
    MSIM_SUSPENDED = 6,
    MSIM_WRONG_METER = 7,
    MSIM_OVER_BALANCE = 8, /* a refund larger than the balance */
} msim_result_t;

#define MSIM_MAX_PERIODS 14 /* day periods in the day table */

/* One period of the day table: from minute on, tariff number 1..4
 * (sharp, peak, flat, valley). */
typedef struct msim_period {
    uint16_t minute;
    uint8_t tariff;
} msim_period_t;

/* What a relay command did. */
typedef enum msim_relay_result {
    MSIM_RELAY_DONE,
    MSIM_RELAY_UNKNOWN,    /* not a relay command code */
    MSIM_RELAY_KEEP_POWER, /* a trip refused: the meter keeps power on */
} msim_relay_result_t;

/* A credit as both protocols carry it. */
typedef struct msim_credit_req {
    bool open_account;
    bool refund;          /* modbus-prepaid's command 3: take amount back */
    uint32_t amount, count, operator_code;
    uint8_t customer[6]; /* BCD, lowest byte first, as in the MACs */
    uint8_t mac1[4], mac2[4];
    const char *protocol; /* "dlt645" or "modbus", for the journal */
} msim_credit_req_t;

/* One applied credit, refund or command: the meter's own record. */
typedef struct msim_credit {
    uint32_t count;
    int64_t amount;
    int64_t balance_after;
    int64_t time_ms; /* wall clock */
    char kind[16];   /* recharge, open_account, refund, keep_on, keep_off, alarms, prices, day_table */
    char detail[96]; /* a command's values ("" for money) */
    char protocol[8];
} msim_credit_t;

typedef struct msim_meter {
    char addr[MSIM_NUM_LEN];
    uint8_t wire_addr[6];
    int unit;                     /* Modbus unit id, 0 = not on Modbus */
    char customer[MSIM_NUM_LEN];  /* "" until the account is opened */
    msim_kind_t kind;
    msim_rates_t rates;
    char tariff_text[MSIM_TARIFF_LEN];
    tariff_t tariff;
    int64_t balance;              /* minor units, negative = overdraft */
    int64_t overdraft_limit;      /* trips when balance <= -overdraft_limit */
    int64_t hoarding_limit;       /* largest balance a credit may leave */
    int64_t alarm_threshold;      /* low-balance alarm below this */
    uint32_t count;               /* purchase count */
    int64_t purchased;            /* cumulative purchased money */
    int64_t energy_total;         /* Wh (litres for water) */
    int64_t energy_band[BAND_COUNT];
    int64_t energy_rem;           /* W x percent x ms short of a whole Wh */
    int64_t cost_rem;             /* 1/10^7 minor units not yet taken */
    int month;                    /* year * 12 + month - 1 of month_used */
    int64_t month_used;           /* Wh this month (tiered tariffs) */
    bool relay_open;
    bool trip_commanded;          /* last relay command was a trip */
    bool close_armed;             /* "close allowed" waits for the button */
    unsigned tamper;              /* MSIM_T_* */
    bool suspended;
    bool offline;
    int64_t power_w;              /* average power, W (water: litres per hour) */
    int64_t factor[24];           /* percent of power_w in each local hour */
    char card_serial[MSIM_SERIAL_LEN]; /* the meter card it is bound to, upper-case hex; "" = none */
    uint8_t card_generation;      /* that card's generation (EF_INFO) */
    msim_credit_t *journal;
    size_t n_journal, cap_journal;
    uint16_t mb_result[5];        /* Modbus result block since start */
    bool keep_power;              /* keep power on: refuses trips, does not trip when empty */
    int64_t alarm_amount[2];      /* alarm amounts 1 and 2 as written, minor units */
    int64_t price[BAND_COUNT];    /* prices as written, 0.0001 of the major unit per kWh */
    msim_period_t period[MSIM_MAX_PERIODS]; /* the day table as written */
    size_t n_periods;
    bool freezes;                 /* keeps a daily freeze (default); off: "no such data" */
    int64_t frozen_ms;            /* simulated time of the last freeze; 0 = none yet */
    int64_t frozen_total;         /* Wh then */
    int64_t frozen_band[BAND_COUNT];
} msim_meter_t;

/* Pending faults: counts of requests or replies still to be hit. */
typedef struct msim_faults {
    unsigned drop, lose_reply, corrupt, garbage, split;
} msim_faults_t;

typedef struct msim_mb msim_mb_t; /* the Modbus side, modbus.c */

typedef struct msim {
    msim_meter_t *meters;
    size_t n;
    char state_path[1024];
    char currency[4];
    unsigned exponent;
    bool have_key;
    uint8_t master[16];
    bool have_card_key;
    uint8_t card_key[16];         /* the card issuer's master key (--card-key) */
    int64_t baud;
    int64_t response_delay_ms;
    int64_t extra_delay_ms;       /* control: delay */
    int64_t speed;                /* simulated seconds per wall second */
    int64_t sim_ms;               /* simulated time, ms since the epoch */
    int64_t tick_mono_ms;         /* when sim_ms was last advanced */
    msim_faults_t faults;
    int64_t stat_exchanges;       /* requests taken onto the bus */
    int64_t stat_bytes;           /* request + reply bytes on the bus */
    int64_t stat_wire_us;         /* their wire time, delays and noise excluded */
    bool dirty;                   /* consumption not yet saved */
    int64_t saved_mono_ms;
    msim_mb_t *mb;
} msim_t;

/* ---- meter.c: the meter's rules ---- */

/* Fills m with the defaults of meter number i (0-based) of a new file. */
void msim_meter_defaults(msim_meter_t *m, size_t i);

/* The meter with this 12-digit number, wire address or unit, or NULL. */
msim_meter_t *msim_find(msim_t *s, const char *addr);
msim_meter_t *msim_find_wire(msim_t *s, const uint8_t wire[6]);
msim_meter_t *msim_find_unit(msim_t *s, int unit);

/* Judges a credit by the profile's rules and, if it applies, books it,
 * journals it and saves the state before returning. */
msim_result_t msim_credit(msim_t *s, msim_meter_t *m, const msim_credit_req_t *req);

/* Carries out relay command 0x1A (trip), 0x1B (close allowed), 0x1C
 * (close now), 0x3A (keep power on) or 0x3B (keep power off) and saves;
 * a trip while keeping power on is refused, journal-free. */
msim_relay_result_t msim_relay(msim_t *s, msim_meter_t *m, unsigned code, const char *protocol);

/* Books an applied command in the journal (kind, detail, protocol) and
 * saves. */
void msim_journal_command(msim_t *s, msim_meter_t *m, const char *kind, const char *detail, const char *protocol);

/* Stores what a write carried and journals it: alarm amounts, prices
 * (0.0001 of the major unit), or the day table (false if a period is not
 * a minute and a tariff number 1..4, or n is 0 or over 14). */
void msim_set_alarms(msim_t *s, msim_meter_t *m, const int64_t amount[2], const char *protocol);
void msim_set_prices(msim_t *s, msim_meter_t *m, const int64_t price[BAND_COUNT], const char *protocol);
bool msim_set_day_table(msim_t *s, msim_meter_t *m, const msim_period_t *p, size_t n, const char *protocol);

/* The daily freeze of m at simulated time t_ms (the energy now); once per
 * time. */
void msim_freeze(msim_meter_t *m, int64_t t_ms);

/* The state file's name of rates ("tou", "single"), and back: false for
 * a name that is none. */
const char *msim_rates_name(msim_rates_t r);
bool msim_rates_parse(const char *name, msim_rates_t *out);

/* The alarms derived from the balance: low below the threshold, pre-trip
 * below half of it. */
bool msim_low_balance(const msim_meter_t *m);
bool msim_pretrip(const msim_meter_t *m);

/* Appends a journal entry; false if out of memory. */
bool msim_journal_add(msim_meter_t *m, const msim_credit_t *c);

/* Whether m may take a credit of amount now: MSIM_APPLIED, or
 * MSIM_SUSPENDED, or MSIM_HOARDING (the balance would pass the limit). */
msim_result_t msim_credit_limits(const msim_meter_t *m, int64_t amount);

/* Books a credit the rules allowed: balance and purchased total rise by
 * amount, the count becomes count, a journal entry (now, protocol) is
 * written. Does not save. */
void msim_book_credit(msim_meter_t *m, int64_t amount, uint32_t count, bool open_account, const char *protocol);

/* Books a refund the rules allowed: the balance falls by amount, the count
 * becomes count, a journal entry is written. Does not save. */
void msim_book_refund(msim_meter_t *m, int64_t amount, uint32_t count, const char *protocol);

/* ---- consume.c: simulated time and consumption ---- */

/* Moves simulated time on to wall time mono_ms (scaled by speed) and lets
 * every meter with a closed relay consume over that span. */
void msim_advance(msim_t *s, int64_t mono_ms);

/* Books wh of consumption on m at the current simulated time, charges it
 * and trips the relay if the balance ran out. */
void msim_book(msim_t *s, msim_meter_t *m, int64_t wh);

/* The power m draws now, W (0 with the relay open). */
int64_t msim_power_now(const msim_t *s, const msim_meter_t *m);

/* ---- state.c and state_load.c: the JSON state file ---- */

/* Reads s->state_path into s (meters, simulated time, currency). */
kerr_t msim_state_load(msim_t *s, kmsg_t *msg);

/* Makes n default meters in s (a new state file). */
kerr_t msim_state_create(msim_t *s, size_t n, kmsg_t *msg);

/* Writes the state atomically (tmp file, fsync, rename); false on failure,
 * logged. */
bool msim_state_save(msim_t *s);

/* Saves now after a change a test may look at (credit, relay, control). */
void msim_changed(msim_t *s);

/* The state as one line of JSON (all meters, or only `one`); heap string,
 * NULL if out of memory. */
char *msim_state_json(const msim_t *s, const msim_meter_t *one);

/* Frees the meters and their journals. */
void msim_state_free(msim_t *s);

/* ---- dlt645.c: the DL/T 645 meters ---- */

/* Answers one request frame into out (MSIM_DLT_MAX_FRAME bytes); returns the
 * reply's length, or 0 when no meter answers (unknown, offline). */
size_t msim_dlt_handle(msim_t *s, const msim_dlt_frame_t *req, uint8_t *out);

/* Spoils the checksum of an encoded reply. */
void msim_dlt_corrupt(uint8_t *frame, size_t len);

/* ---- modbus.c: the Modbus meters ---- */

/* Sets up libmodbus: the listening socket on addr:port (returned in *fd),
 * the reply path and one register mapping per meter. */
kerr_t msim_mb_open(msim_t *s, const char *addr, int port, int *fd, kmsg_t *msg);

/* Accepts a connection on the Modbus listening socket; -1 on failure. */
int msim_mb_accept(msim_t *s, int listen_fd);

/* Answers one request ADU into out (MSIM_MB_MAX_ADU bytes); returns the
 * reply's length, or 0 when no meter answers (no such unit, offline). */
size_t msim_mb_handle(msim_t *s, const uint8_t *adu, size_t len, uint8_t *out);

/* Spoils the function byte of a reply ADU. */
void msim_mb_corrupt(uint8_t *adu, size_t len);

/* Frees what msim_mb_open made. */
void msim_mb_close(msim_t *s);

/* ---- control.c and control_set.c ---- */

/* Sets one field of m from text (docs/sim/metersim.md, "set"); returns
 * NULL, or why the value was refused (m unchanged). */
const char *msim_set_field(msim_t *s, msim_meter_t *m, const char *field, const char *value);

/* Runs one control line; returns the reply line (heap, no newline), NULL if
 * out of memory. */
char *msim_control(msim_t *s, char *line);

/* ---- card_slot.c: the meter's card slot (docs/sim/metersim.md) ---- */

/* Inserts the card image at path into the meter numbered meter: reads
 * it through APDUs, applies the meter's rules, books and saves a credit,
 * then writes EF_WRITEBACK. issuer_key is the key file the card was made
 * under (NULL: --card-key). Returns the reply line, "ok {json}" or "error
 * <why>" (heap, NULL if out of memory). */
char *msim_card_insert(msim_t *s, const char *meter, const char *path, const char *issuer_key);

/* ---- bus.c: one exchange at a time, timing and faults ---- */

typedef enum msim_proto { MSIM_DLT645, MSIM_MODBUS, MSIM_CONTROL } msim_proto_t;

typedef struct msim_request {
    int conn;
    uint32_t gen;
    msim_proto_t proto;
    msim_dlt_frame_t frame;       /* MSIM_DLT645 */
    uint8_t adu[MSIM_MB_MAX_ADU]; /* MSIM_MODBUS */
    size_t len;
} msim_request_t;

#define MSIM_QUEUE 64
#define MSIM_OUT_MAX (MSIM_DLT_MAX_FRAME + MSIM_MB_MAX_ADU + 32)

/* Writes reply bytes to connection conn if it is still generation gen. */
typedef bool (*msim_send_fn)(void *ctx, int conn, uint32_t gen, const uint8_t *p, size_t n);

typedef struct msim_bus {
    msim_request_t q[MSIM_QUEUE];
    size_t head, count;
    bool busy;                /* an exchange holds the bus */
    msim_proto_t proto;
    int conn;
    uint32_t gen;
    uint8_t out[MSIM_OUT_MAX];
    size_t len, sent;
    bool split;
    int64_t due_us;           /* next write, or the end of the exchange */
    msim_send_fn send;
    void *send_ctx;
} msim_bus_t;

/* Monotonic time in microseconds. */
int64_t msim_now_us(void);

/* Queues a request in arrival order; false if the queue is full. */
bool msim_bus_push(msim_bus_t *b, const msim_request_t *r);

/* True if another request fits in the queue. */
bool msim_bus_has_room(const msim_bus_t *b);

/* Starts and finishes exchanges that are due; returns when it next needs
 * to run (monotonic us), or INT64_MAX if nothing is pending. */
int64_t msim_bus_run(msim_t *s, msim_bus_t *b, int64_t now_us);

/* ---- net.c ---- */

typedef struct msim_listen {
    const char *addr;
    int dlt645, modbus, control; /* ports asked for; 0 = any */
    const char *ports_file;
} msim_listen_t;

/* Listens, writes the ports file, and serves until SIGTERM or SIGINT;
 * returns the exit status. */
int msim_serve(msim_t *s, const msim_listen_t *l);

#endif
