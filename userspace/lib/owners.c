// SPDX-License-Identifier: GPL-2.0
/* tcpsm: which process holds a socket (see owners.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owners.h"

static int cmp_owner(const void *a, const void *b)
{
	uint64_t x = ((const struct tcpsm_owner *)a)->ino;
	uint64_t y = ((const struct tcpsm_owner *)b)->ino;

	return x < y ? -1 : x > y;
}

int tcpsm_owners_init(struct tcpsm_owners *o, const uint64_t *inos, size_t n)
{
	size_t i, k = 0;

	memset(o, 0, sizeof(*o));
	if (!n)
		return 0;
	o->v = calloc(n, sizeof(*o->v));
	if (!o->v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (inos[i])
			o->v[k++].ino = inos[i];
	qsort(o->v, k, sizeof(*o->v), cmp_owner);
	for (i = 0, o->n = 0; i < k; i++)
		if (!o->n || o->v[o->n - 1].ino != o->v[i].ino)
			o->v[o->n++] = o->v[i];
	o->left = o->n;
	return 0;
}

void tcpsm_owners_free(struct tcpsm_owners *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static struct tcpsm_owner *lookup(const struct tcpsm_owners *o, uint64_t ino)
{
	struct tcpsm_owner key = { .ino = ino };

	if (!o->n)
		return NULL;
	return bsearch(&key, o->v, o->n, sizeof(*o->v), cmp_owner);
}

const struct tcpsm_owner *tcpsm_owners_find(const struct tcpsm_owners *o,
					    uint64_t ino)
{
	const struct tcpsm_owner *w = lookup(o, ino);

	return w && w->found ? w : NULL;
}

bool tcpsm_owners_socket_link(const char *link, uint64_t *ino)
{
	static const char prefix[] = "socket:[";
	const char *p = link + sizeof(prefix) - 1;
	uint64_t v = 0;

	if (strncmp(link, prefix, sizeof(prefix) - 1) != 0 || !isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		uint64_t d = (uint64_t)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (p[0] != ']' || p[1] != '\0')
		return false;
	*ino = v;
	return true;
}

/* A directory entry of /proc that is a process: its pid, else 0. */
static pid_t entry_pid(const char *name)
{
	long v = 0;

	for (const char *p = name; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > INT_MAX / 10)
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

/* /proc/PID/comm without its newline; false when the process is gone. */
static bool read_comm(int procfd, pid_t pid, char *comm, size_t size)
{
	char path[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%d/comm", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, size - 1);
	close(fd);
	if (n < 0)
		return false;
	comm[n] = '\0';
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	return true;
}

/* The fds of one process. */
static void scan_pid(struct tcpsm_owners *o, int procfd, pid_t pid)
{
	char path[32], link[64], comm[TCPSM_COMM_LEN];
	bool have_comm = false;
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			o->denied++;
		return;		/* ENOENT: gone; or a kernel thread's */
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while (o->left && (de = readdir(d)) != NULL) {
		struct tcpsm_owner *w;
		uint64_t ino;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(fd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;	/* closed meanwhile */
		link[n] = '\0';
		if (!tcpsm_owners_socket_link(link, &ino))
			continue;
		w = lookup(o, ino);
		if (!w || (w->found && w->pid <= pid))
			continue;
		if (!have_comm) {
			if (!read_comm(procfd, pid, comm, sizeof(comm)))
				break;	/* the process is gone */
			have_comm = true;
		}
		if (!w->found)
			o->left--;
		w->found = true;
		w->pid = pid;
		snprintf(w->comm, sizeof(w->comm), "%s", comm);
	}
	closedir(d);
}

int tcpsm_owners_scan(struct tcpsm_owners *o, const char *proc)
{
	struct dirent *de;
	DIR *d;

	if (!o->left)
		return 0;
	d = opendir(proc);
	if (!d)
		return -errno;
	while (o->left && (de = readdir(d)) != NULL) {
		pid_t pid = entry_pid(de->d_name);

		if (pid)
			scan_pid(o, dirfd(d), pid);
	}
	closedir(d);
	return 0;
}
