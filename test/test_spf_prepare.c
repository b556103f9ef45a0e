/*
 * test_spf_prepare.c - records rewritten for libspf2 (spf_prepare.h)
 */
#include <sys/socket.h>

#include <string.h>

#include "check.h"
#include "spf_prepare.h"

struct row {
	const char	*in;
	int		 family;
	const char	*want;	/* NULL: no room */
};

static const struct row rows[] = {
	/* unchanged */
	{ "v=spf1 -all", AF_INET, "v=spf1 -all" },
	{ "v=spf1", AF_INET, "v=spf1" },
	{ "V=SPF1  a  mx   -all ", AF_INET, "v=spf1 a mx -all" },
	{ "v=spf1 a:mail.example.com/24 -all", AF_INET,
	    "v=spf1 a:mail.example.com/24 -all" },
	{ "v=spf1 mx/24//64 ?all", AF_INET6, "v=spf1 mx/24//64 ?all" },
	{ "v=spf1 exp=x.example.com -all", AF_INET,
	    "v=spf1 exp=x.example.com -all" },
	{ "v=spf1 a:host123 -all", AF_INET, "v=spf1 a:host123 -all" },
	/* unknown modifiers dropped (RFC 7208 6) */
	{ "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", AF_INET,
	    "v=spf1 ip4:1.2.3.4 -all" },
	{ "v=spf1 -all foo=%{l}bar", AF_INET, "v=spf1 -all" },
	/* redirect last, and dropped beside "all" (6.1) */
	{ "v=spf1 redirect=t5.example.com ~all", AF_INET, "v=spf1 ~all" },
	{ "v=spf1 redirect=x.example.com ip4:1.2.3.4", AF_INET,
	    "v=spf1 ip4:1.2.3.4 redirect=x.example.com" },
	{ "v=spf1 ip4:1.2.3.4 redirect=t2.example.com", AF_INET,
	    "v=spf1 ip4:1.2.3.4 redirect=t2.example.com" },
	{ "v=spf1 +all redirect=x.example.com", AF_INET, "v=spf1 +all" },
	/* ip4/ip6 with /0: the two halves, qualifier kept */
	{ "v=spf1 ip4:1.1.1.1/0 -all", AF_INET,
	    "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all" },
	{ "v=spf1 -ip6:2001:db8::/0 +all", AF_INET6,
	    "v=spf1 -ip6:::/1 -ip6:8000::/1 +all" },
	/* a/mx: the other family's zero dropped, ours marked */
	{ "v=spf1 a//0 -all", AF_INET, "v=spf1 a -all" },
	{ "v=spf1 a//0 -all", AF_INET6, "v=spf1 a:%{d}." SPF_ANY_LABEL
	    " -all" },
	{ "v=spf1 a/0 -all", AF_INET, "v=spf1 a:%{d}." SPF_ANY_LABEL " -all" },
	{ "v=spf1 a/0 -all", AF_INET6, "v=spf1 a -all" },
	{ "v=spf1 ~mx:e.example.com/0//64 -all", AF_INET,
	    "v=spf1 ~mx:e.example.com." SPF_ANY_LABEL " -all" },
	{ "v=spf1 ~mx:e.example.com/0//64 -all", AF_INET6,
	    "v=spf1 ~mx:e.example.com//64 -all" },
	{ "v=spf1 a:e.example.com./0 -all", AF_INET,
	    "v=spf1 a:e.example.com." SPF_ANY_LABEL " -all" },
	{ "v=spf1 a:%{d}.x/24//0 -all", AF_INET6,
	    "v=spf1 a:%{d}.x." SPF_ANY_LABEL " -all" },
};

/* test_rows - each rewrite */
static void
test_rows(void)
{
	char	 out[512];
	size_t	 i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		bool ok = spf_prepare(r->in, strlen(r->in), r->family, out,
		    sizeof out);

		CHECK(ok == (r->want != NULL), "%s: ok=%d", r->in, ok);
		if (ok && r->want != NULL)
			CHECK_STR(out, r->want, r->in);
	}
}

/* test_room - an output that does not fit is refused, not cut */
static void
test_room(void)
{
	char	 out[16];
	const char *in = "v=spf1 ip4:1.1.1.1/0 -all";

	CHECK(!spf_prepare(in, strlen(in), AF_INET, out, sizeof out),
	    "a 16-byte buffer cannot hold the halves");
	CHECK(!spf_prepare(in, strlen(in), AF_INET, out, 0), "no buffer");
}

int
main(void)
{
	test_rows();
	test_room();
	return check_done("test_spf_prepare");
}
