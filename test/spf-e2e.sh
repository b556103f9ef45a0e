#!/bin/sh
# spf-e2e.sh - SPF end to end through the daemon against the DNS fixture
# (signed zone sender.example., unsigned insecure.example.): every result
# with its Authentication-Results entry, DNSSEC state and Received-SPF
# header; the policy keys; and libspf2's known bug classes (malformed and
# hostile macros, void lookups, loopback) coming out right.
. "${top_srcdir:-.}/test/lib.sh"
am_setup spf
M="$top_srcdir/test/e2e"
am_dns_start "$M/spf-zones"
am_config "$T/spf.conf" "InternalHosts none" "DNSTimeout 1s"
am_start "$T/spf.conf" || exit 1

# spf_case NAME IP MAILFROM WANT [HELO] - one session; checks the first spf=
spf_case() {
	out="$T/$1.out"
	am_send "$out" -c "$2" -e "${5:-mail.sender.example}" -f "$3" \
	    -m "i=$1" "$M/spf.eml"
	got=$(sed -n 's/^[[:space:]]*spf=\([a-z]*\).*/\1/p' "$out" | head -n 1)
	if [ "$got" = "$4" ]; then ok "$1: spf=$4"; else
		not_ok "$1: spf=$got, want $4" "$out"; fi
	# the MAIL FROM identity's Received-SPF (postmaster@HELO for <>)
	idn=mailfrom; [ -z "$3" ] && idn=helo
	if grep "^insheader 0 Received-SPF: $4 (" "$out" |
	    grep -q "envelope-from=.*identity=$idn\(;\|$\)"; then
		ok "$1: Received-SPF: $4 ... identity=$idn"
	else
		not_ok "$1: no Received-SPF: $4 for identity=$idn" "$out"
	fi
}

spf_case pass 192.0.2.10 a@sender.example pass
expect_grep "pass: DNSSEC state of a signed record" "spf=pass \(dnssec=secure\) smtp.mailfrom=sender.example" "$T/pass.out"
expect_grep "pass: Received-SPF for MAIL FROM" "^insheader 0 Received-SPF: pass \(mx.test.example: domain of sender.example designates 192.0.2.10 as permitted sender\) client-ip=192.0.2.10; envelope-from=\"a@sender.example\"; helo=mail.sender.example; receiver=mx.test.example; identity=mailfrom$" "$T/pass.out"
expect_grep "pass: HELO identity checked too" "spf=pass \(dnssec=secure\) smtp.helo=mail.sender.example;?$" "$T/pass.out"
expect_grep "pass: Received-SPF for HELO" "^insheader 0 Received-SPF: pass .*identity=helo$" "$T/pass.out"
expect_grep "pass: log line" "pass: client=192.0.2.10 .*mailfrom=sender.example .* spf=pass helo_spf=pass " "$T/am.log"
# The same checks again: now from the answer cache, in the session's own
# thread (spf_start's first try) instead of a thread of their own; the
# outcome must not differ by a byte.
for n in 1 2; do
	am_send "$T/again$n.out" -c 192.0.2.10 -e mail.sender.example \
	    -f a@sender.example -m i=pass "$M/spf.eml"
done
if cmp -s "$T/pass.out" "$T/again1.out" && cmp -s "$T/pass.out" "$T/again2.out"
then ok "pass: a cached evaluation gives the same headers and verdict"
else not_ok "pass: a cached evaluation differs" "$T/again1.out"; fi
expect_grep "pass again: evaluated from the answer cache, no thread" "spf: 192.0.2.10: evaluated from the answer cache" "$T/am.log"
spf_case pass6 2001:db8:5::25 a@sender.example pass
spf_case fail 198.51.100.7 a@sender.example fail
expect_grep "fail: Received-SPF says so" "^insheader 0 Received-SPF: fail \(mx.test.example: domain of sender.example does not designate 198.51.100.7 as permitted sender\)" "$T/fail.out"
spf_case softfail 198.51.100.7 a@softfail.sender.example softfail
spf_case neutral 198.51.100.7 a@neutral.sender.example neutral
spf_case none 198.51.100.7 a@none.sender.example none
spf_case nxdomain 198.51.100.7 a@nx.sender.example none
expect_grep "none: NXDOMAIN in a signed zone is secure" "spf=none \(dnssec=secure\)" "$T/nxdomain.out"
spf_case insecure 198.51.100.7 a@insecure.example pass
expect_grep "insecure: unsigned zone says insecure" "spf=pass \(dnssec=insecure\) smtp.mailfrom=insecure.example" "$T/insecure.out"
spf_case permerror 198.51.100.7 a@perm.sender.example permerror
expect_grep "permerror: Received-SPF names the problem" "problem=\"SPF record syntax error\"" "$T/permerror.out"
spf_case tworecords 198.51.100.7 a@twice.sender.example permerror
spf_case bogus 198.51.100.7 a@bogus.sender.example temperror
expect_grep "bogus: temperror with dnssec=bogus" "spf=temperror \(dnssec=bogus; DNSSEC validation failed\)" "$T/bogus.out"
spf_case timeout 198.51.100.7 a@slow.sender.example temperror
expect_grep "timeout: says DNS timeout" "spf=temperror \(dnssec=[a-z]*; DNS timeout\)" "$T/timeout.out"
spf_case void 192.0.2.20 a@void.sender.example permerror
expect_grep "void: more than 2 void lookups" "more than 2 void lookups" "$T/void.out"
spf_case nullsender 192.0.2.10 "" pass
expect_grep "null sender: postmaster@HELO, no smtp.mailfrom" "spf=pass \(dnssec=secure\) smtp.helo=mail.sender.example;?$" "$T/nullsender.out"
expect_grep "null sender: envelope-from is postmaster@HELO" "envelope-from=\"postmaster@mail.sender.example\"; .*identity=helo$" "$T/nullsender.out"
spf_case badhelo 192.0.2.10 "" none "localhost"
spf_case exp 198.51.100.7 a@exp.sender.example fail
expect_grep "exp= text with spaces comes out right" "explanation=\"198.51.100.7 is not one of exp.sender.example's mail servers\"" "$T/exp.out"
# libspf2 gives loopback a free pass; we evaluate it
spf_case loopback 127.0.0.1 a@sender.example fail

# -- libspf2's CVE classes: refused by our grammar check, or right --------
spf_case macro 192.0.2.10 a-b+c@macro.sender.example pass
spf_case digits 192.0.2.10 a@digits.sender.example permerror
spf_case bigxform 192.0.2.10 a@bigxform.sender.example permerror
spf_case zeroxform 192.0.2.10 a@zeroxform.sender.example permerror
spf_case badmacro 192.0.2.10 a@badmacro.sender.example permerror
spf_case openmacro 192.0.2.10 a@openmacro.sender.example permerror
long=$(printf 'x%.0s' $(seq 1 64))
spf_case longexp 192.0.2.10 "$long@longexp.sender.example" fail
# RFC 7208 allows the ',' and '/' delimiters; Debian's libspf2 refuses to
# compile them.  We say permerror with the reason rather than guess.
spf_case delims 192.0.2.10 "a.b-c+d,e/f_g=h@delims.sender.example" permerror
expect_grep "delims: the reason is named" "problem=\"record not supported by libspf2\"" "$T/delims.out"
kill -0 "$am_pid" 2>/dev/null && ok "daemon alive after hostile records" ||
	not_ok "daemon died" "$T/am.log"
am_stop

# -- policy: SPFRejectFail, SPFTempErrorAction, SPFReceivedHeader, HELO off --
am_config "$T/pol.conf" "InternalHosts none" "DNSTimeout 1s" \
    "SPFRejectFail yes" "SPFTempErrorAction tempfail" \
    "SPFReceivedHeader no" "SPFHeloCheck no"
am_start "$T/pol.conf" || exit 1
am_send "$T/rej.out" -c 198.51.100.7 -e mail.sender.example -f a@sender.example "$M/spf.eml"
expect_grep "SPFRejectFail: 550 5.7.23" "^result: reply 550 5.7.23 SPF: sender.example does not permit 198.51.100.7 to send its mail$" "$T/rej.out"
am_send "$T/tmp.out" -c 198.51.100.7 -e mail.sender.example -f a@bogus.sender.example "$M/spf.eml"
expect_grep "SPFTempErrorAction tempfail: 451 4.4.3" "^result: reply 451 4.4.3 " "$T/tmp.out"
am_send "$T/nohdr.out" -c 192.0.2.10 -e mail.sender.example -f a@sender.example "$M/spf.eml"
expect_no_grep "SPFReceivedHeader no: no Received-SPF" "Received-SPF" "$T/nohdr.out"
expect_no_grep "SPFHeloCheck no: no HELO entry" "spf=[a-z]* \([^)]*\) smtp.helo=mail.sender.example;?$" "$T/nohdr.out"
expect_grep "SPFHeloCheck no: MAIL FROM entry still there" "spf=pass" "$T/nohdr.out"
am_stop

am_done
