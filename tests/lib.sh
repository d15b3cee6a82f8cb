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

# Results also go to fd 9 when the harness opened it (tests/run.sh): a line of a test's own
# output without its newline cannot hide them there.
_result() {
	printf '%s\n' "$1"
	{ printf '%s\n' "$1" >&9; } 2>/dev/null || true
}
pass() { T_PASSED=$((T_PASSED + 1)); _result "PASS $T_CURRENT"; }
fail() { T_FAILED=$((T_FAILED + 1)); _result "FAIL $T_CURRENT: $*"; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); _result "SKIP $T_CURRENT: $*"; }

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
# The memory limit of group climit/NAME as the kernel has it (control.sh, io.sh).
_mem_limit() {
	if [ "$CG_MODE" = v2 ]; then cat "$(cg_dir memory "climit/$1")/memory.max"
	else cat "$(cg_dir memory "climit/$1")/memory.limit_in_bytes"; fi
}
# Every directory named NAME under any cgroup hierarchy (to prove removal).
cg_leftovers() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d \( -name "$1" -o -name "climit-$1.scope" \) 2>/dev/null
}
# True when a group NAME exists in some hierarchy (a command, so wait_for re-checks it each time).
# The group NAME itself (not only its scope, which under systemd comes first) holding a process:
# the workload has started.
group_exists() {
	local d
	for d in $(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "$1" 2>/dev/null); do
		grep -q . "$d/cgroup.procs" 2>/dev/null && return 0 # (kernfs files report size 0)
	done
	return 1
}
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

# Shared by every file (a file may run alone: CLIMIT_TEST_FILES). The helper programs:
H=$PWD/tests/helpers
# The interactive screen is driven through a private tmux server (tmux -L), never the caller's
# terminal.
TMUX_SOCK=climit-test-$$

tm() { tmux -L "$TMUX_SOCK" "$@"; }
screen() { tm capture-pane -p -t t; }
# Start `climit top ARGS` in a 100x30 tmux session named t.
top_start() {
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 100 -y 30 "TERM=xterm-256color LANG=C.UTF-8 $CLIMIT top $*; sleep 30"
}
top_stop() { tm kill-server 2>/dev/null; return 0; }
screen_has() { screen | grep -qF -- "$1"; }
# Filter the table down to NAME so the next key acts on it.
_select() {
	tm send-keys -t t / "$1" Enter
	sleep 0.5
}

# A busybox-static rootfs for the isolation tests (isolate.sh, promises.sh, rootless.sh).
ISO_BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)

# Build a busybox rootfs in a new temporary directory; prints its path.
iso_rootfs() {
	local r; r=$(mktemp -d /var/tmp/climit-test-rootfs.XXXXXX) || return 1
	mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root"
	chmod 755 "$r" # mktemp -d makes it 0700: a container's --uid user could not enter /
	cp "$ISO_BUSYBOX" "$r/bin/busybox" || return 1
	# busybox --install needs a chroot (root); a normal user makes the links one by one (slower:
	# one ln per applet, ~10 s under the guests' TCG).
	if [ "$(id -u)" = 0 ]; then chroot "$r" /bin/busybox --install -s /bin || return 1
	else local app; for app in $("$ISO_BUSYBOX" --list); do [ "$app" = busybox ] || ln -s busybox "$r/bin/$app"; done; fi
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/tmp:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nalice:x:1000:\n' >"$r/etc/group"
	echo "$r"
}
iso_have() {
	[ -x "$ISO_BUSYBOX" ] || { skip "busybox-static not installed (make test-deps installs it)"; return 1; }
	return 0
}
# Staging directories, overlay mounts or climit records left behind by a run named NAME.
iso_leftovers() {
	local name=$1
	ls -d "$CLIMIT_RUNTIME_DIR/.$name"-* 2>/dev/null
	grep -F "/.$name-" /proc/self/mountinfo
	[ -e "$CLIMIT_RUNTIME_DIR/$name" ] && echo "record $CLIMIT_RUNTIME_DIR/$name"
	cg_leftovers "$name"
	return 0
}

# Run COMMAND with user namespaces switched off (user.max_user_namespaces = 0), then restore the
# setting. Status 200 and a reason on stdout where the setting cannot be changed.
without_userns() {
	local saved rc; saved=$(cat /proc/sys/user/max_user_namespaces)
	if ! echo 0 2>/dev/null >/proc/sys/user/max_user_namespaces; then
		echo "cannot switch user namespaces off here (/proc/sys/user/max_user_namespaces is read-only)"
		return 200
	fi
	"$@"; rc=$?
	echo "$saved" >/proc/sys/user/max_user_namespaces
	return $rc
}
