#include "drivers/gateway/gateway.h"

#include <stdio.h>
#include <string.h>

void gw_close(gw_t *gw)
{
    if (gw && gw->ops && gw->ops->close)
        gw->ops->close(gw->ctx);
    if (gw)
        memset(gw, 0, sizeof *gw);
}

gw_err_t gw_probe_none(void *ctx, kmsg_t *msg)
{
    (void)ctx;
    kmsg_set(msg, K_OK, "open (nothing to ask)");
    return GW_OK;
}

void gw_reading_init(gw_reading_t *out, const char *meter)
{
    memset(out, 0, sizeof *out);
    snprintf(out->meter, sizeof out->meter, "%s", meter);
}

const char *gw_err_str(gw_err_t e)
{
    switch (e) {
    case GW_OK: return "ok";
    case GW_UNREACHABLE: return "unreachable";
    case GW_TIMEOUT: return "timeout";
    case GW_PROTOCOL: return "protocol error";
    case GW_REFUSED: return "refused by the meter";
    case GW_NOT_FOUND: return "no such meter";
    case GW_INVALID: return "invalid request";
    case GW_UNSUPPORTED: return "the profile defines no such command";
    }
    return "?";
}

const char *gw_credit_result_str(gw_credit_result_t r)
{
    switch (r) {
    case GW_CREDIT_APPLIED: return "applied";
    case GW_CREDIT_REPEATED: return "repeated";
    case GW_CREDIT_COUNT_MISMATCH: return "count_mismatch";
    case GW_CREDIT_REFUSED: return "refused";
    }
    return "?";
}

size_t gw_flag_names(uint32_t flags, const char *names[8])
{
    static const char *const all[] = {"cover_open", "terminal_open", "magnetic", "reverse_energy", "low_balance",
                                      "pretrip_alarm"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (flags & (1u << i))
            names[n++] = all[i];
    return n;
}

const char *gw_relay_str(gw_relay_t cmd)
{
    switch (cmd) {
    case GW_RELAY_TRIP: return "trip";
    case GW_RELAY_CLOSE: return "close";
    case GW_RELAY_KEEP_ON: return "keep_on";
    case GW_RELAY_KEEP_OFF: return "keep_off";
    }
    return "?";
}

bool gw_frozen_set_time(gw_frozen_t *out, int year, int month, int day, int hour, int minute)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1 || day > mdays[month - 1] || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || (month == 2 && day == 29 && year % 4 != 0))
        return false;
    out->year = year;
    out->month = month;
    out->day = day;
    out->hour = hour;
    out->minute = minute;
    snprintf(out->at, sizeof out->at, "%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute);
    return true;
}
