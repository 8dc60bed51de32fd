"""Phone numbers: written forms to E.164, countries a local number may belong to, fictional and dummy numbers."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
NANP = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
# An Indian mobile (a leading trunk 0 allowed): English is an official language of India, and its escort and
# fake-support spam writes local numbers on English pages (`Call 8860976606`). Tried only on a page whose candidate
# countries include the US and when none of them takes the number, as bare ten digits go to North America; and
# never when the digits are a British number too (`07911 123456`, `0800 123 4567`): English pages are British as
# often, and one number is read in one country or not at all.
INDIAN_MOBILE = re.compile(r"0?[6-9][0-9]{9}")
# grouped the North American way (1-888-614-2093, (212) 736-4400): not a CN mobile, whose digits it may share
NANP_WRITTEN = re.compile(r"[(\[]?1?[-. ]?\(?[2-9][0-9]{2}\)?[-. ]?[2-9][0-9]{2}[-. ][0-9]{4}")
_NON_DIGITS = re.compile(r"[^0-9]")
# 138 0013 8000 is the example number of Chinese forms and manuals.
EXAMPLE_NUMBERS = frozenset({"+8613800138000"})
_FICTIONAL_PHONE = re.compile(
    r"\+1[2-9][0-9]{2}55501[0-9]{2}|\+447700900[0-9]{3}|\+44207946[0-9]{4}|\+61491570(?:15[6-9]|1[6-9][0-9])")
# Countries whose numbers a page in a language most likely gives without the country code. A local number is
# accepted only if it is valid in exactly one of them, so a longer list is safer, never looser.
LANG_REGIONS = {
    "zh": ("CN", "TW", "HK", "MO"), "zh-hans": ("CN",), "zh-cn": ("CN",), "zh-sg": ("CN", "SG"),
    "zh-hant": ("TW", "HK", "MO"), "zh-tw": ("TW",), "zh-hk": ("HK", "MO"),
    "en": ("US", "CA"), "pt": ("BR", "PT"), "es": ("ES", "MX", "AR", "CO", "CL", "PE"), "id": ("ID",),
    "ms": ("MY",), "vi": ("VN",), "th": ("TH",), "ru": ("RU", "KZ", "BY"), "uk": ("UA",), "ja": ("JP",),
    "ko": ("KR",), "ar": ("SA", "AE", "EG", "MA", "JO", "KW", "QA"), "tr": ("TR",), "fa": ("IR",), "hi": ("IN",),
    "de": ("DE", "AT", "CH"), "fr": ("FR", "BE", "CH"), "it": ("IT",), "pl": ("PL",), "nl": ("NL", "BE"),
    "tl": ("PH",), "he": ("IL",), "km": ("KH",), "my": ("MM",), "lo": ("LA",), "bn": ("BD",), "ur": ("PK",),
}
# Written shapes that are never a local number: dates, versions and addresses, long digit runs (orders, times).
_NOT_LOCAL = re.compile(r"(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:19|20)[0-9]{2}"
                        r"|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?:\.[0-9]{1,3})?|.*[0-9]{13}")


def regions_for(lang: str | None) -> tuple[str, ...]:
    """Candidate countries of a language tag (`pt`, `pt-BR`, `zh-Hant`, `zh_TW`); () if unknown."""
    if not lang:
        return ()
    tag = lang.lower().replace("_", "-")
    if tag in LANG_REGIONS:
        return LANG_REGIONS[tag]
    base, _, rest = tag.partition("-")
    region = rest.rsplit("-", 1)[-1].upper()
    if len(region) == 2 and region.isalpha():  # an explicit country subtag wins
        return (region,)
    return LANG_REGIONS.get(base, ())


def _e164(candidate: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=1 << 14)
def phone_e164(raw: str, region: str | tuple[str, ...] | None = None) -> str | None:
    """E.164 for a written number: `+` form as is, `00` prefix; a local number in `region`, or in exactly one of
    several candidate regions; without a region only the CN mobile and NANP shapes."""
    digits = _NON_DIGITS.sub("", raw)
    if not 7 <= len(digits) <= 17:
        return None
    if raw.lstrip().startswith("+") or digits.startswith("00"):
        digits = digits if raw.lstrip().startswith("+") else digits[2:]
        number = _e164("+" + digits, None)
        if number is None and digits.startswith("521") and len(digits) == 13:
            number = _e164("+52" + digits[3:], None)  # Mexico's mobile `1` after +52, dropped in 2019
        return number
    if _NOT_LOCAL.match(raw.strip()):
        return None
    if isinstance(region, tuple):
        if len(digits) < 8:
            return None
        # the shapes accepted without any region stay candidates: a CN mobile or a NANP number on any page
        shapes = ("US",) if NANP_WRITTEN.fullmatch(raw.strip()) else ("CN",) if CN_MOBILE.fullmatch(digits) else ()
        found = {e for r in dict.fromkeys((*region, *shapes)) if (e := _e164(digits, r))}
        if not found and NANP.fullmatch(digits):  # ten bare digits: North American only if no candidate takes them
            found = {e for e in (_e164(digits, "US"),) if e}
        if not found and "US" in region and INDIAN_MOBILE.fullmatch(digits) and not _e164(digits, "GB"):
            found = {e for e in (_e164(digits, "IN"),) if e}
        return found.pop() if len(found) == 1 else None
    if region is None and NANP_WRITTEN.fullmatch(raw.strip()):
        region = "US"
    elif CN_MOBILE.fullmatch(digits):
        region = "CN"
    elif region is None and NANP.fullmatch(digits):
        region = "US"
    elif not region:
        return None
    return _e164(digits, region)


def phone_candidates(raw: str) -> Iterable[str]:
    """The whole written number, then shorter prefixes ending at a space (`138 0013 8000 2024`); never inside a
    hyphenated or dotted run, which is one code (`978-1-4028-9462-6` holds no phone number)."""
    yield raw
    for m in reversed(list(re.finditer(r"[0-9][^0-9\s]*\s+[^0-9]*(?=[0-9])", raw))):
        yield raw[:m.start() + 1]


def repetitive(digits: str) -> bool:
    """Dummy digits: one or two distinct digits, or a run of nine sequential ones."""
    return (len(set(digits)) <= 2 or "123456789" in digits or "987654321" in digits
            or digits in "01234567890" or digits in "9876543210")


def is_fictional_phone(value: str) -> bool:
    """Ranges reserved for fiction (NANP 555-01xx, Ofcom drama numbers, ACMA's) and dummy digits after the code."""
    return (bool(_FICTIONAL_PHONE.fullmatch(value)) or repetitive(value.lstrip("+")[2:])
            or sequential(value) or value in EXAMPLE_NUMBERS)


def sequential(value: str) -> bool:
    """Digits typed in order: `+1 234 567 8901` (nine in a row), `400-123-4567` (a ten-digit number ending 1234567)."""
    digits = value.lstrip("+")
    if "123456789" in digits:
        return True
    try:
        national = str(phonenumbers.parse(value).national_number)
    except phonenumbers.NumberParseException:
        return False
    return len(national) >= 10 and national.endswith("1234567")


def number_regions(numbers: Iterable[str]) -> tuple[str, ...]:
    """The countries of E.164 numbers already read on a page (a `wa.me/92…` link): its local numbers are likely
    written in the same country (`0301-7654321` beside `wa.me/923017654321`)."""
    out = []
    for number in numbers:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
        except phonenumbers.NumberParseException:
            continue
        if region and region != "ZZ" and region not in out:
            out.append(region)
    return tuple(out)
