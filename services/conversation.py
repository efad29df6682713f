"""The conversation service: per-chat lock -> load session -> engine.advance -> save, in one transaction.

Adapters call `handle()` with a platform-neutral event; everything the engine asks for (new case,
answers, evidence, the finished case) is written together with the new state, and a platform
message id is applied once, so a crash or a redelivered update never loses or doubles anything.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol, Sequence

from engine.answers import small_number
from engine.engine import Engine, describe_answers, human_size
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.i18n import t
from engine.replies import (
    AddEvidence,
    Button,
    CompleteCase,
    DeleteAnswer,
    Outcome,
    RecordEvent,
    Reply,
    SaveAnswer,
    SetLanguage,
    StartCase,
)
from engine.state import SessionState
from services.texts import event_text, st
from storage.protocols import EvidenceFileStore, NewEvidence, Store, StoreTx, User

log = logging.getLogger(__name__)

CASE_COLUMNS = {"jurisdiction": "jurisdiction", "issue_type": "issue_type", "channel": "channel"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def lang_from_code(code: str | None) -> str:
    """The bot's language for a platform language code: Chinese for zh*, English otherwise."""
    return "zh" if (code or "").lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Who:
    """A person as the adapter knows them."""

    platform: str
    external_id: str
    lang_code: str | None = None


@dataclass(frozen=True)
class DraftText:
    title: str
    text: str


class Drafter(Protocol):
    """Writes the complaint for a finished case (the knowledge layer supplies it)."""

    def draft(
        self, case_id: int, answers: dict[str, Any], evidence: list[dict[str, Any]], created_at: datetime, lang: str
    ) -> DraftText: ...


@dataclass
class Context:
    """What a service handler gets: the person, their language, the argument, the clock and the event."""

    user: User
    lang: str
    arg: str
    now: datetime
    service: "ConversationService"
    event: Event | None = None
    pending: dict[str, Any] | None = None


CommandHandler = Callable[[Context], Awaitable[list[Reply]]]
MessageIds = int | str | Sequence[int | str] | None


@dataclass
class Result:
    """The replies for one event, plus what an adapter needs to tidy the chat."""

    replies: list[Reply]
    answered: str | None = None
    stale: bool = False
    duplicate: bool = False
CaseHook = Callable[[Context, int], Awaitable[list[Reply]]]


class ConversationService:
    """Applies events to one person's conversation, durably and in order."""

    def __init__(
        self,
        store: Store,
        files: EvidenceFileStore,
        engine: Engine,
        drafter: Drafter,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.files = files
        self.engine = engine
        self.drafter = drafter
        self.clock = clock
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()
        self.commands: dict[str, CommandHandler] = {
            "cases": self._cases,
            "case": self._case,
            "delete": self._delete,
        }
        self.buttons: dict[str, CommandHandler] = {
            "_cases": self._cases,
            "_delete": self._delete_confirmed,
            "_keepcase": self._delete_declined,
        }
        # Extension points for features built on the conversation (follow-up, export, rules):
        # a text typed while `state.pending["kind"]` is set goes to pending_handlers[kind], and
        # each case_ready hook may add replies once a case is finished.
        self.pending_handlers: dict[str, CommandHandler] = {}
        self.case_ready_hooks: list[CaseHook] = []
        # Called with (user id, case id) after /delete, so every feature can erase what it made.
        self.erase_hooks: list[Callable[[int, int], Awaitable[None]]] = []

    @asynccontextmanager
    async def serialized(self, who: Who) -> AsyncIterator[None]:
        """One event of this person at a time: in this process (a lock), and across processes (the store's)."""
        async with self.lock_for(who), self.store.serialized(who.platform, who.external_id):
            yield

    def lock_for(self, who: Who) -> asyncio.Lock:
        key = (who.platform, who.external_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, who: Who, event: Event, message_ids: MessageIds = None) -> list[Reply]:
        """Apply one event; returns the replies to show (empty for an already-applied message)."""
        return (await self.handle_full(who, event, message_ids)).replies

    async def handle_full(self, who: Who, event: Event, message_ids: MessageIds = None) -> Result:
        """Apply one event; also says how a tapped question was answered, or that it was stale.

        `message_ids` are the platform's ids of the messages that make up the event (an album has
        several); an event whose first id was already applied is ignored, so a redelivery after a
        crash changes nothing.
        """
        ids = [message_ids] if isinstance(message_ids, (int, str)) else list(message_ids or [])
        if isinstance(event, TextInput) and "\x00" in event.text:
            # NUL is never meant, and PostgreSQL text columns refuse it (a pasted SMS may carry one).
            event = TextInput(event.text.replace("\x00", ""))
        try:
            async with self.serialized(who):
                return await self._handle(who, event, ids)
        except Exception:
            log.exception("event failed on %s (%s)", who.platform, type(event).__name__)
            await self._discard_temporaries(event)
            return Result([Reply(st("error.sorry", lang_from_code(who.lang_code)), kind="error")])

    async def user_for(self, who: Who) -> User:
        return await self.store.get_or_create_user(who.platform, who.external_id, lang_from_code(who.lang_code), self.clock())

    async def state_of(self, user: User) -> SessionState:
        state = SessionState.from_dict(await self.store.load_session(user.id))
        if not state.lang or state.lang != user.lang:
            state.lang = user.lang
        state.timezone = user.timezone
        return state

    async def current_question(self, who: Who) -> list[Reply]:
        """The question a person is on, for a local chat that starts again after a restart."""
        async with self.serialized(who):
            user = await self.user_for(who)
            return self.engine.current_question(await self.state_of(user))

    async def _handle(self, who: Who, event: Event, message_ids: list[int | str]) -> Result:
        if message_ids and await self.store.is_processed(who.platform, message_ids[0]):
            await self._discard_temporaries(event)
            return Result([], duplicate=True)
        now = self.clock()
        user = await self.user_for(who)
        handler, arg = self._service_handler(event)
        pending = None
        if handler is None and isinstance(event, TextInput):
            pending = (await self.state_of(user)).pending
            if pending and pending.get("kind") in self.pending_handlers:
                handler, arg = self.pending_handlers[pending["kind"]], event.text
        if handler is not None:
            replies = await handler(Context(user, user.lang, arg, now, self, event, pending))
            if message_ids:
                async with self.store.transaction() as tx:
                    for message_id in message_ids:
                        await tx.mark_processed(who.platform, message_id, now)
            return Result(replies)
        state = await self.state_of(user)
        if state.pending is not None:
            state.pending = None
        outcome = self.engine.advance(state, event, now)
        replies = await self._persist(user, outcome, event, message_ids, now, who.platform)
        if any(isinstance(e, CompleteCase) for e in outcome.effects) and outcome.state.case_id is not None:
            ctx = Context(user, outcome.state.lang, "", now, self, event)
            for hook in self.case_ready_hooks:
                replies += await hook(ctx, outcome.state.case_id)
        return Result(outcome.replies + replies, answered=outcome.answered, stale=outcome.stale)

    async def set_pending(self, user: User, pending: dict[str, Any] | None, now: datetime) -> None:
        """Route the person's next typed text to a service handler (e.g. a reference number)."""
        state = await self.state_of(user)
        state.pending = pending
        async with self.store.transaction() as tx:
            await tx.save_session(user.id, state.to_dict(), now)

    def _service_handler(self, event: Event) -> tuple[CommandHandler | None, str]:
        if isinstance(event, Command) and event.name.lower() in self.commands:
            return self.commands[event.name.lower()], event.arg.strip()
        if isinstance(event, ButtonPress):
            name, _, arg = event.value.partition(":")
            if name in self.buttons:
                return self.buttons[name], arg
        return None, ""

    async def _persist(
        self, user: User, outcome: Outcome, event: Event, message_ids: list[int | str], now: datetime, platform: str
    ) -> list[Reply]:
        state = outcome.state
        kept = await self._store_evidence_files(outcome)
        await self._discard_temporaries(event, keep={str(i.get("source")) for i in kept})
        finished: DraftText | None = None
        async with self.store.transaction() as tx:
            for effect in outcome.effects:
                if isinstance(effect, StartCase):
                    state.case_id = await tx.create_case(user.id, now)
                    await tx.add_event(state.case_id, "created", {}, now)
                elif isinstance(effect, SetLanguage):
                    await tx.set_user_lang(user.id, effect.lang)
                elif state.case_id is None:
                    continue
                elif isinstance(effect, SaveAnswer):
                    await tx.save_answer(state.case_id, effect.step_id, effect.value, now)
                    if effect.step_id in CASE_COLUMNS:
                        await tx.update_case(state.case_id, now, **{CASE_COLUMNS[effect.step_id]: effect.value})
                elif isinstance(effect, DeleteAnswer):
                    await tx.delete_answer(state.case_id, effect.step_id)
                elif isinstance(effect, AddEvidence):
                    await self._add_evidence_row(tx, state.case_id, effect.item, now)
                elif isinstance(effect, RecordEvent):
                    await tx.add_event(state.case_id, effect.kind, effect.data, now)
                elif isinstance(effect, CompleteCase):
                    finished = await self._complete(tx, state, now)
            await tx.save_session(user.id, state.to_dict(), now)
            for message_id in message_ids:
                await tx.mark_processed(platform, message_id, now)
        if finished is None or state.case_id is None:
            return []
        return [
            Reply(finished.text, kind="draft"),
            Reply(st("draft.saved", state.lang, id=state.case_id), kind="info"),
        ]

    async def _complete(self, tx: StoreTx, state: SessionState, now: datetime) -> DraftText:
        assert state.case_id is not None
        evidence = [dict(i) for i in state.answers.get("evidence") or []]
        draft = self.drafter.draft(state.case_id, dict(state.answers), evidence, now, state.lang)
        await tx.update_case(state.case_id, now, status="ready", draft=draft.text)
        await tx.add_event(state.case_id, "ready", {"channel": state.answers.get("channel")}, now)
        return draft

    async def _store_evidence_files(self, outcome: Outcome) -> list[dict[str, Any]]:
        """Move accepted evidence bytes into the content-addressed store before the transaction."""
        kept = []
        for effect in outcome.effects:
            if not isinstance(effect, AddEvidence):
                continue
            item = effect.item
            if "text" in item:
                stored = await self.files.put_bytes(str(item["text"]).encode("utf-8"))
            elif item.get("temporary"):
                stored = await self.files.adopt_temp(Path(item["source"]))
            else:
                stored = await self.files.put_file(Path(item["source"]))
            item["stored_path"] = stored.rel_path
            item["sha256"] = stored.sha256
            kept.append(item)
        return kept

    async def _add_evidence_row(self, tx: StoreTx, case_id: int, item: dict[str, Any], now: datetime) -> None:
        record = NewEvidence(
            sha256=item["sha256"],
            kind=item["kind"],
            mime=item.get("mime") or "application/octet-stream",
            size=int(item["size"]),
            stored_path=item["stored_path"],
            filename=item.get("filename"),
            caption=item.get("caption"),
            origin=item.get("origin"),
        )
        await tx.add_evidence(case_id, record, now)

    async def _discard_temporaries(self, event: Event, keep: set[str] | None = None) -> None:
        if not isinstance(event, FileInput):
            return
        for item in event.items:
            source = str(item.get("source") or "")
            if item.get("temporary") and source and source not in (keep or set()):
                await self.files.discard_temp(Path(source))

    # --- service commands -------------------------------------------------------------------

    async def owned_case(self, ctx: Context) -> tuple[int | None, list[Reply]]:
        """The case id named in ctx.arg if it is this person's; else a friendly refusal."""
        text = ctx.arg.strip().lstrip("#")
        case_id = small_number(text)
        if case_id is None:
            return None, [Reply(st("case.not_found", ctx.lang, id=text[:12]))] if text else []
        if await self.store.get_case(case_id, ctx.user.id) is None:
            return None, [Reply(st("case.not_found", ctx.lang, id=text[:12]))]
        return case_id, []

    async def _cases(self, ctx: Context) -> list[Reply]:
        cases = await self.store.list_cases(ctx.user.id)
        if not cases:
            return [Reply(st("cases.none", ctx.lang), (Button(t("nav.new", ctx.lang), "_new"),))]
        issue_labels = self._issue_labels(ctx.lang)
        lines = [st("cases.header", ctx.lang)]
        for case in cases[:50]:
            lines.append(
                st(
                    "cases.line",
                    ctx.lang,
                    id=case.id,
                    date=case.created_at.strftime("%Y-%m-%d"),
                    issue=issue_labels.get(case.issue_type or "", "—"),
                    status=st(f"status.{case.status}", ctx.lang),
                )
            )
        lines.append(st("cases.hint", ctx.lang, id=cases[0].id))
        return [Reply("\n".join(lines))]

    def _channel_label(self, lang: str) -> Callable[[str], str]:
        advisor = self.engine.advisor
        return (lambda value: advisor.label(value, lang)) if advisor else (lambda value: value)

    def _issue_labels(self, lang: str) -> dict[str, str]:
        step = self.engine.flow.step("issue_type") if self.engine.flow.has("issue_type") else None
        return {o.value: o.label.get(lang) for o in getattr(step, "options", [])}

    async def _case(self, ctx: Context) -> list[Reply]:
        case_id, refusal = await self.owned_case(ctx)
        if case_id is None:
            return refusal or [Reply(st("case.usage", ctx.lang))]
        case = await self.store.get_case(case_id, ctx.user.id)
        assert case is not None
        answers = await self.store.case_answers(case_id)
        evidence = await self.store.case_evidence(case_id)
        events = await self.store.case_events(case_id)
        lines = [
            st("case.header", ctx.lang, id=case.id, status=st(f"status.{case.status}", ctx.lang), date=case.created_at.strftime("%Y-%m-%d %H:%M")),
            "",
            st("case.answers", ctx.lang),
            *describe_answers(self.engine, answers, ctx.lang),
            "",
            st("case.evidence", ctx.lang, count=len(evidence)),
        ]
        for n, item in enumerate(evidence, 1):
            lines.append(
                st("case.evidence_line", ctx.lang, n=n, kind=st(f"kind.{item.kind}", ctx.lang), size=human_size(item.size), sha=item.sha256)
            )
        lines += ["", st("case.timeline", ctx.lang)]
        label = self._channel_label(ctx.lang)
        lines += [f"{e.at.strftime('%Y-%m-%d %H:%M')} · {event_text(e.kind, e.data, ctx.lang, label)}" for e in events]
        replies = [Reply("\n".join(lines))]
        replies.append(Reply(st("case.draft", ctx.lang) + "\n\n" + case.draft if case.draft else st("case.no_draft", ctx.lang)))
        return replies

    async def _delete(self, ctx: Context) -> list[Reply]:
        case_id, refusal = await self.owned_case(ctx)
        if case_id is None:
            return refusal or [Reply(st("delete.usage", ctx.lang))]
        return [
            Reply(
                st("delete.confirm", ctx.lang, id=case_id),
                (Button(st("delete.yes", ctx.lang), f"_delete:{case_id}"), Button(st("delete.no", ctx.lang), "_keepcase")),
                expects="confirm",
            )
        ]

    async def _delete_confirmed(self, ctx: Context) -> list[Reply]:
        case_id, refusal = await self.owned_case(ctx)
        if case_id is None:
            return refusal or [Reply(st("delete.usage", ctx.lang))]
        state = await self.state_of(ctx.user)
        async with self.store.transaction() as tx:
            orphaned = await tx.delete_case(case_id)
            if state.case_id == case_id:
                await tx.save_session(ctx.user.id, SessionState(lang=state.lang).to_dict(), ctx.now)
        for rel_path in orphaned:
            await self.files.remove(rel_path)
        for hook in self.erase_hooks:
            await hook(ctx.user.id, case_id)
        await self.store.scrub()
        log.info("case erased with %d file(s)", len(orphaned))
        return [Reply(st("delete.done", ctx.lang, id=case_id))]

    async def _delete_declined(self, ctx: Context) -> list[Reply]:
        return [Reply(st("delete.kept", ctx.lang))]
