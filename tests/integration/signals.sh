# climit run: signals are forwarded once; a second SIGINT or the main process's death kills all.

# Start climit in the background running SCRIPT; sets CL_PID and waits until the workload is up.
_start() { # NAME SCRIPT
	rm -f /tmp/climit-test-ready.$$
	# Background jobs of a non-interactive shell start with SIGINT/SIGQUIT ignored, and bash
	# cannot trap a signal ignored on entry: give the workload default dispositions.
	env --default-signal=INT,QUIT "$CLIMIT" --name "$1" -- bash -c "$2" &
	CL_PID=$!
	wait_for 10 test -e /tmp/climit-test-ready.$$
}

test_sigterm_is_forwarded_exactly_once() {
	local out=/tmp/climit-test-term.$$ rc
	# The workload counts every TERM for 1-2 s after the first one before it exits: a second
	# delivery (a repeated forward) is recorded, not hidden by an exit.
	_start climit-test-term "trap 'echo TERM >>$out; [ -n \"\$end\" ] || end=\$((SECONDS + 2))' TERM; touch /tmp/climit-test-ready.$$;
		while [ -z \"\$end\" ] || [ \$SECONDS -lt \$end ]; do sleep 0.05; done; exit 42" || { stop_bg "$CL_PID"; fail "did not start"; return; }
	kill -TERM "$CL_PID"
	wait_bounded "$CL_PID" 20; rc=$?
	expect_eq "exit" 42 "$rc" || return
	expect_eq "deliveries" 1 "$(grep -c TERM "$out")" || return
	rm -f "$out" /tmp/climit-test-ready.$$
	pass
}

test_usr1_hup_quit_are_forwarded() {
	local out=/tmp/climit-test-usr.$$ rc
	_start climit-test-usr "trap 'echo USR1 >>$out' USR1; trap 'echo HUP >>$out' HUP; trap 'echo QUIT >>$out; exit 7' QUIT; touch /tmp/climit-test-ready.$$; while :; do sleep 0.05; done" || { stop_bg "$CL_PID"; fail "did not start"; return; }
	kill -USR1 "$CL_PID"; sleep 0.3; kill -HUP "$CL_PID"; sleep 0.3; kill -QUIT "$CL_PID"
	wait_bounded "$CL_PID" 20; rc=$?
	expect_eq "exit" 7 "$rc" || return
	expect_eq "received" "USR1 HUP QUIT" "$(tr '\n' ' ' <"$out" | sed 's/ $//')" || return
	rm -f "$out" /tmp/climit-test-ready.$$
	pass
}

test_second_sigint_kills_everything_and_exits_130() {
	local rc
	_start climit-test-int "trap '' INT; sleep 300 & touch /tmp/climit-test-ready.$$; while :; do sleep 0.05; done" || { stop_bg "$CL_PID"; fail "did not start"; return; }
	kill -INT "$CL_PID"; sleep 0.3
	kill -0 "$CL_PID" 2>/dev/null || { wait "$CL_PID"; fail "first SIGINT already ended climit"; return; }
	kill -INT "$CL_PID"
	wait_bounded "$CL_PID" 20; rc=$?
	expect_eq "exit" 130 "$rc" || return
	[ -z "$(cg_leftovers climit-test-int)" ] || { fail "group left"; return; }
	rm -f /tmp/climit-test-ready.$$
	pass
}

test_strays_are_killed_and_do_not_hold_stdout() {
	local marker=climit-test-stray-$$ out rc
	# Both strays keep the pipe to `cat` open: without the kill, cat would wait for them. Both
	# sides are bounded, and both statuses are checked (not just cat's, the pipeline's).
	local sts t0=$(date +%s%N) ms
	out=$(timeout -s KILL 20 "$CLIMIT" -- bash -c "setsid bash -c 'exec -a $marker sleep 300' & (exec -a $marker sleep 301 &); echo done" |
		timeout 10 cat; echo "status ${PIPESTATUS[*]}")
	ms=$((($(date +%s%N) - t0) / 1000000))
	sts=$(tail -1 <<<"$out"); out=$(sed '$d' <<<"$out")
	expect_eq "climit and cat (124: cat hung on the strays' pipe)" "status 0 0" "$sts" || { pkill -f "$marker"; return; }
	[ "$ms" -lt 8000 ] || { fail "took $ms ms"; pkill -f "$marker"; return; }
	expect_eq "output" done "$out" || return
	if pgrep -f "$marker" >/dev/null; then fail "strays alive: $(pgrep -af "$marker")"; return; fi
	pass
}
