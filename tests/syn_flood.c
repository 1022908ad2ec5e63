// SPDX-License-Identifier: GPL-2.0
/* syn_flood - a bounded, spoofed TCP SYN flood for the tcpsm tests.
 *
 *   syn_flood --dst ADDR --dport PORT[-PORT2] [--src CIDR] [--count N]
 *             [--duration SECS] [--rate PPS] [--seed N]
 *
 * Sends IPv4 TCP SYNs through a raw socket (IPPROTO_RAW: we write the IP
 * header) to ADDR:PORT (or a port drawn from PORT..PORT2 for each SYN),
 * each from a pseudo-random source address in CIDR (default
 * 198.18.0.0/15, the benchmarking range) and a pseudo-random source port
 * 1024..65535, with a random sequence number and an MSS option (so that
 * SYN cookies encode an MSS as for a real client). The IPv4 header
 * checksum and the TCP checksum (pseudo-header included) are computed
 * here.
 *
 * It is meant to run in a network namespace of its own, joined to the
 * listener's by a veth pair, where nothing owns the spoofed addresses:
 * the listener's namespace routes CIDR to this side (tests/lib.sh
 * tcpsm_flood_setup), so the SYN-ACKs leave the server and die here
 * (not addressed to us, forwarding off): the request sockets sit in the
 * SYN queue retransmitting, as under a real flood.
 *
 * Bounded: it stops by itself after --count SYNs or --duration seconds
 * (default 10, at most 3600), whichever comes first, or on SIGINT/SIGTERM.
 * --rate PPS paces the SYNs (0 = as fast as it can). At the end it prints
 * one JSON line on stdout:
 *   {"sent":N,"errors":E,"seconds":S,"rate":R,"t_start_mono":T0,"t_end_mono":T1}
 * (CLOCK_MONOTONIC seconds of the first and the last SYN: the clock of
 * tcpsm's alarm "ts"). Exit 0 if at least one SYN was sent, 1 otherwise,
 * 2 on usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32	/* SYNs per sendmmsg() */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* xorshift64*: reproducible with --seed, good enough to spread sources */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* RFC 1071 sum of LEN bytes at P, added to SUM (not folded) */
static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}
static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

struct syn {
	struct iphdr ip;
	struct tcphdr tcp;
	uint8_t opt[4];	/* MSS */
} __attribute__((packed));

static void build(struct syn *s, uint32_t saddr, uint32_t daddr,
		  uint16_t sport, uint16_t dport)
{
	struct { uint32_t s, d; uint8_t z, p; uint16_t len; } __attribute__((packed)) ph;
	uint32_t sum;

	memset(s, 0, sizeof(*s));
	s->ip.version = 4;
	s->ip.ihl = 5;
	s->ip.tot_len = htons(sizeof(*s));
	s->ip.id = htons((uint16_t)rnd());
	s->ip.frag_off = htons(IP_DF);
	s->ip.ttl = 64;
	s->ip.protocol = IPPROTO_TCP;
	s->ip.saddr = saddr;
	s->ip.daddr = daddr;
	s->ip.check = csum_fold(csum_add(0, &s->ip, sizeof(s->ip)));

	s->tcp.source = htons(sport);
	s->tcp.dest = htons(dport);
	s->tcp.seq = htonl(rnd());
	s->tcp.doff = (sizeof(s->tcp) + sizeof(s->opt)) / 4;
	s->tcp.syn = 1;
	s->tcp.window = htons(64240);
	s->opt[0] = TCPOPT_MAXSEG;
	s->opt[1] = TCPOLEN_MAXSEG;
	s->opt[2] = 1460 >> 8;
	s->opt[3] = 1460 & 0xff;

	ph.s = saddr;
	ph.d = daddr;
	ph.z = 0;
	ph.p = IPPROTO_TCP;
	ph.len = htons(sizeof(s->tcp) + sizeof(s->opt));
	sum = csum_add(0, &ph, sizeof(ph));
	sum = csum_add(sum, &s->tcp, sizeof(s->tcp) + sizeof(s->opt));
	s->tcp.check = csum_fold(sum);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: syn_flood --dst ADDR --dport PORT[-PORT2] [--src CIDR] [--count N]\n"
		"                 [--duration SECS] [--rate PPS] [--seed N]\n"
		"  stops after N SYNs or SECS seconds (default 10, max 3600), whichever first\n");
	exit(2);
}

static long num(const char *s, long lo, long hi)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno || e == s || *e || v < lo || v > hi) {
		fprintf(stderr, "syn_flood: bad number '%s' (%ld..%ld)\n", s, lo, hi);
		usage();
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *src = "198.18.0.0/15";
	long count = -1, rate = 0, dport_lo = 0, dport_hi = 0;
	double duration = 10, t0, t_end, t_last = 0, now;
	struct in_addr daddr, snet;
	uint32_t smask, shost;
	long sent = 0, errors = 0, first_err = 0;
	struct syn pkt[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	int fd, i, plen;
	char *slash, *dash, cidr[64];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--dst")) {
			dst = v;
		} else if (!strcmp(a, "--dport")) {
			char p[32];

			snprintf(p, sizeof(p), "%s", v);
			dash = strchr(p, '-');
			if (dash)
				*dash++ = 0;
			dport_lo = num(p, 1, 65535);
			dport_hi = dash ? num(dash, dport_lo, 65535) : dport_lo;
		} else if (!strcmp(a, "--src")) {
			src = v;
		} else if (!strcmp(a, "--count")) {
			count = num(v, 1, 1000000000);
		} else if (!strcmp(a, "--duration")) {
			char *e;

			duration = strtod(v, &e);
			if (*e || e == v || !(duration > 0) || duration > 3600)
				usage();
		} else if (!strcmp(a, "--rate")) {
			rate = num(v, 0, 10000000);
		} else if (!strcmp(a, "--seed")) {
			rng_state ^= (uint64_t)num(v, 0, 0x7fffffffL) * 0x100000001b3ULL;
		} else {
			usage();
		}
	}
	if (!dst || !dport_lo || inet_pton(AF_INET, dst, &daddr) != 1)
		usage();
	snprintf(cidr, sizeof(cidr), "%s", src);
	slash = strchr(cidr, '/');
	plen = slash ? (int)num(slash + 1, 8, 32) : 32;
	if (slash)
		*slash = 0;
	if (inet_pton(AF_INET, cidr, &snet) != 1)
		usage();
	smask = plen == 32 ? 0xffffffffU : ~(0xffffffffU >> plen);
	shost = ntohl(snet.s_addr) & smask;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);	/* implies IP_HDRINCL */
	if (fd < 0) {
		perror("syn_flood: socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	to.sin_addr = daddr;
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = &pkt[i];
		iov[i].iov_len = sizeof(pkt[i]);
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &to;
		msg[i].msg_hdr.msg_namelen = sizeof(to);
	}

	t0 = mono();
	t_end = t0 + duration;
	while (!stop && (count < 0 || sent < count)) {
		long n = BATCH, done;

		now = mono();
		if (now >= t_end)
			break;
		if (count >= 0 && count - sent < n)
			n = count - sent;
		if (rate > 0) {
			/* SYN k is due at t0 + k / rate */
			double due = t0 + (double)sent / rate;
			long ahead = (long)((now - t0) * rate) - sent + 1;

			if (now < due) {
				double d = due - now;
				struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

				nanosleep(&ts, NULL);
				continue;
			}
			if (ahead < n)
				n = ahead < 1 ? 1 : ahead;
		}
		for (i = 0; i < n; i++) {
			uint32_t s = shost | (rnd() & ~smask);

			/* skip the network and broadcast addresses of the range */
			if (plen < 31 && ((s & ~smask) == 0 || (s & ~smask) == ~smask))
				s ^= 1;
			build(&pkt[i], htonl(s), daddr.s_addr, 1024 + rnd() % 64512,
			      dport_lo + rnd() % (dport_hi - dport_lo + 1));
		}
		done = sendmmsg(fd, msg, n, 0);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			if (!errors)
				first_err = errno;
			errors++;
			if (errno != ENOBUFS && errno != EAGAIN) {
				fprintf(stderr, "syn_flood: sendmmsg: %s\n", strerror(errno));
				break;
			}
			usleep(1000);
			continue;
		}
		sent += done;
		t_last = mono();
	}
	close(fd);
	now = mono();
	printf("{\"sent\":%ld,\"errors\":%ld,\"first_error\":\"%s\",\"seconds\":%.3f,"
	       "\"rate\":%.1f,\"t_start_mono\":%.6f,\"t_end_mono\":%.6f}\n",
	       sent, errors, errors ? strerror(first_err) : "", now - t0,
	       now > t0 ? sent / (now - t0) : 0.0, t0, sent ? t_last : t0);
	return sent > 0 ? 0 : 1;
}
