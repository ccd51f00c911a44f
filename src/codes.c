/* codes: look-ups over the code table (codes_table.c), the parser of what
 * users paste, and the explanation `smbneg explain` prints. */
#include "smbneg/codes.h"

#include <inttypes.h>
#include <string.h>

#define HRESULT_WIN32_MASK 0xFFFF0000u
#define HRESULT_WIN32 0x80070000u /* HRESULT_FROM_WIN32 (MS-ERREF 2.1.2) */
#define HRESULT_NT_BIT 0x10000000u /* HRESULT_FROM_NT: N bit (MS-ERREF 2.1) */
#define MAX_TOKEN 64

static const char *const kind_names[] = {
	[CODE_NTSTATUS] = "NTSTATUS",
	[CODE_WIN32] = "Win32 error",
	[CODE_HRESULT] = "HRESULT",
	[CODE_KERBEROS] = "Kerberos error",
};

const char *code_kind_name(enum code_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "code";
}

const struct code_row *codes_by_value(uint32_t v)
{
	for (size_t i = 0; i < codes_count; i++)
		if (codes_table[i].value == v)
			return &codes_table[i];
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same_word(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static bool row_has_name(const struct code_row *r, const char *s, size_t len)
{
	if (same_word(r->name, strlen(r->name), s, len))
		return true;
	for (const char *a = r->aliases; a && *a;) {
		size_t n = strcspn(a, " ");
		if (same_word(a, n, s, len))
			return true;
		a += n;
		a += strspn(a, " ");
	}
	return false;
}

const struct code_row *codes_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < codes_count; i++)
		if (row_has_name(&codes_table[i], name, len))
			return &codes_table[i];
	return NULL;
}

/* The Win32 row an HRESULT_FROM_WIN32 value wraps, or NULL. */
static const struct code_row *wrapped_win32(uint32_t v)
{
	if ((v & HRESULT_WIN32_MASK) != HRESULT_WIN32)
		return NULL;
	const struct code_row *r = codes_by_value(v & 0xFFFFu);
	return r && r->kind == CODE_WIN32 ? r : NULL;
}

/* The NTSTATUS row an HRESULT_FROM_NT value (0xD...) wraps, or NULL. */
static const struct code_row *wrapped_nt(uint32_t v)
{
	if ((v & 0xF0000000u) != 0xD0000000u)
		return NULL;
	const struct code_row *r = codes_by_value(v & ~HRESULT_NT_BIT);
	return r && r->kind == CODE_NTSTATUS ? r : NULL;
}

bool codes_known(uint32_t v)
{
	return codes_by_value(v) || wrapped_win32(v) || wrapped_nt(v);
}

/* ---- numbers ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Digits of s[0..n) in base 10 or 16 into *v; false on a bad digit, no
 * digit or a value past 32 bits (overflow-safe). */
static bool digits(const char *s, size_t n, unsigned base, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = base == 16 ? hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0 || (unsigned)d >= base)
			return false;
		x = x * base + (unsigned)d;
		if (x > UINT32_MAX + UINT64_C(1)) /* room for -2147483648 */
			return false;
	}
	*v = x;
	return true;
}

enum num_form { NUM_NONE, NUM_DEC, NUM_DEC8, NUM_HEX };

/* A number token: -DEC, DEC, 0xHEX, HEXh, or bare HEX with a letter (any
 * length when loose, exactly 8 digits in running text). */
static enum num_form number(const char *s, size_t n, bool loose, uint32_t *out)
{
	uint64_t v;
	if (n >= 2 && s[0] == '-') {
		if (!digits(s + 1, n - 1, 10, &v) || v > UINT64_C(0x80000000))
			return NUM_NONE;
		*out = (uint32_t)(UINT64_C(0x100000000) - v);
		return NUM_DEC;
	}
	if (n > 2 && s[0] == '0' && lower(s[1]) == 'x')
		return digits(s + 2, n - 2, 16, &v) && v <= UINT32_MAX
			   ? (*out = (uint32_t)v, NUM_HEX)
			   : NUM_NONE;
	if (n >= 2 && lower(s[n - 1]) == 'h' && (loose || n == 9))
		return digits(s, n - 1, 16, &v) && v <= UINT32_MAX ? (*out = (uint32_t)v, NUM_HEX)
								   : NUM_NONE;
	if (digits(s, n, 10, &v))
		return v <= UINT32_MAX ? (*out = (uint32_t)v, n == 8 ? NUM_DEC8 : NUM_DEC)
				       : NUM_NONE;
	if ((loose || n == 8) && n <= 8 && digits(s, n, 16, &v)) {
		*out = (uint32_t)v;
		return NUM_HEX;
	}
	return NUM_NONE;
}

/* ---- names ---- */

/* Find a row by a name as users spell it: NAME, NT_STATUS_X (Samba),
 * WERR_X (Samba's Win32), or a bare X standing for STATUS_X and ERROR_X. */
static size_t by_spelling(const char *s, size_t n, const struct code_row **rows)
{
	char buf[MAX_TOKEN + 8];
	size_t k = 0;
	const struct code_row *r = codes_by_name(s, n);
	if (r)
		rows[k++] = r;
	else if (n > 3 && same_word(s, 3, "NT_", 3) && (r = codes_by_name(s + 3, n - 3)))
		rows[k++] = r;
	else if (n > 5 && same_word(s, 5, "WERR_", 5)) {
		int m = snprintf(buf, sizeof buf, "ERROR_%.*s", (int)(n - 5), s + 5);
		if (m > 0 && (size_t)m < sizeof buf && (r = codes_by_name(buf, (size_t)m)))
			rows[k++] = r;
	} else {
		static const char *const prefixes[] = {"STATUS_", "ERROR_", "NERR_"};
		for (size_t i = 0; i < 3; i++) {
			int m = snprintf(buf, sizeof buf, "%s%.*s", prefixes[i], (int)n, s);
			if (m > 0 && (size_t)m < sizeof buf && (r = codes_by_name(buf, (size_t)m)))
				rows[k++] = r;
		}
	}
	return k;
}

static bool is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static void add(struct codes_match *m, uint32_t v, bool as_hex)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->value[i] == v)
			return;
	if (m->n < CODES_MAX_MATCH) {
		m->value[m->n] = v;
		m->as_hex[m->n++] = as_hex;
	}
}

/* One token: a name or a number the table knows. loose: the token is the
 * whole input (bare short hex and 0 allowed). In running text a name must
 * look like an identifier (have a '_'), and a small decimal number counts
 * only after a cue word ("System error 53", "Error code 5"). */
static void token(const char *s, size_t n, bool loose, bool cued, struct codes_match *m)
{
	const struct code_row *rows[3];
	uint32_t v = 0;
	if (n == 0 || n > MAX_TOKEN)
		return;
	size_t k = loose || memchr(s, '_', n) ? by_spelling(s, n, rows) : 0;
	for (size_t i = 0; i < k; i++)
		add(m, rows[i]->value, false);
	if (k)
		return;
	enum num_form f = number(s, n, loose, &v);
	if (f == NUM_NONE ||
	    (!loose && (v == 0 || (f == NUM_DEC && s[0] != '-' && v < 0x10000 && !cued))))
		return;
	if (codes_known(v)) {
		add(m, v, false);
	} else if (f == NUM_DEC8) {
		uint64_t h; /* 8 decimal digits: also a hex code written without 0x */
		if (digits(s, n, 16, &h) && codes_known((uint32_t)h))
			add(m, (uint32_t)h, true);
	}
}

static bool is_cue(const char *s, size_t n)
{
	static const char *const cues[] = {"error", "code", "status", "err", "hresult", "ntstatus"};
	for (size_t i = 0; i < sizeof cues / sizeof cues[0]; i++)
		if (same_word(s, n, cues[i], strlen(cues[i])))
			return true;
	return false;
}

/* Lower-case letters and digits of s, every other run as one space. */
static size_t squash(const char *s, size_t n, char *out, size_t size)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		char c = lower(s[i]);
		bool w = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (w)
			out[k++] = c;
		else if (k && out[k - 1] != ' ')
			out[k++] = ' ';
	}
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	return k;
}

/* A pasted Windows message text ("The network path was not found."). */
static void by_message(const char *s, size_t n, struct codes_match *m)
{
	char in[CODES_MAX_INPUT + 1], msg[1024];
	if (squash(s, n, in, sizeof in) < 12)
		return;
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		if (!r->message || wrapped_win32(r->value))
			continue; /* an HRESULT's text is its Win32 error's */
		if (squash(r->message, strlen(r->message), msg, sizeof msg) >= 12 &&
		    strstr(in, msg))
			add(m, r->value, false);
	}
}

enum codes_err codes_parse(const char *s, size_t len, struct codes_match *m)
{
	m->n = 0;
	if (len > CODES_MAX_INPUT)
		return CODES_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
			return CODES_BAD_BYTE;
	}
	size_t a = 0, b = len;
	while (a < b && !is_word_char(s[a]))
		a++;
	while (b > a && !is_word_char(s[b - 1]))
		b--;
	if (a == b)
		return CODES_EMPTY;
	size_t run = a;
	while (run < b && is_word_char(s[run]))
		run++;
	if (run == b) { /* one word: the code itself */
		token(s + a, b - a, true, false, m);
		return m->n ? CODES_OK : CODES_UNKNOWN;
	}
	bool cued = false;
	for (size_t i = a; i < b;) {
		size_t j = i;
		while (j < b && is_word_char(s[j]))
			j++;
		if (j > i) {
			token(s + i, j - i, false, cued, m);
			cued = is_cue(s + i, j - i);
		}
		i = j < b ? j + 1 : j;
	}
	if (!m->n)
		by_message(s + a, b - a, m);
	return m->n ? CODES_OK : CODES_UNKNOWN;
}

/* ---- the explanation ---- */

static void head(const char *name, uint32_t v, FILE *f)
{
	fprintf(f, "%s: %" PRIu32 " = 0x%08" PRIX32 " = %" PRId32 "\n", name, v, v, (int32_t)v);
}

/* The NTSTATUS rows Windows maps to the Win32 error v. */
static void print_nt_sources(uint32_t v, FILE *f)
{
	const char *sep = "NTSTATUS behind it: ";
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		if (r->kind == CODE_NTSTATUS && r->has_peer && r->peer == v) {
			fprintf(f, "%s%s (0x%08" PRIX32 ")", sep, r->name, r->value);
			sep = ", ";
		}
	}
	if (sep[0] != 'N')
		fputc('\n', f);
}

static void print_row(const struct code_row *r, FILE *f)
{
	head(r->name, r->value, f);
	if (r->message)
		fprintf(f, "%s. Windows' text: \"%s\"\n", code_kind_name(r->kind), r->message);
	else
		fprintf(f, "%s (no Windows message text on record).\n", code_kind_name(r->kind));
	if (r->about)
		fprintf(f, "What it is: %s.\n", r->about);
	const struct code_row *p = r->has_peer ? codes_by_value(r->peer) : NULL;
	if (p)
		fprintf(f, "Win32 error for it: %s = %" PRIu32 " (as an HRESULT 0x%08" PRIX32 ")\n",
			p->name, p->value, HRESULT_WIN32 | p->value);
	if (r->kind == CODE_WIN32) {
		print_nt_sources(r->value, f);
		if (r->value && r->value <= 0xFFFFu)
			fprintf(f, "As an HRESULT (\"Error code: 0x...\"): 0x%08" PRIX32 "\n",
				HRESULT_WIN32 | r->value);
	}
	fputs("Usually seen when:\n", f);
	for (size_t i = 0; i < CODES_MAX_WHEN && r->when[i].text; i++) {
		const struct code_when *w = &r->when[i];
		fprintf(f, "  - %s%s%s%s\n", w->text, w->verdict ? " (verdict " : "",
			w->verdict ? w->verdict : "", w->verdict ? ")" : "");
	}
}

static void print_value(uint32_t v, bool as_hex, FILE *f)
{
	const struct code_row *r = codes_by_value(v);
	const struct code_row *w = wrapped_win32(v);
	const struct code_row *nt = wrapped_nt(v);
	char name[128];
	if (r) {
		print_row(r, f);
	} else if (w || nt) {
		snprintf(name, sizeof name, "%s(%s)", w ? "HRESULT_FROM_WIN32" : "HRESULT_FROM_NT",
			 w ? w->name : nt->name);
		head(name, v, f);
		fprintf(f, "HRESULT. %s %s wrapped in an HRESULT, as Explorer, PowerShell and .NET "
			   "show it; explained below.\n",
			w ? "Win32 error" : "NTSTATUS", w ? w->name : nt->name);
	}
	if (as_hex)
		fprintf(f,
			"(read as hexadecimal 0x%08" PRIX32 ": no code has that decimal value)\n",
			v);
	if (w || nt) {
		fputc('\n', f);
		print_row(w ? w : nt, f);
	}
}

void codes_print(const struct codes_match *m, FILE *f)
{
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			fputc('\n', f);
		print_value(m->value[i], m->as_hex[i], f);
	}
}
