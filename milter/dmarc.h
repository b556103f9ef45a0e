/*
 * dmarc.h - DMARC (RFC 9989) for one message: the author domain's policy,
 * identifier alignment, the result
 *
 * Contract
 *   dmarc_evaluate() runs after SPF and DKIM (end of message) and fills
 *   one struct dmarc_outcome: the result (pass, fail, none, temperror,
 *   permerror), the published policy and the one that applies, where the
 *   record was found and how (DNS Tree Walk, or the Public Suffix List in
 *   the RFC 7489 compatibility mode), which identifiers aligned, and the
 *   DNSSEC state of the DMARC records used.  Together with the message's
 *   SPF and DKIM results (conn.h) it holds every field an RFC 9990
 *   aggregate report row needs; policy.c turns it into a disposition.
 *   dmarc_prefetch() starts the _dmarc lookup as soon as the From header
 *   has arrived.
 *
 *   The From header (RFC 9989 4.4, 5.3.1): exactly one From header with
 *   exactly one mailbox is evaluated; none, several headers, several
 *   mailboxes, an unparsable header, a domain literal or an IDN U-label
 *   domain (we do no IDNA conversion) is permerror with the reason.
 *
 *   What is ours and what is libopendmarc's: record parsing, discovery,
 *   the Organizational Domain, alignment and the PSL are ours
 *   (dmarc_record.h explains why each libopendmarc 1.4.2 counterpart is
 *   not used: it implements RFC 7489 only, ignores np/psd/t, applies pct,
 *   passes strict alignment on org-domain equality, mishandles PSL
 *   wildcards, and does its own resolver queries).  libopendmarc is
 *   linked for the RFC 7489 cross-check in the tests only.
 *
 *   DNS goes through dns.c only, within the message's budget.  A DNS
 *   failure in discovery or in a relaxed-alignment walk that decides the
 *   result is temperror; bogus DNSSEC data counts as a failure.
 */
#ifndef AM_DMARC_H
#define AM_DMARC_H

#include <stdbool.h>

#include "caps.h"
#include "dkim.h"
#include "dmarc_record.h"
#include "dns.h"
#include "spf.h"

struct psl;

enum dmarc_result {
	DMARC_RES_NONE = 0,
	DMARC_RES_PASS,
	DMARC_RES_FAIL,
	DMARC_RES_TEMPERROR,
	DMARC_RES_PERMERROR
};

/* dmarc_mode - how the policy and the Organizational Domain are found */
enum dmarc_mode {
	DMARC_MODE_9989 = 0,	/* DNS Tree Walk */
	DMARC_MODE_7489		/* Public Suffix List */
};

/* dmarc_input - what the evaluation reads */
struct dmarc_input {
	unsigned			 from_count;	/* From headers */
	int				 from_status;	/* enum addr_status */
	const char			*from_domain;
	const struct spf_outcome	*spf;		/* MAIL FROM identity */
	const struct dkimv_results	*dkim;
	const struct dns_budget		*budget;
};

/* dmarc_outcome - the DMARC part of the per-message record */
struct dmarc_outcome {
	bool			 evaluated;
	enum dmarc_result	 result;
	char			 reason[96];	/* why not pass/fail, or "" */
	char			 from_domain[AM_MAX_DOMAIN + 1];
	char			 policy_domain[AM_MAX_DOMAIN + 1];
	bool			 record;	/* a record applies */
	struct dmarc_record	 rec;		/* published record */
	enum dmarc_policy	 policy;	/* the p, sp or np that applies */
	const char		*policy_tag;	/* "p", "sp", "np" */
	bool			 testing;	/* t=y */
	const char		*discovery;	/* "treewalk" or "psl" */
	bool			 dkim_aligned;
	char			 dkim_domain[AM_MAX_DOMAIN + 1]; /* aligned d= */
	bool			 spf_aligned;
	enum dns_security	 security;	/* of the records used */
	int			 queries;
};

/* dmarc_init - D for lookups; MODE; PSL_PATH read in the RFC 7489 mode */
int		 dmarc_init(struct dns *d, enum dmarc_mode mode,
		    const char *psl_path, char *err, size_t errlen);

/* dmarc_shutdown - free what dmarc_init built */
void		 dmarc_shutdown(void);

/* dmarc_prefetch - start the lookup of _dmarc.DOMAIN */
void		 dmarc_prefetch(const char *domain);

/* dmarc_evaluate - the DMARC outcome of IN into OUT */
void		 dmarc_evaluate(const struct dmarc_input *in,
		    struct dmarc_outcome *out);

/* dmarc_result_str - RFC 8601 name of a result */
const char	*dmarc_result_str(enum dmarc_result r);

#endif /* AM_DMARC_H */
