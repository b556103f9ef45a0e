/*
 * policy.c - the final decision on a message (see policy.h)
 */
#include <stdio.h>
#include <string.h>

#include "authres.h"
#include "config.h"
#include "conn.h"
#include "policy.h"

/* policy_set - fill D */
static void
policy_set(struct decision *d, enum verdict v, const char *rcode,
    const char *xcode, const char *action)
{
	d->verdict = v;
	d->rcode = rcode;
	d->xcode = xcode;
	d->action = action;
}

/* policy_domain - D when it is a clean domain name, else a stand-in */
static const char *
policy_domain(const char *d)
{
	return authres_valid(AR_DOMAIN, d) ? d : "the sender's domain";
}

/* policy_decide - the decision for M under C */
void
policy_decide(const struct config *c, const struct msg *m,
    const char *client_ip, struct decision *d)
{
	const struct spf_outcome *spf = &m->spf_mailfrom;

	memset(d, 0, sizeof *d);
	policy_set(d, VERDICT_ACCEPT, NULL, NULL, "accept");
	if (m->skip != SKIP_NONE || !m->spf_ran)
		return;
	if (spf->result == SPF_RES_FAIL && c->spf_reject_fail) {
		policy_set(d, VERDICT_REJECT, "550", "5.7.23", "reject");
		snprintf(d->text, sizeof d->text, "SPF: %s does not permit "
		    "%s to send its mail", policy_domain(spf->domain),
		    client_ip);
		return;
	}
	if (spf->result == SPF_RES_TEMPERROR &&
	    c->spf_temperror_action == TEMPERROR_TEMPFAIL) {
		policy_set(d, VERDICT_TEMPFAIL, "451", "4.4.3", "tempfail");
		snprintf(d->text, sizeof d->text, "SPF: temporary DNS "
		    "failure for %s, try again later",
		    policy_domain(spf->domain));
	}
}
