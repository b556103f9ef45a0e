/*
 * test_dns.c - tests of the DNS module (milter/dns.h) against a real server
 *
 * Usage: test_dns FIXTURE_CONF
 *
 * FIXTURE_CONF is the authmilter-dns.conf written by test/dns/fixture.sh
 * (test/dns.sh starts the fixture and runs this program).  The program
 * adds "DNSTimeout 1500ms" and "DNSMessageBudget 5s" to a copy of it,
 * loads that with config_load() and queries the fixture's zones:
 *
 *   secure.test.		TXT "v=test secure", A 192.0.2.10 (signed)
 *   bogus.test.		TXT with a corrupted RRSIG
 *   cname.test.		CNAME secure.test.
 *   *.insec.test.		unsigned zone under an unsigned delegation
 *   *.blackhole.test.		served by a server that never answers
 *
 * The pure functions (dns_classify, the string and budget helpers) are
 * checked first.  Time bounds are correctness bounds (an answer must not
 * come before its deadline nor long after it), never performance ones.
 */
#include <sys/types.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "dns.h"

#define RR_A		1
#define RR_CNAME	5
#define RR_MX		15
#define RR_TXT		16

#define TIMEOUT_MS	1500	/* DNSTimeout of the test config */
#define BUDGET_MS	5000	/* DNSMessageBudget of the test config */
#define SHORT_MS	300	/* a budget shorter than the timeout */
#define SLACK_MS	1000	/* how late past a deadline an answer may be */
#define ZONE_TTL	300	/* $TTL of the fixture's zones */

#define NTHREADS	16
#define NROUNDS		40	/* queries per thread */

static struct config	*cfg;
static struct dns	*dns;

/* ------------------------------------------------------------- helpers */

/* now_ms - CLOCK_MONOTONIC in milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * txt_join - the character-strings of TXT rdata P, LEN joined into OUT;
 * the number of strings, or -1 when the rdata is malformed or too long
 */
static int
txt_join(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t	 off = 0, n = 0, slen;
	int	 strings = 0;

	if (p == NULL || outlen == 0)
		return -1;
	while (off < len) {
		slen = p[off++];
		if (slen > len - off || n + slen >= outlen)
			return -1;
		memcpy(out + n, p + off, slen);
		n += slen;
		off += slen;
		strings++;
	}
	out[n] = '\0';
	return strings;
}

/* report - config_load's report function: print each problem */
static void
report(void *arg, const char *msg)
{
	printf("test_dns: %s: %s\n", (const char *)arg, msg);
}

/* load_config - the fixture's lines plus the test's own DNS timing */
static struct config *
load_config(const char *fixture)
{
	struct config	*c;
	char		 path[4096], line[4096];
	FILE		*in, *out;
	int		 fd;

	if (snprintf(path, sizeof path, "%s.XXXXXX", fixture) >=
	    (int)sizeof path)
		return NULL;
	if ((in = fopen(fixture, "r")) == NULL) {
		perror(fixture);
		return NULL;
	}
	if ((fd = mkstemp(path)) == -1 || (out = fdopen(fd, "w")) == NULL) {
		perror(path);
		fclose(in);
		return NULL;
	}
	while (fgets(line, sizeof line, in) != NULL)
		fputs(line, out);
	fprintf(out, "DNSTimeout %ums\nDNSMessageBudget %ums\n",
	    TIMEOUT_MS, BUDGET_MS);
	fclose(in);
	if (fclose(out) != 0) {
		perror(path);
		unlink(path);
		return NULL;
	}
	c = config_load(path, report, path);
	unlink(path);
	return c;
}

/* query - dns_query with the config's budget; never NULL */
static struct dns_answer *
query(struct dns *d, const char *name, int type)
{
	struct dns_budget	 b;
	struct dns_answer	*a;

	dns_budget_start(&b, cfg->dns_budget_ms);
	if ((a = dns_query(d, name, type, &b)) == NULL) {
		printf("test_dns: dns_query %s/%d: out of memory\n", name,
		    type);
		exit(1);
	}
	return a;
}

/* check_answer - status and security of A for NAME */
static void
check_answer(const struct dns_answer *a, const char *name,
    enum dns_status status, enum dns_security sec)
{
	CHECK(a->status == status, "%s: status got=%s want=%s", name,
	    dns_status_str(a->status), dns_status_str(status));
	CHECK(a->security == sec, "%s: security got=%s want=%s", name,
	    dns_security_str(a->security), dns_security_str(sec));
}

/* check_txt - A holds one TXT record whose strings join to WANT */
static void
check_txt(const struct dns_answer *a, const char *name, const char *want,
    int nstrings)
{
	char	 got[512];
	int	 n;

	CHECK_INT(a->count, 1, name);
	if (a->count < 1 || a->rdata == NULL || a->rdlen == NULL)
		return;
	n = txt_join(a->rdata[0], a->rdlen[0], got, sizeof got);
	CHECK_INT(n, nstrings, name);
	CHECK_STR(n >= 0 ? got : NULL, want, name);
}

/* check_wire - A carries a whole response packet */
static void
check_wire(const struct dns_answer *a, const char *name, int rcode)
{
	CHECK(a->wire != NULL && a->wirelen >= 12,
	    "%s: wire got=%p wirelen=%zu want a packet", name,
	    (const void *)a->wire, a->wirelen);
	if (a->wire == NULL || a->wirelen < 12)
		return;
	/* Header: QR set, the rcode in the low bits of the fourth byte. */
	CHECK(a->wire[2] & 0x80, "%s: wire is no response", name);
	CHECK_INT(a->wire[3] & 0x0f, rcode, name);
}

/* ------------------------------------------------------ pure functions */

static void
test_classify(void)
{
	static const struct {
		int		 rcode, havedata, nxdomain, secure, bogus;
		enum dns_status	 want;
	} t[] = {
		{ 0, 1, 0, 1, 0, DNS_OK },
		{ 0, 1, 0, 0, 0, DNS_OK },
		{ 0, 0, 0, 1, 0, DNS_NODATA },
		{ 0, 0, 0, 0, 0, DNS_NODATA },
		{ 3, 0, 1, 1, 0, DNS_NXDOMAIN },
		{ 3, 0, 1, 0, 0, DNS_NXDOMAIN },
		{ 2, 0, 0, 0, 0, DNS_SERVFAIL },
		{ 5, 0, 0, 0, 0, DNS_SERVFAIL },	/* REFUSED */
		/* Bogus comes first, whatever else the result says. */
		{ 0, 1, 0, 0, 1, DNS_BOGUS },
		{ 0, 0, 0, 0, 1, DNS_BOGUS },
		{ 3, 0, 1, 0, 1, DNS_BOGUS },
		{ 2, 0, 0, 0, 1, DNS_BOGUS },
	};
	size_t	 i;
	enum dns_status got;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		got = dns_classify(t[i].rcode, t[i].havedata, t[i].nxdomain,
		    t[i].secure, t[i].bogus);
		CHECK(got == t[i].want, "classify row %zu (rcode=%d havedata=%d"
		    " nxdomain=%d secure=%d bogus=%d): got=%s want=%s", i,
		    t[i].rcode, t[i].havedata, t[i].nxdomain, t[i].secure,
		    t[i].bogus, dns_status_str(got),
		    dns_status_str(t[i].want));
	}
}

static void
test_strings(void)
{
	static const enum dns_status st[] = {
		DNS_OK, DNS_NXDOMAIN, DNS_NODATA, DNS_SERVFAIL, DNS_TIMEOUT,
		DNS_BOGUS, DNS_ERROR
	};
	size_t	 i, j;

	/* Every status has its own non-empty name. */
	for (i = 0; i < sizeof st / sizeof st[0]; i++) {
		const char *s = dns_status_str(st[i]);

		CHECK(s != NULL && *s != '\0', "status %d has no name",
		    (int)st[i]);
		for (j = 0; s != NULL && j < i; j++)
			CHECK(strcmp(s, dns_status_str(st[j])) != 0,
			    "statuses %zu and %zu share the name %s", i, j, s);
	}
	CHECK_STR(dns_status_str(DNS_TIMEOUT), "timeout", "timeout name");
	CHECK_STR(dns_status_str(DNS_BOGUS), "bogus", "bogus name");

	/* The names written as "dnssec=..." in A-R comments. */
	CHECK_STR(dns_security_str(DNS_SEC_SECURE), "secure", "secure");
	CHECK_STR(dns_security_str(DNS_SEC_INSECURE), "insecure",
	    "insecure");
	CHECK_STR(dns_security_str(DNS_SEC_BOGUS), "bogus", "sec bogus");
	CHECK(dns_security_str(DNS_SEC_INDETERMINATE) != NULL &&
	    *dns_security_str(DNS_SEC_INDETERMINATE) != '\0',
	    "indeterminate has no name");
}

static void
test_sec_combine(void)
{
	static const enum dns_security all[] = {
		DNS_SEC_INSECURE, DNS_SEC_SECURE, DNS_SEC_BOGUS,
		DNS_SEC_INDETERMINATE
	};
	size_t	 i, j;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		enum dns_security x = all[i];

		/* Secure weakens nothing; bogus wins over everything. */
		CHECK(dns_sec_combine(DNS_SEC_SECURE, x) == x,
		    "combine(secure, %s) got=%s", dns_security_str(x),
		    dns_security_str(dns_sec_combine(DNS_SEC_SECURE, x)));
		CHECK(dns_sec_combine(DNS_SEC_BOGUS, x) == DNS_SEC_BOGUS,
		    "combine(bogus, %s) got=%s", dns_security_str(x),
		    dns_security_str(dns_sec_combine(DNS_SEC_BOGUS, x)));
		CHECK(dns_sec_combine(x, x) == x, "combine(%s, %s) got=%s",
		    dns_security_str(x), dns_security_str(x),
		    dns_security_str(dns_sec_combine(x, x)));
		for (j = 0; j < sizeof all / sizeof all[0]; j++)
			CHECK(dns_sec_combine(x, all[j]) ==
			    dns_sec_combine(all[j], x),
			    "combine(%s, %s) is not symmetric",
			    dns_security_str(x), dns_security_str(all[j]));
	}
	CHECK(dns_sec_combine(DNS_SEC_INSECURE, DNS_SEC_SECURE) ==
	    DNS_SEC_INSECURE, "combine(insecure, secure) is not insecure");
}

static void
test_budget(void)
{
	struct dns_budget	 b;
	unsigned		 left;

	dns_budget_start(&b, 10000);
	left = dns_budget_left_ms(&b);
	CHECK(left > 9000 && left <= 10000, "budget 10000: left=%u", left);
	dns_budget_start(&b, 0);
	CHECK_INT(dns_budget_left_ms(&b), 0, "spent budget left");

	dns_answer_free(NULL);	/* no-ops, as the header promises */
	dns_free(NULL);
}

/* ------------------------------------------------------------- answers */

static void
test_secure(void)
{
	struct dns_answer	*a;
	static const unsigned char want_a[4] = { 192, 0, 2, 10 };

	a = query(dns, "secure.test.", RR_TXT);
	check_answer(a, "secure.test/TXT", DNS_OK, DNS_SEC_SECURE);
	CHECK_INT(a->rcode, 0, "secure.test/TXT rcode");
	check_txt(a, "secure.test/TXT", "v=test secure", 1);
	/* The exact wire form: one length-prefixed character-string. */
	CHECK(a->count == 1 && a->rdlen[0] == 14 &&
	    memcmp(a->rdata[0], "\015v=test secure", 14) == 0,
	    "secure.test/TXT rdata is not \\013v=test secure");
	CHECK(a->ttl > 0 && a->ttl <= ZONE_TTL, "secure.test ttl=%u",
	    a->ttl);
	CHECK(a->why_bogus[0] == '\0', "secure.test why_bogus=\"%s\"",
	    a->why_bogus);
	check_wire(a, "secure.test/TXT", 0);
	dns_answer_free(a);

	/* Without the final dot, too. */
	a = query(dns, "secure.test", RR_A);
	check_answer(a, "secure.test/A", DNS_OK, DNS_SEC_SECURE);
	CHECK_INT(a->count, 1, "secure.test/A count");
	CHECK(a->count == 1 && a->rdlen[0] == 4 &&
	    memcmp(a->rdata[0], want_a, 4) == 0,
	    "secure.test/A is not 192.0.2.10");
	check_wire(a, "secure.test/A", 0);
	dns_answer_free(a);
}

static void
test_insecure(void)
{
	struct dns_answer	*a;
	char			 s[512];
	bool			 first = false, second = false;
	size_t			 i;

	a = query(dns, "txt.insec.test.", RR_TXT);
	check_answer(a, "txt.insec.test", DNS_OK, DNS_SEC_INSECURE);
	check_txt(a, "txt.insec.test", "v=test insecure", 1);
	check_wire(a, "txt.insec.test", 0);
	dns_answer_free(a);

	/* Two records, one of them three character-strings. */
	a = query(dns, "multi.insec.test.", RR_TXT);
	check_answer(a, "multi.insec.test", DNS_OK, DNS_SEC_INSECURE);
	CHECK_INT(a->count, 2, "multi.insec.test count");
	for (i = 0; i < a->count; i++) {
		switch (txt_join(a->rdata[i], a->rdlen[i], s, sizeof s)) {
		case 1:
			first = strcmp(s, "first record") == 0;
			break;
		case 3:
			second = strcmp(s, "second record in three strings")
			    == 0;
			break;
		default:
			break;
		}
	}
	CHECK(first && second, "multi.insec.test: first=%d second=%d",
	    first, second);
	dns_answer_free(a);

	a = query(dns, "strings.insec.test.", RR_TXT);
	check_answer(a, "strings.insec.test", DNS_OK, DNS_SEC_INSECURE);
	check_txt(a, "strings.insec.test", "v=spf1 ip4:192.0.2.0/24 -all", 3);
	dns_answer_free(a);

	a = query(dns, "nope.insec.test.", RR_TXT);
	check_answer(a, "nope.insec.test", DNS_NXDOMAIN, DNS_SEC_INSECURE);
	CHECK_INT(a->count, 0, "nope.insec.test count");
	dns_answer_free(a);
}

static void
test_bogus(void)
{
	struct dns_answer *a;

	a = query(dns, "bogus.test.", RR_TXT);
	check_answer(a, "bogus.test", DNS_BOGUS, DNS_SEC_BOGUS);
	/* Nothing of a bogus answer may be used: no records, no packet. */
	CHECK_INT(a->count, 0, "bogus.test count");
	CHECK(a->rdata == NULL, "bogus.test rdata exposed");
	CHECK(a->wire == NULL && a->wirelen == 0,
	    "bogus.test packet exposed (wirelen=%zu)", a->wirelen);
	CHECK(a->why_bogus[0] != '\0', "bogus.test: why_bogus is empty");
	CHECK(memchr(a->why_bogus, '\0', sizeof a->why_bogus) != NULL,
	    "bogus.test: why_bogus not terminated");
	dns_answer_free(a);

	/* Still bogus the second time (from the cache). */
	a = query(dns, "bogus.test.", RR_TXT);
	check_answer(a, "bogus.test again", DNS_BOGUS, DNS_SEC_BOGUS);
	CHECK_INT(a->count, 0, "bogus.test again count");
	dns_answer_free(a);
}

static void
test_negative(void)
{
	struct dns_answer *a;

	a = query(dns, "nope.test.", RR_TXT);
	check_answer(a, "nope.test", DNS_NXDOMAIN, DNS_SEC_SECURE);
	CHECK_INT(a->rcode, 3, "nope.test rcode");
	CHECK_INT(a->count, 0, "nope.test count");
	dns_answer_free(a);

	a = query(dns, "secure.test.", RR_MX);
	check_answer(a, "secure.test/MX", DNS_NODATA, DNS_SEC_SECURE);
	CHECK_INT(a->rcode, 0, "secure.test/MX rcode");
	CHECK_INT(a->count, 0, "secure.test/MX count");
	dns_answer_free(a);
}

static void
test_cname(void)
{
	struct dns_answer *a;

	a = query(dns, "cname.test.", RR_TXT);
	check_answer(a, "cname.test", DNS_OK, DNS_SEC_SECURE);
	check_txt(a, "cname.test", "v=test secure", 1);
	check_wire(a, "cname.test", 0);
	dns_answer_free(a);

	/* Asked for the CNAME itself, the answer is the CNAME record. */
	a = query(dns, "cname.test.", RR_CNAME);
	check_answer(a, "cname.test/CNAME", DNS_OK, DNS_SEC_SECURE);
	CHECK(a->count == 1 && a->rdlen[0] == 13 &&
	    memcmp(a->rdata[0], "\006secure\004test", 13) == 0,
	    "cname.test/CNAME rdata is not secure.test.");
	dns_answer_free(a);
}

static void
test_bad_names(void)
{
	struct dns_answer	*a;
	char			 name[400];

	a = query(dns, "", RR_TXT);
	CHECK(a->status == DNS_ERROR, "empty name: got=%s want=error",
	    dns_status_str(a->status));
	dns_answer_free(a);

	memset(name, 'a', sizeof name - 1);	/* longer than 253 */
	name[sizeof name - 1] = '\0';
	a = query(dns, name, RR_TXT);
	CHECK(a->status == DNS_ERROR, "400-byte name: got=%s want=error",
	    dns_status_str(a->status));
	CHECK_INT(a->count, 0, "400-byte name count");
	dns_answer_free(a);

	memset(name, 'a', 64);			/* a 64-byte label */
	strcpy(name + 64, ".insec.test.");
	a = query(dns, name, RR_TXT);
	CHECK(a->status == DNS_ERROR, "64-byte label: got=%s want=error",
	    dns_status_str(a->status));
	dns_answer_free(a);

	a = query(dns, "a..insec.test.", RR_TXT);	/* an empty label */
	CHECK(a->status == DNS_ERROR, "empty label: got=%s want=error",
	    dns_status_str(a->status));
	dns_answer_free(a);

	dns_prefetch(dns, "", RR_TXT);		/* must not crash */
	dns_prefetch(dns, name, RR_TXT);
}

static void
test_prefetch(void)
{
	struct dns_answer *a;

	dns_prefetch(dns, "prefetch.insec.test.", RR_TXT);
	a = query(dns, "prefetch.insec.test.", RR_TXT);
	check_answer(a, "prefetch.insec.test", DNS_OK, DNS_SEC_INSECURE);
	check_txt(a, "prefetch.insec.test", "v=test prefetch", 1);
	dns_answer_free(a);
}

static struct dns *fresh_dns(void);

/* -------------------------------------------------------- answer cache */

/* stats - the cache counters of D */
static struct dns_stats
stats(struct dns *d)
{
	struct dns_stats st;

	dns_get_stats(d, &st);
	return st;
}

/* same_answer - A and B carry the same records, packet and state */
static bool
same_answer(const struct dns_answer *a, const struct dns_answer *b)
{
	size_t i;

	if (a->status != b->status || a->security != b->security ||
	    a->rcode != b->rcode || a->count != b->count ||
	    a->wirelen != b->wirelen || (a->wirelen > 0 &&
	    memcmp(a->wire, b->wire, a->wirelen) != 0) ||
	    strcmp(a->why_bogus, b->why_bogus) != 0)
		return false;
	for (i = 0; i < a->count; i++)
		if (a->rdlen[i] != b->rdlen[i] ||
		    memcmp(a->rdata[i], b->rdata[i], a->rdlen[i]) != 0)
			return false;
	return true;
}

/* cached_twice - NAME/TYPE asked twice of D: a miss, then the same answer
 * from the cache; the first answer in *first (freed by the caller) */
static void
cached_twice(struct dns *d, const char *name, int type,
    struct dns_answer **first)
{
	struct dns_stats	 s0, s1, s2;
	struct dns_answer	*b;

	s0 = stats(d);
	*first = query(d, name, type);
	s1 = stats(d);
	b = query(d, name, type);
	s2 = stats(d);
	CHECK(s1.misses == s0.misses + 1 && s1.hits == s0.hits,
	    "%s: first query not a miss (hits %lu->%lu, misses %lu->%lu)",
	    name, s0.hits, s1.hits, s0.misses, s1.misses);
	CHECK(s2.hits == s1.hits + 1 && s2.misses == s1.misses,
	    "%s: second query not a hit (hits %lu->%lu, misses %lu->%lu)",
	    name, s1.hits, s2.hits, s1.misses, s2.misses);
	CHECK(same_answer(*first, b), "%s: the cached answer differs", name);
	CHECK(b->ttl <= (*first)->ttl, "%s: cached ttl %u over the first %u",
	    name, b->ttl, (*first)->ttl);
	dns_answer_free(b);
}

static void
test_cache(void)
{
	struct dns		*d = fresh_dns();
	struct dns_answer	*a, *b;
	struct dns_budget	 bud;
	struct dns_stats	 s0, s1;
	int			 i;

	CHECK(stats(d).hits == 0 && stats(d).misses == 0 &&
	    stats(d).entries == 0, "a new resolver's cache is empty");

	/* Positive, secure: the same records, packet and state again. */
	cached_twice(d, "secure.test.", RR_TXT, &a);
	check_answer(a, "cache secure.test", DNS_OK, DNS_SEC_SECURE);
	/* The key: letter case and the final dot do not matter... */
	s0 = stats(d);
	b = query(d, "SECURE.Test", RR_TXT);
	CHECK(stats(d).hits == s0.hits + 1, "SECURE.Test: not a hit");
	CHECK(same_answer(a, b), "SECURE.Test: not the same answer");
	dns_answer_free(b);
	dns_answer_free(a);
	/* ...the type does. */
	s0 = stats(d);
	a = query(d, "secure.test.", RR_A);
	CHECK(stats(d).misses == s0.misses + 1, "secure.test/A: not a miss");
	check_answer(a, "cache secure.test/A", DNS_OK, DNS_SEC_SECURE);
	dns_answer_free(a);

	/* Negative and bogus answers are kept too, as they were. */
	cached_twice(d, "nope.insec.test.", RR_TXT, &a);
	check_answer(a, "cache nope.insec.test", DNS_NXDOMAIN,
	    DNS_SEC_INSECURE);
	dns_answer_free(a);
	cached_twice(d, "secure.test.", RR_MX, &a);
	check_answer(a, "cache secure.test/MX", DNS_NODATA, DNS_SEC_SECURE);
	dns_answer_free(a);
	cached_twice(d, "bogus.test.", RR_TXT, &a);
	check_answer(a, "cache bogus.test", DNS_BOGUS, DNS_SEC_BOGUS);
	CHECK(a->count == 0 && a->wire == NULL, "cached bogus data exposed");
	dns_answer_free(a);

	/* A timeout is not kept: the next query asks again. */
	s0 = stats(d);
	for (i = 0; i < 2; i++) {
		dns_budget_start(&bud, SHORT_MS);
		a = dns_query(d, "z.blackhole.test.", RR_TXT, &bud);
		CHECK(a != NULL && a->status == DNS_TIMEOUT,
		    "blackhole %d: got=%s want=timeout", i,
		    a != NULL ? dns_status_str(a->status) : "NULL");
		dns_answer_free(a);
	}
	s1 = stats(d);
	CHECK(s1.misses == s0.misses + 2 && s1.hits == s0.hits,
	    "timeouts were cached (hits %lu->%lu, misses %lu->%lu)",
	    s0.hits, s1.hits, s0.misses, s1.misses);

	/* A prefetched answer lands in the cache. */
	dns_prefetch(d, "txt.insec.test.", RR_TXT);
	for (i = 0; i < 200 && stats(d).entries < s1.entries + 1; i++)
		usleep(10000);
	s0 = stats(d);
	a = query(d, "txt.insec.test", RR_TXT);
	CHECK(stats(d).hits == s0.hits + 1, "prefetched answer not a hit");
	check_txt(a, "cache txt.insec.test", "v=test insecure", 1);
	dns_answer_free(a);

	/* An answer leaves the cache with its TTL (2 s here). */
	cached_twice(d, "short.insec.test.", RR_TXT, &a);
	CHECK(a->ttl >= 1 && a->ttl <= 2, "short.insec.test ttl=%u", a->ttl);
	dns_answer_free(a);
	sleep(3);
	s0 = stats(d);
	a = query(d, "short.insec.test.", RR_TXT);
	CHECK(stats(d).misses == s0.misses + 1,
	    "short.insec.test: still cached after its TTL");
	check_txt(a, "short.insec.test", "v=test short ttl", 1);
	dns_answer_free(a);
	dns_free(d);
}

/* ------------------------------------------------------------ deadlines */

/*
 * fresh_dns - a resolver of its own for one timeout test.  libunbound
 * remembers unresponsive servers: after enough timeouts it gives up on
 * the blackhole and answers SERVFAIL at once, which would make the tests
 * depend on their order.
 */
static struct dns *
fresh_dns(void)
{
	struct dns	*d;
	char		 err[512];

	if ((d = dns_new(cfg, err, sizeof err)) == NULL) {
		printf("test_dns: dns_new: %s\n", err);
		exit(1);
	}
	return d;
}

static void
test_timeout(void)
{
	struct dns		*d = fresh_dns();
	struct dns_budget	 b;
	struct dns_answer	*a;
	long long		 t0, ms;

	t0 = now_ms();
	dns_budget_start(&b, BUDGET_MS);
	a = dns_query(d, "x.blackhole.test.", RR_TXT, &b);
	ms = now_ms() - t0;
	CHECK(a != NULL, "blackhole: NULL answer");
	if (a != NULL) {
		check_answer(a, "blackhole", DNS_TIMEOUT,
		    DNS_SEC_INDETERMINATE);
		CHECK_INT(a->rcode, -1, "blackhole rcode");
		CHECK_INT(a->count, 0, "blackhole count");
	}
	CHECK(ms >= TIMEOUT_MS && ms < TIMEOUT_MS + SLACK_MS,
	    "blackhole: took %lld ms, want %d..%d", ms, TIMEOUT_MS,
	    TIMEOUT_MS + SLACK_MS);
	dns_answer_free(a);

	/* The resolver still works after a cancelled query. */
	a = query(d, "secure.test.", RR_TXT);
	check_answer(a, "secure.test after timeout", DNS_OK, DNS_SEC_SECURE);
	dns_answer_free(a);

	/* Freed with a lookup still outstanding. */
	dns_prefetch(d, "prefetch.blackhole.test.", RR_TXT);
	dns_free(d);
}

static void
test_budget_short(void)
{
	struct dns		*d = fresh_dns();
	struct dns_budget	 b;
	struct dns_answer	*a;
	long long		 t0, ms;

	t0 = now_ms();
	dns_budget_start(&b, SHORT_MS);
	a = dns_query(d, "y.blackhole.test.", RR_TXT, &b);
	ms = now_ms() - t0;
	CHECK(a != NULL && a->status == DNS_TIMEOUT,
	    "short budget: got=%s want=timeout",
	    a != NULL ? dns_status_str(a->status) : "NULL");
	CHECK(ms >= SHORT_MS && ms < SHORT_MS + SLACK_MS,
	    "short budget: took %lld ms, want %d..%d", ms, SHORT_MS,
	    SHORT_MS + SLACK_MS);
	CHECK_INT(dns_budget_left_ms(&b), 0, "short budget left after");
	dns_answer_free(a);

	/* A spent budget ends a query at once, even one in the cache. */
	a = query(d, "secure.test.", RR_TXT);
	check_answer(a, "secure.test cached", DNS_OK, DNS_SEC_SECURE);
	dns_answer_free(a);
	t0 = now_ms();
	a = dns_query(d, "secure.test.", RR_TXT, &b);
	ms = now_ms() - t0;
	CHECK(a != NULL && a->status == DNS_TIMEOUT && a->count == 0,
	    "spent budget: got=%s want=timeout",
	    a != NULL ? dns_status_str(a->status) : "NULL");
	CHECK(ms < SLACK_MS, "spent budget: took %lld ms", ms);
	dns_answer_free(a);
	dns_free(d);
}

/*
 * test_late_answers - budgets of a millisecond or two against a live
 * server: answers come just before or just after the deadline, which
 * exercises cancellation racing delivery (run it under ASan).
 */
static void
test_late_answers(void)
{
	struct dns		*d = fresh_dns();
	struct dns_budget	 b;
	struct dns_answer	*a;
	char			 name[64];
	int			 i, ok = 1;

	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "late%d.insec.test.", i);
		dns_budget_start(&b, (unsigned)(i % 3));
		if ((a = dns_query(d, name, RR_TXT, &b)) == NULL) {
			ok = 0;
			break;
		}
		if (a->status != DNS_TIMEOUT && a->status != DNS_NXDOMAIN) {
			printf("test_dns: %s: got=%s want=timeout or "
			    "nxdomain\n", name, dns_status_str(a->status));
			ok = 0;
		}
		dns_answer_free(a);
	}
	CHECK(ok, "late answers");
	a = query(d, "txt.insec.test.", RR_TXT);
	check_answer(a, "txt.insec.test after races", DNS_OK,
	    DNS_SEC_INSECURE);
	dns_answer_free(a);
	dns_free(d);
}

/* ------------------------------------------------------------- threads */

static const struct expect {
	const char		*name;
	int			 type;
	enum dns_status		 status;
	enum dns_security	 sec;
	const char		*txt;		/* joined strings, or NULL */
} expects[] = {
	{ "secure.test.", RR_TXT, DNS_OK, DNS_SEC_SECURE, "v=test secure" },
	{ "secure.test.", RR_A, DNS_OK, DNS_SEC_SECURE, NULL },
	{ "cname.test.", RR_TXT, DNS_OK, DNS_SEC_SECURE, "v=test secure" },
	{ "bogus.test.", RR_TXT, DNS_BOGUS, DNS_SEC_BOGUS, NULL },
	{ "nope.test.", RR_TXT, DNS_NXDOMAIN, DNS_SEC_SECURE, NULL },
	{ "secure.test.", RR_MX, DNS_NODATA, DNS_SEC_SECURE, NULL },
	{ "txt.insec.test.", RR_TXT, DNS_OK, DNS_SEC_INSECURE,
	    "v=test insecure" },
	{ "strings.insec.test.", RR_TXT, DNS_OK, DNS_SEC_INSECURE,
	    "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "nope.insec.test.", RR_A, DNS_NXDOMAIN, DNS_SEC_INSECURE, NULL },
};
#define NEXPECTS	(sizeof expects / sizeof expects[0])

/* worker - NROUNDS queries over expects[]; returns the number wrong */
static void *
worker(void *arg)
{
	const struct expect	*e;
	struct dns_answer	*a;
	char			 s[512];
	size_t			 wrong = 0, i, start = (size_t)arg;
	bool			 good;

	for (i = 0; i < NROUNDS; i++) {
		e = &expects[(start + i) % NEXPECTS];
		a = query(dns, e->name, e->type);
		good = a->status == e->status && a->security == e->sec;
		if (good && e->status != DNS_OK)
			good = a->count == 0;
		if (good && e->txt != NULL)
			good = a->count == 1 && txt_join(a->rdata[0],
			    a->rdlen[0], s, sizeof s) >= 0 &&
			    strcmp(s, e->txt) == 0;
		if (!good) {
			printf("test_dns: thread %zu: %s/%d: got=%s/%s "
			    "want=%s/%s\n", start, e->name, e->type,
			    dns_status_str(a->status),
			    dns_security_str(a->security),
			    dns_status_str(e->status),
			    dns_security_str(e->sec));
			wrong++;
		}
		dns_answer_free(a);
	}
	return (void *)wrong;
}

static void
test_threads(void)
{
	pthread_t	 t[NTHREADS];
	void		*ret;
	size_t		 i, wrong = 0, started = 0;

	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			break;
		started++;
	}
	CHECK_INT(started, NTHREADS, "threads started");
	for (i = 0; i < started; i++) {
		pthread_join(t[i], &ret);
		wrong += (size_t)ret;
	}
	CHECK(wrong == 0, "threads: %zu of %d answers wrong", wrong,
	    NTHREADS * NROUNDS);
}

int
main(int argc, char *argv[])
{
	char	 err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: test_dns FIXTURE_CONF\n");
		return 2;
	}

	test_classify();
	test_strings();
	test_sec_combine();
	test_budget();

	if ((cfg = load_config(argv[1])) == NULL) {
		printf("test_dns: cannot load %s\n", argv[1]);
		CHECK(0, "config");
		return check_done("test_dns");
	}
	CHECK_INT(cfg->dns_timeout_ms, TIMEOUT_MS, "DNSTimeout");
	CHECK_INT(cfg->dns_budget_ms, BUDGET_MS, "DNSMessageBudget");
	if ((dns = dns_new(cfg, err, sizeof err)) == NULL) {
		printf("test_dns: dns_new: %s\n", err);
		CHECK(0, "dns_new");
		config_unref(cfg);
		return check_done("test_dns");
	}

	test_secure();
	test_insecure();
	test_bogus();
	test_negative();
	test_cname();
	test_bad_names();
	test_prefetch();
	test_cache();
	test_threads();
	test_timeout();
	test_budget_short();
	test_late_answers();

	dns_free(dns);
	config_unref(cfg);
	return check_done("test_dns");
}
