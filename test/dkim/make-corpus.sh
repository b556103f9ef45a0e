#!/bin/sh
#
# make-corpus.sh - the DKIM end-to-end corpus, generated at test time
#
# Usage
#   make-corpus.sh OUTDIR
#
# Writes into OUTDIR (created if missing; use a fresh one):
#   keys/NAME.pem      private keys made now with openssl: rsa512, rsa1024,
#                      rsa2048, rsa4096, other2048 (published nowhere) and
#                      ed25519 (PKCS#8 PEM, as openssl genpkey writes it)
#   zones/dkim.example.zone            "; sign": keys are dnssec=secure
#   zones/dkim-insecure.example.zone   unsigned: dnssec=insecure
#   zones/football.example.com.zone    RFC 8463 Appendix A.2, signed
#   msgs/NAME.eml      one message per case, opening with amclient's
#                      X-Amclient-Client/-Helo/-From envelope lines
#   msgs/INDEX         the expected dkim= results of every message
#
# zones/ is meant as the DNS fixture's EXTRA_DIR (test/dns/fixture.sh
# start DIR PORT OUTDIR/zones).  Selectors under dkim.example.:
#   rsa512 rsa1024 rsa2048 rsa4096   k=rsa, the key of that name
#   ed25519                          k=ed25519, RFC 8463 raw 32-byte key
#   revoked                          p= (empty: revoked, RFC 6376 3.6.1)
#   testing                          t=y and the rsa2048 key
#   sha1only                         h=sha1 and the rsa2048 key
#   nokey                            no record: NXDOMAIN, dnssec=secure
#   slow                             CNAME x.blackhole.test.: timeout
#   bogus                            CNAME bogus.test., whose TXT RRSIG
#                                    the fixture corrupts: bogus
# and dkim-insecure.example. has rsa2048 with the rsa2048 key.  A key
# longer than 250 bytes is split into several character-strings of one
# TXT record (RFC 6376 3.6.2.2: the verifier joins them).
#
# Time-dependent cases (x= in the past, t= in the future) are relative
# to the time of the run: use the corpus in the run that made it.
#
# Environment: DKSIGN (default $top_builddir/test/dkim/dksign, built by
# make check); top_builddir (default: two levels above this script).
# Needs openssl.  Takes one to two seconds, most of it key generation.

set -eu

prog=make-corpus.sh
here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(cd "$here/../.." && pwd)}"
: "${DKSIGN:=$top_builddir/test/dkim/dksign}"

die() {
	echo "$prog: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: $prog OUTDIR" >&2; exit 2; }
out=$1
[ -x "$DKSIGN" ] || die "$DKSIGN not built (make check builds it)"
command -v openssl >/dev/null 2>&1 || die "openssl not found"
mkdir -p "$out/keys" "$out/zones" "$out/msgs" || die "cannot create $out"
K=$out/keys
M=$out/msgs
now=$(date +%s)

# dksign ARGS... - the signer; libopendkim 2.11 leaks its ed25519 key
# object at dkim_free, which a sanitizer build would report as our error.
dksign() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    "$DKSIGN" "$@"
}

# ---------------------------------------------------------------- keys

# genkeys - every key at once; the 4096-bit one is left running in the
# background, its pid in $pid4096 for wait4096.  It has three primes
# (RFC 8017 multi-prime; the public key is an ordinary 4096-bit one):
# two 2048-bit primes take 0.5 to 3 s and more to find, three 0.3 to 0.9.
genkeys() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 \
	    -pkeyopt rsa_keygen_primes:3 -out "$K/rsa4096.pem" 2>/dev/null &
	pid4096=$!
	pids=""
	for k in rsa512:512 rsa1024:1024 rsa2048:2048 other2048:2048; do
		openssl genpkey -algorithm RSA \
		    -pkeyopt "rsa_keygen_bits:${k#*:}" \
		    -out "$K/${k%%:*}.pem" 2>/dev/null &
		pids="$pids $!"
	done
	openssl genpkey -algorithm ed25519 -out "$K/ed25519.pem" 2>/dev/null &
	pids="$pids $!"
	for p in $pids; do
		wait "$p" || die "openssl genpkey failed"
	done
}

# wait4096 - the 4096-bit key is there
wait4096() {
	wait "$pid4096" || die "openssl genpkey failed for the 4096-bit key"
}

# pubkey NAME - the p= value: base64 SubjectPublicKeyInfo for RSA
# (RFC 6376 3.6.1), the bare 32-byte key for ed25519 (RFC 8463 4.2: the
# SubjectPublicKeyInfo DER of an ed25519 key ends with those 32 bytes)
pubkey() {
	case $1 in
	ed25519)
		openssl pkey -in "$K/$1.pem" -pubout -outform DER |
		    tail -c 32 | openssl base64 -A ;;
	*)
		openssl pkey -in "$K/$1.pem" -pubout -outform DER |
		    openssl base64 -A ;;
	esac
}

# txt RECORD - RECORD as zone-file character-strings of at most 250 bytes
txt() {
	printf '%s\n' "$1" | fold -w 250 |
	    awk '{ printf "%s\"%s\"", (NR > 1 ? " " : ""), $0 }
		END { if (NR == 0) exit 1; print "" }'
}

# keyrec NAME RECORD - one TXT record line for the selector NAME
keyrec() {
	strings=$(txt "$2") || die "cannot format the record for $1"
	echo "$1._domainkey TXT ( $strings )"
}

# --------------------------------------------------------------- zones

write_zones() {
	if ! { p_rsa512=$(pubkey rsa512) && p_rsa1024=$(pubkey rsa1024) &&
	    p_rsa2048=$(pubkey rsa2048) && p_rsa4096=$(pubkey rsa4096) &&
	    p_ed25519=$(pubkey ed25519); }; then
		die "cannot read a public key"
	fi
	{
		echo "; sign"
		echo "; dkim.example - DKIM corpus keys (test/dkim/make-corpus.sh)"
		keyrec rsa512 "v=DKIM1; k=rsa; p=$p_rsa512"
		keyrec rsa1024 "v=DKIM1; k=rsa; p=$p_rsa1024"
		keyrec rsa2048 "v=DKIM1; k=rsa; p=$p_rsa2048"
		keyrec rsa4096 "v=DKIM1; k=rsa; p=$p_rsa4096"
		keyrec ed25519 "v=DKIM1; k=ed25519; p=$p_ed25519"
		keyrec revoked "v=DKIM1; k=rsa; p="
		keyrec testing "v=DKIM1; k=rsa; t=y; p=$p_rsa2048"
		keyrec sha1only "v=DKIM1; k=rsa; h=sha1; p=$p_rsa2048"
		echo "; nokey._domainkey: deliberately absent (NXDOMAIN)"
		echo "slow._domainkey CNAME x.blackhole.test."
		echo "bogus._domainkey CNAME bogus.test."
	} >"$out/zones/dkim.example.zone"
	{
		echo "; dkim-insecure.example - unsigned: dnssec=insecure"
		keyrec rsa2048 "v=DKIM1; k=rsa; p=$p_rsa2048"
	} >"$out/zones/dkim-insecure.example.zone"
	cp "$here/rfc8463/football.example.com.zone" "$out/zones/" ||
	    die "no $here/rfc8463/football.example.com.zone"
}

# ------------------------------------------------------------ messages

# envelope - amclient's envelope lines, the same for every message
envelope() {
	printf 'X-Amclient-Client: 192.0.2.10\n'
	printf 'X-Amclient-Helo: mail.dkim.example\n'
	printf 'X-Amclient-From: sender@dkim.example\n'
}

# base NAME [DOMAIN] - the plain message for case NAME
base() {
	envelope
	cat <<EOF
From: Sender <sender@${2:-dkim.example}>
To: Recipient <rcpt@example.net>
Subject: DKIM corpus: $1
Date: Thu, 01 Jan 2026 12:00:00 +0000
Message-ID: <$1@${2:-dkim.example}>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello,

this message is part of authmilter's DKIM test corpus ($1).
   An indented line, inner  spaces  and a tab	here.

-- 
Sender
EOF
}

# odd NAME - headers and body that only simple canonicalization keeps
# apart: odd spacing, tabs, a header without a space after the colon, a
# mixed-case name, folding with runs of blanks, trailing blanks, and
# trailing empty lines
odd() {
	envelope
	printf 'From: Sender <sender@dkim.example>\n'
	printf 'To:   "Recipient"   <rcpt@example.net>,\n'
	printf '\t  other@example.net\n'
	printf 'sUbJeCt:\tOdd   spacing,\ttabs and\n'
	printf '    a  folded   continuation  \n'
	printf 'Date: Thu, 01 Jan 2026 12:00:00 +0000\n'
	printf 'Message-ID: <%s@dkim.example>\n' "$1"
	printf 'X-Odd:no-space-after-the-colon \n'
	printf '\n'
	printf 'Body line with trailing blanks  \t\n'
	printf '  Leading blanks and   inner   runs.\n'
	printf '\n'
	printf '\n'
	printf 'After two empty lines.\n'
	printf '\n'
	printf '\n'
}

# dotted NAME - a body with lines that are a single dot (CR LF . CR LF
# on the wire) and a dot-stuffed-looking line
dotted() {
	base "$1" | sed '/^-- $/,$d'
	printf 'Before the dot.\n.\nAfter the dot.\n..\n.\nEnd.\n'
}

# big NAME - a message with a 10 MB body (161,320 lines of 65 bytes)
big() {
	base "$1" | sed '/^-- $/,$d'
	yes 'The quick brown fox jumps over the lazy dog. 0123456789 abcdefghij' |
	    head -n 161320
}

index_lines=""

# entry NAME RESULTS SIGNATURES OBSERVED - one INDEX line (see write_index)
entry() {
	index_lines="$index_lines$1	$2	$3	$4
"
}

# sign NAME [dksign options...] - msgs/NAME.eml from msgs/NAME.eml
sign() {
	f="$M/$1.eml"
	shift
	dksign "$@" <"$f" >"$f.tmp" || die "dksign $* failed"
	mv "$f.tmp" "$f"
}

# edit NAME SED-SCRIPT - change msgs/NAME.eml after signing
edit() {
	if ! sed "$2" "$M/$1.eml" >"$M/$1.eml.tmp"; then
		die "editing $1 failed"
	fi
	mv "$M/$1.eml.tmp" "$M/$1.eml"
}

# sign_dk NAME SELECTOR KEY [dksign options...] - sign as dkim.example
sign_dk() {
	n=$1 sel=$2 key=$3
	shift 3
	sign "$n" -d dkim.example -s "$sel" -k "$K/$key.pem" "$@"
}

# sign_rsa NAME [dksign options...] - sign with the rsa2048 selector
sign_rsa() {
	n=$1
	shift
	sign_dk "$n" rsa2048 rsa2048 "$@"
}

# sign_ed NAME [dksign options...] - sign with the ed25519 selector
sign_ed() {
	n=$1
	shift
	sign_dk "$n" ed25519 ed25519 -a ed25519-sha256 "$@"
}

write_msgs() {
	base pass-relaxed >"$M/pass-relaxed.eml"
	sign_rsa pass-relaxed -c relaxed/relaxed
	entry pass-relaxed pass \
	    "s=rsa2048 a=rsa-sha256 bits=2048 dnssec=secure" "passed"

	odd pass-simple >"$M/pass-simple.eml"
	sign_rsa pass-simple -c simple/simple \
	    -H from:to:subject:date:message-id:x-odd
	entry pass-simple pass \
	    "s=rsa2048 a=rsa-sha256 c=simple/simple bits=2048 dnssec=secure" \
	    "passed"

	odd pass-relaxed-odd >"$M/pass-relaxed-odd.eml"
	sign_rsa pass-relaxed-odd -c relaxed/relaxed \
	    -H from:to:subject:date:message-id:x-odd
	entry pass-relaxed-odd pass \
	    "s=rsa2048 a=rsa-sha256 c=relaxed/relaxed bits=2048 dnssec=secure" \
	    "passed"

	base pass-ed25519 >"$M/pass-ed25519.eml"
	sign_ed pass-ed25519
	entry pass-ed25519 pass \
	    "s=ed25519 a=ed25519-sha256 bits=256 dnssec=secure" \
	    "passed; key size reported as 0"

	# RFC 8463's order: the RSA signature first, ed25519 on top.
	base pass-rsa-ed25519 >"$M/pass-rsa-ed25519.eml"
	sign_rsa pass-rsa-ed25519
	sign_ed pass-rsa-ed25519
	entry pass-rsa-ed25519 pass,pass \
	    "s=ed25519 a=ed25519-sha256; s=rsa2048 a=rsa-sha256" \
	    "passed; passed"

	base pass-rsa1024 >"$M/pass-rsa1024.eml"
	sign_dk pass-rsa1024 rsa1024 rsa1024
	entry pass-rsa1024 pass \
	    "s=rsa1024 a=rsa-sha256 bits=1024 dnssec=secure" "passed"

	base body-modified >"$M/body-modified.eml"
	sign_rsa body-modified
	edit body-modified 's/part of authmilter/part of SOMEONE ELSE/'
	entry body-modified fail \
	    "s=rsa2048 a=rsa-sha256 bits=2048 dnssec=secure" \
	    "header hash passed but bh mismatch; dkim_eom: Bad signature"

	base header-modified >"$M/header-modified.eml"
	sign_rsa header-modified
	edit header-modified 's/^Subject: DKIM corpus: .*/Subject: altered in transit/'
	entry header-modified fail \
	    "s=rsa2048 a=rsa-sha256 bits=2048 dnssec=secure" \
	    "err 28 signature verification failed; bh untested"

	base wrong-key >"$M/wrong-key.eml"
	sign_dk wrong-key rsa2048 other2048
	entry wrong-key fail \
	    "s=rsa2048 a=rsa-sha256 bits=2048 dnssec=secure" \
	    "err 28 signature verification failed"

	base revoked >"$M/revoked.eml"
	sign_dk revoked revoked rsa2048
	entry revoked fail \
	    "s=revoked a=rsa-sha256 dnssec=secure" "err 42 key revoked"

	base nokey >"$M/nokey.eml"
	sign_dk nokey nokey rsa2048
	entry nokey permerror \
	    "s=nokey a=rsa-sha256 dnssec=secure (NXDOMAIN)" \
	    "err 22 key not found in DNS; dnssec secure"

	base timeout >"$M/timeout.eml"
	sign_dk timeout slow rsa2048
	entry timeout temperror \
	    "s=slow a=rsa-sha256 (CNAME into the blackhole)" \
	    "hook timed out (4 s): err 24 key DNS query failed"

	base bogus >"$M/bogus.eml"
	sign_dk bogus bogus rsa2048
	entry bogus temperror \
	    "s=bogus a=rsa-sha256 dnssec=bogus (CNAME to bogus.test.)" \
	    "unbound bogus (RRSIG fails); hook DKIM_DNS_ERROR: err 24, dnssec unknown"

	base rsa-sha1 >"$M/rsa-sha1.eml"
	sign_rsa rsa-sha1 -a rsa-sha1
	entry rsa-sha1 policy \
	    "s=rsa2048 a=rsa-sha1 bits=2048 dnssec=secure" \
	    "passed: libopendkim 2.11 still accepts rsa-sha1"

	base rsa512 >"$M/rsa512.eml"
	sign_dk rsa512 rsa512 rsa512
	entry rsa512 policy \
	    "s=rsa512 a=rsa-sha256 bits=512 dnssec=secure" \
	    "err 46 signing key too small (library minimum 1024 bits)"

	base expired >"$M/expired.eml"
	sign_rsa expired -t $((now - 7200)) -x $((now - 3600))
	entry expired permerror \
	    "s=rsa2048 a=rsa-sha256 t=now-2h x=now-1h" \
	    "err 3 signature expired; not processed"

	base future >"$M/future.eml"
	sign_rsa future -t $((now + 86400))
	entry future permerror \
	    "s=rsa2048 a=rsa-sha256 t=now+1d" \
	    "err 4 signature timestamp in the future; not processed"

	base testing >"$M/testing.eml"
	sign_dk testing testing rsa2048
	entry testing pass \
	    "s=testing a=rsa-sha256 bits=2048 dnssec=secure key t=y" \
	    "passed; TESTKEY flag set"

	base sha1only >"$M/sha1only.eml"
	sign_dk sha1only sha1only rsa2048
	entry sha1only permerror \
	    "s=sha1only a=rsa-sha256 (key h=sha1) dnssec=secure" \
	    "err 37 signature-key hash mismatch"

	base insecure dkim-insecure.example >"$M/insecure.eml"
	sign insecure -d dkim-insecure.example -s rsa2048 -k "$K/rsa2048.pem"
	entry insecure pass \
	    "d=dkim-insecure.example s=rsa2048 a=rsa-sha256 bits=2048 dnssec=insecure" \
	    "passed; dnssec insecure"

	base subdomain-i >"$M/subdomain-i.eml"
	sign_rsa subdomain-i -i sender@mail.dkim.example
	entry subdomain-i pass \
	    "s=rsa2048 i=sender@mail.dkim.example bits=2048 dnssec=secure" \
	    "passed"

	# l= covers the body as signed; what follows it is unsigned.
	base length-appended >"$M/length-appended.eml"
	sign_rsa length-appended -l
	printf 'This paragraph was appended after signing.\n' \
	    >>"$M/length-appended.eml"
	entry length-appended pass \
	    "s=rsa2048 a=rsa-sha256 l=BODYLEN bits=2048 dnssec=secure" \
	    "passed"

	dotted dotline >"$M/dotline.eml"
	sign_rsa dotline -c simple/simple
	entry dotline pass \
	    "s=rsa2048 a=rsa-sha256 c=simple/simple bits=2048 dnssec=secure" \
	    "passed"

	big big10mb >"$M/big10mb.eml"
	sign_rsa big10mb
	entry big10mb pass \
	    "s=rsa2048 a=rsa-sha256 bits=2048 dnssec=secure; 10.8 MB body" \
	    "passed"

	write_malformed
	write_rfc8463
}

# write_msgs4096 - the messages that need the 4096-bit key
write_msgs4096() {
	base pass-rsa4096 >"$M/pass-rsa4096.eml"
	sign_dk pass-rsa4096 rsa4096 rsa4096
	entry pass-rsa4096 pass \
	    "s=rsa4096 a=rsa-sha256 bits=4096 dnssec=secure" "passed"
	write_sig20
}

# malformed NAME SED-SCRIPT - a signed message whose signature field
# the script then breaks (the field is folded by tags, so a tag and its
# value are always on one line)
malformed() {
	base "$1" >"$M/$1.eml"
	sign_rsa "$1" -i sender@dkim.example
	edit "$1" "$2"
}

write_malformed() {
	# b= and its continuation lines deleted.
	malformed malformed-nob '/^	b=/,/^[^	]/{/^	/d;}'
	entry malformed-nob neutral "s=rsa2048, no b= tag" \
	    "dropped (no signature); BADSIGHANDLES: err 19 signature data missing"

	malformed malformed-tag 's/ c=relaxed\/relaxed;/ c relaxed\/relaxed;/'
	entry malformed-tag neutral "tag without \"=\" (c relaxed/relaxed)" \
	    "dropped; BADSIGHANDLES: every tag lost, err 15 domain tag missing"

	malformed malformed-d-semicolon 's/ d=dkim\.example;/ d=dkim.example;x=y;/'
	entry malformed-d-semicolon neutral \
	    "d=dkim.example;x=y: x= not a number" \
	    "dropped; BADSIGHANDLES: x=y read as 0, err 3 signature expired"

	malformed malformed-d-inject \
	    's/ d=dkim\.example;/ d=dkim.example" dkim=pass header.d=evil.example;/'
	entry malformed-d-inject neutral \
	    "d= holds a quote, blanks and an A-R look-alike" \
	    "dropped; BADSIGHANDLES: blanks removed, d=dkim.example\"dkim=passheader.d=evil.example, err 2 invalid domain coverage"

	# The line after the backslash starts with the TAB of the fold.
	malformed malformed-d-fold 's/ d=dkim\.example;/ d=dkim.\
	example;/'
	entry malformed-d-fold neutral \
	    "d=dkim.<CRLF><TAB>example: folding inside d=" \
	    "FWS removed, key of dkim.example fetched: err 28 (a fail)"

	malformed malformed-dup 's/\([[:space:]]\)s=rsa2048;/\1s=rsa2048; s=rsa1024;/'
	entry malformed-dup neutral "s= twice (RFC 6376 3.2)" \
	    "PASSED: the first s= used, the duplicate ignored"

	malformed malformed-v 's/^DKIM-Signature: v=1;/DKIM-Signature: v=2;/'
	entry malformed-v neutral "v=2" "err 1 unsupported signature version"

	malformed nofrom 's/h=From:/h=/'
	entry nofrom permerror "h= without From (RFC 6376 5.4, 6.1.1)" \
	    "err 32 header list missing required entries"

	malformed imismatch 's/i=sender@dkim\.example;/i=sender@evil.example;/'
	entry imismatch permerror \
	    "i=sender@evil.example outside d=dkim.example (RFC 6376 6.1.1)" \
	    "err 2 invalid domain coverage"
}

# write_sig20 - twenty valid signatures of every kind on one message
write_sig20() {
	base sig20 >"$M/sig20.eml"
	results="" sigs=""
	i=1
	while [ $i -le 20 ]; do
		case $((i % 5)) in
		1) sign_rsa sig20 -c relaxed/relaxed
		   sig="rsa2048/relaxed" ;;
		2) sign_ed sig20 -c relaxed/simple
		   sig="ed25519/relaxed/simple" ;;
		3) sign_dk sig20 rsa1024 rsa1024 -c simple/simple
		   sig="rsa1024/simple" ;;
		4) sign sig20 -d dkim-insecure.example -s rsa2048 \
		       -k "$K/rsa2048.pem" -c simple/relaxed
		   sig="insecure-rsa2048/simple/relaxed" ;;
		0) sign_dk sig20 rsa4096 rsa4096
		   sig="rsa4096/relaxed" ;;
		esac
		# The newest signature is the top field: list them that way.
		results="pass${results:+,$results}"
		sigs="$sig${sigs:+ $sigs}"
		i=$((i + 1))
	done
	entry sig20 "$results" "top first: $sigs" \
	    "20 x passed; dnssec known only for the first signature per key"
}

# write_rfc8463 - RFC 8463 Appendix A.3 as published, with the envelope
write_rfc8463() {
	{ envelope; cat "$here/rfc8463/message.eml"; } >"$M/rfc8463.eml" ||
	    die "no $here/rfc8463/message.eml"
	entry rfc8463 pass,pass \
	    "d=football.example.com s=brisbane a=ed25519-sha256; s=test a=rsa-sha256 bits=1024; dnssec=secure" \
	    "passed; passed (1024 bits)"
}

write_index() {
	cat <<'EOF'
# INDEX - the DKIM corpus and the dkim= results it should produce
#
# One line per message, four fields separated by a TAB:
#   NAME        the message is msgs/NAME.eml
#   RESULTS     the dkim= results the Authentication-Results field should
#               carry, one per DKIM-Signature field, in field order (the
#               topmost first), comma separated
#   SIGNATURES  what the signatures are (same order, "; " separated)
#   OBSERVED    what libopendkim 2.11's verifier reported when this corpus
#               was checked (DNS through libunbound against the fixture,
#               default library flags; "dropped" means no DKIM_SIGINFO at
#               all, and BADSIGHANDLES what DKIM_LIBFLAGS_BADSIGHANDLES
#               then gave): a guide to the library, not the expectation
#
# How a verifier outcome becomes an RFC 8601 2.7.1 result here:
#   pass       the signature verified (RFC 6376 6.1.3), also with l= and
#              text after it, a t=y key, i= a subdomain of d=
#   fail       the cryptographic check failed: body hash or signature
#              (6.1.3), or a revoked key, which 6.1.2 says to "treat as a
#              failed signature check" (revoked)
#   neutral    the DKIM-Signature field is not valid tag-list/tag syntax
#              (3.2, 3.5; 6.1.1 missing tag, v= not 1, duplicate tag, bad
#              d=): RFC 8601 "the signature ... contained syntax errors"
#   permerror  a well-formed signature that cannot be evaluated, for good:
#              no key (6.1.2 NXDOMAIN), a key whose h= excludes the hash
#              (6.1.2), From not signed or i= outside d= (6.1.1), x= past
#              (6.1.1 "PERMFAIL (signature expired)"), t= in the future
#              (3.5: verifiers MAY ignore such signatures; ignoring is
#              the same PERMFAIL)
#   policy     the signature may verify but is not acceptable: rsa-sha1
#              and RSA under 1024 bits (RFC 8301 3.1, 3.2: "MUST NOT
#              consider ... valid").  Not fail: RFC 8601 fail means "the
#              signature ... [was] acceptable to the ADMD, but failed the
#              verification"; policy means "some aspect of the signature
#              ... was not acceptable to the ADMD"
#   temperror  the key could not be fetched now: a timeout (6.1.2
#              "TEMPFAIL (key unavailable)"), or a DNSSEC-bogus answer,
#              which is no answer (as for SPF in this project)
EOF
	printf '%s' "$index_lines"
}

genkeys
write_msgs
wait4096
write_msgs4096
write_zones
write_index >"$M/INDEX"
