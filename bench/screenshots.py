"""Synthetic phone screenshots with known contents, for the OCR benchmark and the OCR tests.

Call logs in four layouts (an Android list with times on the right, an Android list under day headers,
an iOS-like "最近通话" list, and a one-number call-detail page), SMS threads and SMS notifications, light
and dark, at 1080×2340 and drawn with the shipped CJK font. Each `Screenshot` carries what it shows
(numbers in normal form, the moment of each call or message, the message texts), so a reading can be
scored exactly. Deterministic: the same seed draws the same screens.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "wqy-microhei.ttc"
WIDTH, HEIGHT = 1080, 2340
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=TZ)  # a Tuesday afternoon
_WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class Expected:
    """One call row or one message: the number it shows and the moment it names (None: none shown)."""

    number: str
    at: datetime | None
    precision: str  # "minute" or "day"
    text: str | None = None


@dataclass(frozen=True)
class Screenshot:
    """A rendered screen and what a perfect reading finds in it."""

    name: str
    kind: str  # "call_log" or "sms"
    image: Image.Image
    rows: tuple[Expected, ...]

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(row.number for row in self.rows)

    def encoded(self, jpeg_quality: int | None = None, scale: float = 1.0) -> bytes:
        """The screen as a PNG, or a JPEG of that quality, optionally scaled (as phones forward them)."""
        image = self.image
        if scale != 1.0:
            image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        if jpeg_quality is None:
            image.save(buffer, "PNG")
        else:
            image.save(buffer, "JPEG", quality=jpeg_quality)
        return buffer.getvalue()


@dataclass(frozen=True)
class _Theme:
    background: str
    text: str
    secondary: str
    missed: str
    accent: str
    bubble: str
    divider: str


LIGHT = _Theme("#ffffff", "#111111", "#7a7a7a", "#e53935", "#1a73e8", "#eeeeee", "#e6e6e6")
DARK = _Theme("#000000", "#f2f2f2", "#9a9a9a", "#ff5a52", "#8ab4f8", "#262626", "#2a2a2a")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


# --- what the screens show ---------------------------------------------------------------------------

_LOCATIONS = ["北京", "上海", "广东 深圳", "浙江 杭州", "江苏 南京", "四川 成都", "湖北 武汉", "未知"]
_CARRIERS = ["移动", "联通", "电信"]
_TAGS = ["营销推广", "骚扰电话", "房产中介", "保险理财", "疑似诈骗", "广告推销"]
_MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                    "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187",
                    "188", "189", "191", "193", "195", "198", "199"]
_SERVICE = ["95555", "95588", "95533", "10086", "10010", "95566"]
_SMS_TEXTS = [
    "【某某银行】尊敬的客户，您的信用卡积分即将清零，请点击 jf-duihuan.top/a8 兑换礼品。",
    "【某某家居】双十二全场低至5折，进店即送精美礼品，详询 400-820-1234，回TD退订。",
    "【顺丰速运】您的快递因地址不详无法派送，请在24小时内点击 sf-buchang.cn/x 登记理赔。",
    "【中国移动】尊敬的客户，您本月套餐流量已使用80%，回复CXLL查询，回复TD退订。",
    "您好，我是您的房东，原来的卡被冻结了，本月房租请转到新账户，收到请回复。",
    "【某某教育】寒假班火热报名中，前50名立减500元，咨询 010-6552 9988，回T退订。",
    "【最高人民法院】您有一张传票未领取，涉嫌违法，请立即拨打 021-61234567 配合调查。",
    "【某某贷】您有一笔最高20万元的额度待领取，年化低至3.6%，点击 dai-kuan.vip 立即申请。",
]


def _mobile(rng: random.Random) -> tuple[str, str]:
    digits = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    style = rng.randrange(3)
    shown = {0: f"{digits[:3]} {digits[3:7]} {digits[7:]}", 1: digits, 2: f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"}[style]
    return shown, "+86" + digits


def _fixed(rng: random.Random) -> tuple[str, str]:
    area = rng.choice(["010", "021", "020", "0755", "0571", "028"])
    local = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(7))
    shown = f"{area}-{local}" if rng.random() < 0.5 else f"{area} {local[:4]} {local[4:]}"
    return shown, "+86" + area[1:] + local


def _four_hundred(rng: random.Random) -> tuple[str, str]:
    digits = "400" + "".join(rng.choice("0123456789") for _ in range(7))
    shown = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if rng.random() < 0.5 else f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return shown, "+86" + digits


def _any_number(rng: random.Random) -> tuple[str, str]:
    pick = rng.random()
    if pick < 0.45:
        return _mobile(rng)
    if pick < 0.65:
        return _four_hundred(rng)
    if pick < 0.85:
        return _fixed(rng)
    service = rng.choice(_SERVICE)
    return service, service


def _sender(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.6:
        digits = "1069" + "".join(rng.choice("0123456789") for _ in range(rng.choice([8, 10])))
        shown = digits if rng.random() < 0.5 else " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
        return shown, digits
    if rng.random() < 0.5:
        service = rng.choice(_SERVICE)
        return service, service
    return _mobile(rng)


def _moments(rng: random.Random, count: int) -> list[datetime]:
    """Call moments from most recent back over ~2 weeks, at whole minutes."""
    moments, at = [], NOW - timedelta(minutes=rng.randrange(5, 90))
    for _ in range(count):
        moments.append(at.replace(second=0, microsecond=0))
        at -= timedelta(minutes=rng.randrange(40, 60 * 30))
    return moments


def _list_label(at: datetime, with_clock_for_old: bool) -> tuple[str, str]:
    """How a call list labels a moment: today a clock, yesterday 昨天, this week 星期X, older 11月28日."""
    days = (NOW.date() - at.date()).days
    if days == 0:
        return f"{at:%H:%M}", "minute"
    if days == 1:
        return (f"昨天 {at:%H:%M}", "minute") if with_clock_for_old else ("昨天", "day")
    if days < 7:
        return f"星期{_WEEKDAYS_ZH[at.weekday()]}", "day"
    label = f"{at.month}月{at.day}日"
    return (f"{label} {at:%H:%M}", "minute") if with_clock_for_old else (label, "day")


def _day_only(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0)


@dataclass(frozen=True)
class _Row:
    shown: str
    number: str
    at: datetime
    missed: bool
    duration: int
    repeats: int
    location: str
    tag: str | None
    marked_by: int | None


def _rows(rng: random.Random, count: int) -> list[_Row]:
    rows = []
    for at in _moments(rng, count):
        shown, number = _any_number(rng)
        tagged = rng.random() < 0.45
        rows.append(_Row(
            shown=shown, number=number, at=at, missed=rng.random() < 0.4, duration=rng.randrange(3, 600),
            repeats=rng.choice([1, 1, 1, 2, 3]), location=f"{rng.choice(_LOCATIONS)} {rng.choice(_CARRIERS)}",
            tag=rng.choice(_TAGS) if tagged else None, marked_by=rng.randrange(2, 5000) if tagged and rng.random() < 0.7 else None,
        ))
    return rows


def _sub_line(row: _Row) -> str:
    parts = [row.location]
    if row.tag:
        parts.append(row.tag + (f" 被{row.marked_by}人标记" if row.marked_by else ""))
    parts.append(f"响铃{row.duration % 9 + 1}声" if row.missed else _duration(row.duration))
    return " · ".join(parts)


def _duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}分{secs}秒" if minutes else f"{secs}秒"


# --- drawing -------------------------------------------------------------------------------------------

def _canvas(theme: _Theme) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), theme.background)
    return image, ImageDraw.Draw(image)


def _status_bar(draw: ImageDraw.ImageDraw, theme: _Theme) -> None:
    draw.text((60, 40), f"{NOW:%H:%M}", font=_font(40), fill=theme.text)
    draw.text((WIDTH - 230, 40), "5G  87%", font=_font(36), fill=theme.text)


def _right(draw: ImageDraw.ImageDraw, text: str, y: float, font: ImageFont.FreeTypeFont, fill: str, margin: int = 60) -> None:
    width = draw.textlength(text, font=font)
    draw.text((WIDTH - margin - width, y), text, font=font, fill=fill)


def _android_list(rows: list[_Row], theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    draw.text((60, 150), "通话记录", font=_font(72), fill=theme.text)
    expected, y = [], 300
    for row in rows:
        label, precision = _list_label(row.at, with_clock_for_old=False)
        title = row.shown + (f" ({row.repeats})" if row.repeats > 1 else "")
        draw.text((60, y), title, font=_font(56), fill=theme.missed if row.missed else theme.text)
        _right(draw, label, y + 10, _font(40), theme.secondary)
        draw.text((60, y + 80), _sub_line(row), font=_font(38), fill=theme.secondary)
        draw.line((60, y + 160, WIDTH - 60, y + 160), fill=theme.divider, width=2)
        at = row.at if precision == "minute" else _day_only(row.at)
        expected.append(Expected(row.number, at, precision))
        y += 190
    return image, expected


def _android_sections(rows: list[_Row], theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    draw.text((60, 150), "最近通话", font=_font(72), fill=theme.text)
    expected, y, section = [], 290, None
    for row in rows:
        day = row.at.date()
        if day != section:
            section = day
            days = (NOW.date() - day).days
            header = {0: "今天", 1: "昨天"}.get(days, f"{day.month}月{day.day}日")
            draw.text((60, y), header, font=_font(40), fill=theme.accent)
            y += 80
        draw.text((60, y), row.shown, font=_font(56), fill=theme.missed if row.missed else theme.text)
        _right(draw, f"{row.at:%H:%M}", y + 10, _font(40), theme.secondary)
        draw.text((60, y + 80), _sub_line(row), font=_font(38), fill=theme.secondary)
        expected.append(Expected(row.number, row.at, "minute"))
        y += 180
        if y > HEIGHT - 200:
            break
    return image, expected


def _ios_recents(rows: list[_Row], theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    draw.text((380, 150), "全部", font=_font(40), fill=theme.text)
    draw.text((560, 150), "未接来电", font=_font(40), fill=theme.secondary)
    draw.text((60, 240), "最近通话", font=_font(80), fill=theme.text)
    expected, y = [], 400
    for row in rows:
        label, precision = _list_label(row.at, with_clock_for_old=False)
        if precision == "day" and (NOW.date() - row.at.date()).days >= 7:
            label = f"{row.at:%Y/%m/%d}"
        title = row.shown + (f" ({row.repeats})" if row.repeats > 1 else "")
        draw.text((100, y), title, font=_font(54), fill=theme.missed if row.missed else theme.text)
        _right(draw, label, y + 10, _font(40), theme.secondary, margin=110)
        draw.text((100, y + 75), row.location.split(" ")[0], font=_font(38), fill=theme.secondary)
        draw.line((100, y + 150, WIDTH, y + 150), fill=theme.divider, width=2)
        at = row.at if precision == "minute" else _day_only(row.at)
        expected.append(Expected(row.number, at, precision))
        y += 170
    return image, expected


def _call_detail(rows: list[_Row], theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    """One number's page: the number and its tag at the top, then each call with date and time."""
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    first = rows[0]
    draw.text((60, 200), first.shown, font=_font(80), fill=theme.text)
    draw.text((60, 320), first.location, font=_font(40), fill=theme.secondary)
    tag = first.tag or "营销推广"
    marked = first.marked_by or 1234
    draw.rounded_rectangle((60, 400, WIDTH - 60, 500), radius=20, fill=theme.bubble)
    draw.text((90, 425), f"{tag} · 被{marked}人标记", font=_font(40), fill=theme.missed)
    draw.text((60, 580), "通话记录", font=_font(44), fill=theme.secondary)
    expected, y = [], 680
    for row in rows[:9]:
        label, _ = _list_label(row.at, with_clock_for_old=True)
        if ":" not in label:
            label = f"{label} {row.at:%H:%M}"
        draw.text((60, y), label, font=_font(44), fill=theme.text)
        status = f"呼入 响铃{row.duration % 9 + 1}声 未接" if row.missed else f"呼入 {_duration(row.duration)}"
        _right(draw, status, y + 4, _font(40), theme.missed if row.missed else theme.secondary)
        expected.append(Expected(first.number, row.at, "minute"))
        y += 150
    return image, expected


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if draw.textlength(current + ch, font=font) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


def _sms_thread(rng: random.Random, theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    shown, number = _sender(rng)
    header = _font(52)
    draw.text(((WIDTH - draw.textlength(shown, font=header)) / 2, 170), shown, font=header, fill=theme.text)
    draw.text((60, 170), "<", font=header, fill=theme.accent)
    expected, y = [], 330
    moments = sorted(_moments(rng, rng.choice([1, 2])))
    for at in moments:
        label, precision = _list_label(at, with_clock_for_old=True)
        if precision == "day":
            label = f"{label} {at:%H:%M}"
        stamp_font = _font(36)
        draw.text(((WIDTH - draw.textlength(label, font=stamp_font)) / 2, y), label, font=stamp_font, fill=theme.secondary)
        y += 80
        text = rng.choice(_SMS_TEXTS)
        body = _font(46)
        lines = _wrap(draw, text, body, 760)
        height = len(lines) * 66 + 50
        draw.rounded_rectangle((60, y, 880, y + height), radius=36, fill=theme.bubble)
        for i, line in enumerate(lines):
            draw.text((100, y + 25 + i * 66), line, font=body, fill=theme.text)
        expected.append(Expected(number, at, "minute", text))
        y += height + 70
    draw.rounded_rectangle((60, HEIGHT - 170, WIDTH - 60, HEIGHT - 70), radius=50, outline=theme.divider, width=3)
    draw.text((110, HEIGHT - 145), "短信", font=_font(40), fill=theme.secondary)
    return image, expected


def _sms_notification(rng: random.Random, theme: _Theme) -> tuple[Image.Image, list[Expected]]:
    image, draw = _canvas(theme)
    _status_bar(draw, theme)
    big = _font(200)
    clock = f"{NOW:%H:%M}"
    draw.text(((WIDTH - draw.textlength(clock, font=big)) / 2, 260), clock, font=big, fill=theme.text)
    date_line = f"{NOW.month}月{NOW.day}日 星期{_WEEKDAYS_ZH[NOW.weekday()]}"
    draw.text(((WIDTH - draw.textlength(date_line, font=_font(48))) / 2, 520), date_line, font=_font(48), fill=theme.text)
    shown, number = _sender(rng)
    at = (NOW - timedelta(minutes=rng.randrange(2, 300))).replace(second=0, microsecond=0)
    text = rng.choice(_SMS_TEXTS)
    body = _font(44)
    lines = _wrap(draw, text, body, 880)
    top = 760
    draw.rounded_rectangle((40, top, WIDTH - 40, top + 220 + len(lines) * 62), radius=40, fill=theme.bubble)
    draw.text((90, top + 30), "信息", font=_font(36), fill=theme.secondary)
    _right(draw, f"{at:%H:%M}", top + 30, _font(36), theme.secondary, margin=90)
    draw.text((90, top + 95), shown, font=_font(46), fill=theme.text)
    for i, line in enumerate(lines):
        draw.text((90, top + 170 + i * 62), line, font=body, fill=theme.text)
    return image, [Expected(number, at, "minute", text)]


_CALL_LAYOUTS = {
    "android_list": (_android_list, 10),
    "android_sections": (_android_sections, 9),
    "ios_recents": (_ios_recents, 11),
    "call_detail": (_call_detail, 6),
}


def render_call_log(layout: str, seed: int, dark: bool = False) -> Screenshot:
    """One call-log screen of the named layout."""
    draw, count = _CALL_LAYOUTS[layout]
    rng = random.Random(f"{layout}-{seed}")
    image, rows = draw(_rows(rng, count), DARK if dark else LIGHT)
    return Screenshot(f"{layout}-{'dark' if dark else 'light'}-{seed}", "call_log", image, tuple(rows))


def render_sms(style: str, seed: int, dark: bool = False) -> Screenshot:
    """One SMS screen: "thread" (a conversation view) or "notification" (a lock-screen banner)."""
    rng = random.Random(f"{style}-{seed}")
    theme = DARK if dark else LIGHT
    image, rows = _sms_thread(rng, theme) if style == "thread" else _sms_notification(rng, theme)
    return Screenshot(f"sms_{style}-{'dark' if dark else 'light'}-{seed}", "sms", image, tuple(rows))


def benchmark_set() -> list[tuple[Screenshot, int | None, float]]:
    """The benchmark's 40 screens, each with how it is sent: JPEG quality (None = PNG) and scale."""
    screens = [render_call_log(layout, seed, dark) for layout in _CALL_LAYOUTS for seed in range(3) for dark in (False, True)]
    screens += [render_sms(style, seed, dark) for style in ("thread", "notification") for seed in range(4)
                for dark in (False, True)][:16]
    sending = [(None, 1.0), (85, 1.0), (60, 1.0), (None, 0.75), (75, 0.66)]
    return [(screen, *sending[i % len(sending)]) for i, screen in enumerate(screens)]


def with_rows(screen: Screenshot, rows: tuple[Expected, ...]) -> Screenshot:
    """A copy with other expectations (tests narrow a screen down to what they assert)."""
    return replace(screen, rows=rows)


def write_benchmark_set(folder: Path) -> list[dict[str, object]]:
    """Write the benchmark screens (as sent) and a 50 MP photo of one into `folder`; return their manifest.

    The OCR benchmark runs this in a child process, so that the rendered images never sit in the memory
    of the process whose RSS it measures.
    """
    manifest: list[dict[str, object]] = []
    screens = [(screen, quality, scale, False) for screen, quality, scale in benchmark_set()]
    screens.append((render_call_log("android_list", seed=7), 90, 1.0, True))
    for screen, quality, scale, huge in screens:
        name = "huge-" + screen.name if huge else screen.name
        path = folder / f"{name}.{'png' if quality is None else 'jpg'}"
        if huge:
            screen.image.resize((4800, 10400), Image.Resampling.BILINEAR).save(path, quality=quality)
        else:
            path.write_bytes(screen.encoded(quality, scale))
        manifest.append({
            "name": name, "kind": screen.kind, "file": path.name, "huge": huge,
            "sent": f"{'PNG' if quality is None else f'JPEG q{quality}'}{f' ×{scale}' if scale != 1 else ''}",
            "rows": [{"number": r.number, "at": r.at.isoformat() if r.at else None, "precision": r.precision, "text": r.text}
                     for r in screen.rows],
        })
    return manifest


if __name__ == "__main__":
    import json
    import sys

    target = Path(sys.argv[1])
    (target / "manifest.json").write_text(json.dumps(write_benchmark_set(target), ensure_ascii=False), encoding="utf-8")
