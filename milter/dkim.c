/*
 * dkim.c - DKIM verification through libopendkim and dns.c (see dkim.h)
 */
#include <sys/types.h>
#include <sys/time.h>
#include <arpa/nameser.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opendkim/dkim.h>

#include "authres.h"
#include "dkim.h"
#include "log.h"

/* Key lookups remembered per message, for their DNSSEC state. */
#define DKIMV_MAX_KEYS		32

/* dkimv_key - one key lookup and how it went */
struct dkimv_key {
	char			 name[AM_MAX_DOMAIN + 1];
	enum dns_status		 status;
	enum dns_security	 security;
};

struct dkimv {
	DKIM			*dkim;
	struct dkimv_opts	 opts;
	const struct dns_budget	*budget;
	DKIM_STAT		 eoh;		/* dkim_eoh()'s status */
	bool			 failed;	/* the handle is unusable */
	size_t			 nsigs;
	size_t			 nkeys;
	struct dkimv_key	 keys[DKIMV_MAX_KEYS];
	char			 error[64];
};

/* One query handed to libopendkim's hooks. */
struct dkimv_query {
	unsigned char		*buf;
	size_t			 buflen;
	struct dns_answer	*a;
};

static DKIM_LIB			*dkimv_lib;
static struct dns		*dkimv_dns;
/* The message whose lookups run in this thread (dkim_eoh, dkim_eom). */
static __thread struct dkimv	*dkimv_cur;

/* dkimv_result_str - RFC 8601 name of a result */
const char *
dkimv_result_str(enum dkimv_result r)
{
	static const char *names[] = {
		[DKIMV_NONE] = "none", [DKIMV_PASS] = "pass",
		[DKIMV_FAIL] = "fail", [DKIMV_NEUTRAL] = "neutral",
		[DKIMV_POLICY] = "policy", [DKIMV_TEMPERROR] = "temperror",
		[DKIMV_PERMERROR] = "permerror"
	};

	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] :
	    "permerror";
}

/* dkimv_note - remember the DNSSEC state of key lookup NAME */
static void
dkimv_note(struct dkimv *v, const char *name, const struct dns_answer *a)
{
	struct dkimv_key *k;

	if (v == NULL || v->nkeys >= DKIMV_MAX_KEYS)
		return;
	k = &v->keys[v->nkeys++];
	snprintf(k->name, sizeof k->name, "%s", name);
	k->status = a != NULL ? a->status : DNS_ERROR;
	k->security = a != NULL ? a->security : DNS_SEC_INDETERMINATE;
}

/* dkimv_q_start - libopendkim asks: look it up now (the cache has it) */
static int
dkimv_q_start(void *srv, int type, unsigned char *qname, unsigned char *buf,
    size_t buflen, void **qh)
{
	struct dkimv		*v = dkimv_cur;
	struct dkimv_query	*q;

	(void)srv;
	if ((q = calloc(1, sizeof *q)) == NULL)
		return DKIM_DNS_ERROR;
	q->buf = buf;
	q->buflen = buflen;
	q->a = dns_query(dkimv_dns, (const char *)qname, type,
	    v != NULL ? v->budget : NULL);
	dkimv_note(v, (const char *)qname, q->a);
	*qh = q;
	return DKIM_DNS_SUCCESS;
}

/*
 * dkimv_q_wait - hand libopendkim the whole response packet.  Only an
 * answer (data, NXDOMAIN, NODATA) is a reply: SERVFAIL, timeout, bogus
 * and an answer too large for its buffer are DNS errors, which
 * libopendkim reports as KEYFAIL (temperror) instead of "no key".
 */
static int
dkimv_q_wait(void *srv, void *qh, struct timeval *to, size_t *bytes,
    int *error, int *dnssec)
{
	struct dkimv_query	*q = qh;
	const struct dns_answer	*a = q->a;

	(void)srv;
	(void)to;
	if (a == NULL || (a->status != DNS_OK && a->status != DNS_NXDOMAIN &&
	    a->status != DNS_NODATA) || a->wire == NULL ||
	    a->wirelen > q->buflen) {
		if (error != NULL)
			*error = 0;
		return a != NULL && a->status == DNS_TIMEOUT ?
		    DKIM_DNS_EXPIRED : DKIM_DNS_ERROR;
	}
	memcpy(q->buf, a->wire, a->wirelen);
	if (bytes != NULL)
		*bytes = a->wirelen;
	if (dnssec != NULL)
		*dnssec = a->security == DNS_SEC_SECURE ? DKIM_DNSSEC_SECURE :
		    DKIM_DNSSEC_INSECURE;
	return DKIM_DNS_SUCCESS;
}

/* dkimv_q_cancel - always called after the wait: free the query */
static int
dkimv_q_cancel(void *srv, void *qh)
{
	struct dkimv_query *q = qh;

	(void)srv;
	if (q != NULL) {
		dns_answer_free(q->a);
		free(q);
	}
	return DKIM_DNS_SUCCESS;
}

/* dkimv_prescreen - verify at most max_sigs signatures; ignore the rest */
static DKIM_CBSTAT
dkimv_prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	struct dkimv	*v = dkimv_cur;
	int		 i;

	(void)dkim;
	for (i = 0; v != NULL && i < nsigs; i++)
		if ((unsigned)i >= v->opts.max_sigs)
			dkim_sig_ignore(sigs[i]);
	return DKIM_CBSTAT_CONTINUE;
}

/* dkimv_init - the process's libopendkim over D */
int
dkimv_init(struct dns *d)
{
	unsigned int	 flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	unsigned int	 bits = 1024;	/* RFC 8301 3.2 */
	uint64_t	 timeout = 30;	/* our own deadlines rule */

	if ((dkimv_lib = dkim_init(NULL, NULL)) == NULL)
		return -1;
	dkimv_dns = d;
	(void)dkim_options(dkimv_lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof flags);
	(void)dkim_options(dkimv_lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS,
	    &bits, sizeof bits);
	(void)dkim_options(dkimv_lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT,
	    &timeout, sizeof timeout);
	(void)dkim_dns_set_query_service(dkimv_lib, d);
	dkim_dns_set_init(dkimv_lib, NULL);
	dkim_dns_set_close(dkimv_lib, NULL);
	dkim_dns_set_query_start(dkimv_lib, dkimv_q_start);
	dkim_dns_set_query_waitreply(dkimv_lib, dkimv_q_wait);
	dkim_dns_set_query_cancel(dkimv_lib, dkimv_q_cancel);
	(void)dkim_set_prescreen(dkimv_lib, dkimv_prescreen);
	return 0;
}

/* dkimv_shutdown - free the library handle */
void
dkimv_shutdown(void)
{
	if (dkimv_lib != NULL)
		dkim_close(dkimv_lib);
	dkimv_lib = NULL;
	dkimv_dns = NULL;
}

/* dkimv_new - verification state for one message */
struct dkimv *
dkimv_new(const struct dkimv_opts *o, const struct dns_budget *budget,
    const char *id)
{
	struct dkimv	*v;
	DKIM_STAT	 st;

	if (dkimv_lib == NULL || (v = calloc(1, sizeof *v)) == NULL)
		return NULL;
	v->opts = *o;
	v->budget = budget;
	v->dkim = dkim_verify(dkimv_lib, (const unsigned char *)(id != NULL &&
	    id[0] != '\0' ? id : "authmilter"), NULL, &st);
	if (v->dkim == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

/* dkimv_free - NULL is a no-op */
void
dkimv_free(struct dkimv *v)
{
	if (v == NULL)
		return;
	if (v->dkim != NULL)
		dkim_free(v->dkim);
	free(v);
}

/* dkimv_tag - the value of tag NAME in (P, LEN), FWS removed (RFC 6376 3.2) */
bool
dkimv_tag(const char *p, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t	 i = 0, nl = strlen(name), o;

	while (i < len) {
		size_t start, end;

		while (i < len && isspace((unsigned char)p[i]))
			i++;
		start = i;
		while (i < len && p[i] != '=' && p[i] != ';')
			i++;
		end = i;
		while (end > start && isspace((unsigned char)p[end - 1]))
			end--;
		if (i >= len || p[i] == ';') {
			i++;
			continue;
		}
		i++;				/* '=' */
		if (end - start != nl || strncasecmp(p + start, name, nl)) {
			while (i < len && p[i] != ';')
				i++;
			i++;
			continue;
		}
		for (o = 0; i < len && p[i] != ';'; i++) {
			if (isspace((unsigned char)p[i]))
				continue;
			if (o + 1 >= outlen)
				return false;	/* does not fit */
			out[o++] = p[i];
		}
		out[o] = '\0';
		return true;
	}
	return false;
}

/* dkimv_key_name - "SELECTOR._domainkey.DOMAIN" when both are clean */
static bool
dkimv_key_name(const char *s, const char *d, char *out, size_t outlen)
{
	if (!authres_valid(AR_DOMAIN, s) || !authres_valid(AR_DOMAIN, d))
		return false;
	return (size_t)snprintf(out, outlen, "%s._domainkey.%s", s, d) <
	    outlen && strlen(out) <= AM_MAX_DOMAIN;
}

/* dkimv_prefetch - start the key lookup of a DKIM-Signature right away */
static void
dkimv_prefetch(const char *value)
{
	char	 d[AM_MAX_DOMAIN + 1], s[AM_MAX_DOMAIN + 1];
	char	 name[AM_MAX_DOMAIN + 1];
	size_t	 len = strlen(value);

	if (dkimv_tag(value, len, "d", d, sizeof d) &&
	    dkimv_tag(value, len, "s", s, sizeof s) &&
	    dkimv_key_name(s, d, name, sizeof name))
		dns_prefetch(dkimv_dns, name, ns_t_txt);
}

/*
 * dkimv_header - "Name:value" as it was on the wire: the milter gives
 * folded lines with a bare LF, and the value without its leading space
 * unless SMFIP_HDR_LEADSPC was negotiated.
 */
void
dkimv_header(struct dkimv *v, const char *name, const char *value)
{
	size_t	 nl = strlen(name), vl = strlen(value), i, o;
	char	*buf;

	if (v == NULL || v->failed)
		return;
	if (strcasecmp(name, "DKIM-Signature") == 0 &&
	    ++v->nsigs <= v->opts.max_sigs)
		dkimv_prefetch(value);
	if ((buf = malloc(nl + 2 + vl * 2 + 1)) == NULL) {
		v->failed = true;
		snprintf(v->error, sizeof v->error, "out of memory");
		return;
	}
	memcpy(buf, name, nl);
	o = nl;
	buf[o++] = ':';
	if (!v->opts.leadspc)
		buf[o++] = ' ';
	for (i = 0; i < vl; i++) {
		if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r'))
			buf[o++] = '\r';
		buf[o++] = value[i];
	}
	(void)dkim_header(v->dkim, (u_char *)buf, o);
	free(buf);
}

/* dkimv_eoh - end of headers: the key lookups (through our hooks) */
void
dkimv_eoh(struct dkimv *v)
{
	if (v == NULL || v->failed)
		return;
	dkimv_cur = v;
	v->eoh = dkim_eoh(v->dkim);
	dkimv_cur = NULL;
	if (v->eoh != DKIM_STAT_OK && v->eoh != DKIM_STAT_NOSIG &&
	    v->nsigs > 0) {
		const char *e = dkim_geterror(v->dkim);

		v->failed = true;
		snprintf(v->error, sizeof v->error, "%s",
		    e != NULL ? e : "message not verifiable");
	}
}

/* dkimv_body - a body chunk */
void
dkimv_body(struct dkimv *v, const unsigned char *p, size_t len)
{
	if (v == NULL || v->failed || v->nsigs == 0 || v->eoh != DKIM_STAT_OK)
		return;
	(void)dkim_body(v->dkim, (u_char *)p, len);
}

/* dkimv_classify_error - a failed signature's result and reason */
static enum dkimv_result
dkimv_classify_error(int err, int bh, char *reason, size_t rlen)
{
	const char *s = dkim_sig_geterrorstr(err);

	snprintf(reason, rlen, "%s", s != NULL ? s : "unverifiable");
	switch (err) {
	case DKIM_SIGERROR_KEYFAIL:
		return DKIMV_TEMPERROR;
	case DKIM_SIGERROR_KEYTOOSMALL:
		snprintf(reason, rlen, "key under 1024 bits (RFC 8301)");
		return DKIMV_POLICY;
	case DKIM_SIGERROR_OK:
	case DKIM_SIGERROR_BADSIG:
		if (bh == DKIM_SIGBH_MISMATCH)
			snprintf(reason, rlen, "body hash mismatch");
		else
			snprintf(reason, rlen, "signature mismatch");
		return DKIMV_FAIL;
	case DKIM_SIGERROR_KEYREVOKED:
	case DKIM_SIGERROR_EXPIRED:
	case DKIM_SIGERROR_FUTURE:
	case DKIM_SIGERROR_KEYHASHMISMATCH:
	case DKIM_SIGERROR_KEYDECODE:
	case DKIM_SIGERROR_MBSFAILED:
		return DKIMV_FAIL;
	default:
		/* syntax, no key, bad key record: nothing to retry */
		return DKIMV_PERMERROR;
	}
}

/* dkimv_alg - the signature algorithm's name */
static const char *
dkimv_alg(DKIM_SIGINFO *sig)
{
	dkim_alg_t alg;

	if (dkim_sig_getsignalg(sig, &alg) != DKIM_STAT_OK)
		return "";
	switch (alg) {
	case DKIM_SIGN_RSASHA1:		return "rsa-sha1";
	case DKIM_SIGN_RSASHA256:	return "rsa-sha256";
	case DKIM_SIGN_ED25519SHA256:	return "ed25519-sha256";
	default:			return "";
	}
}

/* dkimv_security - the DNSSEC state of the key lookup for S */
static enum dns_security
dkimv_security(const struct dkimv *v, const struct dkimv_sig *s)
{
	char	 name[AM_MAX_DOMAIN + 1];
	size_t	 i;

	if (!dkimv_key_name(s->selector, s->domain, name, sizeof name))
		return DNS_SEC_INDETERMINATE;
	for (i = 0; i < v->nkeys; i++)
		if (strcasecmp(v->keys[i].name, name) == 0)
			return v->keys[i].status == DNS_BOGUS ? DNS_SEC_BOGUS :
			    v->keys[i].security;
	return DNS_SEC_INDETERMINATE;
}

/* dkimv_policy - RFC 8301 and our size cap on a signature that verified */
static enum dkimv_result
dkimv_policy(const struct dkimv *v, struct dkimv_sig *s)
{
	if (strcmp(s->alg, "rsa-sha1") == 0) {
		snprintf(s->reason, sizeof s->reason,
		    "rsa-sha1 is not valid (RFC 8301)");
		return DKIMV_POLICY;
	}
	if (strncmp(s->alg, "rsa", 3) == 0 && s->bits > 0 && s->bits < 1024) {
		snprintf(s->reason, sizeof s->reason,
		    "key under 1024 bits (RFC 8301)");
		return DKIMV_POLICY;
	}
	if (s->bits > v->opts.max_key_bits) {
		snprintf(s->reason, sizeof s->reason, "key over %u bits",
		    v->opts.max_key_bits);
		return DKIMV_POLICY;
	}
	return DKIMV_PASS;
}

/* dkimv_partial - l= shorter than the body: noted, or fail if configured */
static void
dkimv_partial(const struct dkimv *v, DKIM_SIGINFO *sig, struct dkimv_sig *s)
{
	ssize_t	 msglen = -1, canonlen = -1, signlen = -1;

	if (dkim_sig_getcanonlen(v->dkim, sig, &msglen, &canonlen,
	    &signlen) != DKIM_STAT_OK || signlen < 0 || canonlen >= msglen)
		return;
	snprintf(s->reason, sizeof s->reason, "l= covers %zd of %zd body "
	    "bytes", canonlen, msglen);
	if (v->opts.partial_fail)
		s->result = DKIMV_FAIL;
}

/* dkimv_fill - the outcome of one signature */
static void
dkimv_fill(const struct dkimv *v, DKIM_SIGINFO *sig, struct dkimv_sig *s)
{
	unsigned int	 bits = 0;
	u_char		*p;
	unsigned int	 flags = dkim_sig_getflags(sig);

	memset(s, 0, sizeof *s);
	snprintf(s->domain, sizeof s->domain, "%s",
	    (p = dkim_sig_getdomain(sig)) != NULL ? (char *)p : "");
	snprintf(s->selector, sizeof s->selector, "%s",
	    (p = dkim_sig_getselector(sig)) != NULL ? (char *)p : "");
	if (dkim_sig_getidentity(v->dkim, sig, (u_char *)s->identity,
	    sizeof s->identity) != DKIM_STAT_OK)
		s->identity[0] = '\0';
	if ((p = dkim_sig_gettagvalue(sig, 0, (u_char *)"b")) != NULL) {
		size_t i, o = 0;

		for (i = 0; p[i] != '\0' && o < 8; i++)
			if (!isspace(p[i]))
				s->b8[o++] = (char)p[i];
		s->b8[o] = '\0';
	}
	snprintf(s->alg, sizeof s->alg, "%s", dkimv_alg(sig));
	if ((flags & DKIM_SIGFLAG_KEYLOADED) &&
	    dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK)
		s->bits = bits;
	if (s->bits == 0 && (flags & DKIM_SIGFLAG_KEYLOADED) &&
	    strcmp(s->alg, "ed25519-sha256") == 0)
		s->bits = 256;		/* RFC 8463; libopendkim says 0 */
	s->security = dkimv_security(v, s);
	if (flags & DKIM_SIGFLAG_IGNORE) {
		s->result = DKIMV_NEUTRAL;
		snprintf(s->reason, sizeof s->reason, "not verified: more "
		    "than %u signatures", v->opts.max_sigs);
	} else if (DKIM_SIG_CHECK(sig)) {
		s->result = dkimv_policy(v, s);
		if (s->result == DKIMV_PASS)
			dkimv_partial(v, sig, s);
	} else
		s->result = dkimv_classify_error(dkim_sig_geterror(sig),
		    dkim_sig_getbh(sig), s->reason, sizeof s->reason);
	if (s->security == DNS_SEC_BOGUS && s->result != DKIMV_PASS) {
		s->result = DKIMV_TEMPERROR;
		snprintf(s->reason, sizeof s->reason,
		    "key failed DNSSEC validation");
	}
}

/* dkimv_eom - finish and fill R */
void
dkimv_eom(struct dkimv *v, struct dkimv_results *r)
{
	DKIM_SIGINFO	**sigs = NULL;
	int		 nsigs = 0, i;

	memset(r, 0, sizeof *r);
	if (v == NULL)
		return;
	r->nsigs = v->nsigs;
	snprintf(r->error, sizeof r->error, "%s", v->error);
	if (v->nsigs == 0 || v->failed)
		return;
	dkimv_cur = v;
	(void)dkim_eom(v->dkim, NULL);
	dkimv_cur = NULL;
	if (dkim_getsiglist(v->dkim, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs && r->n < DKIMV_MAX_REPORT; i++)
		dkimv_fill(v, sigs[i], &r->sig[r->n++]);
}
