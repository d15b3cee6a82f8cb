#!/usr/bin/env bash
# Builds the upper layer of the systemd guest (run-v2.sh systemd): what turns the host's own
# root, shared read-only, into a small systemd machine with one logged-in normal user.
# Usage: systemd-seed.sh SRC DIR. Runs as root on the host (whiteouts are device nodes).
set -euo pipefail
src=$1 seed=$2
user=tester uid=1000
mkdir -p "$seed"/etc/systemd/system "$seed"/etc/systemd/user "$seed"/etc/systemd/journald.conf.d \
	"$seed"/etc/tmpfiles.d "$seed"/var/lib/systemd/linger "$seed"/etc/systemd/user-generators \
	"$seed"/etc/systemd/system-generators "$seed"/etc/systemd/user-environment-generators "$seed"/home

# The test user, uid 1000, replacing whatever the host calls uid 1000.
strip() { awk -F: -v u="$user" -v id="$uid" '$1 != u && $3 != id' "$1"; }
strip_name() { awk -F: -v u="$user" '$1 != u' "$1"; }
{ strip /etc/passwd; echo "$user:x:$uid:$uid:climit test user:/home/$user:/bin/bash"; } >"$seed/etc/passwd"
{ strip /etc/group; echo "$user:x:$uid:"; } >"$seed/etc/group"
hostuser=$(awk -F: -v id="$uid" '$3 == id { print $1 }' /etc/passwd)
{ awk -F: -v u="$user" -v h="$hostuser" '$1 != u && $1 != h' /etc/shadow; echo "$user:!:19000::::::"; } >"$seed/etc/shadow"
{ [ -e /etc/gshadow ] && awk -F: -v u="$user" -v h="$hostuser" '$1 != u && $1 != h' /etc/gshadow; echo "$user:!::"; } >"$seed/etc/gshadow"
chmod 640 "$seed/etc/shadow" "$seed/etc/gshadow"
chgrp shadow "$seed/etc/shadow" "$seed/etc/gshadow" 2>/dev/null || true
echo "$user:100000:65536" >"$seed/etc/subuid"
echo "$user:100000:65536" >"$seed/etc/subgid"
mkdir -p "$seed/home/$user"
chown "$uid:$uid" "$seed/home/$user"
touch "$seed/var/lib/systemd/linger/$user" # loginctl enable-linger
: >"$seed/etc/fstab"
: >"$seed/etc/machine-id"
# tmpfiles' "D /tmp" would empty /tmp at boot, hiding a checkout shared there.
ln -s /dev/null "$seed/etc/tmpfiles.d/tmp.conf"
printf '[Journal]\nStorage=volatile\n' >"$seed/etc/systemd/journald.conf.d/volatile.conf"

# Boot to a small target: D-Bus, logind, user sessions, and the test unit.
cat >"$seed/etc/systemd/system/climit-test.target" <<EOF
[Unit]
Description=climit test machine
Requires=basic.target
Wants=dbus.socket dbus.service systemd-logind.service systemd-user-sessions.service climit-test.service
After=basic.target
AllowIsolate=yes
EOF
cat >"$seed/etc/systemd/system/climit-test.service" <<EOF
[Unit]
Description=climit integration tests
After=basic.target dbus.service systemd-logind.service systemd-user-sessions.service
[Service]
Type=exec
ExecStart=/bin/bash $src/tests/vm/guest-systemd.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
EOF
ln -s climit-test.target "$seed/etc/systemd/system/default.target"
for u in systemd-timesyncd.service getty@.service serial-getty@.service console-getty.service \
	networking.service systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
	systemd-udev-trigger.service systemd-udev-settle.service systemd-networkd.service \
	systemd-resolved.service swap.target cryptsetup.target systemd-pstore.service \
	systemd-random-seed.service systemd-firstboot.service systemd-modules-load.service \
	sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
	sys-kernel-config.mount dev-hugepages.mount dev-mqueue.mount systemd-binfmt.service \
	proc-sys-fs-binfmt_misc.automount systemd-hwdb-update.service systemd-journal-catalog-update.service \
	systemd-update-done.service ldconfig.service e2scrub_reap.service smartd.service \
	systemd-sysusers.service apt-daily.timer apt-daily-upgrade.timer man-db.timer \
	dpkg-db-backup.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer \
	systemd-rfkill.socket systemd-boot-system-token.service systemd-oomd.service; do
	ln -sf /dev/null "$seed/etc/systemd/system/$u"
done
for g in systemd-gpt-auto-generator systemd-cryptsetup-generator systemd-veritysetup-generator \
	systemd-hibernate-resume-generator systemd-getty-generator systemd-bless-boot-generator \
	systemd-sysv-generator systemd-rc-local-generator systemd-run-generator; do
	ln -sf /dev/null "$seed/etc/systemd/system-generators/$g"
done
ln -sf /dev/null "$seed/etc/systemd/user-generators/systemd-xdg-autostart-generator"
for g in /usr/lib/systemd/user-environment-generators/*; do
	[ -e "$g" ] && ln -sf /dev/null "$seed/etc/systemd/user-environment-generators/$(basename "$g")"
done
# Whiteouts (character device 0:0) hide host files in the overlay: /.dockerenv would make
# systemd believe it runs in a docker container; units enabled on the host must not start here.
[ -e /.dockerenv ] && mknod "$seed/.dockerenv" c 0 0
for w in /etc/systemd/system/*.wants /etc/systemd/user/*.wants; do
	[ -e "$w" ] || continue
	mkdir -p "$seed$(dirname "$w")"
	mknod "$seed$w" c 0 0
done
exit 0
