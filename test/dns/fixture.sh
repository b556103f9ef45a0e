#!/bin/bash
#
# fixture.sh - the test suite's local DNS: NSD with signed zones, a blackhole
#
# Usage
#   fixture.sh start DIR PORT [EXTRA_DIR]
#   fixture.sh stop DIR
#
# start builds everything in DIR (created if missing; use a fresh one):
# a DNSSEC key per signed zone, the zones signed now (signatures expire,
# so nothing signed is ever committed), an nsd.conf, and then runs
#   nsd        on 127.0.0.1@PORT    serving test., insec.test. and extras
#   blackhole  on 127.0.0.1@PORT+1  never answering (timeouts)
# It waits until NSD answers for every zone, records the process group
# ids in DIR/nsd.pid and DIR/blackhole.pid and writes
# DIR/authmilter-dns.conf, the configuration lines that point authmilter
# at this server.  On failure it says why, stops what it started and
# exits 1.  Its one line on standard error says how long start-up took.
#
# Every NAME.zone in EXTRA_DIR serves zone NAME (NAME.zone or NAME..zone,
# both mean NAME.).  A file whose first line is "; sign" is signed with a
# key of its own and its DS becomes one more DNSTrustAnchor line; any
# other file is served unsigned.  $ORIGIN and $TTL 300 are set for the
# file, and when it has no SOA record a SOA, an NS ns.NAME and ns.NAME A
# 127.0.0.1 are added.  Extra zones are islands with their own anchor:
# use names outside test. (example.com., example.org., ...).
#
# stop kills the recorded processes and waits for them to go; it is safe
# to call twice or after a start that failed halfway.
#
# Environment: top_builddir (default: two levels above this script) to
# find test/dns/blackhole.  Nothing here leaves the loopback interface.

set -u

prog=fixture.sh
here=$(cd "$(dirname "$0")" && pwd)
zones="$here/zones"
: "${top_builddir:=$(cd "$here/../.." && pwd)}"
blackhole="$top_builddir/test/dns/blackhole"

say() {
	echo "$prog: $*" >&2
}

# now_ms - a millisecond clock for the start-up deadline
now_ms() {
	local s
	s=$(date +%s%N)
	echo $((s / 1000000))
}

# ---------------------------------------------------------------- stop

# group_alive PGID - is a live process (not a zombie) left in group PGID?
group_alive() {
	local pgid=$1 f line state pgrp

	if [ ! -d /proc/self ]; then
		kill -0 -- "-$pgid" 2>/dev/null
		return
	fi
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		# "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces.
		read -r state _ pgrp _ <<<"${line##*) }"
		[ "$pgrp" = "$pgid" ] && [ "$state" != Z ] && return 0
	done
	return 1
}

# wait_gone PGID - has group PGID gone within 3 s?
wait_gone() {
	local n=0

	while [ $n -lt 150 ]; do
		group_alive "$1" || return 0
		sleep 0.02
		n=$((n + 1))
	done
	return 1
}

# stop_group FILE NAME - end the process group recorded in FILE
#
# Each server runs as the leader of its own session (setsid), so one
# signal reaches all of NSD's processes: the pid fixture.sh started
# becomes NSD's xfrd, and "main" and the servers are its children.
# Zombies count as gone: pid 1 in a container may be slow to reap.
stop_group() {
	local file=$1 name=$2 pgid comm

	pgid=$(cat "$file" 2>/dev/null) || return 0
	case $pgid in
	''|*[!0-9]*) rm -f "$file"; return 0 ;;
	esac
	# A pid reused by a stranger once our group was gone is not ours.
	if comm=$(cat "/proc/$pgid/comm" 2>/dev/null); then
		case $comm in
		"$name"*) ;;
		*) rm -f "$file"; return 0 ;;
		esac
	fi
	group_alive "$pgid" || { rm -f "$file"; return 0; }
	kill -TERM -- "-$pgid" 2>/dev/null
	if ! wait_gone "$pgid"; then
		say "$name (group $pgid) ignored SIGTERM; killing it"
		kill -KILL -- "-$pgid" 2>/dev/null
		if ! wait_gone "$pgid"; then
			say "$name (group $pgid) would not die"
			return 1
		fi
	fi
	rm -f "$file"
}

do_stop() {
	local dir=$1 rc=0

	[ -d "$dir" ] || return 0
	stop_group "$dir/blackhole.pid" blackhole || rc=1
	stop_group "$dir/nsd.pid" nsd || rc=1
	return $rc
}

# --------------------------------------------------------------- zones

# zone_file NAME - the file in DIR that serves NAME ("test." -> test.zone)
zone_file() {
	echo "$dir/${1}zone"
}

# sign_zone NAME - sign DIR's file for NAME with a new key; record its DS
sign_zone() {
	local name=$1 file key now

	file=$(zone_file "$name")
	key=$(cd "$dir/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$name") ||
	    { say "ldns-keygen failed for $name"; return 1; }
	now=$(date +%s)
	# Inception an hour back (clock skew), expiry in 30 days: longer
	# than any test run, short enough never to be mistaken for real.
	ldns-signzone -o "$name" -i $((now - 3600)) \
	    -e $((now + 30 * 86400)) -f "$file.signed" "$file" \
	    "$dir/keys/$key" ||
	    { say "ldns-signzone failed for $name"; return 1; }
	# One line: "NAME 3600 IN DS TAG ALG DIGESTTYPE DIGEST".
	awk '$3 == "DS" { print $1, 3600, $2, $3, $4, $5, $6, $7 }' \
	    "$dir/keys/$key.ds" >>"$dir/anchors" ||
	    { say "no DS for $name"; return 1; }
	echo "$name $file.signed" >>"$dir/served"
}

# corrupt_rrsig FILE OWNER TYPE - break the signature over OWNER/TYPE
corrupt_rrsig() {
	local file=$1 owner=$2 type=$3

	# The signature is the last field, base64; change its first
	# character to another valid one so the record still parses.
	if ! awk -v owner="$owner" -v type="$type" '
	    $1 == owner && $4 == "RRSIG" && $5 == type && !done {
		c = substr($NF, 1, 1)
		$NF = (c == "A" ? "B" : "A") substr($NF, 2)
		done = 1
	    }
	    { print }
	    END { exit !done }' "$file" >"$file.tmp"; then
		say "no RRSIG $type for $owner in $file"
		return 1
	fi
	mv "$file.tmp" "$file"
}

# add_extra FILE - copy one EXTRA_DIR zone into DIR; sign it if asked
add_extra() {
	local src=$1 base name file

	base=$(basename "$src" .zone)
	name="${base%.}."
	case $name in
	test.|insec.test.|blackhole.test.)
		say "$src: zone $name is built in"; return 1 ;;
	esac
	file=$(zone_file "$name")
	if [ -e "$file" ]; then
		say "$src: zone $name given twice"; return 1
	fi
	{
		printf "\$ORIGIN %s\n\$TTL 300\n" "$name"
		if ! grep -Eqi '(^|[[:space:]])SOA([[:space:]]|$)' "$src"; then
			printf '@ SOA ns.%s hostmaster.%s 1 3600 600 86400 300\n' \
			    "$name" "$name"
			printf '@ NS ns.%s\nns.%s A 127.0.0.1\n' "$name" "$name"
		fi
		cat "$src"
	} >"$file" || return 1
	if head -n 1 "$src" | grep -Eq '^;[[:space:]]*sign[[:space:]]*$'; then
		sign_zone "$name" || return 1
	else
		echo "$name $file" >>"$dir/served"
	fi
	echo "$name" >>"$dir/extra"
}

build_zones() {
	local f

	mkdir -p "$dir/keys" || return 1
	: >"$dir/anchors"
	: >"$dir/served"
	: >"$dir/extra"

	# test.: signed, with this run's nonce so that the readiness check
	# knows the answer comes from our NSD and not another one.
	{
		cat "$zones/test.zone"
		printf 'fixture.test. TXT "%s"\n' "$nonce"
	} >"$(zone_file test.)" || return 1
	sign_zone test. || return 1
	corrupt_rrsig "$(zone_file test.).signed" bogus.test. TXT || return 1

	cp "$zones/insec.test.zone" "$(zone_file insec.test.)" || return 1
	echo "insec.test. $(zone_file insec.test.)" >>"$dir/served"

	if [ -n "$extra_dir" ]; then
		for f in "$extra_dir"/*.zone; do
			[ -e "$f" ] || continue
			add_extra "$f" || return 1
		done
	fi
}

# check_zones - every zone NSD is to serve loads (fail now, not in 5 s)
check_zones() {
	local name file

	while read -r name file; do
		PATH="$PATH:/usr/sbin" nsd-checkzone "$name" "$file" \
		    >"$dir/checkzone.out" 2>&1 || {
			say "zone $name does not load:"
			sed 's/^/  /' "$dir/checkzone.out" >&2
			return 1
		}
	done <"$dir/served"
}

# ----------------------------------------------------------------- nsd

write_nsd_conf() {
	local name file

	{
		cat <<EOF
# nsd.conf - written by fixture.sh; everything stays in this directory
server:
	ip-address: 127.0.0.1@$port
	do-ip4: yes
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: ""
	database: ""
	zonelistfile: "$dir/zone.list"
	xfrdfile: "$dir/xfrd.state"
	xfrdir: "$dir"
	pidfile: ""
	logfile: "$dir/nsd.log"
	cookie-secret-file: "$dir/cookiesecrets.txt"
	verbosity: 0
	server-count: 1
	hide-version: yes
	identity: "authmilter-test"

remote-control:
	control-enable: no
EOF
		while read -r name file; do
			printf '\nzone:\n\tname: "%s"\n\tzonefile: "%s"\n' \
			    "$name" "$file"
		done <"$dir/served"
	} >"$dir/nsd.conf"
}

# query TYPE NAME - one TCP query to our NSD (TCP fails at once when
# nothing listens; UDP would wait for drill's retries)
query() {
	drill -t -p "$port" @127.0.0.1 "$1" "$2" 2>/dev/null
}

# nsd_ready - does our NSD answer for every zone?
nsd_ready() {
	local name file out

	out=$(query TXT fixture.test.) || return 1
	case $out in
	*"\"$nonce\""*) ;;
	*) return 1 ;;
	esac
	while read -r name file; do
		out=$(query SOA "$name") || return 1
		case $out in
		*"rcode: NOERROR"*"flags: qr aa"*) ;;
		*) return 1 ;;
		esac
	done <"$dir/served"
	return 0
}

# tcp_listening PORT - does something accept TCP on 127.0.0.1@PORT?
tcp_listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_up - wait for NSD and the blackhole, up to 5 s
wait_up() {
	local deadline nsd_pid bh_pid nsd_up=no bh_up=no

	nsd_pid=$(cat "$dir/nsd.pid")
	bh_pid=$(cat "$dir/blackhole.pid")
	deadline=$(($(now_ms) + 5000))
	while :; do
		if ! group_alive "$nsd_pid"; then
			say "nsd exited; its log:"
			sed 's/^/  /' "$dir/nsd.log" "$dir/nsd.out" >&2 2>/dev/null
			return 1
		fi
		if ! group_alive "$bh_pid"; then
			say "blackhole exited:"
			sed 's/^/  /' "$dir/blackhole.out" >&2
			return 1
		fi
		[ $nsd_up = yes ] || { nsd_ready && nsd_up=yes; }
		[ $bh_up = yes ] || { tcp_listening "$bport" && bh_up=yes; }
		[ $nsd_up = yes ] && [ $bh_up = yes ] && return 0
		if [ "$(now_ms)" -ge "$deadline" ]; then
			say "timed out waiting (nsd up: $nsd_up," \
			    "blackhole up: $bh_up); nsd log:"
			sed 's/^/  /' "$dir/nsd.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.02
	done
}

# --------------------------------------------------------------- start

write_authmilter_conf() {
	local name

	{
		echo 'DNSTrustAnchorFile ""'
		while read -r name; do
			echo "DNSTrustAnchor $name"
		done <"$dir/anchors"
		echo "DNSStubZone test. 127.0.0.1@$port"
		echo "DNSStubZone insec.test. 127.0.0.1@$port"
		echo "DNSStubZone blackhole.test. 127.0.0.1@$bport"
		while read -r name; do
			echo "DNSStubZone $name 127.0.0.1@$port"
		done <"$dir/extra"
	} >"$dir/authmilter-dns.conf.tmp" &&
	    mv "$dir/authmilter-dns.conf.tmp" "$dir/authmilter-dns.conf"
}

do_start() {
	local t0 t

	t0=$(now_ms)
	case $port in
	''|*[!0-9]*) say "bad port: $port"; return 1 ;;
	esac
	if [ "$port" -lt 1 ] || [ "$port" -gt 65534 ]; then
		say "bad port: $port"; return 1
	fi
	bport=$((port + 1))
	if [ -n "$extra_dir" ] && [ ! -d "$extra_dir" ]; then
		say "no directory $extra_dir"; return 1
	fi
	if [ ! -x "$blackhole" ]; then
		say "$blackhole not built (make check builds it)"; return 1
	fi
	for t in nsd ldns-keygen ldns-signzone drill; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
		    { say "$t not found (Debian packages nsd, ldnsutils)"
		    return 1; }
	done
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	if [ -e "$dir/nsd.pid" ] || [ -e "$dir/blackhole.pid" ]; then
		say "$dir holds a fixture's pid files (stop it first)"
		return 1
	fi
	nonce="fixture $$ $t0"

	build_zones || return 1
	check_zones || return 1
	write_nsd_conf || return 1

	launched=yes
	# NSD runs in the foreground (-d) so that $! is its pid, and all
	# output goes to files so that no caller's pipe is held open.
	# Each in a session of its own (setsid does not fork here: a
	# background job of a script is no group leader), so that $! is the
	# id of a process group that stop can signal as a whole.
	PATH="$PATH:/usr/sbin" setsid nsd -d -c "$dir/nsd.conf" \
	    </dev/null >"$dir/nsd.out" 2>&1 &
	echo $! >"$dir/nsd.pid"
	setsid "$blackhole" 127.0.0.1 "$bport" \
	    </dev/null >"$dir/blackhole.out" 2>&1 &
	echo $! >"$dir/blackhole.pid"

	wait_up || return 1
	write_authmilter_conf || return 1
	say "up in $(($(now_ms) - t0)) ms: nsd 127.0.0.1@$port," \
	    "blackhole 127.0.0.1@$bport"
}

# ---------------------------------------------------------------- main

case ${1:-} in
start)
	if [ $# -lt 3 ] || [ $# -gt 4 ]; then
		echo "usage: $prog start DIR PORT [EXTRA_DIR]" >&2
		exit 2
	fi
	dir=$2
	port=$3
	extra_dir=${4:-}
	launched=no
	if ! do_start; then
		# Only what this call started: never another run's servers.
		[ $launched = no ] || do_stop "$dir"
		exit 1
	fi
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: $prog stop DIR" >&2; exit 2; }
	do_stop "$2" || exit 1
	;;
*)
	echo "usage: $prog start DIR PORT [EXTRA_DIR] | stop DIR" >&2
	exit 2
	;;
esac
exit 0
