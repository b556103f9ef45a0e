/*
 * test_config.c - unit tests of config.c
 *
 * Each case writes a small configuration file under /tmp (mkstemp),
 * loads it and compares the fields or the reported problems with what is
 * wanted.  Every problem must name the file, the line and the key.
 *
 * For test/docs.sh: "test_config --keys" prints the key names of the
 * table, one a line; "test_config --conf FILE" loads FILE (the sample
 * configuration with every "# Key value" line enabled) and checks that the
 * defaults it shows are the real ones.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

/* Relative to this file, so that autoconf's config.h cannot shadow ours. */
#include "caps.h"
#include "config.h"
#include "check.h"

#ifndef RUNDIR
#define RUNDIR	"/run/authmilter"
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXMSGS		16
#define NKEYS		33

/* msgs - the problems reported by one load */
struct msgs {
	int	n;
	char	v[MAXMSGS][1100];
};

/* collect - the report function: keep each message */
static void
collect(void *arg, const char *msg)
{
	struct msgs *m = arg;

	if (m->n < MAXMSGS)
		snprintf(m->v[m->n], sizeof(m->v[0]), "%s", msg);
	m->n++;
}

/* write_file - LEN bytes of TEXT into a new temporary file; its path */
static char *
write_file(const char *text, size_t len)
{
	char path[] = "/tmp/test_config.XXXXXX";
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		perror("mkstemp");
		exit(2);
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
	return strdup(path);
}

/* load - load TEXT from a temporary file, keeping problems in M */
static struct config *
load(const char *text, struct msgs *m, char **pathp)
{
	struct config *c;
	char *path;

	memset(m, 0, sizeof(*m));
	path = write_file(text, strlen(text));
	c = config_load(path, collect, m);
	if (pathp != NULL)
		*pathp = path;
	else {
		unlink(path);
		free(path);
	}
	return c;
}

/* check_msg - does MSG start with "PATH:LINE: KEY: " and contain WANT? */
static void
check_msg(const char *what, const char *msg, const char *path,
    unsigned line, const char *key, const char *want)
{
	char prefix[1200];

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%u: %s%s", path, line,
		    key != NULL ? key : "", key != NULL ? ": " : "");
	else
		snprintf(prefix, sizeof(prefix), "%s: %s%s", path,
		    key != NULL ? key : "", key != NULL ? ": " : "");
	CHECK(strncmp(msg, prefix, strlen(prefix)) == 0 &&
	    strstr(msg + strlen(prefix), want) != NULL,
	    "%s: got=\"%s\" want=\"%s...%s...\"", what, msg, prefix, want);
}

/* ------------------------------------------------------------ defaults */

/* host - this host's name as config.c takes it */
static const char *
host(void)
{
	static char buf[256];

	if (gethostname(buf, sizeof(buf)) != 0 || buf[0] == '\0')
		return "localhost";
	buf[sizeof(buf) - 1] = '\0';
	return buf;
}

/* check_defaults - every field of C holds its default; for the SAMPLE
 * file, those without examples (AuthservID and the lists are examples) */
static void
check_defaults(const char *what, const struct config *c, bool sample)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 }, lo4b[4] = {
	    127, 1, 2, 3 }, ext4[4] = { 192, 0, 2, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };

	CHECK(c != NULL, "%s: config is NULL", what);
	if (c == NULL)
		return;
	/* The sample documents the default run directory. */
	if (!sample || strcmp(RUNDIR, "/run/authmilter") == 0) {
		CHECK_STR(c->socket, "unix:" RUNDIR "/authmilter.sock", what);
		CHECK_STR(c->pidfile, RUNDIR "/authmilter.pid", what);
	}
	CHECK_INT(c->socket_mode, 0660, what);
	CHECK_STR(c->socket_group, "", what);
	CHECK_STR(c->user, "authmilter", what);
	CHECK_INT(c->internal_hosts.n, 2, what);
	CHECK(cidr_list_match(&c->internal_hosts, AF_INET, lo4) &&
	    cidr_list_match(&c->internal_hosts, AF_INET, lo4b) &&
	    cidr_list_match(&c->internal_hosts, AF_INET6, lo6) &&
	    !cidr_list_match(&c->internal_hosts, AF_INET, ext4),
	    "%s: InternalHosts default", what);
	CHECK_INT(c->ignore_authenticated, 1, what);
	CHECK_STR(c->dns_trust_anchor_file, "/usr/share/dns/root.key", what);
	CHECK_INT(c->dns_timeout_ms, 5000, what);
	CHECK_INT(c->dns_budget_ms, 20000, what);
	CHECK_INT(c->dkim_max_sigs, 5, what);
	CHECK_INT(c->dkim_max_key_bits, 8192, what);
	CHECK_INT(c->dkim_partial_fail, 0, what);
	CHECK_INT(c->dmarc_mode, 0, what);
	CHECK_INT(c->reject_failures, 1, what);
	CHECK_INT(c->quarantine_action, QUARANTINE_HOLD, what);
	CHECK_INT(c->dmarc_temperror_action, TEMPERROR_ACCEPT, what);
	CHECK_INT(c->dry_run, 0, what);
	CHECK_INT(c->dmarc_allow_ips.n, 0, what);
	CHECK_INT(c->spf_helo_check, 1, what);
	CHECK_INT(c->spf_received_header, 1, what);
	CHECK_INT(c->spf_reject_fail, 0, what);
	CHECK_INT(c->spf_temperror_action, TEMPERROR_ACCEPT, what);
	CHECK_INT(c->log_level, LOG_INFO, what);
	CHECK_INT(c->syslog_facility, LOG_MAIL, what);
	CHECK_INT(c->refs, 1, what);
	if (sample)
		return;
	CHECK_STR(c->authserv_id, host(), what);
	CHECK_INT(c->dns_forwarders.n, 0, what);
	CHECK_INT(c->dns_stub_zones.n, 0, what);
	CHECK_INT(c->dns_trust_anchors.n, 0, what);
}

/* test_defaults - config_defaults() and an empty or comment-only file */
static void
test_defaults(void)
{
	struct config *c;
	struct msgs m;
	char *path;

	c = config_defaults();
	check_defaults("config_defaults", c, false);
	CHECK(c != NULL && c->path == NULL, "defaults: path is not NULL");
	config_unref(c);

	c = load("", &m, &path);
	check_defaults("empty file", c, false);
	CHECK_INT(m.n, 0, "empty file: problems");
	CHECK_STR(c != NULL ? c->path : NULL, path, "empty file: path");
	config_unref(c);
	unlink(path);
	free(path);

	c = load("# only comments\n\n   # indented comment\r\n\t\n", &m, NULL);
	check_defaults("comments only", c, false);
	CHECK_INT(m.n, 0, "comments only: problems");
	config_unref(c);
}

/* ------------------------------------------------------- every key set */

static const char all_keys[] =
	"# every key, set to something other than its default\n"
	"Socket inet:8891@127.0.0.1\n"
	"  socketmode 0600\r\n"
	"SocketGroup postfix\n"
	"USER milter\n"
	"PidFile \"\"\n"
	"AuthservID mx.example.net\n"
	"InternalHosts 192.0.2.0/24,2001:db8::/32\n"
	"InternalHosts\t198.51.100.7 ,  10.0.0.0/8\n"
	"IgnoreAuthenticatedClients off\n"
	"DNSForwarder 127.0.0.53\n"
	"DNSForwarder ::1@5353\n"
	"DNSStubZone test.\t 192.0.2.53@5300\n"
	"DNSTrustAnchor test. 3600 IN DS 31347 13 2 ABCD0123\n"
	"DNSTrustAnchor example. IN DNSKEY 257 3 13 AwEAAb==\n"
	"DNSTrustAnchorFile\n"
	"DNSTimeout 1500ms\n"
	"DNSMessageBudget 30\n"
	"LogLevel DEBUG\n"
	"SyslogFacility local3\n";

/* test_all_keys - every key parsed into its field */
static void
test_all_keys(void)
{
	static const uint8_t in4[4] = { 198, 51, 100, 7 }, in4b[4] = {
	    10, 9, 8, 7 }, out4[4] = { 127, 0, 0, 1 };
	struct config *c;
	struct msgs m;

	c = load(all_keys, &m, NULL);
	CHECK(c != NULL && m.n == 0, "all keys: got=%d problems, first "
	    "\"%s\"", m.n, m.n > 0 ? m.v[0] : "");
	if (c == NULL)
		return;
	CHECK_STR(c->socket, "inet:8891@127.0.0.1", "Socket");
	CHECK_INT(c->socket_mode, 0600, "SocketMode");
	CHECK_STR(c->socket_group, "postfix", "SocketGroup");
	CHECK_STR(c->user, "milter", "User");
	CHECK_STR(c->pidfile, "", "PidFile");
	CHECK_STR(c->authserv_id, "mx.example.net", "AuthservID");
	CHECK_INT(c->internal_hosts.n, 4, "InternalHosts count");
	CHECK(cidr_list_match(&c->internal_hosts, AF_INET, in4) &&
	    cidr_list_match(&c->internal_hosts, AF_INET, in4b) &&
	    !cidr_list_match(&c->internal_hosts, AF_INET, out4),
	    "InternalHosts: the file's list replaces the default");
	CHECK_INT(c->ignore_authenticated, 0, "IgnoreAuthenticatedClients");
	CHECK_INT(c->dns_forwarders.n, 2, "DNSForwarder count");
	if (c->dns_forwarders.n == 2) {
		CHECK_STR(c->dns_forwarders.v[0], "127.0.0.53", "fwd 0");
		CHECK_STR(c->dns_forwarders.v[1], "::1@5353", "fwd 1");
	}
	CHECK_INT(c->dns_stub_zones.n, 1, "DNSStubZone count");
	if (c->dns_stub_zones.n == 1)
		CHECK_STR(c->dns_stub_zones.v[0], "test. 192.0.2.53@5300",
		    "DNSStubZone, blanks made one space");
	CHECK_INT(c->dns_trust_anchors.n, 2, "DNSTrustAnchor count");
	if (c->dns_trust_anchors.n == 2)
		CHECK_STR(c->dns_trust_anchors.v[1],
		    "example. IN DNSKEY 257 3 13 AwEAAb==", "DNSTrustAnchor");
	CHECK_STR(c->dns_trust_anchor_file, "", "DNSTrustAnchorFile");
	CHECK_INT(c->dns_timeout_ms, 1500, "DNSTimeout");
	CHECK_INT(c->dns_budget_ms, 30000, "DNSMessageBudget");
	CHECK_INT(c->log_level, LOG_DEBUG, "LogLevel");
	CHECK_INT(c->syslog_facility, LOG_LOCAL3, "SyslogFacility");
	config_unref(c);
}

/* ------------------------------------------------------ single values */

enum vkind { V_BOOL, V_UNSIGNED, V_INT, V_STRING };

/* val_case - one line and the value it must give one field */
struct val_case {
	const char	*line;
	size_t		 off;
	enum vkind	 kind;
	long		 num;
	const char	*str;
};

#define VB(l, f, n)	{ l, offsetof(struct config, f), V_BOOL, n, NULL }
#define VU(l, f, n)	{ l, offsetof(struct config, f), V_UNSIGNED, n, NULL }
#define VI(l, f, n)	{ l, offsetof(struct config, f), V_INT, n, NULL }
#define VS(l, f, s)	{ l, offsetof(struct config, f), V_STRING, 0, s }

static const struct val_case val_cases[] = {
	VB("IgnoreAuthenticatedClients yes", ignore_authenticated, 1),
	VB("IgnoreAuthenticatedClients No", ignore_authenticated, 0),
	VB("IgnoreAuthenticatedClients TRUE", ignore_authenticated, 1),
	VB("IgnoreAuthenticatedClients false", ignore_authenticated, 0),
	VB("IgnoreAuthenticatedClients on", ignore_authenticated, 1),
	VB("IgnoreAuthenticatedClients OFF", ignore_authenticated, 0),
	VB("IgnoreAuthenticatedClients 1", ignore_authenticated, 1),
	VB("IgnoreAuthenticatedClients 0", ignore_authenticated, 0),
	VU("DNSTimeout 100ms", dns_timeout_ms, 100),
	VU("DNSTimeout 60s", dns_timeout_ms, 60000),
	VU("DNSTimeout 60", dns_timeout_ms, 60000),
	VU("DNSTimeout 60000MS", dns_timeout_ms, 60000),
	VU("DNSTimeout 0000002s", dns_timeout_ms, 2000),
	VU("DNSMessageBudget 300s", dns_budget_ms, 300000),
	VU("DNSMessageBudget 100ms", dns_budget_ms, 100),
	VU("SocketMode 0", socket_mode, 0),
	VU("SocketMode 777", socket_mode, 0777),
	VU("SocketMode 0000660", socket_mode, 0660),
	VI("LogLevel error", log_level, LOG_ERR),
	VI("LogLevel warning", log_level, LOG_WARNING),
	VI("LogLevel notice", log_level, LOG_NOTICE),
	VI("LogLevel Info", log_level, LOG_INFO),
	VI("LogLevel debug", log_level, LOG_DEBUG),
	VU("DKIMMaxSignatures 1", dkim_max_sigs, 1),
	VU("DKIMMaxSignatures 50", dkim_max_sigs, 50),
	VU("DKIMMaxKeyBits 4096", dkim_max_key_bits, 4096),
	VB("DKIMPartialBodyFail yes", dkim_partial_fail, 1),
	VI("DMARCMode rfc7489", dmarc_mode, 1),
	VI("QuarantineAction header", quarantine_action, QUARANTINE_HEADER),
	VI("DMARCTempErrorAction tempfail", dmarc_temperror_action,
	    TEMPERROR_TEMPFAIL),
	VB("RejectFailures no", reject_failures, 0),
	VB("DryRun yes", dry_run, 1),
	VB("SPFHeloCheck no", spf_helo_check, 0),
	VB("SPFReceivedHeader off", spf_received_header, 0),
	VB("SPFRejectFail yes", spf_reject_fail, 1),
	VI("SPFTempErrorAction tempfail", spf_temperror_action,
	    TEMPERROR_TEMPFAIL),
	VI("SPFTempErrorAction Accept", spf_temperror_action,
	    TEMPERROR_ACCEPT),
	VI("SyslogFacility daemon", syslog_facility, LOG_DAEMON),
	VI("SyslogFacility user", syslog_facility, LOG_USER),
	VI("SyslogFacility local0", syslog_facility, LOG_LOCAL0),
	VI("SyslogFacility local7", syslog_facility, LOG_LOCAL7),
	VS("PidFile", pidfile, ""),
	VS("PidFile \"\"", pidfile, ""),
	VS("PidFile \"/run/a b/x.pid\"", pidfile, "/run/a b/x.pid"),
	VS("PidFile /var/run/am.pid", pidfile, "/var/run/am.pid"),
	VS("SocketGroup \"\"", socket_group, ""),
	VS("DNSTrustAnchorFile \"\"", dns_trust_anchor_file, ""),
	VS("DNSTrustAnchorFile /etc/unbound/root.key", dns_trust_anchor_file,
	    "/etc/unbound/root.key"),
	VS("Socket local:/var/spool/postfix/authmilter/sock", socket,
	    "local:/var/spool/postfix/authmilter/sock"),
	VS("Socket inet6:8891@::1", socket, "inet6:8891@::1"),
	VS("Socket INET:65535@localhost", socket, "INET:65535@localhost"),
	VS("Socket \"unix:/run/x.sock\"", socket, "unix:/run/x.sock"),
	VS("AuthservID mx1", authserv_id, "mx1"),
	VS("AuthservID \"mx.example.net\"", authserv_id, "mx.example.net"),
	VS("User _authmilter", user, "_authmilter"),
};

/* test_values - each accepted spelling of each kind of value */
static void
test_values(void)
{
	const struct val_case *vc;
	struct config *c;
	struct msgs m;
	const char *f;

	for (vc = val_cases; vc < val_cases + nitems(val_cases); vc++) {
		c = load(vc->line, &m, NULL);
		CHECK(c != NULL && m.n == 0, "%s: got=%d problems (\"%s\")",
		    vc->line, m.n, m.n > 0 ? m.v[0] : "");
		if (c == NULL)
			continue;
		f = (const char *)c + vc->off;
		switch (vc->kind) {
		case V_BOOL:
			CHECK_INT(*(const bool *)f, vc->num, vc->line);
			break;
		case V_UNSIGNED:
			CHECK_INT(*(const unsigned *)f, vc->num, vc->line);
			break;
		case V_INT:
			CHECK_INT(*(const int *)f, vc->num, vc->line);
			break;
		case V_STRING:
			CHECK_STR(*(char *const *)f, vc->str, vc->line);
			break;
		}
		config_unref(c);
	}
}

/* ------------------------------------------------------------- errors */

/* err_case - a file with exactly one problem, and the problem */
struct err_case {
	const char	*what;
	const char	*text;
	unsigned	 line;
	const char	*key;
	const char	*want;
};

static const struct err_case err_cases[] = {
	{ "unknown key", "# c\nFrobnicate yes\n", 2, "Frobnicate",
	    "unknown key" },
	{ "bad bool", "IgnoreAuthenticatedClients maybe\n", 1,
	    "IgnoreAuthenticatedClients", "\"maybe\" is not yes or no" },
	{ "bool without value", "IgnoreAuthenticatedClients\n", 1,
	    "IgnoreAuthenticatedClients", "needs a value" },
	{ "bad duration", "\n\nDNSTimeout 5x\n", 3, "DNSTimeout",
	    "\"5x\" is not a duration (use 500ms or 5s)" },
	{ "duration with a space", "DNSTimeout 5 s\n", 1, "DNSTimeout",
	    "is not a duration" },
	{ "negative duration", "DNSTimeout -5s\n", 1, "DNSTimeout",
	    "is not a duration" },
	{ "duration in minutes", "DNSMessageBudget 1m\n", 1,
	    "DNSMessageBudget", "is not a duration" },
	{ "empty duration", "DNSTimeout \"\"\n", 1, "DNSTimeout",
	    "needs a value" },
	{ "duration too short", "DNSTimeout 99ms\n", 1, "DNSTimeout",
	    "\"99ms\" is out of range (100ms to 60s)" },
	{ "duration zero", "DNSTimeout 0\n", 1, "DNSTimeout",
	    "is out of range (100ms to 60s)" },
	{ "duration too long", "DNSTimeout 61s\n", 1, "DNSTimeout",
	    "is out of range (100ms to 60s)" },
	{ "budget too long", "DNSMessageBudget 300001ms\n", 1,
	    "DNSMessageBudget", "is out of range (100ms to 300s)" },
	{ "duration overflow", "DNSTimeout 99999999999999999999999ms\n", 1,
	    "DNSTimeout", "is out of range" },
	{ "duration overflow in ms", "DNSTimeout 18446744073709552s\n", 1,
	    "DNSTimeout", "is out of range" },
	{ "bad octal", "SocketMode 0689\n", 1, "SocketMode",
	    "\"0689\" is not an octal mode" },
	{ "octal with letters", "SocketMode rw-rw----\n", 1, "SocketMode",
	    "is not an octal mode" },
	{ "octal too big", "SocketMode 01777\n", 1, "SocketMode",
	    "\"01777\" is out of range (0 to 0777)" },
	{ "bad CIDR", "InternalHosts 10.0.0.0/8, 10.0.0.300\n", 1,
	    "InternalHosts", "\"10.0.0.300\" is not an IP address" },
	{ "CIDR host name", "InternalHosts localhost\n", 1, "InternalHosts",
	    "\"localhost\" is not an IP address" },
	{ "CIDR bad prefix", "InternalHosts 10.0.0.0/x\n", 1,
	    "InternalHosts", "has a bad prefix length" },
	{ "CIDR empty prefix", "InternalHosts 10.0.0.0/\n", 1,
	    "InternalHosts", "has a bad prefix length" },
	{ "v4 prefix out of range", "InternalHosts 10.0.0.0/33\n", 1,
	    "InternalHosts", "prefix out of range (at most /32 for IPv4)" },
	{ "v6 prefix out of range", "InternalHosts 2001:db8::/129\n", 1,
	    "InternalHosts", "prefix out of range (at most /128 for IPv6)" },
	{ "v4 host bits", "InternalHosts 192.0.2.1/24\n", 1, "InternalHosts",
	    "\"192.0.2.1/24\" has host bits set beyond the prefix "
	    "(the network is 192.0.2.0/24)" },
	{ "v6 host bits", "InternalHosts 2001:db8::1/64\n", 1,
	    "InternalHosts", "(the network is 2001:db8::/64)" },
	{ "none with others", "InternalHosts none, 10.0.0.0/8\n", 1,
	    "InternalHosts", "none must stand alone" },
	{ "empty CIDR list", "InternalHosts\n", 1, "InternalHosts",
	    "needs a value (write none for an empty list)" },
	{ "bad socket", "Socket tcp:25\n", 1, "Socket",
	    "\"tcp:25\" is not a socket (use unix:/PATH" },
	{ "bare socket path", "Socket /run/x.sock\n", 1, "Socket",
	    "is not a socket" },
	{ "relative unix socket", "Socket unix:authmilter.sock\n", 1,
	    "Socket", "needs an absolute path" },
	{ "unix socket too long", "Socket unix:/run/"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 1,
	    "Socket", "longer than a unix socket allows" },
	{ "inet socket without host", "Socket inet:8891\n", 1, "Socket",
	    "\"inet:8891\" needs a host (inet:PORT@HOST)" },
	{ "socket port 0", "Socket inet:0@127.0.0.1\n", 1, "Socket",
	    "has a bad port (use a number 1-65535)" },
	{ "socket port too big", "Socket inet6:65536@::1\n", 1, "Socket",
	    "has a bad port" },
	{ "socket port by name", "Socket inet:milter@localhost\n", 1,
	    "Socket", "has a bad port" },
	{ "socket bad host", "Socket inet:8891@bad!host\n", 1, "Socket",
	    "\"bad!host\" is not an IPv4 address or host name" },
	{ "socket without value", "Socket\n", 1, "Socket", "needs a value" },
	{ "relative PidFile", "PidFile authmilter.pid\n", 1, "PidFile",
	    "\"authmilter.pid\" is not an absolute path" },
	{ "relative DNSTrustAnchorFile", "DNSTrustAnchorFile root.key\n", 1,
	    "DNSTrustAnchorFile", "is not an absolute path" },
	{ "trailing comment", "PidFile /run/x.pid # the pid\n", 1, "PidFile",
	    "contains white space" },
	{ "duplicate key", "LogLevel info\n\nLogLevel debug\n", 3, "LogLevel",
	    "given twice, first at line 1" },
	{ "duplicate in other case", "loglevel info\nLOGLEVEL info\n", 2,
	    "LogLevel", "given twice, first at line 1" },
	{ "AuthservID with ;", "AuthservID mx.example.net;evil\n", 1,
	    "AuthservID", "has ';', which an authserv-id cannot hold" },
	{ "AuthservID with space", "AuthservID \"mx example\"\n", 1,
	    "AuthservID", "has ' '" },
	{ "AuthservID with @", "AuthservID postmaster@example.net\n", 1,
	    "AuthservID", "has '@'" },
	{ "empty AuthservID", "AuthservID \"\"\n", 1, "AuthservID",
	    "needs a value" },
	{ "empty User", "User\n", 1, "User", "needs a value" },
	{ "User root", "User root\n", 1, "User", "\"root\" is refused" },
	{ "bad LogLevel", "LogLevel verbose\n", 1, "LogLevel",
	    "\"verbose\" is not one of error, warning, notice, info, debug" },
	{ "DKIMMaxSignatures 0", "DKIMMaxSignatures 0\n", 1,
	    "DKIMMaxSignatures", "is out of range (1 to 50)" },
	{ "DKIMMaxKeyBits text", "DKIMMaxKeyBits big\n", 1,
	    "DKIMMaxKeyBits", "is not a number" },
	{ "DMARCAllowDKIMDomains bad", "DMARCAllowDKIMDomains a..b\n", 1,
	    "DMARCAllowDKIMDomains", "is not a domain name" },
	{ "QuarantineAction bad", "QuarantineAction discard\n", 1,
	    "QuarantineAction", "is not one of hold, header, accept" },
	{ "bad SPFTempErrorAction", "SPFTempErrorAction reject\n", 1,
	    "SPFTempErrorAction", "is not one of accept, tempfail" },
	{ "bad SPFRejectFail", "SPFRejectFail maybe\n", 1,
	    "SPFRejectFail", "" },
	{ "bad SyslogFacility", "SyslogFacility local8\n", 1,
	    "SyslogFacility", "is not one of mail, daemon, user, local0," },
	{ "DNSForwarder bad address", "DNSForwarder 192.0.2.300\n", 1,
	    "DNSForwarder", "\"192.0.2.300\" is not an IP address" },
	{ "DNSForwarder host name", "DNSForwarder dns.example\n", 1,
	    "DNSForwarder", "\"dns.example\" is not an IP address" },
	{ "DNSForwarder port 0", "DNSForwarder 192.0.2.53@0\n", 1,
	    "DNSForwarder", "\"192.0.2.53@0\" has a bad port" },
	{ "DNSForwarder v6 port", "DNSForwarder ::1@99999\n", 1,
	    "DNSForwarder", "has a bad port" },
	{ "DNSForwarder two", "DNSForwarder 192.0.2.1 192.0.2.2\n", 1,
	    "DNSForwarder", "is not an IP address" },
	{ "DNSForwarder empty", "DNSForwarder\n", 1, "DNSForwarder",
	    "needs a value" },
	{ "DNSStubZone no address", "DNSStubZone test.\n", 1, "DNSStubZone",
	    "\"test.\" is not ZONE ADDR[@PORT]" },
	{ "DNSStubZone three fields", "DNSStubZone test. 192.0.2.1 x\n", 1,
	    "DNSStubZone", "is not ZONE ADDR[@PORT]" },
	{ "DNSStubZone bad zone", "DNSStubZone te..st 192.0.2.53\n", 1,
	    "DNSStubZone", "does not start with a domain name" },
	{ "DNSStubZone name server", "DNSStubZone test. ns.test\n", 1,
	    "DNSStubZone", "\"ns.test\" is not an IP address" },
	{ "DNSStubZone bad port", "DNSStubZone test. 192.0.2.53@dns\n", 1,
	    "DNSStubZone", "has a bad port" },
	{ "DNSTrustAnchor A record",
	    "DNSTrustAnchor test. 3600 IN A 192.0.2.1\n", 1, "DNSTrustAnchor",
	    "is not a DS or DNSKEY record" },
	{ "DNSTrustAnchor no data", "DNSTrustAnchor test. 3600 IN DS\n", 1,
	    "DNSTrustAnchor", "is not a DS or DNSKEY record" },
	{ "DNSTrustAnchor owner only", "DNSTrustAnchor test.\n", 1,
	    "DNSTrustAnchor", "does not start with an owner name" },
	{ "DNSTrustAnchor bad owner", "DNSTrustAnchor te..st. DS 1 13 2 AB\n",
	    1, "DNSTrustAnchor", "does not start with an owner name" },
};

/* test_errors - each bad file gives exactly its one problem */
static void
test_errors(void)
{
	const struct err_case *ec;
	struct config *c;
	struct msgs m;
	char *path;

	for (ec = err_cases; ec < err_cases + nitems(err_cases); ec++) {
		c = load(ec->text, &m, &path);
		CHECK(c == NULL, "%s: loaded a bad file", ec->what);
		CHECK(m.n == 1, "%s: got=%d problems want=1 (first \"%s\")",
		    ec->what, m.n, m.n > 0 ? m.v[0] : "");
		if (m.n > 0)
			check_msg(ec->what, m.v[0], path, ec->line, ec->key,
			    ec->want);
		config_unref(c);
		unlink(path);
		free(path);
	}
}

/* test_many_errors - every problem of one file is reported, in order */
static void
test_many_errors(void)
{
	static const char text[] =
	    "Frobnicate 1\n"		/* 1 */
	    "DNSTimeout 0s\n"		/* 2 */
	    "# a comment\n"		/* 3 */
	    "SocketMode 999\n"		/* 4 */
	    "LogLevel info\n"		/* 5: good */
	    "LogLevel debug\n"		/* 6 */
	    "InternalHosts 10.1.0.0/8\n"; /* 7 */
	struct config *c;
	struct msgs m;
	char *path;

	c = load(text, &m, &path);
	CHECK(c == NULL, "many errors: loaded");
	CHECK_INT(m.n, 5, "many errors: problems");
	if (m.n == 5) {
		check_msg("many 1", m.v[0], path, 1, "Frobnicate", "unknown");
		check_msg("many 2", m.v[1], path, 2, "DNSTimeout", "range");
		check_msg("many 3", m.v[2], path, 4, "SocketMode", "octal");
		check_msg("many 4", m.v[3], path, 6, "LogLevel", "twice");
		check_msg("many 5", m.v[4], path, 7, "InternalHosts", "host");
	}
	config_unref(c);
	unlink(path);
	free(path);
}

/* test_missing_file - "FILE: cannot open: ..." */
static void
test_missing_file(void)
{
	const char *path = "/nonexistent/authmilter.conf";
	struct config *c;
	struct msgs m;

	memset(&m, 0, sizeof(m));
	c = config_load(path, collect, &m);
	CHECK(c == NULL, "missing file: loaded");
	CHECK_INT(m.n, 1, "missing file: problems");
	if (m.n == 1)
		check_msg("missing file", m.v[0], path, 0, NULL,
		    "cannot open: No such file or directory");
	c = config_load(path, NULL, NULL);
	CHECK(c == NULL, "missing file without a report function: loaded");

	memset(&m, 0, sizeof(m));
	c = config_load("/tmp", collect, &m);
	CHECK(c == NULL && m.n == 1, "directory: got=%d problems", m.n);
	if (m.n == 1)
		check_msg("directory", m.v[0], "/tmp", 0, NULL, "cannot");
}

/* test_long_lines - AM_MAX_CONFIG_LINE is allowed, one more is not */
static void
test_long_lines(void)
{
	size_t n = AM_MAX_CONFIG_LINE;
	char *text = malloc(3 * (n + 2) + 64), *p, *path;
	struct config *c;
	struct msgs m;

	p = text;
	*p++ = '#';
	memset(p, 'x', n - 1);		/* line 1: exactly the cap */
	p += n - 1;
	p += sprintf(p, "\nDNSTimeout ");	/* line 2: one more */
	memset(p, '9', n + 1 - strlen("DNSTimeout "));
	p += n + 1 - strlen("DNSTimeout ");
	p += sprintf(p, "\nLogLevel loud\n");	/* line 3 */
	*p = '\0';
	c = load(text, &m, &path);
	CHECK(c == NULL, "long lines: loaded");
	CHECK_INT(m.n, 2, "long lines: problems");
	if (m.n == 2) {
		check_msg("overlong line", m.v[0], path, 2, "DNSTimeout",
		    "line longer than 4096 characters");
		check_msg("after overlong line", m.v[1], path, 3,
		    "LogLevel", "\"loud\"");
	}
	config_unref(c);
	unlink(path);
	free(path);
	free(text);
}

/* test_odd_files - a NUL byte, too many lines, no final newline */
static void
test_odd_files(void)
{
	static const char nul[] = "DNSTimeout 5s\0junk\nLogLevel debug";
	struct config *c;
	struct msgs m;
	char *path, *text;

	memset(&m, 0, sizeof(m));
	path = write_file(nul, sizeof(nul) - 1);
	c = config_load(path, collect, &m);
	CHECK(c == NULL && m.n == 1, "NUL byte: got=%d problems", m.n);
	if (m.n == 1)
		check_msg("NUL byte", m.v[0], path, 1, "DNSTimeout", "NUL");
	unlink(path);
	free(path);

	text = malloc(AM_MAX_CONFIG_LINES + 2);
	memset(text, '\n', AM_MAX_CONFIG_LINES + 1);
	text[AM_MAX_CONFIG_LINES + 1] = '\0';
	c = load(text, &m, &path);
	CHECK(c == NULL && m.n == 1, "too many lines: got=%d problems", m.n);
	if (m.n == 1)
		check_msg("too many lines", m.v[0], path, AM_MAX_CONFIG_LINES
		    + 1, NULL, "more than 100000 lines");
	unlink(path);
	free(path);
	free(text);

	c = load("LogLevel debug", &m, NULL);	/* no final newline */
	CHECK(c != NULL && c->log_level == LOG_DEBUG, "no final newline");
	config_unref(c);
}

/* ----------------------------------------------------------------- lists */

/* test_lists - accumulation, "none", replacement of the default */
static void
test_lists(void)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	struct config *c;
	struct msgs m;

	c = load("DNSForwarder 192.0.2.1\nDNSForwarder 192.0.2.2@53\n"
	    "LogLevel info\nDNSForwarder 2001:db8::53\n", &m, NULL);
	CHECK(c != NULL && c->dns_forwarders.n == 3, "forwarders: 3 lines");
	if (c != NULL && c->dns_forwarders.n == 3) {
		CHECK_STR(c->dns_forwarders.v[0], "192.0.2.1", "fwd 0");
		CHECK_STR(c->dns_forwarders.v[2], "2001:db8::53", "fwd 2");
	}
	config_unref(c);

	c = load("InternalHosts none\n", &m, NULL);
	CHECK(c != NULL && c->internal_hosts.n == 0, "InternalHosts none");
	CHECK(c != NULL && !cidr_list_match(&c->internal_hosts, AF_INET,
	    lo4), "InternalHosts none: 127.0.0.1 is not internal");
	config_unref(c);

	c = load("InternalHosts NONE\nInternalHosts 192.0.2.0/24\n", &m, NULL);
	CHECK(c != NULL && c->internal_hosts.n == 1, "none, then one");
	config_unref(c);

	c = load("InternalHosts 192.0.2.0/24 198.51.100.0/24,\n"
	    "InternalHosts ,2001:db8::/32\n", &m, NULL);
	CHECK(c != NULL && c->internal_hosts.n == 3, "InternalHosts: got=%zu "
	    "want=3", c != NULL ? c->internal_hosts.n : 0);
	CHECK(c != NULL && !cidr_list_match(&c->internal_hosts, AF_INET,
	    lo4), "InternalHosts: the default is replaced");
	config_unref(c);
}

/* ------------------------------------------------------------------ CIDR */

/* cidr_case - one cidr_parse() input */
struct cidr_case {
	const char	*s;
	bool		 ok;
	int		 family;
	unsigned	 prefix;
};

static const struct cidr_case cidr_cases[] = {
	{ "192.0.2.0/24", true, AF_INET, 24 },
	{ "192.0.2.1", true, AF_INET, 32 },
	{ "0.0.0.0/0", true, AF_INET, 0 },
	{ "192.0.2.1/32", true, AF_INET, 32 },
	{ "11.0.0.0/7", false, 0, 0 },		/* host bit 8 set */
	{ "10.0.0.0/7", true, AF_INET, 7 },
	{ "10.0.0.0/33", false, 0, 0 },
	{ "10.0.0.0/-1", false, 0, 0 },
	{ "10.0.0.0/", false, 0, 0 },
	{ "10.0.0.0/8/8", false, 0, 0 },
	{ "10.0.0", false, 0, 0 },
	{ "/8", false, 0, 0 },
	{ "", false, 0, 0 },
	{ "::1", true, AF_INET6, 128 },
	{ "::/0", true, AF_INET6, 0 },
	{ "2001:db8::/32", true, AF_INET6, 32 },
	{ "2001:db9::/31", false, 0, 0 },
	{ "2001:db8::/31", true, AF_INET6, 31 },
	{ "2001:db8::/129", false, 0, 0 },
	{ "fe80::1%eth0", false, 0, 0 },
	{ "::ffff:192.0.2.0/120", true, AF_INET6, 120 },
	{ "2001:db8::/0064", true, AF_INET6, 64 },
};

/* match_case - one address against one list */
struct match_case {
	const char	*list;	/* InternalHosts value */
	const char	*addr;
	bool		 want;
};

static const struct match_case match_cases[] = {
	{ "192.0.2.0/24", "192.0.2.255", true },
	{ "192.0.2.0/24", "192.0.3.0", false },
	{ "192.0.2.128/25", "192.0.2.127", false },
	{ "192.0.2.128/25", "192.0.2.128", true },
	{ "10.0.0.0/9", "10.127.255.255", true },
	{ "10.0.0.0/9", "10.128.0.0", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "2001:db8::1", false },		/* v6 vs v4 */
	{ "::/0", "2001:db8::1", true },
	{ "::/0", "198.51.100.1", false },		/* v4 vs v6 */
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::1", false },
	{ "2001:db8::/33", "2001:db8:8000::", false },
	{ "2001:db8::1", "2001:db8::1", true },
	{ "2001:db8::1", "2001:db8::2", false },
	{ "192.0.2.0/24", "::ffff:192.0.2.7", true },	/* v4-mapped */
	{ "192.0.2.0/24", "::ffff:192.0.3.7", false },
	{ "::ffff:0:0/96", "192.0.2.7", false },	/* not the reverse */
	{ "none", "127.0.0.1", false },
	{ "192.0.2.0/24, 2001:db8::/32", "2001:db8::5", true },
};

/* test_cidr_parse - cidr_parse() */
static void
test_cidr_parse(void)
{
	const struct cidr_case *cc;
	struct cidr c;
	bool ok;

	for (cc = cidr_cases; cc < cidr_cases + nitems(cidr_cases); cc++) {
		ok = cidr_parse(cc->s, &c);
		CHECK(ok == cc->ok, "cidr_parse(\"%s\"): got=%d want=%d",
		    cc->s, ok, cc->ok);
		if (ok && cc->ok)
			CHECK(c.family == cc->family &&
			    c.prefix == cc->prefix, "cidr_parse(\"%s\"): "
			    "got=%d/%u want=%d/%u", cc->s, c.family, c.prefix,
			    cc->family, cc->prefix);
	}
	CHECK(!cidr_parse(NULL, &c), "cidr_parse(NULL)");
}

/* test_cidr_match - cidr_list_match() through InternalHosts */
static void
test_cidr_match(void)
{
	const struct match_case *mc;
	struct config *c;
	struct msgs m;
	uint8_t a[16];
	char line[256];
	int family;
	bool got;

	for (mc = match_cases; mc < match_cases + nitems(match_cases); mc++) {
		snprintf(line, sizeof(line), "InternalHosts %s\n", mc->list);
		c = load(line, &m, NULL);
		CHECK(c != NULL, "%s: did not load", line);
		if (c == NULL)
			continue;
		family = strchr(mc->addr, ':') != NULL ? AF_INET6 : AF_INET;
		if (inet_pton(family, mc->addr, a) != 1) {
			CHECK(0, "bad test address %s", mc->addr);
			config_unref(c);
			continue;
		}
		got = cidr_list_match(&c->internal_hosts, family, a);
		CHECK(got == mc->want, "%s in %s: got=%d want=%d", mc->addr,
		    mc->list, got, mc->want);
		config_unref(c);
	}
	CHECK(!cidr_list_match(NULL, AF_INET, a), "match in a NULL list");
}

/* ------------------------------------------------ references and reload */

/* reader - take and drop references to the live config, many times */
static void *
reader(void *arg)
{
	struct config *c;
	int i;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		if ((c = config_current()) == NULL)
			continue;
		if (c->socket[0] != 'u')	/* touch it */
			abort();
		config_unref(c);
	}
	return NULL;
}

/* test_threads - readers race with installs (for ASan and TSan) */
static void
test_threads(void)
{
	pthread_t t[4];
	size_t i;

	for (i = 0; i < nitems(t); i++)
		pthread_create(&t[i], NULL, reader, NULL);
	for (i = 0; i < 200; i++)
		config_install(config_defaults());
	for (i = 0; i < nitems(t); i++)
		pthread_join(t[i], NULL);
	config_install(NULL);
	CHECK(config_current() == NULL, "threads: live config left");
}

/* test_refs - config_ref, config_unref, config_install, config_current */
static void
test_refs(void)
{
	struct config *a, *b, *held;

	CHECK(config_current() == NULL, "current before install");
	CHECK(config_ref(NULL) == NULL, "config_ref(NULL)");
	config_unref(NULL);

	a = config_defaults();
	CHECK(config_ref(a) == a && a->refs == 2, "config_ref");
	config_unref(a);
	CHECK_INT(a->refs, 1, "config_unref");

	config_install(a);		/* takes over our reference */
	held = config_current();
	CHECK(held == a && a->refs == 2, "current: got=%p refs=%d",
	    (void *)held, a->refs);

	b = config_defaults();
	config_install(b);		/* a lives on: we hold it */
	CHECK_INT(a->refs, 1, "old config held by a connection");
	CHECK_STR(held->user, "authmilter", "old config still readable");
	config_unref(held);		/* freed here (ASan would tell) */

	held = config_current();
	CHECK(held == b && b->refs == 2, "current after reload");
	config_unref(held);
	config_install(NULL);		/* frees b */
	CHECK(config_current() == NULL, "current after install(NULL)");
	test_threads();
}

/* test_dns_equal - which changes config_dns_equal() notices */
static void
test_dns_equal(void)
{
	static const struct {
		const char	*text;
		bool		 want;
	} cases[] = {
		{ "", true },
		{ "LogLevel debug\nDNSMessageBudget 5s\nUser nobody\n", true },
		{ "InternalHosts none\nSocket inet:1@localhost\n", true },
		{ "DNSForwarder 192.0.2.53\n", false },
		{ "DNSStubZone test. 192.0.2.53\n", false },
		{ "DNSTrustAnchor test. DS 1 13 2 AB\n", false },
		{ "DNSTrustAnchorFile /etc/unbound/root.key\n", false },
		{ "DNSTrustAnchorFile /usr/share/dns/root.key\n", true },
		{ "DNSTimeout 6s\n", false },
		{ "DNSTimeout 5000ms\n", true },
	};
	struct config *d = config_defaults(), *c;
	struct msgs m;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		c = load(cases[i].text, &m, NULL);
		CHECK(c != NULL && config_dns_equal(d, c) == cases[i].want &&
		    config_dns_equal(c, d) == cases[i].want,
		    "config_dns_equal(\"%s\"): want=%d", cases[i].text,
		    cases[i].want);
		config_unref(c);
	}
	config_unref(d);
}

/* test_key_names - the table's names: unique, NULL past the end */
static void
test_key_names(void)
{
	const char *n;
	size_t i, j;

	for (i = 0; config_key_name(i) != NULL; i++)
		for (j = 0; j < i; j++)
			CHECK(strcasecmp(config_key_name(i),
			    config_key_name(j)) != 0, "key %s twice",
			    config_key_name(i));
	CHECK_INT(i, NKEYS, "number of keys");
	CHECK(config_key_name((size_t)-1) == NULL, "key name past the end");
	n = config_key_name(0);
	CHECK_STR(n, "Socket", "first key");
}

/* print_problem - the report function of --conf */
static void
print_problem(void *arg, const char *msg)
{
	(void)arg;
	printf("%s\n", msg);
}

/* check_sample - --conf FILE: it loads, with the documented defaults */
static int
check_sample(const char *path)
{
	struct config *c;

	c = config_load(path, print_problem, NULL);
	CHECK(c != NULL, "%s does not load", path);
	if (c != NULL)
		check_defaults(path, c, true);
	config_unref(c);
	return check_done("sample configuration");
}

int
main(int argc, char **argv)
{
	const char *n;
	size_t i;

	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		for (i = 0; (n = config_key_name(i)) != NULL; i++)
			printf("%s\n", n);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--conf") == 0)
		return check_sample(argv[2]);
	test_refs();		/* first: it needs no live config yet */
	test_defaults();
	test_all_keys();
	test_values();
	test_errors();
	test_many_errors();
	test_missing_file();
	test_long_lines();
	test_odd_files();
	test_lists();
	test_cidr_parse();
	test_cidr_match();
	test_dns_equal();
	test_key_names();
	return check_done("test_config");
}
