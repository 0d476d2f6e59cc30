/* The hex examples of a protocol document, read from the page itself so
 * that the simulators' codecs are held to the document, not to a copy of
 * it: every run of two-digit upper-case hex tokens in the page's ``` code
 * blocks, a run going on across a line that starts with white space and a
 * hex token (the documents wrap long frames so). */
#ifndef TESTS_SIM_DOC_HEX_H
#define TESTS_SIM_DOC_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "gateway/hex.h"

#define DOC_RUN_MAX 512

typedef struct doc_run {
    uint8_t b[DOC_RUN_MAX];
    size_t n;
} doc_run_t;

/* Reads the page whose path is in the environment variable var and
 * returns its runs (at most max, in page order); fails the test if the
 * page cannot be read. */
size_t doc_runs(const char *var, doc_run_t *runs, size_t max);

/* The runs of that page that begin with the bytes of start (hex text; ""
 * for any) and have at least min bytes: its frames, at most max. Fails
 * the test if fewer than want are found. */
size_t doc_frames(const char *var, const char *start, size_t min, doc_run_t *runs, size_t max, size_t want);

#endif
