#!/bin/sh
# summary.sh - after "make check": every failed test's log, then the
# totals of all checks in one closing line "N passed, M failed".
cd "$(dirname "$0")/.." || exit 1
p=0; f=0
for log in test/*.log test/dns/*.log test/spf/*.log test/postfix/*.log; do
	[ -f "$log" ] || continue
	case "$log" in
	*/test-suite.log) continue ;;
	*.memcheck.log)		# make memcheck: counted, no .trs
		line=$(grep -E '^[a-z_0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		[ -n "$line" ] || { f=$((f + 1)); continue; }
		set -- $line
		p=$((p + $2)); f=$((f + $4))
		continue ;;
	esac
	trs="${log%.log}.trs"
	if ! grep -q ':test-result: PASS' "$trs" 2>/dev/null; then
		echo "=== $log"; cat "$log"
	fi
	line=$(grep -E '^[a-z_0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		set -- $line
		p=$((p + $2)); f=$((f + $4))
	elif ! grep -q ':test-result: PASS' "$trs" 2>/dev/null; then
		f=$((f + 1))
	fi
done
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
