/* verdict: the decision for one conversation and its words: the rules
 * (rules.h) pick the verdict and its cause from the facts (facts.h); the
 * knowledge table (knowledge.h) gives the reason and the note. */
#ifndef SMBNEG_VERDICT_H
#define SMBNEG_VERDICT_H

#include "smbneg/conv.h"
#include "smbneg/facts.h"
#include "smbneg/knowledge.h"
#include "smbneg/rules.h"

#include <stdbool.h>

struct verdict {
	enum verdict_kind verdict;
	enum verdict_cause cause;
	enum verdict_cause wire_cause; /* the rule under CAUSE_ATTACK, else == cause */
	int smb_version; /* 0 unknown, 1, 2 */
	struct side_signing client, server;
	/* What the settings predict (bit (1 << enum kb_outcome) per possible
	 * outcome; SMB1 outcomes depend on the peers' patch level); 0 unknown. */
	unsigned predicted;
	bool encrypted; /* ordinary traffic was encrypted (SMB 3.x transform) */
	char reason[512];  /* one line: what happened and the error a user sees */
	char note[512];    /* a prediction the wire did not bear out, or empty */
	const char *fix;   /* what to change (knowledge_cause_fix), or for CAUSE_ATTACK what to do
			    * about the attack (knowledge_attack_of); NULL for `signed` */
};

/* Decide the verdict of a conversation from its facts: verdict_rule then
 * verdict_words. */
void verdict_decide(const struct facts *f, struct verdict *v);
/* Only the rule: every field but reason and note (left empty), for a caller
 * that looks at the verdict before it says it (analyze.c's verdict events). */
void verdict_rule(const struct facts *f, struct verdict *v);
/* Reason and note of a verdict verdict_rule set. */
void verdict_words(const struct facts *f, struct verdict *v);
/* The same from the conversation (builds its facts first). */
void verdict_compute(const struct conv *c, struct verdict *v);
/* Parse a verdict name; V_COUNT when unknown. */
enum verdict_kind verdict_from_name(const char *name);

#endif
