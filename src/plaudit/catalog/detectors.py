"""Value detectors: does a sampled value look like a given kind of personal information (RULES.md §5)?

Each detector is a validator with the checksum of its format where one exists, built on maintained
libraries (python-stdnum, phonenumbers, email-validator, ipaddress) rather than hand-written rules.
`detect` turns a column's sample into counts and rates per detector; `mask` turns a value into an
exemplar that is safe to print. Nothing here stores or returns a sampled value in clear (SPEC §6).

>>> DETECTORS["resident_id"].validate("11010519491231002X")
True
>>> mask("11010519491231002X")
'110***********002X'
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

__all__ = [
    "DETECTORS",
    "Detector",
    "DetectorStats",
    "card_scheme",
    "detect",
    "ip_scope",
    "is_bank_card",
    "is_email",
    "is_ip_address",
    "is_mobile",
    "is_passport",
    "is_resident_id",
    "is_track_data",
    "is_uscc",
    "mask",
]

# ---------------------------------------------------------------------------------------------------
# PRC resident identity card (GB 11643-1999), RULES.md §5.1
# ---------------------------------------------------------------------------------------------------

# A cheap ASCII prefilter before the library: stdnum normalises Unicode dashes and spaces, and
# a scan should not call a validator on every free-text value it samples.
_RIC_18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_RIC_15 = re.compile(r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def is_resident_id(value: str, *, allow_legacy: bool = False) -> bool:
    """An 18-character resident ID: MOD 11-2 check character, known address code, real birth date
    between 1900 and today. Lower-case `x` is accepted as `X`.

    The 15-digit form issued before 1999 has no check digit, so it matches far too many numbers
    (IMEIs, Amex PANs, order numbers) to be trusted without column context: only with `allow_legacy`.
    It is upgraded to 18 digits (19xx century, computed check digit) and checked the same way.
    """
    text = value.strip()
    if len(text) == 15 and allow_legacy and _RIC_15.fullmatch(text):
        body = text[:6] + "19" + text[6:]
        text = body + ric.calc_check_digit(body + "0")
    elif len(text) != 18 or not _RIC_18.fullmatch(text):
        return False
    try:
        ric.validate(text)  # check character, calendar date, address code valid in the birth year
        born = ric.get_birth_date(text)
    except ValidationError:
        return False
    return _EARLIEST_BIRTH <= born <= dt.date.today()


# ---------------------------------------------------------------------------------------------------
# Bank card PAN (ISO/IEC 7812) and track data, RULES.md §5.2
# ---------------------------------------------------------------------------------------------------

# (scheme, inclusive prefix ranges, allowed lengths). Ranges compare the leading digits as
# integers of the same width as the bounds, so "2221"-"2720" covers Mastercard's 2-series.
_IIN_TABLE: tuple[tuple[str, tuple[tuple[str, str], ...], frozenset[int]], ...] = (
    ("amex", (("34", "34"), ("37", "37")), frozenset({15})),
    ("jcb", (("3528", "3589"),), frozenset(range(16, 20))),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65")), frozenset(range(16, 20))),
    # UnionPay after Discover: 65 belongs to Discover, 62 (and some 81) to UnionPay.
    ("unionpay", (("62", "62"), ("81", "81")), frozenset(range(16, 20))),
    ("mastercard", (("51", "55"), ("2221", "2720")), frozenset({16})),
    ("visa", (("4", "4"),), frozenset({13, 16, 19})),
)
_PAN_SEPARATORS = re.compile(r"[ -]")
_DIGITS = re.compile(r"\d{13,19}")


def card_scheme(value: str) -> str | None:
    """The card scheme of a Luhn-valid 13-19 digit PAN with a known IIN, else None.

    Spaces and hyphens between digit groups are ignored (`6212 3456 7890 1232`).

    >>> card_scheme("6212345678901232")
    'unionpay'
    """
    digits = _PAN_SEPARATORS.sub("", value.strip())
    if not _DIGITS.fullmatch(digits) or not luhn.is_valid(digits):
        return None
    for scheme, ranges, lengths in _IIN_TABLE:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            if int(low) <= int(digits[: len(low)]) <= int(high):
                return scheme
    return None


def is_bank_card(value: str) -> bool:
    """A payment card number: Luhn-valid, 13-19 digits, a known IIN (see `card_scheme`)."""
    return card_scheme(value) is not None


_TRACK_1 = re.compile(r"%?B(\d{12,19})\^[^^]{2,26}\^\d{4}\d{3}[^?]*\??")
_TRACK_2 = re.compile(r";?(\d{12,19})=\d{4}\d{3}\d*\??")


def is_track_data(value: str) -> bool:
    """Magnetic-stripe track 1 or track 2 data (PCI sensitive authentication data).

    Beyond the regexes of RULES.md §5.2 the embedded PAN must pass Luhn: real track data always
    does, and key=value strings of digits in logs otherwise look like track 2.
    """
    text = value.strip()
    for pattern in (_TRACK_1, _TRACK_2):
        found = pattern.fullmatch(text)
        if found and luhn.is_valid(found.group(1)):
            return True
    return False


# ---------------------------------------------------------------------------------------------------
# Unified Social Credit Code (GB 32100-2015), RULES.md §5.4
# ---------------------------------------------------------------------------------------------------

_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", re.IGNORECASE)


def is_uscc(value: str) -> bool:
    """An organisation's Unified Social Credit Code with a valid check character."""
    text = value.strip()
    return bool(_USCC.fullmatch(text)) and uscc.is_valid(text)


# ---------------------------------------------------------------------------------------------------
# PRC mobile numbers, RULES.md §5.3
# ---------------------------------------------------------------------------------------------------

# Optional +86 / 0086 / 86, then 11 digits starting with 1, in any 3-4-4 grouping. The prefilter
# keeps phonenumbers from parsing vanity letters and arbitrary text as numbers.
_MOBILE_SHAPE = re.compile(r"(?:\+86|0086|86)?1\d{10}")
_MOBILE_STRIP = re.compile(r"[\s\-()]")


def _mobile_national(value: str) -> str | None:
    compact = _MOBILE_STRIP.sub("", value.strip())
    if not _MOBILE_SHAPE.fullmatch(compact):
        return None
    if compact.startswith("86") and len(compact) == 13:
        compact = "+" + compact
    import phonenumbers  # here: only sampled values need it, and it costs every command 20 ms to load

    try:
        number = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    # Only mobiles: fixed lines and 13-digit IoT numbers (10648...) are not a person's phone.
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return str(number.national_number)


def is_mobile(value: str) -> bool:
    """A mainland China mobile number, with or without +86 / 0086 and 3-4-4 grouping."""
    return _mobile_national(value) is not None


# ---------------------------------------------------------------------------------------------------
# E-mail, RULES.md §5.6
# ---------------------------------------------------------------------------------------------------


def is_email(value: str) -> bool:
    """A syntactically valid e-mail address. No DNS lookups: a scan must not touch the network."""
    text = value.strip()
    if "@" not in text or len(text) > 254 or any(ch.isspace() for ch in text):
        return False
    from email_validator import EmailNotValidError, validate_email  # as phonenumbers above

    try:
        validate_email(text, check_deliverability=False)
    except (EmailNotValidError, UnicodeError, ValueError):
        return False
    return True


# ---------------------------------------------------------------------------------------------------
# IP addresses, RULES.md §5.7
# ---------------------------------------------------------------------------------------------------


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = value.strip()
    # ipaddress is strict about leading zeros (octal ambiguity) since Python 3.9.5; bare integers
    # ("3232235521") are refused because a column of numbers is not a column of addresses.
    if not text or text.isdigit():
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_ip_address(value: str) -> bool:
    """An IPv4 (no leading zeros) or IPv6 address."""
    return _ip(value) is not None


def ip_scope(value: str) -> str | None:
    """`public`, `private` (RFC 1918, ULA, CGNAT, link-local, loopback, documentation, reserved) or None.

    Public client addresses tied to customers are personal information (GB/T 35273 Annex A).
    """
    address = _ip(value)
    if address is None:
        return None
    return "public" if address.is_global else "private"


# ---------------------------------------------------------------------------------------------------
# Passports and travel documents, RULES.md §5.5 (no public checksum: context only)
# ---------------------------------------------------------------------------------------------------

_PASSPORT = re.compile(
    r"E\d{8}"  # ordinary e-passport from 2012
    r"|E[A-HJ-NP-Z]\d{7}"  # after the E-digit range ran out
    r"|G\d{8}"  # legacy ordinary passport
    r"|[DSP]E?\d{7}"  # diplomatic, service, public affairs
    r"|[HM]\d{8}(?:\d{2})?"  # Mainland Travel Permit for HK / Macau residents
    r"|C[0-9A-HJ-NP-Z]\d{7}"  # Exit-Entry Permit to HK / Macau
)


def is_passport(value: str) -> bool:
    """A PRC passport or travel-permit number shape. Taiwan permits (8 bare digits) are left out:
    that shape is every 8-digit number."""
    return bool(_PASSPORT.fullmatch(value.strip().upper()))


# ---------------------------------------------------------------------------------------------------
# Registry and statistics
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detector:
    """A value validator. `category` is the taxonomy key a match is evidence for (None: not personal
    information). A `context_only` detector has no checksum, so a match counts only when the column
    name or comment points the same way."""

    name: str
    category: str | None
    validate: Callable[[str], bool]
    context_only: bool = False
    #: Optional sub-label counted in `DetectorStats.details` (card scheme, IP scope).
    label: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class DetectorStats:
    """Counts of one detector over one sample. Counts only: never the values themselves."""

    checked: int
    matched: int
    details: Mapping[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Share of checked values that matched; 0.0 for an empty sample."""
        return self.matched / self.checked if self.checked else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "matched": self.matched,
            "rate": round(self.rate, 4),
            "details": dict(sorted(self.details.items())),
        }


def _legacy_resident_id(value: str) -> bool:
    text = value.strip()
    return len(text) == 15 and is_resident_id(text, allow_legacy=True)


DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector("resident_id", "identity.national_id", is_resident_id),
        Detector("resident_id_legacy", "identity.national_id", _legacy_resident_id, context_only=True),
        Detector("bank_card", "account.bank_card", is_bank_card, label=card_scheme),
        Detector("track", "auth.card_verification", is_track_data),
        Detector("mobile", "contact.phone", is_mobile),
        Detector("email", "contact.email", is_email),
        Detector("ip", "network.ip_address", is_ip_address, label=ip_scope),
        Detector("passport", "identity.passport", is_passport, context_only=True),
        Detector("uscc", None, is_uscc),
    )
}


def detect(values: Iterable[str | None], detectors: Iterable[str] | None = None) -> dict[str, DetectorStats]:
    """Run every detector (or the named ones) over a sample, reading the iterable once.

    Empty and NULL values are not counted as checked: a sparse column is not a clean column.

    >>> detect(["13812345678", "", "hello"])["mobile"].to_json()
    {'checked': 2, 'matched': 1, 'rate': 0.5, 'details': {}}
    """
    chosen = [DETECTORS[name] for name in detectors] if detectors is not None else list(DETECTORS.values())
    checked = 0
    matched: Counter[str] = Counter()
    details: dict[str, Counter[str]] = {d.name: Counter() for d in chosen}
    for raw in values:
        if raw is None:
            continue
        value = raw if isinstance(raw, str) else str(raw)
        if not value.strip():
            continue
        checked += 1
        for detector in chosen:
            if detector.validate(value):
                matched[detector.name] += 1
                if detector.label is not None:
                    label = detector.label(value)
                    if label:
                        details[detector.name][label] += 1
    return {
        d.name: DetectorStats(checked=checked, matched=matched[d.name], details=dict(details[d.name]))
        for d in chosen
    }


# ---------------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------------

# kind -> (characters kept on the left, on the right). Aliases let callers pass a taxonomy key.
_KEEP = {
    "resident_id": (3, 4),
    "bank_card": (6, 4),
    "mobile": (3, 4),
}
_KIND_ALIASES = {
    "identity.national_id": "resident_id",
    "resident_id_legacy": "resident_id",
    "account.bank_card": "bank_card",
    "pan": "bank_card",
    "contact.phone": "mobile",
    "contact.email": "email",
}


def _keep_ends(text: str, left: int, right: int) -> str:
    # Hide at least 3 characters: a short value under a long-value rule would otherwise be shown whole.
    if left + right > len(text) - 3:
        return _generic(text)
    return text[:left] + "*" * (len(text) - left - right) + text[len(text) - right :]


def _generic(text: str) -> str:
    if len(text) < 4:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]


def _mask_email(text: str) -> str:
    local, _, domain = text.rpartition("@")
    if not local or not domain:
        return _generic(text)
    # Fixed-width stars: the length of a local part narrows down who it is.
    return f"{local[0]}***@{domain}"


def _guess_kind(text: str) -> str | None:
    if is_resident_id(text, allow_legacy=True):
        return "resident_id"
    if is_bank_card(text):
        return "bank_card"
    if is_mobile(text):
        return "mobile"
    if is_email(text):
        return "email"
    return None


def mask(value: str, kind: str | None = None) -> str:
    """A masked exemplar of `value`, safe for reports and logs (SPEC §6).

    `kind` is a detector name or a taxonomy key; without it the kind is guessed from the value.
    Resident ID keeps the first 3 and last 4 characters, bank card the first 6 and last 4, mobile
    the first 3 and last 4 of the national number, e-mail the first character and the domain;
    anything else its first and last character. Values shorter than 4 are fully starred.

    >>> mask("6212345678901232")
    '621234******1232'
    >>> mask("+86 138 1234 5678")
    '138****5678'
    >>> mask("zhang.san@example.com")
    'z***@example.com'
    """
    text = value.strip()
    resolved = _KIND_ALIASES.get(kind, kind) if kind else _guess_kind(text)
    if resolved == "mobile":
        national = _mobile_national(text)
        out = _keep_ends(national, 3, 4) if national else _generic(text)
    elif resolved == "bank_card":
        out = _keep_ends(_PAN_SEPARATORS.sub("", text), *_KEEP["bank_card"])
    elif resolved in _KEEP:
        out = _keep_ends(text, *_KEEP[resolved])
    elif resolved == "email":
        out = _mask_email(text)
    else:
        out = _generic(text)
    if len(value) >= 4 and out in (value, text):
        # Only possible when the hidden part was already stars: the value looks masked already.
        # Say so without even its length, rather than hand back the input.
        out = "***"
    return out
