/*
 * psl.c - the Public Suffix List, for DMARC's RFC 7489 compatibility mode
 *
 * The contract is in psl.h.  The rules are kept as text in one arena,
 * exactly as matched: "co.uk", "*.ck", "!www.ck"; IDN rules only in their
 * A-label form, since input is ASCII.  An open-addressing hash (FNV-1a,
 * linear probing, at most half full) maps a rule's text to its arena
 * offset.  A lookup asks, for each suffix of the name, whether the rule
 * "suffix", "*.parent-suffix" or "!suffix" exists; nothing is built per
 * lookup and nothing is written, so lookups need no lock.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psl.h"

/* The longest name as text (RFC 5321 4.5.3.1.2) and label (RFC 1035). */
#define PSL_NAME_MAX	253
#define PSL_LABEL_MAX	63
/* Labels of a 253-octet name: at most 127. */
#define PSL_LABELS_MAX	128

/* psl - the loaded list, read-only after psl_load() */
struct psl {
	char		*arena;		/* rule texts, each NUL-terminated */
	size_t		 alen, acap;
	uint32_t	*slot;		/* arena offset + 1; 0 is empty */
	size_t		 nslot;		/* a power of two */
	size_t		 nadded;	/* rule texts in the arena */
	size_t		 nrules;	/* distinct rules in the table */
};

/* pl_why - put REASON (and an errno text when ERR) into WHY */
static void
pl_why(char *why, size_t whylen, const char *reason, int err)
{
	if (why == NULL || whylen == 0)
		return;
	if (err != 0)
		(void)snprintf(why, whylen, "%s: %s", reason, strerror(err));
	else
		(void)snprintf(why, whylen, "%s", reason);
}

/* pl_hash - FNV-1a over PRE then S */
static uint32_t
pl_hash(const char *pre, const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *pre != '\0'; pre++)
		h = (h ^ (unsigned char)*pre) * 16777619u;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* pl_equal - is the arena text R the concatenation PRE S? */
static bool
pl_equal(const char *r, const char *pre, const char *s)
{
	size_t	n = strlen(pre);

	return strncmp(r, pre, n) == 0 && strcmp(r + n, s) == 0;
}

/* pl_has - is the rule PRE S in L? */
static bool
pl_has(const struct psl *l, const char *pre, const char *s)
{
	size_t	i = pl_hash(pre, s) & (l->nslot - 1);

	while (l->slot[i] != 0) {
		if (pl_equal(l->arena + l->slot[i] - 1, pre, s))
			return true;
		i = (i + 1) & (l->nslot - 1);
	}
	return false;
}

/* pl_insert - put the arena text at OFF into the table, once */
static void
pl_insert(struct psl *l, size_t off)
{
	size_t	i = pl_hash("", l->arena + off) & (l->nslot - 1);

	while (l->slot[i] != 0) {
		if (strcmp(l->arena + l->slot[i] - 1, l->arena + off) == 0)
			return;
		i = (i + 1) & (l->nslot - 1);
	}
	l->slot[i] = (uint32_t)off + 1;
	l->nrules++;
}

/* pl_append - add the rule text (P, N) to the arena; false on no memory */
static bool
pl_append(struct psl *l, const char *p, size_t n)
{
	char	*a;
	size_t	 cap;

	if (l->alen + n + 1 > l->acap) {
		cap = l->acap == 0 ? 64 * 1024 : l->acap * 2;
		while (cap < l->alen + n + 1)
			cap *= 2;
		if ((a = realloc(l->arena, cap)) == NULL)
			return false;
		l->arena = a;
		l->acap = cap;
	}
	memcpy(l->arena + l->alen, p, n);
	l->arena[l->alen + n] = '\0';
	l->alen += n + 1;
	return true;
}

/* ---------------------------------------------------------- Punycode */

/* The RFC 3492 section 5 parameters. */
#define PC_BASE		36
#define PC_TMIN		1
#define PC_TMAX		26
#define PC_SKEW		38
#define PC_DAMP		700
#define PC_BIAS		72
#define PC_N		128

/* pc_utf8 - decode the UTF-8 (P, N) into CP[]; -1 when not valid UTF-8 */
static int
pc_utf8(const unsigned char *p, size_t n, uint32_t *cp, size_t cpmax)
{
	size_t		i = 0, k, more, ncp = 0;
	uint32_t	c, min;

	while (i < n) {
		c = p[i++];
		if (c < 0x80)
			more = 0, min = 0;
		else if ((c & 0xe0) == 0xc0)
			more = 1, min = 0x80, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			more = 2, min = 0x800, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			more = 3, min = 0x10000, c &= 0x07;
		else
			return -1;
		for (k = 0; k < more; k++) {
			if (i >= n || (p[i] & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (p[i++] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    ncp >= cpmax)
			return -1;
		cp[ncp++] = c;
	}
	return (int)ncp;
}

/* pc_adapt - the bias adaptation of RFC 3492 6.1 */
static uint32_t
pc_adapt(uint32_t delta, uint32_t npoints, bool first)
{
	uint32_t	k = 0;

	delta = first ? delta / PC_DAMP : delta / 2;
	delta += delta / npoints;
	while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
		delta /= PC_BASE - PC_TMIN;
		k += PC_BASE;
	}
	return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

/* pc_digit - the basic code point of digit D (lower case) */
static char
pc_digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

/* pc_put - append C to OUT[*N] within MAX; false when full */
static bool
pc_put(char *out, size_t *n, size_t max, char c)
{
	if (*n >= max)
		return false;
	out[(*n)++] = c;
	return true;
}

/* pc_delta - emit DELTA as a generalized variable-length integer (6.3) */
static bool
pc_delta(uint32_t delta, uint32_t bias, char *out, size_t *n, size_t max)
{
	uint32_t	q = delta, k, t;

	for (k = PC_BASE;; k += PC_BASE) {
		t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX :
		    k - bias;
		if (q < t)
			break;
		if (!pc_put(out, n, max, pc_digit(t + (q - t) %
		    (PC_BASE - t))))
			return false;
		q = (q - t) / (PC_BASE - t);
	}
	return pc_put(out, n, max, pc_digit(q));
}

/*
 * pc_encode - RFC 3492 6.3 encoding of CP[NCP] into OUT (MAX bytes, no
 * NUL); the length, or -1 when it does not fit.  Code points are few (a
 * label), so delta cannot overflow 32 bits.
 */
static int
pc_encode(const uint32_t *cp, size_t ncp, char *out, size_t max)
{
	uint32_t	n = PC_N, delta = 0, bias = PC_BIAS, h, b = 0, m;
	size_t		i, len = 0;

	for (i = 0; i < ncp; i++)
		if (cp[i] < 0x80 && !pc_put(out, &len, max, (char)cp[i]))
			return -1;
	h = b = (uint32_t)len;
	if (b > 0 && !pc_put(out, &len, max, '-'))
		return -1;
	while (h < ncp) {
		for (m = UINT32_MAX, i = 0; i < ncp; i++)
			if (cp[i] >= n && cp[i] < m)
				m = cp[i];
		delta += (m - n) * (h + 1);
		n = m;
		for (i = 0; i < ncp; i++) {
			if (cp[i] < n)
				delta++;
			if (cp[i] != n)
				continue;
			if (!pc_delta(delta, bias, out, &len, max))
				return -1;
			bias = pc_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
		delta++;
		n++;
	}
	return (int)len;
}

/*
 * pc_alabel - the U-label (P, N) as an A-label "xn--..." into OUT[64];
 * false when it is not valid UTF-8 or the A-label is over 63 octets
 */
static bool
pc_alabel(const char *p, size_t n, char out[PSL_LABEL_MAX + 1])
{
	uint32_t	cp[PSL_LABEL_MAX];
	int		ncp, len;

	ncp = pc_utf8((const unsigned char *)p, n, cp, PSL_LABEL_MAX);
	if (ncp <= 0)
		return false;
	memcpy(out, "xn--", 4);
	len = pc_encode(cp, (size_t)ncp, out + 4, PSL_LABEL_MAX - 4);
	if (len < 0)
		return false;
	out[4 + len] = '\0';
	return true;
}

/* ---------------------------------------------------------- loading */

/* pl_ldh - an ASCII byte allowed in a label: LDH or "_" */
static bool
pl_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* pl_lower - ASCII lower case */
static char
pl_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * pl_label - one rule label (P, N) into OUT at *LEN (lower case; U-labels
 * as A-labels); false when it is not a valid label
 */
static bool
pl_label(const char *p, size_t n, char *out, size_t *len)
{
	char	a[PSL_LABEL_MAX + 1];
	size_t	i;
	bool	ascii = true;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] >= 0x80)
			ascii = false;
		else if (!pl_ldh((unsigned char)p[i]))
			return false;
	}
	if (!ascii) {
		if (!pc_alabel(p, n, a))
			return false;
		p = a;
		n = strlen(a);
	}
	if (n > PSL_LABEL_MAX || *len + n + 1 > PSL_NAME_MAX + 1)
		return false;
	for (i = 0; i < n; i++)
		out[(*len)++] = pl_lower(p[i]);
	out[(*len)++] = '.';
	return true;
}

/*
 * pl_rule - one rule (P, N) from the file: "!" exception, "*." wildcard
 * or plain; added in its matchable form.  Invalid rules and the bare "*"
 * (the implicit default) are skipped.  False on no memory or past
 * PSL_RULES_MAX.
 */
static bool
pl_rule(struct psl *l, const char *p, size_t n)
{
	char	out[2 + PSL_NAME_MAX + 2];
	size_t	len = 0, pre = 0, i, j;

	if (n > 0 && p[0] == '!')
		pre = 1;
	else if (n > 1 && p[0] == '*' && p[1] == '.')
		pre = 2;
	memcpy(out, p, pre);
	for (i = pre; i < n; i = j + 1) {
		for (j = i; j < n && p[j] != '.'; j++)
			;
		if (!pl_label(p + i, j - i, out + pre, &len))
			return true;		/* skipped */
	}
	if (len == 0)
		return true;
	len--;					/* the last '.' */
	if (l->nadded >= PSL_RULES_MAX)
		return false;
	l->nadded++;
	return pl_append(l, out, pre + len);
}

/* pl_line - one line of the file: a comment, a section marker or a rule */
static bool
pl_line(struct psl *l, const char *p, size_t n, unsigned int flags,
    bool *private)
{
	size_t	i = 0, j;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (n - i >= 2 && p[i] == '/' && p[i + 1] == '/') {
		if (memmem(p + i, n - i, "===BEGIN PRIVATE DOMAINS===",
		    27) != NULL)
			*private = true;
		else if (memmem(p + i, n - i, "===END PRIVATE DOMAINS===",
		    25) != NULL)
			*private = false;
		return true;
	}
	/* "Each line is only read up to the first whitespace" (the format) */
	for (j = i; j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\r'; j++)
		;
	if (j == i || (*private && (flags & PSL_ICANN_ONLY) != 0))
		return true;
	return pl_rule(l, p + i, j - i);
}

/* pl_read - the whole file at PATH, up to PSL_FILE_MAX; NULL on error */
static char *
pl_read(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE	*f;
	char	*buf = NULL, *b;
	size_t	 cap = 0, n;

	*len = 0;
	if ((f = fopen(path, "re")) == NULL) {
		pl_why(why, whylen, "cannot open the list", errno);
		return NULL;
	}
	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 256 * 1024 : cap * 2;
			if (cap > PSL_FILE_MAX + 1)
				cap = PSL_FILE_MAX + 1;
			if (*len == cap || (b = realloc(buf, cap)) == NULL) {
				pl_why(why, whylen, *len == cap ?
				    "list file over 16 MB" : "out of memory",
				    0);
				goto fail;
			}
			buf = b;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		pl_why(why, whylen, "cannot read the list", errno);
		goto fail;
	}
	(void)fclose(f);
	return buf;
fail:
	free(buf);
	(void)fclose(f);
	return NULL;
}

/* pl_index - build the hash table over the arena */
static bool
pl_index(struct psl *l)
{
	size_t	n = 0, off;

	for (off = 0; off < l->alen; off += strlen(l->arena + off) + 1)
		n++;
	l->nslot = 16;
	while (l->nslot < 2 * n)
		l->nslot *= 2;
	if ((l->slot = calloc(l->nslot, sizeof(*l->slot))) == NULL)
		return false;
	for (off = 0; off < l->alen; off += strlen(l->arena + off) + 1)
		pl_insert(l, off);
	return true;
}

/* psl_load - read the list at PATH */
struct psl *
psl_load(const char *path, unsigned int flags, char *why, size_t whylen)
{
	struct psl	*l;
	char		*buf;
	size_t		 len, i, j;
	bool		 private = false;

	pl_why(why, whylen, "", 0);
	if ((buf = pl_read(path, &len, why, whylen)) == NULL)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		free(buf);
		pl_why(why, whylen, "out of memory", 0);
		return NULL;
	}
	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && buf[j] != '\n'; j++)
			;
		if (!pl_line(l, buf + i, j - i, flags, &private))
			break;
	}
	free(buf);
	if (i < len || !pl_index(l)) {
		pl_why(why, whylen, l->nadded >= PSL_RULES_MAX ?
		    "list over 500000 rules" : "out of memory", 0);
		psl_free(l);
		return NULL;
	}
	if (l->nrules == 0) {
		pl_why(why, whylen, "the list holds no rule", 0);
		psl_free(l);
		return NULL;
	}
	return l;
}

/* psl_free - release L; NULL is a no-op */
void
psl_free(struct psl *l)
{
	if (l == NULL)
		return;
	free(l->slot);
	free(l->arena);
	free(l);
}

/* psl_rules - the number of rules held */
size_t
psl_rules(const struct psl *l)
{
	return l == NULL ? 0 : l->nrules;
}

/* ---------------------------------------------------------- lookup */

/*
 * pl_name - DOMAIN lower case without its trailing dot into OUT, and the
 * offsets of its labels, left to right, into START; the label count, or
 * 0 when DOMAIN is not an ASCII domain name
 */
static size_t
pl_name(const char *domain, char out[PSL_NAME_MAX + 1],
    size_t start[PSL_LABELS_MAX])
{
	size_t	n, i, nl = 0, label = 0;

	n = strnlen(domain, PSL_NAME_MAX + 2);
	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n > PSL_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (domain[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (!pl_ldh((unsigned char)domain[i]) ||
		    ++label > PSL_LABEL_MAX)
			return 0;
		if (label == 1)
			start[nl++] = i;
		out[i] = pl_lower(domain[i]);
	}
	out[n] = '\0';
	return label == 0 ? 0 : nl;
}

/*
 * pl_suffix - the number of labels of NAME's public suffix: the longest
 * matching rule, "*" matching one label, the default rule "*" when none
 * does; an exception rule prevails, less its leftmost label
 */
static size_t
pl_suffix(const struct psl *l, const char *name, const size_t *start,
    size_t nl)
{
	size_t	k, best = 1, exc = 0;

	for (k = 1; k <= nl; k++) {
		if (pl_has(l, "!", name + start[nl - k]))
			exc = k;
		if (pl_has(l, "", name + start[nl - k]))
			best = k;
		if (k >= 2 && pl_has(l, "*.", name + start[nl - k + 1]))
			best = k;
	}
	return exc > 0 ? exc - 1 : best;
}

/* psl_org_domain - the public suffix of DOMAIN plus one label, into OUT */
int
psl_org_domain(const struct psl *l, const char *domain, char *out,
    size_t outlen)
{
	char		 name[PSL_NAME_MAX + 1];
	size_t		 start[PSL_LABELS_MAX], nl, ps;
	const char	*org;

	if (l == NULL || domain == NULL || out == NULL || outlen == 0 ||
	    (nl = pl_name(domain, name, start)) == 0)
		return -1;
	ps = pl_suffix(l, name, start, nl);
	org = nl > ps ? name + start[nl - ps - 1] : name;
	if (strlen(org) >= outlen)
		return -1;
	memcpy(out, org, strlen(org) + 1);
	return nl > ps ? 1 : 0;
}
