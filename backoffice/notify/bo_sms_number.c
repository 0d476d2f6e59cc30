#include "backoffice/notify/bo_sms_number.h"

#include <string.h>

bool bo_sms_number(const char *mobile, char *out, size_t len)
{
    const char *p = mobile ? mobile : "";
    if (p[0] == '+')
        p++;
    else if (strncmp(p, "00", 2) == 0)
        p += 2;
    size_t n = 0;
    for (; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (*p < '0' || *p > '9' || n + 1 >= len)
            break;
        out[n++] = *p;
    }
    bool ok = len > 0 && !*p && n >= 8 && n <= 15;
    if (len > 0)
        out[ok ? n : 0] = '\0';
    return ok;
}
