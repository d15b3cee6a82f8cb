#!/usr/bin/env bash
# Runs every test: C unit tests, then the integration suites as root on this host's cgroups.
# Ends with the line "N passed, N failed, N skipped". Exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh

# The guest runs only the integration suite: the unit tests are the host's (same binary).
if [ -z "${CLIMIT_IN_GUEST:-}" ]; then
echo "== unit tests"
unit_out=$(./tests/unit/test_units 2>&1); unit_rc=$?
printf '%s\n' "$unit_out" | grep -E '^(FAIL|SKIP)' || true
up=$(printf '%s\n' "$unit_out" | grep -c '^PASS')
uf=$(printf '%s\n' "$unit_out" | grep -c '^FAIL')
us=$(printf '%s\n' "$unit_out" | grep -c '^SKIP')
[ "$unit_rc" -eq 0 ] || [ "$uf" -gt 0 ] || uf=1
echo "unit: $up passed, $uf failed"
T_PASSED=$((T_PASSED + up)); T_FAILED=$((T_FAILED + uf)); T_SKIPPED=$((T_SKIPPED + us))
fi

if [ "$(id -u)" != 0 ]; then
	echo "SKIP integration: needs root (real cgroups)"; T_SKIPPED=$((T_SKIPPED + 1))
else
	echo "== integration tests (host cgroup mode: $CG_MODE)"
	for f in tests/integration/*.sh; do
		source "$f"
	done
	for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -E -- "${CLIMIT_TESTS:-.}" | sort); do
		T_CURRENT=$t
		before=$((T_PASSED + T_FAILED + T_SKIPPED))
		"$t"
		[ $((T_PASSED + T_FAILED + T_SKIPPED)) -gt "$before" ] || fail "test recorded no result"
	done
fi
# The same integration suite on a real cgroup-v2 kernel (qemu guest), unless we are that guest.
if [ -z "${CLIMIT_IN_GUEST:-}" ] && [ "$(id -u)" = 0 ] && [ "$CG_MODE" != v2 ] && [ -z "${CLIMIT_NO_VM:-}" ]; then
	echo "== integration tests in a cgroup-v2 guest (qemu, tests/vm/run-v2.sh)"
	vm_out=$(bash tests/vm/run-v2.sh 2>&1); vm_rc=$?
	printf '%s\n' "$vm_out" | grep -vE '^PASS ' | sed 's/^/  v2: /'
	last=$(printf '%s\n' "$vm_out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -n "$last" ]; then
		read -r vp _ vf _ vs _ <<<"${last//,/}"
		echo "v2 guest: $vp passed, $vf failed, ${vs:-0} skipped"
		T_PASSED=$((T_PASSED + vp)); T_FAILED=$((T_FAILED + vf)); T_SKIPPED=$((T_SKIPPED + ${vs:-0}))
		[ "$vm_rc" = 0 ] || [ "$vf" -gt 0 ] || T_FAILED=$((T_FAILED + 1))
	else
		echo "FAIL v2 guest: no result (did not boot or hung); output above"
		T_FAILED=$((T_FAILED + 1))
	fi
fi
echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "$T_FAILED" -eq 0 ]
