/* The command line's common ground (bo_cli.h): splitting the words, who
 * runs a verb, presenting an outcome and a listing. */
#include "backoffice/cli/bo_cli.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_report.h"
#include "base/kjson.h"

const char *bo_arg(const bo_args_t *a, const char *name)
{
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt_name[i], name) == 0)
            return a->opt_val[i];
    return NULL;
}

int bo_args_all(const bo_args_t *a, const char *name, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt_name[i], name) == 0 && n < max)
            out[n++] = a->opt_val[i];
    return n;
}

bool bo_cli_is(const bo_args_t *a, const char *noun, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[0], noun) == 0 && strcmp(a->pos[1], verb) == 0;
}

int bo_cli_usage(const char *text)
{
    fprintf(stderr, "usage: backoffice %s\n", text);
    return BO_EXIT_USAGE;
}

int bo_cli_outcome(kerr_t rc, const kmsg_t *msg, const char *done)
{
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg->text);
        return BO_EXIT_FAIL;
    }
    if (done)
        printf("%s\n", done);
    return BO_EXIT_OK;
}

int bo_cli_outcome_args(kerr_t rc, const kmsg_t *msg, const char *done)
{
    if (rc == K_EINVAL) {
        fprintf(stderr, "backoffice: %s\n", msg->text);
        return BO_EXIT_USAGE;
    }
    return bo_cli_outcome(rc, msg, done);
}

int bo_cli_rows_done(kerr_t rc, bo_rows_t *r, const kmsg_t *msg, bool csv, FILE *out)
{
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg->text);
        return BO_EXIT_FAIL;
    }
    bo_rows_write(r, csv, out);
    bo_rows_free(r);
    return BO_EXIT_OK;
}

bo_who_t bo_cli_login(void)
{
    static char actor[96];
    const char *name = getlogin();
    struct passwd *pw = name ? NULL : getpwuid(geteuid());
    if (!name && pw)
        name = pw->pw_name;
    if (name && name[0])
        snprintf(actor, sizeof actor, "backoffice:%s", name);
    else
        snprintf(actor, sizeof actor, "backoffice:uid%u", (unsigned)geteuid());
    return (bo_who_t){actor, bo_clock_wall_ms()};
}

bo_who_t bo_cli_user(void)
{
    static char actor[80];
    const struct passwd *pw = getpwuid(getuid());
    snprintf(actor, sizeof actor, "staff:%s", pw ? pw->pw_name : "unknown");
    return (bo_who_t){actor, bo_clock_wall_ms()};
}

int bo_cli_rows(bo_store_t *st, bo_listing_t what, const bo_list_args_t *args, bool csv, FILE *out,
                const char *failed)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_list_args_t none = {0};
    if (bo_report_rows(st, what, args ? args : &none, &rows, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s: %s\n", failed, msg.text);
        return BO_EXIT_FAIL;
    }
    bo_rows_write(&rows, csv, out);
    bo_rows_free(&rows);
    return BO_EXIT_OK;
}

int bo_cli_list(bo_store_t *st, bo_listing_t what, const bo_args_t *a, FILE *out)
{
    return bo_cli_rows(st, what, NULL, bo_arg(a, "csv") != NULL, out, "listing failed");
}

bool bo_cli_number(const char *text)
{
    size_t n = strlen(text);
    return n >= 1 && n <= 15 && strspn(text, "0123456789") == n;
}

bool bo_cli_int_opt(const bo_args_t *a, const char *name, int64_t dflt, int64_t *out)
{
    const char *v = bo_arg(a, name);
    *out = dflt;
    if (!v)
        return true;
    if (!bo_cli_number(v))
        return false;
    *out = strtoll(v, NULL, 10);
    return true;
}

int bo_cli_json(cJSON *o)
{
    char *text = o ? kjson_print(o, true) : NULL;
    cJSON_Delete(o);
    if (!text)
        return BO_EXIT_FAIL;
    printf("%s\n", text);
    free(text);
    return BO_EXIT_OK;
}

/* Splits argv (after the program and global options) into words and
 * --options; an option takes the next word unless it is a flag (--csv,
 * --help, the account verbs' --prefill, --refund, --carry, --write-off, kiosk add's
 * --by-hand, and --all of the listings that hide what is over). */
bool bo_cli_split(int argc, char **argv, bo_args_t *a)
{
    static const char *const flags[] = {"csv", "help", "prefill", "refund", "carry", "by-hand", "all", "open",
                                        "write-off"};
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0) {
            if (a->npos == BO_CLI_MAX)
                return false;
            a->pos[a->npos++] = argv[i];
            continue;
        }
        if (a->nopt == BO_CLI_MAX)
            return false;
        const char *name = argv[i] + 2;
        bool flag = false;
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
            flag = flag || strcmp(name, flags[f]) == 0;
        if (!flag && i + 1 >= argc)
            return false;
        a->opt_name[a->nopt] = name;
        a->opt_val[a->nopt++] = flag ? "" : argv[++i];
    }
    return true;
}
