/* The channels' names (bo_channel.h). */
#include "backoffice/notify/bo_channel.h"

static const char *const names[BO_CH_COUNT] = {[BO_CH_SMS] = "sms", [BO_CH_EMAIL] = "email", [BO_CH_WEBHOOK] = "webhook"};

const char *bo_channel_name(bo_channel_kind_t k)
{
    return (unsigned)k < BO_CH_COUNT ? names[k] : "?";
}
