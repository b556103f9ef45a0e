/*
 * dns.c - libunbound behind one interface, with deadlines (see dns.h)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unbound.h>

#include "caps.h"
#include "config.h"
#include "dns.h"
#include "log.h"

#define CACHE_LOCKS	64	/* slot i is under lock i % CACHE_LOCKS */
#define BOGUS_TTL	60	/* libunbound's val-bogus-ttl */
#define MAX_TTL		86400	/* libunbound's cache-max-ttl */

/*
 * One answer as dns.c keeps it: made once from libunbound's result,
 * immutable after, shared by reference between the cache and the answers
 * handed out.  The records and the packet follow the struct in the same
 * allocation.
 */
struct dns_entry {
	atomic_int	 refs;
	int		 type;
	char		 key[AM_MAX_DOMAIN + 2];	/* lower case, no final dot */
	time_t		 born;		/* CLOCK_MONOTONIC seconds */
	unsigned	 ttl;		/* as libunbound gave it */
	bool		 cached;	/* in the cache (else answered once) */
	enum dns_status	 status;
	enum dns_security security;
	int		 rcode;
	size_t		 count;
	const unsigned char **rdata;
	size_t		*rdlen;
	const unsigned char *wire;
	size_t		 wirelen;
	char		 why_bogus[256];
};

/* A prefetch in flight: what its answer is cached as */
struct dns_pending {
	struct dns	*d;
	int		 type;
	char		 key[AM_MAX_DOMAIN + 2];
	struct dns_pending *prev, *next;
};

struct dns {
	struct ub_ctx	*ctx;
	pthread_t	 pump;
	int		 wake[2];	/* pipe: written to stop the pump */
	unsigned	 timeout_ms;
	pthread_mutex_t	 lock[CACHE_LOCKS];
	struct dns_entry *slot[AM_DNS_CACHE_SLOTS];
	atomic_ulong	 hits, misses, entries;
	pthread_mutex_t	 plock;		/* pending */
	struct dns_pending *pending;	/* prefetches in flight */
};

/*
 * One outstanding lookup.  The caller and libunbound's callback each hold
 * a reference; whoever drops the last one frees it, so a query abandoned
 * at its deadline is freed by a late callback and never touched after.
 */
struct dns_query {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 refs;
	bool		 done;
	int		 err;
	struct ub_result *result;
};

/* dns_status_str - name of a status */
const char *
dns_status_str(enum dns_status s)
{
	switch (s) {
	case DNS_OK:		return "ok";
	case DNS_NXDOMAIN:	return "nxdomain";
	case DNS_NODATA:	return "nodata";
	case DNS_SERVFAIL:	return "servfail";
	case DNS_TIMEOUT:	return "timeout";
	case DNS_BOGUS:		return "bogus";
	case DNS_ERROR:		return "error";
	}
	return "error";
}

/* dns_security_str - name of a DNSSEC state, as written in A-R comments */
const char *
dns_security_str(enum dns_security s)
{
	switch (s) {
	case DNS_SEC_SECURE:		return "secure";
	case DNS_SEC_INSECURE:		return "insecure";
	case DNS_SEC_BOGUS:		return "bogus";
	case DNS_SEC_INDETERMINATE:	return "indeterminate";
	}
	return "indeterminate";
}

/* dns_sec_combine - the weaker of two states */
enum dns_security
dns_sec_combine(enum dns_security a, enum dns_security b)
{
	/* Order of weakness: bogus < indeterminate < insecure < secure. */
	static const int rank[] = {
		[DNS_SEC_BOGUS] = 0, [DNS_SEC_INDETERMINATE] = 1,
		[DNS_SEC_INSECURE] = 2, [DNS_SEC_SECURE] = 3
	};

	return rank[a] <= rank[b] ? a : b;
}

/* dns_classify - map libunbound's result fields to a status */
enum dns_status
dns_classify(int rcode, int havedata, int nxdomain, int secure, int bogus)
{
	(void)secure;
	/* A bogus answer still carries rcode 0 and data: check it first. */
	if (bogus)
		return DNS_BOGUS;
	if (nxdomain || rcode == 3)
		return DNS_NXDOMAIN;
	if (rcode != 0)
		return DNS_SERVFAIL;
	if (!havedata)
		return DNS_NODATA;
	return DNS_OK;
}

/* dns_budget_start - give B MS milliseconds from now */
void
dns_budget_start(struct dns_budget *b, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, &b->deadline);
	b->cache_only = false;
	b->deadline.tv_sec += ms / 1000;
	b->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (b->deadline.tv_nsec >= 1000000000L) {
		b->deadline.tv_sec++;
		b->deadline.tv_nsec -= 1000000000L;
	}
}

/* ts_diff_ms - A - B in milliseconds, 0 when negative */
static unsigned
ts_diff_ms(const struct timespec *a, const struct timespec *b)
{
	long long ms;

	ms = (long long)(a->tv_sec - b->tv_sec) * 1000 +
	    (a->tv_nsec - b->tv_nsec) / 1000000;
	return ms > 0 ? (unsigned)ms : 0;
}

/* dns_budget_left_ms - milliseconds left in B */
unsigned
dns_budget_left_ms(const struct dns_budget *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_diff_ms(&b->deadline, &now);
}

/* ------------------------------------------------------ answer cache */

/* mono_sec - CLOCK_MONOTONIC in seconds */
static time_t
mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* cache_key - NAME in lower case without its final dot; false if unusable */
static bool
cache_key(const char *name, char key[AM_MAX_DOMAIN + 2])
{
	size_t	 i, n = strlen(name);

	if (n == 0 || n > AM_MAX_DOMAIN + 1)
		return false;
	if (n > 1 && name[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++)
		key[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	key[n] = '\0';
	return true;
}

/* cache_slot - the slot of KEY/TYPE (FNV-1a) */
static size_t
cache_slot(const char *key, int type)
{
	uint32_t h = 2166136261u ^ (uint32_t)type;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % AM_DNS_CACHE_SLOTS;
}

/* entry_unref - drop one reference to E; free it at zero */
static void
entry_unref(struct dns_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1)
		free(e);
}

/* entry_left - E's TTL left at NOW */
static unsigned
entry_left(const struct dns_entry *e, time_t now)
{
	time_t age = now - e->born;

	return age < 0 ? e->ttl : age >= (time_t)e->ttl ? 0 :
	    e->ttl - (unsigned)age;
}

/* cache_get - a referenced live entry for KEY/TYPE, or NULL */
static struct dns_entry *
cache_get(struct dns *d, const char *key, int type)
{
	struct dns_entry *e, *stale = NULL;
	size_t	 i = cache_slot(key, type);

	pthread_mutex_lock(&d->lock[i % CACHE_LOCKS]);
	e = d->slot[i];
	if (e != NULL && (e->type != type || strcmp(e->key, key) != 0))
		e = NULL;
	else if (e != NULL && entry_left(e, mono_sec()) == 0) {
		stale = e;	/* the cache's reference, dropped below */
		d->slot[i] = e = NULL;
		atomic_fetch_sub(&d->entries, 1);
	} else if (e != NULL)
		atomic_fetch_add(&e->refs, 1);
	pthread_mutex_unlock(&d->lock[i % CACHE_LOCKS]);
	entry_unref(stale);
	atomic_fetch_add(e != NULL ? &d->hits : &d->misses, 1);
	return e;
}

/* cache_put - keep E (a reference of its own) in its slot, if worth it */
static void
cache_put(struct dns *d, struct dns_entry *e)
{
	struct dns_entry *old;
	size_t	 i;

	if (!e->cached)
		return;
	i = cache_slot(e->key, e->type);
	atomic_fetch_add(&e->refs, 1);
	pthread_mutex_lock(&d->lock[i % CACHE_LOCKS]);
	old = d->slot[i];
	d->slot[i] = e;
	pthread_mutex_unlock(&d->lock[i % CACHE_LOCKS]);
	if (old == NULL)
		atomic_fetch_add(&d->entries, 1);
	entry_unref(old);
}

/* entry_new - E for KEY/TYPE from libunbound's result R (freed here) */
static struct dns_entry *
entry_new(const char *key, int type, struct ub_result *r)
{
	struct dns_entry *e;
	enum dns_status	 st;
	size_t	 n = 0, i, data = 0, wirelen = 0, size;
	unsigned char *p;

	st = dns_classify(r->rcode, r->havedata, r->nxdomain, r->secure,
	    r->bogus);
	/* Never expose data that failed validation; records only if OK. */
	if (st != DNS_BOGUS && r->answer_packet != NULL &&
	    r->answer_len > 0 && (size_t)r->answer_len <= AM_MAX_DNS_ANSWER)
		wirelen = (size_t)r->answer_len;
	if (st == DNS_OK)
		for (; r->data[n] != NULL; n++)
			data += r->len[n] > 0 ? (size_t)r->len[n] : 0;
	size = sizeof *e + n * (sizeof *e->rdata + sizeof *e->rdlen) +
	    data + wirelen;
	if ((e = calloc(1, size)) == NULL) {
		ub_resolve_free(r);
		return NULL;
	}
	atomic_init(&e->refs, 1);
	e->type = type;
	snprintf(e->key, sizeof e->key, "%s", key);
	e->born = mono_sec();
	e->status = st;
	e->rcode = r->rcode;
	e->ttl = r->ttl > 0 ? (unsigned)r->ttl : 0;
	e->security = r->bogus ? DNS_SEC_BOGUS :
	    r->secure ? DNS_SEC_SECURE : DNS_SEC_INSECURE;
	if (st == DNS_SERVFAIL)
		e->security = DNS_SEC_INDETERMINATE;
	if (r->why_bogus != NULL)
		snprintf(e->why_bogus, sizeof e->why_bogus, "%s",
		    r->why_bogus);
	e->rdata = (const unsigned char **)(void *)(e + 1);
	e->rdlen = (size_t *)(void *)(e->rdata + n);
	p = (unsigned char *)(e->rdlen + n);
	for (i = 0; i < n; i++) {
		e->rdlen[i] = r->len[i] > 0 ? (size_t)r->len[i] : 0;
		memcpy(p, r->data[i], e->rdlen[i]);
		e->rdata[i] = p;
		p += e->rdlen[i];
	}
	e->count = n;
	if (n == 0) {
		e->rdata = NULL;
		e->rdlen = NULL;
	}
	if (wirelen > 0) {
		memcpy(p, r->answer_packet, wirelen);
		e->wire = p;
		e->wirelen = wirelen;
	}
	if (st == DNS_BOGUS && (e->ttl == 0 || e->ttl > BOGUS_TTL))
		e->ttl = BOGUS_TTL;
	if (e->ttl > MAX_TTL)
		e->ttl = MAX_TTL;
	e->cached = e->ttl > 0 && size - sizeof *e <= AM_DNS_CACHE_MAX_ENTRY &&
	    (st == DNS_OK || st == DNS_NXDOMAIN || st == DNS_NODATA ||
	    st == DNS_BOGUS);
	ub_resolve_free(r);
	return e;
}

/* dns_get_stats - the cache's counters */
void
dns_get_stats(struct dns *d, struct dns_stats *out)
{
	out->hits = atomic_load(&d->hits);
	out->misses = atomic_load(&d->misses);
	out->entries = atomic_load(&d->entries);
}

/* dns_pump - the one thread that processes libunbound's answers */
static void *
dns_pump(void *arg)
{
	struct dns	*d = arg;
	struct pollfd	 pfd[2];

	pfd[0].fd = ub_fd(d->ctx);
	pfd[0].events = POLLIN;
	pfd[1].fd = d->wake[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("dns: poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if ((pfd[0].revents & POLLIN) && ub_process(d->ctx) != 0)
			log_warn("dns: ub_process failed");
	}
	return NULL;
}

/* dns_set - one ub_ctx call with a message on failure */
static bool
dns_set(int rc, const char *what, const char *value, char *err,
    size_t errlen)
{
	if (rc == 0)
		return true;
	snprintf(err, errlen, "%s \"%s\": %s", what, value, ub_strerror(rc));
	return false;
}

/* dns_add_stub - "ZONE ADDR[@PORT]": a stub zone, also transparent locally */
static bool
dns_add_stub(struct ub_ctx *ctx, const char *spec, char *err, size_t errlen)
{
	char	 zone[AM_MAX_DOMAIN + 2], addr[128], lz[AM_MAX_DOMAIN + 16];

	if (sscanf(spec, "%254s %127s", zone, addr) != 2) {
		snprintf(err, errlen, "DNSStubZone \"%s\": want ZONE ADDR", spec);
		return false;
	}
	/* RFC 6761 zones (test., invalid.) are local zones in unbound. */
	snprintf(lz, sizeof lz, "%s transparent", zone);
	return dns_set(ub_ctx_set_option(ctx, "local-zone:", lz),
	    "local-zone", lz, err, errlen) &&
	    dns_set(ub_ctx_set_stub(ctx, zone, addr, 0), "DNSStubZone",
	    spec, err, errlen);
}

/* dns_configure - hand C's DNS keys to CTX */
static bool
dns_configure(struct ub_ctx *ctx, const struct config *c, char *err,
    size_t errlen)
{
	size_t	 i;

	if (!dns_set(ub_ctx_async(ctx, 1), "async", "1", err, errlen))
		return false;
	if (c->dns_forwarders.n > 0 || c->dns_stub_zones.n > 0)
		if (!dns_set(ub_ctx_set_option(ctx, "do-not-query-localhost:",
		    "no"), "option", "do-not-query-localhost", err, errlen))
			return false;
	if (c->dns_trust_anchor_file[0] != '\0' &&
	    !dns_set(ub_ctx_add_ta_file(ctx, c->dns_trust_anchor_file),
	    "DNSTrustAnchorFile", c->dns_trust_anchor_file, err, errlen))
		return false;
	for (i = 0; i < c->dns_trust_anchors.n; i++)
		if (!dns_set(ub_ctx_add_ta(ctx, c->dns_trust_anchors.v[i]),
		    "DNSTrustAnchor", c->dns_trust_anchors.v[i], err, errlen))
			return false;
	for (i = 0; i < c->dns_forwarders.n; i++)
		if (!dns_set(ub_ctx_set_fwd(ctx, c->dns_forwarders.v[i]),
		    "DNSForwarder", c->dns_forwarders.v[i], err, errlen))
			return false;
	for (i = 0; i < c->dns_stub_zones.n; i++)
		if (!dns_add_stub(ctx, c->dns_stub_zones.v[i], err, errlen))
			return false;
	return true;
}

/* dns_release - the cache, the prefetches never answered, D itself */
static void
dns_release(struct dns *d)
{
	struct dns_pending *p;
	size_t	 i;

	for (i = 0; i < AM_DNS_CACHE_SLOTS; i++)
		entry_unref(d->slot[i]);
	while ((p = d->pending) != NULL) {
		d->pending = p->next;
		free(p);
	}
	for (i = 0; i < CACHE_LOCKS; i++)
		pthread_mutex_destroy(&d->lock[i]);
	pthread_mutex_destroy(&d->plock);
	free(d);
}

/* dns_new - create the resolver from C's DNS keys */
struct dns *
dns_new(const struct config *c, char *err, size_t errlen)
{
	struct dns	*d;
	size_t		 i;

	if ((d = calloc(1, sizeof *d)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->wake[0] = d->wake[1] = -1;
	d->timeout_ms = c->dns_timeout_ms;
	for (i = 0; i < CACHE_LOCKS; i++)
		pthread_mutex_init(&d->lock[i], NULL);
	pthread_mutex_init(&d->plock, NULL);
	if ((d->ctx = ub_ctx_create()) == NULL) {
		snprintf(err, errlen, "ub_ctx_create failed");
		goto fail;
	}
	if (!dns_configure(d->ctx, c, err, errlen))
		goto fail;
	if (pipe(d->wake) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&d->pump, NULL, dns_pump, d) != 0) {
		snprintf(err, errlen, "cannot start the DNS thread");
		goto fail;
	}
	return d;
fail:
	if (d->wake[0] >= 0) {
		close(d->wake[0]);
		close(d->wake[1]);
	}
	if (d->ctx != NULL)
		ub_ctx_delete(d->ctx);
	dns_release(d);
	return NULL;
}

/* dns_free - stop the pump thread, cancel queries, free */
void
dns_free(struct dns *d)
{
	ssize_t n;

	if (d == NULL)
		return;
	do
		n = write(d->wake[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(d->pump, NULL);
	close(d->wake[0]);
	close(d->wake[1]);
	/* Prefetches still out are dropped with the context, unanswered. */
	ub_ctx_delete(d->ctx);
	dns_release(d);
}

/* dns_query_unref - drop one reference; free at zero (LOCK held on entry) */
static void
dns_query_unref(struct dns_query *q)
{
	bool last = --q->refs == 0;

	pthread_mutex_unlock(&q->lock);
	if (!last)
		return;
	if (q->result != NULL)
		ub_resolve_free(q->result);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* dns_callback - libunbound hands an answer over (pump thread) */
static void
dns_callback(void *arg, int err, struct ub_result *result)
{
	struct dns_query *q = arg;

	pthread_mutex_lock(&q->lock);
	q->err = err;
	q->result = result;
	q->done = true;
	pthread_cond_signal(&q->cond);
	dns_query_unref(q);
}

/* pending_unlink - take P off the list of prefetches in flight */
static void
pending_unlink(struct dns *d, struct dns_pending *p)
{
	pthread_mutex_lock(&d->plock);
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		d->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	pthread_mutex_unlock(&d->plock);
}

/* dns_prefetch_done - an answer nobody waits for: into the cache (pump) */
static void
dns_prefetch_done(void *arg, int err, struct ub_result *result)
{
	struct dns_pending *p = arg;
	struct dns_entry *e;

	pending_unlink(p->d, p);
	if (err == 0 && result != NULL &&
	    (e = entry_new(p->key, p->type, result)) != NULL) {
		cache_put(p->d, e);
		entry_unref(e);
	} else if (result != NULL)
		ub_resolve_free(result);
	free(p);
}

/* dns_prefetch - start a lookup whose answer nobody waits for */
void
dns_prefetch(struct dns *d, const char *name, int type)
{
	struct dns_pending *p;
	struct dns_entry *e;

	if (d == NULL || name == NULL || (p = calloc(1, sizeof *p)) == NULL)
		return;
	if (!cache_key(name, p->key)) {
		free(p);
		return;
	}
	if ((e = cache_get(d, p->key, type)) != NULL) {
		entry_unref(e);		/* there already */
		free(p);
		return;
	}
	p->d = d;
	p->type = type;
	pthread_mutex_lock(&d->plock);
	if ((p->next = d->pending) != NULL)
		p->next->prev = p;
	d->pending = p;
	pthread_mutex_unlock(&d->plock);
	if (ub_resolve_async(d->ctx, name, type, 1, p, dns_prefetch_done,
	    NULL) != 0) {
		pending_unlink(d, p);
		free(p);
	}
}

/* dns_answer_new - an answer with STATUS and no data */
static struct dns_answer *
dns_answer_new(enum dns_status status)
{
	struct dns_answer *a;

	if ((a = calloc(1, sizeof *a)) == NULL)
		return NULL;
	a->status = status;
	a->security = DNS_SEC_INDETERMINATE;
	a->rcode = -1;
	return a;
}

/* dns_answer_of - an answer showing E (whose reference it takes over) */
static struct dns_answer *
dns_answer_of(struct dns_entry *e)
{
	struct dns_answer *a;

	if ((a = dns_answer_new(e->status)) == NULL) {
		entry_unref(e);
		return NULL;
	}
	a->security = e->security;
	a->rcode = e->rcode;
	a->ttl = entry_left(e, mono_sec());
	a->count = e->count;
	a->rdata = e->rdata;
	a->rdlen = e->rdlen;
	a->wire = e->wire;
	a->wirelen = e->wirelen;
	memcpy(a->why_bogus, e->why_bogus, sizeof a->why_bogus);
	a->priv = e;
	return a;
}

/*
 * dns_answer_from - the answer made of libunbound's result R (taken over)
 * for KEY/TYPE, kept in D's cache when it may be (D NULL: not kept)
 */
static struct dns_answer *
dns_answer_from(struct dns *d, struct ub_result *r, const char *key,
    int type)
{
	struct dns_entry *e;

	if ((e = entry_new(key, type, r)) == NULL)
		return NULL;
	if (d != NULL)
		cache_put(d, e);
	return dns_answer_of(e);
}

/* dns_deadline - the earlier of now + TIMEOUT_MS and the budget's end */
static void
dns_deadline(struct timespec *out, unsigned timeout_ms,
    const struct dns_budget *budget)
{
	struct dns_budget b;

	dns_budget_start(&b, timeout_ms);
	*out = b.deadline;
	if (budget != NULL && (budget->deadline.tv_sec < out->tv_sec ||
	    (budget->deadline.tv_sec == out->tv_sec &&
	    budget->deadline.tv_nsec < out->tv_nsec)))
		*out = budget->deadline;
}

/* dns_query_new - a query with two references (caller and callback) */
static struct dns_query *
dns_query_new(void)
{
	struct dns_query	*q;
	pthread_condattr_t	 ca;

	if ((q = calloc(1, sizeof *q)) == NULL)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	q->refs = 2;
	return q;
}

/*
 * dns_wait - wait for Q (KEY/TYPE) until DEADLINE; cancel on expiry; the
 * answer, kept in the cache when it may be
 */
static struct dns_answer *
dns_wait(struct dns *d, struct dns_query *q, int id,
    const struct timespec *deadline, const char *key, int type)
{
	struct ub_result *r = NULL;
	int	 err = 0;
	bool	 done;

	pthread_mutex_lock(&q->lock);
	while (!q->done)
		if (pthread_cond_timedwait(&q->cond, &q->lock,
		    deadline) == ETIMEDOUT)
			break;
	if (!q->done) {
		pthread_mutex_unlock(&q->lock);
		/* Cancelled: the callback never runs; drop its reference. */
		if (ub_cancel(d->ctx, id) == 0) {
			pthread_mutex_lock(&q->lock);
			q->refs--;
		} else
			pthread_mutex_lock(&q->lock);
	}
	done = q->done;
	if (done) {
		r = q->result;
		err = q->err;
		q->result = NULL;
	}
	dns_query_unref(q);
	if (!done)
		return dns_answer_new(DNS_TIMEOUT);
	if (err != 0 || r == NULL) {
		if (r != NULL)
			ub_resolve_free(r);
		/* A malformed name (label > 63, empty label) shows up here. */
		return dns_answer_new(err == UB_SYNTAX || err == UB_NOMEM ?
		    DNS_ERROR : DNS_SERVFAIL);
	}
	return dns_answer_from(d, r, key, type);
}

/* dns_query - look NAME/TYPE up, waiting at most until the deadline */
struct dns_answer *
dns_query(struct dns *d, const char *name, int type,
    const struct dns_budget *budget)
{
	struct dns_query	*q;
	struct dns_entry	*e;
	struct timespec		 deadline;
	char			 key[AM_MAX_DOMAIN + 2];
	int			 id, rc;

	if (d == NULL || name == NULL || !cache_key(name, key))
		return dns_answer_new(DNS_ERROR);
	if (budget != NULL && dns_budget_left_ms(budget) == 0)
		return dns_answer_new(DNS_TIMEOUT);
	if ((e = cache_get(d, key, type)) != NULL)
		return dns_answer_of(e);
	if (budget != NULL && budget->cache_only)
		return dns_answer_new(DNS_TIMEOUT);
	dns_deadline(&deadline, d->timeout_ms, budget);
	if ((q = dns_query_new()) == NULL)
		return NULL;
	rc = ub_resolve_async(d->ctx, name, type, 1, q, dns_callback, &id);
	if (rc != 0) {
		log_warn("dns: %s/%d: %s", name, type, ub_strerror(rc));
		pthread_mutex_lock(&q->lock);
		q->refs--;		/* the callback will never run */
		dns_query_unref(q);
		return dns_answer_new(DNS_ERROR);
	}
	return dns_wait(d, q, id, &deadline, key, type);
}

/* dns_answer_free - release an answer */
void
dns_answer_free(struct dns_answer *a)
{
	if (a == NULL)
		return;
	entry_unref(a->priv);
	free(a);
}
