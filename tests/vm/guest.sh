#!/bin/bash
# PID 1 of the cgroup-v2 guest (see run-v2.sh): mount the kernel filesystems, mount cgroup2 the way
# systemd does and enable the controllers, run the integration suite, power off.
exec >/dev/ttyS0 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup
echo "+cpuset +cpu +io +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
src=$(cd "$(dirname "$0")/../.." && pwd)
# A checkout under /tmp or /run (CI's fresh clone may live there) would be hidden by the
# tmpfs mounts below: keep it bound elsewhere and move it back on top (a virtio-9p share
# cannot be mounted twice).
# The spare bind is undone when the checkout stayed visible: the suite's last test counts every
# mount left behind, and this one is not climit's.
mkdir -p /.src-bind && mount --bind "$src" /.src-bind
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
if [ ! -e "$src/tests/run.sh" ]; then
	mkdir -p "$src" && mount --move /.src-bind "$src"
else
	umount /.src-bind
fi
rmdir /.src-bind 2>/dev/null
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
# Loopback, as every booted system has it (the Prometheus endpoint test talks to 127.0.0.1).
ip link set lo up 2>/dev/null || busybox ip link set lo up
echo "v2 guest: booted in $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd "$src" || { echo "v2 guest: cannot enter $src"; echo o >/proc/sysrq-trigger; }
if [ -n "${CLIMIT_CAPTURE_FIXTURES:-}" ] || grep -q climit.capture /proc/cmdline; then
	bash tests/fixtures/capture.sh v2
fi
# climit.tests=REGEX on the kernel command line (CLIMIT_VM_APPEND) runs only matching tests.
tests=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^climit\.tests=//p')
CLIMIT_TESTS=$tests CLIMIT_IN_GUEST=1 CLIMIT_TEST_CPU_TOL=0.15 timeout 1200 bash tests/run.sh
# Whatever is left (a test's stray holding the console) must not keep the guest up.
kill -KILL -1 2>/dev/null
sync
echo o >/proc/sysrq-trigger
sleep 5
