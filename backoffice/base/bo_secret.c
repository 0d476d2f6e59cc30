#include "backoffice/base/bo_secret.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

kerr_t bo_secret_file_read(const char *what, const char *path, char *out, size_t len, kmsg_t *msg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EIO, "%s %s cannot be read", what, path);
    bool got = fgets(out, (int)len, f) != NULL;
    bool whole = got && (strchr(out, '\n') || fgetc(f) == EOF);
    fclose(f);
    if (!got)
        return kmsg_set(msg, K_EINVAL, "%s %s is empty", what, path);
    out[strcspn(out, "\r\n")] = '\0';
    if (!whole || !out[0]) {
        memset(out, 0, len);
        return kmsg_set(msg, K_EINVAL, "%s %s: its first line is empty or longer than %zu characters", what, path,
                        len - 1);
    }
    return K_OK;
}
