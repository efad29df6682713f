"""Pure parsers for free-text answers: phone numbers and dates/times (no I/O, no clock)."""

from engine.parsing.datetimes import ParsedTime, TimeProblem, parse_when
from engine.parsing.phones import PhoneNumber, PhoneProblem, mask_number, parse_phone_numbers

__all__ = [
    "ParsedTime",
    "PhoneNumber",
    "PhoneProblem",
    "TimeProblem",
    "mask_number",
    "parse_phone_numbers",
    "parse_when",
]
