"""plaudit: compliance policy-as-code and data-lifecycle auditor for personal (financial) information."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("plaudit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
