# Runs last (tests run in name order): the whole suite left nothing behind.

test_zz_suite_left_no_group_record_mount_or_process() {
	local groups records mounts procs
	groups=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name '*climit-test-*' 2>/dev/null)
	records=$(ls -A "$CLIMIT_RUNTIME_DIR" 2>/dev/null | grep climit-test)
	# Mount points naming climit, except the checkout itself (its path may say climit, and the
	# v2 guest mounts it over virtio-9p).
	mounts=$(awk -v src="$PWD" '$5 ~ /climit/ && $5 != src { print $5 }' /proc/self/mountinfo)
	procs=$(pgrep -af 'climit-test|tests/helpers/(hog|forkloop|burn)' | grep -v pgrep)
	[ -z "$groups$records$procs$mounts" ] && pass ||
		fail "groups: $groups records: $records mounts: $mounts procs: $procs"
}
