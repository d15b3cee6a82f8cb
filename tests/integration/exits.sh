# climit run: exit statuses pass through; climit's own failures are told apart.

# Every code on the host; in the guests (each launch through a systemd scope costs ~0.5 s under
# emulation, and the path does not depend on the code) the codes next to climit's own and the
# edges.
test_exit_codes_0_to_255_pass_through() {
	local code rc bad="" codes
	codes=$(seq 0 255)
	[ -n "${CLIMIT_IN_GUEST:-}" ] && codes="0 1 2 3 42 99 100 123 124 125 126 127 128 129 137 143 200 254 255"
	for code in $codes; do
		"$CLIMIT" -- sh -c "exit $code"; rc=$?
		[ "$rc" = "$code" ] || bad="$bad $code->$rc"
	done
	[ -z "$bad" ] && pass || fail "mismatches:$bad"
}

test_killed_by_signal_exits_128_plus_n() {
	local rc sig bad=""
	for sig in 1 2 9 11 15; do
		"$CLIMIT" -- sh -c "kill -$sig \$\$" 2>/dev/null; rc=$?
		[ "$rc" = $((128 + sig)) ] || bad="$bad $sig->$rc"
	done
	[ -z "$bad" ] && pass || fail "mismatches:$bad"
}

test_command_not_found_exits_127_with_message() {
	local err rc
	err=$("$CLIMIT" -- /nonexistent/climit-test-cmd 2>&1); rc=$?
	expect_eq "exit" 127 "$rc" || return
	expect_eq "message" "climit: /nonexistent/climit-test-cmd: No such file or directory" "$err" && pass
}

test_not_executable_exits_126() {
	local f=/tmp/climit-test-noexec.$$ err rc
	printf '#!/bin/sh\n' >"$f"; chmod 644 "$f"
	err=$("$CLIMIT" -- "$f" 2>&1); rc=$?
	rm -f "$f"
	expect_eq "exit" 126 "$rc" || return
	case $err in "climit: $f: Permission denied") pass ;; *) fail "message: $err" ;; esac
}

test_program_exiting_127_is_not_an_exec_failure() {
	local err rc
	err=$("$CLIMIT" -- sh -c 'exit 127' 2>&1); rc=$?
	expect_eq "exit" 127 "$rc" || return
	expect_eq "stderr" "" "$err" && pass
}

test_timeout_kills_the_group_and_exits_124() {
	local rc rep=/tmp/climit-test-timeout.$$ t0 ms
	# The guard is wait_bounded (SIGKILL, status 137), not timeout(1): its own 124 would pass
	# for a climit that ignored --timeout.
	t0=$(date +%s%N)
	"$CLIMIT" --name climit-test-timeout --timeout 0.5 --report=json -- sh -c 'sleep 30 & sleep 30' 2>"$rep" &
	wait_bounded $! 25; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	local timed_out; timed_out=$(tail -1 "$rep" | jq -r .timed_out 2>/dev/null); rm -f "$rep"
	expect_eq "exit" 124 "$rc" || return
	[ "$ms" -lt 5000 ] || { fail "took $ms ms for a 0.5 s timeout"; return; }
	expect_eq "timed_out in the report" true "$timed_out" || return
	if pgrep -f 'sleep 30$' -P 1 >/dev/null && [ -n "$(cg_leftovers climit-test-timeout)" ]; then fail "sleepers left"; return; fi
	[ -z "$(cg_leftovers climit-test-timeout)" ] || { fail "group left"; return; }
	pass
}

test_report_text_names_every_figure() {
	local err
	err=$("$CLIMIT" --mem 32M --pids 10 --cpu 20% --report -- true 2>&1)
	local k
	for k in "wall time" "cpu user/sys" "cpu throttled" "memory peak" "of 32M limit" "oom kills" "pids peak" "of 10 limit" "forks refused"; do
		case $err in *"$k"*) ;; *) fail "report lacks '$k': $err"; return ;; esac
	done
	pass
}

# The plain launch runs the child on its own small stack (CLONE_VM|CLONE_VFORK, like
# posix_spawn); execvp's /bin/sh fallback for a script without #! copies argv onto it.
test_script_without_shebang_and_100000_args_runs() {
	local d=/tmp/climit-test-noshebang.$$ out rc
	mkdir -p "$d" && printf 'echo "$# $1 ${100000}"\n' >"$d/count" && chmod 755 "$d/count"
	out=$(PATH="$d:$PATH" "$CLIMIT" -- count $(seq 1 100000) 2>&1); rc=$?
	rm -rf "$d"
	expect_eq "exit" 0 "$rc" || return
	expect_eq "output" "100000 1 100000" "$out" && pass
}

# The parent's environment is what the child starts from, and the child's changes stay its own.
test_launch_passes_the_environment_and_working_directory() {
	local out
	out=$(cd /tmp && CLIMIT_TEST_VAR=x42 "$CLIMIT" -- sh -c 'echo "$CLIMIT_TEST_VAR $(pwd)"' 2>&1)
	expect_eq "env and cwd" "x42 /tmp" "$out" && pass
}

# --report-file FILE appends the JSON report, one line per run, also from runs at the same time
# (one write under flock); --report still goes to stderr, and a run that never started adds no
# line (and leaves no file it made).
test_report_file_appends_a_json_line_per_run_also_concurrently() {
	local d; d=$(mktemp -d /tmp/climit-test-repfile.XXXXXX)
	local i pids=()
	for i in $(seq 1 12); do
		"$CLIMIT" --name climit-test-repf$i --mem 32M --report-file "$d/r.jsonl" -- sh -c "exit $i" 2>/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait_bounded "$i" 20 >/dev/null; done
	local n ok codes
	n=$(wc -l <"$d/r.jsonl"); ok=$(jq -c . "$d/r.jsonl" 2>/dev/null | wc -l)
	codes=$(jq -r .exit_status "$d/r.jsonl" | sort -n | tr '\n' ' ')
	local err; err=$("$CLIMIT" --report=json --report-file "$d/r.jsonl" -- true 2>&1 >/dev/null)
	"$CLIMIT" --report-file "$d/new.jsonl" -- /nonexistent/cmd 2>/dev/null
	local left; left=$(ls "$d")
	local last; last=$(tail -1 "$d/r.jsonl")
	rm -rf "$d"
	expect_eq "lines" 12 "$n" || return
	expect_eq "valid JSON lines" 12 "$ok" || return
	expect_eq "exit statuses" "1 2 3 4 5 6 7 8 9 10 11 12 " "$codes" || return
	[ "$(jq -c 'del(.wall_sec, .cpu_user_sec, .cpu_system_sec, .cpu_usage_sec, .name, .memory_peak_bytes, .pids_peak, .io_read_bytes, .io_write_bytes, .io_read_ops, .io_write_ops, .io_wait_sec)' <<<"$err")" = \
	  "$(jq -c 'del(.wall_sec, .cpu_user_sec, .cpu_system_sec, .cpu_usage_sec, .name, .memory_peak_bytes, .pids_peak, .io_read_bytes, .io_write_bytes, .io_read_ops, .io_write_ops, .io_wait_sec)' <<<"$last")" ] ||
		{ fail "stderr and file differ: $err / $last"; return; }
	expect_eq "files" "r.jsonl" "$left" && pass
}
