/*
 * milter.c - libmilter callbacks only (see milter.h)
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libmilter/mfapi.h>

#include "addr.h"
#include "authres.h"
#include "config.h"
#include "conn.h"
#include "dkim.h"
#include "dns.h"
#include "log.h"
#include "logline.h"
#include "milter.h"
#include "policy.h"
#include "spf.h"

#define AR_NAME	"Authentication-Results"

static struct dns *milter_dns;

/* milter_set_dns - the resolver the callbacks use */
void
milter_set_dns(struct dns *d)
{
	milter_dns = d;
}

/* conn_of - the session state of CTX */
static struct conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* conn_attach - the session state, created on first use */
static struct conn *
conn_attach(SMFICTX *ctx)
{
	struct conn	*cn;
	struct config	*c;

	if ((cn = conn_of(ctx)) != NULL)
		return cn;
	if ((c = config_current()) == NULL)
		return NULL;
	cn = conn_new(c);
	config_unref(c);
	if (cn != NULL && smfi_setpriv(ctx, cn) != MI_SUCCESS) {
		conn_free(cn);
		cn = NULL;
	}
	return cn;
}

/* mlfi_negotiate - ask for what we use, no more */
static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn	*cn;

	if ((cn = conn_attach(ctx)) == NULL)
		return SMFIS_TEMPFAIL;
	*pf0 = (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE |
	    SMFIF_SETSYMLIST) & f0;
	/*
	 * No reply to connect, HELO, each header and the end of headers: the
	 * MTA sends them on with the next command that wants one (MAIL FROM,
	 * the first body chunk or end of message), in one write.  DATA is
	 * answered: a milter that leaves it unanswered makes Postfix's next
	 * small write wait for a delayed acknowledgement on TCP (issue 7).
	 * MAIL FROM is answered so that it arrives at once and SPF starts.
	 */
	*pf1 = (SMFIP_NORCPT | SMFIP_NOUNKNOWN | SMFIP_SKIP |
	    SMFIP_HDR_LEADSPC | SMFIP_NR_HDR | SMFIP_NR_CONN |
	    SMFIP_NR_HELO | SMFIP_NR_EOH) & f1;
	*pf2 = *pf3 = 0;
	cn->leadspc = (*pf1 & SMFIP_HDR_LEADSPC) != 0;
	cn->nr_hdr = (*pf1 & SMFIP_NR_HDR) != 0;
	cn->nr_conn = (*pf1 & SMFIP_NR_CONN) != 0;
	cn->nr_helo = (*pf1 & SMFIP_NR_HELO) != 0;
	cn->nr_eoh = (*pf1 & SMFIP_NR_EOH) != 0;
	cn->skip_ok = (*pf1 & SMFIP_SKIP) != 0;
	log_debug("negotiated: no reply to%s%s%s%s", cn->nr_conn ?
	    " connect" : "", cn->nr_helo ? " helo" : "", cn->nr_hdr ?
	    " header" : "", cn->nr_eoh ? " eoh" : "");
	if ((f0 & SMFIF_CHGHDRS) == 0 || (f0 & SMFIF_ADDHDRS) == 0)
		log_warn("MTA does not allow header changes: no "
		    "Authentication-Results can be written");
	if (*pf0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, "j {daemon_name}");
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen} {i}");
		smfi_setsymlist(ctx, SMFIM_EOH, "{i}");
		smfi_setsymlist(ctx, SMFIM_EOM, "{i}");
	}
	return SMFIS_CONTINUE;
}

/* client_addr - take the client's address from SA */
static void
client_addr(struct conn *cn, const struct sockaddr *sa)
{
	const void *a = NULL;

	cn->family = AF_UNSPEC;
	if (sa != NULL && sa->sa_family == AF_INET) {
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		memcpy(cn->addr, a, 4);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		memcpy(cn->addr, a, 16);
	}
	if (a == NULL ||
	    inet_ntop(sa->sa_family, a, cn->client_ip, sizeof cn->client_ip)
	    == NULL) {
		cn->client_ip[0] = '\0';
		return;
	}
	cn->family = sa->sa_family;
}

/* mlfi_connect - note the client; is it one of ours? */
static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn *cn;

	/* Out of memory: MAIL FROM, which always has a reply, says so. */
	if ((cn = conn_attach(ctx)) == NULL)
		return SMFIS_CONTINUE;
	client_addr(cn, hostaddr);
	log_sanitize(cn->client_name, sizeof cn->client_name, hostname,
	    hostname != NULL ? strlen(hostname) : 0);
	cn->internal = cn->family != AF_UNSPEC &&
	    cidr_list_match(&cn->cfg->internal_hosts, cn->family, cn->addr);
	return cn->nr_conn ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mlfi_helo - note the HELO name */
static sfsistat
mlfi_helo(SMFICTX *ctx, char *helo)
{
	struct conn *cn = conn_of(ctx);

	if (cn == NULL)
		return SMFIS_CONTINUE;	/* see mlfi_connect */
	snprintf(cn->helo, sizeof cn->helo, "%s", helo != NULL ? helo : "");
	return cn->nr_helo ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* queue_id - the MTA's queue id, once it is known */
static void
queue_id(SMFICTX *ctx, struct msg *m)
{
	const char *i = smfi_getsymval(ctx, "i");

	if (i != NULL && i[0] != '\0')
		log_sanitize(m->queue_id, sizeof m->queue_id, i, strlen(i));
}

/* strip_angle - ADDR without its angle brackets, into DST */
static void
strip_angle(char *dst, size_t dstlen, const char *addr)
{
	size_t len;

	if (addr == NULL)
		addr = "";
	if (addr[0] == '<')
		addr++;
	len = strcspn(addr, ">");
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, addr, len);
	dst[len] = '\0';
}

/* spf_begin - start the SPF checks now, collect them at end-of-message */
static void
spf_begin(struct conn *cn, struct msg *m)
{
	struct spf_input *in = &m->spf_in;

	if (cn->family == AF_UNSPEC)
		return;		/* not an IP client: nothing to check */
	in->family = cn->family;
	snprintf(in->client_ip, sizeof in->client_ip, "%s", cn->client_ip);
	snprintf(in->helo, sizeof in->helo, "%s", cn->helo);
	snprintf(in->mailfrom, sizeof in->mailfrom, "%s", m->mailfrom);
	in->check_helo = cn->cfg->spf_helo_check;
	in->budget = m->budget;
	m->spf_job = spf_start(in);
	if (m->spf_job == NULL)
		log_warn("spf: cannot start a check (out of resources)");
}

/* spf_collect - wait for the SPF checks started at MAIL FROM */
static void
spf_collect(struct msg *m)
{
	if (m->spf_job != NULL) {
		spf_finish(m->spf_job, &m->spf_mailfrom, &m->spf_helo);
		m->spf_job = NULL;
		m->spf_ran = true;
	} else if (m->spf_in.family != AF_UNSPEC) {
		/* It could not be started: a temporary local failure. */
		m->spf_mailfrom.checked = true;
		m->spf_mailfrom.result = SPF_RES_TEMPERROR;
		m->spf_mailfrom.security = DNS_SEC_INDETERMINATE;
		snprintf(m->spf_mailfrom.reason,
		    sizeof m->spf_mailfrom.reason, "out of resources");
		m->spf_ran = true;
	}
}

/* dkim_collect - finish DKIM: one result per signature */
static void
dkim_collect(struct msg *m)
{
	if (m->skip != SKIP_NONE)
		return;
	if (m->dkim == NULL && m->dkim_ran) {
		/* it could not be started: a temporary local failure */
		snprintf(m->dkim_res.error, sizeof m->dkim_res.error,
		    "out of resources");
		return;
	}
	m->dkim_ran = true;
	dkimv_eom(m->dkim, &m->dkim_res);
	dkimv_free(m->dkim);
	m->dkim = NULL;
}

/* dmarc_collect - DMARC over the SPF and DKIM results */
static void
dmarc_collect(struct msg *m)
{
	struct dmarc_input in;

	if (m->skip != SKIP_NONE)
		return;
	in.from_count = m->from_count;
	in.from_status = m->from_status;
	in.from_domain = m->from_domain;
	in.spf = m->spf_ran ? &m->spf_mailfrom : NULL;
	in.dkim = m->dkim_ran ? &m->dkim_res : NULL;
	in.budget = &m->budget;
	dmarc_evaluate(&in, &m->dmarc);
}

/* mlfi_envfrom - a message begins */
static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn	*cn = conn_of(ctx);
	struct msg	*m;
	const char	*auth;

	if (cn == NULL || (m = conn_msg_begin(cn)) == NULL)
		return SMFIS_TEMPFAIL;
	strip_angle(m->mailfrom, sizeof m->mailfrom, argv[0]);
	copy_domain(m->mailfrom_domain, sizeof m->mailfrom_domain,
	    m->mailfrom);
	queue_id(ctx, m);
	auth = smfi_getsymval(ctx, "{auth_authen}");
	if (cn->internal)
		m->skip = SKIP_INTERNAL;
	else if (auth != NULL && auth[0] != '\0' &&
	    cn->cfg->ignore_authenticated)
		m->skip = SKIP_AUTHENTICATED;
	if (m->skip == SKIP_NONE)
		spf_begin(cn, m);
	return SMFIS_CONTINUE;
}

/* mlfi_data - internal hosts are done here, untouched */
static sfsistat
mlfi_data(SMFICTX *ctx)
{
	struct conn *cn = conn_of(ctx);

	if (cn == NULL || cn->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (cn->msg->skip != SKIP_INTERNAL)
		return SMFIS_CONTINUE;
	queue_id(ctx, cn->msg);
	log_message(cn, cn->msg);
	conn_msg_end(cn);
	return SMFIS_ACCEPT;
}

/* dkim_feed - feed DKIM a header, starting it with the first one */
static void
dkim_feed(struct conn *cn, struct msg *m, const char *name,
    const char *value)
{
	struct dkimv_opts o;

	if (m->dkim == NULL && !m->dkim_ran) {
		o.max_sigs = cn->cfg->dkim_max_sigs;
		o.max_key_bits = cn->cfg->dkim_max_key_bits;
		o.partial_fail = cn->cfg->dkim_partial_fail;
		o.leadspc = cn->leadspc;
		m->dkim = dkimv_new(&o, &m->budget, m->queue_id);
		m->dkim_ran = true;	/* started, or failed to */
	}
	dkimv_header(m->dkim, name, value);
}

/* mlfi_header - one header: DKIM, and our-id Authentication-Results */
static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn	*cn = conn_of(ctx);
	sfsistat	 ok;
	struct msg	*m;

	if (cn == NULL || (m = cn->msg) == NULL)
		return SMFIS_TEMPFAIL;
	ok = cn->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	if (name == NULL || value == NULL)
		return ok;
	if (m->skip == SKIP_NONE)
		dkim_feed(cn, m, name, value);
	if (strcasecmp(name, "From") == 0 && m->from_count++ == 0) {
		m->from_status = addr_from_domain(value, strlen(value),
		    m->from_domain, sizeof m->from_domain);
		if (m->skip == SKIP_NONE && m->from_status == ADDR_OK)
			dmarc_prefetch(m->from_domain);
	}
	if (strcasecmp(name, AR_NAME) != 0)
		return ok;
	m->ar_seen++;
	if (authres_is_ours(value, strlen(value), cn->cfg->authserv_id))
		msg_ar_note(m, m->ar_seen);
	return ok;
}

/* mlfi_eoh - end of headers: DKIM key lookups */
static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct conn *cn = conn_of(ctx);

	/* No state: the body or end of message, which have replies, say so. */
	if (cn == NULL || cn->msg == NULL)
		return cn != NULL && cn->nr_eoh ? SMFIS_NOREPLY :
		    SMFIS_TEMPFAIL;
	queue_id(ctx, cn->msg);
	dkimv_eoh(cn->msg->dkim);
	return cn->nr_eoh ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mlfi_body - the body for DKIM; skipped messages need none */
static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *cn = conn_of(ctx);

	if (cn == NULL || cn->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (cn->msg->skip != SKIP_NONE && cn->skip_ok)
		return SMFIS_SKIP;
	dkimv_body(cn->msg->dkim, chunk, len);
	return SMFIS_CONTINUE;
}

/* remove_forged_ar - delete our-id A-R headers, last first (CVE-2022-48521) */
static bool
remove_forged_ar(SMFICTX *ctx, struct msg *m)
{
	size_t i;

	for (i = m->n_ar_ours; i > 0; i--) {
		if (smfi_chgheader(ctx, AR_NAME, (int)m->ar_ours[i - 1],
		    NULL) != MI_SUCCESS) {
			log_err("%s: cannot delete Authentication-Results #%u",
			    m->queue_id, m->ar_ours[i - 1]);
			return false;
		}
		m->ar_removed++;
	}
	return true;
}

/* insert_header - NAME: VALUE at the top, with the space LEADSPC wants */
static bool
insert_header(SMFICTX *ctx, const struct conn *cn, const char *name,
    const char *value)
{
	char	*v = NULL;
	int	 rc;

	/* With SMFIP_HDR_LEADSPC the MTA writes "Name:" and our value as is. */
	if (cn->leadspc && asprintf(&v, " %s", value) < 0)
		return false;
	rc = smfi_insheader(ctx, 0, (char *)name, v != NULL ? v :
	    (char *)value);
	free(v);
	return rc == MI_SUCCESS;
}

/* ar_spf_entry - one spf= resinfo: result, DNSSEC comment, identities */
static void
ar_spf_entry(struct authres *ar, const struct spf_outcome *o,
    const char *mailfrom_domain, const char *helo)
{
	authres_method(ar, "spf", spf_result_str(o->result));
	if (o->reason[0] != '\0')
		authres_comment(ar, "dnssec=%s; %s",
		    dns_security_str(o->security), o->reason);
	else
		authres_comment(ar, "dnssec=%s", dns_security_str(o->security));
	if (mailfrom_domain != NULL)
		authres_prop(ar, "smtp.mailfrom", AR_DOMAIN, mailfrom_domain);
	authres_prop(ar, "smtp.helo", AR_DOMAIN, helo);
}

/* ar_spf - the MAIL FROM result (postmaster@HELO for <>), then HELO's */
static void
ar_spf(struct authres *ar, const struct msg *m)
{
	const struct spf_input *in = &m->spf_in;

	ar_spf_entry(ar, &m->spf_mailfrom, in->mailfrom[0] != '\0' ?
	    m->spf_mailfrom.domain : NULL, in->helo);
	if (m->spf_helo.checked)
		ar_spf_entry(ar, &m->spf_helo, NULL, in->helo);
}

/* ar_dkim_entry - dkim=RESULT (BITS-bit ALG key; dnssec=S; why) header.* */
static void
ar_dkim_entry(struct authres *ar, const struct dkimv_sig *s)
{
	char	 key[64] = "";

	authres_method(ar, "dkim", dkimv_result_str(s->result));
	if (s->bits > 0 && s->alg[0] != '\0')
		snprintf(key, sizeof key, "%u-bit %s key; ", s->bits, s->alg);
	authres_comment(ar, "%sdnssec=%s%s%s", key,
	    dns_security_str(s->security), s->reason[0] ? "; " : "",
	    s->reason);
	authres_prop(ar, "header.d", AR_DOMAIN, s->domain);
	authres_prop(ar, "header.i", AR_MAILBOX, s->identity);
	authres_prop(ar, "header.s", AR_DOMAIN, s->selector);
	authres_prop(ar, "header.a", AR_TOKEN, s->alg);
	authres_prop(ar, "header.b", AR_BASE64, s->b8);
}

/* ar_dkim - one entry per signature; "none" without any */
static void
ar_dkim(struct authres *ar, const struct dkimv_results *r)
{
	size_t i;

	if (r->nsigs == 0) {
		authres_method(ar, "dkim", "none");
		return;
	}
	if (r->n == 0) {
		authres_method(ar, "dkim", "permerror");
		authres_comment(ar, "%s", r->error[0] ? r->error :
		    "no signature could be read");
		return;
	}
	for (i = 0; i < r->n; i++)
		ar_dkim_entry(ar, &r->sig[i]);
}

/*
 * ar_dmarc - dmarc=RESULT (p=P sp=SP dis=D[; override=R]; dnssec=S)
 * header.from=DOMAIN polrec.p=P [polrec.domain=WHERE] (RFC 9989 11.x)
 */
static void
ar_dmarc(struct authres *ar, const struct msg *m)
{
	const struct dmarc_outcome *o = &m->dmarc;
	char	 ov[64] = "";

	authres_method(ar, "dmarc", dmarc_result_str(o->result));
	if (m->override != NULL)
		snprintf(ov, sizeof ov, "; override=%s", m->override);
	if (o->record)
		authres_comment(ar, "p=%s sp=%s dis=%s%s%s; dnssec=%s",
		    dmarc_policy_name(o->rec.p), dmarc_policy_name(
		    o->rec.sp != DMARC_P_ABSENT ? o->rec.sp : o->rec.p),
		    m->disposition != NULL ? m->disposition : "none", ov,
		    o->testing ? "; t=y" : "", dns_security_str(o->security));
	else if (o->reason[0] != '\0')
		authres_comment(ar, "%s; dnssec=%s", o->reason,
		    dns_security_str(o->security));
	else
		authres_comment(ar, "dnssec=%s", dns_security_str(o->security));
	authres_prop(ar, "header.from", AR_DOMAIN, o->from_domain);
	if (!o->record)
		return;
	authres_prop(ar, "polrec.p", AR_TOKEN, dmarc_policy_name(o->rec.p));
	if (strcasecmp(o->policy_domain, o->from_domain) != 0)
		authres_prop(ar, "polrec.domain", AR_DOMAIN, o->policy_domain);
}

/* add_received_spf - one Received-SPF header per identity checked */
static bool
add_received_spf(SMFICTX *ctx, const struct conn *cn, const struct msg *m)
{
	char v[2048];

	if (!m->spf_ran || !cn->cfg->spf_received_header)
		return true;
	/* Inserted at the top: the HELO one first, so MAIL FROM's is above. */
	if (m->spf_helo.checked) {
		spf_received(v, sizeof v, &m->spf_helo, &m->spf_in,
		    cn->cfg->authserv_id, true);
		if (!insert_header(ctx, cn, "Received-SPF", v))
			return false;
	}
	spf_received(v, sizeof v, &m->spf_mailfrom, &m->spf_in,
	    cn->cfg->authserv_id, m->spf_in.mailfrom[0] == '\0');
	return insert_header(ctx, cn, "Received-SPF", v);
}

/* add_ar - our one Authentication-Results header, at the top */
static bool
add_ar(SMFICTX *ctx, struct conn *cn, struct msg *m)
{
	struct authres	*ar;
	const char	*v;
	bool		 ok;

	if ((ar = authres_new(cn->cfg->authserv_id)) == NULL)
		return false;
	if (m->spf_ran)
		ar_spf(ar, m);
	/* "dkim=none" only beside another result: alone it is "; none". */
	if (m->dkim_ran && (m->dkim_res.nsigs > 0 || m->spf_ran ||
	    m->dmarc.record))
		ar_dkim(ar, &m->dkim_res);
	if (m->dmarc.evaluated && (m->spf_ran || m->dmarc.record ||
	    m->dmarc.result != DMARC_RES_NONE))
		ar_dmarc(ar, m);
	v = authres_value(ar);
	ok = v != NULL && insert_header(ctx, cn, AR_NAME, v);
	authres_free(ar);
	return ok;
}

/* tempfail - answer 451 with TEXT and note it */
static sfsistat
tempfail(SMFICTX *ctx, struct msg *m, const char *text)
{
	smfi_setreply(ctx, "451", "4.7.1", (char *)text);
	m->action = "tempfail";
	return SMFIS_TEMPFAIL;
}

/* reply - a 4xx/5xx decision to the MTA */
static sfsistat
reply(SMFICTX *ctx, struct msg *m, const struct decision *d)
{
	smfi_setreply(ctx, (char *)d->rcode, (char *)d->xcode,
	    (char *)d->text);
	m->action = d->action;
	return d->verdict == VERDICT_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

/* edit_headers - forged A-R out, our headers in; false on failure */
static bool
edit_headers(SMFICTX *ctx, struct conn *cn, struct msg *m)
{
	if (!remove_forged_ar(ctx, m))
		return false;
	if (m->skip != SKIP_NONE)
		return true;
	return add_received_spf(ctx, cn, m) && add_ar(ctx, cn, m);
}

/* quarantine - hold the message, or mark it, as the decision says */
static bool
quarantine(SMFICTX *ctx, struct conn *cn, struct msg *m,
    const struct decision *d)
{
	char	 why[AM_MAX_DOMAIN + 64];

	if (!d->hold && !d->mark)
		return true;
	snprintf(why, sizeof why, "DMARC quarantine policy of %s",
	    authres_valid(AR_DOMAIN, m->dmarc.from_domain) ?
	    m->dmarc.from_domain : "the sender");
	m->action = d->action;
	if (d->hold)
		return smfi_quarantine(ctx, why) == MI_SUCCESS;
	return insert_header(ctx, cn, "X-Authmilter-Quarantine", why);
}

/* mlfi_eom - results, decision, header edits, log line */
static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct conn	*cn = conn_of(ctx);
	struct msg	*m;
	struct decision	 d;
	sfsistat	 rc = SMFIS_ACCEPT;

	if (cn == NULL || (m = cn->msg) == NULL)
		return SMFIS_TEMPFAIL;
	queue_id(ctx, m);
	spf_collect(m);
	dkim_collect(m);
	dmarc_collect(m);
	policy_decide(cn->cfg, m, cn->family, cn->addr, cn->client_ip, &d);
	m->disposition = d.disposition;
	m->override = d.override;
	if (d.dry_run)
		log_notice("%s: dry run: would %s (%s)", m->queue_id[0] ?
		    m->queue_id : "NOQUEUE", d.action, d.text[0] ? d.text :
		    d.disposition);
	if (m->ar_overflow) {
		smfi_setreply(ctx, "550", "5.7.1",
		    "too many Authentication-Results headers");
		m->action = "reject";
		rc = SMFIS_REJECT;
	} else if (d.verdict != VERDICT_ACCEPT)
		rc = reply(ctx, m, &d);
	else if (!edit_headers(ctx, cn, m) || !quarantine(ctx, cn, m, &d))
		rc = tempfail(ctx, m, "cannot edit headers, try again later");
	log_message(cn, m);
	conn_msg_end(cn);
	return rc;
}

/* mlfi_abort - the message is abandoned: free it */
static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	conn_msg_end(conn_of(ctx));
	return SMFIS_CONTINUE;
}

/* mlfi_close - the session ends: free everything */
static sfsistat
mlfi_close(SMFICTX *ctx)
{
	conn_free(conn_of(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc milter_desc = {
	.xxfi_name = "authmilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE |
	    SMFIF_SETSYMLIST,
	.xxfi_connect = mlfi_connect,
	.xxfi_helo = mlfi_helo,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_header = mlfi_header,
	.xxfi_eoh = mlfi_eoh,
	.xxfi_body = mlfi_body,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_data = mlfi_data,
	.xxfi_negotiate = mlfi_negotiate,
};

/* milter_register - register the callbacks */
int
milter_register(void)
{
	return smfi_register(milter_desc) == MI_SUCCESS ? 0 : -1;
}
