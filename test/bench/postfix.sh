# postfix.sh - bench.sh's Postfix phase (sourced by bench.sh, POSIX sh)
#
# Issue 7 part 5: what each milter costs Postfix.  A private Postfix
# instance (test/postfix/pflib.sh: smtpd on 127.0.0.1, no chroot) that
# discards what it accepts, in front of, in turn:
#
#   none          no milter: Postfix alone
#   null          a do-nothing libmilter milter (test/bench/nullmilter.c,
#                 every callback NULL: libmilter negotiates every stage
#                 away, SMFIP_NODATA included), unix and TCP
#   null+data     the same answering DATA and end of message (TCP only:
#                 what answering the DATA stage is worth)
#   authmilter    the benchmark's configuration, unix and TCP
#   chain         opendkim then opendmarc (smtpd_milters lists both),
#                 unix and TCP
#
# Two workloads per setup, each with BENCH_PF_SESSIONS parallel SMTP
# sessions (20):
#   smtp-source   Postfix's own load generator: BENCH_PF_MSGS unsigned
#                 4 KB messages (5,000), one per session, from 127.0.0.1,
#                 From a corpus domain with p=none (so every milter
#                 accepts them)
#   replay        the signed corpus (test/bench/smtpreplay.c), one message
#                 per session, each client appearing as the corpus's
#                 client address by XCLIENT, so SPF and DMARC see what the
#                 milter-protocol runs saw
# Before the measured runs of a setup, the first BENCH_DOMAINS messages of
# the corpus go through once (not measured): every key and record is then
# in every cache, as in the warm runs of Table 1.
#
# The milters' sockets: unix sockets in the work directory (Postfix's
# smtpd runs as postfix: authmilter with SocketGroup postfix, the others
# with mode 0777), TCP on 127.0.0.1.  The table (pf-report.txt) gives
# msg/s for each workload, the replay's latency from connect to the reply
# after the final dot (p50, p99) and its outcomes, the milters' CPU time
# per message, and ratios: authmilter against the do-nothing milter on
# the same kind of socket (target: at least 0.9) and against the chain
# (target: at least 2).
#
# Uses from bench.sh: $T, $C, $CORPUS, $here, say, stop_pid, drop_pid,
# cpu, wait_sock, wait_tcp, start_unbound, start_peer, start_am,
# write_configs, am_config, fgrun, stop_all, status.

. "$top_srcdir/test/postfix/pflib.sh"

: "${BENCH_PF_SESSIONS:=20}"
if [ "$quick" = yes ]; then
	: "${BENCH_PF_MSGS:=400}"
else
	: "${BENCH_PF_MSGS:=5000}"
fi
PFD="$T/pfbench"
mkdir -p "$PFD"
chmod 755 "$PFD"
PF_MILTERS=""

# pf_main_cf - main.cf: accept for bench.test and discard it; the milter
# settings of contrib/postfix-main.cf, smtpd_milters = $PF_MILTERS
pf_main_cf() {
	{
		pf_main_head bench.sh
		cat <<EOF
mydestination =
relay_domains = bench.test
relay_transport = discard:bench
default_transport = discard:bench
notify_classes =
smtpd_error_sleep_time = 0
default_process_limit = 200

# contrib/postfix-main.cf as shipped, smtpd_milters for this setup
EOF
		sed "s|^smtpd_milters = .*|smtpd_milters = $PF_MILTERS|" \
		    "$top_srcdir/contrib/postfix-main.cf"
	} >"$PF/main.cf"
}

# The sender domain of smtp-source's messages: the first with p=none
pf_from=$(awk -F'\t' 'NR > 1 && $11 == "none" { print $2; exit }' \
    "$CORPUS/INDEX")
pf_from=${pf_from#*@}
[ -n "$pf_from" ] || { echo "bench: no p=none domain in the corpus"; exit 1; }

PF_TCP=$((30000 + ($$ % 1000) * 4))
null_pid=""

# pf_null SOCKET [-d] - the do-nothing milter
pf_null() {
	(umask 0; exec "$T/nullmilter" -s "$@") >>"$PFD/null.out" 2>&1 &
	null_pid=$!
	am_pids="$am_pids $null_pid"
	case $1 in
	unix:*) wait_sock "${1#unix:}" "$null_pid" 10 ;;
	*) wait_tcp "$PF_TCP" "$null_pid" 10 ;;
	esac || { echo "bench: nullmilter did not start"; exit 1; }
}

# pf_milters SETUP SOCKET - start SETUP's milters on unix or tcp sockets;
# PF_MILTERS is Postfix's smtpd_milters for them, pf_mpids their pids
pf_milters() {
	write_configs normal
	case $1 in
	none)	PF_MILTERS="" pf_mpids="" ;;
	null|null+data)
		if [ "$2" = unix ]; then
			s="$PFD/null.sock"; pf_null "unix:$s"
			PF_MILTERS="unix:$s"
		else
			set -- "$1" "$2" "inet:$PF_TCP@127.0.0.1"
			[ "$1" = null ] || set -- "$@" -d
			shift 2
			pf_null "$@"
			PF_MILTERS="inet:127.0.0.1:$PF_TCP"
		fi
		pf_mpids=$null_pid ;;
	authmilter)
		if [ "$2" = unix ]; then
			am_config "$T/am.conf" "InternalHosts none" \
			    "LogLevel info" "SocketGroup postfix"
			PF_MILTERS="unix:$T/am.sock"
		else
			am_config "$T/am.conf" "InternalHosts none" \
			    "LogLevel info" "Socket inet:$PF_TCP@127.0.0.1"
			PF_MILTERS="inet:127.0.0.1:$PF_TCP"
		fi
		start_am 10
		pf_mpids=$am_pid ;;
	chain)
		if [ "$2" = tcp ]; then
			sed -i "s|^Socket.*|Socket			inet:$((PF_TCP + 1))@127.0.0.1|" \
			    "$C/dkim/opendkim.conf"
			sed -i "s|^Socket.*|Socket			inet:$((PF_TCP + 2))@127.0.0.1|" \
			    "$C/dmarc/opendmarc.conf"
			PF_MILTERS="inet:127.0.0.1:$((PF_TCP + 1)), inet:127.0.0.1:$((PF_TCP + 2))"
		else
			PF_MILTERS="unix:$C/dkim/opendkim.sock, unix:$C/dmarc/opendmarc.sock"
		fi
		start_peer dkim 10
		start_peer dmarc 10
		pf_mpids="$dkim_pid $dmarc_pid" ;;
	esac
}

# pf_milters_stop - every milter of the setup
pf_milters_stop() {
	for p in $pf_mpids; do
		stop_pid "$p"
	done
	am_pid="" dkim_pid="" dmarc_pid="" null_pid="" pf_mpids=""
}

# pf_cpu SETUP - CPU ticks of SETUP's milters (the chain's with unbound's)
pf_cpu() {
	t=0
	u=""
	[ "$1" = chain ] && u=$ub_pid
	for p in $pf_mpids $u; do
		t=$((t + $(cpu "$p")))
	done
	echo $t
}

# pf_source N - smtp-source: N messages of 4 KB in BENCH_PF_SESSIONS
# sessions, one message each; prints the elapsed seconds
pf_source() {
	t0=$(date +%s.%N)
	fgrun smtp-source -s "$BENCH_PF_SESSIONS" -m "$1" -l 4096 \
	    -f "bench@$pf_from" -t rcpt@bench.test "127.0.0.1:$PF_PORT" \
	    >"$PFD/source.out" 2>&1 || {
		say "smtp-source failed:"; head -5 "$PFD/source.out" >&2
		status=1
	}
	echo "$t0 $(date +%s.%N)" | awk '{ printf "%.3f\n", $2 - $1 }'
}

# pf_replay LIST OUT - the messages of LIST over SMTP with XCLIENT
pf_replay() {
	fgrun "$T/smtpreplay" -s "127.0.0.1:$PF_PORT" -x \
	    -n "$BENCH_PF_SESSIONS" -r rcpt@bench.test -t 60 $(cat "$1") \
	    >"$2" 2>"$2.err" || {
		say "smtpreplay: some sessions failed:"; head -5 "$2.err" >&2
		status=1
	}
}

# kv KEY FILE - the value of KEY=VALUE in the summary line of FILE
kv() {
	tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | head -n 1
}

# pf_postfix_writes SETUP - the setup's (first) milter over TCP, warm,
# straight from amclient -P (Postfix's writes: Nagle on, a write only
# when a reply is awaited, one at the end of DATA) at concurrency 1: a
# delayed-acknowledgement stall shows as about 40 ms per message.  A
# line in $PFD/nagle.tsv: SETUP, eom p50, eom p90, session p50 (ms)
pf_postfix_writes() {
	port=$PF_TCP
	[ "$1" = chain ] && port=$((PF_TCP + 1))	# opendkim
	head -n 100 "$T/list" >"$PFD/nagle.list"
	fgrun "$AMC" -s "inet:$port@127.0.0.1" -P -q -n 1 -t 60 \
	    $(cat "$PFD/nagle.list") >"$PFD/$1-P.sum" 2>&1 || {
		say "amclient -P against $1: some sessions failed"
		status=1
	}
	awk -v s="$1" '/^eom latency/ { e50 = $5; e90 = $7 }
	    /^session latency/ { s50 = $5 }
	    END { printf "%s\t%s\t%s\t%s\n", s, e50, e90, s50 }' \
	    "$PFD/$1-P.sum" >>"$PFD/nagle.tsv"
}

# pf_setup SETUP SOCKET - start, warm, measure, stop; a line in
# $PFD/results.tsv
pf_setup() {
	say "Postfix: $1 ($2 socket)"
	pf_milters "$1" "$2"
	pf_start
	head -n "$BENCH_DOMAINS" "$T/list" >"$PFD/warm.list"
	pf_replay "$PFD/warm.list" "$PFD/warm.out"
	[ "$2" = tcp ] && pf_postfix_writes "$1"
	c0=$(pf_cpu "$1")
	el=$(pf_source "$BENCH_PF_MSGS")
	c1=$(pf_cpu "$1")
	pf_replay "$T/list" "$PFD/$1-$2.replay"
	c2=$(pf_cpu "$1")
	pf_stop
	pf_milters_stop
	r="$PFD/$1-$2.replay"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    "$1" "$2" "$BENCH_PF_MSGS" "$el" "$(kv sessions "$r")" \
	    "$(kv elapsed_s "$r")" "$(kv p50_ms "$r")" "$(kv p99_ms "$r")" \
	    "$(kv accepted "$r")/$(kv rejected "$r")/$(kv tempfail "$r")/$(kv failed "$r")" \
	    $((c1 - c0)) $((c2 - c1)) "$(kv dot_p50_ms "$r")" "$CLK_TCK" \
	    >>"$PFD/results.tsv"
}

say "Postfix: $BENCH_PF_SESSIONS sessions; smtp-source $BENCH_PF_MSGS" \
    "messages of 4 KB from $pf_from, then the corpus replayed with XCLIENT"
"${CC:-cc}" -O2 -pthread -I"$top_srcdir/test" -o "$T/smtpreplay" \
    "$here/smtpreplay.c" "$top_srcdir/test/amc_msgfile.c" &&
"${CC:-cc}" -O2 -pthread -o "$T/nullmilter" "$here/nullmilter.c" -lmilter ||
    { echo "bench: cannot build smtpreplay or nullmilter"; exit 1; }
: >"$PFD/results.tsv"
: >"$PFD/nagle.tsv"
# unbound answers for opendmarc throughout; the rest start per setup
start_unbound
for s in "none -" "null unix" "null tcp" "null+data tcp" \
    "authmilter unix" "authmilter tcp" "chain unix" "chain tcp"; do
	pf_setup $s
done
stop_all
