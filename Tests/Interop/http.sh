#!/usr/bin/env bash
# Interop of `simrun serve --http` (MCP Streamable HTTP) and `simrun run --agent-cmd … --http`
# with real clients from PyPI, in virtual environments under .build (created on first use):
#   - the official Python SDK's Streamable HTTP client, 1.x (1.30.0) and 2.x (2.3.0), plays an
#     episode over --http, with one session and with a session per call;
#   - LangChain's langchain-mcp-adapters (0.3.2) MultiServerMCPClient.get_tools(), which opens a
#     session per call, plays one episode over --http that passes, and its trace replays
#     identically; the same client over stdio fails "one MCP session per episode";
#   - openai-agents' (0.24.0) strict tool conversion keeps a list tool's cursor, and a scripted
#     driver pages through the list with it;
#   - a request with a foreign Origin is refused with 403;
#   - `serve --trace T` over a non-empty T exits 2.
# Every trace recorded here must replay identically.
#
#   Tests/Interop/http.sh [SIMRUN_BINARY]      (default: .build/debug/simrun, built by the caller)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
simrun="${1:-$root/.build/debug/simrun}"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-http.XXXXXX")"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
scenario=scenarios/crm-refund.json
cat > "$work/plan.json" <<'PLAN'
[{"tool": "crm_get_ticket", "args": {"ticket_id": "T-7031"}},
 {"tool": "billing_list_charges", "args": {"customer_id": "C-1042"}},
 {"tool": "billing_refund", "args": {"charge_id": "CH-55917", "amount": 120.0, "idempotency_key": "refund-CH-55917", "reason": "duplicate"}},
 {"tool": "crm_add_ticket_note", "args": {"ticket_id": "T-7031", "body": "Refunded the duplicate charge CH-55917.", "idempotency_key": "note-CH-55917"}},
 {"answer": "Refunded the duplicate charge CH-55917 (120.00) and noted it on T-7031."}]
PLAN
export SIMRUN_AGENT_RETRIES=8

# shellcheck source=venv.sh
source "$root/Tests/Interop/venv.sh"
py1="$(venv_for 1 mcp==1.30.0)"
py2="$(venv_for 2 mcp==2.3.0)"
pylc="$(venv_for langchain langchain-mcp-adapters==0.3.2)"
pyoa="$(venv_for openai-agents openai-agents==0.24.0)"

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

# serve_http NAME [ARGS...]: starts `simrun serve --http 0` with a trace at $work/NAME.jsonl and
# sets $url; stop_server ends the episode (SIGTERM) and waits.
serve_http() {
    local name="$1"
    shift
    rm -f "$work/port"
    "$simrun" serve "$scenario" --seed 3 --trace "$work/$name.jsonl" --http 127.0.0.1:0 --port-file "$work/port" "$@" \
        2> "$work/$name.server.log" &
    server_pid=$!
    for _ in $(seq 1 200); do [[ -s "$work/port" ]] && break; sleep 0.05; done
    url="http://127.0.0.1:$(cat "$work/port")/mcp"
}
stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
}

sdk_over_http() {  # sdk_over_http NAME PYTHON MODE [AGENT ARGS...]   (MODE: auto or legacy, see mcp_agent.py)
    local name="$1" py="$2" mode="$3" status=0
    shift 3
    serve_http "$name"
    SIMRUN_MCP_MODE="$mode" "$py" Tests/Interop/http_agent.py --plan "$work/plan.json" --url "$url" "$@" \
        > "$work/$name.agent.log" 2>&1 || status=$?
    stop_server
    [[ $status -eq 0 ]] || { cat "$work/$name.agent.log" "$work/$name.server.log"; return 1; }
}
check "Python SDK 1.x Streamable HTTP client plays an episode over serve --http" sdk_over_http sdk1 "$py1" auto
check "Python SDK 2.x Streamable HTTP client (server/discover) over serve --http" sdk_over_http sdk2 "$py2" auto
check "Python SDK 2.x (initialize) with a session per call over serve --http" \
    sdk_over_http sdk2-per-call "$py2" legacy --session-per-call
for name in sdk1 sdk2 sdk2-per-call; do
    check "the $name trace replays identically" "$simrun" replay "$work/$name.jsonl"
done

foreign_origin() {
    serve_http origin
    local status
    status="$("$python" - "$url" <<'PY'
import sys, urllib.request, urllib.error
body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}'
request = urllib.request.Request(sys.argv[1], data=body, method="POST", headers={
    "Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Origin": "http://evil.example"})
try:
    print(urllib.request.urlopen(request).status)
except urllib.error.HTTPError as error:
    print(error.code)
PY
)"
    stop_server
    [[ "$status" == 403 ]] || { echo "a foreign Origin got $status, expected 403"; return 1; }
}
check "a request with a foreign Origin is refused with 403" foreign_origin

refuses_overwrite() {
    local status=0
    "$simrun" serve "$scenario" --trace "$work/sdk1.jsonl" < /dev/null > /dev/null 2> "$work/refuse.txt" || status=$?
    [[ $status -eq 2 ]] && grep -q -- "--http" "$work/refuse.txt" && grep -q "LangChain" "$work/refuse.txt"
}
check "serve --trace over a non-empty trace exits 2 naming --http" refuses_overwrite

langchain_http() {
    local status=0
    SIMRUN_AGENT_PLAN="$work/plan.json" "$simrun" run "$scenario" --seed 3 --no-faults --trace-dir "$work/lc-http" --http \
        --agent-cmd "'$pylc' '$root/Tests/Interop/langchain_agent.py'" --agent-timeout 120 > "$work/lc-http.txt" || status=$?
    cat "$work/lc-http.txt"
    [[ $status -eq 0 ]] || { cat "$work/lc-http/crm-refund/seed-3-trial-1.agent.log"; return 1; }
}
check "LangChain get_tools() (a session per call) passes one episode with run --agent-cmd --http" langchain_http
check "the LangChain episode replays identically" "$simrun" replay "$work/lc-http/crm-refund/seed-3-trial-1.jsonl"

langchain_stdio() {
    local status=0
    SIMRUN_AGENT_PLAN="$work/plan.json" "$simrun" run "$scenario" --seed 3 --no-faults --trace-dir "$work/lc-stdio" \
        --agent-cmd "'$pylc' '$root/Tests/Interop/langchain_agent.py'" --agent-timeout 120 --format json \
        > "$work/lc-stdio.json" || status=$?
    [[ $status -eq 1 ]] && grep -q "MCP sessions in one episode" "$work/lc-stdio.json"
}
check "LangChain get_tools() over stdio fails 'one MCP session per episode'" langchain_stdio

sdk_run_http() {
    local status=0
    SIMRUN_AGENT_PLAN="$work/plan.json" "$simrun" run "$scenario" --seeds 1..2 --trace-dir "$work/run-http" --http \
        --agent-cmd "'$py1' '$root/Tests/Interop/http_agent.py' --session-per-call" --agent-timeout 120 \
        > "$work/run-http.txt" || status=$?
    cat "$work/run-http.txt"
    [[ $status -le 1 ]] && grep -q "^passed" "$work/run-http.txt"
}
check "run --agent-cmd --http with the SDK 1.x client (SIMRUN_MCP_URL, a session per call)" sdk_run_http
for trace in "$work/run-http"/crm-refund/*.jsonl; do
    check "replay $(basename "$trace") (run --http)" "$simrun" replay "$trace"
done

openai_agents_strict() {
    local status=0
    rm -f "$work/port"
    "$simrun" serve scenarios/ticket-triage.json --no-faults --trace "$work/strict.jsonl" --http 127.0.0.1:0 \
        --port-file "$work/port" 2> "$work/strict.server.log" &
    server_pid=$!
    for _ in $(seq 1 200); do [[ -s "$work/port" ]] && break; sleep 0.05; done
    "$pyoa" Tests/Interop/openai_agents_strict.py "http://127.0.0.1:$(cat "$work/port")/mcp" > "$work/strict.log" 2>&1 \
        || status=$?
    stop_server
    [[ $status -eq 0 ]] || { cat "$work/strict.log"; return 1; }
}
check "openai-agents strict conversion keeps cursor; a driver pages through tickets_list" openai_agents_strict
check "the paging episode replays identically" "$simrun" replay "$work/strict.jsonl"

echo "http interop: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
