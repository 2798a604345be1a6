"""Configuration discovery and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaudit.config import find_config, load_config
from plaudit.errors import ConfigError


def test_plaudit_yaml_found_upward_and_paths_resolved(tmp_path: Path) -> None:
    (tmp_path / "plaudit.yaml").write_text(
        "catalog: cat/\nfail_level: medium\npolicy: {min_confidence: 0.7}\n"
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "plaudit.yaml"
    config = load_config(tmp_path / "plaudit.yaml")
    assert config.catalog == [str((tmp_path / "cat").resolve())]
    assert config.fail_level == "medium"
    assert config.params == {"min_confidence": 0.7}


def test_pyproject_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.plaudit]\ndialect = "mysql"\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(tmp_path / "pyproject.toml").dialect == "mysql"


def test_pyproject_without_section_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n')
    assert find_config(tmp_path) is None or find_config(tmp_path) != tmp_path / "pyproject.toml"


def test_unknown_field_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plaudit.yaml"
    path.write_text("catalog: c/\nfail_lvl: high\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line is None or info.value.line >= 1
    assert "fail_lvl" in str(info.value)
    assert info.value.hint and "fail_level" in info.value.hint


def test_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "plaudit.yaml"
    path.write_text("fail_level: severe\n")
    with pytest.raises(ConfigError, match="fail_level"):
        load_config(path)


def test_targets_expand_environment_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LENDING_DB_PASSWORD", "from-the-environment")
    path = tmp_path / "plaudit.yaml"
    path.write_text(
        "targets:\n"
        "  - {name: lending, include: [public.*],\n"
        "     url: 'postgresql://auditor:${LENDING_DB_PASSWORD}@db/lending'}\n"
        "  - {url: 'sqlite:///app.db', catalog: cat/}\n"
        "sample: 200\n"
    )
    config = load_config(path)
    assert [t.name for t in config.targets] == ["lending", ""]
    assert config.targets[0].url == "postgresql://auditor:from-the-environment@db/lending"
    assert config.targets[0].include == ["public.*"]
    assert config.targets[1].catalog == [str((tmp_path / "cat").resolve())]
    assert config.sample == 200


def test_target_without_url_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plaudit.yaml"
    path.write_text("targets:\n  - {name: x}\n")
    with pytest.raises(ConfigError, match="'url' is a required property"):
        load_config(path)


def test_policy_section_parameters_selection_and_levels(tmp_path: Path) -> None:
    path = tmp_path / "plaudit.yaml"
    path.write_text(
        "policy:\n"
        "  min_confidence: 0.7\n"  # a parameter written the way it was before `params:` existed
        "  params: {mask_functions: [corp_mask]}\n"
        "  rules: ['PCI*,JRT0171-*', unmasked_exposure]\n"
        "  skip_rules: PCI341-PAN-MASK-WIDTH\n"
        "  severity: {DSL21-CLASSIFY-COVERAGE: low}\n"
        "  fail_level:\n"
        "    retention_undeclared: critical\n"
        "  overrides:\n"
        "    - paths: [legacy/*.sql]\n"
        "      datasets: lending\n"
        "      skip_rules: [unencrypted_sensitive]\n"
        "      severity: {PCI*: medium}\n"
    )
    config = load_config(path)
    assert config.params == {"min_confidence": 0.7, "mask_functions": ["corp_mask"]}
    assert [(p.text, p.line) for p in config.rules] == [
        ("PCI*", 4),
        ("JRT0171-*", 4),
        ("unmasked_exposure", 4),
    ]
    assert [(p.text, p.origin, p.path) for p in config.skip_rules] == [
        ("PCI341-PAN-MASK-WIDTH", "policy.skip_rules", str(path))
    ]
    assert [(p.text, level, p.line) for p, level in config.severity] == [
        ("DSL21-CLASSIFY-COVERAGE", "low", 6)
    ]
    assert [(p.text, level, p.line) for p, level in config.rule_fail_levels] == [
        ("retention_undeclared", "critical", 8)
    ]
    (override,) = config.overrides
    assert override.paths == ("legacy/*.sql",) and override.datasets == ("lending",)
    assert [p.text for p in override.skip_rules] == ["unencrypted_sensitive"]
    assert [(p.text, level, p.line) for p, level in override.severity] == [("PCI*", "medium", 13)]
    assert override.origin == f"{path}:10"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("policy:\n  severity:\n    PCI*: severe\n", 3, "policy.severity.PCI*"),
        ("policy:\n  fail_level: high\n", 2, "policy.fail_level"),
        ("policy:\n  overrides:\n    - paths: [a.sql]\n      skip: [X]\n", 3, "policy.overrides.0"),
        ("policy:\n  overrides:\n    - skip_rules: [X]\n", 3, "says nothing about which violations"),
        ("policy:\n  overrides:\n    - paths: [a.sql]\n", 3, "does nothing"),
    ],
)
def test_policy_section_errors_name_the_line(tmp_path: Path, text: str, line: int, expected: str) -> None:
    path = tmp_path / "plaudit.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == line
    assert expected in str(info.value)


def test_policy_section_in_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.plaudit.policy]\nskip_rules = ["PCI*"]\nmin_confidence = 0.8\n'
        '[tool.plaudit.policy.severity]\n"DSL21-CLASSIFY-COVERAGE" = "low"\n'
    )
    config = load_config(path)
    assert [p.text for p in config.skip_rules] == ["PCI*"]
    assert config.params == {"min_confidence": 0.8}
    assert [(p.text, level) for p, level in config.severity] == [("DSL21-CLASSIFY-COVERAGE", "low")]
