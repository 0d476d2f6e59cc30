/* The data identifiers of the dlt645-prepaid profile
 * (docs/protocols/dlt645-prepaid.md), defined once for the kiosk's side:
 * the DL/T 645 driver reads and credits with them, and the Modbus profile
 * puts the credit's DI into the MACs it computes (meter_mac.h). The
 * simulator keeps its own copy, written from the profile on purpose. */
#ifndef DRIVERS_GATEWAY_DLT645_DI_H
#define DRIVERS_GATEWAY_DLT645_DI_H

#define DLT645_DI_ENERGY_TOTAL 0x00000000u /* total active energy, 0.01 kWh */
#define DLT645_DI_ENERGY_BLOCK 0x0001FF00u /* total and the four TOU registers */
#define DLT645_DI_REMAINING 0x00900200u    /* remaining money */
#define DLT645_DI_OVERDRAFT 0x00900201u    /* overdraft, read when nothing remains */
#define DLT645_DI_COUNT 0x03330201u        /* purchase count */
#define DLT645_DI_STATUS3 0x04000503u      /* status word 3: relay, pre-trip */
#define DLT645_DI_STATUS7 0x04000507u      /* status word 7: covers, magnet, reverse, low balance */
#define DLT645_DI_CUSTOMER 0x0400040Eu     /* customer number */
#define DLT645_DI_RECHARGE 0x070102FFu     /* recharge (a credit) */
#define DLT645_DI_OPEN_ACCOUNT 0x070101FFu /* open account (the first credit) */

#endif
