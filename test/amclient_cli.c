/*
 * amclient_cli.c - amclient's command line, message files and summary
 *
 * See amclient.h.  Everything here runs before the first session starts
 * or after the last one ends; start-up errors exit with status 2.
 *
 * A message file is an RFC 5322 message with LF or CR LF line ends.  It
 * may open with X-Amclient-Client, -Hostname, -Helo, -From, -Rcpt and
 * -Macro (NAME=VALUE) lines, which set that message's envelope and are
 * not sent as headers.  The header block ends at the first empty line or
 * at the first line that is neither a header nor a continuation line,
 * which then opens the body (as in Postfix's cleanup).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amclient.h"

#define MAX_THREADS	1024		/* cap on -n */
#define MAX_SESSIONS	10000000	/* cap on -N: a record each */

const char *const amc_result_names[AMC_NRESULTS] = {
	"accept", "continue", "reject", "tempfail", "discard", "reply",
	"shutdown", "connfail", "aborted", "disconnected"
};

static void	die(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* die - report a start-up error and exit with the usage status */
static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "amclient: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* amc_xrealloc - realloc or exit: a test tool has no use for less memory */
void *
amc_xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL) {
		fprintf(stderr, "amclient: out of memory\n");
		exit(1);
	}
	return p;
}

/* xstrndup - copy n bytes into a new NUL-terminated string */
static char *
xstrndup(const char *s, size_t n)
{
	char *p = amc_xrealloc(NULL, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* valid_ip - whether s is an IPv4 or IPv6 literal */
static int
valid_ip(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET, s, &a) == 1 ||
	    inet_pton(AF_INET6, s, &a) == 1;
}

/* split_macro - cut NAME=VALUE in place into a macro */
static int
split_macro(char *arg, struct amc_macro *mac)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		return -1;
	*eq = '\0';
	mac->name = arg;
	mac->value = eq + 1;
	return 0;
}

/* mac_same - whether two macro names are one: "i" and "{i}" are */
static int
mac_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == 3 && a[0] == '{' && a[2] == '}') {
		a++;
		la = 1;
	}
	if (lb == 3 && b[0] == '{' && b[2] == '}') {
		b++;
		lb = 1;
	}
	return la == lb && memcmp(a, b, la) == 0;
}

/* amc_mac_find - whether a macro list defines name */
int
amc_mac_find(const struct amc_macro *mac, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mac_same(mac[i].name, name))
			return 1;
	return 0;
}

/* read_file - the whole file, NUL-terminated */
static int
read_file(const char *path, char **out, size_t *outlen)
{
	size_t len = 0, cap = 65536;
	char *p = NULL;
	ssize_t n;
	int fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if (p == NULL || cap - len < 4096)
			p = amc_xrealloc(p, cap *= 2);
		if ((n = read(fd, p + len, cap - len - 1)) == 0)
			break;
		if (n > 0)
			len += n;
		else if (errno != EINTR) {
			err = errno;
			close(fd);
			free(p);
			errno = err;
			return -1;
		}
	}
	close(fd);
	p[len] = '\0';
	*out = p;
	*outlen = len;
	return 0;
}

/* line_end - end of the line at p, before its CR LF; *next: the next line */
static char *
line_end(char *p, char *end, char **next)
{
	char *nl = memchr(p, '\n', end - p);
	char *e = nl != NULL ? nl : end;

	*next = nl != NULL ? nl + 1 : end;
	if (e > p && e[-1] == '\r')
		e--;
	return e;
}

/* env_line - apply one X-Amclient-KEY: VALUE line to a message */
static int
env_line(struct amc_env *e, const char *key, char *val)
{
	if (strcasecmp(key, "Client") == 0 && valid_ip(val))
		e->client = val;
	else if (strcasecmp(key, "Hostname") == 0)
		e->host = val;
	else if (strcasecmp(key, "Helo") == 0)
		e->helo = val;
	else if (strcasecmp(key, "From") == 0)
		e->from = val;
	else if (strcasecmp(key, "Rcpt") == 0) {
		e->rcpt = amc_xrealloc(e->rcpt,
		    (e->nrcpt + 1) * sizeof(*e->rcpt));
		e->rcpt[e->nrcpt++] = val;
	} else if (strcasecmp(key, "Macro") == 0) {
		e->mac = amc_xrealloc(e->mac, (e->nmac + 1) * sizeof(*e->mac));
		if (split_macro(val, &e->mac[e->nmac]) == -1)
			return -1;
		e->nmac++;
	} else
		return -1;
	return 0;
}

/* parse_env - the X-Amclient-* lines that open a message */
static void
parse_env(struct amc_message *m, char **pp, char *end)
{
	char *p = *pp, *e, *next, *colon, *val;
	const size_t plen = sizeof("X-Amclient-") - 1;

	while ((size_t)(end - p) > plen &&
	    strncasecmp(p, "X-Amclient-", plen) == 0) {
		e = line_end(p, end, &next);
		*e = '\0';
		if ((colon = strchr(p + plen, ':')) == NULL)
			die("%s: no colon in %s", m->path, p);
		*colon = '\0';
		for (val = colon + 1; *val == ' ' || *val == '\t'; val++)
			;
		while (e > val && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (env_line(&m->env, p + plen, val) == -1)
			die("%s: bad line X-Amclient-%s: %s", m->path, p + plen,
			    val);
		p = next;
	}
	*pp = p;
}

/* header_name - length of the name if the line is "name[ \t]*:" */
static size_t
header_name(const char *p, const char *e)
{
	const char *q = p;
	size_t n;

	while (q < e && *q > ' ' && *q < 127 && *q != ':')
		q++;
	n = q - p;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	return q < e && *q == ':' ? n : 0;
}

/* header_fold - append a continuation line to a header value */
static void
header_fold(struct amc_header *h, const char *p, size_t n)
{
	size_t len = strlen(h->value);

	h->value = amc_xrealloc(h->value, len + 1 + n + 1);
	h->value[len] = '\n';
	memcpy(h->value + len + 1, p, n);
	h->value[len + 1 + n] = '\0';
}

/* parse_headers - the header block, up to the blank line or a non-header */
static void
parse_headers(struct amc_message *m, char **pp, char *end)
{
	char *p = *pp, *e, *next, *colon;
	struct amc_header *h;
	size_t n;

	while (p < end) {
		e = line_end(p, end, &next);
		if (e == p) {
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (m->nhdr == 0)
				break;
			header_fold(&m->hdr[m->nhdr - 1], p, e - p);
		} else if ((n = header_name(p, e)) > 0) {
			m->hdr = amc_xrealloc(m->hdr,
			    (m->nhdr + 1) * sizeof(*h));
			h = &m->hdr[m->nhdr++];
			colon = memchr(p, ':', e - p);
			h->name = xstrndup(p, n);
			h->value = xstrndup(colon + 1, e - colon - 1);
		} else
			break;
		p = next;
	}
	*pp = p;
}

/* load_body - the body with every line ending in CR LF */
static void
load_body(struct amc_message *m, char *p, char *end)
{
	char *e, *next, *q;

	m->body = q = amc_xrealloc(NULL, 2 * (size_t)(end - p) + 3);
	while (p < end) {
		e = line_end(p, end, &next);
		memcpy(q, p, e - p);
		q += e - p;
		*q++ = '\r';
		*q++ = '\n';
		p = next;
	}
	m->bodylen = q - m->body;
}

/* load_message - read and parse one .eml file, or exit */
static void
load_message(struct amc_message *m, const char *path)
{
	char *p, *end;
	size_t len;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (read_file(path, &m->raw, &len) == -1)
		die("%s: %s", path, strerror(errno));
	p = m->raw;
	end = p + len;
	parse_env(m, &p, end);
	parse_headers(m, &p, end);
	load_body(m, p, end);
}

/* free_message - release what load_message allocated */
static void
free_message(struct amc_message *m)
{
	size_t i;

	for (i = 0; i < m->nhdr; i++) {
		free(m->hdr[i].name);
		free(m->hdr[i].value);
	}
	free(m->hdr);
	free(m->env.rcpt);
	free(m->env.mac);
	free(m->body);
	free(m->raw);
}

/* cmp_double - qsort order for doubles */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* pct_line - one latency line: nearest-rank p50, p90, p99 and max */
static void
pct_line(const char *label, double *v, size_t n)
{
	static const int pct[] = { 50, 90, 99 };
	size_t i;

	printf("%s", label);
	if (n == 0) {
		printf("  none\n");
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		printf("  p%d %.2f", pct[i], v[(n * pct[i] + 99) / 100 - 1]);
	printf("  max %.2f\n", v[n - 1]);
}

/* amc_summary - the table printed with -q or -n > 1 */
void
amc_summary(const struct amc_opts *o, const struct amc_record *rec,
    double elapsed)
{
	unsigned long cnt[AMC_NRESULTS] = { 0 }, ok = 0, i;
	double *lat = amc_xrealloc(NULL, o->total * sizeof(double));
	double *eomlat = amc_xrealloc(NULL, o->total * sizeof(double));
	size_t nlat = 0, neom = 0;
	int r;

	for (i = 0; i < o->total; i++) {
		if (rec[i].failed)
			continue;
		ok++;
		cnt[rec[i].result]++;
		lat[nlat++] = rec[i].lat_ms;
		if (rec[i].eom_ms >= 0)
			eomlat[neom++] = rec[i].eom_ms;
	}
	printf("sessions %lu  ok %lu  failed %lu\n", o->total, ok,
	    o->total - ok);
	printf("results");
	for (r = 0; r < AMC_NRESULTS; r++)
		printf(" %s=%lu", amc_result_names[r], cnt[r]);
	printf("\nelapsed %.2f s  rate %.1f msg/s\n", elapsed,
	    elapsed > 0 ? ok / elapsed : 0.0);
	pct_line("session latency ms", lat, nlat);
	pct_line("eom latency ms    ", eomlat, neom);
	free(lat);
	free(eomlat);
}

/* usage - print the synopsis and exit */
static void
usage(void)
{
	fprintf(stderr, "usage: amclient -s SOCKET [-c CLIENT_IP] "
	    "[-H CLIENT_HOSTNAME] [-e HELO]\n"
	    "\t[-f MAILFROM] [-r RCPT]... [-m NAME=VALUE]... "
	    "[-n CONCURRENCY]\n"
	    "\t[-N TOTAL_SESSIONS] [-t TIMEOUT_SEC] [-A BYTES] [-D BYTES] "
	    "[-P] [-q]\n\tMESSAGE.eml...\n"
	    "SOCKET is unix:/path or inet:PORT@HOST\n");
	exit(2);
}

/* number - a decimal integer in [min, max] for option opt, or exit */
static unsigned long long
number(const char *arg, unsigned long long min, unsigned long long max,
    int opt)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v < min || v > max)
		die("-%c %s: want a number from %llu to %llu", opt, arg, min,
		    max);
	return v;
}

/* parse_inet - inet:PORT@HOST, HOST an address literal or localhost */
static int
parse_inet(struct amc_opts *o, const char *spec)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->sa;
	char host[64], *end;
	const char *at;
	unsigned long port;
	size_t n;

	port = strtoul(spec, &end, 10);
	if (end == spec || *end != '@' || port == 0 || port > 65535)
		return -1;
	at = end + 1;
	if (*at == '[')
		at++;
	if ((n = strlen(at)) == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, at, n + 1);
	if (host[n - 1] == ']')
		host[n - 1] = '\0';
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		o->salen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		o->salen = sizeof(*sin6);
	} else
		return -1;
	return 0;
}

/* parse_socket - unix:/path or inet:PORT@HOST into o->sa */
static void
parse_socket(struct amc_opts *o, const char *spec)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&o->sa;
	const char *path;

	o->sockspec = spec;
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		path = strchr(spec, ':') + 1;
		if (*path == '\0' || strlen(path) >= sizeof(sun->sun_path))
			die("-s %s: bad socket path", spec);
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		o->salen = sizeof(*sun);
	} else if ((strncmp(spec, "inet:", 5) == 0 &&
	    parse_inet(o, spec + 5) == 0) ||
	    (strncmp(spec, "inet6:", 6) == 0 && parse_inet(o, spec + 6) == 0))
		return;
	else
		die("-s %s: want unix:/path or inet:PORT@HOST", spec);
}

/* option - apply one command-line option */
static void
option(struct amc_opts *o, int ch, char *arg)
{
	struct amc_env *e = &o->env;
	char *end;

	switch (ch) {
	case 'A':
	case 'D':
		*(ch == 'A' ? &o->abort_at : &o->disc_at) =
		    number(arg, 0, LLONG_MAX, ch);
		break;
	case 'c':
		/* "unknown": a client with no IP address (family 'U') */
		if (strcmp(arg, "unknown") != 0 && !valid_ip(arg))
			die("-c %s: want an IP address or \"unknown\"", arg);
		e->client = arg;
		break;
	case 'e':
		e->helo = arg;
		break;
	case 'f':
		e->from = arg;
		break;
	case 'H':
		e->host = arg;
		break;
	case 'm':
		if (split_macro(arg, &e->mac[e->nmac++]) == -1)
			die("-m %s: want NAME=VALUE", arg);
		break;
	case 'N':
		o->total = number(arg, 1, MAX_SESSIONS, ch);
		break;
	case 'n':
		o->conc = number(arg, 1, MAX_THREADS, ch);
		break;
	case 'P':
		o->pfwrites = 1;
		break;
	case 'q':
		o->verbose = -1;
		break;
	case 'r':
		e->rcpt[e->nrcpt++] = arg;
		break;
	case 's':
		parse_socket(o, arg);
		break;
	case 't':
		o->timeout = strtod(arg, &end);
		if (*end != '\0' || !(o->timeout > 0 && o->timeout <= 86400))
			die("-t %s: want seconds, up to 86400", arg);
		break;
	default:
		usage();
	}
}

/* amc_parse_args - the command line and the message files, or exit 2 */
void
amc_parse_args(struct amc_opts *o, int argc, char **argv)
{
	struct amc_env *e = &o->env;
	size_t i;
	int ch;

	memset(o, 0, sizeof(*o));
	e->client = "192.0.2.1";
	e->helo = "client.example";
	e->from = "sender@example.com";
	e->rcpt = amc_xrealloc(NULL, argc * sizeof(*e->rcpt));
	e->mac = amc_xrealloc(NULL, argc * sizeof(*e->mac));
	o->conc = 1;
	o->timeout = 60;
	o->abort_at = o->disc_at = -1;
	while ((ch = getopt(argc, argv, "A:c:D:e:f:H:m:N:n:Pqr:s:t:")) != -1)
		option(o, ch, optarg);
	if (o->sockspec == NULL || optind >= argc)
		usage();
	if (e->nrcpt == 0)
		e->rcpt[e->nrcpt++] = "rcpt@example.net";
	o->verbose = o->verbose == 0 && o->conc == 1;
	o->nmsg = argc - optind;
	o->msg = amc_xrealloc(NULL, o->nmsg * sizeof(*o->msg));
	for (i = 0; i < o->nmsg; i++)
		load_message(&o->msg[i], argv[optind + i]);
	if (o->total == 0)
		o->total = o->nmsg;
}

/* amc_free_opts - release what amc_parse_args allocated */
void
amc_free_opts(struct amc_opts *o)
{
	size_t i;

	for (i = 0; i < o->nmsg; i++)
		free_message(&o->msg[i]);
	free(o->msg);
	free(o->env.rcpt);
	free(o->env.mac);
}
