#!/usr/bin/env bash
# Checks that Node.js >= 20 and npm are available (needed to install the front-end libraries).
# Prints the node path on success.
set -uo pipefail

fail() {
    cat >&2 <<MSG
Yingxiao needs Node.js >= 20 with npm to install its front-end libraries: $1
Install Node.js 20 or newer (e.g. from your OS packages or https://nodejs.org/), make sure
\`node\` and \`npm\` are on PATH, and run make again.
MSG
    exit 1
}

command -v node >/dev/null 2>&1 || fail "\`node\` was not found on PATH."
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || fail "\`node\` does not run."
[[ "$major" =~ ^[0-9]+$ ]] || fail "could not read the version of \`node\`."
[ "$major" -ge 20 ] || fail "\`node\` is version $(node --version), too old."
command -v npm >/dev/null 2>&1 || fail "\`npm\` was not found on PATH."
npm --version >/dev/null 2>&1 || fail "\`npm\` does not run."
command -v node
