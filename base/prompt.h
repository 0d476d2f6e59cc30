/* Asking for a secret (a PIN) on the terminal. */
#ifndef BASE_PROMPT_H
#define BASE_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

/* Reads one line (a PIN) into out: asked on the terminal with prompt and
 * without echo, or read from standard input when it is not a terminal.
 * False at the end of the input. */
bool prompt_hidden(const char *prompt, char *out, size_t len);

#endif
