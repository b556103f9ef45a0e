#!/bin/sh
# e2e.sh - the daemon end to end over the milter protocol, against the
# real DNS fixture: A-R header, forged-A-R removal, skipped clients,
# config check (-n), reload (SIGHUP), stop (SIGTERM), socket handling,
# concurrent sessions.
. "${top_srcdir:-.}/test/lib.sh"
am_setup e2e
M="$top_srcdir/test/e2e"

# -- configuration check (-n) and versions (-V) --------------------------
am_dns_start
am_config "$T/good.conf" "InternalHosts 192.0.2.128/25, 2001:db8:1::/48"
"$AM_BIN" -n -c "$T/good.conf" >"$T/n.out" 2>&1
expect_rc "-n accepts a valid config" $? 0
printf 'Socket unix:/tmp/x.sock\nDNSTimeout 5x\nNoSuchKey 1\nInternalHosts 192.0.2.1/33\n' >"$T/bad.conf"
"$AM_BIN" -n -c "$T/bad.conf" >"$T/bad.out" 2>&1
expect_rc "-n refuses a bad config" $? 1
expect_grep "-n names file:line and key (DNSTimeout)" "bad.conf:2: DNSTimeout" "$T/bad.out"
expect_grep "-n names file:line and key (unknown key)" "bad.conf:3: NoSuchKey" "$T/bad.out"
expect_grep "-n names file:line and key (InternalHosts)" "bad.conf:4: InternalHosts" "$T/bad.out"
"$AM_BIN" -V >"$T/v.out" 2>&1
for lib in authmilter libmilter libunbound libopendkim libspf2 libopendmarc; do
	expect_grep "-V names $lib" "^$lib [0-9]" "$T/v.out"
done

# -- a bad config is refused at start-up ---------------------------------
"$AM_BIN" -f -c "$T/bad.conf" >"$T/badstart.out" 2>&1
expect_rc "start-up refuses a bad config" $? 1

# -- refuses to run as root ----------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	sed "s/^User .*/User root/" "$T/good.conf" >"$T/root.conf"
	"$AM_BIN" -f -c "$T/root.conf" >"$T/root.out" 2>&1
	expect_rc "User root is refused" $? 1
	expect_grep "says why it refuses root, with file:line" "root.conf:3: User: .*root" "$T/root.out"
fi

# -- no method can run (no client IP): "authserv-id; none" ----------------
am_start "$T/good.conf" || exit 1
am_send "$T/none.out" -c unknown -m i=NONE1 "$M/none.eml"
expect_grep "no method: 'authserv-id; none' at the top" "^insheader 0 Authentication-Results: mx.test.example; none$" "$T/none.out"
expect_no_grep "no method: no Received-SPF" "Received-SPF" "$T/none.out"
expect_grep "no client IP logged as -" "NONE1: client=- .*spf=- " "$T/am.log"

# -- a plain message gets one A-R at the top -----------------------------
am_send "$T/plain.out" -c 192.0.2.1 -m i=PLAIN1 "$M/plain.eml"
expect_grep "A-R inserted at the top" "^insheader 0 Authentication-Results: mx.test.example;$" "$T/plain.out"
[ "$(grep -c "Authentication-Results" "$T/plain.out")" -eq 1 ] && ok "exactly one A-R header" ||
	not_ok "more than one A-R header" "$T/plain.out"
expect_grep "plain message accepted" "^result: accept$" "$T/plain.out"
expect_grep "one log line keyed by queue id" "PLAIN1: client=192.0.2.1 helo=client.example mailfrom=example.com .*action=accept ms=[0-9]+" "$T/am.log"

# -- forged A-R with our authserv-id are removed, last first -------------
am_send "$T/forged.out" -c 192.0.2.2 -m i=FORGED1 "$M/forged-ar.eml"
sed -n '/^delheader/p' "$T/forged.out" >"$T/forged.del"
printf 'delheader 5 Authentication-Results\ndelheader 3 Authentication-Results\ndelheader 1 Authentication-Results\n' >"$T/forged.want"
if cmp -s "$T/forged.del" "$T/forged.want"; then
	ok "forged A-R deleted in descending order (5, 3, 1), others kept"
else
	not_ok "forged A-R deletions" "$T/forged.out"
fi
expect_grep "our A-R added after removal" "^insheader 0 Authentication-Results: mx.test.example;$" "$T/forged.out"
expect_grep "log counts removed headers" "FORGED1: .*ar_removed=3" "$T/am.log"

# -- internal hosts pass unverified --------------------------------------
am_send "$T/internal.out" -c 192.0.2.200 -m i=INTERNAL1 "$M/forged-ar.eml"
expect_no_grep "internal host: no A-R added" "Authentication-Results" "$T/internal.out"
expect_grep "internal host accepted" "^result: accept$" "$T/internal.out"
expect_grep "internal host logged as skipped" "INTERNAL1: client=192.0.2.200 .*skipped=internal" "$T/am.log"
am_send "$T/internal6.out" -c 2001:db8:1::25 -m i=INTERNAL6 "$M/plain.eml"
expect_no_grep "internal IPv6 host: no A-R" "insheader" "$T/internal6.out"
am_send "$T/external6.out" -c 2001:db8:2::25 -m i=EXTERNAL6 "$M/plain.eml"
expect_grep "external IPv6 host: A-R" "^insheader 0 Authentication-Results: mx.test.example;$" "$T/external6.out"

# -- authenticated clients: not verified, forged A-R still removed -------
am_send "$T/auth.out" -c 192.0.2.3 -m '{auth_authen}=alice' -m i=AUTH1 "$M/forged-ar.eml"
expect_no_grep "authenticated: no A-R added" "^insheader" "$T/auth.out"
expect_grep "authenticated: forged A-R still removed" "^delheader 5 Authentication-Results" "$T/auth.out"
expect_grep "authenticated logged as skipped" "AUTH1: .*skipped=authenticated" "$T/am.log"

# -- concurrent sessions ---------------------------------------------------
"$AM_CLIENT" -s "unix:$T/am.sock" -c 192.0.2.4 -n 32 -N 400 "$M/plain.eml" "$M/forged-ar.eml" >"$T/load.out" 2>&1
expect_rc "400 sessions, 32 at a time, all complete" $? 0
expect_grep "load summary shows no failure" "failed 0" "$T/load.out"

# -- SIGHUP reloads; a bad new config is refused, the old one kept -------
am_config "$T/good.conf" "AuthservID mx2.test.example"
sed -i '/^AuthservID mx.test.example$/d' "$T/good.conf"
kill -HUP "$am_pid"
n=0
until grep -q "reload: configuration" "$T/am.log" || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
am_send "$T/reload.out" -c 192.0.2.5 -m i=RELOAD1 "$M/plain.eml"
expect_grep "SIGHUP applied the new AuthservID" "^insheader 0 Authentication-Results: mx2.test.example;$" "$T/reload.out"
kill -0 "$am_pid" 2>/dev/null && ok "daemon alive after SIGHUP" || not_ok "daemon died on SIGHUP" "$T/am.log"
sed -i 's/^DNSTimeout 2s$/DNSTimeout never/' "$T/good.conf"
kill -HUP "$am_pid"
n=0
until grep -q "keeping the running configuration" "$T/am.log" || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
expect_grep "bad reload logged with file:line and key" "good.conf:[0-9]+: DNSTimeout" "$T/am.log"
am_send "$T/reload2.out" -c 192.0.2.6 "$M/plain.eml"
expect_grep "old config kept after a bad reload" "^insheader 0 Authentication-Results: mx2.test.example;$" "$T/reload2.out"

# -- a second instance on a live socket is refused -----------------------
sed 's/^DNSTimeout never$/DNSTimeout 2s/' "$T/good.conf" >"$T/second.conf"
"$AM_BIN" -f -c "$T/second.conf" >"$T/second.out" 2>&1
expect_rc "second instance on a live socket refused" $? 3 
expect_grep "says the socket is in use" "another process is listening" "$T/second.out"

# -- SIGTERM stops cleanly; a stale socket is removed at the next start --
am_stop
expect_rc "SIGTERM: clean exit" "$am_rc" 0
sed -i 's/^DNSTimeout never$/DNSTimeout 2s/' "$T/good.conf"
am_start "$T/good.conf" || exit 1
kill -9 "$am_pid"; wait "$am_pid" 2>/dev/null
[ -S "$T/am.sock" ] && ok "socket left behind by a killed daemon" || not_ok "no stale socket to test with"
am_start "$T/good.conf" && ok "stale socket removed at start" || not_ok "stale socket blocked start" "$T/am.log"
am_send "$T/after.out" -c 192.0.2.7 "$M/plain.eml"
expect_grep "serves after a stale socket" "^result: accept$" "$T/after.out"
case "$(stat -c %a "$T/am.sock")" in
660) ok "socket mode is SocketMode (default 0660)" ;;
*) not_ok "socket mode $(stat -c %a "$T/am.sock"), want 660" ;;
esac
[ "$(stat -c %U "$T/am.sock")" = "$AM_USER" ] && ok "socket owned by User" ||
	not_ok "socket owner $(stat -c %U "$T/am.sock"), want $AM_USER"
am_stop

# -- background mode writes a pid file; SIGTERM removes the daemon ---------
sed 's/^SocketMode.*//' "$T/good.conf" >"$T/bg.conf"
echo "SocketMode 0600" >>"$T/bg.conf"
rm -f "$T/am.pid"
"$AM_BIN" -c "$T/bg.conf" >"$T/bg.out" 2>&1
expect_rc "background start returns 0" $? 0
n=0
until [ -s "$T/am.pid" ] && [ -S "$T/am.sock" ] || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
bgpid=$(cat "$T/am.pid" 2>/dev/null)
if [ -n "$bgpid" ] && kill -0 "$bgpid" 2>/dev/null; then
	am_pids="$am_pids $bgpid"
	ok "pid file names the running daemon"
else
	not_ok "no live daemon in the pid file" "$T/bg.out"
fi
[ "$(stat -c %a "$T/am.sock")" = 600 ] && ok "SocketMode 0600 applied" ||
	not_ok "socket mode $(stat -c %a "$T/am.sock"), want 600"
am_send "$T/bg-send.out" -c 192.0.2.8 "$M/plain.eml"
expect_grep "background daemon serves" "^result: accept$" "$T/bg-send.out"
kill "$bgpid" 2>/dev/null
n=0
while kill -0 "$bgpid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -0 "$bgpid" 2>/dev/null && not_ok "background daemon ignored SIGTERM" ||
	ok "background daemon stopped by SIGTERM"

# -- an inet socket ------------------------------------------------------------
iport=$((30000 + ($$ % 2000) * 2))
sed "s|^Socket .*|Socket inet:$iport@127.0.0.1|" "$T/good.conf" >"$T/inet.conf"
am_start_inet() {
	"$AM_BIN" -f -c "$T/inet.conf" >>"$T/inet.log" 2>&1 &
	am_pid=$!; am_pids="$am_pids $am_pid"
	n=0
	until grep -q ": started:" "$T/inet.log" 2>/dev/null || [ $n -ge 100 ]; do sleep 0.05; n=$((n + 1)); done
}
am_start_inet
"$AM_CLIENT" -s "inet:$iport@127.0.0.1" -c 192.0.2.9 "$M/plain.eml" >"$T/inet.out" 2>&1
expect_grep "inet socket serves" "^insheader 0 Authentication-Results: mx2.test.example;$" "$T/inet.out"
expect_grep "inet socket: its sessions get TCP_NODELAY" "Socket inet:$iport@127.0.0.1: TCP_NODELAY on [1-9]" "$T/inet.log"
expect_grep "no reply asked for connect, HELO, headers, end of headers" "negotiated: no reply to connect helo header eoh$" "$T/inet.log"
am_stop

am_done
