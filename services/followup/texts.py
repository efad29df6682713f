"""Texts of the follow-up feature (filing, check-ins, escalation, time zone) in both languages."""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from engine.i18n import render

FOLLOWUP_TEXTS: dict[str, dict[str, str]] = {
    # After the draft: has it been filed?
    "ask.filed.tracks": {
        "zh": "你已经把投诉 #{id} 提交给{channel}了吗？提交后告诉我：我会记下日期和编号，并在{channel}应当答复的时候问你进展。",
        "en": "Have you filed case #{id} with {channel} yet? Once you have, tell me: I'll note the date and the reference number and check in with you when {channel} should have answered.",
    },
    "ask.filed.note": {
        "zh": "你已经把投诉 #{id} 提交给{channel}了吗？提交后告诉我：我会记下日期和确认编号，过些天提醒你下一步可以做什么。",
        "en": "Have you filed case #{id} with {channel} yet? Once you have, tell me: I'll note the date and the confirmation number, and remind you later of what you can do next.",
    },
    "btn.filed": {"zh": "✅ 已提交", "en": "✅ I've filed it"},
    "btn.later": {"zh": "稍后再说", "en": "Later"},
    "btn.tomorrow": {"zh": "⏰ 明天提醒我提交", "en": "⏰ Remind me tomorrow"},
    "btn.skip": {"zh": "跳过", "en": "Skip"},
    "later.ok": {"zh": "好的。提交以后发送 /filed {id} 告诉我。", "en": "OK. When you've filed it, send /filed {id}."},
    "tomorrow.ok": {"zh": "好的，我会在{when}提醒你提交投诉 #{id}。", "en": "OK — I'll remind you to file case #{id} on {when}."},
    "file.reminder": {
        "zh": "⏰ 提醒：投诉 #{id} 还没有提交给{channel}。提交了吗？发送 /case {id} 可以再看一遍投诉内容。",
        "en": "⏰ Reminder: case #{id} isn't filed with {channel} yet. Have you filed it? /case {id} shows the complaint again.",
    },
    "filed.usage": {
        "zh": "请写上编号，例如 /filed 3，也可以带上受理编号：/filed 3 GD12345。",
        "en": "Please add the case number, e.g. /filed 3 — or with the reference number: /filed 3 GD12345.",
    },
    "filed.not_ready": {
        "zh": "投诉 #{id} 还没有填写完成。完成后再告诉我已经提交。",
        "en": "Case #{id} isn't finished yet. Finish it first, then tell me you've filed it.",
    },
    "filed.already": {
        "zh": "投诉 #{id} 已经登记为提交给{channel}（{date}）。发送 /case {id} 查看进展。",
        "en": "Case #{id} is already marked as filed with {channel} ({date}). /case {id} shows its progress.",
    },
    "filed.noted": {"zh": "已记下：投诉 #{id} 于{date}提交给{channel}。", "en": "Noted: case #{id} was filed with {channel} on {date}."},
    "filed.ask_reference": {
        "zh": "对方给了受理编号（工单号、确认号）吗？请直接输入；没有就点「跳过」。",
        "en": "Did they give you a reference (ticket or confirmation) number? Type it here, or tap Skip.",
    },
    "filed.schedule": {"zh": "我会在这些时候问你进展：", "en": "I'll check in with you on:"},
    "filed.schedule_line": {"zh": "• {date}——{what}", "en": "• {date} — {what}"},
    "filed.note_planned": {
        "zh": "这个渠道一般不会单独答复你。{follow_up}\n我会在{date}提醒你下一步。",
        "en": "This channel usually doesn't answer you individually. {follow_up}\nI'll remind you of the next steps on {date}.",
    },
    "reference.saved": {"zh": "已记下投诉 #{id} 的编号：{reference}", "en": "Saved the reference number for case #{id}: {reference}"},
    "reference.skipped": {"zh": "好的，没有编号也没关系。", "en": "OK — no reference number."},
    "reference.invalid": {
        "zh": "编号应为 3–64 个字母、数字或 - _ / # .，请重新输入，或点「跳过」。",
        "en": "A reference number is 3–64 letters, digits or - _ / # . — please type it again, or tap Skip.",
    },
    # Check-ins
    "checkin.header": {"zh": "📋 投诉 #{id} 的跟进", "en": "📋 Follow-up on case #{id}"},
    "checkin.filed": {"zh": "你于{date}向{channel}提交了投诉{ref}。", "en": "You filed it with {channel} on {date}{ref}."},
    "checkin.ref": {"zh": "（编号 {reference}）", "en": " (reference {reference})"},
    "checkin.deadline": {"zh": "{what}（期限：{deadline}）。", "en": "{what} (by {deadline})."},
    "checkin.snoozed": {"zh": "你让我今天再问一次。", "en": "You asked me to check again today."},
    "checkin.question": {"zh": "现在情况怎么样？", "en": "How is it going?"},
    "checkin.basis.estimated": {
        "zh": "（{years}年的调休安排还没有收录，工作日按法定节假日推算，日期可能差一两天。）",
        "en": "(The official make-up working days for {years} aren't known yet, so working days were estimated from the statutory holidays; the date may be a day or two off.)",
    },
    "checkin.basis.weekdays": {
        "zh": "（没有{years}年的节假日数据，工作日按周一至周五计算。）",
        "en": "(No holiday data for {years}: working days were counted Monday to Friday.)",
    },
    "btn.resolved": {"zh": "✅ 已解决", "en": "✅ Resolved"},
    "btn.unsatisfied": {"zh": "😞 已答复，但不满意", "en": "😞 Replied, not satisfied"},
    "btn.no_reply": {"zh": "⏳ 还没有答复", "en": "⏳ No reply yet"},
    "btn.snooze": {"zh": "⏰ {days}天后再问", "en": "⏰ Ask again in {days} day(s)"},
    "btn.stop": {"zh": "🔕 停止这个投诉的提醒", "en": "🔕 Stop reminders for this case"},
    "note.text": {
        "zh": "📋 投诉 #{id}：你于{date}向{channel}提交了投诉{ref}。\n{follow_up}",
        "en": "📋 Case #{id}: you filed it with {channel} on {date}{ref}.\n{follow_up}",
    },
    "note.next": {"zh": "如果还在继续，可以再找：{names}。", "en": "If it keeps happening, you can go on to: {names}."},
    "note.repeat": {"zh": "每次再被骚扰，都可以用 /new 记录并再举报一次。", "en": "Each time it happens again, /new records it so you can report it again."},
    "btn.stopped": {"zh": "✅ 已经停止了", "en": "✅ It has stopped"},
    "btn.continues": {"zh": "📞 还在继续", "en": "📞 It's still happening"},
    # Answers to a check-in
    "answer.resolved": {"zh": "太好了！投诉 #{id} 已标记为已解决，不会再提醒你。", "en": "Great! Case #{id} is marked resolved; no more reminders."},
    "answer.snoozed": {"zh": "好的，我会在{when}再问你。", "en": "OK — I'll ask again on {when}."},
    "answer.stopped": {
        "zh": "好的，投诉 #{id} 的提醒已关闭，案件已结束。发送 /case {id} 随时可以查看记录。",
        "en": "OK — reminders for case #{id} are off and the case is closed. /case {id} still shows its history.",
    },
    "answer.wait_next": {
        "zh": "明白，现在还早。下一次我会在{when}问你：{what}",
        "en": "Understood — it's still early. I'll ask again on {when}: {what}",
    },
    "answer.no_target": {
        "zh": "在我的渠道列表里，{channel}之后没有更高一级的渠道了。可以凭编号打电话问进展；需要的话我过几天再问你。",
        "en": "On my list there's no channel above {channel}. You can call them with your reference number to ask about progress; I can ask you again in a few days if you like.",
    },
    "stale": {"zh": "这个提醒已经回答过了。发送 /case {id} 查看进展。", "en": "That check-in has already been answered. /case {id} shows where things stand."},
    "case_done": {"zh": "投诉 #{id} 已经{status}，不再跟进。", "en": "Case #{id} is already {status}; there's nothing to follow up."},
    # Escalation
    "esc.intro": {"zh": "可以把投诉 #{id} 升级到{target}。", "en": "You can take case #{id} further, to {target}."},
    "esc.why": {"zh": "为什么：{reason}", "en": "Why: {reason}"},
    "esc.needs": {"zh": "需要准备：", "en": "What it needs:"},
    "esc.draft_intro": {
        "zh": "下面是写给{target}的新投诉，写明了你上一次投诉的渠道、日期{ref}：",
        "en": "Below is a new complaint to {target} that cites your earlier one — where and when{ref}:",
    },
    "esc.prompt": {
        "zh": "提交给{target}以后点「已提交」，我会记下日期和编号，继续跟进。",
        "en": "Once you've sent it to {target}, tap the button: I'll note the date and reference and keep following up.",
    },
    "esc.draft_ref": {"zh": "和编号", "en": ", and its reference number"},
    "btn.esc_filed": {"zh": "✅ 已提交给{target}", "en": "✅ I've filed it with {target}"},
    "btn.esc_other": {"zh": "↗ 改投{target}", "en": "↗ {target} instead"},
    "esc.noted": {"zh": "已记下：投诉 #{id} 于{date}升级到{target}。", "en": "Noted: case #{id} was escalated to {target} on {date}."},
    # Time zone
    "tz.current": {
        "zh": "你的时区：{tz}（当地时间 {time}）。提醒不会在 21:00–09:00 之间发出。要修改，发送 /timezone 地区/城市，例如 /timezone Asia/Shanghai。",
        "en": "Your time zone: {tz} (local time {time}). Reminders never come between 21:00 and 09:00. To change it, send /timezone Area/City, e.g. /timezone Europe/London.",
    },
    "tz.default": {"zh": "（未设置，按投诉所在地区）", "en": "(not set — your case's country decides)"},
    "tz.set": {"zh": "时区已设为 {tz}（当地时间 {time}）。", "en": "Time zone set to {tz} (local time {time})."},
    "tz.reset": {"zh": "已恢复默认：按投诉所在地区的时区。", "en": "Back to the default: your case's country decides the time zone."},
    "tz.unknown": {
        "zh": "不认识这个时区：{tz}。请用“地区/城市”的格式，例如 Asia/Shanghai、Europe/London、America/New_York。",
        "en": "I don't know the time zone {tz}. Please use Area/City, e.g. Asia/Shanghai, Europe/London, America/New_York.",
    },
}


def ft(key: str, lang: str, **values: Any) -> str:
    """A follow-up text in `lang`."""
    return render(FOLLOWUP_TEXTS, key, lang, **values)

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def fmt_date(moment: datetime, tz: tzinfo, lang: str) -> str:
    """A date the way people write it: 2026年11月27日 / 27 Nov 2026."""
    local = moment.astimezone(tz)
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def fmt_when(moment: datetime, tz: tzinfo, lang: str) -> str:
    """A date with weekday and time: 2026年12月14日（周一）10:30 / Mon 14 Dec 2026, 10:30."""
    local = moment.astimezone(tz)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "zh":
        return f"{fmt_date(local, tz, lang)}（周{WEEKDAYS['zh'][local.weekday()]}）{clock}"
    return f"{WEEKDAYS['en'][local.weekday()]} {fmt_date(local, tz, lang)}, {clock}"
