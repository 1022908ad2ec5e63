/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the alarm settings of the caller's network namespace
 * (GET_CONFIG, SET_CONFIG): KEY=VALUE parsing and reply decoding.
 */
#ifndef TCPSM_CONFIG_H
#define TCPSM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "json.h"

/* The settings, in the order they are shown. */
#define TCPSM_CONFIG_NKEYS	6

struct tcpsm_config_key {
	const char *name;		/* "closewait.count" */
	int attr;			/* TCPSM_A_CONFIG_* */
};

extern const struct tcpsm_config_key tcpsm_config_keys[TCPSM_CONFIG_NKEYS];

/* Settings read from the kernel, or to be sent: each one set or not. */
struct tcpsm_config {
	bool has_netns;
	uint32_t netns;
	bool has[TCPSM_CONFIG_NKEYS];
	uint32_t value[TCPSM_CONFIG_NKEYS];
};

/*
 * Add one KEY=VALUE argument to c. VALUE is a plain decimal number that
 * fits 32 bits (the kernel checks the range). Returns 0, or -EINVAL with
 * a reason in err that names the key: no '=', an unknown key, a value
 * that is not such a number, a key given twice.
 */
int tcpsm_config_parse_arg(struct tcpsm_config *c, const char *arg,
			   char *err, size_t errlen);

/*
 * Parse a GET_CONFIG or SET_CONFIG reply into c (cleared first).
 * Returns 0, or -EBADMSG if malformed.
 */
int tcpsm_config_parse(struct nlmsghdr *nlh, struct tcpsm_config *c);

#endif /* TCPSM_CONFIG_H */
