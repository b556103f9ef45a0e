/*
 * test_psl.c - unit tests for psl.c
 *
 * First Debian's list (package publicsuffix) against the cases of the
 * brief and the publicsuffix.org test file that the package ships as
 * examples/test_psl.txt (checkPublicSuffix(x, null) is a return of 0
 * here: X is itself a public suffix).  Then small lists written to
 * temporary files, so every rule form, the PRIVATE section, the skipped
 * rules and the Punycode encoding (RFC 3492 section 7.1 samples) are
 * pinned whatever the installed list says.  Then the errors, random
 * names, and lookups from several threads at once.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "psl.h"
#include "check.h"

#define SYSTEM_PSL	"/usr/share/publicsuffix/public_suffix_list.dat"

/* pcase - one name, what psl_org_domain() returns and gives */
struct pcase {
	const char	*in;
	int		 r;		/* 1 below a suffix, 0 a suffix, -1 */
	const char	*out;
};

static const struct pcase sys_cases[] = {
	/* the brief and LIBRARIES.md 3 */
	{ "mail.example.com", 1, "example.com" },
	{ "a.b.example.co.uk", 1, "example.co.uk" },
	{ "user.github.io", 1, "user.github.io" },	/* PRIVATE */
	{ "foo.bar.ck", 1, "foo.bar.ck" },		/* *.ck */
	{ "www.ck", 1, "www.ck" },			/* !www.ck */
	{ "x.y.kawasaki.jp", 1, "x.y.kawasaki.jp" },	/* *.kawasaki.jp */
	{ "city.kawasaki.jp", 1, "city.kawasaki.jp" },	/* exception */
	{ "a.b.unknowntld", 1, "b.unknowntld" },	/* default "*" */
	/* test_psl.txt: mixed case, leading dot, unlisted TLD */
	{ "COM", 0, "com" },
	{ "example.COM", 1, "example.com" },
	{ "WwW.example.COM", 1, "example.com" },
	{ ".com", -1, "" },
	{ ".example", -1, "" },
	{ ".example.com", -1, "" },
	{ ".example.example", -1, "" },
	{ "example", 0, "example" },
	{ "example.example", 1, "example.example" },
	{ "b.example.example", 1, "example.example" },
	{ "a.b.example.example", 1, "example.example" },
	/* TLD with only one rule; with some two-level rules */
	{ "biz", 0, "biz" },
	{ "domain.biz", 1, "domain.biz" },
	{ "b.domain.biz", 1, "domain.biz" },
	{ "a.b.domain.biz", 1, "domain.biz" },
	{ "com", 0, "com" },
	{ "example.com", 1, "example.com" },
	{ "b.example.com", 1, "example.com" },
	{ "a.b.example.com", 1, "example.com" },
	{ "uk.com", 0, "uk.com" },
	{ "example.uk.com", 1, "example.uk.com" },
	{ "b.example.uk.com", 1, "example.uk.com" },
	{ "a.b.example.uk.com", 1, "example.uk.com" },
	{ "test.ac", 1, "test.ac" },
	/* TLD with only one (wildcard) rule */
	{ "mm", 0, "mm" },
	{ "c.mm", 0, "c.mm" },
	{ "b.c.mm", 1, "b.c.mm" },
	{ "a.b.c.mm", 1, "b.c.mm" },
	/* more complex TLD */
	{ "jp", 0, "jp" },
	{ "test.jp", 1, "test.jp" },
	{ "www.test.jp", 1, "test.jp" },
	{ "ac.jp", 0, "ac.jp" },
	{ "test.ac.jp", 1, "test.ac.jp" },
	{ "www.test.ac.jp", 1, "test.ac.jp" },
	{ "kyoto.jp", 0, "kyoto.jp" },
	{ "test.kyoto.jp", 1, "test.kyoto.jp" },
	{ "ide.kyoto.jp", 0, "ide.kyoto.jp" },
	{ "b.ide.kyoto.jp", 1, "b.ide.kyoto.jp" },
	{ "a.b.ide.kyoto.jp", 1, "b.ide.kyoto.jp" },
	{ "c.kobe.jp", 0, "c.kobe.jp" },
	{ "b.c.kobe.jp", 1, "b.c.kobe.jp" },
	{ "a.b.c.kobe.jp", 1, "b.c.kobe.jp" },
	{ "city.kobe.jp", 1, "city.kobe.jp" },
	{ "www.city.kobe.jp", 1, "city.kobe.jp" },
	/* TLD with a wildcard rule and exceptions */
	{ "ck", 0, "ck" },
	{ "test.ck", 0, "test.ck" },
	{ "b.test.ck", 1, "b.test.ck" },
	{ "a.b.test.ck", 1, "b.test.ck" },
	{ "www.ck", 1, "www.ck" },
	{ "www.www.ck", 1, "www.ck" },
	/* US K12 */
	{ "us", 0, "us" },
	{ "test.us", 1, "test.us" },
	{ "www.test.us", 1, "test.us" },
	{ "ak.us", 0, "ak.us" },
	{ "test.ak.us", 1, "test.ak.us" },
	{ "www.test.ak.us", 1, "test.ak.us" },
	{ "k12.ak.us", 0, "k12.ak.us" },
	{ "test.k12.ak.us", 1, "test.k12.ak.us" },
	{ "www.test.k12.ak.us", 1, "test.k12.ak.us" },
	/* IDN labels, punycoded: the list holds them as U-labels */
	{ "xn--85x722f.com.cn", 1, "xn--85x722f.com.cn" },
	{ "xn--85x722f.xn--55qx5d.cn", 1, "xn--85x722f.xn--55qx5d.cn" },
	{ "www.xn--85x722f.xn--55qx5d.cn", 1, "xn--85x722f.xn--55qx5d.cn" },
	{ "shishi.xn--55qx5d.cn", 1, "shishi.xn--55qx5d.cn" },
	{ "xn--55qx5d.cn", 0, "xn--55qx5d.cn" },
	{ "xn--85x722f.xn--fiqs8s", 1, "xn--85x722f.xn--fiqs8s" },
	{ "www.xn--85x722f.xn--fiqs8s", 1, "xn--85x722f.xn--fiqs8s" },
	{ "shishi.xn--fiqs8s", 1, "shishi.xn--fiqs8s" },
	{ "xn--fiqs8s", 0, "xn--fiqs8s" },
	/* IDN labels as U-labels: input must be A-labels */
	{ "\xe9\xa3\x9f\xe7\x8b\xae.com.cn", -1, "" },
	{ "\xe4\xb8\xad\xe5\x9b\xbd", -1, "" },
	/* trailing dot, DMARC-style names */
	{ "Mail.Example.COM.", 1, "example.com" },
	{ "_dmarc.example.com", 1, "example.com" },
	{ "a..example.com", -1, "" },
	{ "example.com..", -1, "" },
	{ "ex ample.com", -1, "" },
	{ "", -1, "" },
};

/* run - the cases C[N] against L */
static void
run(const struct psl *l, const struct pcase *c, size_t n, const char *what)
{
	char	out[256], label[300];
	size_t	i;
	int	r;

	for (i = 0; i < n; i++) {
		(void)snprintf(label, sizeof(label), "%s %s", what, c[i].in);
		strcpy(out, "");
		r = psl_org_domain(l, c[i].in, out, sizeof(out));
		CHECK_INT(r, c[i].r, label);
		if (r >= 0)
			CHECK_STR(out, c[i].out, label);
	}
}

/* write_list - TEXT to a temporary file; its path into PATH */
static void
write_list(const char *text, size_t len, char path[32])
{
	int	fd;

	strcpy(path, "/tmp/test_psl.XXXXXX");
	if ((fd = mkstemp(path)) < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	(void)close(fd);
}

/* load - TEXT through a temporary file */
static struct psl *
load(const char *text, size_t len, unsigned int flags, char *why,
    size_t whylen)
{
	struct psl	*l;
	char		 path[32];

	write_list(text, len, path);
	l = psl_load(path, flags, why, whylen);
	(void)unlink(path);
	return l;
}

/*
 * A list with every rule form, CR LF and comment shapes, rules that must
 * be skipped (a 64-octet label; 23 CJK characters, whose A-label is 66
 * octets, while 22 give exactly 63 and are kept), and IDN rules: the
 * RFC 3492 7.1 samples (B), (C), (L) with "B" as in the RFC, (A), and
 * two European names.
 */
static const char synth[] =
	"// a comment\n"
	"com\n"
	"*.ck\r\n"
	"!www.ck\n"
	"*.kawasaki.jp\n"
	"!city.kawasaki.jp\n"
	"jp\n"
	"  co.uk   text after whitespace is ignored\n"
	"Gov.UK\n"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.long\n"
	"\xe4\xb8\x80\xe4\xb9\xa1\xe4\xbb\x82\xe4\xbc\xa3\xe4\xbe\x84"
	"\xe4\xbf\xa5\xe5\x81\x86\xe5\x82\xa7\xe5\x84\x88\xe5\x85\xa9"
	"\xe5\x87\x8a\xe5\x88\xab\xe5\x8a\x8c\xe5\x8b\xad\xe5\x8d\x8e"
	"\xe5\x8e\xaf\xe5\x90\x90\xe5\x91\xb1\xe5\x93\x92\xe5\x94\xb3"
	"\xe5\x96\x94\xe5\x97\xb5"
	".long\n"
	"\xe4\xb8\x80\xe4\xb9\xa1\xe4\xbb\x82\xe4\xbc\xa3\xe4\xbe\x84"
	"\xe4\xbf\xa5\xe5\x81\x86\xe5\x82\xa7\xe5\x84\x88\xe5\x85\xa9"
	"\xe5\x87\x8a\xe5\x88\xab\xe5\x8a\x8c\xe5\x8b\xad\xe5\x8d\x8e"
	"\xe5\x8e\xaf\xe5\x90\x90\xe5\x91\xb1\xe5\x93\x92\xe5\x94\xb3"
	"\xe5\x96\x94\xe5\x97\xb5\xe5\x99\x96"
	".long\n"
	"\tnet\t// a trailing comment\n"
	"*\n"
	"bad..rule\n"
	"a*.b\n"
	"!\n"
	"*.\n"
	"foo.*.bar\n"
	"\xff.example\n"
	"\xc0\xaf.example\n"
	"\xed\xa0\x80.example\n"
	"\xe4\xb8.example\n"
	"b\xc3\xbc" "cher.example\n"
	"m\xc3\xbc" "nchen\n"
	"\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8"
	"\x8d\xe8\xaf\xb4\xe4\xb8\xad\xe6\x96\x87\n"
	"\xe4\xbb\x96\xe5\x80\x91\xe7\x88\xb2\xe4\xbb\x80\xe9\xba\xbd\xe4\xb8"
	"\x8d\xe8\xaa\xaa\xe4\xb8\xad\xe6\x96\x87\n"
	"3\xe5\xb9\xb4" "B\xe7\xb5\x84\xe9\x87\x91\xe5\x85\xab\xe5\x85\x88\xe7"
	"\x94\x9f\n"
	"\xd9\x84\xd9\x8a\xd9\x87\xd9\x85\xd8\xa7\xd8\xa8\xd8\xaa\xd9\x83\xd9"
	"\x84\xd9\x85\xd9\x88\xd8\xb4\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\x9f\n"
	"// ===BEGIN PRIVATE DOMAINS===\n"
	"github.io\n"
	"// ===END PRIVATE DOMAINS===\n"
	"after.example";			/* no final newline */

/* The rules synth[] must yield (A-label forms). */
#define SYNTH_RULES	18

static const struct pcase synth_cases[] = {
	{ "a.b.c.d.co.uk", 1, "d.co.uk" },
	{ "X.Y.UK", 1, "y.uk" },
	{ "a.b.gov.uk", 1, "b.gov.uk" },		/* "Gov.UK" */
	{ "a.b.xn--4gq0ilk2mupyshviyp0az1ar4aj7abzb20bu3bm5be8b5xcxycp1ch2c84c"
	    ".long", 1, "b.xn--4gq0ilk2mupyshviyp0az1ar4aj7abzb20bu3bm5be8b5"
	    "xcxycp1ch2c84c.long" },		/* a 63-octet A-label */
	{ "a.b.ck", 1, "a.b.ck" },
	{ "b.ck", 0, "b.ck" },
	{ "x.www.ck", 1, "www.ck" },
	{ "a.city.kawasaki.jp", 1, "city.kawasaki.jp" },
	{ "a.b.net", 1, "b.net" },
	{ "a.b.xn--bcher-kva.example", 1, "b.xn--bcher-kva.example" },
	{ "xn--bcher-kva.example", 0, "xn--bcher-kva.example" },
	{ "a.b.xn--mnchen-3ya", 1, "b.xn--mnchen-3ya" },
	{ "a.b.xn--ihqwcrb4cv8a8dqg056pqjye", 1,
	    "b.xn--ihqwcrb4cv8a8dqg056pqjye" },
	{ "a.b.xn--ihqwctvzc91f659drss3x8bo0yb", 1,
	    "b.xn--ihqwctvzc91f659drss3x8bo0yb" },
	{ "a.b.XN--3B-WW4C5E180E575A65LSY2B", 1,
	    "b.xn--3b-ww4c5e180e575a65lsy2b" },
	{ "a.b.xn--egbpdaj6bu4bxfgehfvwxn", 1, "b.xn--egbpdaj6bu4bxfgehfvwxn" },
	{ "a.b.rule", 1, "b.rule" },			/* bad..rule skipped */
	{ "x.github.io", 1, "x.github.io" },
	{ "a.after.example", 1, "a.after.example" },
	{ "a.b.bar", 1, "b.bar" },			/* foo.*.bar skipped */
	{ "a.b.example", 1, "b.example" },		/* bad UTF-8 skipped */
};

/* synth_icann - the same list without its PRIVATE part */
static const struct pcase synth_icann[] = {
	{ "x.github.io", 1, "github.io" },
	{ "a.after.example", 1, "a.after.example" },	/* ICANN again */
};

/* test_synthetic - every rule form, pinned */
static void
test_synthetic(void)
{
	struct psl	*l;
	char		 why[128], out[16];

	l = load(synth, sizeof(synth) - 1, 0, why, sizeof(why));
	CHECK(l != NULL, "synthetic list: %s", why);
	if (l == NULL)
		return;
	CHECK_INT(psl_rules(l), SYNTH_RULES, "rules kept");
	run(l, synth_cases, sizeof(synth_cases) / sizeof(synth_cases[0]),
	    "synthetic");
	CHECK_INT(psl_org_domain(l, "a.b.example.com", out, 12), 1,
	    "OUTLEN just enough");
	CHECK_INT(psl_org_domain(l, "a.b.example.com", out, 11), -1,
	    "OUTLEN too small");
	CHECK_INT(psl_org_domain(l, NULL, out, sizeof(out)), -1, "NULL");
	psl_free(l);
	l = load(synth, sizeof(synth) - 1, PSL_ICANN_ONLY, why, sizeof(why));
	CHECK(l != NULL, "ICANN only: %s", why);
	if (l == NULL)
		return;
	CHECK_INT(psl_rules(l), SYNTH_RULES - 1, "ICANN rules kept");
	run(l, synth_icann, sizeof(synth_icann) / sizeof(synth_icann[0]),
	    "ICANN only");
	psl_free(l);
}

/* test_lengths - 253 octets, 63-octet labels, and one past each */
static void
test_lengths(const struct psl *l)
{
	char	name[300], out[300];
	size_t	n;

	memset(name, 'a', 63);
	strcpy(name + 63, ".example.com");
	CHECK_INT(psl_org_domain(l, name, out, sizeof(out)), 1, "63 octets");
	memset(name, 'a', 64);
	strcpy(name + 64, ".example.com");
	CHECK_INT(psl_org_domain(l, name, out, sizeof(out)), -1, "64 octets");
	for (n = 0; n + 2 < 253 - 4; n += 2)
		memcpy(name + n, "a.", 2);
	strcpy(name + n, "a.com");		/* 253 octets in all */
	CHECK_INT(strlen(name), 253, "name length");
	CHECK_INT(psl_org_domain(l, name, out, sizeof(out)), 1, "253 octets");
	CHECK_STR(out, "a.com", "253 octets");
	strcat(name, ".");
	CHECK_INT(psl_org_domain(l, name, out, sizeof(out)), 1, "253 + dot");
	memmove(name + 1, name, strlen(name) + 1);
	name[0] = 'b';
	name[strlen(name) - 1] = '\0';
	CHECK_INT(psl_org_domain(l, name, out, sizeof(out)), -1,
	    "254 octets");
}

/* test_errors - files that are no list */
static void
test_errors(void)
{
	char	why[128];

	CHECK(psl_load("/nonexistent/psl.dat", 0, why, sizeof(why)) == NULL,
	    "missing file loaded");
	CHECK(strstr(why, "cannot open") != NULL, "why=\"%s\"", why);
	CHECK(load("", 0, 0, why, sizeof(why)) == NULL, "empty file loaded");
	CHECK(strstr(why, "no rule") != NULL, "why=\"%s\"", why);
	CHECK(load("// only\n// comments\n\n", 22, 0, why, sizeof(why)) ==
	    NULL, "comments only loaded");
	CHECK(load("a..b\n*\n", 7, 0, NULL, 0) == NULL, "no valid rule");
	psl_free(NULL);
	CHECK_INT(psl_rules(NULL), 0, "psl_rules(NULL)");
}

static uint32_t	rnd_state = 88172645u;

/* rnd - xorshift32: the same sequence on every run */
static uint32_t
rnd(void)
{
	return check_xorshift(&rnd_state);
}

/* rnd_name - 1..8 labels from a small alphabet, some real suffixes */
static void
rnd_name(char *b)
{
	static const char *const tails[] = { "com", "co.uk", "ck", "jp",
	    "kawasaki.jp", "github.io", "xn--55qx5d.cn", "zz", "us" };
	size_t	nl = rnd() % 6, i, j, n = 0;

	for (i = 0; i < nl; i++) {
		for (j = 1 + rnd() % 3; j > 0; j--)
			b[n++] = "abcwy-0"[rnd() % 7];
		b[n++] = '.';
	}
	strcpy(b + n, tails[rnd() % (sizeof(tails) / sizeof(tails[0]))]);
}

/* test_random - the answer is a label-aligned suffix of the input */
static void
test_random(const struct psl *l)
{
	char	name[256], out[256];
	size_t	i, bad = 0, n, m;
	int	r;

	for (i = 0; i < 20000; i++) {
		rnd_name(name);
		r = psl_org_domain(l, name, out, sizeof(out));
		if (r < 0)
			continue;
		n = strlen(name);
		m = strlen(out);
		if (m > n || strcmp(name + n - m, out) != 0 ||
		    (m < n && name[n - m - 1] != '.') || (r == 0 && m != n))
			bad++;
	}
	CHECK_INT(bad, 0, "random names: suffix at a label boundary");
}

/* A lookup thread: every case of sys_cases, many times. */
static void *
worker(void *arg)
{
	const struct psl	*l = arg;
	char			 out[256];
	size_t			 i, k;
	uintptr_t		 bad = 0;

	for (k = 0; k < 200; k++)
		for (i = 0; i < sizeof(sys_cases) / sizeof(sys_cases[0]); i++)
			if (psl_org_domain(l, sys_cases[i].in, out,
			    sizeof(out)) != sys_cases[i].r || (sys_cases[i].r >=
			    0 && strcmp(out, sys_cases[i].out) != 0))
				bad++;
	return (void *)bad;
}

/* test_threads - read-only after load: lookups need no lock */
static void
test_threads(const struct psl *l)
{
	pthread_t	t[4];
	void		*bad;
	size_t		 i, sum = 0;

	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)l) != 0)
			abort();
	for (i = 0; i < 4; i++) {
		(void)pthread_join(t[i], &bad);
		sum += (uintptr_t)bad;
	}
	CHECK_INT(sum, 0, "four threads, one list");
}

int
main(void)
{
	struct psl	*l;
	char		 why[128];

	l = psl_load(SYSTEM_PSL, 0, why, sizeof(why));
	CHECK(l != NULL, "%s: %s (package publicsuffix)", SYSTEM_PSL, why);
	if (l != NULL) {
		CHECK(psl_rules(l) > 5000, "rules: %zu", psl_rules(l));
		run(l, sys_cases, sizeof(sys_cases) / sizeof(sys_cases[0]),
		    "system");
		test_lengths(l);
		test_random(l);
		test_threads(l);
		psl_free(l);
	}
	test_synthetic();
	test_errors();
	return check_done("test_psl");
}
