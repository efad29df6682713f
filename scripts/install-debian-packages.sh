#!/usr/bin/env bash
# Installs the Debian packages the test suite uses (PostgreSQL's server, nginx) where they are missing.
# A machine without apt-get, or without root, is told so and left as it is: those tests then skip.
set -euo pipefail
wanted=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || wanted+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || wanted+=(nginx)
if [ "${#wanted[@]}" -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "Not installing ${wanted[*]}: needs apt-get as root; the tests that use them will skip." >&2
  exit 0
fi
echo "Installing ${wanted[*]} from Debian…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${wanted[@]}" >&2
