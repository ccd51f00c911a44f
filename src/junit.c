/* junit: the JUnit XML writer (include/smbneg/junit.h). */
#include "smbneg/junit.h"
#include "smbneg/utf8.h"

#include <string.h>

void junit_escape(FILE *f, const char *str, bool attr)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = str ? strlen(str) : 0, pos = 0;
	while (pos < len) {
		uint32_t cp = 0;
		size_t n = utf8_seq(s + pos, len - pos, &cp);
		switch (n ? cp : 0xFFFD) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\t':
		case '\n': /* kept, but not normalised away in attributes */
			if (attr)
				fprintf(f, "&#%u;", (unsigned)cp);
			else
				fputc((int)cp, f);
			break;
		case '\r':
			fputs("&#13;", f);
			break;
		case 0xFFFE:
		case 0xFFFF:
		case 0xFFFD: /* not XML characters; invalid UTF-8 */
			fputs("\xEF\xBF\xBD", f);
			break;
		default:
			if (cp < 0x20) /* XML 1.0 2.2: not even as a reference */
				fprintf(f, "\\x%02x", (unsigned)cp);
			else
				fwrite(s + pos, 1, n, f);
		}
		pos += n ? n : 1;
	}
}

void junit_count(struct junit_counts *c, enum junit_result r)
{
	c->tests++;
	c->failures += r == JUNIT_FAILURE;
	c->errors += r == JUNIT_ERROR;
	c->skipped += r == JUNIT_SKIPPED;
}

/* <tag name="..." tests=... > */
static void open_counted(FILE *f, const char *tag, const char *name, const struct junit_counts *c)
{
	fprintf(f, "%s name=\"", tag);
	junit_escape(f, name, true);
	fprintf(f, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"%lu\" time=\"0\">\n",
		(unsigned long)c->tests, (unsigned long)c->failures, (unsigned long)c->errors,
		(unsigned long)c->skipped);
}

void junit_begin(FILE *f, const char *name, const struct junit_counts *total)
{
	open_counted(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", name, total);
}

void junit_suite_begin(FILE *f, const char *name, const struct junit_counts *c)
{
	open_counted(f, "  <testsuite", name, c);
}

static void attr(FILE *f, const char *key, const char *v)
{
	if (!v)
		return;
	fprintf(f, " %s=\"", key);
	junit_escape(f, v, true);
	fputc('"', f);
}

void junit_case(FILE *f, const struct junit_case *tc)
{
	static const char *const elem[] = {
	    [JUNIT_PASSED] = NULL,
	    [JUNIT_FAILURE] = "failure",
	    [JUNIT_ERROR] = "error",
	    [JUNIT_SKIPPED] = "skipped",
	};
	fputs("    <testcase", f);
	attr(f, "classname", tc->classname);
	attr(f, "name", tc->name);
	fputs(" time=\"0\"", f);
	const char *e = elem[tc->result];
	if (!e) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s", e);
	attr(f, "message", tc->message);
	if (tc->result != JUNIT_SKIPPED)
		attr(f, "type", tc->type);
	if (tc->text) {
		fputc('>', f);
		junit_escape(f, tc->text, false);
		fprintf(f, "</%s>\n", e);
	} else {
		fputs("/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

void junit_suite_end(FILE *f)
{
	fputs("  </testsuite>\n", f);
}

int junit_end(FILE *f)
{
	fputs("</testsuites>\n", f);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
