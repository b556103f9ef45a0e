#!/bin/sh
# postfix-e2e.sh - authmilter behind a real Postfix, end to end
#
# A private Postfix instance (its own config, queue and data directories
# under $T, smtpd on 127.0.0.1:PORT, no chroot, maildir delivery into
# $T/vmail) uses the daemon as its smtpd milter with the settings of
# contrib/postfix-main.cf.  Clients talk SMTP to it with swaks from
# 127.0.0.1 and use XCLIENT to appear as documentation addresses
# (192.0.2.0/24, 198.51.100.0/24), so SPF sees those.  SPF records come
# from the DNS fixture (test/postfix/zones).  Every check reads what
# Postfix delivered (or what it answered, or its queue), never the
# daemon's log.
#
# Needs root (Postfix's master runs as root); installs the Debian packages
# postfix (preseeded "No configuration": no system instance is configured
# or started) and swaks when missing.  Skips (exit 77) when it cannot.
. "${top_srcdir:-.}/test/lib.sh"
. "${top_srcdir:-.}/test/postfix/pflib.sh"

# Flip to 1 when the daemon enforces DMARC policies.
DMARC_READY=1

P="$top_srcdir/test/postfix"

pf_skip() {
	echo "SKIP: $*"
	echo "postfix: 0 passed, 0 failed"
	exit 77
}

# pf_install - Postfix and swaks from Debian, when missing
pf_install() {
	[ -x /usr/sbin/postfix ] && command -v swaks >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || pf_skip "postfix or swaks missing, not root"
	command -v apt-get >/dev/null 2>&1 ||
		pf_skip "postfix or swaks missing, no apt-get"
	# "No configuration": the package writes no main.cf, so it neither
	# configures nor starts a system instance.
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections || exit 99
	set -- -y -q -o DPkg::Lock::Timeout=120 install postfix swaks
	DEBIAN_FRONTEND=noninteractive apt-get "$@" >/tmp/am-postfix-apt.log 2>&1 ||
	{ apt-get -q -o DPkg::Lock::Timeout=120 update >/dev/null 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get "$@" >/tmp/am-postfix-apt.log 2>&1; } || {
		echo "apt-get install postfix swaks failed:"
		tail -20 /tmp/am-postfix-apt.log; exit 99
	}
	rm -f /tmp/am-postfix-apt.log
}

[ "$(id -u)" -eq 0 ] || pf_skip "Postfix's master must run as root"
pf_install

am_setup postfix
pf_master=""
trap 'pf_stop; am_cleanup' EXIT
# Killed by a hang-up or a closed pipe (| head), still clean up.
trap 'exit 1' HUP PIPE

# ------------------------------------------------------------ Postfix

# pf_main_cf - main.cf: a private instance, loopback only, maildir
# delivery for rcpt.test, then contrib/postfix-main.cf as shipped
pf_main_cf() {
	{
		pf_main_head postfix-e2e.sh
		cat <<EOF
mydestination =
relay_domains =
virtual_mailbox_domains = rcpt.test
virtual_mailbox_base = $T/vmail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
default_transport = error:no outbound mail in this test
notify_classes =
delay_warning_time = 0

# contrib/postfix-main.cf as shipped, with the socket moved to \$T
EOF
		sed "s|^smtpd_milters = .*|smtpd_milters = unix:$T/am.sock|" \
		    "$top_srcdir/contrib/postfix-main.cf"
	} >"$PF/main.cf"
}

# ---------------------------------------------------------------- mail

MAILDIR="$T/vmail/box"

# pf_msg NAME FROM [EXTRA_HEADER...] - a message in $T/NAME.eml whose
# Message-ID names the case
pf_msg() {
	f="$T/$1.eml"; id="<$1.$$@pf-sender.example>"; from=$2; shift 2
	{
		for h in "$@"; do printf '%s\n' "$h"; done
		printf 'From: Sender <%s>\n' "$from"
		printf 'To: box@rcpt.test\nSubject: %s\n' "${f##*/}"
		printf 'Date: %s\nMessage-ID: %s\n\n' "$(date -R)" "$id"
		printf 'Body of %s.\n' "$1"
	} >"$f"
}

# pf_send NAME IP MAILFROM - the message $T/NAME.eml over SMTP, the client
# appearing as IP (XCLIENT); the dialogue in $T/NAME.smtp, swaks' exit
# status in $pf_rc
pf_send() {
	swaks --server 127.0.0.1 --port "$PF_PORT" --timeout 30 \
	    --ehlo mail.pf-sender.example --xclient-addr "$2" \
	    --xclient-helo mail.pf-sender.example \
	    --from "$3" --to box@rcpt.test --data "@$T/$1.eml" \
	    >"$T/$1.smtp" 2>&1
	pf_rc=$?
}

# pf_delivered NAME - the delivered copies of case NAME (file names)
pf_delivered() {
	grep -lF "Message-ID: <$1.$$@pf-sender.example>" \
	    "$MAILDIR"/new/* 2>/dev/null
}

# pf_queue_empty - does the instance's queue hold nothing?
pf_queue_empty() {
	[ -z "$(postqueue -c "$PF" -j 2>/dev/null)" ]
}

# pf_wait NAME - wait (at most 10 s) for NAME to be delivered and the
# queue to be empty; the delivered file in $pf_file ("" if none)
pf_wait() {
	n=0
	while [ $n -lt 200 ]; do
		pf_file=$(pf_delivered "$1" | head -n 1)
		[ -n "$pf_file" ] && pf_queue_empty && return 0
		sleep 0.05; n=$((n + 1))
	done
	pf_file=""
	return 1
}

# unfold FILE - the header block of FILE, one header a line
unfold() {
	awk '/^$/ { exit } /^[ \t]/ { sub(/^[ \t]+/, " "); h = h $0; next }
	    { if (h != "") print h; h = $0 } END { if (h != "") print h }' "$1"
}

# deliver_case NAME IP MAILFROM - send, expect 250 and a delivery; the
# headers in $T/NAME.hdr.  Fails (returns 1) when it was not delivered.
deliver_case() {
	pf_send "$1" "$2" "$3"
	if [ "$pf_rc" -ne 0 ] || ! grep -q '^<-  250 2.0.0 Ok: queued' "$T/$1.smtp"; then
		not_ok "$1: accepted by Postfix" "$T/$1.smtp"; return 1
	fi
	if ! pf_wait "$1"; then
		postqueue -c "$PF" -p >>"$T/$1.smtp" 2>&1
		not_ok "$1: delivered within 10 s" "$T/$1.smtp"; return 1
	fi
	ok "$1: accepted and delivered"
	unfold "$pf_file" >"$T/$1.hdr"
}

# first_header NAME - the topmost header of the delivered copy once the
# delivery agent's own (Return-Path, X-Original-To, Delivered-To) are set
# aside: the topmost header of the message as Postfix queued it
first_header() {
	grep -Ev '^(Return-Path|Delivered-To|X-Original-To):' "$T/$1.hdr" |
	    head -n 1
}

# skip DESC - a check waiting for a daemon feature; not counted
skip() { echo "skip - $1"; }

# ------------------------------------------------------------------ run

am_dns_start "$P/zones"
# SocketGroup postfix: the socket stays 0660 and Postfix's smtpd (user
# postfix) can open it, without changing any account's groups.
CONF="$T/am.conf"
am_config "$CONF" "InternalHosts 192.0.2.128/25" "SocketGroup postfix"
am_start "$CONF" || exit 1
pf_start

# 1. A normal message: delivered, our A-R on top with spf=pass.
pf_msg normal a@pf-sender.example
if deliver_case normal 192.0.2.10 a@pf-sender.example; then
	h=$(first_header normal)
	case $h in
	"Authentication-Results: mx.test.example;"*)
		ok "normal: our Authentication-Results is the topmost header" ;;
	*)	not_ok "normal: topmost header is not ours: $h" "$T/normal.hdr" ;;
	esac
	expect_grep "normal: spf=pass for 192.0.2.10" \
	    "^Authentication-Results: mx.test.example;.* spf=pass .*smtp.mailfrom=pf-sender.example" \
	    "$T/normal.hdr"
	# Postfix writes its own Received: header first but, like Sendmail,
	# hides it from milters; an insert at index 0 still lands above it
	# (inserts count headers as delivered, changes as received).  So
	# ours is the newest trace, as in RFC 8601's examples.
	ar=$(grep -n '^Authentication-Results: mx.test.example;' "$T/normal.hdr" | head -n 1 | cut -d: -f1)
	rcv=$(grep -n '^Received: from mail.pf-sender.example .*by mx.test.example (Postfix) with ESMTP' "$T/normal.hdr" | head -n 1 | cut -d: -f1)
	if [ -n "$ar" ] && [ -n "$rcv" ] && [ "$ar" -lt "$rcv" ]; then
		ok "normal: our header above Postfix's Received"
	else
		not_ok "normal: our header above Postfix's Received (A-R line ${ar:-none}, Received line ${rcv:-none})" "$T/normal.hdr"
	fi
	expect_grep "normal: Postfix's Received names the XCLIENT address" \
	    "^Received: from .*\[192\.0\.2\.10\]" "$T/normal.hdr"
	n=$(grep -c '^Authentication-Results:' "$T/normal.hdr")
	expect_rc "normal: exactly one Authentication-Results" "$n" 1
	expect_grep "normal: Received-SPF for the MAIL FROM identity" \
	    "^Received-SPF: pass \(mx.test.example: domain of pf-sender.example designates 192.0.2.10 as permitted sender\) client-ip=192.0.2.10; envelope-from=\"a@pf-sender.example\";.* identity=mailfrom$" \
	    "$T/normal.hdr"
fi

# SPF fail is visible in the delivered header (p=none: still delivered).
pf_msg spffail a@pf-sender.example
if deliver_case spffail 198.51.100.7 a@pf-sender.example; then
	expect_grep "spffail: spf=fail for 198.51.100.7 under -all" \
	    "^Authentication-Results: mx.test.example;.* spf=fail .*smtp.mailfrom=pf-sender.example" \
	    "$T/spffail.hdr"
fi

# 2. A forged A-R with our authserv-id is removed; a foreign one stays.
pf_msg forged a@pf-sender.example \
    "Authentication-Results: mx.test.example; dmarc=pass (forged-by-test) header.from=pf-sender.example" \
    "Authentication-Results: other.example; spf=pass (foreign-kept) smtp.mailfrom=pf-sender.example"
if deliver_case forged 192.0.2.10 a@pf-sender.example; then
	expect_no_grep "forged: our-id A-R from the sender is gone" \
	    "forged-by-test" "$T/forged.hdr"
	expect_grep "forged: foreign A-R kept" \
	    "^Authentication-Results: other.example; spf=pass \(foreign-kept\)" "$T/forged.hdr"
	n=$(grep -c '^Authentication-Results: mx.test.example;' "$T/forged.hdr")
	expect_rc "forged: exactly one A-R of ours" "$n" 1
	case $(first_header forged) in
	"Authentication-Results: mx.test.example;"*)
		ok "forged: ours on top" ;;
	*)	not_ok "forged: ours on top" "$T/forged.hdr" ;;
	esac
fi

# 3. Internal networks: delivered unverified, no A-R of ours.
pf_msg internal a@pf-sender.example
if deliver_case internal 192.0.2.200 a@pf-sender.example; then
	expect_no_grep "internal: no Authentication-Results of ours" \
	    "^Authentication-Results: mx.test.example" "$T/internal.hdr"
	expect_no_grep "internal: no Received-SPF" "^Received-SPF:" \
	    "$T/internal.hdr"
fi

# 4. Daemon down: 4xx at the client, nothing queued; back up, the client
# retries and the message is delivered exactly once.
am_stop
pf_msg down a@pf-sender.example
pf_send down 192.0.2.10 a@pf-sender.example
cp "$T/down.smtp" "$T/down-1.smtp"
if [ "$pf_rc" -ne 0 ] && grep -Eq '^<\*\* 4[0-9][0-9][ -]' "$T/down.smtp" &&
    ! grep -q '^<-  250 2.0.0 Ok: queued' "$T/down.smtp"; then
	ok "down: Postfix answers 4xx (milter_default_action = tempfail)"
else
	not_ok "down: Postfix answers 4xx" "$T/down.smtp"
fi
expect_grep "down: the 4xx is 451 4.7.1" '^<\*\* 451 4\.7\.1 ' "$T/down-1.smtp"
if pf_queue_empty && [ -z "$(pf_delivered down)" ]; then
	ok "down: nothing queued, nothing delivered"
else
	not_ok "down: nothing queued, nothing delivered"
fi
am_start "$CONF" || exit 1
if deliver_case down 192.0.2.10 a@pf-sender.example; then
	n=$(pf_delivered down | wc -l)
	expect_rc "down: delivered exactly once after the retry" "$n" 1
	expect_grep "down: verified on the retry" \
	    "^Authentication-Results: mx.test.example;.* spf=pass" "$T/down.hdr"
fi

# 5. DMARC policies, enforced through Postfix.
dmarc_checks() {
	# p=reject failure: 550 5.7.1 at end of data, nothing delivered.
	pf_msg reject a@reject.pf-sender.example
	pf_send reject 198.51.100.7 a@reject.pf-sender.example
	expect_grep "reject: 550 5.7.1 at the client" '^<\*\* 550 5\.7\.1 ' \
	    "$T/reject.smtp"
	if pf_queue_empty && [ -z "$(pf_delivered reject)" ]; then
		ok "reject: nothing queued, nothing delivered"
	else
		not_ok "reject: nothing queued, nothing delivered"
	fi

	# p=quarantine failure: accepted, held in Postfix's hold queue.
	pf_msg quarantine a@quarantine.pf-sender.example
	pf_send quarantine 198.51.100.7 a@quarantine.pf-sender.example
	expect_grep "quarantine: accepted" '^<-  250 2.0.0 Ok: queued' \
	    "$T/quarantine.smtp"
	qid=$(sed -n 's/^<-  250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' \
	    "$T/quarantine.smtp")
	n=0
	while [ $n -lt 100 ]; do
		postqueue -c "$PF" -j >"$T/quarantine.queue" 2>&1
		grep -q "\"queue_name\": *\"hold\", *\"queue_id\": *\"$qid\"" \
		    "$T/quarantine.queue" && break
		sleep 0.05; n=$((n + 1))
	done
	expect_grep "quarantine: $qid in the hold queue" \
	    "\"queue_name\": *\"hold\", *\"queue_id\": *\"$qid\"" "$T/quarantine.queue"
	postcat -c "$PF" -h -q "$qid" >"$T/quarantine.postcat" 2>&1
	unfold "$T/quarantine.postcat" >"$T/quarantine.hdr"
	expect_grep "quarantine: held copy carries our A-R with dmarc=fail" \
	    "^Authentication-Results: mx.test.example;.* dmarc=fail " "$T/quarantine.hdr"
	if [ -z "$(pf_delivered quarantine)" ]; then
		ok "quarantine: not delivered"
	else
		not_ok "quarantine: not delivered"
	fi
	# Out of the way: pf_wait waits for an empty queue.
	postsuper -c "$PF" -d "$qid" hold >/dev/null 2>&1

	# DMARC pass (aligned SPF pass) under p=reject: delivered.
	pf_msg dmarcpass a@reject.pf-sender.example
	if deliver_case dmarcpass 192.0.2.10 a@reject.pf-sender.example; then
		expect_grep "dmarcpass: dmarc=pass in our A-R" \
		    "^Authentication-Results: mx.test.example;.* dmarc=pass .*header.from=reject.pf-sender.example" \
		    "$T/dmarcpass.hdr"
	fi
}
if [ "$DMARC_READY" = 1 ]; then
	dmarc_checks
else
	for d in "reject: 550 5.7.1, nothing delivered" \
	    "quarantine: in the hold queue, not delivered" \
	    "dmarcpass: delivered with dmarc=pass"; do
		skip "$d (DMARC_READY=0)"
	done
fi

if kill -0 "$am_pid" 2>/dev/null; then ok "daemon alive"; else
	not_ok "daemon died" "$T/am.log"; fi
am_stop
pf_stop
am_done
