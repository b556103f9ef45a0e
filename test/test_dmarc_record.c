/*
 * test_dmarc_record.c - unit tests for dmarc_record.c
 *
 * Records: one table row per shape, the parse rendered as one summary
 * string ("p=reject sp=- ...") so a row states everything at once.  Every
 * input is copied into a heap buffer of exactly its length (no NUL), so
 * AddressSanitizer catches a read past it.  The rows marked "B.x" are the
 * records of RFC 9989 Appendix B, their character-strings concatenated as
 * 4.5 says.  Then selection, then discovery and alignment over a fake DNS
 * (a table of names and TXT sets; every name not listed is NXDOMAIN), with
 * the exact sequence of names asked: the Appendix B.4 examples, the
 * eight-query cap, psd=y and psd=n, np, tempfail, the 4.10.1 rules.  Then
 * the RFC 7489 mode over a small PSL written to a temporary file, cases
 * where the PSL and the tree walk disagree, a cross-check of the RFC 7489
 * subset against libopendmarc's parser, and random input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <opendmarc/dmarc.h>

#include "dmarc_record.h"
#include "psl.h"
#include "check.h"

/* dup_exact - (S, N) in a heap buffer of exactly N bytes */
static char *
dup_exact(const char *s, size_t n)
{
	char	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		abort();
	memcpy(p, s, n);
	return p;
}

/* pol - the summary form of a policy tag */
static const char *
pol(enum dmarc_policy p)
{
	if (p == DMARC_P_ABSENT)
		return "-";
	if (p == DMARC_P_INVALID)
		return "!";
	return dmarc_policy_name(p);
}

/* uris - "[a,b]" */
static void
uris(char *b, size_t len, char l[][DMARC_URI_SIZE], size_t n)
{
	size_t	i;

	(void)snprintf(b, len, "[");
	for (i = 0; i < n; i++)
		(void)snprintf(b + strlen(b), len - strlen(b), "%s%s",
		    i > 0 ? "," : "", l[i]);
	(void)snprintf(b + strlen(b), len - strlen(b), "]");
}

/* summary - one line stating every field of R */
static void
summary(const struct dmarc_record *r, char *b, size_t len)
{
	char	rua[2600], ruf[2600], fo[16] = "", pct[12] = "-";

	uris(rua, sizeof(rua), (char (*)[DMARC_URI_SIZE])r->rua, r->nrua);
	uris(ruf, sizeof(ruf), (char (*)[DMARC_URI_SIZE])r->ruf, r->nruf);
	if (r->fo & DMARC_FO_0)
		strcat(fo, ":0");
	if (r->fo & DMARC_FO_1)
		strcat(fo, ":1");
	if (r->fo & DMARC_FO_D)
		strcat(fo, ":d");
	if (r->fo & DMARC_FO_S)
		strcat(fo, ":s");
	if (r->pct >= 0)
		(void)snprintf(pct, sizeof(pct), "%d", r->pct);
	(void)snprintf(b, len, "p=%s sp=%s np=%s psd=%c t=%c adkim=%c "
	    "aspf=%c fo=%s pct=%s rua=%s ruf=%s skip=%zu/%zu", pol(r->p),
	    pol(r->sp), pol(r->np), "uyn"[r->psd], r->t ? 'y' : 'n',
	    r->adkim_strict ? 's' : 'r', r->aspf_strict ? 's' : 'r', fo + 1,
	    pct, rua, ruf, r->rua_skipped, r->ruf_skipped);
}

/* The summary of a record holding only defaults, with P given. */
#define DEF(p)	"p=" p " sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- " \
		"rua=[] ruf=[] skip=0/0"

/* rcase - one record and what it must parse to */
struct rcase {
	const char	*in;
	size_t		 len;
	bool		 ok;
	const char	*want;		/* summary when ok */
	const char	*what;
};

#define OK	true
#define BAD	false
#define R(s, ok, want, w)	{ (s), sizeof(s) - 1, (ok), (want), (w) }

static const struct rcase rcases[] = {
	/* v= first, exactly DMARC1 (4.7 "v", 4.8) */
	R("v=DMARC1; p=none", OK, DEF("none"), "minimal"),
	R("v=DMARC1", OK, DEF("-"), "version alone: p absent"),
	R("v=DMARC1;", OK, DEF("-"), "trailing dmarc-sep"),
	R("v = DMARC1 ;  p = quarantine ; ", OK, DEF("quarantine"),
	    "WSP around = and ;"),
	R("v=DMARC1;\tp=reject\t;\t", OK, DEF("reject"), "HTAB is WSP"),
	R(" v=DMARC1; p=none", OK, DEF("none"), "leading WSP tolerated"),
	R("V=DMARC1; P=REJECT", OK, DEF("reject"),
	    "tag names and values ignore case"),
	R("v=dmarc1; p=reject", BAD, NULL, "DMARC1 is case-sensitive"),
	R("v=DMARC10; p=reject", BAD, NULL, "DMARC10"),
	R("v=DMARC1 p=reject", BAD, NULL, "no separator after DMARC1"),
	R("v=DMARC1p=reject", BAD, NULL, "glued"),
	R("p=reject; v=DMARC1", BAD, NULL, "v not first"),
	R("v=DMARC2; p=reject", BAD, NULL, "other version"),
	R("", BAD, NULL, "empty"),
	R("v=", BAD, NULL, "empty version"),
	R("v=DMARC1\0; p=reject", BAD, NULL, "NUL in the version"),
	R("; v=DMARC1; p=reject", BAD, NULL, "empty first tag"),
	R("v=spf1 -all", BAD, NULL, "SPF"),
	/* every tag */
	R("v=DMARC1;p=reject;sp=quarantine;np=reject;psd=n;t=y;adkim=s;"
	    "aspf=s;fo=1:d:s;rua=mailto:a@example.com;"
	    "ruf=mailto:f@example.com", OK,
	    "p=reject sp=quarantine np=reject psd=n t=y adkim=s aspf=s "
	    "fo=1:d:s pct=- rua=[mailto:a@example.com] "
	    "ruf=[mailto:f@example.com] skip=0/0", "every tag"),
	R("v=DMARC1; p=none; psd=y", OK,
	    "p=none sp=- np=- psd=y t=n adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[] skip=0/0", "psd=y"),
	R("v=DMARC1; p=none; psd=U; t=Y", OK,
	    "p=none sp=- np=- psd=u t=y adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[] skip=0/0", "psd=U, t=Y"),
	R("v=DMARC1; p=none; psd=x; t=x; adkim=x; aspf=strict", OK,
	    DEF("none"), "bad psd, t, adkim, aspf: defaults (4.8)"),
	/* p, sp, np values (4.10.1 needs to know "invalid") */
	R("v=DMARC1; p=bogus", OK, "p=! sp=- np=- psd=u t=n adkim=r aspf=r "
	    "fo=0 pct=- rua=[] ruf=[] skip=0/0", "p=bogus"),
	R("v=DMARC1; p=", OK, "p=! sp=- np=- psd=u t=n adkim=r aspf=r fo=0 "
	    "pct=- rua=[] ruf=[] skip=0/0", "p= empty"),
	R("v=DMARC1; p=r", OK, "p=! sp=- np=- psd=u t=n adkim=r aspf=r fo=0 "
	    "pct=- rua=[] ruf=[] skip=0/0", "no prefix matching (ODM does)"),
	R("v=DMARC1; p=re\0ject", OK, "p=! sp=- np=- psd=u t=n adkim=r "
	    "aspf=r fo=0 pct=- rua=[] ruf=[] skip=0/0", "NUL in p"),
	R("v=DMARC1; p=reject\r\n", OK, "p=! sp=- np=- psd=u t=n adkim=r "
	    "aspf=r fo=0 pct=- rua=[] ruf=[] skip=0/0", "CR LF is no WSP"),
	R("v=DMARC1; p=r\xc3\xa9ject", OK, "p=! sp=- np=- psd=u t=n "
	    "adkim=r aspf=r fo=0 pct=- rua=[] ruf=[] skip=0/0", "8-bit"),
	R("v=DMARC1; p=none; sp=maybe; np=", OK, "p=none sp=! np=! psd=u "
	    "t=n adkim=r aspf=r fo=0 pct=- rua=[] ruf=[] skip=0/0",
	    "bad sp, empty np"),
	/* duplicates: RFC 6376 3.2, imported by 4.7 */
	R("v=DMARC1; p=reject; p=none", BAD, NULL, "duplicate p"),
	R("v=DMARC1; p=reject; P=none", BAD, NULL, "duplicate, other case"),
	R("v=DMARC1; v=DMARC1; p=none", BAD, NULL, "duplicate v"),
	R("v=DMARC1; p=none; foo=1; foo=2", BAD, NULL, "duplicate unknown"),
	R("v=DMARC1; p=none; pct=1; pct=2", BAD, NULL, "duplicate pct"),
	/* unknown, removed and malformed tags are ignored (4.7, 4.8) */
	R("v=DMARC1; p=none; bimi=x; x_1=2", OK, DEF("none"), "unknown"),
	R("v=DMARC1; p=none; rf=afrf; ri=3600", OK, DEF("none"),
	    "rf, ri removed (C.5.2)"),
	R("v=DMARC1; p=none; pct=50", OK, "p=none sp=- np=- psd=u t=n "
	    "adkim=r aspf=r fo=0 pct=50 rua=[] ruf=[] skip=0/0",
	    "pct kept for RFC 7489 only"),
	R("v=DMARC1; p=none; pct=101", OK, DEF("none"), "pct over 100"),
	R("v=DMARC1; p=none; pct=1000", OK, DEF("none"), "pct 4 digits"),
	R("v=DMARC1; p=none; garbage; x-y=1; =3; 9=1", OK, DEF("none"),
	    "malformed tag-specs ignored"),
	R("v=DMARC1; p=none; =1; =2; 9=1; 9=2; _=1; _=2", OK, DEF("none"),
	    "malformed tag-specs are not duplicates"),
	R("v=DMARC1; p reject", OK, DEF("-"), "no \"=\": ignored, p absent"),
	R("v=DMARC1; sp; p=none", OK, DEF("none"), "a bare name"),
	R("v=DMARC1; p=none;; ;sp=reject", OK, "p=none sp=reject np=- "
	    "psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] ruf=[] skip=0/0",
	    "empty tag-specs"),
	/* fo: ignored without ruf (4.7 "fo"), grammar of 4.8 dmarc-fo */
	R("v=DMARC1; p=none; fo=1", OK, DEF("none"), "fo without ruf"),
	R("v=DMARC1; p=none; ruf=mailto:f@x.example; fo=s:D:0", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0:d:s pct=- rua=[] "
	    "ruf=[mailto:f@x.example] skip=0/0", "fo=s:D:0"),
	R("v=DMARC1; p=none; ruf=mailto:f@x.example; fo=0:1", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[mailto:f@x.example] skip=0/0", "fo 0 and 1: default"),
	R("v=DMARC1; p=none; ruf=mailto:f@x.example; fo=d:d", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[mailto:f@x.example] skip=0/0", "fo d twice: default"),
	R("v=DMARC1; p=none; ruf=mailto:f@x.example; fo=d:", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[mailto:f@x.example] skip=0/0", "fo empty item: default"),
	/* rua, ruf (4.6, 4.8 dmarc-urilist) */
	R("v=DMARC1; p=none; rua=mailto:a@example.com , "
	    "mailto:b@example.net,https://r.example/d", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- "
	    "rua=[mailto:a@example.com,mailto:b@example.net,"
	    "https://r.example/d] ruf=[] skip=0/0", "three URIs, WSP"),
	R("v=DMARC1; p=none; rua=mailto:a@example.com!10m,MAILTO:b%2Cc@"
	    "example.com!5", OK, "p=none sp=- np=- psd=u t=n adkim=r aspf=r "
	    "fo=0 pct=- rua=[mailto:a@example.com,MAILTO:b%2Cc@example.com] "
	    "ruf=[] skip=0/0", "obsolete size dropped, %2C"),
	R("v=DMARC1; p=none; rua=mailto:a@x.example!x,mailto:noat,"
	    "mailto:a@,not a uri,mailto:a@ex%ZZ,,:x,mailto:a@b!1k!2", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] "
	    "ruf=[] skip=8/0", "invalid URIs are skipped"),
	R("v=DMARC1; p=none; rua=mailto:1@x.example,mailto:2@x.example,"
	    "mailto:3@x.example,mailto:4@x.example,mailto:5@x.example,"
	    "mailto:6@x.example,mailto:7@x.example,mailto:8@x.example,"
	    "mailto:9@x.example", OK, "p=none sp=- np=- psd=u t=n adkim=r "
	    "aspf=r fo=0 pct=- rua=[mailto:1@x.example,mailto:2@x.example,"
	    "mailto:3@x.example,mailto:4@x.example,mailto:5@x.example,"
	    "mailto:6@x.example,mailto:7@x.example,mailto:8@x.example] "
	    "ruf=[] skip=1/0", "nine URIs, eight kept"),
	R("v=DMARC1; p=none; rua=mailto:a@b.example\0", OK, "p=none sp=- "
	    "np=- psd=u t=n adkim=r aspf=r fo=0 pct=- rua=[] ruf=[] "
	    "skip=1/0", "NUL in rua"),
	/* Appendix B records */
	R("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- "
	    "rua=[mailto:dmarc-feedback@example.com] ruf=[] skip=0/0",
	    "B.2.1"),
	R("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; "
	    "ruf=mailto:auth-reports@thirdparty.example.net", OK,
	    "p=none sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- "
	    "rua=[mailto:dmarc-feedback@example.com] "
	    "ruf=[mailto:auth-reports@thirdparty.example.net] skip=0/0",
	    "B.2.3"),
	R("v=DMARC1;", OK, DEF("-"), "B.2.3 report authorization record"),
	R("v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
	    "mailto:tld-test@thirdparty.example.net; t=y", OK,
	    "p=quarantine sp=- np=- psd=u t=y adkim=r aspf=r fo=0 pct=- "
	    "rua=[mailto:dmarc-feedback@example.com,"
	    "mailto:tld-test@thirdparty.example.net] ruf=[] skip=0/0",
	    "B.2.5 testing"),
	R("v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com",
	    OK, "p=reject sp=- np=- psd=u t=n adkim=r aspf=r fo=0 pct=- "
	    "rua=[mailto:dmarc-feedback@example.com] ruf=[] skip=0/0",
	    "B.3.1"),
};

/* test_records - the table above */
static void
test_records(void)
{
	struct dmarc_record	r;
	char			why[96], got[8192];
	size_t			i;
	bool			ok;
	char			*p;

	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		p = dup_exact(rcases[i].in, rcases[i].len);
		ok = dmarc_record_parse(p, rcases[i].len, &r, why, sizeof(why));
		CHECK(ok == rcases[i].ok, "%s: got=%d want=%d (%s)",
		    rcases[i].what, ok, rcases[i].ok, why);
		CHECK(ok == (why[0] == '\0'), "%s: why=\"%s\"",
		    rcases[i].what, why);
		if (ok && rcases[i].want != NULL) {
			summary(&r, got, sizeof(got));
			CHECK_STR(got, rcases[i].want, rcases[i].what);
		}
		if (!ok) {
			summary(&r, got, sizeof(got));
			CHECK_STR(got, DEF("-"), "a failed parse leaves "
			    "defaults");
		}
		free(p);
	}
}

/* test_caps - 4 KB and 64 tags, at and past the edge */
static void
test_caps(void)
{
	struct dmarc_record	r;
	char			buf[DMARC_TXT_MAX + 2], why[96];
	size_t			n, i;

	n = (size_t)snprintf(buf, sizeof(buf), "v=DMARC1; p=reject; x=");
	while (n < DMARC_TXT_MAX)
		buf[n++] = 'a';
	CHECK(dmarc_record_parse(buf, n, &r, why, sizeof(why)) &&
	    r.p == DMARC_P_REJECT, "4096 octets: %s", why);
	buf[n++] = 'a';
	CHECK(!dmarc_record_parse(buf, n, &r, why, sizeof(why)),
	    "4097 octets parsed");
	CHECK(strstr(why, "4096") != NULL, "why=\"%s\"", why);
	n = (size_t)snprintf(buf, sizeof(buf), "v=DMARC1");
	for (i = 1; i < DMARC_TAGS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ";t%zu=1", i);
	CHECK(dmarc_record_parse(buf, n, &r, why, sizeof(why)),
	    "64 tags: %s", why);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, ";p=none");
	CHECK(!dmarc_record_parse(buf, n, &r, why, sizeof(why)),
	    "65 tags parsed");
	CHECK(!dmarc_record_parse(NULL, 5, &r, NULL, 0), "NULL parsed");
	CHECK(dmarc_record_parse("v=DMARC1; p=none", 16, &r, why, 1) &&
	    why[0] == '\0', "WHYLEN 1");
}

/* scase - a set of TXT records at one name and the index selected */
struct scase {
	const char	*txt[4];
	int		 want;
	const char	*what;
};

static const struct scase scases[] = {
	{ { NULL }, DMARC_SELECT_NONE, "no TXT" },
	{ { "v=spf1 -all", NULL }, DMARC_SELECT_NONE, "SPF only" },
	{ { "v=DMARC1; p=none", NULL }, 0, "one" },
	{ { "v=spf1 -all", "google-site-verification=x", "v=DMARC1; p=none",
	    NULL }, 2, "one among others" },
	{ { "v=DMARC1; p=none", "v=DMARC1; p=reject", NULL },
	    DMARC_SELECT_MULTIPLE, "two" },
	{ { "v=DMARC1", "V=DMARC1; p=none", NULL }, DMARC_SELECT_MULTIPLE,
	    "two, one without p" },
	{ { "v=DMARC1; p=none", "v=DMARC10; p=reject", NULL }, 0,
	    "DMARC10 is not DMARC1" },
	{ { "v=dmarc1; p=reject", "v=DMARC1; p=none", NULL }, 1,
	    "dmarc1 is not DMARC1" },
	{ { "some text", "v=DMARC1 p=none", NULL }, DMARC_SELECT_NONE,
	    "no separator" },
};

/* test_select - 4.10 steps 2 and 6 */
static void
test_select(void)
{
	struct dmarc_record	r;
	char			*t[4];
	size_t			l[4], i, n;
	int			got;
	enum dmarc_lookup_status st;

	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		for (n = 0; n < 4 && scases[i].txt[n] != NULL; n++) {
			l[n] = strlen(scases[i].txt[n]);
			t[n] = dup_exact(scases[i].txt[n], l[n]);
		}
		got = dmarc_select((const char *const *)t, l, n);
		CHECK_INT(got, scases[i].want, scases[i].what);
		st = dmarc_record_from_txt((const char *const *)t, l, n, &r,
		    NULL, 0);
		CHECK_INT(st, got >= 0 ? DMARC_LK_FOUND :
		    got == DMARC_SELECT_MULTIPLE ? DMARC_LK_MULTIPLE :
		    DMARC_LK_NONE, scases[i].what);
		while (n > 0)
			free(t[--n]);
	}
	t[0] = dup_exact("v=DMARC1; p=none; p=reject", 26);
	l[0] = 26;
	CHECK_INT(dmarc_record_from_txt((const char *const *)t, l, 1, &r,
	    NULL, 0), DMARC_LK_NONE, "an invalid record is no record");
	free(t[0]);
}

/* ------------------------------------------------------------ fake DNS */

/* The special TXT sets of a zone entry. */
#define TEMPFAIL	"!TEMPFAIL"	/* SERVFAIL / timeout */
#define NODATA		"!NODATA"	/* the name exists, no TXT */
#define EXISTS		"!A"		/* a host: exists, no TXT */

/* zent - one name of the fake DNS and its TXT records */
struct zent {
	const char	*name;
	const char	*txt[3];
};

/* zone - the fake DNS, and what was asked of it */
struct zone {
	const struct zent	*e;		/* ends with { NULL } */
	char			 log[2048];	/* names asked, ","-joined */
	int			 n;
	int			 nexists;
	int			 bad;		/* return this status if != 0 */
};

/* z_find - the entry for NAME, or NULL */
static const struct zent *
z_find(const struct zone *z, const char *name)
{
	const struct zent	*e;

	for (e = z->e; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* z_exists - is NAME or a name below it in the zone (RFC 8020)? */
static bool
z_exists(const struct zone *z, const char *name)
{
	const struct zent	*e;
	size_t			 n = strlen(name), m;

	for (e = z->e; e->name != NULL; e++) {
		m = strlen(e->name);
		if (m == n ? strcmp(e->name, name) == 0 : m > n &&
		    e->name[m - n - 1] == '.' && strcmp(e->name + m - n,
		    name) == 0)
			return true;
	}
	return false;
}

/* z_lookup - the dmarc_lookup_fn of the fake DNS */
static enum dmarc_lookup_status
z_lookup(void *arg, const char *name, struct dmarc_record *rec, bool *nx)
{
	struct zone		*z = arg;
	const struct zent	*e = z_find(z, name);
	char			*t[3];
	size_t			 l[3], n;
	enum dmarc_lookup_status st;

	(void)snprintf(z->log + strlen(z->log), sizeof(z->log) -
	    strlen(z->log), "%s%s", z->n++ > 0 ? "," : "", name);
	if (z->bad != 0)
		return (enum dmarc_lookup_status)z->bad;
	if (e == NULL) {
		*nx = !z_exists(z, name);
		return DMARC_LK_NONE;
	}
	if (strcmp(e->txt[0], TEMPFAIL) == 0)
		return DMARC_LK_TEMPFAIL;
	if (e->txt[0][0] == '!')
		return DMARC_LK_NONE;
	for (n = 0; n < 3 && e->txt[n] != NULL; n++) {
		l[n] = strlen(e->txt[n]);
		t[n] = dup_exact(e->txt[n], l[n]);
	}
	st = dmarc_record_from_txt((const char *const *)t, l, n, rec, NULL, 0);
	while (n > 0)
		free(t[--n]);
	return st;
}

/* z_exists_fn - the dmarc_exists_fn of the fake DNS */
static enum dmarc_lookup_status
z_exists_fn(void *arg, const char *domain, bool *exists)
{
	struct zone		*z = arg;
	const struct zent	*e = z_find(z, domain);

	z->nexists++;
	if (e != NULL && strcmp(e->txt[0], TEMPFAIL) == 0)
		return DMARC_LK_TEMPFAIL;
	*exists = z_exists(z, domain);
	return DMARC_LK_FOUND;
}

/* z_init - a fresh fake DNS over E */
static void
z_init(struct zone *z, const struct zent *e)
{
	memset(z, 0, sizeof(*z));
	z->e = e;
}

/* ------------------------------------------------------------ zones */

/* RFC 9989 B.4.1 and B.4.2: records at example.com and signing.example.com */
static const struct zent z_b41[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=reject" } },
	{ "_dmarc.signing.example.com", { "v=DMARC1; p=reject" } },
	{ NULL, { NULL } }
};

/* RFC 9989 B.4.3: a PSD record at bank.example */
static const struct zent z_b43[] = {
	{ "_dmarc.bank.example", { "v=DMARC1; p=reject; psd=y" } },
	{ "_dmarc.giant.bank.example", { "v=DMARC1; p=quarantine" } },
	{ NULL, { NULL } }
};

/* a PSO's record at the TLD-like "example" (5.2: psd=y) */
static const struct zent z_psd[] = {
	{ "_dmarc.example", { "v=DMARC1; p=reject; sp=quarantine; np=reject; "
	    "psd=y; rua=mailto:psd@registry.example" } },
	{ "shop.brand.example", { EXISTS } },
	{ "_dmarc.own.example", { "v=DMARC1; p=none" } },
	{ "mail.own.example", { EXISTS } },
	{ NULL, { NULL } }
};

/* psd=n at an intermediate node (5.1.8) */
static const struct zent z_psdn[] = {
	{ "_dmarc.b.example.com", { "v=DMARC1; p=reject; psd=n" } },
	{ "_dmarc.example.com", { "v=DMARC1; p=none" } },
	{ NULL, { NULL } }
};

/* records between the author and its Organizational Domain */
static const struct zent z_mid[] = {
	{ "_dmarc.b.example.com", { "v=DMARC1; p=none" } },
	{ "_dmarc.example.com", { "v=DMARC1; p=reject" } },
	{ "_dmarc.x.giant.bank.example", { "v=DMARC1; p=none" } },
	{ "_dmarc.bank.example", { "v=DMARC1; p=reject; psd=y" } },
	{ NULL, { NULL } }
};

/* 5.1.8: a psd=n zone cut deeper than the walk's cut */
static const struct zent z_518[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=none" } },
	{ "_dmarc.b.c.d.e.f.g.example.com", { "v=DMARC1; p=reject; psd=n" } },
	{ NULL, { NULL } }
};

static const struct zent z_empty[] = { { NULL, { NULL } } };

static const struct zent z_temp[] = {
	{ "_dmarc.example.com", { TEMPFAIL } },
	{ "_dmarc.t.example.org", { TEMPFAIL } },
	{ NULL, { NULL } }
};

/* np (4.7, 4.10.1) and the existence test (3.2.13, A.4) */
static const struct zent z_np[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=quarantine; sp=none; "
	    "np=reject" } },
	{ "www.example.com", { EXISTS } },
	{ "_dmarc.nodata.example.com", { NODATA } },
	{ "tempfail.example.com", { TEMPFAIL } },
	{ "_dmarc.example.net", { "v=DMARC1; p=quarantine; sp=none" } },
	{ "_dmarc.example.org", { "v=DMARC1; p=reject; np=quarantine" } },
	{ "_dmarc.example.edu", { "v=DMARC1; p=reject; sp=quarantine; "
	    "np=quarantine" } },
	{ NULL, { NULL } }
};

/* 4.10.1: no valid p, or a bad sp/np */
static const struct zent z_inv[] = {
	{ "_dmarc.a.example", { "v=DMARC1; p=bogus; rua=mailto:r@a.example" } },
	{ "_dmarc.b.example", { "v=DMARC1; p=bogus" } },
	{ "_dmarc.c.example", { "v=DMARC1; rua=mailto:r@c.example" } },
	{ "_dmarc.d.example", { "v=DMARC1" } },
	{ "_dmarc.e.example", { "v=DMARC1; p=reject; sp=bogus; "
	    "rua=mailto:r@e.example" } },
	{ "_dmarc.f.example", { "v=DMARC1; p=reject; np=bogus" } },
	{ "_dmarc.g.example", { "v=DMARC1; p=reject; rua=not a uri" } },
	{ NULL, { NULL } }
};

/* t=y (4.7 "t") */
static const struct zent z_t[] = {
	{ "_dmarc.r.example", { "v=DMARC1; p=reject; t=y" } },
	{ "_dmarc.q.example", { "v=DMARC1; p=quarantine; t=y" } },
	{ "_dmarc.n.example", { "v=DMARC1; p=none; t=y" } },
	{ "_dmarc.s.example", { "v=DMARC1; p=none; sp=reject; t=y" } },
	{ NULL, { NULL } }
};

/* several records, or an invalid one, at the author (4.10 step 2) */
static const struct zent z_multi[] = {
	{ "_dmarc.mail.example.com", { "v=DMARC1; p=reject",
	    "v=DMARC1; p=quarantine" } },
	{ "_dmarc.dup.example.com", { "v=DMARC1; p=reject; p=none" } },
	{ "_dmarc.example.com", { "v=DMARC1; p=none; sp=quarantine" } },
	{ NULL, { NULL } }
};

/* dcase - one discovery and everything it must give */
struct dcase {
	const char		*what;
	const struct zent	*zone;
	const char		*author;
	bool			 exists;	/* pass z_exists_fn */
	enum dmarc_disc_status	 st;
	const char		*pdom;		/* policy domain */
	const char		*policy, *applied;
	enum dmarc_policy_src	 src;
	bool			 psd;		/* the PSD's record */
	const char		*org;		/* NULL: not known yet */
	int			 nexists;	/* existence queries */
	const char		*log;		/* the names asked */
};

#define F	DMARC_DISC_FOUND
#define N	DMARC_DISC_NONE
#define I	DMARC_DISC_INVALID
#define T	DMARC_DISC_TEMPFAIL
#define SP	DMARC_SRC_SP
#define NP	DMARC_SRC_NP
#define P	DMARC_SRC_P
#define D(w, z, a, ex, st, pd, po, ap, src, psd, org, ne, log) \
	{ w, z, a, ex, st, pd, po, ap, src, psd, org, ne, log }

static const struct dcase dcases[] = {
	D("no record anywhere", z_empty, "mail.example.com", true, N, "", "",
	    "", P, false, "mail.example.com", 0, "_dmarc.mail.example.com,"
	    "_dmarc.example.com,_dmarc.com"),
	D("case, trailing dot", z_b41, "Mail.Example.COM.", false, F,
	    "example.com", "reject", "reject", P, false, "example.com", 0,
	    "_dmarc.mail.example.com,_dmarc.example.com,_dmarc.com"),
	D("7 labels: 7 queries", z_empty, "b.c.d.e.f.example.com", false, N,
	    "", "", "", P, false, "b.c.d.e.f.example.com", 0,
	    "_dmarc.b.c.d.e.f.example.com,_dmarc.c.d.e.f.example.com,"
	    "_dmarc.d.e.f.example.com,_dmarc.e.f.example.com,"
	    "_dmarc.f.example.com,_dmarc.example.com,_dmarc.com"),
	D("8 labels: one label off", z_empty, "a.b.c.d.e.f.example.com", false,
	    N, "", "", "", P, false, "a.b.c.d.e.f.example.com", 0,
	    "_dmarc.a.b.c.d.e.f.example.com,_dmarc.b.c.d.e.f.example.com,"
	    "_dmarc.c.d.e.f.example.com,_dmarc.d.e.f.example.com,"
	    "_dmarc.e.f.example.com,_dmarc.f.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("9 labels: cut to 7", z_empty, "x.a.b.c.d.e.f.example.com", false,
	    N, "", "", "", P, false, "x.a.b.c.d.e.f.example.com", 0,
	    "_dmarc.x.a.b.c.d.e.f.example.com,_dmarc.b.c.d.e.f.example.com,"
	    "_dmarc.c.d.e.f.example.com,_dmarc.d.e.f.example.com,"
	    "_dmarc.e.f.example.com,_dmarc.f.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("4.10 example: 13 labels, 8 queries", z_empty,
	    "a.b.c.d.e.f.g.h.i.j.mail.example.com", false, N, "", "", "", P,
	    false, "a.b.c.d.e.f.g.h.i.j.mail.example.com", 0,
	    "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com,"
	    "_dmarc.g.h.i.j.mail.example.com,_dmarc.h.i.j.mail.example.com,"
	    "_dmarc.i.j.mail.example.com,_dmarc.j.mail.example.com,"
	    "_dmarc.mail.example.com,_dmarc.example.com,_dmarc.com"),
	D("5.1.8: psd=n past the cut is never seen", z_518,
	    "mail.a.b.c.d.e.f.g.example.com", false, F, "example.com", "none",
	    "none", P, false, "example.com", 0,
	    "_dmarc.mail.a.b.c.d.e.f.g.example.com,"
	    "_dmarc.c.d.e.f.g.example.com,"
	    "_dmarc.d.e.f.g.example.com,_dmarc.e.f.g.example.com,"
	    "_dmarc.f.g.example.com,_dmarc.g.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("one label", z_empty, "com", false, N, "", "", "", P, false, "com",
	    0, "_dmarc.com"),
	D("psd=n stops the walk", z_psdn, "a.b.example.com", false, F,
	    "b.example.com", "reject", "reject", P, false, "b.example.com", 0,
	    "_dmarc.a.b.example.com,_dmarc.b.example.com"),
	D("PSD record, author exists: sp", z_psd, "shop.brand.example", true,
	    F, "example", "quarantine", "quarantine", SP, true, "brand.example",
	    1, "_dmarc.shop.brand.example,_dmarc.brand.example,_dmarc.example"),
	D("PSD record, author does not exist: np", z_psd,
	    "ghost.brand.example", true, F, "example", "reject", "reject", NP,
	    true, "brand.example", 1, "_dmarc.ghost.brand.example,"
	    "_dmarc.brand.example,_dmarc.example"),
	D("PSD record, no existence callback: sp", z_psd,
	    "ghost.brand.example", false, F, "example", "quarantine",
	    "quarantine", SP, true, "brand.example", 0,
	    "_dmarc.ghost.brand.example,_dmarc.brand.example,_dmarc.example"),
	D("author is the org domain below the PSD", z_psd, "brand.example",
	    true, F, "example", "quarantine", "quarantine", SP, true,
	    "brand.example", 1, "_dmarc.brand.example,_dmarc.example"),
	D("org record wins over the PSD's (4.10.1 Note)", z_psd,
	    "mail.own.example", true, F, "own.example", "none", "none", P,
	    false, "own.example", 0,
	    "_dmarc.mail.own.example,_dmarc.own.example,_dmarc.example"),
	D("the PSD itself: its p", z_psd, "example", true, F, "example",
	    "reject", "reject", P, false, NULL, 0, "_dmarc.example"),
	D("intermediate record not applied", z_mid, "a.b.example.com", false,
	    F, "example.com", "reject", "reject", P, false, "example.com", 0,
	    "_dmarc.a.b.example.com,_dmarc.b.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("intermediate record under a PSD not applied", z_mid,
	    "a.x.giant.bank.example", false, F, "bank.example", "reject",
	    "reject", P, true, "giant.bank.example", 0,
	    "_dmarc.a.x.giant.bank.example,_dmarc.x.giant.bank.example,"
	    "_dmarc.giant.bank.example,_dmarc.bank.example"),
	D("tempfail mid-walk", z_temp, "a.b.example.com", false, T, "", "",
	    "", P, false, NULL, 0, "_dmarc.a.b.example.com,"
	    "_dmarc.b.example.com,_dmarc.example.com"),
	D("tempfail at the author", z_temp, "t.example.org", false, T, "", "",
	    "", P, false, NULL, 0, "_dmarc.t.example.org"),
	D("np: non-existent subdomain", z_np, "ghost.example.com", true, F,
	    "example.com", "reject", "reject", NP, false, "example.com", 1,
	    "_dmarc.ghost.example.com,_dmarc.example.com,_dmarc.com"),
	D("np: existing subdomain gets sp", z_np, "www.example.com", true, F,
	    "example.com", "none", "none", SP, false, "example.com", 1,
	    "_dmarc.www.example.com,_dmarc.example.com,_dmarc.com"),
	D("np: _dmarc.<author> NODATA proves existence", z_np,
	    "nodata.example.com", true, F, "example.com", "none", "none", SP,
	    false, "example.com", 0, "_dmarc.nodata.example.com,"
	    "_dmarc.example.com,_dmarc.com"),
	D("np: existence tempfail", z_np, "tempfail.example.com", true, T, "",
	    "", "", P, false, "example.com", 1, "_dmarc.tempfail.example.com,"
	    "_dmarc.example.com,_dmarc.com"),
	D("np: the org domain itself gets p", z_np, "example.com", true, F,
	    "example.com", "quarantine", "quarantine", P, false, NULL, 0,
	    "_dmarc.example.com"),
	D("no np: sp, no existence query", z_np, "ghost.example.net", true, F,
	    "example.net", "none", "none", SP, false, "example.net", 0,
	    "_dmarc.ghost.example.net,_dmarc.example.net,_dmarc.net"),
	D("np without sp", z_np, "ghost.example.org", true, F, "example.org",
	    "quarantine", "quarantine", NP, false, "example.org", 1,
	    "_dmarc.ghost.example.org,_dmarc.example.org,_dmarc.org"),
	D("np equal to sp: no existence query", z_np, "ghost.example.edu",
	    true, F, "example.edu", "quarantine", "quarantine", SP, false,
	    "example.edu", 0, "_dmarc.ghost.example.edu,_dmarc.example.edu,"
	    "_dmarc.edu"),
	D("4.10.1: bad p + rua: p=none", z_inv, "a.example", false, F,
	    "a.example", "none", "none", P, false, NULL, 0, "_dmarc.a.example"),
	D("4.10.1: bad p, no rua: no DMARC", z_inv, "b.example", false, I, "",
	    "", "", P, false, NULL, 0, "_dmarc.b.example"),
	D("4.10.1: no p + rua: p=none", z_inv, "c.example", false, F,
	    "c.example", "none", "none", P, false, NULL, 0, "_dmarc.c.example"),
	D("4.10.1: v=DMARC1 alone: no DMARC", z_inv, "d.example", false, I,
	    "", "", "", P, false, NULL, 0, "_dmarc.d.example"),
	D("4.10.1: bad sp + rua: p=none", z_inv, "e.example", false, F,
	    "e.example", "none", "none", P, false, NULL, 0, "_dmarc.e.example"),
	D("4.10.1: bad np, no rua: no DMARC", z_inv, "f.example", false, I,
	    "", "", "", P, false, NULL, 0, "_dmarc.f.example"),
	D("4.10.1: bad rua, good p", z_inv, "g.example", false, F, "g.example",
	    "reject", "reject", P, false, NULL, 0, "_dmarc.g.example"),
	D("4.10.1 from above", z_inv, "x.b.example", false, I, "", "", "", P,
	    false, "b.example", 0, "_dmarc.x.b.example,_dmarc.b.example,"
	    "_dmarc.example"),
	D("t=y: reject -> quarantine", z_t, "r.example", false, F, "r.example",
	    "reject", "quarantine", P, false, NULL, 0, "_dmarc.r.example"),
	D("t=y: quarantine -> none", z_t, "q.example", false, F, "q.example",
	    "quarantine", "none", P, false, NULL, 0, "_dmarc.q.example"),
	D("t=y: none stays", z_t, "n.example", false, F, "n.example", "none",
	    "none", P, false, NULL, 0, "_dmarc.n.example"),
	D("t=y on sp", z_t, "sub.s.example", false, F, "s.example", "reject",
	    "quarantine", SP, false, "s.example", 0, "_dmarc.sub.s.example,"
	    "_dmarc.s.example,_dmarc.example"),
	D("two records at the author: walk on", z_multi, "mail.example.com",
	    false, F, "example.com", "quarantine", "quarantine", SP, false,
	    "example.com", 0, "_dmarc.mail.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("duplicate tag at the author: walk on", z_multi, "dup.example.com",
	    false, F, "example.com", "quarantine", "quarantine", SP, false,
	    "example.com", 0, "_dmarc.dup.example.com,_dmarc.example.com,"
	    "_dmarc.com"),
	D("not a domain: empty", z_b41, "", false, N, "", "", "", P, false,
	    NULL, 0, ""),
	D("not a domain: empty label", z_b41, "a..example.com", false, N, "",
	    "", "", P, false, NULL, 0, ""),
	D("not a domain: leading dot", z_b41, ".example.com", false, N, "",
	    "", "", P, false, NULL, 0, ""),
	D("not a domain: two trailing dots", z_b41, "example.com..", false, N,
	    "", "", "", P, false, NULL, 0, ""),
	D("not a domain: a dot", z_b41, ".", false, N, "", "", "", P, false,
	    NULL, 0, ""),
	D("not a domain: U-label", z_b41, "b\xc3\xbc" "cher.example.com",
	    false, N, "", "", "", P, false, NULL, 0, ""),
	D("not a domain: space", z_b41, "ex ample.com", false, N, "", "", "",
	    P, false, NULL, 0, ""),
	D("not a domain: 64-octet label", z_b41, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", false, N, "", "", "",
	    P, false, NULL, 0, ""),
	D("not a domain: NULL", z_b41, NULL, false, N, "", "", "", P, false,
	    NULL, 0, ""),
};

/* test_discovery - the table above */
static void
test_discovery(void)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	const struct dcase	*c;
	struct zone		 z;
	size_t			 i;

	for (i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		c = &dcases[i];
		z_init(&z, c->zone);
		CHECK_INT(dmarc_discover_policy(c->author, z_lookup,
		    c->exists ? z_exists_fn : NULL, &z, d), c->st, c->what);
		CHECK_STR(z.log, c->log, c->what);
		CHECK_INT(z.nexists, c->nexists, c->what);
		CHECK_INT(d->queries, z.n + z.nexists, c->what);
		CHECK(d->walk_queries <= DMARC_WALK_MAX, "%s", c->what);
		CHECK(d->status == c->st && (c->st == F) == (d->why[0] ==
		    '\0'), "%s: why=\"%s\"", c->what, d->why);
		if (c->org != NULL) {
			CHECK_INT(d->org_state, DMARC_ORG_KNOWN, c->what);
			CHECK_STR(d->org_domain, c->org, c->what);
		} else
			CHECK(d->org_state != DMARC_ORG_KNOWN, "%s", c->what);
		if (c->st != F)
			continue;
		CHECK_STR(d->policy_domain, c->pdom, c->what);
		CHECK_STR(dmarc_policy_name(d->policy), c->policy, c->what);
		CHECK_STR(dmarc_policy_name(d->applied), c->applied, c->what);
		CHECK_INT(d->source, c->src, c->what);
		CHECK_INT(d->from_psd, c->psd, c->what);
		CHECK_INT(d->from_org, strcmp(d->policy_domain, d->author) != 0,
		    c->what);
	}
	z_init(&z, z_b41);
	z.bad = 42;
	CHECK_INT(dmarc_discover_policy("example.com", z_lookup, NULL, &z, d),
	    DMARC_DISC_TEMPFAIL, "an unknown callback status is a tempfail");
	free(d);
}

/* ------------------------------------------------------------ Appendix B.4 */

/* test_b41 - RFC 9989 B.4.1, simple Organizational and policy example */
static void
test_b41(void)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	struct zone		 z;
	char			 org[DMARC_DOMAIN_SIZE];

	z_init(&z, z_b41);
	CHECK_INT(dmarc_discover_policy("example.com", z_lookup, NULL, &z, d),
	    DMARC_DISC_FOUND, "B.4.1 discovery");
	CHECK_STR(d->policy_domain, "example.com", "B.4.1 policy domain");
	CHECK_STR(dmarc_policy_name(d->policy), "reject", "B.4.1 policy");
	CHECK_INT(dmarc_aligned(d, "example.com", false, z_lookup, &z),
	    DMARC_ALIGN_PASS, "B.4.1 SPF example.com");
	CHECK_STR(z.log, "_dmarc.example.com", "B.4.1 SPF needs no walk");
	CHECK_INT(dmarc_aligned(d, "signing.example.com", false, z_lookup, &z),
	    DMARC_ALIGN_PASS, "B.4.1 DKIM signing.example.com, relaxed");
	CHECK_STR(d->org_domain, "example.com", "B.4.1 author org domain");
	CHECK_STR(z.log, "_dmarc.example.com,_dmarc.com,"
	    "_dmarc.signing.example.com", "B.4.1 names asked, each once");
	CHECK_INT(dmarc_aligned(d, "signing.example.com", true, z_lookup, &z),
	    DMARC_ALIGN_FAIL, "B.4.1 DKIM strict");
	z_init(&z, z_b41);
	CHECK_INT(dmarc_org_domain("signing.example.com", z_lookup, &z, org,
	    sizeof(org)), DMARC_ORG_OK, "B.4.1 org of signing.example.com");
	CHECK_STR(org, "example.com", "B.4.1 highest record wins");
	CHECK_STR(z.log, "_dmarc.signing.example.com,_dmarc.example.com,"
	    "_dmarc.com", "B.4.1 DKIM walk");
	free(d);
}

/* test_b42 - RFC 9989 B.4.2, deep tree walk example */
static void
test_b42(void)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	struct zone		 z;

	z_init(&z, z_b41);
	CHECK_INT(dmarc_discover_policy("a.b.c.d.e.f.g.h.i.j.k.example.com",
	    z_lookup, NULL, &z, d), DMARC_DISC_FOUND, "B.4.2 discovery");
	CHECK_STR(z.log, "_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com,"
	    "_dmarc.g.h.i.j.k.example.com,_dmarc.h.i.j.k.example.com,"
	    "_dmarc.i.j.k.example.com,_dmarc.j.k.example.com,"
	    "_dmarc.k.example.com,_dmarc.example.com,_dmarc.com",
	    "B.4.2 the eight queries, intermediate names skipped");
	CHECK_STR(d->policy_domain, "example.com", "B.4.2 policy domain");
	CHECK_STR(d->org_domain, "example.com", "B.4.2 org domain");
	CHECK_INT(dmarc_aligned(d, "example.com", false, z_lookup, &z),
	    DMARC_ALIGN_PASS, "B.4.2 SPF example.com");
	CHECK_INT(dmarc_aligned(d, "signing.example.com", false, z_lookup, &z),
	    DMARC_ALIGN_PASS, "B.4.2 DKIM signing.example.com");
	CHECK_INT(z.n, 9, "B.4.2 nine queries in all, not eleven");
	CHECK(strcmp(z.log + strlen(z.log) - 27,
	    ",_dmarc.signing.example.com") == 0, "B.4.2 last: %s", z.log);
	CHECK_INT(dmarc_aligned(d, "example.com", true, z_lookup, &z),
	    DMARC_ALIGN_FAIL, "B.4.2 SPF strict");
	free(d);
}

/* test_b43 - RFC 9989 B.4.3, example with a PSD DMARC record */
static void
test_b43(void)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	struct zone		 z;
	char			 org[DMARC_DOMAIN_SIZE];

	z_init(&z, z_b43);
	CHECK_INT(dmarc_discover_policy("giant.bank.example", z_lookup, NULL,
	    &z, d), DMARC_DISC_FOUND, "B.4.3 discovery");
	CHECK_STR(d->policy_domain, "giant.bank.example", "B.4.3 policy dom");
	CHECK_STR(dmarc_policy_name(d->policy), "quarantine", "B.4.3 p");
	CHECK_INT(dmarc_aligned(d, "mail.giant.bank.example", false, z_lookup,
	    &z), DMARC_ALIGN_PASS, "B.4.3 SPF aligned");
	CHECK_STR(d->org_domain, "giant.bank.example", "B.4.3 author org");
	CHECK_STR(z.log, "_dmarc.giant.bank.example,_dmarc.bank.example,"
	    "_dmarc.mail.giant.bank.example", "B.4.3 SPF walks");
	CHECK_INT(dmarc_aligned(d, "mail.mega.bank.example", false, z_lookup,
	    &z), DMARC_ALIGN_FAIL, "B.4.3 DKIM not aligned");
	CHECK_STR(z.log, "_dmarc.giant.bank.example,_dmarc.bank.example,"
	    "_dmarc.mail.giant.bank.example,_dmarc.mail.mega.bank.example,"
	    "_dmarc.mega.bank.example", "B.4.3 DKIM walk");
	z_init(&z, z_b43);
	CHECK_INT(dmarc_org_domain("giant.bank.example", z_lookup, &z, org,
	    sizeof(org)), DMARC_ORG_OK, "B.4.3 org of the author");
	CHECK_STR(org, "giant.bank.example", "B.4.3 below psd=y");
	CHECK_STR(z.log, "_dmarc.giant.bank.example,_dmarc.bank.example",
	    "B.4.3 stops at psd=y");
	z_init(&z, z_b43);
	CHECK_INT(dmarc_org_domain("mail.mega.bank.example", z_lookup, &z, org,
	    sizeof(org)), DMARC_ORG_OK, "B.4.3 org of the DKIM domain");
	CHECK_STR(org, "mega.bank.example", "B.4.3 mega.bank.example");
	free(d);
}

/* ------------------------------------------------------------ org domain */

static const struct zent z_o1[] = {
	{ "_dmarc.mail.example.com", { "v=DMARC1; p=none" } },
	{ "_dmarc.example.com", { "v=DMARC1; p=none" } },
	{ NULL, { NULL } }
};

static const struct zent z_o2[] = {
	{ "_dmarc.mail.example.com", { "v=DMARC1; p=none; psd=n" } },
	{ "_dmarc.example.com", { "v=DMARC1; p=none" } },
	{ NULL, { NULL } }
};

static const struct zent z_o3[] = {
	{ "_dmarc.com", { "v=DMARC1; p=none; psd=y" } },
	{ NULL, { NULL } }
};

/* ocase - one dmarc_org_domain() call */
struct ocase {
	const struct zent	*zone;
	const char		*in;
	enum dmarc_org_result	 r;
	const char		*out;
	const char		*log;
	const char		*what;
};

static const struct ocase ocases[] = {
	{ z_o1, "a.mail.example.com", DMARC_ORG_OK, "example.com",
	    "_dmarc.a.mail.example.com,_dmarc.mail.example.com,"
	    "_dmarc.example.com,_dmarc.com", "4.10.2 first example" },
	{ z_o2, "a.mail.example.com", DMARC_ORG_OK, "mail.example.com",
	    "_dmarc.a.mail.example.com,_dmarc.mail.example.com",
	    "4.10.2 second example: psd=n" },
	{ z_o3, "a.mail.example.com", DMARC_ORG_OK, "example.com",
	    "_dmarc.a.mail.example.com,_dmarc.mail.example.com,"
	    "_dmarc.example.com,_dmarc.com", "4.10.2 last example: psd=y" },
	{ z_o2, "mail.example.com", DMARC_ORG_OK, "mail.example.com",
	    "_dmarc.mail.example.com", "psd=n at the start" },
	{ z_o3, "com", DMARC_ORG_OK, "com", "_dmarc.com",
	    "psd=y at the start is its own org (rule 2 excludes it)" },
	{ z_empty, "A.Example.COM.", DMARC_ORG_OK, "a.example.com",
	    "_dmarc.a.example.com,_dmarc.example.com,_dmarc.com",
	    "no record: the domain itself" },
	{ z_temp, "a.example.com", DMARC_ORG_ERR_TEMPFAIL, "",
	    "_dmarc.a.example.com,_dmarc.example.com", "tempfail" },
	{ z_empty, "a..b", DMARC_ORG_ERR_DOMAIN, "", "", "not a domain" },
};

/* test_org - the table above, and a buffer too small */
static void
test_org(void)
{
	struct zone	z;
	char		out[DMARC_DOMAIN_SIZE];
	size_t		i;

	for (i = 0; i < sizeof(ocases) / sizeof(ocases[0]); i++) {
		z_init(&z, ocases[i].zone);
		CHECK_INT(dmarc_org_domain(ocases[i].in, z_lookup, &z, out,
		    sizeof(out)), ocases[i].r, ocases[i].what);
		CHECK_STR(out, ocases[i].out, ocases[i].what);
		CHECK_STR(z.log, ocases[i].log, ocases[i].what);
	}
	z_init(&z, z_o1);
	CHECK_INT(dmarc_org_domain("a.mail.example.com", z_lookup, &z, out,
	    11), DMARC_ORG_ERR_DOMAIN, "OUTLEN too small");
	CHECK_INT(dmarc_org_domain("a.mail.example.com", z_lookup, &z, out,
	    12), DMARC_ORG_OK, "OUTLEN just enough");
}

/* ------------------------------------------------------------ alignment */

static const struct zent z_blog[] = {
	{ "_dmarc.blogspot.com", { "v=DMARC1; p=reject" } },
	{ NULL, { NULL } }
};

static const struct zent z_mailonly[] = {
	{ "_dmarc.mail.example.com", { "v=DMARC1; p=reject" } },
	{ NULL, { NULL } }
};

static const struct zent z_couk[] = {
	{ "_dmarc.co.uk", { "v=DMARC1; p=none" } },
	{ NULL, { NULL } }
};

static const struct zent z_coukpsd[] = {
	{ "_dmarc.co.uk", { "v=DMARC1; p=none; psd=y" } },
	{ NULL, { NULL } }
};

static const struct zent z_atemp[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=reject" } },
	{ "_dmarc.com", { TEMPFAIL } },
	{ NULL, { NULL } }
};

static const struct zent z_otemp[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=reject" } },
	{ "_dmarc.x.example.net", { TEMPFAIL } },
	{ NULL, { NULL } }
};

/* acase - discovery for AUTHOR, then one alignment check */
struct acase {
	const char		*what;
	const struct zent	*zone;
	const char		*author, *other;
	bool			 strict;
	enum dmarc_align	 want;		/* tree walk (RFC 9989) */
	enum dmarc_align	 psl;		/* PSL (RFC 7489) */
	const char		*log;
};

#define AP	DMARC_ALIGN_PASS
#define AF	DMARC_ALIGN_FAIL
#define AT	DMARC_ALIGN_TEMPFAIL

static const struct acase acases[] = {
	{ "strict: identical but for case and dot", z_b41, "example.com",
	    "EXAMPLE.com.", true, AP, AP, "_dmarc.example.com" },
	{ "strict: a subdomain", z_b41, "example.com", "sub.example.com",
	    true, AF, AF, "_dmarc.example.com" },
	{ "B.1.1 ex. 2: relaxed, author is the parent", z_b41,
	    "example.com", "child.example.com", false, AP, AP,
	    "_dmarc.example.com,_dmarc.com,_dmarc.child.example.com" },
	{ "B.1.2 ex. 2: relaxed, d= is the parent", z_b41,
	    "child.example.com", "example.com", false, AP, AP,
	    "_dmarc.child.example.com,_dmarc.example.com,_dmarc.com" },
	{ "B.1.2 ex. 3: another org", z_b41, "child.example.com",
	    "example.net", false, AF, AF, "_dmarc.child.example.com,"
	    "_dmarc.example.com,_dmarc.com,_dmarc.example.net,_dmarc.net" },
	{ "PSL private suffix, one record above: walk aligns, PSL not",
	    z_blog, "alice.blogspot.com", "bob.blogspot.com", false, AP, AF,
	    "_dmarc.alice.blogspot.com,_dmarc.blogspot.com,_dmarc.com,"
	    "_dmarc.bob.blogspot.com" },
	{ "record only at the author: PSL aligns, walk not", z_mailonly,
	    "mail.example.com", "example.com", false, AF, AP,
	    "_dmarc.mail.example.com,_dmarc.example.com,_dmarc.com" },
	{ "11.8: a PSD record without psd=y joins registrants", z_couk,
	    "a.example.co.uk", "b.other.co.uk", false, AP, AF,
	    "_dmarc.a.example.co.uk,_dmarc.example.co.uk,_dmarc.co.uk,"
	    "_dmarc.uk,_dmarc.b.other.co.uk,_dmarc.other.co.uk" },
	{ "5.2: with psd=y it does not", z_coukpsd, "a.example.co.uk",
	    "b.other.co.uk", false, AF, AF, "_dmarc.a.example.co.uk,"
	    "_dmarc.example.co.uk,_dmarc.co.uk,_dmarc.b.other.co.uk,"
	    "_dmarc.other.co.uk" },
	{ "tempfail above the author's record", z_atemp, "example.com",
	    "mail.example.com", false, AT, AP,
	    "_dmarc.example.com,_dmarc.com" },
	{ "tempfail does not touch strict", z_atemp, "example.com",
	    "mail.example.com", true, AF, AF, "_dmarc.example.com" },
	{ "tempfail does not touch identity", z_atemp, "example.com",
	    "example.com", false, AP, AP, "_dmarc.example.com" },
	{ "tempfail in the identifier's walk", z_otemp, "example.com",
	    "x.example.net", false, AT, AF,
	    "_dmarc.example.com,_dmarc.com,_dmarc.x.example.net" },
	{ "identifier not a domain", z_b41, "example.com", "exa mple.com",
	    false, AF, AF, "_dmarc.example.com" },
};

/* The PSL of the RFC 7489 tests: ICANN rules and one PRIVATE one. */
static const char test_psl[] =
	"// test list\ncom\nnet\norg\nedu\nuk\nco.uk\n"
	"// ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n"
	"// ===END PRIVATE DOMAINS===\n";

/* load_test_psl - TEST_PSL through a temporary file */
static struct psl *
load_test_psl(void)
{
	char		 path[] = "/tmp/test_dmarc_psl.XXXXXX", why[128];
	struct psl	*l;
	int		 fd = mkstemp(path);

	if (fd < 0 || write(fd, test_psl, sizeof(test_psl) - 1) !=
	    (ssize_t)(sizeof(test_psl) - 1))
		abort();
	(void)close(fd);
	l = psl_load(path, 0, why, sizeof(why));
	(void)unlink(path);
	CHECK(l != NULL, "psl_load: %s", why);
	return l;
}

/* test_align - the table above, under both modes */
static void
test_align(const struct psl *l)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	const struct acase	*c;
	struct zone		 z;
	size_t			 i;

	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		c = &acases[i];
		z_init(&z, c->zone);
		(void)dmarc_discover_policy(c->author, z_lookup, NULL, &z, d);
		CHECK_INT(dmarc_aligned(d, c->other, c->strict, z_lookup, &z),
		    c->want, c->what);
		CHECK_STR(z.log, c->log, c->what);
		CHECK_INT(dmarc_aligned_7489(l, c->author, c->other,
		    c->strict), c->psl, c->what);
	}
	z_init(&z, z_b41);
	(void)dmarc_discover_policy("bad..author", z_lookup, NULL, &z, d);
	CHECK_INT(dmarc_aligned(d, "example.com", false, z_lookup, &z),
	    DMARC_ALIGN_FAIL, "no author, no alignment");
	free(d);
}

/* ------------------------------------------------------------ RFC 7489 */

static const struct zent z_7489[] = {
	{ "_dmarc.example.com", { "v=DMARC1; p=reject; sp=quarantine; "
	    "pct=50; t=y; np=none" } },
	{ "_dmarc.mail.example.org", { "v=DMARC1; p=reject",
	    "v=DMARC1; p=none" } },
	{ "_dmarc.example.org", { "v=DMARC1; p=none" } },
	{ "_dmarc.t.example.net", { TEMPFAIL } },
	{ "_dmarc.co.uk", { "v=DMARC1; p=reject" } },
	{ NULL, { NULL } }
};

/* d7case - one RFC 7489 discovery */
struct d7case {
	const char		*author;
	enum dmarc_disc_status	 st;
	const char		*pdom, *policy;
	const char		*log;
	const char		*what;
};

static const struct d7case d7cases[] = {
	{ "mail.example.com", F, "example.com", "quarantine",
	    "_dmarc.mail.example.com,_dmarc.example.com",
	    "sp at the org domain; t and np ignored" },
	{ "example.com", F, "example.com", "reject", "_dmarc.example.com",
	    "p at the author; t ignored" },
	{ "a.b.c.d.e.f.g.h.i.j.k.example.com", F, "example.com", "quarantine",
	    "_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com,_dmarc.example.com",
	    "deep name: two queries" },
	{ "mail.example.org", N, "", "", "_dmarc.mail.example.org",
	    "two records at the author end discovery (6.6.3 step 5)" },
	{ "mail.example.net", N, "", "",
	    "_dmarc.mail.example.net,_dmarc.example.net", "no record" },
	{ "t.example.net", T, "", "", "_dmarc.t.example.net", "tempfail" },
	{ "co.uk", F, "co.uk", "reject", "_dmarc.co.uk",
	    "a public suffix is its own org domain" },
	{ "x.co.uk", N, "", "", "_dmarc.x.co.uk",
	    "org = author: one query (the walk would find co.uk)" },
};

/* test_7489 - the table above, and the same zone in RFC 9989 mode */
static void
test_7489(const struct psl *l)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	const struct d7case	*c;
	struct zone		 z;
	size_t			 i;

	for (i = 0; i < sizeof(d7cases) / sizeof(d7cases[0]); i++) {
		c = &d7cases[i];
		z_init(&z, z_7489);
		CHECK_INT(dmarc_discover_policy_7489(l, c->author, z_lookup,
		    &z, d), c->st, c->what);
		CHECK_STR(z.log, c->log, c->what);
		if (c->st != F)
			continue;
		CHECK_STR(d->policy_domain, c->pdom, c->what);
		CHECK_STR(dmarc_policy_name(d->policy), c->policy, c->what);
		CHECK(d->applied == d->policy, "%s: t ignored", c->what);
	}
	z_init(&z, z_7489);
	(void)dmarc_discover_policy_7489(l, "mail.example.com", z_lookup, &z,
	    d);
	CHECK_INT(d->rec.pct, 50, "pct is there for the caller to sample");
	z_init(&z, z_7489);
	CHECK_INT(dmarc_discover_policy("mail.example.org", z_lookup, NULL,
	    &z, d), F, "RFC 9989: two records at the author, walk on");
	CHECK_STR(d->policy_domain, "example.org", "RFC 9989 walk on");
	z_init(&z, z_7489);
	CHECK_INT(dmarc_discover_policy("x.co.uk", z_lookup, NULL, &z, d), F,
	    "RFC 9989: the walk finds co.uk's record");
	CHECK_INT(dmarc_discover_policy_7489(NULL, "example.com", z_lookup,
	    &z, d), N, "no PSL");
	free(d);
}

/* ------------------------------------------------------------ libopendmarc */

/* Records both parsers must read alike: the RFC 7489 subset. */
static const char *const xcases[] = {
	"v=DMARC1; p=none",
	"v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=50",
	"v=DMARC1;p=quarantine;pct=0;adkim=r;aspf=s;rua=mailto:a@example.com",
	"V=DMARC1; P=Reject; SP=None",
	"v=DMARC1; p=none; fo=1; ruf=mailto:f@example.com",
	"v=DMARC1 ; p = reject ; aspf = s ; psd=y; np=none; t=y",
	"v=DMARC1; p=quarantine; ri=86400; rf=afrf; unknown=1",
};

/* odm_p - our policy as libopendmarc's letter */
static int
odm_p(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE:
		return DMARC_RECORD_P_NONE;
	case DMARC_P_QUARANTINE:
		return DMARC_RECORD_P_QUARANTINE;
	case DMARC_P_REJECT:
		return DMARC_RECORD_P_REJECT;
	default:
		return DMARC_RECORD_P_UNSPECIFIED;
	}
}

/* test_opendmarc - opendmarc_policy_parse_dmarc() as a cross-check */
static void
test_opendmarc(void)
{
	struct dmarc_record	 r;
	DMARC_POLICY_T		*ctx;
	int			 v;
	size_t			 i;

	for (i = 0; i < sizeof(xcases) / sizeof(xcases[0]); i++) {
		CHECK(dmarc_record_parse(xcases[i], strlen(xcases[i]), &r,
		    NULL, 0), "ours: %s", xcases[i]);
		ctx = opendmarc_policy_connect_init((u_char *)"192.0.2.1", 0);
		if (ctx == NULL)
			abort();
		CHECK_INT(opendmarc_policy_parse_dmarc(ctx,
		    (u_char *)"example.com", (u_char *)xcases[i]),
		    DMARC_PARSE_OKAY, xcases[i]);
		(void)opendmarc_policy_fetch_p(ctx, &v);
		CHECK_INT(v, odm_p(r.p), xcases[i]);
		(void)opendmarc_policy_fetch_sp(ctx, &v);
		CHECK_INT(v, odm_p(r.sp), xcases[i]);
		(void)opendmarc_policy_fetch_adkim(ctx, &v);
		CHECK_INT(v, r.adkim_strict ? 's' : 'r', xcases[i]);
		(void)opendmarc_policy_fetch_aspf(ctx, &v);
		CHECK_INT(v, r.aspf_strict ? 's' : 'r', xcases[i]);
		(void)opendmarc_policy_fetch_pct(ctx, &v);
		CHECK_INT(v, r.pct < 0 ? 100 : r.pct, xcases[i]);
		(void)opendmarc_policy_connect_shutdown(ctx);
	}
}

/*
 * Where the two parsers differ, and why ours is right (RFC 9989 unless
 * said otherwise).  Each row is checked on both sides, so the list stays
 * true; the test prints it.
 */
struct xdiff {
	const char	*rec;
	bool		 ours_ok;	/* dmarc_record_parse() */
	enum dmarc_policy ours_p;
	bool		 odm_ok;	/* DMARC_PARSE_OKAY */
	int		 odm_p;		/* when odm_ok */
	const char	*why;
};

static const struct xdiff xdiffs[] = {
	{ "v=DMARC1; p=r", true, DMARC_P_INVALID, true,
	    DMARC_RECORD_P_REJECT, "libopendmarc prefix-matches values: "
	    "p=r is reject; 4.8 allows only the whole words" },
	{ "v=dmarc1; p=reject", false, DMARC_P_ABSENT, true,
	    DMARC_RECORD_P_REJECT, "v's value is the case-sensitive "
	    "%s\"DMARC1\" (4.8); libopendmarc ignores case" },
	{ "v=DMARC1; p=reject; p=none", false, DMARC_P_ABSENT, true,
	    DMARC_RECORD_P_NONE, "a tag given twice makes the tag-list "
	    "invalid (RFC 6376 3.2, imported by 4.7); libopendmarc lets the "
	    "last one win" },
	{ "v=DMARC1; p=bogus; rua=mailto:a@example.com", true,
	    DMARC_P_INVALID, false, 0, "an invalid p with a valid rua is "
	    "p=none (4.10.1); libopendmarc refuses the whole record" },
	{ "v=DMARC1; p=reject; pct=101", true, DMARC_P_REJECT, false, 0,
	    "pct is historic in RFC 9989 and ignored; libopendmarc refuses "
	    "the record over it" },
};

/* test_opendmarc_diff - the documented differences, on both sides */
static void
test_opendmarc_diff(void)
{
	struct dmarc_record	 r;
	DMARC_POLICY_T		*ctx;
	size_t			 i;
	bool			 ok;
	int			 v = 0;

	for (i = 0; i < sizeof(xdiffs) / sizeof(xdiffs[0]); i++) {
		const struct xdiff *x = &xdiffs[i];

		ok = dmarc_record_parse(x->rec, strlen(x->rec), &r, NULL, 0);
		CHECK(ok == x->ours_ok, "ours %s: ok=%d", x->rec, ok);
		if (ok)
			CHECK_INT(r.p, x->ours_p, x->rec);
		if ((ctx = opendmarc_policy_connect_init((u_char *)"192.0.2.1",
		    0)) == NULL)
			abort();
		ok = opendmarc_policy_parse_dmarc(ctx, (u_char *)"example.com",
		    (u_char *)x->rec) == DMARC_PARSE_OKAY;
		CHECK(ok == x->odm_ok, "libopendmarc %s: ok=%d", x->rec, ok);
		if (ok) {
			(void)opendmarc_policy_fetch_p(ctx, &v);
			CHECK_INT(v, x->odm_p, x->rec);
		}
		(void)opendmarc_policy_connect_shutdown(ctx);
		printf("differs: \"%s\": %s\n", x->rec, x->why);
	}
}

/* ------------------------------------------------------------ random */

static uint32_t	rnd_state = 2463534242u;

/* rnd - xorshift32: the same sequence on every run */
static uint32_t
rnd(void)
{
	return check_xorshift(&rnd_state);
}

/* test_random_records - parse noise, check the invariants */
static void
test_random_records(void)
{
	static const char	 alpha[] = "v=DMARC1;pnoequartijcsdfy:, !@.m"
	    "\t%2Cx-_rfPSD";
	struct dmarc_record	 r;
	char			*b, why[96];
	size_t			 i, j, n, k, bad = 0;

	for (i = 0; i < 20000; i++) {
		n = rnd() % 160;
		b = malloc(n == 0 ? 1 : n);
		j = 0;
		if ((rnd() & 1) && n >= 9) {
			memcpy(b, "v=DMARC1;", 9);
			j = 9;
		}
		for (; j < n; j++)
			b[j] = (rnd() & 3) != 0 ? alpha[rnd() %
			    (sizeof(alpha) - 1)] : (char)rnd();
		(void)dmarc_record_parse(b, n, &r, why, sizeof(why));
		if (r.p > DMARC_P_REJECT || r.nrua > DMARC_URIS_MAX ||
		    r.nruf > DMARC_URIS_MAX || strlen(why) >= sizeof(why))
			bad++;
		for (k = 0; k < r.nrua; k++)
			if (strlen(r.rua[k]) >= DMARC_URI_SIZE ||
			    strchr(r.rua[k], ',') != NULL)
				bad++;
		free(b);
	}
	CHECK_INT(bad, 0, "random records: invariants");
}

/* rnd_lookup - a DNS that answers at random */
static enum dmarc_lookup_status
rnd_lookup(void *arg, const char *name, struct dmarc_record *rec, bool *nx)
{
	int	*n = arg;

	(void)name;
	(*n)++;
	switch (rnd() % 16) {
	case 0:
		return DMARC_LK_TEMPFAIL;
	case 1:
		return DMARC_LK_MULTIPLE;
	case 2: case 3: case 4: case 5:
		rec->p = (enum dmarc_policy)(rnd() % 5);
		rec->sp = (enum dmarc_policy)(rnd() % 5);
		rec->np = (enum dmarc_policy)(rnd() % 5);
		rec->psd = (enum dmarc_psd)(rnd() % 3);
		rec->t = (rnd() & 1) != 0;
		rec->nrua = rnd() & 1;
		return DMARC_LK_FOUND;
	}
	*nx = (rnd() & 1) != 0;
	return DMARC_LK_NONE;
}

/* rnd_domain - a name of 1..30 labels of 1..4 letters */
static void
rnd_domain(char *b)
{
	size_t	nl = 1 + rnd() % 30, i, j, len, n = 0;

	for (i = 0; i < nl; i++) {
		len = 1 + rnd() % 4;
		for (j = 0; j < len; j++)
			b[n++] = (char)('a' + rnd() % 3);
		b[n++] = '.';
	}
	b[n - 1] = '\0';
}

/* test_random_walks - random answers: the caps hold */
static void
test_random_walks(void)
{
	struct dmarc_discovery	*d = malloc(sizeof(*d));
	char			 a[256], o[256];
	size_t			 i, bad = 0;
	int			 n, before;

	for (i = 0; i < 5000; i++) {
		rnd_domain(a);
		rnd_domain(o);
		n = 0;
		(void)dmarc_discover_policy(a, rnd_lookup, NULL, &n, d);
		if (n > DMARC_WALK_MAX || (d->status == DMARC_DISC_FOUND &&
		    (d->policy < DMARC_P_NONE || d->applied >
		    d->policy)))
			bad++;
		before = n;
		(void)dmarc_aligned(d, o, false, rnd_lookup, &n);
		if (n - before > 2 * DMARC_WALK_MAX)
			bad++;
	}
	CHECK_INT(bad, 0, "random walks: at most 8 queries a walk");
	free(d);
}

int
main(void)
{
	struct psl	*l;

	test_records();
	test_caps();
	test_select();
	test_discovery();
	test_b41();
	test_b42();
	test_b43();
	test_org();
	l = load_test_psl();
	test_align(l);
	test_7489(l);
	psl_free(l);
	test_opendmarc();
	test_opendmarc_diff();
	test_random_records();
	test_random_walks();
	return check_done("test_dmarc_record");
}
