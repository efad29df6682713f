"""The WeChat adapter proper: pushes in, engine events through the service, replies out.

WeChat waits 5 seconds for the answer to a push, then pushes it again (three times in all).
So each push is journaled and queued for its person, and the HTTP handler waits at most
`answer_within` seconds for the first message of the answer: plain text that is ready in time
goes back as the passive reply, everything else (menus, later messages, anything after a slow
step) goes out through the customer-service API once the HTTP answer is given, in order. Media
are downloaded only after the HTTP answer ("success" at once). A push's replies are claimed for
this process in the event's own transaction when the person has nothing else queued, and sent
from memory (handlers/kit/outbox.py); only then may the first be the passive reply, as nothing
queued earlier can be overtaken by it, and no other process sends it meanwhile.

Each push is applied once: the service records its MsgId (events: sender + CreateTime) as
processed in the transaction of its effects; a retry that arrives while the push is in hand
waits for the same answer, and one that arrives later is answered "success" and changes nothing.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp

from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.evidence import EvidenceItem, human_size
from engine.replies import Reply
from handlers.kit.buttons import decode_button
from handlers.kit.text import BUTTON_EXPECTS, button_for_text, typed_event
from handlers.kit.journal import UpdateJournal
from handlers.kit.outbox import send_replies, shown_elsewhere
from handlers.wechat.api import TooBig, WeChatApi, WeChatError
from handlers.wechat.push import Push
from handlers.kit.group_commit import JournalWriter
from handlers.wechat.render import one_text, render, render_all
from handlers.wechat.send import UNTIL_THEY_WRITE, WeChatSender
from handlers.wechat.texts import unsupported_text, wt
from services.commands import Commands
from services.conversation import ConversationService, Result, Who
from services.outbox import OutboxSender, wall_clock
from services.evidence_intake import file_item
from services.texts import st
from storage.files import EvidenceFiles
from storage.protocols import InboundUpdate, JournaledUpdate

log = logging.getLogger(__name__)

PLATFORM = "wechat"
MEDIA_KINDS = {"image": None, "voice": "audio", "video": "video", "shortvideo": "video", "file": None}
# Questions a voice message's recognised text can answer (typed answers work for choices too);
# at the evidence question, or with no question on screen, the recording itself is the point.
SPOKEN_EXPECTS = frozenset({"text", "number", "phone", "datetime", "choice", "choices", "confirm"})
MAX_SHOWN = 10_000


@dataclass
class Job:
    """One push being handled; `first` is the passive reply's text (None: answer "success")."""

    push: Push
    first: asyncio.Future[str | None]
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    replayed: bool = False


class WeChatAdapter:
    """Queues pushes per person, applies them through the service, and answers."""

    def __init__(
        self,
        service: ConversationService,
        sender: WeChatSender,
        outbox: OutboxSender,
        api: WeChatApi | None,
        files: EvidenceFiles,
        journal: UpdateJournal,
        max_download_bytes: int,
        answer_within: float = 4.0,
        *,
        shared: bool = False,
    ) -> None:
        self.service = service
        self.sender = sender
        self.outbox = outbox
        self.api = api
        self.files = files
        self.journal = journal
        self.max_download_bytes = max_download_bytes
        self.answer_within = answer_within
        self.inbox = JournalWriter(service.store, service.clock, PLATFORM)
        self._queues: dict[str, collections.deque[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._inflight: dict[str, Job] = {}
        # The question last shown to each person, so "2" or an option's words answer it.
        self._shown: collections.OrderedDict[str, Reply] = collections.OrderedDict()
        # Several processes share the database: the person's last push may have been answered by
        # another one, so the question on screen is read from the database, not remembered here.
        self.shared = shared

    def now(self) -> datetime:
        return self.service.clock()

    # --- accepting pushes -------------------------------------------------------------------

    async def accept(self, push: Push) -> Job:
        """Journal and queue a push, or join the copy in hand. A push applied already goes through
        as well: the service skips it (its MsgId is recorded) and the answer is "success"."""
        job = self._inflight.get(push.key)
        if job is not None:
            return job
        await self.inbox.record([InboundUpdate(push.journal_id, push.openid, push.to_payload())])
        self.journal.own([push.journal_id])
        if push.key in self._inflight:  # a retry that came in while this one was being journaled
            return self._inflight[push.key]
        job = Job(push, asyncio.get_running_loop().create_future())
        self._enqueue(job)
        return job

    async def first_message(self, job: Job, received: float) -> str | None:
        """The passive reply if it is ready within `answer_within` of `received`; None otherwise."""
        remaining = self.answer_within - (time.monotonic() - received)
        if not job.first.done() and remaining > 0:
            try:
                await asyncio.wait_for(asyncio.shield(job.first), remaining)
            except TimeoutError:
                pass
        if not job.first.done():
            job.first.set_result(None)
        return job.first.result()

    def replay(self, payloads: list[dict[str, Any]]) -> int:
        """Queue pushes an earlier run (or a killed process, swept by the journal) accepted but did
        not finish, in the order they arrived; returns how many were read back."""
        pushes = []
        for payload in payloads:
            try:
                pushes.append(Push.from_payload(payload))
            except Exception as exc:  # noqa: BLE001 - its row stays; the replay cap gives it up
                log.warning("a journaled push could not be read back: %s", type(exc).__name__)
        for push in sorted(pushes, key=lambda p: p.arrived_ns):
            if push.key in self._inflight:  # swept while still in hand here: it is being handled
                continue
            job = Job(push, asyncio.get_running_loop().create_future(), replayed=True)
            job.first.set_result(None)
            job.answered.set()
            self._enqueue(job)
        return len(pushes)

    def _enqueue(self, job: Job) -> None:
        openid = job.push.openid
        self._inflight[job.push.key] = job
        self._queues.setdefault(openid, collections.deque()).append(job)
        if openid not in self._workers:
            self._workers[openid] = asyncio.create_task(self._work(openid), name="wechat-person")

    async def _work(self, openid: str) -> None:
        """One person's pushes, one after another in arrival order."""
        queue = self._queues[openid]
        try:
            while queue:
                job = queue[0]
                try:
                    # Forgotten by the journal once handled, even after an apology; kept if cancelled.
                    # The person's outbox turn, from before the event to its last send: the reply that
                    # goes back as the passive one is queued too, and the outbox's background loop
                    # must not send it (or the rows behind it, ahead of it) meanwhile.
                    with self.journal.handling(job.push):
                        async with self.outbox.turn(openid):
                            try:
                                await self.handle(job)
                            except Exception:
                                log.exception("push failed")
                                await self.apologise(job)
                finally:
                    queue.popleft()
                    self._inflight.pop(job.push.key, None)
                    if not job.first.done():
                        job.first.set_result(None)
        finally:
            self._queues.pop(openid, None)
            self._workers.pop(openid, None)

    async def drain(self) -> None:
        """Wait until every queued push is handled (shutdown, tests)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    # --- handling one push ------------------------------------------------------------------

    def who(self, openid: str) -> Who:
        return Who(PLATFORM, openid, "zh")

    async def lang_of(self, openid: str) -> str:
        try:
            return (await self.service.user_for(self.who(openid))).lang
        except Exception:  # noqa: BLE001 - a broken store must not stop an apology
            return "zh"

    async def handle(self, job: Job) -> None:
        push, openid = job.push, job.push.openid
        await self.send_waiting_first(job)
        message = push.message
        msg_type = str(getattr(message, "type", "unknown"))
        fields: dict[str, Any] = getattr(message, "_data", {}) or {}
        if msg_type == "text":
            event = await self.text_event(openid, str(message.content or ""), fields.get("bizmsgmenuid"))
            if isinstance(event, list):
                await self.refuse(job, event)
                return
            await self.apply(job, event)
        elif msg_type == "voice" and (message.recognition or "").strip() and await self.answers_by_voice(openid):
            await self.apply(job, TextInput(str(message.recognition).strip()))
        elif msg_type in MEDIA_KINDS or (msg_type == "unknown" and fields.get("MsgType") == "file" and fields.get("MediaId")):
            await self.media(job, fields, MEDIA_KINDS.get(msg_type) if msg_type != "unknown" else None)
        elif msg_type == "link":
            await self.apply(job, FileInput((self.link_item(message),)))
        elif msg_type == "event":
            await self.on_event(job, message)
        else:
            lang = await self.lang_of(openid)
            await self.refuse(job, [Reply(unsupported_text("location" if msg_type == "location" else "other", lang))])

    def no_passive(self, job: Job) -> None:
        if not job.first.done():
            job.first.set_result(None)

    async def apply(self, job: Job, event: Event) -> None:
        """Hand one event to the service (applied once per push) and answer with its replies."""
        who = self.who(job.push.openid)
        result = await self.service.handle_full(who, event, [job.push.key])
        then: Result | None = None
        if result.stale:
            # The question the person is at, after the notice: queued behind it (not claimed with it).
            then = await self.service.settle(who, [], await self.service.current_question(who))
            if not then.queued:
                result.replies += then.replies
                then = None
        await self.deliver(job, result, then)

    async def refuse(self, job: Job, replies: list[Reply]) -> None:
        """An answer made without the engine (a refusal): queued with the push recorded as processed."""
        await self.deliver(job, await self.service.settle(self.who(job.push.openid), [job.push.key], replies))

    async def deliver(self, job: Job, result: Result, then: Result | None = None) -> None:
        """The first reply as the passive reply when it is one plain text ready in time; the rest
        (or all) from the outbox, in order, once the HTTP answer is given, and `then`'s after them.
        A push the service had applied already gets "success" and nothing more."""
        openid = job.push.openid
        if result.duplicate:
            self.no_passive(job)
            return
        self.remember(openid, result.replies + (then.replies if then else []))
        lang = await self.lang_of(openid)
        if not result.queued:
            # Passive-only mode (no credentials), or an apology made when the store failed.
            text = one_text(result.replies, lang)
            if text and not job.first.done():
                job.first.set_result(text)
            elif self.api is not None:
                await job.answered.wait()
                with suppress(Exception):
                    await self.sender.send(openid, render_all(result.replies, lang))
            return
        # Only replies the event's transaction claimed (the person had nothing else queued) may go
        # back passively: others wait behind earlier replies, which the passive one would overtake.
        first = render(result.replies[0], lang) if result.held and result.replies else []
        if len(first) == 1 and first[0].text is not None and not job.first.done():
            async with shown_elsewhere(self.outbox, openid, result):
                job.first.set_result(first[0].text)
                await job.answered.wait()
                await self.outbox.discard(result.outbox[:1])
            await send_replies(self.outbox, openid, result, skip=1)
        else:
            self.no_passive(job)
            await job.answered.wait()
            await send_replies(self.outbox, openid, result)
        if then is not None:
            await send_replies(self.outbox, openid, then)

    async def send_waiting_first(self, job: Job) -> None:
        """Replies queued for the person that did not go out (kept for the 48-hour window, or waiting
        for a retry) are older than this push's answer: now that they wrote, they go first, and so
        there is no passive reply.

        One process: every queued row of the person (this process sends nothing of theirs outside
        its turn, which the push holds). Several: the deferred rows, brought forward in one statement
        that leaves alone a row another process holds, as that one is being sent right now."""
        openid = job.push.openid
        rows = await self.service.store.chat_outbox(PLATFORM, openid)
        if not rows:
            return
        if self.shared:
            async with self.service.store.transaction() as tx:
                if not await tx.bring_forward_outbox(PLATFORM, openid, wall_clock()):
                    return
            self.no_passive(job)
            await job.answered.wait()
        else:
            self.no_passive(job)
            await job.answered.wait()
            async with self.service.store.transaction() as tx:
                await tx.defer_outbox([row.id for row in rows], wall_clock())
        await self.outbox.drain(openid)

    async def kept_rows(self, openid: str) -> list[int]:
        """Replies kept for the person until they write (refused for the 48-hour window)."""
        horizon = wall_clock() + UNTIL_THEY_WRITE / 2
        return [row.id for row in await self.service.store.chat_outbox(PLATFORM, openid) if row.due_at > horizon]

    async def kept(self, openid: str) -> bool:
        return bool(await self.kept_rows(openid))

    async def apologise(self, job: Job) -> None:
        try:
            await self.refuse(job, [Reply(st("error.sorry", await self.lang_of(job.push.openid)), kind="error")])
        except Exception:  # noqa: BLE001 - nothing more can be done for this person now
            log.warning("could not send the apology")

    async def gave_up(self, row: JournaledUpdate) -> None:
        """The journal gives up a push whose handling never finished in its replays (it kills the
        process, a download never ends): its person hears what to send again, once per push."""
        push = Push.from_payload(row.payload)
        kind = str(getattr(push.message, "type", ""))
        what = "file" if kind in MEDIA_KINDS else "button" if kind == "event" or "bizmsgmenuid" in push.xml else "message"
        await self.service.gave_up(self.who(push.openid), push.key, what)

    async def settle(self, push: Push) -> None:
        """A push that needs no answer (an unsubscribe, a view event) counts as processed too."""
        await self.service.settle(self.who(push.openid), [push.key], [])

    # --- text, menus, numbers ---------------------------------------------------------------

    def remember(self, openid: str, replies: list[Reply]) -> None:
        for reply in replies:
            if reply.buttons or reply.kind == "question":
                self._shown[openid] = reply
                self._shown.move_to_end(openid)
        while len(self._shown) > MAX_SHOWN:
            self._shown.popitem(last=False)

    async def shown(self, openid: str) -> Reply | None:
        """The question on screen; after a restart (or, several processes, always), the current
        question of the conversation."""
        if openid in self._shown and not self.shared:
            return self._shown[openid]
        questions = await self.service.current_question(self.who(openid))
        return questions[-1] if questions else None

    async def answers_by_voice(self, openid: str) -> bool:
        shown = await self.shown(openid)
        return shown is not None and shown.expects in SPOKEN_EXPECTS

    async def text_event(self, openid: str, content: str, menu_id: Any) -> Event | list[Reply]:
        """A menu tap as the button it stands for; a number or an option's words as that option."""
        if menu_id:
            press = decode_button(str(menu_id))
            if press is not None:
                return press
            lang = await self.lang_of(openid)
            return [Reply(wt("stale_menu", lang)), *await self.service.current_question(self.who(openid))]
        shown = await self.shown(openid)
        if shown is not None and shown.buttons and shown.expects in BUTTON_EXPECTS:
            value = button_for_text(shown.buttons, content)
            if value is not None:
                return ButtonPress(value, shown.seq)
        return typed_event(content, self.service.commands)

    # --- evidence ---------------------------------------------------------------------------

    def link_item(self, message: Any) -> EvidenceItem:
        """A shared link or forwarded article as one text evidence item (title, summary, address)."""
        parts = [str(p).strip() for p in (message.title, message.description, message.url) if p and str(p).strip()]
        return EvidenceItem.of_text("\n".join(parts), "forward", self.now(), {"type": "link", "url": message.url})

    async def media(self, job: Job, fields: dict[str, Any], kind_hint: str | None) -> None:
        """Answer "success" at once, then download, hash and hand the file to the service."""
        self.no_passive(job)
        await job.answered.wait()
        push = job.push
        lang = await self.lang_of(push.openid)
        if self.api is None:
            await self.refuse(job, [Reply(wt("download_failed", lang))])
            return
        tmp = self.files.new_temp_path()
        try:
            mime = await self.api.download(str(fields.get("MediaId")), tmp, self.max_download_bytes)
            caption = str(fields.get("Recognition") or "").strip() or None
            item = await file_item(
                tmp,
                received_at=self.now(),
                filename=fields.get("FileName") or fields.get("Title"),
                mime_hint=mime,
                caption=caption,
                temporary=True,
                kind_hint=kind_hint,
            )
        except TooBig:
            await self.files.discard_temp(tmp)
            await self.refuse(job, [Reply(wt("too_big", lang, max=human_size(self.max_download_bytes)))])
            return
        except (TimeoutError, WeChatError, OSError, aiohttp.ClientError) as exc:
            await self.files.discard_temp(tmp)
            log.warning("media download failed: %s", type(exc).__name__)
            await self.refuse(job, [Reply(wt("download_failed", lang))])
            return
        except BaseException:
            await self.files.discard_temp(tmp)
            raise
        await self.apply(job, FileInput((item,)))

    # --- events -----------------------------------------------------------------------------

    async def on_event(self, job: Job, message: Any) -> None:
        event = str(getattr(message, "event", "")).lower()
        command: Command | None = None
        if event in ("subscribe", "subscribe_scan"):
            command = Command("start")
        elif event == "click":
            command = menu_command(self.service.commands, str(getattr(message, "key", "") or ""))
        if command is None:
            self.no_passive(job)
            await self.settle(job.push)
            return
        await self.apply(job, command)


def menu_command(commands: Commands, key: str) -> Command | None:
    """A custom-menu click (app.custom_menu) as the command its key names; an unknown key is nothing."""
    spec = commands.specs.get(key.lower())
    return Command(spec.name) if spec is not None and spec.menu_label and key == spec.name.upper() else None
