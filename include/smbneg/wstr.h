/* wstr: strings from the wire into fixed-size, NUL-terminated UTF-8 arrays.
 *
 * Used by the security-blob decoders (auth/) and the SMB1 Session Setup
 * bodies. Reads go through rd only; a string longer than its array is cut
 * on a character boundary and *cut is set (never cleared). */
#ifndef SMBNEG_WSTR_H
#define SMBNEG_WSTR_H

#include "smbneg/rd.h"

#include <stdbool.h>
#include <stddef.h>

/* n bytes of UTF-16LE (stops at a NUL character). False when fewer than n
 * bytes are left (dst is then empty and r's error flag is set). */
bool wstr_utf16(struct rd *r, size_t n, char *dst, size_t size, bool *cut);
/* n bytes of an 8-bit (OEM / GeneralString) string, stops at a NUL byte;
 * the code page is unknown, so bytes >= 0x80 become U+FFFD (as tshark shows
 * them) and dst is always valid UTF-8. */
bool wstr_oem(struct rd *r, size_t n, char *dst, size_t size, bool *cut);
/* A NUL-terminated string at r's position (SMB1 style): reads it and its
 * terminator (or to the end of r when unterminated). */
void wstr_read_z(struct rd *r, bool wide, char *dst, size_t size, bool *cut);

#endif
