/*
 * zonesrv.c - a small authoritative DNS server for tests
 *
 * Usage: zonesrv -a ADDR -p PORT -f DATAFILE [-P PIDFILE] [-v]
 *
 * Serves the records of DATAFILE over UDP and TCP on ADDR:PORT, as the
 * authoritative server for the root "." (AA set, no delegations), so a
 * resolver can stub "." at it: ". NS" answers "zonesrv." with ADDR as
 * glue, for priming.  Every TTL is 0, the synthesized root SOA (in the
 * authority section of negative answers) included, so resolver caches
 * never carry answers from one data file into the next.
 *
 * DATAFILE has one record a line, "NAME TYPE VALUE"; blank lines and
 * lines starting with '#' are ignored.  NAME is a domain name in master
 * file text (\X and \DDD escapes, trailing dot optional, "." the root).
 *   NAME A 192.0.2.1            NAME AAAA 2001:db8::1
 *   NAME MX PREF HOST           NAME PTR HOST       NAME CNAME HOST
 *   NAME TXT "str" ["str"...]   one record of one or more strings,
 *   NAME SPF "str" ...          each <= 255 bytes; \" \\ \DDD escapes
 *   NAME TIMEOUT                queries for NAME whose type has no
 *                               record above this line get no answer
 *   NAME NONE TYPE              NAME exists, with no record of TYPE
 * A name with records, or with descendants only, answers NODATA for
 * the other types; any other name NXDOMAIN.  A CNAME answers for every
 * type and is followed within the data (MAX_CHAIN steps, loops cut).
 * Names match case-insensitively; the answer keeps the query's case.
 *
 * UDP answers are limited to 512 bytes, or to the size advertised in an
 * EDNS0 OPT (RFC 6891), which is then echoed; a larger answer is sent
 * empty with TC set, for the resolver to retry over TCP (2-byte length
 * framing, RFC 1035 4.2.2; one query per connection, closed without
 * an answer for a TIMEOUT name).  Malformed queries get FORMERR;
 * responses, and packets too short for a header, get nothing.
 *
 * SIGHUP re-reads DATAFILE.  A file with errors is reported on stderr
 * with file:line and the old data stays.  After every successful load
 * the PIDFILE is (re)written, so a caller can remove it, send SIGHUP
 * and wait for it to reappear.  SIGTERM and SIGINT remove it and exit.
 * -v logs every query and its outcome on stderr.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_NAME	255	/* RFC 1035 2.3.4: octets in a name */
#define MAX_LABEL	63	/* RFC 1035 2.3.4: octets in a label */
#define MAX_STRING	255	/* RFC 1035 3.3: a character-string */
#define MAX_MSG		65535	/* RFC 1035 4.2.2: TCP length field */
#define UDP_MIN		512	/* RFC 1035 4.2.1, RFC 6891 6.2.5 */
#define UDP_OURS	4096	/* the payload size our OPT advertises */
#define MAX_CHAIN	10	/* CNAME steps followed in one answer */
#define TCP_WAIT_MS	1000	/* a TCP peer's turn, at most */
#define HDR		12	/* RFC 1035 4.1.1: header octets */

#define T_A		1
#define T_NS		2
#define T_CNAME		5
#define T_SOA		6
#define T_PTR		12
#define T_MX		15
#define T_TXT		16
#define T_AAAA		28
#define T_OPT		41
#define T_SPF		99
#define T_IXFR		251	/* zone transfers: REFUSED */
#define T_AXFR		252
#define T_ANY		255
#define T_TIMEOUT	(-1)	/* pseudo-records, never on the wire */
#define T_NONE		(-2)

#define C_IN		1
#define C_ANY		255

#define F_QR		0x8000
#define F_AA		0x0400
#define F_TC		0x0200
#define F_RD		0x0100

#define R_NOERROR	0
#define R_FORMERR	1
#define R_NXDOMAIN	3
#define R_NOTIMP	4
#define R_REFUSED	5
#define R_BADVERS	16	/* RFC 6891 9: extended, needs an OPT */
#define R_DROP		(-1)	/* no answer at all (TIMEOUT) */

struct rr {
	uint8_t		 name[MAX_NAME];	/* wire format, data's case */
	size_t		 namelen;
	int		 type;
	uint8_t		*rdata;
	size_t		 rdlen;
};

struct zone {
	struct rr	*rr;
	size_t		 n, cap;
};

/* An output buffer; a write past cap sets over and is ignored. */
struct buf {
	uint8_t		*p;
	size_t		 len, cap;
	int		 over;
};

struct query {
	uint16_t	 id, flags, qtype, qclass;
	uint8_t		 qname[MAX_NAME];	/* wire format, query's case */
	size_t		 qnamelen;
	size_t		 qend;		/* offset past the question */
	int		 edns;		/* an OPT was present */
	uint16_t	 udpsize;
	uint8_t		 ednsver;
};

static struct zone	 zone;
static uint8_t		 glue[16];	/* our address, for the root NS */
static size_t		 gluelen;
static unsigned		 serial;	/* SOA serial: loads so far */
static const char	*datafile, *pidfile;
static int		 verbose;
static int		 sigpipe[2] = { -1, -1 };

static void		 usage(void) __attribute__((noreturn));

/* usage - explain the arguments and exit */
static void
usage(void)
{
	fprintf(stderr, "usage: zonesrv -a ADDR -p PORT -f DATAFILE "
	    "[-P PIDFILE] [-v]\n");
	exit(1);
}

/* lc - ASCII lower case; DNS names compare bytes outside A-Z as is */
static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* name_eq - two wire names equal, ignoring ASCII case */
static int
name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t	 i;

	if (alen != blen)
		return 0;
	/* Length octets are <= 63, below 'A': lc() leaves them alone. */
	for (i = 0; i < alen; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

/* name_below - OWNER is a strict descendant of NAME */
static int
name_below(const uint8_t *owner, size_t olen, const uint8_t *name,
    size_t nlen)
{
	size_t	 off = 0;

	while (off < olen && owner[off] != 0) {
		off += owner[off] + 1;
		if (olen - off == nlen && name_eq(owner + off, nlen, name, nlen))
			return 1;
	}
	return 0;
}

/* name_text - NAME as master file text, for the log */
static void
name_text(const uint8_t *name, size_t len, char *out, size_t outsz)
{
	size_t	 off = 0, o = 0, i, n;
	int	 c;

	while (off < len && name[off] != 0 && o + 8 < outsz) {
		n = name[off++];
		for (i = 0; i < n && off < len && o + 8 < outsz; i++) {
			c = name[off++];
			if (c > 32 && c < 127 && c != '.' && c != '\\')
				out[o++] = (char)c;
			else
				o += (size_t)snprintf(out + o, outsz - o,
				    "\\%03d", c);
		}
		out[o++] = '.';
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
}

/* ----------------------------------------------------------- data file */

/* text_byte - one byte of text at *P, decoding \X and \DDD; -1 if bad */
static int
text_byte(const char **p)
{
	const char	*s = *p;
	int		 v;

	if (*s != '\\') {
		*p = s + 1;
		return (unsigned char)*s;
	}
	if (s[1] >= '0' && s[1] <= '9') {
		if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9')
			return -1;
		v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		*p = s + 4;
		return v > 255 ? -1 : v;
	}
	if (s[1] == '\0')
		return -1;
	*p = s + 2;
	return (unsigned char)s[1];
}

/* parse_name - text name S (a token, NUL-ended) to wire; -1 if bad */
static int
parse_name(const char *s, uint8_t *out, size_t *outlen)
{
	size_t	 len = 0, lab;
	int	 c;

	if (strcmp(s, ".") == 0) {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	while (*s != '\0') {
		lab = len++;
		while (*s != '\0' && *s != '.') {
			if ((c = text_byte(&s)) < 0 || len >= MAX_NAME - 1 ||
			    len - lab > MAX_LABEL)
				return -1;
			out[len++] = (uint8_t)c;
		}
		if (len - lab == 1)
			return -1;		/* empty label */
		out[lab] = (uint8_t)(len - lab - 1);
		if (*s == '.')
			s++;
	}
	out[len++] = 0;
	*outlen = len;
	return 0;
}

/* next_token - the next blank-separated token of *P, escapes kept */
static char *
next_token(char **p)
{
	char	*s = *p, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	tok = s;
	while (*s != '\0' && *s != ' ' && *s != '\t') {
		if (*s == '\\' && s[1] != '\0')
			s++;
		s++;
	}
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return tok;
}

/* parse_strings - quoted character-strings at P to TXT rdata; -1 if bad */
static int
parse_strings(const char *p, uint8_t *out, size_t *outlen)
{
	size_t	 len = 0, lab;
	int	 c;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != '"' || len >= MAX_MSG)
			return -1;
		lab = len++;
		while (*p != '"') {
			if (*p == '\0' || (c = text_byte(&p)) < 0 ||
			    len - lab > MAX_STRING || len >= MAX_MSG)
				return -1;
			out[len++] = (uint8_t)c;
		}
		p++;
		out[lab] = (uint8_t)(len - lab - 1);
	}
	*outlen = len;
	return len > 0 ? 0 : -1;	/* RFC 1035 3.3.14: one or more */
}

/* rr_type - the type named S (data file spelling); 0 if unknown */
static int
rr_type(const char *s)
{
	static const struct {
		const char	*name;
		int		 type;
	} types[] = {
		{ "A", T_A }, { "AAAA", T_AAAA }, { "MX", T_MX },
		{ "PTR", T_PTR }, { "CNAME", T_CNAME }, { "TXT", T_TXT },
		{ "SPF", T_SPF }, { "TIMEOUT", T_TIMEOUT }, { "NONE", T_NONE },
	};
	size_t	 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(s, types[i].name) == 0)
			return types[i].type;
	return 0;
}

/* parse_rdata - the VALUE at P of a record of TYPE; an error or NULL */
static const char *
parse_rdata(int type, char *p, uint8_t *rd, size_t *rdlen)
{
	char		*tok, *tok2, *end;
	size_t		 n;
	long		 pref;

	if (type == T_TXT || type == T_SPF)
		return parse_strings(p, rd, rdlen) == 0 ? NULL :
		    "bad character-strings";
	tok = next_token(&p);
	tok2 = next_token(&p);
	switch (type) {
	case T_A:
	case T_AAAA:
		if (tok == NULL || tok2 != NULL || inet_pton(type == T_A ?
		    AF_INET : AF_INET6, tok, rd) != 1)
			return "bad address";
		*rdlen = type == T_A ? 4 : 16;
		return NULL;
	case T_MX:
		if (tok == NULL || tok2 == NULL || next_token(&p) != NULL)
			return "want MX PREF HOST";
		errno = 0;
		pref = strtol(tok, &end, 10);
		if (*end != '\0' || errno != 0 || pref < 0 || pref > 65535)
			return "bad MX preference";
		rd[0] = (uint8_t)(pref >> 8);
		rd[1] = (uint8_t)pref;
		if (parse_name(tok2, rd + 2, &n) == -1)
			return "bad MX host";
		*rdlen = n + 2;
		return NULL;
	case T_PTR:
	case T_CNAME:
		if (tok == NULL || tok2 != NULL || parse_name(tok, rd, rdlen))
			return "bad host name";
		return NULL;
	case T_TIMEOUT:
		*rdlen = 0;
		return tok == NULL ? NULL : "TIMEOUT takes no value";
	case T_NONE:
		*rdlen = 0;
		return tok != NULL && tok2 == NULL && rr_type(tok) > 0 ?
		    NULL : "want NONE TYPE";
	}
	return "unknown type";
}

/* zone_clear - free Z's records */
static void
zone_clear(struct zone *z)
{
	size_t	 i;

	for (i = 0; i < z->n; i++)
		free(z->rr[i].rdata);
	free(z->rr);
	memset(z, 0, sizeof(*z));
}

/* zone_add - append a record to Z; -1 when out of memory */
static int
zone_add(struct zone *z, const struct rr *r, const uint8_t *rd)
{
	struct rr	*nrr;

	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 64;
		if ((nrr = reallocarray(z->rr, z->cap, sizeof(*nrr))) == NULL)
			return -1;
		z->rr = nrr;
	}
	z->rr[z->n] = *r;
	if ((z->rr[z->n].rdata = malloc(r->rdlen + 1)) == NULL)
		return -1;
	memcpy(z->rr[z->n].rdata, rd, r->rdlen);
	z->n++;
	return 0;
}

/* zone_load - read PATH into a new zone; on success replace the old one */
static int
zone_load(const char *path)
{
	struct zone	 z = { NULL, 0, 0 };
	struct rr	 r;
	static uint8_t	 rd[MAX_MSG + 1];
	FILE		*fp;
	char		*line = NULL, *p, *name, *type;
	const char	*err;
	size_t		 linesz = 0, lineno = 0;
	ssize_t		 n;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "zonesrv: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &linesz, fp)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		p = line;
		if ((name = next_token(&p)) == NULL || name[0] == '#')
			continue;
		memset(&r, 0, sizeof(r));
		err = NULL;
		if ((type = next_token(&p)) == NULL || !(r.type = rr_type(type)))
			err = "missing or unknown TYPE";
		else if (parse_name(name, r.name, &r.namelen) == -1)
			err = "bad NAME";
		else
			err = parse_rdata(r.type, p, rd, &r.rdlen);
		if (err == NULL && zone_add(&z, &r, rd) == -1)
			err = "out of memory";
		if (err != NULL) {
			fprintf(stderr, "zonesrv: %s:%zu: %s\n", path, lineno,
			    err);
			free(line);
			fclose(fp);
			zone_clear(&z);
			return -1;
		}
	}
	free(line);
	fclose(fp);
	zone_clear(&zone);
	zone = z;
	serial++;
	return 0;
}

/* write_pidfile - PIDFILE, replaced atomically */
static void
write_pidfile(void)
{
	char	 tmp[PATH_MAX];
	FILE	*fp;

	if (pidfile == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile);
	if ((fp = fopen(tmp, "w")) == NULL ||
	    fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) != 0 ||
	    rename(tmp, pidfile) != 0)
		fprintf(stderr, "zonesrv: %s: %s\n", pidfile, strerror(errno));
}

/* ------------------------------------------------------------- answers */

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->over || n > b->cap - b->len) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put16(struct buf *b, unsigned v)
{
	uint8_t	 x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(b, x, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* put_rr - one RR with TTL 0; OWNER NULL means the question's name */
static void
put_rr(struct buf *b, const uint8_t *owner, size_t olen, int type,
    const uint8_t *rd, size_t rdlen)
{
	if (owner == NULL)
		put16(b, 0xc000 | HDR);		/* RFC 1035 4.1.4 */
	else
		put(b, owner, olen);
	put16(b, (unsigned)type);
	put16(b, C_IN);
	put32(b, 0);
	put16(b, (unsigned)rdlen);
	put(b, rd, rdlen);
}

/* put_soa - the synthesized root SOA: TTL 0, negative TTL 0 */
static void
put_soa(struct buf *b)
{
	put(b, "", 1);
	put16(b, T_SOA);
	put16(b, C_IN);
	put32(b, 0);
	put16(b, 22);
	put(b, "\0", 2);		/* MNAME ".", RNAME "." */
	put32(b, serial);
	put32(b, 3600);
	put32(b, 600);
	put32(b, 86400);
	put32(b, 0);			/* RFC 2308 4: negative TTL */
}

/* put_root - the apex records: SOA, or NS "zonesrv." with our address */
static int
put_root(struct buf *b, int qtype, unsigned cnt[3])
{
	static const uint8_t	 ns[] = "\7zonesrv";

	if (qtype == T_SOA || qtype == T_ANY) {
		put_soa(b);
		cnt[0]++;
	}
	if (qtype == T_NS || qtype == T_ANY) {
		/* Unbound primes a stub for "." with ". NS" (the glue's
		 * port is ignored: it keeps the stub's address@port). */
		put_rr(b, NULL, 0, T_NS, ns, sizeof(ns));
		put_rr(b, ns, sizeof(ns), gluelen == 4 ? T_A : T_AAAA, glue,
		    gluelen);
		cnt[0]++;
		cnt[2]++;
	}
	return cnt[0] > 0;
}

/*
 * resolve - the answer to Q into B, counting the RRs per section in
 * CNT (answer, authority, additional).  NODATA and NXDOMAIN carry the
 * SOA.  Returns the rcode, or R_DROP when a TIMEOUT name is reached.
 */
static int
resolve(struct buf *b, const struct query *q, unsigned cnt[3])
{
	const uint8_t	*name = q->qname, *owner = NULL, *cname;
	const uint8_t	*seen[MAX_CHAIN + 1];
	size_t		 seenlen[MAX_CHAIN + 1];
	size_t		 namelen = q->qnamelen, cnamelen = 0, i, k, hop;
	int		 exists, timeout, match;
	const struct rr	*r;

	for (hop = 0; hop <= MAX_CHAIN; hop++) {
		seen[hop] = name;
		seenlen[hop] = namelen;
		exists = timeout = match = 0;
		cname = NULL;
		for (i = 0; i < zone.n; i++) {
			r = &zone.rr[i];
			if (!name_eq(r->name, r->namelen, name, namelen)) {
				if (name_below(r->name, r->namelen, name,
				    namelen))
					exists = 1;
				continue;
			}
			exists = 1;
			if (r->type == T_TIMEOUT)
				timeout = 1;
			if (timeout || r->type < 0)
				continue;
			if (r->type == q->qtype || q->qtype == T_ANY) {
				put_rr(b, owner, namelen, r->type, r->rdata,
				    r->rdlen);
				cnt[0]++;
				match = 1;
			} else if (r->type == T_CNAME && cname == NULL) {
				cname = r->rdata;
				cnamelen = r->rdlen;
			}
		}
		if (match || (namelen == 1 && put_root(b, q->qtype, cnt)))
			return R_NOERROR;
		if (cname == NULL) {
			if (timeout)
				return R_DROP;
			put_soa(b);
			cnt[1]++;
			return exists ? R_NOERROR : R_NXDOMAIN;
		}
		put_rr(b, owner, namelen, T_CNAME, cname, cnamelen);
		cnt[0]++;
		owner = name = cname;
		namelen = cnamelen;
		for (k = 0; k <= hop; k++)
			if (name_eq(seen[k], seenlen[k], name, namelen))
				return R_NOERROR;	/* a loop: stop here */
	}
	return R_NOERROR;
}

/*
 * wire_name - the name at PKT[*OFF] into OUT; -1 if bad.  Compression
 * pointers are refused: the question is the first name of a query, and
 * the additional section holds OPT (owner ".") or uncompressed names.
 */
static int
wire_name(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out,
    size_t *outlen)
{
	size_t	 o = *off, n = 0, l;

	do {
		if (o >= len)
			return -1;
		/* A pointer or an extended label has no place here. */
		if ((l = pkt[o]) > MAX_LABEL || l >= len - o ||
		    n + l + 1 > MAX_NAME)
			return -1;
		memcpy(out + n, pkt + o, l + 1);
		n += l + 1;
		o += l + 1;
	} while (l != 0);
	*off = o;
	*outlen = n;
	return 0;
}

/* parse_query - the query PKT[LEN] into Q; an rcode, R_DROP for none */
static int
parse_query(const uint8_t *pkt, size_t len, struct query *q)
{
	uint8_t		 owner[MAX_NAME];
	size_t		 off = HDR, rdlen, olen;
	unsigned	 ar, i;

	memset(q, 0, sizeof(*q));
	if (len < HDR)
		return R_DROP;		/* no ID to answer with */
	q->id = (uint16_t)get16(pkt);
	q->flags = (uint16_t)get16(pkt + 2);
	if (q->flags & F_QR)
		return R_DROP;		/* a response: never answer one */
	if ((q->flags >> 11 & 0xf) != 0)
		return R_NOTIMP;	/* only QUERY */
	if (get16(pkt + 4) != 1 || get16(pkt + 6) != 0 || get16(pkt + 8) != 0)
		return R_FORMERR;
	if (wire_name(pkt, len, &off, q->qname, &q->qnamelen) == -1 ||
	    len - off < 4)
		return R_FORMERR;
	q->qtype = (uint16_t)get16(pkt + off);
	q->qclass = (uint16_t)get16(pkt + off + 2);
	q->qend = off += 4;
	ar = get16(pkt + 10);
	for (i = 0; i < ar; i++) {
		if (wire_name(pkt, len, &off, owner, &olen) == -1 ||
		    len - off < 10)
			return R_FORMERR;
		rdlen = get16(pkt + off + 8);
		if (rdlen > len - off - 10)
			return R_FORMERR;
		if (get16(pkt + off) == T_OPT) {
			/* RFC 6891 6.1.1: one OPT, owned by the root. */
			if (q->edns || olen != 1)
				return R_FORMERR;
			q->edns = 1;
			q->udpsize = (uint16_t)get16(pkt + off + 2);
			q->ednsver = pkt[off + 5];
		}
		off += 10 + rdlen;
	}
	if (off != len)
		return R_FORMERR;	/* trailing garbage */
	if (q->ednsver != 0)
		return R_BADVERS;
	if (q->qtype == T_OPT)
		return R_FORMERR;
	if ((q->qclass != C_IN && q->qclass != C_ANY) ||
	    q->qtype == T_AXFR || q->qtype == T_IXFR)
		return R_REFUSED;
	return R_NOERROR;
}

/* respond - the response to PKT[LEN] into OUT (MAX_MSG); 0 for none */
static size_t
respond(const uint8_t *pkt, size_t len, uint8_t *out, int udp)
{
	struct query	 q;
	struct buf	 b = { out, HDR, MAX_MSG, 0 };
	unsigned	 cnt[3] = { 0, 0, 0 }, qd = 0, tc = 0, i;
	size_t		 limit;
	int		 rc;
	char		 text[MAX_NAME * 4 + 2];

	rc = parse_query(pkt, len, &q);
	if (q.qend > 0 && rc != R_FORMERR) {
		memcpy(out + HDR, pkt + HDR, q.qend - HDR);
		b.len = q.qend;
		qd = 1;
	}
	if (rc == R_NOERROR)
		rc = resolve(&b, &q, cnt);
	if (b.over)
		rc = 2;				/* SERVFAIL: too large */
	limit = !udp ? MAX_MSG : !q.edns || q.udpsize < UDP_MIN ?
	    UDP_MIN : q.udpsize;
	if (b.over || b.len + (q.edns ? 11 : 0) > limit) {
		tc = !b.over;
		cnt[0] = cnt[1] = cnt[2] = 0;
		b.len = qd ? q.qend : HDR;
		b.over = 0;
	}
	if (verbose && len >= HDR) {
		name_text(q.qname, q.qnamelen, text, sizeof(text));
		fprintf(stderr, "zonesrv: %s %s %u -> %s an=%u%s\n",
		    udp ? "udp" : "tcp", q.qend ? text : "-", q.qtype,
		    rc == R_DROP ? "DROP" : rc == R_BADVERS ? "BADVERS" :
		    rc == R_NXDOMAIN ? "NXDOMAIN" : rc == R_NOERROR ?
		    "NOERROR" : "error", cnt[0], tc ? " TC" : "");
	}
	if (rc == R_DROP)
		return 0;
	if (q.edns) {				/* RFC 6891 6.1.2 */
		put(&b, "", 1);
		put16(&b, T_OPT);
		put16(&b, UDP_OURS);
		put16(&b, (unsigned)(rc >> 4) << 8);	/* ext rcode, v0 */
		put32(&b, 0);			/* flags, RDLEN */
		cnt[2]++;
	}
	out[0] = (uint8_t)(q.id >> 8);
	out[1] = (uint8_t)q.id;
	out[2] = (uint8_t)((F_QR | F_AA | (q.flags & F_RD) |
	    (tc ? F_TC : 0)) >> 8);
	out[3] = (uint8_t)(rc & 0xf);
	out[4] = 0;
	out[5] = (uint8_t)qd;
	for (i = 0; i < 3; i++) {
		out[6 + 2 * i] = (uint8_t)(cnt[i] >> 8);
		out[7 + 2 * i] = (uint8_t)cnt[i];
	}
	return b.len;
}

/* ------------------------------------------------------------- network */

/* bind_socket - a non-blocking socket of TYPE on ADDR:PORT; exits if not */
static int
bind_socket(const char *addr, const char *port, int type)
{
	struct addrinfo	 hints, *res;
	int		 fd, on = 1, error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((error = getaddrinfo(addr, port, &hints, &res)) != 0) {
		fprintf(stderr, "zonesrv: %s port %s: %s\n", addr, port,
		    gai_strerror(error));
		exit(1);
	}
	if ((fd = socket(res->ai_family, res->ai_socktype,
	    res->ai_protocol)) == -1 ||
	    (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 16) == -1) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		fprintf(stderr, "zonesrv: %s %s/%s: %s\n", addr, port,
		    type == SOCK_STREAM ? "tcp" : "udp", strerror(errno));
		exit(1);
	}
	freeaddrinfo(res);
	return fd;
}

/* serve_udp - answer every datagram waiting on FD */
static void
serve_udp(int fd)
{
	static uint8_t		 in[MAX_MSG], out[MAX_MSG];
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	ssize_t			 n;
	size_t			 len;

	while ((n = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&ss,
	    &sl)) >= 0) {
		if ((len = respond(in, (size_t)n, out, 1)) > 0)
			(void)sendto(fd, out, len, 0, (struct sockaddr *)&ss,
			    sl);
		sl = sizeof(ss);
	}
}

/* io_all - read or write all LEN bytes on non-blocking FD within 1s */
static int
io_all(int fd, uint8_t *p, size_t len, int wr)
{
	struct pollfd	 pfd = { fd, wr ? POLLOUT : POLLIN, 0 };
	ssize_t		 n;

	while (len > 0) {
		n = wr ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n == 0)
			return -1;
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if ((errno != EAGAIN && errno != EINTR) ||
		    poll(&pfd, 1, TCP_WAIT_MS) < 1)
			return -1;
	}
	return 0;
}

/*
 * serve_tcp - one length-framed query on a new connection, its answer,
 * then close: RFC 7766 6.2.3 lets a server close, resolvers reconnect.
 * Only TC answers bring resolvers here, so blocking UDP meanwhile (at
 * most 2 * TCP_WAIT_MS) is fine.
 */
static void
serve_tcp(int lfd)
{
	static uint8_t	 in[MAX_MSG], out[2 + MAX_MSG];
	uint8_t		 hdr[2];
	size_t		 len;
	int		 fd;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 &&
	    io_all(fd, hdr, 2, 0) == 0 &&
	    io_all(fd, in, len = get16(hdr), 0) == 0 &&
	    (len = respond(in, len, out + 2, 0)) > 0) {
		out[0] = (uint8_t)(len >> 8);
		out[1] = (uint8_t)len;
		(void)io_all(fd, out, len + 2, 1);
	}
	close(fd);
}

/* on_signal - hand the signal to the main loop through the pipe */
static void
on_signal(int sig)
{
	int	 saved = errno;
	char	 c = sig == SIGHUP ? 'H' : 'T';

	if (write(sigpipe[1], &c, 1) == -1) {
		/* The pipe is full: the main loop has wake-ups pending. */
	}
	errno = saved;
}

/* handle_signals - reload on 'H', exit on 'T' */
static void
handle_signals(void)
{
	char	 c;

	while (read(sigpipe[0], &c, 1) == 1) {
		if (c == 'T') {
			if (pidfile != NULL)
				unlink(pidfile);
			exit(0);
		}
		if (zone_load(datafile) == 0) {
			write_pidfile();
			if (verbose)
				fprintf(stderr, "zonesrv: loaded %s: %zu "
				    "records\n", datafile, zone.n);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct pollfd		 pfd[3];
	struct sigaction	 sa;
	const char		*addr = NULL, *port = NULL;
	int			 ch;

	while ((ch = getopt(argc, argv, "a:f:p:P:v")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'f':
			datafile = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (addr == NULL || port == NULL || datafile == NULL || optind != argc)
		usage();
	if (inet_pton(AF_INET, addr, glue) == 1)
		gluelen = 4;
	else if (inet_pton(AF_INET6, addr, glue) == 1)
		gluelen = 16;
	else
		usage();
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (pipe(sigpipe) == -1 ||
	    fcntl(sigpipe[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(sigpipe[1], F_SETFL, O_NONBLOCK) == -1) {
		perror("zonesrv: pipe");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	pfd[0].fd = sigpipe[0];
	pfd[1].fd = bind_socket(addr, port, SOCK_DGRAM);
	pfd[2].fd = bind_socket(addr, port, SOCK_STREAM);
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	if (zone_load(datafile) == -1)
		return 1;
	write_pidfile();
	for (;;) {
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("zonesrv: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			handle_signals();
		if (pfd[1].revents & POLLIN)
			serve_udp(pfd[1].fd);
		if (pfd[2].revents & POLLIN)
			serve_tcp(pfd[2].fd);
	}
}
