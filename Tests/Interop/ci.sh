#!/usr/bin/env bash
# Interop and end-to-end checks that need more than `swift test`: the official Python MCP SDK
# (1.x and 2.x, in virtual environments from PyPI) against the real `simrun serve`, directly and
# through `simrun run --agent-cmd`; malformed input against the real server; and every trace these
# runs recorded must replay identically.
#
#   Tests/Interop/ci.sh [SIMRUN_BINARY]      (default: .build/debug/simrun, built by the caller)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
simrun="${1:-$root/.build/debug/simrun}"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-interop.XXXXXX")"
trap 'rm -rf "$work"' EXIT
scenario=scenarios/crm-refund.json
cat > "$work/plan.json" <<'PLAN'
[{"tool": "crm_get_ticket", "args": {"ticket_id": "T-7031"}},
 {"tool": "billing_list_charges", "args": {"customer_id": "C-1042"}},
 {"tool": "no_such_tool", "args": {}, "expect": "rpc_error"},
 {"tool": "billing_refund", "args": {"charge_id": "CH-55917", "amount": 120.0, "idempotency_key": "refund-CH-55917", "reason": "duplicate"}},
 {"tool": "crm_add_ticket_note", "args": {"ticket_id": "T-7031", "body": "Refunded the duplicate charge CH-55917.", "idempotency_key": "note-CH-55917"}},
 {"answer": "Refunded the duplicate charge CH-55917 (120.00) and noted it on T-7031."}]
PLAN
export SIMRUN_AGENT_RETRIES=8
passed=0
failed=0
check() {  # check LABEL COMMAND...
    local label="$1"
    shift
    if "$@"; then
        echo "ok   $label"
        passed=$((passed + 1))
    else
        echo "FAIL $label"
        failed=$((failed + 1))
    fi
}

check "malformed input against simrun serve" python3 Tests/Interop/malformed_input.py "$simrun" "$scenario"
check "Python SDK 1.x and 2.x against simrun serve" \
    Tests/Interop/run_interop.sh "$simrun serve $scenario --seed 3" "$work/plan.json"
# One episode, one trace: serve refuses to overwrite a trace, so the recorded episode gets its own run.
check "an episode served with --trace (SDK 1.x)" "$root/.build/interop-venv-1/bin/python" Tests/Interop/mcp_agent.py \
    --plan "$work/plan.json" -- "$simrun" serve "$scenario" --seed 3 --trace "$work/direct.jsonl"
check "the served episode's trace replays identically" "$simrun" replay "$work/direct.jsonl"

for line in 1 2; do
    python="$root/.build/interop-venv-$line/bin/python"
    # An episode may fail its checks (faults are on); what must hold is that it ran, was scored
    # from the server's trace, and replays exactly.
    run_external() {
        local status=0
        SIMRUN_AGENT_PLAN="$work/plan.json" "$simrun" run "$scenario" --seeds 1..3 --trace-dir "$work/run-$line" \
            --agent-cmd "'$python' '$root/Tests/Interop/mcp_agent.py'" --agent-timeout 120 > "$work/run-$line.txt" || status=$?
        cat "$work/run-$line.txt"
        [[ $status -le 1 ]] && grep -q "^passed" "$work/run-$line.txt"
    }
    check "simrun run --agent-cmd with SDK line $line" run_external
    for trace in "$work/run-$line"/crm-refund/*.jsonl; do
        check "replay $(basename "$trace") (SDK line $line)" "$simrun" replay "$trace"
    done
done
echo "interop: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
