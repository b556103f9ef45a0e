# pflib.sh - a private Postfix instance under $T (sourced, POSIX sh),
# shared by postfix-e2e.sh and the benchmark (test/bench/bench.sh)
#
# The caller defines pf_main_cf, which writes "$PF/main.cf" (pf_main_head
# gives the lines every private instance needs), then calls pf_start;
# pf_stop ends the instance.  smtpd listens on 127.0.0.1:$PF_PORT; every
# service is unchrooted; the master runs as root.

# pf_main_head WHO - main.cf's first lines: a private instance with its
# queue, data and log under $T, loopback only, XCLIENT from loopback
pf_main_head() {
	cat <<EOF
# written by $1: a private instance, loopback only
compatibility_level = 3.6
queue_directory = $T/queue
data_directory = $T/data
meta_directory = /etc/postfix
maillog_file = $T/postfix.log
maillog_file_prefixes = $T
myhostname = mx.test.example
mydomain = test.example
myorigin = \$myhostname
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtpd_authorized_xclient_hosts = 127.0.0.0/8
EOF
}

# pf_group_alive PGID - a live process (not a zombie) in group PGID?
pf_group_alive() {
	ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 }
	    END { exit !f }'
}

# pf_stop - end our master and its children (one process group), by pid
pf_stop() {
	[ -n "$pf_master" ] ||
		pf_master=$(sed -n '1s/[^0-9]//gp' "$T/queue/pid/master.pid" 2>/dev/null)
	[ -n "$pf_master" ] || return 0
	# Only our master: a pid reused by a stranger is left alone.
	if [ "$(cat "/proc/$pf_master/comm" 2>/dev/null)" = master ]; then
		kill -TERM "$pf_master" 2>/dev/null
		n=0
		while pf_group_alive "$pf_master" && [ $n -lt 100 ]; do
			sleep 0.05; n=$((n + 1))
		done
		pf_group_alive "$pf_master" &&
			kill -KILL -- "-$pf_master" 2>/dev/null
	fi
	pf_master=""
}

# pf_port - from PF_PORT up, the first port nothing listens on
pf_port() {
	n=0
	while ss -Hltn "sport = :$PF_PORT" 2>/dev/null | grep -q . &&
	    [ $n -lt 20 ]; do
		PF_PORT=$((PF_PORT + 1)); n=$((n + 1))
	done
}

# pf_master_cf - master.cf: smtpd on 127.0.0.1:PF_PORT; every service
# unchrooted (the milter socket lives outside the queue directory); only
# what this test needs
pf_master_cf() {
	cat >"$PF/master.cf" <<EOF
127.0.0.1:$PF_PORT inet n - n - - smtpd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

# pf_start - configure and start the instance in $T/pf
pf_start() {
	PF="$T/pf"
	mkdir -p "$PF" "$T/queue" "$T/data" "$T/vmail" || exit 99
	chown postfix "$T/data" || exit 99
	# The virtual(8) agent writes the maildir as nobody.
	chown nobody "$T/vmail" || exit 99
	pf_main_cf
	# Below the kernel's ephemeral ports; the DNS fixture has 20000-27999.
	PF_PORT=$((28000 + ($$ % 2000) * 2))
	for try in 1 2 3; do
		pf_port
		pf_master_cf
		# Postfix re-reads a main.cf changed within the last second
		# or so, 300 ms at a time (it might be half written): about
		# 1.5 s per command here.  Ours is complete: date it back.
		touch -d "1 minute ago" "$PF/main.cf" "$PF/master.cf"
		# postfix start checks the instance, creates the queue
		# directories and returns once master listens (master -w).
		postfix -c "$PF" start >"$T/pfstart.out" 2>&1 && break
		# Lost a race for the port: the next one.
		if [ "$try" -lt 3 ] &&
		    grep -qi "address already in use" "$T/postfix.log"; then
			PF_PORT=$((PF_PORT + 1)); continue
		fi
		echo "postfix did not start:"
		cat "$T/pfstart.out" "$T/postfix.log"
		exit 99
	done
	pf_master=$(sed -n '1s/[^0-9]//gp' "$T/queue/pid/master.pid")
	[ -n "$pf_master" ] || { echo "no master pid"; exit 99; }
}

