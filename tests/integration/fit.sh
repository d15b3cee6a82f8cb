# climit fit and climit sweep, against workloads of known need (tests/helpers/need.c): the answers
# are checked against what an independent scan with plain `climit --mem`/`--pids` finds, or
# against the arithmetic of work / quota.
NEED=$PWD/tests/helpers/need

# No group, record or helper process of a fit/sweep left behind.
_fit_leftovers() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'climit-fit-*' -o -type d -name 'climit-sweep-*' 2>/dev/null
	ls "$CLIMIT_RUNTIME_DIR" 2>/dev/null | grep -E '^climit-(fit|sweep)-' || true
	pgrep -f "$NEED " 2>/dev/null || true
}

# Memory: allocating and touching K MiB needs some K MiB plus the process's own. fit's answer
# is at least the true minimum and at most one resolution step above it; the true minimum is
# found here by a linear scan with `climit --mem` in 256K steps (the answer's resolution is 1M).
test_fit_memory_answer_is_the_true_minimum_within_one_step() {
	local k=24 out rc
	# The scan judges exit statuses only, so fit does too here: under emulation a run near its
	# limit is slowed by reclaim, and the default --slowdown would (rightly) fail it as slow.
	out=$("$CLIMIT" fit --mem --runs 2 --slowdown 50 --json -- "$NEED" mem $k 2>/dev/null); rc=$?
	expect_eq "exit" 0 "$rc" || { echo "$out" | head -c 2000; return; }
	local ans; ans=$(jq -r '.answer.memory_limit_bytes.smallest_passed' <<<"$out")
	local tries; tries=$(jq -r '.answer.memory_limit_bytes.tries' <<<"$out")
	# The linear scan: the smallest limit (256K steps) under which the helper exits 0 twice.
	local lo=$(( (k - 2) * 1048576 )) m min=""
	for ((m = lo; m <= (k + 4) * 1048576; m += 262144)); do
		"$CLIMIT" --name climit-test-fitscan --mem "$m" -- "$NEED" mem $k 2>/dev/null &&
			"$CLIMIT" --name climit-test-fitscan --mem "$m" -- "$NEED" mem $k 2>/dev/null && { min=$m; break; }
	done
	[ -n "$min" ] || { fail "the scan found no passing limit up to $((k + 4))M"; return; }
	[ "$ans" -ge $((min - 262144)) ] && [ "$ans" -le $((min + 1048576 + 262144)) ] ||
		{ fail "fit says $ans bytes, the scan's minimum is $min"; return; }
	# A bisection to 1M from [1M, peak] plus the --runs confirmations.
	[ "$tries" -le $((5 + 2 + 2)) ] || { fail "$tries tries"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# Tasks: K alive at once (the helper and K-1 children) need pids.max K: the launch adds nothing
# (the command is the group's first task; climit itself stays outside).
test_fit_pids_answer_is_the_tasks_held() {
	local out rc; out=$("$CLIMIT" fit --pids --runs 2 -- "$NEED" tasks 6 2>/dev/null); rc=$?
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	local line; line=$(grep '^pids ' <<<"$out")
	[[ $line =~ ^pids\ +6\ peak\ +6\ +7\ \(\+10%\) ]] || { fail "table: $line"; return; }
	grep -qx "climit --pids 7 -- $NEED tasks 6" <<<"$out" || { fail "command line: $out"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# CPU: a single thread burning 0.4 s of CPU, allowed twice its time, needs half a CPU; two
# threads need a whole one. (Medians of a noisy host: +-10 and +-20 points.)
test_fit_cpu_answer_follows_work_over_time() {
	local out rc a1 a2
	out=$("$CLIMIT" fit --cpu --slowdown 2 --runs 2 --json -- "$NEED" cpu 0.4 2>/dev/null); rc=$?
	expect_eq "exit (one thread)" 0 "$rc" || { echo "$out" | head -c 1500; return; }
	a1=$(jq -r .answer.cpu_limit_percent.smallest_passed <<<"$out")
	out=$("$CLIMIT" fit --cpu --slowdown 2 --runs 2 --json -- "$NEED" cpu 0.4 2 2>/dev/null); rc=$?
	expect_eq "exit (two threads)" 0 "$rc" || { echo "$out" | head -c 1500; return; }
	a2=$(jq -r .answer.cpu_limit_percent.smallest_passed <<<"$out")
	[ "$a1" -ge 40 ] && [ "$a1" -le 60 ] || { fail "one thread: $a1%, not 50 +- 10"; return; }
	[ "$a2" -ge 80 ] && [ "$a2" -le 120 ] || { fail "two threads: $a2%, not 100 +- 20"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# A command that fails without limits is refused (its status and stderr named, 125); one not
# found is a 127; one that fails every other run is not deterministic: exit 1, no limit.
test_fit_refuses_failing_missing_and_flaky_commands() {
	local out rc bad="" d; d=$(mktemp -d /tmp/climit-test-fit.XXXXXX)
	out=$("$CLIMIT" fit --runs 2 -- sh -c 'echo disk full >&2; exit 3' 2>&1 >/dev/null); rc=$?
	[ "$rc" = 125 ] && grep -q '^climit: fit: sh fails without limits (exit 3); its stderr: disk full$' <<<"$out" ||
		bad+=" [failing: $rc '$out']"
	out=$("$CLIMIT" fit --runs 2 -- /nonexistent/cmd 2>&1 >/dev/null); rc=$?
	[ "$rc" = 127 ] && grep -q '^climit: fit: /nonexistent/cmd: No such file or directory$' <<<"$out" ||
		bad+=" [not found: $rc '$out']"
	out=$("$CLIMIT" fit --runs 3 -- "$NEED" flaky "$d/n" 2>&1); rc=$?
	[ "$rc" = 1 ] && grep -q 'is not deterministic without limits: 1 of 3 runs failed (exit 1)' <<<"$out" ||
		bad+=" [flaky: $rc '$out']"
	grep -q -- '--mem\|--pids [0-9]\|^climit ' <<<"$(grep -v '^climit: fit: try' <<<"$out")" && bad+=" [a limit for a flaky command]"
	# With one baseline run the flakiness shows in the search: never a bogus limit either.
	rm -f "$d/n"
	out=$("$CLIMIT" fit --pids --runs 1 -- "$NEED" flaky "$d/n" 2>&1); rc=$?
	[ "$rc" = 1 ] && grep -q "is not deterministic: try 2 failed (exit 1) with no sign of its limit" <<<"$out" || bad+=" [flaky, one run: $rc '$out']"
	grep -q '^climit --pids' <<<"$out" && bad+=" [recommended a limit for a flaky command: $out]"
	out=$("$CLIMIT" fit --slowdown 0.5 -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [ "$out" = 'climit: fit: --slowdown: "0.5": not a factor from 1 to 100 (1.2: 20% slower)' ] ||
		bad+=" [bad --slowdown: $rc '$out']"
	out=$("$CLIMIT" fit --emit nomad -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [[ $out == 'climit: fit: --emit: "nomad": not climit, systemd, kubernetes, docker or slurm' ]] ||
		bad+=" [bad --emit: $rc '$out']"
	rm -rf "$d"
	[ -n "$(_fit_leftovers)" ] && bad+=" [left behind: $(_fit_leftovers)]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# --budget bounds the search: it ends within the budget plus one try's own limit, with what is
# known so far and exit 124.
test_fit_budget_ends_the_search_with_what_is_known() {
	local out rc t0 t1
	t0=$(date +%s%N)
	out=$("$CLIMIT" fit --cpu --runs 1 --budget 3s -- "$NEED" cpu 0.8 2>&1); rc=$?
	t1=$(date +%s%N)
	local secs=$(( (t1 - t0) / 1000000 ))
	expect_eq "exit" 124 "$rc" || { echo "$out"; return; }
	grep -q '^climit: fit: --budget ran out after [0-9]* tries; what is known:$' <<<"$out" || { fail "no notice: $out"; return; }
	grep -qE '^cpu +[0-9]+% of one CPU +(fails at [0-9]+%, passes at [0-9]+%|not known)' <<<"$out" || { fail "table: $out"; return; }
	# 3 s, plus one try killed at 1.25 x (0.8 s x 1.2 + spread) + 0.2 s, plus launch costs.
	[ "$secs" -lt 6000 ] || { fail "took $secs ms"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# Ctrl-C in the middle of a search: the running try's group is removed, the tries so far are
# shown, exit 130, nothing left (no group, record, process, recording).
test_fit_sigint_in_tmux_stops_cleanly() {
	command -v tmux >/dev/null || { skip "tmux not installed"; return; }
	local d; d=$(mktemp -d /tmp/climit-test-fit.XXXXXX)
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 150 -y 40 "$CLIMIT fit --cpu --runs 1 --record $d/rec -- $NEED cpu 1.5 >$d/out 2>&1; echo \$? >$d/rc; sleep 30"
	# Wait for the first try after the baseline (its group is climit-fit-PID-2).
	if ! wait_for 30 sh -c "find /sys/fs/cgroup -maxdepth 8 -type d -name 'climit-fit-*-2' | grep -q ."; then
		fail "no search try started: $(cat "$d/out")"; top_stop; rm -rf "$d"; return
	fi
	sleep 0.3
	tm send-keys -t t C-c
	wait_for 20 test -s "$d/rc" || { fail "did not end: $(cat "$d/out")"; top_stop; rm -rf "$d"; return; }
	local rc out; rc=$(cat "$d/rc") out=$(cat "$d/out")
	top_stop
	local left; left=$(_fit_leftovers)
	local recs; recs=$(ls "$d/rec")
	rm -rf "$d"
	expect_eq "exit" 130 "$rc" || { echo "$out"; return; }
	grep -q '^climit: fit: stopped by SIGINT after 1 tries' <<<"$out" || { fail "notice: $out"; return; }
	grep -qE '^cpu +[0-9]+% of one CPU +not known' <<<"$out" || { fail "partial table: $out"; return; }
	# The interrupted try's recording is whole (an end record) and the baseline's is there.
	[[ $recs == *try-01.jsonl* ]] || { fail "recordings: $recs"; return; }
	[ -z "$left" ] && pass || fail "left behind: $left"
}

# --emit in other tools' terms, each checked by that tool or its documented syntax; --json is one
# document; --plot draws; --record keeps a recording per try that climit export reads. (What is
# checked is the output's form: --slowdown 50 keeps a memory search on a loaded host from ending
# at a boundary that reclaim's slowness decides, as the memory-answer test does.)
test_fit_emit_json_plot_record() {
	local d bad="" out; d=$(mktemp -d /tmp/climit-test-fit.XXXXXX)
	out=$("$CLIMIT" fit --mem --pids --runs 1 --slowdown 50 --json --emit kubernetes --plot "$d/f.png" --record "$d/rec" -- "$NEED" mem 20 2>/dev/null) ||
		bad+=" [fit failed]"
	local need rec; need=$(jq -r .answer.memory_limit_bytes.smallest_passed <<<"$out"); rec=$(jq -r .answer.memory_limit_bytes.recommended <<<"$out")
	# Kubernetes: requests = need, limits = recommended, in Mi; no pids (said in a comment).
	local y; y=$(jq -r .emit <<<"$out" | python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin)["resources"]; print(d["requests"]["memory"], d["limits"]["memory"])' 2>&1)
	[ "$y" = "$(( (need + 1048575) / 1048576 ))Mi $(( (rec + 1048575) / 1048576 ))Mi" ] || bad+=" [kubernetes: '$y' for $need/$rec]"
	jq -r .emit <<<"$out" | grep -q '^# Pods have no per-container task limit' || bad+=" [kubernetes: no pids note]"
	[ "$(jq '.tries | length' <<<"$out")" -ge 5 ] || bad+=" [tries in the json]"
	file "$d/f.png" | grep -q 'PNG image' || bad+=" [plot: $(file "$d/f.png")]"
	local n; n=$(ls "$d/rec" | wc -l)
	[ "$n" = "$(jq '.tries | length' <<<"$out")" ] || bad+=" [$n recordings for $(jq '.tries | length' <<<"$out") tries]"
	"$CLIMIT" export "$d/rec/try-01.jsonl" | head -1 | grep -q '^t,' || bad+=" [export of a try's recording]"
	# docker/podman: --memory=Nm --memory-swap=Nm --pids-limit=N (docker run --help's syntax).
	out=$("$CLIMIT" fit --mem --pids --runs 1 --slowdown 50 --emit docker -- "$NEED" mem 20 2>/dev/null)
	grep -qE '^--memory=[0-9]+m --memory-swap=[0-9]+m --pids-limit=[0-9]+$' <<<"$out" || bad+=" [docker: $out]"
	# Slurm: #SBATCH --mem=<size>[units] (sbatch(1)).
	out=$("$CLIMIT" fit --mem --runs 1 --slowdown 50 --emit slurm -- "$NEED" mem 20 2>/dev/null)
	grep -qE '^#SBATCH --mem=[0-9]+M$' <<<"$out" || bad+=" [slurm: $out]"
	# (A command that needs next to no CPU, so the answer is not a boundary that noise decides:
	# a CPU-bound one at --runs 1 once failed its joint try by a millisecond and emitted none.)
	out=$("$CLIMIT" fit --cpu --runs 1 --slowdown 4 --emit slurm -- sleep 0.3 2>&1)
	grep -qE '^#SBATCH --cpus-per-task=[0-9]+$' <<<"$out" || bad+=" [slurm cpu: $out]"
	rm -rf "$d"
	[ -n "$(_fit_leftovers)" ] && bad+=" [left behind: $(_fit_leftovers)]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# Limits that pass alone and fail together (need joint: 3 MiB more when memory and tasks are both
# limited): the joint try's OOM kills step memory up until it passes, and the recommendation is
# made from what passed together, not from the answers alone.
test_fit_joint_failure_steps_up_what_it_shows() {
	local out rc bad=""; out=$("$CLIMIT" fit --mem --pids --runs 1 --slowdown 50 --json -- "$NEED" joint 20 3 2>/dev/null); rc=$?
	[ "$rc" = 0 ] || bad+=" [exit $rc]"
	[ "$(jq -r .joint <<<"$out")" = pass ] || bad+=" [joint: $(jq -r .joint <<<"$out")]"
	local alone together rec fails
	alone=$(jq .answer.memory_limit_bytes.smallest_passed <<<"$out") together=$(jq .answer.memory_limit_bytes.together <<<"$out")
	rec=$(jq .answer.memory_limit_bytes.recommended <<<"$out")
	fails=$(jq '[.tries[] | select(.phase == "joint" and .verdict == "oom")] | length' <<<"$out")
	# Alone it needs ~20 MiB; together ~23 MiB, reached by steps of 1, 2, 4 MiB (at most 7 up).
	[ "$fails" -ge 1 ] || bad+=" [no joint OOM kill: $fails]"
	(( together >= alone + 3 * 1048576 - 1048576 && together <= alone + 7 * 1048576 + 4096 )) ||
		bad+=" [together $together for alone $alone]"
	(( rec >= together * 11 / 10 )) || bad+=" [recommended $rec below together $together + 10%]"
	[ "$(jq -r .answer.pids_limit.together <<<"$out")" = "$(jq -r .answer.pids_limit.smallest_passed <<<"$out")" ] ||
		bad+=" [pids stepped up for an OOM kill]"
	# The table says both figures.
	out=$("$CLIMIT" fit --mem --pids --runs 1 --slowdown 50 -- "$NEED" joint 20 3 2>/dev/null)
	grep -qE '^memory +[0-9.]+M peak +[0-9.]+M \(together: [0-9.]+M\)' <<<"$out" || bad+=" [table: $out]"
	[ -n "$(_fit_leftovers)" ] && bad+=" [left behind: $(_fit_leftovers)]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# systemd's own reading of --emit systemd: each property applied to a scope with systemd-run -p
# and read back with systemctl show (a systemd host or guest).
test_fit_emit_systemd_is_what_systemd_applies() {
	[ -d /run/systemd/system ] || { skip "systemd is not PID 1 here (the systemd guest runs this)"; return; }
	local out; out=$("$CLIMIT" fit --mem --cpu --pids --runs 1 --emit systemd -- "$NEED" mem 20 2>/dev/null) ||
		{ fail "fit: $out"; return; }
	local props=() l
	while IFS= read -r l; do [[ $l == \#* || -z $l ]] || props+=(-p "$l"); done <<<"$out"
	[ "${#props[@]}" = 8 ] || { fail "properties: $out"; return; }
	local unit=climit-test-emit-$$.scope
	systemd-run --quiet --scope --unit="$unit" "${props[@]}" -- sleep 5 &
	local pid=$!
	wait_for 10 systemctl is-active --quiet "$unit" || { fail "scope did not start"; kill $pid; return; }
	local shown; shown=$(systemctl show "$unit" -p MemoryMax -p MemorySwapMax -p CPUQuotaPerSecUSec -p TasksMax)
	kill $pid; wait $pid 2>/dev/null
	local mem cpu tasks
	mem=$(sed -n 's/^MemoryMax=\([0-9]*\)M$/\1/p' <<<"$out") cpu=$(sed -n 's/^CPUQuota=\([0-9]*\)%$/\1/p' <<<"$out")
	tasks=$(sed -n 's/^TasksMax=//p' <<<"$out")
	grep -qx "MemoryMax=$((mem * 1048576))" <<<"$shown" && grep -qx "MemorySwapMax=0" <<<"$shown" &&
		grep -qx "TasksMax=$tasks" <<<"$shown" && grep -qx "CPUQuotaPerSecUSec=$((cpu * 10))ms" <<<"$shown" ||
		{ fail "systemd shows: $shown (emitted: $out)"; return; }
	pass
}

# sweep: three CPU quotas of a fixed amount of work. Wall time falls as the quota rises, each
# within 15% of work / quota.
test_sweep_cpu_quotas_give_work_over_quota() {
	local out rc; out=$("$CLIMIT" sweep --cpu 25%,50%,100% --runs 2 --json -- "$NEED" cpu 0.4 2>/dev/null); rc=$?
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	local walls; walls=$(jq -r '.cells[] | "\(.limits.cpu_limit_percent) \(.wall_median_seconds)"' <<<"$out")
	awk '{ want = 0.4 / ($1 / 100); if ($2 < want * 0.85 || $2 > want * 1.15) { print "cpu " $1 "%: " $2 " s, want " want; bad = 1 }
		if (NR > 1 && $2 >= prev) { print "not falling at " $1 "%"; bad = 1 } prev = $2 } END { exit bad }' <<<"$walls" ||
		{ fail "$(tr '\n' ' ' <<<"$walls")"; return; }
	[ "$(jq '[.cells[].passed] | add' <<<"$out")" = 6 ] || { fail "passes: $out"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# sweep's table, CSV and chart; limits that fail are counted as such (OOM kills, refused forks).
test_sweep_table_csv_plot_and_failures() {
	local d bad="" out rc; d=$(mktemp -d /tmp/climit-test-fit.XXXXXX)
	out=$("$CLIMIT" sweep --mem 8M,64M --pids 2,max --runs 1 --plot "$d/s.svg" -- "$NEED" mem 16 2>/dev/null); rc=$?
	[ "$rc" = 1 ] || bad+=" [exit $rc with failing cells]"
	grep -qE '^-      8M       2 .* 1 +0 +0/1$' <<<"$out" || bad+=" [8M row: $out]"
	grep -qE '^-      64M      - .* 0 +0 +1/1$' <<<"$out" || bad+=" [64M row: $out]"
	grep -q '<svg' "$d/s.svg" || bad+=" [no chart]"
	out=$("$CLIMIT" sweep --pids 2,10 --runs 1 --csv -- "$NEED" tasks 4 2>/dev/null)
	[ "$(sed -n 2p <<<"$out" | cut -d, -f3,5,11)" = "2,0,2" ] && [ "$(sed -n 3p <<<"$out" | cut -d, -f3,5,11)" = "10,1,0" ] ||
		bad+=" [csv: $out]"
	out=$("$CLIMIT" sweep -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [ "$out" = "climit: sweep: nothing to sweep: give --cpu, --mem or --pids a list of values" ] || bad+=" [no list: $rc $out]"
	out=$("$CLIMIT" sweep --mem 64M,lots -- true 2>&1); rc=$?
	[ "$rc" = 125 ] && [[ $out == 'climit: sweep: --mem: "lots": '* ]] || bad+=" [bad value: $rc $out]"
	rm -rf "$d"
	[ -n "$(_fit_leftovers)" ] && bad+=" [left behind: $(_fit_leftovers)]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# Where the kernel keeps no peak (v2 memory.peak is 5.19+, pids.peak 6.11+: Debian 12's 6.1 has
# no pids.peak), fit samples the group every 10 ms instead and still finds the answers. The
# files are made absent with the fault helper.
test_fit_samples_peaks_where_the_kernel_keeps_none() {
	local out err rc f=$PWD/tests/helpers/fault.so
	err=$(mktemp /tmp/climit-test-fit.XXXXXX)
	out=$(CLIMIT_FAULT=absent:memory.peak,memory.max_usage_in_bytes,pids.peak LD_PRELOAD=$f \
		"$CLIMIT" fit --mem --pids --runs 1 --json -- "$NEED" mem 24 0.2 2>"$err"); rc=$?
	local msg; msg=$(cat "$err"); rm -f "$err"
	expect_eq "exit" 0 "$rc" || { echo "$msg"; return; }
	grep -q '^climit: fit: this kernel keeps no memory peak (memory.peak is 5.19+): the peaks are sampled every 10 ms$' <<<"$msg" ||
		{ fail "no note: $msg"; return; }
	local peak ans; peak=$(jq .baseline.memory_peak_bytes <<<"$out"); ans=$(jq .answer.memory_limit_bytes.smallest_passed <<<"$out")
	[ "$peak" -ge $((24 << 20)) ] && [ "$peak" -le $((30 << 20)) ] || { fail "sampled peak $peak"; return; }
	[ "$ans" -ge $((23 << 20)) ] && [ "$ans" -le $((30 << 20)) ] || { fail "answer $ans"; return; }
	out=$(CLIMIT_FAULT=absent:pids.peak LD_PRELOAD=$f "$CLIMIT" fit --pids --runs 1 --json -- "$NEED" tasks 5 2>/dev/null)
	expect_eq "tasks answer" 5 "$(jq .answer.pids_limit.smallest_passed <<<"$out")" || return
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}

# --prepare CMD runs before every try, outside the limits: a command that works only once (it
# refuses to run when its output exists) is fitted when --prepare removes the output, and the
# prepare command may use more tasks than any limit tried. Without --prepare the same command
# is not deterministic.
test_fit_prepare_resets_state_outside_the_limits() {
	local d; d=$(mktemp -d /tmp/climit-test-fit.XXXXXX)
	local out rc out2 rc2
	out=$("$CLIMIT" fit --pids --runs 2 --prepare "rm -f $d/done; for i in 1 2 3 4 5 6; do sleep 0.05 & done; wait" -- \
		sh -c "[ ! -e $d/done ] && touch $d/done" 2>&1); rc=$?
	out2=$("$CLIMIT" fit --pids --runs 2 -- sh -c "[ ! -e $d/once ] && touch $d/once" 2>&1); rc2=$?
	rm -rf "$d"
	expect_eq "exit with --prepare" 0 "$rc" || { echo "$out"; return; }
	grep -qE '^climit --pids [0-9]+ -- sh -c ' <<<"$out" || { fail "no recommendation: $out"; return; }
	expect_eq "exit without --prepare" 1 "$rc2" || { echo "$out2"; return; }
	grep -q 'is not deterministic without limits: 1 of 2 runs failed (exit 1)' <<<"$out2" || { fail "without: $out2"; return; }
	[ -z "$(_fit_leftovers)" ] && pass || fail "left behind: $(_fit_leftovers)"
}
