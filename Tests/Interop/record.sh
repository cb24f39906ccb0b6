#!/usr/bin/env bash
# Checks of `simrun record` against real servers and captures (issue 13), in virtual environments
# from PyPI created on first use (PyPI must be reachable then):
#   .build/record-venv-git   mcp-server-git 2026.10.19 (which brings the official `mcp` SDK)
#   .build/record-venv-mitm  mitmproxy 11.0.2 (the last line that runs on Python 3.11)
# See Tests/Interop/record_check.py and Tests/Interop/learn_check.py for what each check proves.
#
#   Tests/Interop/record.sh [SIMRUN_BINARY]      (default: .build/debug/simrun, built by the caller)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
simrun="${1:-$root/.build/debug/simrun}"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-record.XXXXXX")"
trap 'rm -rf "$work"' EXIT

venv() {  # venv DIR PACKAGE==VERSION
    local dir="$root/.build/$1"
    local name="${2%%==*}" version="${2##*==}"
    if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('$name') != '$version')" 2>/dev/null; then
        echo "== creating $dir with $2" >&2
        "$python" -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$2" >&2
    fi
    echo "$dir"
}

git_venv="$(venv record-venv-git mcp-server-git==2026.10.19)"
mitm_venv="$(venv record-venv-mitm mitmproxy==11.0.2)"

status=0
run() {  # run LABEL COMMAND...
    echo "== $1"
    shift
    if ! "$@"; then
        status=1
    fi
}
run "mcp-server-git through simrun record (official Python SDK client)" \
    "$git_venv/bin/python" Tests/Interop/record_check.py git "$simrun" "$work/git"
run "simrun learn of the mcp-server-git recording: validates, serves and answers each tool (SDK client)" \
    "$git_venv/bin/python" Tests/Interop/learn_check.py git "$simrun" "$work/git/git.jsonl"
run "simrun learn of a stateful CRUD server recorded in chaos mode: ops inferred, held-out reads answered" \
    "$python" Tests/Interop/learn_check.py crud "$simrun" "$work/crud"
run "simrun serve --realtime as the recorded server" \
    "$git_venv/bin/python" Tests/Interop/record_check.py realtime "$simrun" "$work/realtime"
run "a wall-clock recording of 300 episodes through simrun serve --realtime: the token bucket learned" \
    "$python" Tests/Interop/record_check.py realtime-bucket "$simrun" "$work/realtime-bucket"
run "a HAR file exported by mitmproxy" \
    "$python" Tests/Interop/record_check.py har "$simrun" "$work/har" "$mitm_venv/bin/mitmdump"
run "overhead of the proxy per call" \
    "$python" Tests/Interop/record_check.py overhead "$simrun" "$work/overhead"
if [[ $status -eq 0 ]]; then echo "record: all checks passed"; else echo "record: some checks FAILED"; fi
exit $status
