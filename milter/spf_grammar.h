/*
 * spf_grammar.h - RFC 7208 section 12 syntax check of SPF records
 *
 * Contract
 *   Why: Debian 12's libspf2 1.2.10 has remote memory-safety bugs in its
 *   macro parsing and expansion (CVE-2021-20314, CVE-2021-33912,
 *   CVE-2021-33913; CVE-2023-42118, an integer underflow in
 *   SPF_c_parse_var, is unfixed there).  Every SPF record and every exp=
 *   explanation text is therefore checked here, in our own code, BEFORE
 *   libspf2 compiles it.  A record that does not conform is a permerror
 *   and never reaches libspf2; an explanation that does not conform is
 *   dropped by the caller (RFC 7208 section 6.2: proceed as if no exp=
 *   was given).
 *
 *   What: spf_record_check() accepts exactly the `record` production of
 *   RFC 7208 section 12 (version terms *SP), with the prose rules that
 *   the ABNF leaves out: mechanism and modifier names are
 *   case-insensitive (4.6.1); an unknown mechanism name is an error
 *   (5, 4.6.1); "redirect" and "exp" may each appear once (6); the known
 *   modifiers do not fall back to unknown-modifier, so "exp=-all" is an
 *   error (suite tests exp-syntax-error, redirect-syntax-error); the
 *   macro letters c, r and t are allowed only in an explain-string
 *   (7.1).  ip6-network follows the RFC 4291 section 2.2 text forms.
 *   spf_explain_check() accepts `explain-string`; spf_domain_spec_check()
 *   accepts one `domain-spec` in record context (no c, r, t).
 *
 *   Not checked, because they are evaluation and not syntax: label and
 *   name lengths after expansion (4.3, 4.8), empty labels, the DNS
 *   lookup limits (4.6.4), record selection among several TXT records
 *   (4.5; "v=spf10" is simply BAD here).
 *
 *   Caps beyond the RFC (below) make the check stricter than the
 *   grammar where libspf2's bug class lives; a record that trips one is
 *   BAD like any other.
 *
 *   Result: true when the input conforms, false when it does not (there
 *   is no third outcome; nothing here can fail transiently).
 *
 *   Input: untrusted (P, LEN); no NUL is needed or honoured (a NUL byte
 *   is BAD).  No byte at or past P + LEN is read.  Nothing is allocated
 *   and there is no global state: the functions are reentrant.  WHY may
 *   be NULL or WHYLEN 0; otherwise it always gets a NUL-terminated
 *   string, "" on success, else a short fixed reason with a byte offset
 *   (never a copy of the input, so it is safe to log).
 */
#ifndef AM_SPF_GRAMMAR_H
#define AM_SPF_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Longest record or explanation checked: 4 KB of TXT.  RFC 7208 3.4 keeps
 * the answer under 512 octets for UDP; real records are far shorter.
 */
#define SPF_GRAMMAR_MAX_LEN		4096
/*
 * Macro-expands (%{...}, %%, %_, %-) per record or explanation: bounds
 * the expansion work libspf2 does; no real policy comes near it.
 */
#define SPF_GRAMMAR_MAX_MACROS		64
/*
 * Transformer digits: RFC 7208 7.1 says *DIGIT, but the libspf2 integer
 * bugs live there.  Three digits hold the largest useful value.
 */
#define SPF_GRAMMAR_MAX_XFORM_DIGITS	3
/*
 * Largest transformer value: a 253-octet name has at most 127 labels;
 * libspf2 itself refuses more than 128.  Zero is an error (7.3: the
 * value MUST be nonzero).
 */
#define SPF_GRAMMAR_MAX_XFORM		128
/* Delimiters in one macro: the set has 7 members, repeats add nothing. */
#define SPF_GRAMMAR_MAX_DELIMS		7

/* spf_record_check - does (P, LEN) conform to RFC 7208 section 12 `record`? */
bool	spf_record_check(const char *p, size_t len, char *why,
	    size_t whylen);

/* spf_explain_check - does (P, LEN) conform to `explain-string` (6.2, 12)? */
bool	spf_explain_check(const char *p, size_t len, char *why,
	    size_t whylen);

/* spf_domain_spec_check - one `domain-spec` alone (exp= targets etc.) */
bool	spf_domain_spec_check(const char *p, size_t len, char *why,
	    size_t whylen);

#endif /* AM_SPF_GRAMMAR_H */
