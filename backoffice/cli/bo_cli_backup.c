/* `backoffice backup --to FILE` (docs/backup.md): the store's online
 * backup while `backoffice serve` runs, its copy checked. */
#include <stdio.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"

bool bo_cli_backup_verb(const bo_args_t *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "backup") == 0;
}

int bo_cli_backup(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *to = bo_arg(a, "to");
    if (a->npos != 1 || !to || !*to)
        return bo_cli_usage("backup --to FILE   (a new file; PostgreSQL: pg_basebackup, docs/backup.md)");
    bo_backup_info_t info;
    kmsg_t msg = {{0}};
    kerr_t rc = st->ops->backup(st->ctx, to, &info, &msg);
    if (rc)
        return bo_cli_outcome(rc, &msg, NULL);
    fprintf(out, "backed up to %s: %lld pages, %lld bytes, schema %d, integrity ok\n", to, (long long)info.pages,
            (long long)info.bytes, info.schema);
    return BO_EXIT_OK;
}
