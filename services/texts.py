"""Texts of the application layer (case lists, deletion, drafts) in both languages."""
from __future__ import annotations

from typing import Any

from engine.i18n import render

SERVICE_TEXTS: dict[str, dict[str, str]] = {
    "cases.none": {"zh": "你还没有投诉记录。发送 /new 开始。", "en": "You have no cases yet. Send /new to start one."},
    "cases.header": {"zh": "你的投诉：", "en": "Your cases:"},
    "cases.line": {"zh": "#{id} · {date} · {issue} · {status}", "en": "#{id} · {date} · {issue} · {status}"},
    "cases.hint": {"zh": "发送 /case 编号 查看详情，例如 /case {id}", "en": "Send /case ID for details, e.g. /case {id}"},
    "case.usage": {"zh": "请写上编号，例如 /case 3。发送 /cases 查看你的投诉。", "en": "Please add the case number, e.g. /case 3. /cases lists yours."},
    "case.not_found": {"zh": "没有找到你的投诉 #{id}。发送 /cases 查看你的投诉。", "en": "I can't find case #{id} among yours. /cases lists them."},
    "case.header": {"zh": "投诉 #{id}（{status}），创建于 {date}", "en": "Case #{id} ({status}), created {date}"},
    "case.answers": {"zh": "内容：", "en": "Details:"},
    "case.evidence": {"zh": "证据（{count} 份）：", "en": "Evidence ({count}):"},
    "case.evidence_line": {"zh": "{n}. {kind} · {size} · SHA-256 {sha}", "en": "{n}. {kind} · {size} · SHA-256 {sha}"},
    "case.timeline": {"zh": "进展：", "en": "Timeline:"},
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
}


def st(key: str, lang: str, **values: Any) -> str:
    """A service text in `lang`; unknown status or kind keys fall back to the raw value."""
    if key not in SERVICE_TEXTS:
        return key.split(".", 1)[-1]
    return render(SERVICE_TEXTS, key, lang, **values)
