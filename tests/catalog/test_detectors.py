"""Value detectors: the YAML cases, the statistics and the masking guarantees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.catalog.detectors import DETECTORS, Detector, detect, mask
from plaudit.catalog.taxonomy import builtin_taxonomy

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "detectors.yaml").read_text("utf-8"))


def _detector_cases() -> list[Any]:
    params = []
    for name, groups in CASES["detectors"].items():
        for expected, key in ((True, "valid"), (False, "invalid")):
            for case in groups.get(key, []):
                params.append(pytest.param(name, case, expected, id=f"{name}-{key}-{case['note'][:40]}"))
    return params


@pytest.mark.parametrize(("name", "case", "expected"), _detector_cases())
def test_detector_case(name: str, case: dict[str, Any], expected: bool) -> None:
    detector = DETECTORS[name]
    assert detector.validate(case["value"]) is expected, case["note"]
    stats = detect([case["value"]], [name])[name]
    assert stats.matched == (1 if expected else 0)
    if "label" in case:
        assert dict(stats.details) == {case["label"]: 1}


def test_every_detector_has_valid_and_invalid_cases() -> None:
    for name in DETECTORS:
        assert CASES["detectors"][name]["valid"], name
        assert CASES["detectors"][name]["invalid"], name


def test_categories_are_taxonomy_keys() -> None:
    taxonomy = builtin_taxonomy()
    for detector in DETECTORS.values():
        assert detector.category is None or detector.category in taxonomy, detector.name
    assert DETECTORS["uscc"].category is None  # an organisation's code is not personal information
    assert DETECTORS["passport"].context_only and DETECTORS["resident_id_legacy"].context_only


@pytest.mark.parametrize("case", CASES["mask"], ids=lambda c: f"{c.get('kind')}-{c['expected']}")
def test_mask_case(case: dict[str, Any]) -> None:
    assert mask(case["value"], case.get("kind")) == case["expected"]


def test_detect_counts_rates_and_never_values() -> None:
    sample = ["13812345678", "+86 139 1234 5678", "not a phone", "", None, "   ", "6212345678901232"]
    stats = detect(iter(sample))  # a generator is read once
    assert stats["mobile"].checked == 4  # empty, blank and NULL values are not checked
    assert stats["mobile"].matched == 2
    assert stats["mobile"].rate == pytest.approx(0.5)
    assert stats["bank_card"].details == {"unionpay": 1}
    assert set(stats) == set(DETECTORS)
    rendered = repr({k: v.to_json() for k, v in stats.items()})
    for value in sample:
        if value and value.strip():
            assert value not in rendered


def test_detect_empty_sample_has_zero_rate() -> None:
    assert detect([])["email"].rate == 0.0


def test_detect_named_subset() -> None:
    assert set(detect(["a@example.com"], ["email", "ip"])) == {"email", "ip"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_no_detector_raises_on_arbitrary_text(text: str) -> None:
    detector: Detector
    for detector in DETECTORS.values():
        assert isinstance(detector.validate(text), bool)
        if detector.label is not None:
            detector.label(text)
    detect([text])


# Values shaped like the real thing, so that masking also runs its kind-specific branches.
_shaped = st.one_of(
    st.text(min_size=4, max_size=40),
    st.from_regex(r"\A[1-9]\d{16}[\dX]\Z"),
    st.from_regex(r"\A62\d{14,17}\Z"),
    st.from_regex(r"\A1[3-9]\d{9}\Z"),
    st.from_regex(r"\A[a-z*]{1,8}@[a-z]{1,8}\.com\Z"),
    st.from_regex(r"\A\*+\Z"),
)


@settings(max_examples=400, deadline=None)
@given(_shaped, st.sampled_from([None, *DETECTORS, "identity.national_id", "contact.phone", "other"]))
def test_mask_never_returns_input_unchanged(value: str, kind: str | None) -> None:
    if len(value) < 4:
        return
    out = mask(value, kind)
    assert out != value
    assert out != value.strip() or not value.strip()
