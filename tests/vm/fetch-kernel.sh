#!/usr/bin/env bash
# Fetch Debian's own kernel (linux-image-6.12-amd64's current version) into tests/vm/cache/,
# without installing it (installing runs update-initramfs for minutes): apt-get download +
# dpkg-deb -x, then extract the uncompressed vmlinux for qemu's fast PVH boot and run depmod.
# Idempotent; prints the cache directory of the kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$here/cache
mkdir -p "$cache"
meta=${CLIMIT_VM_KERNEL_META:-linux-image-6.12-amd64}
pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
	# The package lists may be missing on a fresh machine.
	apt-get update -qq >&2
	pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$pkg" ] || { echo "fetch-kernel: no kernel package behind $meta" >&2; exit 1; }
ver=${pkg#linux-image-}
dir=$cache/$ver
if [ ! -e "$dir/vmlinux" ]; then
	rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -q "$pkg" >&2 2>/dev/null) || (cd "$dir.tmp" && apt-get download -q "$pkg" >&2)
	dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/root"
	# The bzImage carries a compressed ELF (zstd in Debian's 6.12, xz in others); qemu boots the
	# bare ELF via PVH in half the time. Try each magic, as the kernel's extract-vmlinux does.
	bz=$dir.tmp/root/boot/vmlinuz-$ver
	for magic in '\x28\xb5\x2f\xfd:zstd -dc' '\xfd7zXZ\x00:xz -dc'; do
		for off in $(LC_ALL=C grep -obUaP "${magic%%:*}" "$bz" | cut -d: -f1); do
			tail -c +$((off + 1)) "$bz" | ${magic#*:} 2>/dev/null >"$dir.tmp/vmlinux" || true
			[ "$(head -c 4 "$dir.tmp/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] && break 2
		done
	done
	[ "$(head -c 4 "$dir.tmp/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		{ echo "fetch-kernel: no vmlinux found in $bz" >&2; exit 1; }
	depmod -b "$dir.tmp/root" "$ver"
	mv "$dir.tmp/root" "$dir.tmp/mods"
	mkdir -p "$dir"
	mv "$dir.tmp/vmlinux" "$dir/vmlinux"
	rm -rf "$dir/root"; mv "$dir.tmp/mods" "$dir/root"
	rm -rf "$dir.tmp"
fi
echo "$dir"
