"""When check-ins fall due: each tracked channel's deadlines, working days, quiet hours, the time scale."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.settings import ROOT
from knowledge.catalog import Catalog, load_catalog
from services.followup.checkins import NOTE_AFTER, checkin_deadlines, plan_followups
from services.followup.due import TimeScale, in_days, is_quiet, out_of_quiet_hours, plan_due
from services.workdays import WorkCalendar, calendar_for

BEIJING = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "channels.yaml")


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


def checkins(catalog: Catalog, channel: str, filed: datetime, tz: ZoneInfo = BEIJING) -> dict[str, datetime]:
    planned = plan_followups(catalog, channel, filed, tz, TimeScale())
    assert all(p.kind == "checkin" for p in planned)
    return {p.data["deadline"]: p.due.sched_at.astimezone(tz) for p in planned}


# --- each tracked channel --------------------------------------------------------------------

def test_the_operator_gets_one_check_in_fifteen_calendar_days_after_filing(catalog: Catalog) -> None:
    assert checkins(catalog, "cn_operator", beijing(2026, 11, 27, 11, 0)) == {
        "cn_operator_reply": beijing(2026, 12, 12, 11, 0)
    }


def test_12300_checks_acceptance_after_5_working_days_and_the_reply_after_30_days(catalog: Catalog) -> None:
    # Filed on Friday 27 Nov 2026: five working days is Friday 4 Dec; thirty days is 27 Dec.
    assert checkins(catalog, "cn_12300", beijing(2026, 11, 27, 11, 0)) == {
        "cn_12300_accept": beijing(2026, 12, 4, 11, 0),
        "cn_12300_reply": beijing(2026, 12, 27, 11, 0),
    }


def test_12315_checks_acceptance_after_7_working_days(catalog: Catalog) -> None:
    due = checkins(catalog, "cn_12315", beijing(2026, 11, 27, 11, 0))
    assert due["cn_12315_accept"] == beijing(2026, 12, 8, 11, 0)
    # Counted from acceptance, a date we never learn: no check-in.
    assert "cn_12315_mediation_end" not in due


def test_12321_checks_in_on_each_of_its_working_day_stages(catalog: Catalog) -> None:
    due = checkins(catalog, "cn_12321", beijing(2026, 11, 27, 11, 0))
    assert due == {
        "cn_12321_forward": beijing(2026, 12, 2, 11, 0),
        "cn_12321_company_reply": beijing(2026, 12, 23, 11, 0),
        "cn_12321_user_feedback": beijing(2026, 12, 28, 11, 0),
    }


def test_a_uk_firm_gets_its_eight_weeks(catalog: Catalog) -> None:
    filed = datetime(2026, 11, 27, 10, 0, tzinfo=LONDON)
    assert checkins(catalog, "uk_company", filed, LONDON) == {"uk_company_8_weeks": datetime(2027, 1, 22, 10, 0, tzinfo=LONDON)}


def test_every_tracking_channel_with_answer_deadlines_gets_one_check_in_per_deadline(catalog: Catalog) -> None:
    filed = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
    for channel in catalog.channels:
        planned = plan_followups(catalog, channel.id, filed, catalog.jurisdiction(channel.jurisdiction).tz, TimeScale())
        deadlines = checkin_deadlines(channel)
        if deadlines:
            assert [p.kind for p in planned] == ["checkin"] * len(deadlines), channel.id
            for p, d in zip(sorted(planned, key=lambda p: p.data["deadline"]), sorted(deadlines, key=lambda d: d.id)):
                assert p.due.sched_at - filed >= timedelta(days=d.days) - timedelta(hours=1), channel.id
        else:
            assert [p.kind for p in planned] == ["note"], channel.id


@pytest.mark.parametrize("channel", ["us_ftc_dnc", "us_fcc", "uk_ico", "uk_tps", "cn_company", "cn_police"])
def test_channels_that_do_not_answer_get_a_single_note(catalog: Catalog, channel: str) -> None:
    tz = catalog.jurisdiction(catalog.channel(channel).jurisdiction).tz
    filed = datetime(2026, 11, 27, 12, 0, tzinfo=tz)
    planned = plan_followups(catalog, channel, filed, tz, TimeScale())
    assert len(planned) == 1 and planned[0].kind == "note"
    assert planned[0].due.sched_at == filed + NOTE_AFTER


# --- working days --------------------------------------------------------------------------

def test_a_make_up_sunday_before_national_day_counts_as_a_working_day() -> None:
    china = calendar_for("CN")
    # Sunday 20 Sep 2026 is a working day (调休 for National Day); Fri 18 + 5 working days = Thu 24.
    counted = china.add_working_days(date(2026, 9, 18), 5)
    assert counted.day == date(2026, 9, 24) and counted.basis == "official"
    assert china.is_working_day(date(2026, 9, 20)) and not china.is_working_day(date(2026, 9, 19))


def test_national_day_week_is_skipped_and_the_make_up_saturday_counts(catalog: Catalog) -> None:
    # Filed Wed 30 Sep 2026: 1–7 Oct are holidays; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    due = checkins(catalog, "cn_12300", beijing(2026, 9, 30, 15, 0))
    assert due["cn_12300_accept"] == beijing(2026, 10, 13, 15, 0)
    due = checkins(catalog, "cn_12315", beijing(2026, 9, 30, 15, 0))
    assert due["cn_12315_accept"] == beijing(2026, 10, 15, 15, 0)


def test_spring_festival_2027_is_skipped_and_flagged_as_estimated(catalog: Catalog) -> None:
    planned = plan_followups(catalog, "cn_12300", beijing(2027, 2, 4, 10, 0), BEIJING, TimeScale())
    accept = next(p for p in planned if p.data["deadline"] == "cn_12300_accept")
    # 5–10 Feb 2027 are holidays: Thu 11, Fri 12, Mon 15, Tue 16, Wed 17.
    assert accept.due.sched_at == beijing(2027, 2, 17, 10, 0)
    assert accept.data["basis"] == "estimated" and accept.data["years"] == [2027]
    thirty_days = next(p for p in planned if p.data["deadline"] == "cn_12300_reply")
    assert thirty_days.data["basis"] == "official"


def test_past_the_librarys_years_working_days_fall_back_to_monday_to_friday() -> None:
    counted = calendar_for("CN").add_working_days(date(2100, 12, 30), 5)
    assert counted.day == date(2101, 1, 6) and counted.basis == "weekdays"
    assert counted.years == (2101,)


def test_a_jurisdiction_without_holiday_data_counts_monday_to_friday() -> None:
    counted = WorkCalendar("XX").add_working_days(date(2026, 12, 24), 3)
    assert counted.day == date(2026, 12, 29) and counted.basis == "weekdays"


def test_uk_bank_holidays_are_not_working_days() -> None:
    assert calendar_for("UK").add_working_days(date(2026, 12, 24), 3).day == date(2026, 12, 31)


# --- quiet hours ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 12, 12, 22, 30), (2026, 12, 13, 9, 0)),
        ((2026, 12, 12, 21, 0), (2026, 12, 13, 9, 0)),
        ((2026, 12, 12, 3, 15), (2026, 12, 12, 9, 0)),
        ((2026, 12, 12, 8, 59), (2026, 12, 12, 9, 0)),
        ((2026, 12, 12, 9, 0), (2026, 12, 12, 9, 0)),
        ((2026, 12, 12, 20, 59), (2026, 12, 12, 20, 59)),
    ],
)
def test_nothing_is_due_between_21_and_9_in_the_persons_zone(local: tuple[int, ...], expected: tuple[int, ...]) -> None:
    moment = beijing(*local).astimezone(timezone.utc)
    assert out_of_quiet_hours(moment, BEIJING) == beijing(*expected)
    assert is_quiet(moment, BEIJING) == (local != expected)


def test_quiet_hours_follow_the_persons_zone_not_the_servers() -> None:
    moment = datetime(2026, 12, 12, 14, 0, tzinfo=timezone.utc)  # 22:00 in Beijing, 09:00 in New York
    assert is_quiet(moment, BEIJING) and not is_quiet(moment, NEW_YORK)


def test_the_morning_after_a_clock_change_is_still_nine_oclock() -> None:
    night = datetime(2027, 3, 27, 23, 30, tzinfo=LONDON)  # the clocks go forward at 01:00 on 28 March
    assert out_of_quiet_hours(night, LONDON) == datetime(2027, 3, 28, 9, 0, tzinfo=LONDON)


def test_a_check_in_due_at_night_waits_for_nine_in_the_morning(catalog: Catalog) -> None:
    planned = plan_followups(catalog, "cn_operator", beijing(2026, 11, 27, 23, 10), BEIJING, TimeScale())
    assert planned[0].due.sched_at == beijing(2026, 12, 13, 9, 0)
    assert planned[0].data["deadline_at"] == beijing(2026, 12, 12, 23, 10).isoformat()


# --- the time scale ------------------------------------------------------------------------

def test_a_time_scale_compresses_the_wait_but_keeps_the_schedule_dates(catalog: Catalog) -> None:
    filed = beijing(2026, 11, 27, 11, 0)
    planned = plan_followups(catalog, "cn_operator", filed, BEIJING, TimeScale(86400))
    assert planned[0].due.sched_at == beijing(2026, 12, 12, 11, 0)
    assert planned[0].due.due_at - filed == timedelta(seconds=15)


def test_a_snooze_is_days_of_schedule_and_seconds_of_wall_time_when_scaled() -> None:
    now = beijing(2026, 12, 12, 11, 0)
    due = in_days(now, 3, BEIJING, TimeScale(86400))
    assert due.sched_at == beijing(2026, 12, 15, 11, 0) and due.due_at - now == timedelta(seconds=3)
    assert in_days(now, 3, BEIJING, TimeScale()).due_at == beijing(2026, 12, 15, 11, 0)


def test_lateness_after_downtime_is_scaled_into_schedule_time() -> None:
    scale = TimeScale(60)
    sched, due = beijing(2026, 12, 12, 11, 0), beijing(2026, 11, 27, 11, 0)
    assert scale.sched_now(sched, due, due + timedelta(minutes=10)) == sched + timedelta(hours=10)


def test_a_due_time_in_the_past_is_due_now() -> None:
    now = beijing(2026, 12, 12, 11, 0)
    due = plan_due(now, now - timedelta(days=2), BEIJING, TimeScale())
    assert due.sched_at == now and due.due_at == now


def test_a_time_scale_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TimeScale(0)
