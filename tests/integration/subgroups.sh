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

# Start climit NAME with a staying sub-group workload in the background; sets SUB_PID.
_start_subgroup_run() { # NAME MARKER
	"$CLIMIT" --name "$1" -- bash -c "$(_subgroup_script "$1" "$2" stay)" &
	SUB_PID=$!
	wait_for 10 pgrep -f "^$2" >/dev/null || { fail "not started"; stop_bg "$SUB_PID"; return 1; }
}
# Pass when the marked sleep is dead and neither NAME nor a sub-group is left.
_subtree_gone() { # NAME MARKER WHEN
	if pgrep -f "^$2" >/dev/null; then fail "the sleep in the sub-group survived $3"; pkill -f "^$2"; return; fi
	[ -z "$(cg_leftovers "$1")$(cg_leftovers sub2)" ] && pass || fail "left: $(cg_leftovers "$1") $(cg_leftovers sub2)"
}

test_subgroups_made_by_the_workload_are_removed() {
	local name=climit-test-subg marker=climit-test-subg-sleep-$$ rc
	"$CLIMIT" --name $name -- bash -c "$(_subgroup_script $name $marker)"; rc=$?
	expect_eq "exit" 0 "$rc" || { pkill -f "^$marker"; return; }
	_subtree_gone $name "$marker" "the run"
}

test_gc_removes_the_subgroups_of_a_dead_climit() {
	local name=climit-test-subgc marker=climit-test-subgc-sleep-$$
	_start_subgroup_run $name "$marker" || return
	sleep 0.3
	kill -KILL "$SUB_PID"; wait "$SUB_PID" 2>/dev/null
	[ -n "$(cg_leftovers sub2)" ] || { fail "no sub-group to collect: the test proves nothing"; return; }
	"$CLIMIT" gc >/dev/null 2>&1
	_subtree_gone $name "$marker" gc
}

test_top_k_kills_the_subgroups_too() {
	local name=climit-test-subk marker=climit-test-subk-sleep-$$
	_start_subgroup_run $name "$marker" || return
	local pid=$SUB_PID
	top_start -d 0.3
	wait_for 20 screen_has $name || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	_select $name
	tm send-keys -t t k; wait_for 3 screen_has "(y/N)"; tm send-keys -t t y Enter
	local rc; wait_bounded "$pid" 10; rc=$?
	top_stop
	expect_eq "climit's exit (its workload was SIGKILLed)" 137 "$rc" || return
	_subtree_gone $name "$marker" k
}
