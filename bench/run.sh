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
SECTIONS=",${BENCH:-launch,isolate,isofloor,monitor,teardown,oom,concurrency,record,systemd,fit},"
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
	runc delete --force climit-bench-runcl >/dev/null 2>&1
	# The floor's parent group, and anything a peer left (cgdelete of libcgroup 2.0.2 removes
	# only the first controller of "-g a,b,c:X", and only the first of several -g options).
	find /sys/fs/cgroup -maxdepth 3 -depth -type d -name 'climit-bench*' -exec rmdir {} + 2>/dev/null
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
else R_MEM=$(v1_mount memory) R_PIDS=$(v1_mount pids) R_CPU=$(v1_mount cpuacct) R_IO=$(v1_mount blkio); fi
mon_dirs() { # the group directories to create/remove, one hierarchy per line
	if [ $V2 = 1 ]; then echo /sys/fs/cgroup/$MON; else
		# blkio too: climit top reads the groups' I/O counters there (2 more files per group).
		printf '%s\n' "$R_MEM/$MON" "$R_PIDS/$MON" "$(v1_mount cpu)/$MON" "$R_CPU/$MON" \
			${R_IO:+"$R_IO/$MON"} | sort -u; fi
}
mon_create() {
	local n=$1 d i
	for d in $(mon_dirs); do [ -e "$(dirname "$d")/cgroup.procs" ] && mkdir "$d" || return 1; done
	if [ $V2 = 1 ]; then
		echo "+memory +pids +cpu +io" >/sys/fs/cgroup/cgroup.subtree_control
		echo "+memory +pids +cpu +io" >/sys/fs/cgroup/$MON/cgroup.subtree_control
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
	emit "| groups | floor: C reader, 5 files/group kept open | floor + the I/O byte counters (6 files) | climit top --batch | climit top interactive (pty) | systemd-cgtop -b | climit / floor with I/O | interactive / floor with I/O | cgtop / climit | climit top max RSS |"
	emit "|---|---|---|---|---|---|---|---|---|---|"
	local n r i floor cl cg rss dirs
	for n in 10 100 1000; do
		mon_create "$n"
		r=$((n >= 1000 ? 20 : 50))
		dirs=(); for ((i = 1; i <= n; i++)); do dirs+=("$MON/g$i"); done
		local f=() fio=() c=() g=() m=() t=()
		for i in 1 2 3 4 5; do
			f+=("$("$BIN/reader" "$r" "$R_MEM" "$R_PIDS" "$R_CPU" "${dirs[@]}")")
			fio+=("$(READER_IO=${R_IO:-$R_MEM} "$BIN/reader" "$r" "$R_MEM" "$R_PIDS" "$R_CPU" "${dirs[@]}")")
			read -r x y < <(per_refresh "$r" "$CL" top --batch -n ITER -d 10ms --parent $MON); c+=("$x"); m+=("$y")
			# The dashboard itself (sorting its display list every refresh) on a pty from
			# script(1), whose relaying of the screen is in the figure too.
			read -r x y < <(per_refresh "$r" env TERM=xterm-256color COLUMNS=150 LINES=50 script -qfec "$CL top -n ITER -d 10ms --parent $MON" /dev/null); t+=("$x")
			read -r x y < <(per_refresh "$r" systemd-cgtop -b -n ITER -d 0.01 /$MON); g+=("$x")
		done
		floor=$(printf '%s\n' "${f[@]}" | median); cl=$(printf '%s\n' "${c[@]}" | median)
		local fl_io; fl_io=$(printf '%s\n' "${fio[@]}" | median)
		cg=$(printf '%s\n' "${g[@]}" | median); rss=$(printf '%s\n' "${m[@]}" | median)
		local it; it=$(printf '%s\n' "${t[@]}" | median)
		emit "| $n | $(fmt "$floor") | $(fmt "$fl_io") | $(fmt "$cl") | $(fmt "$it") | $(fmt "$cg") | $(ratio "$cl" "$fl_io")x | $(ratio "$it" "$fl_io")x | $(ratio "$cg" "$cl")x | $(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k/1024}') |"
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

# ---- launch overhead ------------------------------------------------------------------------
# hyperfine -N (no shell) runs each command repeatedly; the figure is its median wall time.
RUNS=${BENCH_RUNS:-40}
hf() { # OUT.json CMD...  -> runs hyperfine, medians in ms on stdout, one per command
	local out=$1; shift
	hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; return 1; }
	jq -r '.results[] | .median * 1000' "$out"
}
CT=climit-bench-ct
ct_script() { # cgroup-tools: cgcreate + cgset + cgexec [+ WRAP...] + cgdelete, as a script file
	local f=$1; shift
	local set
	if [ $V2 = 1 ]; then set="-r memory.max=100M -r pids.max=100 -r cpu.max='50000 100000'"
	else set="-r memory.limit_in_bytes=100M -r pids.max=100 -r cpu.cfs_quota_us=50000"; fi
	cat >"$f" <<EOS
#!/bin/sh
cgcreate -g memory,pids,cpu:$CT && cgset $set $CT || exit 1
$* cgexec -g memory,pids,cpu:$CT $CTRUN
rc=\$?
cgdelete -g memory:$CT; cgdelete -g pids:$CT; cgdelete -g cpu:$CT
exit \$rc
EOS
	chmod +x "$f"
}
oci_bundle() { # DIR ROOTFS ARGS_JSON -> an OCI bundle with the bench limits, for runc and crun
	local b=$1 r=$2 args=$3
	mkdir -p "$b" && (cd "$b" && runc spec) || return 1
	jq --argjson a "$args" --arg r "$r" '.root.path = $r | .process.args = $a | .process.terminal = false | .root.readonly = true
		| .hostname = "box" | .linux.cgroupsPath = "/climit-bench-oci"
		| .linux.resources.memory = {"limit": 104857600} | .linux.resources.pids = {"limit": 100}
		| .linux.resources.cpu = {"quota": 50000, "period": 100000}' "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
}
busybox_rootfs() {
	local r=$1
	mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/sys" "$r/tmp" "$r/etc"
	cp "$(command -v busybox)" "$r/bin/busybox" && chroot "$r" /bin/busybox --install -s /bin
}
# crun refuses a v1 hybrid whose unified hierarchy is mounted ("cgroupv2 and v1 mixed");
# it runs in a private mount namespace with /sys/fs/cgroup/unified unmounted.
crun_cmd() { # BUNDLE ID
	if [ $V2 = 1 ]; then echo "crun run -b $1 $2"; else
		printf '#!/bin/sh\numount /sys/fs/cgroup/unified 2>/dev/null; exec crun run -b %s %s\n' "$1" "$2" >"$WORK/crun.sh"
		chmod +x "$WORK/crun.sh"; echo "unshare -m $WORK/crun.sh"; fi
}

# Append runc and crun, running /bin/true from an OCI bundle of the busybox rootfs with the
# bench limits, to the caller's names and cmds arrays (bash's dynamic scope). The bundle comes
# from `runc spec`, so crun is measured only where runc is installed too.
add_oci_peers() {
	command -v runc >/dev/null || return 0
	[ -d "$WORK/oci-true" ] || oci_bundle "$WORK/oci-true" "$WORK/rootfs" '["/bin/true"]' || return 0
	names+=("runc run (OCI bundle, same limits)"); cmds+=("runc run -b $WORK/oci-true climit-bench-runc")
	if command -v crun >/dev/null; then
		names+=("crun run (OCI bundle, same limits)"); cmds+=("$(crun_cmd "$WORK/oci-true" climit-bench-crun)")
	fi
}

# ---- recording cost ------------------------------------------------------------------------
# CPU time of climit (and its sleeping workload, ~0) over a 10 s run, with and without
# --record; the difference is the sampler's. The peer is what one writes by hand: a shell loop
# appending the same counters of the group to a file every 100 ms.
bench_record() {
	local secs=10 rounds=${BENCH_REC_ROUNDS:-3} i base="" r10="" r100="" shl=""
	local grp; grp=climit-bench-rec
	cat >"$WORK/loop.sh" <<EOS
#!/bin/sh
end=\$((\$(date +%s) + $secs))
while [ \$(date +%s) -lt \$end ]; do
	cat $R_MEM/climit/$grp/memory.$([ $V2 = 1 ] && echo current || echo usage_in_bytes) $R_PIDS/climit/$grp/pids.current \
	    $R_CPU/climit/$grp/$([ $V2 = 1 ] && echo cpu.stat || echo cpuacct.usage) >>$WORK/loop.out 2>/dev/null
	sleep 0.1
done
EOS
	chmod +x "$WORK/loop.sh"
	for i in $(seq "$rounds"); do
		base+="$("$BIN/cputime" "$CL" --mem 100M --pids 100 -- sleep $secs | awk '{print $1}') "
		r10+="$("$BIN/cputime" "$CL" --mem 100M --pids 100 --record "$WORK/r.jsonl" -- sleep $secs | awk '{print $1}') "
		r100+="$("$BIN/cputime" "$CL" --mem 100M --pids 100 --record "$WORK/r.jsonl" --record-interval 10ms -- sleep $secs | awk '{print $1}') "
		"$CL" --name $grp --mem 100M --pids 100 -- sleep $((secs + 2)) &
		local cl=$!
		sleep 0.5
		shl+="$("$BIN/cputime" "$WORK/loop.sh" | awk '{print $1}') "
		wait "$cl"
	done
	local b m10 m100 ms
	b=$(tr ' ' '\n' <<<"$base" | grep . | median); m10=$(tr ' ' '\n' <<<"$r10" | grep . | median)
	m100=$(tr ' ' '\n' <<<"$r100" | grep . | median); ms=$(tr ' ' '\n' <<<"$shl" | grep . | median)
	local lines; lines=$(wc -l <"$WORK/r.jsonl")
	emit ""
	emit "## Recording cost: CPU of climit over a ${secs} s run of sleep (median of $rounds; ms)"
	emit ""
	emit "| run | CPU ms | sampler's share | % of one CPU |"
	emit "|---|---|---|---|"
	emit "| climit --mem 100M --pids 100 -- sleep $secs (floor) | $(fmt "$b") | - | - |"
	emit "| + --record (every 100 ms) | $(fmt "$m10") | $(fmt "$(awk -v a="$m10" -v b="$b" 'BEGIN { print a - b }')") | $(awk -v a="$m10" -v b="$b" -v s=$secs 'BEGIN { printf "%.3f", (a - b) / (s * 10) }')% |"
	emit "| + --record --record-interval 10ms | $(fmt "$m100") | $(fmt "$(awk -v a="$m100" -v b="$b" 'BEGIN { print a - b }')") | $(awk -v a="$m100" -v b="$b" -v s=$secs 'BEGIN { printf "%.3f", (a - b) / (s * 10) }')% |"
	emit "| peer: sh loop, cat of 3 counter files every 100 ms | $(fmt "$ms") | $(fmt "$ms") | $(awk -v a="$ms" -v s=$secs 'BEGIN { printf "%.3f", a / (s * 10) }')% |"
	emit ""
	emit "The 10 ms recording wrote $lines lines. Launch with and without the recorder's code: see the"
	emit "launch table (no --record: nothing is sampled, no file is opened)."
}

# ---- launch before and after a change ---------------------------------------------------------
# BENCH_BASE=COMMIT builds that commit's climit in a temporary worktree and runs it against
# this one and the floor, BENCH_ROUNDS (6) rounds of hyperfine with the order swapped each
# round (a machine that drifts favours neither). Medians of the rounds.
bench_launchdiff() {
	local base=${BENCH_BASE:-}
	[ -n "$base" ] || { emit ""; emit "launchdiff: set BENCH_BASE=COMMIT"; return; }
	local wt=$WORK/base
	git worktree add -q --detach "$wt" "$base" && make -s -C "$wt" climit >/dev/null 2>&1 || {
		emit "launchdiff: cannot build $base"; git worktree remove --force "$wt" 2>/dev/null; return; }
	local lim="--mem 100M --pids 100 --cpu 50%" i old="" new="" flo="" rows=""
	for i in $(seq "${BENCH_ROUNDS:-6}"); do
		local a=$wt/climit b=$CL
		[ $((i % 2)) = 0 ] && { a=$CL; b=$wt/climit; }
		hyperfine -N --warmup 20 --runs 200 -i --export-json "$WORK/ld.json" "$a $lim -- /bin/true" "$b $lim -- /bin/true" \
			"$BIN/floor /bin/true" >/dev/null 2>&1 || continue
		local m; mapfile -t m < <(jq -r '.results[] | .median * 1000' "$WORK/ld.json")
		local mo=${m[0]} mn=${m[1]}
		[ $((i % 2)) = 0 ] && { mo=${m[1]}; mn=${m[0]}; }
		old+="$mo "; new+="$mn "; flo+="${m[2]} "
		rows+="| $i ($([ $((i % 2)) = 0 ] && echo after || echo before) first) | $(fmt "$mo") | $(fmt "$mn") | $(fmt "${m[2]}") |"$'\n'
	done
	git worktree remove --force "$wt"
	emit ""
	emit "## Launch before and after a change: $(git rev-parse --short "$base") against $(git rev-parse --short HEAD) (median wall ms, hyperfine -N, 200 runs)"
	emit ""
	emit "| round | before | after | floor (bench/floor.c) |"
	emit "|---|---|---|---|"
	printf '%s' "$rows" | while IFS= read -r l; do emit "$l"; done
	emit "| median | $(fmt "$(tr ' ' '\n' <<<"$old" | grep . | median)") | $(fmt "$(tr ' ' '\n' <<<"$new" | grep . | median)") | $(fmt "$(tr ' ' '\n' <<<"$flo" | grep . | median)") |"
}

# ---- climit fit against the shell loop a user would write -------------------------------------
# A helper that needs a known amount of memory (tests/helpers/need: touch 64 MiB, hold it 0.2 s)
# is fitted to 1 MiB by climit fit --mem, and by a linear scan at the same resolution (climit
# --mem 1M, 2M, ... until it passes, what a user writes as a shell loop), BENCH_FIT_ROUNDS (3)
# rounds in alternating order. Tries to the answer, total time, and fit's total against the sum
# of its tries' own wall times (what climit adds per try).
bench_fit() {
	local rounds=${BENCH_FIT_ROUNDS:-3} i k=64 hold=0.2 need=$BIN/need
	cc -O2 -Wall -pthread -o "$need" tests/helpers/need.c || return
	local ft="" fs="" fw="" ftries="" lt="" ltries="" fans="" lans=""
	for i in $(seq "$rounds"); do
		local order="fit lin"; [ $((i % 2)) = 0 ] && order="lin fit"
		local what
		for what in $order; do
			local t0 t1; t0=$(date +%s%N)
			if [ "$what" = fit ]; then
				"$CL" fit --mem --runs 3 --json -- "$need" mem $k $hold >"$WORK/fit.json" 2>/dev/null
				t1=$(date +%s%N)
				ft+="$(( (t1 - t0) / 1000000 )) "
				fw+="$(jq '[.tries[].wall_seconds] | add * 1000 | floor' "$WORK/fit.json") "
				ftries+="$(jq '.tries | length' "$WORK/fit.json") "
				fs+="$(jq '.answer.memory_limit_bytes.tries' "$WORK/fit.json") "
				fans=$(jq '.answer.memory_limit_bytes.smallest_passed / 1048576 | . * 10 | floor / 10' "$WORK/fit.json")
			else
				local m n=0
				for ((m = 1; m <= 2 * k; m++)); do
					n=$((n + 1))
					"$CL" --mem ${m}M -- "$need" mem $k $hold 2>/dev/null && break
				done
				t1=$(date +%s%N)
				lt+="$(( (t1 - t0) / 1000000 )) "; ltries+="$n "; lans=$m
			fi
		done
	done
	local med_ft med_fw med_lt; med_ft=$(tr ' ' '
' <<<"$ft" | grep . | median); med_fw=$(tr ' ' '
' <<<"$fw" | grep . | median)
	med_lt=$(tr ' ' '
' <<<"$lt" | grep . | median)
	local range=$(( k + 1 )) bound; bound=$(awk -v r="$range" 'BEGIN { b = log(r) / log(2); print (b == int(b)) ? b : int(b) + 1 }')
	emit ""
	emit "## climit fit --mem against a linear scan (helper: touch $k MiB, hold $hold s; resolution 1 MiB; medians of $rounds rounds)"
	emit ""
	emit "| | runs of the command | total ms | answer |"
	emit "|---|---|---|---|"
	emit "| climit fit --mem --runs 3 (baseline 3 + search + confirm 3 + joint 1) | $(tr ' ' '
' <<<"$ftries" | grep . | median) (memory search and confirmation: $(tr ' ' '
' <<<"$fs" | grep . | median); goal ceil(log2($range)) + 3 = $((bound + 3))) | $med_ft | ${fans}M |"
	emit "| shell loop: climit --mem 1M, 2M, ... until it passes | $(tr ' ' '
' <<<"$ltries" | grep . | median) | $med_lt | ${lans}M |"
	emit ""
	emit "climit fit's total against the sum of its tries' own wall times: $med_ft ms / $med_fw ms = $(ratio "$med_ft" "$med_fw")x (goal: within 1.10x)."
}

bench_launch() {
	local lim="--mem 100M --pids 100 --cpu 50%"
	CTRUN=/bin/true ct_script "$WORK/ct.sh"
	busybox_rootfs "$WORK/rootfs"
	local names=("bare fork+exec of true" "floor: C program on cgroupfs" "climit $lim" "cgcreate+cgset+cgexec+cgdelete (sh script)" "unshare --fork --pid true" "bwrap --dev-bind / / true")
	local cmds=(/bin/true "$BIN/floor /bin/true" "$CL $lim -- /bin/true" "$WORK/ct.sh" "unshare --fork --pid /bin/true" "bwrap --dev-bind / / /bin/true")
	add_oci_peers
	local meds; meds=$(hf "$WORK/launch.json" "${cmds[@]}") || { emit "launch: hyperfine failed"; return; }
	mapfile -t m <<<"$meds"
	emit ""
	emit "## Launch overhead, workload /bin/true (median wall ms, $RUNS runs each)"
	emit ""
	emit "| command | median ms | / floor | climit is faster by |"
	emit "|---|---|---|---|"
	local i
	for i in "${!names[@]}"; do
		emit "| ${names[$i]} | $(fmt "${m[$i]}") | $(ratio "${m[$i]}" "${m[1]}")x | $( [ "$i" -ge 3 ] && echo "$(ratio "${m[$i]}" "${m[2]}")x" || echo -) |"
	done
}

bench_isolate() {
	[ -d "$WORK/rootfs" ] || busybox_rootfs "$WORK/rootfs"
	local r=$WORK/rootfs lim="--mem 100M --pids 100 --cpu 50%"
	# The hand-made pipeline of the tutorials: overlay on a tmpfs, cgroup-tools, unshare, chroot.
	cat >"$WORK/pipeline-inner.sh" <<EOS
#!/bin/sh
t=\$(mktemp -d /tmp/climit-bench-ovl.XXXXXX)
mount -t tmpfs tmpfs \$t && mkdir \$t/u \$t/w \$t/m &&
mount -t overlay overlay -o lowerdir=$r,upperdir=\$t/u,workdir=\$t/w \$t/m || exit 1
unshare --fork --pid --mount --uts --ipc --net --cgroup chroot \$t/m /bin/sh -c 'mount -t proc proc /proc && hostname box && /bin/true'
rc=\$?
umount \$t/m \$t; rmdir \$t
exit \$rc
EOS
	chmod +x "$WORK/pipeline-inner.sh"
	CTRUN="unshare -m $WORK/pipeline-inner.sh" ct_script "$WORK/pipeline.sh"
	local names=("floor: C program on cgroupfs (no isolation)" "climit $lim (no isolation)" "climit $lim --isolate --rootfs R --overlay" "cgcreate/cgset/cgexec + unshare + overlay + chroot (sh script)" "bwrap --unshare-all --ro-bind R / --proc --dev (no limits, no overlay)")
	local cmds=("$BIN/floor /bin/true" "$CL $lim -- /bin/true" "$CL $lim --isolate --rootfs $r --overlay --hostname box -- /bin/true" "$WORK/pipeline.sh" "bwrap --unshare-all --ro-bind $r / --proc /proc --dev /dev --hostname box /bin/true")
	add_oci_peers
	local meds; meds=$(hf "$WORK/isolate.json" "${cmds[@]}") || { emit "isolate: hyperfine failed"; return; }
	mapfile -t m <<<"$meds"
	emit ""
	emit "## Isolated launch, workload /bin/true in a busybox rootfs (median wall ms, $RUNS runs each)"
	emit ""
	emit "| command | median ms | / bare cgroup launch (floor) | / climit without isolation | climit --isolate is faster by |"
	emit "|---|---|---|---|---|"
	local i
	for i in "${!names[@]}"; do
		emit "| ${names[$i]} | $(fmt "${m[$i]}") | $(ratio "${m[$i]}" "${m[0]}")x | $(ratio "${m[$i]}" "${m[1]}")x | $( [ "$i" -ge 3 ] && echo "$(ratio "${m[$i]}" "${m[2]}")x" || echo -) |"
	done
}

# ---- isolated launch against a floor with the same namespaces ----------------------------------
# bench/floor.c with FLOOR_NS (pid, mount, uts, ipc, net, cgroup namespaces, a fresh /proc, a
# hostname) and FLOOR_ROOTFS (plus a tmpfs, an overlay over R and pivot_root): what --isolate
# cannot do with less. The seccomp filter's cost is --isolate against --isolate --seccomp
# unconfined, side by side.
bench_isofloor() {
	[ -d "$WORK/rootfs" ] || busybox_rootfs "$WORK/rootfs"
	local r=$WORK/rootfs lim="--mem 100M --pids 100 --cpu 50%"
	local names=("floor: namespaces, /proc, hostname" "climit $lim --isolate --hostname box" "climit $lim --isolate --hostname box --seccomp unconfined"
		"floor: namespaces + tmpfs + overlay over R + pivot_root" "climit $lim --isolate --rootfs R --overlay --hostname box")
	local cmds=("env FLOOR_NS=1 $BIN/floor /bin/true" "$CL $lim --isolate --hostname box -- /bin/true"
		"$CL $lim --isolate --hostname box --seccomp unconfined -- /bin/true"
		"env FLOOR_ROOTFS=$r $BIN/floor /bin/true" "$CL $lim --isolate --rootfs $r --overlay --hostname box -- /bin/true")
	local meds; meds=$(hf "$WORK/isofloor.json" "${cmds[@]}") || { emit "isofloor: hyperfine failed"; return; }
	mapfile -t m <<<"$meds"
	emit ""
	emit "## Isolated launch against a floor with the same namespaces, workload /bin/true (median wall ms, $RUNS runs each)"
	emit ""
	emit "| command | median ms | / its namespace floor |"
	emit "|---|---|---|"
	emit "| ${names[0]} | $(fmt "${m[0]}") | 1.00x |"
	emit "| ${names[1]} | $(fmt "${m[1]}") | $(ratio "${m[1]}" "${m[0]}")x |"
	emit "| ${names[2]} | $(fmt "${m[2]}") | $(ratio "${m[2]}" "${m[0]}")x |"
	emit "| ${names[3]} | $(fmt "${m[3]}") | 1.00x |"
	emit "| ${names[4]} | $(fmt "${m[4]}") | $(ratio "${m[4]}" "${m[3]}")x |"
	emit ""
	emit "The seccomp filter (Docker's default profile, compiled before the launch, installed with two seccomp(2) calls before exec) costs $(fmt "$(awk -v a="${m[1]}" -v b="${m[2]}" 'BEGIN {print a - b}')") ms per launch here (--isolate with and without it)."
}

# ---- teardown ---------------------------------------------------------------------------------
bench_teardown() {
	local n=10 i f=() fq=() c=() rr=()
	for ((i = 0; i < n; i++)); do
		fq+=("$("$BIN/teardown" floor 100 50000 "$BIN/forkloop")")
		f+=("$("$BIN/teardown" floor 100 0 "$BIN/forkloop")")
		"$CL" --name climit-bench-td --pids 100 --cpu 50% -- "$BIN/forkloop" &
		local pid=$! d
		if [ $V2 = 1 ]; then d=/sys/fs/cgroup/climit/climit-bench-td; else d=$(v1_mount pids)/climit/climit-bench-td; fi
		local k=0
		until [ "$(cat "$d/pids.current" 2>/dev/null || echo 0)" -ge 100 ] || [ $k -ge 400 ]; do sleep 0.01; k=$((k + 1)); done
		# The decision: a second SIGINT (the first is forwarded to the workload, the second
		# makes climit kill the whole group at once, as a timeout does).
		kill -INT "$pid"
		c+=("$("$BIN/teardown" watch "$d" "$pid" 2)")
		wait "$pid" 2>/dev/null
	done
	[ -d "$WORK/rootfs" ] || busybox_rootfs "$WORK/rootfs"
	if command -v runc >/dev/null; then
		oci_bundle "$WORK/oci-loop" "$WORK/rootfs" '["/bin/sh", "-c", "while :; do sleep 1000 & done 2>/dev/null"]'
		local pd; if [ $V2 = 1 ]; then pd=/sys/fs/cgroup/climit-bench-oci; else pd=$(v1_mount pids)/climit-bench-oci; fi
		for ((i = 0; i < n; i++)); do
			runc run -d -b "$WORK/oci-loop" climit-bench-runcl >/dev/null 2>&1 </dev/null || break
			local k=0
			until [ "$(cat "$pd/pids.current" 2>/dev/null || echo 0)" -ge 100 ] || [ $k -ge 400 ]; do sleep 0.01; k=$((k + 1)); done
			local t0 t1; t0=$(date +%s%N); runc delete --force climit-bench-runcl; while [ -d "$pd" ]; do :; done; t1=$(date +%s%N)
			rr+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b-a)/1e6}')")
		done
	fi
	local mf mfq mc mr
	mf=$(printf '%s\n' "${f[@]}" | median); mfq=$(printf '%s\n' "${fq[@]}" | median); mc=$(printf '%s\n' "${c[@]}" | median)
	emit ""
	emit "## Teardown of a contained fork loop (pids 100): kill decision to cgroup gone (median ms of $n)"
	emit ""
	emit "| how | median ms | / floor |"
	emit "|---|---|---|"
	emit "| floor: C, kill all + rmdir, no CPU quota | $(fmt "$mf") | 1.00x |"
	emit "| floor: C, same with cpu 50% left in place | $(fmt "$mfq") | $(ratio "$mfq" "$mf")x |"
	emit "| climit --pids 100 --cpu 50% (second SIGINT: lift the quota, freeze, kill, remove) | $(fmt "$mc") | $(ratio "$mc" "$mf")x |"
	if [ ${#rr[@]} -gt 0 ]; then
		mr=$(printf '%s\n' "${rr[@]}" | median)
		emit "| runc delete --force (busybox sh fork loop, same limits) | $(fmt "$mr") | $(ratio "$mr" "$mf")x |"
	fi
}

# ---- concurrency ------------------------------------------------------------------------------
bench_concurrency() {
	local n=200 i t0 t1
	: >"$WORK/cc.out"
	t0=$(date +%s%N)
	for ((i = 1; i <= n; i++)); do
		( "$CL" --name "climit-bench-cc-$i" --mem 32M --pids 50 --cpu 10% -- sh -c "sleep 2; exit $((i % 100))" 2>>"$WORK/cc.err"
		  echo "$i $?" >>"$WORK/cc.out" ) &
	done
	wait
	t1=$(date +%s%N)
	local wrong left
	wrong=$(awk '$2 != $1 % 100' "$WORK/cc.out" | wc -l)
	local done_n; done_n=$(wc -l <"$WORK/cc.out")
	left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'climit-bench-cc-*' | wc -l)
	emit ""
	emit "## Concurrency: $n concurrent \`climit --mem 32M --pids 50 --cpu 10% -- sh -c 'sleep 2; exit N'\`"
	emit ""
	emit "| runs finished | wrong exit codes | groups left | total wall | climit errors |"
	emit "|---|---|---|---|---|"
	emit "| $done_n | $wrong | $left | $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f s", (b-a)/1e9}') | $(grep -c . "$WORK/cc.err") |"
}

# ---- launch under systemd: root on cgroupfs, root through a scope, rootless --------------------
# This host has no systemd; the systemd guest of the tests (tests/vm/run-v2.sh systemd) runs
# bench/systemd-launch.sh and prints the table.
bench_systemd() {
	local out
	out=$(CLIMIT_VM_APPEND="climit.debug=$PWD/bench/systemd-launch.sh" bash tests/vm/run-v2.sh systemd 2>&1)
	emit ""
	emit "## Launch under systemd: root on cgroupfs, root through a scope, a normal user (systemd guest)"
	emit ""
	grep -E '^\|' <<<"$out" | while IFS= read -r l; do emit "$l"; done
	grep -qE '^\|' <<<"$out" || emit "systemd guest: no table (see tests/vm/run-v2.sh systemd)"
}

for s in launch isolate isofloor monitor teardown oom concurrency record launchdiff systemd fit; do
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
	cat <<'EON'

## How the peers were run

- Every figure is a median: hyperfine -N (no shell), 3 warm-up runs, BENCH_RUNS (40) runs per
  command, all commands of a table in one hyperfine invocation, so they share the machine's
  state. Ratios are against the floor of the same table.
- floor: bench/floor.c, mkdir + limits + fork + join + exec + wait + rmdir on cgroupfs, no checks.
- cgroup-tools: a /bin/sh script running cgcreate, cgset, cgexec and three cgdelete (one per
  controller: libcgroup 2.0.2's cgdelete removes only the first controller, both of
  `-g memory,pids,cpu:X` and of `-g memory:X -g pids:X -g cpu:X`).
- runc and crun: an OCI bundle from `runc spec` with the same limits (memory 100M, pids 100,
  cpu 50000/100000), the busybox rootfs read-only, hostname box; `runc run`/`crun run` in the
  foreground. On a v1 hybrid crun refuses to start while the empty cgroup2 is mounted at
  /sys/fs/cgroup/unified, so it runs as `unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec
  crun run ...'` (the unshare and sh cost is in its figure). Both also create namespaces and a
  rootfs, so they belong to the isolated table as much as to the plain one.
- The hand-made pipeline of the tutorials: cgcreate/cgset, a tmpfs + overlay mount, cgexec
  unshare --fork --pid --mount --uts --ipc --net --cgroup chroot, mount -t proc, hostname,
  then umount and cgdelete, all from one sh script.
- bwrap has no limits and no overlay; it is the floor of namespace set-up, not a peer with
  equal work.
- Launch under systemd runs in the systemd guest under qemu TCG (no KVM here): every figure
  there is 10-60x a native one (dlopen of libsystemd alone is 0.3 ms natively and ~20 ms under
  TCG), so read its ratios, not its milliseconds. systemd-run --scope is the peer that sets the
  same limits as unit properties.
- Monitoring: CPU time (user + system, from wait4) of `-n R+1` minus `-n 1` refreshes, divided
  by R, so start-up is left out; groups each hold one sleeping process. systemd-cgtop is limited
  to the same subtree. The floor reads memory current and limit, pids current and limit and CPU
  usage (5 files); climit reads 5 per refresh (v1: cpuacct.usage, cpu.stat, memory usage,
  pids.current, pids.events), the memory and pids peaks every 5th refresh, the limits when
  their inotify watch fires (any write(2) to them), and everything every 30th refresh. v1
  pids.events does not notify inotify (tested), so it is read every refresh.
- Teardown: the decision is the second SIGINT to climit; the floor is bench/teardown.c. runc
  delete --force kills a busybox `sh` loop whose children mostly sleep, an easier target than
  the C fork loop (which is dynamically linked; the busybox rootfs has no libc).
- OOM latency: kills whose "oom-kill:" kmsg line was rate-limited by the kernel (10 per 5 s)
  have no kernel timestamp and are counted as "kills" but not "seen" with a latency.
EON
} >"$OUT"
echo "bench: wrote $OUT" >&2
