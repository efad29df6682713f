#!/usr/bin/env bash
# Sets up everything the tests need (a virtualenv, and PostgreSQL where the machine can have it),
# then runs the whole test suite. Any arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup-venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
