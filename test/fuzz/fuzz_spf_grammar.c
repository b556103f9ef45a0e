/*
 * fuzz_spf_grammar.c - libFuzzer target for milter/spf_grammar.c and
 * milter/spf_prepare.c
 *
 * Input: the whole input is the text checked (in a buffer of exactly its
 * size, since the checks take (ptr, len) and must not need a NUL):
 *
 *   - spf_record_check, spf_explain_check and spf_domain_spec_check
 *     must each say the same with and without WHY, and WHY must be a
 *     terminated string, empty exactly on success;
 *   - a domain-spec that is accepted alone must be accepted in a record
 *     as "include:" and "redirect=" (the same production in context);
 *   - a record that is accepted is prepared for AF_INET and AF_INET6 as
 *     spf.c does it (a NUL-terminated copy, an output buffer of
 *     2 * SPF_GRAMMAR_MAX_LEN).  The output must be terminated within
 *     the buffer, be accepted again by spf_record_check (prepared records
 *     must stay grammatical: they go to libspf2, which the check is
 *     there to shield), and be a fixed point: preparing it again for the
 *     same family changes nothing.  A short output buffer (its size from
 *     the input's last byte) must never be overrun.
 *
 * What libspf2 makes of the records and explanations that pass is
 * fuzz_dns_answer's part: it goes through spf.c's own code to get there.
 *
 * spf_prepare is then also given the record without a terminating NUL,
 * as its (REC, LEN) contract (and STYLE.md rule 4) allows.
 *
 * -DFUZZ_EXPLORE leaves out the checks of findings already reported
 * (see README.md), to look for new ones past them.
 */
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "spf_grammar.h"
#include "spf_prepare.h"

#define PREP_SIZE	(SPF_GRAMMAR_MAX_LEN * 2)	/* as in spf.c */

typedef bool check_fn(const char *, size_t, char *, size_t);


/* check - FN on (P, LEN) with and without WHY; they must agree */
static bool
check(check_fn *fn, const char *p, size_t len)
{
	char why[80];
	bool ok;

	memset(why, 'X', sizeof(why));
	ok = fn(p, len, why, sizeof(why));
	FUZZ_ASSERT(memchr(why, '\0', sizeof(why)) != NULL);
	FUZZ_ASSERT(ok == (why[0] == '\0'));
	FUZZ_ASSERT(fn(p, len, NULL, 0) == ok);
	why[0] = 'X';
	FUZZ_ASSERT(fn(p, len, why, 1) == ok && why[0] == '\0');
	return ok;
}

/* in_record - is "v=spf1 " PREFIX (P, LEN) an accepted record? */
static bool
in_record(const char *prefix, const char *p, size_t len)
{
	size_t n = strlen("v=spf1 ") + strlen(prefix);
	char *r;
	bool ok;

	if ((r = malloc(n + len)) == NULL)
		abort();
	memcpy(r, "v=spf1 ", 7);
	memcpy(r + 7, prefix, strlen(prefix));
	memcpy(r + n, p, len);
	ok = check(spf_record_check, r, n + len);
	free(r);
	return ok;
}

/* prepare - spf_prepare for FAMILY and what must hold of its output */
static void
prepare(const char *rec, size_t len, int family, size_t small)
{
	char *out, *again, *tiny;
	size_t olen;
	bool ok;

	if ((out = malloc(PREP_SIZE)) == NULL ||
	    (again = malloc(PREP_SIZE)) == NULL)
		abort();
	memset(out, 0xa5, PREP_SIZE);
	ok = spf_prepare(rec, len, family, out, PREP_SIZE);
	FUZZ_ASSERT(memchr(out, '\0', PREP_SIZE) != NULL);
	olen = strlen(out);
	if (ok) {
		/* Prepared records stay grammatical. */
		if (!check(spf_record_check, out, olen)) {
			char why[80];

			spf_record_check(out, olen, why, sizeof(why));
#ifdef FUZZ_EXPLORE
			/* -DFUZZ_EXPLORE: past the known finding (README) */
			if (strncmp(why, "too many macros", 15) == 0 ||
			    strncmp(why, "too long", 8) == 0)
				goto short_buffer;
#endif
			fprintf(stderr, "prepared for %s: \"%s\"\nrejected: "
			    "%s\n", family == AF_INET ? "AF_INET" :
			    "AF_INET6", out, why);
			FUZZ_ASSERT(!"prepared record is not grammatical");
		}
		/* ... and are a fixed point. */
		FUZZ_ASSERT(spf_prepare(out, olen, family, again, PREP_SIZE));
		FUZZ_ASSERT(strcmp(out, again) == 0);
	}
#ifdef FUZZ_EXPLORE
short_buffer:
#endif
	/* A short buffer: never overrun, always terminated. */
	if ((tiny = malloc(small)) == NULL)
		abort();
	ok = spf_prepare(rec, len, family, tiny, small);
	FUZZ_ASSERT(memchr(tiny, '\0', small) != NULL);
	if (ok)
		FUZZ_ASSERT(strlen(tiny) < small);
	free(tiny);
	free(again);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p, *rec;
	size_t small;

	p = fuzz_copy(data, size);
	if (check(spf_domain_spec_check, p, size) &&
	    size + 16 <= SPF_GRAMMAR_MAX_LEN) {
		FUZZ_ASSERT(in_record("include:", p, size));
		FUZZ_ASSERT(in_record("redirect=", p, size));
	}
	(void)check(spf_explain_check, p, size);
	if (check(spf_record_check, p, size)) {
		/* spf.c hands spf_prepare a NUL-terminated record. */
		if ((rec = malloc(size + 1)) == NULL)
			abort();
		memcpy(rec, data, size);
		rec[size] = '\0';
		small = size > 0 ? (size_t)data[size - 1] % 64 + 1 : 1;
		prepare(rec, size, AF_INET, small);
		prepare(rec, size, AF_INET6, small);
#ifndef FUZZ_EXPLORE
		/* ... but its contract is (REC, LEN), no NUL needed. */
		prepare(p, size, AF_INET, small);
		prepare(p, size, AF_INET6, small);
#endif
		free(rec);
	}
	free(p);
	return 0;
}
