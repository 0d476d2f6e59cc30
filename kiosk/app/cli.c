#include "kiosk/app/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* Matches "--name value" or "--name=value"; advances *i past the value. */
static bool take_value(int argc, char **argv, int *i, const char *name, const char **value, kmsg_t *msg,
                       bool *bad)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        kmsg_set(msg, K_EINVAL, "%s needs a value", name);
        *bad = true;
        return true;
    }
    *value = argv[++*i];
    return true;
}

kerr_t cli_split(int argc, char **argv, cli_args_t *a, kmsg_t *msg)
{
    memset(a, 0, sizeof *a);
    a->rest = calloc((size_t)argc + 1, sizeof *a->rest);
    if (!a->rest)
        return kmsg_set(msg, K_EIO, "out of memory");
    bool bad = false, after_dashdash = false;
    for (int i = 1; i < argc && !bad; i++) {
        const char *v = NULL;
        if (after_dashdash) {
            a->rest[a->n_rest++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            after_dashdash = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            a->help = true;
        } else if (strcmp(argv[i], "--version") == 0) {
            a->version = true;
        } else if (take_value(argc, argv, &i, "--config", &v, msg, &bad)) {
            if (!bad && a->config_path) {
                kmsg_set(msg, K_EINVAL, "--config given twice");
                bad = true;
            }
            a->config_path = v;
        } else if (take_value(argc, argv, &i, "--set", &v, msg, &bad)) {
            if (!bad && a->n_sets == CLI_MAX_SETS) {
                kmsg_set(msg, K_EINVAL, "more than %d --set options", CLI_MAX_SETS);
                bad = true;
            }
            if (!bad)
                a->sets[a->n_sets++] = v;
        } else {
            a->rest[a->n_rest++] = argv[i];
        }
    }
    if (bad) {
        cli_free(a);
        return K_EINVAL;
    }
    return K_OK;
}

void cli_free(cli_args_t *a)
{
    free(a->rest);
    a->rest = NULL;
    a->n_rest = 0;
}

kerr_t cli_load_config(const cli_args_t *a, kiosk_config_t *cfg, kmsg_t *msg)
{
    config_defaults(cfg);
    kerr_t rc = a->config_path ? config_load_file(cfg, a->config_path, msg) : K_OK;
    for (int i = 0; rc == K_OK && i < a->n_sets; i++)
        rc = config_set(cfg, a->sets[i], msg);
    if (rc == K_OK)
        rc = config_check(cfg, msg);
    if (rc == K_OK)
        config_identity_fallback(cfg);
    log_level_t level;
    if (rc == K_OK && log_parse_level(cfg->log_level, &level))
        log_set_level(level);
    return rc;
}
