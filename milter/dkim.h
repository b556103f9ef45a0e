/*
 * dkim.h - DKIM verification (RFC 6376, RFC 8301, RFC 8463)
 *
 * Contract
 *   dkimv_init() builds one libopendkim library handle for the process,
 *   its four DNS hooks wired to dns.c (with the message's budget), its key
 *   cache off (libunbound caches, and a cache hit would lose the DNSSEC
 *   state).  One struct dkimv per message: headers are fed as they arrive
 *   (rebuilt "Name:value" with CR LF in folded lines, so simple
 *   canonicalization verifies), the key of each DKIM-Signature is
 *   prefetched as soon as its header arrives, key lookups happen at
 *   end-of-headers, the body is hashed as it streams, and dkimv_eom()
 *   fills one result per signature.  (Prefix dkimv_: libopendkim owns
 *   dkim_*.)
 *
 *   Results (RFC 8601 2.7.1): pass; fail (bad signature, body hash
 *   mismatch, revoked key, expired, timestamp in the future, l= shorter
 *   than the body when DKIMPartialBodyFail is set); policy (valid but not
 *   acceptable: rsa-sha1 and RSA keys under 1024 bits, RFC 8301; keys over
 *   DKIMMaxKeyBits); neutral (not verified: past DKIMMaxSignatures);
 *   temperror (DNS failure, timeout, bogus DNSSEC, oversize answer);
 *   permerror (malformed signature, no key, bad key record).  Each result
 *   carries its key's DNSSEC state, kept by us per key name (libopendkim
 *   loses it on failure).
 *
 *   Limits: DKIMMaxSignatures verified per message; DKIMV_MAX_REPORT
 *   signatures reported (the rest only counted); key answers up to
 *   libopendkim's 8 KB buffer (larger is temperror).
 */
#ifndef AM_DKIM_H
#define AM_DKIM_H

#include <stdbool.h>
#include <stddef.h>

#include "caps.h"
#include "dns.h"

/* Signatures reported per message (A-R, log, DMARC); the rest are counted. */
#define DKIMV_MAX_REPORT	20

enum dkimv_result {
	DKIMV_NONE = 0,
	DKIMV_PASS,
	DKIMV_FAIL,
	DKIMV_NEUTRAL,
	DKIMV_POLICY,
	DKIMV_TEMPERROR,
	DKIMV_PERMERROR
};

/* dkimv_sig - one signature's outcome; strings from the signature are raw */
struct dkimv_sig {
	enum dkimv_result	 result;
	enum dns_security	 security;	/* of its key lookup */
	unsigned		 bits;		/* 0: unknown */
	char			 alg[24];	/* "rsa-sha256" ... or "" */
	char			 domain[AM_MAX_DOMAIN + 1];	/* d= */
	char			 selector[AM_MAX_DOMAIN + 1];	/* s= */
	char			 identity[AM_MAX_PATH + 1];	/* i= */
	char			 b8[9];		/* first 8 characters of b= */
	char			 reason[96];	/* why not pass, or a note */
};

/* dkimv_results - all signatures of a message */
struct dkimv_results {
	size_t			 nsigs;		/* DKIM-Signature headers seen */
	size_t			 n;		/* reported in sig[] */
	struct dkimv_sig	 sig[DKIMV_MAX_REPORT];
	char			 error[64];	/* message-level problem, or "" */
};

/* dkimv_opts - the per-message knobs (from the configuration) */
struct dkimv_opts {
	unsigned		 max_sigs;	/* DKIMMaxSignatures */
	unsigned		 max_key_bits;	/* DKIMMaxKeyBits */
	bool			 partial_fail;	/* DKIMPartialBodyFail */
	bool			 leadspc;	/* header values keep their space */
};

struct dkimv;

/* dkimv_init - the process's libopendkim over D; 0 on success */
int		 dkimv_init(struct dns *d);

/* dkimv_shutdown - free the library handle */
void		 dkimv_shutdown(void);

/* dkimv_new - verification state for one message; NULL on ENOMEM */
struct dkimv	*dkimv_new(const struct dkimv_opts *o,
		    const struct dns_budget *budget, const char *id);

/* dkimv_header - one header as the MTA gave it */
void		 dkimv_header(struct dkimv *v, const char *name,
		    const char *value);

/* dkimv_eoh - end of headers: key lookups */
void		 dkimv_eoh(struct dkimv *v);

/* dkimv_body - a body chunk */
void		 dkimv_body(struct dkimv *v, const unsigned char *p, size_t len);

/* dkimv_eom - finish and fill R */
void		 dkimv_eom(struct dkimv *v, struct dkimv_results *r);

/* dkimv_free - NULL is a no-op */
void		 dkimv_free(struct dkimv *v);

/* dkimv_result_str - RFC 8601 name of a result */
const char	*dkimv_result_str(enum dkimv_result r);

/* dkimv_tag - the value of tag NAME in a tag=value list (P, LEN), FWS removed */
bool		 dkimv_tag(const char *p, size_t len, const char *name,
		    char *out, size_t outlen);

#endif /* AM_DKIM_H */
