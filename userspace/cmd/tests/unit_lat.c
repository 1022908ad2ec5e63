// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm userspace tests of time in state, no kernel module needed (part
 * of tests/unit): GET_LATENCY replies (built with libnl), good and
 * malformed; bucket bounds; quantiles against hand-computed values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "check.h"
#include "latency.h"
#include "unit_lat.h"

/* A GET_LATENCY reply: nb buckets (b[i], or 0 past b), count as given. */
static struct nl_msg *lat_msg(bool port, const uint64_t *b, unsigned int nb,
			      uint64_t count)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, 0x20, 0, 0, TCPSM_CMD_GET_LATENCY,
		    TCPSM_FAMILY_VERSION);
	nla_put_u32(msg, TCPSM_A_LATENCY_NETNS, 4026531840u);
	nla_put_u32(msg, TCPSM_A_LATENCY_STATE, TCPSM_STATE_CLOSE_WAIT);
	if (port)
		nla_put_u16(msg, TCPSM_A_LATENCY_PORT, 8080);
	nla_put_u64(msg, TCPSM_A_LATENCY_COUNT, count);
	nla_put_u64(msg, TCPSM_A_LATENCY_SUM_NS, 3000000000ULL);
	nla_put_u64(msg, TCPSM_A_LATENCY_UNKNOWN, 7);
	for (unsigned int i = 0; i < nb; i++)
		nla_put_u64(msg, TCPSM_A_LATENCY_BUCKET, b ? b[i] : 0);
	if (!port)
		nla_put_u64(msg, TCPSM_A_LATENCY_PORT_OVERFLOW, 2);
	return msg;
}

static void test_parse(void)
{
	uint64_t b[TCPSM_LAT_BUCKETS] = { 0 };
	struct tcpsm_lat_hist h;
	struct nl_msg *msg;
	int r;

	b[21] = 2;	/* (1.048576 s, 2.097152 s] */
	msg = lat_msg(false, b, TCPSM_LAT_BUCKETS, 2);
	r = tcpsm_lat_parse(nlmsg_hdr(msg), &h);
	check(r == 0 && h.netns == 4026531840u &&
	      h.state == TCPSM_STATE_CLOSE_WAIT && !h.has_port && h.count == 2 &&
	      h.sum_ns == 3000000000ULL && h.unknown == 7 && h.bucket[21] == 2 &&
	      h.has_port_overflow && h.port_overflow == 2,
	      "latency: a namespace's histogram", "r=%d", r);
	nlmsg_free(msg);

	msg = lat_msg(true, b, TCPSM_LAT_BUCKETS, 2);
	r = tcpsm_lat_parse(nlmsg_hdr(msg), &h);
	check(r == 0 && h.has_port && h.port == 8080 && !h.has_port_overflow,
	      "latency: a port's histogram", "r=%d", r);
	nlmsg_free(msg);

	msg = lat_msg(false, b, TCPSM_LAT_BUCKETS - 1, 2);
	r = tcpsm_lat_parse(nlmsg_hdr(msg), &h);
	check(r == -EBADMSG, "latency: a bucket missing is malformed", "r=%d", r);
	nlmsg_free(msg);

	msg = lat_msg(false, NULL, TCPSM_LAT_BUCKETS + 1, 0);
	r = tcpsm_lat_parse(nlmsg_hdr(msg), &h);
	check(r == -EBADMSG, "latency: a bucket too many is malformed", "r=%d", r);
	nlmsg_free(msg);

	msg = lat_msg(false, b, TCPSM_LAT_BUCKETS, 3);
	r = tcpsm_lat_parse(nlmsg_hdr(msg), &h);
	check(r == -EBADMSG, "latency: buckets that do not add up to count",
	      "r=%d", r);
	nlmsg_free(msg);
}

static void test_quantiles(void)
{
	struct tcpsm_lat_hist h;
	uint64_t q;

	check(tcpsm_lat_le_us(0) == 1 && tcpsm_lat_le_us(7) == 128 &&
	      tcpsm_lat_le_us(37) == 137438953472ULL &&
	      tcpsm_lat_le_us(TCPSM_LAT_BUCKETS - 1) == UINT64_MAX,
	      "latency: bucket bounds", "");

	memset(&h, 0, sizeof(h));
	check(tcpsm_lat_quantile_us(&h, 0.5) == 0, "latency: empty: 0", "");

	/* 10 in (65536, 131072] us: p50 half-way, p90 at 9/10 */
	h.bucket[17] = 10;
	h.count = 10;
	q = tcpsm_lat_quantile_us(&h, 0.5);
	check(q == 98304, "latency: p50 interpolated in its bucket", "%llu",
	      (unsigned long long)q);
	q = tcpsm_lat_quantile_us(&h, 0.9);
	check(q == 124518, "latency: p90 interpolated in its bucket", "%llu",
	      (unsigned long long)q);

	/* 1 at most 1 us, 1 past the last bound: p99 the last's lower bound */
	memset(&h, 0, sizeof(h));
	h.bucket[0] = 1;
	h.bucket[TCPSM_LAT_BUCKETS - 1] = 1;
	h.count = 2;
	q = tcpsm_lat_quantile_us(&h, 0.99);
	check(q == 137438953472ULL, "latency: past the last bound", "%llu",
	      (unsigned long long)q);
	q = tcpsm_lat_quantile_us(&h, 0.5);
	check(q == 1, "latency: p50 in bucket 0", "%llu", (unsigned long long)q);

	check(!strcmp(tcpsm_lat_port_side(TCPSM_STATE_SYN_SENT), "remote") &&
	      !strcmp(tcpsm_lat_port_side(TCPSM_STATE_SYN_RCVD), "local") &&
	      !strcmp(tcpsm_lat_port_side(TCPSM_STATE_CLOSE_WAIT), "local") &&
	      !tcpsm_lat_port_side(TCPSM_STATE_ESTABLISHED),
	      "latency: port sides", "");
}

void unit_lat_tests(void)
{
	test_parse();
	test_quantiles();
}
