/* Fuzz target: `smbneg explain` input through the codes parser and, when it
 * names codes, the printer. Every code it returns must be known. */
#include "fuzz.h"
#include "smbneg/codes.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct codes_match m;
	if (codes_parse((const char *)data, size, &m) != CODES_OK)
		return 0;
	for (size_t i = 0; i < m.n; i++)
		if (!codes_known(m.value[i]))
			abort();
	FILE *f = fopen("/dev/null", "w");
	if (f) {
		codes_print(&m, f);
		fclose(f);
	}
	return 0;
}
