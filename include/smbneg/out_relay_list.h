/* out_relay_list: --relay-list FILE (see src/out_relay_list.c). */
#ifndef SMBNEG_OUT_RELAY_LIST_H
#define SMBNEG_OUT_RELAY_LIST_H

#include "smbneg/host.h"

#include <stdbool.h>
#include <stdio.h>

/* Write one address per line, in order of first appearance, of every server
 * in h that accepted a session without requiring signing or encryption
 * (and, with probes, of every server seen only in a Negotiate that did not
 * require signing). Returns the number written, -1 when out of memory. */
long out_relay_list(const struct host_table *h, FILE *f, bool probes);

#endif
