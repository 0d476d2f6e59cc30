/* Secrets kept in files of their own (mode 600): the SMSC's and the SMTP
 * server's passwords, read once when a channel opens and never logged. */
#ifndef BACKOFFICE_BASE_BO_SECRET_H
#define BACKOFFICE_BASE_BO_SECRET_H

#include <stddef.h>

#include "base/err.h"

/* Reads a password file's first line (without its line end) into out;
 * what names the setting in msg ("[sms] password_file"). K_EIO if it
 * cannot be read, K_EINVAL if it is empty or longer than len - 1. The
 * password never appears in msg. */
kerr_t bo_secret_file_read(const char *what, const char *path, char *out, size_t len, kmsg_t *msg);

#endif
