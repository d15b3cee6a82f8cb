# What README.md and climit(1) promise, one test each (the promises that had none).

# --no-init: the command is PID 1 and, like any program there, does not reap; with climit's
# init the same orphans are reaped (test_isolate_init_reaps_orphaned_zombies).
test_no_init_makes_the_command_pid_1_which_leaves_zombies() {
	iso_have || return
	local r; r=$(iso_rootfs)
	# 20 orphans are reparented to PID 1, which then becomes `sleep` and never waits: they
	# stay zombies, each holding a pids.max slot until the container ends. (With an init there
	# would be 1 or 2 tasks.) An orphan that dies while PID 1 is still the shell's loop is
	# reaped by the shell (it waits for any child): under emulation the loop takes seconds, so
	# the orphans live 2 s. At least 15 of the 20 is the claim (the busybox guest under CI load
	# once kept only 9 of orphans that lived 0.2 s).
	"$CLIMIT" --name climit-test-noinit --pids 40 --isolate --no-init --rootfs "$r" -- /bin/sh -c '
		[ $$ = 1 ] || { echo "pid $$"; exit 9; }
		i=0; while [ $i -lt 20 ]; do (sleep 2 &); i=$((i + 1)); done; exec sleep 6' &
	local pid=$! cur f
	f=$(cg_dir pids climit/climit-test-noinit)/pids.current
	# Wait (bounded) for the orphans to die and pile up as zombies.
	wait_for 8 sh -c "[ \$(cat $f 2>/dev/null || echo 0) -ge 15 ]"
	cur=$(cat "$f" 2>/dev/null)
	local diag; diag=$(for p in $(cat "$(dirname "$f")/cgroup.procs" 2>/dev/null); do
		printf '%s:%s:%s ' "$p" "$(awk '/^State/ {print $2}' /proc/$p/status 2>/dev/null)" "$(awk '/^SigIgn/ {print $2}' /proc/$p/status 2>/dev/null)"; done)
	wait_bounded "$pid" 15; local rc=$?
	rm -rf "$r"
	expect_eq "exit (9: the command was not PID 1)" 0 "$rc" || return
	[ "${cur:-0}" -ge 15 ] && pass || fail "pids.current $cur: the orphans were reaped (or never made): $diag"
}

test_signals_ignored_by_the_caller_stay_ignored() {
	local out mask
	out=$(env --ignore-signal=HUP,INT "$CLIMIT" -- grep SigIgn /proc/self/status); mask=$((16#${out##*:[[:space:]]}))
	# Bits: SIGHUP 1 -> 0x1, SIGINT 2 -> 0x2.
	expect_eq "HUP and INT ignored in the workload" 3 $((mask & 3)) || return
	out=$("$CLIMIT" -- grep SigIgn /proc/self/status); mask=$((16#${out##*:[[:space:]]}))
	expect_eq "nothing ignored otherwise" 0 $((mask & 3)) && pass
}

# A workload (bash SCRIPT READY) that counts INTs for 1-2 s after the first one, then exits
# 40 + their count; it touches READY once its trap is set.
_int_counter() {
	cat >"$1" <<'EOS'
n=0
trap 'n=$((n + 1)); [ -n "$end" ] || end=$((SECONDS + 2))' INT
touch "$1"
while [ -z "$end" ] || [ $SECONDS -lt $end ]; do sleep 0.05; done
exit $((40 + n))
EOS
}

test_first_sigint_is_forwarded_once() {
	local script=/tmp/climit-test-int1.$$ ready=/tmp/climit-test-int1-ready.$$ rc
	_int_counter "$script"; rm -f "$ready"
	env --default-signal=INT "$CLIMIT" --name climit-test-int1 -- bash "$script" "$ready" &
	local pid=$!
	wait_for 10 test -e "$ready" || { fail "did not start"; stop_bg "$pid"; rm -f "$script"; return; }
	kill -INT "$pid"
	wait_bounded "$pid" 10; rc=$?
	rm -f "$script" "$ready"
	expect_eq "exit 40 + INTs received" 41 "$rc" && pass
}

# Ctrl-C reaches the whole foreground process group from the terminal: climit must not send
# it again, and the first one does not end climit. The pane's shell ignores INT to survive it
# and report the status; env gives the workload the default disposition back. Two INTs that
# arrive together merge into one pending signal, so the workload alone cannot tell: climit's
# own kill(2) calls are traced as well (strace -o blocks the fatal signals itself).
test_ctrl_c_reaches_the_workload_once() {
	command -v strace >/dev/null || { fail "strace missing (make test-deps installs it)"; return; }
	local script=/tmp/climit-test-ctrlc.$$ ready=/tmp/climit-test-ctrlc-ready.$$ res=/tmp/climit-test-ctrlc-rc.$$
	local log=/tmp/climit-test-ctrlc-strace.$$
	_int_counter "$script"; rm -f "$ready" "$res" "$log"
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 \
		"trap '' INT; strace -qq -e trace=kill -o $log $CLIMIT --name climit-test-ctrlc -- env --default-signal=INT bash $script $ready; echo \$? >$res; sleep 30"
	wait_for 10 test -e "$ready" || { fail "did not start: $(screen)"; top_stop; rm -f "$script"; return; }
	tm send-keys -t t C-c
	wait_for 10 test -s "$res" || { fail "no exit status: $(screen)"; top_stop; rm -f "$script" "$ready"; return; }
	local rc; rc=$(cat "$res"); local sent; sent=$(grep -c 'SIGINT' "$log")
	top_stop; rm -f "$script" "$ready" "$res" "$log"
	expect_eq "exit 40 + INTs received" 41 "$rc" || return
	expect_eq "SIGINTs climit sent itself" 0 "$sent" && pass
}

# If climit is SIGKILLed, the kernel kills its command at once (PR_SET_PDEATHSIG), before any
# gc; strays in the group wait for the next run or climit gc.
test_sigkilled_climit_takes_its_command_along() {
	local marker=climit-test-pdeath-$$
	"$CLIMIT" --name climit-test-pdeath -- bash -c "exec -a $marker sleep 300" &
	local pid=$!
	wait_for 10 pgrep -f "^$marker" >/dev/null || { fail "did not start"; stop_bg "$pid"; return; }
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	if ! wait_for 10 sh -c "! pgrep -f '^$marker' >/dev/null"; then
		fail "the command outlived climit: $(pgrep -af "^$marker")"; pkill -f "^$marker"; "$CLIMIT" gc >/dev/null 2>&1; return
	fi
	"$CLIMIT" gc >/dev/null 2>&1
	[ -z "$(cg_leftovers climit-test-pdeath)" ] && pass || fail "gc left the group"
}

# --share-net keeps the host's network namespace; --ns makes exactly the listed ones.
test_share_net_and_ns_pick_the_namespaces() {
	local ns host=() out k
	for k in net uts ipc pid mnt cgroup; do host+=("$k=$(readlink /proc/self/ns/$k)"); done
	out=$("$CLIMIT" --isolate --share-net -- sh -c 'for k in net uts ipc; do echo "$k=$(readlink /proc/self/ns/$k)"; done')
	expect_eq "net with --share-net" "${host[0]}" "$(sed -n 1p <<<"$out")" || return
	[ "$(sed -n 2p <<<"$out")" != "${host[1]}" ] && [ "$(sed -n 3p <<<"$out")" != "${host[2]}" ] ||
		{ fail "--isolate kept uts or ipc: $out"; return; }
	out=$("$CLIMIT" --isolate -- readlink /proc/self/ns/net)
	[ "net=$out" != "${host[0]}" ] || { fail "--isolate kept the network"; return; }
	out=$("$CLIMIT" --ns uts,ipc -- sh -c 'for k in net uts ipc pid mnt cgroup; do echo "$k=$(readlink /proc/self/ns/$k)"; done')
	local i same=""
	for i in 0 1 2 3 4 5; do [ "$(sed -n $((i + 1))p <<<"$out")" = "${host[$i]}" ] && same+="${host[$i]%%=*} "; done
	expect_eq "namespaces shared with the host under --ns uts,ipc" "net pid mnt cgroup " "$same" && pass
}

test_env_and_cwd_options() {
	local out
	out=$(cd / && "$CLIMIT" --env CLIMIT_A=1 --env CLIMIT_B='two words' --cwd /tmp -- sh -c 'echo "$CLIMIT_A|$CLIMIT_B|$(pwd)"')
	expect_eq "environment and directory" "1|two words|/tmp" "$out" || return
	out=$("$CLIMIT" --cwd /nonexistent -- true 2>&1); local rc=$?
	expect_eq "missing --cwd" 125 "$rc" || return
	[[ $out == *"--cwd: \"/nonexistent\""* ]] && pass || fail "message: $out"
}

# Names are the container's: its /etc/passwd has alice (1000) and its /etc/group staff (50).
test_uid_and_gid_names_come_from_the_container() {
	iso_have || return
	local r out; r=$(iso_rootfs)
	echo 'staff:x:50:' >>"$r/etc/group"
	out=$("$CLIMIT" --isolate --rootfs "$r" --uid alice -- /bin/sh -c 'echo $(id -u) $(id -g)' 2>&1)
	local out2; out2=$("$CLIMIT" --isolate --rootfs "$r" --uid alice --gid staff -- /bin/sh -c 'echo $(id -u) $(id -g) $(id -G)' 2>&1)
	local out3; out3=$("$CLIMIT" --isolate --rootfs "$r" --uid nosuchuser -- true 2>&1); local rc3=$?
	rm -rf "$r"
	expect_eq "--uid alice" "1000 1000" "$out" || return
	expect_eq "--uid alice --gid staff" "1000 50 50" "$out2" || return
	expect_eq "unknown user" 125 "$rc3" || return
	[[ $out3 == *'--uid: "nosuchuser": no such user in the container'* ]] && pass || fail "message: $out3"
}

# top --all: every cgroup as a tree, climit's and others'.
test_all_cgroups_in_top_all() {
	local other; other=$(cg_dir memory climit-test-other)
	mkdir -p "$other"
	"$CLIMIT" --name climit-test-all -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-all || { fail "not started"; stop_bg "$pid"; rmdir "$other"; return; }
	local all plain; all=$("$CLIMIT" top --all -b -n 1); plain=$("$CLIMIT" top -b -n 1)
	stop_bg "$pid"; rmdir "$other"
	grep -qE "^ *$(grp_rel climit-test-all | sed 's/[.]/[.]/g') " <<<"$all" || grep -qE "climit-test-all" <<<"$all" ||
		{ fail "--all lacks the container: $all"; return; }
	grep -q "climit-test-other" <<<"$all" || { fail "--all lacks a foreign cgroup: $all"; return; }
	grep -q "climit-test-other" <<<"$plain" && { fail "a foreign cgroup shown without --all"; return; }
	grep -q "climit-test-all" <<<"$plain" && pass || fail "container missing without --all: $plain"
}

# Enter: limits, sparklines of CPU, memory and pids, and the container's processes.
test_top_details_show_limits_sparklines_and_processes() {
	"$CLIMIT" --name climit-test-detail --mem 64M --pids 30 --cpu 40% -- "$H/burn" 1 &
	local pid=$!
	top_start -d 0.2
	wait_for 10 screen_has climit-test-detail || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	sleep 2 # some history for the sparklines
	_select climit-test-detail
	tm send-keys -t t Enter; sleep 0.8
	local s procs; s=$(screen); procs=$(cat "$(cg_dir pids climit/climit-test-detail)/cgroup.procs")
	top_stop; stop_bg "$pid"
	grep -q "of 64M" <<<"$s" && grep -q "pids 1 of 30" <<<"$s" && grep -q "(quota 40%)" <<<"$s" || { fail "limits: $s"; return; }
	local k; for k in "cpu " "mem " "pids"; do
		grep -qE "^$k [▁▂▃▄▅▆▇█]{3,}" <<<"$s" || { fail "no sparkline for $k: $s"; return; }
	done
	for k in $procs; do grep -qE "^ *$k +[0-9]+ [RSD]" <<<"$s" || { fail "process $k not listed: $s"; return; }; done
	pass
}

_sort_rows_shown() { screen_has climit-test-sorta && screen_has climit-test-sortb; }
# ? shows the keys; < > s move the sort column (its title is marked v or ^); r reverses.
test_top_help_and_sort_keys() {
	"$CLIMIT" --name climit-test-sorta -- sleep 30 &
	local p1=$!
	"$CLIMIT" --name climit-test-sortb -- sleep 30 &
	local p2=$!
	top_start -d 0.3
	wait_for 10 _sort_rows_shown ||
		{ fail "not shown"; top_stop; stop_bg "$p1" "$p2"; return; }
	tm send-keys -t t '?'; sleep 0.5
	local help; help=$(screen)
	tm send-keys -t t x; sleep 0.5
	grep -q "sort by the previous/next column" <<<"$help" && grep -q "this help" <<<"$help" &&
		grep -q "leave the details, or quit" <<<"$help" || { fail "help: $help"; top_stop; stop_bg "$p1" "$p2"; return; }
	# Move the sort to NAME.
	local i; for i in $(seq 1 20); do screen | grep -qE '^NAME +v' && break; tm send-keys -t t '>'; sleep 0.3; done
	local before order1 order2; before=$(screen | grep -E '^NAME ')
	order1=$(screen | grep -oE '^climit-test-sort[ab]' | tr '\n' ' ')
	tm send-keys -t t r; sleep 0.6
	local after; after=$(screen | grep -E '^NAME ')
	order2=$(screen | grep -oE '^climit-test-sort[ab]' | tr '\n' ' ')
	top_stop; stop_bg "$p1" "$p2"
	[[ $before =~ ^NAME\ +v ]] || { fail "sort never reached NAME: $before"; return; }
	[[ $after =~ ^NAME\ +\^ ]] || { fail "r did not mark the reverse order: $after"; return; }
	[ -n "$order1" ] && [ "$order1" != "$order2" ] && pass || fail "order not reversed: '$order1' -> '$order2'"
}

# PSI avg10 columns: numbers on v2, "-" where the kernel has no per-group PSI (v1).
test_top_psi_columns_follow_the_cgroup_version() {
	"$CLIMIT" --name climit-test-psi -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-psi || { fail "not started"; stop_bg "$pid"; return; }
	local out; out=$(COLUMNS=200 "$CLIMIT" top -b -n 2 -d 0.3)
	stop_bg "$pid"
	local row; row=$(grep -E '^climit-test-psi ' <<<"$out" | tail -1)
	grep -qE 'PSI.M +PSI.C' <<<"$out" || { fail "no PSI columns: $out"; return; }
	if [ "$CG_MODE" = v2 ]; then
		[[ $row =~ \ [0-9]+\.[0-9]+\ +[0-9]+\.[0-9]+$ ]] && pass || fail "PSI not numbers on v2: $row"
	else
		[[ $row =~ \ -\ +-$ ]] && pass || fail "PSI on v1 should be '-': $row"
	fi
}

# The event log names the OOM victim and its size (from /dev/kmsg).
test_oom_victim_named_in_the_event_log() {
	{ : </dev/kmsg; } 2>/dev/null || { skip "/dev/kmsg cannot be opened by $(id -un) (kernel.dmesg_restrict)"; return; }
	local out; out=$(mktemp /tmp/climit-test-victim.XXXXXX)
	"$CLIMIT" top --json -d 0.5 >"$out" &
	local top=$!
	"$CLIMIT" --name climit-test-victim2 --mem 32M -- sh -c "sleep 1.5; $H/hog; sleep 20" 2>/dev/null &
	local pid=$!
	# Under TCG the hog takes seconds to fill 32M: wait for the event, bounded.
	wait_for 20 grep -q '"kind":"oom_kill","group":"climit-test-victim2"' "$out"
	sleep 1 # the kill's size comes in a second kmsg line
	stop_bg "$top" "$pid"
	local ev; ev=$(jq -r '.events[]? | select(.kind == "oom_kill" and .group == "climit-test-victim2") | .text' "$out" | tail -1)
	rm -f "$out"
	[[ $ev != *"already gone"* ]] || { fail "logged as a vanished group: $ev"; return; }
	[[ $ev =~ OOM\ kill.*pid\ [0-9]+\ \(hog\).*anon-rss\ [0-9]+\ kB ]] && pass || fail "event: '$ev'"
}

# The CPU quota is lifted before the group is killed, so the dying tasks are not throttled:
# the write of the lifted quota comes before the kill, in the order climit makes them.
test_cpu_quota_is_lifted_before_the_kill() {
	command -v strace >/dev/null || { fail "strace missing (make test-deps installs it)"; return; }
	local log=/tmp/climit-test-strace.$$ quota kill
	strace -f -qq -e trace=write -e signal=none -o "$log" "$CLIMIT" --name climit-test-lift --cpu 10% --timeout 0.5 -- sh -c 'sleep 30 & sleep 30' 2>/dev/null
	if [ "$CG_MODE" = v2 ]; then
		quota=$(grep -n 'write([0-9]*, "max 100000"' "$log" | head -1 | cut -d: -f1)
		kill=$(grep -n 'write([0-9]*, "1", 1)' "$log" | tail -1 | cut -d: -f1) # cgroup.kill
	else
		quota=$(grep -n 'write([0-9]*, "-1"' "$log" | head -1 | cut -d: -f1)
		kill=$(grep -n 'write([0-9]*, "FROZEN"' "$log" | head -1 | cut -d: -f1)
	fi
	rm -f "$log"
	[ -n "$quota" ] || { fail "the quota was never lifted"; return; }
	[ -n "$kill" ] || { fail "no kill seen"; return; }
	[ "$quota" -lt "$kill" ] && pass || fail "quota lifted at write $quota, after the kill at $kill"
}

# A controller an option needs but the host lacks is a one-line 125, never a silent skip. The
# host is made to lack pids in a private mount namespace (v1: its hierarchy unmounted; v2: a
# cgroup.controllers without it bound over the real one).
test_missing_controller_is_an_error() {
	local fake=/tmp/climit-test-controllers.$$ out rc
	if [ "$CG_MODE" = v2 ]; then
		local root; root=$(cg_dir memory "")
		sed 's/\bpids\b//' "${root%/}/cgroup.controllers" >"$fake"
		out=$(unshare -m sh -c "mount --bind $fake ${root%/}/cgroup.controllers && exec '$CLIMIT' --cgroup-manager cgroupfs --name climit-test-nopids --pids 10 -- true" 2>&1); rc=$?
	else
		out=$(unshare -m sh -c "umount '$(cg_dir pids "")' && exec '$CLIMIT' --name climit-test-nopids --pids 10 -- true" 2>&1); rc=$?
	fi
	rm -f "$fake"
	expect_eq "exit" 125 "$rc" || { echo "$out"; return; }
	expect_eq "message" "climit: --pids: the pids controller is not available on this host (cgroup $CG_MODE)" "$out" || return
	[ -z "$(cg_leftovers climit-test-nopids)" ] && pass || fail "group made"
}

# climit's parent group (climit, or climit.slice under systemd) is made once and kept.
test_the_parent_group_is_kept() {
	"$CLIMIT" --name climit-test-keep -- true || { fail "run failed"; return; }
	local parent; parent=$(cg_dir memory "$(dirname "$(grp_rel climit-test-keep)")")
	[ "$PLACEMENT" = systemd ] && parent=$(cg_dir memory "$SD_SLICE")
	[ -d "$parent" ] && pass || fail "$parent is gone"
}

# The metrics endpoint listens on loopback unless told otherwise.
test_metrics_endpoint_is_loopback_only_by_default() {
	"$CLIMIT" top --prometheus -d 0.2 -n 25 >/dev/null 2>&1 &
	local top=$! listen
	wait_for 5 sh -c "ss -Hltn 'sport = :9479' | grep -q ." || { fail "nothing listens on 9479"; stop_bg "$top"; return; }
	listen=$(ss -Hltn 'sport = :9479' | awk '{print $4}' | sort -u | tr '\n' ' ')
	stop_bg "$top"
	expect_eq "listening address" "127.0.0.1:9479 " "$listen" && pass
}
