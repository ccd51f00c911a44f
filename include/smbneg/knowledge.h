/* knowledge: what the seed articles say, as data. The KB 916846
 * interoperability matrix; per verdict cause, the one-line reason and the
 * note as templates, with the article each comes from; per verdict, the
 * fix. Templates name their values in braces ({client}); the verdict fills
 * them (struct knowledge_vars). */
#ifndef SMBNEG_KNOWLEDGE_H
#define SMBNEG_KNOWLEDGE_H

#include "smbneg/facts.h"
#include "smbneg/indicators.h"
#include "smbneg/rules.h"

#include <stdbool.h>
#include <stddef.h>

/* The cells of the KB 916846 interoperability matrix. */
enum kb_outcome {
	KB_SIGNED,
	KB_NOT_SIGNED,
	KB_NO_COMMUNICATION,
};

extern const char *const kb_outcome_names[];

/* KB 916846: the outcome for one pair. setting must be disabled, enabled or required. */
enum kb_outcome kb916846_outcome(bool client_patched, enum signing client, bool server_patched,
				 enum signing server);

/* The values a template may name. */
struct knowledge_vars {
	const char *name;
	const char *value;
};

struct knowledge {
	enum verdict_cause cause;
	const char *reason; /* template; "" for none */
	const char *note;   /* template; "" for none */
	const char *source; /* the seed article or specification it comes from */
	const char *fix;    /* the fix for this cause; NULL: the verdict's (knowledge_fix) */
};

/* The row of a cause; NULL when there is none. */
const struct knowledge *knowledge_of(enum verdict_cause cause);
/* Expand template into buf with vars (n of them); an unknown name expands
 * to nothing. Returns buf. */
const char *knowledge_render(const char *template, const struct knowledge_vars *vars, size_t n,
			     char *buf, size_t size);
/* The fix for each side, with the seeds' security caution; NULL for `signed`. */
const char *knowledge_fix(enum verdict_kind v);
/* The fix for a cause: its own, else its verdict's; NULL for `signed`. */
const char *knowledge_cause_fix(enum verdict_cause cause, enum verdict_kind v);
/* What an attack indicator means and what to do (knowledge_attack.c). */
struct knowledge_attack {
	enum indicator indicator;
	const char *what;   /* one clause: what the wire showed */
	const char *fix;    /* incident response, not a signing setting */
	const char *source; /* the public write-up the rule follows */
};
/* The row of the most severe indicator in m; NULL when m is empty. */
const struct knowledge_attack *knowledge_attack_of(indicator_mask m);
/* How Secure Negotiate failed, in words (MS-SMB2 3.2.5.14.12); "" when it did not. */
const char *knowledge_secure_negotiate(enum secure_negotiate sn);

#endif
