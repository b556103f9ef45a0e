#!/bin/sh
#
# bench.sh - authmilter against the OpenDKIM + OpenDMARC chain (issue 7)
#
# Usage (as root, from the top of a built tree; `make bench` runs this)
#   sh test/bench/bench.sh [--quick] [--keep] [--perf] [--no-callgrind]
#       [--no-postfix] [--soak [N]] [-o FILE]
#
#   --quick         smoke run for CI: 200 messages from 40 domains, each
#                   replay once, 21 messages under callgrind, 400 + 200
#                   through Postfix per setup, 40 in the DNS-latency run
#                   (about 3 minutes, most of it daemon start-ups under
#                   valgrind, Postfix restarts and cold DNS at 20 ms)
#   --keep          keep the work directory (/tmp/am-bench.XXXXXX: corpus,
#                   configurations, logs, per-session records, callgrind
#                   dumps) and say where it is
#   --perf          also sample authmilter with perf at the highest
#                   concurrency (one extra replay, not in the tables)
#   --no-callgrind  skip the instruction counts
#   --no-postfix    skip Table 3 (each milter behind a private Postfix)
#   --soak [N]      instead of the tables: N messages (100000) through
#                   authmilter at concurrency 64, in ten rounds, with its
#                   RSS, open descriptors and threads after each round
#   -o FILE         also write the report (the tables) to FILE
#
# Environment: BENCH_MSGS, BENCH_DOMAINS (corpus size; 2000 and 200),
# BENCH_CONC (concurrency levels; "1 8 64"), BENCH_REPEAT (replays of
# each; 3, quick 1), BENCH_CG_MSGS (messages under callgrind; 100),
# BENCH_DELAY_MS (20), BENCH_RESOLVER (the loopback address of the
# peers' resolver, port 53; 127.0.0.2), BENCH_TIMEOUT (seconds before
# everything is stopped; 1800, quick 600), BENCH_PF_SESSIONS and
# BENCH_PF_MSGS (Table 3: parallel SMTP sessions, 20; smtp-source's
# messages, 5000, quick 400).  The full run takes about 8 minutes on 2
# cores.
#
# What it does, in order (every step on loopback; every process it
# starts is stopped by pid on exit, failure or signal included):
#
#  1. Corpus (test/bench/gencorpus.py): six keys (three rsa-2048, three
#     ed25519) shared by 200 signed zones bNNN.example, each with SPF,
#     DMARC (p=none/quarantine/reject) and selectors rsa1 rsa2 ed1; 2,000
#     messages signed with test/dkim/dksign (one to three signatures),
#     2-20 KB with some of 100 KB and 1 MB, SPF pass/fail/softfail by
#     client address, DMARC pass and fail under every policy.
#  2. DNS: the test fixture (test/lib.sh am_dns_start: NSD with the
#     corpus zones, and the empty root), with NSD's response rate limit
#     switched off (an `nsd` shim first in PATH adds rrl-ratelimit: 0 to
#     the fixture's nsd.conf: 200 answers/s to 127.0.0.1 would otherwise
#     be the bottleneck).  Every resolver is validating, with the
#     fixture's trust anchors, and asks the same NSD:
#       authmilter  its own libunbound, stub zones (am_config's lines)
#       opendkim    its own libunbound, forwarding to NSD (Nameservers
#                   127.0.0.1@PORT, TrustAnchorFile with the anchors; its
#                   ResolverConfiguration option crashes it, see below)
#       opendmarc   libspf2 and libopendmarc use the system resolver
#                   (res_*): it runs in a private mount namespace
#                   (unshare --mount) where /etc/resolv.conf is a bind
#                   mount naming BENCH_RESOLVER, where Debian's unbound
#                   daemon listens on port 53 with the same stubs and
#                   anchors.  The machine's resolv.conf is never touched.
#     So each keeps its natural cache: in process for authmilter and
#     opendkim, a local caching resolver for opendmarc, as on a real MX.
#  3. Daemons: authmilter (am_config: InternalHosts none, LogLevel info;
#     defaults otherwise: RFC 9989 tree walk, RejectFailures yes,
#     QuarantineAction hold); Debian's opendkim in verify mode and
#     opendmarc with SPFSelfValidate, RejectFailures and
#     HoldQuarantinedMessages, each on its own unix socket, as the
#     opendkim and opendmarc users, configurations under the work
#     directory (the packages' files and services are not used).
#  4. Verdicts, at concurrency 1 (this also warms every cache): the corpus
#     through authmilter, through opendkim, then through opendmarc with
#     opendkim's Authentication-Results header inserted on top, which is
#     what Postfix does with smtpd_milters = opendkim, opendmarc (the
#     cleanup server sends the content to each milter in turn, after the
#     end of DATA, with the edits of the ones before).  Results and
#     actions are compared message by message, with what the generator
#     meant them to be (test/bench/report.py).
#  5. Throughput and latency, warm caches, at each concurrency,
#     BENCH_REPEAT times: the corpus through authmilter, then the chain
#     as two legs (opendkim on the corpus, opendmarc on the corpus with
#     opendkim's header).  The chain's time is the sum of the legs'
#     elapsed times and its latency per message the sum of that
#     message's two session latencies (per-session records: amclient
#     linked with latdump.c).  CPU time of each process from /proc (the
#     chain's includes the unbound daemon's), peak RSS (VmHWM, reset
#     before each run).  The run with the median time is reported.
#  6. Instructions per message: each milter under callgrind, twice:
#     two passes of BENCH_CG_MSGS messages (with the corpus's mix of
#     sizes) at concurrency 8, then one; the difference is one warm pass.
#  7. Through Postfix (test/bench/postfix.sh, unless --no-postfix): a
#     private Postfix instance in front of no milter, a do-nothing
#     libmilter milter, authmilter and the chain, on unix and TCP
#     sockets; smtp-source's unsigned 4 KB messages and the corpus
#     replayed over SMTP (test/bench/smtpreplay.c, XCLIENT for each
#     message's client address), 20 sessions in parallel.
#  8. DNS latency: test/bench/dnsdelay.py between every resolver and NSD
#     (and the root), BENCH_DELAY_MS per answer; every daemon and the
#     unbound daemon restarted, so all caches are cold; the first message
#     of each domain (each a new From domain) at concurrency 1.
#
# A benchmark prints: it asserts nothing and is not part of `make check`.
# Exit status 0 when every step ran and every session completed, 1 if
# not, 77 when something it needs is missing (with what to install).
# Needs: the build (make, and make check's programs: test/amclient,
# test/dkim/dksign, test/dns/blackhole, test/spf/zonesrv), nsd, ldnsutils,
# python3, openssl, cc, and Debian's opendkim, opendmarc, unbound
# (test/bench/install-peers.sh installs them without running their
# services), valgrind for instruction counts, linux-perf for --perf.
# test/bench/README.md says what the numbers mean and where the
# comparison is not even.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

quick=no
callgrind=yes
perf=no
postfix=yes
soak=""
report_out=""
for a in "$@"; do
	case $a in
	--quick) quick=yes ;;
	--keep) AM_KEEP=1; export AM_KEEP ;;
	--no-callgrind) callgrind=no ;;
	--perf) perf=yes ;;
	--no-postfix) postfix=no ;;
	--soak) soak=100000 ;;
	-o) report_out=next ;;
	-h|--help) sed -n '3,/^# What it does/p' "$0" | sed -e '$d' \
	    -e 's/^# \{0,1\}//'; exit 0 ;;
	[0-9]*)
		if [ -n "$soak" ] && [ "$report_out" != next ]; then
			soak=$a
		elif [ "$report_out" = next ]; then
			report_out=$a
		else
			echo "bench.sh: unexpected $a (see --help)" >&2
			exit 2
		fi ;;
	*)
		if [ "$report_out" = next ]; then
			report_out=$a
		else
			echo "bench.sh: unknown argument $a (see --help)" >&2
			exit 2
		fi ;;
	esac
done
[ "$report_out" = next ] && { echo "bench.sh: -o wants a file" >&2; exit 2; }
case $report_out in ''|/*) ;; *) report_out="$(pwd)/$report_out" ;; esac

if [ $quick = yes ]; then
	: "${BENCH_MSGS:=200}" "${BENCH_DOMAINS:=40}" "${BENCH_CG_MSGS:=20}"
	: "${BENCH_TIMEOUT:=600}" "${BENCH_REPEAT:=1}"
else
	: "${BENCH_MSGS:=2000}" "${BENCH_DOMAINS:=200}" "${BENCH_CG_MSGS:=100}"
	: "${BENCH_TIMEOUT:=1800}" "${BENCH_REPEAT:=3}"
fi
: "${BENCH_CONC:=1 8 64}" "${BENCH_DELAY_MS:=20}"
: "${BENCH_RESOLVER:=127.0.0.2}"

# The whole run under a deadline: timeout(1) sends SIGTERM, the EXIT
# trap below stops everything.
if [ -z "${BENCH_UNDER_TIMEOUT:-}" ]; then
	BENCH_UNDER_TIMEOUT=1
	export BENCH_UNDER_TIMEOUT BENCH_MSGS BENCH_DOMAINS BENCH_CG_MSGS \
	    BENCH_REPEAT BENCH_TIMEOUT BENCH_CONC BENCH_DELAY_MS BENCH_RESOLVER
	exec timeout --foreground -k 120 "$BENCH_TIMEOUT" sh "$0" "$@"
fi

say() {
	echo "bench: [$(date +%H:%M:%S)] $*" >&2
}

skip() {
	echo "bench: $*" >&2
	exit 77
}

# ------------------------------------------------------ prerequisites

[ "$(id -u)" -eq 0 ] || skip "run as root (users for the daemons," \
    "a mount namespace, port 53 on loopback)"
for b in milter/authmilter test/amclient test/dkim/dksign \
    test/dns/blackhole test/spf/zonesrv; do
	[ -x "$top_builddir/$b" ] ||
	    skip "$b is not built: make && make check (or make bench)"
done
for t in opendkim opendmarc unbound; do
	[ -x "/usr/sbin/$t" ] || skip "no /usr/sbin/$t: sh test/bench/install-peers.sh"
done
for t in python3 openssl unshare timeout drill "${CC:-cc}"; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found"
done
[ -x /usr/sbin/nsd ] || skip "no /usr/sbin/nsd (Debian package nsd)"
for u in opendkim opendmarc unbound; do
	id -u "$u" >/dev/null 2>&1 || skip "no user $u: reinstall the $u package"
done
if [ $callgrind = yes ] && ! command -v callgrind_control >/dev/null 2>&1
then
	say "valgrind not found: no instruction counts (apt-get install valgrind)"
	callgrind=no
fi
if [ $perf = yes ] && ! perf stat -e cpu-clock true >/dev/null 2>&1; then
	say "perf does not work here: no profile (apt-get install linux-perf)"
	perf=no
fi
if [ $postfix = yes ]; then
	for t in postfix smtp-source; do
		[ -x "/usr/sbin/$t" ] ||
		    skip "no /usr/sbin/$t: sh test/bench/install-peers.sh"
	done
	[ -r /usr/include/libmilter/mfapi.h ] ||
	    skip "no libmilter headers (Debian package libmilter-dev)"
fi
PSL=/usr/share/publicsuffix/public_suffix_list.dat
[ -r "$PSL" ] || skip "no $PSL (Debian package publicsuffix)"

# The peers' resolver address must be free on port 53.
if ss -Hlnu 2>/dev/null | awk '{ print $4 }' |
    grep -Eq "^($(echo "$BENCH_RESOLVER" | sed 's/\./\\./g')|0\.0\.0\.0|\*|\[::\]):53$"
then
	skip "something already listens on $BENCH_RESOLVER:53 (set BENCH_RESOLVER)"
fi

. "$top_srcdir/test/lib.sh"
am_setup bench
# Our EXIT trap: the session in flight, then lib.sh's cleanup (every pid
# in am_pids, the DNS fixture, the work directory unless AM_KEEP).
fgpid=""
bench_cleanup() {
	rc=$?
	trap '' HUP INT PIPE TERM
	[ -n "$fgpid" ] && kill "$fgpid" 2>/dev/null
	am_cleanup
	[ -n "${AM_KEEP:-}" ] && say "work directory kept: $T"
	exit $rc
}
trap bench_cleanup EXIT
trap 'say "interrupted"; exit 1' HUP INT PIPE TERM

t_start=$(date +%s)
# The load before we add ours: other work on the machine skews the timings
echo "start $(cut -d' ' -f1-3 /proc/loadavg)" >"$T/load.txt"
AMC="$T/amclient-rec"
REPORT="$top_srcdir/test/bench/report.py"
CLK_TCK=$(getconf CLK_TCK)
status=0

# fgrun CMD... - run CMD in the background and wait: a signal is handled
# at once (the trap kills CMD) instead of when CMD ends
fgrun() {
	"$@" &
	fgpid=$!
	wait "$fgpid"
	rc=$?
	fgpid=""
	return $rc
}

# drop_pid PID - forget PID (stopped) so the cleanup does not signal it
drop_pid() {
	np=""
	for p in $am_pids; do
		[ "$p" = "$1" ] || np="$np $p"
	done
	am_pids=$np
}

# stop_pid PID [TENTHS] - SIGTERM, wait up to TENTHS tenths of a second
# (default 150: milters finish their threads first), then SIGKILL
stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	n=0
	while kill -0 "$1" 2>/dev/null && [ $n -lt "${2:-150}" ]; do
		# a child of ours: reap it, or it stays a zombie
		case $(cat "/proc/$1/stat" 2>/dev/null) in
		*") Z "*) wait "$1" 2>/dev/null; break ;;
		esac
		sleep 0.1; n=$((n + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	drop_pid "$1"
}

# cpu PID - user + system clock ticks of PID so far (all threads)
cpu() {
	if [ -r "/proc/$1/stat" ]; then
		sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
	else
		echo 0
	fi
}

# hwm_reset PID, hwm PID - peak RSS: reset it, read it (kB)
hwm_reset() {
	echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true
}
hwm() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# wait_sock PATH PID SECONDS - the daemon PID listens on unix socket PATH
wait_sock() {
	n=0
	while [ $n -lt $(($3 * 10)) ]; do
		kill -0 "$2" 2>/dev/null || return 1
		if [ -S "$1" ] && python3 -c 'import socket,sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$1" 2>/dev/null
		then
			return 0
		fi
		sleep 0.1; n=$((n + 1))
	done
	return 1
}

# wait_tcp PORT PID SECONDS - the daemon PID listens on 127.0.0.1:PORT
wait_tcp() {
	n=0
	while [ $n -lt $(($3 * 10)) ]; do
		kill -0 "$2" 2>/dev/null || return 1
		python3 -c 'import socket,sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" \
		    2>/dev/null && return 0
		sleep 0.1; n=$((n + 1))
	done
	return 1
}

# ------------------------------------------------------------- corpus

CORPUS="$T/corpus"
mkdir -p "$CORPUS/keys" "$T/runs" "$T/verdicts" "$T/cg" "$T/chain"
chmod 755 "$T/chain"
say "corpus: $BENCH_MSGS messages, $BENCH_DOMAINS domains"
"${CC:-cc}" -O2 -pthread -I"$top_srcdir/test" -I"$top_builddir/test" \
    "$top_srcdir/test/amclient.c" "$top_srcdir/test/amclient_cli.c" \
    "$top_srcdir/test/amc_msgfile.c" \
    "$here/latdump.c" -Wl,--wrap=amc_summary -o "$AMC" ||
    { echo "bench: cannot build $AMC"; exit 1; }
pids=""
for i in 0 1 2; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$CORPUS/keys/rsa$i.pem" 2>/dev/null &
	pids="$pids $!"
	openssl genpkey -algorithm ed25519 -out "$CORPUS/keys/ed$i.pem" \
	    2>/dev/null &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || { echo "bench: openssl genpkey failed"; exit 1; }
done
fgrun python3 "$here/gencorpus.py" "$CORPUS" "$BENCH_MSGS" "$BENCH_DOMAINS" \
    "$CORPUS/keys" "$top_builddir/test/dkim/dksign" ||
    { echo "bench: corpus generation failed"; exit 1; }
ls "$CORPUS"/msgs/*.eml >"$T/list"
sed 's/^/bench:   /' "$CORPUS/SUMMARY" >&2

# ---------------------------------------------------------------- DNS

say "DNS fixture with $BENCH_DOMAINS signed zones (nsd rate limit off)"
mkdir -p "$T/shim"
cat >"$T/shim/nsd" <<'EOF'
#!/bin/sh
# bench.sh's shim: the fixture's nsd.conf with response rate limiting off
c=""; p=""
for a in "$@"; do [ "$p" = "-c" ] && c=$a; p=$a; done
[ -n "$c" ] && sed -i 's/^server:$/server:\n\trrl-ratelimit: 0\n\trrl-whitelist-ratelimit: 0/' "$c"
exec /usr/sbin/nsd "$@"
EOF
chmod 755 "$T/shim/nsd"
opath=$PATH
PATH="$T/shim:$PATH"
am_dns_start "$CORPUS/zones"
PATH=$opath
grep -q "rrl-ratelimit: 0" "$T/dns/nsd.conf" ||
    { echo "bench: the nsd shim did not run"; exit 1; }
P=$am_dnsport
R=$((am_dnsport + 2))
DP=$((40000 + ($$ % 2000) * 2))

# The peers' DNS lines: the fixture's, plus the empty root authmilter's
# test configuration also gets (am_config).
cp "$T/dns.conf" "$T/dns-peers.conf"
echo "DNSStubZone . 127.0.0.1@$R" >>"$T/dns-peers.conf"

# ------------------------------------------------------- configuration

C="$T/chain"
mkdir -p "$C/ub" "$C/dkim" "$C/dmarc"
chown unbound "$C/ub"
chown opendkim "$C/dkim"
chown opendmarc "$C/dmarc"
chmod 1777 "$T/cg"
printf 'nameserver %s\noptions attempts:2 timeout:5\n' "$BENCH_RESOLVER" \
    >"$C/resolv.conf"
chmod 644 "$C/resolv.conf"

# ubconf DNSLINES OUT - the unbound daemon's configuration from
# authmilter's DNS lines: the same trust anchors and stub zones
ubconf() {
	{
		echo "# written by bench.sh from $1"
		echo "server:"
		echo "	verbosity: 1"
		echo "	interface: $BENCH_RESOLVER"
		echo "	port: 53"
		echo "	do-ip6: no"
		echo "	do-not-query-localhost: no"
		echo "	use-syslog: no"
		echo "	chroot: \"\""
		echo "	username: \"unbound\""
		echo "	directory: \"$C/ub\""
		echo "	pidfile: \"\""
		echo "	logfile: \"$C/ub/unbound.log\""
		sed -n 's/^DNSTrustAnchor \(.*\)/	trust-anchor: "\1"/p' "$1"
		sed -n 's/^DNSStubZone \([^ .][^ ]*\) .*/	local-zone: "\1" transparent/p' "$1"
		sed -n 's/^DNSStubZone \([^ ]*\) \(.*\)/stub-zone:\n	name: "\1"\n	stub-addr: \2/p' "$1"
	} >"$2"
	chmod 644 "$2"
}

# delayed FILE - FILE with NSD and the root behind the delaying forwarder
delayed() {
	sed -e "s/127\.0\.0\.1@$P\$/127.0.0.1@$DP/" \
	    -e "s/127\.0\.0\.1@$R\$/127.0.0.1@$((DP + 1))/" "$1"
}

write_configs() {	# normal|delay
	if [ "$1" = delay ]; then
		delayed "$T/dns-peers.conf" >"$T/dns-peers-delay.conf"
		dnsl="$T/dns-peers-delay.conf"
	else
		dnsl="$T/dns-peers.conf"
	fi
	ubconf "$dnsl" "$C/ub/unbound.conf"
	# opendkim: its libunbound forwards to NSD, validating with the
	# fixture's anchors.  (Its ResolverConfiguration option, which would
	# take an unbound configuration file with the stub zones, crashes
	# Debian's opendkim 2.11.0~beta2 at the first concurrent sessions:
	# "unbound.conf:2: syntax error", then a segfault.)
	sed -n 's/^DNSTrustAnchor \(.*\)/\1/p' "$dnsl" >"$C/dkim/anchors"
	nsdaddr=$(sed -n 's/^DNSStubZone test\. //p' "$dnsl")
	cat >"$C/dkim/opendkim.conf" <<EOF
# written by bench.sh: Debian's opendkim, verifying only
Mode			v
Socket			local:$C/dkim/opendkim.sock
PidFile			$C/dkim/opendkim.pid
UserID			opendkim
UMask			0000
Syslog			yes
AuthservID		mx.chain.example
AlwaysAddARHeader	yes
SoftwareHeader		no
Nameservers		$nsdaddr
TrustAnchorFile		$C/dkim/anchors
DNSTimeout		5
EOF
	cat >"$C/dmarc/opendmarc.conf" <<EOF
# written by bench.sh: Debian's opendmarc, checking SPF itself
Socket			local:$C/dmarc/opendmarc.sock
PidFile			$C/dmarc/opendmarc.pid
UserID			opendmarc
UMask			0000
Syslog			true
AuthservID		mx.chain.example
TrustedAuthservIDs	mx.chain.example
SPFSelfValidate		true
SPFIgnoreResults	true
RejectFailures		true
HoldQuarantinedMessages	true
PublicSuffixList	$PSL
FailureReports		false
RequiredHeaders		false
IgnoreAuthenticatedClients false
SoftwareHeader		false
EOF
	chmod 644 "$C/dkim/opendkim.conf" "$C/dkim/anchors" \
	    "$C/dmarc/opendmarc.conf"
	am_config "$T/am.conf" "InternalHosts none" "LogLevel info"
	if [ "$1" = delay ]; then
		delayed "$T/am.conf" >"$T/am.conf.tmp" && mv "$T/am.conf.tmp" "$T/am.conf"
		chmod 644 "$T/am.conf"
	fi
}

# ------------------------------------------------------------ daemons

ub_pid="" dkim_pid="" dmarc_pid="" am_pid=""

start_unbound() {
	unbound -d -c "$C/ub/unbound.conf" >>"$C/ub/out" 2>&1 &
	ub_pid=$!
	am_pids="$am_pids $ub_pid"
	n=0
	# (test. is in no message: the probe warms nothing measured)
	until drill -Q @"$BENCH_RESOLVER" SOA test. >/dev/null 2>&1; do
		if ! kill -0 "$ub_pid" 2>/dev/null || [ $n -ge 50 ]; then
			echo "bench: unbound did not start:"; cat "$C/ub/out"
			exit 1
		fi
		sleep 0.1; n=$((n + 1))
	done
}

# start_peer NAME SECONDS [PREFIX...] - opendkim or opendmarc, under
# PREFIX (valgrind) if given, in a mount namespace with our resolv.conf
start_peer() {
	name=$1 secs=$2
	shift 2
	case $name in
	dkim) set -- "$@" /usr/sbin/opendkim -f -x "$C/dkim/opendkim.conf" ;;
	dmarc) set -- "$@" /usr/sbin/opendmarc -f -c "$C/dmarc/opendmarc.conf" ;;
	esac
	rm -f "$C/$name/open$name.sock" "$C/$name/open$name.pid"
	unshare --mount sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
	    "$C/resolv.conf" "$@" >>"$C/$name/out" 2>&1 &
	pid=$!
	am_pids="$am_pids $pid"
	# the Socket line of its configuration: local:PATH or inet:PORT@HOST
	sock=$(sed -n 's/^Socket[[:space:]]*//p' "$C/$name/open$name.conf")
	case $sock in
	inet:*) port=${sock#inet:}; wait_tcp "${port%@*}" "$pid" "$secs" ;;
	*) wait_sock "${sock#local:}" "$pid" "$secs" ;;
	esac
	if [ $? -ne 0 ]; then
		echo "bench: open$name did not start:"; tail -20 "$C/$name/out"
		exit 1
	fi
	eval "${name}_pid=$pid"
}

# start_am SECONDS [PREFIX...] - authmilter (am_start, with a longer wait
# and an optional valgrind in front)
start_am() {
	secs=$1
	shift
	touch "$T/am.log"
	started=$(grep -c ": started:" "$T/am.log")
	"$@" "$AM_BIN" -f -c "$T/am.conf" >>"$T/am.log" 2>&1 &
	am_pid=$!
	am_pids="$am_pids $am_pid"
	n=0
	until [ "$(grep -c ": started:" "$T/am.log")" -gt "$started" ]; do
		if ! kill -0 "$am_pid" 2>/dev/null || [ $n -ge $((secs * 10)) ]
		then
			echo "bench: authmilter did not start:"; tail -20 "$T/am.log"
			exit 1
		fi
		sleep 0.1; n=$((n + 1))
	done
}

start_all() {
	start_unbound
	start_peer dkim 10
	start_peer dmarc 10
	start_am 10
}

# stop_all - every daemon (all signalled first: libmilter takes a few
# seconds to wind down)
stop_all() {
	for p in $am_pid $dkim_pid $dmarc_pid $ub_pid; do
		kill "$p" 2>/dev/null
	done
	for p in $am_pid $dkim_pid $dmarc_pid $ub_pid; do
		stop_pid "$p"
	done
	am_pid="" dkim_pid="" dmarc_pid="" ub_pid=""
}

say "starting unbound ($BENCH_RESOLVER:53), opendkim, opendmarc, authmilter"
write_configs normal
start_all

AMS="unix:$T/am.sock"

# ---------------------------------------------------------------- soak

# --soak N: N messages through authmilter at concurrency 64 in ten
# rounds, the corpus over and over; after each round its RSS, open
# descriptors and threads.  Flat from the first tenth on, or it leaks.
if [ -n "$soak" ]; then
	per=$((soak / 10))
	[ "$per" -ge 1 ] || per=1
	say "soak: $soak messages at concurrency 64, ten rounds of $per"
	SK="$T/soak.tsv"
	: >"$SK"
	r=1
	while [ $r -le 10 ]; do
		fgrun "$AMC" -s "$AMS" -q -n 64 -N "$per" -t 60 $(cat "$T/list") \
		    >"$T/soak-$r.sum" 2>"$T/soak-$r.err" || {
			say "soak round $r: some sessions failed:"
			head -5 "$T/soak-$r.err" >&2
			status=1
		}
		el=$(awk '/^elapsed/ { print $2 }' "$T/soak-$r.sum")
		failed=$(sed -n 's/.*connfail=\([0-9]*\).*/\1/p' "$T/soak-$r.sum")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$per" "${el:-0}" \
		    "$(awk '/^VmRSS:/ { print $2 }' "/proc/$am_pid/status")" \
		    "$(ls "/proc/$am_pid/fd" | wc -l)" \
		    "$(awk '/^Threads:/ { print $2 }' "/proc/$am_pid/status")" \
		    "$(wc -l <"$T/soak-$r.err")" >>"$SK"
		r=$((r + 1))
	done
	{
		echo "Soak - authmilter alone, $soak messages at concurrency 64" \
		    "(the corpus over and over), in ten rounds;"
		echo "after each round: RSS, open descriptors and threads of the daemon."
		echo
		awk -F'\t' 'BEGIN { printf "%6s %9s %8s %8s %5s %8s %7s\n", "round",
		    "messages", "msg/s", "RSS MB", "fds", "threads", "errors" }
		    { printf "%6d %9d %8.0f %8.1f %5d %8d %7d\n", $1, $2,
		      ($3 > 0 ? $2 / $3 : 0), $4 / 1024, $5, $6, $7
		      if (NR == 1) { r1 = $4; f1 = $5 } rN = $4; fN = $5 }
		    END { printf "\nRSS after the first tenth %.1f MB, at the end " \
		      "%.1f MB (%+.1f%%); descriptors %d, then %d\n", r1 / 1024,
		      rN / 1024, (r1 > 0 ? (rN - r1) * 100 / r1 : 0), f1, fN }' "$SK"
	} >"$T/report.txt"
	cat "$T/report.txt"
	[ -n "$report_out" ] && cp "$T/report.txt" "$report_out"
	exit $status
fi
DKS="unix:$C/dkim/opendkim.sock"
DMS="unix:$C/dmarc/opendmarc.sock"

# ----------------------------------------------------------- verdicts

V="$T/verdicts"

# verbose NAME SOCKET LIST - every message of LIST at concurrency 1,
# amclient's per-session output in $V/NAME.out
verbose() {
	fgrun "$AMC" -s "$2" -t 60 $(cat "$3") >"$V/$1.out" 2>"$V/$1.err" || {
		say "$1: some sessions failed:"
		head "$V/$1.err" >&2
		status=1
	}
}

say "verdicts: the corpus through each milter at concurrency 1" \
    "(cold, then warm caches)"
l0=$(wc -l <"$T/am.log")
verbose am "$AMS" "$T/list"
sleep 0.2
tail -n +"$((l0 + 1))" "$T/am.log" >"$V/am.log"
verbose dkim "$DKS" "$T/list"
mkdir -p "$T/corpus2"
python3 "$REPORT" arcorpus "$V/dkim.out" "$T/list" "$T/corpus2" >"$T/list2" ||
    { echo "bench: cannot build the second leg's corpus"; exit 1; }
verbose dmarc "$DMS" "$T/list2"

# ------------------------------------------------- throughput, latency

# run LABEL SOCKET CONC REP LIST PID [PID2] - one replay, a line in
# runs.tsv: LABEL CONC REP ELAPSED CPU-SECONDS(PID) CPU-SECONDS(PID2)
# RSS-KB(PID) RSS-KB(PID2), the peak RSS reset before the run; PID2 is
# the unbound daemon for the chain's legs
run() {
	label=$1 sock=$2 conc=$3 rep=$4 list=$5 p1=$6 p2=${7:-}
	f="$T/runs/$label-$conc-$rep"
	hwm_reset "$p1"
	[ -z "$p2" ] || hwm_reset "$p2"
	a1=$(cpu "$p1")
	a2=0
	[ -z "$p2" ] || a2=$(cpu "$p2")
	fgrun env AMCLIENT_RECORDS="$f.rec" "$AMC" -s "$sock" -q -n "$conc" \
	    -t 60 $(cat "$list") >"$f.sum" 2>"$f.err" || {
		say "$label at $conc: some sessions failed:"
		head -5 "$f.err" >&2
		status=1
	}
	b1=$(cpu "$p1")
	b2=0 r2=0
	[ -z "$p2" ] || { b2=$(cpu "$p2"); r2=$(hwm "$p2"); }
	el=$(awk '/^elapsed/ { print $2 }' "$f.sum")
	awk -v l="$label" -v c="$conc" -v r="$rep" -v el="${el:-0}" \
	    -v t="$CLK_TCK" -v a1="$a1" -v b1="$b1" -v a2="$a2" -v b2="$b2" \
	    -v r1="$(hwm "$p1")" -v r2="$r2" 'BEGIN {
		printf "%s\t%s\t%s\t%s\t%.2f\t%.2f\t%s\t%s\n", l, c, r, el,
		    (b1 - a1) / t, (b2 - a2) / t, r1, r2 }' >>"$T/runs/runs.tsv"
}

: >"$T/runs/runs.tsv"
echo "replays $(cut -d' ' -f1-3 /proc/loadavg)" >>"$T/load.txt"
for c in $BENCH_CONC; do
	say "replay at concurrency $c, $BENCH_REPEAT time(s): authmilter," \
	    "then the chain (opendkim, opendmarc)"
	r=1
	while [ $r -le "$BENCH_REPEAT" ]; do
		run am "$AMS" "$c" $r "$T/list" "$am_pid"
		run dkim "$DKS" "$c" $r "$T/list" "$dkim_pid" "$ub_pid"
		run dmarc "$DMS" "$c" $r "$T/list2" "$dmarc_pid" "$ub_pid"
		r=$((r + 1))
	done
done

echo "after-replays $(cut -d' ' -f1-3 /proc/loadavg)" >>"$T/load.txt"

# A profile of authmilter at the highest concurrency (--perf): sampled
# on CPU time, kernel included; not part of the tables.
if [ $perf = yes ]; then
	c=$(echo $BENCH_CONC | awk '{ print $NF }')
	say "perf: authmilter at concurrency $c, sampled"
	perf record -q -e cpu-clock -p "$am_pid" -o "$T/perf.data" \
	    >"$T/perf.out" 2>&1 &
	perf_pid=$!
	am_pids="$am_pids $perf_pid"
	sleep 0.5
	fgrun "$AMC" -s "$AMS" -q -n "$c" -t 60 $(cat "$T/list") \
	    >"$T/perf.sum" 2>&1 || status=1
	kill -INT "$perf_pid" 2>/dev/null
	wait "$perf_pid" 2>/dev/null
	drop_pid "$perf_pid"
	perf report -i "$T/perf.data" --stdio --sort dso 2>/dev/null |
	    grep -E '^ +[0-9.]+%' >"$T/perf-dso.txt" || true
	perf report -i "$T/perf.data" --stdio --sort dso,symbol \
	    --percent-limit 0.7 2>/dev/null |
	    grep -E '^ +[0-9.]+%' >"$T/perf.txt" || true
fi

# ---------------------------------------------------- instruction counts

# Each milter under callgrind twice: started, BENCH_CG_MSGS messages at
# concurrency 8 to warm its caches, the same again (counted), stopped;
# then started, warmed, stopped.  The difference of the two totals is
# the instructions of the counted pass: start-up, warm-up and shut-down
# cancel out.  (callgrind_control would zero and dump the counters in
# place, but its vgdb link does not work with these multi-threaded
# daemons here: the commands are never picked up.)

: >"$T/cg/cg.tsv"
if [ $callgrind = yes ]; then
	python3 "$REPORT" cgsubset "$T/list" "$T/list2" "$CORPUS/INDEX" \
	    "$BENCH_CG_MSGS" "$T/cg" || { echo "bench: cgsubset failed"; exit 1; }
	ncg=$(wc -l <"$T/cg/list")
	VG="valgrind --tool=callgrind --vgdb=no"

	# cg_pass LABEL SOCKET LIST - one pass at concurrency 8
	cg_pass() {
		fgrun "$AMC" -s "$2" -q -n 8 -t 120 $(cat "$3") \
		    >>"$T/cg/$1.sum" 2>&1 || {
			say "callgrind: $1: some sessions failed"; status=1; }
	}

	# cg_start LABEL RUN, cg_stop LABEL RUN - one daemon under callgrind;
	# cg_stop leaves its total instruction count in cg_total
	cg_start() {
		# callgrind creates its output file at start-up, as root, mode
		# 0600, and writes it at exit, after the daemon has changed
		# user: a file that exists already keeps its mode 0666
		: >"$T/cg/$1.$2"
		chmod 666 "$T/cg/$1.$2"
		case $1 in
		am) start_am 120 $VG --callgrind-out-file="$T/cg/am.$2" ;;
		*) start_peer "$1" 120 $VG --callgrind-out-file="$T/cg/$1.$2" ;;
		esac
	}
	cg_stop() {
		eval "p=\$${1}_pid"
		stop_pid "$p" 600
		eval "${1}_pid=''"
		cg_total=$(awk '/^summary:/ { print $2 }' "$T/cg/$1.$2" 2>/dev/null)
	}

	say "instruction counts: $ncg messages at concurrency 8 under callgrind"
	ub_keep=$ub_pid
	ub_pid=""
	stop_all
	ub_pid=$ub_keep
	for m in am dkim dmarc; do
		case $m in
		am) sock=$AMS l="$T/cg/list" ;;
		dkim) sock=$DKS l="$T/cg/list" ;;
		dmarc) sock=$DMS l="$T/cg/list2" ;;
		esac
		cg_start "$m" a
		cg_pass "$m" "$sock" "$l"
		cg_pass "$m" "$sock" "$l"
		cg_stop "$m" a
		ia=$cg_total
		cg_start "$m" b
		cg_pass "$m" "$sock" "$l"
		cg_stop "$m" b
		ib=$cg_total
		printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$ncg" "${ia:-0}" "${ib:-0}" \
		    "$T/cg/$m.a" >>"$T/cg/cg.tsv"
	done
fi

# ------------------------------------------------------------ Postfix

stop_all
if [ $postfix = yes ]; then
	. "$here/postfix.sh"
fi

# ------------------------------------------------------- DNS latency

stop_all
DL="$T/delay"
mkdir -p "$DL"
# the first message of each domain: every one a From domain not seen yet
head -n "$BENCH_DOMAINS" "$T/list" >"$DL/list"
head -n "$BENCH_DOMAINS" "$T/list2" >"$DL/list2"
say "DNS latency: $BENCH_DELAY_MS ms per answer, cold caches," \
    "$BENCH_DOMAINS messages at concurrency 1"
python3 "$here/dnsdelay.py" -d "$BENCH_DELAY_MS" -l "$DL/queries.log" \
    "$DP:$P" "$((DP + 1)):$R" >"$DL/dnsdelay.out" 2>&1 &
dd_pid=$!
am_pids="$am_pids $dd_pid"
n=0
until drill -Q -p "$DP" @127.0.0.1 SOA test. >/dev/null 2>&1; do
	if ! kill -0 "$dd_pid" 2>/dev/null || [ $n -ge 50 ]; then
		echo "bench: dnsdelay.py did not start:"; cat "$DL/dnsdelay.out"
		exit 1
	fi
	sleep 0.1; n=$((n + 1))
done
write_configs delay
start_all
: >"$DL/queries.log"

# cold NAME SOCKET LIST - LIST at concurrency 1, records in $DL/NAME.rec;
# a line in $DL/queries.tsv: how many queries reached the forwarder
cold() {
	q0=$(wc -l <"$DL/queries.log")
	fgrun env AMCLIENT_RECORDS="$DL/$1.rec" "$AMC" -s "$2" -q -t 60 \
	    $(cat "$3") >"$DL/$1.sum" 2>"$DL/$1.err" || status=1
	sleep 0.5
	printf '%s\t%s\n' "$1" $(($(wc -l <"$DL/queries.log") - q0)) \
	    >>"$DL/queries.tsv"
}

: >"$DL/queries.tsv"
cold am "$AMS" "$DL/list"
cold dkim "$DKS" "$DL/list"
cold dmarc "$DMS" "$DL/list2"
stop_all
stop_pid "$dd_pid"

# -------------------------------------------------------------- report

elapsed=$(($(date +%s) - t_start))
say "done in $elapsed s; report:"
{
	python3 "$REPORT" report --dir "$T" --msgs "$BENCH_MSGS" \
	    --domains "$BENCH_DOMAINS" --conc "$BENCH_CONC" \
	    --delay-ms "$BENCH_DELAY_MS" --elapsed "$elapsed" \
	    --quick "$quick" --repeat "$BENCH_REPEAT" \
	    --postfix-version "$(postconf -d -h mail_version 2>/dev/null)" \
	    --pf-sessions "${BENCH_PF_SESSIONS:-?}" || status=1
} >"$T/report.txt"
cat "$T/report.txt"
[ -n "$report_out" ] && cp "$T/report.txt" "$report_out"
exit $status
