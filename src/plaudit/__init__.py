"""plaudit: compliance policy-as-code and data-lifecycle auditor for personal (financial) information."""

# The one place the version is written: pyproject.toml reads it from here (`[tool.setuptools.dynamic]`).
# A literal rather than importlib.metadata, which costs every command a twentieth of a second at start-up.
__version__ = "0.1.0"
