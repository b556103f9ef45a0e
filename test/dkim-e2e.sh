#!/bin/sh
# dkim-e2e.sh - DKIM end to end through the daemon against the DNS
# fixture: a corpus signed at test time (test/dkim/make-corpus.sh: keys,
# zones and messages, with the results RFC 6376, RFC 8301 and RFC 8463
# call for in msgs/INDEX) and the RFC 8463 Appendix A example.  Each
# message's Authentication-Results must carry those dkim= results, in
# signature order, with the key size, algorithm and DNSSEC state.
. "${top_srcdir:-.}/test/lib.sh"
am_setup dkim
C="$T/corpus"
DKSIGN="$top_builddir/test/dkim/dksign" \
    "$top_srcdir/test/dkim/make-corpus.sh" "$C" >"$T/corpus.log" 2>&1 || {
	echo "corpus failed:"; cat "$T/corpus.log"; exit 99; }
am_dns_start "$C/zones"
am_config "$T/dkim.conf" "InternalHosts none" "DNSTimeout 1s" \
    "DKIMMaxSignatures 5"
am_start "$T/dkim.conf" || exit 1

# results OUT - the dkim= words of our A-R, comma separated
results() {
	sed -n '/^insheader 0 Authentication-Results:/,/^[a-z]/p' "$1" |
	    grep -o 'dkim=[a-z]*' | sed 's/dkim=//' | paste -sd, -
}

# capped WANT - results past DKIMMaxSignatures (5) are "neutral"
capped() {
	echo "$1" | tr ',' '\n' | awk 'NR > 5 { $0 = "neutral" } 1' |
	    paste -sd, -
}

while IFS="$(printf '\t')" read -r name want _; do
	case "$name" in ''|'#'*) continue ;; esac
	want=$(capped "$want")
	am_send "$T/$name.out" -t 120 -m "i=$name" "$C/msgs/$name.eml"
	got=$(results "$T/$name.out")
	if [ "$got" = "$want" ]; then ok "$name: dkim=$want"; else
		not_ok "$name: dkim=$got, want $want" "$T/$name.out"; fi
done <"$C/msgs/INDEX"

# -- what the comments and properties say ------------------------------
# unfold FILE - each header change on one line, to grep across folds
unfold() {
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
	    "$1" >"$1.u" && mv "$1.u" "$1"
}
for f in "$T"/*.out; do unfold "$f"; done
expect_grep "rsa pass: key size, algorithm, DNSSEC" "dkim=pass \(2048-bit rsa-sha256 key; dnssec=secure\) header.d=dkim.example" "$T/pass-relaxed.out"
expect_grep "rsa pass: header.s, header.a, header.b" "header.s=[a-z0-9.-]+ header.a=rsa-sha256 header.b=\"[A-Za-z0-9+/=]{8}\"" "$T/pass-relaxed.out"
expect_grep "ed25519: reported as 256 bits" "dkim=pass \(256-bit ed25519-sha256 key; dnssec=secure\)" "$T/pass-ed25519.out"
expect_grep "insecure zone: dnssec=insecure" "dkim=pass \([0-9]+-bit rsa-sha256 key; dnssec=insecure\)" "$T/insecure.out"
expect_grep "bogus key: dnssec=bogus" "dkim=temperror \(dnssec=bogus" "$T/bogus.out"
expect_grep "rsa-sha1: the reason" "dkim=policy \(.*rsa-sha1 is not valid \(RFC 8301\)|dkim=policy \(.*rsa-sha1 is not valid" "$T/rsa-sha1.out"
expect_grep "512-bit key: the reason" "dkim=policy \(.*under 1024 bits" "$T/rsa512.out"
expect_grep "nokey: NXDOMAIN in a signed zone is secure" "dkim=permerror \(dnssec=secure" "$T/nokey.out"
expect_grep "l= shorter than the body: noted" "dkim=pass \(.*l= covers" "$T/length-appended.out"
expect_grep "20 signatures: the rest not verified" "dkim=neutral \(dnssec=[a-z]*; not verified: more than 5 signatures\)" "$T/sig20.out"
expect_no_grep "injected d= never reaches our header" "header.d=[^ ]*(evil|dkim=)" "$T/malformed-d-inject.out"
expect_grep "RFC 8463 example: ed25519 pass" "dkim=pass \(256-bit ed25519-sha256 key; dnssec=secure\) header.d=football.example.com" "$T/rfc8463.out"
expect_grep "RFC 8463 example: rsa pass (its key is 1024 bits)" "dkim=pass \(1024-bit rsa-sha256 key; dnssec=secure\) header.d=football.example.com" "$T/rfc8463.out"
expect_grep "log line lists signatures" "pass-rsa-ed25519: .*dkim=pass:dkim.example/[^,]*,pass:dkim.example/" "$T/am.log"
am_stop
# libopendkim's key decoding reaches milter/pkcache.c (the daemon's own
# d2i_PUBKEY_bio): a key seen before is not decoded again
expect_grep "a key used twice is decoded once" "caches: .*dkim keys hits=[1-9][0-9]* decoded=[1-9]" "$T/am.log"

# -- DKIMPartialBodyFail turns an l= signature with more body into fail --
# -- and DKIMMaxKeyBits refuses keys over the cap -------------------------
am_config "$T/partial.conf" "InternalHosts none" "DKIMPartialBodyFail yes" \
    "DKIMMaxKeyBits 2048"
am_start "$T/partial.conf" || exit 1
am_send "$T/partial.out" -m i=partial "$C/msgs/length-appended.eml"
unfold "$T/partial.out"
expect_grep "DKIMPartialBodyFail yes: fail" "dkim=fail \(.*l= covers" "$T/partial.out"
am_send "$T/big.out" -m i=bigkey "$C/msgs/pass-rsa4096.eml"
unfold "$T/big.out"
expect_grep "DKIMMaxKeyBits 2048: a 4096-bit key is policy" "dkim=policy \(4096-bit rsa-sha256 key; dnssec=secure; key over 2048 bits\)" "$T/big.out"
am_stop

am_done
