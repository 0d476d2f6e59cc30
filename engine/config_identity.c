/* Where the kiosk's identity lives, and the [sync] settings it supplies
 * once the kiosk is enrolled (config.h). */
#include <string.h>
#include <unistd.h>

#include "engine/config.h"

bool config_identity_dir(const kiosk_config_t *cfg, char *out, size_t len)
{
    int n;
    if (cfg->identity_dir[0]) {
        n = snprintf(out, len, "%s", cfg->identity_dir);
    } else {
        const char *slash = strrchr(cfg->ledger_path, '/');
        if (slash)
            n = snprintf(out, len, "%.*s/identity", (int)(slash - cfg->ledger_path), cfg->ledger_path);
        else
            n = snprintf(out, len, "identity");
    }
    return n > 0 && (size_t)n < len;
}

/* dir/name into out if that file exists; false if not (or too long). */
static bool file_in(const char *dir, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    return n > 0 && (size_t)n < len && access(out, R_OK) == 0;
}

/* The first line of dir/name, without its newline, if it fits out. */
static bool first_line(const char *dir, const char *name, char *out, size_t len)
{
    char path[CFG_PATH_LEN + 32];
    if (!file_in(dir, name, path, sizeof path))
        return false;
    FILE *f = fopen(path, "r");
    bool ok = f && fgets(out, (int)len, f) != NULL;
    if (f)
        fclose(f);
    out[ok ? strcspn(out, "\r\n") : 0] = '\0';
    return ok && out[0];
}

void config_identity_fallback(kiosk_config_t *cfg)
{
    char dir[CFG_PATH_LEN], cert[CFG_PATH_LEN], key[CFG_PATH_LEN];
    if (!config_identity_dir(cfg, dir, sizeof dir))
        return;
    if (!cfg->sync_cert_file[0] && !cfg->sync_key_file[0] && file_in(dir, CONFIG_IDENTITY_CERT, cert, sizeof cert) &&
        file_in(dir, CONFIG_IDENTITY_TLS_KEY, key, sizeof key)) {
        memcpy(cfg->sync_cert_file, cert, sizeof cert);
        memcpy(cfg->sync_key_file, key, sizeof key);
    }
    if (!cfg->sync_pubkey[0] && file_in(dir, CONFIG_IDENTITY_CERT, cert, sizeof cert))
        first_line(dir, CONFIG_IDENTITY_DOC_KEY, cfg->sync_pubkey, sizeof cfg->sync_pubkey);
}
