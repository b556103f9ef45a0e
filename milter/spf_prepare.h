/*
 * spf_prepare.h - an RFC 7208 record rewritten into one libspf2 evaluates
 * the same way
 *
 * Contract
 *   spf_prepare() takes a record that spf_record_check() accepted and
 *   writes an equivalent one for the client's address family that Debian
 *   12's libspf2 evaluates as RFC 7208 says.  Each rewrite is exact:
 *   - unknown modifiers are dropped (6: they MUST be ignored; libspf2
 *     refuses names with '.', '-' or '_');
 *   - redirect= goes last and is dropped when the record has an "all"
 *     mechanism (6.1: it applies only after every mechanism failed, and
 *     never with "all"; libspf2 follows it where it stands);
 *   - a CIDR length of 0 (libspf2 refuses it, and reads 0 as "none"):
 *     ip4:X/0 becomes ip4:0.0.0.0/1 ip4:128.0.0.0/1 (ip6 alike); for a
 *     and mx, a zero length for the other family is dropped, and a zero
 *     length for the client's family marks the domain-spec with the
 *     label SPF_ANY_LABEL, which our DNS layer (spf.c) reads as "any
 *     address of this name matches": the lookups stay the same ones.
 *   The input is trusted to be grammatical (spf_record_check first); the
 *   output is NUL-terminated, or the function fails when it does not fit.
 */
#ifndef AM_SPF_PREPARE_H
#define AM_SPF_PREPARE_H

#include <stdbool.h>
#include <stddef.h>

/* The label that marks "a CIDR length of 0" on a domain-spec. */
#define SPF_ANY_LABEL	"am--any0"

/* spf_prepare - rewrite (REC, LEN) for FAMILY into OUT; false if no room */
bool	 spf_prepare(const char *rec, size_t len, int family, char *out,
	    size_t outlen);

#endif /* AM_SPF_PREPARE_H */
