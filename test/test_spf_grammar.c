/*
 * test_spf_grammar.c - unit tests for spf_grammar.c
 *
 * One table row per shape: the input, which check it goes to (record,
 * explain-string, domain-spec), whether it must conform, and why.  Every
 * input is copied into a heap buffer of exactly its length (no NUL), so
 * AddressSanitizer catches any read past it.  The rows marked "suite:"
 * are the records and explanations of the RFC 7208 test suite
 * (testsuites/spf/rfc7208-tests.yml), classified by syntax alone: a suite
 * permerror that comes from evaluation (lookup limits, include of a
 * domain without a record, a loop) is a syntactically valid record here.
 * Then the caps at their edges, the WHY buffer, and random input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf_grammar.h"
#include "check.h"

/* kind - which check a row goes to */
enum kind { REC, EXP, DOM };

/* gcase - one input and the verdict it must get */
struct gcase {
	enum kind	 kind;
	const char	*in;
	size_t		 len;
	bool		 ok;
	const char	*what;
};

#define OK	true
#define BAD	false
/* R, E, D - a row for a record, an explain-string, a domain-spec */
#define R(s, ok, w)	{ REC, (s), sizeof(s) - 1, (ok), (w) }
#define E(s, ok, w)	{ EXP, (s), sizeof(s) - 1, (ok), (w) }
#define D(s, ok, w)	{ DOM, (s), sizeof(s) - 1, (ok), (w) }

static const struct gcase cases[] = {
	/* version and terms */
	R("v=spf1", OK, "version alone"),
	R("v=spf1 ", OK, "trailing SP"),
	R("V=SPF1 -ALL", OK, "case-insensitive"),
	R("v=spf1   a    -all   ", OK, "1*SP between terms, *SP at end"),
	R("v=spf1\t-all", BAD, "tab is not SP"),
	R("v=spf10", BAD, "version not followed by SP"),
	R("v=spf1-all", BAD, "version glued to a term"),
	R("v=spf", BAD, "short version"),
	R("", BAD, "empty"),
	R(" v=spf1 -all", BAD, "leading SP"),
	R("v=spf2.0/pra -all", BAD, "Sender ID"),
	R("v=spf1 -all\0", BAD, "NUL at the end"),
	R("v=spf1 a:\0foo.example.com", BAD, "NUL inside"),
	R("v=spf1 a:ex\xc3\xa9.example.com", BAD, "8-bit"),
	R("v=spf1 -all\r\n", BAD, "CR LF"),
	R("v=spf1 -all\x7f", BAD, "DEL"),
	R("v=spf1 - all", BAD, "term empty after qualifier"),
	R("v=spf1 +", BAD, "qualifier alone"),
	R("v=spf1 ~", BAD, "qualifier alone"),
	R("v=spf1 :", BAD, "stray character"),
	R("v=spf1 /24", BAD, "stray cidr"),
	R("v=spf1 \"-all\"", BAD, "quoted term"),
	/* all */
	R("v=spf1 all", OK, "all"),
	R("v=spf1 +all", OK, "+all"),
	R("v=spf1 ~all", OK, "~all"),
	R("v=spf1 ?All", OK, "?all, mixed case"),
	R("v=spf1 all:x", BAD, "all takes no argument"),
	R("v=spf1 all/8", BAD, "all takes no cidr"),
	R("v=spf1 all-", BAD, "trailing junk"),
	R("v=spf1 allx", BAD, "unknown mechanism"),
	/* include, exists */
	R("v=spf1 include:_spf.example.com", OK, "include"),
	R("v=spf1 -include:example.com.", OK, "include, trailing dot"),
	R("v=spf1 ~INCLUDE:%{d}", OK, "include of a macro"),
	R("v=spf1 include", BAD, "include needs a domain"),
	R("v=spf1 include:", BAD, "include, empty domain"),
	R("v=spf1 include:/24", BAD, "include, cidr only"),
	R("v=spf1 include=example.com", OK, "unknown modifier named include"),
	R("v=spf1 exists:%{i}.bl.example.com", OK, "exists"),
	R("v=spf1 -exists:%{ir}.%{v}._spf.%{d2}", OK, "exists, macros"),
	R("v=spf1 exists:%%", OK, "domain-end %% (a macro-expand)"),
	R("v=spf1 exists", BAD, "exists needs a domain"),
	R("v=spf1 exists:example.com//64", BAD, "exists takes no cidr"),
	/* a, mx */
	R("v=spf1 a", OK, "a"),
	R("v=spf1 +a/24", OK, "a/24"),
	R("v=spf1 -a//64", OK, "a//64"),
	R("v=spf1 ?a/24//64", OK, "a dual cidr"),
	R("v=spf1 a/0 a//0 a/32//128", OK, "a cidr edges"),
	R("v=spf1 a:example.com", OK, "a:domain"),
	R("v=spf1 a:example.com/24", OK, "a:domain/24"),
	R("v=spf1 a:example.com//128", OK, "a:domain//128"),
	R("v=spf1 ~a:mail.example.com/30//64", OK, "a:domain dual"),
	R("v=spf1 a:%{d}/24", OK, "a:macro/24"),
	R("v=spf1 a:x.a1/24", OK, "toplabel ending in a digit, cidr"),
	R("v=spf1 a:x.com/%{d}/16", OK, "domain holding /, macro end, cidr"),
	R("v=spf1 a/33", BAD, "ip4 cidr > 32"),
	R("v=spf1 a//129", BAD, "ip6 cidr > 128"),
	R("v=spf1 a/024", BAD, "cidr leading zero"),
	R("v=spf1 a//064", BAD, "ip6 cidr leading zero"),
	R("v=spf1 a//1280", BAD, "ip6 cidr 4 digits"),
	R("v=spf1 a/", BAD, "empty cidr"),
	R("v=spf1 a//", BAD, "empty ip6 cidr"),
	R("v=spf1 a///64", BAD, "three slashes"),
	R("v=spf1 a/24/64", BAD, "ip6 cidr needs //"),
	R("v=spf1 a:example.com/", BAD, "domain, empty cidr"),
	R("v=spf1 a:%{d}/24/16", BAD, "two ip4 cidrs"),
	R("v=spf1 a:", BAD, "a: empty domain"),
	R("v=spf1 a-", BAD, "a, trailing junk"),
	R("v=spf1 mx", OK, "mx"),
	R("v=spf1 ?mx/30", OK, "mx/30"),
	R("v=spf1 mx:example.com//64", OK, "mx:domain//64"),
	R("v=spf1 -MX:mail.example.com/24//64", OK, "mx:domain dual"),
	R("v=spf1 mx/33", BAD, "mx cidr > 32"),
	R("v=spf1 mx:", BAD, "mx: empty domain"),
	/* ptr */
	R("v=spf1 ptr", OK, "ptr"),
	R("v=spf1 ?ptr:example.com", OK, "ptr:domain"),
	R("v=spf1 ~ptr:%{d}", OK, "ptr:macro"),
	R("v=spf1 ptr/24", BAD, "ptr takes no cidr"),
	R("v=spf1 ptr:example.com/24", BAD, "ptr:domain takes no cidr"),
	R("v=spf1 ptr:", BAD, "ptr: empty domain"),
	/* ip4 */
	R("v=spf1 ip4:192.0.2.1", OK, "ip4"),
	R("v=spf1 -ip4:192.0.2.0/24", OK, "ip4/24"),
	R("v=spf1 ip4:0.0.0.0/0 ip4:255.255.255.255/32", OK, "ip4 edges"),
	R("v=spf1 ip4:10.99.100.249/8", OK, "every qnum length"),
	R("v=spf1 ip4", BAD, "ip4 bare"),
	R("v=spf1 ip4:", BAD, "ip4 empty"),
	R("v=spf1 ip4:192.0.2", BAD, "three octets"),
	R("v=spf1 ip4:192.0.2.1.5", BAD, "five octets"),
	R("v=spf1 ip4:256.0.2.1", BAD, "octet > 255"),
	R("v=spf1 ip4:192.0.2.260", BAD, "last octet > 255"),
	R("v=spf1 ip4:1000.0.2.1", BAD, "four digits"),
	R("v=spf1 ip4:01.0.2.1", BAD, "qnum leading zero"),
	R("v=spf1 ip4:192.0.2.00", BAD, "qnum 00"),
	R("v=spf1 ip4:192..2.1", BAD, "empty octet"),
	R("v=spf1 ip4:192.0.2.1.", BAD, "trailing dot"),
	R("v=spf1 ip4:192.0.2.1/33", BAD, "cidr > 32"),
	R("v=spf1 ip4:192.0.2.1/032", BAD, "cidr leading zero"),
	R("v=spf1 ip4:192.0.2.1/", BAD, "empty cidr"),
	R("v=spf1 ip4:192.0.2.1//32", BAD, "dual cidr on ip4"),
	R("v=spf1 ip4:192.0.2.1:25", BAD, "port"),
	R("v=spf1 ip4:0x7f.0.0.1", BAD, "hex octet"),
	R("v=spf1 ip4:2001:db8::1", BAD, "ip6 address in ip4"),
	/* ip6 */
	R("v=spf1 ip6:::", OK, "::"),
	R("v=spf1 ip6:::1", OK, "::1"),
	R("v=spf1 ip6:2001:db8::1", OK, "2001:db8::1"),
	R("v=spf1 ip6:::ffff:192.0.2.1", OK, "embedded ip4"),
	R("v=spf1 ip6:2001:db8:0:0:0:0:0:1", OK, "full 8 groups"),
	R("v=spf1 ip6:2001:DB8:a:b:c:d:eeee:FFFF/128", OK, "8 groups, case"),
	R("v=spf1 ip6:1::", OK, "trailing ::"),
	R("v=spf1 ip6:1:2:3:4:5:6:7::", OK, "7 groups and ::"),
	R("v=spf1 ip6:::2:3:4:5:6:7:8", OK, ":: and 7 groups"),
	R("v=spf1 ip6:1:2:3:4:5:6:192.0.2.1", OK, "6 groups and ip4"),
	R("v=spf1 ip6:2001:db8::/32", OK, "network /32"),
	R("v=spf1 ip6:::/0", OK, ":: /0"),
	R("v=spf1 ip6:fe80::1:2:3", OK, "gap in the middle"),
	R("v=spf1 ip6:1:2:3:4:5:6:7:8:9", BAD, "9 groups"),
	R("v=spf1 ip6:1:2:3:4:5:6:7", BAD, "7 groups, no ::"),
	R("v=spf1 ip6:1:2:3:4:5:6:7:8::", BAD, "8 groups and ::"),
	R("v=spf1 ip6:1::2::3", BAD, "two ::"),
	R("v=spf1 ip6:12345::1", BAD, "group of 5 hex digits"),
	R("v=spf1 ip6::1::2", BAD, "single leading colon"),
	R("v=spf1 ip6:1::2:", BAD, "single trailing colon"),
	R("v=spf1 ip6::::", BAD, ":::"),
	R("v=spf1 ip6:1:::2", BAD, ":::"),
	R("v=spf1 ip6:g::1", BAD, "not hex"),
	R("v=spf1 ip6:::ffff:192.0.2.256", BAD, "embedded octet > 255"),
	R("v=spf1 ip6:::ffff:192.0.2", BAD, "embedded 3 octets"),
	R("v=spf1 ip6:1:2:3:4:5:6:7:192.0.2.1", BAD, "7 groups and ip4"),
	R("v=spf1 ip6:::192.0.2.1:1", BAD, "ip4 not last"),
	R("v=spf1 ip6:::1%eth0", BAD, "zone id"),
	R("v=spf1 ip6:", BAD, "empty"),
	R("v=spf1 ip6:::1/129", BAD, "cidr > 128"),
	R("v=spf1 ip6:::1/0128", BAD, "cidr leading zero"),
	R("v=spf1 ip6:::1//64", BAD, "dual cidr on ip6"),
	R("v=spf1 ip6:192.0.2.1", BAD, "ip4 address in ip6"),
	/* unknown mechanisms, modifiers */
	R("v=spf1 foo:bar", BAD, "unknown mechanism"),
	R("v=spf1 foo", BAD, "unknown mechanism, no argument"),
	R("v=spf1 ipv4:192.0.2.1", BAD, "unknown mechanism ipv4"),
	R("v=spf1 -foo=bar", BAD, "a qualifier makes it a directive"),
	R("v=spf1 foo=bar", OK, "unknown modifier"),
	R("v=spf1 foo=", OK, "unknown modifier, empty value"),
	R("v=spf1 Foo.bar-baz_1=%{d}:x/y", OK, "every name character"),
	R("v=spf1 ip4=192.0.2.1", OK, "unknown modifier named ip4"),
	R("v=spf1 1foo=bar", BAD, "name starts with a digit"),
	R("v=spf1 _foo=bar", BAD, "name starts with _"),
	R("v=spf1 foo=%", BAD, "bad macro in unknown modifier"),
	R("v=spf1 foo=%{c}", BAD, "c in a record"),
	R("v=spf1 foo==", OK, "= is a macro-literal"),
	R("v=spf1 redirect=_spf.example.com", OK, "redirect"),
	R("v=spf1 exp=explain.%{d} -all", OK, "exp"),
	R("v=spf1 exp=e.example.com redirect=r.example.com", OK, "one each"),
	R("v=spf1 redirect=a.example.com redirect=b.example.com", BAD,
	    "redirect twice"),
	R("v=spf1 REDIRECT=a.example.com redirect=b.example.com", BAD,
	    "redirect twice, case"),
	R("v=spf1 exp=a.example.com -all exp=b.example.com", BAD, "exp twice"),
	R("v=spf1 redirect=", BAD, "redirect, empty domain"),
	R("v=spf1 exp=", BAD, "exp, empty domain"),
	R("v=spf1 redirect=example", BAD, "redirect, no toplabel"),
	R("v=spf1 exp=%{c}.example.com", BAD, "exp target is record context"),
	R("v=spf1 redirect:example.com", BAD, "redirect is no mechanism"),
	/* macros, in a record */
	R("v=spf1 exists:%{s}.%{l}.%{o}.%{d}.%{i}.%{p}.%{h}.%{v}.x.example",
	    OK, "every record macro letter"),
	R("v=spf1 exists:%{S}.%{L}.%{O}.%{D}.%{I}.%{P}.%{H}.%{V}.x.example",
	    OK, "upper case letters"),
	R("v=spf1 exists:%{c}.example.com", BAD, "c only in exp text"),
	R("v=spf1 exists:%{r}.example.com", BAD, "r only in exp text"),
	R("v=spf1 exists:%{t}.example.com", BAD, "t only in exp text"),
	R("v=spf1 exists:%{x}.example.com", BAD, "unknown letter"),
	R("v=spf1 exists:%{a}.example.com", BAD, "unknown letter a"),
	R("v=spf1 exists:%{d2}", OK, "%{d2}"),
	R("v=spf1 exists:%{ir}.x.example", OK, "%{ir}"),
	R("v=spf1 exists:%{IR}.x.example", OK, "%{IR}"),
	R("v=spf1 exists:%{l1r-}.x.example", OK, "%{l1r-}"),
	R("v=spf1 exists:%{d128}", OK, "%{d128}, the cap"),
	R("v=spf1 exists:%{d007}", OK, "three digits, value 7"),
	R("v=spf1 exists:%{d0}", BAD, "%{d0}: MUST be nonzero"),
	R("v=spf1 exists:%{d00}", BAD, "%{d00}: zero"),
	R("v=spf1 exists:%{d129}", BAD, "%{d129}: above 128"),
	R("v=spf1 exists:%{d1000}", BAD, "four digits"),
	R("v=spf1 exists:%{d999999999999}", BAD, "CVE class: huge number"),
	R("v=spf1 exists:%{d4294967297}", BAD, "CVE class: wraps 32 bits"),
	R("v=spf1 exists:%{ir.-+,/_=}", OK, "all 7 delimiters"),
	R("v=spf1 exists:%{d.......}", OK, "7 repeated delimiters"),
	R("v=spf1 exists:%{ir.-+,/_=.}", BAD, "8 delimiters"),
	R("v=spf1 exists:%{d........}", BAD, "8 repeated delimiters"),
	R("v=spf1 exists:%{d2r.}", OK, "digits, r, delimiter"),
	R("v=spf1 exists:%{dr2}", BAD, "digits after r"),
	R("v=spf1 exists:%{drr}", BAD, "r twice"),
	R("v=spf1 exists:%{d.2}", BAD, "digit after delimiter"),
	R("v=spf1 exists:%{d:}", BAD, "':' is no delimiter"),
	R("v=spf1 exists:%{}", BAD, "no letter"),
	R("v=spf1 exists:%{", BAD, "%{ unterminated"),
	R("v=spf1 exists:%{d", BAD, "%{d unterminated"),
	R("v=spf1 exists:%{d2r", BAD, "%{d2r unterminated"),
	R("v=spf1 exists:%{d -all", BAD, "%{d cut by SP"),
	R("v=spf1 exists:%", BAD, "lone % at the end"),
	R("v=spf1 exists:x%.example.com", BAD, "% followed by ."),
	R("v=spf1 exists:%(d).example.com", BAD, "% followed by ("),
	R("v=spf1 a:%%x%_y%-z.example.com", OK, "%%, %_, %-"),
	R("v=spf1 exists:%{d}%_", OK, "domain-end %_"),
	R("v=spf1 exists:x.%-", OK, "domain-end %-"),
	R("v=spf1 exists:%{d}.", BAD, "dot after the macro end"),
	/* domain-spec and toplabel */
	D("example.com", OK, "plain"),
	D("example.com.", OK, "trailing dot"),
	D("%{d}", OK, "macro alone is a domain-end"),
	D("%{d}.example.com", OK, "macro then toplabel"),
	D("_spf.%{d2}", OK, "ends in a macro"),
	D(".com", OK, "domain-end alone: grammar allows it"),
	D("a.b-c", OK, "toplabel with -"),
	D("a.1-2", OK, "toplabel alnum - alnum"),
	D("a.1a", OK, "toplabel digit then alpha"),
	D("a.x", OK, "one-letter toplabel"),
	D("foo:bar/baz.example.com", OK, ": and / before the end"),
	D("a.xn--zckzah", OK, "IDN toplabel"),
	D("mail.example...com", OK, "empty labels: evaluation, not syntax"),
	D("", BAD, "empty"),
	D("museum", BAD, "toplabel without a dot"),
	D("museum.", BAD, "toplabel without a dot, trailing dot"),
	D("a.123", BAD, "numeric toplabel"),
	D("a.123.", BAD, "numeric toplabel, trailing dot"),
	D("192.0.2.1", BAD, "an address"),
	D("a.-com", BAD, "toplabel starts with -"),
	D("a.com-", BAD, "toplabel ends with -"),
	D("a.com..", BAD, "two trailing dots"),
	D("a.", BAD, "no toplabel"),
	D(".", BAD, "dot"),
	D("%{d}.", BAD, "macro then dot"),
	D("a.com/24", BAD, "cidr is not part of a domain-spec"),
	D("a.c_m", BAD, "_ in toplabel"),
	D("a.example.com:8080", BAD, ": in toplabel"),
	D("a.example.com%", BAD, "trailing %"),
	D("%{c}.example.com", BAD, "c outside exp text"),
	D("a .com", BAD, "space"),
	D("a\0.com", BAD, "NUL"),
	/* explain-string */
	E("", OK, "empty"),
	E("%{c} is not allowed to send for %{d}", OK, "spaces, c"),
	E("%{s} %{l} %{o} %{d} %{i} %{p} %{h} %{c} %{r} %{t} %{v}", OK,
	    "every macro letter"),
	E("%{C}%{R}%{T}", OK, "c r t upper case"),
	E("  leading and  double   spaces  ", OK, "SP anywhere"),
	E("100%% sure, a%_b, a%-b", OK, "escapes"),
	E("see http://example.com/why?d=%{d2r-}&i=%{i}", OK, "URL"),
	E("%{x}", BAD, "unknown letter"),
	E("%", BAD, "lone %"),
	E("50% off", BAD, "% then SP"),
	E("%{c", BAD, "unterminated"),
	E("%{c }", BAD, "SP inside a macro"),
	E("%{d0}", BAD, "zero transformer"),
	E("%{d999999999999}", BAD, "huge transformer"),
	E("tab\there", BAD, "tab"),
	E("caf\xc3\xa9", BAD, "8-bit"),
	E("line\r\n", BAD, "CR LF"),
	E("a\0b", BAD, "NUL"),

	/* suite: Initial processing */
	R("v=spf1 -all exp=exp.example.net", OK, "suite: example.net"),
	E("%{l}", OK, "suite: exp.example.net"),
	R("v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", BAD,
	    "suite: non-ascii-policy"),
	R("v=spf1 \x80" "a:example.net -all", BAD, "suite: non-ascii-mech"),
	R("v=spf1 a:example.net \x96" "all", BAD, "suite: non-ascii-result"),
	R("\x96", BAD, "suite: non-ascii-non-spf (not a record)"),
	R("v=spf1 a:ctrl.example.com\x0dptr -all", BAD,
	    "suite: control-char-policy"),
	R("v=spf1 a  -all", OK, "suite: two-spaces"),
	R("v=spf1 a -all ", OK, "suite: trailing-space"),
	R("v=spf1 ip4:192.0.2.5 -all", OK, "suite: null-text (joined)"),
	R("v=spf1 ip4:192.0.2.5\x0a include:spf.protection.outlook.com ~all",
	    BAD, "suite: badip4"),
	/* suite: Record lookup, Selecting records */
	R("v=spf3 !a:yahoo.com -all", BAD, "suite: nospftxttimeout (v=spf3)"),
	R("v=spf1mx", BAD, "suite: nospace1 (pieces joined)"),
	R("v=spf10", BAD, "suite: nospace2 (caller skips it)"),
	R("V=sPf1 +all", OK, "suite: multitxt2"),
	R("v=SpF1 ~all", OK, "suite: case-insensitive"),
	R("v=spfl am not an SPF record", BAD, "suite: erehwon"),
	/* suite: Record evaluation */
	R("v=spf1 ip4:1.2.3.4 -all moo", BAD, "suite: detect-errors-anywhere"),
	R("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", OK,
	    "suite: modifier-charset-good"),
	R("v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all", BAD,
	    "suite: modifier-charset-bad1"),
	R("v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all", BAD,
	    "suite: modifier-charset-bad2"),
	R("v=spf1 redirect=t5.example.com ~all", OK,
	    "suite: redirect-after-mechanisms1"),
	R("v=spf1 ip4:1.2.3.4 redirect=t2.example.com", OK,
	    "suite: redirect-after-mechanisms2"),
	R("v=spf1 ip4:1.2.3.4 redirect:t2.example.com", BAD,
	    "suite: redirect-is-modifier"),
	R("v=spf1 a:foo-bar -all", BAD, "suite: invalid-domain"),
	R("v=spf1 a:mail.example...com -all", OK,
	    "suite: invalid-domain-empty-label ([fail, permerror])"),
	R("v=spf1 a:a123456789012345678901234567890123456789012345678901234567"
	    "890123.example.com -all", OK,
	    "suite: invalid-domain-long ([fail, permerror])"),
	R("v=spf1 a:%{H}.bar -all", OK, "suite: invalid-domain-long-via-macro"),
	/* suite: ALL mechanism syntax */
	R("v=spf1 -all.", BAD, "suite: all-dot"),
	R("v=spf1 -all:foobar", BAD, "suite: all-arg"),
	R("v=spf1 -all/8", BAD, "suite: all-cidr"),
	R("v=spf1 ?all", OK, "suite: all-neutral"),
	R("v=spf1 all -all", OK, "suite: all-double"),
	/* suite: PTR mechanism syntax */
	R("v=spf1 ptr/0 -all", BAD, "suite: ptr-cidr"),
	R("v=spf1 ptr:example.com -all", OK, "suite: ptr-match-target"),
	R("v=spf1 ptr -all", OK, "suite: ptr-match-implicit"),
	R("v=spf1 ptr:", BAD, "suite: ptr-empty-domain"),
	R("v=spf1 ptr:example.Com -all", OK, "suite: ptr-case-change"),
	R("v=spf1 ptr", OK, "suite: ptr-cname-loop"),
	/* suite: A mechanism syntax */
	R("v=spf1 a/0 -all", OK, "suite: a-cidr4-0"),
	R("v=spf1 a//0 -all", OK, "suite: a-cidr6-0-ip6"),
	R("v=spf1 a:foo.example.com\0", BAD, "suite: a-null"),
	R("v=spf1 a:111.222.33.44", BAD, "suite: a-numeric"),
	R("v=spf1 a:abc.123", BAD, "suite: a-numeric-toplabel"),
	R("v=spf1 a:museum", BAD, "suite: a-only-toplabel"),
	R("v=spf1 a:museum.", BAD, "suite: a-only-toplabel-trailing-dot"),
	R("v=spf1 a//33 -all", OK, "suite: a-cidr6 (ip6 /33 is fine)"),
	R("v=spf1 a/33 -all", BAD, "suite: a-bad-cidr4"),
	R("v=spf1 a//129 -all", BAD, "suite: a-bad-cidr6"),
	R("v=spf1 a/24//64 -all", OK, "suite: a-dual-cidr-ip4-match"),
	R("v=spf1 a/24/64 -all", BAD, "suite: a-dual-cidr-ip4-err"),
	R("v=spf1 a/24 -all", OK, "suite: a-dual-cidr-ip6-default"),
	R("v=spf1 a//64 -all", OK, "suite: a-dual-cidr-ip4-default"),
	R("v=spf1 a:example.com:8080", BAD, "suite: a-bad-domain"),
	R("v=spf1 a:foo.example.com/24", OK, "suite: a-multi-ip1"),
	R("v=spf1 a:foo:bar/baz.example.com", OK, "suite: a-colon-domain"),
	R("v=spf1 a:example.-com", BAD, "suite: a-bad-toplabel"),
	R("v=spf1 a:", BAD, "suite: a-empty-domain"),
	R("v=spf1 a:foo.example.xn--zckzah -all", OK,
	    "suite: a-dash-in-toplabel"),
	/* suite: Include mechanism semantics and syntax */
	R("v=spf1 include:ip5.example.com ~all", OK, "suite: include-fail"),
	R("v=spf1 include:ip6.example.com all", OK, "suite: include-softfail"),
	R("v=spf1 include:e6.example.com -all", OK,
	    "suite: include-permerror (evaluation)"),
	R("v=spf1 include +all", BAD, "suite: include-syntax-error"),
	R("v=spf1 include:erehwon.example.com -all", OK,
	    "suite: include-none (evaluation)"),
	R("v=spf1 include: -all", BAD, "suite: include-empty-domain"),
	R("v=spf1 include:ip5.example.com/24 -all", BAD, "suite: include-cidr"),
	/* suite: MX mechanism syntax */
	R("v=spf1 mx/0 -all", OK, "suite: mx-nxdomain"),
	R("v=spf1 mx//0 -all", OK, "suite: mx-cidr6-0-ip6"),
	R("v=spf1 mx:foo.example.com\0", BAD, "suite: mx-null"),
	R("v=spf1 mx:abc.123", BAD, "suite: mx-numeric-top-label"),
	R("v=spf1 mx//33 -all", OK, "suite: mx-cidr6"),
	R("v=spf1 mx/33 -all", BAD, "suite: mx-bad-cidr4"),
	R("v=spf1 mx//129 -all", BAD, "suite: mx-bad-cidr6"),
	R("v=spf1 mx:example.com:8080", BAD, "suite: mx-bad-domain"),
	R("v=spf1 mx:foo.example.com/24", OK, "suite: mx-multi-ip1"),
	R("v=spf1 mx:foo:bar/baz.example.com", OK, "suite: mx-colon-domain"),
	R("v=spf1 mx:example.-com", BAD, "suite: mx-bad-toplab"),
	R("v=spf1 mx: -all", BAD, "suite: mx-empty-domain"),
	/* suite: EXISTS mechanism syntax */
	R("v=spf1 exists:", BAD, "suite: exists-empty-domain"),
	R("v=spf1 exists", BAD, "suite: exists-implicit"),
	R("v=spf1 exists:mail.example.com/24", BAD, "suite: exists-cidr"),
	R("v=spf1 exists:mail.example.com", OK, "suite: exists-ip4"),
	R("v=spf1 exists:err.example.com -all", OK,
	    "suite: exists-dnserr (evaluation)"),
	/* suite: IP4 mechanism syntax */
	R("v=spf1 ip4:1.1.1.1/0 -all", OK, "suite: cidr4-0"),
	R("v=spf1 ip4:1.2.3.4/32 -all", OK, "suite: cidr4-32"),
	R("v=spf1 ip4:1.2.3.4/33 -all", BAD, "suite: cidr4-33"),
	R("v=spf1 ip4:1.2.3.4/032 -all", BAD, "suite: cidr4-032"),
	R("v=spf1 ip4", BAD, "suite: bare-ip4"),
	R("v=spf1 ip4:1.2.3.4//32", BAD, "suite: ip4-dual-cidr"),
	R("v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4", OK,
	    "suite: ip4-mapped-ip6"),
	R("v=spf1 ip4:1.2.3.4:8080", BAD, "suite: bad-ip4-port"),
	R("v=spf1 ip4:1.2.3", BAD, "suite: bad-ip4-short"),
	/* suite: IP6 mechanism syntax */
	R("v=spf1 -all ip6", BAD, "suite: bare-ip6"),
	R("v=spf1 ip6:::1.1.1.1/0", OK, "suite: cidr6-0"),
	R("v=spf1 ip6:::1.1.1.1/129", BAD, "suite: cidr6-129"),
	R("v=spf1 ip6:::1.1.1.1//33", BAD, "suite: cidr6-bad"),
	R("v=spf1 ip6:Cafe:Babe:8000::/33", OK, "suite: cidr6-33"),
	R("v=spf1 ip6::CAFE::BABE", BAD, "suite: ip6-bad1"),
	/* suite: Semantics of exp and other modifiers */
	R("v=spf1 exp=exp1.example.com redirect=e2.example.com", OK,
	    "suite: redirect-cancels-exp"),
	R("v=spf1 -all exp=exp2.example.com", OK,
	    "suite: redirect-cancels-prior-exp"),
	E("No-see-um", OK, "suite: exp1.example.com"),
	E("See me.", OK, "suite: exp2.example.com"),
	E("Correct!", OK, "suite: exp3.example.com"),
	E("%{l} in implementation", OK, "suite: dorky-sentinel"),
	R("v=spf1 1up=foo", BAD, "suite: invalid-modifier"),
	R("v=spf1 =all", BAD, "suite: empty-modifier-name"),
	R("v=spf1 include:e3.example.com -all exp=exp3.example.com", OK,
	    "suite: include-ignores-exp"),
	R("v=spf1 -all foo=%abc", BAD, "suite: unknown-modifier-syntax"),
	R("v=spf1 redirect=erehwon.example.com", OK,
	    "suite: redirect-none (evaluation)"),
	E("Answer a fool according to his folly.", OK,
	    "suite: exp-multiple-txt"),
	R("v=spf1 exp= -all", BAD, "suite: exp-empty-domain"),
	E("The %{x}-files.", BAD, "suite: explanation-syntax-error"),
	R("v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com", BAD,
	    "suite: exp-twice"),
	R("v=spf1 redirect=e12.example.com -all redirect=e12.example.com",
	    BAD, "suite: redirect-twice"),
	R("v=spf1 exp=-all", BAD, "suite: exp-syntax-error"),
	R("v=spf1 redirect=-all ?all", BAD, "suite: redirect-syntax-error"),
	R("v=spf1 ?all redirect=", BAD, "suite: redirect-empty-domain"),
	R("v=spf1 default=pass", OK, "suite: default-modifier-obsolete"),
	R("v=spf1 default=+", OK, "suite: default-modifier-obsolete2"),
	E("\xEF\xBB\xBF" "Explanation", BAD, "suite: non-ascii-exp"),
	R("v=spf1 a:erehwon.example.com a:foobar.com exp=nxdomain.com -all",
	    OK, "suite: exp-void"),
	R("v=spf1 redirect=testimplicit.example.com", OK,
	    "suite: redirect-implicit"),
	/* suite: Macro expansion rules */
	R("v=spf1 redirect=%{d}.d.spf.example.com.", OK,
	    "suite: trailing-dot-domain"),
	R("v=spf1 include:o.spf.example.com. ~all", OK,
	    "suite: trailing-dot-domain (include)"),
	R("v=spf1 exp=msg.example.com. -all", OK, "suite: trailing-dot-exp"),
	E("This is a test.", OK, "suite: trailing-dot-exp text"),
	R("v=spf1 -exists:%(ir).sbl.example.com ?all", BAD,
	    "suite: invalid-macro-char"),
	R("v=spf1 exists:foo%(ir).sbl.example.com ?all", BAD,
	    "suite: invalid-embedded-macro-char"),
	R("v=spf1 exists:foo%.sbl.example.com ?all", BAD,
	    "suite: invalid-trailing-macro-char"),
	R("v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all", OK,
	    "suite: macro-mania-in-domain"),
	R("v=spf1 -all exp=%{r}.example.com", BAD,
	    "suite: exp-only-macro-char"),
	R("v=spf1 -all exp=%{ir}.example.com", OK,
	    "suite: exp-txt-macro-char"),
	E("Connections from %{c} not authorized.", OK,
	    "suite: exp-txt-macro-char text"),
	R("v=spf1 -all exp=foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}"
	    ".example.com", OK, "suite: domain-name-truncation"),
	E("Congratulations!  That was tricky.", OK,
	    "suite: domain-name-truncation text"),
	E("%{c} is queried as %{ir}.%{v}.arpa", OK, "suite: v-macro-ip4"),
	R("v=spf1 a:%{a}.example.com -all", BAD, "suite: undef-macro"),
	E("connect from %{p}", OK, "suite: p-macro-ip4-novalid"),
	R("v=spf1 exists:%{p}.should.example.com ~exists:%{p}.ok.example.com",
	    OK, "suite: p-macro-multiple"),
	R("v=spf1 -all exp=msg8.%{D2}", OK, "suite: upper-macro"),
	E("http://example.com/why.html?l=%{L}", OK, "suite: upper-macro text"),
	R("v=spf1 a:%{H} -all", OK, "suite: hello-macro"),
	R("v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all", OK,
	    "suite: require-valid-helo"),
	R("v=spf1 -a:%{h} +all", OK, "suite: require-valid-helo (_spfh)"),
	R("v=spf1 exists:%{i}.%{l2r-}.user.%{d2}", OK,
	    "suite: macro-reverse-split-on-dash"),
	R("v=spf1 exists:%{l2r+-}.user.%{d2}", OK,
	    "suite: macro-multiple-delimiters"),
	/* suite: Processing limits (all evaluation errors) */
	R("v=spf1 ip4:1.1.1.1 redirect=e1.example.com", OK,
	    "suite: redirect-loop (evaluation)"),
	R("v=spf1 include:e3.example.com", OK, "suite: include-loop"),
	R("v=spf1 mx", OK, "suite: mx-limit (evaluation)"),
	R("v=spf1 a mx a mx a mx a mx a ptr ip4:1.2.3.4 -all", OK,
	    "suite: mech-at-limit"),
	R("v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all", OK,
	    "suite: mech-over-limit (evaluation)"),
	R("v=spf1 a a a a a a a a", OK, "suite: include-at-limit (inc)"),
	R("v=spf1 a include:inc.example.com a ip4:1.2.3.4 -all", OK,
	    "suite: include-over-limit (evaluation)"),
	R("v=spf1 a:err.example.com a:err1.example.com a:err2.example.com "
	    "?all", OK, "suite: void-over-limit (evaluation)"),
	/* suite: Test cases from implementation bugs */
	R("v=spf1 mx redirect=_spf.example.com", OK, "suite: bytes-bug"),
	R("v=spf1 ptr:fe.example.org ptr:sgp.example.com "
	    "exp=_expspf.example.org -all", OK, "suite: bytes-bug (_spf)"),
	E("Sender domain not allowed from this host. Please see "
	    "http://www.openspf.org/Why?s=mfrom&id=%{S}&ip=%{C}&r=%{R}", OK,
	    "suite: bytes-bug (_expspf)"),
	R("v=spf1 ip4:192.0.2.225 ?include:webmail.pair.com "
	    "?include:relay.pair.com -all", OK, "suite: cname-aliasing"),
	R("v=spf1 ip4:209.68.5.9/32 ip4:209.68.5.15/32 a -all", OK,
	    "suite: relay.pair.com"),
};

/* run - one check on a heap copy of exactly LEN bytes */
static bool
run(enum kind kind, const char *in, size_t len, char *why, size_t whylen)
{
	char	*buf;
	bool	 ok;

	if ((buf = malloc(len > 0 ? len : 1)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(buf, in, len);
	switch (kind) {
	case REC:
		ok = spf_record_check(buf, len, why, whylen);
		break;
	case EXP:
		ok = spf_explain_check(buf, len, why, whylen);
		break;
	default:
		ok = spf_domain_spec_check(buf, len, why, whylen);
		break;
	}
	free(buf);
	return ok;
}

/* shown - (IN, LEN) as printable text, for a failure message */
static const char *
shown(const char *in, size_t len)
{
	static char	out[512];
	size_t		i, o = 0;
	unsigned char	c;

	for (i = 0; i < len && o + 5 < sizeof(out); i++) {
		c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/* test_table - every row of cases[] */
static void
test_table(void)
{
	static const char *const kinds[] = { "record", "explain", "domain" };
	char	why[128];
	size_t	i;
	bool	got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = run(cases[i].kind, cases[i].in, cases[i].len, why,
		    sizeof(why));
		CHECK(got == cases[i].ok, "%s \"%s\" (%s): got=%s want=%s "
		    "why=\"%s\"", kinds[cases[i].kind],
		    shown(cases[i].in, cases[i].len), cases[i].what,
		    got ? "ok" : "bad", cases[i].ok ? "ok" : "bad", why);
		CHECK(got == (why[0] == '\0'), "%s: why=\"%s\" for %s",
		    cases[i].what, why, got ? "ok" : "bad");
	}
}

/* test_why - the reason text, truncation, and a NULL buffer */
static void
test_why(void)
{
	char	why[64];
	char	small[8];

	CHECK(!spf_record_check("v=spf1 a:%{x}", 13, why, sizeof(why)),
	    "bad letter");
	CHECK_STR(why, "unknown macro letter at offset 11", "why");
	CHECK(!spf_record_check("v=spf1 -all foo:bar", 19, why, sizeof(why)),
	    "unknown mechanism");
	CHECK_STR(why, "unknown mechanism at offset 12", "why");
	CHECK(!spf_record_check("v=spf1\t-all", 11, why, sizeof(why)), "tab");
	CHECK_STR(why, "tab (only SP separates) at offset 6", "why");
	CHECK(!spf_record_check("v=spf1 exists:%{d", 17, small,
	    sizeof(small)), "truncated why");
	CHECK_STR(small, "untermi", "why truncated to its buffer");
	CHECK(!spf_record_check("v=spf10", 7, NULL, 0), "NULL why");
	CHECK(spf_record_check("v=spf1 -all", 11, NULL, 0), "NULL why, ok");
	CHECK(!spf_record_check("v=spf10", 7, why, 0), "whylen 0");
	CHECK(!spf_record_check(NULL, 5, why, sizeof(why)), "NULL input");
	CHECK(!spf_record_check(NULL, 0, why, sizeof(why)), "NULL, 0");
	CHECK(spf_explain_check(NULL, 0, why, sizeof(why)), "NULL empty exp");
	CHECK_STR(why, "", "why on success");
}

/* test_length - SPF_GRAMMAR_MAX_LEN bytes conform, one more do not */
static void
test_length(void)
{
	static char	rec[SPF_GRAMMAR_MAX_LEN + 2];
	static const char term[] = " ip4:192.0.2.1";
	size_t		n;

	memcpy(rec, "v=spf1", 6);
	for (n = 6; n + sizeof(term) - 1 <= SPF_GRAMMAR_MAX_LEN;
	    n += sizeof(term) - 1)
		memcpy(rec + n, term, sizeof(term) - 1);
	memset(rec + n, ' ', sizeof(rec) - n);
	CHECK(run(REC, rec, SPF_GRAMMAR_MAX_LEN, NULL, 0),
	    "record of %d bytes", SPF_GRAMMAR_MAX_LEN);
	CHECK(!run(REC, rec, SPF_GRAMMAR_MAX_LEN + 1, NULL, 0),
	    "record of %d bytes", SPF_GRAMMAR_MAX_LEN + 1);
	memset(rec, 'x', sizeof(rec));
	CHECK(run(EXP, rec, SPF_GRAMMAR_MAX_LEN, NULL, 0), "explanation max");
	CHECK(!run(EXP, rec, SPF_GRAMMAR_MAX_LEN + 1, NULL, 0),
	    "explanation max + 1");
}

/* macros - PREFIX, then N times BEFORE "%{d}", into BUF; its length */
static size_t
macros(char *buf, size_t size, const char *prefix, int n, const char *before)
{
	size_t	len = strlen(prefix), blen = strlen(before);
	int	i;

	memcpy(buf, prefix, len);
	for (i = 0; i < n && len + blen + 4 < size; i++) {
		memcpy(buf + len, before, blen);
		memcpy(buf + len + blen, "%{d}", 4);
		len += blen + 4;
	}
	return len;
}

/* test_macro_cap - SPF_GRAMMAR_MAX_MACROS at its edge, in one and many terms */
static void
test_macro_cap(void)
{
	char	buf[2048];
	size_t	len;

	len = macros(buf, sizeof(buf), "v=spf1 exists:",
	    SPF_GRAMMAR_MAX_MACROS, "");
	CHECK(run(REC, buf, len, NULL, 0), "%d macros", SPF_GRAMMAR_MAX_MACROS);
	len = macros(buf, sizeof(buf), "v=spf1 exists:",
	    SPF_GRAMMAR_MAX_MACROS + 1, "");
	CHECK(!run(REC, buf, len, NULL, 0), "%d macros",
	    SPF_GRAMMAR_MAX_MACROS + 1);
	len = macros(buf, sizeof(buf), "v=spf1", SPF_GRAMMAR_MAX_MACROS,
	    " a:");
	CHECK(run(REC, buf, len, NULL, 0), "%d macros over terms",
	    SPF_GRAMMAR_MAX_MACROS);
	memcpy(buf + len, " a:%%", 5);
	CHECK(!run(REC, buf, len + 5, NULL, 0), "%%%% counts as a macro");
	len = macros(buf, sizeof(buf), "", SPF_GRAMMAR_MAX_MACROS, " ");
	CHECK(run(EXP, buf, len, NULL, 0), "%d macros in exp text",
	    SPF_GRAMMAR_MAX_MACROS);
	len = macros(buf, sizeof(buf), "", SPF_GRAMMAR_MAX_MACROS + 1, " ");
	CHECK(!run(EXP, buf, len, NULL, 0), "%d macros in exp text",
	    SPF_GRAMMAR_MAX_MACROS + 1);
}

/*
 * lcg - the next of a 31-bit linear congruential sequence (the ANSI C
 * example constants), computed without unsigned wrap-around so that
 * -fsanitize=integer stays quiet
 */
static uint32_t
lcg(uint64_t *state)
{
	*state = (*state * 1103515245U + 12345U) & 0x7fffffffU;
	return (uint32_t)(*state >> 8);
}

/* fuzz_input - random bytes, grammar bytes, or a mutated table row */
static size_t
fuzz_input(uint64_t *st, char *buf, size_t len)
{
	static const char alpha[] = "v=spf1 :/.%{}-+~?_,=aAdDilmx46rc0129"
	    "ptsexnuo";
	const struct gcase *c;
	size_t	i, n = 0;

	switch (lcg(st) % 4) {
	case 0:
		for (i = 0; i < len; i++)
			buf[i] = (char)(lcg(st) & 0xff);
		return len;
	case 1:
		memcpy(buf, "v=spf1 ", 7);
		n = len < 7 ? len : 7;
		/* FALLTHROUGH */
	case 2:
		for (i = n; i < len; i++)
			buf[i] = alpha[lcg(st) % (sizeof(alpha) - 1)];
		return len;
	default:
		c = &cases[lcg(st) % (sizeof(cases) / sizeof(cases[0]))];
		memcpy(buf, c->in, c->len);
		for (i = 0, n = c->len; i < 3 && n > 0; i++)
			buf[lcg(st) % n] = alpha[lcg(st) % (sizeof(alpha) - 1)];
		if (n > 0 && lcg(st) % 2)
			n = lcg(st) % n;	/* and cut it short */
		return n;
	}
}

/* test_fuzz - random input never crashes, and WHY is always a string */
static void
test_fuzz(void)
{
	static char	buf[400];
	char		why[80];
	uint64_t	st = 20240601;
	size_t		len, whylen;
	int		iter, bad = 0, accepted = 0;
	enum kind	k;
	bool		ok;

	for (iter = 0; iter < 100000; iter++) {
		len = fuzz_input(&st, buf, lcg(&st) % 301);
		whylen = lcg(&st) % sizeof(why);
		for (k = REC; k <= DOM; k++) {
			memset(why, 'Z', sizeof(why));
			ok = run(k, buf, len, why, whylen);
			accepted += ok;
			if (whylen > 0 && memchr(why, '\0', whylen) == NULL)
				bad++;
			if (ok && whylen > 0 && why[0] != '\0')
				bad++;
			if (ok && k == REC && strncasecmp(buf, "v=spf1", 6))
				bad++;
		}
	}
	CHECK_INT(bad, 0, "fuzz invariants broken");
	CHECK(accepted > 1000, "fuzz reached valid input %d times", accepted);
}

int
main(void)
{
	test_table();
	test_why();
	test_length();
	test_macro_cap();
	test_fuzz();
	return check_done("test_spf_grammar");
}
