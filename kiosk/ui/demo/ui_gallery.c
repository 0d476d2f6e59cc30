/* The gallery: every screen in both languages, reached by feeding the
 * session fixed events (no device is touched), drawn and saved. The layout
 * test and the reference screenshots are made from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/ui/demo/ui_demo.h"

#define GALLERY_TXN "3f2c1a9e-5b7d-4c2e-9a10-6d8e2f4b7c01"
#define GALLERY_LAST_MS INT64_C(1795838100000) /* 2026-11-28 03:55 UTC */
#define GALLERY_SALE_MS INT64_C(1796465400000) /* 2026-12-05 10:10 UTC */
#define GALLERY_QR_URL "https://pay.example.com/pay/0f5eca5f239d522938961ff9f23ffa8a"

typedef struct scene {
    const char *name;
    session_screen_t screen; /* where the scene must end */
    const char *steps;       /* taps and answers, in a small language of its own */
} scene_t;

/* Steps: "t:ID" a tap, "A" the account answer, "O" the sale opened (the
 * printer ready; "o" without a printer that can print), "N:MINOR" a note,
 * "T" a terminal prompt, "P" paid, "K" a card payment nobody could
 * confirm, "D:d|p" the delivery delivered or pending, "R" the receipt
 * printed, "U" an unknown meter, "I" a meter card inserted, "C:o|n|z" the
 * card read (may buy, or not taken by the meter yet, or a new account's
 * card that may open it with 0), "D:z" that zero sale delivered, "H:BITS" health,
 * "Q" a QR order's code (two minutes to pay), "X:MINOR" a note of MINOR
 * given back as more than still to pay (after "N:2000"), "W" the account
 * of a water meter whose valve is closed, "Y" the card declined by the
 * terminal, "Z" the sale not opened (the offline limits reached), "E" the
 * card terminal failing before money is in, "B:b|n|u" what an account
 * owes (two bills, 20.00 and 50.00), nothing due, or an unknown account. */
/* Health with the back office answering (bills may be paid): cash, the
 * terminal, the reader and the printer too; the account number typed. */
#define BILL_ACCOUNT "H:79 t:bill t:key2 t:key0 t:key2 t:key6 t:key0 t:key0 t:key0 t:key1"

static const scene_t scenes[] = {
    {"attract", SCR_ATTRACT, ""},
    {"identify", SCR_IDENTIFY, "t:start t:key1 t:key2 t:key3 t:key4 t:key5"},
    {"identify-unknown", SCR_IDENTIFY, "t:start t:key9 t:ok U"},
    {"identify-card-refused", SCR_IDENTIFY, "I C:n"},
    {"account", SCR_ACCOUNT, "t:start A"},
    {"account-card", SCR_ACCOUNT, "I C:o"},
    {"amount", SCR_AMOUNT, "t:start A t:ok t:preset2"},
    {"method", SCR_METHOD, "t:start A t:ok t:preset2 t:ok"},
    {"method-no-printer", SCR_METHOD, "H:3 t:start A t:ok t:preset2 t:ok"},
    {"payment-cash-first", SCR_PAYMENT, "t:start A t:ok t:preset2 t:ok t:cash O"},
    {"payment-cash", SCR_PAYMENT, "t:start A t:ok t:preset2 t:ok t:cash O N:2000"},
    {"payment-cash-returned", SCR_PAYMENT, "t:start A t:ok t:preset2 t:ok t:cash O N:2000 X:10000"},
    {"payment-cash-stop", SCR_PAYMENT, "t:start A t:ok t:preset2 t:ok t:cash O N:2000 t:cancel"},
    {"payment-card", SCR_PAYMENT, "t:start A t:ok t:preset2 t:ok t:card O T"},
    {"method-declined", SCR_METHOD, "t:start A t:ok t:preset2 t:ok t:card O T Y"},
    {"method-not-opened", SCR_METHOD, "t:start A t:ok t:preset2 t:ok t:card Z"},
    {"result-refused", SCR_RESULT, "t:start A t:ok t:preset2 t:ok t:card O T E"},
    {"method-qr", SCR_METHOD, "H:31 t:start A t:ok t:preset2 t:ok"},
    {"payment-qr", SCR_PAYMENT, "H:31 t:start A t:ok t:preset2 t:ok t:qr O Q"},
    {"delivering", SCR_DELIVERING, "t:start A t:ok t:preset2 t:ok t:cash O N:5000 P"},
    {"delivering-card", SCR_DELIVERING, "I C:o t:ok t:preset2 t:ok t:cash O N:5000 P"},
    {"result", SCR_RESULT, "t:start A t:ok t:preset2 t:ok t:cash O N:5000 P D:d R"},
    {"result-card", SCR_RESULT, "I C:o t:ok t:preset2 t:ok t:cash O N:5000 P D:d R"},
    {"amount-zero", SCR_AMOUNT, "I C:z t:ok t:zero"},
    {"result-zero", SCR_RESULT, "I C:z t:ok t:zero t:ok O D:z R"},
    {"result-receipt", SCR_RESULT, "H:3 t:start A t:ok t:preset2 t:ok t:cash o N:5000 P D:d"},
    {"result-pending", SCR_RESULT, "t:start A t:ok t:preset2 t:ok t:cash O N:5000 P D:p R"},
    {"result-parked", SCR_RESULT, "t:start A t:ok t:preset2 t:ok t:card O K"},
    {"account-water", SCR_ACCOUNT, "t:start W"},
    {"amount-water", SCR_AMOUNT, "t:start W t:ok t:preset2"},
    {"result-receipt-water", SCR_RESULT, "H:3 t:start W t:ok t:preset2 t:ok t:cash o N:5000 P D:d"},
    {"out_of_service", SCR_OUT_OF_SERVICE, "H:0"},
    {"account-offline", SCR_ACCOUNT, "H:47 t:start A"},
    {"identify-large", SCR_IDENTIFY, "t:large t:start t:key1 t:key2 t:key3 t:key4 t:key5"},
    {"account-large", SCR_ACCOUNT, "t:large t:start A"},
    {"amount-large", SCR_AMOUNT, "t:large t:start A t:ok t:preset2"},
    {"method-large", SCR_METHOD, "H:31 t:large t:start A t:ok t:preset2 t:ok"},
    {"payment-cash-large", SCR_PAYMENT, "t:large t:start A t:ok t:preset2 t:ok t:cash O N:2000"},
    {"result-large", SCR_RESULT, "t:large t:start A t:ok t:preset2 t:ok t:cash O N:5000 P D:d R"},
    {"attract-bills", SCR_ATTRACT, "H:79"},
    {"bill-account", SCR_BILL_ACCOUNT, BILL_ACCOUNT},
    {"bill-account-none", SCR_BILL_ACCOUNT, BILL_ACCOUNT " t:ok B:n"},
    {"bill-account-unknown", SCR_BILL_ACCOUNT, BILL_ACCOUNT " t:ok B:u"},
    {"bill", SCR_BILL, BILL_ACCOUNT " t:ok B:b"},
    {"method-bill", SCR_METHOD, BILL_ACCOUNT " t:ok B:b t:ok"},
    {"payment-cash-bill", SCR_PAYMENT, BILL_ACCOUNT " t:ok B:b t:ok t:cash O N:2000"},
    {"result-bill", SCR_RESULT, BILL_ACCOUNT " t:ok B:b t:ok t:cash O N:5000 P D:d R"},
    {"result-receipt-bill", SCR_RESULT, "H:71 t:bill t:key2 t:key0 t:key2 t:key6 t:key0 t:key0 t:key0 t:key1 t:ok B:b t:ok t:cash o N:5000 P D:d"},
};

/* A month of use with a pattern: more at weekends, nothing one day. */
static void usage(session_account_t *a)
{
    a->has_usage = true;
    for (int i = 0; i < SESSION_USAGE_DAYS; i++)
        a->daily_milli[i] = i == 11 ? 0 : 5200 + 900 * (i % 7 >= 5) + 350 * (i % 3) + 40 * i;
}

/* The meter's tariff in force, as the tariffs document would give it. */
static void tariff(session_account_t *a, const char *id, const char *text)
{
    kmsg_t msg;
    snprintf(a->tariff.id, sizeof a->tariff.id, "%s", id);
    a->has_tariff = tariff_parse(text, 2, &a->tariff.tariff, &msg) == K_OK;
}

/* The account a meter card gives: meter, customer and serial, the
 * balance the meter wrote back, no history yet. */
static void card_account(session_event_t *ev, const char *arg)
{
    session_account_t *a = &ev->account;
    ev->kind = SEV_CARD_READ;
    ev->verdict = arg[0] == 'n' ? CARDV_NOT_TAKEN : CARDV_OK;
    *a = (session_account_t){.balance_known = arg[0] != 'z', .balance = 2140, .on_card = true,
                             .meter = "000000000003", .customer = "100000000003", .card_serial = "4B50000000000001",
                             .zero_first_ok = arg[0] == 'z'};
    tariff(a, "home", "single 0.5283");
}

/* A water meter: its use in litres, its valve closed by the meter when
 * the money ran out. */
static void water_account(session_account_t *a)
{
    *a = (session_account_t){.balance_known = true, .balance = -120, .has_last = true, .last_amount = 3000,
                             .last_at_ms = GALLERY_LAST_MS, .relay_open = true, .kind = METER_WATER,
                             .meter = "000000000006", .customer = "100000000006"};
    tariff(a, "water", "single 4.10");
    a->has_usage = true;
    for (int i = 0; i < SESSION_USAGE_DAYS; i++)
        a->daily_milli[i] = 310 + 45 * (i % 7 >= 5) + 20 * (i % 4);
}

/* The back office's answer on account 20260001. */
static void due(session_event_t *ev, char what)
{
    ev->kind = SEV_DUE;
    ev->ok = what != 'u';
    ev->reason = what == 'u' ? REASON_ACCOUNT_UNKNOWN : REASON_NONE;
    session_bill_t *b = &ev->bill;
    snprintf(b->account, sizeof b->account, "20260001");
    snprintf(b->currency, sizeof b->currency, "CNY");
    if (what != 'b')
        return;
    b->n = 2;
    b->owed = 7000;
    b->bill[0] = (receipt_bill_t){"2026-09-01", "2026-09-30", 2000};
    b->bill[1] = (receipt_bill_t){"2026-10-01", "2026-10-31", 5000};
}

static session_event_t answer(char code, const char *arg, uint32_t gen)
{
    session_event_t ev = {.gen = gen};
    session_account_t *a = &ev.account;
    switch (code) {
    case 'A':
        ev.kind = SEV_ACCOUNT;
        ev.ok = true;
        *a = (session_account_t){.balance_known = true, .balance = 830, .has_last = true, .last_amount = 5000,
                                 .last_at_ms = GALLERY_LAST_MS, .low_balance = true,
                                 .meter = "000000000001", .customer = "100000000001"};
        tariff(a, "home", "single 0.5283");
        usage(a);
        break;
    case 'W':
        ev.kind = SEV_ACCOUNT;
        ev.ok = true;
        water_account(a);
        break;
    case 'U': ev.kind = SEV_ACCOUNT; break;
    case 'O':
    case 'o':
        ev.kind = SEV_SALE_OPENED;
        ev.ok = true;
        ev.printer_ok = code == 'O';
        snprintf(ev.txn, sizeof ev.txn, GALLERY_TXN);
        break;
    case 'R': ev.kind = SEV_RECEIPT; ev.ok = true; break;
    case 'I': ev.kind = SEV_CARD_IN; break;
    case 'C': card_account(&ev, arg); break;
    case 'N': /* the first note: all that is in */
        ev.kind = SEV_NOTE;
        ev.paid = ev.note_value = strtoll(arg, NULL, 10);
        ev.note = PNOTE_TAKEN;
        break;
    case 'X': /* after 20.00 in, a note too big given back */
        ev.kind = SEV_NOTE;
        ev.paid = 2000;
        ev.note_value = strtoll(arg, NULL, 10);
        ev.note = PNOTE_RETURNED;
        ev.note_why = ESCROW_OVER_AMOUNT;
        break;
    case 'T':
        ev.kind = SEV_TERMINAL_TEXT;
        ev.prompt = PPROMPT_INSERT_CARD;
        break;
    case 'Y': ev.kind = SEV_PAY_RESULT; ev.reason = REASON_DECLINED; break;
    case 'Z': ev.kind = SEV_SALE_OPENED; ev.reason = REASON_OFFLINE_LIMIT; break;
    case 'E': ev.kind = SEV_FAILED; ev.reason = REASON_DEVICE_DOWN; break;
    case 'Q': ev.kind = SEV_QR_CODE; snprintf(ev.url, sizeof ev.url, GALLERY_QR_URL); ev.left_ms = 120000; break;
    case 'P': ev.kind = SEV_PAY_RESULT; ev.ok = true; ev.paid = 5000; ev.at_ms = GALLERY_SALE_MS; break;
    case 'K': ev.kind = SEV_PAY_RESULT; ev.parked = true; break;
    case 'D':
        ev.kind = SEV_DELIVERY;
        ev.paid = arg[0] == 'z' ? 0 : 5000;
        ev.outcome = arg[0] == 'd' || arg[0] == 'z' ? OUT_DELIVERED : arg[0] == 'p' ? OUT_PENDING : OUT_PARKED;
        ev.has_balance = arg[0] == 'd';
        ev.balance = 5830;
        break;
    case 'B': due(&ev, arg[0]); break;
    case 'H': ev.kind = SEV_HEALTH; ev.health = (unsigned)strtoul(arg, NULL, 10); break;
    default: break;
    }
    return ev;
}

static void play(ui_app_t *a, const scene_t *sc)
{
    char steps[256];
    snprintf(steps, sizeof steps, "%s", sc->steps);
    for (char *save = NULL, *t = strtok_r(steps, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        session_event_t ev;
        if (t[0] == 't') {
            ev = (session_event_t){.kind = SEV_TAP};
            session_control_from_id(t + 2, &ev.control, &ev.digit, &ev.index);
        } else {
            ev = answer(t[0], t[1] == ':' ? t + 2 : "", a->session.gen);
        }
        ui_app_handle(a, &ev);
    }
}

int ui_gallery_save(ui_app_t *a, void *dir_ctx, const char *name, session_lang_t lang)
{
    const char *dir = dir_ctx;
    ui_app_draw(a, true);
    for (int p = 0; p < a->frame.n_problems; p++)
        fprintf(stderr, "kiosk: layout %dx%d %s %s: %s\n", a->width, a->height, name, screen_lang_code(lang),
                a->frame.problems[p]);
    char path[1024];
    kmsg_t msg;
    snprintf(path, sizeof path, "%s/%s-%s.png", dir, name, screen_lang_code(lang));
    if (ui_app_shot(a, path, &msg) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", msg.text);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s-%s.txt", dir, name, screen_lang_code(lang));
    FILE *f = fopen(path, "w"); /* the texts shown, one a line (tests/ui/lang_test.sh reads them) */
    bool ok = f && fwrite(a->frame.texts, 1, a->frame.texts_len, f) == a->frame.texts_len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "kiosk: cannot write %s\n", path);
        return -1;
    }
    return a->frame.n_problems;
}

/* The sentence the voice says on the scene, beside its picture as
 * <name>-<lang>.prompt (tests/ui/voice_test.sh reads them). */
static int save_prompt(ui_app_t *a, const char *dir, const char *name, session_lang_t lang)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s-%s.prompt", dir, name, screen_lang_code(lang));
    FILE *f = fopen(path, "w");
    bool ok = f && fprintf(f, "%s\n", screen_prompt(session_view(&a->session))) > 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "kiosk: cannot write %s\n", path);
    return ok ? 0 : -1;
}

int ui_gallery_walk(ui_app_t *a, ui_gallery_each_t each, void *ctx)
{
    int problems = 0, n;
    if (!a->info.site_contact || !a->info.site_contact[0])
        a->info.site_contact = "0571-8765 4321"; /* the site's staff, as site.contact gives them */
    session_config_t cfg = a->session.cfg;
    for (int lang = 0; lang < LANG_COUNT; lang++) {
        for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
            if (strstr(scenes[i].name, "-large") && !screen_ui_large_offered(a->screens))
                continue; /* a screen too low for it does not offer it */
            cfg.lang = (session_lang_t)lang;
            session_init(&a->session, &cfg, 0);
            session_event_t up = {.kind = SEV_HEALTH,
                                  .health = HEALTH_CASH | HEALTH_TERMINAL | HEALTH_READER | HEALTH_PRINTER};
            ui_app_handle(a, &up);
            play(a, &scenes[i]);
            const session_view_t *v = session_view(&a->session);
            if (v->screen != scenes[i].screen) {
                fprintf(stderr, "kiosk: gallery: scene %s ended on %s, not %s\n", scenes[i].name,
                        session_screen_name(v->screen), session_screen_name(scenes[i].screen));
                problems++;
            }
            if ((n = each(a, ctx, scenes[i].name, (session_lang_t)lang)) < 0)
                return -1;
            problems += n;
        }
        if ((n = ui_gallery_service(a, (session_lang_t)lang, each, ctx)) < 0)
            return -1;
        problems += n;
    }
    return problems;
}

/* A picture and its texts; for a resident's screen also what the voice says. */
static int save_scene(ui_app_t *a, void *ctx, const char *name, session_lang_t lang)
{
    int n = ui_gallery_save(a, ctx, name, lang);
    if (n >= 0 && strncmp(name, "service-", 8) != 0 && save_prompt(a, ctx, name, lang) < 0)
        return -1;
    return n;
}

int ui_gallery(ui_app_t *a, const char *dir)
{
    char folder[1024];
    snprintf(folder, sizeof folder, "%s", dir);
    screen_ui_check_contrast(a->screens, true); /* the layout test's pictures: every text measured */
    return ui_gallery_walk(a, save_scene, folder);
}
