/*
 * fuzz.h - what every libFuzzer target of test/fuzz shares
 *
 * A reader hands out the fuzzer's bytes front to back; once they run out
 * it yields zeros and empty strings, so a target never branches on
 * whether enough input is left.  FUZZ_ASSERT aborts with the failed
 * condition and the line, which libFuzzer reports as a crash and keeps
 * as an artifact.  Strings taken from the input are copied into buffers
 * of exactly their size, so that AddressSanitizer sees a read past them.
 */
#ifndef AM_FUZZ_H
#define AM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FUZZ_ASSERT - abort when COND is false, naming it */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* fuzz_in - the input, read front to back */
struct fuzz_in {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

/* fuzz_left - bytes not yet read */
static inline size_t
fuzz_left(const struct fuzz_in *in)
{
	return in->len - in->off;
}

/* fuzz_u8 - the next byte, 0 at the end */
static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	return in->off < in->len ? in->p[in->off++] : 0;
}

/* fuzz_u16 - the next two bytes, big-endian */
static inline unsigned
fuzz_u16(struct fuzz_in *in)
{
	unsigned hi = fuzz_u8(in);

	return hi << 8 | fuzz_u8(in);
}

/* fuzz_u32 - the next four bytes, big-endian */
static inline uint32_t
fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

/*
 * fuzz_bytes - the next N bytes (fewer at the end) as a new buffer of
 * exactly that many bytes; *LEN gets the count.  Never NULL: an empty
 * result is a 1-byte allocation that must not be read.
 */
static inline char *
fuzz_bytes(struct fuzz_in *in, size_t n, size_t *len)
{
	char *s;

	if (n > fuzz_left(in))
		n = fuzz_left(in);
	if ((s = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	if (n > 0)
		memcpy(s, in->p + in->off, n);
	in->off += n;
	*len = n;
	return s;
}

/* fuzz_str - the next N bytes as a new NUL-terminated string (NULs kept) */
static inline char *
fuzz_str(struct fuzz_in *in, size_t n)
{
	char *s;

	if (n > fuzz_left(in))
		n = fuzz_left(in);
	if ((s = malloc(n + 1)) == NULL)
		abort();
	memcpy(s, in->p + in->off, n);
	s[n] = '\0';
	in->off += n;
	return s;
}

/* fuzz_line - up to the next '\n' (taken, not kept) or MAX bytes */
static inline char *
fuzz_line(struct fuzz_in *in, size_t max)
{
	const uint8_t *nl;
	size_t n = fuzz_left(in);
	char *s;

	if ((nl = memchr(in->p + in->off, '\n', n)) != NULL)
		n = (size_t)(nl - (in->p + in->off));
	s = fuzz_str(in, n < max ? n : max);
	if (in->off < in->len && in->p[in->off] == '\n')
		in->off++;
	return s;
}

/* fuzz_copy - (P, LEN) in a buffer of exactly LEN bytes (LEN 0: 1 byte) */
static inline char *
fuzz_copy(const void *p, size_t len)
{
	char *s;

	if ((s = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	if (len > 0)
		memcpy(s, p, len);
	return s;
}

#endif /* AM_FUZZ_H */
