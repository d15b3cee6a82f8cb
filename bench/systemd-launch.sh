#!/bin/bash
# Launch cost under systemd, run inside the systemd guest (tests/vm/run-v2.sh systemd with
# climit.debug=bench/systemd-launch.sh; `make bench` does it: BENCH=systemd). Rows: the floor
# (C on cgroupfs), climit as root on cgroupfs, as root through a systemd scope, as a normal user
# through the user manager's delegated scope, and systemd-run --scope (root and --user) with the
# same limits as its peer. Prints a markdown table; the guest runs under TCG (no KVM), so the
# ratios matter, not the milliseconds.
cd "$(dirname "$0")/.." || exit 1
RUNS=${BENCH_RUNS:-20}
lim="--mem 100M --pids 100 --cpu 50%"
sdlim="-p MemoryMax=100M -p TasksMax=100 -p CPUQuota=50%"
out=/tmp/sdbench
mkdir -p $out
hyperfine -N --warmup 3 --runs "$RUNS" --export-json $out/root.json \
	"bench/bin/floor /bin/true" "./climit --cgroup-manager cgroupfs $lim -- /bin/true" \
	"./climit $lim -- /bin/true" "systemd-run --quiet --scope $sdlim /bin/true" >/dev/null 2>$out/root.err ||
	{ echo "hyperfine (root) failed:"; cat $out/root.err; }
chmod 777 $out
runuser -l tester -c "cd '$PWD' && hyperfine -N --warmup 3 --runs $RUNS --export-json $out/user.json \
	'./climit $lim -- /bin/true' 'systemd-run --user --quiet --scope $sdlim /bin/true'" >/dev/null 2>$out/user.err ||
	{ echo "hyperfine (user) failed:"; cat $out/user.err; }
mapfile -t r < <(jq -r '.results[] | .median * 1000' $out/root.json)
mapfile -t u < <(jq -r '.results[] | .median * 1000' $out/user.json)
row() { awk -v n="$1" -v m="$2" -v f="${r[0]}" -v c="${r[1]}" 'BEGIN { printf "| %s | %.2f | %.2fx | %.2fx |\n", n, m, m / f, m / c }'; }
echo "| command (systemd 252 guest, kernel $(uname -r), TCG) | median ms | / floor | / root cgroupfs |"
echo "|---|---|---|---|"
row "floor: C program on cgroupfs (root)" "${r[0]}"
row "climit $lim, root, cgroupfs (--cgroup-manager cgroupfs)" "${r[1]}"
row "climit $lim, root, systemd scope in climit.slice (default)" "${r[2]}"
row "climit $lim, normal user, user manager's delegated scope" "${u[0]}"
row "systemd-run --scope $sdlim true (root)" "${r[3]}"
row "systemd-run --user --scope $sdlim true (normal user)" "${u[1]}"
