# Groups the workload makes inside its own (a container runtime, systemd --user, a test harness)
# belong to it: climit kills and removes the whole subtree, deepest first, on v1 (every
# hierarchy) and v2; so does climit gc, and top's k kills them too.

# The directories of group NAME of a run without --parent, one per hierarchy climit uses.
_group_dirs() {
	if [ "$CG_MODE" = v2 ]; then cg_dir memory "climit/$1"
	else local c; for c in memory pids cpu cpuacct freezer; do cg_dir $c "climit/$1"; done; fi
}
# A bash workload that makes SUB1/SUB2 in each of its directories, puts a marked sleep there
# (exit 4 if it could not) and, unless told to stay, exits at once.
_subgroup_script() { # NAME MARKER STAY
	local dirs; dirs=$(_group_dirs "$1" | tr '\n' ' ')
	echo "for d in $dirs; do mkdir -p \$d/sub1/sub2 || exit 3; done
		(exec -a $2 sleep 300) & s=\$!
		for d in $dirs; do echo \$s > \$d/sub1/sub2/cgroup.procs && grep -qx \$s \$d/sub1/sub2/cgroup.procs || exit 4; done
		${3:+exec sleep 300}"
}

test_subgroups_made_by_the_workload_are_removed() {
	local name=climit-test-subg marker=climit-test-subg-sleep-$$ rc
	"$CLIMIT" --name $name -- bash -c "$(_subgroup_script $name $marker)"; rc=$?
	expect_eq "exit" 0 "$rc" || { pkill -f "^$marker"; return; }
	if pgrep -f "^$marker" >/dev/null; then fail "the sleep in the sub-group survived"; pkill -f "^$marker"; return; fi
	[ -z "$(cg_leftovers $name)$(cg_leftovers sub2)" ] && pass || fail "left: $(cg_leftovers $name) $(cg_leftovers sub2)"
}

test_gc_removes_the_subgroups_of_a_dead_climit() {
	local name=climit-test-subgc marker=climit-test-subgc-sleep-$$
	"$CLIMIT" --name $name -- bash -c "$(_subgroup_script $name $marker stay)" &
	local pid=$!
	wait_for 10 pgrep -f "^$marker" >/dev/null || { fail "not started"; stop_bg "$pid"; return; }
	sleep 0.3
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	[ -n "$(cg_leftovers sub2)" ] || { fail "no sub-group to collect: the test proves nothing"; return; }
	"$CLIMIT" gc >/dev/null 2>&1
	if pgrep -f "^$marker" >/dev/null; then fail "the sleep in the sub-group survived gc"; pkill -f "^$marker"; return; fi
	[ -z "$(cg_leftovers $name)$(cg_leftovers sub2)" ] && pass || fail "left: $(cg_leftovers $name) $(cg_leftovers sub2)"
}

test_top_k_kills_the_subgroups_too() {
	local name=climit-test-subk marker=climit-test-subk-sleep-$$
	"$CLIMIT" --name $name -- bash -c "$(_subgroup_script $name $marker stay)" &
	local pid=$!
	wait_for 10 pgrep -f "^$marker" >/dev/null || { fail "not started"; stop_bg "$pid"; return; }
	top_start -d 0.3
	wait_for 10 screen_has $name || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	_select $name
	tm send-keys -t t k; wait_for 3 screen_has "(y/N)"; tm send-keys -t t y Enter
	local rc; wait_bounded "$pid" 10; rc=$?
	top_stop
	expect_eq "climit's exit (its workload was SIGKILLed)" 137 "$rc" || return
	if pgrep -f "^$marker" >/dev/null; then fail "the sleep in the sub-group survived"; pkill -f "^$marker"; return; fi
	[ -z "$(cg_leftovers $name)$(cg_leftovers sub2)" ] && pass || fail "left: $(cg_leftovers $name) $(cg_leftovers sub2)"
}
