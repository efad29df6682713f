#!/usr/bin/env bash
# Sets up everything the tests need (Debian's PostgreSQL and nginx where missing, a virtualenv),
# checks the code with ruff and mypy, then runs the whole test suite. Any arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-debian-packages.sh
bash scripts/setup-venv.sh requirements-dev.txt
.venv/bin/python scripts/build_engine.py --required  # the tests run the compiled engine (and compare it with the sources)
.venv/bin/python -m ruff check .  # settings in pyproject.toml
.venv/bin/python -m mypy
unset DATABASE_URL  # the tests choose their own databases; a developer's setting must not leak in
exec bash scripts/test-postgres.sh .venv/bin/python -m pytest "$@"
