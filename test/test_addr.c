/*
 * test_addr.c - the From: header parser (addr.h)
 *
 * Every input is copied into a heap buffer of exactly its length, without
 * a NUL, so that AddressSanitizer catches any read past the end.  The
 * table gives, per row, the status, the number of mailboxes and their
 * domains; a fuzz loop then checks the invariants of the contract on
 * random and mutated inputs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "check.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
/* an input with NUL bytes in it: give its length */
#define BIN(s)		s, sizeof(s) - 1

struct row {
	const char		*in;
	size_t			 len;		/* 0: strlen(in) */
	enum addr_status	 st;
	size_t			 n;
	const char		*dom[3];	/* the first ones */
	const char		*local;		/* first; NULL: any */
	bool			 idn;		/* first */
};

static const struct row rows[] = {
	/* plain */
	{ "a@example.com", 0, ADDR_OK, 1, { "example.com" }, "a", false },
	{ " a@example.com ", 0, ADDR_OK, 1, { "example.com" }, "a", false },
	{ "a@localhost", 0, ADDR_OK, 1, { "localhost" }, NULL, false },
	{ "Alice <alice@Example.COM>", 0, ADDR_OK, 1, { "example.com" },
	    "alice", false },
	{ "<A.B@EXAMPLE.com>", 0, ADDR_OK, 1, { "example.com" }, "A.B",
	    false },
	{ "Alice <a@example.com> (work)", 0, ADDR_OK, 1, { "example.com" },
	    "a", false },
	{ "\"\" <a@example.com>", 0, ADDR_OK, 1, { "example.com" }, NULL,
	    false },
	{ "\"a\" \"b\" c <d@example.com>", 0, ADDR_OK, 1, { "example.com" },
	    "d", false },
	{ "Mr. Smith <a@example.com>", 0, ADDR_OK, 1, { "example.com" },
	    NULL, false },
	/* quoted display names: their ",", "@" and "<" are text */
	{ "\"Smith, John\" <j@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, "j", false },
	{ "\"a@evil.example\" <b@good.example>", 0, ADDR_OK, 1,
	    { "good.example" }, "b", false },
	{ "\"<evil@x.example>\" <a@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, NULL, false },
	{ "\"\\\"<x@y.example>\" <a@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, NULL, false },
	/* comments */
	{ "(c) a(x)@(y)example.com(z)", 0, ADDR_OK, 1, { "example.com" },
	    "a", false },
	{ "((a)b) a@example.com", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "(<evil@x.example>) a@example.com", 0, ADDR_OK, 1,
	    { "example.com" }, "a", false },
	{ "a@example.com (<evil@x.example>, b@y.example)", 0, ADDR_OK, 1,
	    { "example.com" }, "a", false },
	{ "Alice (\\(<evil@x.example>:;, \\)) <a@example.com>", 0, ADDR_OK,
	    1, { "example.com" }, "a", false },
	{ "(a\\)b) a@example.com", 0, ADDR_OK, 1, { "example.com" }, NULL,
	    false },
	{ "(((((deep)))))a@example.com", 0, ADDR_OK, 1, { "example.com" },
	    NULL, false },
	{ "a@example.com (ok) (\xc3\xbc)", 0, ADDR_OK, 1, { "example.com" },
	    NULL, false },
	/* RFC 2047 encoded-words are atoms, never decoded */
	{ "=?utf-8?Q?=3Cevil=40x.example=3E?= <a@example.com>", 0, ADDR_OK,
	    1, { "example.com" }, "a", false },
	{ "=?utf-8?B?PGV2aWxAeC5leGFtcGxlPg==?= <a@example.com>", 0,
	    ADDR_OK, 1, { "example.com" }, "a", false },
	{ "=?iso-8859-1?B?ImEsYiIgPGNAZD4=?= <a@example.com>", 0, ADDR_OK,
	    1, { "example.com" }, "a", false },
	{ "=?iso-8859-1?Q?=22=2C=40?= =?utf-8?Q?x?= <a@example.com>", 0,
	    ADDR_OK, 1, { "example.com" }, "a", false },
	{ "=?utf-8?Q?Mr.Smith?= <a@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, "a", false },
	/* a non-conforming encoded-word with raw specials is not an atom */
	{ "=?utf-8?Q?a<evil@bad.example>?= <x@good.example>", 0,
	    ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "=?utf-8?Q?a,b@bad.example?= <x@good.example>", 0, ADDR_SYNTAX,
	    0, { NULL }, NULL, false },
	/* folding: "\n" or "\r\n", then WSP */
	{ "Alice\n <a@example.com>", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "Alice\r\n\t<a@example.com>", 0, ADDR_OK, 1, { "example.com" },
	    "a", false },
	{ "a@\r\n example.com", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "\"john\r\n doe\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "john doe", false },
	{ "\n\t<a@example.com>", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "a@example.com\n \n\t", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "Alice\n<a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "Alice\r <a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "Alice\r\r\n <a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "a@example.com\r\n", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@example.com\n", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* several mailboxes: MULTIPLE, even with one domain */
	{ "a@x.example, b@y.example", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "y.example" }, "a", false },
	{ "a@x.example, b@x.example", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "x.example" }, "a", false },
	{ "A <a@x.example>, \"B, b\" <b@y.example>, c@Z.example", 0,
	    ADDR_MULTIPLE, 3, { "x.example", "y.example", "z.example" }, "a",
	    false },
	{ "a@x.example, root", 0, ADDR_MULTIPLE, 2, { "x.example", "" },
	    "a", false },
	{ "Smith, John <j@example.com>", 0, ADDR_MULTIPLE, 2,
	    { "", "example.com" }, "Smith", false },
	/* groups */
	{ "Friends: a@x.example;", 0, ADDR_OK, 1, { "x.example" }, "a",
	    false },
	{ "Friends : Alice <a@x.example> ; (c)", 0, ADDR_OK, 1,
	    { "x.example" }, "a", false },
	{ "Undisclosed: a@b.example, c@d.example;", 0, ADDR_MULTIPLE, 2,
	    { "b.example", "d.example" }, "a", false },
	{ "Undisclosed recipients:;", 0, ADDR_NONE, 0, { NULL }, NULL,
	    false },
	{ "G: (c) ;", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ "G: ,, ;", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ "G:;, a@x.example", 0, ADDR_OK, 1, { "x.example" }, "a", false },
	{ "G: a@x.example;, b@y.example", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "y.example" }, "a", false },
	{ "\"G: x\": a@x.example;", 0, ADDR_OK, 1, { "x.example" }, "a",
	    false },
	{ "G: a@x.example", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "A: B: c@d.example;;", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "G: a@x.example; junk", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* no mailbox */
	{ "", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ "   \t ", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ "\n \r\n\t", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ "(c) (d (e))", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	{ ",, ,", 0, ADDR_NONE, 0, { NULL }, NULL, false },
	/* "<>": angle-addr needs an addr-spec */
	{ "<>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "Alice <>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* half an address */
	{ "a@", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@ (c)", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "<@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@b@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a\\@b@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "From: a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* local-only: a mailbox without a domain */
	{ "root", 0, ADDR_NO_DOMAIN, 1, { "" }, "root", false },
	{ "Alice <root>", 0, ADDR_NO_DOMAIN, 1, { "" }, "root", false },
	{ "Alice Smith", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* domain-literal and unusable domains */
	{ "a@[192.0.2.1]", 0, ADDR_NO_DOMAIN, 1, { "" }, "a", false },
	{ "a@[IPv6:2001:db8::1]", 0, ADDR_NO_DOMAIN, 1, { "" }, "a",
	    false },
	{ "Alice <a@ [ 192.0.2.1 ] >", 0, ADDR_NO_DOMAIN, 1, { "" }, "a",
	    false },
	{ "a@[192.0.2.1", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@[a[b]", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@example..com", 0, ADDR_NO_DOMAIN, 1, { "" }, "a", false },
	{ "a@.example.com", 0, ADDR_NO_DOMAIN, 1, { "" }, "a", false },
	{ "a@example.com.", 0, ADDR_NO_DOMAIN, 1, { "" }, "a", false },
	{ "a@.", 0, ADDR_NO_DOMAIN, 1, { "" }, "a", false },
	{ "a@x.example, b@[192.0.2.1]", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "" }, "a", false },
	{ "a@example com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* quoted local-parts */
	{ "\"john..doe\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "john..doe", false },
	{ "\"a@b\"@example.com", 0, ADDR_OK, 1, { "example.com" }, "a@b",
	    false },
	{ "\"a,b<c\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "a,b<c", false },
	{ "\"a\\\"b\\\\c\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "a\"b\\c", false },
	{ "\"a\x01" "b\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "a\x01" "b", false },
	{ "\"a\".\"b c\".d@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "a.b c.d", false },
	{ "\"a\"b@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "\"abc@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* empty words in the local-part (mobile carriers) */
	{ "john..doe@docomo.ne.jp", 0, ADDR_OK, 1, { "docomo.ne.jp" },
	    "john..doe", false },
	{ ".a.@example.com", 0, ADDR_OK, 1, { "example.com" }, ".a.",
	    false },
	/* obs-route */
	{ "<@r1.example,@r2.example:a@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, "a", false },
	{ "Alice < ,@r1.example,, @[192.0.2.1] : a@example.com >", 0,
	    ADDR_OK, 1, { "example.com" }, "a", false },
	{ "<@r1.example a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "<@r1.example:>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* obsolete CFWS around dots and "@" */
	{ "a . b @ example . com", 0, ADDR_OK, 1, { "example.com" }, "a.b",
	    false },
	{ "a(x).(y)b(z)@(w)example(v).(u)com", 0, ADDR_OK, 1,
	    { "example.com" }, "a.b", false },
	{ "a@exa(c)mple.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* RFC 6532 UTF-8 */
	{ "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90."
	    "\xe5\xb9\xbf\xe5\x91\x8a", 0, ADDR_OK, 1,
	    { "\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf\xe5\x91\x8a" },
	    "\xe7\x94\xa8\xe6\x88\xb7", true },
	{ "a@B\xc3\x9c" "CHER.Example", 0, ADDR_OK, 1,
	    { "b\xc3\x9c" "cher.example" }, "a", true },
	{ "J\xc3\xbcrgen <j@example.com>", 0, ADDR_OK, 1,
	    { "example.com" }, "j", false },
	{ "\"\\\xc3\xbc\"@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "\xc3\xbc", false },
	{ "a@xn--fsqu00a.xn--3lr804guic", 0, ADDR_OK, 1,
	    { "xn--fsqu00a.xn--3lr804guic" }, "a", false },
	{ "a@XN--FSQU00A.XN--3LR804GUIC", 0, ADDR_OK, 1,
	    { "xn--fsqu00a.xn--3lr804guic" }, "a", false },
	{ "\xf0\x9f\x98\x80@example.com", 0, ADDR_OK, 1, { "example.com" },
	    "\xf0\x9f\x98\x80", false },
	/* invalid UTF-8, wherever it is */
	{ "a\xff@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@ex\xe4mple.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "\xc0\xaf@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "\xe0\x80\xaf@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "\xed\xa0\x80@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "\xf4\x90\x80\x80@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "a@example.com\xe4\xbd", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	/* ... except where nothing is kept: legacy 8-bit display names */
	{ "(\xe9t\xe9) a@example.com", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "\"M\xfcller\" <a@example.com>", 0, ADDR_OK, 1, { "example.com" },
	    "a", false },
	{ "J\xf6rg <a@example.com>", 0, ADDR_OK, 1, { "example.com" }, "a",
	    false },
	{ "\xff a@example.com <a@example.com>", 0, ADDR_SYNTAX, 0, { NULL },
	    NULL, false },
	{ "a@[\x80]", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* NUL bytes */
	{ BIN("a\0@example.com"), ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ BIN("a@example.com\0"), ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ BIN("(\0) a@example.com"), ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ BIN("\"\\\0\"@example.com"), ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ BIN("\0"), ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* unterminated */
	{ "(abc a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "((a) a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "(a\\) a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "Alice <a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "<a@example.com", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@example.com\\", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "\"a\\", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	/* trailing junk and misplaced specials */
	{ "a@example.com;", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "Alice a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@x.example ; b", 0, ADDR_SYNTAX, 0, { NULL }, NULL, false },
	{ "a@evil.example <b@good.example>", 0, ADDR_SYNTAX, 0, { NULL },
	    NULL, false },
	{ "<a@x.example> <b@y.example>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "<a@x.example>b@y.example", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ "Alice <<a@example.com>>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ ".Alice <a@example.com>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	/* the multi-valued From shapes that crashed OpenDMARC */
	{ "a@x.example, \"b\" <>", 0, ADDR_SYNTAX, 0, { NULL }, NULL,
	    false },
	{ ", a@x.example", 0, ADDR_OK, 1, { "x.example" }, "a", false },
	{ "<a@x.example>,", 0, ADDR_OK, 1, { "x.example" }, "a", false },
	{ "<a@x.example>, ", 0, ADDR_OK, 1, { "x.example" }, "a", false },
	{ "a@x.example,,b@y.example", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "y.example" }, "a", false },
	{ "a@x.example, <b@y.example>, \"c\" <>", 0, ADDR_SYNTAX, 0,
	    { NULL }, NULL, false },
	{ "\"a@x.example\" <>, b@y.example", 0, ADDR_SYNTAX, 0, { NULL },
	    NULL, false },
	{ "<evil@x.example>, <a@victim.example>", 0, ADDR_MULTIPLE, 2,
	    { "x.example", "victim.example" }, "evil", false },
};

/* heap - a copy of (S, LEN) in a buffer of exactly LEN bytes, no NUL */
static char *
heap(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len > 0 ? len : 1)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(p, s, len);
	return p;
}

/* run - addr_parse_from() over a heap copy of (S, LEN) */
static enum addr_status
run(const char *s, size_t len, struct addr_mailbox *out, size_t *n)
{
	enum addr_status	 st;
	char			*p = heap(s, len);

	st = addr_parse_from(p, len, out, n);
	free(p);
	return st;
}

/* test_rows - every table row, through both entry points */
static void
test_rows(void)
{
	struct addr_mailbox	 out[ADDR_MAX_MAILBOXES];
	const struct row	*r;
	char			 dom[ADDR_DOMAIN_SIZE], what[600], *p;
	size_t			 i, k, n, len;
	enum addr_status	 st;

	for (i = 0; i < nitems(rows); i++) {
		r = &rows[i];
		len = r->len != 0 ? r->len : strlen(r->in);
		snprintf(what, sizeof what, "row %zu \"%.*s\"", i,
		    (int)(len > 60 ? 60 : len), r->in);
		st = run(r->in, len, out, &n);
		CHECK(st == r->st, "%s: status got=%s want=%s", what,
		    addr_status_str(st), addr_status_str(r->st));
		CHECK_INT(n, r->n, what);
		for (k = 0; k < n && k < r->n && k < nitems(r->dom); k++)
			if (r->dom[k] != NULL)
				CHECK_STR(out[k].domain, r->dom[k], what);
		if (n > 0 && r->local != NULL)
			CHECK_STR(out[0].local, r->local, what);
		if (n > 0)
			CHECK_INT(out[0].idn, r->idn, what);
		p = heap(r->in, len);
		st = addr_from_domain(p, len, dom, sizeof dom);
		free(p);
		CHECK_INT(st, r->st, what);
		CHECK_STR(dom, r->st == ADDR_OK ? r->dom[0] : "", what);
	}
}

/* fill - LEN bytes of S repeated into P from OFF; the new offset */
static size_t
fill(char *p, size_t off, const char *s, size_t len)
{
	size_t	k = strlen(s), i;

	for (i = 0; i < len; i++)
		p[off + i] = s[i % k];
	return off + len;
}

/* one - check the status of (S, LEN), and its first domain unless DOM is
 * NULL */
static void
one(const char *s, size_t len, enum addr_status st, const char *dom,
    const char *what)
{
	struct addr_mailbox	out[ADDR_MAX_MAILBOXES];
	size_t			n;
	enum addr_status	got;

	got = run(s, len, out, &n);
	CHECK(got == st, "%s: status got=%s want=%s", what,
	    addr_status_str(got), addr_status_str(st));
	if (dom != NULL && n > 0)
		CHECK_STR(out[0].domain, dom, what);
}

/* test_lengths - the label, domain, local-part and value limits */
static void
test_lengths(void)
{
	static char	b[8192], d[600];
	size_t		o;

	/* labels: 63 octets, 64 octets; UTF-8 labels are not held to 63 */
	o = fill(b, 0, "a@", 2);
	o = fill(b, o, "x", 63);
	o = fill(b, o, ".example", 8);
	b[o] = '\0';
	one(b, o, ADDR_OK, b + 2, "63-octet label");
	o = fill(b, 0, "a@", 2);
	o = fill(b, o, "x", 64);
	o = fill(b, o, ".example", 8);
	one(b, o, ADDR_NO_DOMAIN, "", "64-octet label");
	o = fill(b, 0, "a@", 2);
	o = fill(b, o, "\xe4\xbe\x8b", 66);
	o = fill(b, o, ".example", 8);
	b[o] = '\0';
	one(b, o, ADDR_OK, b + 2, "66-octet U-label");
	/* the whole domain: 253 octets, 254 octets */
	o = fill(b, 0, "a@", 2);
	o = fill(b, o, "x", 63);
	o = fill(b, o, ".", 1);
	o = fill(b, o, "y", 63);
	o = fill(b, o, ".", 1);
	o = fill(b, o, "z", 63);
	o = fill(b, o, ".", 1);
	o = fill(b, o, "w", 61);
	b[o] = '\0';
	memcpy(d, b + 2, o - 1);
	one(b, o, ADDR_OK, d, "253-octet domain");
	o = fill(b, o, "w", 1);
	one(b, o, ADDR_NO_DOMAIN, "", "254-octet domain");
	o = fill(b, o, "w", 1000);
	one(b, o, ADDR_NO_DOMAIN, "", "1254-octet domain");
	/* the local-part's value: 259 octets, 260 octets */
	o = fill(b, 0, "x", ADDR_LOCAL_SIZE - 1);
	o = fill(b, o, "@example.com", 12);
	one(b, o, ADDR_OK, "example.com", "259-octet local-part");
	o = fill(b, 0, "\"", 1);
	o = fill(b, o, "\\x", 2 * (ADDR_LOCAL_SIZE - 1));
	o = fill(b, o, "\"@example.com", 13);
	one(b, o, ADDR_OK, "example.com", "259-octet quoted local-part");
	o = fill(b, 0, "x", ADDR_LOCAL_SIZE);
	o = fill(b, o, "@example.com", 12);
	one(b, o, ADDR_SYNTAX, NULL, "260-octet local-part");
	/* a long display name is not kept, so not limited */
	o = fill(b, 0, "\"", 1);
	o = fill(b, o, "x", 5000);
	o = fill(b, o, "\" <a@example.com>", 17);
	one(b, o, ADDR_OK, "example.com", "5000-octet display name");
}

/* test_value - ADDR_MAX_VALUE bytes are parsed, one more is not */
static void
test_value(void)
{
	static char	b[ADDR_MAX_VALUE + 1];
	size_t		o;

	o = fill(b, 0, "a@example.com (", 15);
	o = fill(b, o, "x", ADDR_MAX_VALUE - 16);
	o = fill(b, o, ")", 1);
	one(b, o, ADDR_OK, "example.com", "value of ADDR_MAX_VALUE");
	o = fill(b, 0, "a@example.com (", 15);
	o = fill(b, o, "x", ADDR_MAX_VALUE - 15);
	o = fill(b, o, ")", 1);
	one(b, o, ADDR_SYNTAX, NULL, "value of ADDR_MAX_VALUE + 1");
}

/* test_many - the ADDR_MAX_MAILBOXES cap, and a 1 MB value */
static void
test_many(void)
{
	struct addr_mailbox	 out[ADDR_MAX_MAILBOXES];
	char			 b[64 * 20], want[32], *big;
	size_t			 i, k, n, o = 0;
	enum addr_status	 st;

	for (i = 0; i < 17; i++)
		o += (size_t)snprintf(b + o, sizeof b - o,
		    "%sm%zu@d%zu.example", i > 0 ? ", " : "", i, i);
	st = run(b, o, out, &n);
	CHECK_INT(st, ADDR_MULTIPLE, "17 mailboxes");
	CHECK_INT(n, ADDR_MAX_MAILBOXES, "17 mailboxes: count capped");
	for (k = 0; k < n; k++) {
		snprintf(want, sizeof want, "d%zu.example", k);
		CHECK_STR(out[k].domain, want, "17 mailboxes");
	}
	/* the cap does not hide a syntax error after it */
	memcpy(b + o, ";", 1);
	st = run(b, o + 1, out, &n);
	CHECK_INT(st, ADDR_SYNTAX, "17 mailboxes and junk");
	CHECK_INT(n, 0, "17 mailboxes and junk: count");
	/* 1 MB: refused without being read (bounded work) */
	if ((big = malloc(1024 * 1024)) == NULL)
		exit(2);
	fill(big, 0, "a@example.com, ", 1024 * 1024);
	st = addr_parse_from(big, 1024 * 1024, out, &n);
	CHECK_INT(st, ADDR_SYNTAX, "1 MB value");
	CHECK_INT(n, 0, "1 MB value: count");
	free(big);
}

/* test_linear - hostile shapes of ADDR_MAX_VALUE bytes parse in linear
 * time: a quadratic parser would take seconds on each */
static void
test_linear(void)
{
	static const struct {
		const char		*unit;
		enum addr_status	 st;
	} shapes[] = {
		{ "(", ADDR_SYNTAX }, { "((a)", ADDR_SYNTAX },
		{ ")", ADDR_SYNTAX }, { "\"", ADDR_SYNTAX },
		{ "\"a", ADDR_SYNTAX }, { "a ", ADDR_SYNTAX },
		{ "a.", ADDR_SYNTAX /* a 64 KB local-part */ },
		{ "a,", ADDR_MULTIPLE },
		{ "G:", ADDR_SYNTAX }, { "G:a,", ADDR_SYNTAX },
		{ "<", ADDR_SYNTAX }, { "<@a,", ADDR_SYNTAX },
		{ "a(,", ADDR_SYNTAX }, { "\"a\" ", ADDR_SYNTAX },
		{ "a@b ", ADDR_SYNTAX }, { "a@b,", ADDR_MULTIPLE },
		{ "[", ADDR_SYNTAX }, { "a@[", ADDR_SYNTAX },
		{ "\\(", ADDR_SYNTAX }, { "=?a?Q?b?= ", ADDR_SYNTAX },
		{ ",", ADDR_NONE }, { "\n ", ADDR_NONE },
		{ "x <a@b>, ", ADDR_MULTIPLE }, { "G:a@b;,", ADDR_MULTIPLE },
		{ "a.(", ADDR_SYNTAX }, { "\"\\", ADDR_SYNTAX },
	};
	static char	b[ADDR_MAX_VALUE];
	size_t		i, n, len;
	clock_t		t0;
	double		secs;
	struct addr_mailbox out[ADDR_MAX_MAILBOXES];
	enum addr_status st;

	for (i = 0; i < nitems(shapes); i++) {
		/* whole units only, as many as fit */
		len = sizeof b - sizeof b % strlen(shapes[i].unit);
		fill(b, 0, shapes[i].unit, len);
		t0 = clock();
		st = run(b, len, out, &n);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		CHECK(st == shapes[i].st, "\"%s\"...: status got=%s want=%s",
		    shapes[i].unit, addr_status_str(st),
		    addr_status_str(shapes[i].st));
		CHECK(secs < 1.0, "\"%s\"...: %.3f s", shapes[i].unit, secs);
	}
}

/* test_api - addr_from_domain()'s buffer, addr_status_str() */
static void
test_api(void)
{
	char	d[ADDR_DOMAIN_SIZE];
	size_t	n;

	memset(d, 'z', sizeof d);
	CHECK_INT(addr_from_domain("a@example.com", 13, d, 12), ADDR_OK,
	    "domain fits exactly");
	CHECK_STR(d, "example.com", "domain fits exactly");
	CHECK_INT(addr_from_domain("a@example.com", 13, d, 11),
	    ADDR_NO_DOMAIN, "domain does not fit");
	CHECK_STR(d, "", "domain does not fit: emptied");
	CHECK_INT(addr_from_domain("a@example.com", 13, NULL, 0),
	    ADDR_NO_DOMAIN, "no buffer");
	CHECK_INT(addr_from_domain("a@x.example, b@y.example", 24, d,
	    sizeof d), ADDR_MULTIPLE, "multiple");
	CHECK_STR(d, "", "multiple: emptied");
	CHECK_INT(addr_from_domain(NULL, 0, d, sizeof d), ADDR_NONE,
	    "NULL, 0");
	CHECK_INT(addr_from_domain(NULL, 5, d, sizeof d), ADDR_SYNTAX,
	    "NULL, 5");
	CHECK_INT(addr_parse_from("a@example.com", 13, NULL, &n),
	    ADDR_OK, "no OUT");
	CHECK_INT(n, 0, "no OUT: nothing stored");
	CHECK_STR(addr_status_str(ADDR_OK), "ok", "status name");
	CHECK_STR(addr_status_str(ADDR_NONE), "none", "status name");
	CHECK_STR(addr_status_str(ADDR_MULTIPLE), "multiple", "status name");
	CHECK_STR(addr_status_str(ADDR_SYNTAX), "syntax", "status name");
	CHECK_STR(addr_status_str(ADDR_NO_DOMAIN), "no-domain",
	    "status name");
	CHECK_STR(addr_status_str((enum addr_status)99), "unknown",
	    "status name");
}

/* lcg - the next of a 64-bit linear congruential sequence (Knuth MMIX) */
static uint32_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* fuzz_byte - a random byte, most often one the grammar cares about */
static char
fuzz_byte(uint64_t *s)
{
	static const char	special[] = "<>@,;:.\"()[]\\ \t\r\n=?aZ0-_";
	static const char	utf8[] = "\xc3\xbc\xe4\xbe\x8b\xf0\x9f\x98\x80"
	    "\xed\xa0\xc0\xff";
	uint32_t		r = lcg(s) % 10;

	if (r < 6)
		return special[lcg(s) % (sizeof special - 1)];
	if (r < 8)
		return utf8[lcg(s) % (sizeof utf8 - 1)];
	return (char)(lcg(s) & 0xff);
}

/* fuzz_input - a random input, or a mutated table row, of at most CAP */
static size_t
fuzz_input(uint64_t *s, char *b, size_t cap)
{
	const struct row	*r;
	size_t			 len, i, m, at, k;

	if (lcg(s) % 3 == 0) {
		len = lcg(s) % (cap + 1);
		for (i = 0; i < len; i++)
			b[i] = fuzz_byte(s);
		return len;
	}
	r = &rows[lcg(s) % nitems(rows)];
	len = r->len != 0 ? r->len : strlen(r->in);
	memcpy(b, r->in, len);
	for (m = 1 + lcg(s) % 4; m > 0; m--) {
		at = len > 0 ? lcg(s) % len : 0;
		switch (lcg(s) % 4) {
		case 0:		/* replace */
			if (len > 0)
				b[at] = fuzz_byte(s);
			break;
		case 1:		/* insert */
			if (len < cap) {
				memmove(b + at + 1, b + at, len - at);
				b[at] = fuzz_byte(s);
				len++;
			}
			break;
		case 2:		/* delete */
			if (len > 0) {
				memmove(b + at, b + at + 1, len - at - 1);
				len--;
			}
			break;
		default:	/* repeat the tail */
			k = len - at < cap - len ? len - at : cap - len;
			memcpy(b + len, b + at, k);
			len += k;
			break;
		}
	}
	return len;
}

/* mailbox_sane - the invariants of one stored mailbox */
static bool
mailbox_sane(const struct addr_mailbox *mb)
{
	size_t	dl = strnlen(mb->domain, sizeof mb->domain), i;
	bool	high = false;

	if (strnlen(mb->local, sizeof mb->local) >= sizeof mb->local ||
	    dl >= sizeof mb->domain)
		return false;
	for (i = 0; i < dl; i++) {
		if (mb->domain[i] >= 'A' && mb->domain[i] <= 'Z')
			return false;
		if ((unsigned char)mb->domain[i] >= 0x80)
			high = true;
		if (mb->domain[i] == '.' && (i == 0 || i + 1 == dl ||
		    mb->domain[i + 1] == '.'))
			return false;
	}
	return high == mb->idn;
}

/* fuzz_check - the contract's invariants for one input (P, LEN) */
static bool
fuzz_check(const char *p, size_t len)
{
	struct addr_mailbox	out[ADDR_MAX_MAILBOXES];
	char			dom[ADDR_DOMAIN_SIZE];
	size_t			n = 99, k;
	enum addr_status	st, st2;

	st = addr_parse_from(p, len, out, &n);
	st2 = addr_from_domain(p, len, dom, sizeof dom);
	if (st2 != st || n > ADDR_MAX_MAILBOXES)
		return false;
	for (k = 0; k < n; k++)
		if (!mailbox_sane(&out[k]))
			return false;
	switch (st) {
	case ADDR_OK:
		return n == 1 && out[0].domain[0] != '\0' &&
		    strcmp(dom, out[0].domain) == 0;
	case ADDR_NO_DOMAIN:
		return n == 1 && out[0].domain[0] == '\0' && dom[0] == '\0';
	case ADDR_MULTIPLE:
		return n >= 2 && dom[0] == '\0';
	case ADDR_NONE:
	case ADDR_SYNTAX:
		return n == 0 && dom[0] == '\0';
	}
	return false;
}

/* test_fuzz - random and mutated inputs: no crash, invariants kept */
static void
test_fuzz(void)
{
	char		b[400], *p;
	uint64_t	seed = 5322;
	size_t		i, n, len, bad = 0, seen[5] = { 0 };
	struct addr_mailbox out[ADDR_MAX_MAILBOXES];

	for (i = 0; i < 200000; i++) {
		len = fuzz_input(&seed, b, sizeof b);
		p = heap(b, len);
		if (!fuzz_check(p, len) && bad++ < 5)
			CHECK(0, "fuzz %zu: invariant broken: \"%.*s\"", i,
			    (int)len, b);
		seen[addr_parse_from(p, len, out, &n)]++;
		free(p);
	}
	CHECK_INT(bad, 0, "fuzz: inputs breaking an invariant");
	for (i = 0; i < nitems(seen); i++)
		CHECK(seen[i] > 0, "fuzz: status %s never seen",
		    addr_status_str((enum addr_status)i));
}

int
main(void)
{
	test_rows();
	test_lengths();
	test_value();
	test_many();
	test_linear();
	test_api();
	test_fuzz();
	return check_done("test_addr");
}
