#!/bin/sh
# run-suite.sh - the RFC 7208 (openspf) test suite through the daemon
#
# Usage: run-suite.sh [--only SCENARIO_OR_TEST]
#
# suite2data.py turns the suite into one zonesrv data file and one test
# list per scenario.  For each scenario zonesrv (on 127.0.0.1) is loaded
# with its zonedata, authmilter is started with its DNS pointed at that
# server only, and every test is one milter session by amclient with the
# test's client IP, HELO and MAIL FROM.  The spf= result of the
# Authentication-Results header the daemon inserts must be one of the
# test's results; for a fail with an expected explanation the
# explanation must match too (see spf_explanation below).
#
# --only N, --only scenarioN or --only TESTNAME runs that scenario or
# test alone, and prints each session and zonesrv's query log.
#
# Prints "FAIL N/TEST: got=X want=Y" per failure; a test listed in
# test/spf/EXCEPTIONS prints XFAIL instead (counted apart) or XPASS
# (counted as passed); one line per scenario; last
# "spf-suite: N passed, M failed".  Exit 0; 1 when a test not listed in
# EXCEPTIONS fails; 77 (skip) without the suite file or python3-yaml;
# 99 when the fixture or the daemon will not start.
#
# Environment: top_srcdir, top_builddir (test/lib.sh); SPF_SUITE, the
# YAML file (default test/spf/rfc7208-tests.yml); SPF_JOBS, sessions in
# flight (default 16); SPF_DNS, "forward" (default) or "stub";
# SPF_DNS_TIMEOUT, the daemon's DNSTimeout (default 1s); PYTHON
# (default /usr/bin/python3); SPF_DEFAULT_EXP, a glob matching the
# daemon's default explanation (see exp_match); AM_KEEP=1 keeps the
# work directory.
#
# DNS, as measured with libunbound 1.17:
#   - "forward" is "DNSForwarder 127.0.0.1@PORT".  "stub" is
#     "DNSStubZone . 127.0.0.1@PORT": unbound then primes the root
#     (". NS", which zonesrv answers) and minimises query names, so a
#     lookup below a TIMEOUT name (example.com is one) waits for the
#     minimised query to time out first, 1.3 to 3 s, often past
#     DNSTimeout: spurious temperrors.  A forwarder does neither.
#   - unbound answers the RFC 6303 reverse zones (192.0.2.x, 2001:db8::,
#     192.168.x ...) from built-in local data, NXDOMAIN; a DNSStubZone
#     for each documentation and private range sends them to zonesrv.
#   - TTL 0 keeps answers from one scenario out of the next, but a
#     SERVFAIL after a timeout stays cached for 5 to 10 s, past the data
#     change: the daemon (with it the resolver) restarts per scenario.

. "${top_srcdir:-.}/test/lib.sh"

SPF_DIR="$top_srcdir/test/spf"
ZONESRV="$top_builddir/test/spf/zonesrv"
: "${SPF_SUITE:=$SPF_DIR/rfc7208-tests.yml}"
: "${SPF_JOBS:=16}"
: "${SPF_DNS:=forward}"
: "${SPF_DNS_TIMEOUT:=1s}"
: "${PYTHON:=/usr/bin/python3}"
RFC6303_ZONES="2.0.192.in-addr.arpa 100.51.198.in-addr.arpa
113.0.203.in-addr.arpa 168.192.in-addr.arpa 10.in-addr.arpa
8.b.d.0.1.0.0.2.ip6.arpa"
TAB=$(printf '\t')
US=$(printf '\037')

usage() {
	echo "usage: run-suite.sh [--only SCENARIO_OR_TEST]" >&2
	exit 99
}

only=
while [ $# -gt 0 ]; do
	case $1 in
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--only=*) only=${1#--only=}; shift ;;
	*) usage ;;
	esac
done
case $SPF_JOBS in ''|*[!0-9]*|0) usage ;; esac

# The suite is a copy of ../shared/testsuites/spf, unmodified: its digest
# is the one its README records.  Never edited, never skipped.
SUITE_SHA256=901f561a6e2b1c1590a40a61b1ac7601226fd7045a7aae591a4d25421358d6f9
if [ ! -r "$SPF_SUITE" ]; then
	echo "spf-suite: no suite file $SPF_SUITE"
	exit 99
fi
if [ "$SPF_SUITE" = "$SPF_DIR/rfc7208-tests.yml" ] &&
    [ "$(sha256sum <"$SPF_SUITE" | cut -d' ' -f1)" != "$SUITE_SHA256" ]; then
	echo "spf-suite: $SPF_SUITE differs from the published suite"
	exit 99
fi
if ! "$PYTHON" -c 'import yaml' 2>/dev/null; then
	echo "spf-suite: $PYTHON cannot import yaml (install python3-yaml)"
	exit 99
fi
for f in "$ZONESRV" "$AM_BIN" "$AM_CLIENT"; do
	[ -x "$f" ] || { echo "spf-suite: $f is missing (make check builds it)"; exit 99; }
done

am_setup spf-suite

# now_ms - a millisecond clock, for the timings
now_ms() {
	t=$(date +%s%N)
	case $t in
	*N) echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}

# ------------------------------------------------------------------ DNS

# zs_start FILE - zonesrv serving FILE on a free port, in $zs_port
zs_start() {
	try=0
	while [ $try -lt 10 ]; do
		zs_port=$((30000 + ($$ * 7 + try * 131) % 20000))
		rm -f "$T/zonesrv.pid"
		"$ZONESRV" -a 127.0.0.1 -p "$zs_port" -f "$1" \
		    -P "$T/zonesrv.pid" -v 2>>"$T/zonesrv.log" &
		zs_pid=$!
		n=0
		while [ ! -f "$T/zonesrv.pid" ] && kill -0 "$zs_pid" 2>/dev/null &&
		    [ $n -lt 200 ]; do
			sleep 0.01; n=$((n + 1))
		done
		if [ -f "$T/zonesrv.pid" ]; then
			am_pids="$am_pids $zs_pid"
			return 0
		fi
		kill "$zs_pid" 2>/dev/null
		wait "$zs_pid" 2>/dev/null
		try=$((try + 1))
	done
	echo "zonesrv did not start:"; tail -5 "$T/zonesrv.log"
	return 1
}

# zs_load FILE - zonesrv re-reads FILE; back when it has (it rewrites
# its pid file after every good load)
zs_load() {
	cp "$1" "$T/zone.data" || return 1
	rm -f "$T/zonesrv.pid"
	kill -HUP "$zs_pid" || return 1
	n=0
	until [ -f "$T/zonesrv.pid" ]; do
		if [ $n -ge 500 ]; then
			echo "zonesrv did not load $1:"; tail -5 "$T/zonesrv.log"
			return 1
		fi
		sleep 0.01; n=$((n + 1))
	done
}

# ------------------------------------------------------- the A-R header

# ar_spf FILE - the spf resinfo of the Authentication-Results header
# that amclient's output FILE shows inserted or added: folded lines
# joined, resinfos split at ";" outside comments and quoted strings;
# the one naming smtp.mailfrom when there are several.  Empty if none.
ar_spf() {
	awk '
	function flush() {
		if (v == "")
			return
		n = 0; cur = ""; depth = 0; q = 0
		for (i = 1; i <= length(v); i++) {
			c = substr(v, i, 1)
			if (c == "\\" && (q || depth > 0)) {
				cur = cur c substr(v, i + 1, 1); i++; continue
			}
			if (q && c == "\"") q = 0
			else if (!q && c == "\"") q = 1
			else if (!q && c == "(") depth++
			else if (!q && c == ")" && depth > 0) depth--
			else if (!q && depth == 0 && c == ";") {
				ri[++n] = cur; cur = ""; continue
			}
			cur = cur c
		}
		ri[++n] = cur
		for (i = 1; i <= n; i++) {
			if (tolower(ri[i]) !~ /^[ \t]*spf[ \t]*=/)
				continue
			if (first == "") first = ri[i]
			if (mailfrom == "" && ri[i] ~ /smtp\.mailfrom=/)
				mailfrom = ri[i]
		}
		v = ""
	}
	{ sub(/\r$/, "") }
	in_ar && /^[ \t]/ { v = v $0; next }
	{ in_ar = 0; flush() }
	/^(insheader [0-9]+|addheader) Authentication-Results:/ {
		v = $0; sub(/^[^:]*:/, "", v); v = v " "; in_ar = 1
	}
	END {
		flush()
		print (mailfrom != "" ? mailfrom : first)
	}' "$1"
}

# spf_result RESINFO - its result word, lower case
spf_result() {
	printf '%s\n' "$1" | sed -n \
	    's/^[[:space:]]*[Ss][Pp][Ff][[:space:]]*=[[:space:]]*\([A-Za-z]*\).*/\1/p' |
	    tr '[:upper:]' '[:lower:]'
}

# spf_explanation OUT RESINFO - the explanation the daemon reported for
# a fail, from amclient's output OUT or the spf RESINFO.
#
# *** ASSUMPTION, to adapt when the daemon's output changes ***
# The daemon inserts Received-SPF headers (RFC 7208 9.1), one per
# identity; the one with identity=mailfrom (else the first) carries
#   explanation=TOKEN  or  explanation="TEXT" (\" and \\ escaped).
# RESINFO is unused (the A-R spf resinfo carries no explanation today);
# if the explanation moves there, or into a comment of another shape,
# change only this function and exp_match.
spf_explanation() {
	awk '
	function flush() {
		if (v == "")
			return
		if (first == "") first = v
		if (pick == "" && v ~ /;[ \t]*identity=mailfrom([ \t;]|$)/)
			pick = v
		v = ""
	}
	{ sub(/\r$/, "") }
	in_rs && /^[ \t]/ { v = v $0; next }
	{ in_rs = 0; flush() }
	/^(insheader [0-9]+|addheader) Received-SPF:/ { v = $0; in_rs = 1 }
	END {
		flush()
		s = (pick != "" ? pick : first)
		if (!match(s, /[; \t]explanation=/))
			exit
		s = substr(s, RSTART + RLENGTH); out = ""
		if (substr(s, 1, 1) != "\"") {
			match(s, /^[^; \t]*/)
			print substr(s, 1, RLENGTH)
			exit
		}
		for (j = 2; j <= length(s); j++) {
			c = substr(s, j, 1)
			if (c == "\\") { j++; out = out substr(s, j, 1); continue }
			if (c == "\"") break
			out = out c
		}
		print out
	}' "$1"
}

# exp_match GOT WANT - GOT, from spf_explanation, is the explanation
# WANT of the suite.  The suite's "DEFAULT" stands for the checker's
# own default explanation (pyspf's test driver sets it to "DEFAULT"):
# none reported, or one matching the glob SPF_DEFAULT_EXP, by default
# the daemon's "%{i} is not a permitted sender for %{d}" expanded.
exp_match() {
	[ "$1" = "$2" ] && return 0
	[ "$2" = DEFAULT ] || return 1
	[ -z "$1" ] && return 0
	pat=${SPF_DEFAULT_EXP:-'* is not a permitted sender for *'}
	# shellcheck disable=SC2254 # $pat is a glob on purpose
	case $1 in
	$pat) return 0 ;;
	esac
	return 1
}

# ------------------------------------------------------------ the tests

# exception NAME - the reason NAME is listed in EXCEPTIONS, if it is
exception() {
	[ -f "$SPF_DIR/EXCEPTIONS" ] || return 0
	awk -F "$TAB" -v n="$1" \
	    '$0 !~ /^#/ && $1 == n { print ($2 == "" ? "-" : $2); exit }' \
	    "$SPF_DIR/EXCEPTIONS"
}

# decode FIELD - a test-list field back to its bytes (printf %b escapes)
decode() {
	printf '%b' "$1"
}

# daemon_start N - the daemon for scenario N, on $T/amN.sock.  Not
# am_start: the daemon takes ~5 s to stop, so the one of the previous
# scenario is still stopping, on its own socket and pid file.
daemon_start() {
	sed -e "s|^Socket .*|Socket unix:$T/am$1.sock|" \
	    -e "s|^PidFile .*|PidFile $T/am$1.pid|" "$T/spf.conf" >"$T/am$1.conf"
	chmod 644 "$T/am$1.conf"
	"$AM_BIN" -f -c "$T/am$1.conf" >>"$T/am.log" 2>&1 &
	am_pid=$!
	am_pids="$am_pids $am_pid"
	n=0
	until [ -S "$T/am$1.sock" ]; do
		if ! kill -0 "$am_pid" 2>/dev/null || [ $n -ge 200 ]; then
			echo "authmilter did not start:"; tail -20 "$T/am.log"
			return 1
		fi
		sleep 0.02; n=$((n + 1))
	done
}

# daemon_reap - wait for the stopped daemons; a bad exit is reported
daemon_reap() {
	for p in $stopping; do
		wait "$p"
		rc=$?
		am_pids=$(echo " $am_pids " | sed "s/ $p / /")
		[ $rc -eq 0 ] || echo "# note: authmilter $p exited $rc"
	done
	stopping=
}

# run_test I HOST HELO MAILFROM - session I; amclient's output in $T/out/I
run_test() {
	"$AM_CLIENT" -s "unix:$T/am$scn.sock" -c "$(decode "$2")" \
	    -e "$(decode "$3")" -f "$(decode "$4")" -m "i=SPF$scn-$1" \
	    "$T/msg.eml" >"$T/out/$1" 2>&1
}

# run_scenario N - start the daemon, run scenario N's tests (in
# batches of SPF_JOBS), judge them, stop the daemon
run_scenario() {
	scn=$1
	t0=$(now_ms)
	tr '\t' '\037' <"$T/data/scenario$scn.tests" >"$T/cur.tests"
	if [ -n "$only_test" ]; then
		awk -F "$US" -v n="$only_test" '$1 == n' "$T/cur.tests" \
		    >"$T/cur.only" && mv "$T/cur.only" "$T/cur.tests"
	fi
	zs_load "$T/data/scenario$scn.data" || exit 99
	zs_mark=$(wc -l <"$T/zonesrv.log")
	daemon_start "$scn" || exit 99
	rm -rf "$T/out"
	mkdir "$T/out"
	i=0
	pids=
	while IFS=$US read -r name host helo from results exp; do
		i=$((i + 1))
		run_test "$i" "$host" "$helo" "$from" &
		pids="$pids $!"
		if [ $((i % SPF_JOBS)) -eq 0 ]; then
			wait $pids
			pids=
		fi
	done <"$T/cur.tests"
	[ -n "$pids" ] && wait $pids
	kill "$am_pid"
	stopping="$stopping $am_pid"

	i=0
	nfail=0
	while IFS=$US read -r name host helo from results exp; do
		i=$((i + 1))
		name=$(decode "$name")
		want_exp=$(decode "$exp")
		ri=$(ar_spf "$T/out/$i")
		got=$(spf_result "$ri")
		[ -n "$got" ] || got="(no spf= in A-R)"
		bad=1
		case ",$results," in *",$got,"*) bad=0 ;; esac
		want=$results
		if [ $bad -eq 0 ] && [ "$got" = fail ] && [ -n "$want_exp" ]; then
			got_exp=$(spf_explanation "$T/out/$i" "$ri")
			if ! exp_match "$got_exp" "$want_exp"; then
				bad=1
				got="fail exp=\"$got_exp\""
				want="fail exp=\"$want_exp\""
			fi
		fi
		why=$(exception "$name")
		if [ $bad -eq 0 ]; then
			am_passed=$((am_passed + 1))
			[ -n "$why" ] && echo "XPASS $scn/$name (listed: $why)"
		elif [ -n "$why" ]; then
			xfailed=$((xfailed + 1))
			echo "XFAIL $scn/$name: got=$got want=$want ($why)"
		else
			am_failed=$((am_failed + 1))
			nfail=$((nfail + 1))
			echo "FAIL $scn/$name: got=$got want=$want"
		fi
		if [ -n "$only" ]; then
			[ $bad -eq 0 ] && echo "ok $scn/$name: got=$got"
			echo "  client $(decode "$host") helo $(decode "$helo")" \
			    "mailfrom <$(decode "$from")>"
			sed 's/^/  | /' "$T/out/$i"
			echo "  zonesrv:"
			sed -n "$((zs_mark + 1)),\$s/^/  | /p" "$T/zonesrv.log"
		fi
	done <"$T/cur.tests"
	echo "# scenario $scn ($(sed -n '1s/^# scenario [0-9]*: //p' \
	    "$T/data/scenario$scn.data")): $i tests, $nfail failed," \
	    "$(($(now_ms) - t0)) ms"
}

# ---------------------------------------------------------------- main

start=$(now_ms)
xfailed=0
"$PYTHON" "$SPF_DIR/suite2data.py" "$SPF_SUITE" "$T/data" >"$T/suite2data.out" ||
	exit 99
nscn=$(sed -n 's/^\([0-9]*\) scenarios,.*/\1/p' "$T/suite2data.out")

scenarios=
only_test=
case $only in
'') scenarios=$(seq 1 "$nscn") ;;
scenario[0-9]*|[0-9]*)
	scenarios=${only#scenario}
	case $scenarios in *[!0-9]*) scenarios=x ;; esac
	[ -f "$T/data/scenario$scenarios.tests" ] ||
		{ echo "no scenario $only (1-$nscn)"; exit 99; }
	;;
*)
	only_test=$only
	for s in $(seq 1 "$nscn"); do
		if cut -f1 "$T/data/scenario$s.tests" | grep -qxF -- "$only"; then
			scenarios=$s
		fi
	done
	[ -n "$scenarios" ] || { echo "no test named $only"; exit 99; }
	;;
esac

printf 'From: <suite@spf-suite.invalid>\nTo: <rcpt@example.net>\nSubject: RFC 7208 suite\nMessage-ID: <spf-suite@spf-suite.invalid>\n\nA test message.\n' >"$T/msg.eml"
cp "$T/data/scenario1.data" "$T/zone.data"
zs_start "$T/zone.data" || exit 99

case $SPF_DNS in
forward) set -- "DNSForwarder 127.0.0.1@$zs_port" ;;
stub) set -- "DNSStubZone . 127.0.0.1@$zs_port" ;;
*) usage ;;
esac
for z in $RFC6303_ZONES; do
	set -- "$@" "DNSStubZone $z 127.0.0.1@$zs_port"
done
# A TIMEOUT test costs one DNSTimeout; loopback answers take ~1 ms.
set -- 'DNSTrustAnchorFile ""' "InternalHosts none" \
    "DNSTimeout $SPF_DNS_TIMEOUT" "$@"
# The HELO check, when the daemon has the key (it came with the SPF
# module; an unknown key would be a config error).
am_config "$T/probe.conf" "$@" "SPFHeloCheck yes"
if "$AM_BIN" -n -c "$T/probe.conf" >/dev/null 2>&1; then
	set -- "$@" "SPFHeloCheck yes"
else
	echo "# note: the daemon does not take \"SPFHeloCheck yes\"; left out"
fi
am_config "$T/spf.conf" "$@"
"$AM_BIN" -n -c "$T/spf.conf" >"$T/n.out" 2>&1 ||
	{ echo "config refused:"; cat "$T/n.out"; exit 99; }

stopping=
for s in $scenarios; do
	run_scenario "$s"
done
daemon_reap
[ "$xfailed" -gt 0 ] && echo "# $xfailed expected failures (EXCEPTIONS)"
echo "# $(($(now_ms) - start)) ms in all"
am_done
