# Recording a run (--record), exporting, replaying and plotting it (climit-interfaces(7),
# RECORDINGS). JSON is checked with jq, CSV with awk.

_rec_tmp() { mktemp -d /tmp/climit-test-rec.XXXXXX; }

# A staircase of 8 MiB every 100 ms under --mem 64M, sampled every 50 ms: the memory series
# rises, the peak is the limit, exactly one OOM kill is recorded near the moment the counter
# shows it, and the run ends 137.
test_record_staircase_oom_is_in_the_file_at_the_right_time() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-stair --mem 64M --record "$d/r.jsonl" --record-interval 50ms -- "$H/staircase" 8 100 >/dev/null 2>&1
	local rc=$?
	local f=$d/r.jsonl
	expect_eq "exit" 137 "$rc" || { rm -rf "$d"; return; }
	local hdr end; hdr=$(head -1 "$f"); end=$(tail -1 "$f")
	expect_eq "header" "climit-record 2 run 67108864 0.05" \
		"$(jq -r '"\(.format) \(.version) \(.source) \(.limits.memory_limit_bytes) \(.interval_seconds)"' <<<"$hdr")" || { rm -rf "$d"; return; }
	expect_eq "end" "end 137 oom_kill" "$(jq -r '"\(.type) \(.exit_status) \(.how)"' <<<"$end")" || { rm -rf "$d"; return; }
	# Samples up to the one that first counts the kill: memory never falls (by more than the
	# page cache the kernel reclaims near the limit: 2 MiB; a step is 8 MiB), and it climbs
	# most of the way to the limit.
	local mem_ok peak nkill_ev kill_counter ev_t cnt_t n
	mem_ok=$(jq -s '[.[] | select(.type == "sample")] | (map(.oom_kills) | index(1)) as $k |
		.[0:$k] | ([range(1; length) as $i | .[$i].memory_bytes >= .[$i - 1].memory_bytes - 2097152] | all) and
		(map(.memory_bytes) | max) >= 50331648' "$f")
	peak=$(jq -s '[.[] | select(.type == "sample") | .memory_peak_bytes] | max' "$f")
	nkill_ev=$(jq -s '[.[] | select(.type == "event" and .kind == "oom_kill")] | length' "$f")
	kill_counter=$(jq -s '[.[] | select(.type == "sample") | .oom_kills] | max' "$f")
	ev_t=$(jq -s '[.[] | select(.type == "event" and .kind == "oom_kill") | .t][0]' "$f")
	cnt_t=$(jq -s '[.[] | select(.type == "sample" and .oom_kills >= 1) | .t][0]' "$f")
	n=$(jq -s '[.[] | select(.type == "sample")] | length' "$f")
	expect_eq "memory rises until the kill" true "$mem_ok" || { rm -rf "$d"; return; }
	# memory.peak / max_usage_in_bytes stop at the limit (within a few pages of charge batching).
	awk -v p="$peak" 'BEGIN { exit !(p <= 67108864 && p >= 67108864 - 262144) }' || { fail "peak $peak, limit 67108864"; rm -rf "$d"; return; }
	expect_eq "OOM events (as many as the kernel counted)" "$kill_counter" "$nkill_ev" || { rm -rf "$d"; return; }
	expect_eq "one OOM kill" 1 "$nkill_ev" || { rm -rf "$d"; return; }
	local comm; comm=$(jq -r 'select(.type == "event" and .kind == "oom_kill") | .comm // "?"' "$f")
	# The victim's name needs /dev/kmsg (root); a normal user's event says only "OOM kill #1".
	[ "$(id -u)" != 0 ] || expect_eq "victim" staircase "$comm" || { rm -rf "$d"; return; }
	awk -v a="$ev_t" -v b="$cnt_t" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.1) }' ||
		{ fail "event at $ev_t s, counter at $cnt_t s: more than two intervals apart"; rm -rf "$d"; return; }
	# 8 steps of 100 ms: about 16 samples before the kill at 50 ms (at least 10 under emulation).
	[ "$n" -ge 10 ] || { fail "only $n samples"; rm -rf "$d"; return; }
	rm -rf "$d"
	pass
}

# A real forkbomb under --pids 30 (tests/helpers/forkloop: every child forks too and retries
# failed forks): the tasks series sits at the limit, refused forks rise, the limit hit is an
# event; --timeout ends it.
test_record_forkbomb_sits_at_pids_30_with_refused_forks() {
	local d; d=$(_rec_tmp)
	timeout 60 "$CLIMIT" --name climit-test-recbomb --pids 30 --timeout 3s --record "$d/b.jsonl" --record-interval 50ms \
		-- "$H/forkloop" >/dev/null 2>&1
	local rc=$? f=$d/b.jsonl
	expect_eq "exit (timeout)" 124 "$rc" || { rm -rf "$d"; return; }
	local max at30 n refused0 refused1 hits tev
	max=$(jq -s '[.[] | select(.type == "sample") | .pids] | max' "$f")
	n=$(jq -s '[.[] | select(.type == "sample" and .t > 1 and .t < 2.9)] | length' "$f")
	at30=$(jq -s '[.[] | select(.type == "sample" and .t > 1 and .t < 2.9 and .pids >= 28)] | length' "$f")
	refused0=$(jq -s '[.[] | select(.type == "sample" and .t > 0.9)][0].pids_refused' "$f")
	refused1=$(jq -s '[.[] | select(.type == "sample" and .t < 2.9)] | last | .pids_refused' "$f")
	hits=$(jq -s '[.[] | select(.type == "event" and .kind == "pids_max")] | length' "$f")
	tev=$(jq -s '[.[] | select(.type == "event" and .kind == "timeout")] | length' "$f")
	# The kernel charges a fork before checking the limit and takes the charge back when it is
	# over: pids.current can read 31 for that instant.
	[ "$max" = 30 ] || [ "$max" = 31 ] || { fail "most tasks $max (limit 30)"; rm -rf "$d"; return; }
	[ "$n" -gt 0 ] && [ $((at30 * 10)) -ge $((n * 8)) ] || { fail "at the limit in only $at30 of $n samples (1-2.9 s)"; rm -rf "$d"; return; }
	[ "$refused1" -gt "$refused0" ] && [ "$refused0" -gt 0 ] || { fail "refused forks $refused0 -> $refused1"; rm -rf "$d"; return; }
	[ "$hits" -ge 1 ] || { fail "no pids_max event"; rm -rf "$d"; return; }
	expect_eq "timeout event" 1 "$tev" || { rm -rf "$d"; return; }
	rm -rf "$d"
	pass
}

# SIGKILLed mid-recording: every line parses, samples up to the kill are there, export reads it
# (no end record), and climit gc removes the group the dead climit left.
test_record_survives_a_sigkilled_climit_and_gc_cleans_up() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-reckill --record "$d/k.jsonl" --record-interval 20ms -- sleep 60 &
	local pid=$!
	wait_for 10 group_exists climit-test-reckill || { fail "did not start"; stop_bg "$pid"; rm -rf "$d"; return; }
	sleep 1
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	local f=$d/k.jsonl bad n ends
	bad=$(jq -c . "$f" >/dev/null 2>&1 && echo 0 || echo 1)
	n=$(grep -c '"type":"sample"' "$f")
	ends=$(grep -c '"type":"end"' "$f")
	expect_eq "every line parses" 0 "$bad" || { "$CLIMIT" gc >/dev/null 2>&1; rm -rf "$d"; return; }
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || { fail "the last line is cut"; "$CLIMIT" gc >/dev/null 2>&1; rm -rf "$d"; return; }
	[ "$n" -ge 10 ] || { fail "$n samples in 1 s at 20 ms"; "$CLIMIT" gc >/dev/null 2>&1; rm -rf "$d"; return; }
	expect_eq "no end record" 0 "$ends" || { "$CLIMIT" gc >/dev/null 2>&1; rm -rf "$d"; return; }
	local rows; rows=$("$CLIMIT" export "$f" --format csv | wc -l)
	expect_eq "export: header + a row per sample" $((n + 1)) "$rows" || { "$CLIMIT" gc >/dev/null 2>&1; rm -rf "$d"; return; }
	"$CLIMIT" gc >/dev/null 2>&1
	local left; left=$(cg_leftovers climit-test-reckill)
	rm -rf "$d"
	[ -z "$left" ] && pass || fail "gc left: $left"
}

# export: OpenMetrics that promtool loads into a TSDB block; CSV whose values are the JSON
# export's, row by row.
test_export_openmetrics_loads_in_promtool_and_csv_matches_json() {
	command -v promtool >/dev/null || { skip "promtool not installed (apt-get install prometheus)"; return; }
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-exp --mem 64M --pids 20 --cpu 50% --record "$d/e.jsonl" --record-interval 50ms \
		-- sh -c "$H/burn & sleep 0.3; $H/staircase 4 100 & sleep 1; kill %1 %2" >/dev/null 2>&1
	local f=$d/e.jsonl out
	"$CLIMIT" export "$f" --format openmetrics -o "$d/e.om" || { fail "export openmetrics"; rm -rf "$d"; return; }
	expect_eq "ends with # EOF" "# EOF" "$(tail -1 "$d/e.om")" || { rm -rf "$d"; return; }
	out=$(promtool tsdb create-blocks-from openmetrics "$d/e.om" "$d/tsdb" 2>&1) || { fail "promtool: $out"; rm -rf "$d"; return; }
	local samples; samples=$(awk 'length($1) == 26 && $1 ~ /^[0-9A-Z]+$/ { print $5 }' <<<"$out")
	[ "${samples:-0}" -gt 100 ] || { fail "promtool loaded ${samples:-no} samples: $out"; rm -rf "$d"; return; }
	"$CLIMIT" export "$f" --format csv -o "$d/e.csv" && "$CLIMIT" export "$f" --format json -o "$d/e.json" ||
		{ fail "export csv/json"; rm -rf "$d"; return; }
	# The CSV's memory_bytes, pids and cpu_usage_seconds columns against the JSON document's samples.
	jq -r '.samples[] | "\(.t) \(.memory_bytes) \(.pids) \(.cpu_usage_seconds) \(.memory_limit_bytes) \(.pids_limit) \(.cpu_limit_percent)"' "$d/e.json" >"$d/j.txt"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ printf "%s %s %s %s %s %s %s\n", $c["t"] + 0, $c["memory_bytes"], $c["pids"], $c["cpu_usage_seconds"], $c["memory_limit_bytes"], $c["pids_limit"], $c["cpu_limit_percent"] + 0 }' "$d/e.csv" >"$d/c.txt"
	sed -i 's/^\([0-9.]*\) /\1 /' "$d/j.txt"
	awk '{ $1 = $1 + 0; $7 = $7 + 0; print }' "$d/j.txt" >"$d/j2.txt"
	local diffs rows; diffs=$(diff "$d/j2.txt" "$d/c.txt" | head -5); rows=$(wc -l <"$d/c.txt")
	[ -z "$diffs" ] || { fail "csv and json differ: $diffs"; rm -rf "$d"; return; }
	[ "$rows" -ge 20 ] || { fail "$rows rows"; rm -rf "$d"; return; }
	# And the limits are the ones given.
	expect_eq "limits in the csv" "67108864 20 50" "$(awk 'NR == 3 { print $5, $6, $7 }' "$d/c.txt")" || { rm -rf "$d"; return; }
	rm -rf "$d"
	pass
}

# The dashboard replays a recording: paused at the start, each step shows the next sample's
# time and its task count (a shell adding a sleep every 0.4 s: 1, 2, 3... tasks).
test_replay_in_tmux_shows_the_recorded_values_at_the_recorded_times() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-rp --timeout 2.5s --record "$d/p.jsonl" --record-interval 100ms \
		-- sh -c 'for i in 1 2 3 4 5; do sleep 30 & sleep 0.4; done; wait' >/dev/null 2>&1
	local f=$d/p.jsonl
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 120 -y 30 "TERM=xterm-256color LANG=C.UTF-8 $CLIMIT replay $f --speed 0.1; sleep 30"
	wait_for 10 screen_has "climit replay" || { fail "no replay: $(screen)"; top_stop; rm -rf "$d"; return; }
	tm send-keys -t t Space; sleep 0.3
	local k bad=""
	for k in 5 12 18; do
		local i=0
		# Step from the start to sample k.
		tm send-keys -t t g; sleep 0.2
		while [ $i -lt "$k" ]; do tm send-keys -t t .; i=$((i + 1)); done
		# A step goes to the next recorded time (samples written in the same millisecond are
		# one moment), and shows the last sample at it.
		local t t3 pids
		t3=$(jq -s -r "[.[] | select(.type == \"sample\") | .t] | unique | .[$k]" "$f")
		t=$(awk -v x="$t3" 'BEGIN { printf "%.1f", x }')
		pids=$(jq -s -r "[.[] | select(.type == \"sample\" and .t == $t3)] | last | .pids" "$f")
		if ! wait_for 5 screen_has "  $t s of"; then bad+=" sample $k: time $t not shown: $(screen | head -1);"; continue; fi
		local row; row=$(screen | grep -E '^climit-test-rp ')
		[ "$(awk '{ print $3 }' <<<"$row")" = "$pids" ] || bad+=" sample $k (t=$t): pids $pids expected, row '$row';"
	done
	# At the end: the timeout event from the recording is in the log.
	tm send-keys -t t G
	wait_for 5 screen_has "timeout" || bad+=" no timeout event at the end;"
	local last; last=$(screen)
	top_stop; rm -rf "$d"
	[ -z "$bad" ] && pass || fail "$bad $last"
}

# plot: a PNG of the requested size and an SVG that xmllint accepts, from one recording and
# from two overlaid.
test_plot_draws_png_of_the_requested_size_and_valid_svg() {
	command -v gnuplot >/dev/null || { skip "gnuplot not installed (apt-get install gnuplot-nox)"; return; }
	local d; d=$(_rec_tmp)
	"$CLIMIT" --mem 48M --pids 20 --cpu 50% --record "$d/a.jsonl" --record-interval 50ms -- "$H/staircase" 8 100 >/dev/null 2>&1
	"$CLIMIT" --mem 64M --pids 20 --record "$d/b.jsonl" --record-interval 50ms -- "$H/staircase" 8 100 >/dev/null 2>&1
	"$CLIMIT" plot "$d/a.jsonl" -o "$d/a.png" --size 1000x700 || { fail "plot png"; rm -rf "$d"; return; }
	local what; what=$(file -b "$d/a.png")
	[[ $what == "PNG image data, 1000 x 700,"* ]] || { fail "png: $what"; rm -rf "$d"; return; }
	"$CLIMIT" plot "$d/a.jsonl" "$d/b.jsonl" -o "$d/ab.svg" || { fail "plot svg"; rm -rf "$d"; return; }
	xmllint --noout "$d/ab.svg" 2>"$d/x.err" || { fail "xmllint: $(head -3 "$d/x.err")"; rm -rf "$d"; return; }
	# Both runs are in the legend, and the OOM kills are drawn.
	grep -q "a.jsonl" "$d/ab.svg" && grep -q "b.jsonl" "$d/ab.svg" && grep -q "OOM kill" "$d/ab.svg" ||
		{ fail "legend without both runs or the OOM marker"; rm -rf "$d"; return; }
	"$CLIMIT" plot "$d/b.jsonl" -o "$d/b.pdf" && [ "$(head -c 4 "$d/b.pdf")" = "%PDF" ] || { fail "pdf"; rm -rf "$d"; return; }
	# A run too short for any rate (two samples), in a file whose name gnuplot's enhanced text
	# would mangle: still a chart.
	"$CLIMIT" --mem 32M --record "$d/short_run.jsonl" -- true
	"$CLIMIT" plot "$d/short_run.jsonl" -o "$d/short_run.png" && [ -s "$d/short_run.png" ] || { fail "plot of a 2-sample run"; rm -rf "$d"; return; }
	local left; left=$(ls -A "$d" | grep -c '\.tmp')
	rm -rf "$d"
	expect_eq "temporary files left" 0 "$left" && pass
}

# top --record: every container shown, every refresh.
test_top_record_writes_each_container_every_refresh() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-trec1 --mem 40M -- sleep 20 &
	local p1=$!
	"$CLIMIT" --name climit-test-trec2 --pids 9 -- sleep 20 &
	local p2=$!
	wait_for 10 group_exists climit-test-trec1 && wait_for 10 group_exists climit-test-trec2 || { fail "did not start"; stop_bg "$p1" "$p2"; rm -rf "$d"; return; }
	"$CLIMIT" top -b -n 4 -d 200ms --record "$d/t.jsonl" >/dev/null || { fail "top --record"; stop_bg "$p1" "$p2"; rm -rf "$d"; return; }
	stop_bg "$p1" "$p2"
	local f=$d/t.jsonl
	expect_eq "source" top "$(head -1 "$f" | jq -r .source)" || { rm -rf "$d"; return; }
	expect_eq "samples of trec1" 4 "$(jq -s '[.[] | select(.type == "sample" and .group == "climit-test-trec1")] | length' "$f")" || { rm -rf "$d"; return; }
	expect_eq "its limit" 41943040 "$(jq -s '[.[] | select(.group == "climit-test-trec1")][0].memory_limit_bytes' "$f")" || { rm -rf "$d"; return; }
	expect_eq "samples of trec2" 4 "$(jq -s '[.[] | select(.type == "sample" and .group == "climit-test-trec2")] | length' "$f")" || { rm -rf "$d"; return; }
	expect_eq "its limit" 9 "$(jq -s '[.[] | select(.group == "climit-test-trec2")][0].pids_limit' "$f")" || { rm -rf "$d"; return; }
	rm -rf "$d"
	pass
}

# --report on a terminal draws sparklines; into a pipe it does not.
test_report_draws_sparklines_on_a_terminal_only() {
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 120 -y 30 "LANG=C.UTF-8 $CLIMIT --report --mem 64M -- $H/staircase 8 100 >/dev/null; sleep 30"
	wait_for 15 screen_has "tasks" || { fail "no sparklines: $(screen)"; top_stop; return; }
	local mem; mem=$(screen | grep -E '^  memory  ')
	top_stop
	[[ $mem == *"▁"* || $mem == *"▂"* ]] && [[ $mem == *"of 64M"* ]] || { fail "memory line: $mem"; return; }
	local piped; piped=$(LANG=C.UTF-8 "$CLIMIT" --report --mem 64M -- "$H/staircase" 8 100 2>&1 >/dev/null)
	grep -q '^  memory  ' <<<"$piped" && { fail "sparklines into a pipe: $piped"; return; }
	# Recording does not make them appear there either.
	local r; r=$(mktemp /tmp/climit-test-spark.XXXXXX)
	piped=$(LANG=C.UTF-8 "$CLIMIT" --report --record "$r" --mem 64M -- "$H/staircase" 8 100 2>&1 >/dev/null)
	rm -f "$r"
	grep -q '^  memory  ' <<<"$piped" && { fail "sparklines into a pipe with --record: $piped"; return; }
	pass
}

# Bad input: one line, 125, nothing made, nothing half-written.
test_record_export_plot_bad_input_is_125_and_leaves_nothing() {
	local d bad="" out rc
	d=$(_rec_tmp)
	[ -d "$d" ] || { fail "no temporary directory"; return; }
	"$CLIMIT" --record "$d/ok.jsonl" --record-interval 20ms -- true 2>/dev/null
	printf '%s' "$(head -c 300 "$d/ok.jsonl")" >"$d/cut.jsonl"                   # cut mid-line
	sed '1s/"version":2/"version":3/' "$d/ok.jsonl" >"$d/v3.jsonl"            # from a newer climit
	echo '{"type":"sample","t":0}' >"$d/nohdr.jsonl"
	: >"$d/empty.jsonl"
	local cases=(
		"export $d/missing.jsonl|missing.jsonl"
		"export $d/cut.jsonl|line 1: truncated"
		"export $d/v3.jsonl|format version 3 is newer"
		"export $d/nohdr.jsonl|not the header"
		"export $d/empty.jsonl|empty file"
		"export $d/ok.jsonl --format xml|--format: \"xml\""
		"export $d/ok.jsonl -o /nonexistent/dir/x.csv|-o: \"/nonexistent/dir/x.csv\""
		"plot $d/ok.jsonl -o $d/x.gif|not a .png, .svg or .pdf"
		"plot $d/ok.jsonl -o /nonexistent/dir/x.png|-o: \"/nonexistent/dir/x.png\""
		"plot $d/ok.jsonl|missing -o"
		"plot $d/ok.jsonl -o $d/x.png --size 10x10|--size: \"10x10\""
		"replay $d/v3.jsonl|format version 3"
		"top --replay $d/cut.jsonl|truncated"
		"--record $d/nodir/r.jsonl -- true|--record: \"$d/nodir/r.jsonl\""
		"--record $d/r.jsonl --record-interval 5ms -- true|--record-interval: \"5ms\""
		"--record-interval 1s -- true|only with --record"
	)
	local c
	for c in "${cases[@]}"; do
		local args=${c%%|*} want=${c#*|}
		# shellcheck disable=SC2086
		out=$("$CLIMIT" $args 2>&1 </dev/null >/dev/null); rc=$?
		[ "$rc" = 125 ] || bad+=" [$args: exit $rc]"
		[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *"$want"* ]] || bad+=" [$args: '$out']"
	done
	# Nothing made: no group, no temporary file, no recording of a refused run.
	local left; left=$(ls -A "$d" | grep -E '\.tmp|^x\.|^r\.jsonl' || true)
	"$CLIMIT" --name climit-test-recbad --record /nonexistent/r.jsonl -- true 2>/dev/null
	[ -z "$(cg_leftovers climit-test-recbad)" ] || bad+=" [group left for an unwritable --record]"
	rm -rf "$d"
	[ -z "$left" ] || bad+=" [left: $left]"
	[ -z "$bad" ] && pass || fail "$bad"
}

# --record never destroys what it did not make, and a full disk is handled both ways: a run
# refused before it starts (its name in use) leaves an existing file as it was and a device node
# where it is (as root, /dev/null was unlinked); a header that cannot be written is a 125 before
# the command runs; a disk that fills up during the run stops the recording with one line, the
# run goes on, and the file reads back up to its last whole line.
test_record_keeps_what_it_did_not_make_and_survives_a_full_disk() {
	local d out rc name=climit-test-recdup
	d=$(_rec_tmp)
	[ -d "$d" ] || { fail "no temporary directory"; return; }
	echo "precious" >"$d/old.jsonl"
	mknod "$d/null" c 1 3 || { fail "mknod"; rm -rf "$d"; return; }
	"$CLIMIT" --name $name -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; rm -rf "$d"; return; }
	out=$("$CLIMIT" --name $name --record "$d/old.jsonl" -- true 2>&1); rc=$?
	"$CLIMIT" --name $name --record "$d/null" -- true 2>/dev/null
	stop_bg "$pid"
	expect_eq "exit with the name in use" 125 "$rc" || { rm -rf "$d"; return; }
	expect_eq "the old recording" "precious" "$(cat "$d/old.jsonl")" || { rm -rf "$d"; return; }
	[ -c "$d/null" ] || { fail "the device node was removed"; rm -rf "$d"; return; }
	# Reused (not refused), the old file is replaced whole.
	"$CLIMIT" --record "$d/old.jsonl" -- true
	[ "$(head -c 17 "$d/old.jsonl")" = '{"type":"header",' ] || { fail "not rewritten: $(head -c 40 "$d/old.jsonl")"; rm -rf "$d"; return; }
	# The header cannot be written: 125, and the command never ran.
	out=$("$CLIMIT" --name climit-test-recfull --record /dev/full -- touch "$d/ran" 2>&1); rc=$?
	expect_eq "exit when the header cannot be written" 125 "$rc" || { rm -rf "$d"; return; }
	expect_eq "message" 'climit: --record: "/dev/full": cannot write it: No space left on device' "$out" || { rm -rf "$d"; return; }
	[ ! -e "$d/ran" ] || { fail "the command ran"; rm -rf "$d"; return; }
	[ -c /dev/full ] || { fail "/dev/full was removed"; rm -rf "$d"; return; }
	# 12 KiB of disk: full after a second of samples every 10 ms.
	mkdir "$d/small" && mount -t tmpfs -o size=12k tmpfs "$d/small" || { fail "cannot mount a small tmpfs"; rm -rf "$d"; return; }
	out=$("$CLIMIT" --name climit-test-recfull --record "$d/small/r.jsonl" --record-interval 10ms -- sh -c 'sleep 1.5; exit 3' 2>&1); rc=$?
	local n; n=$("$CLIMIT" export "$d/small/r.jsonl" 2>&1 | wc -l)
	umount "$d/small"; rm -rf "$d"
	expect_eq "the run's exit status" 3 "$rc" || return
	expect_eq "said once" "climit: --record: \"$d/small/r.jsonl\": No space left on device; recording stopped" "$out" || return
	[ "$n" -gt 5 ] || { fail "export read $n lines of the full file"; return; }
	[ -z "$(cg_leftovers climit-test-recfull)" ] && pass || fail "group left behind"
}

# export -o and plot -o write a temporary file and rename it over the output: never over a
# device (as root, export -o /dev/null replaced /dev/null with a file) or a symbolic link (the
# link is kept, its file replaced); a device or pipe is written in place.
test_export_and_plot_outputs_keep_devices_and_links() {
	local d bad="" out
	d=$(_rec_tmp)
	[ -d "$d" ] || { fail "no temporary directory"; return; }
	"$CLIMIT" --record "$d/ok.jsonl" --record-interval 20ms -- sleep 0.2 2>/dev/null
	mknod "$d/null" c 1 3 && mknod "$d/null.png" c 1 3 || { fail "mknod"; rm -rf "$d"; return; }
	"$CLIMIT" export "$d/ok.jsonl" -o "$d/null" || bad+=" [export to a device failed]"
	[ -c "$d/null" ] || bad+=" [the device was replaced: $(ls -l "$d/null")]"
	echo old >"$d/real.csv"; ln -s real.csv "$d/link.csv"
	"$CLIMIT" export "$d/ok.jsonl" -o "$d/link.csv" || bad+=" [export through a link failed]"
	[ -L "$d/link.csv" ] || bad+=" [the link was replaced]"
	[ "$(head -c 2 "$d/real.csv")" = "t," ] || bad+=" [the linked file: $(head -c 20 "$d/real.csv")]"
	ln -s /proc/self/fd/1 "$d/stdout"
	out=$("$CLIMIT" export "$d/ok.jsonl" -o "$d/stdout" | head -1)
	[[ $out == t,* ]] || bad+=" [through a link to standard output: '$out']"
	[ -L "$d/stdout" ] || bad+=" [the link to standard output was replaced]"
	ln -s real.png "$d/link.png"
	"$CLIMIT" plot "$d/ok.jsonl" -o "$d/link.png" || bad+=" [plot through a link failed]"
	[ -L "$d/link.png" ] && file "$d/real.png" | grep -q PNG || bad+=" [plot: link or file wrong: $(ls -l "$d" | tr '\n' ' ')]"
	out=$("$CLIMIT" plot "$d/ok.jsonl" -o "$d/null.png" 2>&1); local rc=$?
	[ "$rc" = 125 ] && [[ $out == "climit: -o: \"$d/null.png\": not a regular file"* ]] || bad+=" [plot onto a device: $rc $out]"
	[ -c "$d/null.png" ] || bad+=" [plot replaced the device]"
	local left; left=$(ls -A "$d" | grep '\.tmp' || true)
	[ -z "$left" ] || bad+=" [left: $left]"
	rm -rf "$d"
	[ -z "$bad" ] && pass || fail "$bad"
}

# Limits changed while the run records (climit set, any tool): an event at that moment, and the
# samples after it carry the new limit. The limit files are watched, not re-read every sample.
test_record_notes_limits_changed_while_it_runs() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-reclim --mem 64M --record "$d/l.jsonl" --record-interval 50ms -- sleep 4 &
	local pid=$!
	wait_for 10 group_exists climit-test-reclim || { fail "did not start"; stop_bg "$pid"; rm -rf "$d"; return; }
	sleep 1
	local t0; t0=$(date +%s%N)
	"$CLIMIT" set climit-test-reclim --mem 80M --pids 20 >/dev/null || { fail "set"; stop_bg "$pid"; rm -rf "$d"; return; }
	wait_bounded "$pid" 10 >/dev/null
	local f=$d/l.jsonl ev mem_after pids_after start
	ev=$(jq -r 'select(.type == "event" and .kind == "limit") | .text' "$f")
	start=$(head -1 "$f" | jq .start_unix_seconds)
	local et; et=$(jq -s '[.[] | select(.type == "event" and .kind == "limit")][0].t' "$f")
	mem_after=$(jq -s '[.[] | select(.type == "sample")] | last | .memory_limit_bytes' "$f")
	pids_after=$(jq -s '[.[] | select(.type == "sample")] | last | .pids_limit' "$f")
	rm -rf "$d"
	grep -q "memory limit changed: 64M -> 80M" <<<"$ev" && grep -q "pids limit changed: max -> 20" <<<"$ev" ||
		{ fail "limit events: '$ev'"; return; }
	expect_eq "memory limit in the last sample" 83886080 "$mem_after" || return
	expect_eq "pids limit in the last sample" 20 "$pids_after" || return
	# The event's time against the moment climit set ran (two intervals of slack, plus set's own time).
	awk -v s="$start" -v e="$et" -v t="$t0" 'BEGIN { d = (s + e) - t / 1e9; exit !(d >= -0.05 && d <= 0.6) }' ||
		{ fail "event at $et s after the start; set ran at $(awk -v s="$start" -v t="$t0" 'BEGIN { print t / 1e9 - s }') s"; return; }
	pass
}

# Signals climit forwards are events of the recording, with the end they led to.
test_record_notes_forwarded_signals() {
	local d; d=$(_rec_tmp)
	"$CLIMIT" --name climit-test-recsig --record "$d/s.jsonl" -- sh -c 'trap "exit 3" USR1; touch '"$d"'/ready; while :; do sleep 0.1; done' &
	local pid=$!
	wait_for 10 test -e "$d/ready" || { fail "did not start"; stop_bg "$pid"; rm -rf "$d"; return; }
	kill -USR1 "$pid"
	wait_bounded "$pid" 10 >/dev/null; local rc=$?
	local ev end; ev=$(jq -r 'select(.type == "event" and .kind == "signal") | .text' "$d/s.jsonl")
	end=$(tail -1 "$d/s.jsonl" | jq -r '"\(.type) \(.exit_status) \(.how)"')
	rm -rf "$d"
	expect_eq "exit" 3 "$rc" || return
	expect_eq "signal event" "SIGUSR1 forwarded to the workload" "$ev" || return
	expect_eq "end" "end 3 exited" "$end" && pass
}

# Format version 1 (climit before the one vocabulary: cpu_usec in microseconds, mem, mem_peak,
# mem_max, pids_max, rss; made by that climit, tests/fixtures/recording/v1-run.jsonl: an OOM
# kill under --mem 32M, exit 3) is still read: export gives today's names and units, plot and
# replay take it.
test_record_format_1_is_still_read() {
	local f=tests/fixtures/recording/v1-run.jsonl d; d=$(_rec_tmp)
	local csv; csv=$("$CLIMIT" export "$f") || { fail "export: $csv"; rm -rf "$d"; return; }
	local row; row=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == "0.050" { print $c["cpu_usage_seconds"], $c["memory_bytes"], $c["memory_limit_bytes"], $c["pids_limit"], $c["cpu_limit_percent"] }' <<<"$csv")
	expect_eq "t=0.05 in today's names and units" "0.002441 524288 33554432 20 50" "$row" || { rm -rf "$d"; return; }
	local ev; ev=$("$CLIMIT" export -f json "$f" | jq -c '.events[0] | [.kind, .pid, .rss_bytes]')
	expect_eq "its OOM kill" '["oom_kill",25132,33161216]' "$ev" || { rm -rf "$d"; return; }
	"$CLIMIT" plot "$f" -o "$d/v1.svg" 2>/dev/null && grep -q '<svg' "$d/v1.svg" || { fail "plot of a version 1 recording"; rm -rf "$d"; return; }
	local frame; frame=$("$CLIMIT" top --replay "$f" -b -n 1 2>&1)
	rm -rf "$d"
	grep -q 'climit-test-v1fix' <<<"$frame" && pass || fail "replay: $frame"
}
