/* SMPP 3.4 command and status names, and what a status means for the
 * message that got it (SMPP 3.4 section 5.1.3). */
#include "backoffice/notify/bo_smpp_pdu.h"

#include <stddef.h>

static const struct status_row {
    uint32_t code;
    const char *name;
    bo_smpp_verdict_t verdict;
} statuses[] = {
    {0x00, "ESME_ROK", BO_SMPP_V_OK},
    {0x01, "ESME_RINVMSGLEN", BO_SMPP_V_PERMANENT},
    {0x02, "ESME_RINVCMDLEN", BO_SMPP_V_PERMANENT},
    {0x03, "ESME_RINVCMDID", BO_SMPP_V_PERMANENT},
    {0x04, "ESME_RINVBNDSTS", BO_SMPP_V_TEMPORARY},
    {0x05, "ESME_RALYBND", BO_SMPP_V_TEMPORARY},
    {0x06, "ESME_RINVPRTFLG", BO_SMPP_V_PERMANENT},
    {0x07, "ESME_RINVREGDLVFLG", BO_SMPP_V_PERMANENT},
    {0x08, "ESME_RSYSERR", BO_SMPP_V_TEMPORARY},
    {0x0A, "ESME_RINVSRCADR", BO_SMPP_V_PERMANENT},
    {0x0B, "ESME_RINVDSTADR", BO_SMPP_V_PERMANENT},
    {0x0D, "ESME_RBINDFAIL", BO_SMPP_V_TEMPORARY},
    {0x0E, "ESME_RINVPASWD", BO_SMPP_V_TEMPORARY},
    {0x0F, "ESME_RINVSYSID", BO_SMPP_V_TEMPORARY},
    {0x14, "ESME_RMSGQFUL", BO_SMPP_V_TEMPORARY},
    {0x15, "ESME_RINVSERTYP", BO_SMPP_V_PERMANENT},
    {0x43, "ESME_RINVESMCLASS", BO_SMPP_V_PERMANENT},
    {0x45, "ESME_RSUBMITFAIL", BO_SMPP_V_TEMPORARY},
    {0x48, "ESME_RINVSRCTON", BO_SMPP_V_PERMANENT},
    {0x49, "ESME_RINVSRCNPI", BO_SMPP_V_PERMANENT},
    {0x50, "ESME_RINVDSTTON", BO_SMPP_V_PERMANENT},
    {0x51, "ESME_RINVDSTNPI", BO_SMPP_V_PERMANENT},
    {0x58, "ESME_RTHROTTLED", BO_SMPP_V_THROTTLED},
    {0x61, "ESME_RINVSCHED", BO_SMPP_V_PERMANENT},
    {0x62, "ESME_RINVEXPIRY", BO_SMPP_V_PERMANENT},
    {0x64, "ESME_RX_T_APPN", BO_SMPP_V_TEMPORARY},
    {0x65, "ESME_RX_P_APPN", BO_SMPP_V_PERMANENT},
    {0x66, "ESME_RX_R_APPN", BO_SMPP_V_PERMANENT},
    {0xFE, "ESME_RDELIVERYFAILURE", BO_SMPP_V_TEMPORARY},
    {0xFF, "ESME_RUNKNOWNERR", BO_SMPP_V_TEMPORARY},
};

static const struct status_row *status_row(uint32_t status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].code == status)
            return &statuses[i];
    return NULL;
}

bo_smpp_verdict_t bo_smpp_status_verdict(uint32_t status)
{
    const struct status_row *r = status_row(status);
    return r ? r->verdict : BO_SMPP_V_TEMPORARY;
}

const char *bo_smpp_status_name(uint32_t status)
{
    const struct status_row *r = status_row(status);
    return r ? r->name : "ESME_R?";
}

static const struct cmd_row {
    uint32_t cmd;
    const char *name;
} cmds[] = {
    {BO_SMPP_GENERIC_NACK, "generic_nack"},
    {BO_SMPP_BIND_TRANSMITTER, "bind_transmitter"},
    {BO_SMPP_BIND_TRANSMITTER | BO_SMPP_RESP, "bind_transmitter_resp"},
    {BO_SMPP_BIND_TRANSCEIVER, "bind_transceiver"},
    {BO_SMPP_BIND_TRANSCEIVER | BO_SMPP_RESP, "bind_transceiver_resp"},
    {BO_SMPP_SUBMIT_SM, "submit_sm"},
    {BO_SMPP_SUBMIT_SM | BO_SMPP_RESP, "submit_sm_resp"},
    {BO_SMPP_DELIVER_SM, "deliver_sm"},
    {BO_SMPP_DELIVER_SM | BO_SMPP_RESP, "deliver_sm_resp"},
    {BO_SMPP_UNBIND, "unbind"},
    {BO_SMPP_UNBIND | BO_SMPP_RESP, "unbind_resp"},
    {BO_SMPP_ENQUIRE_LINK, "enquire_link"},
    {BO_SMPP_ENQUIRE_LINK | BO_SMPP_RESP, "enquire_link_resp"},
};

const char *bo_smpp_cmd_name(uint32_t cmd)
{
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (cmds[i].cmd == cmd)
            return cmds[i].name;
    return "unknown";
}
