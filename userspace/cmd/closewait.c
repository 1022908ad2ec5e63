// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the closewait subcommand (see closewait.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "allns.h"
#include "cli.h"
#include "closewait.h"
#include "json.h"
#include "nl.h"
#include "owners.h"
#include "print.h"

/* ---- rendering ------------------------------------------------------------ */

static const struct tcpsm_owner *owner_of(const struct tcpsm_owners *o,
					  const struct tcpsm_cwsock *s)
{
	return o && s->ino ? tcpsm_owners_find(o, s->ino) : NULL;
}

/* Did an earlier socket of p have the same owning process? */
static bool owner_listed(const struct tcpsm_cw_port *p, size_t i,
			 const struct tcpsm_owners *o, pid_t pid)
{
	for (size_t k = 0; k < i; k++) {
		const struct tcpsm_owner *w = owner_of(o, &p->sock[k]);

		if (w && w->pid == pid)
			return true;
	}
	return false;
}

/* A process name, any bytes, as one printable word of a table. */
static void put_comm(FILE *f, const char *comm)
{
	for (const unsigned char *c = (const unsigned char *)comm; *c; c++)
		fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, f);
}

/* "python3(pid 123), ?(uid 1000, inode 4567)", or "-" */
static void print_owners(FILE *f, const struct tcpsm_cw_port *p,
			 const struct tcpsm_owners *o)
{
	bool any = false;
	size_t i;

	for (i = 0; i < p->nsock; i++) {
		const struct tcpsm_owner *w = owner_of(o, &p->sock[i]);

		if (!w || owner_listed(p, i, o, w->pid))
			continue;
		fputs(any ? ", " : "", f);
		put_comm(f, w->comm);
		fprintf(f, "(pid %d)", (int)w->pid);
		any = true;
	}
	for (i = 0; i < p->nsock; i++) {
		if (owner_of(o, &p->sock[i]))
			continue;
		fprintf(f, "%s?(uid %" PRIu32 ", inode %" PRIu64 ")",
			any ? ", " : "", p->sock[i].uid, p->sock[i].ino);
		any = true;
	}
	if (!any)
		fputc('-', f);
}

static int width(const char *s, int min)
{
	int w = (int)strlen(s);

	return w > min ? w : min;
}

/* The cells of the numeric columns of one row. */
struct cw_cells {
	char count[16], oldest[32], growth[16], inout[32];
};

static void cells(const struct tcpsm_cw_port *p, struct cw_cells *c)
{
	snprintf(c->count, sizeof(c->count), "%" PRIu32, p->count);
	if (p->has_oldest_age)
		tcpsm_fmt_age(p->oldest_age_ms, c->oldest, sizeof(c->oldest));
	else
		snprintf(c->oldest, sizeof(c->oldest), "-");
	snprintf(c->growth, sizeof(c->growth), "%+" PRId32, p->growth);
	snprintf(c->inout, sizeof(c->inout), "%" PRIu32 "/%" PRIu32,
		 p->entries, p->exits);
}

void tcpsm_cw_print_text(FILE *f, const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners)
{
	int wc = 5, wo = 6, wg = 6, wi = 6;	/* COUNT OLDEST GROWTH IN/OUT */
	struct cw_cells c;
	size_t i;

	if (!set->n) {
		fputs("no sockets in CLOSE_WAIT\n", f);
		return;
	}
	for (i = 0; i < set->n; i++) {
		cells(&set->v[i], &c);
		wc = width(c.count, wc);
		wo = width(c.oldest, wo);
		wg = width(c.growth, wg);
		wi = width(c.inout, wi);
	}
	fprintf(f, "%-5s  %*s  %*s  %*s  %*s  %-5s  %s\n", "PORT", wc, "COUNT",
		wo, "OLDEST", wg, "GROWTH", wi, "IN/OUT", "ALARM", "OWNERS");
	for (i = 0; i < set->n; i++) {
		const struct tcpsm_cw_port *p = &set->v[i];

		cells(p, &c);
		fprintf(f, "%-5u  %*s  %*s  %*s  %*s  %-5s  ", p->port, wc, c.count,
			wo, c.oldest, wg, c.growth, wi, c.inout,
			p->alarm ? "LEAK" : "-");
		print_owners(f, p, owners);
		fputc('\n', f);
	}
}

static void print_port_json(struct json *j, const struct tcpsm_cw_port *p,
			    const struct tcpsm_owners *o)
{
	size_t i, unresolved = 0;

	json_object_begin(j);
	json_key(j, "port");
	json_u64(j, p->port);
	json_key(j, "count");
	json_u64(j, p->count);
	json_key(j, "oldest_age_ms");
	if (p->has_oldest_age)
		json_u64(j, p->oldest_age_ms);
	else
		json_null(j);
	json_key(j, "growth");
	json_i64(j, p->growth);
	json_key(j, "entries");
	json_u64(j, p->entries);
	json_key(j, "exits");
	json_u64(j, p->exits);
	json_key(j, "untracked");
	json_u64(j, p->untracked);
	json_key(j, "alarm");
	json_bool(j, p->alarm);

	json_key(j, "owners");
	json_array_begin(j);
	for (i = 0; i < p->nsock; i++) {
		const struct tcpsm_owner *w = owner_of(o, &p->sock[i]);

		if (!w) {
			unresolved++;
			continue;
		}
		if (owner_listed(p, i, o, w->pid))
			continue;
		json_object_begin(j);
		json_key(j, "pid");
		json_u64(j, (uint64_t)w->pid);
		json_key(j, "comm");
		json_string(j, w->comm);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "unresolved");
	json_u64(j, unresolved);

	json_key(j, "sockets");
	json_array_begin(j);
	for (i = 0; i < p->nsock; i++) {
		const struct tcpsm_owner *w = owner_of(o, &p->sock[i]);

		json_object_begin(j);
		tcpsm_cwsock_json(j, &p->sock[i]);
		json_key(j, "pid");
		if (w)
			json_u64(j, (uint64_t)w->pid);
		else
			json_null(j);
		json_key(j, "comm");
		if (w)
			json_string(j, w->comm);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

void tcpsm_cw_print_json(struct json *j, int64_t netns,
			 const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners)
{
	json_object_begin(j);
	json_key(j, "netns");
	if (netns >= 0)
		json_u64(j, (uint64_t)netns);
	else
		json_null(j);
	tcpsm_cw_print_ports_json(j, set, owners);
	json_object_end(j);
}

void tcpsm_cw_print_ports_json(struct json *j, const struct tcpsm_cw_set *set,
			       const struct tcpsm_owners *owners)
{
	json_key(j, "ports");
	json_array_begin(j);
	for (size_t i = 0; i < set->n; i++)
		print_port_json(j, &set->v[i], owners);
	json_array_end(j);
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_closewait_help(FILE *f)
{
	fputs("Usage: tcpsm closewait [--all-netns] [--json]\n"
	      "\n"
	      "Show the local ports of this network namespace with sockets in\n"
	      "CLOSE_WAIT (the peer closed; the application has not), as of the\n"
	      "module's last one-second sample, most sockets first, with the\n"
	      "processes that hold the oldest of them (found in /proc, as ss -p\n"
	      "does: run as root to see every user's).\n"
	      "\n"
	      "Options:\n"
	      TCPSM_ALLNS_HELP
	      "  -j, --json       one JSON document (an array with --all-netns: one\n"
	      "                   object per namespace with sockets in CLOSE_WAIT)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Columns: PORT local port; COUNT sockets in CLOSE_WAIT now; OLDEST how\n"
	      "long the oldest has waited; GROWTH of COUNT over the alarm window;\n"
	      "IN/OUT entries into and exits from CLOSE_WAIT over the window; ALARM\n"
	      "LEAK when CLOSE_WAIT_LEAK is raised; OWNERS name(pid N) of the\n"
	      "processes, ?(uid U, inode I) for a socket whose process is unknown.\n",
	      f);
}

/* The ports of namespace netns of all, sorted, into sub (its own array). */
static int cw_subset(const struct tcpsm_cw_set *all, uint32_t netns,
		     struct tcpsm_cw_set *sub)
{
	memset(sub, 0, sizeof(*sub));
	sub->v = calloc(all->n ? all->n : 1, sizeof(*sub->v));
	if (!sub->v)
		return -ENOMEM;
	sub->cap = all->n;
	for (size_t i = 0; i < all->n; i++)
		if (all->v[i].netns == netns)
			sub->v[sub->n++] = all->v[i];
	tcpsm_cw_sort(sub);
	return 0;
}

struct cw_all {
	const struct tcpsm_cw_set *set;
	const struct tcpsm_owners *owners;
};

/* One namespace's ports (tcpsm_allns_print()'s body). */
static int cw_one(void *ctx, uint32_t netns, struct json *j)
{
	const struct cw_all *a = ctx;
	struct tcpsm_cw_set sub;
	int r;

	r = cw_subset(a->set, netns, &sub);
	if (r < 0)
		return r;
	if (j)
		tcpsm_cw_print_ports_json(j, &sub, a->owners);
	else
		tcpsm_cw_print_text(stdout, &sub, a->owners);
	free(sub.v);
	return 0;
}

/* --all-netns: one block (text) or object (JSON) per namespace. */
static int print_all(const struct tcpsm_cw_set *set,
		     const struct tcpsm_owners *owners, bool json)
{
	struct cw_all a = { set, owners };
	struct tcpsm_allns_print p = {
		.json = json, .sep = "\n", .none = "no sockets in CLOSE_WAIT\n",
		.body = cw_one, .ctx = &a,
	};
	struct tcpsm_allns_list l;
	int r;

	r = tcpsm_allns_collect(&l, set->v, set->n, sizeof(*set->v),
				offsetof(struct tcpsm_cw_port, netns));
	if (r < 0)
		return r;
	r = tcpsm_allns_print(&p, l.v, l.n);
	tcpsm_allns_list_free(&l);
	return r;
}

int cmd_closewait(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-netns",	no_argument,	NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_cw_set set = { NULL, 0, 0 };
	struct tcpsm_owners owners;
	struct tcpsm_nl nl;
	bool json = false, all = false;
	const struct tcpsm_cmd_spec spec = {
		.name = "closewait", .help = cmd_closewait_help,
		.flags = TCPSM_OPT_JSON, .shorts = "a", .longs = opts,
		.opt = tcpsm_allns_opt, .ctx = &all, .nl = &nl,
	};
	int r, rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, &json);
	if (rc >= 0)
		return rc;
	memset(&owners, 0, sizeof(owners));
	r = tcpsm_cw_request(&nl, all, &set);
	if (r < 0 && nl.reply_err == -EBADMSG) {
		tcpsm_err("malformed GET_CLOSEWAIT reply from the kernel (module and tool out of step?)");
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	if (r < 0) {
		tcpsm_nl_perror(&nl, r, "reading the CLOSE_WAIT sockets failed",
				tcpsm_allns_hint(r, all, "closewait"));
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	r = tcpsm_cw_owners(&set, &owners);
	if (!r && all)
		r = print_all(&set, &owners, json);
	if (r < 0) {
		tcpsm_err("closewait: %s", strerror(-r));
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	if (all) {
		/* printed */
	} else if (json) {
		struct json j;

		tcpsm_cw_sort(&set);
		json_init(&j, stdout);
		tcpsm_cw_print_json(&j, tcpsm_cw_netns(&set), &set, &owners);
		fputc('\n', stdout);
	} else {
		tcpsm_cw_sort(&set);
		tcpsm_cw_print_text(stdout, &set, &owners);
	}
	rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
out:
	tcpsm_owners_free(&owners);
	tcpsm_cw_set_free(&set);
	tcpsm_nl_close(&nl);
	return rc;
}
