#!/usr/bin/env bash
# Installs Debian's Chromium (and a CJK font for the Chinese interface) for the browser tests.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wqy"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "The browser tests need Debian's chromium and fonts-wqy-microhei: run" \
       "'sudo apt-get install -y chromium fonts-wqy-microhei'" >&2
  exit 1
fi
echo "Installing chromium and fonts-wqy-microhei from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium fonts-wqy-microhei >/dev/null
