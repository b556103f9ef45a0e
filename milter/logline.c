/*
 * logline.c - the one log line per message (see logline.h)
 */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "log.h"
#include "logline.h"
#include "spf.h"

/* field - sanitized S, or "-" when empty */
static const char *
field(char *buf, size_t len, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return "-";
	log_sanitize(buf, len, s, strlen(s));
	return buf;
}

/* spf_fields - " spf=R [helo_spf=R] [spf_problem=TEXT]" into OUT */
static void
spf_fields(char *out, size_t outlen, const struct msg *m)
{
	char	 prob[AM_LOG_FIELD + 1];
	size_t	 i, n;

	if (!m->spf_ran) {
		snprintf(out, outlen, " spf=-");
		return;
	}
	n = (size_t)snprintf(out, outlen, " spf=%s",
	    spf_result_str(m->spf_mailfrom.result));
	if (m->spf_helo.checked && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, " helo_spf=%s",
		    spf_result_str(m->spf_helo.result));
	if (m->spf_mailfrom.reason[0] == '\0' || n >= outlen)
		return;
	/* Our own text: spaces become '_' so the field stays one word. */
	snprintf(prob, sizeof prob, "%s", m->spf_mailfrom.reason);
	for (i = 0; prob[i] != '\0'; i++)
		if (prob[i] == ' ')
			prob[i] = '_';
	snprintf(out + n, outlen - n, " spf_problem=%s", prob);
}

/* dkim_fields - " dkim=RESULT:D/S,..." (or none, or -) into OUT */
static void
dkim_fields(char *out, size_t outlen, const struct msg *m)
{
	char	 d[AM_LOG_FIELD + 1], sel[AM_LOG_FIELD + 1];
	size_t	 i, n;

	if (!m->dkim_ran) {
		snprintf(out, outlen, " dkim=-");
		return;
	}
	if (m->dkim_res.nsigs == 0 || m->dkim_res.n == 0) {
		snprintf(out, outlen, " dkim=%s", m->dkim_res.nsigs == 0 ?
		    "none" : "permerror");
		return;
	}
	n = (size_t)snprintf(out, outlen, " dkim=");
	for (i = 0; i < m->dkim_res.n && n < outlen; i++) {
		const struct dkimv_sig *sg = &m->dkim_res.sig[i];

		n += (size_t)snprintf(out + n, outlen - n, "%s%s:%s/%s",
		    i > 0 ? "," : "", dkimv_result_str(sg->result),
		    field(d, sizeof d, sg->domain),
		    field(sel, sizeof sel, sg->selector));
	}
	if (m->dkim_res.nsigs > m->dkim_res.n && n < outlen)
		snprintf(out + n, outlen - n, ",+%zu",
		    m->dkim_res.nsigs - m->dkim_res.n);
}

/* dmarc_fields - " dmarc=R [policy=P[(sp|np)] dis=D align=A [override=O]]" */
static void
dmarc_fields(char *out, size_t outlen, const struct msg *m)
{
	const struct dmarc_outcome *o = &m->dmarc;
	const char *align;
	size_t	 n;

	if (!o->evaluated) {
		snprintf(out, outlen, " dmarc=-");
		return;
	}
	n = (size_t)snprintf(out, outlen, " dmarc=%s",
	    dmarc_result_str(o->result));
	if (!o->record || n >= outlen)
		return;
	align = o->dkim_aligned && o->spf_aligned ? "dkim+spf" :
	    o->dkim_aligned ? "dkim" : o->spf_aligned ? "spf" : "none";
	n += (size_t)snprintf(out + n, outlen - n, " policy=%s%s%s%s dis=%s "
	    "align=%s", dmarc_policy_name(o->policy),
	    strcmp(o->policy_tag, "p") != 0 ? "(" : "",
	    strcmp(o->policy_tag, "p") != 0 ? o->policy_tag : "",
	    strcmp(o->policy_tag, "p") != 0 ? ")" : "",
	    m->disposition != NULL ? m->disposition : "none", align);
	if (m->override != NULL && n < outlen)
		snprintf(out + n, outlen - n, " override=%s", m->override);
}

/* log_message - the line for message M of session CN */
void
log_message(const struct conn *cn, const struct msg *m)
{
	char	 helo[AM_LOG_FIELD + 1], from[AM_LOG_FIELD + 1];
	char	 hfrom[AM_LOG_FIELD + 1], spf[512], dkim[2048], dmarc[256];
	const char *id = m->queue_id[0] ? m->queue_id : "NOQUEUE";
	const char *ip = cn->client_ip[0] ? cn->client_ip : "-";
	const char *skip = m->skip == SKIP_INTERNAL ? "internal" :
	    m->skip == SKIP_AUTHENTICATED ? "authenticated" : NULL;

	if (skip != NULL) {
		log_info("%s: client=%s helo=%s mailfrom=%s skipped=%s "
		    "ar_removed=%u action=%s ms=%u", id, ip,
		    field(helo, sizeof helo, cn->helo),
		    field(from, sizeof from, m->mailfrom_domain), skip,
		    m->ar_removed, m->action, msg_elapsed_ms(m));
		return;
	}
	spf_fields(spf, sizeof spf, m);
	dkim_fields(dkim, sizeof dkim, m);
	dmarc_fields(dmarc, sizeof dmarc, m);
	log_info("%s: client=%s helo=%s mailfrom=%s from=%s%s%s%s "
	    "ar_removed=%u action=%s ms=%u", id, ip,
	    field(helo, sizeof helo, cn->helo),
	    field(from, sizeof from, m->mailfrom_domain),
	    field(hfrom, sizeof hfrom, m->from_domain), spf, dkim, dmarc,
	    m->ar_removed, m->action, msg_elapsed_ms(m));
}
