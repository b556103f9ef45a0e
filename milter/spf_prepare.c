/*
 * spf_prepare.c - records rewritten for libspf2 (see spf_prepare.h)
 */
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf_grammar.h"	/* the caps */
#include "spf_prepare.h"

/* out - the output being built */
struct out {
	char	*p;
	size_t	 len;
	size_t	 cap;
	bool	 full;
};

/* out_put - append (S, N) */
static void
out_put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->len + n + 1 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* out_str - append S */
static void
out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* out_macros - the macro-expands written: each '%' and the byte after it */
static size_t
out_macros(const struct out *o)
{
	size_t i, n = 0;

	for (i = 0; i < o->len; i++)
		if (o->p[i] == '%') {
			n++;
			i++;
		}
	return n;
}

/* term_is - does the term (after its qualifier) start with NAME and then END? */
static bool
term_is(const char *t, size_t len, const char *name, const char *ends)
{
	size_t n = strlen(name);

	return len >= n && strncasecmp(t, name, n) == 0 &&
	    (len == n || strchr(ends, t[n]) != NULL);
}

/* cidr_split - where the trailing "/N[//M]" of (T, LEN) starts, or LEN */
static size_t
cidr_split(const char *t, size_t len)
{
	size_t i = len;

	while (i > 0 && (t[i - 1] == '/' || (t[i - 1] >= '0' &&
	    t[i - 1] <= '9')))
		i--;
	/* The run must start with '/' (a domain may end in digits). */
	while (i < len && t[i] != '/')
		i++;
	return i;
}

/* cidr_num - the digits at (C, LEN) as a number (at most 3 of them) */
static int
cidr_num(const char *c, size_t len)
{
	size_t i;
	int v = 0;

	for (i = 0; i < len && i < 3 && c[i] >= '0' && c[i] <= '9'; i++)
		v = v * 10 + (c[i] - '0');
	return v;
}

/* cidr_lengths - parse "/N", "//M" or "/N//M" of (C, LEN); -1 where absent */
static void
cidr_lengths(const char *c, size_t len, int *v4, int *v6)
{
	size_t dd;

	*v4 = *v6 = -1;
	if (len == 0)
		return;
	for (dd = 0; dd + 1 < len; dd++)
		if (c[dd] == '/' && c[dd + 1] == '/')
			break;
	if (dd + 1 < len) {
		*v6 = cidr_num(c + dd + 2, len - dd - 2);
		if (dd > 0)
			*v4 = cidr_num(c + 1, dd - 1);
	} else
		*v4 = cidr_num(c + 1, len - 1);
}

/* put_cidr - "/N", "//M" as given, zero lengths dropped */
static void
put_cidr(struct out *o, int v4, int v6)
{
	char buf[16];

	if (v4 > 0) {
		snprintf(buf, sizeof buf, "/%d", v4);
		out_str(o, buf);
	}
	if (v6 > 0) {
		snprintf(buf, sizeof buf, "//%d", v6);
		out_str(o, buf);
	}
}

/* put_addrmech - a or mx (name N chars long), with the zero-CIDR rewrite */
static void
put_addrmech(struct out *o, const char *q, const char *t, size_t len,
    size_t n, int family)
{
	size_t	 split = cidr_split(t, len);
	int	 v4, v6;
	bool	 any;

	cidr_lengths(t + split, len - split, &v4, &v6);
	any = (family == AF_INET6 ? v6 : v4) == 0;
	out_str(o, " ");
	out_str(o, q);
	out_put(o, t, n);
	if (!any) {
		out_put(o, t + n, split - n);
		put_cidr(o, v4, v6);
		return;
	}
	/* Mark the domain-spec; the default domain-spec is %{d}. */
	if (split > n) {
		out_put(o, t + n, split - n);
		if (t[split - 1] != '.')
			out_str(o, ".");
	} else
		out_str(o, ":%{d}.");
	out_str(o, SPF_ANY_LABEL);
}

/* put_ipmech - ip4/ip6; a zero length becomes the two halves */
static void
put_ipmech(struct out *o, const char *q, const char *t, size_t len,
    bool v6)
{
	const char *slash = memchr(t, '/', len);

	out_str(o, " ");
	if (slash == NULL || cidr_num(slash + 1, len - (size_t)(slash - t) -
	    1) != 0) {
		out_str(o, q);
		out_put(o, t, len);
		return;
	}
	out_str(o, q);
	out_str(o, v6 ? "ip6:::/1 " : "ip4:0.0.0.0/1 ");
	out_str(o, q);
	out_str(o, v6 ? "ip6:8000::/1" : "ip4:128.0.0.0/1");
}

/* is_modifier - name "=" ..., name = ALPHA *(ALPHA / DIGIT / - / _ / .) */
static bool
is_modifier(const char *t, size_t len)
{
	size_t i = 0;

	while (i < len && (isalnum((unsigned char)t[i]) || t[i] == '-' ||
	    t[i] == '_' || t[i] == '.'))
		i++;
	return i > 0 && i < len && t[i] == '=';
}

/* put_term - one directive or modifier; REDIRECT collects redirect= */
static void
put_term(struct out *o, const char *t, size_t len, int family,
    const char **redirect, size_t *rlen, bool *has_all)
{
	char	 q[2] = { 0, 0 };

	if (term_is(t, len, "redirect", "=")) {
		*redirect = t;
		*rlen = len;
		return;
	}
	if (term_is(t, len, "exp", "=")) {
		out_str(o, " ");
		out_put(o, t, len);
		return;
	}
	if (is_modifier(t, len))
		return;		/* an unknown modifier: ignored (6) */
	if (strchr("+-~?", t[0]) != NULL) {
		q[0] = t[0];
		t++;
		len--;
	}
	if (term_is(t, len, "all", ""))
		*has_all = true;
	if (term_is(t, len, "a", ":/"))
		put_addrmech(o, q, t, len, 1, family);
	else if (term_is(t, len, "mx", ":/"))
		put_addrmech(o, q, t, len, 2, family);
	else if (term_is(t, len, "ip4", ":") || term_is(t, len, "ip6", ":"))
		put_ipmech(o, q, t, len, t[2] == '6');
	else {
		out_str(o, " ");
		out_str(o, q);
		out_put(o, t, len);
	}
}

/* spf_prepare - rewrite (REC, LEN) for FAMILY into OUT */
bool
spf_prepare(const char *rec, size_t len, int family, char *out,
    size_t outlen)
{
	struct out	 o = { out, 0, outlen, false };
	const char	*redirect = NULL;
	size_t		 rlen = 0, i = 6, start;
	bool		 has_all = false;

	if (outlen == 0 || len < 6)
		return false;
	out[0] = '\0';
	out_str(&o, "v=spf1");
	while (i < len) {
		while (i < len && rec[i] == ' ')
			i++;
		start = i;
		while (i < len && rec[i] != ' ')
			i++;
		if (i > start)
			put_term(&o, rec + start, i - start, family, &redirect,
			    &rlen, &has_all);
	}
	if (redirect != NULL && !has_all) {
		out_str(&o, " ");
		out_put(&o, redirect, rlen);
	}
	/* The rewrites add length and "%{d}"s: stay within the grammar's caps. */
	return !o.full && o.len <= SPF_GRAMMAR_MAX_LEN &&
	    out_macros(&o) <= SPF_GRAMMAR_MAX_MACROS;
}
