/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: which process holds a socket, found the way ss -p finds it: a
 * walk of the links /proc/[pid]/fd/N for those that read
 * "socket:[INODE]", in the pid namespace of that /proc. Processes that end during the walk, or
 * whose fds we may not read (another user's, without CAP_SYS_PTRACE), are
 * passed over: their sockets stay unresolved.
 */
#ifndef TCPSM_OWNERS_H
#define TCPSM_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TCPSM_COMM_LEN	64		/* /proc/PID/comm holds at most 15 */

struct tcpsm_owner {
	uint64_t ino;
	bool found;
	pid_t pid;			/* the first found: /proc lists by pid */
	char comm[TCPSM_COMM_LEN];	/* as the kernel has it: any bytes */
};

struct tcpsm_owners {
	struct tcpsm_owner *v;		/* sorted by ino, distinct */
	size_t n;
	size_t left;			/* not found yet */
	unsigned int denied;		/* processes whose fds we could not read */
};

/*
 * Set up to look for the n inodes of inos (any order; repeats and 0,
 * which no file has, are dropped). Returns 0 or -ENOMEM.
 */
int tcpsm_owners_init(struct tcpsm_owners *o, const uint64_t *inos, size_t n);
void tcpsm_owners_free(struct tcpsm_owners *o);

/*
 * Walk proc ("/proc") once for the inodes asked for; stops early when all
 * are found. Returns 0, or a negative errno when proc cannot be read at
 * all (nothing found then).
 */
int tcpsm_owners_scan(struct tcpsm_owners *o, const char *proc);

/* The owner of ino, or NULL: not asked for, or not found. */
const struct tcpsm_owner *tcpsm_owners_find(const struct tcpsm_owners *o,
					    uint64_t ino);

/* Parse a link target "socket:[12345]" into *ino. */
bool tcpsm_owners_socket_link(const char *link, uint64_t *ino);

#endif /* TCPSM_OWNERS_H */
