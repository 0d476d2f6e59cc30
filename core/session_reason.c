/* Why a sale did not open, was not paid or failed: the reasons' names
 * (for the logs and the scripts) and how the engine's typed error becomes
 * one. The words a resident reads are the screens' (screens/text.c). */
#include "core/session.h"

static const char *const reasons[REASON_COUNT] = {
    [REASON_NONE] = "",
    [REASON_METER_UNKNOWN] = "meter_unknown",
    [REASON_METER_CLOSED] = "meter_closed",
    [REASON_OVER_LIMIT] = "over_limit",
    [REASON_OFFLINE_LIMIT] = "offline_limit",
    [REASON_DEVICE_DOWN] = "device_down",
    [REASON_STAFF_BUSY] = "staff_busy",
    [REASON_DECLINED] = "declined",
    [REASON_CANCELLED] = "cancelled",
    [REASON_EXPIRED] = "expired",
    [REASON_NO_ANSWER] = "no_answer",
    [REASON_FAILED] = "failed",
    [REASON_ACCOUNT_UNKNOWN] = "account_unknown",
    [REASON_NOTHING_DUE] = "nothing_due",
    [REASON_ACCOUNT_ELSEWHERE] = "account_elsewhere",
};

const char *session_reason_name(session_reason_t r)
{
    return (size_t)r < REASON_COUNT ? reasons[r] : "?";
}

/* Opening a sale: each check of engine_sale_open has its own code. */
static session_reason_t opening(kerr_t rc)
{
    if (rc == K_EINVAL)
        return REASON_OVER_LIMIT; /* limits.min/max_purchase, the back office's max_purchase */
    if (rc == K_ESTATE)
        return REASON_METER_CLOSED; /* the back office's registry: closed or removed */
    if (rc == K_EBUSY)
        return REASON_OFFLINE_LIMIT; /* sync.offline_*: the back office has not answered */
    if (rc == K_ENOTFOUND)
        return REASON_DEVICE_DOWN; /* no acceptor, terminal or QR provider */
    return REASON_FAILED;
}

/* Asking what an account owes (sync_account_due, sync_bill_payable). */
static session_reason_t asking_due(kerr_t rc)
{
    if (rc == K_ENOTFOUND || rc == K_EINVAL)
        return REASON_ACCOUNT_UNKNOWN; /* not known, or no account id */
    if (rc == K_EDENIED)
        return REASON_ACCOUNT_ELSEWHERE; /* no meter of it in the kiosk's scope */
    if (rc == K_ESTATE)
        return REASON_NOTHING_DUE;
    return REASON_NO_ANSWER; /* the back office did not answer */
}

session_reason_t session_reason_of(session_cmd_kind_t during, kerr_t rc)
{
    if (rc == K_OK)
        return REASON_NONE;
    if (during == CMD_ASK_DUE)
        return asking_due(rc);
    if (rc == K_ETIMEOUT)
        return REASON_NO_ANSWER;
    if (during == CMD_OPEN_SALE)
        return opening(rc);
    if (rc == K_EDEVICE || rc == K_ENOTFOUND)
        return REASON_DEVICE_DOWN;
    return REASON_FAILED;
}
