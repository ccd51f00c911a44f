/* conv: a conversation's endpoints and roles (see include/smbneg/conv.h). */
#include "smbneg/conv.h"

bool conv_is_smb_port(uint16_t p)
{
	return p == 445 || p == 139;
}

int conv_client_index(const struct conv *c)
{
	if (c->client >= 0)
		return c->client;
	if (conv_is_smb_port(c->ep[1].port) && !conv_is_smb_port(c->ep[0].port))
		return 0;
	if (conv_is_smb_port(c->ep[0].port) && !conv_is_smb_port(c->ep[1].port))
		return 1;
	return 0; /* the SYN sender, or the first talker */
}

const struct endpoint *conv_client(const struct conv *c)
{
	return &c->ep[conv_client_index(c)];
}

const struct endpoint *conv_server(const struct conv *c)
{
	return &c->ep[1 - conv_client_index(c)];
}
