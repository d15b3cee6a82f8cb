#!/usr/bin/env bash
# Soak: SOAK_RUNS (10000) mixed runs in a row — memory hogs, fork loops under a pids limit,
# strays left behind, timeouts, isolated containers, exec failures — while `climit top --json`
# watches with groups coming and going for the whole time (at least SOAK_TOP_MINUTES, 30).
# Then nothing may be left: groups, mounts, records, temporary files, processes, zombies; and
# top's RSS and open fds must stay flat (sampled every 10 s). Writes bench/soak.md.
# Run as root: `bash bench/soak.sh` (or SOAK_RUNS=2000 SOAK_TOP_MINUTES=5 for a short one).
set -u
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "soak: run as root" >&2; exit 1; }
RUNS=${SOAK_RUNS:-10000}
MINUTES=${SOAK_TOP_MINUTES:-30}
CL=$PWD/climit
H=$PWD/tests/helpers
OUT=bench/soak.md
export CLIMIT_RUNTIME_DIR=/run/climit
work=$(mktemp -d /tmp/climit-soak.XXXXXX)
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" && cp "$(command -v busybox)" "$rootfs/bin/busybox" && chroot "$rootfs" /bin/busybox --install -s /bin

snapshot() { # what a run could leave behind, one line each
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'climit-soak-*' 2>/dev/null | sed 's/^/group /'
	grep -F climit-soak /proc/self/mountinfo | sed 's/^/mount /'
	ls -A "$CLIMIT_RUNTIME_DIR" 2>/dev/null | grep climit-soak | sed 's/^/record /'
	ls -d /var/tmp/climit-climit-soak-* /tmp/climit-climit-soak-* 2>/dev/null | sed 's/^/tmp /'
	pgrep -af 'climit-soak' | grep -v -e pgrep -e 'soak.sh' -e 'top --json' | sed 's/^/proc /'
	# Zombies a live process forgets to reap (orphans go to PID 1, whose reaping is not climit's).
	ps -eo stat=,ppid=,comm= | awk '$1 ~ /^Z/ && $2 != 1 { print "zombie " $3 " of " $2 }'
}

"$CL" top --json -d 1 >/dev/null &
top=$!
sample_top() { echo "$(($(date +%s) - t0)) $(awk '/^VmRSS/ { print $2 }' /proc/$top/status) $(ls /proc/$top/fd | wc -l)"; }
t0=$(date +%s)
samples=$work/top.samples
sample_top >"$samples"
last_sample=$t0
declare -A codes
wrong=0
for ((i = 1; i <= RUNS; i++)); do
	name=climit-soak-$i
	case $((i % 6)) in
	0) want=137; "$CL" --name "$name" --mem 32M -- "$H/hog" 2>/dev/null ;;
	1) want=124; "$CL" --name "$name" --pids 20 --timeout 0.2 -- "$H/forkloop" 2>/dev/null ;;
	2) want=3; "$CL" --name "$name" -- sh -c 'sleep 60 & setsid sleep 61 & exit 3' ;;
	3) want=124; "$CL" --name "$name" --timeout 0.1 -- sleep 5 2>/dev/null ;;
	4) want=4; "$CL" --name "$name" --mem 64M --pids 50 --isolate --rootfs "$rootfs" --overlay -- /bin/sh -c 'echo x >/f; exit 4' ;;
	5) want=127; "$CL" --name "$name" -- /nonexistent/cmd 2>/dev/null ;;
	esac
	rc=$?
	codes[$rc]=$((${codes[$rc]:-0} + 1))
	[ "$rc" = "$want" ] || wrong=$((wrong + 1))
	now=$(date +%s)
	if [ $((now - last_sample)) -ge 10 ]; then sample_top >>"$samples"; last_sample=$now; fi
done
runs_s=$(($(date +%s) - t0))
# Keep top watching (groups coming and going) until the minutes are up.
while [ $(($(date +%s) - t0)) -lt $((MINUTES * 60)) ]; do
	"$CL" --name climit-soak-tail -- sleep 1
	[ $(($(date +%s) - last_sample)) -ge 10 ] && { sample_top >>"$samples"; last_sample=$(date +%s); }
done
sample_top >>"$samples"
kill "$top"; wait "$top" 2>/dev/null
left=$(snapshot)
read -r _ rss0 fd0 < <(sed -n 2p "$samples")
read -r _ rss1 fd1 < <(tail -1 "$samples")
rssmax=$(awk '{ if ($2 > m) m = $2 } END { print m }' "$samples")
{
	echo "# climit soak"
	echo
	echo "\`bash bench/soak.sh\` on $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs; $RUNS runs in ${runs_s} s, top watched for $(($(date +%s) - t0)) s."
	echo
	echo "| runs | wrong exit codes | exit codes seen | left behind | top RSS first/last/max | top fds first/last |"
	echo "|---|---|---|---|---|---|"
	echo "| $RUNS | $wrong | $(for k in "${!codes[@]}"; do printf '%s:%s ' "$k" "${codes[$k]}"; done) | $( [ -z "$left" ] && echo nothing || echo "$(wc -l <<<"$left") items") | ${rss0} / ${rss1} / ${rssmax} KiB | ${fd0} / ${fd1} |"
	[ -n "$left" ] && { echo; echo '```'; echo "$left" | head -50; echo '```'; }
} >"$OUT"
cat "$OUT"
rm -rf "$work"
[ -z "$left" ] && [ "$wrong" = 0 ]
