/*
 * amc_msgfile.c - the message files of amclient and smtpreplay
 *
 * A message file is an RFC 5322 message with LF or CR LF line ends.  It
 * may open with X-Amclient-Client, -Hostname, -Helo, -From, -Rcpt and
 * -Macro (NAME=VALUE) lines, which set that message's envelope and are
 * not sent as headers.  The header block ends at the first empty line or
 * at the first line that is neither a header nor a continuation line,
 * which then opens the body (as in Postfix's cleanup).  Read once, before
 * any session; errors exit with status 2.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amclient.h"

const char *amc_progname = "amclient";

/* amc_die - report a start-up error and exit with the usage status */
void
amc_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", amc_progname);
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
		fprintf(stderr, "%s: out of memory\n", amc_progname);
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

/* amc_valid_ip - whether s is an IPv4 or IPv6 literal */
int
amc_valid_ip(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET, s, &a) == 1 ||
	    inet_pton(AF_INET6, s, &a) == 1;
}

/* amc_split_macro - cut NAME=VALUE in place into a macro */
int
amc_split_macro(char *arg, struct amc_macro *mac)
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
	if (strcasecmp(key, "Client") == 0 && amc_valid_ip(val))
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
		if (amc_split_macro(val, &e->mac[e->nmac]) == -1)
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
			amc_die("%s: no colon in %s", m->path, p);
		*colon = '\0';
		for (val = colon + 1; *val == ' ' || *val == '\t'; val++)
			;
		while (e > val && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (env_line(&m->env, p + plen, val) == -1)
			amc_die("%s: bad line X-Amclient-%s: %s", m->path, p + plen,
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

/* amc_load_message - read and parse one .eml file, or exit */
void
amc_load_message(struct amc_message *m, const char *path)
{
	char *p, *end;
	size_t len;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (read_file(path, &m->raw, &len) == -1)
		amc_die("%s: %s", path, strerror(errno));
	p = m->raw;
	end = p + len;
	parse_env(m, &p, end);
	parse_headers(m, &p, end);
	load_body(m, p, end);
}

/* amc_free_message - release what amc_load_message allocated */
void
amc_free_message(struct amc_message *m)
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
