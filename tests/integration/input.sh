# Bad input: one line naming the option and value, exit 125, nothing created.

_state() { # everything climit could create: groups and owner records
	find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path '*climit*' 2>/dev/null | sort
	ls -A "$CLIMIT_RUNTIME_DIR" 2>/dev/null
}

test_bad_input_gives_one_line_125_and_creates_nothing() {
	local before after bad=""
	before=$(_state)
	# Each case: the arguments, then (after |) a text the message must contain.
	local cases=(
		"--mem '5M junk' -- true|--mem: \"5M junk\": not a size"
		"--mem -5M -- true|--mem: \"-5M\""
		"--mem 0 -- true|--mem: \"0\": 0 bytes is too small to start any program"
		"--mem 512 -- true|did you mean 512M or 512G?"
		"--mem 99999999999T -- true|--mem: \"99999999999T\": too large"
		"--mem 18446744073709551616 -- true|too large"
		"--mem 1.5 -- true|fraction of a byte"
		"--mem 0x10 -- true|--mem: \"0x10\""
		"--mem 10Q -- true|--mem: \"10Q\""
		"--mem= -- true|--mem: \"\""
		"--mem 1M --mem 2M -- true|--mem: given twice"
		"--pids 0 -- true|--pids: \"0\": out of range"
		"--pids -1 -- true|--pids: \"-1\""
		"--pids 12abc -- true|--pids: \"12abc\": not a number"
		"--pids 99999999999999999999999 -- true|--pids: \"99999999999999999999999\": too large"
		"--cpu 0% -- true|--cpu: \"0%\": below"
		"--cpu 50%% -- true|--cpu: \"50%%\""
		"--cpu fast -- true|--cpu: \"fast\""
		"--cpu -1 -- true|--cpu: \"-1\""
		"--cpu 500 -- true|--cpu: \"500\": 500 CPUs, more than this host has ($(nproc)); did you mean 500%?"
		"--cpu 1000.5 -- true|--cpu: \"1000.5\": 1000.5 CPUs, more than this host has"
		"--cpu-weight 0 -- true|--cpu-weight: \"0\": out of range (1..10000)"
		"--cpu-weight 10001 -- true|--cpu-weight: \"10001\""
		"--cpus 0-999 -- true|--cpus: \"0-999\": no such CPU"
		"--cpus 1-0 -- true|--cpus: \"1-0\""
		"--cpus a -- true|--cpus: \"a\""
		"--timeout -1 -- true|--timeout: \"-1\""
		"--timeout 5x -- true|--timeout: \"5x\""
		"--timeout 1e9 -- true|--timeout: \"1e9\""
		"--name ../etc -- true|--name: \"../etc\""
		"--name a/b -- true|--name: \"a/b\""
		"--name .hidden -- true|--name: \".hidden\""
		"--parent /a/../b -- true|--parent: \"/a/../b\""
		"--report=xml -- true|--report: \"xml\""
		"--swap 1G -- true|--swap: \"1G\": needs --mem"
		"--bogus -- true|--bogus: unknown option"
		"-z -- true|-z: unknown option"
		"--mem|--mem: missing value"
		"--mem 1M|missing command"
		"--mem 1M --|missing command"
		"|missing command"
	)
	local c args want err rc
	for c in "${cases[@]}"; do
		args=${c%%|*}; want=${c#*|}
		eval "set -- $args"
		err=$("$CLIMIT" "$@" 2>&1 >/dev/null); rc=$?
		if [ "$rc" != 125 ]; then bad="$bad
  [$args] exit $rc"; continue; fi
		if [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] || [[ $err != "climit: "* ]] || [[ $err != *"$want"* ]]; then
			bad="$bad
  [$args] said: $err"
		fi
	done
	# The empty command name and a mem-high above mem are refused too.
	err=$("$CLIMIT" -- "" 2>&1); rc=$?; [ "$rc" = 125 ] || bad="$bad
  [-- \"\"] exit $rc"
	err=$("$CLIMIT" --mem 10M --mem-high 20M -- true 2>&1); rc=$?; [ "$rc" = 125 ] || bad="$bad
  [mem-high > mem] exit $rc"
	after=$(_state)
	[ "$before" = "$after" ] || bad="$bad
  created: $(diff <(echo "$before") <(echo "$after") | grep '^>')"
	[ -z "$bad" ] && pass || fail "$bad"
}

test_options_after_the_command_belong_to_the_command() {
	local out
	out=$("$CLIMIT" --pids 10 echo --mem '5M junk')
	expect_eq "argv" "--mem 5M junk" "$out" && pass
}

test_run_subcommand_and_double_dash_work() {
	local a b
	a=$("$CLIMIT" run --pids 10 -- echo run-ok); b=$("$CLIMIT" -p 10 -m 10M -c 20% -- echo short-ok)
	expect_eq "run" run-ok "$a" && expect_eq "short options" short-ok "$b" && pass
}

test_help_and_version() {
	local h v
	h=$("$CLIMIT" --help); v=$("$CLIMIT" --version)
	local o
	for o in --mem --mem-high --swap --pids --cpu --cpu-weight --cpus --name --parent --timeout --report --help --version; do
		case $h in *"$o "*|*"$o["*|*"$o="*) ;; *) fail "--help lacks $o"; return ;; esac
	done
	[[ $v == "climit "[0-9]* ]] && pass || fail "version: $v"
}

# A subcommand's name first makes the rest climit's options: `climit ls -l` is climit ls with an
# unknown -l. The message says how to run the program ls instead, and `climit -- ls` and
# `climit run ls` do run it.
test_a_program_named_like_a_subcommand_is_run_with_dashdash() {
	local out rc
	out=$("$CLIMIT" ls -l 2>&1); rc=$?
	expect_eq "exit" 125 "$rc" || return
	expect_eq "message" "climit: -l: unknown option of climit ls (try 'climit ls --help'; to run a program named ls: climit -- ls -l)" "$out" || return
	out=$("$CLIMIT" --name climit-test-lsprog -- ls -d / 2>&1) && [ "$out" = / ] || { fail "climit -- ls: $out"; return; }
	out=$("$CLIMIT" run --name climit-test-lsprog ls -d / 2>&1) && [ "$out" = / ] || { fail "climit run ls: $out"; return; }
	"$CLIMIT" --cpu "$(nproc)" --name climit-test-lsprog -- true || { fail "--cpu with as many CPUs as the host has"; return; }
	pass
}
