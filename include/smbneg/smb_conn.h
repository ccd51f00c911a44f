/* smb_conn: the SMB layer of one connection. */
#ifndef SMBNEG_SMB_CONN_H
#define SMBNEG_SMB_CONN_H

#include "smbneg/rd.h"

#include <stddef.h>

/* How much of an NBSS message whose body starts with prefix the SMB layer
 * reads: Negotiate and Session Setup whole up to NBSS_KEEP_LARGE (dialect
 * lists, security blobs with Kerberos tickets), others NBSS_KEEP_MAX. */
size_t smb_conn_keep_limit(const struct rd *prefix);

#endif
