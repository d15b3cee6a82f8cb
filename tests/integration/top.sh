# climit top / ls / stats against real containers (tmux helpers: tests/lib.sh).

test_top_shows_a_running_container_with_its_limits() {
	"$CLIMIT" --name climit-test-show --mem 64M --pids 30 --cpu 40% -- sleep 30 &
	local pid=$!
	top_start -d 0.3
	if wait_for 10 screen_has climit-test-show; then
		local row; row=$(screen | grep climit-test-show)
		[[ $row == *" 30 "* && $row == *"64M"* && $row == *" 40 "* ]] && pass || fail "row: $row"
	else
		fail "not shown: $(screen)"
	fi
	top_stop; stop_bg "$pid"
}

test_top_shows_oom_kills_as_they_happen() {
	# A long delay (120 s): only the event can make the kills appear within the 30 s below. The
	# wait is generous because three hogs in an emulated guest under load took over 4 s (CI).
	top_start -d 120
	sleep 1
	local t0; t0=$(date +%s%N)
	"$CLIMIT" --name climit-test-topoom --mem 32M -- sh -c "for i in 1 2 3; do $H/hog; done; sleep 60" 2>/dev/null &
	local pid=$!
	if wait_for 30 screen_has "climit-test-topoom: OOM kill #3"; then
		echo "  third OOM kill shown after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
		local hdr row pos oom
		hdr=$(screen | grep -E '^NAME '); row=$(screen | grep -E '^climit-test-topoom ')
		hdr=${hdr%%OOM*}; pos=${#hdr} # the column ends under the title (right-aligned, width 5)
		oom=$(LANG=C.UTF-8 bash -c 'r=$1; echo ${r:$2-2:5}' _ "$row" "$pos" | tr -d ' ')
		expect_eq "OOM column" 3 "$oom" && pass
	else
		fail "no third OOM kill shown within 30 s (delay 120 s): $(screen | tr '\n' '|')"
	fi
	top_stop; stop_bg "$pid"
}

# Limits changed by another tool (cgset, systemctl, echo) are noticed through inotify on the
# limit files: with a 60 s refresh they show within the 15 s allowed (an emulated guest under load
# is slow), not on some later periodic re-read.
test_top_shows_limits_changed_by_another_tool_at_once() {
	"$CLIMIT" --name climit-test-ext --mem 64M --pids 30 -- sleep 120 &
	local pid=$! row freeze
	top_start -d 60
	if ! wait_for 10 screen_has climit-test-ext; then
		fail "not shown: $(screen)"; top_stop; stop_bg "$pid"; return
	fi
	sleep 0.5
	echo 77 >"$(cg_dir pids climit/climit-test-ext)/pids.max"
	if [ "$CG_MODE" = v2 ]; then echo 96M >"$(cg_dir memory climit/climit-test-ext)/memory.max"
	else # memsw (climit caps swap) must stay >= the memory limit: raise it first
		echo 96M >"$(cg_dir memory climit/climit-test-ext)/memory.memsw.limit_in_bytes"
		echo 96M >"$(cg_dir memory climit/climit-test-ext)/memory.limit_in_bytes"
	fi
	if ! wait_for 15 eval 'row=$(screen | grep climit-test-ext); [[ $row == *" 77 "* && $row == *96M* ]]'; then
		fail "new limits not shown within 15 s (refresh 60 s): $(screen | grep climit-test-ext)"
		top_stop; stop_bg "$pid"; return
	fi
	if [ "$CG_MODE" = v2 ]; then freeze="$(cg_dir memory climit/climit-test-ext)/cgroup.freeze"; echo 1 >"$freeze"
	else freeze="$(cg_dir freezer climit/climit-test-ext)/freezer.state"; echo FROZEN >"$freeze"; fi
	if wait_for 15 eval 'screen | grep climit-test-ext | grep -q frozen'; then pass
	else fail "freezing not shown within 15 s (refresh 60 s): $(screen | grep climit-test-ext)"; fi
	if [ "$CG_MODE" = v2 ]; then echo 0 >"$freeze"; else echo THAWED >"$freeze"; fi
	top_stop; stop_bg "$pid"
}

test_top_shows_a_forkbomb_at_its_pids_limit_with_refused_forks_rising() {
	"$CLIMIT" --name climit-test-topbomb --pids 30 --cpu 50% --timeout 20 -- "$H/forkloop" &
	local pid=$!
	top_start -d 0.5
	local r1 r2
	wait_for 10 screen_has climit-test-topbomb || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	sleep 1.5; r1=$(screen | grep -E '^climit-test-topbomb ')
	sleep 1.5; r2=$(screen | grep -E '^climit-test-topbomb ')
	top_stop; stop_bg "$pid"
	local p1 f1 f2; p1=$(awk '{print $3}' <<<"$r1"); f1=$(awk '{print $5}' <<<"$r1"); f2=$(awk '{print $5}' <<<"$r2")
	echo "  forkbomb row: pids $p1, refused $f1 -> $f2"
	expect_eq "pids at the limit" 30 "$p1" || return
	[ "$f2" -gt "$f1" ] && [ "$f1" -gt 0 ] && pass || fail "refused not rising: $f1 -> $f2"
}


test_top_k_kills_a_container_after_confirmation() {
	"$CLIMIT" --name climit-test-victim -- sleep 300 &
	local pid=$!
	top_start -d 0.3
	wait_for 10 screen_has climit-test-victim || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	_select climit-test-victim
	# n (or anything but y) keeps it.
	tm send-keys -t t k
	wait_for 3 screen_has "(y/N)" || { fail "no confirmation asked: $(screen)"; top_stop; stop_bg "$pid"; return; }
	tm send-keys -t t n Enter; sleep 1
	kill -0 "$pid" 2>/dev/null && group_exists climit-test-victim || { fail "n killed it"; top_stop; stop_bg "$pid"; return; }
	tm send-keys -t t k
	wait_for 3 screen_has "(y/N)" || { fail "no confirmation asked: $(screen)"; top_stop; stop_bg "$pid"; return; }
	tm send-keys -t t y Enter
	local rc; wait_bounded "$pid" 10; rc=$?
	top_stop
	expect_eq "climit's exit (its workload was SIGKILLed)" 137 "$rc" && pass
}

test_top_changes_limits_live_and_freezes() {
	"$CLIMIT" --name climit-test-live2 --mem 64M --pids 30 --cpu 40% -- sleep 300 &
	local pid=$!
	top_start -d 0.3
	wait_for 10 screen_has climit-test-live2 || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	_select climit-test-live2
	tm send-keys -t t p; sleep 0.3; tm send-keys -t t 45 Enter; sleep 0.4
	tm send-keys -t t m; sleep 0.3; tm send-keys -t t 100M Enter; sleep 0.4
	tm send-keys -t t c; sleep 0.3; tm send-keys -t t 20% Enter; sleep 0.4
	tm send-keys -t t f; sleep 0.6
	local d m c pids mem cpu frozen thawed
	d=$(cg_dir pids climit/climit-test-live2); m=$(cg_dir memory climit/climit-test-live2); c=$(cg_dir cpu climit/climit-test-live2)
	pids=$(cat "$d/pids.max")
	if [ "$CG_MODE" = v2 ]; then
		mem=$(cat "$m/memory.max"); cpu=$(cut -d' ' -f1 "$c/cpu.max"); frozen=$(cat "$d/cgroup.freeze")
	else
		mem=$(cat "$m/memory.limit_in_bytes"); cpu=$(cat "$c/cpu.cfs_quota_us")
		frozen=$(cat "$(cg_dir freezer climit/climit-test-live2)/freezer.state")
	fi
	tm send-keys -t t f; sleep 0.6
	if [ "$CG_MODE" = v2 ]; then thawed=$(cat "$d/cgroup.freeze"); else thawed=$(cat "$(cg_dir freezer climit/climit-test-live2)/freezer.state"); fi
	top_stop; stop_bg "$pid"
	expect_eq "pids.max" 45 "$pids" || return
	expect_eq "memory limit" 104857600 "$mem" || return
	expect_eq "cpu quota" 20000 "$cpu" || return
	case "$frozen/$thawed" in 1/0|FROZEN/THAWED) pass ;; *) fail "freeze/thaw: $frozen/$thawed" ;; esac
}

test_top_redraws_at_20x5_and_back() {
	"$CLIMIT" --name climit-test-size -- sleep 30 &
	local pid=$!
	top_start -d 0.3
	wait_for 10 screen_has climit-test-size || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	tm resize-window -t t -x 20 -y 5; sleep 0.8
	local small; small=$(screen)
	tm resize-window -t t -x 100 -y 30; sleep 0.8
	local big; big=$(screen)
	top_stop; stop_bg "$pid"
	# The pane cannot show more than 20 columns, so check the layout instead: top must have
	# re-laid itself out for 20x5 (the header cut at 20, only the NAME column, the row, the key
	# line), not drawn 100-column lines that the terminal wraps into the next ones.
	local s1 s2 s3 s5 b1
	s1=$(sed -n 1p <<<"$small"); s2=$(sed -n 2p <<<"$small"); s3=$(sed -n 3p <<<"$small"); s5=$(sed -n 5p <<<"$small")
	b1=$(sed -n 1p <<<"$big")
	expect_eq "20x5 header: the first 20 columns of the full one" "${b1:0:20}" "$s1" || return
	expect_eq "20x5 columns" NAME "$(sed 's/ *$//' <<<"$s2")" || return
	[[ $s3 == climit-test-siz* && $s5 == "q quit"* ]] || { fail "20x5 rows: $small"; return; }
	grep -q "NAME .*STATE .*PIDS" <<<"$big" && grep -q climit-test-size <<<"$big" && pass || fail "not redrawn: $big"
}

# Run top in an interactive shell inside tmux, end it with KEYS or SIGNAL, check the tty modes.
_restores_terminal() { # how: q | TERM
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "bash --norc --noprofile"
	sleep 0.3
	tm send-keys -t t "TERM=xterm-256color $CLIMIT top -d 0.3" Enter
	wait_for 10 screen_has "climit top" || { fail "top did not start"; top_stop; return 1; }
	if [ "$1" = q ]; then
		tm send-keys -t t q
	else
		pkill -TERM -f "^$CLIMIT top -d 0.3" || true
	fi
	sleep 0.8
	tm send-keys -t t "clear; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo END" Enter
	wait_for 5 screen_has END || { fail "shell did not come back: $(screen)"; top_stop; return 1; }
	local modes; modes=$(screen | grep -E 'icanon|echo' | grep -v stty)
	top_stop
	[[ $modes == *"icanon echo"* ]] && pass || fail "terminal modes after top: $modes"
}

test_top_quit_restores_the_terminal() { _restores_terminal q; }

# An interactive bash restores a foreground job's tty modes after it dies of a signal, so with
# SIGTERM top runs under a non-interactive sh, which then records the modes itself.
test_top_sigterm_restores_the_terminal() {
	local modes=/tmp/climit-test-modes.$$
	rm -f "$modes"
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "sh -c 'TERM=xterm-256color $CLIMIT top -d 0.3; stty -a >$modes; sleep 30'"
	wait_for 10 screen_has "climit top" || { fail "top did not start"; top_stop; return; }
	pkill -TERM -f "^$CLIMIT top -d 0.3" || true
	wait_for 5 test -s "$modes" || { fail "sh did not get the terminal back"; top_stop; return; }
	local got; got=$(tr ' ;' '\n\n' <"$modes" | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ')
	top_stop; rm -f "$modes"
	[[ $got == "icanon echo " ]] && pass || fail "terminal modes after SIGTERM: $got"
}

# A crash (SIGSEGV here) restores the terminal from the handler with async-signal-safe calls
# only (the saved modes, the saved leave-screen bytes): the modes are back, the screen is the
# main one again (tmux's alternate_on) and top died of the signal (sh sees 139).
test_top_crash_restores_the_terminal() {
	local modes=/tmp/climit-test-modes.$$
	rm -f "$modes"
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "sh -c 'TERM=xterm-256color $CLIMIT top -d 0.3; echo \$? >$modes.rc; stty -a >$modes; sleep 30'"
	wait_for 10 screen_has "climit top" || { fail "top did not start"; top_stop; return; }
	[ "$(tm display -p -t t '#{alternate_on}')" = 1 ] || { fail "top is not on the alternate screen"; top_stop; return; }
	pkill -SEGV -f "^$CLIMIT top -d 0.3" || true
	wait_for 5 test -s "$modes" || { fail "sh did not get the terminal back"; top_stop; return; }
	local got alt rc; got=$(tr ' ;' '\n\n' <"$modes" | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ')
	alt=$(tm display -p -t t '#{alternate_on} #{cursor_flag}'); rc=$(cat "$modes.rc")
	top_stop; rm -f "$modes" "$modes.rc"
	expect_eq "exit" 139 "$rc" || return
	expect_eq "alternate screen, cursor" "0 1" "$alt" || return
	[[ $got == "icanon echo " ]] && pass || fail "terminal modes after SIGSEGV: $got"
}

# A quit signal that comes between top's check of it and its wait (fault.so raises SIGTERM just
# before a wait of over a second) ends that wait: the quit signals are blocked except inside it
# (ppoll). Before, top slept out the whole refresh (-d 60) first.
test_top_quit_signal_just_before_the_wait_is_not_slept_through() {
	local modes=/tmp/climit-test-modes.$$
	rm -f "$modes"
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "sh -c 'CLIMIT_FAULT=quitwait LD_PRELOAD=$PWD/tests/helpers/fault.so TERM=xterm-256color $CLIMIT top -d 60; echo \$? >$modes; sleep 30'"
	wait_for 20 test -s "$modes"
	local rc; rc=$(cat "$modes" 2>/dev/null)
	pkill -KILL -f "^$CLIMIT top -d 60" || true
	top_stop; rm -f "$modes"
	expect_eq "top's exit after SIGTERM (within 20 s of a 60 s refresh)" 0 "$rc" && pass
}

# The terminal goes away (tmux's server killed: a hangup): top ends, it does not spin on the dead
# terminal. (With the quit signals blocked outside the wait, a SIGHUP that came while the
# hung-up input was ready stayed pending for ever: top spun at full speed, caught here.)
test_top_ends_when_its_terminal_hangs_up() {
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "TERM=xterm-256color $CLIMIT top -d 0.4; sleep 30"
	wait_for 10 screen_has "climit top" || { fail "top did not start"; top_stop; return; }
	local pid; pid=$(pgrep -f "^$CLIMIT top -d 0.4" | head -1)
	tm kill-server 2>/dev/null
	if wait_for 5 sh -c "! kill -0 $pid 2>/dev/null"; then
		pass
	else
		local cpu; cpu=$(ps -o %cpu= -p "$pid")
		kill -KILL "$pid" 2>/dev/null
		fail "top still running 5 s after the hangup (cpu ${cpu}%)"
	fi
}

test_top_without_term_falls_back_to_batch() {
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "env -u TERM $CLIMIT top -n 1 2>&1; sleep 30"
	wait_for 10 screen_has "TERM is not set; showing batch output" && screen_has "NAME" && pass || fail "$(screen)"
	top_stop
}

test_top_batch_and_json_with_real_workloads() {
	"$CLIMIT" --name climit-test-json --mem 48M --pids 25 --cpu 30% -- "$H/burn" 1 &
	local pid=$!
	wait_for 10 group_exists climit-test-json
	local batch json
	batch=$("$CLIMIT" top -n 2 -d 0.5 | cat) # not a tty: batch chosen automatically
	json=$("$CLIMIT" top --json -n 2 -d 0.5)
	stop_bg "$pid"
	grep -q '^climit top .*cgroup' <<<"$batch" && grep -qE '^climit-test-json +running +1 +25 ' <<<"$batch" ||
		{ fail "batch: $batch"; return; }
	local g; g=$(tail -1 <<<"$json" | jq -c '.groups[] | select(.name == "climit-test-json")') || { fail "invalid JSON: $json"; return; }
	expect_eq "limits" "25 50331648 30" "$(jq -r '"\(.pids_limit) \(.memory_limit_bytes) \(.cpu_limit_percent | floor)"' <<<"$g")" || return
	jq -e '.cpu_percent > 15 and .cpu_percent < 45' <<<"$g" >/dev/null && pass || fail "cpu_percent: $g"
}

test_stats_and_ls() {
	"$CLIMIT" --name climit-test-stats --pids 12 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-stats
	local s l
	s=$("$CLIMIT" stats climit-test-stats --json -d 0.2); l=$("$CLIMIT" ls)
	local miss rc; miss=$("$CLIMIT" stats climit-test-nope 2>&1); rc=$?
	stop_bg "$pid"
	expect_eq "stats pids_limit" 12 "$(jq .pids_limit <<<"$s")" || return
	grep -qE '^climit-test-stats +running +1 +12' <<<"$l" || { fail "ls: $l"; return; }
	expect_eq "missing" "125 climit: stats: \"climit-test-nope\": no such container under $TOP_PARENT" "$rc $miss" && pass
}

test_top_batch_survives_churn() {
	local i out rc
	( for i in $(seq 1 40); do "$CLIMIT" --name "climit-test-churn$i" -- sleep 0.05; done ) &
	local churn=$!
	out=$("$CLIMIT" top --batch -d 0.02 -n 100 2>&1); rc=$?
	wait "$churn"
	expect_eq "exit" 0 "$rc" || return
	grep -q "climit: " <<<"$out" && { fail "errors: $(grep 'climit: ' <<<"$out" | head -3)"; return; }
	# Groups came and went under it: at least a few were seen, each row well-formed.
	local seen; seen=$(grep -oE '^climit-test-churn[0-9]+ +(running|frozen)' <<<"$out" | awk '{print $1}' | sort -u | wc -l)
	[ "$seen" -ge 3 ] && pass || fail "only $seen churn groups seen in 100 frames"
}

test_hostile_group_names_are_escaped() {
	# Where top looks: climit/NAME, or under systemd a scope holding NAME.
	local d; d=$(cg_dir memory climit)
	[ "$PLACEMENT" = systemd ] && d=$(cg_dir memory "$SD_SLICE/climit-test-hostile.scope")
	# cgroupfs refuses '\n' in names; escape sequences and invalid UTF-8 it takes.
	local evil=$'climit-test-\e[31mred\xff'
	mkdir -p "$d/$evil" || { fail "cannot make the hostile group"; return; }
	local out; out=$("$CLIMIT" top --batch -n 1; "$CLIMIT" ls)
	rmdir "$d/$evil"; [ "$PLACEMENT" = systemd ] && rmdir "$d"
	if grep -q $'\e' <<<"$out"; then fail "raw ESC in output"; return; fi
	grep -qF 'climit-test-\x1b[31mred\xff' <<<"$out" && pass || fail "not escaped: $(grep climit-test- <<<"$out")"
}

# Groups created, OOM-killed and removed between two refreshes never show in a counter; top
# still logs them (from /dev/kmsg), named, within the 5 s refresh interval.
test_top_logs_oom_kills_of_groups_that_are_already_gone() {
	# A normal user cannot open it where kernel.dmesg_restrict is 1 (Debian's default).
	{ : </dev/kmsg; } 2>/dev/null || { skip "/dev/kmsg cannot be opened by $(id -un) (kernel.dmesg_restrict)"; return; }
	local out; out=$(mktemp /tmp/climit-test-topjson.XXXXXX)
	"$CLIMIT" top --json -d 5 >"$out" &
	local top=$! i
	sleep 0.5
	for i in 1 2 3; do "$CLIMIT" --name "climit-test-gone$i" --mem 32M -- "$H/hog" 2>/dev/null; done
	sleep 0.5
	stop_bg "$top"
	local got; got=$(jq -r '.events[] | select(.kind == "oom_kill") | .group' "$out" | grep -c '^climit-test-gone[123]$')
	rm -f "$out"
	expect_eq "OOM kills logged for vanished groups" 3 "$got" && pass
}

# The help screen is drawn from the key table the code binds; climit-top(1)'s KEYS list must
# be the same entries, in the same order, each man text starting with the help's.
test_top_help_and_man_page_list_the_same_keys() {
	"$CLIMIT" --name climit-test-keys -- sleep 30 &
	local pid=$!
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 120 -y 40 "TERM=xterm-256color LANG=C.UTF-8 $CLIMIT top -d 0.5; sleep 30"
	wait_for 20 screen_has climit-test-keys || { fail "not shown"; top_stop; stop_bg "$pid"; return; }
	tm send-keys -t t '?'
	wait_for 5 screen_has "climit top - keys" || { fail "no help: $(screen)"; top_stop; stop_bg "$pid"; return; }
	local help; help=$(screen | awk '/climit top - keys/ { on = 1; next } on && /^  [^ ]/ { k = substr($0, 3, 14); sub(/ +$/, "", k); t = substr($0, 18); print k "|" t }')
	# Any key leaves the help, and j then K moves down and back up (k would ask to kill).
	tm send-keys -t t j; sleep 0.3
	local after; after=$(screen)
	top_stop; stop_bg "$pid"
	local man; man=$(awk '/^\.Sh KEYS/ { on = 1 } on && /^\.El/ { exit } on && /^\.It / { if (k != "") print k "|" t; k = substr($0, 5); t = ""; next }
		on && k != "" && !/^\./ { t = t (t == "" ? "" : " ") $0 } END { if (k != "") print k "|" t }' man/climit-top.1)
	[ "$(wc -l <<<"$help")" -ge 10 ] || { fail "help lines: $help"; return; }
	expect_eq "keys in the help and in climit-top(1)" "$(cut -d'|' -f1 <<<"$man")" "$(cut -d'|' -f1 <<<"$help")" || return
	local bad="" hk ht mt
	while IFS='|' read -r hk ht; do
		mt=$(grep -F -- "$hk|" <<<"$man" | head -1 | cut -d'|' -f2-)
		[[ $mt == "$ht"* ]] || bad+=" [$hk: help '$ht' / man '$mt']"
	done <<<"$help"
	[ -z "$bad" ] || { fail "texts differ:$bad"; return; }
	grep -q "climit top - keys" <<<"$after" && { fail "a key did not leave the help"; return; }
	pass
}

# The palette (capture-pane -e keeps the SGR codes): a memory meter near its limit is red and
# one far from it green, a throttled group's THR% yellow, an idle row dim, a pids-limit hit
# makes its row red until it is selected; with NO_COLOR no colour code at all.
test_top_colours_say_what_matters_and_no_color_turns_them_off() {
	"$CLIMIT" --name climit-test-colnear --mem 32M -- "$H/hog" 30 &
	local p1=$!
	"$CLIMIT" --name climit-test-colfar --mem 256M -- "$H/hog" 100 &
	local p2=$!
	"$CLIMIT" --name climit-test-colthr --cpu 10% -- "$H/burn" 1 &
	local p3=$!
	"$CLIMIT" --name climit-test-colidle -- sleep 60 &
	local p4=$!
	"$CLIMIT" --name climit-test-colbomb --pids 3 -- "$H/forkloop" &
	local p5=$!
	local usage; usage=memory.$([ "$CG_MODE" = v2 ] && echo current || echo usage_in_bytes)
	wait_for 10 sh -c "[ \$(cat $(cg_dir memory climit/climit-test-colnear)/$usage) -gt $((29 << 20)) ]"
	# (40% of its limit: the meter has blocks to colour, at any width.)
	wait_for 10 sh -c "[ \$(cat $(cg_dir memory climit/climit-test-colfar)/$usage) -gt $((99 << 20)) ]"
	local shot plain row bad=""
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 160 -y 20 "TERM=xterm-256color LANG=C.UTF-8 $CLIMIT top -d 0.3; sleep 30"
	wait_for 20 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q climit-test-colbomb" || bad+=" not-shown"
	# Rates need a few refreshes (under TCG more): take shots until every row says what it
	# should, for at most 20 s; the last shot is judged.
	local end=$(($(date +%s) + 20))
	row() { grep -F "$1" <<<"$shot" | head -1; }
	while :; do
		shot=$(tm capture-pane -e -p -t t)
		[[ $(row climit-test-colnear) == *$'\e[31m'* && $(row climit-test-colfar) == *$'\e[32m'* &&
			$(row climit-test-colthr) == *$'\e[33m'* && $(row climit-test-colidle) == *$'\e[2m'* ]] && break
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.5
	done
	tm kill-server 2>/dev/null
	# A server of its own: the first one may still be going away.
	local nc=$TMUX_SOCK-nc
	tmux -L "$nc" new-session -d -s t -x 160 -y 20 "NO_COLOR=1 TERM=xterm-256color LANG=C.UTF-8 $CLIMIT top -d 0.3; sleep 30"
	wait_for 20 sh -c "tmux -L $nc capture-pane -p -t t | grep -q climit-test-colbomb"
	sleep 1
	plain=$(tmux -L "$nc" capture-pane -e -p -t t)
	tmux -L "$nc" kill-server 2>/dev/null
	# A monochrome terminal (vt100 has no colours): bold for the alert, no colour codes.
	local mono=$TMUX_SOCK-mono vt
	tmux -L "$mono" new-session -d -s t -x 160 -y 20 "TERM=vt100 LANG=C.UTF-8 $CLIMIT top -d 0.3; sleep 30"
	wait_for 20 sh -c "tmux -L $mono capture-pane -p -t t | grep -q climit-test-colbomb"
	sleep 1
	vt=$(tmux -L "$mono" capture-pane -e -p -t t)
	tmux -L "$mono" kill-server 2>/dev/null
	stop_bg "$p1" "$p2" "$p3" "$p4" "$p5"
	# SGR 31/32/33: red, green, yellow foreground; 2: dim.
	[[ $(row climit-test-colnear) == *$'\e[31m'* ]] || bad+=" near-not-red"
	[[ $(row climit-test-colfar) == *$'\e[32m'* ]] || bad+=" far-not-green"
	[[ $(row climit-test-colthr) == *$'\e[33m'* ]] || bad+=" thr-not-yellow"
	[[ $(row climit-test-colidle) == *$'\e[2m'* ]] || bad+=" idle-not-dim"
	[[ $(row climit-test-colbomb) == *$'\e[1;31m'* || $(row climit-test-colbomb) == *$'\e[31;1m'* ||
		$(row climit-test-colbomb) == *$'\e[1m'*$'\e[31m'* ]] || bad+=" bomb-not-red"
	grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48)[;m]' <<<"$plain" && bad+=" colour-with-NO_COLOR"
	grep -qF climit-test-colbomb <<<"$plain" || bad+=" NO_COLOR-frame-empty"
	grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48)[;m]' <<<"$vt" && bad+=" colour-on-vt100"
	[[ $(grep -F climit-test-colbomb <<<"$vt" | head -1) == *$'\e[1m'* || $(grep -F climit-test-colbomb <<<"$vt" | head -1) == *$'\e[1;'* ]] || bad+=" vt100-alert-not-bold"
	[ -z "$bad" ] && pass || { fail "palette:$bad"; printf '%s\n' "$shot" | cat -v | head -12; }
}
