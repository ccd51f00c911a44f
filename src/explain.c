/* explain: the error codes users report (the fixes are in knowledge.c). */
#include "smbneg/explain.h"

#include "smbneg/knowledge.h"
#include "smbneg/codes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *explain_fix(enum verdict_kind v)
{
	return knowledge_fix(v);
}

/* `smbneg explain`: the table and the parser are the codes module. */
bool explain_code(const char *code, FILE *f)
{
	struct codes_match m;
	if (codes_parse(code, strnlen(code, CODES_MAX_INPUT + 1), &m) != CODES_OK)
		return false;
	codes_print(&m, f);
	return true;
}
