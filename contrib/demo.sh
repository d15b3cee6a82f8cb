#!/usr/bin/env bash
# `make demo`: climit's main job on three bundled workloads, each under hard limits, with the
# end-of-run report. As root anywhere; as a normal user where systemd delegates cgroups (cgroup
# v2 with a user session), which is the path it then shows.
set -u
cd "$(dirname "$0")/.."
H=tests/helpers
if [ "$(id -u)" != 0 ]; then
	uid=$(id -u)
	scope=/sys/fs/cgroup/user.slice/user-$uid.slice/user@$uid.service
	if [ -e /sys/fs/cgroup/cgroup.controllers ] && [ -d /run/systemd/system ] && [ -e "$scope/cgroup.controllers" ]; then
		echo "make demo as $(id -un): no root needed. Each run goes into a scope of your systemd user manager"
		echo "(user@$uid.service), which delegates: $(cat "$scope/cgroup.controllers")."
		echo "climit doctor says what each limit gets; limits of controllers not delegated are refused with the fix."
	else
		have=$([ -e /sys/fs/cgroup/cgroup.controllers ] && echo "no systemd user session" || echo "cgroup v1")
		echo "make demo: as a normal user climit needs cgroup v2 and a systemd user session (runs go into your user manager's delegated scope); this machine has $have: run sudo make demo (climit doctor says more)" >&2
		exit 1
	fi
fi

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "1. A memory hog under a 64 MiB limit: the OOM killer ends it, exit 137" \
     "climit --mem 64M --report -- $H/hog"
./climit --mem 64M --report -- $H/hog; echo "exit status: $?"

step "2. A C fork loop under --pids 50: contained, then torn down after 3 s" \
     "climit --pids 50 --timeout 3 --report -- $H/forkloop"
./climit --pids 50 --timeout 3 --report -- $H/forkloop; echo "exit status: $? (124: --timeout)"

step "3. Two CPU burners under --cpu 50%: half a CPU between them, throttled" \
     "climit --cpu 50% --timeout 3 --report -- $H/burn 2"
./climit --cpu 50% --timeout 3 --report -- $H/burn 2; echo "exit status: $? (124: --timeout)"

step "4. All three at once, watched by climit top (batch frames; run it in a terminal for the dashboard)" \
     "climit top --batch -n 3 -d 1"
./climit --name demo-hog --mem 32M -- sh -c "for i in 1 2 3 4 5; do $H/hog; sleep 0.5; done" 2>/dev/null &
./climit --name demo-bomb --pids 50 --timeout 4 -- $H/forkloop 2>/dev/null &
./climit --name demo-burn --cpu 50% --timeout 4 -- $H/burn 2 2>/dev/null &
sleep 0.5
./climit top --batch -n 3 -d 1
wait

if command -v busybox >/dev/null; then
	r=$(mktemp -d /var/tmp/climit-demo-rootfs.XXXXXX)
	chmod 755 "$r"
	mkdir -p "$r/bin" && cp "$(command -v busybox)" "$r/bin/"
	# busybox --install needs a chroot (root); a normal user links the applets one by one.
	if [ "$(id -u)" = 0 ]; then chroot "$r" /bin/busybox --install -s /bin
	else for a in $(busybox --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done; fi
	step "5. The tutorials' container in one command: busybox rootfs under a throw-away overlay" \
	     "climit --mem 100M --pids 100 --cpu 25% --isolate --rootfs ROOTFS --overlay --hostname box -- /bin/sh -c 'hostname; ps; touch /new'"
	./climit --mem 100M --pids 100 --cpu 25% --isolate --rootfs "$r" --overlay --hostname box -- \
		/bin/sh -c 'hostname; ps -o pid,comm; touch /new && echo "created /new inside"'
	[ -e "$r/new" ] && echo "the image was modified?!" || echo "the image is untouched (no $r/new)"
	rm -rf "$r"
fi

step "6. Nothing left behind" "find /sys/fs/cgroup -path '*/climit/*' -o -path '*/climit.slice/*'"
# cgroupfs placement: climit/NAME; systemd's: climit.slice/climit-NAME.scope/NAME (root's or the user's).
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 9 -type d \( -path '*/climit/*' -o -path '*/climit.slice/*' \) 2>/dev/null)
echo "${left:-(no climit groups left)}"
