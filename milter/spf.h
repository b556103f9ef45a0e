/*
 * spf.h - SPF (RFC 7208) on the MAIL FROM and HELO identities
 *
 * Contract
 *   spf_init() builds one libspf2 server for the process over a DNS layer
 *   of our own (milter/dns.c): every lookup goes through libunbound with
 *   the message's DNS budget and is DNSSEC-validated; type 99 (SPF) is
 *   answered NODATA without touching the network (RFC 7208 3.1).
 *
 *   spf_start() copies its inputs and runs the checks in a thread of
 *   their own, so the DNS work overlaps the rest of the SMTP transaction
 *   (it is started at MAIL FROM); spf_finish() waits for the outcome and
 *   frees the job; spf_abandon() lets go without waiting (abort, close):
 *   the thread frees the job when it is done.
 *
 *   What we do where Debian 12's libspf2 1.2.10 goes wrong:
 *   - every SPF record is selected (exactly one "v=spf1" TXT record,
 *     RFC 7208 4.5) and checked against the section 12 grammar by our own
 *     code (spf_grammar.h) before libspf2 compiles it; a record that does
 *     not conform is permerror and never reaches libspf2 (CVE-2021-20314,
 *     CVE-2021-33912, CVE-2021-33913, CVE-2023-42118);
 *   - an explanation (exp=) is checked as an explain-string and its
 *     spaces handed to libspf2 as "%_" (its parser garbles spaces); one
 *     that does not conform is dropped (6.2);
 *   - a DNS failure is temperror (libspf2 says "invalid");
 *   - more than two void lookups is permerror (4.6.4; libspf2 has no
 *     such limit);
 *   - a loopback client is evaluated like any other (libspf2 passes it);
 *   - the identity is checked first (4.3): a malformed or single-label
 *     domain is "none" without a lookup.
 *
 *   Limits: 10 DNS-querying terms (4.6.4, libspf2's own counter), 2 void
 *   lookups, the message's DNS budget, AM_MAX_PATH for MAIL FROM.
 */
#ifndef AM_SPF_H
#define AM_SPF_H

#include <stdbool.h>

#include "caps.h"
#include "dns.h"

/* spf_result - RFC 7208 section 2.6 */
enum spf_result {
	SPF_RES_NONE = 0,
	SPF_RES_NEUTRAL,
	SPF_RES_PASS,
	SPF_RES_FAIL,
	SPF_RES_SOFTFAIL,
	SPF_RES_TEMPERROR,
	SPF_RES_PERMERROR
};

/* spf_outcome - one identity's result */
struct spf_outcome {
	bool			 checked;	/* false: not evaluated */
	enum spf_result		 result;
	enum dns_security	 security;	/* weakest answer used */
	char			 domain[AM_MAX_DOMAIN + 1]; /* identity domain */
	char			 reason[96];	/* why permerror/temperror */
	char			 explanation[256]; /* fail only, checked */
};

/* spf_input - what a check needs; copied by spf_start */
struct spf_input {
	int			 family;	/* AF_INET or AF_INET6 */
	char			 client_ip[46];
	char			 helo[AM_MAX_HELO + 1];
	char			 mailfrom[AM_MAX_PATH + 1]; /* "" = null sender */
	bool			 check_helo;	/* also the HELO identity */
	struct dns_budget	 budget;
};

struct spf_job;

/* spf_init - the process's SPF server over D; RECEIVER names us */
int		 spf_init(struct dns *d, const char *receiver);

/* spf_shutdown - free the SPF server */
void		 spf_shutdown(void);

/* spf_start - run the checks of IN in the background; NULL on ENOMEM */
struct spf_job	*spf_start(const struct spf_input *in);

/* spf_finish - wait for J, copy its outcomes, free J */
void		 spf_finish(struct spf_job *j, struct spf_outcome *mailfrom,
		    struct spf_outcome *helo);

/* spf_abandon - let go of J without waiting; NULL is a no-op */
void		 spf_abandon(struct spf_job *j);

/* spf_check - the checks of IN in the calling thread (tests, fuzzing) */
void		 spf_check(const struct spf_input *in,
		    struct spf_outcome *mailfrom, struct spf_outcome *helo);

/* spf_received - Received-SPF value (RFC 7208 9.1) for O, checked on IN */
void		 spf_received(char *out, size_t outlen,
		    const struct spf_outcome *o, const struct spf_input *in,
		    const char *receiver, bool helo_identity);

/* spf_result_str - RFC 7208 name of a result */
const char	*spf_result_str(enum spf_result r);

/* spf_domain_ok - is D a syntactically usable multi-label domain (4.3)? */
bool		 spf_domain_ok(const char *d);

#endif /* AM_SPF_H */
