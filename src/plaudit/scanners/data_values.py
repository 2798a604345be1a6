"""Pure analysis of sampled values for the data checks: counts, rates and masked exemplars only.

Nothing here touches a database. `plaudit.scanners.data` fetches a bounded sample and hands the values
to these functions, which return plain dicts safe to put in a `DataCheck` (SPEC §6: no value in clear;
the only trace of a value is `detectors.mask()` of it).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from plaudit.catalog import detectors
from plaudit.catalog.detectors import DETECTORS, mask

__all__ = [
    "FAST_HASH_FORMATS",
    "PASSWORD_FORMATS",
    "SLOW_HASH_FORMATS",
    "analyse_ciphertext",
    "as_text",
    "category_detectors",
    "detector_counts",
    "log_hits",
    "looks_plaintext",
    "password_format",
]

# ---------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------


def as_text(value: Any) -> str | None:
    """A sampled value as text for the detectors, or None (NULL, empty, undecodable bytes)."""
    if value is None:
        return None
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None  # binary: ciphertext or a blob, never a detector hit
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def category_detectors(category: str | None) -> list[str]:
    """Detector names whose category is `category` or its parent (`identity.national_id.hk_permit`
    is checked as an `identity.national_id`)."""
    if not category:
        return []
    return [
        d.name
        for d in DETECTORS.values()
        if d.category and (category == d.category or category.startswith(d.category + "."))
    ]


def _general_detectors(category: str | None) -> list[str]:
    """Every checksum or strict-format detector, plus the context-only ones the category vouches for."""
    own = set(category_detectors(category))
    return [d.name for d in DETECTORS.values() if not d.context_only or d.name in own]


def detector_counts(values: Sequence[str], category: str | None) -> tuple[int, dict[str, Any]]:
    """Per-detector counts over a column's sample: `(values matching any detector, details)`.

    details = `{"<detector>": {"matched": n, "rate": r}, ..., "masked_exemplar": "110***...002X" | None,
    "exemplar_detector": name | None}`. Only detectors with a hit are listed, so an empty dict is a
    clean column. The exemplar prefers the column's own category, then the detector with most hits.
    """
    names = _general_detectors(category)
    stats = detectors.detect(values, names)
    checked = len(values)
    details: dict[str, Any] = {}
    for name in names:
        hits = stats[name].matched
        if hits:
            details[name] = {"matched": hits, "rate": round(hits / checked, 4) if checked else 0.0}
    chosen = [DETECTORS[n] for n in names]
    any_hit = 0
    for value in values:
        if any(d.validate(value) for d in chosen):
            any_hit += 1
    exemplar_kind = _exemplar_kind(details, category)
    exemplar = None
    if exemplar_kind:
        validate = DETECTORS[exemplar_kind].validate
        exemplar = next((mask(v, exemplar_kind) for v in values if validate(v)), None)
    details["masked_exemplar"] = exemplar
    details["exemplar_detector"] = exemplar_kind
    return any_hit, details


def _exemplar_kind(details: dict[str, Any], category: str | None) -> str | None:
    own = [n for n in category_detectors(category) if n in details]
    if own:
        return own[0]
    ranked = sorted(((v["matched"], n) for n, v in details.items() if isinstance(v, dict)), reverse=True)
    return ranked[0][1] if ranked else None


# ---------------------------------------------------------------------------------------------------
# Plaintext in a protected column
# ---------------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DATE = re.compile(r"(?:18|19|20)\d{2}[-/.年]?(?:0?[1-9]|1[0-2])[-/.月]?(?:0?[1-9]|[12]\d|3[01])日?")


def looks_plaintext(value: str, category: str | None) -> str | None:
    """Why `value` reads as plaintext for `category` (a detector name or a heuristic label), else None.

    A category with a detector counts only detector hits (a checksum, so ciphertext never passes);
    without one: passwords that are no known hash or envelope, dates for birth dates, and Chinese
    text (names, addresses) for any category, since no encryption or hash yields CJK characters.
    """
    own = category_detectors(category)
    if own:
        return next((name for name in own if DETECTORS[name].validate(value)), None)
    if category and (category == "auth.password" or category.startswith("auth.password.")):
        fmt = password_format(value)
        if fmt == "other" and _envelope(value)[0] == "none":
            return "password_like"
        return None
    if category and category.startswith("identity.birth_date") and _DATE.fullmatch(value.strip()):
        return "date"
    if _CJK.search(value):
        return "cjk_text"
    return None


# ---------------------------------------------------------------------------------------------------
# Password formats (RULES.md R11)
# ---------------------------------------------------------------------------------------------------

#: name -> regex, written for every SQL dialect's regex engine (no `\d`, no lookaround): the same
#: patterns run inside the database through Great Expectations and here in Python.
PASSWORD_FORMATS: dict[str, str] = {
    "bcrypt": r"^\$2[abxy]?\$[0-9][0-9]\$[./A-Za-z0-9]{53}$",
    "argon2": r"^\$argon2(id|i|d)\$",
    "scrypt": r"^(\$scrypt\$|\$7\$|scrypt:)",
    "pbkdf2": r"^(\$pbkdf2|pbkdf2[_:$-])",
    "md5_hex": r"^[0-9a-fA-F]{32}$",
    "sha1_hex": r"^[0-9a-fA-F]{40}$",
    "sha256_hex": r"^[0-9a-fA-F]{64}$",
}
SLOW_HASH_FORMATS = ("bcrypt", "argon2", "scrypt", "pbkdf2")
FAST_HASH_FORMATS = ("md5_hex", "sha1_hex", "sha256_hex")
_PASSWORD_RES = {name: re.compile(pattern) for name, pattern in PASSWORD_FORMATS.items()}


def password_format(value: str) -> str:
    """The stored form of a password: a format name of `PASSWORD_FORMATS`, or `other`."""
    text = value.strip()
    return next((name for name, pattern in _PASSWORD_RES.items() if pattern.search(text)), "other")


# ---------------------------------------------------------------------------------------------------
# Ciphertext (ANCHORS §3 item 4)
# ---------------------------------------------------------------------------------------------------

_HEX = re.compile(r"(?:[0-9a-fA-F]{2}){8,}")
_B64 = re.compile(r"[A-Za-z0-9+/_-]{14,}={0,2}")
# `enc:v1:<base64>` style key-version prefixes in front of the payload.
_PREFIX = re.compile(r"^(?:[A-Za-z0-9_.-]{1,16}[:$|])+")


def _envelope(value: Any) -> tuple[str, bytes]:
    """(`binary` | `hex` | `base64` | `none`, payload bytes) of one stored value."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return "binary", bytes(value)
    text = str(value).strip()
    body = _PREFIX.sub("", text) if ":" in text or "$" in text or "|" in text else text
    if _HEX.fullmatch(body):
        return "hex", bytes.fromhex(body)
    if _B64.fullmatch(body):
        padded = body + "=" * (-len(body) % 4)
        try:
            decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if decoded:
            return "base64", decoded
    return "none", text.encode("utf-8")


def _entropy(counts: Counter[int], total: int) -> float:
    return -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0


def _expected_random_entropy(total: int) -> float:
    # Miller-Madow: a uniform byte source measured over `total` bytes reads about 255 / (2 N ln 2)
    # bits low, so a short sample of real ciphertext must not be judged weak for being short.
    return 8.0 - 255 / (2 * total * math.log(2)) if total else 0.0


_IDENTIFIERS = ("resident_id", "bank_card", "mobile", "email", "track")


def _plaintext_detector(text: str) -> str | None:
    """The identifier detector that `text` passes, else None."""
    return next(
        (n for n in ("resident_id", "bank_card", "mobile", "email", "track") if DETECTORS[n].validate(text)),
        None,
    )


def _decoded_plaintext(payload: bytes) -> str | None:
    """The detector that a decoded payload passes (encoded plaintext), else None."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip():
        return None
    found = _plaintext_detector(text)
    if found:
        return found
    if all(unicodedata.category(ch)[0] in "LNPSZ" for ch in text):
        return "printable"
    return None


def analyse_ciphertext(values: Sequence[Any], category: str | None) -> tuple[int, dict[str, Any]]:
    """Does a declared-encrypted column hold ciphertext? `(plaintext-looking values, details)`.

    Per value: the envelope (raw bytes, hex, base64 or none) and its payload; raw values that pass a
    detector, and base64/hex payloads that decode to an identifier, are plaintext. Over the sample:
    Shannon entropy of all payload bytes, duplicate rate (deterministic encryption or encoded
    plaintext repeats), payload length spread and block alignment. verdict: `plaintext` when at least
    half the values read as plaintext, `weak` for any plaintext, low entropy or repeats, else `strong`.
    """
    envelopes: Counter[str] = Counter()
    byte_counts: Counter[int] = Counter()
    lengths: list[int] = []
    seen: Counter[int] = Counter()
    raw_plaintext = 0
    base64_of_plaintext = 0
    printable_payloads = 0
    exemplar: str | None = None
    for value in values:
        text = as_text(value)
        # The raw value first: an 18-digit ID number is also a valid hex or base64 string.
        hit = (looks_plaintext(text, category) or _plaintext_detector(text)) if text is not None else None
        kind, payload = ("none", text.encode("utf-8")) if hit and text is not None else _envelope(value)
        envelopes[kind] += 1
        seen[hash(payload)] += 1  # identity of a payload, without keeping the value itself
        lengths.append(len(payload))
        byte_counts.update(payload)
        if kind == "none":
            raw_plaintext += 1  # no envelope at all: text stored as it is
            if hit and text is not None and exemplar is None:
                exemplar = mask(text, hit if hit in DETECTORS else None)
        else:
            decoded = _decoded_plaintext(payload)
            if decoded and decoded != "printable":
                base64_of_plaintext += 1
                if exemplar is None:
                    exemplar = f"{kind}({mask(payload.decode('utf-8'), decoded)})"
            elif decoded == "printable":
                printable_payloads += 1
    n = len(values)
    total_bytes = sum(lengths)
    entropy = _entropy(byte_counts, total_bytes)
    duplicates = n - len(seen)
    duplicate_rate = duplicates / n if n else 0.0
    plaintext = raw_plaintext + base64_of_plaintext + printable_payloads
    low_entropy = total_bytes > 0 and entropy < _expected_random_entropy(total_bytes) - 0.75
    if n and plaintext * 2 >= n:
        verdict = "plaintext"
    elif plaintext or low_entropy or duplicate_rate > 0.05:
        verdict = "weak"
    else:
        verdict = "strong"
    details: dict[str, Any] = {
        "envelopes": dict(sorted(envelopes.items())),
        "entropy_bits_per_byte": round(entropy, 3),
        "entropy_expected_if_random": round(max(0.0, _expected_random_entropy(total_bytes)), 3),
        "duplicate_rate": round(duplicate_rate, 4),
        "raw_plaintext": raw_plaintext,
        "base64_of_plaintext": base64_of_plaintext,
        "printable_payloads": printable_payloads,
        "length": {
            "min": min(lengths) if lengths else 0,
            "max": max(lengths) if lengths else 0,
            "distinct": len(set(lengths)),
            "block_aligned_rate": round(sum(1 for x in lengths if x and x % 16 == 0) / n, 4) if n else 0.0,
        },
        "verdict": verdict if n else "empty",
        "masked_exemplar": exemplar,
    }
    return plaintext, details


# ---------------------------------------------------------------------------------------------------
# Identifiers embedded in log text (RULES.md R41)
# ---------------------------------------------------------------------------------------------------

_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE_CANDIDATE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9])")
_PAN_CANDIDATE = re.compile(r"(?<![0-9])(?:\d[ -]?){12,18}\d(?![0-9])")
_TRACK_CANDIDATE = re.compile(r"(?:%B\d{12,19}\^[^^]{2,26}\^\d{7}\S*|;?\d{12,19}=\d{7,}\??)")
_EMAIL_CANDIDATE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}")
_SECRET_KV = re.compile(
    r"""(?i)(?<![A-Za-z])(password|passwd|pwd|pass|pin|cvv2?|cvc2?|cvn2?|otp|sms_?code)["']?\s*[=:]\s*["']?[^\s&,;"'}]+"""
)

#: kind -> (candidate regex, validator). Each kind counts at most once per value.
_LOG_KINDS = {
    "resident_id": (_ID_CANDIDATE, detectors.is_resident_id),
    "bank_card": (_PAN_CANDIDATE, detectors.is_bank_card),
    "track": (_TRACK_CANDIDATE, detectors.is_track_data),
    "mobile": (_MOBILE_CANDIDATE, detectors.is_mobile),
    "email": (_EMAIL_CANDIDATE, detectors.is_email),
}


def log_hits(value: str) -> dict[str, str]:
    """Kinds of identifiers embedded in one log value, each with a masked exemplar of its first hit.

    A PAN found inside track data counts as track, and a mobile found inside an ID number or a PAN
    does not count as a mobile: a value yields each span to one kind only.
    """
    found: dict[str, str] = {}
    taken: list[tuple[int, int]] = []
    secret = _SECRET_KV.search(value)
    if secret:
        # The key alone: even a masked password or CVV gives away its length and ends.
        found["secret_kv"] = f"{secret.group(1).lower()}=***"
        taken.append(secret.span())
    for kind in ("track", "resident_id", "bank_card", "mobile", "email"):
        pattern, validate = _LOG_KINDS[kind]
        for match in pattern.finditer(value):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if validate(match.group(0)):
                taken.append((start, end))
                if kind not in found:
                    found[kind] = mask(match.group(0), kind if kind != "track" else None)
    return found


def summarise_log_hits(per_value: Iterable[dict[str, str]]) -> tuple[int, dict[str, int], dict[str, str]]:
    """(values with any hit, values per kind, one masked exemplar per kind)."""
    matched = 0
    kinds: Counter[str] = Counter()
    exemplars: dict[str, str] = {}
    for hits in per_value:
        if hits:
            matched += 1
        for kind, exemplar in hits.items():
            kinds[kind] += 1
            exemplars.setdefault(kind, exemplar)
    return matched, dict(sorted(kinds.items())), dict(sorted(exemplars.items()))
