#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine with the .NET 10 SDK.
# It first installs what the tests need when it is missing, then runs `dotnet test Alerts.sln`.
# Tests that need a missing part skip with the reason on a developer's machine; under CI (CI is set)
# a missing part fails them instead.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf 'test.sh: %s\n' "$*"; }

# Debian packages, installed only when missing and only when we may (root); a user without root gets
# plain skips from the tests that need them.
install_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "not root: cannot install ${missing[*]}; the tests that need them will say they were skipped"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm packages go into tools/node_modules from the committed lockfile.
install_npm_packages() {
  [ -f tools/package.json ] || return 0
  if [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules ]; then
    if command -v npm >/dev/null 2>&1; then
      log "installing npm packages into tools/node_modules"
      (cd tools && npm ci --no-audit --no-fund --loglevel=error)
    else
      log "npm not found: the tests that need tools/node_modules will say they were skipped"
    fi
  fi
}

install_debian_packages python3-aiosmtpd chromium zip
install_npm_packages

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Alerts.sln --logger "console;verbosity=normal" --logger "trx;LogFilePrefix=alerts" --results-directory "$results" "$@" || status=$?

# One plain closing line, summed over the TRX files.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
