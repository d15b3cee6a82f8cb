# climit set, kill, freeze, thaw, wait, attach and run --pid: acting on running containers from
# the command line (the same code as climit top's keys, src/run/control.c).

# CPU time used so far by group NAME, in microseconds (v2 cpu.stat, v1 cpuacct.usage).
_cpu_us() {
	if [ "$CG_MODE" = v2 ]; then
		awk '$1 == "usage_usec" { print $2 }' "$(cg_dir cpu "climit/$1")/cpu.stat"
	else
		echo $(($(cat "$(cg_dir cpuacct "climit/$1")/cpuacct.usage") / 1000))
	fi
}
# CPUs used by group NAME over SECONDS, e.g. 0.48.
_cpu_rate() {
	local a b t0 t1
	a=$(_cpu_us "$1"); t0=$(date +%s%N); sleep "$2"; b=$(_cpu_us "$1"); t1=$(date +%s%N)
	awk -v a="$a" -v b="$b" -v w=$(((t1 - t0) / 1000)) 'BEGIN { printf "%.3f", (b - a) / w }'
}
# The CPU quota in force for group NAME, in percent of one CPU ("max" if none).
_quota() {
	local q p
	if [ "$CG_MODE" = v2 ]; then
		read -r q p <"$(cg_dir cpu "climit/$1")/cpu.max"
	else
		q=$(cat "$(cg_dir cpu "climit/$1")/cpu.cfs_quota_us"); p=$(cat "$(cg_dir cpu "climit/$1")/cpu.cfs_period_us")
	fi
	[ "$q" = max ] || [ "$q" = -1 ] && { echo max; return; }
	echo $((q * 100 / p))
}
_within() { awk -v r="$1" -v want="$2" -v tol="$3" 'BEGIN { exit !(r >= want - tol && r <= want + tol) }'; }

test_set_lowers_and_raises_limits_of_a_running_burner() {
	local name=climit-test-set tol=${CLIMIT_TEST_CPU_TOL:-0.1}
	"$CLIMIT" --name $name --cpu 25% --mem 100M --pids 50 -- "$H/burn" 2 &
	local pid=$! out r1 r2
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; return; }
	r1=$(_cpu_rate $name 2)
	out=$("$CLIMIT" set $name --cpu 75% --mem 200M --pids 40 2>&1) || { fail "set: $out"; stop_bg "$pid"; return; }
	r2=$(_cpu_rate $name 2)
	local q m p; q=$(_quota $name); m=$(_mem_limit $name); p=$(cat "$(cg_dir pids "climit/$name")/pids.max")
	local lower; lower=$("$CLIMIT" set $name --mem 64M --pids max --json 2>&1)
	local m2 p2; m2=$(_mem_limit $name); p2=$(cat "$(cg_dir pids "climit/$name")/pids.max")
	stop_bg "$pid"
	echo "  cpu 25% -> 75%: $r1 -> $r2 CPUs"
	expect_eq "printed" "$name: memory 200M (was 100M), pids 40 (was 50), cpu 75% (was 25%)" "$out" || return
	expect_eq "cpu quota file" 75 "$q" || return
	expect_eq "memory limit file" $((200 << 20)) "$m" || return
	expect_eq "pids.max" 40 "$p" || return
	expect_eq "memory lowered" $((64 << 20)) "$m2" || return
	expect_eq "pids raised" max "$p2" || return
	expect_eq "json" '{"memory_limit_bytes":{"was":209715200,"now":67108864},"pids_limit":{"was":40,"now":null}}' "$(jq -c .limits <<<"$lower")" || return
	_within "$r1" 0.25 "$tol" || { fail "under 25%: $r1 CPUs"; return; }
	_within "$r2" 0.75 "$tol" || { fail "under 75%: $r2 CPUs (the new quota did not act)"; return; }
	pass
}

test_set_refuses_memory_below_usage_unless_forced() {
	local name=climit-test-setmem
	"$CLIMIT" --name $name --mem 100M -- "$H/hog" 40 &
	local pid=$! out rc before after
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; return; }
	wait_for 10 sh -c "[ \$(cat $(cg_dir memory climit/$name)/memory.$([ "$CG_MODE" = v2 ] && echo current || echo usage_in_bytes)) -gt $((40 << 20)) ]" ||
		{ fail "the hog never held 40M"; stop_bg "$pid"; return; }
	before=$(_mem_limit $name)
	out=$("$CLIMIT" set $name --mem 20M 2>&1); rc=$?
	after=$(_mem_limit $name)
	expect_eq "exit without --force" 125 "$rc" || { stop_bg "$pid"; return; }
	[[ $out == "climit: --mem: \"20M\": below what the group uses now ("*"add --force"* ]] || { fail "message: $out"; stop_bg "$pid"; return; }
	expect_eq "limit untouched" "$before" "$after" || { stop_bg "$pid"; return; }
	# With --force: v2 OOM-kills the hog (no swap allowed: nothing to reclaim), v1 refuses
	# the write (EBUSY) and climit puts nothing in force.
	out=$("$CLIMIT" set $name --mem 20M --force 2>&1); rc=$?
	if [ "$CG_MODE" = v2 ]; then
		expect_eq "exit with --force" 0 "$rc" || { stop_bg "$pid"; return; }
		[[ $out == *"OOM-killed 1 process"* ]] || { fail "no OOM said: $out"; stop_bg "$pid"; return; }
		wait_bounded "$pid" 10; rc=$?
		expect_eq "the hog's climit" 137 "$rc" && pass
	else
		after=$(_mem_limit $name); stop_bg "$pid"
		expect_eq "exit with --force on v1" 125 "$rc" || return
		[[ $out == *"could not reclaim"*"cgroup v1 refuses"*"(nothing changed"* ]] || { fail "message: $out"; return; }
		expect_eq "limit kept" "$before" "$after" && pass
	fi
}

# A refusal of the second write puts the first back: nothing changes.
test_set_is_all_or_nothing() {
	local name=climit-test-setall
	"$CLIMIT" --name $name --mem 100M --pids 50 -- sleep 30 &
	local pid=$! out rc
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; return; }
	# Raising memory (on v1 memsw goes up with it) then a refused pids write: both come back.
	out=$(CLIMIT_FAULT=write:pids.max LD_PRELOAD=$H/fault.so "$CLIMIT" set $name --mem 200M --pids 20 2>&1); rc=$?
	local m p sw; m=$(_mem_limit $name); p=$(cat "$(cg_dir pids "climit/$name")/pids.max")
	if [ "$CG_MODE" = v2 ]; then sw=$(cat "$(cg_dir memory "climit/$name")/memory.swap.max" 2>/dev/null || echo 0)
	else sw=$(($(cat "$(cg_dir memory "climit/$name")/memory.memsw.limit_in_bytes" 2>/dev/null || echo "$m") - m)); fi
	stop_bg "$pid"
	expect_eq "exit" 125 "$rc" || return
	[[ $out == "climit: --pids: \"20\": cannot write \"20\" to "*"pids.max"*"Permission denied (nothing changed: "*" undone)" ]] || { fail "message: $out"; return; }
	expect_eq "memory put back" $((100 << 20)) "$m" || return
	expect_eq "swap allowance put back" 0 "$sw" || return
	expect_eq "pids kept" 50 "$p" && pass
}

test_set_pids_below_the_tasks_running_is_allowed_and_said() {
	local name=climit-test-setpids
	"$CLIMIT" --name $name --pids 50 -- sh -c 'sleep 30 & sleep 30 & sleep 30 & wait' &
	local pid=$! out rc
	wait_for 10 sh -c "[ \$(cat $(cg_dir pids climit/$name)/pids.current) -ge 4 ]" || { fail "not started"; stop_bg "$pid"; return; }
	out=$("$CLIMIT" set $name --pids 2 2>&1); rc=$?
	local p forked; p=$(cat "$(cg_dir pids "climit/$name")/pids.max")
	# A fork inside now fails: the group is over its limit.
	forked=$(cat "$(cg_dir pids "climit/$name")/pids.events" 2>/dev/null)
	stop_bg "$pid"
	expect_eq "exit" 0 "$rc" || return
	expect_eq "pids.max" 2 "$p" || return
	[[ $out == *"pids: the limit 2 is below the 4 tasks running"* ]] && pass || fail "not said: $out"
}

test_set_bad_input_is_a_clear_125() {
	local bad="" out rc
	"$CLIMIT" --name climit-test-setbad --mem 100M -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-setbad || { fail "not started"; stop_bg "$pid"; return; }
	while IFS='|' read -r args want; do
		out=$("$CLIMIT" $args 2>&1); rc=$?
		[ "$rc" = 125 ] && [[ $out == "climit: $want"* ]] && [ "$(wc -l <<<"$out")" = 1 ] || bad+=" [$args -> $rc $out]"
	done <<'EOS'
set climit-test-setbad --mem 10X|--mem: "10X": not a size
set climit-test-setbad --pids 0|--pids: "0"
set climit-test-setbad|nothing to set
set climit-test-nosuch --pids 5|"climit-test-nosuch": no running container of that name
set climit-test-setbad --mem 1G --mem-high 2G|--mem-high: "2G": above --mem
set climit-test-setbad --cpus 999|--cpus: "999"
set climit-test-setbad --io-write-bps 5M|--io-write-bps: "5M": say which disk
set climit-test-setbad --io-read-bps /nonexistent/db=1M|--io-read-bps: "/nonexistent/db=1M"
set climit-test-setbad --io-read-iops /dev/null=5|--io-read-iops: "/dev/null=5"
freeze climit-test-setbad --io-weight 5|--io-weight: only for climit set
set ../etc --pids 5|"../etc"
kill climit-test-setbad NOSIG|"NOSIG": not a signal
freeze climit-test-setbad --pids 3|--pids: only for climit set
freeze climit-test-setbad --force|--force: only for climit set
thaw climit-test-setbad extra|"extra": unexpected argument
attach climit-test-setbad|missing PID
attach climit-test-setbad 1|"1": PID 1 (init) stays where it is
attach climit-test-setbad 2|"2": a kernel thread
attach climit-test-setbad abc|"abc": not a process ID
wait climit-test-setbad --timeout x|--timeout: "x"
EOS
	local m; m=$(_mem_limit climit-test-setbad)
	stop_bg "$pid"
	expect_eq "memory limit still" $((100 << 20)) "$m" || return
	[ -z "$bad" ] && pass || fail "$bad"
}

test_freeze_thaw_kill_and_wait_act_on_a_running_container() {
	local name=climit-test-ctl d; d=$(mktemp -d /tmp/climit-test-ctl.XXXXXX)
	"$CLIMIT" --name $name -- "$H/burn" 1 &
	local pid=$! rc
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; rm -rf "$d"; return; }
	"$CLIMIT" freeze $name >"$d/freeze" 2>&1 || { fail "freeze: $(cat "$d/freeze")"; stop_bg "$pid"; rm -rf "$d"; return; }
	local still; still=$(_cpu_rate $name 1)
	"$CLIMIT" thaw $name --json >"$d/thaw" 2>&1 || { fail "thaw: $(cat "$d/thaw")"; stop_bg "$pid"; rm -rf "$d"; return; }
	local runs; runs=$(_cpu_rate $name 1)
	"$CLIMIT" wait $name --timeout 0.3 >/dev/null 2>&1; local wrc=$?
	"$CLIMIT" wait $name --json >"$d/wait" 2>&1 &
	local waiter=$!
	# Killed only once the waiter holds the group open (under TCG it starts slowly).
	wait_for 10 sh -c "ls -l /proc/$waiter/fd 2>/dev/null | grep -q '/sys/fs/cgroup/.*$name'"
	"$CLIMIT" kill $name TERM >"$d/kill" 2>&1; local krc=$?
	wait_bounded "$pid" 10; rc=$?
	wait_bounded "$waiter" 10; local waited=$?
	echo "  frozen: $still CPUs, thawed: $runs CPUs"
	expect_eq "freeze said" "$name: frozen" "$(cat "$d/freeze")" || { rm -rf "$d"; return; }
	expect_eq "thaw --json" "{\"name\":\"$name\",\"frozen\":false}" "$(cat "$d/thaw")" || { rm -rf "$d"; return; }
	awk -v r="$still" 'BEGIN { exit !(r < 0.05) }' || { fail "frozen but ran $still CPUs"; rm -rf "$d"; return; }
	awk -v r="$runs" 'BEGIN { exit !(r > 0.5) }' || { fail "thawed but ran $runs CPUs"; rm -rf "$d"; return; }
	expect_eq "wait --timeout" 124 "$wrc" || { rm -rf "$d"; return; }
	expect_eq "kill said" "$name: SIGTERM sent to 1 process" "$(cat "$d/kill")" || { rm -rf "$d"; return; }
	expect_eq "kill exit" 0 "$krc" || { rm -rf "$d"; return; }
	expect_eq "the workload's climit (SIGTERM)" 143 "$rc" || { rm -rf "$d"; return; }
	expect_eq "wait exit" 0 "$waited" || { rm -rf "$d"; return; }
	local j; j=$(cat "$d/wait"); rm -rf "$d"
	expect_eq "wait: state" empty "$(jq -r .state <<<"$j")" || return
	awk -v c="$(jq .cpu_usage_seconds <<<"$j")" 'BEGIN { exit !(c > 0.3) }' || { fail "wait's figures: $j"; return; }
	[ -z "$(cg_leftovers $name)" ] && pass || fail "group left"
}

test_kill_without_a_signal_empties_the_group() {
	local name=climit-test-kill9
	"$CLIMIT" --name $name -- sh -c 'trap "" TERM; sleep 30 & sleep 30 & wait' &
	local pid=$! out
	wait_for 10 sh -c "[ \$(cat $(cg_dir pids climit/$name)/pids.current) -ge 3 ]" || { fail "not started"; stop_bg "$pid"; return; }
	out=$("$CLIMIT" kill $name 2>&1) || { fail "kill: $out"; stop_bg "$pid"; return; }
	wait_bounded "$pid" 10; local rc=$?
	expect_eq "said" "$name: SIGKILL sent to 3 processes; the group is empty" "$out" || return
	expect_eq "exit" 137 "$rc" || return
	[ -z "$(cg_leftovers $name)" ] && pass || fail "group left"
}

# attach: every thread moves (v1: into every hierarchy), and the group's limits bite.
test_run_pid_moves_every_thread_and_its_limits_bite() {
	local name=climit-test-att go=/tmp/climit-test-att-go.$$
	rm -f "$go"
	"$H/mt" 4 "$go" &
	local mt=$!
	wait_for 5 sh -c "[ \$(ls /proc/$mt/task | wc -l) = 4 ]" || { fail "helper threads"; kill "$mt"; return; }
	"$CLIMIT" run --pid $mt --name $name --mem 32M --pids 20 --wait --report=json 2>"/tmp/climit-test-att.$$" &
	local cl=$! tids missing="" dir
	wait_for 10 group_exists $name || { fail "not attached: $(cat /tmp/climit-test-att.$$)"; kill "$mt"; stop_bg "$cl"; return; }
	tids=$(ls /proc/$mt/task)
	for dir in $(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name $name); do
		for t in $tids; do
			if [ "$CG_MODE" = v2 ]; then grep -qx "$t" "$dir/cgroup.threads" || missing+=" $t@$dir"
			else grep -qx "$t" "$dir/tasks" || missing+=" $t@$dir"; fi
		done
	done
	local hierarchies; hierarchies=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name $name | wc -l)
	touch "$go"
	wait_bounded "$mt" 20; local mrc=$?
	wait_bounded "$cl" 10; local crc=$?
	local j; j=$(grep '^{' "/tmp/climit-test-att.$$"); rm -f "$go" "/tmp/climit-test-att.$$"
	[ -z "$missing" ] || { fail "threads not moved:$missing"; return; }
	[ "$CG_MODE" = v2 ] || [ "$hierarchies" -ge 4 ] || { fail "only $hierarchies hierarchies"; return; }
	expect_eq "the attached process (OOM-killed)" 137 "$mrc" || return
	expect_eq "climit --wait" 0 "$crc" || return
	expect_eq "report: oom kills" 1 "$(jq .oom_kills <<<"$j")" || return
	[ -z "$(cg_leftovers $name)" ] && pass || fail "group left"
}

test_attach_moves_processes_and_children_into_a_container() {
	local name=climit-test-att2
	"$CLIMIT" --name $name -- sleep 30 &
	local pid=$! out
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; return; }
	sleep 30 & local one=$!
	sh -c 'sleep 30 & sleep 30 & wait' & local tree=$!
	wait_for 5 sh -c "[ \$(cat /proc/$tree/task/$tree/children | wc -w) = 2 ]"
	out=$("$CLIMIT" attach $name $one 2>&1) || { fail "attach: $out"; kill $one $tree; stop_bg "$pid"; return; }
	local out2; out2=$("$CLIMIT" attach $name $tree --children --json 2>&1)
	local n; n=$(cat "$(cg_dir pids "climit/$name")/cgroup.procs" | wc -l)
	stop_bg "$pid"
	kill $one $tree 2>/dev/null; wait $one $tree 2>/dev/null
	expect_eq "said" "$name: 1 process moved in" "$out" || return
	expect_eq "said with --children (json)" "{\"name\":\"$name\",\"moved\":3}" "$out2" || return
	# The workload's sleep, the one, the tree's sh and its two sleeps.
	expect_eq "processes in the group" 5 "$n" || return
	[ -z "$(cg_leftovers $name)" ] && pass || fail "group left (the attached ones are killed with it)"
}

# Without --wait the group outlives climit; gc removes it once empty, never kills what is in it.
test_run_pid_group_is_collected_only_when_empty() {
	local name=climit-test-attgc
	sleep 60 & local sp=$!
	local out; out=$("$CLIMIT" run --pid $sp --name $name --pids 5 2>&1) || { fail "run --pid: $out"; kill $sp; return; }
	"$CLIMIT" gc >/dev/null 2>&1
	local alive=no; kill -0 $sp 2>/dev/null && alive=yes
	local kept; kept=$(cg_leftovers $name | wc -l)
	local ls; ls=$("$CLIMIT" ls 2>&1 | grep -c "^$name ")
	kill $sp; wait $sp 2>/dev/null
	"$CLIMIT" gc >/dev/null 2>&1
	expect_eq "still running after gc" yes "$alive" || return
	[ "$kept" -ge 1 ] || { fail "group removed while in use"; return; }
	expect_eq "listed by ls" 1 "$ls" || return
	[ -z "$(cg_leftovers $name)" ] && [ ! -e "$CLIMIT_RUNTIME_DIR/$name" ] && pass || fail "left after the process ended"
}

# --pid: the process checked is the one moved. Here it is killed and its PID handed to a newcomer
# (ns_last_pid) between the check and the move (fault.so pidreuse): the attach fails, says so,
# and the newcomer is back where the process was, not held in climit's group. (Before: the
# newcomer was moved in and "pid N (sleep) moved" printed.)
test_run_pid_never_moves_a_process_that_took_the_pid() {
	local name=climit-test-reuse d; d=$(mktemp -d /tmp/climit-test-reuse.XXXXXX)
	local v; v=$(sh -c 'exec sh -c "sleep 120 >/dev/null 2>&1 & echo \$!"')
	local before; before=$(grep -E '^[0-9]+:(pids|[^:]*memory[^:]*|):' /proc/$v/cgroup | sort)
	local out rc; out=$(CLIMIT_FAULT=pidreuse:$v CLIMIT_FAULT_LOG=$d/new LD_PRELOAD=$H/fault.so "$CLIMIT" run --pid $v --name $name --pids 5 2>&1); rc=$?
	local s; s=$(cat "$d/new" 2>/dev/null)
	local after=""; [ -n "$s" ] && after=$(grep -E '^[0-9]+:(pids|[^:]*memory[^:]*|):' /proc/$s/cgroup | sort)
	[ -n "$s" ] && kill -9 "$s" 2>/dev/null
	kill -9 "$v" 2>/dev/null
	rm -rf "$d"
	[ -n "$s" ] || { skip "the PID could not be handed to a newcomer (busy PID space)"; return; }
	expect_eq "exit" 125 "$rc" || { echo "$out"; "$CLIMIT" gc >/dev/null 2>&1; return; }
	expect_eq "message" "climit: \"$v\": the process exited while it was being moved (a process that took its PID since is left where it was)" "$out" || return
	expect_eq "the newcomer's groups" "$before" "$after" || return
	[ -z "$(cg_leftovers $name)" ] && [ ! -e "$CLIMIT_RUNTIME_DIR/$name" ] && pass || fail "left behind"
}

# top's m key goes through the same check as climit set: below the usage it asks first, and
# "n" changes nothing.
test_top_m_below_usage_asks_first() {
	local name=climit-test-topm
	"$CLIMIT" --name $name --mem 100M -- "$H/hog" 40 &
	local pid=$!
	wait_for 10 sh -c "[ \$(cat $(cg_dir memory climit/$name)/memory.$([ "$CG_MODE" = v2 ] && echo current || echo usage_in_bytes)) -gt $((40 << 20)) ]" ||
		{ fail "the hog never held 40M"; stop_bg "$pid"; return; }
	top_start -d 0.3
	wait_for 20 screen_has $name || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	_select $name
	tm send-keys -t t m; sleep 0.3; tm send-keys -t t 20M Enter
	wait_for 5 screen_has "below current usage" || { fail "not asked: $(screen)"; top_stop; stop_bg "$pid"; return; }
	tm send-keys -t t n Enter; sleep 0.5
	local status; status=$(screen)
	local m; m=$(_mem_limit $name)
	top_stop; stop_bg "$pid"
	expect_eq "limit kept" $((100 << 20)) "$m" || return
	grep -qF -- "--mem: \"20M\": below what the group uses now" <<<"$status" && pass || fail "status: $status"
}

# climit kill NAME SIGNAL (not KILL) signals the PIDs cgroup.procs lists: with the group frozen
# in between, none can exit and have its PID reused by a process outside before the kill. The
# fault helper records the freezer's state at each kill(); a frozen group stays frozen.
test_kill_with_a_signal_freezes_the_group_around_it() {
	"$CLIMIT" --name climit-test-ksig -- sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' &
	local pid=$! log; log=$(mktemp /tmp/climit-test-ksig.XXXXXX)
	wait_for 10 group_exists climit-test-ksig || { fail "not started"; stop_bg "$pid"; rm -f "$log"; return; }
	local file
	if [ "$CG_MODE" = v2 ]; then file=$(cg_dir memory climit/climit-test-ksig)/cgroup.events
	else file=$(cg_dir freezer climit/climit-test-ksig)/freezer.state; fi
	CLIMIT_FAULT=killstate:$file CLIMIT_FAULT_LOG=$log LD_PRELOAD=$PWD/tests/helpers/fault.so \
		"$CLIMIT" kill climit-test-ksig TERM >/dev/null || { fail "kill failed"; stop_bg "$pid"; rm -f "$log"; return; }
	wait_bounded "$pid" 10 >/dev/null; local rc=$?
	local states; states=$(cat "$log"); rm -f "$log"
	expect_eq "the run's exit (TERM delivered after the thaw)" 7 "$rc" || return
	[ -n "$states" ] || { fail "no kill() seen"; return; }
	if grep -qv 'frozen 1\|^FROZEN' <<<"$states"; then fail "signalled while not frozen: $states"; return; fi
	[ -z "$(cg_leftovers climit-test-ksig)" ] && pass || fail "group left"
}
