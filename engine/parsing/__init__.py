"""Pure parsers for free-text answers: phone numbers and dates/times (no I/O, no clock)."""

from engine.parsing.phones import PhoneNumber, PhoneProblem, mask_number, parse_phone_numbers

__all__ = ["PhoneNumber", "PhoneProblem", "mask_number", "parse_phone_numbers"]
