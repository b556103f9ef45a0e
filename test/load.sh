#!/bin/sh
# load.sh - 1,000 concurrent milter sessions against the daemon: three
# rounds of 3,000 sessions, 1,000 at a time, over a small set of messages
# (SPF and DMARC pass, a DMARC reject, a DKIM signature whose key lookup
# answers NXDOMAIN, a message with a body of 64 KB), with no session
# refused or failed, and the daemon's open descriptors and RSS not
# growing from round to round; then 2,000 sessions that disconnect in the
# middle of the message, after which the daemon still serves and its
# descriptors come back to where they were.  The numbers (rate, latency,
# RSS, descriptors, threads) are printed as "# ..." lines.
. "${top_srcdir:-.}/test/lib.sh"
# 1,000 sessions hold 1,000 descriptors in the daemon and in amclient.
if ! ulimit -n 4096 2>/dev/null; then
	echo "load: cannot raise the descriptor limit to 4096 (hard limit $(ulimit -Hn)): skipped"
	exit 77
fi
am_setup load
am_dns_start "$top_srcdir/test/e2e/hostile/zones"
am_config "$T/load.conf" "InternalHosts none" "DNSTimeout 2s"
# glibc's malloc with a fixed mmap threshold and two arenas, so that RSS
# says what is held rather than what a thousand threads' arenas cache
MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
export MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_
am_start "$T/load.conf" || exit 1
unset MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_

# -- the messages -------------------------------------------------------------
M="$T/m"
mkdir "$M" || exit 99
# envl IP MAILFROM - amclient's envelope lines
envl() {
	printf 'X-Amclient-Client: %s\nX-Amclient-Helo: mail.hostile.example\n' "$1"
	printf 'X-Amclient-From: %s\n' "$2"
}
{ envl 192.0.2.10 a@hostile.example
  printf 'From: a@hostile.example\nTo: b@example.net\nSubject: pass\n\nBody.\n'; } >"$M/pass.eml"
{ envl 2001:db8::25 a@evil.example
  printf 'From: a@hostile.example\nTo: b@example.net\nSubject: reject\n\nBody.\n'; } >"$M/reject.eml"
{ envl 192.0.2.10 a@hostile.example
  printf 'From: a@hostile.example\nTo: b@example.net\nSubject: dkim\n'
  printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=hostile.example; s=nokey;\n'
  printf '\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n'
  printf '\tb=dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==\n\nBody.\n'; } >"$M/dkim.eml"
{ envl 192.0.2.11 a@hostile.example
  printf 'From: a@hostile.example\nTo: b@example.net\nSubject: body\n\n'
  awk 'BEGIN { for (i = 0; i < 1000; i++) printf "line %04d of a body of sixty-four kilobytes or so\n", i }'; } >"$M/body.eml"

# -- what the daemon holds ------------------------------------------------------
fds() {
	ls "/proc/$am_pid/fd" | wc -l
}
rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$am_pid/status"
}
threads() {
	ls "/proc/$am_pid/task" | wc -l
}
# settle - wait up to 10 s for the descriptors to come back to $fd0
settle() {
	n=0
	while [ "$(fds)" -gt "$fd0" ] && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1))
	done
}
# watch_start / watch_stop - the most descriptors and threads seen meanwhile
watch_start() {
	( while :; do echo "$(fds) $(threads)"; sleep 0.2; done ) \
	    >"$T/watch" 2>/dev/null &
	watch_pid=$!
}
watch_stop() {
	kill "$watch_pid" 2>/dev/null
	wait "$watch_pid" 2>/dev/null
	peak=$(awk '$1 > f { f = $1 } $2 > t { t = $2 } END { print f + 0, t + 0 }' "$T/watch")
}

# load OUT AMCLIENT-OPTIONS... - one run of amclient, its summary in OUT
load() {
	out=$1; shift
	"$AM_CLIENT" -s "unix:$T/am.sock" -q -t 120 "$@" >"$out" 2>&1
	sed -n 's/^/# /p' "$out" | grep -v "amclient: session" | head -6
}

# a round first, so that the resolver's cache, the allocator and the
# thread stacks are warm before anything is measured
# (some descriptors open with the first messages: count after it, once
# the count has held for a second)
load "$T/warm.out" -n 1000 -N 1000 "$M"/*.eml >/dev/null
fd0=$(fds) n=0 same=0
while [ $same -lt 5 ] && [ $n -lt 100 ]; do
	sleep 0.2
	f=$(fds) n=$((n + 1))
	if [ "$f" -eq "$fd0" ]; then same=$((same + 1)); else same=0 fd0=$f; fi
done
echo "# start: $fd0 fds, RSS $(rss) kB, $(threads) threads"

# -- three rounds of 3,000 sessions, 1,000 at a time ------------------------------
for round in 1 2 3; do
	watch_start
	load "$T/round$round.out" -n 1000 -N 3000 "$M"/*.eml
	watch_stop
	if grep -q "^sessions 3000  ok 3000  failed 0$" "$T/round$round.out"; then
		ok "round $round: 3000 sessions, 1000 at a time, none failed"
	else
		not_ok "round $round: sessions failed" "$T/round$round.out"
	fi
	expect_grep "round $round: every kind of result came back" \
	    "results accept=2250 .* reply=750 " "$T/round$round.out"
	settle
	eval "rss$round=\$(rss) fd$round=\$(fds)"
	echo "# round $round: peak $peak (fds threads); after: $(fds) fds, RSS $(rss) kB, $(threads) threads"
done
for round in 1 2 3; do
	eval "f=\$fd$round"
	[ "$f" -le "$fd0" ] && ok "round $round: descriptors back to $fd0" ||
		not_ok "round $round: $f descriptors, $fd0 before"
done
echo "# RSS kB after rounds 1-3: $rss1 $rss2 $rss3"
if grep -q libasan "/proc/$am_pid/maps" 2>/dev/null; then
	ok "RSS not judged under AddressSanitizer (its quarantine holds freed memory; LeakSanitizer judges at exit)"
elif [ "$rss3" -le $((rss1 * 3 / 2 + 20480)) ]; then
	ok "RSS round 3 $rss3 kB <= round 1 $rss1 kB x 1.5 + 20 MB"
else
	not_ok "RSS grew: $rss1 $rss2 $rss3 kB"
fi
am_send "$T/after.out" -m i=after "$M/pass.eml"
expect_grep "after the rounds: a session passes" "^result: accept$" "$T/after.out"
expect_grep "after the rounds: with its results" "dmarc=pass" "$T/after.out"

# -- 2,000 sessions that disconnect in the middle of the message ---------------------
watch_start
load "$T/disc.out" -n 1000 -N 2000 -D 20000 "$M/body.eml"
watch_stop
if grep -q "^sessions 2000  ok 2000  failed 0$" "$T/disc.out" &&
    grep -q " disconnected=2000$" "$T/disc.out"; then
	ok "2000 sessions disconnected mid-body, 1000 at a time"
else
	not_ok "disconnecting sessions failed" "$T/disc.out"
fi
settle
fdd=$(fds)
echo "# disconnects: peak $peak (fds threads); after: $fdd fds, RSS $(rss) kB, $(threads) threads"
[ "$fdd" -le "$fd0" ] && ok "disconnects: descriptors back to $fd0" ||
	not_ok "disconnects: $fdd descriptors, $fd0 before"
kill -0 "$am_pid" 2>/dev/null && ok "disconnects: daemon alive" ||
	not_ok "disconnects: daemon died" "$T/am.log"
am_send "$T/after2.out" -m i=after2 "$M/pass.eml"
expect_grep "disconnects: the next session passes" "^result: accept$" "$T/after2.out"
c=$(grep -c "^authmilter: after2: client=" "$T/am.log")
[ "$c" -eq 1 ] && ok "disconnects: and is logged" || not_ok "after2: $c log lines"
am_stop
expect_rc "daemon stops cleanly after the load" "$am_rc" 0

am_done
