/*
 * smtpreplay.c - replay a message corpus over SMTP and time each session
 *
 * usage: smtpreplay -s HOST:PORT [-n CONCURRENCY] [-N TOTAL] [-x]
 *	    [-t TIMEOUT_SEC] [-r RCPT]... [-o LATFILE] MESSAGE.eml...
 *
 * The benchmark's SMTP client.  CONCURRENCY threads (default 1) take the
 * files round-robin until TOTAL sessions (default: one per file) are done,
 * one plain SMTP session per message as from many clients: greeting,
 * XCLIENT with -x (Postfix answers it with a new 220), EHLO, MAIL, RCPT,
 * DATA, the message, QUIT.  One command, one reply (no PIPELINING), no
 * TCP_NODELAY; -t (default 30) bounds each read of a reply and each write.
 *
 * A file opens with amclient's envelope lines, read by the same code
 * (test/amc_msgfile.c) and not sent: X-Amclient-Client (an IP literal),
 * -Hostname, -Helo, -From, -Rcpt (repeatable), -Macro (ignored here).
 * Defaults: 192.0.2.1, [UNAVAILABLE], client.example, sender@example.com;
 * recipients from -r, else the file, else rcpt@bench.test.  The rest is
 * loaded once as DATA content: CR LF line ends, dot-stuffed, then ".".
 *
 * A session is accepted, tempfail or rejected by its reply after the dot
 * (2xx, 4xx, 5xx) or by the 4xx/5xx reply that ended it earlier; it failed
 * on a connection error, a timeout or a protocol error (the first few are
 * printed to standard error).  Standard output gets one line:
 *   sessions= accepted= tempfail= rejected= failed= elapsed_s= msg_per_s=
 *   p50_ms= p99_ms= dot_p50_ms= dot_p99_ms=
 * msg_per_s counts the sessions that did not fail; latency runs from
 * connect to the final reply, dot latency from the end of the dot to it
 * (nearest-rank percentiles, "-1" if none).  -o LATFILE gets one line per
 * session: index TAB latency_ms TAB dot_ms TAB code (-1, -1, 0 if it
 * failed; dot_ms -1 if it ended before the dot).  Exit 0, 1 if a session
 * failed, 2 on a usage or start-up error.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amclient.h"

#define MAX_THREADS	1024
#define MAX_TOTAL	10000000	/* a record each */
#define MAX_ERRORS	10		/* failures printed */
#define LINE_MAX_SMTP	2048		/* RFC 5321 4.5.3.1.5 says 512 */

struct msg {
	struct amc_message am;		/* the file, as amclient reads it */
	char		*data;		/* CR LF, dot-stuffed, ".\r\n" */
	size_t		 datalen;
};

struct rec {
	double		 lat_ms, dot_ms;	/* -1: none */
	int		 code;			/* final reply; 0: failed */
};

struct sess {
	int		 fd;
	double		 deadline;	/* of the current read or write */
	char		 stage[16];	/* for error messages */
	char		 rbuf[LINE_MAX_SMTP];
	size_t		 roff, rlen;
	char		 last[LINE_MAX_SMTP];	/* last reply line */
	char		 err[LINE_MAX_SMTP + 64];
};

static struct addrinfo *server;
static struct msg *msgs;
static size_t nmsgs, nrcpts;
static const char **rcpts;		/* -r */
static struct rec *recs;
static unsigned long total, next_idx, nerrors;
static double timeout_s = 30;
static int xclient;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

#define die	amc_die
#define xrealloc amc_xrealloc

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* put_line - LEN bytes at P and CR LF to Q, dot-stuffed; the end */
static char *
put_line(char *q, const char *p, size_t len)
{
	if (len > 0 && *p == '.')
		*q++ = '.';
	memcpy(q, p, len);
	q += len;
	*q++ = '\r';
	*q++ = '\n';
	return q;
}

/*
 * load_message - read a file (amc_load_message: envelope lines, headers,
 * body with CR LF) and make its DATA content: the headers as they were
 * (folds kept), the empty line, the body, dot-stuffed, then "."
 */
static void
load_message(struct msg *m, const char *path)
{
	const struct amc_header *h;
	size_t i, size = 8;
	const char *v, *nl, *p, *end;
	char *q;

	memset(m, 0, sizeof(*m));
	amc_load_message(&m->am, path);
	for (i = 0; i < m->am.nhdr; i++)	/* ":", CR LF per fold */
		size += 2 * (strlen(m->am.hdr[i].name) +
		    strlen(m->am.hdr[i].value)) + 4;
	size += 2 * m->am.bodylen;
	m->data = q = xrealloc(NULL, size);
	for (i = 0; i < m->am.nhdr; i++) {
		h = &m->am.hdr[i];
		q += sprintf(q, "%s:", h->name);
		for (v = h->value; (nl = strchr(v, '\n')) != NULL; v = nl + 1)
			q = put_line(q, v, nl - v);
		q = put_line(q, v, strlen(v));
	}
	q = put_line(q, "", 0);
	end = m->am.body + m->am.bodylen;
	/* amc_load_message ends every body line in CR LF */
	for (p = m->am.body; p < end &&
	    (nl = memchr(p, '\n', end - p)) != NULL; p = nl + 1)
		q = put_line(q, p, nl - p - (nl > p && nl[-1] == '\r'));
	memcpy(q, ".\r\n", 3);
	m->datalen = q + 3 - m->data;
}

/* fail - note why the session failed, after its stage; returns -1 */
static int __attribute__((format(printf, 2, 3)))
fail(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->err, sizeof(s->err), "%s: ", s->stage);
	va_start(ap, fmt);
	vsnprintf(s->err + n, sizeof(s->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* wait_fd - poll for events until the deadline */
static int
wait_fd(struct sess *s, short events)
{
	struct pollfd pfd = { .fd = s->fd, .events = events };
	double left;
	int n;

	for (;;) {
		if ((left = s->deadline - now()) <= 0)
			return fail(s, "timeout");
		if ((n = poll(&pfd, 1, (int)(left * 1000) + 1)) > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return fail(s, "poll: %s", strerror(errno));
	}
}

/* send_all - write (p, len) within the timeout */
static int
send_all(struct sess *s, const char *p, size_t len)
{
	ssize_t n;

	s->deadline = now() + timeout_s;
	while (len > 0) {
		if ((n = send(s->fd, p, len, MSG_NOSIGNAL)) > 0) {
			p += n;
			len -= n;
		} else if (n == -1 && errno != EAGAIN && errno != EINTR)
			return fail(s, "send: %s", strerror(errno));
		else if (wait_fd(s, POLLOUT) == -1)
			return -1;
	}
	return 0;
}

/* reply - read a reply of one or more lines; its code, or -1 */
static int
reply(struct sess *s)
{
	char *l, *nl;
	ssize_t n;
	int code = -1, more = 1;

	s->deadline = now() + timeout_s;
	while (more) {
		l = s->rbuf + s->roff;
		if ((nl = memchr(l, '\n', s->rlen - s->roff)) == NULL) {
			memmove(s->rbuf, l, s->rlen -= s->roff);
			s->roff = 0;
			if (s->rlen == sizeof(s->rbuf))
				return fail(s, "reply line too long");
			if (wait_fd(s, POLLIN) == -1)
				return -1;
			n = recv(s->fd, s->rbuf + s->rlen,
			    sizeof(s->rbuf) - s->rlen, 0);
			if (n == 0)
				return fail(s, "connection closed by server");
			if (n > 0)
				s->rlen += n;
			else if (errno != EAGAIN && errno != EINTR)
				return fail(s, "recv: %s", strerror(errno));
			continue;
		}
		s->roff = nl + 1 - s->rbuf;
		*(nl > l && nl[-1] == '\r' ? nl - 1 : nl) = '\0';
		if (l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
		    l[2] < '0' || l[2] > '9' || (l[3] != ' ' && l[3] != '-' &&
		    l[3] != '\0') || (code != -1 && atoi(l) != code))
			return fail(s, "bad reply line: %.200s", l);
		code = atoi(l);
		more = l[3] == '-';
		snprintf(s->last, sizeof(s->last), "%s", l);
	}
	return code;
}

/* command - send one command line, read its reply; the code, or -1 */
static int __attribute__((format(printf, 2, 3)))
command(struct sess *s, const char *fmt, ...)
{
	char buf[LINE_MAX_SMTP];
	va_list ap;
	size_t i;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	for (i = 0; i < sizeof(s->stage) - 1 && buf[i] > ' '; i++)
		s->stage[i] = buf[i];
	s->stage[i] = '\0';
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		return fail(s, "command too long");
	memcpy(buf + n, "\r\n", 2);
	return send_all(s, buf, n + 2) == -1 ? -1 : reply(s);
}

/* addr_command - MAIL FROM or RCPT TO, the address in angle brackets */
static int
addr_command(struct sess *s, const char *verb, const char *a)
{
	return *a == '<' ? command(s, "%s:%s", verb, a) :
	    command(s, "%s:<%s>", verb, a);
}

/* xtext - v in RFC 3461 xtext, as XCLIENT wants its values */
static char *
xtext(char *out, size_t size, const char *v)
{
	size_t o = 0;

	for (; *v != '\0' && o + 4 < size; v++)
		if (*v < '!' || *v > '~' || *v == '+' || *v == '=')
			o += snprintf(out + o, 4, "+%02X", (unsigned char)*v);
		else
			out[o++] = *v;
	out[o] = '\0';
	return out;
}

/* sconnect - a non-blocking connection to the server */
static int
sconnect(struct sess *s)
{
	socklen_t len = sizeof(int);
	int err;

	snprintf(s->stage, sizeof(s->stage), "connect");
	s->deadline = now() + timeout_s;
	if ((s->fd = socket(server->ai_family, server->ai_socktype |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, server->ai_protocol)) == -1)
		return fail(s, "socket: %s", strerror(errno));
	if (connect(s->fd, server->ai_addr, server->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return fail(s, "%s", strerror(errno));
	if (wait_fd(s, POLLOUT) == -1)
		return -1;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	return err != 0 ? fail(s, "%s", strerror(err)) : 0;
}

/* ok - whether the dialogue goes on after code: 0 yes, 1 ended, -1 error */
static int
ok(struct sess *s, int code, int want)
{
	if (code == -1)
		return -1;
	if (code == want || (want == 2 && code / 100 == 2))
		return 0;
	if (code / 100 == 4 || code / 100 == 5)
		return 1;
	return fail(s, "unexpected reply: %.200s", s->last);
}

/* dialogue - one SMTP transaction; the final reply code, or -1 */
static int
dialogue(struct sess *s, const struct msg *m, double *tdot)
{
	const struct amc_env *env = &m->am.env;
	const char *ip = env->client ? env->client : "192.0.2.1";
	const char *helo = env->helo ? env->helo : "client.example";
	const char **rcpt = nrcpts ? rcpts : env->rcpt;
	size_t i, n = nrcpts ? nrcpts : env->nrcpt;
	char x1[256], x2[1024], x3[1024];
	int code, r, nok = 0;

	snprintf(s->stage, sizeof(s->stage), "greeting");
	if ((r = ok(s, code = reply(s), 220)) != 0)
		return r == 1 ? code : -1;
	if (xclient && (code = command(s, "XCLIENT ADDR=%s%s NAME=%s HELO=%s",
	    strchr(ip, ':') ? "IPV6:" : "", xtext(x1, sizeof(x1), ip),
	    xtext(x2, sizeof(x2), env->host ? env->host :
	    "[UNAVAILABLE]"),
	    xtext(x3, sizeof(x3), helo))) != 220)
		return code == -1 ? -1 : fail(s, "refused: %.200s", s->last);
	if ((r = ok(s, code = command(s, "EHLO %s", helo), 2)) != 0 ||
	    (r = ok(s, code = addr_command(s, "MAIL FROM", env->from ?
	    env->from : "sender@example.com"), 2)) != 0)
		return r == 1 ? code : -1;
	for (i = 0; i < (n ? n : 1); i++) {
		if ((r = ok(s, code = addr_command(s, "RCPT TO", n ? rcpt[i] :
		    "rcpt@bench.test"), 2)) == -1)
			return -1;
		nok += r == 0;
	}
	if (nok == 0)
		return code;
	if ((r = ok(s, code = command(s, "DATA"), 354)) != 0)
		return r == 1 ? code : -1;
	snprintf(s->stage, sizeof(s->stage), "message");
	if (send_all(s, m->data, m->datalen) == -1)
		return -1;
	*tdot = now();
	snprintf(s->stage, sizeof(s->stage), "after the dot");
	return ok(s, code = reply(s), 2) == -1 ? -1 : code;
}

/* session - run session idx and record how it went */
static void
session(unsigned long idx)
{
	const struct msg *m = &msgs[idx % nmsgs];
	struct rec *rc = &recs[idx];
	struct sess s;
	double t0 = now(), tdot = -1, t;
	int code;

	memset(&s, 0, sizeof(s));
	s.fd = -1;
	rc->lat_ms = rc->dot_ms = -1;
	if ((code = sconnect(&s)) == 0)
		code = dialogue(&s, m, &tdot);
	if (code > 0) {
		t = now();
		rc->lat_ms = (t - t0) * 1000;
		if (tdot >= 0)
			rc->dot_ms = (t - tdot) * 1000;
		rc->code = code;
		/* the verdict is in: whatever QUIT gets does not change it */
		(void)command(&s, "QUIT");
	} else {
		pthread_mutex_lock(&lock);
		if (nerrors++ < MAX_ERRORS)
			fprintf(stderr, "smtpreplay: session %lu (%s): %s\n",
			    idx, m->am.path, s.err);
		pthread_mutex_unlock(&lock);
	}
	if (s.fd != -1)
		close(s.fd);
}

/* worker - run the next session until there are none left */
static void *
worker(void *arg)
{
	unsigned long idx;

	for (;;) {
		pthread_mutex_lock(&lock);
		idx = next_idx < total ? next_idx++ : total;
		pthread_mutex_unlock(&lock);
		if (idx == total)
			return arg;
		session(idx);
	}
}

/* cmp_double - qsort order for doubles */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* pct - nearest-rank percentile p of v[n], sorted; -1 if n is 0 */
static double
pct(const double *v, size_t n, unsigned p)
{
	size_t k = (n * p + 99) / 100;

	return n == 0 ? -1 : v[k > 0 ? k - 1 : 0];
}

/* summary - the result line, and the per-session file */
static void
summary(const char *latfile, double elapsed)
{
	unsigned long cnt[6] = { 0 }, i;
	double *lat = xrealloc(NULL, total * sizeof(double));
	double *dot = xrealloc(NULL, total * sizeof(double));
	size_t nlat = 0, ndot = 0;
	FILE *fp;

	for (i = 0; i < total; i++) {
		cnt[recs[i].code / 100]++;
		if (recs[i].lat_ms >= 0)
			lat[nlat++] = recs[i].lat_ms;
		if (recs[i].dot_ms >= 0)
			dot[ndot++] = recs[i].dot_ms;
	}
	qsort(lat, nlat, sizeof(double), cmp_double);
	qsort(dot, ndot, sizeof(double), cmp_double);
	printf("sessions=%lu accepted=%lu tempfail=%lu rejected=%lu failed=%lu"
	    " elapsed_s=%.3f msg_per_s=%.1f p50_ms=%.3f p99_ms=%.3f"
	    " dot_p50_ms=%.3f dot_p99_ms=%.3f\n", total, cnt[2], cnt[4],
	    cnt[5], cnt[0], elapsed, elapsed > 0 ? (total - cnt[0]) /
	    elapsed : 0, pct(lat, nlat, 50), pct(lat, nlat, 99),
	    pct(dot, ndot, 50), pct(dot, ndot, 99));
	if (fflush(stdout) == EOF)
		die("stdout: %s", strerror(errno));
	if (latfile != NULL) {
		if ((fp = fopen(latfile, "w")) == NULL)
			die("%s: %s", latfile, strerror(errno));
		for (i = 0; i < total; i++)
			fprintf(fp, "%lu\t%.3f\t%.3f\t%d\n", i, recs[i].lat_ms,
			    recs[i].dot_ms, recs[i].code);
		if (fclose(fp) == EOF)
			die("%s: %s", latfile, strerror(errno));
	}
	free(lat);
	free(dot);
}

/* number - a decimal in [min, max] for option opt, or exit 2 */
static unsigned long
number(const char *arg, unsigned long min, unsigned long max, int opt)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v < min || v > max)
		die("-%c %s: want a number from %lu to %lu", opt, arg, min, max);
	return v;
}

/* resolve - HOST:PORT or [HOST]:PORT into the server address, or exit */
static void
resolve(char *spec)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	char *host = spec, *port = strrchr(spec, ':');
	int e;

	if (port == NULL || port == spec || port[1] == '\0')
		die("-s %s: want HOST:PORT", spec);
	*port++ = '\0';
	if (*host == '[' && port[-2] == ']') {
		host++;
		port[-2] = '\0';
	}
	if ((e = getaddrinfo(host, port, &hints, &server)) != 0)
		die("-s %s:%s: %s", host, port, gai_strerror(e));
}

/* usage - print the synopsis and exit 2 */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: smtpreplay -s HOST:PORT [-n CONCURRENCY] "
	    "[-N TOTAL] [-x] [-t TIMEOUT_SEC]\n"
	    "\t[-r RCPT]... [-o LATFILE] MESSAGE.eml...\n");
	exit(2);
}

/* main - parse the command line, load the corpus, run, report */
int
main(int argc, char **argv)
{
	const char *latfile = NULL;
	char *spec = NULL, *end;
	unsigned long conc = 1, i;
	pthread_t *tid;
	double t0;
	int ch, e;

	amc_progname = "smtpreplay";
	while ((ch = getopt(argc, argv, "n:N:o:r:s:t:x")) != -1) {
		switch (ch) {
		case 'n':
			conc = number(optarg, 1, MAX_THREADS, ch);
			break;
		case 'N':
			total = number(optarg, 1, MAX_TOTAL, ch);
			break;
		case 'o':
			latfile = optarg;
			break;
		case 'r':
			rcpts = xrealloc(rcpts, (nrcpts + 1) * sizeof(*rcpts));
			rcpts[nrcpts++] = optarg;
			break;
		case 's':
			spec = optarg;
			break;
		case 't':
			timeout_s = strtod(optarg, &end);
			if (*end != '\0' || !(timeout_s > 0 &&
			    timeout_s <= 86400))
				die("-t %s: want seconds, up to 86400", optarg);
			break;
		case 'x':
			xclient = 1;
			break;
		default:
			usage();
		}
	}
	if (spec == NULL || optind >= argc)
		usage();
	resolve(spec);
	nmsgs = argc - optind;
	msgs = xrealloc(NULL, nmsgs * sizeof(*msgs));
	for (i = 0; i < nmsgs; i++)
		load_message(&msgs[i], argv[optind + i]);
	if (total == 0)
		total = nmsgs;
	if (conc > total)
		conc = total;
	recs = xrealloc(NULL, total * sizeof(*recs));
	memset(recs, 0, total * sizeof(*recs));
	tid = xrealloc(NULL, conc * sizeof(*tid));
	t0 = now();
	for (i = 0; i < conc; i++)
		if ((e = pthread_create(&tid[i], NULL, worker, NULL)) != 0)
			die("pthread_create: %s", strerror(e));
	for (i = 0; i < conc; i++)
		pthread_join(tid[i], NULL);
	summary(latfile, now() - t0);
	for (i = 0; i < nmsgs; i++) {
		amc_free_message(&msgs[i].am);
		free(msgs[i].data);
	}
	free(msgs);
	free(rcpts);
	free(recs);
	free(tid);
	freeaddrinfo(server);
	return nerrors > 0;
}
