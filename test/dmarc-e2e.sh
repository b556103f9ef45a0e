#!/bin/sh
# dmarc-e2e.sh - DMARC end to end through the daemon against the DNS
# fixture (test/e2e/dmarc-zones, plus the DKIM corpus): reject and
# quarantine with the replies the MTA sees, sp and np, t=y, strict and
# relaxed alignment, a DKIM-aligned pass despite an SPF fail, every From
# edge case, temperror, the overrides, dry run, the quarantine actions,
# and RFC 9989 Appendix B.4 evaluated as the RFC says.
. "${top_srcdir:-.}/test/lib.sh"
am_setup dmarc
E="$top_srcdir/test/e2e"
C="$T/corpus"
DKSIGN="$top_builddir/test/dkim/dksign"
export DKSIGN
"$top_srcdir/test/dkim/make-corpus.sh" "$C" >"$T/corpus.log" 2>&1 || {
	echo "corpus failed:"; cat "$T/corpus.log"; exit 99; }
# dkim.example gets a DMARC reject policy and an SPF record that fails all
printf '_dmarc\tTXT\t"v=DMARC1; p=reject"\n@\tTXT\t"v=spf1 -all"\n' \
    >>"$C/zones/dkim.example.zone"
cp "$E"/dmarc-zones/*.zone "$C/zones/"
am_dns_start "$C/zones"
base="InternalHosts none"

# msg FILE FROM... - a message with these From header lines
msg() {
	f=$1; shift
	{
		for h in "$@"; do printf 'From: %s\n' "$h"; done
		printf 'To: rcpt@example.net\nSubject: dmarc\n'
		printf 'Message-ID: <%s@dmarc.example>\n\nBody.\n' "$(basename "$f")"
	} >"$f"
}

# send NAME IP MAILFROM MSG [amclient options] - one session into $T/NAME.out
send() {
	n=$1 ip=$2 mf=$3 m=$4; shift 4
	am_send "$T/$n.out" -c "$ip" -e mail.dmarc.example -f "$mf" \
	    -m "i=$n" "$@" "$m"
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
	    "$T/$n.out" >"$T/$n.u"
}

msg "$T/dmarc.eml" "a@dmarc.example"
msg "$T/sub.eml" "a@sub.dmarc.example"
msg "$T/ghost.eml" "a@ghost.dmarc.example"
msg "$T/testing.eml" "a@testing.dmarc.example"
msg "$T/strict.eml" "a@strict.dmarc.example"
msg "$T/relaxed.eml" "a@relaxed.dmarc.example"
msg "$T/slow.eml" "a@slow.dmarc.example"
msg "$T/bogus.eml" "a@bogus.dmarc.example"
msg "$T/b41.eml" "a@example.com"
msg "$T/b42.eml" "a@a.b.c.d.e.f.g.h.i.j.k.example.com"
msg "$T/b43.eml" "a@giant.bank.example"

am_config "$T/d.conf" "$base" "DNSTimeout 1s"
am_start "$T/d.conf" || exit 1

# -- enforcement with the replies the MTA sees ---------------------------
send reject 198.51.100.7 a@dmarc.example "$T/dmarc.eml"
expect_grep "p=reject failure: 550 5.7.1 naming the domain" "^result: reply 550 5.7.1 DMARC: the policy of dmarc.example rejects this message$" "$T/reject.out"
expect_grep "log: result, policy, disposition, alignment" "reject: .* dmarc=fail policy=reject dis=reject align=none .*action=reject" "$T/am.log"
send pass 192.0.2.10 a@dmarc.example "$T/dmarc.eml"
expect_grep "SPF-aligned pass" "dmarc=pass \(p=reject sp=quarantine dis=none; dnssec=secure\) header.from=dmarc.example polrec.p=reject$" "$T/pass.u"
expect_grep "pass accepted" "^result: accept$" "$T/pass.out"
send sub 198.51.100.7 a@sub.dmarc.example "$T/sub.eml"
expect_grep "sp=quarantine for an existing subdomain: held" "^quarantine DMARC quarantine policy of sub.dmarc.example$" "$T/sub.out"
expect_grep "quarantine: A-R says dis=quarantine and where the record was" "dmarc=fail \(p=reject sp=quarantine dis=quarantine; dnssec=secure\) header.from=sub.dmarc.example polrec.p=reject polrec.domain=dmarc.example" "$T/sub.u"
expect_grep "held message accepted" "^result: accept$" "$T/sub.out"
send ghost 198.51.100.7 a@ghost.dmarc.example "$T/ghost.eml"
expect_grep "np=reject for a non-existent subdomain" "^result: reply 550 5.7.1 DMARC: the policy of ghost.dmarc.example rejects" "$T/ghost.out"
expect_grep "log says np applied" "ghost: .* dmarc=fail policy=reject\(np\)" "$T/am.log"
send testing 198.51.100.7 a@testing.dmarc.example "$T/testing.eml"
expect_grep "t=y: monitor only, accepted" "^result: accept$" "$T/testing.out"
expect_grep "t=y: shown, disposition none" "dmarc=fail \(p=reject sp=reject dis=none; t=y; dnssec=secure\)" "$T/testing.u"

# -- alignment -------------------------------------------------------------
send strict 192.0.2.10 a@mail.strict.dmarc.example "$T/strict.eml"
expect_grep "aspf=s: a subdomain's SPF pass does not align" "^result: reply 550 5.7.1" "$T/strict.out"
send relaxed 192.0.2.10 a@mail.relaxed.dmarc.example "$T/relaxed.eml"
expect_grep "aspf=r: a subdomain's SPF pass aligns" "dmarc=pass" "$T/relaxed.u"
send dkimpass 192.0.2.10 sender@dkim.example "$C/msgs/pass-relaxed.eml"
expect_grep "DKIM-aligned pass despite SPF fail: spf=fail" "spf=fail" "$T/dkimpass.u"
expect_grep "DKIM-aligned pass despite SPF fail: dmarc=pass" "dmarc=pass \(p=reject sp=reject dis=none; dnssec=secure\) header.from=dkim.example" "$T/dkimpass.u"
expect_grep "log: aligned by dkim" "dkimpass: .* dmarc=pass policy=reject dis=none align=dkim" "$T/am.log"
send dkimbad 192.0.2.10 sender@dkim.example "$C/msgs/body-modified.eml"
expect_grep "DKIM fail and SPF fail: rejected" "^result: reply 550 5.7.1" "$T/dkimbad.out"

# -- the From header -------------------------------------------------------
msg "$T/nofrom.eml"
msg "$T/twofrom.eml" "a@dmarc.example" "b@dmarc.example"
msg "$T/twoaddr.eml" "a@dmarc.example, b@other.example"
msg "$T/unparsable.eml" "a@dmarc.example <"
msg "$T/idn.eml" "a@пример.испытание"
for c in nofrom twofrom twoaddr unparsable idn; do
	send "$c" 198.51.100.7 a@dmarc.example "$T/$c.eml"
	expect_grep "From edge case $c: dmarc=permerror, accepted" "dmarc=permerror \(" "$T/$c.u"
	expect_grep "From edge case $c: accepted" "^result: accept$" "$T/$c.out"
done

# -- temperror -------------------------------------------------------------
send slow 198.51.100.7 a@dmarc.example "$T/slow.eml"
expect_grep "record lookup times out: temperror" "dmarc=temperror \(DNS failure in policy discovery" "$T/slow.u"
send bogus 198.51.100.7 a@dmarc.example "$T/bogus.eml"
expect_grep "bogus DNSSEC record: temperror, dnssec=bogus" "dmarc=temperror \(DMARC record failed DNSSEC validation; dnssec=bogus\)" "$T/bogus.u"

# -- RFC 9989 Appendix B.4 ---------------------------------------------------
send b41 192.0.2.10 a@example.com "$T/b41.eml"
expect_grep "B.4.1: SPF example.com aligned: pass under p=reject" "dmarc=pass \(p=reject sp=reject dis=none; dnssec=secure\) header.from=example.com polrec.p=reject$" "$T/b41.u"
send b41r 192.0.2.10 a@signing.example.com "$T/b41.eml"
expect_grep "B.4.1: signing.example.com relaxed-aligns with example.com" "dmarc=pass .* header.from=example.com" "$T/b41r.u"
send b42 192.0.2.10 a@example.com "$T/b42.eml"
expect_grep "B.4.2: deep author, policy from example.com" "dmarc=pass \(p=reject sp=reject dis=none; dnssec=secure\) header.from=a.b.c.d.e.f.g.h.i.j.k.example.com polrec.p=reject polrec.domain=example.com" "$T/b42.u"
send b43 192.0.2.10 a@mail.giant.bank.example "$T/b43.eml"
expect_grep "B.4.3: mail.giant.bank.example aligns under the PSD" "dmarc=pass \(p=quarantine sp=quarantine dis=none; dnssec=secure\) header.from=giant.bank.example" "$T/b43.u"
send b43f 192.0.2.10 a@mail.mega.bank.example "$T/b43.eml"
expect_grep "B.4.3: mail.mega.bank.example is another organization: quarantine" "^quarantine DMARC quarantine policy of giant.bank.example$" "$T/b43f.out"
am_stop

# -- actions and overrides -------------------------------------------------
"$DKSIGN" -d dkim.example -s rsa2048 -k "$C/keys/rsa2048.pem" \
    <"$T/dmarc.eml" >"$T/list.eml" 2>"$T/dksign.log"
am_config "$T/o.conf" "$base" "DNSTimeout 1s" "RejectFailures no" \
    "QuarantineAction header" "DMARCTempErrorAction tempfail" \
    "DMARCAllowIPs 203.0.113.0/24" "DMARCAllowDKIMDomains dkim.example" \
    "DMARCAllowSPFDomains fwd.example" "DMARCRejectMalformedFrom yes"
am_start "$T/o.conf" || exit 1
send noreject 198.51.100.7 a@dmarc.example "$T/dmarc.eml"
expect_grep "RejectFailures no: quarantined instead, here as a header" "^insheader 0 X-Authmilter-Quarantine: DMARC quarantine policy of dmarc.example$" "$T/noreject.out"
expect_grep "QuarantineAction header: accepted" "^result: accept$" "$T/noreject.out"
send tempfail 198.51.100.7 a@dmarc.example "$T/slow.eml"
expect_grep "DMARCTempErrorAction tempfail: 451 4.4.3" "^result: reply 451 4.4.3 DMARC: temporary DNS failure for slow.dmarc.example" "$T/tempfail.out"
send badfrom 198.51.100.7 a@dmarc.example "$T/twofrom.eml"
expect_grep "DMARCRejectMalformedFrom yes: 550 5.7.1" "^result: reply 550 5.7.1 DMARC: several From headers$" "$T/badfrom.out"
send allowip 203.0.113.9 a@dmarc.example "$T/dmarc.eml"
expect_grep "allowlisted IP: override=trusted_forwarder" "dmarc=fail \(p=reject sp=quarantine dis=none; override=trusted_forwarder; dnssec=secure\)" "$T/allowip.u"
expect_no_grep "allowlisted IP: no quarantine header" "X-Authmilter-Quarantine" "$T/allowip.out"
send allowspf 198.51.100.7 a@fwd.example "$T/dmarc.eml"
expect_grep "allowlisted SPF domain: override=local_policy" "override=local_policy" "$T/allowspf.u"
send allowdkim 198.51.100.7 a@other.example "$T/list.eml"
expect_grep "allowlisted DKIM domain: override=mailing_list" "override=mailing_list" "$T/allowdkim.u"
am_stop

am_config "$T/dry.conf" "$base" "DryRun yes"
am_start "$T/dry.conf" || exit 1
send dry 198.51.100.7 a@dmarc.example "$T/dmarc.eml"
expect_grep "DryRun: accepted" "^result: accept$" "$T/dry.out"
expect_grep "DryRun: A-R still says what would be done" "dmarc=fail \(p=reject sp=quarantine dis=reject; dnssec=secure\)" "$T/dry.u"
expect_grep "DryRun: logs what it would have done" "dry: dry run: would reject \(DMARC: the policy of dmarc.example rejects this message\)" "$T/am.log"
am_stop

# -- the RFC 7489 mode: the Public Suffix List decides the organization ---
am_config "$T/psl.conf" "$base" "DMARCMode rfc7489"
am_start "$T/psl.conf" || exit 1
send psl43 192.0.2.10 a@mail.mega.bank.example "$T/b43.eml"
expect_grep "rfc7489: the PSL makes bank.example the org: mega aligns" "dmarc=pass \(p=quarantine sp=quarantine dis=none; dnssec=secure\) header.from=giant.bank.example" "$T/psl43.u"
expect_grep "rfc7489: the log names the discovery" "psl43: .* dmarc=pass" "$T/am.log"
am_stop

am_config "$T/acc.conf" "$base" "QuarantineAction accept"
am_start "$T/acc.conf" || exit 1
send qaccept 198.51.100.7 a@sub.dmarc.example "$T/sub.eml"
expect_no_grep "QuarantineAction accept: not held" "^quarantine" "$T/qaccept.out"
expect_no_grep "QuarantineAction accept: no header" "X-Authmilter-Quarantine" "$T/qaccept.out"
am_stop

am_done
