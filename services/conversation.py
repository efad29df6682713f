"""The conversation service: per-chat lock -> load session -> engine.advance -> save, in one transaction.

Adapters call `handle()` with a platform-neutral event; everything the engine asks for (new case,
answers, evidence, the finished case) is written together with the new state, and a platform
message id is applied once, so a crash or a redelivered update never loses or doubles anything.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol, Sequence

from engine.engine import Engine
from engine.evidence import EvidenceItem
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.replies import (
    AddEvidence,
    Button,
    CompleteCase,
    Outcome,
    RecordEvent,
    Reply,
    SaveAnswer,
    SetLanguage,
    StartCase,
)
from engine.state import SessionState
from services.chat_locks import ChatLocks
from services.commands import Commands
from services.evidence_reading import read_images, read_pasted, read_typed
from services.outbox import reply_to_row, wall_clock
from services.reading import ImageReader
from services.texts import st
from storage.errors import StoreUnavailable, is_unavailable
from storage.protocols import EvidenceFileStore, NewEvidence, SessionConflict, Store, StoredFile, StoreTx, User

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
    # The name the platform's profile shows, when it gives one: offered where a name is asked, not saved.
    name: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DraftText:
    title: str
    text: str


class Drafter(Protocol):
    """Writes the complaint for a finished case (the knowledge layer supplies it)."""

    def draft(
        self, case_id: int, answers: dict[str, Any], evidence: list[EvidenceItem], created_at: datetime, lang: str
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
    """The replies for one event, plus what an adapter needs to tidy the chat.

    `outbox` holds the ids of the replies as queued in the outbox with the event's effects, one
    per reply; the adapter sends them from there (services/outbox.py). `held`: the event's
    transaction claimed them for the adapter's sender (`outbox_holds`), which sends them as they
    are (`OutboxSender.send_held`). `queued` is False only for an apology made when the store
    itself failed: those replies are in `replies` alone.
    """

    replies: list[Reply]
    answered: str | None = None
    stale: bool = False
    duplicate: bool = False
    outbox: list[int] = field(default_factory=list)
    queued: bool = True
    moved_on: bool = False
    held: bool = False


class _AlreadyApplied(Exception):
    """Another process applied this platform message while this one was working on it."""


def last_prompt(replies: list[Reply]) -> dict[str, Any] | None:
    """The last question among `replies` as JSON for the session, so it can be shown again."""
    asking = [r for r in replies if r.buttons or r.expects]
    if not asking:
        return None
    reply = asking[-1]
    return {"text": reply.text, "buttons": [[b.label, b.value] for b in reply.buttons], "expects": reply.expects}


def reply_of(prompt: dict[str, Any]) -> Reply:
    buttons = tuple(Button(str(label), str(value)) for label, value in prompt.get("buttons") or [])
    return Reply(str(prompt.get("text") or ""), buttons, expects=prompt.get("expects"))


class ConversationService:
    """Applies events to one person's conversation, durably and in order."""

    def __init__(
        self,
        store: Store,
        files: EvidenceFileStore,
        engine: Engine,
        drafter: Drafter,
        clock: Callable[[], datetime] = utcnow,
        commands: Commands | None = None,
    ) -> None:
        self.store = store
        self.files = files
        # Reads screenshots for facts to propose (services/reading); None: images are kept unread.
        self.image_reader: ImageReader | None = None
        self.engine = engine
        self.drafter = drafter
        self.clock = clock
        # The per-chat locks; a platform that must hold a chat across a download takes the same one.
        self.locks = ChatLocks()
        # What is answered here rather than by the engine (services/commands.py): commands, buttons,
        # a text typed while `state.pending["kind"]` is set, the replies added under a finished draft.
        self.commands = commands if commands is not None else Commands()
        # Called with (user id, case id) after /delete, so every feature can erase what it made.
        self.erase_hooks: list[Callable[[int, int], Awaitable[None]]] = []
        # Platforms whose adapter sends replies from the outbox (services/outbox.py): their replies are
        # queued with the event. Others get them in Result.replies only, with `queued` False.
        self.outbox_platforms: set[str] = set()
        # Of those, the platforms whose adapter sends an event's replies itself right after its
        # commit, with the seconds its sender holds a claimed row: the event's transaction claims
        # them for it (storage's `enqueue_held`), which spares the sender a claim and a commit.
        self.outbox_holds: dict[str, float] = {}
        # Platforms whose adapter tries an event again while the database is away (StoreUnavailable);
        # the others get the apology.
        self.retry_platforms: set[str] = set()

    @asynccontextmanager
    async def serialized(self, who: Who) -> AsyncIterator[None]:
        """One event of this person at a time: in this process (the chat's lock), and across
        processes (the store's)."""
        async with self.locks.hold(who.platform, who.external_id), self.store.serialized(who.platform, who.external_id):
            yield

    async def handle(self, who: Who, event: Event, message_ids: MessageIds = None) -> list[Reply]:
        """Apply one event; returns the replies to show (empty for an already-applied message)."""
        return (await self.handle_full(who, event, message_ids)).replies

    async def handle_full(
        self, who: Who, event: Event, message_ids: MessageIds = None, notice: Sequence[Reply] = ()
    ) -> Result:
        """Apply one event; also says how a tapped question was answered, or that it was stale.

        `message_ids` are the platform's ids of the messages that make up the event (an album has
        several); they are recorded as processed in the event's transaction, and an event whose
        first id was recorded already is skipped, so a redelivery after a crash changes nothing.
        `notice` is the adapter's own word on the same messages (files of an album it refused),
        queued before the event's replies and, like them, once.
        """
        ids = [message_ids] if isinstance(message_ids, (int, str)) else list(message_ids or [])
        if isinstance(event, TextInput) and "\x00" in event.text:
            # NUL is never meant, and PostgreSQL text columns refuse it (a pasted SMS may carry one).
            event = TextInput(event.text.replace("\x00", ""))
        try:
            if self.image_reader is not None and isinstance(event, FileInput):
                # OCR (~1 s) runs before the person's lock, so other chats and the store are not held up.
                event = await self._read_images(who, event)
            async with self.serialized(who):
                try:
                    return await self._handle(who, event, ids, list(notice))
                except _AlreadyApplied:
                    await self._discard_temporaries(event)
                    return Result([], duplicate=True, queued=who.platform in self.outbox_platforms)
                except SessionConflict:
                    log.info("event on %s lost a race with another process: told the person", who.platform)
                    await self._discard_temporaries(event)
                    return await self._moved_on(who, ids, list(notice))
        except Exception as exc:
            if who.platform in self.retry_platforms and is_unavailable(exc):
                # Nothing was applied (or it was, and the next try finds the ids applied): the adapter tries again.
                log.warning("event on %s deferred: the database is unavailable (%s)", who.platform, type(exc).__name__)
                await self._discard_temporaries(event)
                raise StoreUnavailable from exc
            log.exception("event failed on %s (%s)", who.platform, type(event).__name__)
            await self._discard_temporaries(event)
            return Result([Reply(st("error.sorry", lang_from_code(who.lang_code)), kind="error")], queued=False)

    async def _read_images(self, who: Who, event: FileInput) -> Event:
        """The event with what its screenshots show proposed; unchanged when reading fails (kept unread)."""
        assert self.image_reader is not None
        try:
            state = await self.state_of(await self.user_for(who))
            chat_key = f"{who.platform}:{who.external_id}"
            return await read_images(event, state, self.engine.regions, self.image_reader, chat_key, self.clock())
        except Exception:
            log.exception("reading a screenshot on %s failed; it is kept unread", who.platform)
            return event

    async def _moved_on(self, who: Who, message_ids: list[int | str], notice: list[Reply]) -> Result:
        """The conversation was saved elsewhere since this event read it: say so and show where it is now."""
        user = await self.user_for(who)
        state = await self.state_of(user)
        replies = [*notice, Reply(st("session.moved_on", state.lang), kind="error"), *self.engine.current_question(state)]
        result = await self.settle(who, message_ids, replies)
        result.moved_on = True
        return result

    async def settle(self, who: Who, message_ids: MessageIds, replies: list[Reply]) -> Result:
        """Queue replies for a person and record the messages they answer as processed, in one transaction.

        For answers made without the engine (an adapter's refusal of a sticker, an oversize file,
        nothing at all for a push that needs no answer). When the first message was recorded
        already, nothing is queued: a redelivered sticker is not refused twice.
        """
        ids = [message_ids] if isinstance(message_ids, (int, str)) else list(message_ids or [])
        try:
            async with self.store.transaction() as tx:
                await self._claim(tx, who, ids, self.clock())
                outbox, held = await self._enqueue(tx, who, replies)
        except _AlreadyApplied:
            return Result([], duplicate=True, queued=who.platform in self.outbox_platforms)
        return Result(replies, outbox=outbox, queued=who.platform in self.outbox_platforms, held=held)

    async def _claim(self, tx: StoreTx, who: Who, message_ids: list[int | str], now: datetime) -> None:
        """Record the messages as processed in `tx`; raise _AlreadyApplied (rolling `tx` back) when
        the first was recorded already. mark_processed says whether its mark is new, so two
        processes applying the same message at once cannot both go on."""
        for message_id in message_ids:
            if not await tx.mark_processed(who.platform, message_id, now) and message_id == message_ids[0]:
                raise _AlreadyApplied()

    async def gave_up(self, who: Who, message_id: int | str, what: str) -> None:
        """A platform message the adapter could not handle however often it tried (a download that
        hangs, an update that kills the process): tell the person what was not kept and ask for it
        again, and record it in the current case's timeline. Once per message id."""
        async with self.serialized(who):
            user = await self.user_for(who)
            state = await self.state_of(user)
            text = st("gave_up.update", state.lang, what=st(f"gave_up.{what}", state.lang))
            now = self.clock()
            async with self.store.transaction() as tx:
                if not await tx.mark_processed(who.platform, message_id, now):
                    return
                if state.case_id is not None and await self.store.get_case(state.case_id, user.id) is not None:
                    await tx.add_event(state.case_id, "gave_up", {"what": what}, now)
                # Sent by the outbox's loop (this runs at start-up, before the adapter sends anything).
                await self._enqueue(tx, who, [Reply(text, kind="error")], hold=False)

    async def _enqueue(self, tx: StoreTx, who: Who, replies: list[Reply], *, hold: bool = True) -> tuple[list[int], bool]:
        """Queue the replies in `tx`; their ids, and whether they are held for the adapter's sender."""
        if not replies or who.platform not in self.outbox_platforms:
            return [], False
        rows = [reply_to_row(r) for r in replies]
        seconds = self.outbox_holds.get(who.platform) if hold else None
        if seconds is None:
            return await tx.enqueue_replies(who.platform, who.external_id, rows, wall_clock()), False
        at = wall_clock()
        return await tx.enqueue_held(who.platform, who.external_id, rows, at, at + timedelta(seconds=seconds))

    async def user_for(self, who: Who) -> User:
        return await self.store.get_or_create_user(who.platform, who.external_id, lang_from_code(who.lang_code), self.clock())

    async def state_of(self, user: User) -> SessionState:
        state = SessionState.from_dict(await self.store.load_session(user.id))
        if not state.lang or state.lang != user.lang:
            state.lang = user.lang
        state.timezone = user.timezone
        return state

    async def current_question(self, who: Who) -> list[Reply]:
        """The question a person is on, for a local chat that starts again after a restart: an
        unanswered question asked outside the flow first, then the flow's own."""
        async with self.serialized(who):
            user = await self.user_for(who)
            state = await self.state_of(user)
            asked = [reply_of(state.prompt)] if state.prompt else []
            return asked + self.engine.current_question(state)

    async def _handle(self, who: Who, event: Event, message_ids: list[int | str], notice: list[Reply]) -> Result:
        now = self.clock()
        handler, arg = self._service_handler(event)
        pending = None
        read: tuple[SessionState, int] | None = None
        if handler is None:
            # The person and their conversation in one read: every tap and typed answer needs both.
            found, data, version = await self.store.user_with_session(
                who.platform, who.external_id, lang_from_code(who.lang_code), now
            )
            user, read = found, (self._state_of_data(data, found), version)
            read[0].profile_name = who.name
            if isinstance(event, TextInput):
                pending = read[0].pending
                if pending and (asked_by := self.commands.pending_handler(pending.get("kind"))):
                    handler, arg = asked_by, event.text
        else:
            user = await self.user_for(who)
        if handler is not None:
            await self._skip_applied(who, message_ids)
            replies = await handler(Context(user, user.lang, arg, now, self, event, pending))
            await self._remember_prompt(user, replies, now)
            return await self.settle(who, message_ids, notice + replies)
        assert read is not None  # read above whenever no handler answers the event
        state, version = read
        state.pending = None
        state.prompt = None
        event = read_typed(event, state, self.engine.evidence_step, self.engine.regions, now)
        if isinstance(event, FileInput):
            await self._skip_applied(who, message_ids)
        outcome = self.engine.advance(state, event, now)
        if outcome.refused and (pasted := read_pasted(event, state, self.engine.regions, now)) is not event:
            # The engine left `state` as it was: the pasted message is read against it afresh.
            event = pasted
            await self._skip_applied(who, message_ids)
            outcome = self.engine.advance(state, event, now)
        replies, outbox, held = await self._persist(user, who, outcome, event, message_ids, now, version, notice)
        queued = who.platform in self.outbox_platforms
        return Result(replies, answered=outcome.answered, stale=outcome.stale, outbox=outbox, queued=queued, held=held)

    async def _skip_applied(self, who: Who, message_ids: list[int | str]) -> None:
        """An early skip under the person's lock, before work that must not be done twice: a
        command's handler (its writes are its own), evidence bytes stored. The claim that counts is
        _claim's, in the transaction that saves, which alone guards a tap or a typed answer (the
        engine's work is thrown away with the rolled-back transaction)."""
        if message_ids and await self.store.is_processed(who.platform, message_ids[0]):
            raise _AlreadyApplied()

    async def _remember_prompt(self, user: User, replies: list[Reply], now: datetime) -> None:
        """Keep the last question asked outside the flow (filed? reference? delete?), to ask it again
        after a restart; an answer without a question forgets it."""
        prompt = last_prompt(replies)
        state = await self.state_of(user)
        if state.prompt == prompt:
            return
        state.prompt = prompt
        async with self.store.transaction() as tx:
            await tx.save_session(user.id, state.to_dict(), now)

    async def set_language(self, who: Who, lang: str) -> None:
        """The person's language, decided by the adapter (the local chat reads it from the first message)."""
        async with self.serialized(who):
            user = await self.user_for(who)
            if user.lang != lang:
                async with self.store.transaction() as tx:
                    await tx.set_user_lang(user.id, lang)

    async def is_new_person(self, who: Who) -> bool:
        """True for a person with no conversation and no case yet."""
        user = await self.user_for(who)
        return await self.store.load_session(user.id) is None and not await self.store.list_cases(user.id)

    async def versioned_state(self, user: User) -> tuple[SessionState, int]:
        """The person's state and the version it was read at, for a save that must not overwrite a newer one."""
        data, version = await self.store.load_session_version(user.id)
        return self._state_of_data(data, user), version

    @staticmethod
    def _state_of_data(data: dict[str, Any] | None, user: User) -> SessionState:
        state = SessionState.from_dict(data)
        if not state.lang or state.lang != user.lang:
            state.lang = user.lang
        return state

    async def set_pending(self, user: User, pending: dict[str, Any] | None, now: datetime) -> None:
        """Route the person's next typed text to a service handler (e.g. a reference number)."""
        state = await self.state_of(user)
        state.pending = pending
        async with self.store.transaction() as tx:
            await tx.save_session(user.id, state.to_dict(), now)

    def _service_handler(self, event: Event) -> tuple[CommandHandler | None, str]:
        if isinstance(event, Command):
            return self.commands.handler(event.name.lower()), event.arg.strip()
        if isinstance(event, ButtonPress):
            name, _, arg = event.value.partition(":")
            return self.commands.button(name), arg
        return None, ""

    async def _persist(
        self,
        user: User,
        who: Who,
        outcome: Outcome,
        event: Event,
        message_ids: list[int | str],
        now: datetime,
        version: int,
        notice: list[Reply],
    ) -> tuple[list[Reply], list[int], bool]:
        """Write the effects, the new state (if still at `version`), the replies and the message ids at once.

        Case-ready hooks run inside the transaction, so the question they add is queued with the draft;
        they may read through the store (the transaction's own task sees its writes) but not open one.
        """
        state = outcome.state
        kept = await self._store_evidence_files(outcome)
        await self._discard_temporaries(event, keep={item.source for item, _ in kept.values() if item.source})
        finished: DraftText | None = None
        async with self.store.transaction() as tx:
            await self._claim(tx, who, message_ids, now)
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
                elif isinstance(effect, AddEvidence):
                    await self._add_evidence_row(tx, state.case_id, effect.item, kept[id(effect.item)][1], now)
                elif isinstance(effect, RecordEvent):
                    await tx.add_event(state.case_id, effect.kind, effect.data, now)
                elif isinstance(effect, CompleteCase):
                    finished = await self._complete(tx, state, now)
            replies = notice + list(outcome.replies)
            if finished is not None and state.case_id is not None:
                replies += [
                    Reply(finished.text, kind="draft"),
                    Reply(st("draft.saved", state.lang, id=state.case_id), kind="info"),
                ]
                ctx = Context(user, state.lang, "", now, self, event)
                hooked: list[Reply] = []
                for hook in self.commands.case_ready:
                    hooked += await hook(ctx, state.case_id)
                # The question a hook adds (filed yet?) is asked again after a restart.
                state.prompt = last_prompt(hooked)
                replies += hooked
            await tx.save_session(user.id, state.to_dict(), now, expected_version=version)
            outbox, held = await self._enqueue(tx, who, replies)
        return replies, outbox, held

    async def _complete(self, tx: StoreTx, state: SessionState, now: datetime) -> DraftText:
        assert state.case_id is not None
        step = self.engine.evidence_step
        evidence = [EvidenceItem.from_answer(i) for i in (state.answers.get(step) if step else None) or []]
        draft = self.drafter.draft(state.case_id, dict(state.answers), evidence, now, state.lang)
        await tx.update_case(state.case_id, now, status="ready", draft=draft.text)
        await tx.add_event(state.case_id, "ready", {"channel": state.answers.get("channel")}, now)
        return draft

    async def _store_evidence_files(self, outcome: Outcome) -> dict[int, tuple[EvidenceItem, StoredFile]]:
        """Move accepted evidence bytes into the content-addressed store before the transaction (by item id)."""
        kept: dict[int, tuple[EvidenceItem, StoredFile]] = {}
        for effect in outcome.effects:
            if not isinstance(effect, AddEvidence):
                continue
            item = effect.item
            if item.text is not None:
                stored = await self.files.put_bytes(item.text.encode("utf-8"))
            elif item.temporary and item.source:
                # Hashed once, when the adapter examined the download (services/evidence_intake.py).
                stored = await self.files.adopt_temp(Path(item.source), item.sha256, item.size)
            elif item.source:
                stored = await self.files.put_file(Path(item.source))
            else:
                raise ValueError("an evidence item without its bytes")
            kept[id(item)] = (item, stored)
        return kept

    async def _add_evidence_row(self, tx: StoreTx, case_id: int, item: EvidenceItem, stored: StoredFile, now: datetime) -> None:
        record = NewEvidence(
            sha256=stored.sha256,
            kind=item.kind,
            mime=item.mime,
            size=stored.size,
            stored_path=stored.rel_path,
            filename=item.filename,
            caption=item.caption,
            origin=dict(item.origin) if item.origin is not None else None,
        )
        await tx.add_evidence(case_id, record, now)

    async def _discard_temporaries(self, event: Event, keep: set[str] | None = None) -> None:
        if not isinstance(event, FileInput):
            return
        for item in event.items:
            if item.temporary and item.source and item.source not in (keep or set()):
                await self.files.discard_temp(Path(item.source))
