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
#define DLT645_DI_ALARM1 0x04001001u       /* alarm amount 1, written */
#define DLT645_DI_ALARM2 0x04001002u       /* alarm amount 2, written */
#define DLT645_DI_PRICE1 0x04050101u       /* first price table, price 1 (sharp); + band for the others */
#define DLT645_DI_DAY_TABLE1 0x04010001u   /* first set, day-period table 1 */
#define DLT645_DI_FROZEN_TIME 0x05060001u  /* last daily freeze: when */
#define DLT645_DI_FROZEN_ENERGY 0x05060101u /* last daily freeze: forward active energy block */

#endif
