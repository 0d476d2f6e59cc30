/* The service mode's flow (core/service.c): the hidden gesture,
 * signing in with a PIN alone (no names), pages and actions shown and refused by permission (one row
 * per page and per action), the reason a void asks for, the idle sign-out
 * and answers of an older visit dropped. */
#include <stdio.h>
#include <string.h>

#include "ktest.h"

#include "core/service.h"

typedef struct rig {
    service_t s;
    svc_cmd_t cmds[SVC_MAX_CMDS];
    size_t n;
    int64_t now;
} rig_t;

static bool feed(rig_t *r, svc_event_t ev)
{
    ev.now_ms = r->now;
    return service_handle(&r->s, &ev, r->cmds, &r->n);
}

static bool tap(rig_t *r, const char *id)
{
    svc_event_t ev = {.kind = SVE_TAP};
    assert_true(service_control_from_id(id, &ev.control, &ev.index));
    r->now += 100;
    return feed(r, ev);
}

static void corner(rig_t *r, int64_t gap_ms)
{
    r->now += gap_ms;
    feed(r, (svc_event_t){.kind = SVE_CORNER});
}

/* A new visit: the mode opened by the hidden corner, on the keypad. */
static void open_keypad(rig_t *r)
{
    service_init(&r->s);
    r->now = 10000;
    for (int i = 0; i < SVC_CORNER_TAPS; i++)
        corner(r, 500);
    assert_int_equal(r->s.v.page, SVP_PIN);
}

/* Opens the mode and signs in with the given permissions. */
static void sign_in(rig_t *r, perm_set_t perms)
{
    open_keypad(r);
    feed(r, (svc_event_t){.kind = SVE_ENTRY, .gen = r->s.gen, .ok = true});
    for (const char *d = "2468"; *d; d++) {
        char id[8] = "key0";
        id[3] = *d;
        tap(r, id);
    }
    assert_true(tap(r, "svc_ok"));
    assert_int_equal(r->n, 1);
    assert_int_equal(r->cmds[0].kind, SVC_SIGN_IN);
    assert_string_equal(r->cmds[0].pin, "2468");
    assert_string_equal(r->s.v.entry, ""); /* the PIN leaves the view at once */
    svc_event_t ok = {.kind = SVE_SIGNED, .gen = r->s.gen, .ok = true, .perms = perms};
    strcpy(ok.name, "alice");
    feed(r, ok);
    assert_int_equal(r->s.v.page, SVP_MENU);
}

static void gesture_needs_three_quick_touches(void **state)
{
    (void)state;
    rig_t r = {.now = 10000};
    service_init(&r.s);
    corner(&r, 0);
    corner(&r, 2000);
    corner(&r, 2000); /* the first of three was 4 s ago */
    assert_false(service_active(&r.s));
    corner(&r, 500); /* the last three within 2.5 s */
    assert_true(service_active(&r.s));
    assert_int_equal(r.n, 1);
    assert_int_equal(r.cmds[0].kind, SVC_ENTRY);
}

/* The sign-in page lists no one and asks for no name: the corner opens the
 * keypad, the worker is asked only whether the entry is open, and the view
 * holds no item to pick (an answer's items are not names to show). */
static void sign_in_page_shows_no_names(void **state)
{
    (void)state;
    rig_t r;
    open_keypad(&r);
    assert_true(service_page_typing(SVP_PIN));
    assert_int_equal(r.s.v.n_items, 0);
    assert_string_equal(r.s.v.operator_name, "");
    assert_int_equal(r.cmds[0].kind, SVC_ENTRY);
    assert_false(tap(&r, "key1")); /* not before the worker answers */
    feed(&r, (svc_event_t){.kind = SVE_ENTRY, .gen = r.s.gen, .ok = true});
    tap(&r, "item1");
    assert_int_equal(r.n, 0);
    assert_int_equal(r.s.v.page, SVP_PIN);
    assert_true(tap(&r, "svc_back")); /* back from the keypad leaves the mode */
    assert_false(service_active(&r.s));
}

static void wrong_pin_stays_and_says_why(void **state)
{
    (void)state;
    rig_t r;
    sign_in(&r, PERM_ALL);
    tap(&r, "svc_back"); /* the menu's back signs out */
    assert_false(service_active(&r.s));
    assert_int_equal(r.cmds[0].kind, SVC_SIGN_OUT);
    for (int i = 0; i < SVC_CORNER_TAPS; i++)
        corner(&r, 100);
    feed(&r, (svc_event_t){.kind = SVE_ENTRY, .gen = r.s.gen, .ok = true});
    tap(&r, "key1");
    tap(&r, "key2");
    tap(&r, "key3");
    assert_false(tap(&r, "svc_ok")); /* four digits at least */
    tap(&r, "key4");
    tap(&r, "svc_ok");
    svc_event_t no = {.kind = SVE_SIGNED, .gen = r.s.gen, .ok = false, .n_rows = 1};
    strcpy(no.text, "Too many wrong PINs: the service mode is locked for a while.");
    no.rows[0] = (svc_row_t){.label = "Opens again at", .kind = SVV_TIME, .at = 1796466000000};
    feed(&r, no);
    assert_int_equal(r.s.v.page, SVP_PIN);
    assert_true(r.s.v.message_bad);
    assert_string_equal(r.s.v.message, "Too many wrong PINs: the service mode is locked for a while.");
    assert_int_equal(r.s.v.n_rows, 1); /* when it opens again */
    assert_int_equal(r.s.v.rows[0].at, 1796466000000);
    assert_int_equal(r.s.v.perms, 0);
}

/* Every page: shown and opened with its permission, refused without. */
static void each_page_needs_its_permission(void **state)
{
    (void)state;
    for (int p = SVP_DEVICES; p < SVP_COUNT; p++) {
        perm_t need = service_page_perm((svc_page_t)p);
        assert_true(need < PERM_COUNT);
        char id[40];
        snprintf(id, sizeof id, "page_%s", service_page_name((svc_page_t)p));
        rig_t r;
        sign_in(&r, PERM_ALL & ~(1u << need));
        assert_false(tap(&r, id));
        assert_int_equal(r.s.v.page, SVP_MENU);
        assert_int_equal(r.n, 0);
        sign_in(&r, 1u << need);
        assert_true(tap(&r, id));
        assert_int_equal(r.s.v.page, p);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.cmds[0].kind, SVC_LOAD);
        assert_int_equal(r.cmds[0].page, p);
    }
}

/* Every action: not shown and not carried out without its permission. */
static void each_action_needs_its_permission(void **state)
{
    (void)state;
    for (int a = SVA_NONE + 1; a < SVA_COUNT; a++) {
        svc_page_t page = service_action_page((svc_action_t)a);
        perm_t need = service_action_perm((svc_action_t)a);
        for (int with = 0; with < 2; with++) {
            service_view_t v = {.page = page, .perms = with ? PERM_ALL : PERM_ALL & ~(1u << need), .selected = 0,
                                .n_items = 1};
            v.items[0].allow = 1u << a;
            strcpy(v.entry, "000000000001");
            assert_int_equal(service_action_shown(&v, (svc_action_t)a), with);
            v.page = page == SVP_MENU ? SVP_CASH : SVP_MENU; /* never on another page */
            assert_false(service_action_shown(&v, (svc_action_t)a));
        }
    }
}

static void void_asks_why_then_acts(void **state)
{
    (void)state;
    rig_t r;
    sign_in(&r, 1u << PERM_DELIVERIES | 1u << PERM_VOID);
    tap(&r, "page_transactions");
    svc_event_t list = {.kind = SVE_PAGE, .gen = r.s.gen, .ok = true, .n_items = 1};
    strcpy(list.items[0].id, "3f2c1a9e-5b7d-4c2e-9a10-6d8e2f4b7c01");
    list.items[0].allow = 1u << SVA_VOID | 1u << SVA_RESUME;
    feed(&r, list);
    assert_false(tap(&r, "act_void")); /* nothing picked yet */
    tap(&r, "item1");
    assert_int_equal(r.cmds[0].kind, SVC_LOAD); /* its evidence */
    svc_event_t ev = {.kind = SVE_PAGE, .gen = r.s.gen, .ok = true, .keep_items = true, .n_rows = 1};
    feed(&r, ev);
    assert_int_equal(r.s.v.selected, 0);
    assert_false(tap(&r, "act_zero")); /* this sale does not allow it */
    assert_true(tap(&r, "act_void"));
    assert_int_equal(r.n, 0);
    assert_int_equal(r.s.v.asking, SVA_VOID);
    assert_true(tap(&r, "reason2"));
    assert_int_equal(r.n, 1);
    assert_int_equal(r.cmds[0].kind, SVC_ACT);
    assert_int_equal(r.cmds[0].action, SVA_VOID);
    assert_string_equal(r.cmds[0].item, "3f2c1a9e-5b7d-4c2e-9a10-6d8e2f4b7c01");
    assert_string_equal(r.cmds[0].reason, service_reason(1));
    assert_true(r.s.v.busy);
}

static void meter_actions_need_twelve_digits(void **state)
{
    (void)state;
    rig_t r;
    sign_in(&r, 1u << PERM_DIAGNOSTICS);
    tap(&r, "page_meters");
    feed(&r, (svc_event_t){.kind = SVE_PAGE, .gen = r.s.gen, .ok = true});
    for (int i = 0; i < 11; i++)
        tap(&r, "key0");
    assert_false(tap(&r, "act_trip"));
    tap(&r, "key1");
    assert_true(tap(&r, "act_trip"));
    assert_string_equal(r.cmds[0].entry, "000000000001");
    assert_int_equal(r.cmds[0].action, SVA_TRIP);
}

static void idle_signs_out_and_old_answers_drop(void **state)
{
    (void)state;
    rig_t r;
    sign_in(&r, PERM_ALL);
    tap(&r, "page_cash");
    uint32_t old = r.s.gen;
    feed(&r, (svc_event_t){.kind = SVE_PAGE, .gen = old, .ok = true});
    r.now += SVC_IDLE_MS - 1;
    assert_false(feed(&r, (svc_event_t){.kind = SVE_TICK}));
    r.now += 2;
    assert_true(feed(&r, (svc_event_t){.kind = SVE_TICK}));
    assert_false(service_active(&r.s));
    assert_int_equal(r.cmds[0].kind, SVC_SIGN_OUT);
    assert_int_equal(r.s.v.perms, 0);
    assert_false(feed(&r, (svc_event_t){.kind = SVE_DONE, .gen = old, .ok = true}));
    assert_false(service_active(&r.s));
}

/* Leaving while the PIN is being checked: the worker is told to sign out
 * too, so an operator it signs in is signed out (and audited) at once. */
static void leaving_during_sign_in_signs_out(void **state)
{
    (void)state;
    rig_t r;
    open_keypad(&r);
    feed(&r, (svc_event_t){.kind = SVE_ENTRY, .gen = r.s.gen, .ok = true});
    for (int i = 0; i < 4; i++)
        tap(&r, "key2");
    tap(&r, "svc_ok");
    assert_true(r.s.v.busy);
    assert_true(tap(&r, "svc_logout"));
    assert_int_equal(r.n, 1);
    assert_int_equal(r.cmds[0].kind, SVC_SIGN_OUT);
    assert_false(service_active(&r.s));
}

static void control_ids(void **state)
{
    (void)state;
    svc_control_t c;
    int i;
    assert_true(service_control_from_id("act_collect", &c, &i));
    assert_int_equal(c, SC_ACT);
    assert_int_equal(i, SVA_COLLECT);
    assert_true(service_control_from_id("page_logs", &c, &i));
    assert_int_equal(i, SVP_LOGS);
    assert_true(service_control_from_id("item8", &c, &i));
    assert_int_equal(i, 7);
    assert_false(service_control_from_id("item9", &c, &i));
    assert_false(service_control_from_id("reason0", &c, &i));
    assert_false(service_control_from_id("page_nothing", &c, &i));
    assert_false(service_control_from_id("act_", &c, &i));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gesture_needs_three_quick_touches),
        cmocka_unit_test(sign_in_page_shows_no_names),
        cmocka_unit_test(wrong_pin_stays_and_says_why),
        cmocka_unit_test(each_page_needs_its_permission),
        cmocka_unit_test(each_action_needs_its_permission),
        cmocka_unit_test(void_asks_why_then_acts),
        cmocka_unit_test(meter_actions_need_twelve_digits),
        cmocka_unit_test(idle_signs_out_and_old_answers_drop),
        cmocka_unit_test(leaving_during_sign_in_signs_out),
        cmocka_unit_test(control_ids),
    };
    return ktest_run("service", tests, sizeof tests / sizeof tests[0], argc, argv);
}
