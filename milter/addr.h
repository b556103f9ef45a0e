/*
 * addr.h - the From: header parser that finds the DMARC author domain
 *
 * Contract
 *   addr_parse_from() parses the value of ONE From header field, as the
 *   MTA hands it to a milter (the text after "From:", folded lines joined
 *   by "\n" or "\r\n" followed by a space or tab), into its mailboxes.
 *   addr_from_domain() reduces that to what DMARC (RFC 7489 section 6.6.1,
 *   RFC 9989) needs: one author domain, or a reason why there is none.
 *   The input is untrusted (P, LEN): no NUL is expected or relied upon,
 *   and nothing at or past P + LEN is read.  Both functions are
 *   reentrant: no globals, no allocation; the caller owns every buffer.
 *   Deciding what DMARC does with each status is the caller's business.
 *
 * Grammar (RFC 5322, with the obsolete forms of section 4.4 and the UTF-8
 * of RFC 6532)
 *   from          = mailbox-list, where each element may also be a group
 *                   ("Undisclosed: a@b.example, c@d.example;", as
 *                   RFC 6854 allows and real mail has): the mailboxes
 *                   inside a group count, an empty group has none.
 *                   Groups do not nest.
 *   mailbox-list  = elements separated by ","; empty elements (",,",
 *                   leading or trailing ",") are allowed (obs-mbox-list).
 *   mailbox       = name-addr / addr-spec; angle-addr may carry an
 *                   obs-route ("<@r1.example,@r2.example:a@b.example>").
 *   display-name  = phrase / obs-phrase: atoms, quoted-strings, dots and
 *                   CFWS.  RFC 2047 encoded-words are atoms and are not
 *                   decoded, so what they decode to cannot matter.
 *   addr-spec     = local-part "@" domain, CFWS allowed around "@" and
 *                   the dots (obs-local-part, obs-domain).
 *   CFWS          = folding white space and comments, nested to any depth
 *                   (counted, not recursed into), with quoted-pairs.
 *   UTF-8 (RFC 6532) is taken wherever atext, qtext, ctext, dtext or a
 *   quoted-pair is.  In the local part and the domain, a byte >= 0x80
 *   that is not part of a well-formed UTF-8 character (RFC 3629: no
 *   overlong forms, no surrogates, nothing past U+10FFFF) is a syntax
 *   error; in display names and comments, whose text we never keep, it is
 *   taken as one octet (raw Latin-1 names are common, and refusing them
 *   would turn a DMARC fail into an accepted permerror).
 *
 * Decisions (beyond the RFC)
 *   - A NUL byte anywhere, a CR not followed by LF, or a line break not
 *     followed by a space or tab is ADDR_SYNTAX; so is "\" before CR, LF
 *     or NUL (obs-qp would allow them).
 *   - "<>" is ADDR_SYNTAX: angle-addr needs an addr-spec, and the SMTP
 *     null path has no meaning in a header.  So "a@x.example, \"b\" <>"
 *     (CVE-2021-34555) is ADDR_SYNTAX as a whole, never a single domain.
 *   - A local-part alone ("From: root", "Alice <root>"), as unqualified
 *     local submissions produce, is a mailbox without a domain:
 *     ADDR_NO_DOMAIN.  "a@" and "@example.com" are ADDR_SYNTAX.
 *   - A domain-literal ("a@[192.0.2.1]") parses and is ADDR_NO_DOMAIN.
 *   - The domain is kept to the grammar (any atext, UTF-8 included); it
 *     is unusable (ADDR_NO_DOMAIN) when a label is empty
 *     ("example..com", ".example.com", "example.com."), when an ASCII
 *     label is longer than AM_MAX_LABEL (63), or when the whole is longer
 *     than AM_MAX_DOMAIN (253) octets.  A label with UTF-8 is not held
 *     to 63 octets: its DNS length is that of its A-label, which only
 *     IDNA conversion (not done here) can tell.
 *   - Empty words in the local-part ("john..doe@", ".a@", as some mobile
 *     carriers send) are accepted: they cannot move the domain.
 *   - A local-part whose value is longer than ADDR_LOCAL_SIZE - 1 octets
 *     is ADDR_SYNTAX: it cannot be kept whole, and is never truncated.
 *   - Only the first ADDR_MAX_MAILBOXES mailboxes are stored and *N is
 *     at most ADDR_MAX_MAILBOXES, but the whole value is still parsed, so
 *     the status does not depend on the cap: any syntax error anywhere is
 *     ADDR_SYNTAX, and 17 well-formed mailboxes are ADDR_MULTIPLE.
 *   - A value longer than ADDR_MAX_VALUE cannot end within the bytes we
 *     look at, so it is ADDR_SYNTAX, and nothing of it is read.  The
 *     caller must pass the real length, not one it truncated.
 *
 * Status, in order of precedence
 *   ADDR_SYNTAX     the value is not a list of mailboxes and groups
 *   ADDR_NONE       no mailbox: empty, only CFWS or ",", empty groups
 *   ADDR_MULTIPLE   more than one mailbox, even with the same domain (the
 *                   DMARC code decides, RFC 7489 6.6.1); each mailbox
 *                   without a usable domain has an empty domain
 *   ADDR_NO_DOMAIN  one mailbox, without a usable domain
 *   ADDR_OK         one mailbox with a usable domain
 *
 * Limits: ADDR_MAX_VALUE bytes of input; ADDR_MAX_MAILBOXES stored.  The
 * work is linear in LEN: every byte is looked at a small, fixed number
 * of times, whatever the nesting.  Stack use is about one mailbox.
 */
#ifndef AM_ADDR_H
#define AM_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "caps.h"

/* Mailboxes stored from one From header; more is "too many". */
#define ADDR_MAX_MAILBOXES	16
/* A local-part value: RFC 5321 4.5.3.1.1 allows 64 octets; room for 64
 * characters of four UTF-8 octets each (RFC 6531), and the NUL. */
#define ADDR_LOCAL_SIZE		(65 * 4)
/* A domain as text (RFC 5321 4.5.3.1.2) and its NUL. */
#define ADDR_DOMAIN_SIZE	(AM_MAX_DOMAIN + 1)
/* The longest From value parsed; Postfix's header_size_limit is 100 KB. */
#define ADDR_MAX_VALUE		(64 * 1024)

enum addr_status {
	ADDR_OK = 0,	/* exactly one mailbox, with a usable domain */
	ADDR_NONE,	/* empty / no mailbox */
	ADDR_MULTIPLE,	/* more than one mailbox */
	ADDR_SYNTAX,	/* unparsable */
	ADDR_NO_DOMAIN	/* one mailbox without a usable domain: local
			 * only, domain literal, empty or long labels */
};

/* addr_mailbox - one mailbox of a From header */
struct addr_mailbox {
	/* The local-part's value (RFC 5322 3.4.1): CFWS, the quotes and the
	 * quoting backslashes removed, folding undone; case kept. */
	char	local[ADDR_LOCAL_SIZE];
	/* The domain with CFWS removed and ASCII letters lower-cased; UTF-8
	 * (U-labels) kept as given, never converted to A-labels.  Empty
	 * when the mailbox has no usable domain. */
	char	domain[ADDR_DOMAIN_SIZE];
	/* The domain holds UTF-8 (a U-label); "xn--" A-labels are ASCII. */
	bool	idn;
};

/*
 * addr_parse_from - parse the value of ONE From header (P, LEN) into up to
 * ADDR_MAX_MAILBOXES mailboxes in OUT, which must have room for that
 * many.  *N gets the number stored: 0 for ADDR_SYNTAX and ADDR_NONE,
 * otherwise the number of mailboxes, at most ADDR_MAX_MAILBOXES.  OUT
 * beyond *N is unspecified.  Returns the status.
 */
enum addr_status addr_parse_from(const char *p, size_t len,
		    struct addr_mailbox *out, size_t *n);

/*
 * addr_from_domain - the one author domain for DMARC: ADDR_OK only when
 * the value (P, LEN) holds exactly one mailbox, with a usable domain,
 * which is copied to DOMAIN (DOMLEN should be ADDR_DOMAIN_SIZE).  On any
 * other status DOMAIN is set to "" (when DOMLEN > 0).  A domain that does
 * not fit DOMLEN is never truncated: the result is ADDR_NO_DOMAIN.
 */
enum addr_status addr_from_domain(const char *p, size_t len, char *domain,
		    size_t domlen);

/* addr_status_str - a short constant name for S, for logs */
const char	*addr_status_str(enum addr_status s);

#endif /* AM_ADDR_H */
