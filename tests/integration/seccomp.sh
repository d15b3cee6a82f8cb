# The syscall filter: --isolate's default (Docker's default profile), Docker-format profiles,
# --seccomp-log/-allow/-deny, the report and climit top naming refused calls, TIOCSTI, i386.
# tests/helpers/sysprobe makes each call and prints "NAME ok" or "NAME ERRNO".
SP=$PWD/tests/helpers/sysprobe

sc_can() {
	[ -e /usr/lib/x86_64-linux-gnu/libseccomp.so.2 ] || compgen -G '/usr/lib/*/libseccomp.so.2' >/dev/null ||
		{ skip "no libseccomp.so.2 (make test-deps installs it)"; return 1; }
	grep -q 'Seccomp:' /proc/self/status || { skip "this kernel has no seccomp"; return 1; }
}

# Inside --isolate the calls Docker's profile denies fail with EPERM (clone3 with ENOSYS, so
# libc falls back to clone); without the filter the same calls work (the test can fail).
test_seccomp_isolate_denies_what_dockers_profile_denies() {
	sc_can || return
	local calls="getpid keyctl add_key mount kexec_load perf_event_open unshare_user personality_noaslr clone3"
	local on off
	on=$("$CLIMIT" --isolate -- "$SP" $calls | tr '\n' ' ')
	off=$("$CLIMIT" --isolate --seccomp unconfined -- "$SP" keyctl unshare_user personality_noaslr clone3 | tr '\n' ' ')
	expect_eq "filtered" "getpid ok keyctl EPERM add_key EPERM mount EPERM kexec_load EPERM perf_event_open EPERM unshare_user EPERM personality_noaslr EPERM clone3 ENOSYS " "$on" || return
	expect_eq "unconfined" "keyctl ok unshare_user ok personality_noaslr ok clone3 ok " "$off" && pass
}

# The same keyctl through the i386 entry (int 0x80, another syscall number) is refused too.
test_seccomp_i386_calls_cannot_bypass_the_filter() {
	sc_can || return
	[ "$(uname -m)" = x86_64 ] || { skip "x86_64 only (int 0x80)"; return; }
	local off on
	off=$("$CLIMIT" --isolate --seccomp unconfined -- "$SP" i386_keyctl 2>&1)
	[ "$off" = "i386_keyctl ok" ] || { skip "no i386 syscall entry here ($off)"; return; }
	on=$("$CLIMIT" --isolate -- "$SP" i386_keyctl 2>&1)
	expect_eq "int 0x80 keyctl under the filter" "i386_keyctl EPERM" "$on" && pass
}

# Ordinary programs notice nothing: a shell pipeline, python3, a C build.
test_seccomp_normal_programs_run_unaffected() {
	sc_can || return
	local d out; d=$(mktemp -d /tmp/climit-test-scbuild.XXXXXX)
	printf '#include <stdio.h>\nint main(void) { printf("built %%d\\n", 6 * 7); return 0; }\n' >"$d/t.c"
	local bb; bb=$(command -v busybox || echo /bin/busybox)
	out=$("$CLIMIT" --isolate --cwd "$d" -- sh -c "$bb sh -c 'echo one two | $bb wc -w'"'; python3 -c "import os, threading, subprocess; t = threading.Thread(target=print, args=(sum(range(10)),)); t.start(); t.join(); print(subprocess.run([\"true\"]).returncode)"; cc -o t t.c && ./t' 2>&1)
	rm -rf "$d"
	expect_eq "busybox sh, python3 (threads, subprocess), cc" "2 45 0 built 42" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')" && pass
}

# A profile in Docker's format: errnoRet, archMap, a capability condition, an argument
# comparison; a name libseccomp does not know is skipped, as Docker does.
test_seccomp_docker_format_profile_is_applied() {
	sc_can || return
	local prof=$PWD/tests/fixtures/seccomp/profile.json out admin
	out=$("$CLIMIT" --isolate --seccomp "$prof" -- sh -c "mkdir /tmp/climit-test-scmk 2>&1 | grep -o 'Permission denied'; $SP keyctl personality_noaslr getpid" | tr '\n' ' ')
	admin=$("$CLIMIT" --isolate --cap-add sys_admin --seccomp "$prof" -- "$SP" keyctl)
	rmdir /tmp/climit-test-scmk 2>/dev/null
	expect_eq "profile" "Permission denied keyctl EPERM personality_noaslr EPERM getpid ok " "$out" || return
	expect_eq "excludes CAP_SYS_ADMIN" "keyctl ok" "$admin" && pass
}

# --seccomp-log: the call goes through, and the report names it (from the audit record).
test_seccomp_log_lets_calls_through_and_the_report_names_them() {
	sc_can || return
	dd if=/dev/kmsg of=/dev/null count=0 status=none 2>/dev/null || { skip "/dev/kmsg is not readable"; return; }
	# Without auditd the kernel prints at most 10 audit records per 5 s (printk_ratelimit): the
	# tests before this one used them up.
	sleep 6
	local out rep
	out=$("$CLIMIT" --isolate --seccomp-log --report=json -- "$SP" keyctl add_key 2>/tmp/climit-test-sclog.$$)
	rep=$(grep '^{' /tmp/climit-test-sclog.$$); rm -f /tmp/climit-test-sclog.$$
	expect_eq "calls let through" "keyctl ok add_key ok" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')" || return
	[ "$(jq -r .seccomp.calls_total <<<"$rep")" != null ] || { skip "no audit session here: $(jq -c .seccomp <<<"$rep")"; return; }
	expect_eq "report" "keyctl:logged:sysprobe add_key:logged:sysprobe" \
		"$(jq -r '[.seccomp.calls[] | "\(.syscall):\(.action):\(.comm)"] | join(" ")' <<<"$rep")" || return
	# Refused calls are named the same way, in the text report too.
	local text; text=$("$CLIMIT" --isolate --report -- "$SP" keyctl 2>&1 >/dev/null)
	grep -qE "^  seccomp refused keyctl by pid [0-9]+ \(sysprobe\)$" <<<"$text" && pass || fail "text report: $text"
}

# climit top's event log names the refused call and the process, under its container.
test_seccomp_refusals_are_in_tops_event_log() {
	sc_can || return
	dd if=/dev/kmsg of=/dev/null count=0 status=none 2>/dev/null || { skip "/dev/kmsg is not readable"; return; }
	sleep 5.5 # the kernel's 10 audit records per 5 s (see above)
	"$CLIMIT" --name climit-test-scev --isolate -- sh -c "sleep 2; $SP keyctl unshare_user >/dev/null; sleep 30" &
	local pid=$! out
	wait_for 10 group_exists climit-test-scev || { stop_bg $pid; fail "not started"; return; }
	local frames counted
	frames=$("$CLIMIT" top --json -n 5 -d 1)
	stop_bg $pid
	out=$(jq -r '.events[]?.text' <<<"$frames" | sort -u)
	counted=$(jq -s -r '.[-1].groups[] | select(.name == "climit-test-scev") | .seccomp_calls' <<<"$frames")
	expect_eq "calls counted for the container" 2 "$counted" || return
	grep -qE "climit-test-scev: seccomp refused keyctl \(pid [0-9]+, sysprobe\)" <<<"$out" &&
		grep -qE "climit-test-scev: seccomp refused unshare \(pid [0-9]+, sysprobe\)" <<<"$out" && pass ||
		fail "events: $out"
}

# A shell in a fresh tmux session (the server of a session just killed can still be exiting:
# "server exited unexpectedly"; wait for it to go, and try again once).
sc_shell() {
	local i
	for i in 1 2; do
		tm kill-server 2>/dev/null
		wait_for 3 sh -c "! tmux -L $TMUX_SOCK has-session 2>/dev/null"
		tm new-session -d -s t -x 120 -y 20 "bash --norc --noprofile" 2>/dev/null && wait_for 5 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q '[\$#] *\$'" && return 0
		sleep 0.5
	done
	return 1
}

# TIOCSTI would type into the caller's shell (CVE-2017-5226): refused with --isolate. Seen from
# the shell itself in tmux: without the filter the injected command runs there. CAP_SYS_ADMIN is
# kept in both runs: kernels with dev.tty.legacy_tiocsti=0 (Debian's 6.12) allow TIOCSTI only
# with it, and the filter refuses TIOCSTI whatever the capabilities.
test_seccomp_tiocsti_does_not_reach_the_callers_terminal() {
	sc_can || return
	local shot
	sc_shell || { fail "tmux: no shell session"; return; }
	tm send-keys -t t "$CLIMIT --isolate --cap-add sys_admin --seccomp unconfined -- $SP tiocsti_inject; echo DONE1" Enter
	wait_for 10 screen_has DONE1
	sleep 1
	tm send-keys -t t "clear; $CLIMIT --isolate --cap-add sys_admin -- $SP tiocsti_inject; echo DONE2" Enter
	wait_for 10 screen_has DONE2
	sleep 1
	shot=$(screen)
	tm kill-server 2>/dev/null
	grep -q "tiocsti_inject EPERM" <<<"$shot" || { fail "not refused: $shot"; return; }
	grep -q "^climit-test-INJECTED" <<<"$shot" && { fail "the injected command ran: $shot"; return; }
	# The control: unconfined, it did reach the shell (else this test could not fail).
	sc_shell || { fail "tmux: no shell session for the control"; return; }
	tm send-keys -t t "$CLIMIT --isolate --cap-add sys_admin --seccomp unconfined -- $SP tiocsti_inject" Enter
	wait_for 10 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q '^climit-test-INJECTED'"
	shot=$(screen)
	tm kill-server 2>/dev/null
	if ! grep -q "^climit-test-INJECTED" <<<"$shot"; then
		grep -q "tiocsti_inject EPERM\|tiocsti_inject EIO" <<<"$shot" &&
			{ skip "this kernel refuses TIOCSTI itself (dev.tty.legacy_tiocsti=0)"; return; }
		fail "control: injection did not work unconfined: $shot"; return
	fi
	pass
}

# Small changes: --seccomp-allow lifts a denial, --seccomp-deny adds one (also without --isolate).
test_seccomp_allow_and_deny_adjust_the_filter() {
	sc_can || return
	local a b c
	a=$("$CLIMIT" --isolate --seccomp-allow keyctl -- "$SP" keyctl add_key | tr '\n' ' ')
	b=$("$CLIMIT" --isolate --seccomp-deny getpid -- "$SP" getpid | tr '\n' ' ')
	c=$("$CLIMIT" --seccomp-deny keyctl -- "$SP" keyctl add_key | tr '\n' ' ')
	expect_eq "allow" "keyctl ok add_key EPERM " "$a" || return
	expect_eq "deny" "getpid EPERM " "$b" || return
	expect_eq "deny without --isolate" "keyctl EPERM add_key ok " "$c" && pass
}

# Bad input: one line naming the option and the value (a profile's line and field), 125,
# nothing created.
test_seccomp_bad_input_is_refused() {
	local d; d=$(mktemp -d /tmp/climit-test-scbad.XXXXXX)
	printf '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [\n    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},\n  ]\n}\n' >"$d/broken.json"
	printf '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [\n    {"names": ["mkdir"],\n     "action": "SCMP_ACT_NOPE"}\n  ]\n}\n' >"$d/action.json"
	local a out rc bad=""
	for a in "--seccomp=|--seccomp: \"\": " "--seccomp-deny=nosuchcall|--seccomp-deny: \"nosuchcall\": nosuchcall is not a system call" \
		 "--seccomp-allow=keyctl,,add_key|--seccomp-allow: \"keyctl,,add_key\": an empty name" \
		 "--seccomp-log|--seccomp-log: there is no filter" "--seccomp=/nonexistent.json|--seccomp: \"/nonexistent.json\": No such file" \
		 "--seccomp=$d/broken.json|--seccomp: \"$d/broken.json\": line 5, column " \
		 "--seccomp=$d/action.json|--seccomp: \"$d/action.json\": line 5: syscalls[0].action: not an action"; do
		out=$("$CLIMIT" --name climit-test-scbad "${a%%|*}" -- true 2>&1); rc=$?
		[ "$rc" = 125 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == "climit: ${a#*|}"* ]] || bad+=" [${a%%|*}: $rc $out]"
	done
	rm -rf "$d"
	[ -z "$bad" ] || { fail "$bad"; return; }
	[ -z "$(cg_leftovers climit-test-scbad)" ] && pass || fail "group left behind"
}

# A normal user's --isolate (a user namespace of its own) gets the same filter.
test_user_seccomp_filter_holds_for_a_normal_user() {
	sc_can || return
	local out; out=$("$CLIMIT" --isolate -- "$SP" keyctl getpid 2>&1 | tr '\n' ' ')
	expect_eq "as $(id -un)" "keyctl EPERM getpid ok " "$out" && pass
}

# A profile's kill action is named: which call, its number and architecture, which profile, and
# "end": "seccomp_kill" with the call in the report. Read from the audit netlink group (root has
# CAP_AUDIT_READ), and from /dev/kmsg where that cannot be had (the fault helper takes it away).
# A trap action is said to be one.
test_seccomp_kill_names_the_call_and_the_profile() {
	sc_can || return
	local d; d=$(mktemp -d /tmp/climit-test-sckill.XXXXXX); chmod 755 "$d"
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$d/kill.json"
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_TRAP"}]}' >"$d/trap.json"
	local out rc bad="" want="killed by seccomp: mkdir (83, x86_64) denied by $d/kill.json"
	out=$("$CLIMIT" --name climit-test-sck --seccomp "$d/kill.json" --report=json -- mkdir "$d/x" 2>&1); rc=$?
	[ "$rc" = 159 ] && grep -qx "climit: climit-test-sck: $want" <<<"$out" || bad+=" [netlink: $rc '$out']"
	local json; json=$(grep '^{' <<<"$out")
	[ "$(jq -c '[.end, .seccomp.fatal_call.syscall, .seccomp.fatal_call.number, .seccomp.fatal_call.arch, .seccomp.fatal_call.action]' <<<"$json")" = \
	  '["seccomp_kill","mkdir",83,"x86_64","killed"]' ] || bad+=" [json: $json]"
	# /dev/kmsg gets audit records through printk's rate limit (10 per 5 s): the tests before
	# this one may have used it up, so a second try after the interval.
	local try
	for try in 1 2; do
		out=$(CLIMIT_FAULT=netlink LD_PRELOAD=$PWD/tests/helpers/fault.so "$CLIMIT" --name climit-test-sck --seccomp "$d/kill.json" -- mkdir "$d/x" 2>&1); rc=$?
		grep -qx "climit: climit-test-sck: $want" <<<"$out" && break
		sleep 6
	done
	[ "$rc" = 159 ] && grep -qx "climit: climit-test-sck: $want" <<<"$out" || bad+=" [kmsg: $rc '$out']"
	out=$("$CLIMIT" --name climit-test-sck --seccomp "$d/trap.json" -- mkdir "$d/x" 2>&1); rc=$?
	[ "$rc" = 159 ] && grep -qx "climit: climit-test-sck: killed by SIGSYS: mkdir (83, x86_64) trapped by $d/trap.json (a trap action sends SIGSYS)" <<<"$out" ||
		bad+=" [trap: $rc '$out']"
	[ ! -e "$d/x" ] || bad+=" [mkdir ran]"
	rm -rf "$d"
	[ -z "$(cg_leftovers climit-test-sck)" ] || bad+=" [group left]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# A normal user's run has no audit session (that needs root): the kill is still said, with what
# is known and where the call is.
test_user_seccomp_kill_is_said_without_audit_records() {
	sc_can || return
	local d; d=$(mktemp -d /tmp/climit-test-sckill.XXXXXX)
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$d/kill.json"
	local out rc; out=$("$CLIMIT" --name climit-test-scku --seccomp "$d/kill.json" -- mkdir "$d/x" 2>&1); rc=$?
	rm -rf "$d"
	expect_eq "exit" 159 "$rc" || { echo "$out"; return; }
	expect_eq "message" "climit: climit-test-scku: killed by SIGSYS: the seccomp profile's kill action ($d/kill.json); the syscall is in the audit log" "$out" && pass
}

# The profile is read once (hashed for the cache and parsed from the same bytes): a profile that
# can be read only once, a FIFO or /dev/stdin, works, and so cannot be cached under another
# content's key. (It was read three times: a FIFO hung.)
test_seccomp_profile_is_read_once_even_from_a_pipe() {
	sc_can || return
	local d; d=$(mktemp -d /tmp/climit-test-scfifo.XXXXXX)
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' >"$d/p.json"
	mkfifo "$d/fifo"
	(cat "$d/p.json" >"$d/fifo" &)
	local out rc; out=$(timeout -k 5 20 "$CLIMIT" --name climit-test-scfifo --seccomp "$d/fifo" -- mkdir "$d/a" 2>&1); rc=$?
	local out2 rc2; out2=$(timeout -k 5 20 "$CLIMIT" --name climit-test-scfifo --seccomp /proc/self/fd/0 -- mkdir "$d/b" <"$d/p.json" 2>&1); rc2=$?
	local made; made=$(ls "$d" | grep -vx 'p.json\|fifo')
	rm -rf "$d"
	expect_eq "exit (FIFO)" 1 "$rc" || { echo "$out"; return; }
	[[ $out == *"Operation not permitted"* ]] || { fail "FIFO: $out"; return; }
	expect_eq "exit (stdin, /proc/self/fd/0)" 1 "$rc2" || { echo "$out2"; return; }
	[ -z "$made" ] && pass || fail "mkdir ran: $made"
}
