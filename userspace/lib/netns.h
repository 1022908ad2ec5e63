/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the names of network namespaces.
 *
 * A namespace has a name where something bind-mounted it under one:
 * /run/netns/NAME (ip netns, CNI plugins) or /run/docker/netns/NAME
 * (Docker). The kernel knows a namespace by its inode only; stat() of
 * such a file gives that inode (on nsfs). A namespace nobody named has
 * no name (null in JSON).
 */
#ifndef TCPSM_NETNS_H
#define TCPSM_NETNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct tcpsm_netns_name {
	uint64_t ino;			/* inode of the namespace */
	char *name;			/* the file's name */
};

struct tcpsm_netns_names {
	/* Where to look, in order (the first name found wins); NULL: the
	 * defaults above. Set before the first lookup (tests). */
	const char *const *dirs;
	/* The device of namespace files; 0: that of /proc/self/ns/net. */
	dev_t dev;

	struct tcpsm_netns_name *v;
	size_t n, cap;
	struct timespec loaded;		/* CLOCK_MONOTONIC of the last scan */
	int scans;			/* scans done (tests) */
};

/* The directories read by default, NULL-ended. */
extern const char *const tcpsm_netns_dirs[];

/*
 * Scan the directories again, forgetting the names known before.
 * Returns 0, or -ENOMEM (the names known so far stay). A directory that
 * does not exist is no error.
 */
int tcpsm_netns_scan(struct tcpsm_netns_names *nn);

/*
 * The name of namespace ino, or NULL. An inode not known sends us to
 * scan again when the last scan is a second old or more (namespaces
 * come and go; a stream of events of an unnamed one costs a scan a
 * second at most). The string lives until the next scan.
 */
const char *tcpsm_netns_name(struct tcpsm_netns_names *nn, uint64_t ino);

void tcpsm_netns_names_free(struct tcpsm_netns_names *nn);

#endif /* TCPSM_NETNS_H */
