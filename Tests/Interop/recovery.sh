#!/usr/bin/env bash
# Parameter recovery (issue 14, docs/learning.md "Recovery figures"): every shipped scenario with
# regimes swept with the robust agent (`--no-faults`) and learned back by `simrun learn`, each
# figure held to the issue's tolerances (`Tests/Interop/recovery.py --check`: the regime count,
# error shares within 0.03, medians within 10 %, p99s within 20 %, transitions within 30 %).
#
# 2,000 episodes each, except crm-refund: its billing outage is visited by some 51 calls in
# 2,000 episodes, which put the sample's own server-error share 0.096 from the file's 0.9 (the
# 0.03 tolerance needs 385 calls), so it is swept over 20,000 episodes, where the learner
# recovers every figure (docs/learning.md, "crm-refund from 20,000 episodes").
#
#   Tests/Interop/recovery.sh SIMRUN_BINARY      (a release build: a debug one learns 10× slower)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
simrun="${1:?usage: Tests/Interop/recovery.sh SIMRUN_BINARY}"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-recovery.XXXXXX")"
trap 'rm -rf "$work"' EXIT

status=0
recover() {  # recover NAME SCENARIO SEEDS
    local name="$1" scenario="$2" seeds="$3"
    if "$python" "$root/Tests/Interop/recovery.py" "$simrun" "$root/$scenario" --seeds "$seeds" \
        --work "$work/$name" --check > "$work/$name.md"; then
        echo "ok    $name (seeds $seeds): no miss"
    else
        echo "FAIL  $name (seeds $seeds):"
        grep '^Misses' "$work/$name.md" || cat "$work/$name.md"
        status=1
    fi
}

recover billing-outage scenarios/billing-outage.json 1..2000
recover inventory-sync scenarios/inventory-sync.json 1..2000
recover ticket-triage scenarios/ticket-triage.json 1..2000
recover warehouse-report scenarios/warehouse-report.json 1..2000
recover retail-return-to-card scenarios/retail/return-to-card.json 1..2000
recover crm-refund scenarios/crm-refund.json 1..20000
exit "$status"
