#!/usr/bin/env bash
# Runs every test: C unit tests, then the integration suites as root on this host's cgroups.
# Ends with the line "N passed, N failed, N skipped". Exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh

echo "== unit tests"
unit_out=$(./tests/unit/test_units 2>&1); unit_rc=$?
printf '%s\n' "$unit_out" | grep -E '^(FAIL|SKIP)' || true
up=$(printf '%s\n' "$unit_out" | grep -c '^PASS')
uf=$(printf '%s\n' "$unit_out" | grep -c '^FAIL')
us=$(printf '%s\n' "$unit_out" | grep -c '^SKIP')
[ "$unit_rc" -eq 0 ] || [ "$uf" -gt 0 ] || uf=1
echo "unit: $up passed, $uf failed"
T_PASSED=$((T_PASSED + up)); T_FAILED=$((T_FAILED + uf)); T_SKIPPED=$((T_SKIPPED + us))

if [ "$(id -u)" != 0 ]; then
	echo "SKIP integration: needs root (real cgroups)"; T_SKIPPED=$((T_SKIPPED + 1))
else
	echo "== integration tests (host cgroup mode: $CG_MODE)"
	for f in tests/integration/*.sh; do
		source "$f"
	done
	for t in $(declare -F | awk '{print $3}' | grep '^test_' | sort); do
		T_CURRENT=$t
		before=$((T_PASSED + T_FAILED + T_SKIPPED))
		"$t"
		[ $((T_PASSED + T_FAILED + T_SKIPPED)) -gt "$before" ] || fail "test recorded no result"
	done
fi
echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "$T_FAILED" -eq 0 ]
