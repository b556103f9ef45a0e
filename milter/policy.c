/*
 * policy.c - the final decision on a message (see policy.h)
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "config.h"
#include "conn.h"
#include "policy.h"

/* policy_set - verdict, codes, action */
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

/* listed - is DOMAIN one of L (case-insensitive)? */
static bool
listed(const struct str_list *l, const char *domain)
{
	size_t i;

	for (i = 0; domain != NULL && domain[0] != '\0' && i < l->n; i++)
		if (strcasecmp(l->v[i], domain) == 0)
			return true;
	return false;
}

/* policy_override - a local reason to set the DMARC policy aside */
static const char *
policy_override(const struct config *c, const struct msg *m, int family,
    const unsigned char *addr)
{
	size_t i;

	if (family != 0 && cidr_list_match(&c->dmarc_allow_ips, family, addr))
		return "trusted_forwarder";
	for (i = 0; m->dkim_ran && i < m->dkim_res.n; i++)
		if (m->dkim_res.sig[i].result == DKIMV_PASS &&
		    listed(&c->dmarc_allow_dkim, m->dkim_res.sig[i].domain))
			return "mailing_list";
	if (m->spf_ran && m->spf_mailfrom.result == SPF_RES_PASS &&
	    listed(&c->dmarc_allow_spf, m->spf_mailfrom.domain))
		return "local_policy";
	return NULL;
}

/* policy_dmarc_fail - the disposition of a DMARC failure */
static void
policy_dmarc_fail(const struct config *c, const struct msg *m,
    struct decision *d)
{
	const char *dom = policy_domain(m->dmarc.from_domain);

	if (m->dmarc.policy == DMARC_P_REJECT && c->reject_failures) {
		d->disposition = "reject";
		policy_set(d, VERDICT_REJECT, "550", "5.7.1", "reject");
		snprintf(d->text, sizeof d->text, "DMARC: the policy of %s "
		    "rejects this message", dom);
		return;
	}
	if (m->dmarc.policy != DMARC_P_REJECT &&
	    m->dmarc.policy != DMARC_P_QUARANTINE)
		return;
	d->disposition = "quarantine";
	if (c->quarantine_action == QUARANTINE_HOLD) {
		d->hold = true;
		d->action = "hold";
	} else if (c->quarantine_action == QUARANTINE_HEADER) {
		d->mark = true;
		d->action = "mark";
	}
}

/* policy_dmarc - what the DMARC result does */
static void
policy_dmarc(const struct config *c, const struct msg *m, int family,
    const unsigned char *addr, struct decision *d)
{
	const struct dmarc_outcome *o = &m->dmarc;

	if (o->result == DMARC_RES_FAIL) {
		d->override = policy_override(c, m, family, addr);
		if (d->override == NULL)
			policy_dmarc_fail(c, m, d);
	} else if (o->result == DMARC_RES_TEMPERROR &&
	    c->dmarc_temperror_action == TEMPERROR_TEMPFAIL) {
		policy_set(d, VERDICT_TEMPFAIL, "451", "4.4.3", "tempfail");
		snprintf(d->text, sizeof d->text, "DMARC: temporary DNS "
		    "failure for %s, try again later",
		    policy_domain(o->from_domain));
	} else if (o->result == DMARC_RES_PERMERROR && !o->record &&
	    c->dmarc_reject_bad_from) {
		policy_set(d, VERDICT_REJECT, "550", "5.7.1", "reject");
		snprintf(d->text, sizeof d->text, "DMARC: %s", o->reason);
	}
}

/* policy_spf - SPFRejectFail and SPFTempErrorAction */
static void
policy_spf(const struct config *c, const struct msg *m,
    const char *client_ip, struct decision *d)
{
	const struct spf_outcome *spf = &m->spf_mailfrom;

	if (!m->spf_ran || d->verdict != VERDICT_ACCEPT)
		return;
	if (spf->result == SPF_RES_FAIL && c->spf_reject_fail &&
	    m->dmarc.result != DMARC_RES_PASS) {
		policy_set(d, VERDICT_REJECT, "550", "5.7.23", "reject");
		snprintf(d->text, sizeof d->text, "SPF: %s does not permit "
		    "%s to send its mail", policy_domain(spf->domain),
		    client_ip);
	} else if (spf->result == SPF_RES_TEMPERROR &&
	    c->spf_temperror_action == TEMPERROR_TEMPFAIL) {
		policy_set(d, VERDICT_TEMPFAIL, "451", "4.4.3", "tempfail");
		snprintf(d->text, sizeof d->text, "SPF: temporary DNS "
		    "failure for %s, try again later",
		    policy_domain(spf->domain));
	}
}

/* policy_decide - the decision for M under C */
void
policy_decide(const struct config *c, const struct msg *m, int family,
    const unsigned char *addr, const char *client_ip, struct decision *d)
{
	memset(d, 0, sizeof *d);
	policy_set(d, VERDICT_ACCEPT, NULL, NULL, "accept");
	d->disposition = "none";
	if (m->skip != SKIP_NONE)
		return;
	if (m->dmarc.evaluated)
		policy_dmarc(c, m, family, addr, d);
	policy_spf(c, m, client_ip, d);
	if (!c->dry_run || (d->verdict == VERDICT_ACCEPT && !d->hold &&
	    !d->mark))
		return;
	/* DryRun: say what would have been done, do nothing. */
	d->dry_run = true;
	d->verdict = VERDICT_ACCEPT;
	d->hold = d->mark = false;
}
