#!/usr/bin/env bash
# Builds the simrun wheel (a --static-swift-stdlib release binary inside), installs it into a
# fresh virtual environment, and runs the Python tests there with no Swift on PATH: an Env
# episode with a scripted policy, verdict() of a trace, the pytest fixture, the console command.
#
#   python/ci.sh [SIMRUN_BINARY]     (default: build the static release binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/simrun-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python="${PYTHON:-python3}"
binary_args=()
[[ $# -ge 1 ]] && binary_args=(--binary "$1")
wheel="$("$python" "$root/python/build_wheel.py" "${binary_args[@]}" --out "$work/dist" | tail -1)"
echo "== built $wheel"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" pytest
cd "$work"
# No Swift anywhere: only the venv and the system's basic directories on PATH.
env -i HOME="$HOME" PATH="$work/venv/bin:/usr/bin:/bin" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
    "$root/python/tests"
