/* Telling the service manager how the program is (systemd's notify
 * protocol, through libsystemd): ready, alive, a status line. Outside a
 * service (no NOTIFY_SOCKET) every call does nothing. */
#ifndef KIOSK_APP_NOTIFY_H
#define KIOSK_APP_NOTIFY_H

/* The program has started and serves: systemd's Type=notify waits for it. */
void knotify_ready(const char *status);

/* The program is alive: call at least every half of WatchdogSec, from the
 * loop whose hanging should restart the service. */
void knotify_watchdog(void);

/* The program is stopping. */
void knotify_stopping(void);

/* Whether the service manager expects watchdog calls; *interval_ms is half
 * its WatchdogSec (0 if none). */
int knotify_watchdog_interval(long long *interval_ms);

#endif
