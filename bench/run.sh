#!/usr/bin/env bash
# make bench: climit against the floor and its peers, side by side, on this machine.
# Every figure is a median over repeated runs, and each section measures its floor in the same
# run, so the ratios hold on a shared, noisy machine even when the absolute times drift.
# Writes bench/results.md. BENCH=monitor,oom (comma list) runs only some sections.
# Nothing here asserts a time: the targets are compared in bench/results.md by a human.
set -u
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (real cgroups)" >&2; exit 1; }
CL=$PWD/climit
BIN=$PWD/bench/bin
OUT=bench/results.md
SECTIONS=",${BENCH:-launch,isolate,monitor,teardown,oom,concurrency},"
mkdir -p "$BIN"
for h in floor reader cputime kmsgoff teardown; do
	[ -f "bench/$h.c" ] || continue
	cc -O2 -Wall -o "$BIN/$h" "bench/$h.c" || exit 1
done
cc -O2 -Wall -o "$BIN/hog" tests/helpers/hog.c && cc -O2 -Wall -o "$BIN/forkloop" tests/helpers/forkloop.c || exit 1

V2=0; [ -e /sys/fs/cgroup/cgroup.controllers ] && V2=1
MODE=$([ $V2 = 1 ] && echo v2 || echo "v1 hybrid")
WORK=$(mktemp -d /tmp/climit-bench.XXXXXX)
SLEEPERS=()
cleanup() {
	[ ${#SLEEPERS[@]} -gt 0 ] && kill "${SLEEPERS[@]}" 2>/dev/null && wait "${SLEEPERS[@]}" 2>/dev/null
	SLEEPERS=()
	mon_remove
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "-"}'; }
fmt() { awk -v a="$1" 'BEGIN {printf "%.2f", a}'; }

RESULTS=$WORK/results
: >"$RESULTS"
emit() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

# ---- monitoring cost per refresh ------------------------------------------------------------
# N groups under climit-bench-mon, each holding one sleeping process (a container with a task,
# which is what systemd-cgtop shows and what climit top samples).
MON=climit-bench-mon
# Mount point of a v1 controller's hierarchy, from mountinfo (cpu and cpuacct may or may not
# be co-mounted; never guess the path).
v1_mount() { awk -v c="$1" '{for (i = 1; i <= NF; i++) if ($i == "-") break;
	if ($(i+1) != "cgroup") next; n = split($(i+3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) {print $5; exit}}' /proc/self/mountinfo; }
if [ $V2 = 1 ]; then R_MEM=/sys/fs/cgroup R_PIDS=/sys/fs/cgroup R_CPU=/sys/fs/cgroup
else R_MEM=$(v1_mount memory) R_PIDS=$(v1_mount pids) R_CPU=$(v1_mount cpuacct); fi
mon_dirs() { # the group directories to create/remove, one hierarchy per line
	if [ $V2 = 1 ]; then echo /sys/fs/cgroup/$MON; else
		printf '%s\n' "$R_MEM/$MON" "$R_PIDS/$MON" "$(v1_mount cpu)/$MON" "$R_CPU/$MON" | sort -u; fi
}
mon_create() {
	local n=$1 d i
	for d in $(mon_dirs); do [ -e "$(dirname "$d")/cgroup.procs" ] && mkdir "$d" || return 1; done
	if [ $V2 = 1 ]; then
		echo "+memory +pids +cpu" >/sys/fs/cgroup/cgroup.subtree_control
		echo "+memory +pids +cpu" >/sys/fs/cgroup/$MON/cgroup.subtree_control
	fi
	for ((i = 1; i <= n; i++)); do
		sleep 3600 &
		SLEEPERS+=($!)
		for d in $(mon_dirs); do
			mkdir "$d/g$i" && echo $! >"$d/g$i/cgroup.procs" || return 1
		done
	done
}
mon_remove() {
	if [ ${#SLEEPERS[@]} -gt 0 ]; then kill "${SLEEPERS[@]}" 2>/dev/null; wait "${SLEEPERS[@]}" 2>/dev/null; fi
	SLEEPERS=()
	local d
	for d in $(mon_dirs); do
		[ -d "$d" ] || continue
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	return 0
}
# CPU ms per refresh of a command that takes "-n ITER": (cpu(n=R+1) - cpu(n=1)) / R, so
# start-up costs are left out. Prints "MS_PER_REFRESH RSS_KB".
per_refresh() { # R CMD... (with the literal word ITER where the iteration count goes)
	local r=$1; shift
	local a b
	a=$("$BIN/cputime" "${@/ITER/$((r + 1))}") || return 1
	b=$("$BIN/cputime" "${@/ITER/1}") || return 1
	awk -v a="${a% *}" -v b="${b% *}" -v r="$r" -v rss="${a#* }" 'BEGIN {printf "%.3f %d\n", (a-b)/r, rss}'
}

bench_monitor() {
	emit ""
	emit "## Monitoring cost per refresh (CPU ms; median of 5)"
	emit ""
	emit "| groups | floor: C reader, 5 files/group kept open | climit top --batch | systemd-cgtop -b | climit / floor | cgtop / climit | climit top max RSS |"
	emit "|---|---|---|---|---|---|---|"
	local n r i floor cl cg rss dirs
	for n in 10 100 1000; do
		mon_create "$n"
		r=$((n >= 1000 ? 20 : 50))
		dirs=(); for ((i = 1; i <= n; i++)); do dirs+=("$MON/g$i"); done
		local f=() c=() g=() m=()
		for i in 1 2 3 4 5; do
			f+=("$("$BIN/reader" "$r" "$R_MEM" "$R_PIDS" "$R_CPU" "${dirs[@]}")")
			read -r x y < <(per_refresh "$r" "$CL" top --batch -n ITER -d 10ms --parent $MON); c+=("$x"); m+=("$y")
			read -r x y < <(per_refresh "$r" systemd-cgtop -b -n ITER -d 0.01 /$MON); g+=("$x")
		done
		floor=$(printf '%s\n' "${f[@]}" | median); cl=$(printf '%s\n' "${c[@]}" | median)
		cg=$(printf '%s\n' "${g[@]}" | median); rss=$(printf '%s\n' "${m[@]}" | median)
		emit "| $n | $(fmt "$floor") | $(fmt "$cl") | $(fmt "$cg") | $(ratio "$cl" "$floor")x | $(ratio "$cg" "$cl")x | $(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k/1024}') |"
		mon_remove
	done
}

# ---- OOM detection latency ------------------------------------------------------------------
# climit top --json with a 5 s refresh runs while memory hogs are OOM-killed one by one; each
# event's detection time (CLOCK_MONOTONIC, in the JSON) is compared with the kernel's time of
# the kill (its /dev/kmsg line, converted to CLOCK_MONOTONIC by a marker written to kmsg).
bench_oom() {
	local n=15 i off unc
	read -r off unc < <("$BIN/kmsgoff") || { emit "OOM latency: /dev/kmsg not usable"; return; }
	"$CL" top --json -d 5 --parent climit >"$WORK/oom.json" &
	local top=$!
	sleep 1
	for ((i = 1; i <= n; i++)); do
		"$CL" --name "climit-bench-oom-$i" --mem 32M -- "$BIN/hog" 2>/dev/null
		sleep 0.3
	done
	sleep 0.5
	kill "$top"; wait "$top" 2>/dev/null
	local lat
	lat=$(jq -r --argjson off "$off" '.events[] | select(.kind == "oom_kill" and .kernel_us != null)
		| (.detected_monotonic_us - (.kernel_us - $off)) / 1000' "$WORK/oom.json")
	local got; got=$(printf '%s\n' "$lat" | grep -c .)
	emit ""
	emit "## OOM kill detection latency in climit top (refresh interval 5 s)"
	emit ""
	emit "| kills | seen | median | max | kmsg-to-monotonic offset |"
	emit "|---|---|---|---|---|"
	emit "| $n | $got | $(fmt "$(printf '%s\n' "$lat" | median)") ms | $(fmt "$(printf '%s\n' "$lat" | sort -g | tail -1)") ms | $((off / 1000)).$(printf '%03d' $((off % 1000 < 0 ? -off % 1000 : off % 1000))) ms (+-$unc us) |"
}

for s in launch isolate monitor teardown oom concurrency; do
	[[ $SECTIONS == *",$s,"* ]] || continue
	declare -F "bench_$s" >/dev/null || { echo "bench: section $s not built yet"; continue; }
	echo "== bench: $s" >&2
	"bench_$s"
done

{
	echo "# climit benchmarks"
	echo
	echo "Generated by \`make bench\` on $(date -u +%Y-%m-%d) — kernel $(uname -r), cgroup $MODE,"
	echo "$(nproc) CPUs. Medians of repeated runs; every ratio is against a floor measured in the"
	echo "same run. See bench/run.sh for exactly what each figure is."
	cat "$RESULTS"
} >"$OUT"
echo "bench: wrote $OUT" >&2
