#!/usr/bin/env bash
# The HA fault runs at full size: a real three-node raft cluster (RaftClusterTests), an apply
# of N objects (default 1,000) through a standby, once with `bao operator step-down` on the
# leader and once with SIGKILL of the leader in the middle of it. Each run must end converged,
# or with a clear error after which a rerun converges; the lock released; the generated KV
# secret written once. CI runs the same tests with about 200 objects.
#
# Usage: bash Benchmarks/ha_faults.sh [N] [AFTER]
#   AFTER: the fault strikes once policy number AFTER exists (default 1: the first written).
# Prints the suite's result and, per fault, when it struck, when a new leader was active and
# how long the apply (and the restarted node's return) took; docs/reliability.md keeps them.
set -euo pipefail
cd "$(dirname "$0")/.."
objects="${1:-1000}"
after="${2:-1}"
swift build --build-tests >/dev/null
VAULTFORM_HA_OBJECTS="$objects" VAULTFORM_HA_FAULT_AFTER="$after" swift test --skip-build --filter RaftClusterTests 2>&1 \
    | grep -E "objects, after|restarted, unsealed|the apply stopped with|Suite \"HA raft cluster\"|✘" || true
