/*
 * config.h - authmilter configuration: one immutable, table-driven struct
 *
 * Contract
 *   config_load() parses "Key value" lines (keys case-insensitive, '#'
 *   starts a comment line, blank lines ignored) into a new struct config.
 *   One table row per key (name, type, default, validator) drives parsing,
 *   defaults and the list of keys (config_key_name), which the tests
 *   compare with conf/authmilter.conf and authmilter.conf(5).
 *
 *   Every problem is reported through the caller's report function as
 *   "FILE:LINE: KEY: problem" (or "FILE: problem" when no line applies),
 *   and loading goes on to find all of them; config_load then returns NULL.
 *   Unknown keys, bad values and a non-list key given twice are errors.
 *
 *   A loaded config is never modified.  It is reference counted:
 *   config_current() hands out a reference to the live config,
 *   config_install() swaps in a new one (SIGHUP reload), and a connection
 *   keeps the config it started with until it calls config_unref().
 *
 * Key types
 *   string, bool (yes/no/true/false/on/off/1/0), unsigned integer,
 *   duration (integer with optional "ms" or "s" suffix; bare means
 *   seconds), octal mode, enum, CIDR list (comma/space separated, values
 *   accumulate over repeated lines), line list (each line adds one item).
 */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* cidr - one address block */
struct cidr {
	int	 family;	/* AF_INET or AF_INET6 */
	uint8_t	 addr[16];	/* network order; 4 bytes used for AF_INET */
	unsigned prefix;	/* 0..32 or 0..128 */
};

struct cidr_list {
	size_t		 n;
	struct cidr	*v;
};

struct str_list {
	size_t	  n;
	char	**v;
};

struct config {
	char		*path;		/* file it was loaded from */

	/* daemon */
	char		*socket;	/* Socket: unix:PATH | inet:PORT@HOST | inet6:PORT@HOST */
	unsigned	 socket_mode;	/* SocketMode: octal, unix sockets only */
	char		*socket_group;	/* SocketGroup: "" leaves the user's group */
	char		*user;		/* User: account to run as */
	char		*pidfile;	/* PidFile: "" for none */

	/* identity and what is skipped */
	char		*authserv_id;	/* AuthservID: default the host name */
	struct cidr_list internal_hosts; /* InternalHosts */
	bool		 ignore_authenticated; /* IgnoreAuthenticatedClients */

	/* DNS (see dns.h) */
	struct str_list	 dns_forwarders;	/* DNSForwarder ADDR[@PORT] */
	struct str_list	 dns_stub_zones;	/* DNSStubZone ZONE ADDR[@PORT] */
	struct str_list	 dns_trust_anchors;	/* DNSTrustAnchor RR (DS or DNSKEY) */
	char		*dns_trust_anchor_file;	/* DNSTrustAnchorFile: "" for none */
	unsigned	 dns_timeout_ms;	/* DNSTimeout: one lookup */
	unsigned	 dns_budget_ms;		/* DNSMessageBudget: one message */

	/* SPF (spf.h) */
	bool		 spf_helo_check;	/* SPFHeloCheck */
	bool		 spf_received_header;	/* SPFReceivedHeader */
	bool		 spf_reject_fail;	/* SPFRejectFail */
	int		 spf_temperror_action;	/* SPFTempErrorAction */

	/* DKIM (dkim.h) */
	unsigned	 dkim_max_sigs;		/* DKIMMaxSignatures */
	unsigned	 dkim_max_key_bits;	/* DKIMMaxKeyBits */
	bool		 dkim_partial_fail;	/* DKIMPartialBodyFail */

	/* DMARC (dmarc.h) and what a result does (policy.h) */
	int		 dmarc_mode;		/* DMARCMode: enum dmarc_mode */
	char		*dmarc_psl;		/* DMARCPublicSuffixList */
	bool		 reject_failures;	/* RejectFailures */
	int		 quarantine_action;	/* QuarantineAction */
	int		 dmarc_temperror_action; /* DMARCTempErrorAction */
	bool		 dmarc_reject_bad_from;	/* DMARCRejectMalformedFrom */
	struct cidr_list dmarc_allow_ips;	/* DMARCAllowIPs */
	struct str_list	 dmarc_allow_dkim;	/* DMARCAllowDKIMDomains */
	struct str_list	 dmarc_allow_spf;	/* DMARCAllowSPFDomains */
	bool		 dry_run;		/* DryRun */

	/* logging */
	int		 log_level;	/* LogLevel: syslog priority, LOG_ERR..LOG_DEBUG */
	int		 syslog_facility; /* SyslogFacility: LOG_MAIL, ... */

	int		 refs;		/* owned by config.c */
};

/* what a temporary failure does to a message */
enum temperror_action {
	TEMPERROR_ACCEPT = 0,	/* deliver, with the result in the header */
	TEMPERROR_TEMPFAIL	/* 451: the client retries */
};

/* what a DMARC quarantine disposition does */
enum quarantine_action {
	QUARANTINE_HOLD = 0,	/* smfi_quarantine: Postfix's hold queue */
	QUARANTINE_HEADER,	/* a header mailbox rules can file to spam */
	QUARANTINE_ACCEPT	/* deliver as is */
};

/* config_report_fn - receives one error message (no trailing newline) */
typedef void config_report_fn(void *arg, const char *msg);

/* config_load - parse PATH; NULL (after reporting each problem) on error */
struct config	*config_load(const char *path, config_report_fn *report,
		    void *arg);

/* config_defaults - a config holding only the defaults (never NULL but on ENOMEM) */
struct config	*config_defaults(void);

/* config_ref - take one more reference; returns C */
struct config	*config_ref(struct config *c);

/* config_unref - drop a reference; frees at zero; NULL is a no-op */
void		 config_unref(struct config *c);

/* config_install - make C the live config (takes over the caller's reference) */
void		 config_install(struct config *c);

/* config_current - a new reference to the live config, or NULL before install */
struct config	*config_current(void);

/* config_key_name - name of the I-th key of the table, NULL past the end */
const char	*config_key_name(size_t i);

/* cidr_match - does the address (AF_INET: 4 bytes, AF_INET6: 16) fall in L? */
bool		 cidr_list_match(const struct cidr_list *l, int family,
		    const void *addr);

/* cidr_parse - parse "ADDR[/PREFIX]"; false when malformed */
bool		 cidr_parse(const char *s, struct cidr *out);

/* config_dns_equal - do A and B have the same DNS settings (reload check) */
bool		 config_dns_equal(const struct config *a, const struct config *b);

#endif /* AM_CONFIG_H */
