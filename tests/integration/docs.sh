# The documentation is true: man pages lint clean, every option is documented everywhere,
# and CI runs exactly the README's test command.

test_man_pages_are_lint_clean() {
	command -v mandoc >/dev/null || { skip "mandoc not installed (make test-deps installs it)"; return; }
	local out; out=$(mandoc -Tlint -W warning man/*.[17] 2>&1)
	[ -z "$out" ] && pass || fail "$out"
}

test_every_run_option_is_in_help_man_and_readme() {
	local o missing="" man
	man=$(mandoc -Tascii man/climit.1 2>/dev/null | col -b)
	for o in mem mem-high swap pids cpu cpu-weight cpus io-read-bps io-write-bps io-read-iops io-write-iops io-weight \
		name parent timeout report report-file record record-interval help version \
		isolate ns share-net rootfs overlay overlay-keep rootfs-tar hostname uid gid user-ns map-root-user \
		cap-drop cap-add env cwd no-init seccomp seccomp-log seccomp-allow seccomp-deny; do
		"$CLIMIT" --help | grep -q -- "--$o\b" || missing="$missing help:--$o"
		grep -q -- "--$o\b" <<<"$man" || missing="$missing man:--$o"
		grep -q -- "--$o\b" README.md || missing="$missing readme:--$o"
	done
	[ -z "$missing" ] && pass || fail "undocumented:$missing"
}

test_ci_runs_the_readme_test_command() {
	grep -q '^    make check ' README.md && grep -qx 'make check' .ci/run && pass || fail ".ci/run and README disagree"
}

test_json_report_is_valid_json_with_stable_fields() {
	local json keys
	json=$("$CLIMIT" --mem 32M --pids 10 --cpu 12.5% --report=json -- true 2>&1 >/dev/null)
	keys=$(jq -r 'keys_unsorted | join(",")' <<<"$json") || { fail "not JSON: $json"; return; }
	expect_eq "fields" "name,cgroup,exit_status,signal,end,placement,kill_method,timed_out,interrupted,wall_seconds,cpu_user_seconds,cpu_system_seconds,cpu_usage_seconds,cpu_limit_percent,cpu_periods,cpu_throttled_periods,cpu_throttled_seconds,memory_peak_bytes,memory_limit_bytes,oom_kills,pids_peak,pids_limit,pids_refused,io_read_bytes,io_write_bytes,io_read_ops,io_write_ops,io_wait_seconds,io_devices,seccomp" "$keys" || return
	expect_eq "quota" 12.5 "$(jq .cpu_limit_percent <<<"$json")" && pass
}

test_make_install_and_uninstall_honour_prefix_and_destdir() {
	local d; d=$(mktemp -d /tmp/climit-test-destdir.XXXXXX)
	make -s install PREFIX=/opt/cl DESTDIR="$d" >/dev/null || { fail "install failed"; rm -rf "$d"; return; }
	local got want
	got=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
	want="./opt/cl/bin/climit ./opt/cl/share/bash-completion/completions/climit ./opt/cl/share/man/man1/climit-fit.1 ./opt/cl/share/man/man1/climit-gc.1 ./opt/cl/share/man/man1/climit-top.1 ./opt/cl/share/man/man1/climit.1 ./opt/cl/share/man/man7/climit-interfaces.7 ./opt/cl/share/zsh/site-functions/_climit "
	make -s uninstall PREFIX=/opt/cl DESTDIR="$d" >/dev/null
	local left; left=$(find "$d" -type f)
	rm -rf "$d"
	expect_eq "installed files" "$want" "$got" || return
	expect_eq "files left after uninstall" "" "$left" && pass
}

test_every_top_option_is_in_help_man_and_readme() {
	local o missing="" man
	man=$(mandoc -Tascii man/climit-top.1 2>/dev/null | col -b)
	for o in delay iterations batch json all parent prometheus prometheus-file record replay speed help; do
		"$CLIMIT" top --help | grep -q -- "--$o\b" || missing="$missing help:--$o"
		grep -q -- "--$o\b" <<<"$man" || missing="$missing man:--$o"
	done
	for o in delay iterations batch json all; do
		grep -q -- "--$o\b" README.md || missing="$missing readme:--$o"
	done
	[ -z "$missing" ] && pass || fail "undocumented:$missing"
}

# climit export, plot and replay: every option in their --help and in climit(1); every column
# of the CSV export (the recording's sample fields) in climit-interfaces(7).
test_every_recording_option_and_field_is_documented() {
	local man ifc missing="" o c
	man=$(mandoc -Tascii man/climit.1 2>/dev/null | col -b)
	ifc=$(mandoc -Tascii man/climit-interfaces.7 2>/dev/null | col -b)
	for c in "export format output" "plot output size title" "replay speed"; do
		set -- $c
		local cmd=$1; shift
		for o in "$@"; do
			"$CLIMIT" "$cmd" --help | grep -q -- "--$o\b" || missing+=" $cmd-help:--$o"
		done
		grep -q "climit $cmd\|climit\s*$cmd" <<<"$man" || missing+=" man:$cmd"
	done
	local d; d=$(mktemp -d /tmp/climit-test-docrec.XXXXXX)
	"$CLIMIT" --record "$d/r.jsonl" -- true 2>/dev/null
	local cols; cols=$("$CLIMIT" export "$d/r.jsonl" | head -1 | tr ',' ' ')
	rm -rf "$d"
	[ -n "$cols" ] || { fail "no CSV header"; return; }
	for c in $cols; do
		grep -qw -- "$c" <<<"$ifc" || missing+=" interfaces:$c"
	done
	[ -z "$missing" ] && pass || fail "undocumented:$missing"
}

# Every JSON field and metric climit prints is in climit-interfaces(7), the one place they are
# documented.
test_json_fields_and_metrics_are_documented_in_one_place() {
	"$CLIMIT" --name climit-test-docjson --mem 32M --pids 9 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-docjson || { fail "not started"; stop_bg "$pid"; return; }
	local stats top prom; stats=$("$CLIMIT" stats climit-test-docjson --json -d 0.1)
	top=$("$CLIMIT" top --json -n 1)
	local d; d=$(mktemp -d /var/tmp/climit-test-docprom.XXXXXX)
	"$CLIMIT" top --prometheus-file "$d/m.prom" -n 1; prom=$(cat "$d/m.prom"); rm -rf "$d"
	# The control commands' and doctor's objects too.
	local ctl; ctl=$("$CLIMIT" set climit-test-docjson --pids 8 --json; "$CLIMIT" freeze climit-test-docjson --json
		"$CLIMIT" thaw climit-test-docjson --json; "$CLIMIT" attach climit-test-docjson --json $(sleep 30 >/dev/null & echo $!)
		"$CLIMIT" wait climit-test-docjson --json & local w=$!
		wait_for 10 sh -c "ls -l /proc/$w/fd 2>/dev/null | grep -q '/sys/fs/cgroup/.*climit-test-docjson'"
		"$CLIMIT" kill climit-test-docjson --json; wait $w)
	local doc; doc=$("$CLIMIT" doctor --json)
	stop_bg "$pid"
	# A name counts as documented only where the page marks it as a literal (.Li, .It Li,
	# .Pq Li), not as any word of the prose ("name", "state", "time", "path"...).
	local terms keys k missing=""
	terms=$(grep -E '^\.(It |Pq )?Li ' man/climit-interfaces.7 | sed -E 's/^\.(It |Pq )?Li //' | tr ' ,;()' '\n\n\n\n\n' |
		grep -E '^[a-z_][a-z0-9_]*$' | sort -u)
	[ "$(wc -l <<<"$terms")" -ge 30 ] || { fail "no literals found in climit-interfaces(7): $terms"; return; }
	keys=$( (jq -r 'keys[]' <<<"$stats"; jq -r 'keys[], (.host | keys[])' <<<"$top"; jq -r 'keys[]' <<<"$ctl"
		jq -r '.[] | keys[]' <<<"$doc") | sort -u)
	[ "$(wc -l <<<"$ctl")" = 6 ] || { fail "control objects: $ctl"; return; }
	[ -n "$keys" ] || { fail "no JSON: $stats"; return; }
	for k in $keys $(grep -oE '^climit_[a-z_]+' <<<"$prom" | sort -u); do
		grep -qx -- "$k" <<<"$terms" || missing="$missing $k"
	done
	[ -z "$missing" ] && pass || fail "not in climit-interfaces(7):$missing"
}

# The layout's rules (src/README.md): folders in order, lower never including or calling upper,
# and no two .c files calling each other round any loop (a call graph from Universal Ctags).
test_layout_has_no_upward_calls_and_no_cycles() {
	command -v ctags >/dev/null || { skip "universal-ctags not installed (make test-deps installs it)"; return; }
	local out; out=$(python3 tests/tools/layout.py 2>&1) && pass || fail "$out"
}

# fit's and sweep's options come from one table each: every one of them is in --help (made from
# the same table, so this checks the table against the page) and in climit-fit(1).
test_every_fit_and_sweep_option_is_in_help_and_man() {
	local man missing="" o sub
	man=$(mandoc -Tascii man/climit-fit.1 2>/dev/null | col -b)
	for sub in fit sweep; do
		local opts; opts=$("$CLIMIT" $sub --completion-helper)
		[ "$(wc -w <<<"$opts")" -ge 9 ] || { fail "$sub --completion-helper: '$opts'"; return; }
		for o in $opts; do
			"$CLIMIT" $sub --help | grep -q -- "$o\b" || missing+=" $sub-help:$o"
			grep -q -- "$o\b" <<<"$man" || missing+=" man:$o"
		done
	done
	for o in fit sweep; do grep -q "climit $o" README.md || missing+=" readme:climit $o"; done
	[ -z "$missing" ] && pass || fail "undocumented:$missing"
}

# Building without a library says which pkg-config modules are missing and how to get them, not
# a compiler error; make deps names a package the distribution lacks before apt-get runs (fake
# dpkg/apt-get/apt-cache on PATH: nothing is installed).
test_make_names_missing_libraries_and_packages() {
	local out rc d; d=$(mktemp -d /tmp/climit-test-make.XXXXXX)
	out=$(make -s PKG_CONFIG=false climit 2>&1); rc=$?
	[ "$rc" != 0 ] && grep -q '^climit: cannot build: pkg-config finds no libcgroup libproc2 ncursesw' <<<"$out" &&
		grep -q 'sudo make deps' <<<"$out" && ! grep -q 'No such file\|error:' <<<"$out" ||
		{ fail "make PKG_CONFIG=false: $rc $out"; rm -rf "$d"; return; }
	printf '#!/bin/sh\n[ "$2" = no-such-lib-dev ] && exit 1; exit 0\n' >"$d/dpkg"
	printf '#!/bin/sh\necho "apt-get $*" >>%s/log; exit 0\n' "$d" >"$d/apt-get"
	printf '#!/bin/sh\n[ "$2" = no-such-lib-dev ] && exit 100; exit 0\n' >"$d/apt-cache"
	chmod +x "$d/dpkg" "$d/apt-get" "$d/apt-cache"
	out=$(PATH=$d:$PATH make -s deps DEB_BUILD="pkg-config no-such-lib-dev" 2>&1); rc=$?
	local log; log=$(cat "$d/log" 2>/dev/null); rm -rf "$d"
	[ "$rc" != 0 ] && grep -q '^make deps: this distribution has no package no-such-lib-dev\.$' <<<"$out" ||
		{ fail "make deps with a missing package: $rc $out"; return; }
	grep -q 'install' <<<"$log" && { fail "apt-get install ran: $log"; return; }
	pass
}

# A normal user where systemd does not delegate (this host: cgroup v1): make demo says why in one
# line and what to run instead, exit 1, nothing made.
test_demo_tells_a_normal_user_without_delegation_what_to_do() {
	command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 || { skip "no user nobody"; return; }
	[ -e /sys/fs/cgroup/cgroup.controllers ] && [ -d /run/systemd/system ] && { skip "systemd delegates here (the user test covers it)"; return; }
	local out rc; out=$(setpriv --reuid=65534 --regid=65534 --clear-groups bash contrib/demo.sh 2>&1); rc=$?
	expect_eq "exit" 1 "$rc" || return
	[ "$(wc -l <<<"$out")" = 1 ] && [[ $out == "make demo: as a normal user climit needs cgroup v2 and a systemd user session"*"run sudo make demo"* ]] &&
		pass || fail "$out"
}

# Every key of every JSON output, nested ones too, is a literal of climit-interfaces(7): the
# report (with an I/O limit and a syscall filter, so that io_devices and seccomp have members),
# set --json, fit --json, sweep --json, a recording (with an OOM kill event) and its JSON export.
test_every_key_of_every_output_is_in_the_interfaces_page() {
	local d; d=$(mktemp -d /tmp/climit-test-keys.XXXXXX)
	local terms; terms=$(grep -E '^\.(It |Pq )?Li ' man/climit-interfaces.7 | sed -E 's/^\.(It |Pq )?Li //' |
		tr ' ,;()' '\n\n\n\n\n' | grep -E '^[a-z_][a-z0-9_]*$' | sort -u)
	local io=(--io-read-bps "$PWD=50M")
	"$CLIMIT" "${io[@]}" -- true 2>/dev/null || io=() # no io/blkio controller or no disk under $PWD here
	"$CLIMIT" --name climit-test-keys --mem 32M --pids 9 --cpu 50% "${io[@]}" --seccomp default --report-file "$d/r.json" \
		--record "$d/rec.jsonl" --record-interval 20ms -- sh -c "sleep 0.1; $PWD/tests/helpers/hog 64 >/dev/null 2>&1; exit 0" 2>/dev/null
	"$CLIMIT" --name climit-test-keys --mem 64M --pids 20 -- sleep 30 &
	local pid=$!
	wait_for 10 group_exists climit-test-keys || { fail "not started"; stop_bg "$pid"; rm -rf "$d"; return; }
	"$CLIMIT" set climit-test-keys --mem 40M --mem-high 30M --swap 0 --pids 8 --cpu 30% --cpu-weight 50 --cpus 0 --json >"$d/set.json" 2>/dev/null ||
		"$CLIMIT" set climit-test-keys --mem 40M --pids 8 --cpu 30% --cpu-weight 50 --json >"$d/set.json"
	stop_bg "$pid"
	"$CLIMIT" fit --mem --cpu --pids --runs 1 --slowdown 50 --json --emit systemd -- tests/helpers/need mem 8 >"$d/fit.json" 2>/dev/null
	"$CLIMIT" sweep --pids 5,max --mem 64M --runs 1 --json -- true >"$d/sweep.json" 2>/dev/null
	"$CLIMIT" export -f json "$d/rec.jsonl" >"$d/export.json"
	local f keys missing="" k
	for f in r.json set.json fit.json sweep.json rec.jsonl export.json; do
		[ -s "$d/$f" ] || { missing+=" [$f: empty]"; continue; }
		keys=$(jq -r '[paths | .[] | strings] | .[]' "$d/$f" | sort -u)
		for k in $keys; do grep -qx -- "$k" <<<"$terms" || missing+=" $f:$k"; done
	done
	grep -q '"event"' "$d/rec.jsonl" || missing+=" [no event recorded]"
	[ "$(jq '.io_devices | length' "$d/r.json")" -ge 1 ] || [ ${#io[@]} = 0 ] || missing+=" [no io_devices]"
	rm -rf "$d"
	[ -z "$missing" ] && pass || fail "not in climit-interfaces(7):$missing"
}
