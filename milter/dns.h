/*
 * dns.h - every DNS lookup of authmilter, DNSSEC-validated, with deadlines
 *
 * Contract
 *   One struct dns holds one libunbound context for the whole process.  It
 *   is created after daemonizing (a context must not cross fork()), runs in
 *   threaded asynchronous mode (ub_ctx_async(ctx, 1)) and owns one pump
 *   thread that polls ub_fd() and calls ub_process(), so answers are
 *   delivered there and handed to the waiting caller.
 *
 *   dns_query() blocks the calling thread until the answer arrives or the
 *   deadline passes: the earlier of now + DNSTimeout and the message's
 *   budget (struct dns_budget).  On expiry the query is cancelled
 *   (ub_cancel) and the answer is DNS_TIMEOUT.  A query that is cancelled
 *   while its answer is being delivered is freed by whichever side lets go
 *   last (a reference count of two).
 *
 *   Each answer carries a status that tells NXDOMAIN, NODATA, SERVFAIL,
 *   timeout and bogus apart, and a DNSSEC security state.  A bogus answer
 *   is DNS_BOGUS: its data is never exposed (libunbound hands data for
 *   bogus answers too; we check bogus before anything else).
 *
 *   Default: full recursion from the root with the root trust anchor file
 *   of the dns-root-data package.  Forwarders, stub zones and extra trust
 *   anchors come from the configuration (the tests use them).  A stub zone
 *   is also made a transparent local zone, so that names under RFC 6761
 *   zones such as "test." can be served by it.
 *
 *   dns_prefetch() starts a lookup without waiting: the answer lands in
 *   the caches, where a later dns_query() finds it.
 *
 *   Answer cache: libunbound's own cache sits behind its worker thread,
 *   so even a cached answer costs two thread hand-offs and a pipe round
 *   trip each way.  dns.c keeps the answers it got (positive, NXDOMAIN,
 *   NODATA and bogus; never SERVFAIL, timeouts or errors) in a cache of
 *   its own, for their TTL (bogus ones at most 60 s, as libunbound's
 *   val-bogus-ttl), in AM_DNS_CACHE_SLOTS slots: a hit is answered in
 *   the calling thread.  Answers are immutable and shared by reference.
 *
 *   Thread safety: all calls may be made from any thread at once.
 */
#ifndef AM_DNS_H
#define AM_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct config;
struct dns;

/* dns_status - what a lookup came to */
enum dns_status {
	DNS_OK = 0,	/* data present */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, no record of that type */
	DNS_SERVFAIL,	/* server failure, refused, unreachable */
	DNS_TIMEOUT,	/* no answer before the deadline */
	DNS_BOGUS,	/* DNSSEC validation failed: data must not be used */
	DNS_ERROR	/* local failure (memory, bad name) */
};

/* dns_security - DNSSEC state of an answer */
enum dns_security {
	DNS_SEC_INSECURE = 0,	/* no chain of trust (unsigned, or no anchor) */
	DNS_SEC_SECURE,		/* validated */
	DNS_SEC_BOGUS,		/* validation failed */
	DNS_SEC_INDETERMINATE	/* no answer to judge (timeout, servfail) */
};

/* dns_answer - one answer; rdata are uncompressed wire format */
struct dns_answer {
	enum dns_status		 status;
	enum dns_security	 security;
	int			 rcode;		/* DNS rcode, -1 when none */
	unsigned		 ttl;
	size_t			 count;		/* records in rdata[] */
	const unsigned char	**rdata;
	const size_t		*rdlen;
	const unsigned char	*wire;		/* the whole response packet */
	size_t			 wirelen;
	char			 why_bogus[256];/* libunbound's reason, or "" */
	void			*priv;		/* owned by dns.c */
};

/*
 * dns_budget - the DNS time a message may still spend.  With cache_only,
 * a lookup is answered from the answer cache or not at all (DNS_TIMEOUT
 * at once): a caller can try work that is usually cached in its own
 * thread and hand it to another only when the network is needed.
 */
struct dns_budget {
	struct timespec		 deadline;	/* CLOCK_MONOTONIC */
	bool			 cache_only;
};

/* dns_new - create the resolver from C's DNS keys; NULL and ERR on failure */
struct dns	*dns_new(const struct config *c, char *err, size_t errlen);

/* dns_free - stop the pump thread, cancel queries, free; NULL is a no-op */
void		 dns_free(struct dns *d);

/* dns_query - look NAME/TYPE up; NULL only when out of memory */
struct dns_answer *dns_query(struct dns *d, const char *name, int type,
		    const struct dns_budget *budget);

/* dns_prefetch - start a lookup whose answer nobody waits for */
void		 dns_prefetch(struct dns *d, const char *name, int type);

/* dns_stats - what the answer cache did since dns_new */
struct dns_stats {
	unsigned long	 hits;		/* answered from the cache */
	unsigned long	 misses;	/* asked libunbound */
	unsigned long	 entries;	/* answers held now */
};

/* dns_get_stats - the cache's counters */
void		 dns_get_stats(struct dns *d, struct dns_stats *out);

/* dns_answer_free - release an answer; NULL is a no-op */
void		 dns_answer_free(struct dns_answer *a);

/* dns_budget_start - give B MS milliseconds from now (not cache_only) */
void		 dns_budget_start(struct dns_budget *b, unsigned ms);

/* dns_budget_left_ms - milliseconds left in B (0 when spent) */
unsigned	 dns_budget_left_ms(const struct dns_budget *b);

/* dns_classify - map libunbound's result fields to a status (unit-tested) */
enum dns_status	 dns_classify(int rcode, int havedata, int nxdomain,
		    int secure, int bogus);

/* dns_status_str, dns_security_str - names for logs and A-R comments */
const char	*dns_status_str(enum dns_status s);
const char	*dns_security_str(enum dns_security s);

/* dns_sec_combine - the weaker of two states (for results built on several answers) */
enum dns_security dns_sec_combine(enum dns_security a, enum dns_security b);

#endif /* AM_DNS_H */
