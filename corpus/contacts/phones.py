"""Phone numbers: written forms to E.164, the shapes accepted without a country code, fictional and dummy numbers."""
from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
NANP = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
_NON_DIGITS = re.compile(r"[^0-9]")
_FICTIONAL_PHONE = re.compile(
    r"\+1[2-9][0-9]{2}55501[0-9]{2}|\+447700900[0-9]{3}|\+44207946[0-9]{4}|\+61491570(?:15[6-9]|1[6-9][0-9])")


def phone_e164(raw: str, region: str | None = None) -> str | None:
    """E.164 for a written number: `+` form as is, `00` prefix, CN mobile and NANP shapes, else `region`."""
    digits = _NON_DIGITS.sub("", raw)
    if not 7 <= len(digits) <= 17:
        return None
    if raw.lstrip().startswith("+"):
        candidate = "+" + digits
    elif digits.startswith("00"):
        candidate = "+" + digits[2:]
    elif CN_MOBILE.fullmatch(digits):
        candidate, region = digits, "CN"
    elif region is None and NANP.fullmatch(digits):
        candidate, region = digits, "US"
    elif region:
        candidate = digits
    else:
        return None
    try:
        number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_candidates(raw: str) -> Iterable[str]:
    """The whole written number, then shorter prefixes ending at a group break (`138 0013 8000 2024`)."""
    yield raw
    for m in reversed(list(re.finditer(r"[0-9][^0-9]+(?=[0-9])", raw))):
        yield raw[:m.start() + 1]


def repetitive(digits: str) -> bool:
    """Dummy digits: one or two distinct digits, or a run of nine sequential ones."""
    return (len(set(digits)) <= 2 or "123456789" in digits or "987654321" in digits
            or digits in "01234567890" or digits in "9876543210")


def is_fictional_phone(value: str) -> bool:
    """Ranges reserved for fiction (NANP 555-01xx, Ofcom drama numbers, ACMA's) and dummy digits after the code."""
    return bool(_FICTIONAL_PHONE.fullmatch(value)) or repetitive(value.lstrip("+")[2:])
