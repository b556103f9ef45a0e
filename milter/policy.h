/*
 * policy.h - the final decision on a message
 *
 * Contract
 *   policy_decide() reads the message's results (conn.h) and the
 *   configuration and says what happens, in this order:
 *   - DMARC fail under p/sp/np=reject: 550 5.7.1 naming the domain when
 *     RejectFailures is on, else handled as quarantine;
 *   - DMARC fail under quarantine: QuarantineAction (Postfix's hold
 *     queue, a header for mailbox rules, or nothing);
 *   - a local override (DMARCAllowIPs, DMARCAllowDKIMDomains,
 *     DMARCAllowSPFDomains) turns both into "none" and is recorded as the
 *     override reason (RFC 9990 local_policy, trusted_forwarder,
 *     mailing_list);
 *   - SPF fail with SPFRejectFail, unless DMARC passed: 550 5.7.23;
 *   - DMARC or SPF temperror with the tempfail action: 451 4.4.3;
 *   - a malformed From with DMARCRejectMalformedFrom: 550 5.7.1.
 *   t=y records are applied as "none" (RFC 9989 testing mode).  With
 *   DryRun nothing is rejected, deferred or held: the decision is logged
 *   as what would have been done.  Reply texts are printable ASCII
 *   without '%' (libmilter passes them on unchecked).
 */
#ifndef AM_POLICY_H
#define AM_POLICY_H

#include <stdbool.h>

struct config;
struct msg;

enum verdict {
	VERDICT_ACCEPT = 0,
	VERDICT_REJECT,
	VERDICT_TEMPFAIL
};

/* decision - what to do and what to say */
struct decision {
	enum verdict	 verdict;
	bool		 hold;		/* smfi_quarantine */
	bool		 mark;		/* add the quarantine header */
	const char	*rcode;		/* "550", "451" */
	const char	*xcode;		/* "5.7.1", ... */
	char		 text[512];	/* the reply text */
	const char	*action;	/* for the log line */
	const char	*disposition;	/* DMARC: none, quarantine, reject */
	const char	*override;	/* RFC 9990 reason, or NULL */
	bool		 dry_run;	/* verdict/hold/mark were cleared */
};

/* policy_decide - the decision for M under C */
void	 policy_decide(const struct config *c, const struct msg *m,
	    int family, const unsigned char *addr, const char *client_ip,
	    struct decision *d);

#endif /* AM_POLICY_H */
