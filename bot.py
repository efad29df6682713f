"""Entry point: `python bot.py [console|telegram|wechat|compact|check|diagram]` — the local chat when no Telegram token is set."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.settings import load_settings


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description="A chatbot that turns robocall and spam annoyance into complaints.")
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser("console", help="chat locally in this terminal")
    console.add_argument("--json", action="store_true", help="one JSON object per line both ways (for scripts and tests)")
    console.add_argument("--user", default="local", help="who is chatting (keeps separate cases per name)")
    console.add_argument("--lang", choices=("zh", "en"), help="language for a new user (default: the script of the first message, else $LANG)")
    telegram = sub.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    telegram.add_argument("--webhook-url", help="public HTTPS URL for webhook mode (default: long polling)")
    telegram.add_argument("--listen", default="127.0.0.1", help="address to listen on in webhook mode")
    telegram.add_argument("--port", type=int, default=8443, help="port to listen on in webhook mode")
    wechat = sub.add_parser("wechat", help="serve a WeChat official account's push endpoint (needs WECHAT_TOKEN)")
    wechat.add_argument("--host", default="127.0.0.1", help="address to listen on")
    wechat.add_argument("--port", type=int, default=8080, help="port to listen on")
    wechat.add_argument("--path", default="/wechat", help="URL path WeChat pushes to")
    compact = sub.add_parser("compact", help="PostgreSQL: rewrite the tables /delete touched, so erased text leaves the files (nightly)")
    compact.add_argument("--attempts", type=int, default=5, help="rounds of tries for a table kept busy by a long transaction")
    compact.add_argument("--pause", type=float, default=60.0, help="seconds between those rounds")
    check = sub.add_parser("check", help="check flows.yaml and channels.yaml and exit")
    check.add_argument("--flows", type=Path, help="flow file to check (default: flows.yaml)")
    check.add_argument("--channels", type=Path, help="channel file to check (default: channels.yaml)")
    diagram = sub.add_parser("diagram", help="print flows.yaml as a Mermaid flowchart")
    diagram.add_argument("--flows", type=Path, help="flow file to draw (default: flows.yaml)")
    return parser.parse_args(argv)


def run_check(args: argparse.Namespace) -> int:
    from engine.loader import check_flow_file
    from knowledge.catalog import check_catalog_file

    settings = load_settings()
    flows_path = args.flows or settings.flows_path
    channels_path = args.channels or settings.channels_path
    flow, problems = check_flow_file(flows_path)
    messages = [str(p) for p in problems]
    if args.flows is None or args.channels is not None:
        messages += [str(p) for p in check_catalog_file(channels_path)]
    if messages:
        for message in messages:
            print(message, file=sys.stderr)
        print(f"{len(messages)} problem(s) found.", file=sys.stderr)
        return 1
    assert flow is not None
    checked = f"{flows_path}: OK — flow '{flow.flow.id}', {len(flow.steps)} steps, {len(flow.alerts)} alerts"
    if args.flows is None or args.channels is not None:
        checked += f"; {channels_path}: OK"
    print(checked)
    return 0


def run_diagram(args: argparse.Namespace) -> int:
    from engine.diagram import mermaid
    from engine.loader import check_flow_file

    flow, problems = check_flow_file(args.flows or load_settings().flows_path)
    if flow is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(mermaid(flow), end="")
    return 0


async def run_console_mode(args: argparse.Namespace) -> int:
    from app.bootstrap import setup_logging
    from app.cli import build_or_explain
    from handlers.console import run_console
    from services.conversation import Who

    settings = load_settings()
    setup_logging(settings)
    app = await build_or_explain(settings)
    if app is None:
        return 1
    # --lang decides; else $LANG until a new person's first typed words show their language.
    lang = args.lang or ("zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en")
    who = Who("console", args.user or getpass.getuser(), lang)
    try:
        await run_console(app.service, who, json_mode=args.json, background=app, guess_lang=args.lang is None)
    finally:
        await app.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "check":
        return run_check(args)
    if args.command == "diagram":
        return run_diagram(args)
    if args.command == "compact":
        from app.cli import run_until_interrupted
        from app.compact import run_compact

        return run_until_interrupted(run_compact(args))
    command = args.command or ("telegram" if load_settings().telegram_token else "console")
    if command == "wechat":
        from handlers.wechat.app import run_wechat

        return run_wechat(args)
    if command == "telegram":
        from handlers.telegram.app import run_telegram

        return run_telegram(args)
    if args.command is None:
        args = parse_args(["console"])
    from app.cli import run_until_interrupted

    return run_until_interrupted(run_console_mode(args))


if __name__ == "__main__":
    sys.exit(main())
