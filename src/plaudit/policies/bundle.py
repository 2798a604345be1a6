"""`plaudit policy bundle`: the policy pack as an Open Policy Agent bundle (`.tar.gz`).

An OPA server started with it (`opa run --server --bundle plaudit.tar.gz`, or served from a bundle
service) answers `data.plaudit.main.violations` exactly as the in-process engine does, so plaudit can
evaluate there with `--opa-url` in bundle mode. The archive holds:

- `.manifest`: `revision` = the policy digest (the report's `run.policy_digest`), `roots` = the
  top-level packages the bundle owns (`plaudit`, plus those of user libraries outside it);
- every production `.rego` file, built-in (`builtin/...`) and user (`user/...`); tests stay out;
- `plaudit/data.json`: `{"metadata": ..., "params": ...}`. OPA mounts a `data.json` at the data path
  of its folder, so this becomes `data.plaudit.metadata` (what the router reads, since the METADATA is
  parsed by plaudit) and `data.plaudit.params`.

The archive is reproducible: the same policies and parameters give the same bytes.

    >>> write_bundle(load_policies(), {"min_confidence": 0.7}, Path("plaudit.tar.gz"))
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from plaudit.errors import ConfigError
from plaudit.policies.engine import PolicySet

__all__ = ["DATA_PATH", "bundle_roots", "write_bundle"]

#: Where the bundle's data document sits in the archive (its folder is its data path).
DATA_PATH = "plaudit/data.json"


def write_bundle(policies: PolicySet, params: dict[str, Any] | None, out_path: Path) -> Path:
    """Write `policies` and `params` as an OPA bundle at `out_path`; return the path written.

    Raises `ConfigError` when `out_path` cannot be written or `params` are not JSON.
    """
    out_path = Path(out_path)
    members: dict[str, bytes] = {}
    manifest = {"revision": policies.digest, "roots": bundle_roots(policies)}
    members[".manifest"] = _json(manifest)
    for f in sorted(policies.files, key=lambda f: f.name):
        members[_member_name(f.name, members)] = f.text.encode("utf-8")
    try:
        data = _json({"metadata": policies.metadata, "params": params or {}})
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"policy parameters cannot be written as JSON: {exc}", hint="check `policy:` in plaudit.yaml"
        ) from None
    members[DATA_PATH] = data

    buffer = io.BytesIO()
    # mtime 0 in the gzip header and in every member: the bytes depend only on the content.
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as tar,
    ):
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(payload))
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(buffer.getvalue())
    except OSError as exc:
        raise ConfigError(f"cannot write the bundle: {exc.strerror or exc}", path=str(out_path)) from None
    return out_path


def bundle_roots(policies: PolicySet) -> list[str]:
    """The bundle's roots: `plaudit` and the first segment of every other package it carries.

    OPA refuses a bundle whose packages or data lie outside its roots, and while the bundle is active
    it refuses writes under them, so the roots are exactly what the bundle defines.
    """
    roots = {"plaudit"}
    for f in policies.files:
        roots.add(f.package.split(".", 1)[0])
    return sorted(roots)


def _member_name(name: str, taken: dict[str, bytes]) -> str:
    pure = PurePosixPath(name)
    candidate, n = name, 1
    while candidate in taken:
        # Two --policies folders may each hold e.g. `rules.rego`; OPA needs distinct file names.
        n += 1
        candidate = str(PurePosixPath(pure.parts[0] + f"-{n}", *pure.parts[1:]))
    return candidate


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
