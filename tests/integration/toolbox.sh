# Fitting the Linux toolbox: Prometheus metrics (HTTP and textfile), shell completion.
PROM_PORT=$((20000 + $$ % 20000))

test_prometheus_endpoint_serves_valid_metrics_for_a_real_container() {
	command -v curl >/dev/null || { fail "curl missing (make test-deps installs it)"; return; }
	"$CLIMIT" --name climit-test-prom --mem 64M --pids 20 --cpu 30% -- sh -c "$PWD/tests/helpers/burn & sleep 30" &
	local pid=$!
	wait_for 10 group_exists climit-test-prom || { fail "not started"; stop_bg "$pid"; return; }
	"$CLIMIT" top --prometheus=127.0.0.1:$PROM_PORT -d 0.2 &
	local top=$!
	local out="" i
	for i in $(seq 100); do out=$(curl -sf "http://127.0.0.1:$PROM_PORT/metrics") && [[ $out == *climit_memory_limit_bytes{container=\"climit-test-prom\"}* ]] && break; sleep 0.2; done
	local code; code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROM_PORT/nothing-here")
	stop_bg "$top" "$pid"
	expect_eq "climit_memory_limit_bytes" 67108864 "$(awk '/^climit_memory_limit_bytes\{container="climit-test-prom"\}/ {print $2}' <<<"$out")" || { echo "$out" | grep -v '^#' | head; return; }
	expect_eq "climit_pids_limit" 20 "$(awk '/^climit_pids_limit\{container="climit-test-prom"\}/ {print $2}' <<<"$out")" || return
	expect_eq "climit_cpu_limit_cpus" 0.3 "$(awk '/^climit_cpu_limit_cpus\{container="climit-test-prom"\}/ {print $2}' <<<"$out")" || return
	expect_eq "unknown path" 404 "$code" || return
	command -v promtool >/dev/null || { fail "promtool missing (make test-deps installs prometheus)"; return; }
	local lint; lint=$(promtool check metrics <<<"$out" 2>&1) && pass || fail "promtool: $lint"
}

# The longest gap between two consecutive --json frames of FILE, in ms.
_max_frame_gap_ms() {
	jq -r .time "$1" | awk 'NR > 1 { g = ($1 - p) * 1000; if (g > m) m = g } { p = $1 } END { printf "%d", m }'
}

# Clients are served by their own thread, with limits: clients that connect and say nothing
# neither stall the refreshes nor stay connected forever (5 s of silence).
test_prometheus_idle_clients_do_not_hold_up_refreshes() {
	local out; out=$(mktemp /tmp/climit-test-idle.XXXXXX)
	"$CLIMIT" top --json --prometheus=127.0.0.1:$PROM_PORT -d 0.2 -n 40 >"$out" &
	local top=$!
	wait_for 5 sh -c "ss -Hltn 'sport = :$PROM_PORT' | grep -q ." || { fail "not listening"; stop_bg "$top"; rm -f "$out"; return; }
	exec 5<>/dev/tcp/127.0.0.1/$PROM_PORT 6<>/dev/tcp/127.0.0.1/$PROM_PORT 7<>/dev/tcp/127.0.0.1/$PROM_PORT
	local t0 dropped; t0=$(date +%s%N)
	timeout 12 cat <&5 >/dev/null; dropped=$?
	local waited=$((($(date +%s%N) - t0) / 1000000))
	exec 5>&- 6>&- 7>&-
	wait_bounded "$top" 30
	local gap; gap=$(_max_frame_gap_ms "$out"); local frames; frames=$(wc -l <"$out"); rm -f "$out"
	expect_eq "frames" 40 "$frames" || return
	# An idle client held the old inline server 2 s per read: a gap of 2 s or more is that stall.
	[ "$gap" -lt 1900 ] || { fail "a refresh waited $gap ms with idle clients connected (delay 200 ms)"; return; }
	expect_eq "idle client dropped by the server (124: never)" 0 "$dropped" || return
	[ "$waited" -ge 3000 ] && pass || fail "dropped after $waited ms: before its 5 s"
}

test_prometheus_50_concurrent_scrapes() {
	command -v curl >/dev/null || { fail "curl missing (make test-deps installs it)"; return; }
	"$CLIMIT" --name climit-test-scrape --pids 11 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-scrape || { fail "not started"; stop_bg "$pid"; return; }
	local d; d=$(mktemp -d /tmp/climit-test-scrape.XXXXXX)
	"$CLIMIT" top --json --prometheus=127.0.0.1:$PROM_PORT -d 0.2 >"$d/frames" &
	local top=$! i
	wait_for 5 sh -c "curl -sf http://127.0.0.1:$PROM_PORT/metrics | grep -q climit-test-scrape" || { fail "not serving"; stop_bg "$top" "$pid"; rm -rf "$d"; return; }
	local curls=() t0 window
	# (Under the guests' TCG 50 curls take seconds just to start: top serves until they end.)
	t0=$(date +%s%N)
	for i in $(seq 1 50); do curl -s -m 60 "http://127.0.0.1:$PROM_PORT/metrics" >"$d/$i" & curls+=($!); done
	wait "${curls[@]}"
	window=$((($(date +%s%N) - t0) / 1000000))
	stop_bg "$top" "$pid"
	local ok=0; for i in $(seq 1 50); do grep -q '^climit_pids_limit{container="climit-test-scrape"} 11$' "$d/$i" && ok=$((ok + 1)); done
	local gap; gap=$(_max_frame_gap_ms "$d/frames"); rm -rf "$d"
	expect_eq "complete scrapes out of 50" 50 "$ok" || return
	# Serving on the refresh path would hold a frame for the whole burst of scrapes. Starting 50
	# curls also starves top of CPU for a while (a second under the guests' TCG, with the other
	# guest on the second core): a gap is a stall only if it is long against the burst itself.
	[ "$gap" -lt 1000 ] || [ $((gap * 2)) -lt "$window" ] && pass ||
		fail "a refresh waited $gap ms during $window ms of scrapes (delay 200 ms)"
}

test_prometheus_file_is_written_atomically_and_valid() {
	local d; d=$(mktemp -d /var/tmp/climit-test-prom.XXXXXX)
	"$CLIMIT" --name climit-test-promfile --pids 7 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-promfile || { fail "not started"; stop_bg "$pid"; rm -rf "$d"; return; }
	command -v promtool >/dev/null || { fail "promtool missing (make test-deps installs prometheus)"; stop_bg "$pid"; rm -rf "$d"; return; }
	"$CLIMIT" top --prometheus-file "$d/climit.prom" -d 0.05 -n 60 &
	local top=$!
	# A reader polling during 60 rewrites must only ever see a complete file: a writer that
	# truncates and writes in place shows empty or cut files. Each rewrite is a new inode.
	local counts="" inodes="" ino
	while kill -0 "$top" 2>/dev/null; do
		ino=$(stat -c %i "$d/climit.prom" 2>/dev/null) || continue
		counts+=" $(grep -c '^climit_.*{container="climit-test-promfile"}' "$d/climit.prom" 2>/dev/null)"
		[[ " $inodes " == *" $ino "* ]] || inodes+=" $ino"
	done
	wait "$top"; local rc=$? body; body=$(cat "$d/climit.prom" 2>/dev/null)
	# Complete = as many samples of the container as the final file has (9 without memory and
	# CPU limits).
	local full reads torn; full=$(grep -c '^climit_.*{container="climit-test-promfile"}' <<<"$body")
	reads=$(wc -w <<<"$counts"); torn=$(tr ' ' '\n' <<<"$counts" | grep . | grep -cvx "$full")
	local stray; stray=$(ls "$d" | grep -v '^climit.prom$')
	stop_bg "$pid"; rm -rf "$d"
	expect_eq "exit" 0 "$rc" || return
	expect_eq "temporary files left" "" "$stray" || return
	[ "$full" -ge 9 ] || { fail "final file has $full samples: $body"; return; }
	[ "$reads" -ge 5 ] || { fail "only $reads reads during the refreshes"; return; }
	expect_eq "incomplete reads out of $reads" 0 "$torn" || return
	[ "$(wc -w <<<"$inodes")" -ge 2 ] || { fail "the file was never replaced (inodes: $inodes)"; return; }
	grep -q '^climit_pids_limit{container="climit-test-promfile"} 7$' <<<"$body" || { fail "$body"; return; }
	promtool check metrics <<<"$body" >/dev/null 2>&1 && pass || fail "promtool refuses the file"
}

test_prometheus_bad_address_is_refused_with_125() {
	local out rc bad=""
	for a in "--prometheus=nohost" "--prometheus=1.2.3.4:99999" "--prometheus=no.such:80" "--prometheus-file="; do
		out=$("$CLIMIT" top $a -n 1 2>&1); rc=$?
		[ "$rc" = 125 ] && [[ $out == "climit: --prometheus"* ]] || bad="$bad [$a -> $rc $out]"
	done
	[ -z "$bad" ] && pass || fail "$bad"
}

# The long options a --help text defines: those at the start of its option lines.
_help_opts() {
	awk '/^ +(-[a-zA-Z], )?--[a-z]/ { for (i = 1; i <= NF; i++) { w = $i
		if (w ~ /^--[a-z]/) { sub(/[,=[].*/, "", w); print w } else if (w !~ /^-[a-zA-Z],$/) break } }' | sort -u
}
# Complete WORDS... (the last one is the word being completed) with the bash completion.
_complete() {
	bash -c 'source contrib/completion/climit.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _climit; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}

test_bash_completion_offers_every_option_and_subcommand() {
	local missing="" o
	# Every long option in each --help is offered: both come from the subcommand's table (the
	# completion asks the climit being completed, the first word, with --completion-helper).
	for o in $("$CLIMIT" --help | _help_opts); do
		_complete "$CLIMIT" "$o" | grep -qx -- "$o" || missing="$missing run:$o"
	done
	local sub
	for sub in top ls stats set kill freeze thaw wait attach doctor gc export plot replay fit sweep; do
		for o in $("$CLIMIT" $sub --help | _help_opts); do
			_complete "$CLIMIT" $sub "$o" | grep -qx -- "$o" || missing="$missing $sub:$o"
		done
	done
	[ -z "$missing" ] || { fail "not completed:$missing"; return; }
	expect_eq "subcommands" "attach doctor fit freeze gc kill ls run set stats sweep thaw top wait" \
		"$(_complete climit "" | grep -xE 'run|top|ls|stats|gc|set|kill|freeze|thaw|wait|attach|doctor|fit|sweep' | sort -u | tr '\n' ' ' | sed 's/ $//')" || return
	expect_eq "fit --emit values" "kubernetes" "$(_complete "$CLIMIT" fit --emit kub)" || return
	expect_eq "set's options" "--mem --mem-high" "$(_complete "$CLIMIT" set web --me | tr '\n' ' ' | sed 's/ $//')" || return
	expect_eq "kill's signal" "TERM" "$(_complete climit kill web TE)" || return
	expect_eq "--ns values" "pid pid,mount,uts,ipc,net,cgroup" "$(_complete climit --ns pi | tr '\n' ' ' | sed 's/ $//')" || return
	# --report's value needs "=": after "--report " comes the command, never "json".
	expect_eq "--report= values" "--report=json" "$(_complete climit --report=j)" || return
	expect_eq "--report = values (bash splits at =)" "json" "$(_complete climit --report = j)" || return
	_complete climit --report js | grep -qx json && { fail "--report js offers json (it would be run as the command)"; return; }
	_complete climit --report ech | grep -qx echo || { fail "after --report the command is not completed"; return; }
	_complete climit --rootfs /us | grep -qx /usr || { fail "--rootfs does not complete directories"; return; }
	_complete climit --mem 64M -- ech | grep -qx echo && pass || fail "the command after -- is not completed"
}

test_zsh_completion_parses() {
	command -v zsh >/dev/null || { skip "zsh not installed"; return; }
	zsh -n contrib/completion/_climit || { fail "zsh -n failed"; return; }
	# zsh's lists carry descriptions, so they are written out: each option of every table is there.
	local sub o missing=""
	for sub in "" top ls stats set kill freeze thaw wait attach doctor gc export plot replay fit sweep; do
		for o in $("$CLIMIT" $sub --completion-helper | tr ' ' '\n' | grep -v =); do
			grep -qF -- "$o" contrib/completion/_climit || missing+=" ${sub:-run}:$o"
		done
	done
	[ -z "$missing" ] && pass || fail "not in _climit:$missing"
}
