/*
 * addr.c - the From: header parser (RFC 5322 3.4, 4.4; RFC 6532)
 *
 * The contract and every decision beyond the RFC are in addr.h.
 *
 * One cursor runs over the untrusted (ptr, len); peek() is the only
 * reader and returns -1 at or past the end.  Each production of the
 * grammar is one function that either consumes its text and returns true,
 * or leaves the cursor (and what it was writing) as it found them and
 * returns false.  The alternatives of address = group / mailbox and
 * mailbox = name-addr / addr-spec are tried in that order: each attempt
 * ends at the first character it cannot take, and a scan that passes the
 * point where the parse finally stops means the parse stops there, so
 * the work stays linear.  Comments nest by counting; nothing else
 * recurses, so the stack depth is fixed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "addr.h"
#include "caps.h"

/* cur - the untrusted input; p[off] is read only when off < len */
struct cur {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
};

/* buf - a bounded output string, NUL-terminated; NULL discards */
struct buf {
	char	*p;
	size_t	 size;
	size_t	 len;
	bool	 over;		/* some text did not fit */
	bool	 high;		/* some text was UTF-8 */
};

/* mark - where a production started, to go back to when it fails */
struct mark {
	size_t		off;
	struct buf	b;
};

/* parse - one call's whole state (reentrant: it lives on the stack) */
struct parse {
	struct cur		 c;
	struct addr_mailbox	 mb;	/* the mailbox being parsed */
	struct buf		 local;	/* writes mb.local */
	struct buf		 domain; /* writes mb.domain */
	bool			 dom_ok; /* mb.domain is usable */
	struct addr_mailbox	*out;
	size_t			 outmax;
	size_t			 stored; /* in OUT */
	size_t			 total;	/* mailboxes found */
	bool			 first_ok; /* the first has a domain */
};

static bool	quoted_pair(struct cur *, struct buf *);
static bool	list(struct parse *, bool);

/* peek - the byte K after the cursor, or -1 past the end */
static int
peek(const struct cur *c, size_t k)
{
	if (k >= c->len - c->off)
		return -1;
	return c->p[c->off + k];
}

/* is_wsp - RFC 5234 WSP */
static bool
is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* is_obs_ctl - RFC 5322 4.1 obs-NO-WS-CTL: controls but NUL, TAB, CR, LF */
static bool
is_obs_ctl(int ch)
{
	return (ch >= 1 && ch <= 8) || ch == 11 || ch == 12 ||
	    (ch >= 14 && ch <= 31) || ch == 127;
}

/* is_atext - RFC 5322 3.2.3 atext (the ASCII part) */
static bool
is_atext(int ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch > 0 && ch < 0x80 &&
	    strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL;
}

/* is_qtext - RFC 5322 3.2.4 qtext / obs-qtext */
static bool
is_qtext(int ch)
{
	return (ch >= 33 && ch <= 126 && ch != '"' && ch != '\\') ||
	    is_obs_ctl(ch);
}

/* is_ctext - RFC 5322 3.2.2 ctext / obs-ctext */
static bool
is_ctext(int ch)
{
	return (ch >= 33 && ch <= 126 && ch != '(' && ch != ')' &&
	    ch != '\\') || is_obs_ctl(ch);
}

/* is_dtext - RFC 5322 3.4.1 dtext / obs-dtext (less its quoted-pair) */
static bool
is_dtext(int ch)
{
	return (ch >= 33 && ch <= 126 && ch != '[' && ch != ']' &&
	    ch != '\\') || is_obs_ctl(ch);
}

/* is_qpchar - what a quoted-pair may quote: VCHAR / WSP / obs-NO-WS-CTL */
static bool
is_qpchar(int ch)
{
	return (ch >= 33 && ch <= 126) || is_wsp(ch) || is_obs_ctl(ch);
}

/*
 * utf8 - the length of the UTF8-non-ascii character (RFC 6532 3.1, the
 * well-formed sequences of RFC 3629 section 4) at the cursor, 0 if none.
 */
static size_t
utf8(const struct cur *c)
{
	int	b0 = peek(c, 0), b1 = peek(c, 1), lo = 0x80, hi = 0xbf;
	size_t	n, i;

	if (b0 >= 0xc2 && b0 <= 0xdf)
		n = 2;
	else if (b0 >= 0xe0 && b0 <= 0xef)
		n = 3;
	else if (b0 >= 0xf0 && b0 <= 0xf4)
		n = 4;
	else
		return 0;
	if (b0 == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (b0 == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (b0 == 0xf0)
		lo = 0x90;	/* overlong */
	else if (b0 == 0xf4)
		hi = 0x8f;	/* past U+10FFFF */
	if (b1 < lo || b1 > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (peek(c, i) < 0x80 || peek(c, i) > 0xbf)
			return 0;
	return n;
}

/* text - the length of the next character if it is in the class IS or is
 * UTF-8 (RFC 6532 3.2 adds UTF8-non-ascii to every text class), else 0 */
static size_t
text(const struct cur *c, bool (*is)(int))
{
	int	ch = peek(c, 0);

	if (ch < 0)
		return 0;
	if (ch < 0x80)
		return is(ch) ? 1 : 0;
	return utf8(c);
}

/*
 * text_kept - text() for text that goes to B; where nothing is kept (B is
 * NULL: display names, comments, obs-route) any other byte >= 0x80 counts
 * as one character too.  Legacy 8-bit charsets there ("J\xf6rg <a@b>")
 * are common and cannot move the author domain; refusing them made the
 * whole From unparsable, a DMARC permerror that p=reject never applied to.
 */
static size_t
text_kept(const struct cur *c, bool (*is)(int), const struct buf *b)
{
	size_t	n = text(c, is);

	return n == 0 && b == NULL && peek(c, 0) >= 0x80 ? 1 : n;
}

/* take - move N bytes from the cursor to B, noting what does not fit */
static void
take(struct cur *c, struct buf *b, size_t n)
{
	const unsigned char	*s = c->p + c->off;
	size_t			 i;

	c->off += n;
	if (b == NULL)
		return;
	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			b->high = true;
	if (b->over || n >= b->size - b->len) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* mark - remember the cursor and B */
static struct mark
mark(const struct cur *c, const struct buf *b)
{
	struct mark	m;

	memset(&m, 0, sizeof m);
	m.off = c->off;
	if (b != NULL)
		m.b = *b;
	return m;
}

/* back - return the cursor and B to M; false, for the failing caller */
static bool
back(struct cur *c, struct buf *b, const struct mark *m)
{
	c->off = m->off;
	if (b != NULL) {
		*b = m->b;
		b->p[b->len] = '\0';
	}
	return false;
}

/* eol - the length of the line break at the cursor: CR LF, or the LF
 * Postfix hands to a milter; a CR alone is none */
static size_t
eol(const struct cur *c)
{
	if (peek(c, 0) == '\n')
		return 1;
	if (peek(c, 0) == '\r' && peek(c, 1) == '\n')
		return 2;
	return 0;
}

/*
 * fws - RFC 5322 3.2.2 FWS / obs-FWS: white space, with line breaks only
 * when white space follows.  The white space is copied to B (unfolding:
 * the line breaks are dropped).  Consumed anything?
 */
static bool
fws(struct cur *c, struct buf *b)
{
	size_t	start = c->off, n;

	for (;;) {
		if (is_wsp(peek(c, 0)))
			take(c, b, 1);
		else if ((n = eol(c)) > 0 && is_wsp(peek(c, n)))
			c->off += n;
		else
			break;
	}
	return c->off > start;
}

/*
 * comment - RFC 5322 3.2.2 comment = "(" *([FWS] ccontent) [FWS] ")",
 * ccontent = ctext / quoted-pair / comment.  Nesting is counted, not
 * recursed into, so "((((..." cannot exhaust the stack.
 */
static bool
comment(struct cur *c)
{
	struct mark	m = mark(c, NULL);
	size_t		depth = 0, n;

	if (peek(c, 0) != '(')
		return false;
	do {
		if (peek(c, 0) == '(') {
			depth++;
			c->off++;
		} else if (peek(c, 0) == ')') {
			depth--;
			c->off++;
		} else if (fws(c, NULL) || quoted_pair(c, NULL))
			continue;
		else if ((n = text_kept(c, is_ctext, NULL)) > 0)
			c->off += n;
		else
			return back(c, NULL, &m);
	} while (depth > 0);
	return true;
}

/* cfws - RFC 5322 3.2.2 [CFWS] = *([FWS] comment) [FWS], maybe empty */
static void
cfws(struct cur *c)
{
	do
		(void)fws(c, NULL);
	while (comment(c));
}

/*
 * quoted_pair - RFC 5322 3.2.1 quoted-pair / obs-qp: "\" (VCHAR / WSP /
 * obs-NO-WS-CTL), VCHAR with UTF-8 (RFC 6532); never NUL, CR or LF.  The
 * quoted character goes to B.
 */
static bool
quoted_pair(struct cur *c, struct buf *b)
{
	size_t	n;

	if (peek(c, 0) != '\\')
		return false;
	c->off++;
	if ((n = text_kept(c, is_qpchar, b)) == 0) {
		c->off--;
		return false;
	}
	take(c, b, n);
	return true;
}

/*
 * quoted_string - RFC 5322 3.2.4 quoted-string = [CFWS] DQUOTE
 * *([FWS] qcontent) [FWS] DQUOTE [CFWS].  Its value (unfolded, unquoted)
 * goes to B.
 */
static bool
quoted_string(struct cur *c, struct buf *b)
{
	struct mark	m = mark(c, b);
	size_t		n;

	cfws(c);
	if (peek(c, 0) != '"')
		return back(c, b, &m);
	c->off++;
	while (peek(c, 0) != '"') {
		if (fws(c, b) || quoted_pair(c, b))
			continue;
		if ((n = text_kept(c, is_qtext, b)) == 0)
			return back(c, b, &m);
		take(c, b, n);
	}
	c->off++;
	cfws(c);
	return true;
}

/* atom - RFC 5322 3.2.3 atom = [CFWS] 1*atext [CFWS]; to B */
static bool
atom(struct cur *c, struct buf *b)
{
	struct mark	m = mark(c, b);
	size_t		n, k = 0;

	cfws(c);
	while ((n = text_kept(c, is_atext, b)) > 0) {
		take(c, b, n);
		k++;
	}
	if (k == 0)
		return back(c, b, &m);
	cfws(c);
	return true;
}

/* word - RFC 5322 3.2.5 word = atom / quoted-string; its value to B */
static bool
word(struct cur *c, struct buf *b)
{
	return atom(c, b) || quoted_string(c, b);
}

/*
 * dotted - PIECE *("." PIECE) with CFWS around the dots: dot-atom,
 * obs-local-part (PIECE = word) and obs-domain (PIECE = atom).  A piece
 * may be empty ("john..doe", "example..com"): that cannot move where the
 * text ends, and the caller judges it.  At least one piece or dot.
 */
static bool
dotted(struct cur *c, struct buf *b, bool (*piece)(struct cur *,
    struct buf *))
{
	struct mark	m = mark(c, b);
	bool		any = false;

	for (;;) {
		if (piece(c, b))
			any = true;
		else
			cfws(c);
		if (peek(c, 0) != '.')
			break;
		take(c, b, 1);
		any = true;
	}
	return any ? true : back(c, b, &m);
}

/*
 * domain_literal - RFC 5322 3.4.1 domain-literal = [CFWS] "["
 * *([FWS] dtext) [FWS] "]" [CFWS], with obs-dtext's quoted-pairs.
 */
static bool
domain_literal(struct cur *c)
{
	struct mark	m = mark(c, NULL);
	size_t		n;

	cfws(c);
	if (peek(c, 0) != '[')
		return back(c, NULL, &m);
	c->off++;
	while (peek(c, 0) != ']') {
		if (fws(c, NULL) || quoted_pair(c, NULL))
			continue;
		if ((n = text(c, is_dtext)) == 0)
			return back(c, NULL, &m);
		c->off += n;
	}
	c->off++;
	cfws(c);
	return true;
}

/*
 * domain_ok - may DMARC use the domain in B?  It fits AM_MAX_DOMAIN, no
 * label is empty, no ASCII label is longer than AM_MAX_LABEL (RFC 1035
 * 2.3.4).  A label with UTF-8 counts in its A-label form, unknown here.
 */
static bool
domain_ok(const struct buf *b)
{
	size_t	i, start = 0;
	bool	high = false;

	if (b->over || b->len == 0)
		return false;
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->p[i] != '.') {
			if ((unsigned char)b->p[i] >= 0x80)
				high = true;
			continue;
		}
		if (i == start || (!high && i - start > AM_MAX_LABEL))
			return false;
		start = i + 1;
		high = false;
	}
	return true;
}

/*
 * domain - RFC 5322 3.4.1 domain = dot-atom / domain-literal / obs-domain,
 * written to mb.domain; dom_ok says whether DMARC can use it.
 */
static bool
domain(struct parse *p)
{
	p->domain = (struct buf){ p->mb.domain, sizeof p->mb.domain, 0,
	    false, false };
	p->mb.domain[0] = '\0';
	p->dom_ok = false;
	if (domain_literal(&p->c))
		return true;
	if (!dotted(&p->c, &p->domain, atom))
		return false;
	p->dom_ok = domain_ok(&p->domain);
	return true;
}

/*
 * addr_spec - RFC 5322 3.4.1 addr-spec = local-part "@" domain, where
 * local-part = dot-atom / quoted-string / obs-local-part.  A local-part
 * alone is taken as a mailbox without a domain (see addr.h).
 */
static bool
addr_spec(struct parse *p)
{
	size_t	start = p->c.off;

	memset(&p->mb, 0, sizeof p->mb);
	p->local = (struct buf){ p->mb.local, sizeof p->mb.local, 0,
	    false, false };
	p->dom_ok = false;
	if (!dotted(&p->c, &p->local, word) || p->local.over)
		goto fail;
	if (peek(&p->c, 0) != '@')
		return true;
	p->c.off++;
	if (!domain(p))
		goto fail;
	return true;
fail:
	p->c.off = start;
	return false;
}

/*
 * obs_route - RFC 5322 4.4 obs-route = obs-domain-list ":",
 * obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain]).
 * The route's domains are parsed and forgotten.
 */
static bool
obs_route(struct parse *p)
{
	struct cur	*c = &p->c;
	size_t		 start = c->off;

	for (;;) {
		cfws(c);
		if (peek(c, 0) != ',')
			break;
		c->off++;
	}
	if (peek(c, 0) != '@')
		goto fail;
	c->off++;
	if (!domain(p))
		goto fail;
	while (peek(c, 0) == ',') {
		c->off++;
		cfws(c);
		if (peek(c, 0) != '@')
			continue;
		c->off++;
		if (!domain(p))
			goto fail;
	}
	if (peek(c, 0) != ':')
		goto fail;
	c->off++;
	return true;
fail:
	c->off = start;
	return false;
}

/*
 * angle_addr - RFC 5322 3.4 angle-addr = [CFWS] "<" addr-spec ">" [CFWS]
 * / obs-angle-addr = [CFWS] "<" obs-route addr-spec ">" [CFWS].
 */
static bool
angle_addr(struct parse *p)
{
	size_t	start = p->c.off;

	cfws(&p->c);
	if (peek(&p->c, 0) != '<')
		goto fail;
	p->c.off++;
	(void)obs_route(p);
	if (!addr_spec(p) || peek(&p->c, 0) != '>')
		goto fail;
	p->c.off++;
	cfws(&p->c);
	return true;
fail:
	p->c.off = start;
	return false;
}

/*
 * phrase - RFC 5322 3.2.5 phrase = 1*word / obs-phrase, obs-phrase =
 * word *(word / "." / CFWS).  The text is not kept.
 */
static bool
phrase(struct cur *c)
{
	if (!word(c, NULL))
		return false;
	for (;;) {
		if (word(c, NULL))
			continue;
		if (peek(c, 0) != '.')
			break;
		c->off++;
		cfws(c);
	}
	return true;
}

/* name_addr - RFC 5322 3.4 name-addr = [display-name] angle-addr */
static bool
name_addr(struct parse *p)
{
	size_t	start = p->c.off;

	(void)phrase(&p->c);
	if (angle_addr(p))
		return true;
	p->c.off = start;
	return false;
}

/* commit - count the mailbox just parsed and store it if there is room */
static void
commit(struct parse *p)
{
	char	*s;

	if (!p->dom_ok) {
		p->mb.domain[0] = '\0';
		p->mb.idn = false;
	} else {
		for (s = p->mb.domain; *s != '\0'; s++)
			if (*s >= 'A' && *s <= 'Z')
				*s = *s - 'A' + 'a';
		p->mb.idn = p->domain.high;
	}
	if (p->total++ == 0)
		p->first_ok = p->dom_ok;
	if (p->stored < p->outmax)
		p->out[p->stored++] = p->mb;
}

/* mailbox - RFC 5322 3.4 mailbox = name-addr / addr-spec */
static bool
mailbox(struct parse *p)
{
	if (!name_addr(p) && !addr_spec(p))
		return false;
	commit(p);
	return true;
}

/*
 * group - RFC 5322 3.4 group = display-name ":" [group-list] ";" [CFWS],
 * group-list = mailbox-list / CFWS / obs-group-list.  Not in RFC 5322's
 * From, but RFC 6854 allows it and real mail has it: its mailboxes count
 * like any other.
 */
static bool
group(struct parse *p)
{
	size_t	start = p->c.off, stored = p->stored, total = p->total;

	if (!phrase(&p->c) || peek(&p->c, 0) != ':')
		goto fail;
	p->c.off++;
	if (!list(p, true) || peek(&p->c, 0) != ';')
		goto fail;
	p->c.off++;
	cfws(&p->c);
	return true;
fail:
	p->c.off = start;
	p->stored = stored;
	p->total = total;
	return false;
}

/*
 * list - RFC 5322 3.4 mailbox-list with obs-mbox-list (4.4): elements
 * separated by ",", any of them empty.  At the top an element may be a
 * group; inside a group (INGROUP) it may not.  The list ends before the
 * first thing that is neither an element nor ","; the caller checks it.
 */
static bool
list(struct parse *p, bool ingroup)
{
	for (;;) {
		cfws(&p->c);
		if (peek(&p->c, 0) == ',') {
			p->c.off++;
			continue;
		}
		if ((ingroup || !group(p)) && !mailbox(p))
			break;
		cfws(&p->c);
		if (peek(&p->c, 0) != ',')
			break;
		p->c.off++;
	}
	return true;
}

/* parse_from - the whole value (S, LEN) as a list; up to OUTMAX stored */
static enum addr_status
parse_from(const char *s, size_t len, struct addr_mailbox *out,
    size_t outmax, size_t *n)
{
	struct parse	p;

	*n = 0;
	if (len > ADDR_MAX_VALUE || (s == NULL && len > 0))
		return ADDR_SYNTAX;
	memset(&p, 0, sizeof p);
	p.c.p = (const unsigned char *)s;
	p.c.len = len;
	p.out = out;
	p.outmax = out == NULL ? 0 : outmax;
	(void)list(&p, false);
	if (p.c.off != p.c.len)
		return ADDR_SYNTAX;
	*n = p.stored;
	if (p.total == 0)
		return ADDR_NONE;
	if (p.total > 1)
		return ADDR_MULTIPLE;
	return p.first_ok ? ADDR_OK : ADDR_NO_DOMAIN;
}

/* addr_parse_from - the mailboxes of one From value (see addr.h) */
enum addr_status
addr_parse_from(const char *p, size_t len, struct addr_mailbox *out,
    size_t *n)
{
	size_t	dummy;

	return parse_from(p, len, out, ADDR_MAX_MAILBOXES,
	    n != NULL ? n : &dummy);
}

/* addr_from_domain - the single author domain of one From value */
enum addr_status
addr_from_domain(const char *p, size_t len, char *domain, size_t domlen)
{
	struct addr_mailbox	mb;
	enum addr_status	s;
	size_t			n, dlen;

	if (domain == NULL)
		domlen = 0;
	if (domlen > 0)
		domain[0] = '\0';
	if ((s = parse_from(p, len, &mb, 1, &n)) != ADDR_OK)
		return s;
	dlen = strlen(mb.domain);
	if (dlen >= domlen)
		return ADDR_NO_DOMAIN;
	memcpy(domain, mb.domain, dlen + 1);
	return ADDR_OK;
}

/* addr_status_str - the name of S */
const char *
addr_status_str(enum addr_status s)
{
	switch (s) {
	case ADDR_OK:
		return "ok";
	case ADDR_NONE:
		return "none";
	case ADDR_MULTIPLE:
		return "multiple";
	case ADDR_SYNTAX:
		return "syntax";
	case ADDR_NO_DOMAIN:
		return "no-domain";
	}
	return "unknown";
}
