#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 to use for Yingxiao's virtualenv.
# Order: $PYTHON, .venv/bin/python, python3.13 / python3.12 on PATH, pyenv versions
# (the one in .python-version first, then any 3.12+), then python3.
# The printed path is the real interpreter (sys.executable), so pyenv shims are resolved.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

# ok CANDIDATE: prints the real interpreter path and returns 0 when CANDIDATE is Python >= 3.12.
ok() {
    local cand="$1" exe
    [ -n "$cand" ] || return 1
    if [[ "$cand" == */* ]]; then
        [ -x "$cand" ] || return 1
    else
        command -v "$cand" >/dev/null 2>&1 || return 1
    fi
    exe="$("$cand" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null)" || return 1
    [ -n "$exe" ] && [ -x "$exe" ] || return 1
    printf '%s\n' "$exe"
}

if [ -n "${PYTHON:-}" ]; then
    if ok "$PYTHON"; then exit 0; fi
    echo "find_python: PYTHON=$PYTHON is not a working Python >= 3.12" >&2
    exit 1
fi

ok .venv/bin/python && exit 0
ok python3.13 && exit 0
ok python3.12 && exit 0

pyenv_root=""
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null)" || pyenv_root=""
fi
[ -n "$pyenv_root" ] || pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for base in "$pyenv_root/versions" "$HOME/.pyenv/versions"; do
    [ -d "$base" ] || continue
    if [ -f .python-version ]; then
        while read -r want _; do
            [ -n "$want" ] || continue
            # exact match, then the newest installed version starting with it (e.g. "3.12")
            ok "$base/$want/bin/python" && exit 0
            for d in $(ls -d "$base/$want"* 2>/dev/null | sort -rV); do
                ok "$d/bin/python" && exit 0
            done
        done < <(grep -v '^[[:space:]]*#' .python-version)
    fi
    for d in $(ls -d "$base"/3.* 2>/dev/null | sort -rV); do
        ok "$d/bin/python" && exit 0
    done
done

ok python3 && exit 0

cat >&2 <<'MSG'
Yingxiao needs Python >= 3.12, and none was found (tried $PYTHON, .venv/bin/python,
python3.13, python3.12, pyenv versions, python3).
Install it with `pyenv install 3.12` or your OS packages (e.g. apt-get install python3.12-venv),
or set PYTHON=/path/to/python3.12 and run make again.
MSG
exit 1
