/* Fuzz target: one security buffer through auth_parse_blob() and through each
 * decoder directly (SPNEGO, NTLMSSP, Kerberos). */
#include "fuzz.h"
#include "smbneg/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = rd_init(data, size);
	struct auth_token t;
	(void)auth_parse_blob(&r, &t);
	(void)auth_mech_name(t.mech);
	r = rd_init(data, size);
	struct spnego_token s;
	struct rd inner;
	if (spnego_parse(&r, &s, &inner) == SMB_PARSE_OK)
		(void)spnego_neg_state_name(s.neg_state);
	r = rd_init(data, size);
	struct ntlmssp_msg m;
	(void)ntlmssp_parse(&r, &m);
	r = rd_init(data, size);
	struct krb5_token k;
	(void)krb5_is(&r);
	(void)krb5_parse(&r, &k);
	return 0;
}
