// SPDX-License-Identifier: GPL-2.0
/* syn_traffic - legitimate TCP traffic around a SYN flood, for the tcpsm
 * tests (tests/synflood.sh, tests/listeners.sh). IPv4 or IPv6, in the
 * caller's network namespace (run it under ip netns exec). Every
 * subcommand ends by itself and prints one JSON line on stdout.
 *
 *   serve --addr A --port P [--backlog N] [--noaccept] [--seconds S]
 *       Listen on A:P with backlog N (default 64). Prints {"ready":...}
 *       once listening, then accepts every connection and closes it at
 *       once (the client sees EOF: the server's end was established and
 *       accepted); --noaccept never calls accept(). Ends after S seconds
 *       (default 600) or on SIGTERM/SIGINT: {"accepted":N}.
 *   connect --addr A --port P [--count N] [--timeout MS]
 *       N connections one after another; each counts as ok when connect()
 *       succeeds and the server's close (EOF) is read within MS ms
 *       (default 5000): {"ok":N,"failed":N,"errors":{...}}.
 *   churn --addr A --port P --rate R --seconds S [--workers W]
 *       W processes (default 4) connecting as "connect" does, paced at R
 *       connections/s in all, for S seconds:
 *       {"connections":N,"failed":N,"seconds":S,"rate":achieved}.
 *   open --addr A --port P --rate R --seconds S [--count N]
 *       Non-blocking connects at R/s (N of them at most) for S seconds, all
 *       kept open until the end (for a server that never accepts,
 *       or to fill an accept queue): {"opened":N,
 *       "established":N,"t_start_mono":T} (established: per TCP_INFO at the
 *       end; T: CLOCK_MONOTONIC s of the first connect).
 *   listeners --addr A --port P[-P2] --seconds S [--backlog N] [--keep K]
 *       Open listeners on ports drawn in turn from P..P2 and close them
 *       again as fast as it can for S seconds, at most K (default 8) open
 *       at once: {"listens":N,"failed":N}. Every socket is closed before it
 *       prints.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *addr_s;
static int port, port_hi, backlog = 64, noaccept, count = 1, timeout_ms = 5000;
static int workers = 4, keep = 8, count_set;
static double rate, seconds = -1;
static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	double d = t - mono();

	if (d > 0) {
		struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static struct sockaddr_storage sa;
static socklen_t salen;
static int family;

static void set_addr(int p)
{
	struct sockaddr_in *a4 = (void *)&sa;
	struct sockaddr_in6 *a6 = (void *)&sa;

	memset(&sa, 0, sizeof(sa));
	if (inet_pton(AF_INET, addr_s, &a4->sin_addr) == 1) {
		family = a4->sin_family = AF_INET;
		a4->sin_port = htons(p);
		salen = sizeof(*a4);
	} else if (inet_pton(AF_INET6, addr_s, &a6->sin6_addr) == 1) {
		family = a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(p);
		salen = sizeof(*a6);
	} else {
		fprintf(stderr, "syn_traffic: bad address '%s'\n", addr_s);
		exit(2);
	}
}

static int listener(int p)
{
	int one = 1, fd;

	set_addr(p);
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (void *)&sa, salen) || listen(fd, backlog)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ---- serve */
static int cmd_serve(void)
{
	long accepted = 0;
	double end = mono() + (seconds < 0 ? 600 : seconds);
	int fd = listener(port);

	if (fd < 0) {
		printf("{\"ready\":false,\"error\":\"%s\"}\n", strerror(errno));
		return 1;
	}
	printf("{\"ready\":true,\"pid\":%d,\"port\":%d,\"backlog\":%d,\"accept\":%s}\n",
	       getpid(), port, backlog, noaccept ? "false" : "true");
	fflush(stdout);
	while (!stop && mono() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (noaccept || poll(&p, 1, 200) <= 0) {
			if (noaccept)
				usleep(100000);
			continue;
		}
		for (;;) {
			int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);

			if (c < 0)
				break;
			accepted++;
			close(c);
		}
	}
	close(fd);
	printf("{\"accepted\":%ld}\n", accepted);
	return 0;
}

/* ---- one connection: connect, read the server's EOF. 0 or an errno */
static int one_conn(void)
{
	int fd, r, e = 0;
	struct pollfd p;
	char b[64];
	socklen_t l = sizeof(e);
	double end = mono() + timeout_ms / 1000.0;

	set_addr(port);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (void *)&sa, salen) && errno != EINPROGRESS) {
		e = errno;
		goto out;
	}
	p.fd = fd;
	p.events = POLLOUT;
	r = poll(&p, 1, timeout_ms);
	if (r <= 0) {
		e = ETIMEDOUT;
		goto out;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
	if (e)
		goto out;
	for (;;) {	/* wait for the server's FIN */
		int left = (int)((end - mono()) * 1000);

		p.events = POLLIN;
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			e = ETIME;
			break;
		}
		r = read(fd, b, sizeof(b));
		if (r == 0)
			break;
		if (r < 0 && errno != EAGAIN) {
			e = errno;
			break;
		}
	}
out:
	close(fd);
	return e;
}

static int cmd_connect(void)
{
	int ok = 0, failed = 0, i, e, n = 0;
	char errs[512] = "";

	for (i = 0; i < count; i++) {
		e = one_conn();
		if (!e) {
			ok++;
			continue;
		}
		failed++;
		n += snprintf(errs + n, sizeof(errs) - n, "%s\"%s\"",
			      n ? "," : "", strerror(e));
		if (n >= (int)sizeof(errs) - 64)
			n = sizeof(errs) - 64;
	}
	printf("{\"ok\":%d,\"failed\":%d,\"errors\":[%s]}\n", ok, failed, errs);
	return failed ? 1 : 0;
}

/* ---- churn: W workers, connection k of worker w due at t0 + (k*W + w)/R */
static int cmd_churn(void)
{
	long *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double t0 = mono() + 0.05, end = t0 + seconds, t1;
	long conns = 0, failed = 0;
	int w;

	if (res == MAP_FAILED || workers < 1 || workers > 64 || seconds <= 0)
		return 2;
	memset(res, 0, 4096);
	for (w = 0; w < workers; w++) {
		if (fork() == 0) {
			long k;

			for (k = 0; !stop; k++) {
				double due = t0 + (rate > 0 ? (k * workers + w) / rate : 0);

				if (due >= end || mono() >= end)
					break;
				sleep_until(due);
				if (one_conn())
					res[2 * w + 1]++;
				else
					res[2 * w]++;
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	t1 = mono();
	for (w = 0; w < workers; w++) {
		conns += res[2 * w];
		failed += res[2 * w + 1];
	}
	printf("{\"connections\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"rate\":%.1f,"
	       "\"asked\":%.0f,\"workers\":%d}\n", conns, failed, t1 - t0,
	       conns / (t1 - t0), rate, workers);
	return 0;
}

/* ---- open: connections kept open */
static int cmd_open(void)
{
	int n = 0, est = 0, i, max = count_set ? count : (int)(rate * seconds) + 1;
	int *fds = calloc(max, sizeof(int));
	double t0 = mono();

	if (!fds || rate <= 0 || seconds <= 0)
		return 2;
	set_addr(port);
	while (!stop && n < max && mono() < t0 + seconds) {
		sleep_until(t0 + n / rate);
		fds[n] = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[n] < 0)
			break;
		connect(fds[n], (void *)&sa, salen);
		n++;
	}
	sleep_until(t0 + seconds);
	for (i = 0; i < n; i++) {
		struct tcp_info ti;
		socklen_t l = sizeof(ti);

		if (!getsockopt(fds[i], IPPROTO_TCP, TCP_INFO, &ti, &l) &&
		    ti.tcpi_state == 1 /* TCP_ESTABLISHED */)
			est++;
		close(fds[i]);
	}
	printf("{\"opened\":%d,\"established\":%d,\"t_start_mono\":%.6f}\n",
	       n, est, t0);
	return 0;
}

/* ---- listeners: open and close at a high rate */
static int cmd_listeners(void)
{
	int ring[256], head = 0, open_n = 0, p = port;
	long listens = 0, failed = 0;
	double end = mono() + seconds;

	if (keep < 1 || keep > 256 || seconds <= 0)
		return 2;
	while (!stop && mono() < end) {
		int fd;

		if (open_n == keep) {	/* close the oldest */
			close(ring[head]);
			head = (head + 1) % keep;
			open_n--;
		}
		fd = listener(p);
		p = p >= port_hi ? port : p + 1;
		if (fd < 0) {
			failed++;
			continue;
		}
		listens++;
		ring[(head + open_n) % keep] = fd;
		open_n++;
	}
	while (open_n--) {
		close(ring[head]);
		head = (head + 1) % keep;
	}
	printf("{\"listens\":%ld,\"failed\":%ld}\n", listens, failed);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: syn_traffic serve|connect|churn|open|listeners --addr A --port P[-P2]\n"
		"  [--backlog N] [--noaccept] [--count N] [--timeout MS] [--rate R]\n"
		"  [--seconds S] [--workers W] [--keep K]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sg = { .sa_handler = on_signal };
	const char *cmd;
	int i;

	if (argc < 2)
		usage();
	cmd = argv[1];
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : "";

		if (!strcmp(a, "--noaccept")) {
			noaccept = 1;
			continue;
		}
		i++;
		if (!strcmp(a, "--addr"))
			addr_s = v;
		else if (!strcmp(a, "--port")) {
			char *e;

			port = (int)strtol(v, &e, 10);
			port_hi = *e == '-' ? atoi(e + 1) : port;
		} else if (!strcmp(a, "--backlog"))
			backlog = atoi(v);
		else if (!strcmp(a, "--count")) {
			count = atoi(v);
			count_set = 1;
		}
		else if (!strcmp(a, "--timeout"))
			timeout_ms = atoi(v);
		else if (!strcmp(a, "--rate"))
			rate = atof(v);
		else if (!strcmp(a, "--seconds"))
			seconds = atof(v);
		else if (!strcmp(a, "--workers"))
			workers = atoi(v);
		else if (!strcmp(a, "--keep"))
			keep = atoi(v);
		else
			usage();
	}
	if (!addr_s || port < 1 || port > 65535 || port_hi < port || port_hi > 65535)
		usage();
	if (seconds > 3600)
		usage();
	sigaction(SIGINT, &sg, NULL);
	sigaction(SIGTERM, &sg, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "serve"))
		return cmd_serve();
	if (!strcmp(cmd, "connect"))
		return cmd_connect();
	if (!strcmp(cmd, "churn"))
		return cmd_churn();
	if (!strcmp(cmd, "open"))
		return cmd_open();
	if (!strcmp(cmd, "listeners"))
		return cmd_listeners();
	usage();
	return 2;
}
