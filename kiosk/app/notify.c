/* The service manager's notify protocol (notify.h). */
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "kiosk/app/notify.h"

void knotify_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status ? status : "ready");
}

void knotify_watchdog(void)
{
    sd_notify(0, "WATCHDOG=1");
}

void knotify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}

int knotify_watchdog_interval(long long *interval_ms)
{
    uint64_t usec = 0;
    int on = sd_watchdog_enabled(0, &usec);
    *interval_ms = on > 0 ? (long long)(usec / 2000) : 0;
    return on > 0;
}
