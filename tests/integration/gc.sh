# climit gc: groups of a SIGKILLed climit are collected; live ones are never touched.

test_gc_removes_the_group_of_a_sigkilled_climit_and_spares_live_ones() {
	"$CLIMIT" --name climit-test-live -- sleep 60 &
	local live=$!
	"$CLIMIT" --name climit-test-dead -- sh -c 'sleep 61 & sleep 62' &
	local dead=$!
	_gc_checks "$live" "$dead"
	stop_bg "$live" "$dead"
	"$CLIMIT" gc >/dev/null 2>&1 # whatever a failed check left
}

_gc_checks() {
	local live=$1 dead=$2
	wait_for 10 pgrep -f 'sleep 61$' >/dev/null || { fail "the dead one's stray never started"; return; }
	wait_for 10 group_exists climit-test-live || { fail "live group never appeared"; return; }
	kill -KILL "$dead"; wait "$dead" 2>/dev/null
	[ -n "$(cg_leftovers climit-test-dead)" ] || { fail "nothing left to collect: the test proves nothing"; return; }
	local out; out=$("$CLIMIT" gc 2>&1)
	case $out in *"removed $(grp_rel climit-test-dead)"*) ;; *) fail "gc said: $out"; return ;; esac
	[ -z "$(cg_leftovers climit-test-dead)" ] || { fail "dead group still there"; return; }
	[ ! -e "$CLIMIT_RUNTIME_DIR/climit-test-dead" ] || { fail "owner record still there"; return; }
	pgrep -f 'sleep 6[12]$' >/dev/null && { fail "the dead climit's processes survived"; return; }
	[ -n "$(cg_leftovers climit-test-live)" ] || { fail "gc removed a live group"; return; }
	kill -0 "$live" || { fail "live climit died"; return; }
	stop_bg "$live"
	[ -z "$(cg_leftovers climit-test-live)" ] || { fail "live group not removed at its end"; return; }
	pass
}

test_a_new_run_collects_stale_groups_first() {
	# A stray (the background sleep) keeps the group alive after climit and its command die:
	# without one systemd, under which an empty scope is removed at once, leaves nothing stale.
	"$CLIMIT" --name climit-test-stale -- sh -c 'sleep 63 & exec sleep 65' &
	local pid=$!
	wait_for 10 pgrep -f 'sleep 63$' >/dev/null || { stop_bg "$pid"; fail "the stray never started"; return; }
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	[ -n "$(cg_leftovers climit-test-stale)" ] || { fail "nothing stale to collect: the test proves nothing"; return; }
	# A run under another name collects it first (it does not just reuse and remove its own).
	"$CLIMIT" --name climit-test-fresh -- true || { fail "the new run failed"; return; }
	[ -z "$(cg_leftovers climit-test-stale)" ] || { fail "stale group left after another run"; return; }
	[ ! -e "$CLIMIT_RUNTIME_DIR/climit-test-stale" ] || { fail "stale record left"; return; }
	# Reusing the name works too: the stale claim of a dead climit is collected.
	"$CLIMIT" --name climit-test-stale -- sh -c 'sleep 64 & exec sleep 66' &
	pid=$!
	wait_for 10 pgrep -f 'sleep 64$' >/dev/null || { stop_bg "$pid"; fail "the stray never started"; return; }
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	"$CLIMIT" --name climit-test-stale -- true || { fail "name still taken"; return; }
	[ -z "$(cg_leftovers climit-test-stale)" ] && pass || fail "stale group left"
}

test_a_name_in_use_is_refused() {
	"$CLIMIT" --name climit-test-busy -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-busy || { stop_bg "$pid"; fail "group never appeared"; return; }
	local err rc
	err=$("$CLIMIT" --name climit-test-busy -- true 2>&1); rc=$?
	stop_bg "$pid"
	expect_eq "exit" 125 "$rc" || return
	case $err in "climit: --name: \"climit-test-busy\": in use by a running climit (pid $pid)") pass ;; *) fail "message: $err" ;; esac
}
