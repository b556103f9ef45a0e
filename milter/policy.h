/*
 * policy.h - the final decision on a message
 *
 * Contract
 *   policy_decide() reads the message's results (conn.h) and the
 *   configuration and says what happens: accept, reject (5xx) or tempfail
 *   (4xx), with the SMTP reply.  Reply texts are printable ASCII without
 *   '%' (libmilter passes them on unchecked).  It grows with DMARC (local
 *   overrides, quarantine, dry run); today it applies the SPF keys:
 *   SPFRejectFail (550 5.7.23, RFC 7372) and SPFTempErrorAction (451
 *   4.4.3).
 */
#ifndef AM_POLICY_H
#define AM_POLICY_H

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
	const char	*rcode;		/* "550", "451" */
	const char	*xcode;		/* "5.7.23", ... */
	char		 text[512];	/* the reply text */
	const char	*action;	/* for the log line */
};

/* policy_decide - the decision for M under C */
void	 policy_decide(const struct config *c, const struct msg *m,
	    const char *client_ip, struct decision *d);

#endif /* AM_POLICY_H */
