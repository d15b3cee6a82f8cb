# --isolate, --rootfs, --overlay and friends, end to end with a busybox-static rootfs built
# here: the tutorials' container, escape attempts, credentials, fds, hostile rootfs layouts,
# cleanup after signals and failures.
# (iso_rootfs, iso_have, iso_leftovers: tests/lib.sh)

test_isolate_behaves_like_the_tutorials_container() {
	iso_have || return
	local r out rc host_before; r=$(iso_rootfs); host_before=$(hostname)
	out=$("$CLIMIT" --name climit-test-box --mem 100M --pids 100 --cpu 25% --isolate --rootfs "$r" --overlay \
		--hostname box -- /bin/sh -c 'echo "host=$(hostname)"; echo "pid=$$"; ps -o pid,comm | tail -n +2 | wc -l;
			ls / | tr "\n" " "; echo; cat /proc/self/cgroup; echo created > /inside-only; cat /inside-only' 2>&1)
	rc=$?
	local left; left=$(iso_leftovers climit-test-box)
	local image_clean=yes; [ -e "$r/inside-only" ] && image_clean=no
	rm -rf "$r"
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	expect_eq "hostname inside" "host=box" "$(grep '^host=' <<<"$out")" || return
	expect_eq "hostname outside" "$host_before" "$(hostname)" || return
	# The init is PID 1 and the shell its child; ps sees only init, sh, ps and wc's pipeline.
	expect_eq "shell pid" "pid=2" "$(grep '^pid=' <<<"$out")" || return
	local nproc; nproc=$(sed -n 3p <<<"$out")
	[ "$nproc" -le 5 ] || { fail "ps inside sees $nproc processes: $out"; return; }
	grep -q '^bin dev etc proc root sys tmp $' <<<"$out" || { fail "ls / is not the rootfs: $out"; return; }
	local bad; bad=$(grep -E '^[0-9]+:' <<<"$out" | grep -v ':/$')
	[ -z "$bad" ] || { fail "/proc/self/cgroup is not rooted at /: $bad"; return; }
	expect_eq "file written inside" created "$(tail -1 <<<"$out")" || return
	expect_eq "image untouched" yes "$image_clean" || return
	[ -z "$left" ] && pass || fail "left behind: $left"
}

# The limits climit wrote are what the container sees in its own /sys/fs/cgroup (rooted at its
# group by the cgroup namespace), and they hold there.
test_isolate_limits_are_visible_and_hold_inside() {
	iso_have || return
	local r out rc; r=$(iso_rootfs)
	cp "$H/hog-static" "$r/bin/hog"
	out=$("$CLIMIT" --name climit-test-isolim --mem 48M --pids 25 --isolate --rootfs "$r" -- /bin/sh -c '
		if [ -e /sys/fs/cgroup/memory.max ]; then cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
		else cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; fi
		/bin/hog; echo "hog $?"' 2>/dev/null); rc=$?
	rm -rf "$r"
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	expect_eq "limits inside, and the hog OOM-killed inside" "50331648 25 hog 137" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')" && pass
}

test_isolate_ps_inside_and_outside() {
	iso_have || return
	local r; r=$(iso_rootfs)
	"$CLIMIT" --name climit-test-psview --isolate --rootfs "$r" -- /bin/sh -c 'sleep 30 & sleep 30; :' &
	local pid=$!
	wait_for 10 group_exists climit-test-psview || { fail "not started"; stop_bg "$pid"; rm -rf "$r"; return; }
	sleep 0.5
	# The same processes seen from both sides: NSpid in /proc/PID/status is "host-pid ns-pid".
	local p views=""
	for p in $(sort -n "$(cg_dir pids climit/climit-test-psview)/cgroup.procs"); do
		views+="$(awk '/^NSpid:/ { print $2 ":" $3 }' /proc/"$p"/status) "
	done
	stop_bg "$pid"; rm -rf "$r"
	local inside; inside=$(tr ' ' '\n' <<<"$views" | cut -d: -f2 | grep . | sort -n | tr '\n' ' ')
	expect_eq "pids inside of init, sh and the two sleeps" "1 2 3 4 " "$inside" || return
	local same; same=$(tr ' ' '\n' <<<"$views" | awk -F: '$1 == $2' | grep .)
	[ -z "$same" ] && pass || fail "a process has the same pid outside as inside: $views"
}

test_isolate_escape_attempts_fail() {
	iso_have || return
	local r out script; r=$(iso_rootfs)
	script='
		for f in /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/*/../cgroup.procs; do
			echo $$ > "$f" 2>/dev/null && echo "ESCAPED via $f"; done
		mount -o remount,rw /sys/fs/cgroup 2>/dev/null && echo "ESCAPED remount"
		mkdir -p /tmp/cg; mount -t cgroup -o pids none /tmp/cg 2>/dev/null && echo "ESCAPED mount v1"
		mount -t cgroup2 none /tmp/cg 2>/dev/null && echo "ESCAPED mount v2"
		[ -e /tmp/cg/cgroup.procs ] && echo "ESCAPED: a cgroup hierarchy got mounted"
		for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/release_agent; do
			echo /x > "$f" 2>/dev/null && echo "ESCAPED release_agent $f"; done
		echo 100000 > /sys/fs/cgroup/pids/pids.max 2>/dev/null && echo "ESCAPED pids.max"
		echo max > /sys/fs/cgroup/pids.max 2>/dev/null && echo "ESCAPED pids.max v2"
		echo done'
	# In a busybox rootfs, and on the host's own tree (no --rootfs).
	out=$("$CLIMIT" --name climit-test-escape --pids 50 --isolate --rootfs "$r" -- /bin/sh -c "$script" 2>/dev/null)
	out="$out
$("$CLIMIT" --name climit-test-escape --pids 50 --isolate -- /bin/sh -c "$script" 2>/dev/null)"
	rm -rf "$r"
	grep -q ESCAPED <<<"$out" && { fail "$out"; return; }
	expect_eq "both scripts ran to the end" "done done" "$(grep -x done <<<"$out" | tr '\n' ' ' | sed 's/ $//')" && pass
}

test_isolate_uid_is_final_even_for_setuid_root_binaries() {
	iso_have || return
	local d; d=$(mktemp -d /var/tmp/climit-test-suid.XXXXXX)
	chmod 755 "$d"; cp "$PWD/tests/helpers/ids" "$d/ids"; chown 0:0 "$d/ids"; chmod 4755 "$d/ids"
	# Without climit the setuid bit works (so this test can fail): euid becomes 0.
	local plain; plain=$(setpriv --reuid 1000 --regid 1000 --clear-groups "$d/ids" 2>&1)
	local out; out=$("$CLIMIT" --isolate --uid 1000 --gid 1000 -- "$d/ids" 2>&1)
	local caps; caps=$("$CLIMIT" --isolate --cap-drop all -- "$d/ids" 2>&1)
	local added; added=$("$CLIMIT" --isolate --uid 1000 --cap-add net_raw -- "$d/ids" 2>&1)
	rm -rf "$d"
	[[ $plain == "uid 1000 0 0 0 "* ]] || { skip "setuid binaries do not work here ($plain)"; return; }
	expect_eq "ids under --uid" "uid 1000 1000 1000 1000 gid 1000 1000 1000 1000 capeff 0000000000000000" "$out" || return
	expect_eq "root with --cap-drop all" "uid 0 0 0 0 gid 0 0 0 0 capeff 0000000000000000" "$caps" || return
	[[ $added == *"capeff 0000000000002000" ]] && pass || fail "--cap-add net_raw for uid 1000: $added"
}

test_isolate_default_capabilities_leave_out_sys_admin() {
	local out; out=$("$CLIMIT" --isolate -- "$PWD/tests/helpers/ids" 2>&1)
	local eff=${out##* }
	# CAP_SYS_ADMIN is bit 21; CAP_CHOWN bit 0 stays.
	(( (16#$eff >> 21) & 1 )) && { fail "sys_admin kept: $out"; return; }
	(( 16#$eff & 1 )) && pass || fail "chown dropped: $out"
}

test_isolate_workload_gets_only_fds_0_1_2() {
	local out plain
	plain=$(exec 7</dev/null; "$CLIMIT" -- sh -c 'ls /proc/$$/fd' | tr '\n' ' ')
	out=$(exec 7</dev/null; "$CLIMIT" --isolate -- sh -c 'ls /proc/$$/fd' | tr '\n' ' ')
	[[ $plain == *" 7 "* ]] || { fail "fd 7 did not reach a plain run, so this test proves nothing: $plain"; return; }
	expect_eq "fds inside" "0 1 2 " "$out" && pass
}

test_isolate_refuses_symlinked_proc_and_dev_in_the_rootfs() {
	iso_have || return
	local r t rc1 rc2 out1 out2; r=$(iso_rootfs); t=$(mktemp -d /var/tmp/climit-test-target.XXXXXX)
	ln -s "$t" "$r/proc"
	out1=$("$CLIMIT" --name climit-test-symproc --isolate --rootfs "$r" -- /bin/true 2>&1); rc1=$?
	rm "$r/proc"; mkdir "$r/proc"; ln -s "$t" "$r/dev"
	out2=$("$CLIMIT" --name climit-test-symdev --isolate --rootfs "$r" -- /bin/true 2>&1); rc2=$?
	local inside; inside=$(ls -A "$t")
	rm -rf "$r" "$t"
	expect_eq "exit with symlinked /proc" 125 "$rc1" || return
	expect_eq "exit with symlinked /dev" 125 "$rc2" || return
	[[ $out1 == *"/proc is a symlink"* && $out2 == *"/dev is a symlink"* ]] || { fail "messages: $out1 / $out2"; return; }
	expect_eq "host directory the symlinks pointed at" "" "$inside" && pass
}

test_isolate_cleans_up_after_sigint_sigterm_and_exec_failure() {
	iso_have || return
	local r sig rc left=""; r=$(iso_rootfs)
	for sig in INT TERM; do
		"$CLIMIT" --name "climit-test-iso$sig" --isolate --rootfs "$r" --overlay -- /bin/sleep 30 &
		local pid=$!
		wait_for 10 group_exists "climit-test-iso$sig" || { fail "not started"; stop_bg "$pid"; rm -rf "$r"; return; }
		sleep 0.3
		# A background job ignores SIGINT (so does its workload): the second SIGINT kills the
		# group, as it does without isolation. SIGTERM is forwarded through the init.
		kill -"$sig" "$pid"; [ "$sig" = INT ] && { sleep 0.3; kill -INT "$pid"; }
		wait_bounded "$pid" 10; rc=$?
		expect_eq "exit after SIG$sig" $((128 + $(kill -l "$sig"))) "$rc" || { rm -rf "$r"; return; }
		left="$left$(iso_leftovers "climit-test-iso$sig")"
	done
	"$CLIMIT" --name climit-test-isoexec --isolate --rootfs "$r" --overlay -- /nonexistent 2>/dev/null; rc=$?
	left="$left$(iso_leftovers climit-test-isoexec)"
	rm -rf "$r"
	expect_eq "exit when the command is missing inside" 127 "$rc" || return
	[ -z "$left" ] && pass || fail "left behind: $left"
}

test_isolate_bad_paths_are_refused_with_125() {
	local f; f=$(mktemp /var/tmp/climit-test-file.XXXXXX)
	local a out rc bad=""
	for a in "--rootfs=" "--rootfs=/nonexistent/dir" "--rootfs=$f" "--overlay" "--cwd=relative/dir" \
		 "--overlay-keep=/nonexistent" "--rootfs-tar=/nonexistent.tar" "--rootfs=/" "--hostname=-bad" \
		 "--cap-drop=sys_nonsense" "--ns=pid,bogus" "--uid=" "--env=NOEQUALS"; do
		out=$("$CLIMIT" --name climit-test-badiso --isolate $a -- /bin/true 2>&1); rc=$?
		[ "$rc" = 125 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == climit:\ --* ]] || bad="$bad [$a -> $rc: $out]"
	done
	rm -f "$f"
	[ -z "$bad" ] && [ -z "$(iso_leftovers climit-test-badiso)" ] && pass || fail "$bad"
}

test_isolate_init_reaps_orphaned_zombies() {
	iso_have || return
	local r out; r=$(iso_rootfs)
	# 30 orphans (their parent subshell exits at once) die while the workload never waits.
	out=$("$CLIMIT" --pids 40 --isolate --rootfs "$r" -- /bin/sh -c '
		i=0; while [ $i -lt 30 ]; do (sleep 0.2 &); i=$((i + 1)); done
		sleep 1.5; grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l; cat /sys/fs/cgroup/pids/pids.current 2>/dev/null || cat /sys/fs/cgroup/pids.current' 2>&1)
	rm -rf "$r"
	local zombies pids; zombies=$(sed -n 1p <<<"$out"); pids=$(sed -n 2p <<<"$out")
	expect_eq "zombies left" 0 "$zombies" || return
	[ "$pids" -le 6 ] && pass || fail "pids.current still $pids"
}

test_isolate_exit_status_signals_and_oom_pass_through_the_init() {
	iso_have || return
	local r rc out; r=$(iso_rootfs)
	"$CLIMIT" --isolate --rootfs "$r" -- /bin/sh -c 'exit 3'; rc=$?
	expect_eq "exit code" 3 "$rc" || { rm -rf "$r"; return; }
	"$CLIMIT" --isolate --rootfs "$r" -- /bin/sh -c 'kill -USR1 $$'; rc=$?
	expect_eq "killed by SIGUSR1" 138 "$rc" || { rm -rf "$r"; return; }
	cp "$PWD/tests/helpers/hog" "$r/hog" 2>/dev/null
	out=$("$CLIMIT" --name climit-test-isooom --mem 32M --isolate -- "$PWD/tests/helpers/hog" 2>&1); rc=$?
	rm -rf "$r"
	expect_eq "OOM kill" 137 "$rc" || return
	[[ $out == *"killed by the OOM killer"* ]] && pass || fail "message: $out"
}

test_isolate_overlay_keep_and_rootfs_tar() {
	iso_have || return
	# The kept upper layer lives on a tmpfs: an overlayfs cannot be an upper layer, and the
	# v2 guest's own root is one.
	local r k tarf rc out; r=$(iso_rootfs); k=$(mktemp -d /dev/shm/climit-test-keep.XXXXXX)
	"$CLIMIT" --isolate --rootfs "$r" --overlay-keep "$k" -- /bin/sh -c 'echo kept > /etc/note' || { fail "overlay-keep run failed"; rm -rf "$r" "$k"; return; }
	local kept; kept=$(cat "$k/upper/etc/note" 2>/dev/null)
	local image; image=$([ -e "$r/etc/note" ] && echo modified || echo clean)
	tarf=$(mktemp /var/tmp/climit-test-image.XXXXXX); tar -C "$r" -cf "$tarf" .
	# The image is unpacked under $TMPDIR (climit's default is /var/tmp): watch that directory.
	local tmpd; tmpd=$(mktemp -d /var/tmp/climit-test-tmpdir.XXXXXX)
	out=$(TMPDIR=$tmpd "$CLIMIT" --name climit-test-tar --isolate --rootfs-tar "$tarf" -- /bin/sh -c 'ls /bin/busybox && echo from-tar; pwd >/dev/null' 2>&1); rc=$?
	# (strace writes to a file: the busybox guest's /dev has no /dev/stdout link)
	TMPDIR=$tmpd strace -f -qq -e trace=mkdir -o "$tmpd.strace" "$CLIMIT" --isolate --rootfs-tar "$tarf" -- /bin/true 2>/dev/null
	local used; used=$(grep -c "$tmpd/" "$tmpd.strace"); rm -f "$tmpd.strace"
	local tmpleft; tmpleft=$(ls -A "$tmpd")
	[ -n "$tmpleft" ] && tmpleft="$tmpleft: $(find "$tmpd" | head -5 | tr '\n' ' ') $(grep climit-test-tar /proc/self/mountinfo)"
	rm -rf "$r" "$k" "$tarf" "$tmpd"
	expect_eq "upper layer kept" kept "$kept" || return
	expect_eq "image" clean "$image" || return
	expect_eq "--rootfs-tar run" 0 "$rc" || { echo "$out"; return; }
	[[ $out == *from-tar ]] || { fail "$out"; return; }
	[ "$used" -ge 1 ] || { fail "the image was not unpacked under \$TMPDIR"; return; }
	[ -z "$tmpleft" ] && pass || fail "unpacked image left: $tmpleft"
}

test_isolate_user_namespace_maps_root_to_the_caller() {
	iso_have || return
	local r out rc; r=$(iso_rootfs)
	out=$("$CLIMIT" --isolate --map-root-user --rootfs "$r" -- /bin/sh -c 'id -u; cat /proc/self/uid_map' 2>&1); rc=$?
	rm -rf "$r"
	expect_eq "exit" 0 "$rc" || { echo "$out"; return; }
	expect_eq "uid inside" 0 "$(head -1 <<<"$out")" || return
	[[ $(tail -1 <<<"$out" | tr -s ' ') == " 0 $(id -u) 1" ]] && pass || fail "uid_map: $out"
}

test_isolate_names_an_unavailable_namespace_kind() {
	local out rc
	out=$(without_userns "$CLIMIT" --name climit-test-nouserns --isolate --user-ns -- /bin/true 2>&1); rc=$?
	[ "$rc" = 200 ] && { skip "$out"; return; }
	expect_eq "exit with user namespaces disabled" 125 "$rc" || return
	[[ $out == *"user namespaces are disabled"* ]] && pass || fail "message: $out"
}
