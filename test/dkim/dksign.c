/*
 * dksign.c - add one DKIM-Signature to a message (test tool)
 *
 * Usage
 *   dksign -d DOMAIN -s SELECTOR -k KEYFILE [-a ALG] [-c HDR/BODY] [-l]
 *       [-t SIGNTIME] [-x EXPIRETIME] [-i IDENTITY] [-H NAME:NAME...]
 *       <in.eml >out.eml
 *
 * Reads a message on standard input and writes it to standard output
 * with one DKIM-Signature header field on top, computed by libopendkim's
 * signer.  Run it again on its own output for a message with several
 * signatures: the signature fields already there are left alone and are
 * never signed, even when -H names them (the default header list is
 * RFC 6376 section 5.4.1's).
 *
 * The message is read the way test/amclient sends it to the milter, so
 * that what is signed is what the daemon sees: leading X-Amclient-*
 * lines are amclient's envelope (copied through on top, never signed);
 * the header block ends at the first empty line or at the first line
 * that is neither a header field nor a continuation line; every body
 * line, the last included, is CR LF terminated; a folded header is
 * signed with CR LF between its lines.  Line ends may be LF or CR LF;
 * the new field is folded at about 75 columns with the line end of the
 * message's first header line.
 *
 *   -a  rsa-sha256 (default), rsa-sha1 or ed25519-sha256
 *   -c  simple, relaxed or HEADER/BODY of those (default relaxed/relaxed)
 *   -l  add l= (the canonical body length), so text can be appended
 *   -t  t= (Unix time; default now)
 *   -x  x= (Unix time, after t=)
 *   -i  i= (an address in DOMAIN or a subdomain)
 *   -H  the header fields to sign, colon separated (From is always)
 *
 * KEYFILE is a PEM private key (PKCS#8 or PKCS#1, as openssl genpkey or
 * genrsa write it), or, for ed25519, the base64 32-byte seed that
 * RFC 8463 Appendix A.1 prints: libopendkim reads only PEM or DER, so
 * the seed is wrapped here as a PKCS#8 PEM key.  Keys of any RSA size
 * are accepted (the corpus needs a 512-bit one).
 *
 * Exit status: 0 signed, 1 failure (with a message), 2 usage.
 */
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

#define MAX_KEYFILE	(64 * 1024)	/* a 16384-bit PEM key is ~13 KB */
#define MAX_HDRNAMES	64		/* names in -H */
#define SIG_NAME	"DKIM-Signature: "
#define ENV_PREFIX	"X-Amclient-"

/* RFC 8410 PKCS#8 for an Ed25519 key: this DER prefix, then the seed. */
static const unsigned char ed25519_pkcs8[] = {
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
	0x70, 0x04, 0x22, 0x04, 0x20
};
#define ED25519_SEED	32

/* RFC 6376 section 5.4.1: the fields a signer should sign, if present. */
static const char *default_hdrs[] = {
	"from", "reply-to", "subject", "date", "to", "cc", "resent-date",
	"resent-from", "resent-to", "resent-cc", "in-reply-to", "references",
	"list-id", "list-help", "list-unsubscribe", "list-subscribe",
	"list-post", "list-owner", "list-archive", "message-id",
	"mime-version", "content-type", "content-transfer-encoding", NULL
};

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A growing byte buffer. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* What the command line asks for. */
struct opts {
	const char	*domain;
	const char	*selector;
	const char	*keyfile;
	const char	*identity;
	char		*hdrlist;
	dkim_alg_t	 alg;
	dkim_canon_t	 hcanon;
	dkim_canon_t	 bcanon;
	int		 bodylen;
	uint64_t	 signtime;	/* 0: now */
	uint64_t	 expire;	/* 0: no x= */
};

static void	usage(void) __attribute__((noreturn));
static void	die(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* usage - explain the arguments and exit */
static void
usage(void)
{
	fprintf(stderr, "usage: dksign -d DOMAIN -s SELECTOR -k KEYFILE "
	    "[-a rsa-sha256|rsa-sha1|ed25519-sha256]\n"
	    "              [-c HDR/BODY] [-l] [-t SIGNTIME] [-x EXPIRETIME] "
	    "[-i IDENTITY]\n"
	    "              [-H NAME:NAME...] <in.eml >out.eml\n");
	exit(2);
}

/* die - report a failure and exit 1 */
static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dksign: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* buf_add - append n bytes, or exit */
static void
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t cap;

	if (b->cap - b->len < n + 1) {
		cap = b->cap ? b->cap : 4096;
		while (cap - b->len < n + 1)
			cap *= 2;
		if ((b->p = realloc(b->p, cap)) == NULL)
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* read_all - the whole of fd into b (NUL-terminated), at most max bytes */
static void
read_all(int fd, struct buf *b, size_t max, const char *what)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("%s: %s", what, strerror(errno));
		}
		if (max > 0 && b->len + n > max)
			die("%s: longer than %zu bytes", what, max);
		buf_add(b, chunk, n);
	}
	buf_add(b, "", 0);
}

/* parse_time - a Unix time argument */
static uint64_t
parse_time(const char *s, const char *opt)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v == 0)
		die("%s: not a Unix time: %s", opt, s);
	return v;
}

/* parse_canon - one canonicalization name */
static dkim_canon_t
parse_canon(const char *s, size_t n)
{
	if (n == 6 && strncasecmp(s, "simple", n) == 0)
		return DKIM_CANON_SIMPLE;
	if (n == 7 && strncasecmp(s, "relaxed", n) == 0)
		return DKIM_CANON_RELAXED;
	die("-c: unknown canonicalization: %.*s", (int)n, s);
}

/* parse_opts - the command line into o */
static void
parse_opts(int argc, char **argv, struct opts *o)
{
	const char *slash;
	int ch;

	memset(o, 0, sizeof(*o));
	o->alg = DKIM_SIGN_RSASHA256;
	o->hcanon = o->bcanon = DKIM_CANON_RELAXED;
	while ((ch = getopt(argc, argv, "a:c:d:H:i:k:ls:t:x:")) != -1) {
		switch (ch) {
		case 'a':
			if (strcasecmp(optarg, "rsa-sha256") == 0)
				o->alg = DKIM_SIGN_RSASHA256;
			else if (strcasecmp(optarg, "rsa-sha1") == 0)
				o->alg = DKIM_SIGN_RSASHA1;
			else if (strcasecmp(optarg, "ed25519-sha256") == 0)
				o->alg = DKIM_SIGN_ED25519SHA256;
			else
				die("-a: unknown algorithm: %s", optarg);
			break;
		case 'c':
			/* RFC 6376 3.5: "c=relaxed" alone means relaxed/simple. */
			if ((slash = strchr(optarg, '/')) == NULL) {
				o->hcanon = parse_canon(optarg, strlen(optarg));
				o->bcanon = DKIM_CANON_SIMPLE;
			} else {
				o->hcanon = parse_canon(optarg, slash - optarg);
				o->bcanon = parse_canon(slash + 1,
				    strlen(slash + 1));
			}
			break;
		case 'd':
			o->domain = optarg;
			break;
		case 'H':
			o->hdrlist = optarg;
			break;
		case 'i':
			o->identity = optarg;
			break;
		case 'k':
			o->keyfile = optarg;
			break;
		case 'l':
			o->bodylen = 1;
			break;
		case 's':
			o->selector = optarg;
			break;
		case 't':
			o->signtime = parse_time(optarg, "-t");
			break;
		case 'x':
			o->expire = parse_time(optarg, "-x");
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o->domain == NULL || o->selector == NULL ||
	    o->keyfile == NULL)
		usage();
	if (o->signtime == 0)
		o->signtime = (uint64_t)time(NULL);
	if (o->expire != 0 && o->expire <= o->signtime)
		die("-x: x= must come after t= (%" PRIu64 ")", o->signtime);
}

/* b64_value - the 6-bit value of a base64 character, or -1 */
static int
b64_value(int c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64chars, c)) == NULL)
		return -1;
	return p - b64chars;
}

/* b64_decode - decode s (whitespace ignored) into out; its length or -1 */
static int
b64_decode(const char *s, unsigned char *out, size_t max)
{
	unsigned int acc = 0;
	size_t n = 0;
	int bits = 0, v;

	for (; *s != '\0' && *s != '='; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if ((v = b64_value((unsigned char)*s)) < 0)
			return -1;
		acc = (acc << 6) | v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (acc >> bits) & 0xff;
		}
	}
	return n;
}

/* b64_encode - append the base64 of p to b, 64 characters a line */
static void
b64_encode(struct buf *b, const unsigned char *p, size_t n)
{
	char q[4];
	size_t i, col = 0;
	unsigned int v;

	for (i = 0; i < n; i += 3) {
		v = p[i] << 16;
		if (i + 1 < n)
			v |= p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64chars[(v >> 18) & 63];
		q[1] = b64chars[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64chars[v & 63] : '=';
		buf_add(b, q, 4);
		if ((col += 4) == 64) {
			buf_add(b, "\n", 1);
			col = 0;
		}
	}
	if (col > 0)
		buf_add(b, "\n", 1);
}

/*
 * load_key - the key file as libopendkim wants it: PEM text
 *
 * libopendkim takes the key as a C string (its length by strlen), so
 * binary DER cannot be handed over; an RFC 8463 style base64 seed
 * becomes a PKCS#8 PEM key here.
 */
static void
load_key(const struct opts *o, struct buf *key)
{
	struct buf raw = { 0 };
	unsigned char der[sizeof(ed25519_pkcs8) + ED25519_SEED];
	unsigned char seed[ED25519_SEED + 1];
	FILE *f;
	int n;

	if ((f = fopen(o->keyfile, "r")) == NULL)
		die("%s: %s", o->keyfile, strerror(errno));
	read_all(fileno(f), &raw, MAX_KEYFILE, o->keyfile);
	fclose(f);
	if (strstr(raw.p, "-----BEGIN ") != NULL) {
		*key = raw;
		return;
	}
	if (o->alg != DKIM_SIGN_ED25519SHA256)
		die("%s: not a PEM key", o->keyfile);
	if ((n = b64_decode(raw.p, seed, sizeof(seed))) != ED25519_SEED)
		die("%s: neither PEM nor a base64 32-byte ed25519 seed",
		    o->keyfile);
	memcpy(der, ed25519_pkcs8, sizeof(ed25519_pkcs8));
	memcpy(der + sizeof(ed25519_pkcs8), seed, ED25519_SEED);
	buf_add(key, "-----BEGIN PRIVATE KEY-----\n", 28);
	b64_encode(key, der, sizeof(der));
	buf_add(key, "-----END PRIVATE KEY-----\n", 26);
	free(raw.p);
}

/* setopt - one libopendkim library option, or exit */
static void
setopt(DKIM_LIB *lib, int opt, void *val, size_t len, const char *what)
{
	if (dkim_options(lib, DKIM_OP_SETOPT, opt, val, len) != DKIM_STAT_OK)
		die("libopendkim: cannot set %s", what);
}

/* new_lib - a libopendkim handle set up for o */
static DKIM_LIB *
new_lib(const struct opts *o)
{
	DKIM_LIB *lib;
	uint64_t signtime = o->signtime, ttl;
	unsigned int minbits = 0, flags = DKIM_LIBFLAGS_NONE;

	if ((lib = dkim_init(NULL, NULL)) == NULL)
		die("libopendkim: dkim_init failed");
	/* A test tool signs with any key; verifiers judge the size. */
	setopt(lib, DKIM_OPTS_MINKEYBITS, &minbits, sizeof(minbits),
	    "minimum key size");
	setopt(lib, DKIM_OPTS_FIXEDTIME, &signtime, sizeof(signtime),
	    "signing time");
	if (o->expire != 0) {
		/* libopendkim writes x= as t= plus a TTL. */
		ttl = o->expire - o->signtime;
		setopt(lib, DKIM_OPTS_SIGNATURETTL, &ttl, sizeof(ttl),
		    "signature TTL");
	}
	if (o->bodylen)
		flags |= DKIM_LIBFLAGS_SIGNLEN;
	setopt(lib, DKIM_OPTS_FLAGS, &flags, sizeof(flags), "flags");
	return lib;
}

/* split_hdrlist - -H's names as a NULL-terminated array (in place) */
static const char **
split_hdrlist(char *list, const char **names)
{
	char *p, *last;
	size_t n = 0;

	for (p = strtok_r(list, ":", &last); p != NULL;
	    p = strtok_r(NULL, ":", &last)) {
		if (n == MAX_HDRNAMES)
			die("-H: more than %d names", MAX_HDRNAMES);
		names[n++] = p;
	}
	if (n == 0)
		die("-H: no header names");
	names[n] = NULL;
	return names;
}

/* line_end - end of the line at p, before its CR LF; *next: the next line */
static const char *
line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', end - p);
	const char *e = nl != NULL ? nl : end;

	*next = nl != NULL ? nl + 1 : end;
	if (e > p && e[-1] == '\r')
		e--;
	return e;
}

/* is_header - whether the line p..e opens a header field ("name:") */
static int
is_header(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q > ' ' && *q < 127 && *q != ':')
		q++;
	if (q == p)
		return 0;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	return q < e && *q == ':';
}

/* is_sigfield - whether the field in h is a DKIM-Signature */
static int
is_sigfield(const struct buf *h)
{
	size_t n = sizeof("DKIM-Signature") - 1;

	return h->len > n && strncasecmp(h->p, "DKIM-Signature", n) == 0 &&
	    (h->p[n] == ':' || h->p[n] == ' ' || h->p[n] == '\t');
}

/*
 * feed_header - one field (its lines joined by CR LF) to libopendkim
 *
 * Signature fields already there are kept from libopendkim: they are
 * never signed here, and its signer refuses a message whose signature
 * fields do not parse, which the corpus's malformed ones do not.
 */
static void
feed_header(DKIM *d, struct buf *h)
{
	DKIM_STAT st;

	if (h->len == 0 || is_sigfield(h)) {
		h->len = 0;
		return;
	}
	st = dkim_header(d, (u_char *)h->p, h->len);
	if (st != DKIM_STAT_OK)
		die("libopendkim: header: %s", dkim_getresultstr(st));
	h->len = 0;
}

/*
 * feed_message - the header block and body from p to end into d
 *
 * Returns where the header block starts in the input (after the
 * envelope lines) and sets *crlf when its first line ends in CR LF.
 */
static const char *
feed_message(DKIM *d, const char *p, const char *end, int *crlf)
{
	struct buf h = { 0 }, body = { 0 };
	const char *start, *e, *next;
	size_t elen = sizeof(ENV_PREFIX) - 1;
	DKIM_STAT st;

	while ((size_t)(end - p) > elen &&
	    strncasecmp(p, ENV_PREFIX, elen) == 0) {
		line_end(p, end, &next);
		p = next;
	}
	start = p;
	e = line_end(p, end, &next);
	*crlf = next > e + 1;
	while (p < end) {
		e = line_end(p, end, &next);
		if (e == p) {
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (h.len == 0)
				break;
			buf_add(&h, "\r\n", 2);
		} else if (is_header(p, e))
			feed_header(d, &h);
		else
			break;
		buf_add(&h, p, e - p);
		p = next;
	}
	feed_header(d, &h);
	if ((st = dkim_eoh(d)) != DKIM_STAT_OK)
		die("libopendkim: end of header: %s (%s)",
		    dkim_getresultstr(st), dkim_geterror(d));
	/* Every body line CR LF terminated, as amclient sends it. */
	while (p < end) {
		e = line_end(p, end, &next);
		buf_add(&body, p, e - p);
		buf_add(&body, "\r\n", 2);
		p = next;
	}
	if (body.len > 0 && (st = dkim_body(d, (u_char *)body.p,
	    body.len)) != DKIM_STAT_OK)
		die("libopendkim: body: %s", dkim_getresultstr(st));
	free(h.p);
	free(body.p);
	return start;
}

/* write_all - all of p to standard output, or exit */
static void
write_all(const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, stdout) != n)
		die("standard output: %s", strerror(errno));
}

/* write_sig - "DKIM-Signature: " and the folded value, line ends eol */
static void
write_sig(const u_char *v, size_t n, const char *eol)
{
	size_t i;

	write_all(SIG_NAME, sizeof(SIG_NAME) - 1);
	for (i = 0; i < n; i++) {
		if (v[i] == '\r')
			continue;
		if (v[i] == '\n')
			write_all(eol, strlen(eol));
		else
			write_all(&v[i], 1);
	}
	write_all(eol, strlen(eol));
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct buf in = { 0 }, key = { 0 };
	const char *names[MAX_HDRNAMES + 1], *hdrs;
	DKIM_LIB *lib;
	DKIM *d;
	DKIM_STAT st;
	u_char *sig;
	size_t siglen;
	int crlf;

	parse_opts(argc, argv, &o);
	load_key(&o, &key);
	read_all(STDIN_FILENO, &in, 0, "standard input");
	lib = new_lib(&o);
	d = dkim_sign(lib, (const u_char *)"dksign", NULL, (u_char *)key.p,
	    (const u_char *)o.selector, (const u_char *)o.domain, o.hcanon,
	    o.bcanon, o.alg, -1, &st);
	if (d == NULL)
		die("libopendkim: dkim_sign: %s", dkim_getresultstr(st));
	if (dkim_signhdrs(d, o.hdrlist != NULL ?
	    split_hdrlist(o.hdrlist, names) : default_hdrs) != DKIM_STAT_OK)
		die("libopendkim: bad header list");
	if (o.identity != NULL &&
	    dkim_set_signer(d, (const u_char *)o.identity) != DKIM_STAT_OK)
		die("libopendkim: bad identity: %s", o.identity);
	hdrs = feed_message(d, in.p, in.p + in.len, &crlf);
	if ((st = dkim_eom(d, NULL)) != DKIM_STAT_OK)
		die("libopendkim: signing failed: %s (%s)",
		    dkim_getresultstr(st), dkim_geterror(d));
	if ((st = dkim_getsighdr_d(d, sizeof(SIG_NAME) - 1, &sig,
	    &siglen)) != DKIM_STAT_OK)
		die("libopendkim: no signature: %s", dkim_getresultstr(st));

	/* The envelope lines, the new field, then the message as it was. */
	write_all(in.p, hdrs - in.p);
	write_sig(sig, siglen, crlf ? "\r\n" : "\n");
	write_all(hdrs, in.p + in.len - hdrs);
	if (fflush(stdout) != 0)
		die("standard output: %s", strerror(errno));

	dkim_free(d);
	dkim_close(lib);
	free(in.p);
	free(key.p);
	return 0;
}
