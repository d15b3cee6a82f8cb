#!/usr/bin/env bash
# Runs every test: C unit tests, then the integration suites as root on this host's cgroups.
# Ends with the line "N passed, N failed, N skipped". Exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
# Every FAIL line, again just before the summary: a CI log cut to its tail still names them.
FAILS=""
note_fails() { # LABEL TEXT...: keeps the FAIL lines of TEXT
	local l
	# (A here-string, not <(...): the busybox guest has no /dev/fd.)
	while IFS= read -r l; do [ -n "$l" ] && FAILS+="$1$l"$'\n'; done <<<"$(printf '%s\n' "$2" | grep -E '^FAIL' || true)"
}
# Tests that run as the normal user too (besides every test_user_*): what a user's climit does
# differently from root's (placement in the user manager's delegated scope, records in
# $XDG_RUNTIME_DIR, no /dev/kmsg, a user namespace for isolation, permissions on everything it
# touches), each path once: limits and their figures, the launch and its exit codes, signals,
# the dashboard and stats, gc, set/freeze/kill, doctor, the recorder, isolation.
USER_SUITE='fit_(memory|pids)|sweep_table|record_staircase|record_survives|exit_codes_0|killed_by|command_not|timeout_kills|report_text|memory_hog_is|c_fork|cpu_quota_half|sigterm_is|second_sigint|strays|prometheus_endpoint|top_(shows_a_running|batch_and|k_kills_a)|stats_and_ls|limits_are_written|swap_option|mem_high|zz_|isolate_(behaves|escape|cleans|init_reaps|limits_are|user_namespace)|no_init|sigkilled|cpu_quota_is_lifted|subgroups_made|gc_removes_the_(group|sub)|a_new_run|set_lowers|freeze_thaw_kill|kill_without|doctor_checks|dry_run'
# ...minus what only repeats the root pass at a high cost under TCG.
USER_SKIP='behind_2000_groups'
# What does not depend on the kernel's cgroups or on systemd (the documentation, option parsing
# and help, file conversions and charts, the terminal handling of the dashboard, shell
# completion, the HTTP server's behaviour under load): the host runs it, the guests do not
# (under TCG each of these costs 5-40 s, and make check has a budget).
HOST_ONLY='readme_fit_and_sweep|demo_tells|make_names_missing|fit_samples_peaks|every_fit_and_sweep|fit_cpu_answer|fit_sigint|layout_|planted_|plot_runs_nothing|man_pages|record_keeps_what|export_and_plot_outputs|every_(run|top|recording)_option|ci_runs|json_report_is_valid|make_install|json_fields_and_metrics|bad_input_gives|options_after|run_subcommand|help_and_version|bash_completion|zsh_completion|prometheus_(bad_address|idle_clients|50_concurrent|file_is)|export_openmetrics|plot_draws|record_export_plot_bad|replay_in_tmux|report_draws_sparklines|top_(redraws|quit_restores|sigterm_restores|without_term|help_and|colours)|json_keeps_utf8|hostile_group_names|set_bad_input|isolate_bad_paths|seccomp_bad_input'
# The systemd guest's root pass runs what a systemd scope (instead of a cgroupfs directory)
# changes: creating, limiting, watching, signalling, collecting and removing a group through
# systemd, and what reads the group back (top, stats, the report, the recorder, doctor). The
# busybox guest's root pass has just run the whole suite on the same kernel.
SYSTEMD_ROOT_SUITE='fit_(memory|pids|emit_systemd)|sweep_table|placement|limits_are_written|memory_hog_is_oom|c_fork_loop|cpu_quota_half|swap_option|cpus_pins|mem_high|version_specific|exit_codes_0|killed_by_signal|timeout_kills|report_text|sigterm_is|second_sigint|strays|gc_|a_new_run|a_name_in|set_lowers|freeze_thaw_kill|run_pid_(moves|group)|attach_moves|subgroups|top_(shows_a_running|shows_oom|k_kills_a|changes_limits|batch_and_json|logs_oom)|stats_and_ls|all_cgroups_in_top|the_parent_group|missing_controller|cpu_quota_is_lifted|oom_victim_named|sigkilled_climit|isolate_(behaves|limits_are|cleans_up|user_namespace)|seccomp_(isolate_denies|refusals_are)|io_(write_bps|top_shows)|doctor|dry_run|record_(staircase|survives|notes)|top_record|prometheus_endpoint|zz_'

# The guest runs only the integration suite: the unit tests are the host's (same binary).
if [ -z "${CLIMIT_IN_GUEST:-}" ]; then
echo "== unit tests"
unit_out=$(./tests/unit/test_units 2>&1); unit_rc=$?
printf '%s\n' "$unit_out" | grep -E '^(FAIL|SKIP)' || true
up=$(printf '%s\n' "$unit_out" | grep -c '^PASS')
uf=$(printf '%s\n' "$unit_out" | grep -c '^FAIL')
us=$(printf '%s\n' "$unit_out" | grep -c '^SKIP')
[ "$unit_rc" -eq 0 ] || [ "$uf" -gt 0 ] || uf=1
note_fails "" "$unit_out"
echo "unit: $up passed, $uf failed"
T_PASSED=$((T_PASSED + up)); T_FAILED=$((T_FAILED + uf)); T_SKIPPED=$((T_SKIPPED + us))
# The same under AddressSanitizer + UBSan (make check builds it; a report fails the run).
if [ -x tests/unit/test_units-asan ]; then
	echo "== unit tests under ASan+UBSan"
	asan_out=$(ASAN_OPTIONS=detect_leaks=1 ./tests/unit/test_units-asan 2>&1); asan_rc=$?
	ap=$(printf '%s\n' "$asan_out" | grep -c '^PASS')
	af=$(printf '%s\n' "$asan_out" | grep -c '^FAIL')
	if [ "$asan_rc" != 0 ] && [ "$af" = 0 ]; then
		printf '%s\n' "$asan_out" | grep -A20 -E 'ERROR: (Address|Leak)Sanitizer|runtime error' | head -30
		af=1
	fi
	printf '%s\n' "$asan_out" | grep '^FAIL' || true
	note_fails "asan: " "$asan_out"
	[ "$af" -gt 0 ] && [ -z "$(printf '%s\n' "$asan_out" | grep '^FAIL')" ] && FAILS+="FAIL unit tests under ASan: a sanitizer report"$'\n'
	echo "unit (asan): $ap passed, $af failed"
	T_PASSED=$((T_PASSED + ap)); T_FAILED=$((T_FAILED + af))
fi
fi

# As a normal user (the systemd guest's second pass) the tests that need nothing of root's run;
# the rest (isolation with --uid, make install, fixed cgroupfs paths...) run in the root passes.
if [ "$(id -u)" != 0 ] && [ -z "${CLIMIT_IN_GUEST:-}" ]; then
	echo "SKIP integration: needs root, or the systemd guest's normal user"; T_SKIPPED=$((T_SKIPPED + 1))
else
	if [ "$(id -u)" = 0 ]; then select='^test_' skip_re='^test_user_'
		[ "${CLIMIT_IN_GUEST:-}" = systemd ] && select="^test_($SYSTEMD_ROOT_SUITE)"
	else select="^test_(user_|${USER_SUITE})" skip_re=$USER_SKIP; fi
	[ -n "${CLIMIT_IN_GUEST:-}" ] && skip_re="$skip_re|^test_($HOST_ONLY)"
	echo "== integration tests (cgroup mode: $CG_MODE, placement: $PLACEMENT, as $(id -un))"
	# CLIMIT_TEST_FILES=GLOB picks files (default all), CLIMIT_TESTS=REGEX picks tests.
	files=$(ls tests/integration/${CLIMIT_TEST_FILES:-*}.sh)
	for f in $files; do
		source "$f"
	done
	# Each test runs in a bash of its own under a time limit: a test that hangs fails alone,
	# named, and the suite goes on; a test cannot change the state the next one sees.
	limit=${CLIMIT_TEST_TIMEOUT:-300}
	out_file=$(mktemp /tmp/climit-test-out.XXXXXX) res_file=$(mktemp /tmp/climit-test-res.XXXXXX)
	run_tests() { # REGEX [LABEL]: the selected tests, each in a bash of its own
		local t rc p f s
		for t in $(declare -F | awk '{print $3}' | grep -E "$select" | grep -vE "$skip_re" | grep -E -- "$1" | sort); do
			T_CURRENT=$t${2:+ ($2)}
			local t0; t0=$(date +%s%N)
			timeout -k 5 "$limit" bash -c 'source tests/lib.sh; for f in $1; do source "$f"; done; T_CURRENT=$2; "$2"' \
				_ "$files" "$t" 9>"$res_file" 2>&1 </dev/null | sed "s/^\(PASS\|FAIL\|SKIP\) $t/&${2:+ ($2)}/" >"$out_file"
			rc=${PIPESTATUS[0]}
			TIMES+="$(( ($(date +%s%N) - t0) / 1000000 )) $T_CURRENT"$'\n'
			cat "$out_file"
			# Counted from fd 9's copy, one clean line per result.
			p=$(grep -c "^PASS $t\$" "$res_file"); f=$(grep -c "^FAIL $t: " "$res_file")
			s=$(grep -c "^SKIP $t: " "$res_file")
			T_PASSED=$((T_PASSED + p)); T_FAILED=$((T_FAILED + f)); T_SKIPPED=$((T_SKIPPED + s))
			note_fails "" "$(sed "s/^\(FAIL $t\)/\1${2:+ ($2)}/" "$res_file")"
			if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				fail "timed out after $limit s (killed)"
				FAILS+="FAIL $T_CURRENT: timed out after $limit s"$'\n'
			elif [ $((p + f + s)) = 0 ]; then
				fail "test recorded no result (exit $rc)"
				FAILS+="FAIL $T_CURRENT: recorded no result (exit $rc)"$'\n'
			fi
		done
	}
	TIMES=""
	run_tests "${CLIMIT_TESTS:-.}"
	# Where the time goes (the budget of make check): the slowest tests of this pass.
	echo "== slowest tests (ms), $(awk '{ s += $1 } END { printf "%d s", s / 1000 }' <<<"$TIMES") in all"
	grep . <<<"$TIMES" | sort -rn | head -12 | sed "s/^/  time /"
	# A fast slice again with climit built with ASan+UBSan (make check builds climit-asan): any
	# sanitizer report changes the output or the exit status, and the test fails. (Not the
	# LD_PRELOAD fault tests: ASan must be the first library loaded.)
	if [ -x ./climit-asan ] && [ -z "${CLIMIT_IN_GUEST:-}" ] && [ -z "${CLIMIT_NO_ASAN:-}" ]; then
		echo "== a slice of the integration tests with climit-asan"
		CLIMIT=$PWD/climit-asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
			run_tests "${CLIMIT_ASAN_TESTS:-fit_refuses|fit_pids_answer|sweep_table|set_lowers|set_bad|freeze_thaw|run_pid_moves|attach_moves|doctor_checks|dry_run|exit_codes|killed_by_signal|command_not_found|not_executable|report_text|json_report|bad_input|memory_hog_is_oom|c_fork_loop|sigterm_is|second_sigint|strays|gc_removes_the_group|stats_and_ls|top_batch_and_json|prometheus_endpoint|isolate_behaves|subgroups_made|json_keeps|limits_are_written|seccomp_isolate_denies|seccomp_docker_format|io_read_bps}" asan
	fi
	rm -f "$out_file" "$res_file"
fi
# The same integration suite on a real cgroup-v2 kernel (qemu guests), unless we are a guest:
# busybox as PID 1 (cgroupfs placement, root), and systemd as PID 1 with a logged-in normal
# user (the suite as root under systemd, then as the user: tests/vm/guest-systemd.sh). The two
# guests run at the same time, one TCG thread each, after the host's suite (whose CPU figures
# must not compete with them).
if [ -z "${CLIMIT_IN_GUEST:-}" ] && [ "$(id -u)" = 0 ] && [ "$CG_MODE" != v2 ] && [ -z "${CLIMIT_NO_VM:-}" ]; then
	vm_dir=$(mktemp -d /tmp/climit-vmruns.XXXXXX)
	kinds=${CLIMIT_VM_KINDS:-busybox systemd}
	for kind in $kinds; do
		( bash tests/vm/run-v2.sh "$kind" >"$vm_dir/$kind.out" 2>&1; echo $? >"$vm_dir/$kind.rc" ) &
	done
	wait
	for kind in $kinds; do
		label="v2 guest"; [ "$kind" = systemd ] && label="systemd guest"
		echo "== integration tests in a cgroup-v2 guest, $kind as PID 1 (qemu, tests/vm/run-v2.sh $kind)"
		vm_out=$(cat "$vm_dir/$kind.out"); vm_rc=$(cat "$vm_dir/$kind.rc")
		printf '%s\n' "$vm_out" | grep -vE '^PASS ' | sed "s/^/  $kind: /"
		last=$(printf '%s\n' "$vm_out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
		if [ -n "$last" ]; then
			read -r vp _ vf _ vs _ <<<"${last//,/}"
			echo "$label: $vp passed, $vf failed, ${vs:-0} skipped"
			note_fails "$kind: " "$vm_out"
			T_PASSED=$((T_PASSED + vp)); T_FAILED=$((T_FAILED + vf)); T_SKIPPED=$((T_SKIPPED + ${vs:-0}))
			[ "$vm_rc" = 0 ] || [ "$vf" -gt 0 ] || T_FAILED=$((T_FAILED + 1))
		else
			echo "FAIL $label: no result (did not boot or hung); output above"
			FAILS+="FAIL $label: no result"$'\n'
			T_FAILED=$((T_FAILED + 1))
		fi
	done
	rm -rf "$vm_dir"
fi
# (A guest leaves this to the host, which collects the guest's FAIL lines.)
if [ -n "$FAILS" ] && [ -z "${CLIMIT_IN_GUEST:-}" ]; then
	echo "== what failed"
	printf '%s' "$FAILS" | awk '!seen[$0]++' | cut -c1-300
fi
echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "$T_FAILED" -eq 0 ]
