/*
 * check.h - the unit tests' tiny harness
 *
 * Each CHECK prints "ok" or "FAIL file:line: what" with got= and want=
 * where the caller gives them; check_done() prints "N passed, M failed"
 * and returns the exit status for main().
 */
#ifndef AM_TEST_CHECK_H
#define AM_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		check_passed++;						\
	} else {							\
		check_failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

/* CHECK_STR - compare two strings, printing got= and want= on failure */
#define CHECK_STR(got, want, what) do {					\
	const char *g_ = (got), *w_ = (want);				\
	CHECK(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_,\
	    "%s: got=\"%s\" want=\"%s\"", (what), g_ ? g_ : "(null)",	\
	    w_ ? w_ : "(null)");					\
} while (0)

/* CHECK_INT - compare two integers */
#define CHECK_INT(got, want, what) do {					\
	long g_ = (long)(got), w_ = (long)(want);			\
	CHECK(g_ == w_, "%s: got=%ld want=%ld", (what), g_, w_);	\
} while (0)

/* check_xorshift - xorshift32 on *S: the same sequence on every run */
static inline uint32_t
check_xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static inline int
check_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed,
	    check_failed);
	return check_failed == 0 ? 0 : 1;
}

#endif /* AM_TEST_CHECK_H */
