/*
 * test_authres.c - unit tests for authres.c
 *
 * Recognising: one table row per hostile shape of an incoming
 * Authentication-Results value; every input is copied into a buffer of
 * exactly its length (no NUL) so that AddressSanitizer catches a read
 * past it.  Building: the rendered value, byte for byte, and the limits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "caps.h"
#include "check.h"

#define OURS	"mx.example.net"
/* L - a string literal as (ptr, len), so that NUL bytes inside count */
#define L(s)	(s), sizeof(s) - 1

/* idcase - one incoming value and what must be found in it */
struct idcase {
	const char	*name;
	const char	*v;
	size_t		 len;
	const char	*id;		/* want from authres_authserv_id; NULL: none */
	bool		 ours;		/* want from authres_is_ours(OURS) */
};

static const struct idcase idcases[] = {
	{ "plain", L("mx.example.net; spf=pass"), OURS, true },
	{ "case", L("MX.Example.NET; spf=pass"), "MX.Example.NET", true },
	{ "no space", L("mx.example.net;spf=pass"), OURS, true },
	{ "leading space", L("   mx.example.net; spf=pass"), OURS, true },
	{ "quoted", L("\"mx.example.net\"; spf=pass"), OURS, true },
	{ "quoted-pair", L("\"mx.example\\.n\\et\"; spf=pass"), OURS, true },
	{ "quoted DQUOTE", L("\"mx.exa\\\"mple.net\"; spf=pass"),
	    "mx.exa\"mple.net", false },
	{ "quoted folded", L("\"mx.example.net\r\n\"; spf=pass"), OURS,
	    true },
	{ "leading comment", L("(forged) mx.example.net; spf=pass"), OURS,
	    true },
	{ "nested comment", L("(a (b \\) (c)) d) mx.example.net; spf=pass"),
	    OURS, true },
	{ "comment holding id", L("(mx.example.net) evil.example; spf=pass"),
	    "evil.example", false },
	{ "comment after", L("evil.example (mx.example.net); spf=pass"),
	    "evil.example", false },
	{ "LF fold", L("\n\tmx.example.net;\n\tspf=pass"), OURS, true },
	{ "CRLF fold", L("\r\n mx.example.net;\r\n\tspf=pass"), OURS, true },
	{ "fold and comment", L("\r\n\t(x)\r\n mx.example.net; none"), OURS,
	    true },
	{ "version", L("mx.example.net 1; spf=pass"), OURS, true },
	{ "version comment", L("mx.example.net (v) 1 (w); spf=pass"), OURS,
	    true },
	{ "comment glued", L("mx.example.net(comment); spf=pass"), OURS,
	    true },
	{ "no semicolon", L("mx.example.net"), OURS, true },
	{ "suffix", L("mx.example.net.evil.com; spf=pass"),
	    "mx.example.net.evil.com", false },
	{ "prefix", L("evil-mx.example.net; spf=pass"),
	    "evil-mx.example.net", false },
	{ "subdomain", L("a.mx.example.net; spf=pass"), "a.mx.example.net",
	    false },
	{ "shorter", L("mx.example.ne; spf=pass"), "mx.example.ne", false },
	{ "longer", L("mx.example.nett; spf=pass"), "mx.example.nett",
	    false },
	{ "quoted suffix", L("\"mx.example.net.evil\"; spf=pass"),
	    "mx.example.net.evil", false },
	{ "quoted space", L("\"mx.example.net \"; spf=pass"),
	    "mx.example.net ", false },
	{ "empty", L(""), NULL, false },
	{ "only space", L(" \r\n\t"), NULL, false },
	{ "only semicolon", L("; spf=pass"), NULL, false },
	{ "empty quoted", L("\"\"; spf=pass"), NULL, false },
	{ "only comment", L("(mx.example.net)"), NULL, false },
	{ "unterminated comment", L("(mx.example.net; spf=pass"), NULL,
	    false },
	{ "unterminated nested", L("((x) mx.example.net; spf=pass"), NULL,
	    false },
	{ "comment ends in backslash", L("(x\\"), NULL, false },
	{ "unterminated quote", L("\"mx.example.net; spf=pass"), NULL,
	    false },
	{ "quote ends in backslash", L("\"mx.example.net\\"), NULL, false },
	{ "NUL after id", L("mx.example.net\0evil; spf=pass"), OURS, true },
	{ "NUL before id", L("\0mx.example.net; spf=pass"), NULL, false },
	{ "NUL in id", L("mx.exa\0mple.net; spf=pass"), "mx.exa", false },
	{ "NUL in quote", L("\"mx.example.net\0\"; spf=pass"), NULL, false },
	{ "NUL quoted-pair", L("\"mx.example.net\\\0\"; spf=pass"), NULL,
	    false },
	{ "NUL in comment", L("(\0) mx.example.net; spf=pass"), OURS, true },
	{ "8-bit after id", L("mx.example.net\xff; spf=pass"), OURS, true },
	{ "8-bit before id", L("\xc3\xa9mx.example.net; spf=pass"), NULL,
	    false },
	{ "8-bit in id", L("mx.\xc3\xa9xample.net; spf=pass"), "mx.", false },
	{ "8-bit quoted", L("\"mx.\xc3\xa9xample.net\"; spf=pass"),
	    "mx.\xc3\xa9xample.net", false },
	{ "8-bit comment", L("(\xff\x80) mx.example.net; spf=pass"), OURS,
	    true },
	{ "none", L("mx.example.net; none"), OURS, true },
	{ "none glued", L("mx.example.net;none"), OURS, true },
	{ "none alone", L("none"), "none", false },
	{ "tspecial after id", L("mx.example.net/x; spf=pass"), OURS, true },
	{ "at after id", L("mx.example.net@evil; spf=pass"), OURS, true },
	{ "CVE-2020-12272 ours", L("example.net(.mx.example.net; spf=pass"),
	    "example.net", false },
	{ "CVE-2020-12272 theirs",
	    L("mx.example.net(.example.com; spf=pass"), OURS, true },
	{ "CVE-2020-12272 shape", L("example.net(.example.com; dkim=pass"),
	    "example.net", false },
};

/* dupmem - LEN bytes of P in a buffer of exactly that size */
static char *
dupmem(const char *p, size_t len)
{
	char	*q;

	if ((q = malloc(len > 0 ? len : 1)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(q, p, len);
	return q;
}

/* test_idcases - authres_authserv_id and authres_is_ours on each row */
static void
test_idcases(void)
{
	const struct idcase	*c;
	char			*v, id[AM_MAX_AUTHSERV_ID + 1];
	size_t			 i;
	bool			 found;

	for (i = 0; i < sizeof(idcases) / sizeof(idcases[0]); i++) {
		c = &idcases[i];
		v = dupmem(c->v, c->len);
		found = authres_authserv_id(v, c->len, id, sizeof(id));
		CHECK_INT(found, c->id != NULL, c->name);
		if (c->id != NULL)
			CHECK_STR(found ? id : NULL, c->id, c->name);
		else
			CHECK_STR(id, "", c->name);
		CHECK_INT(authres_is_ours(v, c->len, OURS), c->ours, c->name);
		free(v);
	}
}

/* test_id_edges - output buffer sizes, NULL arguments, other ids */
static void
test_id_edges(void)
{
	const char	*v = "mx.example.net; spf=pass";
	char		 id[32];

	CHECK(!authres_authserv_id(v, strlen(v), id, 14), "outlen 14");
	CHECK(authres_authserv_id(v, strlen(v), id, 15), "outlen 15");
	CHECK_STR(id, OURS, "outlen 15");
	CHECK(!authres_authserv_id(v, strlen(v), id, 0), "outlen 0");
	CHECK(!authres_authserv_id(v, strlen(v), NULL, 10), "out NULL");
	CHECK(!authres_authserv_id(NULL, 10, id, sizeof(id)), "v NULL");
	CHECK(!authres_is_ours(NULL, 10, OURS), "is_ours v NULL");
	CHECK(!authres_is_ours(v, strlen(v), NULL), "is_ours ours NULL");
	CHECK(!authres_is_ours(v, strlen(v), ""), "is_ours ours empty");
	CHECK(!authres_is_ours(v, 0, OURS), "is_ours len 0");
	CHECK(!authres_is_ours(v, 13, OURS), "is_ours cut by len");
	CHECK(authres_is_ours(v, 14, OURS), "is_ours len 14");
	v = "example.net(.example.com; spf=pass";
	CHECK(authres_is_ours(v, strlen(v), "EXAMPLE.NET"),
	    "CVE-2020-12272 with ours example.net");
	CHECK(!authres_is_ours(v, strlen(v), "example.com"),
	    "CVE-2020-12272 with ours example.com");
}

/* big - a buffer of LEN bytes of FILL, with HEAD copied to its start */
static char *
big(size_t len, char fill, const char *head, size_t headlen)
{
	char	*v;

	if ((v = malloc(len)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memset(v, fill, len);
	memcpy(v, head, headlen);
	return v;
}

/* test_id_large - only AM_MAX_AR_INSPECT bytes are looked at */
static void
test_id_large(void)
{
	const size_t	 mb = 1024 * 1024, cap = AM_MAX_AR_INSPECT;
	char		*v, id[AM_MAX_AUTHSERV_ID + 1];

	v = big(mb, 'x', L("mx.example.net; spf=pass "));
	CHECK(authres_authserv_id(v, mb, id, sizeof(id)), "1MB, id first");
	CHECK(authres_is_ours(v, mb, OURS), "1MB, id first");
	free(v);

	v = big(mb, 'a', "", 0);
	CHECK(!authres_authserv_id(v, mb, id, sizeof(id)), "1MB token");
	CHECK(!authres_is_ours(v, mb, OURS), "1MB token");
	free(v);

	/* Nothing found within the cap: it cannot be shown not to be ours. */
	v = big(mb, '(', "", 0);
	CHECK(!authres_authserv_id(v, mb, id, sizeof(id)), "1MB of (");
	CHECK(authres_is_ours(v, mb, OURS), "1MB of ( is deleted");
	free(v);

	v = big(mb, ' ', "", 0);
	memcpy(v + cap + 10, OURS ";", strlen(OURS) + 1);
	CHECK(!authres_authserv_id(v, mb, id, sizeof(id)), "id past cap");
	CHECK(authres_is_ours(v, mb, OURS), "id past cap is deleted");
	CHECK(!authres_is_ours(v, cap, OURS), "only blanks within len");
	free(v);

	/* The id ends exactly at the cap: the byte after it decides. */
	v = big(cap + 1, ' ', "", 0);
	memcpy(v + cap - strlen(OURS), OURS, strlen(OURS));
	CHECK(authres_authserv_id(v, cap, id, sizeof(id)), "id ends at len");
	CHECK_STR(id, OURS, "id ends at len");
	v[cap] = ';';
	CHECK(!authres_authserv_id(v, cap + 1, id, sizeof(id)),
	    "id ends at cap, more follows");
	CHECK(authres_is_ours(v, cap + 1, OURS), "id at cap is deleted");
	free(v);

	/* Too long to be ours before the cap is reached. */
	v = big(mb, ' ', L("\"mx.example.net"));
	CHECK(!authres_authserv_id(v, mb, id, sizeof(id)), "1MB quote");
	CHECK(!authres_is_ours(v, mb, OURS), "1MB quote");
	free(v);

	/* Unfolding drops CR LF: the quote may still close on our id. */
	v = big(mb, '\n', L("\"mx.example.net"));
	CHECK(!authres_authserv_id(v, mb, id, sizeof(id)), "1MB quote, LF");
	CHECK(authres_is_ours(v, mb, OURS), "1MB quote, LF is deleted");
	free(v);
}

/* validcase - authres_valid(kind, value) */
struct validcase {
	enum authres_kind	 kind;
	const char		*value;
	bool			 want;
};

static const struct validcase validcases[] = {
	{ AR_DOMAIN, "example.com", true },
	{ AR_DOMAIN, "EXAMPLE.com.", true },
	{ AR_DOMAIN, "_dmarc.example.com", true },
	{ AR_DOMAIN, "sel._domainkey.example.com", true },
	{ AR_DOMAIN, "xn--bcher-kva.example", true },
	{ AR_DOMAIN, "a-b.example", true },
	{ AR_DOMAIN, "localhost", true },
	{ AR_DOMAIN, "", false },
	{ AR_DOMAIN, NULL, false },
	{ AR_DOMAIN, ".", false },
	{ AR_DOMAIN, ".example.com", false },
	{ AR_DOMAIN, "example..com", false },
	{ AR_DOMAIN, "example.com..", false },
	{ AR_DOMAIN, "-a.example", false },
	{ AR_DOMAIN, "a-.example", false },
	{ AR_DOMAIN, "example.com;dkim=pass", false },
	{ AR_DOMAIN, "exa mple.com", false },
	{ AR_DOMAIN, "example.com\r\nX-Injected: 1", false },
	{ AR_DOMAIN, "\"quoted\"", false },
	{ AR_DOMAIN, "a(b)c", false },
	{ AR_DOMAIN, "ex\xc3\xa4mple.com", false },
	{ AR_DOMAIN, "user@example.com", false },
	{ AR_TOKEN, "pass", true },
	{ AR_TOKEN, "rsa-sha256", true },
	{ AR_TOKEN, "a.b_c+d!#$%&'*~", true },
	{ AR_TOKEN, "", false },
	{ AR_TOKEN, NULL, false },
	{ AR_TOKEN, "a b", false },
	{ AR_TOKEN, "a=b", false },
	{ AR_TOKEN, "a/b", false },
	{ AR_TOKEN, "a;b", false },
	{ AR_TOKEN, "a\"b", false },
	{ AR_TOKEN, "a\x7f", false },
	{ AR_TOKEN, "\xc3\xa9", false },
	{ AR_MAILBOX, "user@example.com", true },
	{ AR_MAILBOX, "@example.com", true },
	{ AR_MAILBOX, "first.last+tag@example.com", true },
	{ AR_MAILBOX, "a/b=c?d@example.com", true },
	{ AR_MAILBOX, "example.com", false },
	{ AR_MAILBOX, ".a@example.com", false },
	{ AR_MAILBOX, "a.@example.com", false },
	{ AR_MAILBOX, "a..b@example.com", false },
	{ AR_MAILBOX, "a@b@example.com", false },
	{ AR_MAILBOX, "a b@example.com", false },
	{ AR_MAILBOX, "a;b@example.com", false },
	{ AR_MAILBOX, "\"q\"@example.com", false },
	{ AR_MAILBOX, "a(b)@example.com", false },
	{ AR_MAILBOX, "a@", false },
	{ AR_MAILBOX, "a@-x.example", false },
	{ AR_BASE64, "abc+/=", true },
	{ AR_BASE64, "", false },
	{ AR_BASE64, "ab c", false },
	{ AR_BASE64, "ab\"c", false },
	{ AR_BASE64, "ab;c", false },
	{ (enum authres_kind)99, "x", false },
};

/* rep - HEAD, N copies of C, TAIL in one of 16 static buffers */
static const char *
rep(char c, size_t n, const char *head, const char *tail)
{
	static char	buf[16][1100];
	static size_t	next;
	char		*b = buf[next++ % 16];
	size_t		 h = strlen(head), t = strlen(tail);

	if (h + n + t >= sizeof(buf[0]))
		abort();
	memcpy(b, head, h);
	memset(b + h, c, n);
	memcpy(b + h + n, tail, t + 1);
	return b;
}

/* check_valid - one authres_valid() case */
static void
check_valid(enum authres_kind kind, const char *value, bool want)
{
	CHECK(authres_valid(kind, value) == want,
	    "valid kind %d \"%.40s\": want %d", (int)kind,
	    value != NULL ? value : "(null)", want);
}

/* test_valid - the value kinds, then their length limits */
static void
test_valid(void)
{
	const char	*l63 = rep('a', 63, "", "");
	char		 dom[300];
	size_t		 i;

	for (i = 0; i < sizeof(validcases) / sizeof(validcases[0]); i++)
		check_valid(validcases[i].kind, validcases[i].value,
		    validcases[i].want);

	check_valid(AR_DOMAIN, rep('a', 63, "", ".example"), true);
	check_valid(AR_DOMAIN, rep('a', 64, "", ".example"), false);
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	snprintf(dom, sizeof(dom), "%s.%s.%s.%.61s", l63, l63, l63, l63);
	check_valid(AR_DOMAIN, dom, true);
	snprintf(dom, sizeof(dom), "%s.%s.%s.%.62s", l63, l63, l63, l63);
	check_valid(AR_DOMAIN, dom, false);
	check_valid(AR_TOKEN, rep('t', 253, "", ""), true);
	check_valid(AR_TOKEN, rep('t', 254, "", ""), false);
	check_valid(AR_MAILBOX, rep('l', 64, "", "@example.com"), true);
	check_valid(AR_MAILBOX, rep('l', 65, "", "@example.com"), false);
	check_valid(AR_BASE64, rep('A', 512, "", ""), true);
	check_valid(AR_BASE64, rep('A', 513, "", ""), false);
	check_valid(AR_BASE64, rep('A', 1000, "", ""), false);
}

/* maxline - the longest physical line of S (a tab counts as one) */
static size_t
maxline(const char *s)
{
	size_t	n, max = 0;

	while (*s != '\0') {
		n = strcspn(s, "\n");
		if (n > max)
			max = n;
		s += n;
		if (*s == '\n')
			s++;
	}
	return max;
}

/* count - occurrences of NEEDLE in S */
static size_t
count(const char *s, const char *needle)
{
	size_t	n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* test_build_basic - none form, one method, several methods */
static void
test_build_basic(void)
{
	struct authres	*ar;

	ar = authres_new(OURS);
	CHECK_STR(authres_value(ar), OURS "; none", "none form");
	CHECK_STR(authres_value(ar), OURS "; none", "value twice");
	authres_free(ar);

	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	CHECK(authres_prop(ar, "header.d", AR_DOMAIN, "example.com"),
	    "header.d");
	CHECK_STR(authres_value(ar), OURS ";\n\tdkim=pass header.d=example.com",
	    "one method");
	authres_free(ar);

	ar = authres_new(OURS);
	authres_method(ar, "spf", "pass");
	authres_comment(ar, "dnssec=%s", "secure");
	authres_prop(ar, "smtp.mailfrom", AR_DOMAIN, "sender.example");
	authres_prop(ar, "smtp.helo", AR_DOMAIN, "mail.sender.example");
	CHECK_STR(authres_value(ar), OURS ";\n\tspf=pass (dnssec=secure) "
	    "smtp.mailfrom=sender.example\n\t  smtp.helo=mail.sender.example",
	    "spf with comment, folded");
	authres_free(ar);

	ar = authres_new(OURS);
	authres_method(ar, "spf", "pass");
	authres_prop(ar, "smtp.mailfrom", AR_MAILBOX, "user@a.example");
	authres_method(ar, "dkim", "fail");
	authres_prop(ar, "header.d", AR_DOMAIN, "b.example");
	authres_prop(ar, "header.s", AR_TOKEN, "sel");
	authres_prop(ar, "header.b", AR_BASE64, "ab/+=");
	authres_method(ar, "dmarc", "none");
	authres_prop(ar, "header.from", AR_DOMAIN, "c.example");
	CHECK_STR(authres_value(ar), OURS ";"
	    "\n\tspf=pass smtp.mailfrom=user@a.example;"
	    "\n\tdkim=fail header.d=b.example header.s=sel header.b=\"ab/+=\";"
	    "\n\tdmarc=none header.from=c.example", "several methods");
	authres_free(ar);
}

/* test_build_comments - hostile comment text and joining */
static void
test_build_comments(void)
{
	struct authres	*ar;
	const char	*v;
	char		 want[300];

	ar = authres_new(OURS);
	authres_comment(ar, "before any method");
	authres_method(ar, "dkim", "pass");
	authres_comment(ar, "%s", "a(b)c\\d\r\nX-Injected: 1\xff\x01\x7f ok");
	authres_comment(ar, "%s", "()\\\r\n\xc3\xa9");	/* nothing left */
	authres_comment(ar, "second %d", 2);
	v = authres_value(ar);
	CHECK_STR(v, OURS ";\n\tdkim=pass (abcdX-Injected: 1 ok; second 2)",
	    "hostile comments");
	authres_free(ar);

	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	authres_comment(ar, "%s", rep('c', 300, "", ""));
	snprintf(want, sizeof(want), "%s;\n\tdkim=pass\n\t  (%s)", OURS,
	    rep('c', 200, "", ""));
	CHECK_STR(authres_value(ar), want, "comment capped at 200");
	authres_free(ar);

	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	authres_comment(ar, "%s", "\r\n");
	CHECK_STR(authres_value(ar), OURS ";\n\tdkim=pass", "empty comment");
	authres_free(ar);
}

/* test_build_hostile - hostile property values are all left out */
static void
test_build_hostile(void)
{
	static const char *bad[] = {
		"example.com;dkim=pass", "exa mple.com",
		"example.com\r\nX-Injected: 1", "\"quoted\"", "a(b)c", "",
		"example.com)", "(example.com", "example.com\\",
		"\xc3\xa9.example", NULL,
	};
	static const enum authres_kind kinds[] = {
		AR_DOMAIN, AR_TOKEN, AR_MAILBOX, AR_BASE64
	};
	struct authres	*ar;
	size_t		 i, k;

	ar = authres_new(OURS);
	CHECK(!authres_prop(ar, "header.d", AR_DOMAIN, "example.com"),
	    "property before any method");
	authres_method(ar, "dkim", "pass");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			CHECK(!authres_prop(ar, "header.d", kinds[k], bad[i]),
			    "kind %d \"%s\" left out", (int)kinds[k],
			    bad[i] ? bad[i] : "(null)");
		}
	}
	CHECK(!authres_prop(ar, "header.d", AR_DOMAIN, rep('a', 64, "",
	    ".example")), "64-char label left out");
	CHECK(!authres_prop(ar, NULL, AR_DOMAIN, "example.com"), "NULL name");
	CHECK_STR(authres_value(ar), OURS ";\n\tdkim=pass", "nothing written");
	CHECK(authres_prop(ar, "header.d", AR_DOMAIN, "xn--bcher-kva.example"),
	    "A-label kept");
	CHECK_STR(authres_value(ar),
	    OURS ";\n\tdkim=pass header.d=xn--bcher-kva.example", "A-label");
	authres_free(ar);

	authres_free(NULL);
	CHECK(authres_new(NULL) == NULL, "authres_new(NULL)");
	CHECK(authres_value(NULL) == NULL, "authres_value(NULL)");
	authres_method(NULL, "spf", "pass");
	authres_comment(NULL, "x");
	CHECK(!authres_prop(NULL, "a", AR_TOKEN, "b"), "authres_prop(NULL)");
}

/* test_build_fold - long resinfos fold before an item */
static void
test_build_fold(void)
{
	struct authres	*ar;
	const char	*v, *d253;
	char		 dom[32], want[400];
	int		 i, j;

	ar = authres_new(OURS);
	for (j = 0; j < 3; j++) {
		authres_method(ar, j == 1 ? "dkim" : "spf", "pass");
		authres_comment(ar, "resinfo %d", j);
		for (i = 0; i < 12; i++) {
			snprintf(dom, sizeof(dom), "host%d.example.com", i);
			authres_prop(ar, i % 2 ? "header.d" : "smtp.helo",
			    AR_DOMAIN, dom);
		}
	}
	v = authres_value(ar);
	CHECK(v != NULL && maxline(v) <= 78, "lines <= 78: got=%zu",
	    v ? maxline(v) : 0);
	CHECK_INT(v ? count(v, ";\n\t") : 0, 3, "resinfo lines");
	CHECK(v != NULL && count(v, "\n\t  ") >= 6, "folds");
	CHECK(v != NULL && strchr(v, '\r') == NULL, "LF only");
	CHECK(v != NULL && v[strlen(v) - 1] != ';', "no trailing ';'");
	authres_free(ar);

	/* A single long item still goes on its own line. */
	d253 = rep('d', 63, "", "");
	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	snprintf(want, sizeof(want), "%s.%s", d253, d253);
	CHECK(authres_prop(ar, "header.d", AR_DOMAIN, want), "long domain");
	snprintf(want, sizeof(want), "%s;\n\tdkim=pass\n\t  header.d=%s.%s",
	    OURS, d253, d253);
	CHECK_STR(authres_value(ar), want, "long item on its own line");
	authres_free(ar);
}

/* test_build_cap - AM_MAX_AR_VALUE drops whole items */
static void
test_build_cap(void)
{
	struct authres	*ar;
	const char	*v, *label = rep('z', 63, "", "");
	char		 dom[260], before[AM_MAX_AR_VALUE + 1], *big;
	size_t		 n = 0;

	snprintf(dom, sizeof(dom), "%s.%s.%s.%.61s", label, label, label,
	    label);
	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	authres_comment(ar, "first");
	while (authres_prop(ar, "header.d", AR_DOMAIN, dom))
		n++;
	v = authres_value(ar);
	CHECK(n > 10 && v != NULL, "filled: n=%zu", n);
	CHECK(v != NULL && strlen(v) <= AM_MAX_AR_VALUE, "value <= cap: %zu",
	    v ? strlen(v) : 0);
	CHECK_INT(v ? count(v, dom) : 0, n, "only whole domains");
	CHECK(v != NULL && strcmp(v + strlen(v) - strlen(dom), dom) == 0,
	    "ends with a whole domain");
	while (authres_prop(ar, "x", AR_TOKEN, "y"))
		;
	authres_method(ar, "spf", "pass");
	authres_prop(ar, "x", AR_TOKEN, "y");
	v = authres_value(ar);
	CHECK(v != NULL && strlen(v) <= AM_MAX_AR_VALUE, "value <= cap: %zu",
	    v ? strlen(v) : 0);
	authres_free(ar);

	/* A method left out takes its comments and properties with it. */
	if ((big = malloc(AM_MAX_AR_VALUE + 2)) == NULL)
		exit(2);
	memset(big, 'm', AM_MAX_AR_VALUE + 1);
	big[AM_MAX_AR_VALUE + 1] = '\0';
	ar = authres_new(OURS);
	authres_method(ar, "dkim", "pass");
	authres_comment(ar, "first");
	snprintf(before, sizeof(before), "%s", authres_value(ar));
	authres_method(ar, big, "pass");
	authres_comment(ar, "late");
	CHECK(!authres_prop(ar, "x", AR_TOKEN, "y"), "prop of dropped method");
	CHECK_STR(authres_value(ar), before, "dropped method");
	authres_method(ar, "spf", "pass");
	CHECK(authres_prop(ar, "x", AR_TOKEN, "y"), "next method is back");
	CHECK_STR(authres_value(ar), OURS ";\n\tdkim=pass (first);"
	    "\n\tspf=pass x=y", "after a dropped method");
	authres_free(ar);
	free(big);
}

/* test_build_many - many resinfos stay under the cap and well formed */
static void
test_build_many(void)
{
	struct authres	*ar;
	const char	*v;
	int		 i;

	ar = authres_new(OURS);
	for (i = 0; i < 5000; i++) {
		authres_method(ar, "dkim", "pass");
		authres_comment(ar, "n=%d", i);
		authres_prop(ar, "header.d", AR_DOMAIN, "example.com");
	}
	v = authres_value(ar);
	CHECK(v != NULL && strlen(v) <= AM_MAX_AR_VALUE, "5000: %zu <= cap",
	    v ? strlen(v) : 0);
	/* Only the last resinfo may have lost its property to the cap. */
	CHECK(v != NULL && count(v, "\n\tdkim=pass (n=") -
	    count(v, " header.d=example.com") <= 1, "every resinfo whole");
	/* Every resinfo line follows a ';' (after the id or the one before). */
	CHECK(v != NULL && count(v, ";\n\t") == count(v, "\n\t") -
	    count(v, "\n\t  "), "resinfos separated by ';'");
	CHECK(v != NULL && v[strlen(v) - 1] != ';', "no trailing ';'");
	CHECK(v != NULL && maxline(v) <= 78, "5000: lines <= 78");
	authres_free(ar);
}

int
main(void)
{
	test_idcases();
	test_id_edges();
	test_id_large();
	test_valid();
	test_build_basic();
	test_build_comments();
	test_build_hostile();
	test_build_fold();
	test_build_cap();
	test_build_many();
	return check_done("test_authres");
}
