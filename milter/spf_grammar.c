/*
 * spf_grammar.c - RFC 7208 section 12 syntax check of SPF records
 *
 * The contract is in spf_grammar.h.  One function per ABNF production.
 * Each validates exactly the byte range [from, to) it is given; a byte is
 * read only through sg_at(), which checks the index against `to', and no
 * range ever ends past the caller's length.  The grammar has no SP inside
 * a term, so the record is cut into terms at SP first and every term is
 * then parsed on its own.  The only ambiguity, where a domain-spec (which
 * may hold "/" and digits) ends and a dual-cidr-length begins in a and mx,
 * has one answer (see sg_cidr_start), so the parser never backtracks and
 * the first failure recorded is the reason reported.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "spf_grammar.h"

/* The number of known modifiers: sg_modifiers[] and sg.seen[]. */
#define SG_NMODIFIERS	2

/* sg - the state of one check */
struct sg {
	const char	*p;		/* untrusted, not NUL-terminated */
	size_t		 len;
	bool		 explain;	/* letters c, r, t allowed (7.1) */
	size_t		 nmacro;	/* macro-expands so far */
	bool		 seen[SG_NMODIFIERS];	/* redirect=, exp= (6) */
	const char	*err;		/* the first failure, NULL while none */
	size_t		 erroff;
};

/* sg_mech - one mechanism: its name and the parser of what follows it */
struct sg_mech {
	const char	*name;
	bool		(*args)(struct sg *, size_t, size_t);
};

/* sg_at - the byte at I, or -1 when I is outside the range ending at TO */
static int
sg_at(const struct sg *s, size_t i, size_t to)
{
	if (i >= to || i >= s->len)
		return -1;
	return (unsigned char)s->p[i];
}

/* sg_fail - remember the first failure; always false */
static bool
sg_fail(struct sg *s, size_t off, const char *what)
{
	if (s->err == NULL) {
		s->err = what;
		s->erroff = off;
	}
	return false;
}

/* sg_alpha - ALPHA, whatever the locale */
static bool
sg_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* sg_digit - DIGIT */
static bool
sg_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* sg_alnum - alphanum = ALPHA / DIGIT */
static bool
sg_alnum(int c)
{
	return sg_alpha(c) || sg_digit(c);
}

/* sg_hexdig - HEXDIG, either case (RFC 4291 2.2) */
static bool
sg_hexdig(int c)
{
	return sg_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* sg_lower - ASCII lower case; -1 stays -1 */
static int
sg_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* sg_ieq - is [FROM, TO) the lower-case WORD, ignoring case (4.6.1)? */
static bool
sg_ieq(const struct sg *s, size_t from, size_t to, const char *word)
{
	size_t	n = strlen(word), i;

	if (to - from != n)
		return false;
	for (i = 0; i < n; i++)
		if (sg_lower(sg_at(s, from + i, to)) != word[i])
			return false;
	return true;
}

/* sg_macro_literal - macro-literal = %x21-24 / %x26-7E */
static bool
sg_macro_literal(int c)
{
	return c >= 0x21 && c <= 0x7e && c != '%';
}

/* sg_delimiter - delimiter = "." / "-" / "+" / "," / "/" / "_" / "=" */
static bool
sg_delimiter(int c)
{
	return c != -1 && c != '\0' && strchr(".-+,/_=", c) != NULL;
}

/* sg_macro_letter - macro-letter; c, r, t only in an explain-string */
static bool
sg_macro_letter(struct sg *s, size_t i, size_t to)
{
	int	c = sg_lower(sg_at(s, i, to));

	if (c == -1)
		return sg_fail(s, i, "unterminated macro");
	if (c != '\0' && strchr("slodiphv", c) != NULL)
		return true;
	if (c != '\0' && strchr("crt", c) != NULL) {
		if (s->explain)
			return true;
		return sg_fail(s, i, "macro letter c, r or t outside exp text");
	}
	return sg_fail(s, i, "unknown macro letter");
}

/*
 * sg_transformers - transformers = *DIGIT [ "r" ], the digits capped
 * (SPF_GRAMMAR_MAX_XFORM_DIGITS) and their value 1..SPF_GRAMMAR_MAX_XFORM
 */
static bool
sg_transformers(struct sg *s, size_t from, size_t to, size_t *next)
{
	size_t		i = from;
	unsigned	val = 0;

	while (sg_digit(sg_at(s, i, to))) {
		if (i - from == SPF_GRAMMAR_MAX_XFORM_DIGITS)
			return sg_fail(s, i, "transformer has too many digits");
		val = val * 10 + (unsigned)(sg_at(s, i, to) - '0');
		i++;
	}
	if (i > from && val == 0)
		return sg_fail(s, from, "transformer is zero");
	if (val > SPF_GRAMMAR_MAX_XFORM)
		return sg_fail(s, from, "transformer too large");
	if (sg_lower(sg_at(s, i, to)) == 'r')
		i++;
	*next = i;
	return true;
}

/* sg_delimiters - *delimiter, at most SPF_GRAMMAR_MAX_DELIMS of them */
static bool
sg_delimiters(struct sg *s, size_t from, size_t to, size_t *next)
{
	size_t	i = from;

	while (sg_delimiter(sg_at(s, i, to))) {
		if (i - from == SPF_GRAMMAR_MAX_DELIMS)
			return sg_fail(s, i, "too many delimiters");
		i++;
	}
	*next = i;
	return true;
}

/* sg_macro_body - after "%{": macro-letter transformers *delimiter "}" */
static bool
sg_macro_body(struct sg *s, size_t from, size_t to, size_t *next)
{
	size_t	i;

	if (!sg_macro_letter(s, from, to) ||
	    !sg_transformers(s, from + 1, to, &i) ||
	    !sg_delimiters(s, i, to, &i))
		return false;
	if (sg_at(s, i, to) == -1)
		return sg_fail(s, i, "unterminated macro");
	if (sg_at(s, i, to) != '}')
		return sg_fail(s, i, "bad macro");
	*next = i + 1;
	return true;
}

/*
 * sg_macro_expand - macro-expand = ( "%{" macro-letter transformers
 * *delimiter "}" ) / "%%" / "%_" / "%-", at most SPF_GRAMMAR_MAX_MACROS
 */
static bool
sg_macro_expand(struct sg *s, size_t from, size_t to, size_t *next)
{
	switch (sg_at(s, from + 1, to)) {
	case '%':
	case '_':
	case '-':
		*next = from + 2;
		break;
	case '{':
		if (!sg_macro_body(s, from + 2, to, next))
			return false;
		break;
	case -1:
		return sg_fail(s, from, "'%' at the end");
	default:
		return sg_fail(s, from, "bad macro");
	}
	if (++s->nmacro > SPF_GRAMMAR_MAX_MACROS)
		return sg_fail(s, from, "too many macros");
	return true;
}

/*
 * sg_macro_string - macro-string = *( macro-expand / macro-literal );
 * LAST_EXPAND (may be NULL) tells whether it ends in a macro-expand
 */
static bool
sg_macro_string(struct sg *s, size_t from, size_t to, bool *last_expand)
{
	size_t	i = from;
	bool	expand = false;

	while (i < to) {
		if (sg_at(s, i, to) == '%') {
			if (!sg_macro_expand(s, i, to, &i))
				return false;
			expand = true;
		} else if (sg_macro_literal(sg_at(s, i, to))) {
			i++;
			expand = false;
		} else
			return sg_fail(s, i, "bad character");
	}
	if (last_expand != NULL)
		*last_expand = expand;
	return true;
}

/* sg_explain_string - explain-string = *( macro-string / SP ) */
static bool
sg_explain_string(struct sg *s, size_t from, size_t to)
{
	size_t	i = from, start;

	while (i < to) {
		if (sg_at(s, i, to) == ' ') {
			i++;
			continue;
		}
		start = i;
		while (i < to && sg_at(s, i, to) != ' ')
			i++;
		if (!sg_macro_string(s, start, i, NULL))
			return false;
	}
	return true;
}

/*
 * sg_toplabel - toplabel = ( *alphanum ALPHA *alphanum ) /
 * ( 1*alphanum "-" *( alphanum / "-" ) alphanum ): an LDH label that
 * neither starts nor ends with "-" and is not all digits
 */
static bool
sg_toplabel(struct sg *s, size_t from, size_t to)
{
	size_t	i;
	bool	numeric = true;

	if (from >= to)
		return sg_fail(s, from, "empty toplabel");
	if (!sg_alnum(sg_at(s, from, to)) || !sg_alnum(sg_at(s, to - 1, to)))
		return sg_fail(s, from, "toplabel starts or ends with '-'");
	for (i = from; i < to; i++) {
		if (sg_at(s, i, to) != '-' && !sg_alnum(sg_at(s, i, to)))
			return sg_fail(s, i, "bad toplabel");
		if (!sg_digit(sg_at(s, i, to)))
			numeric = false;
	}
	if (numeric)
		return sg_fail(s, from, "toplabel is all digits");
	return true;
}

/*
 * sg_domain_end - the literal form of domain-end, "." toplabel [ "." ],
 * at the end of a valid macro-string [FROM, TO).  A "." that belongs to a
 * macro-expand is always followed by a delimiter or "}", never by the
 * toplabel characters, so the text alone decides.
 */
static bool
sg_domain_end(struct sg *s, size_t from, size_t to)
{
	size_t	end = to, top;
	int	c;

	if (from < to && sg_at(s, to - 1, to) == '.')
		end--;
	top = end;
	while (top > from && ((c = sg_at(s, top - 1, to)) == '-' ||
	    sg_alnum(c)))
		top--;
	if (top == from || sg_at(s, top - 1, to) != '.')
		return sg_fail(s, from,
		    "domain-spec ends in neither toplabel nor macro");
	return sg_toplabel(s, top, end);
}

/* sg_domain_spec - domain-spec = macro-string domain-end */
static bool
sg_domain_spec(struct sg *s, size_t from, size_t to)
{
	bool	expand;

	if (from >= to)
		return sg_fail(s, from, "empty domain-spec");
	if (!sg_macro_string(s, from, to, &expand))
		return false;
	if (expand)		/* domain-end = macro-expand */
		return true;
	return sg_domain_end(s, from, to);
}

/*
 * sg_cidr_length - ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ) with
 * MAX 32, ip6-cidr-length = "/" ( "0" / %x31-39 0*2DIGIT ) with MAX 128
 */
static bool
sg_cidr_length(struct sg *s, size_t from, size_t to, unsigned max)
{
	size_t		i;
	unsigned	val = 0;

	if (sg_at(s, from, to) != '/')
		return sg_fail(s, from, "expected '/'");
	if (++from >= to)
		return sg_fail(s, from, "empty cidr-length");
	if (sg_at(s, from, to) == '0' && to - from > 1)
		return sg_fail(s, from, "cidr-length has a leading zero");
	for (i = from; i < to; i++) {
		if (!sg_digit(sg_at(s, i, to)))
			return sg_fail(s, i, "bad cidr-length");
		if (i - from == 3)
			return sg_fail(s, i, "cidr-length too large");
		val = val * 10 + (unsigned)(sg_at(s, i, to) - '0');
	}
	if (val > max)
		return sg_fail(s, from, "cidr-length too large");
	return true;
}

/*
 * sg_dual_cidr - dual-cidr-length = [ ip4-cidr-length ]
 * [ "/" ip6-cidr-length ]
 */
static bool
sg_dual_cidr(struct sg *s, size_t from, size_t to)
{
	size_t	i = from;

	if (sg_at(s, i, to) == '/' && sg_at(s, i + 1, to) != '/') {
		i++;
		while (sg_digit(sg_at(s, i, to)))
			i++;
		if (!sg_cidr_length(s, from, i, 32))
			return false;
	}
	if (i == to)
		return true;
	if (sg_at(s, i, to) != '/')
		return sg_fail(s, i, "bad dual-cidr-length");
	return sg_cidr_length(s, i + 1, to, 128);
}

/*
 * sg_cidr_start - where the dual-cidr-length of "a:" / "mx:" [FROM, TO)
 * begins: at the first "/" of the trailing run of "/" and digits, or TO.
 * A domain-spec cannot end in "/" and its last label cannot hold one, so
 * a split anywhere else never leaves a valid domain-spec.
 */
static size_t
sg_cidr_start(const struct sg *s, size_t from, size_t to)
{
	size_t	i = to;
	int	c;

	while (i > from && ((c = sg_at(s, i - 1, to)) == '/' || sg_digit(c)))
		i--;
	while (i < to && sg_at(s, i, to) != '/')
		i++;
	return i;
}

/*
 * sg_qnum - qnum: "0"-"9" / "10"-"99" / "100"-"255", no leading zero;
 * NEXT gets the index after it
 */
static bool
sg_qnum(struct sg *s, size_t from, size_t to, size_t *next)
{
	size_t		i = from;
	unsigned	val = 0;

	while (sg_digit(sg_at(s, i, to))) {
		if (i - from == 3)
			return sg_fail(s, from, "bad qnum in ip4-network");
		val = val * 10 + (unsigned)(sg_at(s, i, to) - '0');
		i++;
	}
	if (i == from || val > 255 || (i - from > 1 &&
	    sg_at(s, from, to) == '0'))
		return sg_fail(s, from, "bad qnum in ip4-network");
	*next = i;
	return true;
}

/* sg_ip4_network - ip4-network = qnum "." qnum "." qnum "." qnum */
static bool
sg_ip4_network(struct sg *s, size_t from, size_t to)
{
	size_t	i = from;
	int	k;

	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (sg_at(s, i, to) != '.')
				return sg_fail(s, i, "bad ip4-network");
			i++;
		}
		if (!sg_qnum(s, i, to, &i))
			return false;
	}
	if (i != to)
		return sg_fail(s, i, "bad ip4-network");
	return true;
}

/* sg_h16 - one 16-bit piece of an IPv6 address: 1*4HEXDIG */
static bool
sg_h16(struct sg *s, size_t from, size_t to, size_t *next)
{
	size_t	i = from;

	while (sg_hexdig(sg_at(s, i, to))) {
		if (i - from == 4)
			return sg_fail(s, from, "ip6 group over 4 digits");
		i++;
	}
	if (i == from)
		return sg_fail(s, from, "bad ip6-network");
	*next = i;
	return true;
}

/* sg_ip6_piece_is_ip4 - does the piece at FROM (up to ":") hold a "."? */
static bool
sg_ip6_piece_is_ip4(const struct sg *s, size_t from, size_t to)
{
	size_t	i;

	for (i = from; i < to && sg_at(s, i, to) != ':'; i++)
		if (sg_at(s, i, to) == '.')
			return true;
	return false;
}

/*
 * sg_ip6_network - ip6-network, the RFC 4291 section 2.2 text forms:
 * eight groups, or fewer with one "::", the last two may be a dotted quad
 */
static bool
sg_ip6_network(struct sg *s, size_t from, size_t to)
{
	size_t	i = from, groups = 0;
	bool	gap = false;

	if (sg_at(s, i, to) == ':') {
		if (sg_at(s, i + 1, to) != ':')
			return sg_fail(s, i, "bad ip6-network");
		gap = true;
		i += 2;
	}
	while (i < to) {
		if (sg_ip6_piece_is_ip4(s, i, to)) {
			if (!sg_ip4_network(s, i, to))
				return false;
			groups += 2;
			break;
		}
		if (!sg_h16(s, i, to, &i))
			return false;
		groups++;
		if (i == to)
			break;
		if (sg_at(s, i, to) != ':' || ++i == to)
			return sg_fail(s, i, "bad ip6-network");
		if (sg_at(s, i, to) == ':') {
			if (gap)
				return sg_fail(s, i, "two '::' in ip6-network");
			gap = true;
			i++;
		}
	}
	if (gap ? groups > 7 : groups != 8)
		return sg_fail(s, from, "wrong number of ip6 groups");
	return true;
}

/* sg_all - all = "all" */
static bool
sg_all(struct sg *s, size_t from, size_t to)
{
	if (from != to)
		return sg_fail(s, from, "all takes no argument");
	return true;
}

/* sg_include - include = "include" ":" domain-spec; exists likewise */
static bool
sg_include(struct sg *s, size_t from, size_t to)
{
	if (sg_at(s, from, to) != ':')
		return sg_fail(s, from, "expected ':' domain-spec");
	return sg_domain_spec(s, from + 1, to);
}

/* sg_a - a = "a" [ ":" domain-spec ] [ dual-cidr-length ]; mx likewise */
static bool
sg_a(struct sg *s, size_t from, size_t to)
{
	size_t	cidr;

	if (sg_at(s, from, to) != ':')
		return sg_dual_cidr(s, from, to);
	cidr = sg_cidr_start(s, from + 1, to);
	return sg_domain_spec(s, from + 1, cidr) &&
	    sg_dual_cidr(s, cidr, to);
}

/* sg_ptr - ptr = "ptr" [ ":" domain-spec ] */
static bool
sg_ptr(struct sg *s, size_t from, size_t to)
{
	if (from == to)
		return true;
	return sg_include(s, from, to);
}

/*
 * sg_ip - ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ] and
 * ip6 = "ip6" ":" ip6-network [ ip6-cidr-length ]; no network holds "/"
 */
static bool
sg_ip(struct sg *s, size_t from, size_t to, bool v6)
{
	size_t	slash;

	if (sg_at(s, from, to) != ':')
		return sg_fail(s, from, "expected ':' and an address");
	for (slash = from + 1; slash < to; slash++)
		if (sg_at(s, slash, to) == '/')
			break;
	if (v6 ? !sg_ip6_network(s, from + 1, slash) :
	    !sg_ip4_network(s, from + 1, slash))
		return false;
	return slash == to || sg_cidr_length(s, slash, to, v6 ? 128 : 32);
}

/* sg_ip4 - ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ] */
static bool
sg_ip4(struct sg *s, size_t from, size_t to)
{
	return sg_ip(s, from, to, false);
}

/* sg_ip6 - ip6 = "ip6" ":" ip6-network [ ip6-cidr-length ] */
static bool
sg_ip6(struct sg *s, size_t from, size_t to)
{
	return sg_ip(s, from, to, true);
}

/* mechanism = ( all / include / a / mx / ptr / ip4 / ip6 / exists ) */
static const struct sg_mech sg_mechs[] = {
	{ "all",	sg_all },
	{ "include",	sg_include },
	{ "a",		sg_a },
	{ "mx",		sg_a },
	{ "ptr",	sg_ptr },
	{ "ip4",	sg_ip4 },
	{ "ip6",	sg_ip6 },
	{ "exists",	sg_include },
};

/* The known modifiers; both take a domain-spec (6.1, 6.2). */
static const char *const sg_modifiers[SG_NMODIFIERS] = { "redirect", "exp" };

/* sg_mechanism - a mechanism name from sg_mechs[], then its arguments */
static bool
sg_mechanism(struct sg *s, size_t from, size_t to)
{
	size_t	n = from, k;

	while (sg_alnum(sg_at(s, n, to)))
		n++;
	if (n == from)
		return sg_fail(s, from, "missing mechanism");
	for (k = 0; k < sizeof(sg_mechs) / sizeof(sg_mechs[0]); k++)
		if (sg_ieq(s, from, n, sg_mechs[k].name))
			return sg_mechs[k].args(s, n, to);
	return sg_fail(s, from, "unknown mechanism");
}

/* sg_directive - directive = [ qualifier ] mechanism */
static bool
sg_directive(struct sg *s, size_t from, size_t to)
{
	int	c = sg_at(s, from, to);

	if (c == '+' || c == '-' || c == '?' || c == '~')
		from++;
	return sg_mechanism(s, from, to);
}

/* sg_name - name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); its end */
static size_t
sg_name(const struct sg *s, size_t from, size_t to)
{
	size_t	i = from;
	int	c;

	if (!sg_alpha(sg_at(s, i, to)))
		return from;
	for (i++; (c = sg_at(s, i, to)) != -1; i++)
		if (!sg_alnum(c) && c != '-' && c != '_' && c != '.')
			break;
	return i;
}

/*
 * sg_modifier - modifier = redirect / explanation / unknown-modifier;
 * [FROM, EQ) is the name.  A known name never falls back to
 * unknown-modifier, and appears at most once (6).
 */
static bool
sg_modifier(struct sg *s, size_t from, size_t eq, size_t to)
{
	size_t	k;

	for (k = 0; k < SG_NMODIFIERS; k++) {
		if (!sg_ieq(s, from, eq, sg_modifiers[k]))
			continue;
		if (s->seen[k])
			return sg_fail(s, from, "modifier given twice");
		s->seen[k] = true;
		return sg_domain_spec(s, eq + 1, to);
	}
	return sg_macro_string(s, eq + 1, to, NULL);
}

/*
 * sg_term - directive / modifier: a modifier has "=" right after its name,
 * before any ":" or "/" (4.6.1)
 */
static bool
sg_term(struct sg *s, size_t from, size_t to)
{
	size_t	eq = sg_name(s, from, to);

	if (eq > from && sg_at(s, eq, to) == '=')
		return sg_modifier(s, from, eq, to);
	return sg_directive(s, from, to);
}

/* sg_terms - terms = *( 1*SP ( directive / modifier ) ), then *SP */
static bool
sg_terms(struct sg *s, size_t from, size_t to)
{
	size_t	i = from, start;

	for (;;) {
		while (sg_at(s, i, to) == ' ')
			i++;
		if (i >= to)
			return true;
		start = i;
		while (i < to && sg_at(s, i, to) != ' ')
			i++;
		if (!sg_term(s, start, i))
			return false;
	}
}

/* sg_version - version = "v=spf1", then SP or the end (4.5) */
static bool
sg_version(struct sg *s, size_t from, size_t to, size_t *next)
{
	static const char	v[] = "v=spf1";
	size_t			n = sizeof(v) - 1;
	int			c;

	if (to - from < n || !sg_ieq(s, from, from + n, v))
		return sg_fail(s, from, "no v=spf1");
	if ((c = sg_at(s, from + n, to)) != -1 && c != ' ')
		return sg_fail(s, from + n, "v=spf1 not followed by a space");
	*next = from + n;
	return true;
}

/* sg_record - record = version terms *SP */
static bool
sg_record(struct sg *s)
{
	size_t	i;

	return sg_version(s, 0, s->len, &i) && sg_terms(s, i, s->len);
}

/*
 * sg_begin - set up a check and reject what no production allows: too
 * long, a NULL buffer, and any byte outside %x21-7E (plus SP when SP_OK)
 */
static bool
sg_begin(struct sg *s, const char *p, size_t len, bool explain, bool sp_ok)
{
	size_t	i;
	int	c;

	memset(s, 0, sizeof(*s));
	s->p = p;
	s->len = len;
	s->explain = explain;
	if (p == NULL && len > 0) {
		s->len = 0;
		return sg_fail(s, 0, "no input");
	}
	if (len > SPF_GRAMMAR_MAX_LEN)
		return sg_fail(s, SPF_GRAMMAR_MAX_LEN, "too long");
	for (i = 0; i < len; i++) {
		c = sg_at(s, i, len);
		if (c == '\0')
			return sg_fail(s, i, "NUL byte");
		if (c == '\t')
			return sg_fail(s, i, "tab (only SP separates)");
		if (c >= 0x80)
			return sg_fail(s, i, "8-bit byte");
		if (c < 0x20 || c == 0x7f)
			return sg_fail(s, i, "control character");
		if (c == ' ' && !sp_ok)
			return sg_fail(s, i, "space");
	}
	return true;
}

/* sg_end - report the outcome in WHY (may be NULL); true when conforming */
static bool
sg_end(const struct sg *s, bool ok, char *why, size_t whylen)
{
	ok = ok && s->err == NULL;
	if (why != NULL && whylen > 0 && ok)
		why[0] = '\0';
	else if (why != NULL && whylen > 0)
		(void)snprintf(why, whylen, "%s at offset %zu",
		    s->err != NULL ? s->err : "syntax error", s->erroff);
	return ok;
}

/* spf_record_check - does (P, LEN) conform to RFC 7208 section 12 `record`? */
bool
spf_record_check(const char *p, size_t len, char *why, size_t whylen)
{
	struct sg	s;
	bool		ok;

	ok = sg_begin(&s, p, len, false, true) && sg_record(&s);
	return sg_end(&s, ok, why, whylen);
}

/* spf_explain_check - does (P, LEN) conform to `explain-string` (6.2, 12)? */
bool
spf_explain_check(const char *p, size_t len, char *why, size_t whylen)
{
	struct sg	s;
	bool		ok;

	ok = sg_begin(&s, p, len, true, true) &&
	    sg_explain_string(&s, 0, s.len);
	return sg_end(&s, ok, why, whylen);
}

/* spf_domain_spec_check - one `domain-spec` alone (exp= targets etc.) */
bool
spf_domain_spec_check(const char *p, size_t len, char *why, size_t whylen)
{
	struct sg	s;
	bool		ok;

	ok = sg_begin(&s, p, len, false, false) &&
	    sg_domain_spec(&s, 0, s.len);
	return sg_end(&s, ok, why, whylen);
}
