/*
 * dmarc_record.c - DMARC records, the DNS Tree Walk, policy discovery,
 * the Organizational Domain and alignment (RFC 9989, RFC 7489 mode)
 *
 * The contract is in dmarc_record.h.  Section numbers are those of
 * draft-ietf-dmarc-dmarcbis-41 (the text of RFC 9989).
 *
 * The record parser reads the untrusted (p, len) only through index
 * checks against the end of the range it was given.  The record is cut at
 * ';' into tag-specs (4.8 dmarc-sep; ';' cannot occur inside a value,
 * dmarc-value excludes %x3B), each tag-spec into name and value, and each
 * value goes to the function of its tag in dr_tags[] (Table 2 of 4.8).
 *
 * A walk is kept as offsets into its start name: every name a walk asks
 * is a suffix of the name it started at.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dmarc_record.h"
#include "psl.h"

/* _dmarc. + a 253-octet name + NUL */
#define DQ_NAME_SIZE	(sizeof("_dmarc.") + DMARC_DOMAIN_SIZE)

/* dr - the state of one record parse */
struct dr {
	const char		*p;		/* untrusted, no NUL */
	size_t			 len;
	struct dmarc_record	*r;
	size_t			 ntags;		/* tag-specs so far */
	size_t			 name[DMARC_TAGS_MAX];	/* for duplicates */
	size_t			 namelen[DMARC_TAGS_MAX];
};

/* dr_spec - one tag-spec: [name, name + namelen) "=" [val, val + vallen) */
struct dr_spec {
	size_t	 name, namelen;
	size_t	 val, vallen;
};

/* dr_why - put a fixed reason, with the byte offset, into WHY */
static void
dr_why(char *why, size_t whylen, const char *what, size_t off)
{
	if (why == NULL || whylen == 0)
		return;
	if (*what == '\0')
		why[0] = '\0';
	else
		(void)snprintf(why, whylen, "%s at offset %zu", what, off);
}

/* dr_at - the byte at I, or -1 at or past TO */
static int
dr_at(const struct dr *d, size_t i, size_t to)
{
	if (i >= to || i >= d->len)
		return -1;
	return (unsigned char)d->p[i];
}

/* dr_wsp - WSP = SP / HTAB */
static bool
dr_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* dr_alpha - ALPHA, whatever the locale */
static bool
dr_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dr_digit - DIGIT */
static bool
dr_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* dr_lower - ASCII lower case */
static int
dr_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* dr_ieq - is [FROM, FROM + N) the lower-case WORD, ignoring case? */
static bool
dr_ieq(const struct dr *d, size_t from, size_t n, const char *word)
{
	size_t	i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (dr_lower(dr_at(d, from + i, from + n)) != word[i])
			return false;
	return true;
}

/* dr_skip_wsp - the first index at or after I, before TO, not WSP */
static size_t
dr_skip_wsp(const struct dr *d, size_t i, size_t to)
{
	while (dr_wsp(dr_at(d, i, to)))
		i++;
	return i;
}

/* dr_semi - the index of the next ';' at or after I, or the length */
static size_t
dr_semi(const struct dr *d, size_t i)
{
	while (i < d->len && d->p[i] != ';')
		i++;
	return i;
}

/*
 * dr_tagspec - tag-spec = *WSP tag-name *WSP "=" *WSP tag-value *WSP in
 * [FROM, TO) (RFC 6376 3.2; 4.8 equals, dmarc-sep).  tag-name is RFC
 * 6376's ALPHA *ALNUMPUNC, a superset of 4.8's 1*ALPHA: the extra names
 * are unknown tags and ignored.  False on a syntax error.
 */
static bool
dr_tagspec(const struct dr *d, size_t from, size_t to, struct dr_spec *s)
{
	size_t	i = dr_skip_wsp(d, from, to), end = to;
	int	c;

	s->name = i;
	if (!dr_alpha(dr_at(d, i, to)))
		return false;
	while ((c = dr_at(d, i, to)) != -1 &&
	    (dr_alpha(c) || dr_digit(c) || c == '_'))
		i++;
	s->namelen = i - s->name;
	i = dr_skip_wsp(d, i, to);
	if (dr_at(d, i, to) != '=')
		return false;
	i = dr_skip_wsp(d, i + 1, to);
	while (end > i && dr_wsp(dr_at(d, end - 1, to)))
		end--;
	s->val = i;
	s->vallen = end - i;
	return true;
}

/* dr_request - dmarc-request = "none" / "quarantine" / "reject" */
static enum dmarc_policy
dr_request(const struct dr *d, const struct dr_spec *s)
{
	if (dr_ieq(d, s->val, s->vallen, "none"))
		return DMARC_P_NONE;
	if (dr_ieq(d, s->val, s->vallen, "quarantine"))
		return DMARC_P_QUARANTINE;
	if (dr_ieq(d, s->val, s->vallen, "reject"))
		return DMARC_P_REJECT;
	return DMARC_P_INVALID;
}

/* dr_fo_item - one fo value: its DMARC_FO_ bit (order "01ds"), 0 if none */
static unsigned int
dr_fo_item(const struct dr *d, size_t from, size_t to)
{
	const char	*x, *items = "01ds";
	int		 c = dr_lower(dr_at(d, from, to));

	if (to - from != 1 || c <= 0 || (x = strchr(items, c)) == NULL)
		return 0;
	return 1u << (x - items);
}

/*
 * dr_fo - fo = dmarc-fo: a ":" list of 0, 1, d, s, each at most once, 0
 * and 1 not together (the three alternatives of 4.8 say exactly that).
 * Anything else leaves the default "0".
 */
static void
dr_fo(struct dr *d, const struct dr_spec *s)
{
	size_t		 i = s->val, end = s->val + s->vallen, j;
	unsigned int	 fo = 0, bit;

	for (;;) {
		for (j = i; j < end && d->p[j] != ':'; j++)
			;
		bit = dr_fo_item(d, i, j);
		if (bit == 0 || (fo & bit) != 0)
			return;
		fo |= bit;
		if (j >= end)
			break;
		i = j + 1;
	}
	if ((fo & DMARC_FO_0) != 0 && (fo & DMARC_FO_1) != 0)
		return;
	d->r->fo = fo;
}

/* dr_pct - RFC 7489 pct = 1*3DIGIT, 0..100; kept for the 7489 mode only */
static void
dr_pct(struct dr *d, const struct dr_spec *s)
{
	size_t	i;
	int	v = 0, c;

	if (s->vallen == 0 || s->vallen > 3)
		return;
	for (i = 0; i < s->vallen; i++) {
		c = dr_at(d, s->val + i, s->val + s->vallen);
		if (!dr_digit(c))
			return;
		v = v * 10 + (c - '0');
	}
	if (v <= 100)
		d->r->pct = v;
}

/* dr_hexdig - HEXDIG, either case */
static bool
dr_hexdig(int c)
{
	return dr_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * dr_urichar - a byte that may stand unencoded in a dmarc-uri: RFC 3986
 * unreserved and reserved less "," and "!" (4.8: they MUST be encoded)
 * and ";" (the separator).  "%" is checked by the caller.
 */
static bool
dr_urichar(int c)
{
	return dr_alpha(c) || dr_digit(c) ||
	    (c > 0 && strchr("-._~:/?#[]@$&'()*+=", c) != NULL);
}

/* dr_uri_size - obs-dmarc-report-size = "!" 1*DIGIT [k/m/g/t], to TO */
static bool
dr_uri_size(const struct dr *d, size_t from, size_t to)
{
	size_t	i = from + 1;
	int	c;

	if (!dr_digit(dr_at(d, i, to)))
		return false;
	while (dr_digit(dr_at(d, i, to)))
		i++;
	c = dr_lower(dr_at(d, i, to));
	if (c > 0 && strchr("kmgt", c) != NULL)
		i++;
	return i == to;
}

/*
 * dr_mailto - the part after "mailto:", loosely: local "@" domain, the
 * domain LDH and dots up to an optional "?hfields" (RFC 6068)
 */
static bool
dr_mailto(const struct dr *d, size_t from, size_t to)
{
	size_t	at = from, i;
	int	c;

	while (at < to && d->p[at] != '@')
		at++;
	if (at == from || at + 1 >= to)
		return false;
	for (i = at + 1; i < to && (c = dr_at(d, i, to)) != '?'; i++)
		if (!dr_alpha(c) && !dr_digit(c) && c != '-' && c != '.' &&
		    c != '_')
			return false;
	return i > at + 1;
}

/*
 * dr_uri - dmarc-uri / obs-dmarc-uri in [FROM, TO): RFC 3986 scheme ":"
 * and at least one URI byte, mailto checked loosely.  *ULEN gets the
 * length without the obsolete "!size", which reporters ignore (4.8).
 */
static bool
dr_uri(const struct dr *d, size_t from, size_t to, size_t *ulen)
{
	size_t	i = from, colon, bang = to;
	int	c;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!dr_alpha(dr_at(d, i, to)))
		return false;
	while ((c = dr_at(d, ++i, to)) != -1 &&
	    (dr_alpha(c) || dr_digit(c) || c == '+' || c == '-' || c == '.'))
		;
	if (c != ':')
		return false;
	colon = i;
	for (i = colon + 1; i < bang; i++) {
		c = dr_at(d, i, to);
		if (c == '!')
			bang = i;
		else if (c == '%') {
			if (!dr_hexdig(dr_at(d, i + 1, to)) ||
			    !dr_hexdig(dr_at(d, i + 2, to)))
				return false;
		} else if (!dr_urichar(c))
			return false;
	}
	if (colon + 1 >= bang)
		return false;
	if (bang != to && !dr_uri_size(d, bang, to))
		return false;
	if (colon - from == 6 && dr_ieq(d, from, 6, "mailto") &&
	    !dr_mailto(d, colon + 1, bang))
		return false;
	*ulen = bang - from;
	return true;
}

/*
 * dr_urilist - dmarc-urilist: URIs separated by *WSP "," *WSP.  Valid ones
 * are kept up to DMARC_URIS_MAX; the others are counted in *SKIPPED.
 */
static void
dr_urilist(struct dr *d, const struct dr_spec *s,
    char list[DMARC_URIS_MAX][DMARC_URI_SIZE], size_t *n, size_t *skipped)
{
	size_t	i = s->val, end = s->val + s->vallen, j, k, ulen;

	while (i <= end) {
		for (j = i; j < end && d->p[j] != ','; j++)
			;
		k = j;
		while (k > i && dr_wsp(dr_at(d, k - 1, end)))
			k--;
		i = dr_skip_wsp(d, i, k);
		if (dr_uri(d, i, k, &ulen) && ulen < DMARC_URI_SIZE &&
		    *n < DMARC_URIS_MAX) {
			memcpy(list[*n], d->p + i, ulen);
			list[*n][ulen] = '\0';
			(*n)++;
		} else
			(*skipped)++;
		i = j + 1;
	}
}

/* dr_kind - how a tag's value is read: the Value Rule of 4.8 Table 2 */
enum dr_kind {
	DR_IGNORE,		/* v (read first), rf and ri (C.5.2) */
	DR_REQUEST,		/* dmarc-request; a bad value is INVALID */
	DR_RORS,		/* dmarc-rors: true for "s"; else r (4.8) */
	DR_YORN,		/* dmarc-yorn: true for "y"; else n (4.8) */
	DR_PSD,			/* dmarc-psd; else u (4.8) */
	DR_FO,			/* dmarc-fo */
	DR_PCT,			/* RFC 7489 pct */
	DR_RUA,			/* dmarc-urilist */
	DR_RUF
};

/* dr_tag - one row of the tag registry (4.7, 9.3 Table 5) */
struct dr_tag {
	const char	*name;
	enum dr_kind	 kind;
	size_t		 off;		/* the field, for shared kinds */
};

#define DR_AT(f)	offsetof(struct dmarc_record, f)

/*
 * The registry.  rf and ri are historic and ignored; pct is historic and
 * kept for the RFC 7489 mode; v is read first, where it must be.  Names
 * not here are unknown and ignored (4.7).
 */
static const struct dr_tag dr_tags[] = {
	{ "adkim",	DR_RORS,	DR_AT(adkim_strict) },
	{ "aspf",	DR_RORS,	DR_AT(aspf_strict) },
	{ "fo",		DR_FO,		0 },
	{ "np",		DR_REQUEST,	DR_AT(np) },
	{ "p",		DR_REQUEST,	DR_AT(p) },
	{ "pct",	DR_PCT,		0 },
	{ "psd",	DR_PSD,		0 },
	{ "rf",		DR_IGNORE,	0 },
	{ "ri",		DR_IGNORE,	0 },
	{ "rua",	DR_RUA,		0 },
	{ "ruf",	DR_RUF,		0 },
	{ "sp",		DR_REQUEST,	DR_AT(sp) },
	{ "t",		DR_YORN,	DR_AT(t) },
	{ "v",		DR_IGNORE,	0 },
};

/*
 * dr_value - read the value of S as tag T says.  An empty value ("p=")
 * is read too: 4.8 wants 1*dmarc-value, so it is a syntax error.
 */
static void
dr_value(struct dr *d, const struct dr_tag *t, const struct dr_spec *s)
{
	struct dmarc_record	*r = d->r;
	char			*f = (char *)r + t->off;

	switch (t->kind) {
	case DR_REQUEST:
		*(enum dmarc_policy *)(void *)f = dr_request(d, s);
		break;
	case DR_RORS:
		*(bool *)(void *)f = dr_ieq(d, s->val, s->vallen, "s");
		break;
	case DR_YORN:
		*(bool *)(void *)f = dr_ieq(d, s->val, s->vallen, "y");
		break;
	case DR_PSD:
		r->psd = dr_ieq(d, s->val, s->vallen, "y") ? DMARC_PSD_Y :
		    dr_ieq(d, s->val, s->vallen, "n") ? DMARC_PSD_N :
		    DMARC_PSD_U;
		break;
	case DR_FO:
		dr_fo(d, s);
		break;
	case DR_PCT:
		dr_pct(d, s);
		break;
	case DR_RUA:
		r->rua_present = true;
		dr_urilist(d, s, r->rua, &r->nrua, &r->rua_skipped);
		break;
	case DR_RUF:
		r->ruf_present = true;
		dr_urilist(d, s, r->ruf, &r->nruf, &r->ruf_skipped);
		break;
	case DR_IGNORE:
		break;
	}
}

/* dr_seen - has the name of S been seen before (names ignore case)? */
static bool
dr_seen(const struct dr *d, const struct dr_spec *s)
{
	size_t	i, j;

	for (i = 0; i < d->ntags; i++) {
		if (d->namelen[i] != s->namelen)
			continue;
		for (j = 0; j < s->namelen; j++)
			if (dr_lower((unsigned char)d->p[d->name[i] + j]) !=
			    dr_lower((unsigned char)d->p[s->name + j]))
				break;
		if (j == s->namelen)
			return true;
	}
	return false;
}

/* dr_dispatch - hand the value of S to its tag; unknown tags do nothing */
static void
dr_dispatch(struct dr *d, const struct dr_spec *s)
{
	size_t	i;
	char	name[8];

	if (s->namelen >= sizeof(name))
		return;
	for (i = 0; i < s->namelen; i++)
		name[i] = (char)dr_lower((unsigned char)d->p[s->name + i]);
	name[s->namelen] = '\0';
	for (i = 0; i < sizeof(dr_tags) / sizeof(dr_tags[0]); i++)
		if (strcmp(dr_tags[i].name, name) == 0) {
			dr_value(d, &dr_tags[i], s);
			return;
		}
}

/* dr_remember - note the name of S, for the duplicate rule */
static void
dr_remember(struct dr *d, const struct dr_spec *s)
{
	d->name[d->ntags] = s->name;
	d->namelen[d->ntags] = s->namelen;
	d->ntags++;
}

/*
 * dr_version - dmarc-version = "v" equals %s"DMARC1", the first tag-spec
 * (4.7 "v": "MUST be the first tag"; "DMARC1" is case-sensitive).  *END
 * gets the index of the ';' after it, or the length.
 */
static bool
dr_version(struct dr *d, size_t *end)
{
	struct dr_spec	s;

	*end = dr_semi(d, 0);
	if (!dr_tagspec(d, 0, *end, &s) || !dr_ieq(d, s.name, s.namelen, "v"))
		return false;
	if (s.vallen != 6 || memcmp(d->p + s.val, "DMARC1", 6) != 0)
		return false;
	dr_remember(d, &s);
	return true;
}

/* dr_defaults - the record with every tag at its default (4.7) */
static void
dr_defaults(struct dmarc_record *r)
{
	memset(r, 0, sizeof(*r));
	r->fo = DMARC_FO_0;
	r->pct = -1;
}

/* dr_fail - reset the record, say why; always false */
static bool
dr_fail(struct dr *d, char *why, size_t whylen, const char *what, size_t off)
{
	dr_defaults(d->r);
	dr_why(why, whylen, what, off);
	return false;
}

/* dmarc_record_parse - parse untrusted (P, LEN) into OUT */
bool
dmarc_record_parse(const char *p, size_t len, struct dmarc_record *out,
    char *why, size_t whylen)
{
	struct dr	d;
	struct dr_spec	s;
	size_t		i, end;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.len = p == NULL ? 0 : len;
	d.r = out;
	dr_defaults(out);
	dr_why(why, whylen, "", 0);
	if (len > DMARC_TXT_MAX)
		return dr_fail(&d, why, whylen, "record over 4096 octets",
		    DMARC_TXT_MAX);
	if (!dr_version(&d, &i))
		return dr_fail(&d, why, whylen, "no v=DMARC1 first", 0);
	while (i < d.len) {
		end = dr_semi(&d, i + 1);
		if (dr_skip_wsp(&d, i + 1, end) < end) {	/* not empty */
			if (d.ntags >= DMARC_TAGS_MAX)
				return dr_fail(&d, why, whylen,
				    "more than 64 tags", i + 1);
			/* A malformed tag-spec is ignored outright (4.8). */
			if (dr_tagspec(&d, i + 1, end, &s)) {
				if (dr_seen(&d, &s))
					return dr_fail(&d, why, whylen,
					    "duplicate tag", s.name);
				dr_remember(&d, &s);
				dr_dispatch(&d, &s);
			}
		}
		i = end;
	}
	if (!out->ruf_present)
		out->fo = DMARC_FO_0;	/* 4.7 "fo": ignored without ruf */
	return true;
}

/* dr_starts_dmarc1 - does TXT (P, LEN) start with the v=DMARC1 tag? */
static bool
dr_starts_dmarc1(const char *p, size_t len)
{
	struct dr	d;
	size_t		end;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.len = p == NULL ? 0 : len;
	return dr_version(&d, &end);
}

/* dmarc_select - the one TXT record starting with v=DMARC1 (4.10 step 2) */
int
dmarc_select(const char *const *txts, const size_t *lens, size_t n)
{
	size_t	i;
	int	found = DMARC_SELECT_NONE;

	for (i = 0; i < n; i++) {
		if (!dr_starts_dmarc1(txts[i], lens[i]))
			continue;
		if (found != DMARC_SELECT_NONE)
			return DMARC_SELECT_MULTIPLE;
		found = (int)i;
	}
	return found;
}

/* dmarc_record_from_txt - select among one name's TXT records and parse */
enum dmarc_lookup_status
dmarc_record_from_txt(const char *const *txts, const size_t *lens, size_t n,
    struct dmarc_record *rec, char *why, size_t whylen)
{
	int	i = dmarc_select(txts, lens, n);

	if (i == DMARC_SELECT_MULTIPLE) {
		dr_defaults(rec);
		dr_why(why, whylen, "several v=DMARC1 records", 0);
		return DMARC_LK_MULTIPLE;
	}
	if (i == DMARC_SELECT_NONE) {
		dr_defaults(rec);
		dr_why(why, whylen, "no v=DMARC1 record", 0);
		return DMARC_LK_NONE;
	}
	if (!dmarc_record_parse(txts[i], lens[i], rec, why, whylen))
		return DMARC_LK_NONE;
	return DMARC_LK_FOUND;
}

/* dmarc_policy_name - the name of P, for logs and A-R */
const char *
dmarc_policy_name(enum dmarc_policy p)
{
	static const char *const names[] = {
		"absent", "invalid", "none", "quarantine", "reject"
	};

	return (size_t)p < sizeof(names) / sizeof(names[0]) ? names[p] :
	    "invalid";
}

/* ------------------------------------------------------------- names */

/*
 * dd_norm - IN as a lower-case domain without its trailing dot into OUT
 * (DMARC_DOMAIN_SIZE): labels of 1..63 LDH or "_" octets, 253 in all.
 * False for anything else, U-labels included (5.3.1 wants A-labels).
 */
static bool
dd_norm(const char *in, char *out)
{
	size_t	n, i, label = 0;
	int	c;

	out[0] = '\0';
	if (in == NULL)
		return false;
	n = strnlen(in, DMARC_DOMAIN_SIZE + 1);
	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n >= DMARC_DOMAIN_SIZE)
		return false;
	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (dr_alpha(c) || dr_digit(c) || c == '-' || c == '_') {
			if (++label > 63)
				return false;
		} else
			return false;
		out[i] = (char)dr_lower(c);
	}
	out[n] = '\0';
	return label > 0;		/* "a.." left an empty last label */
}

/* dd_labels - the number of labels in the normalized name S */
static size_t
dd_labels(const char *s)
{
	size_t	n = 1;

	for (; *s != '\0'; s++)
		if (*s == '.')
			n++;
	return n;
}

/* dd_last - the suffix of S holding its last K labels (K >= 1) */
static const char *
dd_last(const char *s, size_t k)
{
	const char	*p = s + strlen(s);

	while (p > s) {
		if (p[-1] == '.' && --k == 0)
			return p;
		p--;
	}
	return s;
}

/* dd_below - the offset in S of the label just left of offset OFF (> 0) */
static size_t
dd_below(const char *s, size_t off)
{
	size_t	i = off - 1;		/* the '.' before OFF */

	while (i > 0 && s[i - 1] != '.')
		i--;
	return i;
}

/* dd_copy - the NUL-terminated SRC into OUT[OUTLEN]; false if too long */
static bool
dd_copy(char *out, size_t outlen, const char *src)
{
	size_t	n = strlen(src);

	if (out == NULL || n >= outlen)
		return false;
	memcpy(out, src, n + 1);
	return true;
}

/* ------------------------------------------------------------- queries */

/* dq - where a walk's questions go: the caller's callback, and a cache */
struct dq {
	dmarc_lookup_fn		*fn;
	void			*arg;
	struct dmarc_discovery	*d;		/* cache and counter, or NULL */
	bool			 read_cache;	/* false when records needed */
	struct dmarc_record	*rec;		/* filled on a fresh FOUND */
	int			 queries;	/* DNS queries made */
};

/* dq_find - the cache entry for NAME, or NULL */
static const struct dmarc_cache_entry *
dq_find(const struct dmarc_discovery *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].name, name) == 0)
			return &d->cache[i];
	return NULL;
}

/* dq_put - remember a definite answer for NAME (never a tempfail) */
static void
dq_put(struct dmarc_discovery *d, const char *name,
    enum dmarc_lookup_status st, enum dmarc_psd psd, bool nx)
{
	struct dmarc_cache_entry	*e;

	if (d->ncache >= DMARC_CACHE_MAX || dq_find(d, name) != NULL)
		return;
	e = &d->cache[d->ncache++];
	(void)dd_copy(e->name, sizeof(e->name), name);
	e->st = st;
	e->psd = psd;
	e->nxdomain = nx;
}

/*
 * dq_ask - the answer for _dmarc.NAME: from the cache when allowed, else
 * from the callback (counted).  *PSD and *NX describe the answer.
 */
static enum dmarc_lookup_status
dq_ask(struct dq *q, const char *name, enum dmarc_psd *psd, bool *nx)
{
	const struct dmarc_cache_entry	*e;
	enum dmarc_lookup_status	 st;
	char				 qname[DQ_NAME_SIZE];

	*psd = DMARC_PSD_U;
	*nx = false;
	if (q->d != NULL && q->read_cache &&
	    (e = dq_find(q->d, name)) != NULL) {
		*psd = e->psd;
		*nx = e->nxdomain;
		return e->st;
	}
	(void)snprintf(qname, sizeof(qname), "_dmarc.%s", name);
	dr_defaults(q->rec);
	st = q->fn(q->arg, qname, q->rec, nx);
	q->queries++;
	if (q->d != NULL)
		q->d->queries++;
	if (st != DMARC_LK_FOUND && st != DMARC_LK_NONE &&
	    st != DMARC_LK_MULTIPLE)
		return DMARC_LK_TEMPFAIL;	/* and anything unknown */
	if (st == DMARC_LK_FOUND)
		*psd = q->rec->psd;
	if (q->d != NULL)
		dq_put(q->d, name, st, *psd, *nx);
	return st;
}

/* ------------------------------------------------------------- the walk */

/* dw - one DNS Tree Walk (4.10) from START */
struct dw {
	const char		*start;		/* normalized */
	bool			 stop_at_first;	/* a record at START ends it */
	struct dmarc_record	*keep;		/* NULL, or the last 2 found */
	size_t			 nfound;
	size_t			 found[DMARC_WALK_MAX];	/* offsets in start */
	enum dmarc_psd		 psd;		/* of the last found */
	int			 asked;		/* names asked, cached too */
	bool			 tempfail;
	bool			 first_found;	/* a record at START itself */
	bool			 first_nx;	/* _dmarc.START was NXDOMAIN */
};

/*
 * dw_next - the target after T.  4.10 step 4: after the first query, a
 * name of x >= 8 labels is cut to its last 7, x < 8 loses one label;
 * step 7: later targets lose one label.  NULL: no labels remain.
 */
static const char *
dw_next(const struct dw *w, const char *t)
{
	const char	*dot;

	if (t == w->start && dd_labels(t) >= DMARC_WALK_MAX)
		return dd_last(t, DMARC_WALK_MAX - 1);
	dot = strchr(t, '.');
	return dot == NULL ? NULL : dot + 1;
}

/* dw_found - note a record found at T */
static void
dw_found(struct dw *w, const struct dq *q, const char *t, enum dmarc_psd psd)
{
	w->found[w->nfound++] = (size_t)(t - w->start);
	w->psd = psd;
	if (t == w->start)
		w->first_found = true;
	if (w->keep != NULL) {
		w->keep[0] = w->keep[1];
		w->keep[1] = *q->rec;
	}
}

/*
 * dw_run - the walk: 4.10 steps 1-7.  At most DMARC_WALK_MAX names; stops
 * at a record with psd=y or psd=n (steps 2 and 6), at a tempfail, or
 * when no labels remain.  Several records at one name count as none
 * (steps 2 and 6: "they are all discarded").
 */
static void
dw_run(struct dq *q, struct dw *w)
{
	const char		*t = w->start;
	enum dmarc_lookup_status st;
	enum dmarc_psd		 psd;
	bool			 nx;

	while (t != NULL && w->asked < DMARC_WALK_MAX) {
		st = dq_ask(q, t, &psd, &nx);
		w->asked++;
		if (t == w->start)
			w->first_nx = nx;
		if (st == DMARC_LK_TEMPFAIL) {
			w->tempfail = true;
			return;
		}
		if (st == DMARC_LK_FOUND) {
			dw_found(w, q, t, psd);
			if (psd != DMARC_PSD_U)
				return;
			if (t == w->start && w->stop_at_first)
				return;
		}
		t = dw_next(w, t);
	}
}

/*
 * dw_org - the offset in START of its Organizational Domain (4.10.2).
 * The walk stops at the first psd=y/n, so only the last record found can
 * carry one: psd=n -> that domain (rule 1); psd=y at another domain than
 * the start -> one label below it (rule 2); else the record with the
 * fewest labels (rule 3); no record -> the start itself.
 */
static size_t
dw_org(const struct dw *w)
{
	size_t	last;

	if (w->nfound == 0)
		return 0;
	last = w->found[w->nfound - 1];
	if (w->psd == DMARC_PSD_Y && last != 0)
		return dd_below(w->start, last);
	return last;
}

/* dw_org_of - walk from START; its Organizational Domain into OUT */
static enum dmarc_org_result
dw_org_of(struct dq *q, const char *start, char *out, size_t outlen)
{
	struct dw	w;

	memset(&w, 0, sizeof(w));
	w.start = start;
	dw_run(q, &w);
	if (w.tempfail)
		return DMARC_ORG_ERR_TEMPFAIL;
	if (!dd_copy(out, outlen, start + dw_org(&w)))
		return DMARC_ORG_ERR_DOMAIN;
	return DMARC_ORG_OK;
}

/* ------------------------------------------------------------- discovery */

/* dp_valid - is P a dmarc-request? */
static bool
dp_valid(enum dmarc_policy p)
{
	return p >= DMARC_P_NONE;
}

/* dp_finish - set the status and the reason; returns the status */
static enum dmarc_disc_status
dp_finish(struct dmarc_discovery *o, enum dmarc_disc_status st,
    const char *why)
{
	o->status = st;
	(void)snprintf(o->why, sizeof(o->why), "%s", why);
	return st;
}

/* dp_init - OUT before any discovery */
static void
dp_init(struct dmarc_discovery *o)
{
	memset(o, 0, sizeof(*o));
	dr_defaults(&o->rec);
	o->status = DMARC_DISC_NONE;
	o->author_exists = -1;
}

/* dp_downgrade - 4.7 "t=y": one level below; none stays none */
static enum dmarc_policy
dp_downgrade(enum dmarc_policy p)
{
	if (p == DMARC_P_REJECT)
		return DMARC_P_QUARANTINE;
	if (p == DMARC_P_QUARANTINE)
		return DMARC_P_NONE;
	return p;
}

/*
 * dp_exists - does the author exist (3.2.13, A.4)?  If _dmarc.<author>
 * was not NXDOMAIN, that name exists and so does its parent (RFC 8020);
 * else the caller's EXISTS callback decides; without one, -1 (unknown).
 */
static enum dmarc_lookup_status
dp_exists(struct dmarc_discovery *o, bool first_nx, dmarc_exists_fn *exists,
    void *arg)
{
	bool	yes = true;

	if (!first_nx) {
		o->author_exists = 1;
		return DMARC_LK_FOUND;
	}
	if (exists == NULL)
		return DMARC_LK_FOUND;
	o->exists_queried = true;
	o->queries++;
	if (exists(arg, o->author, &yes) != DMARC_LK_FOUND)
		return DMARC_LK_TEMPFAIL;
	o->author_exists = yes ? 1 : 0;
	return DMARC_LK_FOUND;
}

/*
 * dp_policy - the policy of the record applied (4.10.1): p for the author
 * itself; for a subdomain sp if it exists, np if not, each falling back
 * to p.  A record without a valid p, or with an invalid sp or np, acts as
 * p=none when rua holds a valid URI, else DMARC is not applied.  The
 * existence question is asked only when its answer changes the policy.
 * RFC7489: np and t are no RFC 7489 tags (6.3, 6.6.3 step 6): ignored.
 */
static enum dmarc_disc_status
dp_policy(struct dmarc_discovery *o, bool rfc7489, bool first_nx,
    dmarc_exists_fn *exists, void *arg)
{
	const struct dmarc_record	*r = &o->rec;
	enum dmarc_policy		 base, np;

	np = rfc7489 ? DMARC_P_ABSENT : r->np;
	if (!dp_valid(r->p) || r->sp == DMARC_P_INVALID ||
	    np == DMARC_P_INVALID) {
		if (r->nrua == 0)
			return dp_finish(o, DMARC_DISC_INVALID,
			    "record without a valid p, or with a bad sp/np, "
			    "and no valid rua");
		o->policy_defaulted = true;
		o->policy = DMARC_P_NONE;
		o->source = DMARC_SRC_P;
	} else if (!o->from_org) {
		o->policy = r->p;
		o->source = DMARC_SRC_P;
	} else {
		base = dp_valid(r->sp) ? r->sp : r->p;
		o->source = dp_valid(r->sp) ? DMARC_SRC_SP : DMARC_SRC_P;
		o->policy = base;
		if (dp_valid(np) && np != base) {
			if (dp_exists(o, first_nx, exists, arg) !=
			    DMARC_LK_FOUND)
				return dp_finish(o, DMARC_DISC_TEMPFAIL,
				    "DNS temporary failure on the author's "
				    "existence");
			if (o->author_exists == 0) {
				o->policy = np;
				o->source = DMARC_SRC_NP;
			}
		}
	}
	o->applied = r->t && !rfc7489 ? dp_downgrade(o->policy) : o->policy;
	return dp_finish(o, DMARC_DISC_FOUND, "");
}

/*
 * dp_pick - no record at the author: take the one at its Organizational
 * Domain, else the PSD's (4.10.1).  KEEP holds the last two records the
 * walk found; with psd=y the Organizational Domain's record, if found,
 * is the one before the PSD's.
 */
static void
dp_pick(struct dmarc_discovery *o, const struct dw *w,
    const struct dmarc_record keep[2])
{
	size_t	org = dw_org(w), last = w->found[w->nfound - 1];

	(void)dd_copy(o->org_domain, sizeof(o->org_domain), w->start + org);
	o->org_state = DMARC_ORG_KNOWN;
	o->from_org = true;
	if (org == last) {
		o->rec = keep[1];
		(void)dd_copy(o->policy_domain, sizeof(o->policy_domain),
		    w->start + last);
	} else if (w->nfound >= 2 && w->found[w->nfound - 2] == org) {
		o->rec = keep[0];
		(void)dd_copy(o->policy_domain, sizeof(o->policy_domain),
		    w->start + org);
	} else {
		o->rec = keep[1];
		o->from_psd = true;
		(void)dd_copy(o->policy_domain, sizeof(o->policy_domain),
		    w->start + last);
	}
}

/* dmarc_discover_policy - RFC 9989 4.10.1 policy discovery for AUTHOR */
enum dmarc_disc_status
dmarc_discover_policy(const char *author, dmarc_lookup_fn *fn,
    dmarc_exists_fn *exists, void *arg, struct dmarc_discovery *out)
{
	struct dmarc_record	keep[2], scratch;
	struct dq		q = { fn, arg, out, false, &scratch, 0 };
	struct dw		w;

	dp_init(out);
	if (!dd_norm(author, out->author))
		return dp_finish(out, DMARC_DISC_NONE,
		    "author domain is not a domain name");
	dr_defaults(&keep[0]);
	dr_defaults(&keep[1]);
	memset(&w, 0, sizeof(w));
	w.start = out->author;
	w.stop_at_first = true;
	w.keep = keep;
	dw_run(&q, &w);
	out->walk_queries = w.asked;
	if (w.tempfail) {
		out->org_state = DMARC_ORG_TEMPFAIL;
		return dp_finish(out, DMARC_DISC_TEMPFAIL,
		    "DNS temporary failure in the tree walk");
	}
	if (w.first_found) {
		out->rec = keep[1];
		(void)dd_copy(out->policy_domain, sizeof(out->policy_domain),
		    out->author);
	} else if (w.nfound == 0) {
		(void)dd_copy(out->org_domain, sizeof(out->org_domain),
		    out->author);
		out->org_state = DMARC_ORG_KNOWN;
		return dp_finish(out, DMARC_DISC_NONE, "no DMARC record");
	} else
		dp_pick(out, &w, keep);
	return dp_policy(out, false, w.first_nx, exists, arg);
}

/* dmarc_org_domain - the Organizational Domain of DOMAIN by a tree walk */
enum dmarc_org_result
dmarc_org_domain(const char *domain, dmarc_lookup_fn *fn, void *arg,
    char *out, size_t outlen)
{
	struct dmarc_record	scratch;
	struct dq		q = { fn, arg, NULL, false, &scratch, 0 };
	char			start[DMARC_DOMAIN_SIZE];
	enum dmarc_org_result	r;

	if (out == NULL || outlen == 0)
		return DMARC_ORG_ERR_DOMAIN;
	out[0] = '\0';
	if (!dd_norm(domain, start))
		return DMARC_ORG_ERR_DOMAIN;
	if ((r = dw_org_of(&q, start, out, outlen)) != DMARC_ORG_OK)
		out[0] = '\0';
	return r;
}

/* da_author_org - D's author's Organizational Domain, walked on demand */
static bool
da_author_org(struct dmarc_discovery *d, struct dq *q)
{
	if (d->org_state == DMARC_ORG_PENDING)
		d->org_state = dw_org_of(q, d->author, d->org_domain,
		    sizeof(d->org_domain)) == DMARC_ORG_OK ? DMARC_ORG_KNOWN :
		    DMARC_ORG_TEMPFAIL;
	return d->org_state == DMARC_ORG_KNOWN;
}

/* dmarc_aligned - is OTHER aligned with D->author (3.2.10, 4.10.2)? */
enum dmarc_align
dmarc_aligned(struct dmarc_discovery *d, const char *other, bool strict,
    dmarc_lookup_fn *fn, void *arg)
{
	struct dmarc_record	scratch;
	struct dq		q = { fn, arg, d, true, &scratch, 0 };
	char			o[DMARC_DOMAIN_SIZE], oorg[DMARC_DOMAIN_SIZE];

	if (d->author[0] == '\0' || !dd_norm(other, o))
		return DMARC_ALIGN_FAIL;
	if (strcmp(d->author, o) == 0)
		return DMARC_ALIGN_PASS;	/* 4.10.2 Note: no walk */
	if (strict)
		return DMARC_ALIGN_FAIL;
	if (!da_author_org(d, &q))
		return DMARC_ALIGN_TEMPFAIL;
	if (dw_org_of(&q, o, oorg, sizeof(oorg)) != DMARC_ORG_OK)
		return DMARC_ALIGN_TEMPFAIL;
	return strcmp(d->org_domain, oorg) == 0 ? DMARC_ALIGN_PASS :
	    DMARC_ALIGN_FAIL;
}

/* ------------------------------------------------------------- RFC 7489 */

/*
 * d7_ask - one RFC 7489 6.6.3 query for _dmarc.NAME into OUT->rec.
 * Several records end discovery (step 5), unlike RFC 9989's walk.
 */
static enum dmarc_disc_status
d7_ask(struct dq *q, struct dmarc_discovery *o, const char *name,
    bool *found)
{
	enum dmarc_lookup_status st;
	enum dmarc_psd		 psd;
	bool			 nx;

	*found = false;
	st = dq_ask(q, name, &psd, &nx);
	o->walk_queries = q->queries;
	switch (st) {
	case DMARC_LK_TEMPFAIL:
		return dp_finish(o, DMARC_DISC_TEMPFAIL,
		    "DNS temporary failure");
	case DMARC_LK_MULTIPLE:
		return dp_finish(o, DMARC_DISC_NONE,
		    "several DMARC records (RFC 7489 6.6.3 step 5)");
	case DMARC_LK_FOUND:
		*found = true;
		o->rec = *q->rec;
		(void)dd_copy(o->policy_domain, sizeof(o->policy_domain),
		    name);
		break;
	case DMARC_LK_NONE:
		break;
	}
	return DMARC_DISC_FOUND;
}

/* dmarc_discover_policy_7489 - RFC 7489 6.6.3 policy discovery (PSL) */
enum dmarc_disc_status
dmarc_discover_policy_7489(const struct psl *psl, const char *author,
    dmarc_lookup_fn *fn, void *arg, struct dmarc_discovery *out)
{
	struct dmarc_record	scratch;
	struct dq		q = { fn, arg, out, false, &scratch, 0 };
	bool			found;

	dp_init(out);
	if (!dd_norm(author, out->author) || psl == NULL ||
	    psl_org_domain(psl, out->author, out->org_domain,
	    sizeof(out->org_domain)) < 0)
		return dp_finish(out, DMARC_DISC_NONE,
		    "author domain is not a domain name");
	out->org_state = DMARC_ORG_KNOWN;
	if (d7_ask(&q, out, out->author, &found) != DMARC_DISC_FOUND)
		return out->status;
	if (!found && strcmp(out->org_domain, out->author) != 0) {
		if (d7_ask(&q, out, out->org_domain, &found) !=
		    DMARC_DISC_FOUND)
			return out->status;
		out->from_org = found;
	}
	if (!found)
		return dp_finish(out, DMARC_DISC_NONE, "no DMARC record");
	return dp_policy(out, true, false, NULL, NULL);
}

/* dmarc_aligned_7489 - RFC 7489 3.1 alignment with PSL org domains */
enum dmarc_align
dmarc_aligned_7489(const struct psl *psl, const char *author,
    const char *other, bool strict)
{
	char	a[DMARC_DOMAIN_SIZE], o[DMARC_DOMAIN_SIZE];
	char	aorg[DMARC_DOMAIN_SIZE], oorg[DMARC_DOMAIN_SIZE];

	if (!dd_norm(author, a) || !dd_norm(other, o))
		return DMARC_ALIGN_FAIL;
	if (strcmp(a, o) == 0)
		return DMARC_ALIGN_PASS;
	if (strict || psl == NULL ||
	    psl_org_domain(psl, a, aorg, sizeof(aorg)) < 0 ||
	    psl_org_domain(psl, o, oorg, sizeof(oorg)) < 0)
		return DMARC_ALIGN_FAIL;
	return strcmp(aorg, oorg) == 0 ? DMARC_ALIGN_PASS : DMARC_ALIGN_FAIL;
}
