/*
 * config.c - the configuration table, its parser and the live config
 *
 * One row of keys[] per configuration key drives everything: parsing a
 * file, the defaults (each row's default is text, parsed exactly like a
 * value from the file), the duplicate check, freeing, the DNS comparison
 * made on reload, and config_key_name().  See config.h for the contract.
 *
 * Value syntax decided here (and documented in authmilter.conf(5)):
 *   - a string may be written in double quotes, which are removed; `""'
 *     or nothing at all after the key is the empty string, accepted only
 *     by the keys that allow it (SocketGroup, PidFile, DNSTrustAnchorFile);
 *   - an unquoted string must not contain white space, so that a trailing
 *     "# comment" (not supported) is an error rather than part of a path;
 *   - "InternalHosts none" is the empty list;
 *   - line-list items are stored with runs of white space made one space.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "caps.h"
#include "config.h"

#ifndef RUNDIR
#define RUNDIR		"/run/authmilter"
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define OFF(f)		offsetof(struct config, f)
#define BLANKS		" \t\r\n"
#define ERRLEN		512	/* one problem: the size of every ERR buffer */
#define MSGLEN		1024	/* one whole report line */
#define QUOTELEN	64	/* the part of a value quoted in a message */

enum ktype {
	T_STRING,	/* char * */
	T_BOOL,		/* bool */
	T_OCTAL,	/* unsigned, min..max */
	T_UINT,		/* unsigned decimal, min..max */
	T_DURATION,	/* unsigned milliseconds, min..max */
	T_ENUM,		/* int, from enums[] */
	T_CIDRS,	/* struct cidr_list, accumulates */
	T_LINES		/* struct str_list, one item per line */
};

#define K_EMPTY		0x01	/* string: "" is allowed */
#define K_HOSTNAME	0x02	/* default: this host's name */
#define K_DNS		0x04	/* read by dns_new(): needs a restart */

struct enum_val {
	const char	*name;
	int		 value;
};

/* check_fn - validate a string or line-list item; ERR (ERRLEN) says why */
typedef bool check_fn(const char *v, char *err);

struct key {
	const char		*name;
	enum ktype		 type;
	size_t			 off;	/* into struct config */
	const char		*dflt;	/* parsed like a value; NULL: none */
	unsigned		 min;	/* octal; duration in ms */
	unsigned		 max;
	const struct enum_val	*enums;	/* T_ENUM, ends with a NULL name */
	check_fn		*check;	/* T_STRING, T_LINES */
	unsigned		 flags;
};

static check_fn check_socket, check_user, check_abspath, check_authserv_id,
    check_addr_port, check_stub_zone, check_trust_anchor, check_domain;

static const struct enum_val levels[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ NULL, 0 }
};

static const struct enum_val facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 }
};

static const struct enum_val temperror_actions[] = {
	{ "accept", TEMPERROR_ACCEPT }, { "tempfail", TEMPERROR_TEMPFAIL },
	{ NULL, 0 }
};

static const struct enum_val dmarc_modes[] = {
	{ "rfc9989", 0 }, { "rfc7489", 1 }, { NULL, 0 }
};

static const struct enum_val quarantine_actions[] = {
	{ "hold", QUARANTINE_HOLD }, { "header", QUARANTINE_HEADER },
	{ "accept", QUARANTINE_ACCEPT }, { NULL, 0 }
};

/* The table, in the order of conf/authmilter.conf and authmilter.conf(5). */
static const struct key keys[] = {
	{ "Socket", T_STRING, OFF(socket), "unix:" RUNDIR "/authmilter.sock",
	    0, 0, NULL, check_socket, 0 },
	{ "SocketMode", T_OCTAL, OFF(socket_mode), "0660",
	    0, 0777, NULL, NULL, 0 },
	{ "SocketGroup", T_STRING, OFF(socket_group), "",
	    0, 0, NULL, NULL, K_EMPTY },
	{ "User", T_STRING, OFF(user), "authmilter",
	    0, 0, NULL, check_user, 0 },
	{ "PidFile", T_STRING, OFF(pidfile), RUNDIR "/authmilter.pid",
	    0, 0, NULL, check_abspath, K_EMPTY },
	{ "AuthservID", T_STRING, OFF(authserv_id), NULL,
	    0, 0, NULL, check_authserv_id, K_HOSTNAME },
	{ "InternalHosts", T_CIDRS, OFF(internal_hosts), "127.0.0.0/8, ::1",
	    0, 0, NULL, NULL, 0 },
	{ "IgnoreAuthenticatedClients", T_BOOL, OFF(ignore_authenticated),
	    "yes", 0, 0, NULL, NULL, 0 },
	{ "DNSForwarder", T_LINES, OFF(dns_forwarders), NULL,
	    0, 0, NULL, check_addr_port, K_DNS },
	{ "DNSStubZone", T_LINES, OFF(dns_stub_zones), NULL,
	    0, 0, NULL, check_stub_zone, K_DNS },
	{ "DNSTrustAnchor", T_LINES, OFF(dns_trust_anchors), NULL,
	    0, 0, NULL, check_trust_anchor, K_DNS },
	{ "DNSTrustAnchorFile", T_STRING, OFF(dns_trust_anchor_file),
	    "/usr/share/dns/root.key", 0, 0, NULL, check_abspath,
	    K_EMPTY | K_DNS },
	{ "DNSTimeout", T_DURATION, OFF(dns_timeout_ms), "5s",
	    100, 60 * 1000, NULL, NULL, K_DNS },
	{ "DNSMessageBudget", T_DURATION, OFF(dns_budget_ms), "20s",
	    100, 300 * 1000, NULL, NULL, 0 },
	{ "SPFHeloCheck", T_BOOL, OFF(spf_helo_check), "yes",
	    0, 0, NULL, NULL, 0 },
	{ "SPFReceivedHeader", T_BOOL, OFF(spf_received_header), "yes",
	    0, 0, NULL, NULL, 0 },
	{ "SPFRejectFail", T_BOOL, OFF(spf_reject_fail), "no",
	    0, 0, NULL, NULL, 0 },
	{ "SPFTempErrorAction", T_ENUM, OFF(spf_temperror_action), "accept",
	    0, 0, temperror_actions, NULL, 0 },
	{ "DKIMMaxSignatures", T_UINT, OFF(dkim_max_sigs), "5",
	    1, 50, NULL, NULL, 0 },
	{ "DKIMMaxKeyBits", T_UINT, OFF(dkim_max_key_bits), "8192",
	    1024, 65536, NULL, NULL, 0 },
	{ "DKIMPartialBodyFail", T_BOOL, OFF(dkim_partial_fail), "no",
	    0, 0, NULL, NULL, 0 },
	{ "DMARCMode", T_ENUM, OFF(dmarc_mode), "rfc9989",
	    0, 0, dmarc_modes, NULL, 0 },
	{ "DMARCPublicSuffixList", T_STRING, OFF(dmarc_psl),
	    "/usr/share/publicsuffix/public_suffix_list.dat", 0, 0, NULL,
	    check_abspath, 0 },
	{ "RejectFailures", T_BOOL, OFF(reject_failures), "yes",
	    0, 0, NULL, NULL, 0 },
	{ "QuarantineAction", T_ENUM, OFF(quarantine_action), "hold",
	    0, 0, quarantine_actions, NULL, 0 },
	{ "DMARCTempErrorAction", T_ENUM, OFF(dmarc_temperror_action),
	    "accept", 0, 0, temperror_actions, NULL, 0 },
	{ "DMARCRejectMalformedFrom", T_BOOL, OFF(dmarc_reject_bad_from), "no",
	    0, 0, NULL, NULL, 0 },
	{ "DMARCAllowIPs", T_CIDRS, OFF(dmarc_allow_ips), "none",
	    0, 0, NULL, NULL, 0 },
	{ "DMARCAllowDKIMDomains", T_LINES, OFF(dmarc_allow_dkim), NULL,
	    0, 0, NULL, check_domain, 0 },
	{ "DMARCAllowSPFDomains", T_LINES, OFF(dmarc_allow_spf), NULL,
	    0, 0, NULL, check_domain, 0 },
	{ "DryRun", T_BOOL, OFF(dry_run), "no",
	    0, 0, NULL, NULL, 0 },
	{ "LogLevel", T_ENUM, OFF(log_level), "info",
	    0, 0, levels, NULL, 0 },
	{ "SyslogFacility", T_ENUM, OFF(syslog_facility), "mail",
	    0, 0, facilities, NULL, 0 },
};

/* load - the state of one config_load() */
struct load {
	const char		*path;
	unsigned long		 lineno;	/* 0: no line applies */
	config_report_fn	*report;
	void			*arg;
	unsigned		 errors;
	unsigned long		 seen[nitems(keys)]; /* first line; 0: unseen */
};

/* The live config and every reference count are guarded by this lock. */
static pthread_mutex_t	 config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct config	*config_live;

/* ------------------------------------------------------------ helpers */

/* field - address of K's member in C */
static void *
field(const struct key *k, const struct config *c)
{
	return (char *)(uintptr_t)c + k->off;
}

/* trim - strip leading and trailing blanks of S in place */
static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, BLANKS);
	n = strlen(s);
	while (n > 0 && strchr(BLANKS, s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* bad - "\"V\" WHY" (V cut to QUOTELEN, left out when NULL) into ERR */
static bool __attribute__((format(printf, 3, 4)))
bad(char *err, const char *v, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (v != NULL)
		n = snprintf(err, ERRLEN, "\"%.*s%s\" ", QUOTELEN, v,
		    strlen(v) > QUOTELEN ? "..." : "");
	va_start(ap, fmt);
	vsnprintf(err + n, ERRLEN - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* parse_uint - digits in BASE at *S; -1 none or bad, 1 overflow, 0 ok */
static int
parse_uint(const char **s, unsigned base, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	unsigned d;
	int r = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		d = (unsigned)(*p - '0');
		if (d >= base)
			return -1;
		if (v > (UINT64_MAX - d) / base)
			r = 1;
		else
			v = v * base + d;
	}
	*s = p;
	*out = v;
	return r;
}

/* port_ok - S holds a port number 1-65535 followed by STOP */
static bool
port_ok(const char *s, char stop)
{
	uint64_t n;

	return parse_uint(&s, 10, &n) == 0 && *s == stop && n >= 1 &&
	    n <= 65535;
}

/* fmt_ms - a duration for a message: "100ms" or "60s" */
static const char *
fmt_ms(unsigned ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
	return buf;
}

/* valid_domain - a domain name of LEN bytes: LDH labels, '_' allowed */
static bool
valid_domain(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 1 && s[0] == '.')
		return true;	/* the root */
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > AM_MAX_DOMAIN)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_') || ++label > AM_MAX_LABEL)
			return false;
	}
	return label > 0;
}

/* ---------------------------------------------------------- validators */

/* check_inet - "PORT@HOST" (REST) of the inet: or inet6: socket V */
static bool
check_inet(const char *v, const char *rest, int family, char *err)
{
	const char *host = strchr(rest, '@');
	uint8_t a[16];

	if (host == NULL || host[1] == '\0')
		return bad(err, v, "needs a host (%s:PORT@HOST)",
		    family == AF_INET ? "inet" : "inet6");
	if (!port_ok(rest, '@'))
		return bad(err, v, "has a bad port (use a number 1-65535)");
	host++;
	if (inet_pton(family, host, a) != 1 &&
	    !valid_domain(host, strlen(host)))
		return bad(err, host, "is not an %s address or host name",
		    family == AF_INET ? "IPv4" : "IPv6");
	return true;
}

/* check_socket - unix:/PATH, local:/PATH, inet:PORT@HOST, inet6:PORT@HOST */
static bool
check_socket(const char *v, char *err)
{
	struct sockaddr_un sun;
	const char *path;

	if (strncasecmp(v, "inet:", 5) == 0)
		return check_inet(v, v + 5, AF_INET, err);
	if (strncasecmp(v, "inet6:", 6) == 0)
		return check_inet(v, v + 6, AF_INET6, err);
	if (strncasecmp(v, "unix:", 5) == 0)
		path = v + 5;
	else if (strncasecmp(v, "local:", 6) == 0)
		path = v + 6;
	else
		return bad(err, v, "is not a socket (use unix:/PATH, "
		    "local:/PATH, inet:PORT@HOST or inet6:PORT@HOST)");
	if (path[0] != '/' || path[1] == '\0')
		return bad(err, v, "needs an absolute path (unix:/PATH)");
	if (strlen(path) >= sizeof(sun.sun_path))
		return bad(err, v, "has a path longer than a unix socket "
		    "allows (%zu bytes)", sizeof(sun.sun_path) - 1);
	return true;
}

/* check_user - the account to run as: anyone but root */
static bool
check_user(const char *v, char *err)
{
	if (strcmp(v, "root") == 0)
		return bad(err, v, "is refused: the daemon does not keep "
		    "root privileges");
	return true;
}

/* check_abspath - an absolute path */
static bool
check_abspath(const char *v, char *err)
{
	if (v[0] != '/')
		return bad(err, v, "is not an absolute path");
	return true;
}

/* check_authserv_id - an RFC 2045 token (RFC 8601 section 2.5) */
static bool
check_authserv_id(const char *v, char *err)
{
	const unsigned char *p;

	if (strlen(v) > AM_MAX_AUTHSERV_ID)
		return bad(err, v, "is longer than %d characters",
		    AM_MAX_AUTHSERV_ID);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 ||
		    strchr("()<>@,;:\\\"/[]?=", *p) != NULL)
			return bad(err, v, "has '%c', which an authserv-id "
			    "cannot hold (use a host name such as "
			    "mx.example.net)", isprint(*p) ? *p : '?');
	return true;
}

/* check_addr_port - "ADDR[@PORT]", ADDR an IP literal (DNSForwarder) */
static bool
check_addr_port(const char *v, char *err)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *at = strrchr(v, '@');
	size_t alen = at != NULL ? (size_t)(at - v) : strlen(v);
	uint8_t a[16];

	if (alen >= sizeof(addr))
		return bad(err, v, "is not an IP address");
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, a) != 1 &&
	    inet_pton(AF_INET6, addr, a) != 1)
		return bad(err, addr, "is not an IP address");
	if (at != NULL && !port_ok(at + 1, '\0'))
		return bad(err, v, "has a bad port (use a number 1-65535)");
	return true;
}

/* check_domain - one domain name */
static bool
check_domain(const char *v, char *err)
{
	if (!valid_domain(v, strlen(v)))
		return bad(err, v, "is not a domain name");
	return true;
}

/* check_stub_zone - DNSStubZone "ZONE ADDR[@PORT]" (blanks made ' ') */
static bool
check_stub_zone(const char *v, char *err)
{
	const char *sp = strchr(v, ' ');

	if (sp == NULL || strchr(sp + 1, ' ') != NULL)
		return bad(err, v, "is not ZONE ADDR[@PORT]");
	if (!valid_domain(v, (size_t)(sp - v)))
		return bad(err, v, "does not start with a domain name");
	return check_addr_port(sp + 1, err);
}

/* check_trust_anchor - "OWNER [TTL] [CLASS] DS|DNSKEY RDATA" */
static bool
check_trust_anchor(const char *v, char *err)
{
	const char *p, *end = strchr(v, ' ');
	size_t n;

	if (end == NULL || !valid_domain(v, (size_t)(end - v)))
		return bad(err, v, "does not start with an owner name");
	/* The type must be followed by data: the last field cannot be it. */
	for (p = end + 1; (end = strchr(p, ' ')) != NULL; p = end + 1) {
		n = (size_t)(end - p);
		if ((n == 2 && strncasecmp(p, "DS", 2) == 0) ||
		    (n == 6 && strncasecmp(p, "DNSKEY", 6) == 0))
			return true;
	}
	return bad(err, v, "is not a DS or DNSKEY record "
	    "(OWNER TTL IN DS|DNSKEY DATA)");
}

/* ------------------------------------------------------------- setters */

/* set_string - a string, possibly quoted, possibly empty */
static bool
set_string(const struct key *k, struct config *c, const char *v, char *err)
{
	char **dst = field(k, c), *s;
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		s = strndup(v + 1, n - 2);
	else if (v[strcspn(v, BLANKS)] != '\0')
		return bad(err, v, "contains white space (quote it; a "
		    "comment must be on a line of its own)");
	else
		s = strdup(v);
	if (s == NULL)
		return bad(err, NULL, "out of memory");
	if ((*s == '\0' && !(k->flags & K_EMPTY)) ||
	    (*s != '\0' && k->check != NULL && !k->check(s, err))) {
		if (*s == '\0')
			bad(err, NULL, "needs a value");
		free(s);
		return false;
	}
	free(*dst);
	*dst = s;
	return true;
}

/* set_bool - yes/no/true/false/on/off/1/0 */
static bool
set_bool(const struct key *k, struct config *c, const char *v, char *err)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	bool *dst = field(k, c);
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*dst = strcasecmp(v, yes[i]) == 0;
			return true;
		}
	}
	return bad(err, v, "is not yes or no");
}

/* set_number - digits in BASE (8 or 10), within K->min..K->max */
static bool
set_number(const struct key *k, struct config *c, const char *v, char *err,
    int base)
{
	unsigned *dst = field(k, c);
	const char *p = v;
	uint64_t n;
	int r;

	r = parse_uint(&p, base, &n);
	if (r < 0 || *p != '\0')
		return bad(err, v, base == 8 ? "is not an octal mode (digits "
		    "0-7, e.g. 0660)" : "is not a number");
	if (r > 0 || n < k->min || n > k->max)
		return base == 8 ? bad(err, v, "is out of range (%#o to %#o)",
		    k->min, k->max) : bad(err, v, "is out of range (%u to %u)",
		    k->min, k->max);
	*dst = (unsigned)n;
	return true;
}

/* set_octal - a file mode: octal digits, at most K->max */
static bool
set_octal(const struct key *k, struct config *c, const char *v, char *err)
{
	return set_number(k, c, v, err, 8);
}

/* set_uint - a decimal number within K->min..K->max */
static bool
set_uint(const struct key *k, struct config *c, const char *v, char *err)
{
	return set_number(k, c, v, err, 10);
}

/* set_duration - N, Ns or Nms, within K->min..K->max milliseconds */
static bool
set_duration(const struct key *k, struct config *c, const char *v,
    char *err)
{
	unsigned *dst = field(k, c);
	const char *p = v;
	char lo[32], hi[32];
	uint64_t n;
	bool ms;
	int r;

	r = parse_uint(&p, 10, &n);
	ms = strcasecmp(p, "ms") == 0;
	if (r < 0 || (!ms && *p != '\0' && strcasecmp(p, "s") != 0))
		return bad(err, v, "is not a duration (use 500ms or 5s)");
	if (r == 0 && !ms) {
		if (n > UINT64_MAX / 1000)
			r = 1;	/* seconds that overflow as milliseconds */
		else
			n *= 1000;
	}
	if (r > 0 || n < k->min || n > k->max)
		return bad(err, v, "is out of range (%s to %s)",
		    fmt_ms(k->min, lo, sizeof(lo)),
		    fmt_ms(k->max, hi, sizeof(hi)));
	*dst = (unsigned)n;
	return true;
}

/* set_enum - one of the names of K->enums */
static bool
set_enum(const struct key *k, struct config *c, const char *v, char *err)
{
	const struct enum_val *e;
	int *dst = field(k, c);
	char names[ERRLEN / 2];
	size_t n = 0;

	for (e = k->enums; e->name != NULL; e++) {
		if (strcasecmp(v, e->name) == 0) {
			*dst = e->value;
			return true;
		}
		if (n < sizeof(names))
			n += (size_t)snprintf(names + n, sizeof(names) - n,
			    "%s%s", n > 0 ? ", " : "", e->name);
	}
	return bad(err, v, "is not one of %s", names);
}

/* cidr_why - like cidr_parse, but NULL when good or else the reason */
static const char *
cidr_why(const char *s, struct cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/'), *p;
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint64_t pfx;
	int r;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(buf))
		return "is not an IP address";
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return "is not an IP address";
	out->prefix = out->family == AF_INET ? 32 : 128;
	if (slash == NULL)
		return NULL;
	p = slash + 1;
	r = parse_uint(&p, 10, &pfx);
	if (r < 0 || *p != '\0')
		return "has a bad prefix length";
	if (r > 0 || pfx > out->prefix)
		return out->family == AF_INET ? "has a prefix out of range "
		    "(at most /32 for IPv4)" : "has a prefix out of range "
		    "(at most /128 for IPv6)";
	out->prefix = (unsigned)pfx;
	return NULL;
}

/* prefix_equal - do A and B agree in their first BITS bits? */
static bool
prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rem = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rem == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rem));
	return ((a[full] ^ b[full]) & mask) == 0;
}

/* cidr_network - C with the host bits cleared */
static struct cidr
cidr_network(const struct cidr *c)
{
	struct cidr net = *c;
	unsigned full = c->prefix / 8, rem = c->prefix % 8;

	if (rem != 0)
		net.addr[full++] &= (uint8_t)(0xff << (8 - rem));
	memset(net.addr + full, 0, sizeof(net.addr) - full);
	return net;
}

/* cidr_add - parse token S and append it to L */
static bool
cidr_add(struct cidr_list *l, const char *s, char *err)
{
	struct cidr c, net, *v;
	const char *why;
	char a[INET6_ADDRSTRLEN];

	if ((why = cidr_why(s, &c)) != NULL)
		return bad(err, s, "%s", why);
	net = cidr_network(&c);
	if (memcmp(net.addr, c.addr, sizeof(c.addr)) != 0) {
		inet_ntop(c.family, net.addr, a, sizeof(a));
		return bad(err, s, "has host bits set beyond the prefix "
		    "(the network is %s/%u)", a, c.prefix);
	}
	if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL)
		return bad(err, NULL, "out of memory");
	l->v = v;
	l->v[l->n++] = c;
	return true;
}

/* set_cidrs - "ADDR[/PREFIX], ..." added to the list; "none" adds nothing */
static bool
set_cidrs(const struct key *k, struct config *c, const char *v, char *err)
{
	struct cidr_list *l = field(k, c);
	char tok[INET6_ADDRSTRLEN + 8];
	size_t n;

	if (strcasecmp(v, "none") == 0)
		return true;
	for (v += strspn(v, "," BLANKS); *v != '\0';
	    v += strspn(v, "," BLANKS)) {
		n = strcspn(v, "," BLANKS);
		if (n >= sizeof(tok))	/* longer than any ADDR/PREFIX */
			return bad(err, NULL, "\"%.*s...\" is not an IP "
			    "address or network", QUOTELEN, v);
		snprintf(tok, sizeof(tok), "%.*s", (int)n, v);
		v += n;
		if (strcasecmp(tok, "none") == 0)
			return bad(err, NULL, "none must stand alone");
		if (!cidr_add(l, tok, err))
			return false;
	}
	return true;
}

/* set_lines - one item, its runs of blanks made single spaces */
static bool
set_lines(const struct key *k, struct config *c, const char *v, char *err)
{
	struct str_list *l = field(k, c);
	char *s, *d, **nv;

	if ((s = strdup(v)) == NULL)
		return bad(err, NULL, "out of memory");
	for (d = s; *v != '\0'; v++)
		if (strchr(BLANKS, *v) == NULL)
			*d++ = *v;
		else if (d > s && d[-1] != ' ')
			*d++ = ' ';
	*d = '\0';
	if (k->check != NULL && !k->check(s, err)) {
		free(s);
		return false;
	}
	if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL) {
		free(s);
		return bad(err, NULL, "out of memory");
	}
	l->v = nv;
	l->v[l->n++] = s;
	return true;
}

typedef bool set_fn(const struct key *, struct config *, const char *,
    char *);

static set_fn *const setters[] = {
	[T_STRING] = set_string, [T_BOOL] = set_bool, [T_OCTAL] = set_octal,
	[T_UINT] = set_uint,
	[T_DURATION] = set_duration, [T_ENUM] = set_enum,
	[T_CIDRS] = set_cidrs, [T_LINES] = set_lines,
};

/* key_set - parse V (trimmed) as K's value into C */
static bool
key_set(const struct key *k, struct config *c, const char *v, char *err)
{
	if (k->type != T_STRING && (*v == '\0' || strcmp(v, "\"\"") == 0))
		return bad(err, NULL, "needs a value%s", k->type == T_CIDRS ?
		    " (write none for an empty list)" : "");
	return setters[k->type](k, c, v, err);
}

/* ------------------------------------------------------------ loading */

/* load_error - report "FILE:LINE: KEY: problem", made printable */
static void __attribute__((format(printf, 3, 4)))
load_error(struct load *l, const char *key, const char *fmt, ...)
{
	char msg[MSGLEN], line[32] = "", *p;
	va_list ap;
	int n;

	l->errors++;
	if (l->report == NULL)
		return;
	if (l->lineno > 0)
		snprintf(line, sizeof(line), ":%lu", l->lineno);
	n = snprintf(msg, sizeof(msg), "%.*s%s: %.64s%s", MSGLEN / 2,
	    l->path, line, key != NULL ? key : "", key != NULL ? ": " : "");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
	l->report(l->arg, msg);
}

/* key_find - the row for NAME (case-insensitive), or NULL */
static const struct key *
key_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (strcasecmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* parse_line - one line of the file (its newline removed) */
static void
parse_line(struct load *l, struct config *c, char *line)
{
	const struct key *k;
	char *key, *val, err[ERRLEN];
	size_t i;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return;
	val = key + strcspn(key, BLANKS);
	if (*val != '\0')
		*val++ = '\0';
	val = trim(val);
	if ((k = key_find(key)) == NULL) {
		load_error(l, key, "unknown key");
		return;
	}
	i = (size_t)(k - keys);
	if (l->seen[i] != 0 && k->type != T_CIDRS && k->type != T_LINES) {
		load_error(l, k->name, "given twice, first at line %lu",
		    l->seen[i]);
		return;
	}
	if (l->seen[i] == 0)
		l->seen[i] = l->lineno;
	if (!key_set(k, c, val, err))
		load_error(l, k->name, "%s", err);
}

/* read_line - one line of F into BUF; -1 at the end, else its length */
static long
read_line(FILE *f, char *buf, size_t size, bool *toolong, bool *nul)
{
	size_t n = 0;
	bool any = false;
	int ch;

	*toolong = *nul = false;
	while ((ch = getc(f)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (ch == '\0')
			*nul = true;
		if (n + 1 < size)
			buf[n++] = (char)ch;
		else
			*toolong = true;
	}
	buf[n] = '\0';
	return any ? (long)n : -1;
}

/* first_word - the key of a line that will not be parsed, for a message */
static const char *
first_word(char *line)
{
	char *w = trim(line);

	if (*w == '#' || *w == '\0')
		return NULL;
	w[strcspn(w, " \t")] = '\0';
	return w;
}

/* load_file - parse every line of F into C */
static void
load_file(struct load *l, struct config *c, FILE *f)
{
	char buf[AM_MAX_CONFIG_LINE + 1];
	bool toolong, nul;

	while (read_line(f, buf, sizeof(buf), &toolong, &nul) >= 0) {
		if (++l->lineno > AM_MAX_CONFIG_LINES) {
			load_error(l, NULL, "more than %d lines",
			    AM_MAX_CONFIG_LINES);
			return;
		}
		if (toolong)
			load_error(l, first_word(buf), "line longer than %d "
			    "characters", AM_MAX_CONFIG_LINE);
		else if (nul)
			load_error(l, first_word(buf), "line contains a NUL "
			    "byte");
		else
			parse_line(l, c, buf);
	}
}

/* host_name - this host's name for AuthservID, "localhost" if unusable */
static const char *
host_name(char *buf, size_t len)
{
	char err[ERRLEN];

	if (gethostname(buf, len) != 0)
		return "localhost";
	buf[len - 1] = '\0';
	if (buf[0] == '\0' || !check_authserv_id(buf, err))
		return "localhost";
	return buf;
}

/* apply_defaults - the default of every key the file did not give */
static void
apply_defaults(struct load *l, struct config *c)
{
	char host[256], err[ERRLEN];
	const struct key *k;
	const char *dflt;
	size_t i;

	l->lineno = 0;
	for (i = 0; i < nitems(keys); i++) {
		k = &keys[i];
		if (l->seen[i] != 0)
			continue;
		dflt = k->flags & K_HOSTNAME ? host_name(host, sizeof(host)) :
		    k->dflt;
		if (dflt == NULL)
			continue;
		if (!key_set(k, c, dflt, err))
			load_error(l, k->name, "default: %s", err);
	}
}

/* config_free - free C and everything it holds */
static void
config_free(struct config *c)
{
	const struct key *k;
	struct str_list *sl;
	size_t i;

	if (c == NULL)
		return;
	for (k = keys; k < keys + nitems(keys); k++) {
		if (k->type == T_STRING)
			free(*(char **)field(k, c));
		else if (k->type == T_CIDRS)
			free(((struct cidr_list *)field(k, c))->v);
		else if (k->type == T_LINES) {
			sl = field(k, c);
			for (i = 0; i < sl->n; i++)
				free(sl->v[i]);
			free(sl->v);
		}
	}
	free(c->path);
	free(c);
}

/* ----------------------------------------------------------------- API */

/* config_load - parse PATH (NULL: defaults only); NULL on any error */
struct config *
config_load(const char *path, config_report_fn *report, void *arg)
{
	struct load l;
	struct config *c;
	FILE *f = NULL;

	memset(&l, 0, sizeof(l));
	l.path = path != NULL ? path : "(defaults)";
	l.report = report;
	l.arg = arg;
	if (path != NULL && (f = fopen(path, "r")) == NULL) {
		load_error(&l, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (path != NULL && (c->path = strdup(path)) == NULL)) {
		load_error(&l, NULL, "out of memory");
		goto fail;
	}
	c->refs = 1;
	if (f != NULL) {
		load_file(&l, c, f);
		if (ferror(f))
			load_error(&l, NULL, "cannot read: %s",
			    strerror(errno));
	}
	apply_defaults(&l, c);
	if (l.errors > 0)
		goto fail;
	if (f != NULL)
		fclose(f);
	return c;
fail:
	if (f != NULL)
		fclose(f);
	config_free(c);
	return NULL;
}

/* config_defaults - a config holding only the defaults (path NULL) */
struct config *
config_defaults(void)
{
	return config_load(NULL, NULL, NULL);
}

/* config_ref - take one more reference; returns C */
struct config *
config_ref(struct config *c)
{
	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&config_lock);
	c->refs++;
	pthread_mutex_unlock(&config_lock);
	return c;
}

/* config_unref - drop a reference; frees at zero; NULL is a no-op */
void
config_unref(struct config *c)
{
	int refs;

	if (c == NULL)
		return;
	pthread_mutex_lock(&config_lock);
	refs = --c->refs;
	pthread_mutex_unlock(&config_lock);
	if (refs == 0)
		config_free(c);
}

/* config_install - make C the live config (takes over the reference) */
void
config_install(struct config *c)
{
	struct config *old;

	pthread_mutex_lock(&config_lock);
	old = config_live;
	config_live = c;
	pthread_mutex_unlock(&config_lock);
	config_unref(old);
}

/* config_current - a new reference to the live config, or NULL */
struct config *
config_current(void)
{
	struct config *c;

	pthread_mutex_lock(&config_lock);
	if ((c = config_live) != NULL)
		c->refs++;
	pthread_mutex_unlock(&config_lock);
	return c;
}

/* config_key_name - name of the I-th key of the table, NULL past the end */
const char *
config_key_name(size_t i)
{
	return i < nitems(keys) ? keys[i].name : NULL;
}

/* cidr_parse - parse "ADDR[/PREFIX]"; false when malformed */
bool
cidr_parse(const char *s, struct cidr *out)
{
	struct cidr net;

	if (s == NULL || cidr_why(s, out) != NULL)
		return false;
	net = cidr_network(out);
	return memcmp(net.addr, out->addr, sizeof(net.addr)) == 0;
}

/* cidr_list_match - does ADDR fall in L?  ::ffff:a.b.c.d matches as IPv4 */
bool
cidr_list_match(const struct cidr_list *l, int family, const void *addr)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t *a = addr, *a4 = NULL;
	size_t i;

	if (l == NULL || addr == NULL)
		return false;
	if (family == AF_INET)
		a4 = a;
	else if (family == AF_INET6 && memcmp(a, mapped, 12) == 0)
		a4 = a + 12;
	else if (family != AF_INET6)
		return false;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].family == AF_INET && a4 != NULL &&
		    prefix_equal(l->v[i].addr, a4, l->v[i].prefix))
			return true;
		if (l->v[i].family == AF_INET6 && family == AF_INET6 &&
		    prefix_equal(l->v[i].addr, a, l->v[i].prefix))
			return true;
	}
	return false;
}

/* key_equal - has K the same value in A and B? */
static bool
key_equal(const struct key *k, const struct config *a,
    const struct config *b)
{
	const struct str_list *la, *lb;
	const struct cidr_list *ca, *cb;
	size_t i;

	switch (k->type) {
	case T_STRING:
		return strcmp(*(char **)field(k, a),
		    *(char **)field(k, b)) == 0;
	case T_BOOL:
		return *(bool *)field(k, a) == *(bool *)field(k, b);
	case T_OCTAL:
	case T_UINT:
	case T_DURATION:
		return *(unsigned *)field(k, a) == *(unsigned *)field(k, b);
	case T_ENUM:
		return *(int *)field(k, a) == *(int *)field(k, b);
	case T_CIDRS:
		ca = field(k, a);
		cb = field(k, b);
		return ca->n == cb->n && (ca->n == 0 ||
		    memcmp(ca->v, cb->v, ca->n * sizeof(*ca->v)) == 0);
	case T_LINES:
		la = field(k, a);
		lb = field(k, b);
		if (la->n != lb->n)
			return false;
		for (i = 0; i < la->n; i++)
			if (strcmp(la->v[i], lb->v[i]) != 0)
				return false;
		return true;
	}
	return false;
}

/* config_dns_equal - same values for every key dns_new() reads? */
bool
config_dns_equal(const struct config *a, const struct config *b)
{
	const struct key *k;

	for (k = keys; k < keys + nitems(keys); k++)
		if ((k->flags & K_DNS) && !key_equal(k, a, b))
			return false;
	return true;
}
