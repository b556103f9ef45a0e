/*
 * dmarc_record.h - DMARC policy records, policy discovery and the
 * Organizational Domain, after RFC 9989 (draft-ietf-dmarc-dmarcbis-41)
 *
 * Contract
 *   What: pure C, no DNS of its own, no global state.  Every DNS answer
 *   comes from the caller through dmarc_lookup_fn (and, for "np",
 *   dmarc_exists_fn), so the whole module runs against a table of fake
 *   records in the unit tests.  Section numbers are those of
 *   draft-ietf-dmarc-dmarcbis-41, whose text RFC 9989 carries.
 *
 *   1. The record (4.7, 4.8): dmarc_record_parse() takes untrusted
 *      (P, LEN), never reads past P + LEN and needs no NUL.  The record is
 *      a tag-list in the syntax of RFC 6376 3.2 (4.7 imports it):
 *      tag *WSP "=" *WSP value, tags separated by *WSP ";" *WSP.
 *      - "v" MUST be the first tag and its value exactly "DMARC1" (case
 *        sensitive, 4.7 "v", 4.8 %s"DMARC1"); otherwise the whole record
 *        is ignored: dmarc_record_parse() returns false.
 *      - A tag name occurring twice makes the whole record invalid
 *        (RFC 6376 3.2, imported by 4.7): returns false.
 *      - Any other syntax error is "discarded in favor of default values
 *        (if any) or ignored outright" (4.8): the tag keeps its default
 *        (p, sp and np become DMARC_P_INVALID so that discovery can
 *        apply the 4.10.1 rule).  Unknown tags are ignored (4.7).
 *      - Tag names and keyword values are case-insensitive: RFC 5234 2.3
 *        makes every quoted string of the 4.8 ABNF so; only "DMARC1" is
 *        %s (case-sensitive).
 *      - "pct", "rf" and "ri" were removed (Appendix C.5.2; "historic" in
 *        9.3).  rf and ri are ignored; pct is kept in rec.pct for the
 *        RFC 7489 mode only and nothing here on the RFC 9989 path reads it.
 *      - Caps: DMARC_TXT_MAX bytes, DMARC_TAGS_MAX tag-specs (both make
 *        the record invalid), DMARC_URIS_MAX URIs kept per list (the rest
 *        are counted in *_skipped).
 *   2. Selection (4.10 steps 2 and 6): of the TXT records at one name,
 *      those not starting with v=DMARC1 are discarded; if more than one
 *      remains, all are discarded.  The caller concatenates the
 *      character-strings of each TXT RR first (4.5).
 *   3. Discovery (4.10, 4.10.1): dmarc_discover_policy() queries
 *      _dmarc.<author>; if it finds no valid record it walks up the tree,
 *      at most DMARC_WALK_MAX queries (4.10 steps 3-7: a name of eight or
 *      more labels is cut to its last seven after the first query).  The
 *      walk stops at a record with psd=y or psd=n.  The record applied is
 *      the one at the Author Domain, else at its Organizational Domain,
 *      else at its Public Suffix Domain (4.10.1); p for the Author Domain
 *      itself, else sp if the Author Domain exists, np if it does not.
 *      Intermediate records that are neither are not applied (4.10.1's
 *      list has three places only).
 *   4. Organizational Domain (4.10.2): over the records found by a walk
 *      starting at the domain itself: psd=n -> that domain; psd=y (not at
 *      the start) -> the domain one label below it; otherwise the record
 *      with the fewest labels; no record -> the domain itself.
 *   5. Alignment (3.2.10, 4.4): strict is equality (case-insensitive, a
 *      trailing dot ignored); relaxed is equality of the Organizational
 *      Domains.  The Author Domain's walk and every answer seen during the
 *      message are cached in struct dmarc_discovery, so the author walk
 *      is done once and a walk for an identifier re-asks no name already
 *      asked (RFC 9989 B.4.2 needs 9 queries, not 11).
 *   6. RFC 7489 mode (6.6.3 of RFC 7489): _dmarc.<author>, then
 *      _dmarc.<Organizational Domain by the Public Suffix List> (psl.h);
 *      np, psd and t are ignored there, pct is the caller's to sample.
 *
 *   Non-existence (3.2.13, Appendix A.4): a domain does not exist when a
 *   query for it gets NXDOMAIN (RFC 8020); NODATA means it exists.  It
 *   matters only when the record applied sits above the Author Domain and
 *   has a valid np different from what sp/p would give.  Then: if the
 *   _dmarc.<author> query did not get NXDOMAIN, _dmarc.<author> exists,
 *   so the author does (RFC 8020); else dmarc_exists_fn is asked (the
 *   caller queries the author for any type, e.g. A: NXDOMAIN -> no,
 *   NOERROR -> yes).  With no dmarc_exists_fn the author is taken to
 *   exist (sp applies) and out->author_exists stays -1.
 *
 *   Temporary DNS failure: any tempfail ends the walk at once and the
 *   discovery is DMARC_DISC_TEMPFAIL: the record set is unknown, so the
 *   message "cannot be considered to pass or fail" (5.3.6); deferring or
 *   accepting is the caller's choice (4.10.1, "fail open"/"fail closed").
 *   The same holds for alignment (DMARC_ALIGN_TEMPFAIL).
 *
 *   libopendmarc (Debian 12, 1.4.2) was considered and is not used here:
 *   - opendmarc_policy_parse_dmarc() takes a NUL-terminated string into a
 *     BUFSIZ copy and 512-byte tag buffers (silent truncation); accepts v=
 *     in any case and in any position; prefix-matches values ("p=r" is
 *     reject); fails the whole record on one bad value (p=bogus, an
 *     unknown fo letter, pct=101) where 4.8 says ignore and 4.10.1 says
 *     p=none when rua is valid; fails a record without p; lets a
 *     duplicate tag overwrite; ignores np, psd and t; enforces pct, rf,
 *     ri; keeps rua/ruf unvalidated and uncapped.
 *   - opendmarc_policy_query_dmarc() does its own res_nquery DNS and
 *     takes the first TXT RR without the v=DMARC1 filter.
 *   - opendmarc_get_tld() (its PSL) mishandles wildcard rules and unknown
 *     TLDs, and there is no DNS Tree Walk at all (LIBRARIES.md 3).
 *   - opendmarc_policy_check_alignment() passes strict alignment on
 *     Organizational Domain equality (fixed only on upstream develop).
 *   The tests use opendmarc_policy_parse_dmarc() as a cross-check of the
 *   RFC 7489 subset (p, sp, adkim, aspf, pct) on records both must read.
 *
 *   Threads: every function is reentrant; a struct dmarc_discovery
 *   belongs to one message.  Nothing is allocated.
 */
#ifndef AM_DMARC_RECORD_H
#define AM_DMARC_RECORD_H

#include <stdbool.h>
#include <stddef.h>

struct psl;

/* Longest record parsed: 4 KB of TXT (real records are < 512 octets). */
#define DMARC_TXT_MAX	4096
/* Tag-specs per record: the record grammar has 14 known tags. */
#define DMARC_TAGS_MAX		64
/* URIs kept per rua/ruf list; C.7: "MUST support at least two" (7489). */
#define DMARC_URIS_MAX		8
/* One URI with its NUL: "mailto:" + a 254-octet path + "!" size, room. */
#define DMARC_URI_SIZE		320
/* A domain as text, 253 octets (RFC 5321 4.5.3.1.2), plus NUL. */
#define DMARC_DOMAIN_SIZE	254
/* Queries per DNS Tree Walk (4.10: "no more than eight DNS queries"). */
#define DMARC_WALK_MAX		8
/* Names whose answers one discovery remembers (author walk + others). */
#define DMARC_CACHE_MAX		32

/* dmarc_policy - a p, sp or np tag: dmarc-request, or why there is none */
enum dmarc_policy {
	DMARC_P_ABSENT = 0,	/* the tag is not in the record */
	DMARC_P_INVALID,		/* present, value not dmarc-request */
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT
};

/* dmarc_psd - the psd tag (4.7), default "u" */
enum dmarc_psd {
	DMARC_PSD_U = 0,
	DMARC_PSD_Y,
	DMARC_PSD_N
};

/* fo (4.7): bits; the default and the value with no ruf tag is "0". */
#define DMARC_FO_0	0x01
#define DMARC_FO_1	0x02
#define DMARC_FO_D	0x04
#define DMARC_FO_S	0x08

/* dmarc_record - one parsed DMARC Policy Record, defaults applied */
struct dmarc_record {
	enum dmarc_policy	 p, sp, np;
	enum dmarc_psd		 psd;
	bool			 t;		/* t=y: testing (4.7 "t") */
	bool			 adkim_strict;	/* adkim=s; default r */
	bool			 aspf_strict;	/* aspf=s; default r */
	unsigned int		 fo;		/* DMARC_FO_*; DMARC_FO_0 */
	int			 pct;		/* RFC 7489 only; -1: none */
	bool			 rua_present;	/* the tag was there */
	bool			 ruf_present;
	size_t			 nrua, nruf;	/* valid URIs kept */
	size_t			 rua_skipped;	/* invalid, or past the cap */
	size_t			 ruf_skipped;
	char			 rua[DMARC_URIS_MAX][DMARC_URI_SIZE];
	char			 ruf[DMARC_URIS_MAX][DMARC_URI_SIZE];
};

/*
 * dmarc_record_parse - parse untrusted (P, LEN) into OUT; false when it is
 * not a valid DMARC record (v=DMARC1 not first, a duplicate tag, over a
 * cap).  WHY (may be NULL) gets "" or a fixed reason with a byte offset,
 * never a copy of the input.
 */
bool	 dmarc_record_parse(const char *p, size_t len,
	    struct dmarc_record *out, char *why, size_t whylen);

/* dmarc_select: no record starts with v=DMARC1; several do (4.10 step 2). */
#define DMARC_SELECT_NONE	(-1)
#define DMARC_SELECT_MULTIPLE	(-2)

/*
 * dmarc_select - the index of the one TXT record of TXTS[N] (lengths
 * LENS) that starts with the v=DMARC1 tag, or DMARC_SELECT_NONE, or
 * DMARC_SELECT_MULTIPLE when more than one does
 */
int	 dmarc_select(const char *const *txts, const size_t *lens, size_t n);

/* dmarc_lookup_status - what one _dmarc query found */
enum dmarc_lookup_status {
	DMARC_LK_FOUND = 0,	/* exactly one valid record, in *rec */
	DMARC_LK_NONE,		/* NXDOMAIN, NODATA, no valid record */
	DMARC_LK_MULTIPLE,	/* several v=DMARC1 records: NONE in 9989 */
	DMARC_LK_TEMPFAIL	/* SERVFAIL, timeout, bogus DNSSEC */
};

/*
 * dmarc_lookup_fn - query TXT at NAME ("_dmarc.example.com", no trailing
 * dot), fill *REC on DMARC_LK_FOUND, set *NXDOMAIN when the answer was
 * NXDOMAIN.  dmarc_record_from_txt() does the selection and parsing.
 */
typedef enum dmarc_lookup_status dmarc_lookup_fn(void *arg, const char *name,
	    struct dmarc_record *rec, bool *nxdomain);

/*
 * dmarc_exists_fn - does DOMAIN exist (A.4)?  Query it for any type:
 * NXDOMAIN -> *exists = false; NOERROR with or without data -> true.
 * Returns DMARC_LK_FOUND (answered) or DMARC_LK_TEMPFAIL.
 */
typedef enum dmarc_lookup_status dmarc_exists_fn(void *arg, const char *domain,
	    bool *exists);

/*
 * dmarc_record_from_txt - the lookup callback's second half: select among
 * the TXT records of one name and parse the one left
 */
enum dmarc_lookup_status dmarc_record_from_txt(const char *const *txts,
	    const size_t *lens, size_t n, struct dmarc_record *rec, char *why,
	    size_t whylen);

/* dmarc_disc_status - the outcome of policy discovery */
enum dmarc_disc_status {
	DMARC_DISC_FOUND = 0,	/* a record applies: see policy */
	DMARC_DISC_NONE,	/* no record: DMARC does not apply (5.3.2) */
	DMARC_DISC_INVALID,	/* a record, but no valid p and no valid rua:
				   "no DMARC processing" (4.10.1); the caller
				   may report dmarc=permerror (9.2) */
	DMARC_DISC_TEMPFAIL	/* DNS failed: dmarc=temperror (5.3.6) */
};

/* dmarc_policy_src - which tag gave the policy */
enum dmarc_policy_src {
	DMARC_SRC_P = 0,
	DMARC_SRC_SP,
	DMARC_SRC_NP
};

/* dmarc_org_state - the Author Domain's Organizational Domain */
enum dmarc_org_state {
	DMARC_ORG_PENDING = 0,	/* not needed yet: computed on demand */
	DMARC_ORG_KNOWN,
	DMARC_ORG_TEMPFAIL
};

/* dmarc_cache_entry - one _dmarc name asked during the message */
struct dmarc_cache_entry {
	char			 name[DMARC_DOMAIN_SIZE]; /* sans _dmarc. */
	enum dmarc_lookup_status st;			/* never TEMPFAIL */
	enum dmarc_psd		 psd;
	bool			 nxdomain;
};

/* dmarc_discovery - the policy for one Author Domain, and reuse state */
struct dmarc_discovery {
	enum dmarc_disc_status	 status;
	char			 author[DMARC_DOMAIN_SIZE];	/* lower case */
	char			 policy_domain[DMARC_DOMAIN_SIZE];
	struct dmarc_record	 rec;		/* the record applied */
	bool			 from_org;	/* found above the author */
	bool			 from_psd;	/* the PSD's record (psd=y) */
	enum dmarc_policy	 policy;	/* published, chosen (4.10.1) */
	enum dmarc_policy_src	 source;
	enum dmarc_policy	 applied;	/* after t=y (4.7 "t") */
	bool			 policy_defaulted; /* bad p/sp/np + rua */
	int			 author_exists;	/* 1, 0, -1 not determined */
	int			 queries;	/* callback calls: walks, exists */
	int			 walk_queries;	/* names asked by the walk */
	bool			 exists_queried;
	enum dmarc_org_state	 org_state;
	char			 org_domain[DMARC_DOMAIN_SIZE];
	char			 why[96];	/* for the log; fixed text */
	size_t			 ncache;
	struct dmarc_cache_entry cache[DMARC_CACHE_MAX];
};

/*
 * dmarc_discover_policy - RFC 9989 4.10.1 policy discovery for AUTHOR (an
 * A-label domain, any case, trailing dot allowed).  FN must not be NULL;
 * EXISTS may be.  OUT is reset first.  Returns OUT->status.
 */
enum dmarc_disc_status dmarc_discover_policy(const char *author,
	    dmarc_lookup_fn *fn, dmarc_exists_fn *exists, void *arg,
	    struct dmarc_discovery *out);

/* dmarc_org_result - the outcome of dmarc_org_domain() */
enum dmarc_org_result {
	DMARC_ORG_OK = 0,
	DMARC_ORG_ERR_TEMPFAIL,
	DMARC_ORG_ERR_DOMAIN	/* not a domain name, or OUTLEN too small */
};

/*
 * dmarc_org_domain - the Organizational Domain of DOMAIN by a DNS Tree Walk
 * (4.10.2) into OUT (lower case, no trailing dot)
 */
enum dmarc_org_result dmarc_org_domain(const char *domain,
	    dmarc_lookup_fn *fn, void *arg, char *out, size_t outlen);

/* dmarc_align - the outcome of one alignment check */
enum dmarc_align {
	DMARC_ALIGN_PASS = 0,
	DMARC_ALIGN_FAIL,
	DMARC_ALIGN_TEMPFAIL	/* a walk failed: neither pass nor fail */
};

/*
 * dmarc_aligned - is OTHER (an SPF or DKIM Authenticated Identifier)
 * aligned with D->author, strictly or relaxed?  Relaxed walks for the
 * Organizational Domains, reusing and filling D's cache.
 */
enum dmarc_align dmarc_aligned(struct dmarc_discovery *d, const char *other,
	    bool strict, dmarc_lookup_fn *fn, void *arg);

/*
 * dmarc_discover_policy_7489 - RFC 7489 6.6.3 policy discovery with PSL for
 * the Organizational Domain (known at once: OUT->org_state is KNOWN).
 * Pair it with dmarc_aligned_7489(), not dmarc_aligned(), which walks.
 */
enum dmarc_disc_status dmarc_discover_policy_7489(const struct psl *psl,
	    const char *author, dmarc_lookup_fn *fn, void *arg,
	    struct dmarc_discovery *out);

/* dmarc_aligned_7489 - RFC 7489 3.1 alignment with PSL org domains */
enum dmarc_align dmarc_aligned_7489(const struct psl *psl, const char *author,
	    const char *other, bool strict);

/* dmarc_policy_name - "none", "quarantine", "reject", "absent", "invalid" */
const char *dmarc_policy_name(enum dmarc_policy p);

#endif /* AM_DMARC_RECORD_H */
