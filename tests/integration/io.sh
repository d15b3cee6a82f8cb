# I/O limits and figures (--io-*), on a loop device over a file in memory: the only block I/O
# the tests cause is the loop device's own, so what the kernel throttles and counts is what dd
# did. Every test detaches its loop device and removes its file.

# A loop device over a new 64 MiB file; prints "DEVICE FILE".
io_loop() {
	local dir=/dev/shm f dev
	[ -d "$dir" ] && [ -w "$dir" ] || dir=/tmp
	f=$(mktemp "$dir/climit-test-io.XXXXXX") || return 1
	truncate -s 64M "$f"
	dev=$(losetup -f --show ${2:-} "$f") || { rm -f "$f"; return 1; }
	echo "$dev $f"
}
io_unloop() { # DEVICE FILE [MOUNTPOINT]
	[ -n "${3:-}" ] && { umount "$3" 2>/dev/null; rmdir "$3"; }
	losetup -d "$1" 2>/dev/null
	rm -f "$2"
}
io_can() {
	command -v losetup >/dev/null || { skip "no losetup"; return 1; }
	[ -e /dev/loop-control ] || { skip "no loop device support (/dev/loop-control)"; return 1; }
	[ "$(id -u)" = 0 ] || { skip "loop devices need root"; return 1; }
	local c=io; [ "$CG_MODE" = v2 ] || c=blkio
	if [ "$CG_MODE" = v2 ]; then
		grep -qw io "$(cg_dir io "")/cgroup.controllers" || { skip "no io controller in cgroup v2"; return 1; }
	else
		grep -q ' - cgroup cgroup .*blkio' /proc/self/mountinfo || { skip "no blkio hierarchy"; return 1; }
	fi
}
# "BYTES SECONDS" of dd's summary line in FILE.
dd_figures() { awk '/copied/ { print $1, $(NF-3) }' "$1"; }
# "4.1M" -> bytes (the table's sizes).
to_bytes() { awk -v v="$1" 'BEGIN { m = 1; u = substr(v, length(v)); if (u == "K") m = 1024; else if (u == "M") m = 1048576;
	else if (u == "G") m = 1073741824; printf "%d", (v + 0) * m }'; }
# Is VALUE within PCT% of TARGET?
near() { awk -v v="$1" -v t="$2" -v p="$3" 'BEGIN { exit !(v >= t * (100 - p) / 100 && v <= t * (100 + p) / 100) }'; }
# MiB/s (or ops/s with a block count) as an integer percentage of a target: "pct BYTES SECS TARGET"
pct_of() { awk -v b="$1" -v s="$2" -v t="$3" 'BEGIN { printf "%d", 100 * b / s / t }'; }

# dd through the limit moves at the limit (±20%), and without it several times faster; the
# report names the device and counts what dd says it moved (within 10%).
test_io_write_bps_throttles_and_the_report_counts_it() {
	io_can || return
	local lo dev f out b s pct fast
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	"$CLIMIT" --name climit-test-iow --io-write-bps "$dev=5M" --report=json -- \
		dd if=/dev/zero of="$dev" bs=64k count=160 oflag=direct 2>/tmp/climit-test-iow.$$
	read -r b s <<<"$(dd_figures /tmp/climit-test-iow.$$)"
	out=$(grep '^{' /tmp/climit-test-iow.$$)
	"$CLIMIT" --name climit-test-iow -- dd if=/dev/zero of="$dev" bs=64k count=160 oflag=direct 2>/tmp/climit-test-iow.$$
	fast=$(dd_figures /tmp/climit-test-iow.$$)
	rm -f /tmp/climit-test-iow.$$
	io_unloop "$dev" "$f"
	expect_eq "bytes dd wrote" 10485760 "$b" || return
	pct=$(pct_of "$b" "$s" 5242880)
	[ "$pct" -ge 80 ] && [ "$pct" -le 120 ] || { fail "throttled to $pct% of 5M/s ($b bytes in $s s)"; return; }
	read -r b s <<<"$fast"
	[ "$(pct_of "$b" "$s" 5242880)" -ge 300 ] || { fail "unthrottled only $(pct_of "$b" "$s" 5242880)% of 5M/s"; return; }
	local name=${dev#/dev/} wb lim via
	wb=$(jq -r --arg d "$name" '.io_devices[] | select(.device == $d) | .write_bytes' <<<"$out")
	lim=$(jq -r --arg d "$name" '.io_devices[] | select(.device == $d) | .write_limit_bytes_per_second' <<<"$out")
	via=$(jq -r --arg d "$name" '.io_devices[] | select(.device == $d) | .chosen_by' <<<"$out")
	expect_eq "limit in the report" 5242880 "$lim" || return
	expect_eq "device as chosen" "$dev is $name" "$via" || return
	[ "$wb" -ge 9437184 ] && [ "$wb" -le 11534336 ] || { fail "report: $wb bytes written to $name, dd wrote 10485760"; return; }
	[ -z "$(cg_leftovers climit-test-iow)" ] || { fail "group left behind"; return; }
	pass
}

# Reads the same, with the device named by MAJ:MIN; the limit is in the kernel's own file.
test_io_read_bps_by_major_minor() {
	io_can || return
	local lo dev f b s pct mm file got
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	mm=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
	if [ "$CG_MODE" = v2 ]; then file="$(cg_dir io climit/climit-test-ior)/io.max"
	else file="$(cg_dir blkio climit/climit-test-ior)/blkio.throttle.read_bps_device"; fi
	got=$("$CLIMIT" --name climit-test-ior --io-read-bps "$mm=5M" -- sh -c \
		"cat '$file'; dd if='$dev' of=/dev/null bs=64k count=160 iflag=direct 2>/tmp/climit-test-ior.$$")
	read -r b s <<<"$(dd_figures /tmp/climit-test-ior.$$)"
	rm -f /tmp/climit-test-ior.$$
	io_unloop "$dev" "$f"
	case $got in
	"$mm rbps=5242880 wbps=max riops=max wiops=max" | "$mm 5242880") ;;
	*) fail "limit file: '$got'"; return ;;
	esac
	pct=$(pct_of "$b" "$s" 5242880)
	[ "$pct" -ge 80 ] && [ "$pct" -le 120 ] || { fail "reads throttled to $pct% of 5M/s ($b bytes in $s s)"; return; }
	pass
}

# IOPS limits, both ways: 4 KiB direct I/O, one operation per block.
test_io_iops_limits_hold() {
	io_can || return
	local lo dev f b s rpct wpct fast
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	"$CLIMIT" --io-write-iops "$dev=50" -- dd if=/dev/zero of="$dev" bs=4k count=100 oflag=direct 2>/tmp/climit-test-iops.$$
	read -r b s <<<"$(dd_figures /tmp/climit-test-iops.$$)"
	wpct=$(pct_of "$((b / 4096))" "$s" 50)
	"$CLIMIT" --io-read-iops "$dev=50" -- dd if="$dev" of=/dev/null bs=4k count=100 iflag=direct 2>/tmp/climit-test-iops.$$
	read -r b s <<<"$(dd_figures /tmp/climit-test-iops.$$)"
	rpct=$(pct_of "$((b / 4096))" "$s" 50)
	"$CLIMIT" -- dd if="$dev" of=/dev/null bs=4k count=100 iflag=direct 2>/tmp/climit-test-iops.$$
	read -r b s <<<"$(dd_figures /tmp/climit-test-iops.$$)"
	fast=$(pct_of "$((b / 4096))" "$s" 50)
	rm -f /tmp/climit-test-iops.$$
	io_unloop "$dev" "$f"
	[ "$wpct" -ge 80 ] && [ "$wpct" -le 120 ] || { fail "writes at $wpct% of 50 IOPS"; return; }
	[ "$rpct" -ge 80 ] && [ "$rpct" -le 120 ] || { fail "reads at $rpct% of 50 IOPS"; return; }
	[ "$fast" -ge 300 ] || { fail "unthrottled reads only $fast% of 50 IOPS"; return; }
	pass
}

# While dd writes 16 MiB at 4M/s (4 s, long enough for two samplers under emulation): top's WRITE/s (also with --all, every cgroup), then, dd done, ls,
# stats --json and the Prometheus metrics count the bytes dd wrote (within 10%).
test_io_columns_ls_stats_and_metrics_show_the_bytes() {
	io_can || return
	local lo dev f pid frame rate all ls js prom b name
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	name=${dev#/dev/}
	"$CLIMIT" --name climit-test-iocol --io-write-bps "$dev=4M" -- sh -c \
		"dd if=/dev/zero of='$dev' bs=64k count=256 oflag=direct 2>/tmp/climit-test-iocol.$$; sleep 30" &
	pid=$!
	wait_for 10 group_exists climit-test-iocol || { stop_bg $pid; io_unloop "$dev" "$f"; fail "no group"; return; }
	sleep 0.5
	frame=$("$CLIMIT" top -b -n 2 -d 1 | awk '/^$/ { n++ } n == 1')
	all=$("$CLIMIT" top --all -b -n 2 -d 1 | awk '/^$/ { n++ } n == 1' | grep 'climit-test-iocol *running')
	wait_for 15 grep -q copied /tmp/climit-test-iocol.$$
	ls=$("$CLIMIT" ls | awk '$1 == "climit-test-iocol" { print $9 }')
	js=$("$CLIMIT" stats climit-test-iocol --json -d 0.2)
	"$CLIMIT" top -b -n 1 --prometheus-file /tmp/climit-test-iocol.prom.$$ >/dev/null
	prom=$(grep "^climit_io_write_bytes_total{container=\"climit-test-iocol\",device=\"$name\"}" /tmp/climit-test-iocol.prom.$$ | awk '{ print $2 }')
	local plim
	plim=$(grep "^climit_io_limit_write_bytes_per_second{container=\"climit-test-iocol\",device=\"$name\"}" /tmp/climit-test-iocol.prom.$$ | awk '{ print $2 }')
	b=$(dd_figures /tmp/climit-test-iocol.$$ | cut -d' ' -f1)
	stop_bg $pid
	rm -f /tmp/climit-test-iocol.$$ /tmp/climit-test-iocol.prom.$$
	io_unloop "$dev" "$f"
	expect_eq "bytes dd wrote" 16777216 "$b" || return
	# WRITE/s (column 16 of the batch table) while dd ran: 4M/s within 30% (one-second samples).
	rate=$(awk '$1 == "climit-test-iocol" { print $16 }' <<<"$frame")
	near "$(to_bytes "$rate")" 4194304 30 || { fail "WRITE/s '$rate' in: $frame"; return; }
	rate=$(awk '{ print $16 }' <<<"$all")
	near "$(to_bytes "$rate")" 4194304 30 || { fail "--all WRITE/s '$rate' in: $all"; return; }
	near "$(to_bytes "$ls")" 16777216 10 || { fail "ls WRITTEN '$ls'"; return; }
	local jb jd
	jb=$(jq -r .io_write_bytes <<<"$js"); jd=$(jq -r --arg d "$name" '.io_devices[] | select(.device == $d) | .write_limit_bytes_per_second' <<<"$js")
	near "$jb" 16777216 10 || { fail "stats io_write_bytes $jb"; return; }
	expect_eq "stats limit" 4194304 "$jd" || return
	near "${prom:-0}" 16777216 10 || { fail "metric $prom"; return; }
	expect_eq "metric limit" 4194304 "$plim" && pass
}

# A path on a partition throttles the partition's disk (the kernel refuses partitions), and the
# report says so.
test_io_path_on_a_partition_resolves_to_its_disk() {
	io_can || return
	command -v mkfs.ext4 >/dev/null || { skip "no mkfs.ext4"; return; }
	if [ -r /proc/config.gz ] && ! zcat /proc/config.gz | grep -q '^CONFIG_MSDOS_PARTITION=y'; then
		skip "this kernel reads no MBR partition tables (CONFIG_MSDOS_PARTITION is off)"; return
	fi
	local lo dev f mnt out mm via
	lo=$(io_loop "" -P) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	losetup -d "$dev"
	# An MBR with one Linux partition from sector 2048 to the end.
	python3 -c '
import struct, sys
f = open(sys.argv[1], "r+b")
entry = struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x83, b"\0\0\0", 2048, 64 * 2048 - 2048)
f.seek(446); f.write(entry); f.seek(510); f.write(b"\x55\xaa")' "$f"
	dev=$(losetup -f --show -P "$f") || { rm -f "$f"; fail "losetup -P"; return; }
	local sysp=/sys/block/${dev#/dev/}/${dev#/dev/}p1 made=""
	wait_for 5 test -e "$sysp/dev" || { io_unloop "$dev" "$f"; fail "the kernel found no partition on $dev"; return; }
	# Without devtmpfs or udev (a container's static /dev) the node is made here.
	if ! [ -b "${dev}p1" ]; then
		mknod "${dev}p1" b "$(cut -d: -f1 "$sysp/dev")" "$(cut -d: -f2 "$sysp/dev")" && made=${dev}p1
	fi
	mkfs.ext4 -q "${dev}p1" && mnt=$(mktemp -d /tmp/climit-test-iomnt.XXXXXX) && mount "${dev}p1" "$mnt" ||
		{ io_unloop "$dev" "$f"; fail "cannot make a filesystem on ${dev}p1"; return; }
	mkdir "$mnt/db"
	out=$("$CLIMIT" --io-write-bps "$mnt/db=20M" --io-read-bps "${dev}p1=10M" --report=json -- true 2>&1 | grep '^{')
	mm=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
	io_unloop "$dev" "$f" "$mnt"
	[ -n "$made" ] && rm -f "$made"
	local name=${dev#/dev/}
	via=$(jq -r --arg d "$name" '.io_devices[] | select(.device == $d) | "\(.major):\(.minor) \(.write_limit_bytes_per_second) \(.read_limit_bytes_per_second) \(.chosen_by)"' <<<"$out")
	expect_eq "the disk's limits" "$mm 20971520 10485760 $mnt/db is on ${name}p1, a partition of $name" "$via" && pass
}

# --io-weight goes to BFQ's weight where the device uses BFQ (on BFQ's 1..1000 scale, as
# systemd maps it); a device without weight-based control is a 125 that says how to get it.
test_io_weight_needs_bfq_and_is_written() {
	io_can || return
	local lo dev f sched out rc file
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	sched=/sys/block/${dev#/dev/}/queue/scheduler
	grep -qw bfq "$sched" || { io_unloop "$dev" "$f"; skip "no bfq I/O scheduler in this kernel"; return; }
	echo none >"$sched"
	out=$("$CLIMIT" --name climit-test-iowt --io-weight "$dev=500" -- true 2>&1); rc=$?
	echo bfq >"$sched"
	local mm; mm=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
	if [ "$CG_MODE" = v2 ]; then file="$(cg_dir io climit/climit-test-iowt)/io.bfq.weight"
	else file="$(cg_dir blkio climit/climit-test-iowt)/blkio.bfq.weight_device"; fi
	local got; got=$("$CLIMIT" --name climit-test-iowt --io-weight "$dev=500" -- cat "$file" 2>&1 | grep "^$mm ")
	io_unloop "$dev" "$f"
	expect_eq "exit without bfq" 125 "$rc" || return
	case $out in "climit: --io-weight: \"$dev=500\": ${dev#/dev/} has no weight-based I/O control: its scheduler is none"*"echo bfq > /sys/block/${dev#/dev/}/queue/scheduler"*) ;;
	*) fail "message: $out"; return ;; esac
	[ "$(wc -l <<<"$out")" = 1 ] || { fail "not one line: $out"; return; }
	expect_eq "bfq weight of 500 on 1..1000" "$mm 136" "$got" || return
	[ -z "$(cg_leftovers climit-test-iowt)" ] && pass || fail "group left behind"
}

# climit set changes a running container's I/O limits: set prints each disk's limits before and
# after, the kernel's files hold the new ones, and dd started after it moves at the new rate.
test_set_io_limits_of_a_running_container() {
	io_can || return
	local lo dev f mm name=climit-test-ioset tmp=/tmp/climit-test-ioset.$$ out rc b s pct line
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	mm=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
	"$CLIMIT" --name $name --io-write-bps "$dev=50M" -- sh -c \
		"while [ ! -e $tmp.go ]; do sleep 0.05; done; exec dd if=/dev/zero of=$dev bs=64k count=80 oflag=direct 2>$tmp.dd" &
	local pid=$!
	wait_for 10 group_exists $name || { fail "not started"; stop_bg "$pid"; io_unloop "$dev" "$f"; return; }
	out=$("$CLIMIT" set $name --io-write-bps "$dev=2M" --io-read-iops "$mm=50" 2>&1); rc=$?
	if [ "$CG_MODE" = v2 ]; then line=$(grep "^$mm " "$(cg_dir io climit/$name)/io.max")
	else line="$(grep "^$mm " "$(cg_dir blkio climit/$name)/blkio.throttle.write_bps_device") $(grep "^$mm " "$(cg_dir blkio climit/$name)/blkio.throttle.read_iops_device")"; fi
	local json; json=$("$CLIMIT" set $name --io-write-bps "$mm=2M" --json 2>&1)
	touch $tmp.go
	wait "$pid"
	read -r b s <<<"$(dd_figures $tmp.dd)"
	rm -f $tmp.go $tmp.dd
	io_unloop "$dev" "$f"
	expect_eq "exit" 0 "$rc" || return
	expect_eq "set's line" "$name: io ${dev#/dev/} write 2M/s, read 50 IOPS (was write 50M/s)" "$out" || return
	if [ "$CG_MODE" = v2 ]; then expect_eq "io.max" "$mm rbps=max wbps=2097152 riops=50 wiops=max" "$line" || return
	else expect_eq "v1 throttle files" "$mm 2097152 $mm 50" "$line" || return; fi
	expect_eq "--json" "2097152 2097152 50" "$(jq -r --arg k "$mm" '.limits.io_limits[] | select("\(.major):\(.minor)" == $k) | "\(.was.write_limit_bytes_per_second) \(.now.write_limit_bytes_per_second) \(.now.read_limit_ops_per_second)"' <<<"$json")" || return
	expect_eq "bytes dd wrote" 5242880 "$b" || return
	pct=$(pct_of "$b" "$s" 2097152)
	[ "$pct" -ge 80 ] && [ "$pct" -le 120 ] || { fail "dd ran at $pct% of the new 2M/s ($b bytes in $s s)"; return; }
	[ -z "$(cg_leftovers $name)" ] && pass || fail "group left behind"
}

# All or nothing across disks: when the kernel refuses the second disk's limit, the first disk's
# and the memory limit written before it are put back.
test_set_io_is_all_or_nothing_across_disks() {
	io_can || return
	local lo1 lo2 d1 f1 d2 f2 mm1 mm2 name=climit-test-ioall out rc file fault m l1 l2
	lo1=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r d1 f1 <<<"$lo1"
	lo2=$(io_loop) || { io_unloop "$d1" "$f1"; fail "cannot set up a second loop device"; return; }
	read -r d2 f2 <<<"$lo2"
	mm1=$(lsblk -dno MAJ:MIN "$d1" | tr -d ' '); mm2=$(lsblk -dno MAJ:MIN "$d2" | tr -d ' ')
	"$CLIMIT" --name $name --mem 100M --io-write-bps "$d1=7M" --io-write-bps "$d2=9M" -- sleep 30 &
	local pid=$!
	if wait_for 10 group_exists $name; then
		if [ "$CG_MODE" = v2 ]; then file=io.max; else file=blkio.throttle.write_bps_device; fi
		out=$(CLIMIT_FAULT="write:$file#2" LD_PRELOAD=$H/fault.so "$CLIMIT" set $name --mem 200M \
			--io-write-bps "$d1=1M" --io-write-bps "$d2=2M" 2>&1); rc=$?
		m=$(_mem_limit $name)
		l1=$(grep "^$mm1 " "$(cg_dir "$([ "$CG_MODE" = v2 ] && echo io || echo blkio)" climit/$name)/$file")
		l2=$(grep "^$mm2 " "$(cg_dir "$([ "$CG_MODE" = v2 ] && echo io || echo blkio)" climit/$name)/$file")
	fi
	stop_bg "$pid"
	io_unloop "$d1" "$f1"; io_unloop "$d2" "$f2"
	expect_eq "exit" 125 "$rc" || return
	[[ $out == "climit: --io-write-bps: \"$d2=2M\": the kernel cannot throttle ${d2#/dev/} ($mm2): Permission denied (nothing changed: 2 changes undone)" ]] || { fail "message: $out"; return; }
	expect_eq "memory put back" $((100 << 20)) "$m" || return
	if [ "$CG_MODE" = v2 ]; then
		expect_eq "first disk put back" "$mm1 rbps=max wbps=7340032 riops=max wiops=max" "$l1" || return
		expect_eq "second disk as it was" "$mm2 rbps=max wbps=9437184 riops=max wiops=max" "$l2" || return
	else
		expect_eq "first disk put back" "$mm1 7340032" "$l1" || return
		expect_eq "second disk as it was" "$mm2 9437184" "$l2" || return
	fi
	pass
}

# climit set --io-weight: a disk without weight-based control is refused before anything is
# written (the memory limit asked for with it stays as it was); with bfq the weight is written
# and set prints it as the kernel's file has it, before and after.
test_set_io_weight_is_checked_first_then_written() {
	io_can || return
	local lo dev f sched mm name=climit-test-iosetw out rc m file got
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	sched=/sys/block/${dev#/dev/}/queue/scheduler
	grep -qw bfq "$sched" || { io_unloop "$dev" "$f"; skip "no bfq I/O scheduler in this kernel"; return; }
	mm=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
	echo none >"$sched"
	"$CLIMIT" --name $name --mem 100M -- sleep 30 &
	local pid=$!
	if wait_for 10 group_exists $name; then
		out=$("$CLIMIT" set $name --mem 150M --io-weight "$dev=500" 2>&1); rc=$?
		m=$(_mem_limit $name)
		echo bfq >"$sched"
		if [ "$CG_MODE" = v2 ]; then file=io.bfq.weight; else file=blkio.bfq.weight_device; fi
		local set; set=$("$CLIMIT" set $name --io-weight "$dev=500" 2>&1)
		got=$(grep "^$mm " "$(cg_dir "$([ "$CG_MODE" = v2 ] && echo io || echo blkio)" climit/$name)/$file")
	fi
	stop_bg "$pid"
	io_unloop "$dev" "$f"
	expect_eq "exit without bfq" 125 "$rc" || return
	[[ $out == "climit: --io-weight: \"$dev=500\": ${dev#/dev/} has no weight-based I/O control"* ]] || { fail "message: $out"; return; }
	[[ $out != *undone* ]] || { fail "written, then undone (not checked first): $out"; return; }
	expect_eq "memory as it was" $((100 << 20)) "$m" || return
	expect_eq "set's line" "$name: io-weight ${dev#/dev/} 136 (was 100; $file)" "$set" || return
	expect_eq "$file" "$mm 136" "$got" && pass
}

# Bad values, unknown devices, paths without a block device: one line naming the option and the
# value, exit 125, nothing created.
test_io_bad_devices_and_paths_are_refused() {
	local a out rc
	for a in "--io-read-bps=0" "--io-write-bps=fast" "--io-read-iops=0" "--io-weight=0" "--io-weight=10001" \
		 "--io-write-bps=/nonexistent/db=5M" "--io-write-bps=/proc=5M" "--io-read-bps=/dev/null=1M" \
		 "--io-read-bps=4095:4095=1M" "--io-read-bps==1M"; do
		out=$("$CLIMIT" --name climit-test-iobad "$a" -- true 2>&1); rc=$?
		expect_eq "exit for $a" 125 "$rc" || return
		[ "$(wc -l <<<"$out")" = 1 ] || { fail "$a: not one line: $out"; return; }
		case $out in "climit: ${a%%=*}: \"${a#*=}\": "*) ;; *) fail "$a: message: $out"; return ;; esac
	done
	case $("$CLIMIT" --io-write-bps=/proc=5M -- true 2>&1) in
	*"/proc is on proc"*"no block device"*) ;; *) fail "/proc: no word of its filesystem"; return ;; esac
	[ -z "$(cg_leftovers climit-test-iobad)" ] && pass || fail "group left behind"
}

# A normal user under systemd 252 has cpu, memory and pids delegated, not io: an --io-* limit is
# a 125 that names the controller and the drop-in that delegates it (and nothing is created).
test_user_io_limit_needs_the_io_controller_delegated() {
	[ "$PLACEMENT" = systemd ] || { skip "needs a systemd user session"; return; }
	local dev out rc
	dev=$(cd /sys/dev/block && ls | head -1)
	[ -n "$dev" ] || { skip "no block device at all"; return; }
	if grep -qw io "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/cgroup.controllers"; then
		out=$("$CLIMIT" --name climit-test-iouser --io-write-bps "$dev=5M" --report=json -- true 2>&1); rc=$?
		expect_eq "exit with io delegated" 0 "$rc" && pass
		return
	fi
	out=$("$CLIMIT" --name climit-test-iouser --io-write-bps "$dev=5M" -- true 2>&1); rc=$?
	expect_eq "exit" 125 "$rc" || return
	case $out in "climit: --io-write-bps: the io controller is not delegated to"*"Delegate=cpu cpuset io memory pids"*) ;;
	*) fail "message: $out"; return ;; esac
	[ -z "$(cg_leftovers climit-test-iouser)" ] || { fail "group left behind"; return; }
	# climit set on a running container: the same fix named, and nothing written (the memory
	# limit asked for with it stays as it was).
	"$CLIMIT" --name climit-test-iouser --mem 100M -- sleep 30 &
	local pid=$! m
	wait_for 10 sh -c "'$CLIMIT' ls 2>/dev/null | grep -q climit-test-iouser" || { fail "not started"; stop_bg "$pid"; return; }
	out=$("$CLIMIT" set climit-test-iouser --mem 150M --io-write-bps "$dev=5M" 2>&1); rc=$?
	m=$("$CLIMIT" stats climit-test-iouser --json -d 0.1 2>/dev/null | jq -r .memory_limit_bytes)
	stop_bg "$pid"
	expect_eq "set's exit" 125 "$rc" || return
	case $out in "climit: --io-write-bps: the io controller is not available in this group; as root, create"*"Delegate=cpu cpuset io memory pids"*) ;;
	*) fail "set's message: $out"; return ;; esac
	expect_eq "memory limit as it was" $((100 << 20)) "$m" || return
	[ -z "$(cg_leftovers climit-test-iouser)" ] && pass || fail "group left behind"
}

# The dashboard on a wide terminal (200 columns; from about 150 on v1, 170 with v2's PSI
# columns): READ/s and WRITE/s columns, and Enter shows the disk with its
# bytes and its limit.
test_io_top_shows_the_columns_and_each_disk_in_the_details() {
	io_can || return
	local lo dev f pid shot
	lo=$(io_loop) || { fail "cannot set up a loop device"; return; }
	read -r dev f <<<"$lo"
	"$CLIMIT" --name climit-test-iotop --io-write-bps "$dev=2M" --io-read-iops "$dev=300" -- \
		dd if=/dev/zero of="$dev" bs=64k count=400 oflag=direct 2>/dev/null &
	pid=$!
	tm kill-server 2>/dev/null
	tm new-session -d -s t -x 200 -y 40 "TERM=xterm-256color LANG=C.UTF-8 $CLIMIT top -d 0.5; sleep 30"
	wait_for 20 screen_has climit-test-iotop || { fail "not shown: $(screen)"; top_stop; stop_bg $pid; io_unloop "$dev" "$f"; return; }
	local head; head=$(screen | grep -m1 NAME)
	_select climit-test-iotop
	tm send-keys -t t Enter
	wait_for 10 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t t | grep -q '^  ${dev#/dev/} .*written [1-9]'" || true
	shot=$(screen)
	top_stop; stop_bg $pid
	io_unloop "$dev" "$f"
	[[ $head == *"READ/s"*"WRITE/s"* ]] || { fail "no I/O columns at 200 columns: $head"; return; }
	grep -q "^io read .*/s, write .*/s" <<<"$shot" || { fail "no io line in the details: $shot"; return; }
	grep -qE "^  ${dev#/dev/} +read [^ ]+ \(0 ops\), written [0-9.]+[KM] \([0-9]+ ops\)  limit: write 2M/s, read 300 IOPS" <<<"$shot" ||
		{ fail "no disk line in the details: $(grep -A3 "^io read" <<<"$shot")"; return; }
	pass
}
