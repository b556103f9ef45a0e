# lib.sh - shared by the end-to-end test scripts (sourced, POSIX sh)
#
# Gives each script a private directory, starts what it needs (the DNS
# fixture, the daemon), stops everything by pid on exit, failure included,
# and counts checks: the script ends with am_done, which prints
# "NAME: N passed, M failed" and sets the exit status.

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
AM_BIN="$top_builddir/milter/authmilter"
AM_CLIENT="$top_builddir/test/amclient"
AM_FIXTURE="$top_srcdir/test/dns/fixture.sh"
am_passed=0
am_failed=0
am_pids=""
am_dnsdir=""

# am_setup NAME - private directory $T (readable by the daemon's user)
am_setup() {
	am_name=$1
	T=$(mktemp -d "/tmp/am-$1.XXXXXX") || exit 99
	chmod 755 "$T"
	trap am_cleanup EXIT
	trap 'exit 1' HUP INT PIPE TERM
	am_user
}

# am_user - the unprivileged account the daemon runs as, when root
am_user() {
	AM_USER=$(id -un)
	[ "$(id -u)" -eq 0 ] || return 0
	AM_USER=authmilter
	id -u "$AM_USER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent \
		    --shell /usr/sbin/nologin "$AM_USER" || exit 99
}

# am_cleanup - stop everything this script started, by pid
am_cleanup() {
	for p in $am_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $am_pids; do
		n=0
		while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do
			sleep 0.1; n=$((n + 1))
		done
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$am_dnsdir" ] && "$AM_FIXTURE" stop "$am_dnsdir" >/dev/null 2>&1
	[ -n "${AM_KEEP:-}" ] || rm -rf "$T"
}

# am_dns_start [EXTRA_ZONE_DIR] - the DNS fixture; its config in $T/dns.conf
am_dns_start() {
	am_dnsdir="$T/dns"
	mkdir -p "$am_dnsdir"
	am_dnsport=$((20000 + ($$ % 2000) * 4))
	"$AM_FIXTURE" start "$am_dnsdir" "$am_dnsport" ${1:+"$1"} \
	    >"$T/fixture.log" 2>&1 || {
		echo "DNS fixture failed to start:"; cat "$T/fixture.log"
		exit 99
	}
	cp "$am_dnsdir/authmilter-dns.conf" "$T/dns.conf"
	# The rest of the name space: an empty root that says NXDOMAIN, so
	# walks up to a TLD (DMARC) end as on the Internet, and no test
	# query leaves the machine.
	: >"$T/root.data"
	"$top_builddir/test/spf/zonesrv" -a 127.0.0.1 \
	    -p $((am_dnsport + 2)) -f "$T/root.data" >"$T/root.log" 2>&1 &
	am_pids="$am_pids $!"
}

# am_config FILE [LINES...] - a test config for the daemon; a LINE whose
# key is one of the defaults below replaces that default
am_config() {
	f=$1; shift
	{
		for d in "Socket unix:$T/am.sock" "PidFile $T/am.pid" \
		    "User $AM_USER" "AuthservID mx.test.example" \
		    "DNSTimeout 2s" "DNSMessageBudget 10s" "LogLevel debug"; do
			key=${d%% *}
			for l in "$@"; do
				[ "${l%% *}" = "$key" ] && d="" && break
			done
			[ -n "$d" ] && echo "$d"
		done
		if [ -f "$T/dns.conf" ]; then
			cat "$T/dns.conf"
			echo "DNSStubZone . 127.0.0.1@$((am_dnsport + 2))"
		fi
		for l in "$@"; do echo "$l"; done
	} >"$f"
	chmod 644 "$f"
}

# am_start CONF - the daemon in the foreground, log in $T/am.log
am_start() {
	touch "$T/am.log"
	started=$(grep -c ": started:" "$T/am.log")
	# AM_VALGRIND=1: the daemon under memcheck (make memcheck)
	if [ -n "${AM_VALGRIND:-}" ]; then
		am_wait=1200
		valgrind -q --vgdb=no --leak-check=full \
		    --errors-for-leak-kinds=definite \
		    --show-leak-kinds=definite --log-file="$T/valgrind.%p.log" \
		    "$(cd "$(dirname "$AM_BIN")" && pwd)/$(basename "$AM_BIN")" \
		    -f -c "$1" >>"$T/am.log" 2>&1 &
	else
		am_wait=100
		"$AM_BIN" -f -c "$1" >>"$T/am.log" 2>&1 &
	fi
	am_pid=$!
	am_pids="$am_pids $am_pid"
	n=0
	# Ready once it logs "started" (a stale socket file may already exist).
	until [ "$(grep -c ": started:" "$T/am.log")" -gt "$started" ]; do
		if ! kill -0 "$am_pid" 2>/dev/null || [ $n -ge $am_wait ]; then
			echo "authmilter did not start:"; cat "$T/am.log"
			return 1
		fi
		sleep 0.05; n=$((n + 1))
	done
}

# am_stop - SIGTERM the daemon and wait for it; its exit code in $am_rc
am_stop() {
	kill "$am_pid" 2>/dev/null
	wait "$am_pid"
	am_rc=$?
}

# am_send OUT [amclient options...] MSG - one session, output in OUT
am_send() {
	out=$1; shift
	"$AM_CLIENT" -s "unix:$T/am.sock" "$@" >"$out" 2>&1
}

# ok DESCRIPTION - a check that held
ok() { am_passed=$((am_passed + 1)); echo "ok - $1"; }

# not_ok DESCRIPTION - a check that failed, with context from FILE
not_ok() {
	am_failed=$((am_failed + 1)); echo "FAIL - $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    | /' "$2" | head -40
}

# expect_grep DESC PATTERN FILE - FILE has a line matching PATTERN (ERE)
expect_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else not_ok "$1 (want /$2/)" "$3"; fi
}

# expect_no_grep DESC PATTERN FILE - no line of FILE matches PATTERN
expect_no_grep() {
	if grep -Eq -- "$2" "$3"; then not_ok "$1 (unwanted /$2/)" "$3"; else ok "$1"; fi
}

# expect_rc DESC GOT WANT
expect_rc() {
	if [ "$2" -eq "$3" ]; then ok "$1"; else not_ok "$1 (exit $2, want $3)"; fi
}

# am_sanitizer_check - no daemon log holds a sanitizer report
am_sanitizer_check() {
	if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" \
	    "$T"/*.log >/dev/null 2>&1; then
		for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T"/*.log); do
			not_ok "sanitizer report in $(basename "$f")" "$f"
		done
	else
		ok "no sanitizer report in the daemon's logs"
	fi
}

# am_valgrind_check - memcheck found no error and no definite leak
am_valgrind_check() {
	[ -n "${AM_VALGRIND:-}" ] || return 0
	for p in $am_pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if cat "$T"/valgrind.*.log 2>/dev/null | grep -q .; then
		for f in "$T"/valgrind.*.log; do
			[ -s "$f" ] && not_ok "memcheck report $(basename "$f")" "$f"
		done
	else
		ok "memcheck: no error, no definite leak"
	fi
}

# am_done - the summary line and the exit status
am_done() {
	am_sanitizer_check
	am_valgrind_check
	echo "$am_name: $am_passed passed, $am_failed failed"
	[ "$am_failed" -eq 0 ]
}
