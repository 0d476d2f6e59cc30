/* kioskctl meter read|relay|scan, alerts */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/kjson.h"
#include "base/timefmt.h"
#include "core/kmath.h"
#include "kiosk/ctl/ctl.h"

static void add_kwh(cJSON *o, const char *name, int64_t wh)
{
    char buf[32];
    meter_quantity_number(wh, buf); /* meters count in 0.01 kWh (0.01 m3) */
    cJSON_AddStringToObject(o, name, buf);
}

/* The meter's kind (electricity unless the registry says otherwise). */
static meter_kind_t kind_of(engine_t *e, const char *meter)
{
    engine_meter_profile_t p = {0};
    kmsg_t ignore;
    engine_meter_profile(e, meter, kclock_wall(e->clk), &p, &ignore);
    return p.kind;
}

/* The four bands, or null for a single-rate meter (no bands, not bands of 0). */
static void add_bands(cJSON *o, const gw_reading_t *r)
{
    static const char *const bands[] = {"sharp", "peak", "flat", "valley"};
    if (r->bands_absent) {
        cJSON_AddNullToObject(o, "bands_kwh");
        return;
    }
    cJSON *b = cJSON_CreateObject();
    for (int i = 0; i < 4; i++)
        add_kwh(b, bands[i], r->energy_band[i]);
    cJSON_AddItemToObject(o, "bands_kwh", b);
}

/* A reading as JSON: an electricity meter's energy_kwh, bands_kwh and
 * relay; a water meter's volume and valve; both with "kind", "unit" and
 * "energy" in that unit. */
static cJSON *reading_json(meter_kind_t kind, const gw_reading_t *r, const ledger_alert_t *alerts, size_t n)
{
    cJSON *o = cJSON_CreateObject(), *flags = cJSON_CreateArray(), *al = cJSON_CreateArray();
    kjson_add_str(o, "meter", r->meter);
    kjson_add_str(o, "kind", meter_kind_name(kind));
    kjson_add_str(o, "unit", meter_unit(kind, UNIT_PLAIN));
    add_kwh(o, "energy", r->energy_total);
    if (kind == METER_WATER) {
        add_kwh(o, "volume_m3", r->energy_total);
    } else {
        add_kwh(o, "energy_kwh", r->energy_total);
        add_bands(o, r);
    }
    kjson_add_int(o, "balance", r->balance);
    kjson_add_int(o, "purchase_count", r->purchase_count);
    kjson_add_str(o, meter_switch_name(kind), meter_switch_state(kind, r->relay_open));
    const char *names[8];
    size_t nf = gw_flag_names(r->flags, names);
    for (size_t i = 0; i < nf; i++)
        cJSON_AddItemToArray(flags, cJSON_CreateString(names[i]));
    cJSON_AddItemToObject(o, "flags", flags);
    for (size_t i = 0; i < n; i++) {
        cJSON *a = cJSON_CreateObject();
        kjson_add_str(a, "kind", alerts[i].kind);
        kjson_add_str(a, "severity", alerts[i].severity);
        kjson_add_str(a, "evidence", alerts[i].evidence);
        cJSON_AddItemToArray(al, a);
    }
    cJSON_AddItemToObject(o, "alerts", al);
    return o;
}

static int print_json(cJSON *o)
{
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
    return text ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int ctl_meter_read(ctl_t *c)
{
    if (c->argc != 2 || !ctl_twelve_digits(c->argv[1]))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter read ADDR (12 digits)");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    gw_reading_t r;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n;
    kmsg_t msg = {""};
    kerr_t rc = engine_read_meter(&s.engine, c->argv[1], &r, alerts, &n, &msg);
    status = rc == K_OK ? print_json(reading_json(kind_of(&s.engine, c->argv[1]), &r, alerts, n))
                        : ctl_fail(rc == K_ENOTFOUND ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "meter %s: %s", c->argv[1], msg.text);
    ctl_site_close(&s);
    return status;
}

int ctl_meter_relay(ctl_t *c)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {0, 0, 0, 0}};
    const char *reason = "by hand";
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?')
            return CTL_EXIT_USAGE;
        reason = optarg;
    }
    if (c->argc - optind != 2 || !ctl_twelve_digits(c->argv[optind]) ||
        (strcmp(c->argv[optind + 1], "trip") != 0 && strcmp(c->argv[optind + 1], "close") != 0))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter relay ADDR trip|close [--reason TEXT]");
    const char *meter = c->argv[optind];
    gw_relay_t cmd = strcmp(c->argv[optind + 1], "trip") == 0 ? GW_RELAY_TRIP : GW_RELAY_CLOSE;
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    kmsg_t msg = {""};
    kerr_t rc = engine_relay(&s.engine, meter, cmd, ctl_actor(), reason, &msg);
    bool water = rc == K_OK && kind_of(&s.engine, meter) == METER_WATER;
    if (water)
        printf("meter %s: valve %s\n", meter, cmd == GW_RELAY_TRIP ? "closed (water cut)" : "open (water on)");
    else if (rc == K_OK)
        printf("meter %s: relay %s\n", meter, cmd == GW_RELAY_TRIP ? "tripped (supply cut)" : "closed (supply on)");
    else
        status = ctl_fail(rc == K_ENOTFOUND ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "meter %s: %s", meter, msg.text);
    ctl_site_close(&s);
    return status;
}

static void scan_line(ctl_site_t *s, const gw_reading_t *r, const ledger_alert_t *alerts, size_t n)
{
    char balance[40], qty[32];
    meter_kind_t kind = kind_of(&s->engine, r->meter);
    money_format(r->balance, s->engine.cfg->currency, MONEY_RECEIPT, balance, sizeof balance);
    meter_quantity_number(r->energy_total, qty);
    printf("%s  ok  %14s  count %5u  %s %-6s  %12s %s", r->meter, balance, r->purchase_count,
           meter_switch_name(kind), meter_switch_state(kind, r->relay_open), qty, meter_unit(kind, UNIT_PLAIN));
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "  alerts: ", alerts[i].kind);
    putchar('\n');
}

int ctl_meter_scan(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter scan");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    if (!s.registry.loaded || s.registry.n == 0) {
        ctl_site_close(&s);
        return ctl_fail(CTL_EXIT_USAGE, "meter scan reads every meter of the registry: set registry.path");
    }
    bool tty = isatty(STDERR_FILENO);
    size_t answered = 0, raised = 0;
    for (size_t i = 0; i < s.registry.n; i++) {
        const char *meter = s.registry.entries[i].meter;
        if (tty)
            fprintf(stderr, "\r[%zu/%zu] %s ", i + 1, s.registry.n, meter);
        gw_reading_t r;
        ledger_alert_t alerts[INSPECT_MAX_ALERTS];
        size_t n;
        kmsg_t msg = {""};
        if (engine_read_meter(&s.engine, meter, &r, alerts, &n, &msg) == K_OK) {
            if (tty)
                fputs("\r\033[K", stderr);
            scan_line(&s, &r, alerts, n);
            answered++;
            raised += n;
        } else {
            if (tty)
                fputs("\r\033[K", stderr);
            printf("%s  no answer: %s\n", meter, msg.text);
        }
        fflush(stdout);
    }
    size_t total = s.registry.n;
    printf("%zu meters: %zu answered, %zu did not; %zu alerts raised\n", total, answered, total - answered, raised);
    ctl_site_close(&s);
    return answered == total ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

static void print_alert(void *ctx, const ledger_alert_t *a)
{
    (void)ctx;
    char when[32];
    ktime_format_iso(a->at, when, sizeof when);
    when[19] = '\0';
    printf("%-19s  %-12s  %-8s  %-17s  %s\n", when, a->meter, a->severity, a->kind, a->evidence);
}

int ctl_alerts(ctl_t *c)
{
    static const struct option opts[] = {{"meter", required_argument, NULL, 'm'}, {"all", no_argument, NULL, 'a'},
                                         {0, 0, 0, 0}};
    const char *meter = NULL;
    bool all = false;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?')
            return CTL_EXIT_USAGE;
        if (ch == 'm')
            meter = optarg;
        else
            all = true;
    }
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_EXIT_FAIL;
    printf("%-19s  %-12s  %-8s  %-17s  %s\n", "WHEN (UTC)", "METER", "SEVERITY", "KIND", "EVIDENCE");
    kmsg_t msg;
    kerr_t rc = ledger_alerts(l, meter, !all, print_alert, NULL, &msg);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}
