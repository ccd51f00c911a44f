/* explain: what a user sees and what to change, per verdict and per error code
 * (KB 887429, KB 916846, KB 2686098, "Control SMB signing behavior"). */
#ifndef SMBNEG_EXPLAIN_H
#define SMBNEG_EXPLAIN_H

#include "smbneg/verdict.h"

#include <stdint.h>
#include <stdio.h>

/* The fix for each side, with the seeds' security caution; NULL for `signed`. */
const char *explain_fix(enum verdict_kind v);

/* `smbneg explain CODE`: CODE in decimal, negative decimal or hex. Writes the
 * explanation to f; returns false when the code is not known or not a number. */
bool explain_code(const char *code, FILE *f);

#endif
