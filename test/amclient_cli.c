/*
 * amclient_cli.c - amclient's command line and summary
 *
 * See amclient.h.  Everything here runs before the first session starts
 * or after the last one ends; start-up errors exit with status 2.  The
 * message files are read by amc_msgfile.c.
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
		amc_die("-%c %s: want a number from %llu to %llu", opt, arg, min,
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
			amc_die("-s %s: bad socket path", spec);
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		o->salen = sizeof(*sun);
	} else if ((strncmp(spec, "inet:", 5) == 0 &&
	    parse_inet(o, spec + 5) == 0) ||
	    (strncmp(spec, "inet6:", 6) == 0 && parse_inet(o, spec + 6) == 0))
		return;
	else
		amc_die("-s %s: want unix:/path or inet:PORT@HOST", spec);
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
		if (strcmp(arg, "unknown") != 0 && !amc_valid_ip(arg))
			amc_die("-c %s: want an IP address or \"unknown\"", arg);
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
		if (amc_split_macro(arg, &e->mac[e->nmac++]) == -1)
			amc_die("-m %s: want NAME=VALUE", arg);
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
			amc_die("-t %s: want seconds, up to 86400", arg);
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
		amc_load_message(&o->msg[i], argv[optind + i]);
	if (o->total == 0)
		o->total = o->nmsg;
}

/* amc_free_opts - release what amc_parse_args allocated */
void
amc_free_opts(struct amc_opts *o)
{
	size_t i;

	for (i = 0; i < o->nmsg; i++)
		amc_free_message(&o->msg[i]);
	free(o->msg);
	free(o->env.rcpt);
	free(o->env.mac);
}
