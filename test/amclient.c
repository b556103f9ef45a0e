/*
 * amclient.c - the MTA side of the Sendmail milter protocol, version 6,
 * spoken the way Postfix's milter8 client speaks it: the protocol engine
 * and the threads that run the sessions (see amclient.h; the command
 * line, the message files and the summary are in amclient_cli.c).
 *
 * amclient drives a milter daemon over its socket.  The end-to-end tests
 * run it one session at a time and compare what it prints with golden
 * files; the benchmark runs it with many concurrent sessions and reads the
 * summary.  It needs libc and pthreads only: <libmilter/mfdef.h> gives the
 * protocol constants, the protocol itself is written out here.
 *
 * Wire format, both ways: a 4-byte big-endian length, a command byte, and
 * length - 1 bytes of payload.  One connection per session:
 *	OPTNEG, then for each stage [MACRO] COMMAND [replies]:
 *	connect, helo, mail, rcpt..., data, header..., eoh, body...,
 *	bodyeob, then QUIT (ABORT first for -A; nothing for -D), and
 *	amclient waits for the milter to close before it moves on.
 * As Postfix does, the macros of connect, helo, mail, rcpt and data go
 * even when the milter asked not to see the command itself, and every
 * header and body chunk carries the end-of-header and end-of-message
 * macros.  Header values keep their folding as "\n" + the next line;
 * body lines end in CR LF, in chunks of at most MILTER_CHUNK_SIZE.
 * By default the commands that need no reply are queued and written
 * together (up to 64 KB), with TCP_NODELAY on inet sockets.  -P writes
 * as Postfix does: Nagle's algorithm on, a write when a reply is awaited
 * or 4 KB are queued, and one at the end of the DATA stage (the SMTP
 * server's last write before the cleanup server takes over the session);
 * delayed acknowledgements stay on, as on every socket.  A milter that
 * leaves a small write unanswered, or splits its own replies into small
 * writes without TCP_NODELAY, then shows the stall it would show Postfix.
 *
 * Ownership: each thread owns one struct sess, whose buffers serve
 * session after session, and each session writes only its own struct
 * amc_record.  The one shared mutable value, the next session number, is
 * under a lock.
 *
 * Limits: a reply payload over MAX_REPLY bytes is a protocol error; each
 * reply (and each blocked write) waits at most -t seconds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* strerror_r returning char * */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "amclient.h"

#define MAX_REPLY	(1024 * 1024)	/* cap on one reply payload */
#define FLUSH_AT	(64 * 1024)	/* write unanswered commands */
#define PF_FLUSH_AT	4096		/* -P: Postfix's VSTREAM_BUFSIZE */
#define CLIENT_PORT	25		/* sent with the connect command */
#define NOPKT		SIZE_MAX	/* no SMFIC_MACRO packet open */
#define MACRO_STAGES	7		/* macro lists in optneg: 0..6 */

#define MAC_CONNECT	0x01		/* j and {daemon_name} */
#define MAC_QID		0x02		/* i, the queue id */

struct buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

struct sess {
	const struct amc_opts *o;
	const struct amc_message *m;
	struct amc_record *rec;
	unsigned long	 id;
	int		 fd;
	uint32_t	 pflags;	/* SMFIP_* the milter asked for */
	int		 skip;		/* SMFIR_SKIP in this stage */
	int		 closed;	/* no QUIT to send */
	const char	*stage;
	const char	*ip, *host, *helo, *from;
	const char *const *rcpt;
	size_t		 nrcpt;
	char		 qid[32];
	char		 hostbuf[64];
	struct buf	 out;		/* commands not yet written */
	struct buf	 in;		/* replies, unread from ioff */
	size_t		 ioff;
	struct buf	 text;		/* the SMFIR_REPLYCODE text */
	double		 t0, teob, tend;
};

struct run {
	const struct amc_opts *o;
	struct amc_record *rec;
	pthread_mutex_t	 lock;
	unsigned long	 next;		/* under lock */
};

static int	fail(struct sess *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	emit(struct sess *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* now - monotonic time in seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* buf_need - make room for n more bytes after b->len */
static void
buf_need(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;

	if (b->cap - b->len >= n)
		return;
	while (cap - b->len < n)
		cap *= 2;
	b->p = amc_xrealloc(b->p, cap);
	b->cap = cap;
}

/* fail - report a session failure on stderr and mark the session failed */
static int
fail(struct sess *s, int err, const char *fmt, ...)
{
	char msg[512], ebuf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err != 0)
		fprintf(stderr, "amclient: session %lu: %s: %s\n", s->id, msg,
		    strerror_r(err, ebuf, sizeof(ebuf)));
	else
		fprintf(stderr, "amclient: session %lu: %s\n", s->id, msg);
	s->rec->failed = 1;
	return -1;
}

/* emit - print one line of per-session output when that is wanted */
static void
emit(struct sess *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->o->verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---------------------------------------------------- message files */

/* ------------------------------------------------------- wire output */

/* put - queue bytes for the milter */
static void
put(struct sess *s, const void *p, size_t n)
{
	buf_need(&s->out, n);
	memcpy(s->out.p + s->out.len, p, n);
	s->out.len += n;
}

/* put_str - queue a string with its NUL */
static void
put_str(struct sess *s, const char *str)
{
	put(s, str, strlen(str) + 1);
}

/* put_u32 - queue a 4-byte big-endian integer */
static void
put_u32(struct sess *s, uint32_t v)
{
	v = htonl(v);
	put(s, &v, sizeof(v));
}

/* pkt_open - start a packet; returns where its length goes */
static size_t
pkt_open(struct sess *s, int cmd)
{
	size_t at = s->out.len;
	unsigned char c = cmd;

	put_u32(s, 0);
	put(s, &c, 1);
	return at;
}

/* pkt_close - fill in the length of the packet started at at */
static void
pkt_close(struct sess *s, size_t at)
{
	uint32_t n = htonl((uint32_t)(s->out.len - at - MILTER_LEN_BYTES));

	memcpy(s->out.p + at, &n, sizeof(n));
}

/* pkt - queue a command without payload */
static void
pkt(struct sess *s, int cmd)
{
	pkt_close(s, pkt_open(s, cmd));
}

/* put_addr - queue a MAIL or RCPT argument in angle brackets */
static void
put_addr(struct sess *s, const char *addr)
{
	if (*addr == '<') {
		put_str(s, addr);
		return;
	}
	put(s, "<", 1);
	put(s, addr, strlen(addr));
	put(s, ">", 2);
}

/* put_connect - queue hostname, family, port and address */
static void
put_connect(struct sess *s)
{
	uint16_t port = htons(CLIENT_PORT);
	char family = strchr(s->ip, ':') != NULL ? SMFIA_INET6 : SMFIA_INET;

	put_str(s, s->host);
	if (strcmp(s->ip, "unknown") == 0) {
		family = SMFIA_UNKNOWN;		/* no port, no address */
		put(s, &family, 1);
		return;
	}
	put(s, &family, 1);
	put(s, &port, sizeof(port));
	put_str(s, s->ip);
}

/* mac_put - queue one macro, opening the SMFIC_MACRO packet if need be */
static void
mac_put(struct sess *s, size_t *at, int cmd, const char *name,
    const char *value)
{
	unsigned char c = cmd;

	if (*at == NOPKT) {
		*at = pkt_open(s, SMFIC_MACRO);
		put(s, &c, 1);
	}
	put_str(s, name);
	put_str(s, value);
}

/* mac_ours - queue one of our macros unless -m or the file redefines it */
static void
mac_ours(struct sess *s, size_t *at, int cmd, const char *name,
    const char *value)
{
	const struct amc_env *d = &s->o->env, *f = &s->m->env;

	if (!amc_mac_find(d->mac, d->nmac, name) &&
	    !amc_mac_find(f->mac, f->nmac, name))
		mac_put(s, at, cmd, name, value);
}

/* put_macros - queue the macros of the stage of command cmd */
static void
put_macros(struct sess *s, int cmd, int macs)
{
	const struct amc_env *d = &s->o->env, *f = &s->m->env;
	size_t at = NOPKT, i;

	if (macs & MAC_CONNECT) {
		mac_ours(s, &at, cmd, "j", "mx.test");
		mac_ours(s, &at, cmd, "{daemon_name}", "amclient");
	}
	if (macs & MAC_QID)
		mac_ours(s, &at, cmd, "i", s->qid);
	for (i = 0; i < d->nmac; i++)
		if (!amc_mac_find(f->mac, f->nmac, d->mac[i].name))
			mac_put(s, &at, cmd, d->mac[i].name, d->mac[i].value);
	for (i = 0; i < f->nmac; i++)
		mac_put(s, &at, cmd, f->mac[i].name, f->mac[i].value);
	if (at != NOPKT)
		pkt_close(s, at);
}

/* --------------------------------------------------------- socket I/O */

/* wait_fd - wait until the socket is ready, or fail at the deadline */
static int
wait_fd(struct sess *s, short events, double deadline)
{
	struct pollfd pfd;
	double left;
	int n;

	for (;;) {
		if ((left = deadline - now()) <= 0)
			return fail(s, 0, "timeout after %g s %s %s",
			    s->o->timeout, events == POLLOUT ? "writing" :
			    strcmp(s->stage, "quit") == 0 ?
			    "waiting for the milter to close after" :
			    "waiting for the reply to", s->stage);
		pfd.fd = s->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return fail(s, errno, "poll");
	}
}

/* flush - write every queued command */
static int
flush(struct sess *s)
{
	double deadline = now() + s->o->timeout;
	size_t off = 0;
	ssize_t n;

	while (off < s->out.len) {
		n = send(s->fd, s->out.p + off, s->out.len - off, MSG_NOSIGNAL);
		if (n >= 0) {
			off += n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(s, errno, "write %s", s->stage);
		if (wait_fd(s, POLLOUT, deadline) == -1)
			return -1;
	}
	s->out.len = 0;
	return 0;
}

/* fill - have at least need unread bytes in the input buffer */
static int
fill(struct sess *s, size_t need)
{
	double deadline = now() + s->o->timeout;
	struct buf *b = &s->in;
	ssize_t n;

	while (b->len - s->ioff < need) {
		if (b->cap - s->ioff < need) {
			if (b->len > s->ioff)
				memmove(b->p, b->p + s->ioff, b->len - s->ioff);
			b->len -= s->ioff;
			s->ioff = 0;
			buf_need(b, need);
		}
		n = read(s->fd, b->p + b->len, b->cap - b->len);
		if (n > 0)
			b->len += n;
		else if (n == 0)
			return fail(s, 0, "milter closed the connection "
			    "after %s", s->stage);
		else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_fd(s, POLLIN, deadline) == -1)
				return -1;
		} else if (errno != EINTR)
			return fail(s, errno, "read reply to %s", s->stage);
	}
	return 0;
}

/* read_packet - one reply: its command and payload (valid until the next) */
static int
read_packet(struct sess *s, int *cmd, const char **p, size_t *len)
{
	uint32_t n;

	if (s->ioff == s->in.len)
		s->ioff = s->in.len = 0;
	if (fill(s, MILTER_LEN_BYTES) == -1)
		return -1;
	memcpy(&n, s->in.p + s->ioff, sizeof(n));
	n = ntohl(n);
	if (n == 0 || n > MAX_REPLY + 1)
		return fail(s, 0, "reply to %s: bad length %lu", s->stage,
		    (unsigned long)n);
	if (fill(s, MILTER_LEN_BYTES + (size_t)n) == -1)
		return -1;
	*cmd = (unsigned char)s->in.p[s->ioff + MILTER_LEN_BYTES];
	*p = s->in.p + s->ioff + MILTER_LEN_BYTES + 1;
	*len = n - 1;
	s->ioff += MILTER_LEN_BYTES + n;
	return 0;
}

/* take_u32 - consume a 4-byte big-endian integer from (p, len) */
static int
take_u32(const char **p, size_t *len, uint32_t *v)
{
	if (*len < sizeof(*v))
		return -1;
	memcpy(v, *p, sizeof(*v));
	*v = ntohl(*v);
	*p += sizeof(*v);
	*len -= sizeof(*v);
	return 0;
}

/* take_str - consume a NUL-terminated string from (p, len) */
static int
take_str(const char **p, size_t *len, const char **str)
{
	const char *nul = memchr(*p, '\0', *len);

	if (nul == NULL)
		return -1;
	*str = *p;
	*len -= nul + 1 - *p;
	*p = nul + 1;
	return 0;
}

/* ------------------------------------------------------------ replies */

/* show_mod - print one end-of-message modification */
static void
show_mod(struct sess *s, int cmd, uint32_t idx, const char *a, const char *b)
{
	/* Postfix puts ": " between name and value unless HDR_LEADSPC. */
	const char *sp = (s->pflags & SMFIP_HDR_LEADSPC) ? "" : " ";

	switch (cmd) {
	case SMFIR_INSHEADER:
		emit(s, "insheader %lu %s:%s%s", (unsigned long)idx, a, sp, b);
		break;
	case SMFIR_ADDHEADER:
		emit(s, "addheader %s:%s%s", a, sp, b);
		break;
	case SMFIR_CHGHEADER:
		if (*b == '\0')
			emit(s, "delheader %lu %s", (unsigned long)idx, a);
		else
			emit(s, "chgheader %lu %s:%s%s", (unsigned long)idx,
			    a, sp, b);
		break;
	case SMFIR_QUARANTINE:
		emit(s, "quarantine %s", a);
		break;
	case SMFIR_ADDRCPT:
	case SMFIR_ADDRCPT_PAR:
		emit(s, "addrcpt %s%s%s", a, b ? " " : "", b ? b : "");
		break;
	case SMFIR_DELRCPT:
		emit(s, "delrcpt %s", a);
		break;
	case SMFIR_CHGFROM:
		emit(s, "chgfrom %s%s%s", a, b ? " " : "", b ? b : "");
		break;
	}
}

/* modify - check and print one modification request */
static int
modify(struct sess *s, int cmd, const char *p, size_t len)
{
	const char *a = NULL, *b = NULL;
	uint32_t idx = 0;
	int bad = 0;

	switch (cmd) {
	case SMFIR_INSHEADER:
	case SMFIR_CHGHEADER:
		bad = take_u32(&p, &len, &idx) == -1;
		/* FALLTHROUGH */
	case SMFIR_ADDHEADER:
		bad = bad || take_str(&p, &len, &a) == -1 ||
		    take_str(&p, &len, &b) == -1 || *a == '\0';
		break;
	case SMFIR_QUARANTINE:
	case SMFIR_ADDRCPT:
	case SMFIR_DELRCPT:
		bad = take_str(&p, &len, &a) == -1;
		break;
	case SMFIR_CHGFROM:
	case SMFIR_ADDRCPT_PAR:
		bad = take_str(&p, &len, &a) == -1 ||
		    (len > 0 && take_str(&p, &len, &b) == -1);
		break;
	case SMFIR_REPLBODY:
		emit(s, "replbody %zu", len);
		return 0;
	default:
		return fail(s, 0, "unexpected reply '%c' (0x%02x) to %s",
		    cmd > ' ' && cmd < 127 ? cmd : '?', cmd, s->stage);
	}
	if (bad || len != 0)
		return fail(s, 0, "malformed '%c' reply to %s", cmd, s->stage);
	show_mod(s, cmd, idx, a, b);
	return 0;
}

/* reply_text - keep the SMFIR_REPLYCODE text: "4xx ..." or "5xx ..." */
static int
reply_text(struct sess *s, const char *p, size_t len)
{
	const char *str;

	if (take_str(&p, &len, &str) == -1 || len != 0 ||
	    (str[0] != '4' && str[0] != '5') || str[1] < '0' || str[1] > '9' ||
	    str[2] < '0' || str[2] > '9' || (str[3] != ' ' && str[3] != '-'))
		return fail(s, 0, "malformed reply code to %s", s->stage);
	s->text.len = 0;
	buf_need(&s->text, strlen(str) + 1);
	memcpy(s->text.p, str, strlen(str) + 1);
	return 0;
}

/* await - read replies until a decision; returns its SMFIR_* code */
static int
await(struct sess *s, int at_eom)
{
	const char *p;
	size_t len;
	int cmd;

	for (;;) {
		if (read_packet(s, &cmd, &p, &len) == -1)
			return -1;
		switch (cmd) {
		case SMFIR_PROGRESS:
		case SMFIR_CONTINUE:
		case SMFIR_ACCEPT:
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_DISCARD:
		case SMFIR_SKIP:
		case SMFIR_SHUTDOWN:
		case SMFIR_CONN_FAIL:
			if (len != 0)
				return fail(s, 0, "reply '%c' to %s has %zu "
				    "data bytes", cmd, s->stage, len);
			if (cmd != SMFIR_PROGRESS)
				return cmd;
			break;
		case SMFIR_REPLYCODE:
			return reply_text(s, p, len) == -1 ? -1 : cmd;
		default:
			/* Postfix takes quarantine at any stage. */
			if (!at_eom && cmd != SMFIR_QUARANTINE)
				return fail(s, 0, "unexpected reply '%c' "
				    "(0x%02x) to %s", cmd > ' ' && cmd < 127 ?
				    cmd : '?', cmd, s->stage);
			if (modify(s, cmd, p, len) == -1)
				return -1;
		}
	}
}

/* verdict - record the session's final result and print it */
static void
verdict(struct sess *s, enum amc_result r, const char *stage)
{
	s->rec->result = r;
	s->tend = now();
	if (stage != NULL)
		emit(s, "stage: %s", stage);
	if (r == AMC_REPLY)
		emit(s, "result: reply %s", s->text.p);
	else
		emit(s, "result: %s", amc_result_names[r]);
}

/* result_of - the result a decision reply stands for */
static enum amc_result
result_of(int cmd)
{
	static const char codes[] = {
		SMFIR_ACCEPT, SMFIR_CONTINUE, SMFIR_REJECT, SMFIR_TEMPFAIL,
		SMFIR_DISCARD, SMFIR_REPLYCODE, SMFIR_SHUTDOWN, SMFIR_CONN_FAIL
	};
	const char *c = memchr(codes, cmd, sizeof(codes));

	/* In the order of enum amc_result. */
	return c != NULL ? (enum amc_result)(c - codes) : AMC_CONTINUE;
}

/* ------------------------------------------------------------- stages */

/* step - settle a queued command: 0 go on, 1 session decided, -1 failed */
static int
step(struct sess *s, uint32_t nrflag)
{
	int v;

	if (s->pflags & nrflag)
		return s->out.len >= (s->o->pfwrites ? PF_FLUSH_AT :
		    FLUSH_AT) ? flush(s) : 0;
	if (flush(s) == -1 || (v = await(s, 0)) == -1)
		return -1;
	if (v == SMFIR_SKIP) {
		s->skip = 1;
		return 0;
	}
	if (v == SMFIR_CONTINUE)
		return 0;
	verdict(s, result_of(v), s->stage);
	return 1;
}

/* stage_name - what to call the stage of command cmd */
static const char *
stage_name(int cmd)
{
	static const char cmds[] = {
		SMFIC_CONNECT, SMFIC_HELO, SMFIC_MAIL, SMFIC_RCPT, SMFIC_DATA,
		SMFIC_HEADER, SMFIC_EOH, SMFIC_BODY
	};
	static const char *const names[] = {
		"connect", "helo", "mail", "rcpt", "data", "header", "eoh",
		"body"
	};
	const char *c = memchr(cmds, cmd, sizeof(cmds));

	return c != NULL ? names[c - cmds] : "eom";
}

/* event - queue a stage's macros and command, then settle it */
static int
event(struct sess *s, int cmd, int macs, uint32_t noflag, uint32_t nrflag,
    const char *arg)
{
	size_t at;

	s->stage = stage_name(cmd);
	put_macros(s, cmd, macs);
	if (s->pflags & noflag)
		return 0;
	at = pkt_open(s, cmd);
	if (cmd == SMFIC_CONNECT)
		put_connect(s);
	else if (cmd == SMFIC_MAIL || cmd == SMFIC_RCPT)
		put_addr(s, arg);
	else if (arg != NULL)
		put_str(s, arg);
	pkt_close(s, at);
	return step(s, nrflag);
}

/* envelope - connect, helo, mail, rcpt and data */
static int
envelope(struct sess *s)
{
	size_t i;
	int r;

	if ((r = event(s, SMFIC_CONNECT, MAC_CONNECT, SMFIP_NOCONNECT,
	    SMFIP_NR_CONN, NULL)) != 0 ||
	    (r = event(s, SMFIC_HELO, 0, SMFIP_NOHELO, SMFIP_NR_HELO,
	    s->helo)) != 0 ||
	    (r = event(s, SMFIC_MAIL, MAC_QID, SMFIP_NOMAIL, SMFIP_NR_MAIL,
	    s->from)) != 0)
		return r;
	for (i = 0; i < s->nrcpt; i++)
		if ((r = event(s, SMFIC_RCPT, MAC_QID, SMFIP_NORCPT,
		    SMFIP_NR_RCPT, s->rcpt[i])) != 0)
			return r;
	if ((r = event(s, SMFIC_DATA, MAC_QID, SMFIP_NODATA, SMFIP_NR_DATA,
	    NULL)) != 0)
		return r;
	/*
	 * -P: in Postfix the SMTP server sends up to DATA and the cleanup
	 * server the content, so what DATA left unanswered (its macros when
	 * the milter negotiated SMFIP_NODATA) goes out in a write of its own.
	 */
	return s->o->pfwrites ? flush(s) : 0;
}

/* headers - every header, then end of headers */
static int
headers(struct sess *s)
{
	const struct amc_header *h;
	const char *v;
	size_t i, at;
	int r;

	s->stage = "header";
	for (i = 0; i < s->m->nhdr && !(s->pflags & SMFIP_NOHDRS); i++) {
		h = &s->m->hdr[i];
		v = h->value;
		if (!(s->pflags & SMFIP_HDR_LEADSPC) && *v == ' ')
			v++;
		put_macros(s, SMFIC_HEADER, MAC_QID);
		at = pkt_open(s, SMFIC_HEADER);
		put_str(s, h->name);
		put_str(s, v);
		pkt_close(s, at);
		if ((r = step(s, SMFIP_NR_HDR)) != 0)
			return r;
		if (s->skip)
			break;
	}
	s->skip = 0;
	if (s->pflags & SMFIP_NOEOH)
		return 0;
	return event(s, SMFIC_EOH, MAC_QID, 0, SMFIP_NR_EOH, NULL);
}

/* cut - end the session here if -A or -D says so */
static int
cut(struct sess *s, size_t off)
{
	const struct amc_opts *o = s->o;

	if (o->abort_at >= 0 && off >= (unsigned long long)o->abort_at) {
		pkt(s, SMFIC_ABORT);
		verdict(s, AMC_ABORTED, NULL);
		return 1;
	}
	if (o->disc_at >= 0 && off >= (unsigned long long)o->disc_at) {
		s->closed = 1;
		if (flush(s) == -1)
			return -1;
		verdict(s, AMC_DISCONNECTED, NULL);
		return 1;
	}
	return 0;
}

/* body - the body in chunks, stopping where -A, -D or SMFIR_SKIP say */
static int
body(struct sess *s)
{
	const struct amc_opts *o = s->o;
	size_t off = 0, n, at;
	int r;

	s->stage = "body";
	while (off < s->m->bodylen) {
		if ((r = cut(s, off)) != 0)
			return r;
		n = s->m->bodylen - off;
		if (n > MILTER_CHUNK_SIZE)
			n = MILTER_CHUNK_SIZE;
		if (o->abort_at >= 0 && n > (size_t)o->abort_at - off)
			n = (size_t)o->abort_at - off;
		if (o->disc_at >= 0 && n > (size_t)o->disc_at - off)
			n = (size_t)o->disc_at - off;
		if (!(s->pflags & SMFIP_NOBODY) && !s->skip) {
			put_macros(s, SMFIC_BODY, MAC_QID);
			at = pkt_open(s, SMFIC_BODY);
			put(s, s->m->body + off, n);
			pkt_close(s, at);
			if ((r = step(s, SMFIP_NR_BODY)) != 0)
				return r;
		}
		off += n;
	}
	return cut(s, off);
}

/* eom - end of message: modifications, then the verdict */
static int
eom(struct sess *s)
{
	int v;

	s->stage = "eom";
	s->skip = 0;
	put_macros(s, SMFIC_BODYEOB, MAC_QID);
	pkt(s, SMFIC_BODYEOB);
	s->teob = now();
	if (flush(s) == -1 || (v = await(s, 1)) == -1)
		return -1;
	if (v == SMFIR_SKIP)
		return fail(s, 0, "reply 's' to eom");
	verdict(s, result_of(v), NULL);
	return 1;
}

/* optneg - negotiate version, actions and protocol flags */
static int
optneg(struct sess *s)
{
	uint32_t version, actions, stage;
	const char *p, *list;
	size_t len, at;
	int cmd;

	s->stage = "optneg";
	at = pkt_open(s, SMFIC_OPTNEG);
	put_u32(s, SMFI_PROT_VERSION);
	put_u32(s, SMFI_CURR_ACTS);
	put_u32(s, SMFI_CURR_PROT);
	pkt_close(s, at);
	if (flush(s) == -1 || read_packet(s, &cmd, &p, &len) == -1)
		return -1;
	if (cmd != SMFIC_OPTNEG || take_u32(&p, &len, &version) == -1 ||
	    take_u32(&p, &len, &actions) == -1 ||
	    take_u32(&p, &len, &s->pflags) == -1)
		return fail(s, 0, "malformed reply to optneg");
	if (version < 2 || version > SMFI_PROT_VERSION)
		return fail(s, 0, "milter protocol version %lu unsupported",
		    (unsigned long)version);
	if (actions & ~(uint32_t)SMFI_CURR_ACTS)
		return fail(s, 0, "milter wants actions 0x%lx not offered",
		    (unsigned long)actions);
	s->pflags &= SMFI_CURR_PROT;
	/* Macro lists the milter wants: we send ours regardless. */
	while (len > 0)
		if (take_u32(&p, &len, &stage) == -1 || stage >= MACRO_STAGES ||
		    take_str(&p, &len, &list) == -1)
			return fail(s, 0, "malformed macro list in optneg");
	return 0;
}

/* sess_connect - open the connection to the milter */
static int
sess_connect(struct sess *s)
{
	const struct amc_opts *o = s->o;
	struct timeval tv;
	int one = 1, fl;

	s->stage = "connect";
	if ((s->fd = socket(o->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) == -1)
		return fail(s, errno, "socket");
	/* SO_SNDTIMEO bounds a blocking connect(2) on Linux. */
	tv.tv_sec = (time_t)o->timeout;
	tv.tv_usec = (suseconds_t)((o->timeout - tv.tv_sec) * 1e6);
	(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s->fd, (const struct sockaddr *)&o->sa, o->salen) == -1)
		return fail(s, errno == EINPROGRESS || errno == EAGAIN ?
		    ETIMEDOUT : errno, "connect %s", o->sockspec);
	if (o->sa.ss_family != AF_UNIX && !o->pfwrites)
		(void)setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	if ((fl = fcntl(s->fd, F_GETFL)) == -1 ||
	    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return fail(s, errno, "fcntl");
	return 0;
}

/* sess_env - the session's envelope: file, then command line, defaults */
static void
sess_env(struct sess *s)
{
	const struct amc_env *f = &s->m->env, *d = &s->o->env;

	s->ip = f->client != NULL ? f->client : d->client;
	s->host = f->host != NULL ? f->host : d->host;
	if (s->host == NULL) {
		snprintf(s->hostbuf, sizeof(s->hostbuf), "[%s]", s->ip);
		s->host = s->hostbuf;
	}
	s->helo = f->helo != NULL ? f->helo : d->helo;
	s->from = f->from != NULL ? f->from : d->from;
	s->rcpt = f->nrcpt > 0 ? f->rcpt : d->rcpt;
	s->nrcpt = f->nrcpt > 0 ? f->nrcpt : d->nrcpt;
	snprintf(s->qid, sizeof(s->qid), "AM%lX", s->id);
}

/* quit - send QUIT and wait for the milter to close its end */
static int
quit(struct sess *s)
{
	double deadline;
	char junk[256];
	ssize_t n;

	/*
	 * libmilter drops a connection once it sees the hangup, even with
	 * commands still unread, and the tests want the milter done with
	 * the session (its log line written) when amclient moves on.
	 */
	s->stage = "quit";
	pkt(s, SMFIC_QUIT);
	if (flush(s) == -1)
		return -1;
	deadline = now() + s->o->timeout;
	for (;;) {
		n = read(s->fd, junk, sizeof(junk));
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (n > 0 || errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(s, errno, "read after quit");
		if (wait_fd(s, POLLIN, deadline) == -1)
			return -1;
	}
}

/* session - run session number id (from 1) and record how it went */
static void
session(struct sess *s, unsigned long id, struct amc_record *rec)
{
	int r;

	s->id = id;
	s->rec = rec;
	s->m = &s->o->msg[(id - 1) % s->o->nmsg];
	s->fd = -1;
	s->out.len = s->in.len = s->ioff = 0;
	s->pflags = 0;
	s->skip = s->closed = 0;
	s->teob = 0;
	rec->eom_ms = -1;
	sess_env(s);
	s->t0 = now();
	if ((r = sess_connect(s)) == 0 && (r = optneg(s)) == 0 &&
	    (r = envelope(s)) == 0 && (r = headers(s)) == 0 &&
	    (r = body(s)) == 0)
		r = eom(s);
	if (r == 1 && !s->closed)
		(void)quit(s);
	if (s->fd != -1)
		close(s->fd);
	rec->lat_ms = (s->tend - s->t0) * 1e3;
	if (r == 1 && s->teob > 0)
		rec->eom_ms = (s->tend - s->teob) * 1e3;
	if (s->o->verbose)
		fflush(stdout);
}

/* worker - run sessions until none is left */
static void *
worker(void *arg)
{
	struct run *run = arg;
	struct sess s;
	unsigned long id;

	memset(&s, 0, sizeof(s));
	s.o = run->o;
	for (;;) {
		pthread_mutex_lock(&run->lock);
		id = run->next < run->o->total ? ++run->next : 0;
		pthread_mutex_unlock(&run->lock);
		if (id == 0)
			break;
		session(&s, id, &run->rec[id - 1]);
	}
	free(s.out.p);
	free(s.in.p);
	free(s.text.p);
	return NULL;
}

/* run_all - run every session, -n at a time */
static void
run_all(const struct amc_opts *o, struct amc_record *rec)
{
	struct run run;
	pthread_t *tid;
	unsigned long i, n;
	int err;

	memset(&run, 0, sizeof(run));
	run.o = o;
	run.rec = rec;
	pthread_mutex_init(&run.lock, NULL);
	n = o->conc < o->total ? o->conc : o->total;
	tid = amc_xrealloc(NULL, n * sizeof(*tid));
	for (i = 0; i < n && n > 1; i++)
		if ((err = pthread_create(&tid[i], NULL, worker, &run)) != 0) {
			fprintf(stderr, "amclient: pthread_create: %s; "
			    "running %lu threads\n", strerror(err), i);
			break;
		}
	n = n > 1 ? i : 0;
	if (n == 0)
		worker(&run);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	pthread_mutex_destroy(&run.lock);
}

/* ------------------------------------------------------------ summary */

/* ---------------------------------------------------- command line */

/* main - run the sessions; exit 1 if any failed, 2 on a usage error */
int
main(int argc, char **argv)
{
	struct amc_opts o;
	struct amc_record *rec;
	unsigned long i, failed = 0;
	double t0;

	amc_parse_args(&o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	rec = amc_xrealloc(NULL, o.total * sizeof(*rec));
	memset(rec, 0, o.total * sizeof(*rec));
	t0 = now();
	run_all(&o, rec);
	if (!o.verbose)
		amc_summary(&o, rec, now() - t0);
	for (i = 0; i < o.total; i++)
		failed += rec[i].failed != 0;
	amc_free_opts(&o);
	free(rec);
	return failed > 0 ? 1 : 0;
}
