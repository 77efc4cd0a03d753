#!/usr/bin/env bash
# Installs the Debian packages the tests use: Chromium and a CJK font for the browser tests,
# nginx to check the deployment's configuration; and wrk, the benchmarks' HTTP load generator.
# Nothing is started.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wqy" || missing+=(fonts-wqy-microhei)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "The tests need Debian packages: run 'sudo apt-get install -y ${missing[*]}'" >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian"
# Keep package scripts from starting services (nginx would take port 80).
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=true
fi
trap '$created_policy && rm -f "$policy"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
  >/dev/null
