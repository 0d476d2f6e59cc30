#include "engine/config.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/tariff.h"


typedef enum ctype { T_STR, T_PATH, T_INT, T_ENUM, T_CURRENCY, T_HEX32, T_HOSTPORT, T_BOOL, T_AMOUNTS } ctype_t;

typedef struct ckey {
    const char *section, *name;
    ctype_t type;
    size_t off, size;
    const char *def;
    int64_t min, max;
    const char *choices; /* T_ENUM: space-separated */
    const char *help;
} ckey_t;

#define FIELD(f) offsetof(kiosk_config_t, f), sizeof(((kiosk_config_t *)0)->f)
#define K_STR(s, n, f, d, h) {s, n, T_STR, FIELD(f), d, 0, 0, NULL, h}
#define K_PATH(s, n, f, d, h) {s, n, T_PATH, FIELD(f), d, 0, 0, NULL, h}
#define K_INT(s, n, f, d, lo, hi, h) {s, n, T_INT, FIELD(f), d, lo, hi, NULL, h}
#define K_ENUM(s, n, f, d, c, h) {s, n, T_ENUM, FIELD(f), d, 0, 0, c, h}

static const ckey_t keys[] = {
    K_STR("site", "id", site_id, "site-1", "Identifier of the sales point this kiosk belongs to."),
    K_STR("site", "name", site_name, "", "The site's name as residents know it (the screens, the receipt)."),
    K_STR("site", "contact", site_contact, "",
          "How residents reach the site's staff, shown when a top-up needs them: a phone number and a place."),
    K_STR("site", "kiosk_id", kiosk_id, "kiosk-1", "Identifier of this kiosk within the fleet."),
    K_STR("site", "identity_dir", identity_dir, "",
          "Folder of the kiosk's own keys and certificate (kioskctl enrol); empty: 'identity' next to ledger.path."),
    {"site", "currency", T_CURRENCY, FIELD(currency_code), "CNY", 0, 0, NULL,
     "ISO 4217 code of the currency the site sells in (CNY, HKD, USD, EUR, ...)."},
    {"site", "operator_code", T_HEX32, FIELD(operator_code), "00000001", 0, 0, NULL,
     "The kiosk's 4-byte operator id sent to meters, as 8 hex digits."},
    K_PATH("ledger", "path", ledger_path, "kiosk-ledger.db",
           "The ledger's SQLite file. Keep it on durable storage; back it up."),
    K_INT("ledger", "lock_wait_ms", ledger_lock_wait_ms, "180000", 0, 3600000,
          "How long a program waits for the ledger while another one sells or recovers (one writer at a "
          "time), in milliseconds; 0: do not wait."),
    K_ENUM("gateway", "protocol", gateway_protocol, "dlt645", "dlt645 modbus fake",
           "Protocol of meters the registry does not name: dlt645, modbus, or fake (files in gateway.fake_dir)."),
    {"gateway", "address", T_HOSTPORT, FIELD(gateway_address), "127.0.0.1:8645", 0, 0, NULL,
     "The meter gateway as host:port, for meters whose registry line leaves it empty."},
    K_INT("gateway", "timeout_ms", gateway_timeout_ms, "2000", 50, 60000,
          "How long to wait for a meter's answer to one request, in milliseconds."),
    K_INT("gateway", "retries", gateway_retries, "2", 0, 5,
          "Extra tries of a read or relay command that got no answer (a credit is never retried blindly)."),
    K_STR("gateway", "master_key_file", gateway_master_key_file, "",
          "File with the remote-credit master key (32 hex digits, mode 600); needed to send credit."),
    K_PATH("gateway", "fake_dir", gateway_fake_dir, "fake-meters",
           "Folder of the fake meter bank (gateway.protocol = fake)."),
    K_STR("registry", "path", registry_path, "",
          "Meter registry, CSV with the header meter,customer,protocol,gateway. Empty: no registry."),
    K_INT("delivery", "attempts", delivery_attempts, "2", 1, 5,
          "Sends of one credit while the customer waits, before the retry worker takes over."),
    K_INT("delivery", "retry_base_ms", retry_base_ms, "5000", 100, 3600000,
          "First delay before a pending delivery is retried; doubles each time."),
    K_INT("delivery", "retry_max_ms", retry_max_ms, "600000", 1000, 86400000,
          "Longest delay between retries of a pending delivery."),
    K_INT("limits", "min_purchase", min_purchase, "100", 1, INT64_C(1000000000000),
          "Smallest purchase, in minor units (100 = 1.00)."),
    K_INT("limits", "max_purchase", max_purchase, "100000", 1, INT64_C(1000000000000),
          "Largest purchase, in minor units (100000 = 1000.00)."),
    K_ENUM("cash", "protocol", cash_protocol, "none", "none cctalk",
           "The bill acceptor: cctalk, or none (no cash is taken)."),
    K_PATH("cash", "device", cash_device, "/dev/ttyUSB0", "The bill acceptor's serial device (9600 8N1)."),
    {"cash", "denominations", T_AMOUNTS, FIELD(cash_denominations), "1000,2000,5000,10000", 0, 0, NULL,
     "Notes accepted, as minor units separated by commas (1000 = a 10.00 note)."},
    {"cash", "echo", T_BOOL, FIELD(cash_echo), "false", 0, 0, NULL,
     "true if the serial line echoes what the kiosk sends (a single-wire bus without an echo-free adapter)."},
    K_ENUM("payterm", "protocol", payterm_protocol, "none", "none zvt",
           "The bank-card terminal: zvt, or none (no card payments)."),
    {"payterm", "address", T_HOSTPORT, FIELD(payterm_address), "127.0.0.1:20007", 0, 0, NULL,
     "The card terminal's ZVT address as host:port."},
    K_STR("payterm", "password", payterm_password, "123456", "The terminal's ZVT password, 6 digits."),
    K_INT("payterm", "timeout_ms", payterm_timeout_ms, "120000", 1000, 600000,
          "How long a card payment may take, card and PIN included, in milliseconds."),
    K_INT("payterm", "ack_timeout_ms", payterm_ack_timeout_ms, "5000", 100, 60000,
          "How long the terminal has to acknowledge a command (ZVT: 5 s)."),
    K_ENUM("card", "protocol", card_protocol, "none", "none pcsc",
           "The meter-card reader: pcsc (through pcscd), or none (no meter cards)."),
    K_STR("card", "reader", card_reader, "Virtual PCD 00 00",
          "The card reader: a part of its PC/SC name (pcsc_scan -r lists them)."),
    K_ENUM("card", "keys", card_keys, "sam", "sam file",
           "Where card MACs are computed: sam (in the second reader; the master key never leaves it) or file."),
    K_STR("card", "key_file", card_key_file, "",
           "keys = file: the issuer's master key, 32 hex digits, mode 600 (development only)."),
    K_STR("card", "sam_reader", card_sam_reader, "Virtual PCD 00 01", "keys = sam: the SAM's reader, a part of its name."),
    K_ENUM("printer", "protocol", printer_protocol, "none", "none escpos",
           "The receipt printer: escpos, or none (no receipts; sales go on without them)."),
    K_ENUM("printer", "transport", printer_transport, "serial", "serial tcp file",
           "How the printer is reached: serial (printer.device), tcp (printer.address) or file (printer.path)."),
    K_PATH("printer", "device", printer_device, "/dev/ttyUSB1", "transport = serial: the printer's serial device."),
    {"printer", "address", T_HOSTPORT, FIELD(printer_address), "127.0.0.1:9100", 0, 0, NULL,
     "transport = tcp: the printer as host:port (network printers listen on 9100)."},
    K_PATH("printer", "path", printer_path, "receipts.escpos",
           "transport = file: the file the printer's bytes are appended to (tests, demos)."),
    K_ENUM("printer", "baud", printer_baud, "9600", "1200 2400 4800 9600 19200 38400 57600 115200",
           "transport = serial: the line speed (8N1, no flow control)."),
    K_INT("printer", "timeout_ms", printer_timeout_ms, "10000", 100, 120000,
          "How long connecting to the printer and sending one receipt may take, in milliseconds."),
    K_INT("printer", "status_timeout_ms", printer_status_timeout_ms, "1000", 50, 60000,
          "How long the printer has to answer each status query, in milliseconds."),
    {"ui", "resolution", T_STR, FIELD(ui_resolution), "1280x800", 0, 0, NULL,
     "The touchscreen's size in pixels, WIDTHxHEIGHT (1080x1920 portrait, 1280x800, 800x480)."},
    K_INT("ui", "dpi", ui_dpi, "150", 50, 600,
          "The touchscreen's pixels per inch: every touch target is at least 15 mm at this density."),
    K_INT("ui", "idle_timeout_s", ui_idle_timeout_s, "60", 10, 600,
          "Seconds without a touch before the screen returns to the start (never while money is in)."),
    K_ENUM("ui", "language", ui_language, "zh_CN", "zh_CN en", "The language each resident starts in: zh_CN or en."),
    {"ui", "presets", T_AMOUNTS, FIELD(ui_presets), "2000,5000,10000,20000", 0, 0, NULL,
     "Amounts offered on the amount screen, up to four, minor units separated by commas."},
    K_STR("ui", "tariff", ui_tariff, "single 0.5283",
          "Electricity meters' tariff for the estimate and the receipt while no tariffs document of the back office "
          "is applied (docs/money.md); empty: none."),
    K_STR("ui", "tariff_water", ui_tariff_water, "",
          "Water meters' tariff (per m3) while no tariffs document of the back office is applied; empty: none."),
    K_ENUM("ui", "voice", ui_voice, "on", "on off",
           "Each screen's main instruction spoken (espeak-ng) in the resident's language: on, or off (each resident "
           "starts muted; the mute button turns it on)."),
    K_INT("ui", "voice_volume", ui_voice_volume, "30", 0, 100,
          "Loudness of the spoken instructions, 0 to 100 (100: espeak-ng's normal loudness)."),
    {"ui", "fullscreen", T_BOOL, FIELD(ui_fullscreen), "false", 0, 0, NULL,
     "true: the window covers the whole display (the kiosk); false: a window of ui.resolution."},
    K_STR("sync", "url", sync_url, "",
          "The back office, https://host:port (http:// only on loopback, for tests); empty: no back office."),
    K_STR("sync", "ca_file", sync_ca_file, "", "https: the back office's CA certificate (PEM), the only one trusted."),
    K_STR("sync", "cert_file", sync_cert_file, "", "https: this kiosk's client certificate (PEM), CN = site.kiosk_id."),
    K_STR("sync", "key_file", sync_key_file, "", "https: the private key of the client certificate (PEM, mode 600)."),
    K_INT("sync", "batch", sync_batch, "500", 1, 500, "Outbox rows sent in one upload (the back office takes 500)."),
    K_INT("sync", "timeout_ms", sync_timeout_ms, "30000", 1000, 300000, "How long one request may take, in ms."),
    K_INT("sync", "retry_base_ms", sync_retry_base_ms, "1000", 100, 3600000,
          "First delay after a failed upload; doubles each time, with jitter."),
    K_INT("sync", "retry_max_ms", sync_retry_max_ms, "300000", 1000, 86400000,
          "Longest delay between two tries of an upload."),
    {"sync", "qr", T_BOOL, FIELD(sync_qr), "false", 0, 0, NULL,
     "true: residents may pay by QR code, an order made by the back office (needs sync.url)."},
    K_INT("sync", "qr_ttl_s", sync_qr_ttl_s, "120", 10, 3600,
          "How long a QR order may be paid, in seconds; the kiosk cancels it afterwards."),
    K_STR("sync", "pubkey", sync_pubkey, "",
          "The back office's signing key, base64 (backoffice pubkey); signed documents are applied only with it."),
    K_INT("sync", "offline_after_s", sync_offline_after_s, "300", 10, 86400,
          "Seconds without an answer from the back office after which the kiosk sells within the offline limits."),
    K_INT("sync", "offline_max_purchase", sync_offline_max_purchase, "20000", 0, 100000000,
          "Offline: the most one sale may take, minor units (the settings document overrides it)."),
    K_INT("sync", "offline_total", sync_offline_total, "200000", 0, 1000000000,
          "Offline: the most all sales since the last answer may take together, minor units."),
    K_INT("sync", "offline_hours", sync_offline_hours, "24", 0, 8760,
          "Offline: no sale once the back office has not answered for this many hours."),
    K_INT("sync", "heartbeat_s", sync_heartbeat_s, "60", 5, 86400,
          "Seconds between two heartbeats of kioskctl worker (the settings document overrides it)."),
    K_ENUM("log", "level", log_level, "warn", "error warn info debug",
           "How much the programs log on stderr: error, warn, info or debug."),
};

#define N_KEYS (sizeof keys / sizeof keys[0])

static const ckey_t *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* " (did you mean 'ledger.path'?)" or "" */
static void suggest(const char *section, const char *name, char *out, size_t len)
{
    char want[160], best[160] = "";
    size_t best_d = 4;
    snprintf(want, sizeof want, "%s.%s", section, name);
    for (size_t i = 0; i < N_KEYS; i++) {
        char full[160];
        snprintf(full, sizeof full, "%s.%s", keys[i].section, keys[i].name);
        size_t d = edit_distance(want, full);
        if (d < best_d) {
            best_d = d;
            snprintf(best, sizeof best, "%s", full);
        }
    }
    if (best[0])
        snprintf(out, len, " (did you mean '%s'?)", best);
    else
        out[0] = '\0';
}

static bool in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, v, n) == 0)
            return true;
        p += w;
        while (*p == ' ')
            p++;
    }
    return false;
}

static kerr_t parse_int(const ckey_t *k, const char *v, int64_t *out, kmsg_t *msg)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno == ERANGE)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a whole number", v);
    if (x < k->min || x > k->max)
        return kmsg_set(msg, K_EINVAL, "%lld is out of range (%lld..%lld)", x, (long long)k->min,
                        (long long)k->max);
    *out = x;
    return K_OK;
}

static kerr_t copy_str(const ckey_t *k, const char *v, char *dst, bool nonempty, kmsg_t *msg)
{
    if (strlen(v) >= k->size)
        return kmsg_set(msg, K_EINVAL, "value is longer than %zu characters", k->size - 1);
    if (nonempty && v[0] == '\0')
        return kmsg_set(msg, K_EINVAL, "value must not be empty");
    memcpy(dst, v, strlen(v) + 1);
    return K_OK;
}

/* Validates v for k and stores it in cfg; the message names no key. */
static kerr_t set_value(kiosk_config_t *cfg, const ckey_t *k, const char *v, kmsg_t *msg)
{
    char *field = (char *)cfg + k->off;
    switch (k->type) {
    case T_STR: return copy_str(k, v, field, false, msg);
    case T_PATH: return copy_str(k, v, field, true, msg);
    case T_INT: return parse_int(k, v, (int64_t *)(void *)field, msg);
    case T_ENUM:
        if (!in_choices(k->choices, v))
            return kmsg_set(msg, K_EINVAL, "'%s' is not one of: %s", v, k->choices);
        return copy_str(k, v, field, true, msg);
    case T_CURRENCY:
        if (!currency_find(v))
            return kmsg_set(msg, K_EINVAL, "'%s' is not a supported ISO 4217 currency code", v);
        cfg->currency = currency_find(v);
        return copy_str(k, v, field, true, msg);
    case T_HOSTPORT: {
        const char *colon = strrchr(v, ':');
        char *end;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        if (!colon || colon == v || *end != '\0' || port < 1 || port > 65535)
            return kmsg_set(msg, K_EINVAL, "'%s' is not host:port", v);
        return copy_str(k, v, field, true, msg);
    }
    case T_BOOL:
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return kmsg_set(msg, K_EINVAL, "'%s' is not true or false", v);
        *(bool *)(void *)field = strcmp(v, "true") == 0;
        return K_OK;
    case T_AMOUNTS: {
        char copy[CFG_STR];
        if (strlen(v) >= sizeof copy)
            return kmsg_set(msg, K_EINVAL, "value is too long");
        strcpy(copy, v);
        for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *end;
            long long x = strtoll(tok, &end, 10);
            if (*tok == '\0' || *end != '\0' || x <= 0)
                return kmsg_set(msg, K_EINVAL, "'%s' is not a list of amounts in minor units (1000,2000,5000)", v);
        }
        return copy_str(k, v, field, false, msg);
    }
    case T_HEX32: {
        char *end;
        unsigned long x = strtoul(v, &end, 16);
        if (strlen(v) != 8 || *end != '\0')
            return kmsg_set(msg, K_EINVAL, "'%s' is not 8 hex digits", v);
        *(uint32_t *)(void *)field = (uint32_t)x;
        return K_OK;
    }
    }
    return K_EINVAL;
}

void config_defaults(kiosk_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_KEYS; i++)
        if (set_value(cfg, &keys[i], keys[i].def, NULL) != K_OK)
            abort(); /* a default that fails its own rule is a programming error */
}

/* Splits "section.key=value" (key may itself hold no dots). */
kerr_t config_set(kiosk_config_t *cfg, const char *assignment, kmsg_t *msg)
{
    char buf[CFG_PATH_LEN + 64];
    const char *eq = strchr(assignment, '=');
    const char *dot = eq ? memchr(assignment, '.', (size_t)(eq - assignment)) : NULL;
    if (!eq || !dot || strlen(assignment) >= sizeof buf)
        return kmsg_set(msg, K_EINVAL, "--set %s: expected section.key=value", assignment);
    memcpy(buf, assignment, strlen(assignment) + 1);
    buf[dot - assignment] = '\0';
    buf[eq - assignment] = '\0';
    const char *section = buf, *name = buf + (dot - assignment) + 1, *value = buf + (eq - assignment) + 1;
    const ckey_t *k = find_key(section, name);
    if (!k) {
        char hint[200];
        suggest(section, name, hint, sizeof hint);
        return kmsg_set(msg, K_EINVAL, "--set %s: unknown key '%s.%s'%s", assignment, section, name, hint);
    }
    kmsg_t why;
    if (set_value(cfg, k, value, &why) != K_OK)
        return kmsg_set(msg, K_EINVAL, "--set %s.%s: %s", section, name, why.text);
    return K_OK;
}

typedef struct parse_state {
    kiosk_config_t *cfg;
    FILE *file;
    const char *path;
    int line;
    int seen_line[N_KEYS];
    kmsg_t msg;
    bool failed;
} parse_state_t;

/* fgets for inih that counts lines and refuses lines it would truncate. */
static char *read_line(char *str, int num, void *stream)
{
    parse_state_t *ps = stream;
    if (!fgets(str, num, ps->file))
        return NULL;
    ps->line++;
    size_t n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(ps->file) && !ps->failed) {
        ps->failed = true;
        kmsg_set(&ps->msg, K_EINVAL, "%s:%d: line is longer than %d characters", ps->path, ps->line, num - 3);
        int c;
        while ((c = fgetc(ps->file)) != EOF && c != '\n') {
        }
    }
    return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    parse_state_t *ps = user;
    if (ps->failed)
        return 1; /* keep the first error only */
    const ckey_t *k = find_key(section, name);
    kmsg_t why;
    if (!k) {
        char hint[200];
        suggest(section, name, hint, sizeof hint);
        if (section[0] == '\0')
            kmsg_set(&ps->msg, K_EINVAL, "%s:%d: key '%s' is outside any [section]%s", ps->path,
                     ps->line, name, hint);
        else
            kmsg_set(&ps->msg, K_EINVAL, "%s:%d: unknown key '%s' in [%s]%s", ps->path, ps->line, name,
                     section, hint);
    } else if (ps->seen_line[k - keys]) {
        kmsg_set(&ps->msg, K_EINVAL, "%s:%d: %s.%s is already set on line %d", ps->path, ps->line,
                 section, name, ps->seen_line[k - keys]);
    } else if (set_value(ps->cfg, k, value, &why) != K_OK) {
        kmsg_set(&ps->msg, K_EINVAL, "%s:%d: %s.%s: %s", ps->path, ps->line, section, name, why.text);
    } else {
        ps->seen_line[k - keys] = ps->line;
        return 1;
    }
    ps->failed = true;
    return 0;
}

kerr_t config_load_file(kiosk_config_t *cfg, const char *path, kmsg_t *msg)
{
    parse_state_t ps = {.cfg = cfg, .path = path};
    ps.file = fopen(path, "r");
    if (!ps.file)
        return kmsg_set(msg, K_EINVAL, "%s: cannot read the configuration file: %s", path, strerror(errno));
    int rc = ini_parse_stream(read_line, &ps, on_pair, &ps);
    fclose(ps.file);
    if (ps.failed) {
        if (msg)
            *msg = ps.msg;
        return K_EINVAL;
    }
    if (rc > 0)
        return kmsg_set(msg, K_EINVAL, "%s:%d: expected 'key = value', '[section]' or a comment", path, rc);
    if (rc < 0)
        return kmsg_set(msg, K_EIO, "%s: could not be parsed (out of memory)", path);
    return K_OK;
}

kerr_t config_check(const kiosk_config_t *cfg, kmsg_t *msg)
{
    if (cfg->min_purchase > cfg->max_purchase)
        return kmsg_set(msg, K_EINVAL, "limits.min_purchase (%lld) is above limits.max_purchase (%lld)",
                        (long long)cfg->min_purchase, (long long)cfg->max_purchase);
    if (cfg->retry_base_ms > cfg->retry_max_ms)
        return kmsg_set(msg, K_EINVAL, "delivery.retry_base_ms is above delivery.retry_max_ms");
    if (strlen(cfg->payterm_password) != 6 || strspn(cfg->payterm_password, "0123456789") != 6)
        return kmsg_set(msg, K_EINVAL, "payterm.password must be 6 digits");
    int w, h;
    if (!config_ui_size(cfg, &w, &h))
        return kmsg_set(msg, K_EINVAL, "ui.resolution '%s' is not WIDTHxHEIGHT, each 240..4096 (1280x800)",
                        cfg->ui_resolution);
    tariff_t tariff;
    kmsg_t why;
    if (cfg->ui_tariff[0] && tariff_parse(cfg->ui_tariff, cfg->currency->exponent, &tariff, &why) != K_OK)
        return kmsg_set(msg, K_EINVAL, "ui.tariff: %s", why.text);
    if (cfg->ui_tariff_water[0] && tariff_parse(cfg->ui_tariff_water, cfg->currency->exponent, &tariff, &why) != K_OK)
        return kmsg_set(msg, K_EINVAL, "ui.tariff_water: %s", why.text);
    return K_OK;
}

bool config_ui_size(const kiosk_config_t *cfg, int *width, int *height)
{
    char *end;
    long w = strtol(cfg->ui_resolution, &end, 10);
    if (end == cfg->ui_resolution || *end != 'x')
        return false;
    const char *rest = end + 1;
    long h = strtol(rest, &end, 10);
    if (end == rest || *end != '\0' || w < 240 || w > 4096 || h < 240 || h > 4096)
        return false;
    *width = (int)w;
    *height = (int)h;
    return true;
}

static void format_value(const kiosk_config_t *cfg, const ckey_t *k, char *buf, size_t len)
{
    const char *field = (const char *)cfg + k->off;
    switch (k->type) {
    case T_INT: snprintf(buf, len, "%lld", (long long)*(const int64_t *)(const void *)field); break;
    case T_HEX32: snprintf(buf, len, "%08X", *(const uint32_t *)(const void *)field); break;
    case T_BOOL: snprintf(buf, len, "%s", *(const bool *)(const void *)field ? "true" : "false"); break;
    case T_STR:
    case T_PATH:
    case T_ENUM:
    case T_AMOUNTS:
    case T_HOSTPORT:
    case T_CURRENCY: snprintf(buf, len, "%s", field); break;
    }
}

void config_write_sample(FILE *out)
{
    fprintf(out, "# Prepaid kiosk configuration (INI). Every key is optional: the value\n"
                 "# shown after ';' is the default. Programs take --config FILE and\n"
                 "# --set section.key=value; docs/config.md explains each section.\n");
    const char *section = "";
    for (size_t i = 0; i < N_KEYS; i++) {
        if (strcmp(section, keys[i].section) != 0) {
            section = keys[i].section;
            fprintf(out, "\n[%s]\n", section);
        }
        fprintf(out, "# %s\n;%s = %s\n", keys[i].help, keys[i].name, keys[i].def);
    }
}

void config_dump(const kiosk_config_t *cfg, FILE *out)
{
    const char *section = "";
    for (size_t i = 0; i < N_KEYS; i++) {
        char v[CFG_PATH_LEN + 16];
        if (strcmp(section, keys[i].section) != 0) {
            section = keys[i].section;
            fprintf(out, "%s[%s]\n", i ? "\n" : "", section);
        }
        format_value(cfg, &keys[i], v, sizeof v);
        fprintf(out, "%s = %s\n", keys[i].name, v);
    }
}
