/*
 * dmarc.c - DMARC evaluation over dns.c (see dmarc.h)
 */
#include <arpa/nameser.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "dmarc.h"
#include "log.h"
#include "psl.h"

/* TXT records considered at one _dmarc name. */
#define DMARC_MAX_TXT	16

static struct dns	*dmarc_dns;
static enum dmarc_mode	 dmarc_mode;
static struct psl	*dmarc_psl;

/* Records remembered per evaluation, for the DNSSEC state of the one used. */
#define DMARC_MAX_FOUND	8

/* dmarc_ctx - one evaluation's DNS state, handed to the callbacks */
struct dmarc_ctx {
	const struct dns_budget	*budget;
	enum dns_security	 security;	/* of every answer */
	bool			 answered;
	size_t			 nfound;	/* names where a record was */
	char			 found[DMARC_MAX_FOUND][AM_MAX_DOMAIN + 8];
	enum dns_security	 found_sec[DMARC_MAX_FOUND];
};

/* dmarc_result_str - RFC 8601 name of a result */
const char *
dmarc_result_str(enum dmarc_result r)
{
	static const char *names[] = {
		[DMARC_RES_NONE] = "none", [DMARC_RES_PASS] = "pass",
		[DMARC_RES_FAIL] = "fail", [DMARC_RES_TEMPERROR] = "temperror",
		[DMARC_RES_PERMERROR] = "permerror"
	};

	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] :
	    "permerror";
}

/* dmarc_init - D for lookups, MODE, the PSL in the RFC 7489 mode */
int
dmarc_init(struct dns *d, enum dmarc_mode mode, const char *psl_path,
    char *err, size_t errlen)
{
	dmarc_dns = d;
	dmarc_mode = mode;
	if (mode != DMARC_MODE_7489)
		return 0;
	if ((dmarc_psl = psl_load(psl_path, 0, err, errlen)) == NULL)
		return -1;
	return 0;
}

/* dmarc_shutdown - free what dmarc_init built */
void
dmarc_shutdown(void)
{
	psl_free(dmarc_psl);
	dmarc_psl = NULL;
	dmarc_dns = NULL;
}

/* dmarc_prefetch - start the lookup of _dmarc.DOMAIN */
void
dmarc_prefetch(const char *domain)
{
	char name[AM_MAX_DOMAIN + 8];

	if (domain == NULL || domain[0] == '\0' ||
	    (size_t)snprintf(name, sizeof name, "_dmarc.%s", domain) >=
	    sizeof name)
		return;
	dns_prefetch(dmarc_dns, name, ns_t_txt);
}

/* dmarc_account - fold an answer's DNSSEC state into the evaluation */
static void
dmarc_account(struct dmarc_ctx *x, const struct dns_answer *a)
{
	if (a->status != DNS_OK && a->status != DNS_NXDOMAIN &&
	    a->status != DNS_NODATA)
		return;
	x->security = x->answered ? dns_sec_combine(x->security, a->security) :
	    a->security;
	x->answered = true;
}

/* dmarc_txts - join each TXT RR's strings (RFC 9989 4.5) into BUF */
static size_t
dmarc_txts(const struct dns_answer *a, char *buf, size_t buflen,
    const char **txts, size_t *lens)
{
	size_t	 n = 0, o = 0, i, j, l;

	for (i = 0; i < a->count && n < DMARC_MAX_TXT; i++) {
		const unsigned char *r = a->rdata[i];

		txts[n] = buf + o;
		lens[n] = 0;
		for (j = 0; j < a->rdlen[i]; j += l) {
			l = r[j++];
			if (j + l > a->rdlen[i] || o + l >= buflen)
				return n;	/* malformed or too much: stop */
			memcpy(buf + o, r + j, l);
			o += l;
			lens[n] += l;
		}
		n++;
	}
	return n;
}

/* dmarc_lookup - the discovery's TXT lookup at NAME, through dns.c */
static enum dmarc_lookup_status
dmarc_lookup(void *arg, const char *name, struct dmarc_record *rec,
    bool *nxdomain)
{
	struct dmarc_ctx	*x = arg;
	struct dns_answer	*a;
	const char		*txts[DMARC_MAX_TXT];
	size_t			 lens[DMARC_MAX_TXT], n;
	enum dmarc_lookup_status st;
	char			*buf;

	*nxdomain = false;
	if ((a = dns_query(dmarc_dns, name, ns_t_txt, x->budget)) == NULL)
		return DMARC_LK_TEMPFAIL;
	dmarc_account(x, a);
	switch (a->status) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
		*nxdomain = true;
		/* FALLTHROUGH */
	case DNS_NODATA:
	case DNS_ERROR:			/* a name that cannot exist */
		dns_answer_free(a);
		return DMARC_LK_NONE;
	default:
		if (a->status == DNS_BOGUS) {
			x->security = DNS_SEC_BOGUS;
			x->answered = true;
		}
		dns_answer_free(a);
		return DMARC_LK_TEMPFAIL;
	}
	if ((buf = malloc(AM_MAX_DNS_ANSWER)) == NULL) {
		dns_answer_free(a);
		return DMARC_LK_TEMPFAIL;
	}
	n = dmarc_txts(a, buf, AM_MAX_DNS_ANSWER, txts, lens);
	st = dmarc_record_from_txt(txts, lens, n, rec, NULL, 0);
	if (st == DMARC_LK_FOUND && x->nfound < DMARC_MAX_FOUND) {
		snprintf(x->found[x->nfound], sizeof x->found[0], "%s", name);
		x->found_sec[x->nfound++] = a->security;
	}
	free(buf);
	dns_answer_free(a);
	return st;
}

/* dmarc_exists - does DOMAIN exist (np, RFC 9989 A.4)? */
static enum dmarc_lookup_status
dmarc_exists(void *arg, const char *domain, bool *exists)
{
	struct dmarc_ctx	*x = arg;
	struct dns_answer	*a;
	enum dmarc_lookup_status st = DMARC_LK_FOUND;

	if ((a = dns_query(dmarc_dns, domain, ns_t_a, x->budget)) == NULL)
		return DMARC_LK_TEMPFAIL;
	dmarc_account(x, a);
	if (a->status == DNS_NXDOMAIN)
		*exists = false;
	else if (a->status == DNS_OK || a->status == DNS_NODATA)
		*exists = true;
	else
		st = DMARC_LK_TEMPFAIL;
	dns_answer_free(a);
	return st;
}

/* dmarc_set - the result and why */
static void
dmarc_set(struct dmarc_outcome *out, enum dmarc_result r, const char *why)
{
	out->result = r;
	snprintf(out->reason, sizeof out->reason, "%s", why);
}

/* dmarc_from_ok - RFC 9989 4.4: one From header, one author, a usable domain */
static bool
dmarc_from_ok(const struct dmarc_input *in, struct dmarc_outcome *out)
{
	const char *why = NULL, *p;

	if (in->from_count == 0)
		why = "no From header";
	else if (in->from_count > 1)
		why = "several From headers";
	else if (in->from_status == ADDR_MULTIPLE)
		why = "several authors in From";
	else if (in->from_status == ADDR_NONE)
		why = "no author in From";
	else if (in->from_status == ADDR_SYNTAX)
		why = "unparsable From header";
	else if (in->from_status != ADDR_OK || in->from_domain[0] == '\0')
		why = "no usable author domain";
	for (p = in->from_domain; why == NULL && *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			why = "IDN author domain (no A-label form)";
	if (why == NULL)
		return true;
	dmarc_set(out, DMARC_RES_PERMERROR, why);
	return false;
}

/* dmarc_align_one - OTHER aligned with the author domain? */
static enum dmarc_align
dmarc_align_one(struct dmarc_discovery *d, struct dmarc_ctx *x,
    const char *other, bool strict)
{
	if (other == NULL || other[0] == '\0')
		return DMARC_ALIGN_FAIL;
	if (dmarc_mode == DMARC_MODE_7489)
		return dmarc_aligned_7489(dmarc_psl, d->author, other, strict);
	return dmarc_aligned(d, other, strict, dmarc_lookup, x);
}

/* dmarc_alignment - DKIM (every passing signature) and SPF (MAIL FROM) */
static bool
dmarc_alignment(struct dmarc_discovery *d, struct dmarc_ctx *x,
    const struct dmarc_input *in, struct dmarc_outcome *out)
{
	enum dmarc_align	 a;
	bool			 tempfail = false;
	size_t			 i;

	for (i = 0; in->dkim != NULL && i < in->dkim->n && !out->dkim_aligned;
	    i++) {
		const struct dkimv_sig *s = &in->dkim->sig[i];

		if (s->result != DKIMV_PASS)
			continue;
		a = dmarc_align_one(d, x, s->domain, d->rec.adkim_strict);
		if (a == DMARC_ALIGN_PASS) {
			out->dkim_aligned = true;
			snprintf(out->dkim_domain, sizeof out->dkim_domain, "%s",
			    s->domain);
		} else if (a == DMARC_ALIGN_TEMPFAIL)
			tempfail = true;
	}
	if (in->spf != NULL && in->spf->checked &&
	    in->spf->result == SPF_RES_PASS) {
		a = dmarc_align_one(d, x, in->spf->domain, d->rec.aspf_strict);
		out->spf_aligned = a == DMARC_ALIGN_PASS;
		tempfail |= a == DMARC_ALIGN_TEMPFAIL;
	}
	return tempfail;
}

/* dmarc_discover - policy discovery by the configured mode */
static enum dmarc_disc_status
dmarc_discover(const char *author, struct dmarc_ctx *x,
    struct dmarc_discovery *d)
{
	if (dmarc_mode == DMARC_MODE_7489)
		return dmarc_discover_policy_7489(dmarc_psl, author,
		    dmarc_lookup, x, d);
	return dmarc_discover_policy(author, dmarc_lookup, dmarc_exists, x, d);
}

/* dmarc_policy_of - copy what the discovery found into OUT */
static void
dmarc_policy_of(const struct dmarc_discovery *d, struct dmarc_outcome *out)
{
	static const char *tags[] = {
		[DMARC_SRC_P] = "p", [DMARC_SRC_SP] = "sp", [DMARC_SRC_NP] = "np"
	};

	out->record = true;
	out->rec = d->rec;
	/*
	 * t=y: the Domain Owner is testing and asks that the policy not be
	 * applied (RFC 9989 4.7 "t"): monitor only.  (d->applied holds the
	 * one-step-softer reading, RFC 7489's pct=0, which we do not use.)
	 */
	out->policy = d->rec.t ? DMARC_P_NONE : d->policy;
	out->policy_tag = (unsigned)d->source < 3 ? tags[d->source] : "p";
	out->testing = d->rec.t;
	snprintf(out->policy_domain, sizeof out->policy_domain, "%s",
	    d->policy_domain);
}

/*
 * dmarc_record_security - the DNSSEC state reported: that of the record
 * applied when there is one (the other answers of the walk only looked
 * for records above it), else of every answer that led to the result
 */
static enum dns_security
dmarc_record_security(const struct dmarc_ctx *x,
    const struct dmarc_outcome *out)
{
	char	 name[AM_MAX_DOMAIN + 8];
	size_t	 i;

	if (!out->record || x->security == DNS_SEC_BOGUS)
		return x->security;
	snprintf(name, sizeof name, "_dmarc.%s", out->policy_domain);
	for (i = 0; i < x->nfound; i++)
		if (strcasecmp(x->found[i], name) == 0)
			return x->found_sec[i];
	return x->security;
}

/* dmarc_evaluate - the DMARC outcome of IN into OUT */
void
dmarc_evaluate(const struct dmarc_input *in, struct dmarc_outcome *out)
{
	struct dmarc_discovery	*d;
	struct dmarc_ctx	 x;
	enum dmarc_disc_status	 st;

	memset(out, 0, sizeof *out);
	memset(&x, 0, sizeof x);
	x.budget = in->budget;
	x.security = DNS_SEC_INDETERMINATE;
	out->evaluated = true;
	out->security = DNS_SEC_INDETERMINATE;
	out->discovery = dmarc_mode == DMARC_MODE_7489 ? "psl" : "treewalk";
	snprintf(out->from_domain, sizeof out->from_domain, "%s",
	    in->from_domain != NULL ? in->from_domain : "");
	if (!dmarc_from_ok(in, out))
		return;
	if ((d = calloc(1, sizeof *d)) == NULL) {
		dmarc_set(out, DMARC_RES_TEMPERROR, "out of memory");
		return;
	}
	st = dmarc_discover(in->from_domain, &x, d);
	if (st == DMARC_DISC_NONE)
		dmarc_set(out, DMARC_RES_NONE, "");
	else if (st == DMARC_DISC_TEMPFAIL)
		dmarc_set(out, DMARC_RES_TEMPERROR, x.security == DNS_SEC_BOGUS ?
		    "DMARC record failed DNSSEC validation" :
		    "DNS failure in policy discovery");
	else if (st == DMARC_DISC_INVALID)
		dmarc_set(out, DMARC_RES_PERMERROR, "invalid DMARC record");
	else {
		dmarc_policy_of(d, out);
		if (dmarc_alignment(d, &x, in, out) && !out->dkim_aligned &&
		    !out->spf_aligned)
			dmarc_set(out, DMARC_RES_TEMPERROR,
			    "DNS failure in alignment");
		else
			out->result = out->dkim_aligned || out->spf_aligned ?
			    DMARC_RES_PASS : DMARC_RES_FAIL;
	}
	out->queries = d->queries;
	if (x.answered)
		out->security = dmarc_record_security(&x, out);
	free(d);
}
