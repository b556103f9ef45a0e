/*
 * psl.h - the Public Suffix List, for DMARC's RFC 7489 compatibility mode
 *
 * Contract
 *   What: psl_load() reads a list in the publicsuffix.org format (Debian's
 *   package "publicsuffix": /usr/share/publicsuffix/public_suffix_list.dat)
 *   and psl_org_domain() gives the Organizational Domain of RFC 7489 3.2:
 *   the public suffix plus one label, by the publicsuffix.org algorithm:
 *   - a domain matches a rule when the rule's labels, right to left,
 *     equal its labels, "*" matching any one label;
 *   - an exception rule ("!www.ck") prevails; its public suffix is the
 *     rule less its leftmost label;
 *   - otherwise the matching rule with the most labels prevails, and
 *     when none matches the default rule "*" does (an unknown TLD).
 *   Both sections of the list are used, ICANN and PRIVATE, unless
 *   PSL_ICANN_ONLY is given: RFC 7489 3.2 names "a public suffix list"
 *   without a section, libpsl's and OpenDMARC's lookups use the whole
 *   file, and the PRIVATE entries (github.io, blogspot.com) are real
 *   organizational boundaries: without them user1.github.io would be in
 *   relaxed alignment with user2.github.io.
 *
 *   IDN: the file holds rules in U-labels (UTF-8), while DMARC works on
 *   A-labels (RFC 9989 5.3.1).  Each rule with a non-ASCII label is also
 *   entered in its A-label form, each such label Punycode-encoded
 *   (RFC 3492) and prefixed "xn--".  The list's U-labels are taken as
 *   they are: no Unicode normalisation or mapping is done (the list is
 *   published in lower-case NFC).  Input must be ASCII (A-labels);
 *   anything else is an error.  Debian ships no A-label copy of the list
 *   (only the .dat and a binary DAFSA, which is not read here).
 *
 *   Rules with a "*" anywhere but as the whole leftmost label are
 *   skipped (the list has none); so are rules longer than 253 octets,
 *   with empty labels, or with bytes outside LDH, "_" and UTF-8.
 *
 *   Ownership and threads: psl_load() allocates; psl_free() releases
 *   (NULL is a no-op).  After psl_load() returns, the list is read-only:
 *   any number of threads may call psl_org_domain() at once.  A reload is
 *   a new psl_load() and a pointer swap by the caller.
 *
 *   Caps: PSL_FILE_MAX bytes of file, PSL_RULES_MAX rules; a file over
 *   either, unreadable, or holding no rule at all is an error (an empty
 *   list would silently make every registrable domain its last two
 *   labels).
 */
#ifndef AM_PSL_H
#define AM_PSL_H

#include <stddef.h>

/* Largest list file read: today's list is 250 KB. */
#define PSL_FILE_MAX	(16 * 1024 * 1024)
/* Most rules kept (U-label and A-label forms both count): today ~10,000. */
#define PSL_RULES_MAX	500000

/* psl_load flags */
#define PSL_ICANN_ONLY	0x01	/* skip the ===BEGIN PRIVATE DOMAINS=== part */

struct psl;

/*
 * psl_load - read the list at PATH; NULL on failure with a reason in WHY
 * (may be NULL)
 */
struct psl	*psl_load(const char *path, unsigned int flags, char *why,
		    size_t whylen);

/* psl_free - release L; NULL is a no-op */
void		 psl_free(struct psl *l);

/* psl_rules - the number of rules held (both forms of IDN rules) */
size_t		 psl_rules(const struct psl *l);

/*
 * psl_org_domain - the Organizational Domain of DOMAIN (RFC 7489 3.2) into
 * OUT, lower case without a trailing dot.  Returns 1 when DOMAIN is below
 * a public suffix (OUT is the suffix plus one label), 0 when DOMAIN is
 * itself a public suffix (OUT is DOMAIN: 3.2 gives no answer and DMARC
 * then uses the name as it is), -1 when DOMAIN is not an ASCII domain
 * name or OUTLEN is too small.
 */
int		 psl_org_domain(const struct psl *l, const char *domain,
		    char *out, size_t outlen);

#endif /* AM_PSL_H */
