#!/bin/sh
# dnsfault-e2e.sh - DNS faults end to end: the server for a zone down
# (a stub at a port where nothing listens), a server that refuses (NSD
# asked for a zone it does not serve), SERVFAIL (zonesrv, an answer over
# 64 KB), timeouts (the fixture's blackhole), bogus DNSSEC (bogus.test.),
# truncated UDP answers (zonesrv sets TC; the resolver must retry over TCP
# and get the right result, not an error), a message whose lookups would
# outlast DNSMessageBudget, and every DNS server down at once.
#
# Each fault meets SPF (an include), DKIM (the key) and DMARC (the policy
# record) in turn: the result is temperror, the action the configured
# one (accept by default; 451 4.4.3 with SPFTempErrorAction and
# DMARCTempErrorAction tempfail, set by a reload of the same daemon), and
# the daemon serves the next message.  A server that is down costs the
# whole DNSTimeout: libunbound does not give up on the ICMP refusal, so
# it reads "DNS timeout" like the blackhole; a refusal or a SERVFAIL
# comes back at once as "DNS server failure".
. "${top_srcdir:-.}/test/lib.sh"
am_setup dnsfault
H="$top_srcdir/test/e2e/hostile"
am_dns_start "$H/dnsfault-zones"
root_pid=${am_pids# }
down=$((am_dnsport + 3))	# in this script's block of four: unused

# -- zonesrv (the fixture's root) answers servfail.example. and tc.example. --
# servfail: 300 TXT records of 250 bytes, more than a DNS message can
# hold: zonesrv answers SERVFAIL, over UDP and TCP.  tc: an SPF record
# beside 8 TXT records of 250 bytes, and a DMARC record of 1.5 KB: over
# 1232 bytes (the EDNS size the resolver offers), so TC over UDP.
awk 'BEGIN {
	s = sprintf("%250s", ""); gsub(/ /, "x", s)
	for (i = 1; i <= 300; i++) {
		printf "spf.servfail.example TXT \"v=spf1 %s\"\n", substr(s, 1, 240)
		printf "_dmarc.servfail.example TXT \"v=DMARC1; p=none; %s\"\n", substr(s, 1, 230)
		printf "x._domainkey.servfail.example TXT \"v=DKIM1; %s\"\n", substr(s, 1, 240)
	}
	print "servfail.example A 192.0.2.1"
	print "spf.tc.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\""
	for (i = 1; i <= 8; i++)
		printf "spf.tc.example TXT \"site-verification-%d=%s\"\n", i, substr(s, 1, 220)
	d = "v=DMARC1; p=reject; rua="
	for (i = 1; length(d) < 1500; i++)
		d = d (i > 1 ? "," : "") "mailto:report-" i "@tc.example"
	printf "_dmarc.tc.example TXT"
	for (i = 1; i <= length(d); i += 200)
		printf " \"%s\"", substr(d, i, 200)
	print ""
	print "tc.example A 192.0.2.1"
}' >"$T/root.new" || exit 99
# zonesrv_has ANSWER - does zonesrv answer "tc.example A" with ANSWER?
zonesrv_has() {
	drill -t -p $((am_dnsport + 2)) @127.0.0.1 A tc.example 2>/dev/null |
	    grep -q "$1"
}
# It re-reads its data on SIGHUP, once it is up (before, SIGHUP kills it).
n=0
until zonesrv_has 'rcode: NXDOMAIN'; do
	[ $n -lt 50 ] || { echo "zonesrv is not up"; cat "$T/root.log"; exit 99; }
	sleep 0.1; n=$((n + 1))
done
mv "$T/root.new" "$T/root.data" && kill -HUP "$root_pid"
n=0
until zonesrv_has '192\.0\.2\.1'; do
	[ $n -lt 50 ] || { echo "zonesrv did not load its data"; cat "$T/root.log"; exit 99; }
	sleep 0.1; n=$((n + 1))
done
drill -p $((am_dnsport + 2)) @127.0.0.1 TXT spf.tc.example >"$T/tc.drill" 2>&1
expect_grep "zonesrv truncates spf.tc.example over UDP (TC)" "flags: qr aa tc" "$T/tc.drill"
drill -p $((am_dnsport + 2)) @127.0.0.1 TXT spf.servfail.example >"$T/sf.drill" 2>&1
expect_grep "zonesrv answers spf.servfail.example with SERVFAIL" "rcode: SERVFAIL" "$T/sf.drill"

STUBS="DNSStubZone down.example. 127.0.0.1@$down"
STUBS2="DNSStubZone refused.example. 127.0.0.1@$am_dnsport"
B='b=dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA=='

# now_ms - a millisecond clock
now_ms() {
	s=$(date +%s%N)
	echo $((s / 1000000))
}

# msg NAME FROM [D S] - a message From FROM, with a DKIM-Signature of
# d=D s=S when given (its key lookup is what counts, not its hash)
msg() {
	{
		printf 'From: %s\nTo: b@example.net\nSubject: %s\n' "$2" "$1"
		[ -n "${3:-}" ] && printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s;\n\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n\t%s\n' "$3" "$4" "$B"
		printf '\nBody.\n'
	} >"$T/$1.eml"
}

# send NAME MAILFROM [amclient options] - a session from 192.0.2.10 into
# $T/NAME.out (and NAME.u, unfolded); its duration in $ms
send() {
	n=$1 mf=$2; shift 2
	t0=$(now_ms)
	am_send "$T/$n.out" -t 60 -c 192.0.2.10 -e mail.dnsfault.example \
	    -f "$mf" -m "i=$n" "$@" "$T/$n.eml"
	ms=$(($(now_ms) - t0))
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
	    "$T/$n.out" >"$T/$n.u"
	echo "# $n: $ms ms"
}

# alive DESC - the daemon runs and passes the next plain message
alive() {
	msg alive a@dnsfault.example
	send alive a@dnsfault.example
	if kill -0 "$am_pid" 2>/dev/null &&
	    grep -q "spf=pass (dnssec=secure) smtp.mailfrom=dnsfault.example" "$T/alive.u" &&
	    grep -q "dmarc=pass" "$T/alive.u" &&
	    grep -q '^result: accept$' "$T/alive.out"
	then ok "$1: the daemon serves the next message"
	else not_ok "$1: the next message failed" "$T/alive.out"; fi
}

TEMP='(DNS timeout|DNS server failure)'
msg plain-from a@example.net

# faults ACTION - every fault once, under the running daemon; ACTION is
# accept or tempfail (the configured SPF and DMARC temperror action)
faults() {
	act=$1
	for f in down refused servfail timeout bogus; do
		why=$TEMP
		[ $f = bogus ] && why='DNSSEC validation failed'
		# SPF: the include meets the fault; From has no DMARC record
		c=spf-$f-$act
		cp "$T/plain-from.eml" "$T/$c.eml"
		send $c "a@spf-$f.dnsfault.example"
		if [ $act = accept ]; then
			expect_grep "$c: spf=temperror ($why)" \
			    "spf=temperror \(dnssec=[a-z]+; $why\) smtp.mailfrom=spf-$f.dnsfault.example" "$T/$c.u"
			expect_grep "$c: accepted (SPFTempErrorAction accept)" "^result: accept$" "$T/$c.out"
		else
			expect_grep "$c: 451 4.4.3 (SPFTempErrorAction tempfail)" \
			    "^result: reply 451 4.4.3 SPF: temporary DNS failure for spf-$f.dnsfault.example, try again later$" "$T/$c.out"
		fi
		expect_grep "$c: logged" "^authmilter: $c: .* spf=temperror .*action=$act " "$T/am.log"
		# DMARC: the policy record meets the fault; SPF passes unaligned
		c=dmarc-$f-$act
		case $f in
		timeout) dom=slow.dnsfault.example ;;
		bogus) dom=bogus.dnsfault.example ;;
		*) dom=$f.example ;;
		esac
		msg $c "a@$dom"
		send $c a@dnsfault.example
		why='DNS failure in policy discovery; dnssec=indeterminate'
		[ $f = bogus ] &&
			why='DMARC record failed DNSSEC validation; dnssec=bogus'
		if [ $act = accept ]; then
			expect_grep "$c: dmarc=temperror ($why)" \
			    "dmarc=temperror \($why\) header.from=$dom" "$T/$c.u"
			expect_grep "$c: accepted (DMARCTempErrorAction accept)" "^result: accept$" "$T/$c.out"
		else
			expect_grep "$c: 451 4.4.3 (DMARCTempErrorAction tempfail)" \
			    "^result: reply 451 4.4.3 DMARC: temporary DNS failure for $dom, try again later$" "$T/$c.out"
		fi
		expect_grep "$c: logged" "^authmilter: $c: .* dmarc=temperror .*action=$act " "$T/am.log"
		# DKIM: the key lookup meets the fault; no action of its own
		c=dkim-$f-$act
		case $f in
		timeout) d=dnsfault.example s=slow ;;
		bogus) d=dnsfault.example s=bogus ;;
		*) d=$f.example s=x ;;
		esac
		msg $c a@dnsfault.example $d $s
		send $c a@dnsfault.example
		expect_grep "$c: dkim=temperror" "dkim=temperror \(dnssec=[a-z]+; .*\) header.d=$d" "$T/$c.u"
		expect_grep "$c: SPF-aligned DMARC pass still accepted" "^result: accept$" "$T/$c.out"
		alive "$f ($act)"
	done

	# truncated answers: TCP brings the right result
	c=spf-tc-$act
	cp "$T/plain-from.eml" "$T/$c.eml"
	send $c a@spf-tc.dnsfault.example
	expect_grep "$c: TC over UDP, TCP gives spf=pass (the include is insecure)" \
	    "spf=pass \(dnssec=insecure\) smtp.mailfrom=spf-tc.dnsfault.example" "$T/$c.u"
	expect_grep "$c: accepted" "^result: accept$" "$T/$c.out"
	c=dmarc-tc-$act
	msg $c a@tc.example
	send $c a@dnsfault.example
	expect_grep "$c: the 1.5 KB record read over TCP: p=reject applied" \
	    "^result: reply 550 5.7.1 DMARC: the policy of tc.example rejects this message$" "$T/$c.out"
	expect_grep "$c: logged with its policy" "^authmilter: $c: .* dmarc=fail policy=reject dis=reject" "$T/am.log"
}

# reload CONF [LINES...] - write the running daemon's configuration anew
# with function CONF (its DNS keys unchanged), then SIGHUP; wait until it
# says it loaded it
reload() {
	"$@"
	k=$(grep -c "reload: configuration $T/cur.conf loaded" "$T/am.log")
	kill -HUP "$am_pid"
	n=0
	until [ "$(grep -c "reload: configuration $T/cur.conf loaded" "$T/am.log")" -gt "$k" ]; do
		[ $n -lt 100 ] || { not_ok "reload not done" "$T/am.log"; return 1; }
		sleep 0.05; n=$((n + 1))
	done
}

# -- each fault under the default action (accept), then tempfail ---------------
# faultconf [LINES...] - the configuration of this part
faultconf() {
	am_config "$T/cur.conf" "InternalHosts none" "DNSTimeout 1s" \
	    "$STUBS" "$STUBS2" "$@"
}
faultconf
am_start "$T/cur.conf" || exit 1
faults accept
reload faultconf "SPFTempErrorAction tempfail" "DMARCTempErrorAction tempfail"
faults tempfail
am_stop
expect_rc "faults: daemon stops cleanly" "$am_rc" 0

# -- answers slower than the message's budget ------------------------------------------
# SPF include, DKIM key and DMARC record all at the blackhole: 5 s each
# by DNSTimeout, 15 s in all; DNSMessageBudget 1s ends the message.
# budgetconf [LINES...] - the configuration of this part
budgetconf() {
	am_config "$T/cur.conf" "InternalHosts none" "DNSTimeout 5s" \
	    "DNSMessageBudget 1s" "$STUBS" "$STUBS2" "$@"
}
msg budget a@slow.dnsfault.example dnsfault.example slow
budgetconf
am_start "$T/cur.conf" || exit 1
for act in accept tempfail; do
	[ $act = accept ] || reload budgetconf "SPFTempErrorAction $act" \
	    "DMARCTempErrorAction $act"
	c=budget-$act
	cp "$T/budget.eml" "$T/$c.eml"
	send $c a@spf-timeout.dnsfault.example
	[ "$ms" -lt 4000 ] && ok "$c: done in $ms ms (budget 1 s + 3 s)" ||
		not_ok "$c: $ms ms, budget 1 s" "$T/$c.out"
	if [ $act = accept ]; then
		expect_grep "$c: spf=temperror" "spf=temperror \(dnssec=[a-z]+; DNS timeout\)" "$T/$c.u"
		expect_grep "$c: dkim=temperror" "dkim=temperror" "$T/$c.u"
		expect_grep "$c: dmarc=temperror" "dmarc=temperror" "$T/$c.u"
		expect_grep "$c: accepted" "^result: accept$" "$T/$c.out"
	else
		# DMARC's reply is chosen first
		expect_grep "$c: 451 4.4.3" "^result: reply 451 4.4.3 DMARC: temporary DNS failure for slow.dnsfault.example" "$T/$c.out"
	fi
	expect_grep "$c: log: every result temperror" \
	    "^authmilter: $c: .* spf=temperror .* dkim=temperror:dnsfault.example/slow dmarc=temperror .*action=$act ms=[0-9]+$" "$T/am.log"
	alive "budget ($act)"
done
am_stop
expect_rc "budget: daemon stops cleanly" "$am_rc" 0

# -- every DNS server down ------------------------------------------------------------
# No fixture line: the root and every zone at the port where nothing
# listens, no trust anchor.
mv "$T/dns.conf" "$T/dns.conf.fixture"
# downconf [LINES...] - the configuration of this part
downconf() {
	am_config "$T/cur.conf" "InternalHosts none" "DNSTimeout 1s" \
	    "DNSMessageBudget 2s" 'DNSTrustAnchorFile ""' \
	    "DNSStubZone . 127.0.0.1@$down" "$@"
}
msg alldown a@dnsfault.example dnsfault.example sel
downconf
am_start "$T/cur.conf" || exit 1
for act in accept tempfail; do
	[ $act = accept ] || reload downconf "SPFTempErrorAction $act" \
	    "DMARCTempErrorAction $act"
	for i in 1 2; do
		c=alldown-$act-$i
		cp "$T/alldown.eml" "$T/$c.eml"
		send $c a@dnsfault.example
		[ "$ms" -lt 5000 ] && ok "$c: done in $ms ms (budget 2 s + 3 s)" ||
			not_ok "$c: $ms ms" "$T/$c.out"
		if [ $act = accept ]; then
			expect_grep "$c: spf=temperror" "spf=temperror \(dnssec=[a-z]+; $TEMP\) smtp.mailfrom=dnsfault.example" "$T/$c.u"
			expect_grep "$c: dkim=temperror" "dkim=temperror" "$T/$c.u"
			expect_grep "$c: dmarc=temperror" "dmarc=temperror" "$T/$c.u"
			expect_grep "$c: accepted" "^result: accept$" "$T/$c.out"
		else
			expect_grep "$c: 451 4.4.3" "^result: reply 451 4.4.3 DMARC: temporary DNS failure for dnsfault.example" "$T/$c.out"
		fi
		expect_grep "$c: log: every result temperror" \
		    "^authmilter: $c: .* spf=temperror .* dkim=temperror:dnsfault.example/sel dmarc=temperror .*action=$act " "$T/am.log"
	done
	kill -0 "$am_pid" 2>/dev/null && ok "all down ($act): daemon alive" ||
		not_ok "all down ($act): daemon died" "$T/am.log"
done
am_stop
expect_rc "all down: daemon stops cleanly" "$am_rc" 0
mv "$T/dns.conf.fixture" "$T/dns.conf"

am_done
