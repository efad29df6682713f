#!/usr/bin/env bash
# Sets up everything the tests need (a virtualenv, and PostgreSQL where the machine can have it),
# then runs the whole test suite. Any arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup-venv.sh requirements-dev.txt
unset DATABASE_URL  # the tests choose their own databases; a developer's setting must not leak in
exec bash scripts/test-postgres.sh .venv/bin/python -m pytest "$@"
