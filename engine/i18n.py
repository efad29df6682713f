"""The engine's own texts (buttons, errors, help) in Simplified Chinese and English.

Texts about the complaint itself live in flows.yaml; these are the ones every flow shares.
"""
from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "nav.back": {"zh": "« 上一步", "en": "« Back"},
    "nav.skip": {"zh": "跳过 »", "en": "Skip »"},
    "nav.help": {"zh": "❓ 帮助", "en": "❓ Help"},
    "nav.keep": {"zh": "保留原答案", "en": "Keep my answer"},
    "nav.done": {"zh": "✅ 完成", "en": "✅ Done"},
    "nav.skip_rest": {"zh": "⏭ 这 {count} 个都跳过", "en": "⏭ Skip these {count}"},
    "nav.multi": {"zh": "☑️ 选多项", "en": "☑️ Pick several"},
    "nav.cancel": {"zh": "暂停", "en": "Pause"},
    "nav.ok": {"zh": "✅ 全部正确，继续", "en": "✅ All correct, continue"},
    "nav.edit": {"zh": "✏️ 修改：{label}", "en": "✏️ Edit: {label}"},
    "nav.edit_list": {"zh": "✏️ 修改", "en": "✏️ Edit"},
    "nav.same": {"zh": "同上：{value}", "en": "Same: {value}"},
    "nav.profile": {"zh": "👤 {value}", "en": "👤 {value}"},
    "nav.right": {"zh": "✅ 对", "en": "✅ Right"},
    "nav.change": {"zh": "✏️ 改一下", "en": "✏️ Change it"},
    "nav.to_summary": {"zh": "« 返回核对", "en": "« Back to the summary"},
    "nav.new": {"zh": "📝 开始投诉", "en": "📝 Start a complaint"},
    "nav.new_anyway": {"zh": "📝 开始新的投诉", "en": "📝 Start a new complaint"},
    "nav.continue": {"zh": "▶️ 继续未完成的投诉", "en": "▶️ Continue my complaint"},
    "nav.cases": {"zh": "📂 我的投诉", "en": "📂 My cases"},
    "nav.yes": {"zh": "是", "en": "Yes"},
    "nav.no": {"zh": "否", "en": "No"},
    "hint.nav": {
        "zh": "（/back 上一步 · /help 帮助 · /cancel 暂停）",
        "en": "(/back go back · /help help · /cancel pause)",
    },
    "hint.current": {"zh": "当前答案：{value}", "en": "Current answer: {value}"},
    "hint.choices": {
        "zh": "可多选：点选项切换 ✓，选好后点「完成」。也可以输入编号，如 1,3。",
        "en": "Pick all that apply: tap to toggle ✓, then tap Done. You can also type numbers, e.g. 1,3.",
    },
    "hint.one_tap": {
        "zh": "点一项即可；要选多项点「选多项」，或输入编号，如 1,3。",
        "en": "Tap one; for several, tap \"Pick several\" or type numbers, e.g. 1,3.",
    },
    "hint.skip_rest": {
        "zh": "（后面还有 {count} 个可选问题：{labels}。可以一起跳过。）",
        "en": "({count} more optional question(s) follow: {labels}. You can skip them together.)",
    },
    "hint.evidence": {
        "zh": "请发送截图、照片、录音、视频、PDF，或直接粘贴/转发短信内容。全部发完后点「完成」。",
        "en": "Send screenshots, photos, recordings, videos, PDFs, or paste / forward the SMS text. Tap Done when finished.",
    },
    "hint.evidence_have": {"zh": "已收到 {count} 份证据。", "en": "{count} evidence item(s) received so far."},
    "error.empty": {"zh": "这条消息是空的，请写几个字。", "en": "That message was empty — please write a few words."},
    "error.too_short": {"zh": "太短了，请至少写 {min} 个字。", "en": "That is a little short — please write at least {min} characters."},
    "error.too_long": {
        "zh": "太长了（{length} 字），请控制在 {max} 字以内，写最重要的部分就好。",
        "en": "That is too long ({length} characters). Please keep it under {max} — the key points are enough.",
    },
    "error.not_text": {
        "zh": "这条消息看起来不是正常文字（可能是乱码），请重新输入。",
        "en": "That doesn't look like readable text (it may be garbled). Please type it again.",
    },
    "error.pattern": {"zh": "格式不对，请再试一次。", "en": "That format doesn't look right — please try again."},
    "error.email": {"zh": "这不像邮箱地址，例如 name@example.com。", "en": "That doesn't look like an email address, e.g. name@example.com."},
    "error.reference": {
        "zh": "工单号应为 3–64 个字母、数字或 - _ / # .",
        "en": "A reference number should be 3–64 letters, digits or - _ / # .",
    },
    "error.name": {"zh": "请只写姓名（不含数字或符号）。", "en": "Please write just a name (no digits or symbols)."},
    "error.number": {"zh": "请输入一个数字，例如 3 或 250.5。", "en": "Please send a number, e.g. 3 or 250.5."},
    "error.integer": {"zh": "请输入整数。", "en": "Please send a whole number."},
    "error.number_min": {"zh": "数字不能小于 {min}。", "en": "The number can't be below {min}."},
    "error.number_max": {"zh": "数字不能大于 {max}。", "en": "The number can't be above {max}."},
    "error.choice": {"zh": "请点选下面的一个选项（或输入编号）。", "en": "Please tap one of the options below (or type its number)."},
    "error.choices_min": {"zh": "请至少选择 {min} 项。", "en": "Please pick at least {min}."},
    "error.choices_max": {"zh": "最多选择 {max} 项。", "en": "Please pick at most {max}."},
    "error.phone_none": {
        "zh": "没有找到号码。请发送完整号码，例如 138 0013 8000、021-6123 4567、95555 或 106 开头的短信号码。",
        "en": "I couldn't find a number. Send it in full, e.g. +1 202 555 0143, 020 7946 0018, 95555 or an SMS sender id.",
    },
    "error.phone_problem": {"zh": "这个号码读不出来：{raw}（{reason}）。请检查后重发全部号码。", "en": "I couldn't read this number: {raw} ({reason}). Please check it and send all the numbers again."},
    "error.phone_too_many": {"zh": "这里只需要一个号码。", "en": "Only one number is needed here."},
    "error.phone_max": {"zh": "一次最多 {max} 个号码。", "en": "At most {max} numbers at a time."},
    "phone.too_short": {"zh": "位数太少", "en": "too short"},
    "phone.too_long": {"zh": "位数太多", "en": "too long"},
    "phone.invalid": {"zh": "不是有效号码", "en": "not a valid number"},
    "phone.not_a_number": {"zh": "不是号码", "en": "not a number"},
    "error.time_unreadable": {
        "zh": "没看懂这个时间。可以写成 2026-11-20 14:30、昨天下午3点、上周五 等。",
        "en": "I couldn't read that time. Try 2026-11-20 14:30, yesterday 3pm, or 3 days ago.",
    },
    "time.noted": {"zh": "记下了：{when}", "en": "Noted: {when}"},
    "time.zone_assumed": {
        "zh": "（按{zone}理解。如果你不在这个时区，请发送 /timezone 你的时区（例如 /timezone America/Los_Angeles），再点「上一步」重新回答。）",
        "en": "(Read as {zone}. If you are elsewhere, send /timezone with your zone, e.g. /timezone America/Los_Angeles, then tap Back and answer again.)",
    },
    "error.time_impossible": {"zh": "这个日期不存在（例如 2 月没有 30 日），请检查。", "en": "That date doesn't exist (e.g. there is no 30 February). Please check it."},
    "error.time_future": {"zh": "这个时间在将来，请写已经发生的时间。", "en": "That time is in the future — please give when it happened."},
    "error.time_too_vague.day": {
        "zh": "请写到具体哪一天，例如 2026-11-20、上周五、11月20日下午2点。",
        "en": "Please give the day, e.g. 2026-11-20, last Friday, or 20 Nov 2pm.",
    },
    "error.time_too_vague.month": {
        "zh": "请至少写到月份，例如 2026年10月、上个月。",
        "en": "Please give at least the month, e.g. October 2026 or last month.",
    },
    "error.time_too_old": {"zh": "这个时间太早了，请检查年份。", "en": "That is too long ago — please check the year."},
    "error.evidence_kind": {
        "zh": "这种文件不能作为证据。可以发送：截图/照片、PDF、录音、视频、文字。",
        "en": "That kind of file can't be used as evidence. I accept screenshots/photos, PDFs, recordings, videos and text.",
    },
    "error.evidence_size": {"zh": "文件太大（{size}），上限 {max}。可以截取关键部分或压缩后再发。", "en": "That file is too large ({size}); the limit is {max}. Try a shorter clip or a compressed copy."},
    "error.evidence_empty": {"zh": "这个文件是空的（0 字节），请重新发送。", "en": "That file is empty (0 bytes). Please send it again."},
    "evidence.duplicate": {"zh": "这份证据之前已经收到过了，不会重复保存。", "en": "I already have that one — it won't be stored twice."},
    "evidence.max": {"zh": "最多 {max} 份证据，已经够了，点「完成」继续。", "en": "That's the maximum of {max} items. Tap Done to continue."},
    "evidence.min": {"zh": "请至少发送 {min} 份证据再点「完成」。", "en": "Please send at least {min} item(s) before tapping Done."},
    "evidence.received": {"zh": "✅ 已保存 {added} 份证据（共 {count} 份）。继续发送，或点「完成」。", "en": "✅ Saved {added} item(s) ({count} in total). Send more, or tap Done."},
    "evidence.outside": {
        "zh": "✅ 已把它保存为证据（共 {count} 份）。我们继续：",
        "en": "✅ Saved it as evidence ({count} in total). Let's carry on:",
    },
    "evidence.started": {
        "zh": "✅ 收到 {count} 份证据，已保存，并为它开始了一个投诉（更多截图或录音随时可以发来）。",
        "en": "✅ Got {count} evidence item(s) and kept them; I've started a complaint for them (send more screenshots or recordings at any time).",
    },
    "evidence.saved": {"zh": "✅ 已保存 {added} 份证据（共 {count} 份）。", "en": "✅ Saved {added} item(s) ({count} in total)."},
    "evidence.no_case": {"zh": "要先开始一个投诉，我才能保存证据。发送 /new 开始。", "en": "Start a complaint first so I can keep your evidence: send /new."},
    "struggling": {
        "zh": "好像不太顺利。可以点「帮助」看示例，{skip}或发送 /cancel 暂停，之后随时回来。",
        "en": "This seems tricky. Tap Help for examples, {skip}or send /cancel to pause and come back later.",
    },
    "struggling.skip": {"zh": "也可以跳过这一题，", "en": "skip this question, "},
    "paused": {
        "zh": "已暂停，你的回答都保存好了。发送 /start 继续，/new 开始新的投诉，/cases 查看投诉。",
        "en": "Paused — everything you told me is saved. Send /start to continue, /new for a new complaint, /cases to see your cases.",
    },
    "idle": {
        "zh": "你好！要投诉骚扰电话或垃圾短信，点下面的按钮或发送 /new。发送 /help 查看所有命令。",
        "en": "Hi! To complain about a robocall or spam text, tap the button below or send /new. /help lists every command.",
    },
    "welcome": {
        "zh": "你好，我是反骚扰投诉助手。\n1. 我会一步步问清楚骚扰电话/短信的情况，并帮你收好截图和录音等证据。\n2. 我会告诉你该向哪里投诉（运营商、12321、12315、反诈等），并写好投诉文本。\n3. 投诉提交后，我会按期提醒你跟进，不让投诉石沉大海。",
        "en": "Hi — I help you fight back against robocalls and spam.\n1. I ask what happened, step by step, and keep your screenshots and recordings safe as evidence.\n2. I tell you where to complain and write the complaint for you, ready to send.\n3. After you file it, I check in on the deadlines so it doesn't get forgotten.",
    },
    "welcome_back": {
        "zh": "欢迎回来！你有一个未完成的投诉（#{case_id}）。",
        "en": "Welcome back! You have an unfinished complaint (#{case_id}).",
    },
    "resume": {"zh": "我们继续上次的问题：", "en": "Let's pick up where we left off:"},
    "flow_changed": {
        "zh": "问题的顺序更新过了，你之前的回答都还在。我们从还没回答的地方继续：",
        "en": "The questions have been updated since you last wrote; your answers are all kept. Let's go on from the first one still open:",
    },
    "new_confirm": {
        "zh": "你正在填写投诉 #{case_id}。要开始一个新的吗？当前的会保存为草稿。",
        "en": "You're in the middle of complaint #{case_id}. Start a new one? The current one stays saved as a draft.",
    },
    "back_first": {"zh": "这已经是第一个问题了。", "en": "This is already the first question."},
    "skip_not_allowed": {"zh": "这一题需要回答，不能跳过。需要帮助请发送 /help。", "en": "This question is needed and can't be skipped. Send /help if you're stuck."},
    "stale": {"zh": "这个问题已经结束了，按钮不再有效。", "en": "This question is closed; that button no longer works."},
    "unknown_command": {
        "zh": "没有这个命令：/{name}。可用命令：\n{commands}",
        "en": "There is no command /{name}. Available commands:\n{commands}",
    },
    "lang_switched": {"zh": "已切换为中文。", "en": "Switched to English."},
    "lang_unknown": {
        "zh": "没有“{name}”这种语言。可以选：/lang zh（中文）或 /lang en（English）。",
        "en": "I don't speak “{name}”. Choose /lang zh (中文) or /lang en (English).",
    },
    "restarted": {"zh": "从头再来一遍，你之前的回答都还在，可以点「保留原答案」。", "en": "Starting over from the first question — your answers are kept; tap \"Keep my answer\" to reuse one."},
    "summary.skipped": {"zh": "（已跳过）", "en": "(skipped)"},
    "summary.items": {"zh": "{count} 份", "en": "{count} item(s)"},
    "summary.tap_edit": {"zh": "有不对的地方，点「✏️ 修改」。", "en": "Anything wrong? Tap ✏️ Edit."},
    "summary.pick_edit": {"zh": "要修改哪一项？改好后会回到核对页。", "en": "Which answer do you want to change? You'll come back to the summary after."},
    "summary.more": {"zh": "……另有 {count} 行，点「✏️ 修改」可查看全部", "en": "… {count} more line(s): tap ✏️ Edit to see every answer"},
    "channel.none": {"zh": "暂时没有适合的投诉渠道资料。", "en": "No complaint channel information is available yet."},
    "help.header": {"zh": "命令：", "en": "Commands:"},
    "help.step": {"zh": "关于这一题：{text}", "en": "About this question: {text}"},
    "help.text": {"zh": "用几句话描述即可。", "en": "A few words or sentences are enough."},
    "help.number": {"zh": "发送一个数字。", "en": "Send a number."},
    "help.choice": {"zh": "点一个按钮，或输入它的编号。", "en": "Tap a button, or type its number."},
    "help.choices": {"zh": "点选所有适用的选项，然后点「完成」。", "en": "Tap every option that applies, then tap Done."},
    "help.phone": {
        "zh": "发送来电或短信号码，可一次发多个，用逗号分开。例如：138 0013 8000, 95555, 1069 0000 1234",
        "en": "Send the number(s) that called or texted you; several at once, separated by commas. E.g. +1 202 555 0143, 020 7946 0018",
    },
    "help.datetime": {
        "zh": "可以写具体时间：2026-11-20 14:30，也可以写：昨天下午3点、上周五、前天晚上8点。",
        "en": "A date and time like 2026-11-20 14:30, or phrases like yesterday 3pm, 3 days ago.",
    },
    "help.evidence": {
        "zh": "通话记录截图、短信截图、录音、视频、PDF 都可以；也可以直接粘贴或转发短信文字。每份都会计算 SHA-256 校验值并安全保存。",
        "en": "Call-log or SMS screenshots, recordings, videos, PDFs; or paste / forward the SMS text. Each item is hashed (SHA-256) and kept safely.",
    },
    "help.confirm": {"zh": "点「是」或「否」。", "en": "Tap Yes or No."},
    "help.summary": {"zh": "检查每一项；有误就点「修改」。", "en": "Check each item; tap Edit on anything that's wrong."},
    "help.channel": {"zh": "推荐的渠道已按效果排好序，通常先从第一个开始。", "en": "Channels are listed in the order that usually works best — start with the first."},
}


# What people type instead of tapping a button that is the same at every step (matched like options).
BUTTON_WORDS: dict[str, tuple[str, ...]] = {
    "_back": ("上一步", "返回", "后退", "back", "go back", "previous"),
    "_skip": ("跳过", "不知道", "略过", "skip", "pass", "dont know"),
    "_skip_rest": ("都跳过", "全部跳过", "一起跳过", "skip all", "skip these", "skip them all"),
    "_multi": ("选多项", "多选", "pick several", "several", "more than one"),
    "_keep": ("保留", "不变", "不用改", "keep", "keep it"),
    "_same": ("同上", "一样", "就这个", "same", "same as above", "the same"),
    "_done": ("完成", "好了", "没有了", "结束", "发完了", "done", "finish", "finished", "thats all"),
    "_ok": ("对", "没错", "正确", "都对", "全部正确", "没问题", "继续", "ok", "okay", "correct", "all correct", "looks good"),
    "_edit_list": ("修改", "改", "改一下", "要改", "有错", "edit", "change", "fix"),
    "_yes": ("是", "对", "是的", "没错", "确认", "属实", "好", "好的", "y", "yes", "yeah", "yep", "true", "confirm"),
    "_no": ("否", "不", "不是", "不对", "需要修改", "修改", "n", "no", "nope", "not true", "change"),
    "_help": ("帮助", "help"),
    "_summary": ("核对", "返回核对", "摘要", "summary", "back to summary"),
}


def button_words(value: str) -> tuple[str, ...]:
    """Typed words that mean the button `value` wherever it is shown."""
    return BUTTON_WORDS.get(value, ())


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang` (falling back to English), with `values` filled in. `render` on the
    engine's table, written out: a few of these run in every event (issue 15)."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def render(table: dict[str, dict[str, str]], key: str, lang: str, **values: Any) -> str:
    """Look `key` up in a table of bilingual texts; shared by the engine and the services."""
    entry = table[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
