#!/usr/bin/env bash
# Runs climit's integration suite inside a real cgroup-v2 kernel: Debian's own kernel booted with
# cgroup_no_v1=all under qemu TCG (no KVM here), PVH entry of the bare vmlinux, the host's / shared
# read-only over virtio-9p as the lower layer of an overlay root (so the guest runs the host's own
# climit, libraries, bash and jq), the source tree shared read-write at the same path.
# Prints the guest's test output; its last line is the guest's "N passed, N failed, N skipped".
# Exit status: 0 if the guest ran and passed, 1 otherwise (a guest that does not boot fails).
#
# `run-v2.sh systemd` boots systemd 252 (the host's own) as PID 1 instead of a busybox script,
# with a logged-in normal user (tester, uid 1000: lingering, user@1000.service, user bus),
# and runs the suite once as root under systemd and once as that user (tests/vm/guest-systemd.sh).
# The guest's changes to the host's root (users, units, masks) are built here as a seed that the
# initramfs copies into the overlay's upper layer before the root is mounted.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
kind=${1:-busybox}
# The systemd guest runs the suite twice (root, then a normal user) and on a busy machine its
# root pass alone took over 1000 s (2026-12-02: it boots 50% slower than the day before): 3000 s.
if [ "$kind" = systemd ]; then boot_timeout=${CLIMIT_VM_TIMEOUT:-3000}; else boot_timeout=${CLIMIT_VM_TIMEOUT:-1500}; fi

kdir=$("$src/tests/vm/fetch-kernel.sh") || { echo "v2 guest: cannot fetch the kernel"; exit 1; }
ver=$(basename "$kdir")
command -v qemu-system-x86_64 >/dev/null || { echo "v2 guest: qemu-system-x86_64 missing (make test-deps)"; exit 1; }
bb=$(command -v busybox || echo /bin/busybox)
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=/usr/lib/klibc/bin/busybox
[ -x /bin/busybox ] && bb=/bin/busybox

work=$(mktemp -d /tmp/climit-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/initrd/{bin,mods,proc,sys,dev,lower,upper,newroot}
cp "$bb" "$work/initrd/bin/busybox"
i=0
for m in $(for mod in 9pnet_virtio 9p overlay loop bfq ext4; do modprobe -d "$kdir/root" -S "$ver" --show-depends "$mod"; done |
	   awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
	cp "$m" "$work/initrd/mods/$(printf %02d $i)-$(basename "$m")"; i=$((i + 1))
done
cat >"$work/initrd/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in /mods/*; do insmod \$m || echo "init: insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /lower || echo "init: 9p root failed"
mount -t tmpfs -o size=512m tmpfs /upper && mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot || echo "init: overlay failed"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 src /newroot$src || echo "init: 9p src failed"
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /bin/bash $src/tests/vm/guest.sh
INIT
chmod +x "$work/initrd/init"
if [ "$kind" = systemd ]; then
	bash "$src/tests/vm/systemd-seed.sh" "$src" "$work/initrd/seed" || { echo "v2 guest: cannot build the systemd seed"; exit 1; }
	# The seed becomes the upper layer before the overlay is mounted; PID 1 is systemd.
	sed -i -e 's#^mount -t overlay#cp -a /seed/. /upper/u/ \&\& rm -rf /seed\nmount -t overlay#' \
		-e "s#^exec switch_root .*#exec switch_root /newroot /lib/systemd/systemd#" "$work/initrd/init"
fi
(cd "$work/initrd" && find . | cpio -o -H newc --quiet | gzip -1 >"$work/initrd.gz")

sd_append=""
[ "$kind" = systemd ] && sd_append="systemd.show_status=0 systemd.log_level=warning systemd.log_target=console"
start=$(date +%s)
timeout "$boot_timeout" qemu-system-x86_64 -nodefaults -display none -accel tcg,thread=single -cpu max -m "${CLIMIT_VM_MEM:-1536}" -smp 2 \
	-no-reboot -kernel "$kdir/vmlinux" -initrd "$work/initrd.gz" \
	-append "console=ttyS1 cgroup_no_v1=all panic=-1 cryptomgr.notests mitigations=off quiet rdinit=/init $sd_append ${CLIMIT_VM_APPEND:-}" \
	-serial "file:$work/guest.out" -serial "file:$work/kernel.log" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$src,mount_tag=src,security_model=none,multidevs=remap" </dev/null
rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' <"$work/guest.out"
echo "v2 guest ($kind): qemu exited $rc after ${elapsed}s (kernel $ver)"
boot=$(grep -o 'booted in [0-9.]*s' "$work/guest.out" | head -1)
[ -n "$boot" ] && echo "v2 guest: $boot"
result=$(tr -d '\r' <"$work/guest.out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
if [ -z "$result" ]; then
	echo "v2 guest: no result line; kernel log tail:"
	tail -30 "$work/kernel.log"
	exit 1
fi
grep -Eq '^[0-9]+ passed, 0 failed' <<<"$result"
