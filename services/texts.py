"""Texts of the application layer (case lists, deletion, drafts) in both languages."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from engine.i18n import render

SERVICE_TEXTS: dict[str, dict[str, str]] = {
    "cases.none": {"zh": "你还没有投诉记录。发送 /new 开始。", "en": "You have no cases yet. Send /new to start one."},
    "cases.header": {"zh": "你的投诉：", "en": "Your cases:"},
    "cases.line": {"zh": "#{id} · {date} · {issue} · {status}", "en": "#{id} · {date} · {issue} · {status}"},
    "cases.hint": {"zh": "发送 /case 编号 查看详情，例如 /case {id}", "en": "Send /case ID for details, e.g. /case {id}"},
    "case.usage": {"zh": "请写上编号，例如 /case 3。发送 /cases 查看你的投诉。", "en": "Please add the case number, e.g. /case 3. /cases lists yours."},
    "case.not_found": {"zh": "没有找到你的投诉 #{id}。发送 /cases 查看你的投诉。", "en": "I can't find case #{id} among yours. /cases lists them."},
    "case.forged": {
        "zh": "这个按钮已经失效，或者不属于你的投诉。发送 /cases 查看你的投诉。",
        "en": "That button is no longer valid, or isn't for one of your cases. /cases lists yours.",
    },
    "case.header": {"zh": "投诉 #{id}（{status}），创建于 {date}", "en": "Case #{id} ({status}), created {date}"},
    "case.answers": {"zh": "内容：", "en": "Details:"},
    "case.evidence": {"zh": "证据（{count} 份）：", "en": "Evidence ({count}):"},
    "case.evidence_line": {"zh": "{n}. {kind} · {size} · SHA-256 {sha}", "en": "{n}. {kind} · {size} · SHA-256 {sha}"},
    "case.timeline": {"zh": "进展：", "en": "Timeline:"},
    "reading.country": {"zh": "号码所在地区：{name}", "en": "The numbers are from: {name}"},
    "reading.fraud_kind": {"zh": "我先按「诈骗」来整理这个投诉，对吗？", "en": "I'll treat this as fraud, is that right?"},
    "case.tz": {"zh": "（时间为 {tz} 时间，/timezone 可更改）", "en": "(times in {tz}; /timezone changes it)"},
    "case.draft": {"zh": "投诉文本：", "en": "Complaint text:"},
    "case.no_draft": {"zh": "（还没完成，发送 /start 继续填写）", "en": "(not finished yet — send /start to continue)"},
    "delete.usage": {"zh": "请写上编号，例如 /delete 3。", "en": "Please add the case number, e.g. /delete 3."},
    "delete.confirm": {
        "zh": "确定要永久删除投诉 #{id} 及其全部证据文件吗？删除后无法恢复。",
        "en": "Erase case #{id} and all its evidence files for good? This cannot be undone.",
    },
    "delete.yes": {"zh": "🗑 永久删除", "en": "🗑 Erase it"},
    "delete.no": {"zh": "不删除", "en": "Keep it"},
    "delete.done": {"zh": "投诉 #{id} 及其文件已删除。", "en": "Case #{id} and its files are erased."},
    "delete.kept": {"zh": "好的，没有删除。", "en": "OK, nothing was deleted."},
    "draft.header": {"zh": "📄 投诉 #{id} — {channel}", "en": "📄 Case #{id} — {channel}"},
    "draft.saved": {
        "zh": "投诉 #{id} 已保存。随时发送 /case {id} 再看一遍，/new 开始新的投诉。",
        "en": "Case #{id} is saved. Send /case {id} to see it again, /new to start another.",
    },
    "error.sorry": {
        "zh": "抱歉，出了点问题，你的回答没有丢失。请再发一次，或发送 /start。",
        "en": "Sorry, something went wrong on my side — nothing you sent is lost. Please try again, or send /start.",
    },
    "session.moved_on": {
        "zh": "这个回答没有保存：你在另一个窗口已经回答了这个问题，对话已经往下走了。现在的问题是：",
        "en": "That answer was not saved: this question was already answered in another window, and the conversation has moved on. Here is where it is now:",
    },
    "gave_up.update": {
        "zh": "抱歉，你发来的{what}我没能保存（处理时多次出错）。请再发一次。",
        "en": "Sorry, I could not keep the {what} you sent (handling it failed several times). Please send it again.",
    },
    "gave_up.file": {"zh": "文件", "en": "file"},
    "gave_up.message": {"zh": "消息", "en": "message"},
    "gave_up.button": {"zh": "按钮选择", "en": "button choice"},
    "event.gave_up": {"zh": "一条消息处理失败，已请你重新发送", "en": "a message could not be handled; asked to resend it"},
    "status.draft": {"zh": "填写中", "en": "in progress"},
    "status.ready": {"zh": "待提交", "en": "ready to file"},
    "status.filed": {"zh": "已提交", "en": "filed"},
    "status.waiting": {"zh": "等待答复", "en": "waiting for reply"},
    "status.resolved": {"zh": "已解决", "en": "resolved"},
    "status.unsatisfied": {"zh": "不满意", "en": "unsatisfied"},
    "status.no_reply": {"zh": "未答复", "en": "no reply"},
    "status.escalated": {"zh": "已升级投诉", "en": "escalated"},
    "status.closed": {"zh": "已结束", "en": "closed"},
    "kind.image": {"zh": "图片", "en": "image"},
    "kind.pdf": {"zh": "PDF", "en": "PDF"},
    "kind.audio": {"zh": "录音", "en": "audio"},
    "kind.video": {"zh": "视频", "en": "video"},
    "kind.text": {"zh": "文字", "en": "text"},
    "kind.forward": {"zh": "转发消息", "en": "forwarded message"},
    "kind.document": {"zh": "文件", "en": "document"},
    "event.created": {"zh": "开始填写", "en": "started"},
    "event.paused": {"zh": "暂停填写", "en": "paused"},
    "event.resumed": {"zh": "继续填写", "en": "resumed"},
    "event.alert": {"zh": "显示了紧急提示", "en": "urgent advice shown"},
    "event.ready": {"zh": "投诉内容已写好（{channel}）", "en": "complaint written ({channel})"},
    "event.filed": {"zh": "已提交给{channel}", "en": "filed with {channel}"},
    "event.reference": {"zh": "记下编号 {reference}", "en": "reference number {reference}"},
    "event.waiting": {"zh": "等待{channel}答复", "en": "waiting for {channel} to reply"},
    "event.file_reminder": {"zh": "设定提醒：明天提交", "en": "reminder to file set for tomorrow"},
    "event.reminder_sent": {"zh": "发送了跟进提醒", "en": "follow-up reminder sent"},
    "via.custom": {"zh": "微信消息", "en": "as a WeChat message"},
    "via.template": {"zh": "微信模板通知，全文待你下次发消息时显示", "en": "as a WeChat notice; shown in full when you next write"},
    "via.held": {"zh": "待你下次发消息时显示", "en": "shown when you next write"},
    "event.snoozed": {"zh": "提醒推迟 {days} 天", "en": "reminder put off by {days} day(s)"},
    "event.resolved": {"zh": "已解决", "en": "resolved"},
    "event.unsatisfied": {"zh": "已答复，但不满意", "en": "replied, not satisfied"},
    "event.no_reply": {"zh": "期限已到，仍未答复", "en": "no reply by the deadline"},
    "event.escalation_offered": {"zh": "建议升级到{channel}", "en": "escalation to {channel} suggested"},
    "event.escalated": {"zh": "已升级到{channel}", "en": "escalated to {channel}"},
    "event.closed": {"zh": "结束，停止提醒", "en": "closed, reminders stopped"},
    "export.usage": {
        "zh": "请写上编号，例如 /export 3。发送 /cases 查看你的投诉。",
        "en": "Please add the case number, e.g. /export 3. /cases lists yours.",
    },
    "export.done": {
        "zh": "📦 投诉 #{id} 的证据材料已生成：\n• PDF（投诉、事实、进展和证据清单）：{pdf}\n• ZIP（原始文件和 manifest.json）：{zip}\n都保存在：{folder}",
        "en": "📦 The evidence pack for case #{id} is ready:\n• PDF (complaint, facts, timeline, evidence list): {pdf}\n• ZIP (original files and manifest.json): {zip}\nBoth are in: {folder}",
    },
    "export.unfinished": {
        "zh": "这份投诉还没填完，材料里是目前已有的内容（PDF 中已注明未完成）。发送 /start 继续填写。",
        "en": "This case is unfinished, so the pack holds what is there so far (the PDF says so). Send /start to continue it.",
    },
    "export.missing": {
        "zh": "有 {count} 份证据文件在存储中找不到了，材料中已注明（保留了收到时记录的 SHA-256）。",
        "en": "{count} evidence file(s) are missing from storage; the pack notes this and keeps the SHA-256 recorded on receipt.",
    },
    "export.altered": {
        "zh": "有 {count} 份文件与收到时记录的 SHA-256 不一致，材料中已注明。",
        "en": "{count} file(s) no longer match the SHA-256 recorded on receipt; the pack notes this.",
    },
    "export.failed": {
        "zh": "抱歉，生成证据材料时出了问题，请稍后再试。你的投诉和证据都没有受影响。",
        "en": "Sorry, I couldn't build the evidence pack. Please try again later — your case and evidence are untouched.",
    },
    "export.pdf.title": {"zh": "投诉证据材料 — 投诉 #{id}", "en": "Evidence pack — case #{id}"},
    "export.pdf.running": {"zh": "投诉 #{id} · 证据材料 · 导出于 {date}", "en": "Case #{id} · evidence pack · exported {date}"},
    "export.pdf.page": {"zh": "第 {page} 页，共 {total} 页", "en": "Page {page} of {total}"},
    "export.pdf.status": {"zh": "状态：{status}", "en": "Status: {status}"},
    "export.pdf.created": {"zh": "创建时间：{date}", "en": "Created: {date}"},
    "export.pdf.exported": {"zh": "导出时间：{date}", "en": "Exported: {date}"},
    "export.pdf.jurisdiction": {"zh": "地区：{name}", "en": "Country: {name}"},
    "export.pdf.channel": {"zh": "投诉渠道：{name}", "en": "Complaint channel: {name}"},
    "export.pdf.reference": {"zh": "受理编号：{reference}", "en": "Reference number: {reference}"},
    "export.pdf.zone": {"zh": "文中时间均为{zone}。", "en": "All times are {zone}."},
    "export.pdf.unfinished": {
        "zh": "注意：这份投诉尚未填写完成。以下是导出时已有的内容，投诉文本还没有生成。",
        "en": "Note: this case is unfinished. This pack shows what had been collected when it was exported; the complaint text has not been drafted yet.",
    },
    "export.pdf.complaint": {"zh": "一、投诉内容", "en": "1. Complaint"},
    "export.pdf.no_complaint": {
        "zh": "（尚未生成——填写完成后才会生成投诉文本。）",
        "en": "(Not drafted yet — the complaint text is written once the case is finished.)",
    },
    "export.pdf.facts": {"zh": "二、事实摘要", "en": "2. Facts"},
    "export.pdf.no_facts": {"zh": "（还没有回答任何问题。）", "en": "(No questions answered yet.)"},
    "export.pdf.timeline": {"zh": "三、进展记录", "en": "3. Timeline"},
    "export.pdf.appendix": {"zh": "附件：证据清单", "en": "Appendix: evidence"},
    "export.pdf.appendix_intro": {
        "zh": "共 {count} 份证据，按收到的先后排列。原始文件在同时导出的 ZIP 中（文件名见各项，清单见 manifest.json）；用 SHA-256 值可以核对文件自收到后未被改动。图片在此只显示缩小的预览。",
        "en": "{count} item(s), in the order received. The original files are in the ZIP exported with this PDF (member names below, listed in manifest.json); their SHA-256 values show that a file is unchanged since it was received. Images appear here only as reduced previews.",
    },
    "export.pdf.no_evidence": {"zh": "这份投诉没有附证据。", "en": "No evidence was attached to this case."},
    "export.pdf.item": {"zh": "证据 {n}：{kind}", "en": "Item {n}: {kind}"},
    "export.pdf.received": {"zh": "收到时间：{date}", "en": "Received: {date}"},
    "export.pdf.type": {"zh": "类型：{kind}（{mime}）", "en": "Type: {kind} ({mime})"},
    "export.pdf.size": {"zh": "大小：{size}（{bytes} 字节）", "en": "Size: {size} ({bytes} bytes)"},
    "export.pdf.member": {"zh": "ZIP 中的文件：{name}", "en": "File in the ZIP: {name}"},
    "export.pdf.filename": {"zh": "原文件名：{name}", "en": "Original file name: {name}"},
    "export.pdf.caption": {"zh": "说明：{text}", "en": "Caption: {text}"},
    "export.pdf.origin": {"zh": "转发来源：{text}", "en": "Forwarded from: {text}"},
    "export.pdf.sha": {"zh": "SHA-256（收到时记录）：", "en": "SHA-256 (recorded on receipt):"},
    "export.pdf.missing": {
        "zh": "存储中找不到这个文件，ZIP 中没有它；上面是收到时记录的哈希值。",
        "en": "This file is missing from storage and is not in the ZIP; the hash above is the one recorded on receipt.",
    },
    "export.pdf.altered": {
        "zh": "存储中的文件与收到时记录的 SHA-256 不一致（现在是 {sha}），请谨慎使用。",
        "en": "The stored file no longer matches the SHA-256 recorded on receipt (it is now {sha}); use it with care.",
    },
    "export.pdf.preview": {"zh": "预览（已缩小；原图 {w}×{h} 像素）", "en": "Preview (reduced; original {w}×{h} px)"},
    "export.pdf.no_preview": {
        "zh": "（无法生成预览，请查看 ZIP 中的原文件。）",
        "en": "(No preview could be made; see the original in the ZIP.)",
    },
    "export.pdf.excerpt": {"zh": "内容：", "en": "Content:"},
    "export.pdf.more": {"zh": "……（其余内容见 ZIP 中的原文件）", "en": "… (the rest is in the original in the ZIP)"},
    "export.pdf.utc": {"zh": "协调世界时（UTC）", "en": "UTC"},
}


def st(key: str, lang: str, **values: Any) -> str:
    """A service text in `lang`; unknown status or kind keys fall back to the raw value."""
    if key not in SERVICE_TEXTS:
        return key.split(".", 1)[-1]
    return render(SERVICE_TEXTS, key, lang, **values)


def event_text(kind: str, data: Mapping[str, Any], lang: str, channel_name: Callable[[str], str]) -> str:
    """A case event as one readable phrase: its kind in words, with the channel or reference it names."""
    key = f"event.{kind}"
    if key not in SERVICE_TEXTS:
        return kind
    channel = data.get("channel") or data.get("to")
    values = {
        "channel": channel_name(str(channel)) if channel else "—",
        "reference": data.get("reference") or "—",
        "days": data.get("days") or "?",
    }
    text = render(SERVICE_TEXTS, key, lang, **values)
    via = data.get("via")
    if via and f"via.{via}" in SERVICE_TEXTS:
        text += " · " + render(SERVICE_TEXTS, f"via.{via}", lang)
    return text
