/*
 * authres.c - building and recognising Authentication-Results (RFC 8601)
 *
 * The contract is in authres.h.  Recognising reads an untrusted (ptr, len)
 * with one cursor that is never read at or past its end; the parsers
 * follow the grammar of RFC 8601 section 2.2, RFC 5322 section 3.2.2
 * (CFWS) and RFC 2045 section 5.1 (value := token / quoted-string).
 * Building keeps an upper bound of the rendered length so that the value
 * can be capped at AM_MAX_AR_VALUE by leaving whole items out.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "caps.h"

/* RFC 5322 section 2.1.1: a line SHOULD be at most 78 characters. */
#define AR_LINE_MAX	78
/* Longest comment text kept from one authres_comment() call. */
#define AR_COMMENT_MAX	200
/* RFC 5321 section 4.5.3.1.1: a local-part is at most 64 octets. */
#define AR_LOCAL_MAX	64
/* Longest RFC 2045 token written as a property value. */
#define AR_TOKEN_MAX	253
/* Longest base64 text written (a header.b prefix, RFC 6008 section 4). */
#define AR_BASE64_MAX	512
/* Longer than any property value kind allows (base64 is the longest). */
#define AR_VALUE_SCAN	(AR_BASE64_MAX + 1)

/* ar_id - what looking for the authserv-id found */
enum ar_id {
	AR_ID_OK,	/* found and copied */
	AR_ID_NONE,	/* none: empty, malformed or unterminated */
	AR_ID_LONG,	/* longer than the caller's buffer */
	AR_ID_CUT	/* AM_MAX_AR_INSPECT was reached before the id ended */
};

/* ar_cur - the untrusted input; p[off] is read only when off < len */
struct ar_cur {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
	bool			 cut;	/* len was capped at AM_MAX_AR_INSPECT */
};

/* ar_buf - a bounded output string, always NUL-terminated */
struct ar_buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

/* ar_res - one resinfo being collected */
struct ar_res {
	char	 *head;		/* "method=result" */
	char	 *comment;	/* joined comment text, NULL when none */
	char	**props;	/* "ptype.property=value" */
	size_t	  nprops;
	size_t	  propsize;
};

struct authres {
	char		*id;		/* our authserv-id, written as is */
	struct ar_res	*res;
	size_t		 nres;
	size_t		 ressize;
	size_t		 bound;		/* upper bound of the rendered length */
	bool		 dropped;	/* the current resinfo was left out */
	bool		 nomem;		/* an allocation failed: no value */
	char		*value;		/* the last rendering */
};

/* ar_lower - ASCII lower case, whatever the locale */
static unsigned char
ar_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ar_alnum - ASCII letter or digit */
static bool
ar_alnum(unsigned char c)
{
	c = ar_lower(c);
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

/* ar_fws - RFC 5322 FWS; a bare CR or LF is taken as folding too */
static bool
ar_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ar_tchar - RFC 2045 token character: printable, no space, no tspecial */
static bool
ar_tchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* ar_end - the result of reaching the end of what is inspected */
static enum ar_id
ar_end(const struct ar_cur *cur)
{
	return cur->cut ? AR_ID_CUT : AR_ID_NONE;
}

/* ar_put - append N bytes of S to B; false when they do not fit */
static bool
ar_put(struct ar_buf *b, const char *s, size_t n)
{
	if (b->size == 0 || n >= b->size - b->len)
		return false;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

/* ar_putc - append one byte to B */
static bool
ar_putc(struct ar_buf *b, unsigned char c)
{
	char ch = (char)c;

	return ar_put(b, &ch, 1);
}

/* ar_puts - append the string S to B */
static bool
ar_puts(struct ar_buf *b, const char *s)
{
	return ar_put(b, s, strlen(s));
}

/*
 * ar_comment - RFC 5322 comment: "(" *([FWS] ccontent) [FWS] ")",
 * ccontent = ctext / quoted-pair / comment.  The cursor is on the "(".
 * Nesting is counted rather than recursed into, so "((((..." cannot
 * exhaust the stack.
 */
static enum ar_id
ar_comment(struct ar_cur *cur)
{
	size_t		depth = 0;
	unsigned char	c;

	do {
		if (cur->off >= cur->len)
			return ar_end(cur);
		c = cur->p[cur->off++];
		if (c == '\\') {
			if (cur->off >= cur->len)
				return ar_end(cur);
			cur->off++;
		} else if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
	} while (depth > 0);
	return AR_ID_OK;
}

/* ar_cfws - RFC 5322 CFWS: *([FWS] comment) [FWS], possibly empty */
static enum ar_id
ar_cfws(struct ar_cur *cur)
{
	enum ar_id	r;

	while (cur->off < cur->len) {
		if (ar_fws(cur->p[cur->off]))
			cur->off++;
		else if (cur->p[cur->off] == '(') {
			if ((r = ar_comment(cur)) != AR_ID_OK)
				return r;
		} else
			break;
	}
	return AR_ID_OK;
}

/*
 * ar_token - RFC 2045 token: 1*<any CHAR except SPACE, CTLs, tspecials>.
 * It ends at the first other byte (CFWS, ';', a NUL, an 8-bit byte...),
 * so junk glued to our id does not hide it.
 */
static enum ar_id
ar_token(struct ar_cur *cur, struct ar_buf *out)
{
	while (cur->off < cur->len && ar_tchar(cur->p[cur->off])) {
		if (!ar_putc(out, cur->p[cur->off++]))
			return AR_ID_LONG;
	}
	if (cur->off >= cur->len && cur->cut)
		return AR_ID_CUT;	/* it may go on past the cap */
	return out->len > 0 ? AR_ID_OK : AR_ID_NONE;
}

/*
 * ar_quoted_string - RFC 5322 quoted-string:
 * DQUOTE *([FWS] qcontent) [FWS] DQUOTE, qcontent = qtext / quoted-pair.
 * The cursor is on the DQUOTE.  Copies the unquoted, unfolded text; a NUL
 * is refused since it would end the copy early.
 */
static enum ar_id
ar_quoted_string(struct ar_cur *cur, struct ar_buf *out)
{
	unsigned char	c;

	cur->off++;
	for (;;) {
		if (cur->off >= cur->len)
			return ar_end(cur);
		c = cur->p[cur->off++];
		if (c == '"')
			return out->len > 0 ? AR_ID_OK : AR_ID_NONE;
		if (c == '\r' || c == '\n')
			continue;	/* unfolding keeps only the WSP */
		if (c == '\\') {
			if (cur->off >= cur->len)
				return ar_end(cur);
			c = cur->p[cur->off++];
		}
		if (c == '\0')
			return AR_ID_NONE;
		if (!ar_putc(out, c))
			return AR_ID_LONG;
	}
}

/* ar_value - RFC 2045 value: token / quoted-string */
static enum ar_id
ar_value(struct ar_cur *cur, struct ar_buf *out)
{
	if (cur->off >= cur->len)
		return ar_end(cur);
	if (cur->p[cur->off] == '"')
		return ar_quoted_string(cur, out);
	return ar_token(cur, out);
}

/*
 * ar_authserv_id - RFC 8601 section 2.2: authres-header-field value =
 * [CFWS] authserv-id [CFWS authres-version] (no-result / 1*resinfo).
 * Only [CFWS] authserv-id is read: what follows is left to be lenient.
 */
static enum ar_id
ar_authserv_id(const char *v, size_t len, char *out, size_t outlen)
{
	struct ar_cur	cur;
	struct ar_buf	b;
	enum ar_id	r;

	if (out == NULL || outlen == 0)
		return AR_ID_LONG;
	out[0] = '\0';
	if (v == NULL)
		return AR_ID_NONE;
	cur.p = (const unsigned char *)v;
	cur.cut = len > AM_MAX_AR_INSPECT;
	cur.len = cur.cut ? AM_MAX_AR_INSPECT : len;
	cur.off = 0;
	b.p = out;
	b.len = 0;
	b.size = outlen;
	if ((r = ar_cfws(&cur)) == AR_ID_OK)
		r = ar_value(&cur, &b);
	if (r != AR_ID_OK)
		out[0] = '\0';
	return r;
}

/* authres_authserv_id - copy the authserv-id of (V, LEN) to OUT */
bool
authres_authserv_id(const char *v, size_t len, char *out, size_t outlen)
{
	return ar_authserv_id(v, len, out, outlen) == AR_ID_OK;
}

/* ar_caseeq - ASCII case-insensitive string equality */
static bool
ar_caseeq(const char *a, const char *b)
{
	while (*a != '\0' && ar_lower(*a) == ar_lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

/*
 * authres_is_ours - does (V, LEN) carry AUTHSERV_ID (case-insensitive)?
 * A value whose id runs past AM_MAX_AR_INSPECT counts as ours: it cannot
 * be shown to be someone else's, and deleting it is the safe side of
 * RFC 8601 section 5.
 */
bool
authres_is_ours(const char *v, size_t len, const char *authserv_id)
{
	char	id[AM_MAX_AUTHSERV_ID + 1];

	if (authserv_id == NULL || *authserv_id == '\0')
		return false;
	switch (ar_authserv_id(v, len, id, sizeof(id))) {
	case AR_ID_OK:
		return ar_caseeq(id, authserv_id);
	case AR_ID_CUT:
		return true;
	default:
		return false;
	}
}

/* ar_label - one label: 1..63 of [A-Za-z0-9_-], no '-' at either end */
static bool
ar_label(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > AM_MAX_LABEL || s[0] == '-' ||
	    s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		if (!ar_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	}
	return true;
}

/* ar_domain - labels joined by single dots, one optional trailing dot */
static bool
ar_domain(const char *s, size_t len)
{
	size_t	i, start = 0;

	if (len == 0 || len > AM_MAX_DOMAIN)
		return false;
	if (s[len - 1] == '.')
		len--;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!ar_label(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* ar_token_value - RFC 2045 token of 1..AR_TOKEN_MAX characters */
static bool
ar_token_value(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > AR_TOKEN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (!ar_tchar(s[i]))
			return false;
	}
	return true;
}

/* ar_atext - RFC 5322 section 3.2.3 atext */
static bool
ar_atext(unsigned char c)
{
	return ar_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c)
	    != NULL);
}

/* ar_dot_atom - RFC 5322 dot-atom-text: 1*atext *("." 1*atext), <= 64 */
static bool
ar_dot_atom(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > AR_LOCAL_MAX || s[0] == '.' ||
	    s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
		if (s[i] != '.' && !ar_atext(s[i]))
			return false;
	}
	return true;
}

/* ar_mailbox - RFC 8601 pvalue mailbox form: [ [local-part] "@" ] domain */
static bool
ar_mailbox(const char *s, size_t len)
{
	const char	*at;
	size_t		 local;

	if ((at = memchr(s, '@', len)) == NULL)
		return false;
	local = (size_t)(at - s);
	if (local > 0 && !ar_dot_atom(s, local))
		return false;
	return ar_domain(at + 1, len - local - 1);
}

/* ar_base64 - 1..AR_BASE64_MAX characters of the base64 alphabet */
static bool
ar_base64(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > AR_BASE64_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (!ar_alnum(s[i]) && s[i] != '+' && s[i] != '/' &&
		    s[i] != '=')
			return false;
	}
	return true;
}

/* authres_valid - is VALUE valid for KIND (the check authres_prop makes)? */
bool
authres_valid(enum authres_kind kind, const char *value)
{
	size_t	len;

	if (value == NULL)
		return false;
	/* A long hostile value is not scanned to its end. */
	len = strnlen(value, AR_VALUE_SCAN);
	switch (kind) {
	case AR_DOMAIN:
		return ar_domain(value, len);
	case AR_TOKEN:
		return ar_token_value(value, len);
	case AR_MAILBOX:
		return ar_mailbox(value, len);
	case AR_BASE64:
		return ar_base64(value, len);
	}
	return false;
}

/* ar_grow - ARRAY with room for USED + 1 elements of SIZE; NULL on ENOMEM */
static void *
ar_grow(void *array, size_t *alloc, size_t used, size_t size)
{
	void	*p;
	size_t	 n;

	if (used < *alloc)
		return array;
	n = *alloc == 0 ? 4 : *alloc * 2;
	if (n > SIZE_MAX / size || (p = realloc(array, n * size)) == NULL)
		return NULL;
	*alloc = n;
	return p;
}

/* ar_pair - a new "NAME=VALUE", or NAME="VALUE" when QUOTE */
static char *
ar_pair(const char *name, const char *value, bool quote)
{
	struct ar_buf	b;

	b.size = strlen(name) + strlen(value) + 4;
	b.len = 0;
	if ((b.p = malloc(b.size)) == NULL)
		return NULL;
	b.p[0] = '\0';
	(void)(ar_puts(&b, name) && ar_putc(&b, '=') &&
	    (!quote || ar_putc(&b, '"')) && ar_puts(&b, value) &&
	    (!quote || ar_putc(&b, '"')));
	return b.p;
}

/* ar_fits - can ADD more bytes be rendered within AM_MAX_AR_VALUE? */
static bool
ar_fits(const struct authres *ar, size_t add)
{
	return add <= AM_MAX_AR_VALUE && ar->bound <= AM_MAX_AR_VALUE - add;
}

/* ar_current - the resinfo being collected, NULL when there is none */
static struct ar_res *
ar_current(struct authres *ar)
{
	if (ar == NULL || ar->nomem || ar->dropped || ar->nres == 0)
		return NULL;
	return &ar->res[ar->nres - 1];
}

/* authres_new - a builder for one header; NULL when out of memory */
struct authres *
authres_new(const char *authserv_id)
{
	struct authres	*ar;

	if (authserv_id == NULL || (ar = calloc(1, sizeof(*ar))) == NULL)
		return NULL;
	if ((ar->id = strdup(authserv_id)) == NULL) {
		free(ar);
		return NULL;
	}
	/* "id; none" and "id;" both fit in this. */
	ar->bound = strlen(ar->id) + strlen("; none");
	return ar;
}

/* authres_free - NULL is a no-op */
void
authres_free(struct authres *ar)
{
	struct ar_res	*r;
	size_t		 i, j;

	if (ar == NULL)
		return;
	for (i = 0; i < ar->nres; i++) {
		r = &ar->res[i];
		free(r->head);
		free(r->comment);
		for (j = 0; j < r->nprops; j++)
			free(r->props[j]);
		free(r->props);
	}
	free(ar->res);
	free(ar->value);
	free(ar->id);
	free(ar);
}

/* authres_method - start a resinfo "METHOD=RESULT" (both our own constants) */
void
authres_method(struct authres *ar, const char *method, const char *result)
{
	struct ar_res	*r, *res;
	char		*head;
	size_t		 need;

	if (ar == NULL || ar->nomem)
		return;
	/* Until it is in, comments and properties must not go elsewhere. */
	ar->dropped = true;
	if (method == NULL || result == NULL)
		return;
	need = strlen("\n\t=;") + strlen(method) + strlen(result);
	if (!ar_fits(ar, need))
		return;
	if ((head = ar_pair(method, result, false)) == NULL ||
	    (res = ar_grow(ar->res, &ar->ressize, ar->nres,
	    sizeof(*res))) == NULL) {
		free(head);
		ar->nomem = true;
		return;
	}
	ar->res = res;
	r = &ar->res[ar->nres++];
	memset(r, 0, sizeof(*r));
	r->head = head;
	ar->bound += need;
	ar->dropped = false;
}

static char	*ar_vformat(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));

/* ar_vformat - a new string from FMT and AP; NULL when out of memory */
static char *
ar_vformat(const char *fmt, va_list ap)
{
	va_list	 aq;
	char	*s;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return calloc(1, 1);	/* an encoding error: no text */
	if ((s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	if (vsnprintf(s, (size_t)n + 1, fmt, ap) != n)
		s[0] = '\0';
	return s;
}

/*
 * ar_comment_text - reduce SRC to comment text in DST (AR_COMMENT_MAX + 1
 * bytes): printable ASCII without '(', ')' and '\\', so that it can
 * neither end the comment nor escape from it.  Returns its length.
 */
static size_t
ar_comment_text(char *dst, const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 n = 0;

	for (; *s != '\0' && n < AR_COMMENT_MAX; s++) {
		if (*s < 0x20 || *s > 0x7e || *s == '(' || *s == ')' ||
		    *s == '\\')
			continue;
		dst[n++] = (char)*s;
	}
	dst[n] = '\0';
	return n;
}

/* ar_comment_add - join TEXT (N bytes) to the comment of R with "; " */
static void
ar_comment_add(struct authres *ar, struct ar_res *r, const char *text,
    size_t n)
{
	size_t	 old, need;
	char	*p;

	old = r->comment != NULL ? strlen(r->comment) : 0;
	/* The first time a separator (at most "\n\t  ") and "()", then "; ". */
	need = n + (r->comment != NULL ? 2 : 6);
	if (!ar_fits(ar, need))
		return;
	if ((p = realloc(r->comment, old + 2 + n + 1)) == NULL) {
		ar->nomem = true;
		return;
	}
	if (old > 0) {
		memcpy(p + old, "; ", 2);
		old += 2;
	}
	memcpy(p + old, text, n + 1);
	r->comment = p;
	ar->bound += need;
}

/* authres_comment - add a comment to the current resinfo (printf-like) */
void
authres_comment(struct authres *ar, const char *fmt, ...)
{
	struct ar_res	*r;
	va_list		 ap;
	char		*raw, text[AR_COMMENT_MAX + 1];
	size_t		 n;

	if ((r = ar_current(ar)) == NULL || fmt == NULL)
		return;
	va_start(ap, fmt);
	raw = ar_vformat(fmt, ap);
	va_end(ap);
	if (raw == NULL) {
		ar->nomem = true;
		return;
	}
	n = ar_comment_text(text, raw);
	free(raw);
	if (n > 0)
		ar_comment_add(ar, r, text, n);
}

/* authres_prop - add "NAME=VALUE" when VALUE is valid for KIND */
bool
authres_prop(struct authres *ar, const char *name, enum authres_kind kind,
    const char *value)
{
	struct ar_res	*r;
	char		*item, **props;
	size_t		 need;

	if ((r = ar_current(ar)) == NULL || name == NULL ||
	    !authres_valid(kind, value))
		return false;
	/* A separator of at most "\n\t  ", "=", and the quotes of base64. */
	need = 4 + strlen(name) + 1 + strlen(value) + (kind == AR_BASE64 ?
	    2 : 0);
	if (!ar_fits(ar, need))
		return false;
	if ((item = ar_pair(name, value, kind == AR_BASE64)) == NULL ||
	    (props = ar_grow(r->props, &r->propsize, r->nprops,
	    sizeof(*props))) == NULL) {
		free(item);
		ar->nomem = true;
		return false;
	}
	r->props = props;
	r->props[r->nprops++] = item;
	ar->bound += need;
	return true;
}

/*
 * ar_sep - write what goes before an item of N bytes on a resinfo line at
 * column *COL: a space, or a fold "\n\t  " when the item (and a ';' that
 * may end the line) would pass AR_LINE_MAX.  A tab counts as one column.
 */
static bool
ar_sep(struct ar_buf *b, size_t *col, size_t n)
{
	if (*col + 1 + n + 1 > AR_LINE_MAX) {
		*col = strlen("\t  ");
		return ar_puts(b, "\n\t  ");
	}
	*col += 1;
	return ar_putc(b, ' ');
}

/* ar_render_res - write one resinfo on its own folded line */
static bool
ar_render_res(struct ar_buf *b, const struct ar_res *r, bool last)
{
	size_t	col, n, i;

	if (!ar_puts(b, "\n\t") || !ar_puts(b, r->head))
		return false;
	col = 1 + strlen(r->head);
	if (r->comment != NULL) {
		n = strlen(r->comment) + 2;
		if (!ar_sep(b, &col, n) || !ar_putc(b, '(') ||
		    !ar_puts(b, r->comment) || !ar_putc(b, ')'))
			return false;
		col += n;
	}
	for (i = 0; i < r->nprops; i++) {
		n = strlen(r->props[i]);
		if (!ar_sep(b, &col, n) || !ar_puts(b, r->props[i]))
			return false;
		col += n;
	}
	return last || ar_putc(b, ';');
}

/* authres_value - the rendered header value (owned by AR); NULL on ENOMEM */
const char *
authres_value(struct authres *ar)
{
	struct ar_buf	b;
	size_t		i;
	bool		ok;

	if (ar == NULL || ar->nomem)
		return NULL;
	free(ar->value);
	ar->value = NULL;
	b.size = ar->bound + 1;
	b.len = 0;
	if ((b.p = malloc(b.size)) == NULL) {
		ar->nomem = true;
		return NULL;
	}
	b.p[0] = '\0';
	ok = ar_puts(&b, ar->id);
	if (ar->nres == 0)
		ok = ok && ar_puts(&b, "; none");
	else
		ok = ok && ar_putc(&b, ';');
	for (i = 0; ok && i < ar->nres; i++)
		ok = ar_render_res(&b, &ar->res[i], i + 1 == ar->nres);
	if (!ok) {		/* cannot happen: bound is an upper bound */
		free(b.p);
		return NULL;
	}
	ar->value = b.p;
	return ar->value;
}
