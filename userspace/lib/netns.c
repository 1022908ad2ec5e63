// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the names of network namespaces (see netns.h). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "netns.h"

const char *const tcpsm_netns_dirs[] = {
	"/run/netns",
	"/run/docker/netns",
	NULL,
};

static void forget(struct tcpsm_netns_names *nn)
{
	for (size_t i = 0; i < nn->n; i++)
		free(nn->v[i].name);
	nn->n = 0;
}

static bool known(const struct tcpsm_netns_names *nn, uint64_t ino)
{
	for (size_t i = 0; i < nn->n; i++)
		if (nn->v[i].ino == ino)
			return true;
	return false;
}

static int add(struct tcpsm_netns_names *nn, uint64_t ino, const char *name)
{
	struct tcpsm_netns_name *v;
	char *copy;

	if (known(nn, ino))
		return 0;
	if (nn->n == nn->cap) {
		size_t cap = nn->cap ? 2 * nn->cap : 16;

		v = realloc(nn->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		nn->v = v;
		nn->cap = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	nn->v[nn->n].ino = ino;
	nn->v[nn->n].name = copy;
	nn->n++;
	return 0;
}

/* The names of one directory's namespace files. */
static int scan_dir(struct tcpsm_netns_names *nn, const char *dir)
{
	struct dirent *de;
	struct stat st;
	int r = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while (!r && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/*
		 * A file there that is not (or no longer) a bind mount of a
		 * namespace is on another device: its inode means nothing.
		 */
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
		    st.st_dev != nn->dev)
			continue;
		r = add(nn, st.st_ino, de->d_name);
	}
	closedir(d);
	return r;
}

int tcpsm_netns_scan(struct tcpsm_netns_names *nn)
{
	const char *const *dirs = nn->dirs ? nn->dirs : tcpsm_netns_dirs;
	struct stat st;
	int r = 0;

	if (!nn->dev && stat("/proc/self/ns/net", &st) == 0)
		nn->dev = st.st_dev;
	forget(nn);
	clock_gettime(CLOCK_MONOTONIC, &nn->loaded);
	nn->scans++;
	for (size_t i = 0; !r && dirs[i]; i++)
		r = scan_dir(nn, dirs[i]);
	return r;
}

const char *tcpsm_netns_name(struct tcpsm_netns_names *nn, uint64_t ino)
{
	struct timespec now;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nn->n; i++)
			if (nn->v[i].ino == ino)
				return nn->v[i].name;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (pass || (nn->scans &&
			     now.tv_sec - nn->loaded.tv_sec -
			     (now.tv_nsec < nn->loaded.tv_nsec) < 1))
			break;
		tcpsm_netns_scan(nn);
	}
	return NULL;
}

void tcpsm_netns_names_free(struct tcpsm_netns_names *nn)
{
	forget(nn);
	free(nn->v);
	nn->v = NULL;
	nn->cap = 0;
}
