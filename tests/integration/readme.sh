# README.md's examples, run as README.md writes them: each command is read from README.md
# (readme_cmd), so an example that stops working, or a README that drifts from climit, fails
# here. The checks are the lines README.md shows, where they do not depend on the machine.

# The README's command line that starts with "$ sudo climit" and holds TEXT, without "$ sudo "
# (a line ending in "\" goes on on the next one).
readme_cmd() {
	awk '/\\$/ { sub(/\\$/, ""); buf = buf $0; next } { print buf $0; buf = "" }' README.md |
		grep -F -- "$1" | grep -m1 '^\$ sudo climit' | sed -e 's/^\$ sudo //' -e 's/ *$//'
}

# Run a README command line with this build's climit (in the current directory).
readme_run() {
	local cmd=$1
	[ -n "$cmd" ] || { echo "README.md has no such example" >&2; return 99; }
	eval "\"\$CLIMIT\" ${cmd#climit }"
}

test_readme_tour_oom_forkbomb_and_json_report() {
	local out rc bad=""
	out=$(readme_run "$(readme_cmd 'tests/helpers/hog')" 2>&1); rc=$?
	[ "$rc" = 137 ] && grep -q 'killed by the OOM killer (memory limit 64M)' <<<"$out" && grep -qE '^  oom kills +1$' <<<"$out" ||
		bad+=" [hog: $rc $out]"
	out=$(readme_run "$(readme_cmd 'tests/helpers/forkloop')" 2>&1); rc=$?
	[ "$rc" = 124 ] && grep -q 'timed out; killed every process in the group' <<<"$out" &&
		grep -qE '^  forks refused +[1-9]' <<<"$out" || bad+=" [forkloop: $rc $(tail -3 <<<"$out")]"
	out=$(readme_run "$(readme_cmd 'tests/helpers/burn 2')" 2>&1 >/dev/null); rc=$?
	out=$(tail -1 <<<"$out") # the report, after climit's line about the timeout
	[ "$rc" = 124 ] && [ "$(jq -r '"\(.timed_out) \(.cpu_limit_percent) \(.exit_status)"' <<<"$out")" = "true 50 124" ] ||
		bad+=" [burn: $rc $out]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# The control commands' session, with a server of its own: a script that sleeps.
test_readme_control_commands_session() {
	local d bad="" out; d=$(mktemp -d /tmp/climit-test-readme.XXXXXX)
	printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >"$d/server"; chmod +x "$d/server"
	local srv; srv=$(readme_cmd '-- ./server &' | sed 's/ &$//')
	(cd "$d" && readme_run "$srv" >/dev/null 2>&1) &
	local pid=$!
	wait_for 10 group_exists web || { fail "web did not start"; stop_bg "$pid"; rm -rf "$d"; return; }
	out=$(readme_run "$(readme_cmd 'set web')" 2>&1)
	[ "$out" = "web: memory 200M (was 100M), pids 20 (was 50), cpu 25% (was 50%)" ] || bad+=" [set: $out]"
	local fz; fz=$(readme_cmd 'freeze web')
	out=$(readme_run "${fz%%;*}" 2>&1; readme_run "$(sed 's/.*; sudo //' <<<"$fz")" 2>&1)
	[ "$out" = $'web: frozen\nweb: thawed' ] || bad+=" [freeze/thaw: $out]"
	out=$(readme_run "$(readme_cmd 'stats web --explain')" 2>&1)
	[ "$(head -1 <<<"$out")" = "web: effective limits (the lowest up the tree wins)" ] &&
		grep -q 'memory: effective 200M (its own)' <<<"$out" && grep -q 'pids: effective 20 (its own)' <<<"$out" ||
		bad+=" [stats --explain: $out]"
	sleep 60 & local extra=$!
	out=$(readme_run "$(readme_cmd 'attach web' | sed "s/27433/$extra/")" 2>&1)
	[ "$out" = "web: 1 process moved in" ] || bad+=" [attach: $out]"
	out=$(readme_run "$(readme_cmd 'kill web')" 2>&1)
	[[ $out =~ ^web:\ SIGKILL\ sent\ to\ [0-9]+\ processes\;\ the\ group\ is\ empty$ ]] || bad+=" [kill: $out]"
	wait "$pid" 2>/dev/null
	wait "$extra" 2>/dev/null
	rm -rf "$d"
	[ -z "$(cg_leftovers web)" ] || bad+=" [left: $(cg_leftovers web)]"
	[ -z "$bad" ] && pass || fail "$bad"
}

test_readme_top_batch_and_ls() {
	"$CLIMIT" --name climit-test-readtop --mem 64M --pids 30 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-readtop || { fail "not started"; stop_bg "$pid"; return; }
	local top ls; top=$(readme_run "$(readme_cmd 'top -b -n 2 -d 1')" 2>&1); ls=$(readme_run "$(readme_cmd 'climit ls')" 2>&1)
	stop_bg "$pid"
	[ "$(grep -c '^climit top ' <<<"$top")" = 2 ] && grep -qE '^NAME +STATE +PIDS +P\.LIM +REFUSED' <<<"$top" &&
		grep -qE '^climit-test-readtop +running +1 +30 ' <<<"$top" || { fail "top: $top"; return; }
	grep -qE '^NAME +STATE +PIDS +P\.LIM +MEM +M\.LIM +C\.LIM' <<<"$ls" && grep -qE '^climit-test-readtop +running +1 +30 ' <<<"$ls" &&
		pass || fail "ls: $ls"
}

# The doctor example, with the "capped" parent its output describes: 64M and 30 tasks.
test_readme_doctor_example() {
	local cg=/sys/fs/cgroup mem pids
	if [ "$CG_MODE" = v2 ]; then
		mkdir -p $cg/capped && echo "+memory +pids" >$cg/cgroup.subtree_control 2>/dev/null
		mem=$cg/capped/memory.max pids=$cg/capped/pids.max
	else
		mkdir -p $cg/memory/capped $cg/pids/capped; mem=$cg/memory/capped/memory.limit_in_bytes pids=$cg/pids/capped/pids.max
	fi
	echo $((64 << 20)) >"$mem" && echo 30 >"$pids" || { fail "cannot make the capped parent"; _readme_uncap; return; }
	local out rc; out=$(readme_run "$(readme_cmd 'doctor --parent capped')" 2>&1); rc=$?
	_readme_uncap
	local bad=""
	[ "$rc" = 1 ] || bad+=" [exit $rc]"
	grep -q '^✗ --mem 1G: effective limit 64M, not 1G: set by .*capped/memory' <<<"$out" || bad+=" [mem]"
	grep -q '^✗ --pids 100: effective limit 30, not 100: set by .*capped/pids.max' <<<"$out" || bad+=" [pids]"
	[ "$(nproc)" -ge 3 ] || grep -q "^✗ --cpu 300%: 300% of one CPU, but this host has $(nproc) CPUs" <<<"$out" || bad+=" [cpu]"
	[ "$CG_MODE" = v2 ] || grep -q '^✗ --mem-high: memory.high does not exist' <<<"$out" || bad+=" [mem-high]"
	[ -z "$bad" ] && pass || fail "$bad: $out"
}
_readme_uncap() {
	rmdir /sys/fs/cgroup/capped /sys/fs/cgroup/memory/capped /sys/fs/cgroup/pids/capped 2>/dev/null
	return 0
}

# The isolation example in a directory with ./rootfs (a busybox image), and the image untouched.
test_readme_isolation_example() {
	iso_have || return
	local d r out rc; d=$(mktemp -d /var/tmp/climit-test-readiso.XXXXXX); r=$(iso_rootfs); mv "$r" "$d/rootfs"
	local cmd; cmd=$(readme_cmd '--hostname box -- /bin/sh -c')
	out=$(cd "$d" && readme_run "$cmd" 2>&1); rc=$?
	local new=no; [ -e "$d/rootfs/new" ] && new=yes
	rm -rf "$d"
	local bad=""
	[ "$(head -1 <<<"$out")" = box ] || bad+=" [hostname]"
	grep -qE '^ +1 root +\{climit-init\} ([^ ]*/)?climit ' <<<"$out" || bad+=" [init as PID 1]"
	grep -qE '^ +2 root +/bin/sh -c hostname' <<<"$out" || bad+=" [the shell as PID 2]"
	grep -qx 'proc' <<<"$out" && grep -qx 'bin' <<<"$out" || bad+=" [ls /]"
	grep -q 'mount: permission denied' <<<"$out" || bad+=" [remount refused]"
	[ "$new" = no ] || bad+=" [rootfs/new exists: the image was changed]"
	[ -z "$bad" ] && pass || fail "$bad (exit $rc): $out"
}

test_readme_seccomp_example() {
	command -v unshare >/dev/null || { skip "no unshare(1)"; return; }
	local out rc; out=$(readme_run "$(readme_cmd 'unshare -U true')" 2>&1); rc=$?
	grep -q '^unshare: unshare failed: Operation not permitted' <<<"$out" &&
		grep -qE '^  seccomp +default \(Docker.s\), [0-9]+ rules' <<<"$out" &&
		grep -qE '^  seccomp refused unshare by pid [0-9]+ \(unshare\)' <<<"$out" && pass || fail "exit $rc: $out"
}

test_readme_io_example() {
	"$CLIMIT" --io-write-bps /var/tmp=5M -- true 2>/dev/null ||
		{ skip "no I/O limit on the disk of /var/tmp here (no io/blkio controller, or no block device)"; return; }
	local out rc; out=$(readme_run "$(readme_cmd 'db-load')" 2>&1); rc=$?
	rm -f /var/tmp/io-test
	grep -q '^10485760 bytes (10 MB, 10 MiB) copied' <<<"$out" && grep -qE '^  io .* limit write 5M/s \(/var/tmp is on ' <<<"$out" &&
		[ "$rc" = 0 ] && pass || fail "exit $rc: $out"
}

# fit and sweep on xz, as README.md runs them, with a 1 MB sample.bin (README's is 12 MB: the
# figures differ, the commands and their output's form do not).
test_readme_fit_and_sweep_examples() {
	command -v xz >/dev/null || { skip "no xz"; return; }
	local d out rc bad=""; d=$(mktemp -d /tmp/climit-test-readfit.XXXXXX)
	head -c 524288 /dev/urandom >"$d/sample.bin"; head -c 524288 /dev/zero >>"$d/sample.bin"
	local fit sweep; fit=$(readme_cmd 'climit fit') sweep=$(readme_cmd 'climit sweep')
	out=$(cd "$d" && readme_run "$fit" 2>/dev/null); rc=$?
	# 1: no reliable answer is an answer fit may give on a noisy machine; the table is there.
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || bad+=" [fit exit $rc]"
	grep -qE '^resource +baseline use +smallest that passed +recommended +tries$' <<<"$out" || bad+=" [fit table: $out]"
	[ "$rc" != 0 ] || grep -qE '^climit --mem [0-9]+M --cpu [0-9]+% --pids [0-9]+ -- xz -T2 -6 -c sample.bin$' <<<"$out" ||
		bad+=" [fit's command line: $out]"
	file "$d/fit.png" | grep -q 'PNG image' || bad+=" [fit.png]"
	out=$(cd "$d" && readme_run "$sweep" 2>/dev/null); rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || bad+=" [sweep exit $rc]"
	[ "$(grep -cE '^ *(50|100|200)% +(110M|1G) ' <<<"$out")" = 6 ] || bad+=" [sweep rows: $out]"
	file "$d/sweep.png" | grep -q 'PNG image' || bad+=" [sweep.png]"
	rm -rf "$d"
	[ -z "$(_readme_fit_leftovers)" ] || bad+=" [left: $(_readme_fit_leftovers)]"
	[ -z "$bad" ] && pass || fail "$bad"
}
_readme_fit_leftovers() {
	cg_leftovers 'climit-fit-*'; cg_leftovers 'climit-sweep-*'
	return 0
}

# README.md's Quick start, as a normal user on a systemd machine (the systemd guest's tester):
# a fresh clone, `make`, `make install PREFIX=~/.local` (the no-root form), `climit doctor`,
# then the Quick start's first limited command, read from README.md, without sudo. (The
# packages of `sudo make deps` are the guest's already: it runs the host's root.)
test_user_quick_start_from_a_fresh_clone() {
	[ "$(id -u)" != 0 ] && [ -d /run/systemd/system ] || { skip "needs a normal user's systemd session (the systemd guest's)"; return; }
	command -v stress-ng >/dev/null || { skip "stress-ng not installed (make test-deps installs it)"; return; }
	local src=$PWD qs; qs=$(mktemp -d "$HOME/climit-test-qs.XXXXXX")
	local first; first=$(grep -E '^    climit --mem .* -- stress-ng .*--timeout' README.md | sed -e 's/^    //' -e 's/ *#.*//')
	[ -n "$first" ] || { fail "README.md's Quick start has no first limited command"; rm -rf "$qs"; return; }
	# The tree belongs to root here: git (2.35.2+) wants it named safe; a fresh clone of one's own
	# checkout needs nothing of the kind.
	local safe
	for safe in "$src" "$src/.git"; do
		git config --global --get-all safe.directory 2>/dev/null | grep -qxF "$safe" ||
			git config --global --add safe.directory "$safe"
	done
	local bad="" out rc
	out=$(git clone -q "$src" "$qs/climit" 2>&1) || { fail "git clone: $out"; rm -rf "$qs"; return; }
	out=$(cd "$qs/climit" && make 2>&1); rc=$?
	[ "$rc" = 0 ] && [ -x "$qs/climit/climit" ] || bad+=" [make: $rc $(tail -3 <<<"$out")]"
	out=$(cd "$qs/climit" && make install PREFIX="$qs/local" 2>&1); rc=$?
	[ "$rc" = 0 ] && [ -x "$qs/local/bin/climit" ] && [ -e "$qs/local/share/man/man1/climit.1" ] || bad+=" [install: $rc $out]"
	local c="$qs/local/bin/climit"
	out=$("$c" doctor 2>&1)
	grep -q 'placement: a systemd scope per run in .*user@'"$(id -u)"'.service/climit.slice' <<<"$out" || bad+=" [doctor: $out]"
	out=$(cd "$qs" && eval "\"\$c\" ${first#climit }" 2>&1); rc=$?
	[ "$rc" = 0 ] || bad+=" [the first command: exit $rc]"
	grep -q 'successful run completed' <<<"$out" || bad+=" [stress-ng did not complete: $(tail -3 <<<"$out")]"
	grep -qE 'the OOM killer killed [0-9]+ process(es)? in the group \(memory limit 100M\)' <<<"$out" ||
		bad+=" [no OOM kills named: $(tail -2 <<<"$out")]"
	rm -rf "$qs"
	[ -z "$(cg_leftovers 'stress-ng-*')" ] || bad+=" [left: $(cg_leftovers 'stress-ng-*')]"
	[ -z "$bad" ] && pass || fail "$bad"
}
