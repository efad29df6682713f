#!/usr/bin/env bash
# Sets up everything the bot needs, then runs it: the local chat when TELEGRAM_BOT_TOKEN is unset.
# Any arguments go to bot.py, e.g. ./run.sh console --json, ./run.sh check, ./run.sh telegram.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup-venv.sh requirements.txt
.venv/bin/python scripts/build_engine.py  # the engine compiled by mypyc; interpreted if that fails
exec .venv/bin/python bot.py "$@"
