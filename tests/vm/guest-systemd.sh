#!/bin/bash
# The test unit of the systemd guest (run-v2.sh systemd): waits for the machine to be up, runs
# the integration suite as root under systemd, then as the logged-in normal user tester
# (runuser -l: pam_systemd registers the session, XDG_RUNTIME_DIR and the user bus are set),
# prints one combined "N passed, N failed, N skipped" line and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
src=$(cd "$(dirname "$0")/../.." && pwd)
state=$(timeout 60 systemctl is-system-running --wait 2>&1)
echo "systemd guest: booted in $(cut -d' ' -f1 /proc/uptime)s ($state), kernel $(uname -r), systemd $(systemctl --version | awk 'NR == 1 { print $2 }')"
[ "$state" = running ] || systemctl --failed --no-legend --plain | sed 's/^/systemd guest: failed unit: /'
ip link set lo up 2>/dev/null
cd "$src" || { echo "systemd guest: cannot enter $src"; systemctl poweroff -ff; }
tests=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^climit\.tests=//p')
user=tester
# climit.debug=FILE runs FILE (as root) instead of the suites: for hand experiments.
debug=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^climit\.debug=//p')
if [ -n "$debug" ]; then
	timeout 600 bash "$debug" 2>&1
	echo "0 passed, 0 failed"
else
	total_p=0 total_f=0 total_s=0
	for who in root "$user"; do
		echo "== systemd guest: suite as $who"
		if [ "$who" = root ]; then
			out=$(CLIMIT_TESTS=$tests CLIMIT_IN_GUEST=systemd CLIMIT_TEST_CPU_TOL=0.15 timeout 1600 bash tests/run.sh 2>&1)
		else
			out=$(timeout 1200 runuser -l "$who" -c "cd '$src' && CLIMIT_TESTS='$tests' CLIMIT_IN_GUEST=systemd CLIMIT_TEST_CPU_TOL=0.15 bash tests/run.sh" 2>&1)
		fi
		printf '%s\n' "$out" | sed '$d'
		last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
		if [ -z "$last" ]; then
			echo "FAIL suite as $who: no result line"
			total_f=$((total_f + 1))
			continue
		fi
		echo "as $who: $last"
		read -r p _ f _ s _ <<<"${last//,/}"
		total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + ${s:-0}))
	done
	echo "$total_p passed, $total_f failed, $total_s skipped"
fi
sync
systemctl poweroff -ff
sleep 30
