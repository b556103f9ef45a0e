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
/* DKIM-Signature headers whose own syntax check we remember. */
#define DKIMV_MAX_HDRS		64

/* dkimv_hdr - what our own check of one DKIM-Signature header found */
struct dkimv_hdr {
	bool			 ok;
	bool			 used;		/* matched to a signature */
	char			 why[48];
	char			 alg[24];	/* a=, when a known name */
	char			 b[1400];	/* b= without FWS (8192-bit: 1366) */
};

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
	size_t			 nhdrs;
	struct dkimv_hdr	 hdrs[DKIMV_MAX_HDRS];
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

/* dkimv_name_ok - a tag name: ALPHA *(ALPHA / DIGIT / "_") (RFC 6376 3.2) */
static bool
dkimv_name_ok(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)p[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return false;
	return true;
}

/* dkimv_value_ok - tag NAME's value (P, LEN), FWS trimmed at both ends */
static bool
dkimv_value_ok(const char *name, const char *p, size_t len)
{
	char	 v[AM_MAX_DOMAIN + 2];
	size_t	 i;

	/* b=, bh=, h= and z= may fold inside; the others may not (3.5). */
	if (strchr("b", name[0]) != NULL && (!strcmp(name, "b") ||
	    !strcmp(name, "bh")))
		return true;
	if (!strcmp(name, "h") || !strcmp(name, "z"))
		return true;
	for (i = 0; i < len; i++)
		if (isspace((unsigned char)p[i]))
			return false;
	if (!strcmp(name, "v"))
		return len == 1 && p[0] == '1';
	if (!strcmp(name, "t") || !strcmp(name, "x") || !strcmp(name, "l")) {
		for (i = 0; i < len; i++)
			if (!isdigit((unsigned char)p[i]))
				return false;
		return len > 0 && len <= 12;
	}
	if (!strcmp(name, "d") || !strcmp(name, "s")) {
		if (len == 0 || len >= sizeof v)
			return false;
		memcpy(v, p, len);
		v[len] = '\0';
		return authres_valid(AR_DOMAIN, v);
	}
	return true;
}

/* dkimv_tag_at - the tag-spec at P[*I]: name and value bounds; false if bad */
static bool
dkimv_tag_at(const char *p, size_t len, size_t *i, size_t *ns, size_t *ne,
    size_t *vs, size_t *ve)
{
	while (*i < len && isspace((unsigned char)p[*i]))
		(*i)++;
	*ns = *i;
	while (*i < len && p[*i] != '=' && p[*i] != ';')
		(*i)++;
	*ne = *i;
	while (*ne > *ns && isspace((unsigned char)p[*ne - 1]))
		(*ne)--;
	if (*i >= len || p[*i] != '=')
		return *ne == *ns && (*i >= len || p[*i] == ';');
	(*i)++;
	while (*i < len && isspace((unsigned char)p[*i]))
		(*i)++;
	*vs = *i;
	while (*i < len && p[*i] != ';')
		(*i)++;
	*ve = *i;
	while (*ve > *vs && isspace((unsigned char)p[*ve - 1]))
		(*ve)--;
	if (*i < len)
		(*i)++;		/* ';' */
	return true;
}

/*
 * dkimv_sig_syntax - RFC 6376 3.2 and 3.5 for one DKIM-Signature value:
 * well-formed tags, none twice, the required ones present, and the
 * values libopendkim reads too loosely (folded d=, x=y read as 0).
 */
static bool
dkimv_sig_syntax(const char *p, size_t len, struct dkimv_hdr *h)
{
	static const char *req[] = { "v", "a", "b", "bh", "d", "h", "s" };
	char	 seen[32][8];
	size_t	 n = 0, i = 0, ns, ne, vs, ve, k;

	while (i < len) {
		ne = ns = vs = ve = i;
		if (!dkimv_tag_at(p, len, &i, &ns, &ne, &vs, &ve))
			return snprintf(h->why, sizeof h->why, "bad tag") < 0;
		if (ne == ns)
			continue;	/* empty tag-spec, e.g. a trailing ';' */
		if (!dkimv_name_ok(p + ns, ne - ns) || ne - ns >= 8 || n >= 32)
			return snprintf(h->why, sizeof h->why,
			    "bad tag name") < 0;
		memcpy(seen[n], p + ns, ne - ns);
		seen[n][ne - ns] = '\0';
		for (k = 0; k < n; k++)
			if (strcmp(seen[k], seen[n]) == 0)
				return snprintf(h->why, sizeof h->why,
				    "tag %s= twice", seen[n]) < 0;
		if (!dkimv_value_ok(seen[n], p + vs, ve - vs))
			return snprintf(h->why, sizeof h->why,
			    "bad %s= value", seen[n]) < 0;
		n++;
	}
	for (k = 0; k < sizeof req / sizeof req[0]; k++) {
		for (i = 0; i < n && strcmp(seen[i], req[k]) != 0; i++)
			;
		if (i == n)
			return snprintf(h->why, sizeof h->why,
			    "no %s= tag", req[k]) < 0;
	}
	return true;
}

/* dkimv_note_hdr - check a DKIM-Signature header and remember the verdict */
static void
dkimv_note_hdr(struct dkimv *v, const char *value)
{
	struct dkimv_hdr	*h;
	size_t			 len = strlen(value);
	char			 a[24];

	if (v->nhdrs >= DKIMV_MAX_HDRS)
		return;
	h = &v->hdrs[v->nhdrs++];
	h->ok = dkimv_sig_syntax(value, len, h);
	if (!dkimv_tag(value, len, "b", h->b, sizeof h->b))
		h->b[0] = '\0';
	if (dkimv_tag(value, len, "a", a, sizeof a) &&
	    (!strcmp(a, "rsa-sha256") || !strcmp(a, "rsa-sha1") ||
	    !strcmp(a, "ed25519-sha256")))
		snprintf(h->alg, sizeof h->alg, "%s", a);
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
	if (strcasecmp(name, "DKIM-Signature") == 0) {
		dkimv_note_hdr(v, value);
		if (++v->nsigs <= v->opts.max_sigs)
			dkimv_prefetch(value);
	}
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

/*
 * dkimv_classify_error - a failed signature's RFC 8601 result: fail when
 * the cryptographic check failed (6.1.3) or the key is revoked (6.1.2
 * "treat as a failed signature check"); neutral for a signature with
 * syntax errors (RFC 8601 2.7.1); temperror when the key lookup failed;
 * policy for a key under 1024 bits (RFC 8301); permerror for a
 * well-formed signature that can never be evaluated (no key, bad key
 * record, expired, from the future, i= outside d=, From not signed).
 */
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
		snprintf(reason, rlen, bh == DKIM_SIGBH_MISMATCH ?
		    "body hash mismatch" : "signature mismatch");
		return DKIMV_FAIL;
	case DKIM_SIGERROR_KEYREVOKED:
		return DKIMV_FAIL;
	case DKIM_SIGERROR_VERSION: case DKIM_SIGERROR_TIMESTAMPS:
	case DKIM_SIGERROR_INVALID_HC: case DKIM_SIGERROR_INVALID_BC:
	case DKIM_SIGERROR_MISSING_A: case DKIM_SIGERROR_INVALID_A:
	case DKIM_SIGERROR_MISSING_H: case DKIM_SIGERROR_INVALID_L:
	case DKIM_SIGERROR_INVALID_Q: case DKIM_SIGERROR_INVALID_QO:
	case DKIM_SIGERROR_MISSING_D: case DKIM_SIGERROR_EMPTY_D:
	case DKIM_SIGERROR_MISSING_S: case DKIM_SIGERROR_EMPTY_S:
	case DKIM_SIGERROR_MISSING_B: case DKIM_SIGERROR_EMPTY_B:
	case DKIM_SIGERROR_CORRUPT_B: case DKIM_SIGERROR_MISSING_BH:
	case DKIM_SIGERROR_EMPTY_BH: case DKIM_SIGERROR_CORRUPT_BH:
	case DKIM_SIGERROR_EMPTY_H: case DKIM_SIGERROR_MISSING_V:
	case DKIM_SIGERROR_EMPTY_V:
		return DKIMV_NEUTRAL;
	default:
		return DKIMV_PERMERROR;
	}
}

/* dkimv_hdr_of - our record of the header of signature SIG (matched by b=) */
static struct dkimv_hdr *
dkimv_hdr_of(struct dkimv *v, DKIM_SIGINFO *sig)
{
	char	 b[sizeof v->hdrs[0].b];
	u_char	*p = dkim_sig_gettagvalue(sig, 0, (u_char *)"b");
	size_t	 i, o = 0;

	for (i = 0; p != NULL && p[i] != '\0' && o + 1 < sizeof b; i++)
		if (!isspace(p[i]))
			b[o++] = (char)p[i];
	b[o] = '\0';
	for (i = 0; i < v->nhdrs; i++)
		if (!v->hdrs[i].used && strcmp(v->hdrs[i].b, b) == 0) {
			v->hdrs[i].used = true;
			return &v->hdrs[i];
		}
	return NULL;
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

/* dkimv_ids - what a signature names: d=, s=, i=, b=, a= and the key size */
static void
dkimv_ids(const struct dkimv *v, DKIM_SIGINFO *sig,
    const struct dkimv_hdr *h, struct dkimv_sig *s)
{
	unsigned int	 bits = 0, flags = dkim_sig_getflags(sig);
	u_char		*p;
	size_t		 i, o = 0;

	snprintf(s->domain, sizeof s->domain, "%s",
	    (p = dkim_sig_getdomain(sig)) != NULL ? (char *)p : "");
	snprintf(s->selector, sizeof s->selector, "%s",
	    (p = dkim_sig_getselector(sig)) != NULL ? (char *)p : "");
	if (dkim_sig_getidentity(v->dkim, sig, (u_char *)s->identity,
	    sizeof s->identity) != DKIM_STAT_OK)
		s->identity[0] = '\0';
	p = dkim_sig_gettagvalue(sig, 0, (u_char *)"b");
	for (i = 0; p != NULL && p[i] != '\0' && o < 8; i++)
		if (!isspace(p[i]))
			s->b8[o++] = (char)p[i];
	s->b8[o] = '\0';
	/* An unprocessed signature's getters say rsa-sha1: use its a=. */
	snprintf(s->alg, sizeof s->alg, "%s", h != NULL ? h->alg :
	    (flags & DKIM_SIGFLAG_PROCESSED) ? dkimv_alg(sig) : "");
	/* INVALID until the key was loaded; ed25519 reads 0 (RFC 8463: 256) */
	if (dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK)
		s->bits = bits == 0 && strcmp(s->alg, "ed25519-sha256") == 0 ?
		    256 : bits;
	s->security = dkimv_security(v, s);
}

/* dkimv_fill - the outcome of one signature */
static void
dkimv_fill(struct dkimv *v, DKIM_SIGINFO *sig, struct dkimv_sig *s)
{
	const struct dkimv_hdr	*h = dkimv_hdr_of(v, sig);
	unsigned int		 flags = dkim_sig_getflags(sig);

	memset(s, 0, sizeof *s);
	dkimv_ids(v, sig, h, s);
	if (flags & DKIM_SIGFLAG_IGNORE) {
		s->result = DKIMV_NEUTRAL;
		snprintf(s->reason, sizeof s->reason, "not verified: more "
		    "than %u signatures", v->opts.max_sigs);
	} else if (h != NULL && !h->ok) {
		/* libopendkim reads some broken tag-lists: we don't. */
		s->result = DKIMV_NEUTRAL;
		snprintf(s->reason, sizeof s->reason, "malformed signature: "
		    "%s", h->why);
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
