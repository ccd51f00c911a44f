/* out_reasons: the text output's "Reasons and notes" list. Conversations
 * that share verdict, cause and text are listed once, with their row
 * numbers as ranges ("#3-#40, #52"); a reason of one row reads as before
 * ("#7    not-signed: ..."). Bounded: OUT_MAX_REASONS distinct reasons (more
 * are counted), OUT_MAX_RANGES ranges a reason (more rows are counted). */
#ifndef SMBNEG_OUT_REASONS_H
#define SMBNEG_OUT_REASONS_H

#include "smbneg/out_ops.h"

/* Keep row's reason: text is first, then " (second)" when second is not empty. */
void reasons_keep(struct out *o, uint64_t row, enum verdict_kind v, int cause, const char *first,
		  const char *second);
/* Print the list (nothing when empty). */
void reasons_print(struct out *o);
void reasons_free(struct out *o);

#endif
