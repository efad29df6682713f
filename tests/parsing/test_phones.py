"""Phone-number reading: real inputs people type, service numbers and SMS ids spam comes from, and garbage."""

from __future__ import annotations

import time

import pytest

from engine.parsing import PhoneNumber, PhoneProblem, mask_number, parse_phone_numbers

# (answer, default region, expected [(raw, number, kind, region, display)])
SINGLE_NUMBERS = [
    ("138 0013 8000", "CN", ("138 0013 8000", "+8613800138000", "mobile", "CN", "138 0013 8000")),
    ("13800138000", "CN", ("13800138000", "+8613800138000", "mobile", "CN", "138 0013 8000")),
    ("+86 138-0013-8000", "US", ("+86 138-0013-8000", "+8613800138000", "mobile", "CN", "+86 138 0013 8000")),
    ("020-8765 4321", "CN", ("020-8765 4321", "+862087654321", "fixed_line", "CN", "020 8765 4321")),
    ("010 6552 9988", "CN", ("010 6552 9988", "+861065529988", "fixed_line", "CN", "010 6552 9988")),
    ("0755-2345 6789", "CN", ("0755-2345 6789", "+8675523456789", "fixed_line", "CN", "0755 2345 6789")),
    ("+1 (202) 555-0143", "US", ("+1 (202) 555-0143", "+12025550143", "fixed_line_or_mobile", "US", "(202) 555-0143")),
    ("(202) 555-0143", "US", ("(202) 555-0143", "+12025550143", "fixed_line_or_mobile", "US", "(202) 555-0143")),
    ("+1 (202) 555-0143", "CN", ("+1 (202) 555-0143", "+12025550143", "fixed_line_or_mobile", "US", "+1 202-555-0143")),
    ("020 7946 0018", "GB", ("020 7946 0018", "+442079460018", "fixed_line", "GB", "020 7946 0018")),
    ("+44 (0)20 7946 0018", "GB", ("+44 (0)20 7946 0018", "+442079460018", "fixed_line", "GB", "020 7946 0018")),
    ("07400 123456", "GB", ("07400 123456", "+447400123456", "mobile", "GB", "07400 123456")),
    # Ofcom's drama range: unassigned, so libphonenumber calls it invalid, but spoofed caller ids look like this.
    ("+44 7700 900123", "GB", ("+44 7700 900123", "+447700900123", "unknown", "GB", "+44 7700 900123")),
    ("0044 7700 900123", "CN", ("0044 7700 900123", "+447700900123", "unknown", "GB", "+44 7700 900123")),
    ("400-810-8888", "CN", ("400-810-8888", "+864008108888", "shared_cost", "CN", "400 810 8888")),
    ("800-810-8888", "CN", ("800-810-8888", "+868008108888", "toll_free", "CN", "800 810 8888")),
    ("95555", "CN", ("95555", "95555", "service", "CN", "95555")),
    ("10086", "CN", ("10086", "10086", "service", "CN", "10086")),
    ("12321", "CN", ("12321", "12321", "service", "CN", "12321")),
    ("96110", "CN", ("96110", "96110", "service", "CN", "96110")),
    ("110", "CN", ("110", "110", "service", "CN", "110")),
    ("911", "US", ("911", "911", "service", "US", "911")),
    ("10690000123456", "CN", ("10690000123456", "10690000123456", "sms_sender", "CN", "10690000123456")),
    ("1069 0000 1234 56", "CN", ("1069 0000 1234 56", "10690000123456", "sms_sender", "CN", "10690000123456")),
    # Ten digits starting 10 also read as a Beijing landline; a 106 prefix is an SMS sender id first.
    ("1069012345", "CN", ("1069012345", "1069012345", "sms_sender", "CN", "1069012345")),
    ("１３８００１３８０００", "CN", ("１３８００１３８０００", "+8613800138000", "mobile", "CN", "138 0013 8000")),
    ("（０２０）８７６５－４３２１", "CN", ("（０２０）８７６５－４３２１", "+862087654321", "fixed_line", "CN", "020 8765 4321")),
    ("号码：０２０－８７６５\u3000４３２１", "CN", ("０２０－８７６５\u3000４３２１", "+862087654321", "fixed_line", "CN", "020 8765 4321")),
]


@pytest.mark.parametrize(("text", "region", "expected"), SINGLE_NUMBERS)
def test_one_number_is_read_in_normal_form(text: str, region: str, expected: tuple[str, ...]) -> None:
    numbers, problems = parse_phone_numbers(text, region)
    assert problems == []
    assert [(n.raw, n.number, n.kind, n.region, n.display) for n in numbers] == [expected]


SEVERAL_NUMBERS = [
    ("13800138000，13900139000、10086", "CN", ["+8613800138000", "+8613900139000", "10086"]),
    ("13800138000 和 13900139000", "CN", ["+8613800138000", "+8613900139000"]),
    ("13800138000;13900139000/10086\n12321", "CN", ["+8613800138000", "+8613900139000", "10086", "12321"]),
    ("13800138000 13900139000", "CN", ["+8613800138000", "+8613900139000"]),
    ("138 0013 8000 139 0013 9000", "CN", ["+8613800138000", "+8613900139000"]),
    ("139-0013-9000 138-0013-8000", "CN", ["+8613900139000", "+8613800138000"]),
    # "1008695555" would be a valid Beijing landline; two service numbers are what was meant.
    ("10086 95555", "CN", ["10086", "95555"]),
    ("+1 202 555 0143 and +1 202 555 0199", "US", ["+12025550143", "+12025550199"]),
    ("07400 123456 or 020 7946 0018", "GB", ["+447400123456", "+442079460018"]),
    ("他用13800138000打了3次", "CN", ["+8613800138000"]),
]


@pytest.mark.parametrize(("text", "region", "expected"), SEVERAL_NUMBERS)
def test_several_numbers_in_one_answer_are_all_read(text: str, region: str, expected: list[str]) -> None:
    numbers, problems = parse_phone_numbers(text, region)
    assert problems == []
    assert [n.number for n in numbers] == expected


def test_repeats_of_one_number_are_kept_once_with_the_first_spelling() -> None:
    numbers, problems = parse_phone_numbers("13800138000, 138 0013 8000, +86 138-0013-8000, 10086, 10086", "CN")
    assert problems == []
    assert [(n.raw, n.number) for n in numbers] == [("13800138000", "+8613800138000"), ("10086", "10086")]


GARBAGE = [
    ("hello", "CN", [PhoneProblem("hello", "not_a_number")]),
    ("", "CN", [PhoneProblem("", "not_a_number")]),
    ("no idea, sorry", "US", [PhoneProblem("no idea, sorry", "not_a_number")]),
    ("12", "CN", [PhoneProblem("12", "too_short")]),
    ("106", "CN", [PhoneProblem("106", "too_short")]),
    ("123456789012345678901234567890", "CN", [PhoneProblem("123456789012345678901234567890", "too_long")]),
    ("1234567", "CN", [PhoneProblem("1234567", "invalid")]),
    ("+999 1234567", "CN", [PhoneProblem("+999 1234567", "invalid")]),
    ("555-1234", "US", [PhoneProblem("555-1234", "invalid")]),
]


@pytest.mark.parametrize(("text", "region", "expected"), GARBAGE)
def test_garbage_gives_problems_with_the_reason_and_no_numbers(
    text: str, region: str, expected: list[PhoneProblem]
) -> None:
    assert parse_phone_numbers(text, region) == ([], expected)


def test_a_bad_part_is_reported_beside_the_good_numbers() -> None:
    numbers, problems = parse_phone_numbers("13800138000, 12345678901234567890123", "CN")
    assert [n.number for n in numbers] == ["+8613800138000"]
    assert problems == [PhoneProblem("12345678901234567890123", "too_long")]


def test_phone_dict_round_trips_and_matches_the_contract() -> None:
    (phone,), _ = parse_phone_numbers("138 0013 8000", "CN")
    stored = phone.to_dict()
    assert stored == {
        "raw": "138 0013 8000",
        "number": "+8613800138000",
        "kind": "mobile",
        "region": "CN",
        "display": "138 0013 8000",
    }
    assert PhoneNumber.from_dict(stored) == phone


def test_from_dict_rejects_a_kind_outside_the_contract() -> None:
    with pytest.raises(ValueError, match="kind"):
        PhoneNumber.from_dict({"raw": "1", "number": "1", "kind": "pager", "region": None, "display": "1"})


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+8613800138000", "+8613*******00"),
        ("13800138000", "1380*****00"),
        ("+86 138 0013 8000", "+8613*******00"),
        ("10690000123456", "1069********56"),
        ("10086", "***86"),
        ("110", "***"),
    ],
)
def test_mask_number_keeps_a_prefix_and_the_last_two_digits(number: str, masked: str) -> None:
    assert mask_number(number) == masked


def test_a_long_answer_of_tiny_digit_groups_is_read_quickly() -> None:
    # Every group starts a run of candidate numbers; without bounds and caching this took about ten seconds.
    started = time.perf_counter()
    numbers, problems = parse_phone_numbers("1 " * 5000, "CN")
    assert time.perf_counter() - started < 3
    assert numbers == [] and [p.reason for p in problems] == ["too_long"]


def test_a_remembered_reading_is_the_same_reading_and_stays_the_callers_own() -> None:
    """Readings of short answers are cached (issue 15): asked again, the same answer; what one caller does
    with its lists never reaches the next; another person's text or region gets its own reading."""
    first, _ = parse_phone_numbers("138 0013 8000", "CN")
    first.clear()
    again, problems = parse_phone_numbers("138 0013 8000", "CN")
    assert [n.number for n in again] == ["+8613800138000"] and problems == []
    other, _ = parse_phone_numbers("139 1234 5678", "CN")
    assert [n.number for n in other] == ["+8613912345678"]
    elsewhere, _ = parse_phone_numbers("020 7946 0958", "GB")
    assert [n.number for n in elsewhere] == ["+442079460958"]
    assert parse_phone_numbers("020 7946 0958", "CN") != (elsewhere, [])


def test_a_long_text_reads_as_a_short_one_does() -> None:
    """Text past the cached length (a page read from evidence) is read the same way, uncached."""
    padding = "某某" * 200
    numbers, _ = parse_phone_numbers(padding + " 138 0013 8000", "CN")
    assert [n.number for n in numbers] == ["+8613800138000"]


# A number in another country's national form is one number: never a short code cut out of it and a leftover.
NOT_CUT = [
    ("07700 900123", "US"),
    ("020 7946 0018", "US"),
    ("138 0013 8000", "US"),
    ("0755 1234 5678", "US"),
    ("202-555-0143", "GB"),
]


@pytest.mark.parametrize(("text", "region"), NOT_CUT)
def test_a_foreign_national_number_is_not_cut_into_a_short_code(text: str, region: str) -> None:
    numbers, problems = parse_phone_numbers(text, region)
    assert numbers == [] and [p.raw for p in problems] == [text]


# (text, default region, regions it may be read in, the number read or None when it is ambiguous)
ELSEWHERE = [
    ("07911 123456", "US", ("CN", "GB"), "+447911123456"),
    ("0161 496 0000", "US", ("CN", "GB"), "+441614960000"),
    ("0755 1234 5678", "US", ("CN", "GB"), "+8675512345678"),
    ("138 0013 8000", "GB", ("CN", "US"), "+8613800138000"),
    ("202-555-0143", "GB", ("CN", "US"), "+12025550143"),
    # Two US short codes by US rules, one Chinese 400 number as written.
    ("400 368 4635", "US", ("CN", "GB"), "+864003684635"),
    # A London number is a Guangzhou one too; 07700 900123 a Guangxi landline and a possible UK mobile.
    ("020 7946 0018", "US", ("CN", "GB"), None),
    ("07700 900123", "US", ("CN", "GB"), None),
    # A possible local number of the default region is not read abroad.
    ("555-1234", "US", ("CN", "GB"), None),
]


@pytest.mark.parametrize(("text", "region", "elsewhere", "expected"), ELSEWHERE)
def test_a_national_number_is_read_whole_where_it_is_valid_or_not_at_all(
    text: str, region: str, elsewhere: tuple[str, ...], expected: str | None
) -> None:
    numbers, problems = parse_phone_numbers(text, region, elsewhere)
    assert [n.number for n in numbers] == ([expected] if expected else [])
    if expected:
        assert numbers[0].display.replace("-", " ") == text.replace("-", " ") or numbers[0].raw == text
    else:
        assert [p.raw for p in problems] == [text]


def test_a_number_the_default_region_reads_is_not_read_elsewhere() -> None:
    numbers, _ = parse_phone_numbers("10086 95555", "CN", ("GB", "US"))
    assert [n.number for n in numbers] == ["10086", "95555"]
