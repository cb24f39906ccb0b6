#!/usr/bin/env bash
# The framework examples of docs/python.md, run as they are written: each plays crm-refund through
# one agent framework from PyPI (pinned, in a virtual environment under .build made on first use),
# with the framework's test or scripted model instead of an LLM, against `simrun.serve` (the Python
# package from python/src, the binary given here), and requires the verdict "pass" after an
# identical replay. Each also checks what its framework shows the agent of an `isError` result,
# the table in docs/python.md. First, the docs' code blocks must equal the example files.
#
#   Tests/Interop/frameworks.sh [SIMRUN_BINARY]      (default: .build/debug/simrun, built by the caller)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
simrun="$(realpath "${1:-$root/.build/debug/simrun}")"
python="${PYTHON:-python3}"
# shellcheck source=venv.sh
source "$root/Tests/Interop/venv.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-frameworks.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() {  # check LABEL COMMAND...
    local label="$1"
    shift
    if "$@" > "$work/out" 2>&1; then
        echo "ok   $label"
        grep "shows the model" "$work/out" || true
        passed=$((passed + 1))
    else
        echo "FAIL $label"
        cat "$work/out"
        failed=$((failed + 1))
    fi
}

check "docs/python.md's code blocks are the example files" "$python" python/examples/check_docs.py

example() {  # example PYTHON FILE: runs an example from a directory outside the repository
    (cd "$work" && SIMRUN_BINARY="$simrun" PYTHONPATH="$root/python/src:$root/python/examples" \
        "$1" "$root/python/examples/$2")
}
# NAME REQUIREMENT FILE [PIN...]: smolagents' MCP adapter (mcpadapt) still imports mcp 1.x names.
examples='2 mcp==2.3.0 mcp_sdk.py
langchain langchain-mcp-adapters==0.3.2 langchain_tools.py
openai-agents openai-agents==0.24.0 openai_agents_sdk.py
pydantic-ai pydantic-ai-slim[mcp]==2.68.0 pydantic_ai_agent.py
llama-index llama-index-tools-mcp==0.6.0 llamaindex_tools.py
smolagents smolagents[mcp]==1.26.0 smolagents_agent.py mcp[ws]==1.30.0'
# The virtual environments missing from .build are made at once (downloads overlap), then used.
while read -r name requirement file pins; do
    # shellcheck disable=SC2086  # pins: zero or more words
    venv_for "$name" "$requirement" $pins > /dev/null 2> "$work/venv-$name.log" &
done <<< "$examples"
wait
while read -r name requirement file pins; do
    # shellcheck disable=SC2086
    check "$file ($requirement)" example "$(venv_for "$name" "$requirement" $pins)" "$file"
done <<< "$examples"

echo "framework examples: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
