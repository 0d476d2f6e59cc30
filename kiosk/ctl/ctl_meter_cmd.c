/* kioskctl meter keep-power|alarms|prices|frozen: the commands beyond the
 * relay, each through engine_meter_command (the identity gate, the audit
 * row), and the daily freeze read. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "core/kmath.h"
#include "kiosk/ctl/ctl.h"

/* What the command verbs share: --reason, --json, and the options of
 * each verb (letters above 'r' and 'j'). */
typedef struct cmd_opts {
    const char *reason;
    bool json;
    const char *alarm[2];
    const char *text;
} cmd_opts_t;

static bool parse_opts(ctl_t *c, cmd_opts_t *o)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
                                         {"alarm1", required_argument, NULL, '1'},
                                         {"alarm2", required_argument, NULL, '2'},
                                         {"text", required_argument, NULL, 't'},   {0, 0, 0, 0}};
    int ch;
    optind = 0;
    o->reason = "by hand";
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'r': o->reason = optarg; break;
        case 'j': o->json = true; break;
        case '1': o->alarm[0] = optarg; break;
        case '2': o->alarm[1] = optarg; break;
        case 't': o->text = optarg; break;
        default: return false;
        }
    }
    return true;
}

/* Sends cmd through the engine and says what came of it. */
static int run(ctl_t *c, const char *meter, engine_meter_cmd_t cmd, const engine_cmd_args_t *args,
               const cmd_opts_t *o, const char *done)
{
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    kmsg_t msg = {""};
    kerr_t rc = engine_meter_command(&s.engine, meter, cmd, args, ctl_actor(), o->reason, &msg);
    ctl_site_close(&s);
    if (rc != K_OK)
        return ctl_fail(rc == K_ENOTFOUND || rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "meter %s: %s", meter,
                        msg.text);
    if (!o->json) {
        printf("meter %s: %s\n", meter, done);
        return CTL_EXIT_OK;
    }
    cJSON *j = cJSON_CreateObject();
    kjson_add_str(j, "meter", meter);
    kjson_add_str(j, "command", engine_meter_cmd_name(cmd));
    kjson_add_str(j, "result", "ok");
    char *text = kjson_print(j, true);
    cJSON_Delete(j);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    return text ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

int ctl_meter_keep_power(ctl_t *c)
{
    cmd_opts_t o = {0};
    if (!parse_opts(c, &o) || o.alarm[0] || o.alarm[1] || o.text || c->argc - optind != 2 ||
        !ctl_twelve_digits(c->argv[optind]) ||
        (strcmp(c->argv[optind + 1], "on") != 0 && strcmp(c->argv[optind + 1], "off") != 0))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter keep-power ADDR on|off [--reason TEXT] [--json]");
    bool on = strcmp(c->argv[optind + 1], "on") == 0;
    return run(c, c->argv[optind], on ? METER_CMD_KEEP_ON : METER_CMD_KEEP_OFF, NULL, &o,
               on ? "keeps power on (refuses to trip)" : "keep power released");
}

int ctl_meter_alarms(ctl_t *c)
{
    cmd_opts_t o = {0};
    engine_cmd_args_t a = {{0, 0}, NULL};
    bool ok = parse_opts(c, &o) && !o.text && o.alarm[0] && o.alarm[1] && c->argc - optind == 1 &&
              ctl_twelve_digits(c->argv[optind]);
    for (int i = 0; ok && i < 2; i++) {
        char *end;
        long long v = strtoll(o.alarm[i], &end, 10);
        ok = *o.alarm[i] && !*end && v >= 0;
        a.alarm[i] = v;
    }
    if (!ok)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter alarms ADDR --alarm1 MINOR --alarm2 MINOR "
                                        "[--reason TEXT] [--json] (amounts in minor units)");
    return run(c, c->argv[optind], METER_CMD_SET_ALARMS, &a, &o, "alarm amounts written");
}

int ctl_meter_prices(ctl_t *c)
{
    cmd_opts_t o = {0};
    if (!parse_opts(c, &o) || o.alarm[0] || o.alarm[1] || c->argc - optind != 1 || !ctl_twelve_digits(c->argv[optind]))
        return ctl_fail(CTL_EXIT_USAGE,
                        "usage: kioskctl meter prices ADDR [--text 'single P' | --text 'tou ...'] [--reason TEXT] [--json]");
    const kiosk_config_t *cfg = &c->cfg;
    const char *text = o.text ? o.text : cfg->ui_tariff;
    tariff_t t;
    kmsg_t why = {""};
    if (!text[0] || tariff_parse(text, cfg->currency->exponent, &t, &why) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "tariff '%s': %s", text, why.text[0] ? why.text : "none set (ui.tariff)");
    engine_cmd_args_t a = {{0, 0}, &t};
    return run(c, c->argv[optind], METER_CMD_SET_PRICES, &a, &o,
               t.kind == TARIFF_TOU ? "prices and day periods written" : "prices written");
}

static void add_kwh(cJSON *o, const char *name, int64_t wh)
{
    char buf[32];
    kmath_format_fixed(wh / 10, 2, buf, sizeof buf); /* meters count in 0.01 kWh */
    cJSON_AddStringToObject(o, name, buf);
}

static cJSON *frozen_json(const gw_frozen_t *f)
{
    static const char *const bands[] = {"sharp", "peak", "flat", "valley"};
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "meter", f->meter);
    if (f->none) {
        cJSON_AddNullToObject(o, "frozen_at");
        return o;
    }
    kjson_add_str(o, "frozen_at", f->at);
    add_kwh(o, "energy_kwh", f->energy_total);
    if (f->bands_absent) {
        cJSON_AddNullToObject(o, "bands_kwh");
        return o;
    }
    cJSON *b = cJSON_AddObjectToObject(o, "bands_kwh");
    for (int i = 0; i < 4; i++)
        add_kwh(b, bands[i], f->energy_band[i]);
    return o;
}

int ctl_meter_frozen(ctl_t *c)
{
    if (c->argc != 2 || !ctl_twelve_digits(c->argv[1]))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl meter frozen ADDR (12 digits)");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    gw_frozen_t f;
    kmsg_t msg = {""};
    kerr_t rc = engine_read_frozen(&s.engine, c->argv[1], &f, &msg);
    ctl_site_close(&s);
    if (rc != K_OK)
        return ctl_fail(rc == K_ENOTFOUND || rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "meter %s: %s",
                        c->argv[1], msg.text);
    cJSON *o = frozen_json(&f);
    char *text = kjson_print(o, true);
    cJSON_Delete(o);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    return text ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}
