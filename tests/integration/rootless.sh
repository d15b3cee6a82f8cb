# climit for a normal user. test_user_* run only as the systemd guest's logged-in user (tester,
# uid 1000, user@1000.service delegating cpu memory pids); the others run as root everywhere and
# drop to uid 65534 themselves where they need a normal user.
ROOTLESS_UID=65534
as_nobody() { setpriv --reuid "$ROOTLESS_UID" --regid "$ROOTLESS_UID" --clear-groups --reset-env -- "$@"; }

# Limits written and enforced in the user's own scope; climit itself in the scope's leaf.
test_user_limits_hold_in_a_delegated_scope() {
	local name=climit-test-ulim out rc where
	where=$("$CLIMIT" --name $name --mem 64M --pids 20 --cpu 50% -- sh -c \
		'cat /proc/self/cgroup; cat /proc/$PPID/cgroup; d=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup);
		 cat $d/memory.max $d/memory.swap.max $d/pids.max $d/cpu.max' 2>&1)
	rc=$?
	expect_eq "exit" 0 "$rc" || { echo "$where"; return; }
	expect_eq "workload's group" "0::/$SD_SLICE/climit-$name.scope/$name" "$(sed -n 1p <<<"$where")" || return
	expect_eq "climit's own group" "0::/$SD_SLICE/climit-$name.scope/supervisor" "$(sed -n 2p <<<"$where")" || return
	expect_eq "limits" "67108864 0 20 50000 100000" "$(sed -n '3,6p' <<<"$where" | tr '\n' ' ' | sed 's/ $//')" || return
	out=$("$CLIMIT" --name $name --mem 32M --report=json -- "$H/hog" 2>&1 >/dev/null); rc=$?
	expect_eq "hog exit" 137 "$rc" || { echo "$out"; return; }
	expect_eq "OOM kills" 1 "$(tail -1 <<<"$out" | jq .oom_kills)" || return
	out=$("$CLIMIT" --name $name --pids 10 --timeout 2 --report=json -- "$H/forkloop" 2>&1 >/dev/null); rc=$?
	expect_eq "forkloop exit" 124 "$rc" || return
	[ "$(tail -1 <<<"$out" | jq .pids_refused)" -gt 0 ] || { fail "no fork refused: $out"; return; }
	out=$("$CLIMIT" --name $name --cpu 20% --report=json -- timeout 2 "$H/burn" 1 2>&1 >/dev/null)
	[ "$(tail -1 <<<"$out" | jq .cpu_throttled_periods)" -gt 0 ] && pass || fail "not throttled: $out"
}

test_user_records_live_in_xdg_runtime_dir() {
	local out
	out=$(env -u CLIMIT_RUNTIME_DIR "$CLIMIT" --name climit-test-urec -- sh -c \
		'ls "$XDG_RUNTIME_DIR/climit"; [ -e /run/climit/climit-test-urec ] && echo "also in /run/climit"')
	expect_eq "records during the run" climit-test-urec "$out" || return
	[ ! -e "$XDG_RUNTIME_DIR/climit/climit-test-urec" ] && pass || fail "record left after the run"
}

# What the delegation does not allow is refused up front, with the drop-in that fixes it.
test_user_refusals_name_the_delegation_fix() {
	local out rc
	out=$("$CLIMIT" --name climit-test-uref --cpus 0 -- true 2>&1); rc=$?
	expect_eq "exit" 125 "$rc" || return
	expect_eq "lines" 1 "$(wc -l <<<"$out")" || return
	case $out in
	*"--cpus: the cpuset controller is not delegated to user@$(id -u).service"*"/etc/systemd/system/user@.service.d/delegate.conf"*"Delegate=cpu cpuset io memory pids"*) ;;
	*) fail "message: $out"; return ;;
	esac
	[ -z "$(cg_leftovers climit-test-uref)" ] || { fail "group made"; return; }
	[ ! -e "$CLIMIT_RUNTIME_DIR/climit-test-uref" ] || { fail "record made"; return; }
	systemctl --user list-units --all --no-legend 'climit-climit-test-uref*' | grep -q . && { fail "scope made"; return; }
	out=$("$CLIMIT" --cgroup-manager cgroupfs -- true 2>&1); rc=$?
	expect_eq "cgroupfs without --parent" 125 "$rc" || return
	[[ $out == *"--parent PATH, a cgroup delegated to you"* ]] && pass || fail "message: $out"
}

# The README's isolation example, without root: user namespace mapped to root, overlay inside it.
test_user_isolate_rootfs_overlay_works_without_root() {
	iso_have || return
	local r out rc; r=$(iso_rootfs)
	out=$("$CLIMIT" --name climit-test-ubox --mem 100M --pids 100 --cpu 25% --isolate --rootfs "$r" --overlay \
		--hostname box -- /bin/sh -c 'hostname; id -u; echo pid=$$; touch /new && echo wrote;
			cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; tr -s " " < /proc/self/uid_map' 2>&1)
	rc=$?
	local image_clean=yes; [ -e "$r/new" ] && image_clean=no
	local left; left=$(iso_leftovers climit-test-ubox)
	rm -rf "$r"
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	expect_eq "inside" "box 0 pid=2 wrote 104857600 100 0 $(id -u) 1" "$(tr '\n' ' ' <<<"$out" | sed 's/^ *//; s/ *$//; s/  */ /g')" || return
	expect_eq "image untouched" yes "$image_clean" || return
	[ -z "$left" ] && pass || fail "left behind: $left"
}

test_user_leaves_no_scope_group_or_record() {
	"$CLIMIT" --name climit-test-uleft -- true
	"$CLIMIT" --name climit-test-uleft2 --timeout 1 -- sh -c 'sleep 30 & sleep 30'
	local units; units=$(systemctl --user list-units --all --no-legend --plain 'climit-*.scope')
	# A scope is collected by systemd once empty, asynchronously: allow it a moment.
	wait_for 5 sh -c "! systemctl --user list-units --all --no-legend 'climit-*.scope' | grep -q ." ||
		{ fail "scopes left: $units"; return; }
	[ -z "$(cg_leftovers climit-test-uleft)$(cg_leftovers climit-test-uleft2)" ] || { fail "groups left"; return; }
	[ -z "$(ls -A "$CLIMIT_RUNTIME_DIR" 2>/dev/null | grep climit-test-uleft)" ] && pass || fail "records left"
}

# Root: systemd hosts get a scope in climit.slice, others climit/NAME in cgroupfs; --parent and
# --cgroup-manager cgroupfs always mean cgroupfs.
test_placement_follows_the_host() {
	local name=climit-test-place out
	out=$("$CLIMIT" --name $name -- sh -c 'sed -n "s/^0::/v2 /p; s/^[0-9]*:memory:/v1 /p" /proc/self/cgroup')
	local want=/climit/$name
	[ "$PLACEMENT" = systemd ] && want=/climit.slice/climit-$name.scope/$name
	grep -q " $want\$" <<<"$out" || { fail "placed at $out, expected $want"; return; }
	out=$("$CLIMIT" --name $name --cgroup-manager cgroupfs -- sh -c 'sed -n "s/^0::/v2 /p; s/^[0-9]*:memory:/v1 /p" /proc/self/cgroup')
	grep -q " /climit/$name\$" <<<"$out" || { fail "cgroupfs placement at $out"; return; }
	out=$("$CLIMIT" --name $name --cgroup-manager systemd -- true 2>&1); local rc=$?
	if [ "$PLACEMENT" = systemd ]; then
		expect_eq "systemd manager" 0 "$rc" || { echo "$out"; return; }
		out=$("$CLIMIT" --cgroup-manager systemd --parent x -- true 2>&1); rc=$?
		expect_eq "--parent with systemd" 125 "$rc" || return
	else
		expect_eq "systemd manager without systemd v2" 125 "$rc" || return
		[[ $out == *"--cgroup-manager: \"systemd\""* ]] || { fail "message: $out"; return; }
	fi
	[ -z "$(cg_leftovers $name)" ] && pass || fail "left: $(cg_leftovers $name)"
}

# A subtree an administrator delegated by ownership (chown -R, the kernel's delegation rules)
# works with --parent for a normal user, on v1 (every hierarchy) and v2 (climit runs in a leaf
# of it); a parent the user does not own, or none, is a one-line 125.
test_delegated_parent_works_for_a_normal_user() {
	local lab=climit-test-lab out rc dirs=() c
	if [ "$CG_MODE" = v2 ]; then
		dirs=("$(cg_dir memory $lab)")
	else
		for c in memory pids cpu cpuacct freezer; do dirs+=("$(cg_dir $c $lab)"); done
	fi
	for c in "${dirs[@]}"; do mkdir -p "$c"; done
	[ "$CG_MODE" = v2 ] && mkdir "${dirs[0]}/shell"
	for c in "${dirs[@]}"; do chown -R "$ROOTLESS_UID:$ROOTLESS_UID" "$c"; done
	local enter=":"
	[ "$CG_MODE" = v2 ] && enter="echo \$\$ >${dirs[0]}/shell/cgroup.procs"
	out=$(sh -c "$enter; exec setpriv --reuid $ROOTLESS_UID --regid $ROOTLESS_UID --clear-groups --reset-env -- \
		'$CLIMIT' --parent $lab --name climit-test-labrun --mem 32M --pids 20 --report=json -- '$H/hog'" 2>&1); rc=$?
	local bad; bad=$(as_nobody "$CLIMIT" --parent climit -- true 2>&1); local bad_rc=$?
	local none; none=$(as_nobody "$CLIMIT" -- true 2>&1); local none_rc=$?
	[ "$CG_MODE" = v2 ] && rmdir "${dirs[0]}/shell"
	for c in "${dirs[@]}"; do rmdir "$c"/climit-test-labrun 2>/dev/null; rmdir "$c"; done
	rm -rf "/tmp/climit-$ROOTLESS_UID"
	expect_eq "hog as uid $ROOTLESS_UID in the delegated parent" 137 "$rc" || { echo "$out"; return; }
	expect_eq "OOM kills" 1 "$(tail -1 <<<"$out" | jq .oom_kills)" || return
	expect_eq "a parent not owned" 125 "$bad_rc" || return
	[[ $bad == "climit: --parent: \"climit\": "*"belongs to uid 0, not to you"* ||
	   $bad == "climit: --parent: \"climit\": "*"outside it"* ]] || { fail "message: $bad"; return; }
	expect_eq "no parent" 125 "$none_rc" || return
	expect_eq "one line" 1 "$(wc -l <<<"$none")" || return
	case $none in
	*"cgroup v1 has no safe delegation"*|*"cgroup hybrid has no safe delegation"*) [ "$CG_MODE" != v2 ] ;;
	*"needs systemd's user manager"*) [ "$PLACEMENT" = cgroupfs ] ;;
	*"cannot reach your systemd user manager"*) [ "$PLACEMENT" = systemd ] ;;
	*) false ;;
	esac && pass || fail "message ($CG_MODE, $PLACEMENT): $none"
}

# Where the kernel forbids unprivileged user namespaces, a normal user's --isolate is a clear 125.
test_userns_off_is_a_clear_125_for_a_normal_user() {
	local out rc
	out=$(without_userns as_nobody "$CLIMIT" --isolate -- /bin/true 2>&1); rc=$?
	[ "$rc" = 200 ] && { skip "$out"; return; }
	expect_eq "exit" 125 "$rc" || return
	[[ $out == "climit: --isolate: a normal user's container needs a user namespace, and user namespaces are disabled on this host"* ]] &&
		pass || fail "message: $out"
}

# A normal user moves processes that its own user manager holds (the kernel's rule for
# delegated groups: write access to the common ancestor's cgroup.procs), and is told that rule
# for a process of its login session's scope.
test_user_attach_moves_what_the_user_manager_holds() {
	local name=climit-test-uatt
	"$CLIMIT" --name $name --pids 20 -- sleep 30 &
	local pid=$! out out2 rc2
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; return; }
	systemd-run --user --scope --quiet -- sleep 30 &
	local managed=$!
	wait_for 5 sh -c "grep -q '\.scope$' /proc/$managed/cgroup && [ \"\$(cat /proc/$managed/comm)\" = sleep ]"
	out=$("$CLIMIT" attach $name $managed 2>&1)
	sleep 30 & local mine=$!
	out2=$("$CLIMIT" attach $name $mine 2>&1); rc2=$?
	# Root's process (the journal daemon, or any root-owned one): refused before any write.
	local rootp; rootp=$(pgrep -o -u 0 systemd-journal || pgrep -o -u 0 -x systemd-udevd || pgrep -n -u 0)
	local out3 rc3; out3=$("$CLIMIT" attach $name "$rootp" 2>&1); rc3=$?
	local n; n=$(wc -l <"$(cg_dir pids "climit/$name")/cgroup.procs")
	stop_bg "$pid"
	kill $managed $mine 2>/dev/null; wait $managed $mine 2>/dev/null
	expect_eq "attach of the manager's process" "$name: 1 process moved in" "$out" || return
	expect_eq "processes in the group" 2 "$n" || return
	expect_eq "attach of the session's process" 125 "$rc2" || return
	expect_eq "attach of root's process" 125 "$rc3" || return
	expect_eq "root's process refused" "climit: \"$rootp\": belongs to uid 0, not to you" "$out3" || return
	[[ $out2 == *"permission denied (a normal user moves only processes that its own systemd user manager holds"* ]] && pass || fail "message: $out2"
}

# doctor as a normal user: what the user manager does not delegate is a failed check with the
# drop-in, what it does is judged as usual.
test_user_doctor_names_what_is_not_delegated() {
	local ctl out rc; ctl=$(cat "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/cgroup.controllers")
	out=$(LC_ALL=C.UTF-8 "$CLIMIT" doctor --mem 64M --cpus 0 2>&1); rc=$?
	grep -qF "✓ --mem 64M: enforced as asked (memory.max)" <<<"$out" || { fail "mem: $out"; return; }
	if grep -qw cpuset <<<"$ctl"; then
		expect_eq "exit (everything delegated)" 0 "$rc" || return
		grep -qF "✓ --cpus" <<<"$out" && pass || fail "cpus: $out"
	else
		expect_eq "exit" 1 "$rc" || return
		grep -qF "✗ --cpus: the cpuset controller is not delegated to you by user@$(id -u).service" <<<"$out" &&
			grep -qF "Delegate=cpu cpuset io memory pids" <<<"$out" && pass || fail "cpus: $out"
	fi
}

# make demo works without root where systemd delegates (it says so, and what is delegated), and
# leaves nothing behind; elsewhere a normal user gets one line saying why and what to run.
test_user_demo_runs_without_root() {
	local out rc; out=$(timeout 240 bash contrib/demo.sh 2>&1); rc=$?
	expect_eq "exit" 0 "$rc" || { echo "$out" | tail -20; return; }
	grep -q "^make demo as $(id -un): no root needed" <<<"$out" || { fail "no rootless note: $(head -3 <<<"$out")"; return; }
	grep -q '^exit status: 137$' <<<"$out" || { fail "the hog was not OOM-killed: $out"; return; }
	grep -q '^(no climit groups left)$' <<<"$out" && pass || fail "left: $(tail -3 <<<"$out")"
}
