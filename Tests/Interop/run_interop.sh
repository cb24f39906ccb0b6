#!/usr/bin/env bash
# Runs Tests/Interop/mcp_agent.py against an MCP stdio server with both lines of the official
# Python SDK: mcp 1.30.0 and mcp 2.3.0 (venvs under .build/interop-venv-1 and -2, created on
# first use; PyPI must be reachable then).
#
#   Tests/Interop/run_interop.sh "SERVER COMMAND [ARGS...]" [PLAN.json]
#
# The command is also passed through a generated SIMRUN_MCP_CONFIG file, the way
# `simrun run --agent-cmd` does. With SDK 2.x the agent runs twice: once probing
# server/discover (the 2026-07-28 revision) and once forcing the initialize handshake.
# Exit status 0 when every run passed.
set -euo pipefail

if [[ $# -lt 1 || -z "$1" ]]; then
    echo "usage: $0 \"SERVER COMMAND [ARGS...]\" [PLAN.json]" >&2
    exit 2
fi
server_command="$1"
plan="${2:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
agent="$root/Tests/Interop/mcp_agent.py"
python="${PYTHON:-python3}"

venv_for() {  # venv_for LINE VERSION
    local dir="$root/.build/interop-venv-$1"
    if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$2')" 2>/dev/null; then
        echo "== creating $dir with mcp==$2" >&2
        "$python" -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "mcp==$2" >&2
    fi
    echo "$dir/bin/python"
}

config="$(mktemp "${TMPDIR:-/tmp}/simrun-mcp-config.XXXXXX")"
trap 'rm -f "$config"' EXIT
"$python" - "$server_command" "$config" <<'PY'
import json, shlex, sys
words = shlex.split(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as handle:
    json.dump({"mcpServers": {"simrun": {"command": words[0], "args": words[1:]}}}, handle)
PY

plan_args=()
[[ -n "$plan" ]] && plan_args=(--plan "$plan")

status=0
run() {  # run LABEL PYTHON [ENV=VALUE...]
    local label="$1" py="$2"
    shift 2
    echo "== $label"
    if env SIMRUN_MCP_CONFIG="$config" "$@" "$py" "$agent" "${plan_args[@]}"; then
        echo "== $label: passed"
    else
        echo "== $label: FAILED"
        status=1
    fi
}

py1="$(venv_for 1 1.30.0)"
py2="$(venv_for 2 2.3.0)"
run "mcp 1.30.0 (initialize)" "$py1"
run "mcp 2.3.0 (server/discover, fallback to initialize)" "$py2" SIMRUN_MCP_MODE=auto
run "mcp 2.3.0 (initialize forced)" "$py2" SIMRUN_MCP_MODE=legacy
exit $status
