/* tcpsm_traffic - deterministic TCP state/edge traffic generator for tcpsm tests.
 *
 * Build: gcc -std=c11 -Wall -Wextra -Werror -O2 -o build/tests/tcpsm_traffic tests/tcpsm_traffic.c
 *
 * Subcommands (see usage() below for all options):
 *   hold  [--family 4|6] [--count N] [--hold] ...   leave sockets in all 10 states
 *   edges [--family 4|6] [--count N] SCENARIO...    run scenarios, print expected edges
 *   churn [--family 4|6] --seconds S --workers W [--rate N]   bounded loopback connect/close load
 *   estab [--family 4|6] --count N [--hold]   N loopback connections held open (2N ESTABLISHED)
 *   mix   [--seconds S] [--rate N] [--long N]   a steady traffic mix to watch (make demo)
 *
 * Every subcommand prints exactly ONE JSON line (not starting with '#') on
 * stdout.  In "stdin phase" mode (no --block-cmd) the program additionally
 * prints request lines starting with '#' ("#block a2b 4 40007") and waits for
 * one line on stdin after each; the driving shell applies the block and
 * answers.  With --block-cmd CMD it runs "CMD block a2b 4 40007" itself
 * (CMD is normally tests/lib.sh).
 *
 * Socket state checks use NETLINK_SOCK_DIAG (what ss uses) in the right
 * namespace, polled every 2 ms: no sleeps are used as synchronisation.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- tcpsm state names ---------------------------------------------- */
enum { S_CLOSED, S_LISTEN, S_SYN_SENT, S_SYN_RCVD, S_ESTABLISHED, S_FIN_WAIT_1,
       S_FIN_WAIT_2, S_CLOSE_WAIT, S_CLOSING, S_LAST_ACK, S_TIME_WAIT, S_N };
static const char *sname[S_N] = { "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD",
	"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
	"LAST_ACK", "TIME_WAIT" };
/* kernel TCP_* (include/net/tcp_states.h) -> tcpsm state */
static int kstate(int k)
{
	static const int m[] = { -1, S_ESTABLISHED, S_SYN_SENT, S_SYN_RCVD,
		S_FIN_WAIT_1, S_FIN_WAIT_2, S_TIME_WAIT, S_CLOSED, S_CLOSE_WAIT,
		S_LAST_ACK, S_LISTEN, S_CLOSING, S_SYN_RCVD /* NEW_SYN_RECV */ };
	return (k >= 0 && k < (int)(sizeof(m) / sizeof(m[0]))) ? m[k] : -1;
}
#define GONE (-1)

/* ---- options ----------------------------------------------------------- */
static int fam = 4;
static const char *ns_name[2] = { "tcpsmA", "tcpsmB" }; /* 0 = client, 1 = server */
static const char *addr[2];
static int port_base = 40000, next_port, count = 1, hold, hold_max = 120;
static int timeout_ms = 5000, seconds = 5, workers = 4, rate, nlong = 16;
static int seconds_set;
static const char *block_cmd;
enum { C, S }; /* side index */

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
static long long t_start;

static void jstr(FILE *f, const char *s) /* JSON string */
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
		else fputc(*s, f);
	}
	fputc('"', f);
}

static const char *cur_cmd = "?";
static void die(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tcpsm_traffic: %s\n", buf);
	printf("{\"cmd\":\"%s\",\"ok\":false,\"error\":", cur_cmd);
	jstr(stdout, buf);
	printf("}\n");
	fflush(stdout);
	exit(2);
}

/* ---- network namespaces ------------------------------------------------ */
static int orig_ns = -1;
static struct { char name[64]; int fd; } nscache[8];
static void enter_ns(const char *name)
{
	int fd = -1;
	if (!name || !*name || !strcmp(name, "-")) {
		fd = orig_ns;
	} else {
		for (int i = 0; i < 8; i++)
			if (nscache[i].name[0] && !strcmp(nscache[i].name, name)) fd = nscache[i].fd;
		if (fd < 0) {
			char p[128];
			snprintf(p, sizeof(p), "/run/netns/%s", name);
			fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0) die("open %s: %s", p, strerror(errno));
			for (int i = 0; i < 8; i++)
				if (!nscache[i].name[0]) {
					snprintf(nscache[i].name, sizeof(nscache[i].name), "%s", name);
					nscache[i].fd = fd;
					break;
				}
		}
	}
	if (setns(fd, CLONE_NEWNET) < 0) die("setns %s: %s", name, strerror(errno));
}

/* ---- sockets ---------------------------------------------------------- */
static int newport(void)
{
	if (next_port > 65535) die("port range exhausted (port-base too high)");
	return next_port++;
}

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) die("bad IPv4 address %s", ip);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1) die("bad IPv6 address %s", ip);
	return sizeof(*a);
}

static int tcp_socket(int side)
{
	enter_ns(ns_name[side]);
	int fd = socket(fam == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) die("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fam == 6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	return fd;
}

static int bound_socket(int side, int port)
{
	struct sockaddr_storage ss;
	int fd = tcp_socket(side);
	socklen_t l = mkaddr(&ss, addr[side], port);
	if (bind(fd, (struct sockaddr *)&ss, l) < 0)
		die("bind %s port %d: %s", addr[side], port, strerror(errno));
	return fd;
}

static int listener(int port)
{
	int fd = bound_socket(S, port);
	if (listen(fd, 1024) < 0) die("listen: %s", strerror(errno));
	return fd;
}

static void set_nb(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
}

/* non-blocking connect to addr[dst_side]:port */
static void connect_nb(int fd, int dst_side, int port)
{
	struct sockaddr_storage ss;
	socklen_t l = mkaddr(&ss, addr[dst_side], port);
	set_nb(fd, 1);
	if (connect(fd, (struct sockaddr *)&ss, l) < 0 && errno != EINPROGRESS)
		die("connect: %s", strerror(errno));
}

/* wait for the connect result; returns 0 or the socket error */
static int connect_result(int fd, int tmo)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int r = poll(&p, 1, tmo);
	if (r == 0) return ETIME;
	int err = 0;
	socklen_t l = sizeof(err);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
	return err;
}

static int accept_from(int lfd, int cport)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	if (poll(&p, 1, timeout_ms) != 1) die("accept timeout (client port %d)", cport);
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &l, SOCK_CLOEXEC);
	if (fd < 0) die("accept: %s", strerror(errno));
	int pp = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (pp != cport) die("accepted peer port %d, expected %d", pp, cport);
	return fd;
}

struct pair { int c, s, cport; };
static struct pair mkpair(int lfd, int lport)
{
	struct pair p;
	p.cport = newport();
	p.c = bound_socket(C, p.cport);
	connect_nb(p.c, S, lport);
	int e = connect_result(p.c, timeout_ms);
	if (e) die("connect to port %d: %s", lport, strerror(e));
	set_nb(p.c, 0);
	p.s = accept_from(lfd, p.cport);
	return p;
}

static void abort_close(int fd) /* close with RST */
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static void xshutdown(int fd)
{
	if (shutdown(fd, SHUT_WR) < 0) die("shutdown: %s", strerror(errno));
}

/* ---- sock_diag -------------------------------------------------------- */
struct dent { int state, sport, dport; };
static int diag_dump(int side, struct dent *out, int max)
{
	enter_ns(ns_name[side]);
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0) die("netlink socket: %s", strerror(errno));
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = fam == 4 ? AF_INET : AF_INET6;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ((1u << 13) - 1) & ~((1u << 7) | 1u); /* all but CLOSE */
	if (send(nl, &req, sizeof(req), 0) < 0) die("sock_diag send: %s", strerror(errno));
	static char buf[65536];
	int n = 0, done = 0;
	while (!done) {
		ssize_t len = recv(nl, buf, sizeof(buf), 0);
		if (len < 0) die("sock_diag recv: %s", strerror(errno));
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
			if (h->nlmsg_type == NLMSG_ERROR) die("sock_diag error (tcp_diag loaded?)");
			struct inet_diag_msg *m = NLMSG_DATA(h);
			if (n < max) {
				out[n].state = kstate(m->idiag_state);
				out[n].sport = ntohs(m->id.idiag_sport);
				out[n].dport = ntohs(m->id.idiag_dport);
				n++;
			}
		}
	}
	close(nl);
	return n;
}

static struct dent dbuf[65536];
/* state of the socket sport->dport in side's namespace, GONE if none */
static int sock_state(int side, int sport, int dport)
{
	int n = diag_dump(side, dbuf, 65536);
	for (int i = 0; i < n; i++)
		if (dbuf[i].sport == sport && dbuf[i].dport == dport) return dbuf[i].state;
	return GONE;
}

static void wait_state_tmo(int side, int sport, int dport, int want, int tmo)
{
	long long end = now_ms() + tmo;
	int st;
	for (;;) {
		st = sock_state(side, sport, dport);
		if (st == want) return;
		if (now_ms() > end) break;
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
	die("timeout: socket %d->%d in %s is %s, want %s", sport, dport, ns_name[side],
	    st == GONE ? "gone" : sname[st], want == GONE ? "gone" : sname[want]);
}
static void wait_state(int side, int sport, int dport, int want)
{
	wait_state_tmo(side, sport, dport, want, timeout_ms);
}

/* number of sockets sport->dport in side's namespace that are in state st */
static int tuple_count(int side, int sport, int dport, int st)
{
	int n = diag_dump(side, dbuf, 65536), k = 0;
	for (int i = 0; i < n; i++)
		k += dbuf[i].sport == sport && dbuf[i].dport == dport && dbuf[i].state == st;
	return k;
}

/* count states of our sockets (a port in [port_base,next_port)) */
static void count_states(int side, int cnt[S_N])
{
	memset(cnt, 0, sizeof(int) * S_N);
	int n = diag_dump(side, dbuf, 65536);
	for (int i = 0; i < n; i++) {
		int ours = (dbuf[i].sport >= port_base && dbuf[i].sport < next_port) ||
			   (dbuf[i].dport >= port_base && dbuf[i].dport < next_port);
		if (ours && dbuf[i].state >= 0) cnt[dbuf[i].state]++;
	}
}

/* ---- /proc/net/{snmp,netstat} of a namespace -------------------------- */
enum { N_AO, N_PO, N_AF, N_ER, N_TW, N_TWK, N_N };
static const char *nst_name[N_N] = { "TcpActiveOpens", "TcpPassiveOpens",
	"TcpAttemptFails", "TcpEstabResets", "TcpExtTW", "TcpExtTWKilled" };
static long long mib_get(const char *file, const char *pfx, const char *key)
{
	FILE *f = fopen(file, "r");
	if (!f) return -1;
	char h[8192], v[8192];
	long long r = -1;
	while (fgets(h, sizeof(h), f) && fgets(v, sizeof(v), f)) {
		if (strncmp(h, pfx, strlen(pfx)) || h[strlen(pfx)] != ':') continue;
		char *sh, *sv, *th = strtok_r(h, " \n", &sh), *tv = strtok_r(v, " \n", &sv);
		while ((th = strtok_r(NULL, " \n", &sh)) && (tv = strtok_r(NULL, " \n", &sv)))
			if (!strcmp(th, key)) { r = atoll(tv); break; }
		break;
	}
	fclose(f);
	return r;
}
static void nstat_read(int side, long long v[N_N])
{
	enter_ns(ns_name[side]);
	/* /proc/self/net follows the netns of the reading thread */
	v[N_AO] = mib_get("/proc/self/net/snmp", "Tcp", "ActiveOpens");
	v[N_PO] = mib_get("/proc/self/net/snmp", "Tcp", "PassiveOpens");
	v[N_AF] = mib_get("/proc/self/net/snmp", "Tcp", "AttemptFails");
	v[N_ER] = mib_get("/proc/self/net/snmp", "Tcp", "EstabResets");
	v[N_TW] = mib_get("/proc/self/net/netstat", "TcpExt", "TW");
	v[N_TWK] = mib_get("/proc/self/net/netstat", "TcpExt", "TWKilled");
}

/* ---- blocking (delegated to lib.sh or to the driving shell) ----------- */
static void phase(const char *verb, const char *dir, int port)
{
	char cmd[1024];
	if (block_cmd) {
		if (port) snprintf(cmd, sizeof(cmd), "%s %s %s %d %d", block_cmd, verb, dir, fam, port);
		else snprintf(cmd, sizeof(cmd), "%s %s %s", block_cmd, verb, dir);
		int r = system(cmd);
		if (r != 0) die("'%s' failed (status %d)", cmd, r);
		return;
	}
	if (port) printf("#%s %s %d %d\n", verb, dir, fam, port);
	else printf("#%s %s\n", verb, dir);
	fflush(stdout);
	char line[256];
	if (!fgets(line, sizeof(line), stdin)) die("stdin closed while waiting for '%s %s'", verb, dir);
}
static void block(const char *dir, int port) { phase("block", dir, port); }
static void unblock(const char *dir, int port) { phase("unblock", dir, port); }

/* ---- hold ------------------------------------------------------------- */
static void print_counts(const int c[S_N])
{
	printf("{");
	for (int s = 1; s < S_N; s++) printf("%s\"%s\":%d", s > 1 ? "," : "", sname[s], c[s]);
	printf("}");
}
static void print_per_ns(int cnt[2][S_N])
{
	if (!strcmp(ns_name[C], ns_name[S])) {
		int sum[S_N];
		for (int s = 0; s < S_N; s++) sum[s] = cnt[C][s] + cnt[S][s];
		printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_counts(sum); printf("}");
		return;
	}
	printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_counts(cnt[C]);
	printf(","); jstr(stdout, ns_name[S]); printf(":"); print_counts(cnt[S]); printf("}");
}

static volatile sig_atomic_t stop;
static void on_sig(int sig) { (void)sig; stop = 1; }

static void hold_wait(void)
{
	struct stat st;
	/* stdin EOF ends the hold unless stdin is /dev/null or closed */
	int use_stdin = fstat(0, &st) == 0 &&
		!(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
	long long end = now_ms() + (long long)hold_max * 1000;
	while (!stop && now_ms() < end) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		int r = poll(&p, use_stdin ? 1 : 0, 200);
		if (r > 0) {
			char b[256];
			ssize_t n = read(0, b, sizeof(b));
			if (n <= 0) break;
		}
	}
}

static int cmd_hold(void)
{
	int exp[2][S_N] = { { 0 } }, obs[2][S_N];
	int N = count, *keep = calloc((size_t)N * 16 + 8, sizeof(int)), nk = 0;
	if (!keep) die("oom");
	int lport = newport();
	int L = listener(lport);
	exp[S][S_LISTEN]++;
	keep[nk++] = L;
	wait_state(S, lport, 0, S_LISTEN);

	for (int i = 0; i < N; i++) { /* ESTABLISHED on both sides */
		struct pair p = mkpair(L, lport);
		wait_state(C, p.cport, lport, S_ESTABLISHED);
		wait_state(S, lport, p.cport, S_ESTABLISHED);
		keep[nk++] = p.c; keep[nk++] = p.s;
		exp[C][S_ESTABLISHED]++; exp[S][S_ESTABLISHED]++;
	}
	for (int i = 0; i < N; i++) { /* half-close: FIN_WAIT_2 (fd open) / CLOSE_WAIT */
		struct pair p = mkpair(L, lport);
		xshutdown(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_2);
		wait_state(S, lport, p.cport, S_CLOSE_WAIT);
		keep[nk++] = p.c; keep[nk++] = p.s;
		exp[C][S_FIN_WAIT_2]++; exp[S][S_CLOSE_WAIT]++;
	}
	for (int i = 0; i < N; i++) { /* orphaned FIN_WAIT_2 (timewait sock) / CLOSE_WAIT */
		struct pair p = mkpair(L, lport);
		close(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_2);
		wait_state(S, lport, p.cport, S_CLOSE_WAIT);
		keep[nk++] = p.s;
		exp[C][S_FIN_WAIT_2]++; exp[S][S_CLOSE_WAIT]++;
	}
	for (int i = 0; i < N; i++) { /* TIME_WAIT on the client */
		struct pair p = mkpair(L, lport);
		close(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_2);
		close(p.s);
		wait_state(C, p.cport, lport, S_TIME_WAIT);
		wait_state(S, lport, p.cport, GONE);
		exp[C][S_TIME_WAIT]++;
	}
	for (int i = 0; i < N; i++) { /* FIN_WAIT_1 (FIN lost) / ESTABLISHED */
		struct pair p = mkpair(L, lport);
		block("a2b", p.cport);
		xshutdown(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_1);
		wait_state(S, lport, p.cport, S_ESTABLISHED);
		keep[nk++] = p.c; keep[nk++] = p.s;
		exp[C][S_FIN_WAIT_1]++; exp[S][S_ESTABLISHED]++;
	}
	for (int i = 0; i < N; i++) { /* CLOSING (client) / FIN_WAIT_1 (server) */
		struct pair p = mkpair(L, lport);
		block("a2b", p.cport);
		xshutdown(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_1);
		xshutdown(p.s);
		wait_state(C, p.cport, lport, S_CLOSING);
		wait_state(S, lport, p.cport, S_FIN_WAIT_1);
		keep[nk++] = p.c; keep[nk++] = p.s;
		exp[C][S_CLOSING]++; exp[S][S_FIN_WAIT_1]++;
	}
	for (int i = 0; i < N; i++) { /* LAST_ACK (server) / TIME_WAIT (client) */
		struct pair p = mkpair(L, lport);
		xshutdown(p.c);
		wait_state(C, p.cport, lport, S_FIN_WAIT_2);
		wait_state(S, lport, p.cport, S_CLOSE_WAIT);
		block("a2b", p.cport);
		xshutdown(p.s);
		wait_state(S, lport, p.cport, S_LAST_ACK);
		wait_state(C, p.cport, lport, S_TIME_WAIT);
		keep[nk++] = p.c; keep[nk++] = p.s;
		exp[C][S_TIME_WAIT]++; exp[S][S_LAST_ACK]++;
	}
	for (int i = 0; i < N; i++) { /* SYN_RCVD (server request sock) / SYN_SENT */
		int cport = newport();
		int c = bound_socket(C, cport);
		block("b2a", cport);
		connect_nb(c, S, lport);
		wait_state(S, lport, cport, S_SYN_RCVD);
		wait_state(C, cport, lport, S_SYN_SENT);
		block("a2b", cport); /* freeze: no SYN retransmits reach the server */
		keep[nk++] = c;
		exp[C][S_SYN_SENT]++; exp[S][S_SYN_RCVD]++;
	}
	long long t_ready = now_ms();
	count_states(C, obs[C]);
	count_states(S, obs[S]);
	int ok = !memcmp(obs, exp, sizeof(obs));
	printf("{\"cmd\":\"hold\",\"ok\":%s,\"family\":%d,\"count\":%d,\"ns_client\":",
	       ok ? "true" : "false", fam, N);
	jstr(stdout, ns_name[C]); printf(",\"ns_server\":"); jstr(stdout, ns_name[S]);
	printf(",\"client_addr\":"); jstr(stdout, addr[C]);
	printf(",\"server_addr\":"); jstr(stdout, addr[S]);
	printf(",\"listen_port\":%d,\"ports\":[%d,%d],\"setup_ms\":%lld,"
	       "\"valid_for_ms\":%lld,\"expected\":", lport, port_base, next_port - 1,
	       t_ready - t_start, 55000 - (t_ready - t_start));
	print_per_ns(exp);
	printf(",\"observed\":");
	print_per_ns(obs);
	printf(",\"total\":");
	int tot[S_N];
	for (int s = 0; s < S_N; s++) tot[s] = exp[C][s] + exp[S][s];
	print_counts(tot);
	printf("}\n");
	fflush(stdout);
	if (hold) hold_wait();
	for (int i = 0; i < nk; i++) close(keep[i]);
	free(keep);
	return ok ? 0 : 1;
}

/* ---- edges ------------------------------------------------------------- */
static int edge[2][S_N][S_N];
static int sc_edge[2][S_N][S_N];
static long long sc_nst[2][N_N];  /* expected nstat deltas of the current scenario */
static long long tot_nst[2][N_N];

static void E(int side, int from, int to) { sc_edge[side][from][to]++; }
static void NS(int side, int k) { sc_nst[side][k]++; }

/* edge helpers for the common parts */
static void e_active_open(void) { E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_ESTABLISHED); NS(C, N_AO); }
static void e_listener(void) { E(S, S_CLOSED, S_LISTEN); E(S, S_LISTEN, S_CLOSED); }
static void e_passive_open(void) { E(S, S_LISTEN, S_SYN_RCVD); E(S, S_SYN_RCVD, S_ESTABLISHED); NS(S, N_PO); }
static void e_open(void) { e_active_open(); e_listener(); e_passive_open(); }

static void sc_open(void)
{ /* open, then the server aborts (RST) */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	wait_state(S, lport, p.cport, S_ESTABLISHED);
	wait_state(C, p.cport, lport, S_ESTABLISHED);
	abort_close(p.s);
	wait_state(C, p.cport, lport, GONE);
	close(p.c);
	close(L);
	e_open();
	E(S, S_ESTABLISHED, S_CLOSED); NS(S, N_ER);
	E(C, S_ESTABLISHED, S_CLOSED); NS(C, N_ER);
}

static void sc_rst(void)
{ /* client SO_LINGER{1,0} close: RST; both ESTABLISHED->CLOSED */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	wait_state(S, lport, p.cport, S_ESTABLISHED);
	abort_close(p.c);
	wait_state(S, lport, p.cport, GONE);
	close(p.s);
	close(L);
	e_open();
	E(C, S_ESTABLISHED, S_CLOSED); NS(C, N_ER);
	E(S, S_ESTABLISHED, S_CLOSED); NS(S, N_ER);
}

/*
 * An orderly close, one side first: the first closer goes through
 * FIN_WAIT_1, FIN_WAIT_2 (orphaned) and TIME_WAIT, the other through
 * CLOSE_WAIT and LAST_ACK.
 */
static void orderly_close(int client_first)
{
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	int a = client_first ? C : S, b = client_first ? S : C;
	int a_fd = client_first ? p.c : p.s, b_fd = client_first ? p.s : p.c;
	int a_port = client_first ? p.cport : lport;
	int b_port = client_first ? lport : p.cport;

	close(a_fd);
	wait_state(a, a_port, b_port, S_FIN_WAIT_2);
	wait_state(b, b_port, a_port, S_CLOSE_WAIT);
	close(b_fd);
	wait_state(a, a_port, b_port, S_TIME_WAIT);
	wait_state(b, b_port, a_port, GONE);
	close(L);
	e_open();
	E(a, S_ESTABLISHED, S_FIN_WAIT_1); E(a, S_FIN_WAIT_1, S_FIN_WAIT_2);
	E(a, S_FIN_WAIT_2, S_TIME_WAIT); NS(a, N_TW);
	E(b, S_ESTABLISHED, S_CLOSE_WAIT); E(b, S_CLOSE_WAIT, S_LAST_ACK);
	E(b, S_LAST_ACK, S_CLOSED);
}

static void sc_active_close(void)
{ /* client close() first (orphan), server closes after CLOSE_WAIT */
	orderly_close(1);
}

static void sc_passive_close(void)
{ /* server close() first; client is the passive closer */
	orderly_close(0);
}

static void sc_half_close(void)
{ /* client shutdown(SHUT_WR); server still sends data; then server closes */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	xshutdown(p.c);
	wait_state(C, p.cport, lport, S_FIN_WAIT_2);
	wait_state(S, lport, p.cport, S_CLOSE_WAIT);
	char b[64];
	if (read(p.s, b, sizeof(b)) != 0) die("half-close: server did not read EOF");
	static const char msg[] = "data-after-half-close";
	if (write(p.s, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) die("half-close: write");
	size_t got = 0;
	while (got < sizeof(msg)) {
		ssize_t n = read(p.c, b + got, sizeof(msg) - got);
		if (n <= 0) die("half-close: client read: %s", n ? strerror(errno) : "EOF");
		got += (size_t)n;
	}
	if (memcmp(b, msg, sizeof(msg))) die("half-close: data mismatch");
	wait_state(C, p.cport, lport, S_FIN_WAIT_2); /* data did not change states */
	close(p.s);
	wait_state(C, p.cport, lport, S_TIME_WAIT);
	wait_state(S, lport, p.cport, GONE);
	close(p.c);
	close(L);
	e_open();
	E(C, S_ESTABLISHED, S_FIN_WAIT_1); E(C, S_FIN_WAIT_1, S_FIN_WAIT_2);
	E(C, S_FIN_WAIT_2, S_TIME_WAIT); NS(C, N_TW);
	E(S, S_ESTABLISHED, S_CLOSE_WAIT); E(S, S_CLOSE_WAIT, S_LAST_ACK);
	E(S, S_LAST_ACK, S_CLOSED);
}

static int self_connect(int *portp)
{
	int port = newport();
	int fd = bound_socket(C, port);
	connect_nb(fd, C, port);
	int e = connect_result(fd, timeout_ms);
	if (e) die("self-connect port %d: %s", port, strerror(e));
	set_nb(fd, 0);
	wait_state(C, port, port, S_ESTABLISHED);
	*portp = port;
	return fd;
}

static void sc_simopen(void)
{ /* self-connect = simultaneous open; then abort */
	int port, fd = self_connect(&port);
	abort_close(fd);
	wait_state(C, port, port, GONE);
	E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_SYN_RCVD);
	E(C, S_SYN_RCVD, S_ESTABLISHED); NS(C, N_AO);
	E(C, S_ESTABLISHED, S_CLOSED); NS(C, N_ER);
}

static void sc_self_close(void)
{ /* self-connected socket shutdown(SHUT_WR): receives its own FIN before the ACK */
	int port, fd = self_connect(&port);
	xshutdown(fd);
	wait_state(C, port, port, S_TIME_WAIT);
	close(fd);
	E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_SYN_RCVD);
	E(C, S_SYN_RCVD, S_ESTABLISHED); NS(C, N_AO);
	E(C, S_ESTABLISHED, S_FIN_WAIT_1); E(C, S_FIN_WAIT_1, S_CLOSING);
	E(C, S_CLOSING, S_TIME_WAIT); NS(C, N_TW);
}

static void sc_simclose(void)
{ /* crossing FINs, client's FIN lost once: client CLOSING, server FIN_WAIT_2 */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	block("a2b", p.cport);
	xshutdown(p.c);
	wait_state(C, p.cport, lport, S_FIN_WAIT_1);
	xshutdown(p.s);
	wait_state(C, p.cport, lport, S_CLOSING);
	wait_state(S, lport, p.cport, S_FIN_WAIT_1);
	unblock("a2b", p.cport);
	/* client's FIN retransmit (RTO ~200 ms) now gets through */
	wait_state(S, lport, p.cport, S_TIME_WAIT);
	wait_state(C, p.cport, lport, S_TIME_WAIT);
	close(p.c); close(p.s); close(L);
	e_open();
	E(C, S_ESTABLISHED, S_FIN_WAIT_1); E(C, S_FIN_WAIT_1, S_CLOSING);
	E(C, S_CLOSING, S_TIME_WAIT); NS(C, N_TW);
	E(S, S_ESTABLISHED, S_FIN_WAIT_1); E(S, S_FIN_WAIT_1, S_FIN_WAIT_2);
	E(S, S_FIN_WAIT_2, S_TIME_WAIT); NS(S, N_TW);
}

static int delay_ms = 50;
static void sc_simclose_both(void)
{ /* both FINs in flight at once (needs netem delay): both sides CLOSING */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	char arg[32];
	snprintf(arg, sizeof(arg), "on %d", delay_ms);
	phase("delay", arg, 0);
	xshutdown(p.c);
	xshutdown(p.s);
	int seen_c = 0, seen_s = 0;
	long long end = now_ms() + timeout_ms;
	for (;;) {
		int a = sock_state(C, p.cport, lport), b = sock_state(S, lport, p.cport);
		seen_c |= a == S_CLOSING;
		seen_s |= b == S_CLOSING;
		if (a == S_TIME_WAIT && b == S_TIME_WAIT) break;
		if (now_ms() > end) die("simclose-both: timeout (%s/%s)", a < 0 ? "gone" : sname[a], b < 0 ? "gone" : sname[b]);
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	phase("delay", "off", 0);
	if (!seen_c || !seen_s)
		die("simclose-both: CLOSING not observed on %s", !seen_c ? "client" : "server");
	close(p.c); close(p.s); close(L);
	e_open();
	for (int side = 0; side < 2; side++) {
		E(side, S_ESTABLISHED, S_FIN_WAIT_1); E(side, S_FIN_WAIT_1, S_CLOSING);
		E(side, S_CLOSING, S_TIME_WAIT); NS(side, N_TW);
	}
}

static void sc_refused(void)
{ /* connect to a port nobody listens on: RST */
	int dport = newport(), cport = newport();
	int c = bound_socket(C, cport);
	connect_nb(c, S, dport);
	int e = connect_result(c, timeout_ms);
	if (e != ECONNREFUSED) die("refused: got %s", e ? strerror(e) : "connected");
	close(c);
	E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_CLOSED);
	NS(C, N_AO); NS(C, N_AF);
}

static void sc_syn_timeout(void)
{ /* SYNs dropped at the server's ingress; TCP_SYNCNT=1 -> ETIMEDOUT after ~3 s */
	int dport = newport(), cport = newport();
	int c = bound_socket(C, cport);
	int one = 1;
	if (setsockopt(c, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof(one)) < 0) die("TCP_SYNCNT");
	block("a2b", cport);
	connect_nb(c, S, dport);
	wait_state(C, cport, dport, S_SYN_SENT);
	int e = connect_result(c, 10000);
	if (e != ETIMEDOUT) die("syn-timeout: got %s", e ? strerror(e) : "connected");
	unblock("a2b", cport);
	close(c);
	E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_CLOSED);
	NS(C, N_AO); NS(C, N_AF);
}

static void sc_half_open_timeout(void)
{ /* SYN-ACKs dropped at the client's ingress, the client's SYN retransmits at the
   * server's: the listener's TCP_SYNCNT=1 (per-listener tcp_synack_retries)
   * drops the request socket after ~3 s (SYN_RCVD->CLOSED); the client
   * (TCP_SYNCNT=1) gets ETIMEDOUT after ~3 s. */
	int lport = newport(), L = listener(lport), one = 1;
	if (setsockopt(L, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof(one)) < 0) die("TCP_SYNCNT");
	int cport = newport(), c = bound_socket(C, cport);
	if (setsockopt(c, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof(one)) < 0) die("TCP_SYNCNT");
	block("b2a", cport);
	connect_nb(c, S, lport);
	wait_state(S, lport, cport, S_SYN_RCVD);
	block("a2b", cport); /* SYN retransmits would re-arm the request timer */
	int e = connect_result(c, 15000);
	if (e != ETIMEDOUT) die("half-open-timeout: got %s", e ? strerror(e) : "connected");
	wait_state_tmo(S, lport, cport, GONE, 15000);
	unblock("a2b", cport);
	unblock("b2a", cport);
	close(c);
	close(L);
	e_listener();
	E(S, S_LISTEN, S_SYN_RCVD); E(S, S_SYN_RCVD, S_CLOSED);
	E(C, S_CLOSED, S_SYN_SENT); E(C, S_SYN_SENT, S_CLOSED);
	NS(C, N_AO); NS(C, N_AF);
}

static void sc_tw_reuse(void)
{ /* server closes first -> server TIME_WAIT; the client reconnects from the
   * same port: its SYN (higher ISN/tsval) hits the TIME_WAIT socket, which
   * the kernel kills (TCP_TW_SYN: TIME_WAIT->CLOSED) and hands the SYN to the
   * listener. The new connection is then aborted by the client. */
	int lport = newport(), L = listener(lport);
	struct pair p = mkpair(L, lport);
	close(p.s);
	wait_state(S, lport, p.cport, S_FIN_WAIT_2);
	wait_state(C, p.cport, lport, S_CLOSE_WAIT);
	close(p.c);
	wait_state(S, lport, p.cport, S_TIME_WAIT);
	wait_state(C, p.cport, lport, GONE);
	int c = bound_socket(C, p.cport);
	connect_nb(c, S, lport);
	int e = connect_result(c, timeout_ms);
	if (e) die("tw-reuse: reconnect from port %d: %s", p.cport, strerror(e));
	set_nb(c, 0);
	int s = accept_from(L, p.cport);
	wait_state(S, lport, p.cport, S_ESTABLISHED);
	if (tuple_count(S, lport, p.cport, S_TIME_WAIT))
		die("tw-reuse: TIME_WAIT socket %d->%d still present", lport, p.cport);
	abort_close(c);
	wait_state(S, lport, p.cport, GONE);
	close(s);
	close(L);
	e_open();
	E(S, S_ESTABLISHED, S_FIN_WAIT_1); E(S, S_FIN_WAIT_1, S_FIN_WAIT_2);
	E(S, S_FIN_WAIT_2, S_TIME_WAIT); NS(S, N_TW);
	E(C, S_ESTABLISHED, S_CLOSE_WAIT); E(C, S_CLOSE_WAIT, S_LAST_ACK);
	E(C, S_LAST_ACK, S_CLOSED);
	e_active_open(); e_passive_open();
	E(S, S_TIME_WAIT, S_CLOSED);
	E(C, S_ESTABLISHED, S_CLOSED); NS(C, N_ER);
	E(S, S_ESTABLISHED, S_CLOSED); NS(S, N_ER);
}

static void sc_fw2_timeout(void)
{ /* client close() with TCP_LINGER2=1 (per-socket tcp_fin_timeout): orphaned
   * FIN_WAIT_2 timewait socket (timeout ~1 s <= 4 s: TcpExtTWKilled, not TW)
   * expires, the server never closes; then the server aborts its CLOSE_WAIT. */
	int lport = newport(), L = listener(lport), one = 1;
	struct pair p = mkpair(L, lport);
	if (setsockopt(p.c, IPPROTO_TCP, TCP_LINGER2, &one, sizeof(one)) < 0) die("TCP_LINGER2");
	close(p.c);
	wait_state(S, lport, p.cport, S_CLOSE_WAIT);
	wait_state_tmo(C, p.cport, lport, GONE, 15000);
	abort_close(p.s);
	wait_state(S, lport, p.cport, GONE);
	close(L);
	e_open();
	E(C, S_ESTABLISHED, S_FIN_WAIT_1); E(C, S_FIN_WAIT_1, S_FIN_WAIT_2);
	E(C, S_FIN_WAIT_2, S_CLOSED); NS(C, N_TWK);
	E(S, S_ESTABLISHED, S_CLOSE_WAIT); E(S, S_CLOSE_WAIT, S_CLOSED); NS(S, N_ER);
}

static void sc_listen_close(void)
{
	int lport = newport(), L = listener(lport);
	wait_state(S, lport, 0, S_LISTEN);
	close(L);
	wait_state(S, lport, 0, GONE);
	e_listener();
}

static const struct scen {
	const char *name;
	void (*fn)(void);
	const char *desc;
} scens[] = {
	{ "open", sc_open, "active+passive open, then server aborts (RST)" },
	{ "active-close", sc_active_close, "client close() first; server closes in CLOSE_WAIT" },
	{ "passive-close", sc_passive_close, "server close() first; client is passive closer" },
	{ "half-close", sc_half_close, "client shutdown(SHUT_WR), server sends data, then closes" },
	{ "simopen", sc_simopen, "self-connect (simultaneous open), then abort" },
	{ "self-close", sc_self_close, "self-connect, then shutdown: own FIN crosses" },
	{ "simclose", sc_simclose, "both shutdown, client's FIN dropped once" },
	{ "simclose-both", sc_simclose_both, "both FINs in flight (netem delay; not in 'all')" },
	{ "rst", sc_rst, "client SO_LINGER 0 close: RST" },
	{ "refused", sc_refused, "connect to closed port" },
	{ "syn-timeout", sc_syn_timeout, "SYN blackholed, TCP_SYNCNT=1" },
	{ "listen-close", sc_listen_close, "listen() then close()" },
	{ "half-open-timeout", sc_half_open_timeout, "SYN-ACKs lost, request sock times out (~3 s)" },
	{ "tw-reuse", sc_tw_reuse, "SYN from the same 4-tuple kills a TIME_WAIT socket" },
	{ "fw2-timeout", sc_fw2_timeout, "orphaned FIN_WAIT_2 timewait sock expires (~1 s)" },
};
#define NSCEN ((int)(sizeof(scens) / sizeof(scens[0])))

static void print_edges(int e[S_N][S_N], int mult)
{
	printf("[");
	int first = 1;
	for (int f = 0; f < S_N; f++)
		for (int t = 0; t < S_N; t++)
			if (e[f][t]) {
				printf("%s{\"from\":\"%s\",\"to\":\"%s\",\"count\":%d}", first ? "" : ",",
				       sname[f], sname[t], e[f][t] * mult);
				first = 0;
			}
	printf("]");
}
static void print_edges_ns(int e[2][S_N][S_N], int mult)
{
	if (!strcmp(ns_name[C], ns_name[S])) {
		int sum[S_N][S_N];
		for (int f = 0; f < S_N; f++)
			for (int t = 0; t < S_N; t++) sum[f][t] = e[C][f][t] + e[S][f][t];
		printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_edges(sum, mult); printf("}");
		return;
	}
	printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_edges(e[C], mult);
	printf(","); jstr(stdout, ns_name[S]); printf(":"); print_edges(e[S], mult); printf("}");
}
static void print_nst(const long long v[N_N])
{
	printf("{");
	for (int k = 0; k < N_N; k++) printf("%s\"%s\":%lld", k ? "," : "", nst_name[k], v[k]);
	printf("}");
}
static void print_nst_ns(long long v[2][N_N])
{
	if (!strcmp(ns_name[C], ns_name[S])) {
		long long sum[N_N];
		for (int k = 0; k < N_N; k++) sum[k] = v[C][k] + v[S][k];
		printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_nst(sum); printf("}");
		return;
	}
	printf("{"); jstr(stdout, ns_name[C]); printf(":"); print_nst(v[C]);
	printf(","); jstr(stdout, ns_name[S]); printf(":"); print_nst(v[S]); printf("}");
}

static int cmd_edges(int nsel, char **sel)
{
	int run[NSCEN] = { 0 };
	if (nsel == 0) die("edges: name at least one scenario or 'all'");
	for (int i = 0; i < nsel; i++) {
		int found = 0;
		for (int j = 0; j < NSCEN; j++)
			if (!strcmp(sel[i], scens[j].name) ||
			    (!strcmp(sel[i], "all") && strcmp(scens[j].name, "simclose-both"))) {
				run[j] = 1; found = 1;
			}
		if (!found) die("unknown scenario '%s'", sel[i]);
	}
	long long before[2][N_N], after[2][N_N], obs_nst[2][N_N];
	nstat_read(C, before[C]);
	nstat_read(S, before[S]);
	/* one JSON line: collect the per-scenario parts in a buffer */
	char *sbuf = NULL;
	size_t slen = 0;
	FILE *out = stdout;
	FILE *mem = open_memstream(&sbuf, &slen);
	if (!mem) die("open_memstream");
	int first = 1;
	for (int j = 0; j < NSCEN; j++) {
		if (!run[j]) continue;
		memset(sc_edge, 0, sizeof(sc_edge));
		memset(sc_nst, 0, sizeof(sc_nst));
		long long t0 = now_ms();
		for (int i = 0; i < count; i++) {
			memset(sc_edge, 0, sizeof(sc_edge)); /* each unit adds the same set */
			memset(sc_nst, 0, sizeof(sc_nst));
			stdout = out;
			scens[j].fn();
		}
		long long dt = now_ms() - t0;
		for (int s = 0; s < 2; s++) {
			for (int f = 0; f < S_N; f++)
				for (int t = 0; t < S_N; t++) edge[s][f][t] += sc_edge[s][f][t] * count;
			for (int k = 0; k < N_N; k++) tot_nst[s][k] += sc_nst[s][k] * count;
		}
		long long mn[2][N_N];
		for (int s = 0; s < 2; s++)
			for (int k = 0; k < N_N; k++) mn[s][k] = sc_nst[s][k] * count;
		stdout = mem;
		printf("%s{\"name\":\"%s\",\"count\":%d,\"elapsed_ms\":%lld,\"transitions\":",
		       first ? "" : ",", scens[j].name, count, dt);
		print_edges_ns(sc_edge, count);
		printf(",\"nstat\":");
		print_nst_ns(mn);
		printf("}");
		stdout = out;
		first = 0;
	}
	fclose(mem);
	nstat_read(C, after[C]);
	nstat_read(S, after[S]);
	int nst_ok = 1;
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < N_N; k++) {
			obs_nst[s][k] = after[s][k] - before[s][k];
			if (obs_nst[s][k] != tot_nst[s][k]) nst_ok = 0;
		}
	int sum[S_N][S_N];
	for (int f = 0; f < S_N; f++)
		for (int t = 0; t < S_N; t++) sum[f][t] = edge[C][f][t] + edge[S][f][t];
	printf("{\"cmd\":\"edges\",\"ok\":true,\"family\":%d,\"count\":%d,\"ns_client\":", fam, count);
	jstr(stdout, ns_name[C]); printf(",\"ns_server\":"); jstr(stdout, ns_name[S]);
	printf(",\"ports\":[%d,%d],\"elapsed_ms\":%lld,\"transitions\":", port_base,
	       next_port - 1, now_ms() - t_start);
	print_edges(sum, 1);
	printf(",\"transitions_by_ns\":");
	print_edges_ns(edge, 1);
	printf(",\"nstat\":");
	print_nst_ns(tot_nst);
	printf(",\"nstat_observed\":");
	print_nst_ns(obs_nst);
	printf(",\"nstat_ok\":%s,\"nstat_note\":\"TcpExtTW / TcpExtTWKilled count timewait sockets "
	       "(TIME_WAIT or orphaned FIN_WAIT_2 substate) when they are scheduled "
	       "(__inet_twsk_schedule, 6.1): TWKilled if the timeout is <= 4 s, else TW\","
	       "\"scenarios\":[%s]}\n", nst_ok ? "true" : "false", sbuf ? sbuf : "");
	free(sbuf);
	fflush(stdout);
	return 0;
}

/* ---- churn ------------------------------------------------------------ */
static int churn_worker(int w, long long end, long long out[2])
{
	int lport = port_base + w;
	int L = listener(lport);
	long long conns = 0, errs = 0, start = now_ms();
	struct sockaddr_storage ss;
	socklen_t sl = mkaddr(&ss, addr[S], lport);
	while (now_ms() < end) {
		int c = tcp_socket(C);
		if (connect(c, (struct sockaddr *)&ss, sl) < 0) {
			errs++;
			close(c);
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = { .fd = L, .events = POLLIN };
		if (poll(&p, 1, 1000) != 1) { errs++; close(c); continue; }
		int s = accept4(L, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) { errs++; close(c); continue; }
		/* alternate: orderly close (client TIME_WAIT) and abortive close */
		if (conns & 1) { abort_close(c); close(s); }
		else { close(c); close(s); }
		conns++;
		if (rate > 0) {	/* pace: connection n starts at n / rate s */
			long long due = start + conns * 1000 / rate, t = now_ms();
			if (due > t) {
				struct timespec ts = { (due - t) / 1000, (due - t) % 1000 * 1000000 };
				nanosleep(&ts, NULL);
			}
		}
	}
	close(L);
	out[0] = conns;
	out[1] = errs;
	return 0;
}

static int cmd_churn(void)
{
	const char *lo = fam == 4 ? "127.0.0.1" : "::1";
	addr[C] = addr[S] = lo;
	ns_name[S] = ns_name[C];
	if (workers < 1 || workers > 256 || seconds < 0 || seconds > 3600) die("churn: bad --workers/--seconds");
	if (port_base + workers > 65535) die("port range");
	next_port = port_base + workers;
	int pfd[2];
	if (pipe(pfd) < 0) die("pipe: %s", strerror(errno));
	long long t0 = now_ms(), end = t0 + (long long)seconds * 1000;
	fflush(stdout);
	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();
		if (pid < 0) die("fork: %s", strerror(errno));
		if (pid == 0) {
			long long r[2] = { 0, 0 };
			close(pfd[0]);
			churn_worker(w, end, r);
			if (write(pfd[1], r, sizeof(r)) != (ssize_t)sizeof(r)) _exit(1);
			_exit(0);
		}
	}
	close(pfd[1]);
	long long tot = 0, errs = 0, r[2];
	int got = 0;
	while (read(pfd[0], r, sizeof(r)) == (ssize_t)sizeof(r)) { tot += r[0]; errs += r[1]; got++; }
	while (wait(NULL) > 0) ;
	printf("{\"cmd\":\"churn\",\"ok\":%s,\"family\":%d,\"ns\":", got == workers ? "true" : "false", fam);
	jstr(stdout, ns_name[C]);
	/* the workers stop at end: connections per second of that window */
	double cps = end > t0 ? tot * 1000.0 / (double)(end - t0) : 0;
	printf(",\"workers\":%d,\"workers_reported\":%d,\"seconds\":%d,\"connections\":%lld,"
	       "\"conn_per_s\":%.1f,\"errors\":%lld,\"ports\":[%d,%d],\"elapsed_ms\":%lld}\n",
	       workers, got, seconds, tot, cps, errs, port_base, port_base + workers - 1,
	       now_ms() - t_start);
	fflush(stdout);
	return got == workers ? 0 : 1;
}

/* ---- estab ------------------------------------------------------------ */
/*
 * N loopback connections with both ends kept open: 2N ESTABLISHED sockets
 * in --ns-client (default: the current namespace). The listeners are spread
 * over L = 8 destinations (IPv4: 127.0.0.1..8, port port_base + i; IPv6: ::1,
 * ports port_base..+7), so that no destination needs more than N/L of the
 * ephemeral ports. Prints its JSON line once all are up, then holds them
 * with --hold. The clients end with a RST, leaving no TIME_WAIT behind.
 */
#define ESTAB_L 8
static void raise_nofile(rlim_t want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= want) return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want) rl.rlim_max = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("RLIMIT_NOFILE %llu: %s (run as root)", (unsigned long long)want, strerror(errno));
}

static int cmd_estab(void)
{
	int N = count, L[ESTAB_L], *fds;
	struct sockaddr_storage la[ESTAB_L];
	socklen_t ll[ESTAB_L];
	char ip[ESTAB_L][INET6_ADDRSTRLEN];

	if (N < 1 || N > 500000) die("estab: bad --count");
	raise_nofile((rlim_t)N * 2 + ESTAB_L + 64);
	fds = calloc((size_t)N * 2, sizeof(int));
	if (!fds) die("oom");
	next_port = port_base + ESTAB_L;
	if (next_port > 65535) die("port range");
	for (int i = 0; i < ESTAB_L; i++) {
		if (fam == 4) snprintf(ip[i], sizeof(ip[i]), "127.0.0.%d", i + 1);
		else snprintf(ip[i], sizeof(ip[i]), "::1");
		addr[S] = ip[i];
		L[i] = listener(port_base + i);
		ll[i] = mkaddr(&la[i], ip[i], port_base + i);
	}
	for (int i = 0; i < N; i++) {
		int k = i % ESTAB_L, c = tcp_socket(C);
		if (connect(c, (struct sockaddr *)&la[k], ll[k]) < 0)
			die("estab: connect %d of %d to %s port %d: %s", i + 1, N, ip[k],
			    port_base + k, strerror(errno));
		struct pollfd p = { .fd = L[k], .events = POLLIN };
		if (poll(&p, 1, timeout_ms) != 1) die("estab: accept timeout (%d of %d)", i + 1, N);
		int s = accept4(L[k], NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) die("estab: accept: %s", strerror(errno));
		fds[2 * i] = c;
		fds[2 * i + 1] = s;
	}
	long long t_ready = now_ms();
	int cnt[S_N];
	count_states(C, cnt);
	int ok = cnt[S_ESTABLISHED] == 2 * N && cnt[S_LISTEN] == ESTAB_L;
	printf("{\"cmd\":\"estab\",\"ok\":%s,\"family\":%d,\"ns\":", ok ? "true" : "false", fam);
	jstr(stdout, ns_name[C]);
	printf(",\"connections\":%d,\"listeners\":%d,\"ports\":[%d,%d],\"setup_ms\":%lld,\"observed\":",
	       N, ESTAB_L, port_base, next_port - 1, t_ready - t_start);
	print_counts(cnt);
	printf("}\n");
	fflush(stdout);
	if (hold) hold_wait();
	/* the clients reset: no TIME_WAIT left behind for what runs next */
	for (int i = 0; i < N; i++) {
		abort_close(fds[2 * i]);
		close(fds[2 * i + 1]);
	}
	for (int i = 0; i < ESTAB_L; i++) close(L[i]);
	free(fds);
	return ok ? 0 : 1;
}

/* ---- mix -------------------------------------------------------------- */
/*
 * A steady traffic mix to watch live (make demo), on loopback in
 * --ns-client (default: the current namespace), until SIGTERM/SIGINT or
 * --seconds S (default 0: no limit). One process, paced:
 *   short      request and response, the client closes first (its side
 *              ends in TIME_WAIT): --rate N per second (default 20)
 *   long       --long N connections (default 16) open at all times, each
 *              for 10 to 60 s; then the client closes, the server 1 s later
 *   halfclose  the client shuts down its side (FIN_WAIT_2 / CLOSE_WAIT),
 *              the server closes 5 s later: rate / 10 per second
 *   reset      data, then a RST from the client or the server, in turn:
 *              rate / 10 per second
 *   refused    a connect to a port nobody listens on: rate / 20 per second
 * Listeners: port_base + kind; refused: port_base + MIX_N. Failures are
 * counted, not fatal. More kinds go into mix_kinds[].
 */
struct later { int fd; long long due; int rst, is_long; };
static struct later *lat;
static int nlat, cap_lat, long_open;

static void later(int fd, long long due, int rst, int is_long)
{
	if (nlat == cap_lat) {
		cap_lat = cap_lat ? cap_lat * 2 : 256;
		lat = realloc(lat, (size_t)cap_lat * sizeof(*lat));
		if (!lat) die("oom");
	}
	lat[nlat++] = (struct later){ fd, due, rst, is_long };
}

/* run the closes that are due; returns the next due time (or far) */
static long long run_later(long long now, int all)
{
	long long next = now + 3600000;
	for (int i = 0; i < nlat;) {
		if (all || lat[i].due <= now) {
			if (lat[i].rst) abort_close(lat[i].fd);
			else close(lat[i].fd);
			long_open -= lat[i].is_long;
			lat[i] = lat[--nlat];
			continue;
		}
		if (lat[i].due < next) next = lat[i].due;
		i++;
	}
	return next;
}

enum { MIX_SHORT, MIX_LONG, MIX_HALF, MIX_RESET, MIX_REFUSED, MIX_N };
static struct mixkind {
	const char *name;
	int lfd;
	struct sockaddr_storage sa;
	socklen_t sl;
	double per_s, next;
	long long n, errs;
} mix_kinds[MIX_N] = {
	[MIX_SHORT] = { .name = "short" }, [MIX_LONG] = { .name = "long" },
	[MIX_HALF] = { .name = "halfclose" }, [MIX_RESET] = { .name = "reset" },
	[MIX_REFUSED] = { .name = "refused" },
};

/* a loopback connection to kind k's listener: 0, or -1 (counted) */
static int mix_pair(struct mixkind *k, int *c, int *s)
{
	*c = tcp_socket(C);
	if (connect(*c, (struct sockaddr *)&k->sa, k->sl) < 0) goto fail;
	struct pollfd p = { .fd = k->lfd, .events = POLLIN };
	if (poll(&p, 1, 1000) != 1) goto fail;
	*s = accept4(k->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (*s < 0) goto fail;
	return 0;
fail:
	k->errs++;
	close(*c);
	return -1;
}

static void mix_talk(int c, int s)
{
	char b[16];
	if (write(c, "ping", 4) == 4 && read(s, b, sizeof(b)) > 0 && write(s, "pong", 4) == 4)
		(void)!read(c, b, sizeof(b));
}

static void mix_one(int kind, long long now, unsigned *seed)
{
	struct mixkind *k = &mix_kinds[kind];
	int c, s;
	if (kind == MIX_REFUSED) {
		c = tcp_socket(C);
		if (connect(c, (struct sockaddr *)&k->sa, k->sl) == 0 || errno != ECONNREFUSED)
			k->errs++;
		close(c);
		k->n++;
		return;
	}
	if (mix_pair(k, &c, &s) < 0) return;
	k->n++;
	switch (kind) {
	case MIX_SHORT:
		mix_talk(c, s);
		close(c);
		close(s);
		break;
	case MIX_LONG: {
		long long life = 10000 + rand_r(seed) % 50000;
		later(c, now + life, 0, 1);
		later(s, now + life + 1000, 0, 0);
		long_open++;
		break;
	}
	case MIX_HALF:
		shutdown(c, SHUT_WR);
		later(s, now + 5000, 0, 0);
		later(c, now + 5500, 0, 0);
		break;
	case MIX_RESET:
		mix_talk(c, s);
		if (k->n & 1) { abort_close(c); close(s); }
		else { abort_close(s); close(c); }
		break;
	}
}

static int cmd_mix(void)
{
	const char *lo = fam == 4 ? "127.0.0.1" : "::1";
	double r = rate > 0 ? rate : 20;
	unsigned seed = (unsigned)getpid();
	addr[C] = addr[S] = lo;
	ns_name[S] = ns_name[C];
	if (!seconds_set) seconds = 0;
	if (nlong < 0 || nlong > 10000 || seconds < 0) die("mix: bad --long/--seconds");
	if (port_base + MIX_N > 65535) die("port range");
	next_port = port_base + MIX_N + 1;
	raise_nofile((rlim_t)nlong * 2 + (rlim_t)r * 2 + 256);
	mix_kinds[MIX_SHORT].per_s = r;
	mix_kinds[MIX_HALF].per_s = r / 10;
	mix_kinds[MIX_RESET].per_s = r / 10;
	mix_kinds[MIX_REFUSED].per_s = r / 20;
	long long t0 = now_ms(), end = seconds ? t0 + (long long)seconds * 1000 : 0;
	for (int i = 0; i < MIX_N; i++) {
		struct mixkind *k = &mix_kinds[i];
		k->lfd = i == MIX_REFUSED ? -1 : listener(port_base + i);
		k->sl = mkaddr(&k->sa, lo, port_base + i);
		k->next = (double)t0;
	}
	while (!stop && (!end || now_ms() < end)) {
		long long now = now_ms(), wake = run_later(now, 0);
		while (long_open < nlong && !stop) {
			long long n0 = mix_kinds[MIX_LONG].n;
			mix_one(MIX_LONG, now, &seed);
			if (mix_kinds[MIX_LONG].n == n0) break;	/* failed: retry later */
		}
		for (int i = 0; i < MIX_N; i++) {
			struct mixkind *k = &mix_kinds[i];
			if (k->per_s <= 0) continue;
			if (k->next <= (double)now) {
				mix_one(i, now, &seed);
				k->next += 1000.0 / k->per_s;
				if (k->next < (double)now - 1000) k->next = (double)now; /* fell behind */
			}
			if (k->next < (double)wake) wake = (long long)k->next;
		}
		now = now_ms();
		if (wake > now) {
			long long d = wake - now < 100 ? wake - now : 100;
			struct timespec ts = { 0, d * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	run_later(0, 1);
	for (int i = 0; i < MIX_N; i++)
		if (mix_kinds[i].lfd >= 0) close(mix_kinds[i].lfd);
	printf("{\"cmd\":\"mix\",\"ok\":true,\"family\":%d,\"ns\":", fam);
	jstr(stdout, ns_name[C]);
	printf(",\"seconds\":%.1f,\"ports\":[%d,%d]", (now_ms() - t0) / 1000.0, port_base,
	       port_base + MIX_N);
	for (int i = 0; i < MIX_N; i++)
		printf(",\"%s\":{\"n\":%lld,\"errors\":%lld}", mix_kinds[i].name, mix_kinds[i].n,
		       mix_kinds[i].errs);
	printf("}\n");
	fflush(stdout);
	free(lat);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: tcpsm_traffic hold|edges|churn|estab|mix [options] [SCENARIO...]\n"
"common options:\n"
"  --family 4|6            (default 4)\n"
"  --ns-client NAME        client netns, /run/netns/NAME ('-' = current; default tcpsmA)\n"
"  --ns-server NAME        server netns (default tcpsmB)\n"
"  --client-addr IP        default 192.0.2.1 / 2001:db8::1\n"
"  --server-addr IP        default 192.0.2.2 / 2001:db8::2\n"
"  --port-base N           first port used (default 40000); ports N.. are used\n"
"  --count N               repeat (hold: N sockets per state except 1 LISTEN)\n"
"  --block-cmd CMD         run 'CMD block|unblock a2b|b2a FAMILY CLIENT_PORT' and\n"
"                          'CMD delay on MS|off'; without it, print '#block ...'\n"
"                          lines and wait for one stdin line per request\n"
"  --timeout-ms N          per-step wait limit (default 5000)\n"
"  --json                  accepted (output is always JSON)\n"
"hold:  --hold             keep sockets until SIGTERM/SIGINT or stdin EOF\n"
"       --hold-max S       hold at most S seconds (default 120)\n"
"edges: SCENARIO... | all  (all = every scenario except simclose-both)\n"
"       --delay-ms N       netem delay for simclose-both (default 50)\n"
"churn: --seconds S --workers W  loopback in --ns-client (default current)\n"
"       --rate N           at most N connections/s per worker (default 0: no limit)\n"
"estab: --count N          N loopback connections in --ns-client (default current),\n"
"                          both ends open; --hold, --hold-max S as for hold\n"
"mix:   [--seconds S]      traffic mix in --ns-client until SIGTERM (default 0: no limit)\n"
"       --rate N           short connections/s (default 20); half-closes and resets\n"
"                          N/10 per second each, refused connects N/20\n"
"       --long N           long-lived connections kept open (default 16)\n");
	fprintf(stderr, "scenarios:\n");
	for (int i = 0; i < NSCEN; i++) fprintf(stderr, "  %-14s %s\n", scens[i].name, scens[i].desc);
	exit(2);
}

int main(int argc, char **argv)
{
	t_start = now_ms();
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc < 2) usage();
	const char *cmd = argv[1];
	cur_cmd = cmd;
	char **pos = calloc((size_t)argc, sizeof(char *));
	int npos = 0, ns_client_set = 0;
	if (!pos) die("oom");
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (usage(), ""))
		if (!strcmp(a, "--family")) fam = atoi(ARG());
		else if (!strcmp(a, "--ns-client")) { ns_name[C] = ARG(); ns_client_set = 1; }
		else if (!strcmp(a, "--ns-server")) ns_name[S] = ARG();
		else if (!strcmp(a, "--client-addr")) addr[C] = ARG();
		else if (!strcmp(a, "--server-addr")) addr[S] = ARG();
		else if (!strcmp(a, "--port-base")) port_base = atoi(ARG());
		else if (!strcmp(a, "--count")) count = atoi(ARG());
		else if (!strcmp(a, "--block-cmd")) block_cmd = ARG();
		else if (!strcmp(a, "--timeout-ms")) timeout_ms = atoi(ARG());
		else if (!strcmp(a, "--hold")) hold = 1;
		else if (!strcmp(a, "--hold-max")) hold_max = atoi(ARG());
		else if (!strcmp(a, "--delay-ms")) delay_ms = atoi(ARG());
		else if (!strcmp(a, "--seconds")) { seconds = atoi(ARG()); seconds_set = 1; }
		else if (!strcmp(a, "--long")) nlong = atoi(ARG());
		else if (!strcmp(a, "--workers")) workers = atoi(ARG());
		else if (!strcmp(a, "--rate")) rate = atoi(ARG());
		else if (!strcmp(a, "--json")) ;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage();
		else if (a[0] == '-' && a[1] == '-') { fprintf(stderr, "unknown option %s\n", a); usage(); }
		else pos[npos++] = argv[i];
	}
	if (fam != 4 && fam != 6) usage();
	if (count < 1 || port_base < 1024 || port_base > 65000) usage();
	next_port = port_base;
	if (!addr[C]) addr[C] = fam == 4 ? "192.0.2.1" : "2001:db8::1";
	if (!addr[S]) addr[S] = fam == 4 ? "192.0.2.2" : "2001:db8::2";
	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig_ns < 0) die("open /proc/self/ns/net: %s", strerror(errno));
	if (!strcmp(cmd, "hold")) return cmd_hold();
	if (!strcmp(cmd, "edges")) return cmd_edges(npos, pos);
	if (!strcmp(cmd, "churn")) {
		if (!ns_client_set) ns_name[C] = "-";
		return cmd_churn();
	}
	if (!strcmp(cmd, "estab") || !strcmp(cmd, "mix")) {
		if (!ns_client_set) ns_name[C] = "-";
		ns_name[S] = ns_name[C];
		return !strcmp(cmd, "estab") ? cmd_estab() : cmd_mix();
	}
	usage();
	return 2;
}
