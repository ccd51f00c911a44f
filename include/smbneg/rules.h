/* rules: the verdict as an ordered table of rules over the facts. The
 * first rule whose test holds gives the verdict and its cause; the prose
 * for each cause is in knowledge.c. A new cause is one row here plus one
 * template there. */
#ifndef SMBNEG_RULES_H
#define SMBNEG_RULES_H

#include "smbneg/facts.h"

enum verdict_kind {
	V_SIGNED,
	V_NOT_SIGNED,
	V_MISMATCH_NO_COMMUNICATION,
	V_MISMATCH_ACCESS_DENIED,
	V_GUEST_BLOCKED,
	V_SECURE_NEGOTIATE_FAILED,
	V_INVALID_SIGNATURE,
	V_NEGOTIATE_FAILED,
	V_LOGON_FAILED,
	V_INCOMPLETE,
	V_COUNT
};

extern const char *const verdict_names[V_COUNT];

/* Why a verdict was given. The names (cause_names) are stable: they are
 * exported as the `cause` key of JSON conversation events. */
enum verdict_cause {
	CAUSE_NO_SMB,
	CAUSE_INVALID_SIGNATURE,
	CAUSE_SMB1_UNSIGNED_LOGON,
	CAUSE_SECURE_NEGOTIATE_FAILED,
	CAUSE_GUEST_BLOCKED,
	CAUSE_ENCRYPTED_BY_SERVER,
	CAUSE_SIGNED_ENCRYPTED,
	CAUSE_SIGNED_PARTLY,
	CAUSE_SIGNED_AGAINST_PREDICTION,
	CAUSE_SIGNED_KB_NO_COMMUNICATION,
	CAUSE_SIGNED,
	CAUSE_TREE_DENIED_GUEST,
	CAUSE_TREE_DENIED_UNSIGNED_CLIENT,
	CAUSE_CLIENT_SIGNING_DISABLED,
	CAUSE_SERVER_SIGNING_DISABLED,
	CAUSE_NEGOTIATE_REFUSED,
	CAUSE_NEGOTIATE_NO_DIALECT,
	CAUSE_NEGOTIATE_UNANSWERED,
	CAUSE_CLOSED_AFTER_NEGOTIATE,
	CAUSE_UNSIGNED_GUEST_EXEMPTED,
	CAUSE_UNSIGNED_DESPITE_REQUIRED,
	CAUSE_NOT_REQUIRED_GUEST,
	CAUSE_NOT_REQUIRED,
	CAUSE_SESSION_SETUP_FAILED,
	CAUSE_TREE_CONNECT_FAILED,
	CAUSE_SNAPLEN_CUT,
	CAUSE_MID_STREAM,
	CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED,
	CAUSE_NO_NEGOTIATE_RESPONSE,
	CAUSE_ENDS_BEFORE_TRAFFIC,
	CAUSE_ATTACK, /* an indicator fired: the verdict is the wire's, the words the attack's */
	CAUSE_COUNT
};

extern const char *const cause_names[CAUSE_COUNT];

struct rule_result {
	enum verdict_kind verdict;
	enum verdict_cause cause;
	enum verdict_cause wire_cause; /* the rule that gave the verdict (== cause but for
					* CAUSE_ATTACK) */
	const struct facts *facts; /* what the rule read */
};

/* Run the rules over f (the last rule always holds). When f->indicators is
 * not empty the conversation is an attack (README "JSON schema": indicators):
 * the verdict stays what the wire shows (the first rule that holds, kept as
 * wire_cause) and the cause becomes CAUSE_ATTACK, so that its words describe
 * the attack rather than advise a signing change. */
struct rule_result rules_decide(const struct facts *f);
/* The rule row of a cause: its verdict; V_COUNT when cause is unknown or is
 * CAUSE_ATTACK (whose verdict is that of the rule under it). */
enum verdict_kind rules_verdict_of(enum verdict_cause cause);

#endif
