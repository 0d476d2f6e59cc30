/* The QR verbs of the command line (docs/payments-qr.md, "Reconciliation"
 * and "Refunds"): `qr reconcile`, `qr differences`, `qr difference
 * resolve`, `qr refunds`, `qr refund settle`. */
#ifndef BACKOFFICE_CLI_BO_CLI_QR_H
#define BACKOFFICE_CLI_BO_CLI_QR_H

#include "backoffice/cli/bo_cli.h"

/* Whether a is a `qr ...` verb. */
bool bo_cli_qr_verb(const bo_args_t *a);

/* Runs it: reconcile opens the provider cfg names ([qr] provider); resolve
 * and a refund's settling are signed by --operator with the PIN in BACKOFFICE_PIN. */
int bo_cli_qr(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

#endif
