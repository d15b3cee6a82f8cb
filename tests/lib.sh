# Test helpers shared by tests/integration/*.sh (sourced by tests/run.sh).
# Each test is a function named test_*; it calls pass/fail/skip once (fail may be called early).
CLIMIT=${CLIMIT:-$PWD/climit}
# Records: root's in /run/climit, a normal user's in $XDG_RUNTIME_DIR/climit (as climit picks).
if [ "$(id -u)" = 0 ]; then
	export CLIMIT_RUNTIME_DIR=${CLIMIT_RUNTIME_DIR:-/run/climit}
else
	export CLIMIT_RUNTIME_DIR=${CLIMIT_RUNTIME_DIR:-${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/climit}
fi
T_PASSED=0 T_FAILED=0 T_SKIPPED=0
T_CURRENT=""

pass() { T_PASSED=$((T_PASSED + 1)); printf 'PASS %s\n' "$T_CURRENT"; }
fail() { T_FAILED=$((T_FAILED + 1)); printf 'FAIL %s: %s\n' "$T_CURRENT" "$*"; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); printf 'SKIP %s: %s\n' "$T_CURRENT" "$*"; }

# cgroup mode of this host, as climit sees it: v1, hybrid or v2.
cg_mode() {
	if grep -q ' - cgroup cgroup .*\(memory\|pids\|cpu\)' /proc/self/mountinfo; then
		grep -q ' - cgroup2 ' /proc/self/mountinfo && echo hybrid || echo v1
	else
		echo v2
	fi
}
CG_MODE=$(cg_mode)
# Where a run without --parent puts group NAME: cgroupfs PARENT/NAME, or under systemd (cgroup v2
# booted with systemd) SLICE/climit-NAME.scope/NAME, SLICE being root's climit.slice or the
# user manager's (climit(1), PLACEMENT).
if [ "$CG_MODE" = v2 ] && [ -d /run/systemd/system ]; then
	PLACEMENT=systemd
	if [ "$(id -u)" = 0 ]; then SD_SLICE=climit.slice
	else SD_SLICE=user.slice/user-$(id -u).slice/user@$(id -u).service/climit.slice; fi
else
	PLACEMENT=cgroupfs SD_SLICE=
fi
# Where climit top, ls and stats look by default.
if [ "$PLACEMENT" = systemd ]; then TOP_PARENT=$SD_SLICE; else TOP_PARENT=climit; fi
# Relative path of group NAME of a run without --parent.
grp_rel() {
	if [ "$PLACEMENT" = systemd ]; then echo "$SD_SLICE/climit-$1.scope/$1"; else echo "climit/$1"; fi
}
# Directory of controller C (memory, pids, cpu, cpuacct, freezer) for group PARENT/NAME.
cg_dir() {
	local ctrl=$1 rel=$2 mnt
	# The default parent "climit/NAME" lives in a scope under systemd.
	[[ $rel =~ ^climit/([^/]+)$ ]] && rel=$(grp_rel "${BASH_REMATCH[1]}")
	# Fields after the optional ones: the one after "-" is the fs type, then source, options.
	if [ "$CG_MODE" = v2 ]; then
		mnt=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	else
		mnt=$(awk -v c="$ctrl" '{ for (i = 7; $i != "-"; i++); if ($(i+1) != "cgroup") next
			n = split($(i+3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' /proc/self/mountinfo)
	fi
	echo "$mnt/$rel"
}
# Every directory named NAME under any cgroup hierarchy (to prove removal).
cg_leftovers() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d \( -name "$1" -o -name "climit-$1.scope" \) 2>/dev/null
}
# True when a group NAME exists in some hierarchy (a command, so wait_for re-checks it each time).
group_exists() { [ -n "$(cg_leftovers "$1")" ]; }
# End background climits a test started (also on its failure paths): SIGTERM, then bounded wait.
stop_bg() {
	local p
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null && wait_bounded "$p" 10 >/dev/null 2>&1
	done
	return 0
}
# Wait until COMMAND succeeds, at most SECONDS (polling every 50 ms).
wait_for() {
	local secs=$1; shift
	local end=$(( $(date +%s%N) + secs * 1000000000 ))
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
expect_eq() { # expect_eq WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] && return 0
	fail "$1: expected '$2', got '$3'"
	return 1
}
# Wait for background PID at most SECS; SIGKILL it after that. Returns its exit status.
wait_bounded() {
	local pid=$1 secs=$2 i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt $((secs * 20)) ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$pid" 2>/dev/null && { echo "  (pid $pid still running after ${secs}s: killed)"; kill -KILL "$pid"; }
	wait "$pid"
}
