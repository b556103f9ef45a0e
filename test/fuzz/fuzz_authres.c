/*
 * fuzz_authres.c - libFuzzer target for milter/authres.c
 *
 * Input: the first byte chooses the authserv-id: with its high bit set,
 * the input's first line (after that byte) is the id, otherwise an entry
 * of ids[].  The rest is used twice:
 *
 *   1. as an incoming Authentication-Results value for
 *      authres_authserv_id() and authres_is_ours(), which must agree with
 *      each other and with a smaller output buffer; with bit 0x40 of the
 *      first byte also after nearly AM_MAX_AR_INSPECT bytes of folding
 *      white space, where an id cut by the cap must count as ours;
 *   2. as a program for the builder: each byte picks a call
 *      (method, comment, property, render, repeated property) and the
 *      bytes after it give that call's arguments.  Methods, results and
 *      property names are our own constants (a table); comment text and
 *      property values come from the input, as they come from mail.
 *      Every rendering is parsed back and must hold: no CR, every LF
 *      followed by TAB, printable ASCII, lines within 998 octets, the
 *      value within AM_MAX_AR_VALUE, comments without parentheses or
 *      backslashes, property values without parentheses, exactly the
 *      properties authres_prop() accepted in the order it accepted them,
 *      and the same authserv-id read back by authres_authserv_id().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "caps.h"
#include "fuzz.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* RFC 5322 2.1.1: a line MUST be at most 998 characters. */
#define LINE_MAX_5322	998
#define AR_HEADER_NAME	"Authentication-Results: "

static const char *const ids[] = {
	"mx.example.net", "MX.Example.Net", "example", "a", "mx-1.example.org.",
	"x!#$%&'*+-.^_`{|}~y",
};

static const char *const methods[] = {
	"spf", "dkim", "dmarc", "arc", "iprev", "auth", "dkim-atps", "x-test",
};

static const char *const results[] = {
	"none", "pass", "fail", "softfail", "neutral", "temperror",
	"permerror", "policy",
};

static const char *const propnames[] = {
	"smtp.mailfrom", "smtp.helo", "header.d", "header.i", "header.b",
	"header.from", "policy.dmarc", "smtp.auth", "header.s",
};

/* tchar - RFC 2045 token character */
static bool
tchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* valid_id - what config.c's check_authserv_id accepts */
static bool
valid_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > AM_MAX_AUTHSERV_ID)
		return false;
	for (i = 0; i < n; i++)
		if (!tchar((unsigned char)s[i]))
			return false;
	return true;
}

/* caseeq - ASCII case-insensitive equality */
static bool
caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
		int y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;

		if (x != y)
			return false;
	}
	return *a == '\0' && *b == '\0';
}

/* check_recognise - authres_authserv_id and authres_is_ours on (V, LEN) */
static void
check_recognise(const char *v, size_t len, const char *id, size_t small)
{
	char out[AM_MAX_AUTHSERV_ID + 1], flip[AM_MAX_AUTHSERV_ID + 1];
	char *sm;
	size_t n, i;
	bool ok, ours;

	memset(out, 'X', sizeof(out));
	ok = authres_authserv_id(v, len, out, sizeof(out));
	n = strnlen(out, sizeof(out));
	FUZZ_ASSERT(n < sizeof(out));
	FUZZ_ASSERT(ok ? n > 0 : n == 0);
	ours = authres_is_ours(v, len, id);
	/* Within AM_MAX_AR_INSPECT nothing is cut: ours iff the same id. */
	if (len <= AM_MAX_AR_INSPECT)
		FUZZ_ASSERT(ours == (ok && id[0] != '\0' && caseeq(out, id)));
	if (!ok)
		return;
	/* The id read must be recognised as ours, in any case. */
	FUZZ_ASSERT(authres_is_ours(v, len, out));
	for (i = 0; i <= n; i++)
		flip[i] = out[i] >= 'a' && out[i] <= 'z' ? out[i] - 32 :
		    out[i] >= 'A' && out[i] <= 'Z' ? out[i] + 32 : out[i];
	FUZZ_ASSERT(authres_is_ours(v, len, flip));
	/* A smaller buffer: the same id when it fits, else nothing. */
	if ((sm = malloc(small)) == NULL)
		abort();
	ok = authres_authserv_id(v, len, sm, small);
	FUZZ_ASSERT(ok == (n < small));
	if (ok)
		FUZZ_ASSERT(strcmp(sm, out) == 0);
	else
		FUZZ_ASSERT(sm[0] == '\0');
	free(sm);
}

/*
 * check_padded - (V, LEN) after N bytes of folding white space, N near
 * AM_MAX_AR_INSPECT: the same id when it ends within the bytes inspected,
 * and ours when it does not (RFC 8601 section 5: delete, never trust)
 */
static void
check_padded(const char *v, size_t len, const char *id, size_t n)
{
	char out[AM_MAX_AUTHSERV_ID + 1], pout[AM_MAX_AUTHSERV_ID + 1];
	char *p;
	bool ok, pok;

	if ((p = malloc(n + len)) == NULL)
		abort();
	memset(p, ' ', n);
	if (n > 2)
		memcpy(p + n / 2, "\r\n\t", 3);
	memcpy(p + n, v, len);
	ok = authres_authserv_id(v, len, out, sizeof(out));
	pok = authres_authserv_id(p, n + len, pout, sizeof(pout));
	if (pok)
		FUZZ_ASSERT(ok && strcmp(out, pout) == 0);
	if (id[0] != '\0' && authres_is_ours(v, len, id))
		FUZZ_ASSERT(authres_is_ours(p, n + len, id));
	/* Found in V but not after the blanks: cut by the cap, so ours. */
	if (ok && !pok && id[0] != '\0')
		FUZZ_ASSERT(authres_is_ours(p, n + len, id));
	free(p);
}

/* expect - the property items authres_prop accepted, in order */
struct expect {
	char	**v;
	size_t	  n;
	size_t	  size;
};

static void
expect_add(struct expect *e, const char *name, const char *value, bool quote)
{
	size_t need = strlen(name) + strlen(value) + 4;

	if (e->n == e->size) {
		e->size = e->size ? e->size * 2 : 16;
		if ((e->v = realloc(e->v, e->size * sizeof(*e->v))) == NULL)
			abort();
	}
	if ((e->v[e->n] = malloc(need)) == NULL)
		abort();
	snprintf(e->v[e->n++], need, quote ? "%s=\"%s\"" : "%s=%s", name,
	    value);
}

static void
expect_free(struct expect *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
}

/* check_chars - printable ASCII, LF always followed by TAB, no CR, lines */
static void
check_chars(const char *v)
{
	size_t col = strlen(AR_HEADER_NAME);
	const char *p;

	for (p = v; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		FUZZ_ASSERT(c != '\r');
		if (c == '\n') {
			FUZZ_ASSERT(p[1] == '\t');
			col = 0;
			continue;
		}
		FUZZ_ASSERT(c == '\t' || (c >= 0x20 && c < 0x7f));
		FUZZ_ASSERT(++col <= LINE_MAX_5322);
	}
}

/* skip_sep - a separator: " " or the fold "\n\t  "; false if none */
static bool
skip_sep(const char **pp)
{
	if (**pp == ' ') {
		(*pp)++;
		return true;
	}
	if (strncmp(*pp, "\n\t  ", 4) == 0) {
		*pp += 4;
		return true;
	}
	return false;
}

/*
 * check_structure - parse V as the builder writes it:
 *   id "; none" | id ";" 1*( "\n\t" head [sep "(" text ")"] *(sep prop) )
 * with ";" between resinfos; the props must be E's, in order.
 */
static void
check_structure(const char *v, const char *id, const struct expect *e,
    size_t nmethods)
{
	const char *p = v, *q;
	size_t nprops = 0, nres = 0, n;
	bool comment, prop;

	n = strlen(id);
	FUZZ_ASSERT(strncmp(p, id, n) == 0);
	p += n;
	if (strcmp(p, "; none") == 0) {
		FUZZ_ASSERT(e->n == 0);
		return;
	}
	FUZZ_ASSERT(*p++ == ';');
	while (*p != '\0') {
		FUZZ_ASSERT(strncmp(p, "\n\t", 2) == 0 && p[2] != ' ');
		p += 2;
		nres++;
		/* method=result, both tokens */
		for (q = p; tchar((unsigned char)*q); q++)
			;
		FUZZ_ASSERT(q > p && *q == '=');
		for (p = ++q; tchar((unsigned char)*q); q++)
			;
		FUZZ_ASSERT(q > p);
		p = q;
		comment = prop = false;
		while (*p != '\0' && *p != ';') {
			FUZZ_ASSERT(skip_sep(&p));
			if (*p == '(') {
				/* one comment, before any property */
				FUZZ_ASSERT(!comment && !prop);
				comment = true;
				for (q = ++p; *q != '\0' && *q != ')'; q++)
					FUZZ_ASSERT(*q != '(' && *q != '\\' &&
					    *q != '\n');
				FUZZ_ASSERT(*q == ')');
				p = q + 1;
				continue;
			}
			/* a property: ptype.property=value */
			FUZZ_ASSERT(nprops < e->n);
			n = strlen(e->v[nprops]);
			FUZZ_ASSERT(strncmp(p, e->v[nprops], n) == 0);
			for (q = p; q < p + n; q++)
				FUZZ_ASSERT(*q != '(' && *q != ')' && *q != ' ' &&
				    *q != ';');
			p += n;
			FUZZ_ASSERT(*p == '\0' || *p == ' ' || *p == ';' ||
			    *p == '\n');
			nprops++;
			prop = true;
		}
		if (*p == ';')
			FUZZ_ASSERT(*++p == '\n');
	}
	FUZZ_ASSERT(nprops == e->n);
	FUZZ_ASSERT(nres > 0 && nres <= nmethods);
}

/* check_value - every property of one rendering V of the id ID */
static void
check_value(const char *v, const char *id, const struct expect *e,
    size_t nmethods)
{
	char out[AM_MAX_AUTHSERV_ID + 1];
	size_t len;

	FUZZ_ASSERT(v != NULL);
	len = strlen(v);
	FUZZ_ASSERT(len <= AM_MAX_AR_VALUE);
	check_chars(v);
	check_structure(v, id, e, nmethods);
	FUZZ_ASSERT(authres_authserv_id(v, len, out, sizeof(out)));
	FUZZ_ASSERT(strcmp(out, id) == 0);
	FUZZ_ASSERT(authres_is_ours(v, len, id));
}

/* build - run the program of IN on a builder for ID */
static void
build(struct fuzz_in *in, const char *id)
{
	struct authres *ar;
	struct expect e = { NULL, 0, 0 };
	const char *name;
	char *text;
	size_t nmethods = 0, renders = 0, k, count;
	enum authres_kind kind;
	uint8_t op;
	bool ok;

	if ((ar = authres_new(id)) == NULL)
		abort();
	text = NULL;
	name = NULL;
	kind = AR_TOKEN;
	while (fuzz_left(in) > 0) {
		op = fuzz_u8(in);
		switch (op % 5) {
		case 0:		/* authres_method */
			k = fuzz_u8(in);
			authres_method(ar, methods[k % nitems(methods)],
			    k >= 0xf0 ? NULL : results[(k >> 3) %
			    nitems(results)]);
			nmethods++;
			break;
		case 1:		/* authres_comment with text from the input */
			free(text);
			text = fuzz_str(in, op & 0x80 ? fuzz_u16(in) % 1024 :
			    fuzz_u8(in));
			authres_comment(ar, "%s", text);
			if (op & 0x40)
				authres_comment(ar, "dnssec=%s; %s", "secure",
				    text);
			break;
		case 2:		/* authres_prop with a value from the input */
			k = fuzz_u8(in);
			name = propnames[k % nitems(propnames)];
			kind = (enum authres_kind)((k >> 4) % 4);
			free(text);
			text = fuzz_str(in, op & 0x80 ? fuzz_u16(in) % 1024 :
			    fuzz_u8(in));
			ok = authres_prop(ar, name, kind, text);
			if (ok) {
				FUZZ_ASSERT(authres_valid(kind, text));
				expect_add(&e, name, text, kind == AR_BASE64);
			}
			break;
		case 3:		/* a rendering half-way (a few: each is O(n)) */
			if (renders++ < 8)
				check_value(authres_value(ar), id, &e,
				    nmethods);
			break;
		case 4:		/* the last property again, many times */
			if (name == NULL || text == NULL)
				break;
			count = (size_t)fuzz_u8(in) * 4;
			for (k = 0; k < count; k++) {
				if (!authres_prop(ar, name, kind, text))
					break;
				expect_add(&e, name, text, kind == AR_BASE64);
			}
			break;
		}
	}
	free(text);
	check_value(authres_value(ar), id, &e, nmethods);
	/* A second rendering replaces the first and is the same. */
	check_value(authres_value(ar), id, &e, nmethods);
	expect_free(&e);
	authres_free(ar);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };
	char *id, *v;
	size_t len, start;
	uint8_t sel;

	if (size == 0)
		return 0;
	sel = fuzz_u8(&in);
	if (sel & 0x80)
		id = fuzz_line(&in, AM_MAX_AUTHSERV_ID + 16);
	else
		id = strdup(ids[sel % nitems(ids)]);
	if (id == NULL)
		abort();
	start = in.off;

	/* 1. recognising: the rest as an incoming header value */
	v = fuzz_bytes(&in, fuzz_left(&in), &len);
	check_recognise(v, len, id, (size_t)(sel & 0x3f) + 1);
	if (sel & 0x40)
		check_padded(v, len, id, AM_MAX_AR_INSPECT - 4 *
		    (size_t)(sel & 0x3f));
	free(v);

	/* 2. building: the same bytes as a program */
	in.off = start;
	build(&in, valid_id(id) ? id : "mx.example.net");
	free(id);
	return 0;
}
