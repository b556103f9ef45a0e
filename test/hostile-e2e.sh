#!/bin/sh
# hostile-e2e.sh - hostile mail end to end through the daemon: header
# floods (a 1 MB header, 10,000 headers, 1,000 and 2,000 forged A-R,
# 1,000 DKIM signatures), NUL and 8-bit bytes, a spoofed From with an
# 8-bit display name, text meant to be injected into our
# Authentication-Results header or log line (d=, From, envelope, queue
# id), hostile DNS data (test/e2e/hostile/zones: 4 KB records, CNAME
# chains and loops, SPF include trees past every limit), sessions cut off
# mid-message, and memory and descriptors across rounds of all of that.
#
# Every case ends in a defined result, the daemon stays up and answers
# the next session, and our header and log line carry only what we wrote:
# ar_check parses the A-R we insert (comments removed) and refuses any
# token that is not one of our method=result or ptype.property=value
# forms.  Numbers (time per case, RSS and descriptors per round) are
# printed as "# ..." lines.
. "${top_srcdir:-.}/test/lib.sh"
am_setup hostile
H="$top_srcdir/test/e2e/hostile"
DKSIGN="$top_builddir/test/dkim/dksign"
M="$T/m"
mkdir "$M" "$T/zones" || exit 99

# -- a DKIM key made now, published beside the committed hostile zones ---
cp "$H"/zones/*.zone "$T/zones/" || exit 99
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/key.pem" 2>/dev/null || { echo "openssl genpkey failed"; exit 99; }
pub=$(openssl pkey -in "$T/key.pem" -pubout -outform DER | openssl base64 -A)
{
	printf 'copy._domainkey\tTXT\t('
	printf '%s' "v=DKIM1; k=rsa; p=$pub" | fold -w 250 |
	    awk '{ printf " \"%s\"", $0 }'
	echo " )"
} >>"$T/zones/hostile.example.zone"

am_dns_start "$T/zones"
am_config "$T/h.conf" "InternalHosts none" "DNSTimeout 1s" \
    "DKIMMaxSignatures 5"
# glibc's malloc with a fixed mmap threshold and two arenas: a large
# buffer (the 1 MB header) is given back when freed instead of raising
# the threshold and staying in some thread's arena, so RSS measures what
# is held, not where the allocator happened to cache it.
MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
export MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_
am_start "$T/h.conf" || exit 1
unset MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_

# now_ms - a millisecond clock
now_ms() {
	s=$(date +%s%N)
	echo $((s / 1000000))
}

# envl IP MAILFROM - amclient's envelope lines for a message file
envl() {
	printf 'X-Amclient-Client: %s\nX-Amclient-Helo: mail.hostile.example\n' "$1"
	printf 'X-Amclient-From: %s\n' "$2"
}

# send NAME [amclient options] - one session with $M/NAME.eml into
# $T/NAME.out; its duration in $ms
send() {
	n=$1; shift
	t0=$(now_ms)
	am_send "$T/$n.out" -t 60 -m "i=$n" "$@" "$M/$n.eml"
	ms=$(($(now_ms) - t0))
	echo "# $n: $ms ms"
}

# ar_check OUT - "OK spf=N dkim=N dmarc=N" when our A-R in OUT is made
# only of what we write, else "BAD what"
ar_check() {
	awk '
	/^insheader 0 Authentication-Results: / {
		on = 1; v = $0
		sub(/^insheader 0 Authentication-Results: /, "", v)
		next
	}
	on && /^[ \t]/ { v = v " " $0; next }
	on { on = 0; seen = 1 }
	END {
		if (!seen && !on) { print "BAD no Authentication-Results"; exit }
		while (gsub(/\([^()]*\)/, " ", v))
			;
		gsub(/[ \t]+/, " ", v)
		n = split(v, r, ";")
		if (r[1] !~ /^ ?mx\.test\.example ?$/) {
			print "BAD authserv-id [" r[1] "]"; exit
		}
		for (i = 2; i <= n; i++) {
			k = split(r[i], t, " ")
			if (n == 2 && k == 1 && t[1] == "none")
				continue
			if (k == 0 || t[1] !~ /^(spf|dkim|dmarc)=(pass|fail|softfail|neutral|none|policy|temperror|permerror)$/) {
				print "BAD resinfo [" r[i] "]"; exit
			}
			split(t[1], mr, "=")
			cnt[mr[1]]++
			for (j = 2; j <= k; j++)
				if (t[j] !~ /^(smtp\.(mailfrom|helo)|header\.(d|s|from)|polrec\.domain)=[A-Za-z0-9][A-Za-z0-9._-]*$/ &&
				    t[j] !~ /^header\.i=[A-Za-z0-9!#$%&'\''*+\/=?^_`{|}~.-]*@[A-Za-z0-9][A-Za-z0-9._-]*$/ &&
				    t[j] !~ /^(header\.a|polrec\.p)=[a-z0-9-]+$/ &&
				    t[j] !~ /^header\.b="[A-Za-z0-9+\/=]*"$/) {
					print "BAD property [" t[j] "]"; exit
				}
		}
		printf "OK spf=%d dkim=%d dmarc=%d\n", cnt["spf"], cnt["dkim"], cnt["dmarc"]
	}' "$1"
}

# clean NAME SPF DKIM DMARC - the A-R of NAME is ours alone, with these
# many spf=, dkim= and dmarc= results; no CR in what amclient printed;
# the daemon still up
clean() {
	got=$(ar_check "$T/$1.out")
	want="OK spf=$2 dkim=$3 dmarc=$4"
	if [ "$got" = "$want" ]; then ok "$1: A-R holds only our results ($want)"
	else not_ok "$1: A-R: $got, want $want" "$T/$1.out"; fi
	if grep -q "$(printf '\r')" "$T/$1.out"; then
		not_ok "$1: a raw CR in the headers we wrote" "$T/$1.out"
	fi
	kill -0 "$am_pid" 2>/dev/null || not_ok "$1: the daemon died" "$T/am.log"
}

# logged NAME - exactly one log line for queue id NAME
logged() {
	c=$(grep -c "^authmilter: $1: client=" "$T/am.log")
	if [ "$c" -eq 1 ]; then ok "$1: one log line"
	else not_ok "$1: $c log lines, want 1" "$T/am.log"; fi
}

# result NAME WANT - amclient's result line (an ERE)
result() {
	expect_grep "$1: $2" "^result: ($2)\$" "$T/$1.out"
}

# alive DESC - the daemon runs and answers a plain session
alive() {
	if ! kill -0 "$am_pid" 2>/dev/null; then
		not_ok "$1: the daemon died" "$T/am.log"; return
	fi
	am_send "$T/alive.out" -m i=alive "$M/plain.eml"
	if grep -q '^result: accept$' "$T/alive.out" &&
	    grep -q '^insheader 0 Authentication-Results:' "$T/alive.out"
	then ok "$1: the daemon answers the next session"
	else not_ok "$1: the next session failed" "$T/alive.out"; fi
}

# unfold OUT - OUT.u: each header change on one line
unfold() {
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
	    "$1" >"$1.u"
}

A=a@hostile.example
{ envl 192.0.2.10 $A; printf 'From: %s\nTo: b@example.net\nSubject: plain\n\nBody.\n' $A; } >"$M/plain.eml"

# -- header floods ---------------------------------------------------------
# hdr NAME - a message whose headers come on standard input
hdr() {
	{ envl 192.0.2.10 $A; printf 'From: %s\nTo: b@example.net\n' $A
	    cat; printf '\nBody.\n'; } >"$M/$1.eml"
}
# libmilter refuses a packet over 64 KB (MILTER_MAX_DATA_SIZE) and drops
# the connection: a defined result, the MTA applies its milter default.
{ printf 'X-Big: '; head -c 1048576 /dev/zero | tr '\0' a; echo; } | hdr big1m
awk 'BEGIN { printf "X-Big: a"; for (i = 0; i < 13800; i++)
    printf "\n aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    print "" }' | hdr big1mfold
for c in big1m big1mfold; do
	send $c
	expect_grep "$c: 1 MB header: the session is dropped (libmilter's 64 KB cap)" \
	    "milter closed the connection|Broken pipe|Connection reset" "$T/$c.out"
	alive "$c"
done
{ printf 'X-Big: '; head -c 61440 /dev/zero | tr '\0' b; echo; } | hdr big60k
send big60k
result big60k accept
clean big60k 2 1 1
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "X-H%d: value %d\n", i, i }' |
    hdr many10k
send many10k
result many10k accept
clean many10k 2 1 1
[ "$ms" -lt 20000 ] && ok "many10k: done in $ms ms" || not_ok "many10k: $ms ms"
# 2,000 A-R headers with our authserv-id: more than we can delete one by one
awk 'BEGIN { for (i = 1; i <= 2000; i++)
    printf "Authentication-Results: mx.test.example; dkim=pass header.d=paypal.com\n" }' |
    hdr arflood
send arflood
result arflood "reply 550 5.7.1 too many Authentication-Results headers"
logged arflood
# 1,000 forged A-R: every one deleted, ours alone on top
awk 'BEGIN { for (i = 1; i <= 1000; i++)
    printf "Authentication-Results: mx.test.example; dmarc=pass header.from=paypal.com\n" }' |
    hdr ar1000
send ar1000
result ar1000 accept
clean ar1000 2 1 1
c=$(grep -c "^delheader [0-9]* Authentication-Results" "$T/ar1000.out")
[ "$c" -eq 1000 ] && ok "ar1000: 1000 forged A-R deleted" ||
	not_ok "ar1000: $c deleted, want 1000" "$T/ar1000.out"
expect_grep "ar1000: log says so" "ar1000: .* ar_removed=1000 " "$T/am.log"

# 1,000 DKIM signatures, well-formed, each its own domain and key name
b=$(head -c 256 /dev/zero | tr '\0' x | openssl base64 -A)
awk -v b="$b" 'BEGIN { for (i = 1; i <= 1000; i++)
    printf "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=d%d.hostile.example;\n\ts=sel%d; h=from:to; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n\tb=%s\n", i, i, b }' |
    hdr dkim1000
send dkim1000
result dkim1000 accept
clean dkim1000 2 20 1
[ "$ms" -lt 20000 ] && ok "dkim1000: done in $ms ms" || not_ok "dkim1000: $ms ms"
c=$(grep -c "not verified: more than 5 signatures" "$T/dkim1000.out")
[ "$c" -eq 15 ] && ok "dkim1000: 5 verified, 15 reported as not verified" ||
	not_ok "dkim1000: $c not verified, want 15" "$T/dkim1000.out"
unfold "$T/dkim1000.out"
len=$(grep '^insheader 0 Authentication-Results:' "$T/dkim1000.out.u" | wc -c)
[ "$len" -le 16384 ] && ok "dkim1000: A-R of $len bytes, within 16 KB" ||
	not_ok "dkim1000: A-R of $len bytes"
expect_grep "dkim1000: log counts the rest" "dkim1000: .*,\+980 dmarc=" "$T/am.log"
# 1,000 copies of one valid signature
{ envl 192.0.2.10 $A; printf 'From: %s\nTo: b@example.net\nSubject: copies\n\nSigned once, copied 1000 times.\n' $A; } |
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    "$DKSIGN" -d hostile.example -s copy -k "$T/key.pem" >"$T/signed.eml" ||
	{ echo "dksign failed"; exit 99; }
awk '/^DKIM-Signature:/ { on = 1 } on && /^[^ \t]/ && !/^DKIM-Signature:/ {
	on = 0; for (i = 0; i < 1000; i++) printf "%s", sig }
    on { sig = sig $0 "\n"; next } { print }' "$T/signed.eml" >"$M/dkimcopies.eml"
send dkimcopies
result dkimcopies accept
clean dkimcopies 2 20 1
[ "$ms" -lt 20000 ] && ok "dkimcopies: done in $ms ms" || not_ok "dkimcopies: $ms ms"
c=$(grep -c "dkim=pass (2048-bit rsa-sha256 key; dnssec=secure) header.d=hostile.example" "$T/dkimcopies.out")
[ "$c" -eq 5 ] && ok "dkimcopies: the 5 verified pass" ||
	not_ok "dkimcopies: $c pass, want 5" "$T/dkimcopies.out"
expect_grep "dkimcopies: dmarc=pass" "dmarc=pass" "$T/dkimcopies.out"
alive "header floods"

# -- NUL and 8-bit bytes ------------------------------------------------------
# A header value cannot carry a NUL: the milter protocol sends it as a
# C string, so amclient (like any MTA) sends what comes before it, and
# the daemon sees "a@hostile.example".  The body can: it is signed here
# with its NULs, and dkim=pass says they arrived unchanged.
{ envl 192.0.2.10 $A
  printf 'From: a@hostile.example\000;dmarc=pass header.from=paypal.com\n'
  printf 'To: b@example.net\nSubject: a \000 NUL\n\n'
  printf 'body \000 with NUL\000\000 bytes\n\377\376 and 8-bit ones\n'; } |
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    "$DKSIGN" -d hostile.example -s copy -k "$T/key.pem" >"$M/nul.eml" ||
	{ echo "dksign failed"; exit 99; }
send nul
result nul accept
clean nul 2 1 1
expect_grep "nul: body with NULs verifies (amclient carries them)" "dkim=pass" "$T/nul.out"
expect_grep "nul: From cut at its NUL" "header.from=hostile.example" "$T/nul.out"
expect_no_grep "nul: nothing past the NUL" "paypal" "$T/nul.out"
logged nul
{ envl 192.0.2.10 $A; printf 'From: "J\303\266rg \342\202\254" <a@hostile.example>\nTo: b@example.net\n'
  printf 'Subject: 8-bit \377\376\200 and \303\266\nX-Latin1: J\366rg\n\n8-bit body \377\n'; } >"$M/bit8.eml"
send bit8
result bit8 accept
clean bit8 2 1 1
expect_grep "bit8: UTF-8 display name: the From is evaluated" "dmarc=pass" "$T/bit8.out"
logged bit8
# A spoofed From of a p=reject domain must not pass for want of parsing:
# a Latin-1 display name (or any 8-bit byte outside UTF-8) in a display
# name or comment cannot move the author domain.
# spoof NAME FROM - From (a printf format) sent by an unauthorized client
spoof() {
	{ envl 198.51.100.7 a@evil.example; printf "From: $2\nTo: b@example.net\nSubject: spoof\n\nBody.\n"; } >"$M/$1.eml"
	send "$1"
	expect_grep "$1: spoofed From of a p=reject domain is rejected" \
	    "^result: reply 550 5.7.1" "$T/$1.out"
}
spoof spoof-latin1 'J\366rg <a@hostile.example>'
spoof spoof-ff '\377 <a@hostile.example>'
spoof spoof-comment 'a@hostile.example (M\374ller)'
spoof spoof-utf8 'J\303\266rg <a@hostile.example>'

alive "NUL and 8-bit"

# -- injection into our header and log line ---------------------------------
S='a=rsa-sha256; c=relaxed/relaxed; s=sel; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0'
# dsig NAME D - a DKIM-Signature whose d= is D (a printf format)
dsig() {
	{ envl 192.0.2.10 $A; printf 'From: %s\nTo: b@example.net\nSubject: d= injection\n' $A
	  printf "DKIM-Signature: v=1; d=$2; $S\n\nBody.\n"; } >"$M/$1.eml"
}
dsig d-crlf 'evil.example\r\n\tdkim=pass header.d=paypal.com'
dsig d-lf 'evil.example\n\tdkim=pass header.d=paypal.com'
dsig d-cr 'evil.example\rdkim=pass header.d=paypal.com'
dsig d-semi 'evil.example;dkim=pass header.d=paypal.com'
dsig d-paren 'evil(dkim=pass).example'
dsig d-close 'evil.example) dkim=pass (x'
dsig d-quote '"evil.example\\" dkim=pass header.d=paypal.com"'
dsig d-nul 'evil.example\000; dkim=pass header.d=paypal.com'
dsig d-bit8 '\377\376evil.example'
for c in d-crlf d-lf d-cr d-semi d-paren d-close d-quote d-nul d-bit8; do
	send $c
	result $c accept
	clean $c 2 1 1
	expect_no_grep "$c: no header.d= carries the injected text" \
	    "header\.d=[^ ;]*([;()\"]|paypal)|paypal" "$T/$c.out"
	expect_grep "$c: the message's own DMARC result" \
	    "dmarc=pass .*" "$T/$c.out"
	logged $c
done
# from NAME FROM DMARC - a From header value (a printf format) and the
# DMARC result it must get (SPF passes for hostile.example)
from() {
	{ envl 192.0.2.10 $A; printf "From: $2\n"
	  printf 'To: b@example.net\nSubject: From injection\n\nBody.\n'; } >"$M/$1.eml"
	send "$1"
	result "$1" accept
	clean "$1" 2 1 1
	expect_grep "$1: dmarc=$3" "^[[:space:]]dmarc=$3 " "$T/$1.out"
	expect_no_grep "$1: no header.from= carries the injected text" \
	    "header\.from=[^ ;]*([;()\"]|paypal)|paypal" "$T/$1.out"
	logged "$1"
}
from f-semi 'a@hostile.example;dmarc=pass header.from=paypal.com' permerror
from f-fold '<a@evil.example>\r\n\tdmarc=pass header.from=paypal.com' permerror
from f-quoted 'a@"dmarc=pass header.from=paypal.com".example' permerror
from f-comment 'a@hostile.example (\r\n dmarc=pass header.from=paypal.com)' pass
from f-cr 'a@ev\ril.example\rdmarc=pass header.from=paypal.com' permerror
from f-dname '"x\\"; dmarc=pass header.from=paypal.com" <a@hostile.example>' pass
from f-paren 'a@evil.example(dmarc=pass)' none
from f-idn 'a@h\303\266stile.example' permerror
# the envelope and the queue id, CR LF and all (no X-Amclient- lines:
# those would override the command line)
printf 'From: a@example.net\nTo: b@example.net\nSubject: envelope\n\nBody.\n' >"$M/envelope.eml"
am_send "$T/envelope.out" -c 192.0.2.10 \
    -e "$(printf 'mail.hostile.example\r\n\tdkim=pass header.d=paypal.com')" \
    -f "$(printf 'a@hostile.example;dmarc=pass\r\nX-Injected: yes')" \
    -H "$(printf 'host\r\nX-Injected: yes')" \
    -m "i=$(printf 'ENV1\nauthmilter: FAKE: client=203.0.113.66 dmarc=pass')" \
    "$M/envelope.eml"
result envelope accept
clean envelope 2 1 1
expect_no_grep "envelope: nothing injected into our headers" "paypal|X-Injected" "$T/envelope.out"
am_send "$T/envelope2.out" -c 192.0.2.10 -e 'x"; identity=mailfrom; y="\' \
    -f 'a"b\@hostile.example' -m i=ENV2 "$M/envelope.eml"
result envelope2 accept
clean envelope2 2 1 1
expect_grep "envelope2: Received-SPF quotes \" and \\" \
    'envelope-from="a\\"b\\\\@hostile.example"; helo="x\\"; identity=mailfrom; y=\\"\\\\"; receiver=' \
    "$T/envelope2.out"
c=$(grep -c 'ENV1\\x0aauthmilter:\\x20FAKE:.* client=192.0.2.10 helo=mail.hostile.example\\x0d\\x0a\\x09dkim=pass' "$T/am.log")
[ "$c" -eq 1 ] && ok "envelope: one log line, CR LF escaped" ||
	not_ok "envelope: $c log lines with the escaped envelope" "$T/am.log"
alive "injection"

# -- hostile DNS data ----------------------------------------------------------
# spf NAME IP DOMAIN WANT - MAIL FROM a@DOMAIN.hostile.example; the first
# spf= result must match WANT (an ERE)
spf() {
	{ envl "$2" "a@$3.hostile.example"; printf 'From: a@example.net\nTo: b@example.net\nSubject: spf\n\nBody.\n'; } >"$M/$1.eml"
	send "$1"
	got=$(sed -n 's/^[[:space:]]*\(spf=[a-z]* ([^)]*)\).*/\1/p' "$T/$1.out" | head -n 1)
	if printf '%s\n' "$got" | grep -Eq "^spf=($4)"; then ok "$1: $got"
	else not_ok "$1: $got, want /$4/" "$T/$1.out"; fi
	clean "$1" 2 1 1
	[ "$ms" -lt 5000 ] || not_ok "$1: $ms ms"
}
# 4 KB of ip4: libspf2 1.2.10 compiles at most 511 bytes of mechanisms;
# a record it cannot hold must not lose its tail (-all) silently
unsupp='permerror \(dnssec=secure; record not supported by libspf2\)'
spf big4k-in 192.0.2.10 big4k "pass \(dnssec=secure\)|$unsupp"
spf big4k-out 198.51.100.7 big4k "fail \(dnssec=secure\)|$unsupp"
# ... nor, included, the sender it lists last: that would be a fail
spf incbig 192.0.2.10 incbig "pass \(dnssec=secure\)|$unsupp"
spf over4k 192.0.2.10 over4k 'permerror \(dnssec=secure; SPF record too long\)'
spf spfchain 192.0.2.10 spfchain 'pass \(dnssec=secure\)'
# a CNAME loop is a DNS failure (resolver SERVFAIL): temperror
spf spfloop 192.0.2.10 spfloop 'temperror \(dnssec=[a-z]*; DNS server failure\)'
spf deep 192.0.2.10 deep 'permerror \(dnssec=secure; more than 10 DNS lookups\)'
spf wide 192.0.2.10 wide 'permerror \(dnssec=secure; more than 10 DNS lookups\)'
spf mutual 192.0.2.10 mutual 'permerror \(dnssec=secure; more than 10 DNS lookups\)'
spf selfinc 192.0.2.10 selfinc 'permerror \(dnssec=secure'
spf redirloop 192.0.2.10 redirloop 'permerror \(dnssec=secure'
spf voids 192.0.2.10 voids 'permerror \(dnssec=secure; more than 2 void lookups\)'
spf incnx 192.0.2.10 incnx 'permerror \(dnssec=secure'
spf mxmany 192.0.2.10 mxmany 'permerror \(dnssec=secure; more than 10 MX records\)'
spf allbad 192.0.2.10 allbad 'permerror \(dnssec=secure; more than 10 DNS lookups\)'
# dmarc NAME DOMAIN WANT - From a@DOMAIN.hostile.example, SPF-aligned pass
dmarc() {
	{ envl 192.0.2.10 $A; printf 'From: a@%s.hostile.example\nTo: b@example.net\nSubject: dmarc\n\nBody.\n' "$2"; } >"$M/$1.eml"
	send "$1"
	unfold "$T/$1.out"
	expect_grep "$1: $3" "$3" "$T/$1.out.u"
	clean "$1" 2 1 1
	[ "$ms" -lt 5000 ] || not_ok "$1: $ms ms"
}
dmarc dbig4k big4k 'dmarc=pass \(p=reject sp=reject dis=none; dnssec=secure\) header.from=big4k.hostile.example polrec.p=reject;?$'
dmarc dover4k over4k 'dmarc=pass .* polrec.p=reject polrec.domain=hostile.example'
dmarc dchain dchain 'dmarc=pass \(p=reject sp=reject dis=none; dnssec=secure\) header.from=dchain.hostile.example polrec.p=reject;?$'
dmarc dloop dloop 'dmarc=temperror \(DNS failure in policy discovery; dnssec=indeterminate\)'
alive "hostile DNS data"

# -- sessions cut off mid-message ----------------------------------------------
awk 'BEGIN { print "X-Amclient-Client: 192.0.2.10"; print "X-Amclient-From: a@hostile.example"
    print "From: a@hostile.example\nTo: b@example.net\nSubject: long\n"
    for (i = 0; i < 3000; i++) print "line " i " of a body long enough to be cut off in the middle" }' \
    >"$M/long.eml"
# fds - the daemon's open descriptors
fds() {
	ls "/proc/$am_pid/fd" | wc -l
}
# rss - the daemon's resident set, kB
rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$am_pid/status"
}
# settle - wait (up to 10 s) until the descriptors are back to $1 or less
settle() {
	n=0
	while [ "$(fds)" -gt "$1" ] && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1))
	done
}
fd0=$(fds)
for round in 1 2 3; do
	for cut in "-A 50000" "-D 50000" "-A 1" "-D 1"; do
		# shellcheck disable=SC2086
		"$AM_CLIENT" -s "unix:$T/am.sock" -q -t 60 -n 8 -N 50 $cut \
		    "$M/long.eml" >"$T/cut.out" 2>&1
		grep -q "failed 0" "$T/cut.out" ||
			not_ok "cut $cut round $round: sessions failed" "$T/cut.out"
	done
	settle "$fd0"
	eval "fdcut$round=\$(fds)"
done
echo "# cut-off sessions: fds before $fd0, after rounds 1-3: $fdcut1 $fdcut2 $fdcut3"
expect_grep "cut: -D sessions counted as disconnected" "disconnected=50" "$T/cut.out"
[ "$fdcut3" -le "$fd0" ] && ok "cut: 600 cut-off sessions, descriptors back to $fd0" ||
	not_ok "cut: descriptors $fd0 -> $fdcut1 $fdcut2 $fdcut3"
alive "cut-off sessions"

# -- memory and descriptors over rounds of all of the above ----------------------
# Every message that completes a session, 300 sessions a round, 8 at a
# time, plus the 1 MB header (dropped by libmilter) and cut-off sessions.
# HOSTILE_ROUNDS=N runs N rounds (to watch the trend); 3 are judged.
for f in "$M"/*.eml; do
	case $f in */big1m*) ;; *) echo "$f" ;; esac
done >"$T/mix"
for round in $(seq 1 "${HOSTILE_ROUNDS:-3}"); do
	# shellcheck disable=SC2046
	"$AM_CLIENT" -s "unix:$T/am.sock" -q -t 60 -n 8 -N 300 \
	    $(cat "$T/mix") >"$T/round$round.out" 2>&1
	grep -q "failed 0" "$T/round$round.out" ||
		not_ok "memory round $round: sessions failed" "$T/round$round.out"
	am_send "$T/round.big" -m i=big1m "$M/big1m.eml"
	"$AM_CLIENT" -s "unix:$T/am.sock" -q -n 8 -N 20 -D 5000 "$M/long.eml" \
	    >/dev/null 2>&1
	settle "$fd0"
	eval "rss$round=\$(rss) fd$round=\$(fds)"
	echo "# round $round: RSS $(rss) kB, $(fds) fds"
done
echo "# memory: RSS kB after rounds 1-3: $rss1 $rss2 $rss3; fds $fd1 $fd2 $fd3 (start $fd0)"
if grep -q libasan "/proc/$am_pid/maps" 2>/dev/null; then
	ok "memory: RSS not judged under AddressSanitizer (its quarantine holds freed memory; LeakSanitizer judges at exit)"
elif [ "$rss3" -le $((rss1 * 3 / 2 + 20480)) ]; then
	ok "memory: RSS round 3 $rss3 kB <= round 1 $rss1 kB x 1.5 + 20 MB"
else
	not_ok "memory: RSS grew: $rss1 $rss2 $rss3 kB"
fi
[ "$fd3" -le "$fd0" ] && ok "memory: descriptors back to $fd0 after each round" ||
	not_ok "memory: descriptors $fd0 -> $fd1 $fd2 $fd3"
alive "memory rounds"

# -- the log: one line per message, nothing injected ------------------------------
if grep -q "$(printf '\r')" "$T/am.log"; then
	not_ok "log: a raw CR in the log" "$T/am.log"
else
	ok "log: no raw CR"
fi
# (the injected text may stand, escaped, inside a field of its own line)
expect_no_grep "log: no line was injected" \
    "^authmilter: FAKE|^[[:space:]]|^(dkim|dmarc|spf)=|^X-Injected" "$T/am.log"
am_stop
expect_rc "daemon stops cleanly after all that" "$am_rc" 0

am_done
