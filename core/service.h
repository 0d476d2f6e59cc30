/* The service mode at the touchscreen (docs/service.md): staff open it
 * with a hidden gesture, type their PIN (no name is shown or asked: the
 * PIN says who it is), and see only the
 * pages and actions their group allows. Like the resident's session this
 * is pure: events come in (touches, the worker's answers, ticks), commands
 * go out (load a page, sign in, carry out an action) and the screens draw
 * the view. The data shown (rows, items) comes from the worker; which
 * page, which buttons and which permission each needs is decided here, in
 * two tables. */
#ifndef CORE_SERVICE_H
#define CORE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/perm.h"

typedef enum svc_page {
    SVP_OFF,      /* not in service mode: the resident's screens */
    SVP_PIN,      /* sign in: the PIN on the keypad, no names shown */
    SVP_MENU,     /* the pages the group allows */
    SVP_DEVICES,  /* each device: health, last error, counters */
    SVP_CASH,     /* money since the last collection; collect and print the Z report */
    SVP_PRINTER,  /* paper state; a test print */
    SVP_METERS,   /* a meter number: read, trip, close; scan them all */
    SVP_CARDS,    /* the card in the reader; issue, replace (meter number typed) */
    SVP_TXNS,     /* pending deliveries and parked sales; retry, reconcile, void, zero */
    SVP_SYNC,     /* the back-office link: outbox, last contact; sync now */
    SVP_SETTINGS, /* the settings in force */
    SVP_LOGS,     /* the newest audit rows */
    SVP_COUNT
} svc_page_t;

typedef enum svc_action {
    SVA_NONE,
    SVA_COLLECT,      /* cash: the Z report, printed */
    SVA_TEST_PRINT,   /* printer */
    SVA_METER_READ,   /* meters: the typed meter */
    SVA_TRIP,         /* meters: cut the typed meter's supply */
    SVA_CLOSE,        /* meters: restore it */
    SVA_SCAN,         /* meters: read every meter of the registry */
    SVA_CARD_READ,    /* cards: the card in the reader */
    SVA_CARD_ISSUE,   /* cards: the blank card becomes the typed meter's first card */
    SVA_CARD_REPLACE, /* cards: the blank card replaces the typed meter's lost card */
    SVA_RETRY,        /* transactions: retry every pending delivery now */
    SVA_RESUME,       /* transactions: send the parked sale back to delivery */
    SVA_CONFIRM,      /* transactions: the evidence shows the credit reached the meter */
    SVA_VOID,         /* transactions: annul; the money is given back by hand (asks why) */
    SVA_ZERO,         /* transactions: the amount becomes zero; the money stays (asks why) */
    SVA_SYNC_NOW,     /* sync: upload the outbox now */
    SVA_RESTART,      /* menu: restart the kiosk program */
    SVA_COUNT
} svc_action_t;

typedef enum svc_event_kind {
    SVE_CORNER,   /* a touch on the hidden corner of the attract screen */
    SVE_TAP,      /* a service control was touched (control, index) */
    SVE_TICK,     /* time passed */
    SVE_ENTRY,    /* SVC_ENTRY's answer: ok, or text why not (rows: when it opens again) */
    SVE_SIGNED,   /* SVC_SIGN_IN's answer: ok (perms, operator) or text why not (rows) */
    SVE_PAGE,     /* SVC_LOAD's answer: rows and items */
    SVE_DONE,     /* SVC_ACT's answer: ok or not, text, fresh rows and items */
    SVE_KIND_COUNT
} svc_event_kind_t;

typedef enum svc_control {
    SC_NONE,
    SC_BACK,    /* to the menu (or out, from the PIN) */
    SC_LOGOUT,  /* sign out: back to the resident's screens */
    SC_OK,      /* the PIN typed */
    SC_KEY,     /* keypad digit (index) */
    SC_DEL,
    SC_CLEAR,
    SC_ITEM,    /* one of the items (index): a transaction */
    SC_PAGE,    /* a menu entry (index: svc_page_t) */
    SC_ACT,     /* an action button (index: svc_action_t) */
    SC_REASON,  /* one of the reasons asked for (index) */
    SC_COUNT
} svc_control_t;

#define SVC_ROWS 12
#define SVC_QR_LEN 64
#define SVC_ITEMS 8
#define SVC_REASONS 3
#define SVC_IDLE_MS (120 * 1000)
#define SVC_CORNER_TAPS 3
#define SVC_CORNER_MS 3000

/* What a row's value is; the screen words and formats it in the language
 * shown (money with the site's currency, times in local time). */
typedef enum svc_value {
    SVV_TEXT,    /* text: data shown as it is (ids, names, addresses, an error's words) */
    SVV_WORD,    /* text: an English message id the screen translates */
    SVV_REASON,  /* text: a reason as the engine words it, "code: detail"; the screen translates the code */
    SVV_MONEY,   /* n: minor units */
    SVV_TIME,    /* at: wall-clock ms; 0 = never */
    SVV_COUNT,   /* n */
    SVV_PAIR,    /* n / m */
    SVV_OF,      /* n of m */
    SVV_SECONDS, /* n seconds */
    SVV_NEWEST,  /* n in all, the newest m shown below */
    SVV_OLDEST,  /* n in all, the oldest m shown (kioskctl lists them all) */
    SVV_RANGE,   /* n .. m minor units */
    SVV_NOTES,   /* n notes of m minor units each, and their total */
    SVV_TAKEN,   /* n payments worth m minor units */
    SVV_PAID,    /* m minor units by the method word, at */
    SVV_READING, /* purchase count n, balance m, at */
    SVV_ATTEMPT, /* purchase count n, result text (a reason code), applied m (-1 unknown, 0 no, 1 yes) */
    SVV_AUDIT,   /* text: who; word: the action (translated); extra: its target */
    SVV_METER,   /* text: the meter; word: the channel (translated) */
} svc_value_t;

/* A line of a page: label is an English message id the screen translates
 * (or, with label_is_data, data: a time of day); the value is typed. */
typedef struct svc_row {
    char label[48];
    bool label_is_data;
    svc_value_t kind;
    char value[112];
    char word[40];
    char extra[48];
    int64_t n, m, at;
} svc_row_t;

/* Something to pick: a transaction. allow: the SVA_* bits
 * (1 << action) that make sense for it (a transaction's state decides).
 * A transaction also shows its amount and its state's word. */
typedef struct svc_item {
    char id[40];
    char text[112];   /* data: a sale's short id and meter */
    bool has_amount;
    int64_t amount;   /* minor units */
    char word[40];    /* an English message id ("parked"), "" none */
    uint32_t allow;
} svc_item_t;

typedef struct svc_event {
    svc_event_kind_t kind;
    int64_t now_ms; /* monotonic */
    uint32_t gen;   /* answers: the gen of the command */
    svc_control_t control;
    int index;
    bool ok;
    perm_set_t perms;  /* SVE_SIGNED */
    char name[33];     /* SVE_SIGNED: the operator */
    char text[160];    /* why not, or what was done */
    svc_row_t rows[SVC_ROWS];
    int n_rows;
    svc_item_t items[SVC_ITEMS];
    int n_items;
    bool keep_items;   /* SVE_PAGE for a selected item: only the rows change */
    char qr[SVC_QR_LEN]; /* SVE_PAGE, SVE_DONE: a text the page shows as a QR code too ("" none) */
    bool quit;         /* SVE_DONE of SVA_RESTART: the program leaves (its service manager starts it again) */
} svc_event_t;

typedef enum svc_cmd_kind {
    SVC_ENTRY,          /* whether the entry is open: an operator exists, no lockout */
    SVC_SIGN_IN,        /* pin: the worker finds whose it is */
    SVC_LOAD,           /* page (and item: a transaction's evidence) */
    SVC_ACT,            /* action on item / entry, with reason */
    SVC_SIGN_OUT,       /* audit the end of the visit */
    SVC_CMD_COUNT
} svc_cmd_kind_t;

typedef struct svc_cmd {
    svc_cmd_kind_t kind;
    uint32_t gen;
    svc_page_t page;
    svc_action_t action;
    char pin[16];        /* SVC_SIGN_IN only; wiped from the view at once */
    char item[40];       /* the item's id ("" for none) */
    char entry[16];      /* the digits typed (a meter number) */
    const char *reason;  /* SVA_VOID, SVA_ZERO: an English reason */
} svc_cmd_t;

/* Everything a service screen may show. */
typedef struct service_view {
    svc_page_t page;
    bool busy;                /* waiting for the worker */
    char operator_name[33];   /* signed in ("" before) */
    perm_set_t perms;         /* of the operator signed in */
    char entry[16];           /* digits typed: the PIN (drawn as dots) or a meter number */
    svc_row_t rows[SVC_ROWS];
    int n_rows;
    svc_item_t items[SVC_ITEMS];
    int n_items;
    int selected;             /* the item picked; -1 none */
    svc_action_t asking;      /* SVA_VOID/SVA_ZERO waiting for a reason; SVA_NONE otherwise */
    char qr[SVC_QR_LEN];      /* shown as a QR code beside the rows (the enrolment code); "" none */
    char message[160];        /* the last answer, "" for none */
    bool message_bad;
} service_view_t;

typedef struct service {
    service_view_t v;
    uint32_t gen;
    int64_t last_touch_ms;
    int64_t corner_ms[SVC_CORNER_TAPS]; /* the last corner touches */
} service_t;

#define SVC_MAX_CMDS 2

/* Starts outside service mode. */
void service_init(service_t *s);

/* Whether the service screens are up (the resident's are not). */
bool service_active(const service_t *s);

/* Handles one event; writes up to SVC_MAX_CMDS commands into cmds and
 * their number into *n. Returns true if the view changed. Answers of an
 * older gen are dropped; SVE_CORNER opens the mode on the third touch
 * within SVC_CORNER_MS; no touch for SVC_IDLE_MS signs out. */
bool service_handle(service_t *s, const svc_event_t *ev, svc_cmd_t cmds[SVC_MAX_CMDS], size_t *n);

/* The view the service screens draw. */
const service_view_t *service_view(const service_t *s);

/* Whether a page takes digits on the keypad (the PIN, a meter number). */
bool service_page_typing(svc_page_t p);

/* The permission a page needs (the menu shows only those allowed);
 * PERM_COUNT for none. */
perm_t service_page_perm(svc_page_t p);

/* The permission an action needs, and the page it is on. */
perm_t service_action_perm(svc_action_t a);
svc_page_t service_action_page(svc_action_t a);

/* Whether the view shows action a now (its page, the permission, an item
 * picked that allows it, the entry it needs). */
bool service_action_shown(const service_view_t *v, svc_action_t a);

/* The reasons offered for a void or a zero (English; the screen
 * translates them, the audit keeps them as they are). */
const char *service_reason(int i);

/* Names for scripts, logs and controls: "cash", "collect". */
const char *service_page_name(svc_page_t p);
const char *service_action_name(svc_action_t a);
const char *service_action_label(svc_action_t a); /* English message id: "Collect cash" */
const char *service_page_label(svc_page_t p);     /* English message id: "Cash box" */

/* Looks a page up by name (SVP_COUNT if none). */
svc_page_t service_page_from_name(const char *name);

/* Turns a control id ("svc_back", "page_cash", "act_collect", "item2",
 * "reason1", "key7") into a control and its index; false if none. */
bool service_control_from_id(const char *id, svc_control_t *c, int *index);

#endif
