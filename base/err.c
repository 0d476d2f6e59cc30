#include "base/err.h"

#include <stdio.h>
#include <string.h>

const char *kerr_str(kerr_t code)
{
    switch (code) {
    case K_OK: return "ok";
    case K_EINVAL: return "invalid input";
    case K_EOVERFLOW: return "overflow";
    case K_ESTATE: return "not allowed in this state";
    case K_ENOTFOUND: return "not found";
    case K_ECONFLICT: return "conflict";
    case K_EBUSY: return "busy";
    case K_EIO: return "input/output error";
    case K_ETIMEOUT: return "timeout";
    case K_EDEVICE: return "device error";
    case K_EVERSION: return "version too new";
    case K_ECORRUPT: return "corrupt data";
    case K_EDENIED: return "denied";
    }
    return "unknown error";
}

kerr_t kmsg_set(kmsg_t *msg, kerr_t code, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg->text, sizeof msg->text, fmt, ap);
        va_end(ap);
    }
    return code;
}

void kmsg_prefix(kmsg_t *msg, const char *fmt, ...)
{
    if (!msg)
        return;
    char head[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    char old[sizeof msg->text];
    memcpy(old, msg->text, sizeof old);
    snprintf(msg->text, sizeof msg->text, "%s%s", head, old);
}
