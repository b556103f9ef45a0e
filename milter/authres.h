/*
 * authres.h - building and recognising Authentication-Results (RFC 8601)
 *
 * Contract
 *   Recognising: authres_authserv_id() extracts the authserv-id of an
 *   incoming Authentication-Results value (the header body as the MTA
 *   gives it, possibly folded, with comments, quoting and any case), and
 *   authres_is_ours() compares it with ours case-insensitively (RFC 8601
 *   section 5: such headers are deleted before ours is added).  The input
 *   is untrusted (PTR, LEN), never relies on a NUL, and is inspected up to
 *   AM_MAX_AR_INSPECT bytes; a value whose authserv-id does not end within
 *   them counts as ours, so that it is deleted rather than trusted.
 *
 *   Building: one struct authres per message collects resinfo entries
 *   (method=result, an optional comment, properties) and renders one
 *   header value: "authserv-id; none" when no method ran (section 2.2),
 *   otherwise "authserv-id;\n\tmethod=result (comment) ptype.prop=value..."
 *   with one resinfo per folded line.  Values taken from mail are written
 *   only when they are valid for their kind (a domain name, a token, a
 *   mailbox, a base64 prefix); anything else is left out, so a hostile
 *   message cannot inject text into the header.  Comment text is reduced
 *   to printable ASCII without parentheses or backslashes.
 */
#ifndef AM_AUTHRES_H
#define AM_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

struct authres;

/* authres_value_kind - what a property value must look like */
enum authres_kind {
	AR_DOMAIN,	/* a domain name: LDH labels (underscore allowed), <= 253 */
	AR_TOKEN,	/* an RFC 2045 token */
	AR_MAILBOX,	/* [local-part]@domain, local-part a dot-atom */
	AR_BASE64	/* base64 text: written as a quoted-string */
};

/* authres_authserv_id - copy the authserv-id of (V, LEN) to OUT; false if none */
bool		 authres_authserv_id(const char *v, size_t len, char *out,
		    size_t outlen);

/* authres_is_ours - does (V, LEN) carry AUTHSERV_ID (case-insensitive)? */
bool		 authres_is_ours(const char *v, size_t len,
		    const char *authserv_id);

/* authres_new - a builder for one header; NULL when out of memory */
struct authres	*authres_new(const char *authserv_id);

/* authres_free - NULL is a no-op */
void		 authres_free(struct authres *ar);

/* authres_method - start a resinfo "METHOD=RESULT" (both our own constants) */
void		 authres_method(struct authres *ar, const char *method,
		    const char *result);

/* authres_comment - add a comment to the current resinfo (printf-like) */
void		 authres_comment(struct authres *ar, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* authres_prop - add "NAME=VALUE" when VALUE is valid for KIND; false if left out */
bool		 authres_prop(struct authres *ar, const char *name,
		    enum authres_kind kind, const char *value);

/* authres_value - the rendered header value (owned by AR); NULL on ENOMEM */
const char	*authres_value(struct authres *ar);

/* authres_valid - is VALUE valid for KIND (the check authres_prop makes)? */
bool		 authres_valid(enum authres_kind kind, const char *value);

#endif /* AM_AUTHRES_H */
