# climit doctor, run --dry-run and stats --explain: each check is compared with what the test
# reads from the kernel itself.

# The "ok" of doctor check NAME in JSON TEXT.
_check() { jq -r --arg c "$2" '.[] | select(.check == $c) | .ok' <<<"$1"; }

test_doctor_checks_agree_with_the_kernel() {
	local j rc bad="" want v2child
	j=$("$CLIMIT" doctor --json); rc=$?
	jq -e 'type == "array" and length >= 10' <<<"$j" >/dev/null || { fail "not a JSON array: $j"; return; }
	# Exit status: 1 exactly when some check fails.
	want=0; [ "$(jq '[.[] | select(.ok == false)] | length' <<<"$j")" = 0 ] || want=1
	expect_eq "exit" "$want" "$rc" || return
	jq -e '.[] | select(.ok == false and .fix == null)' <<<"$j" >/dev/null && { fail "a failed check without a fix: $j"; return; }
	# cgroup mode, as the test reads mountinfo.
	local mode; mode=$(jq -r '.[] | select(.check == "cgroup mode") | .detail' <<<"$j")
	case $CG_MODE in
	v2) [[ $mode == "v2 (unified)"* ]] || bad+=" mode:$mode" ;;
	*) [[ $mode == "$CG_MODE:"* ]] || bad+=" mode:$mode" ;;
	esac
	# Each controller where the kernel has it.
	for c in memory pids cpu cpuset; do
		if [ "$CG_MODE" = v2 ]; then
			grep -qw $c /sys/fs/cgroup/cgroup.controllers && want=true || want=false
		else
			[ -d "/sys/fs/cgroup/$c" ] && grep -qw $c /proc/self/mountinfo && want=true || want=false
		fi
		[ "$(_check "$j" "controller $c")" = "$want" ] || bad+=" $c:$(_check "$j" "controller $c")/$want"
	done
	# Swap accounting, CPU bandwidth: the files in a group below the root.
	local made=""
	if [ "$CG_MODE" = v2 ]; then
		v2child=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d | head -1)
		# A tree with no group at all (the busybox guest before any run): a probe of our own.
		[ -n "$v2child" ] || { v2child=/sys/fs/cgroup/climit-test-probe; mkdir "$v2child" && made=$v2child; }
		[ -e "$v2child/memory.swap.max" ] && want=true || want=false
	else
		[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] && want=true || want=false
	fi
	[ "$(_check "$j" "swap accounting")" = "$want" ] || bad+=" swap:$(_check "$j" "swap accounting")/$want"
	[ -r /proc/pressure/cpu ] && cat /proc/pressure/cpu >/dev/null 2>&1 && want=true || want=false
	[ "$(_check "$j" PSI)" = "$want" ] || bad+=" psi:$(_check "$j" PSI)/$want"
	dd if=/dev/kmsg of=/dev/null count=0 status=none 2>/dev/null && want=true || want=false
	[ "$(_check "$j" /dev/kmsg)" = "$want" ] || bad+=" kmsg:$(_check "$j" /dev/kmsg)/$want"
	[ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] && want=true || want=false
	[ "$(_check "$j" "user namespaces")" = "$want" ] || bad+=" userns:$(_check "$j" "user namespaces")/$want"
	compgen -G '/usr/lib/*/libproc2.so.0' >/dev/null || compgen -G '/lib/*/libproc2.so.0' >/dev/null && want=true || want=false
	[ "$(_check "$j" libproc2)" = "$want" ] || bad+=" libproc2:$(_check "$j" libproc2)/$want"
	if [ "$CG_MODE" = v2 ]; then
		[ -e "$v2child/cgroup.kill" ] && want=true || want=false
		[ "$(_check "$j" cgroup.kill)" = "$want" ] || bad+=" kill:$(_check "$j" cgroup.kill)/$want"
	fi
	# A normal user: delegation as the user manager's cgroup.controllers says.
	if [ "$(id -u)" != 0 ] && [ "$PLACEMENT" = systemd ]; then
		local ctl; ctl=$(cat "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/cgroup.controllers")
		for c in memory pids cpu cpuset; do
			grep -qw $c <<<"$ctl" && want=true || want=false
			[ "$(_check "$j" "delegated $c")" = "$want" ] || bad+=" delegated-$c:$(_check "$j" "delegated $c")/$want"
		done
	fi
	# The text form: a mark per line, and a fix under each failure.
	local text; text=$(LC_ALL=C.UTF-8 "$CLIMIT" doctor)
	[ "$(grep -cE '^(✓|✗|·) ' <<<"$text")" = "$(jq length <<<"$j")" ] || bad+=" text:$(head -3 <<<"$text")"
	[ "$(LC_ALL=C "$CLIMIT" doctor | grep -cE '^(ok|NO|--) ')" = "$(jq length <<<"$j")" ] || bad+=" ascii"
	[ -z "$made" ] || rmdir "$made"
	[ -z "$(find /sys/fs/cgroup -maxdepth 1 -name 'climit-doctor-*')" ] || bad+=" probe-left"
	[ -z "$bad" ] && pass || fail "disagrees:$bad"
}

# A group under a parent with lower limits: doctor names the file that binds, stats --explain
# says which limit binds the running container.
test_doctor_and_explain_name_the_ancestor_that_binds() {
	[ "$(id -u)" = 0 ] || { skip "needs a parent group with limits (root)"; return; }
	local par=climit-test-cap dirs="" d
	if [ "$CG_MODE" = v2 ]; then
		d=/sys/fs/cgroup/$par; mkdir -p "$d" && dirs=$d
		echo "+memory +pids +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
		echo "+memory +pids +cpu" >"$d/cgroup.subtree_control"
		echo $((64 << 20)) >"$d/memory.max"; echo 3 >"$d/pids.max"
	else
		# Every hierarchy climit makes the group in (blkio too, for the I/O columns).
		for c in memory pids cpu cpuacct freezer blkio; do
			[ -e "/sys/fs/cgroup/$c/cgroup.procs" ] || continue
			mkdir -p "/sys/fs/cgroup/$c/$par"; dirs+=" /sys/fs/cgroup/$c/$par"
		done
		echo $((64 << 20)) >"/sys/fs/cgroup/memory/$par/memory.limit_in_bytes"; echo 3 >"/sys/fs/cgroup/pids/$par/pids.max"
	fi
	local n; n=$(nproc); local cpu=$(((n + 1) * 100))
	local out rc; out=$(LC_ALL=C.UTF-8 "$CLIMIT" doctor --parent $par --cgroup-manager cgroupfs --mem 1G --pids 100 --cpu ${cpu}% --mem-high 512M 2>&1); rc=$?
	local memfile pidsfile; memfile=$([ "$CG_MODE" = v2 ] && echo memory.max || echo memory.limit_in_bytes)
	"$CLIMIT" --parent $par --cgroup-manager cgroupfs --name climit-test-exp --mem 1G --pids 100 -- sh -c 'sleep 30 & sleep 30 & wait' &
	local pid=$!
	wait_for 10 sh -c "[ \$(cat $(cg_dir pids $par/climit-test-exp)/pids.current 2>/dev/null || echo 0) -ge 3 ]"
	local explain erc; explain=$(LC_ALL=C.UTF-8 "$CLIMIT" stats climit-test-exp --parent $par --explain 2>&1); erc=$?
	stop_bg "$pid"
	for d in $dirs; do rmdir "$d" 2>/dev/null; done
	local left; left=$(find /sys/fs/cgroup -maxdepth 2 -name $par)
	[ -z "$left" ] || { fail "left: $left"; return; }
	expect_eq "doctor's exit" 1 "$rc" || return
	local memdir; memdir=$([ "$CG_MODE" = v2 ] && echo /sys/fs/cgroup/$par || echo /sys/fs/cgroup/memory/$par)
	grep -qxF "✗ --mem 1G: effective limit 64M, not 1G: set by $memdir/$memfile" <<<"$out" || { fail "mem line: $out"; return; }
	grep -qF "✗ --pids 100: effective limit 3, not 100: set by " <<<"$out" || { fail "pids line: $out"; return; }
	grep -qF "✗ --cpu ${cpu}%: ${cpu}% of one CPU, but this host has $n CPU" <<<"$out" || { fail "cpu line: $out"; return; }
	if [ "$CG_MODE" = v2 ]; then grep -qF "✓ --mem-high" <<<"$out" || { fail "mem-high on v2: $out"; return; }
	else grep -qF "✗ --mem-high: memory.high does not exist on cgroup" <<<"$out" || { fail "mem-high on v1: $out"; return; }; fi
	grep -qF "memory: effective 64M (set by $memdir); uses " <<<"$explain" || { fail "explain memory: $explain"; return; }
	grep -qF "its own 1G never acts" <<<"$explain" || { fail "explain own: $explain"; return; }
	grep -qE "^✗ pids: effective 3 \(set by .*\); 3 tasks: binding now" <<<"$explain" || { fail "explain pids: $explain"; return; }
	# As doctor: 1 when a check fails (README, climit(1), climit-interfaces(7)).
	expect_eq "stats --explain's exit" 1 "$erc" && pass
}

test_dry_run_runs_nothing_and_says_what_would_be_enforced() {
	local out rc; out=$(LC_ALL=C.UTF-8 "$CLIMIT" run --dry-run --name climit-test-dry --mem 64M --pids 10 -- touch /tmp/climit-test-dry.$$ 2>&1); rc=$?
	[ ! -e /tmp/climit-test-dry.$$ ] || { rm -f /tmp/climit-test-dry.$$; fail "the command ran"; return; }
	[ -z "$(cg_leftovers climit-test-dry)" ] || { fail "a group was made"; return; }
	expect_eq "exit" 0 "$rc" || return
	grep -qF "✓ --mem 64M: enforced as asked" <<<"$out" && grep -qF "✓ --pids 10: enforced as asked" <<<"$out" || { fail "$out"; return; }
	# A CPU this host lacks: climit run refuses it (125), doctor says why (exit 1).
	local n; n=$(getconf _NPROCESSORS_CONF)
	out=$(LC_ALL=C.UTF-8 "$CLIMIT" doctor --cpus "$n" 2>&1); rc=$?
	expect_eq "doctor --cpus $n" 1 "$rc" || return
	grep -qxF "✗ --cpus $n: no such CPU (this machine has CPUs 0-$((n - 1)))" <<<"$out" || { fail "$out"; return; }
	"$CLIMIT" --cpus "$n" -- true 2>/dev/null; expect_eq "run --cpus $n" 125 "$?" && pass
}
