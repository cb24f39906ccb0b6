# Sourced by the interop scripts: virtual environments from PyPI under .build, made on first use.
#   venv_for NAME REQUIREMENT [PIN...]   prints the python of .build/interop-venv-NAME, creating it
#       (or reinstalling) unless it already holds REQUIREMENT (PACKAGE[extras]==VERSION); PINs are
#       further requirements installed with it (e.g. an older dependency the package needs)
# Needs $root (the repository) and $python (the interpreter that creates venvs).
venv_for() {
    local dir="$root/.build/interop-venv-$1" requirement="$2"
    shift 2
    local package="${requirement%%==*}" version="${requirement##*==}"
    package="${package%%\[*}"
    if [[ ! -x "$dir/bin/python" ]] \
        || [[ "$("$dir/bin/python" -c "import importlib.metadata as m; print(m.version('$package'))" 2>/dev/null)" != "$version" ]]; then
        echo "== creating $dir with $requirement" >&2
        "$python" -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$requirement" "$@" >&2
    fi
    echo "$dir/bin/python"
}
