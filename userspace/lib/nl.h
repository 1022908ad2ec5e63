/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: the generic netlink side: socket, family, requests, errors. */
#ifndef TCPSM_NL_H
#define TCPSM_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

/* What the kernel said in an extended ACK (NLMSGERR_ATTR_*). */
struct tcpsm_extack {
	bool has_msg;
	char msg[256];			/* NLMSGERR_ATTR_MSG, sanitized */
	bool has_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool has_miss_type;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	/* NLMSGERR_ATTR_POLICY: the range of the refused attribute's policy */
	bool has_min, has_max;
	uint64_t min, max;		/* NL_POLICY_TYPE_ATTR_{MIN,MAX}_VALUE_U */
};

struct tcpsm_nl {
	struct nl_sock *sk;
	int family;			/* resolved id of "tcpsm" */

	/* Outcome of the last tcpsm_nl_request(). */
	int err;			/* errno the kernel returned, or 0 */
	int nlerr;			/* libnl error (negative NLE_*), or 0 */
	struct tcpsm_extack ext;
	bool dump_intr;			/* a reply had NLM_F_DUMP_INTR: the
					 * dump may have repeats or gaps */

	/* Private to nl.c while a request runs. */
	bool done;
	int (*reply)(struct nlmsghdr *nlh, void *arg);
	void *reply_arg;
	int reply_err;
};

/* Fill in the attributes of a request. Return 0 or a negative errno. */
typedef int (*tcpsm_nl_fill_fn)(struct nl_msg *msg, void *arg);

/*
 * Called for each reply message of the family. Return 0 to go on, or a
 * negative errno to stop; that errno is returned by tcpsm_nl_request().
 */
typedef int (*tcpsm_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Open a generic netlink socket and resolve the "tcpsm" family.
 * Returns 0, or prints one line to stderr and returns the exit code
 * (TCPSM_EXIT_NOMODULE when the family does not exist).
 */
int tcpsm_nl_open(struct tcpsm_nl *nl);
void tcpsm_nl_close(struct tcpsm_nl *nl);

/*
 * Send command cmd (flags: 0 for a plain request answered with one reply
 * and an ACK, or NLM_F_DUMP) and feed every reply to reply().
 * Returns 0, or a negative errno; nl->err, nl->nlerr and nl->ext then
 * tell what went wrong (see tcpsm_nl_perror()).
 */
int tcpsm_nl_request(struct tcpsm_nl *nl, uint8_t cmd, int flags,
		     tcpsm_nl_fill_fn fill, void *fill_arg,
		     tcpsm_nl_reply_fn reply, void *reply_arg);

/*
 * A dump of cmd, each reply fed to reply(); the request carries the flag
 * attribute of type flag (all-netns), or nothing when flag is 0. A
 * dump that a sample of the module cut in two (NLM_F_DUMP_INTR: it may
 * list an entry twice or miss one) is read again, a few times, reset()
 * called with reply_arg before each try to forget what the last one
 * gathered. Returns what tcpsm_nl_request() returns.
 */
int tcpsm_nl_dump(struct tcpsm_nl *nl, uint8_t cmd, int flag,
		  tcpsm_nl_reply_fn reply, void *reply_arg,
		  void (*reset)(void *reply_arg));

/*
 * Print the failure of the last request as one line:
 *   tcpsm: <kernel message or what>: <strerror>[ (<hint>)]
 * hint may be NULL.
 */
void tcpsm_nl_perror(const struct tcpsm_nl *nl, int err, const char *what,
		     const char *hint);

/*
 * Parse the extended ACK attributes of an NLMSG_ERROR or NLMSG_DONE
 * message into ext (cleared first). For NLMSG_ERROR/NLMSG_DONE, *error is
 * set to the (negative or zero) error code the message carries.
 * Returns 0, or -EINVAL for a truncated message.
 */
int tcpsm_nl_parse_extack(const struct nlmsghdr *nlh, int *error,
			  struct tcpsm_extack *ext);

#endif /* TCPSM_NL_H */
