"""The pre-merge check (SPEC §1, §2): only the violations a branch introduces since its base.

The base is `git merge-base REF HEAD`; the head is the working tree. The SQL files under the given
paths are replayed in version order into one schema model at each end, both are judged by the same
policies, and a head violation is *new* when its fingerprint (rule + resource, blind to line moves) is
absent at the base. Base violations gone at the head are listed as `fixed`.

Speed (a pull request must be checked in well under a second) comes from a cache under
`.plaudit/cache/`, never from skipping work that could change the answer:

* model snapshots: the model after replaying files 1..k depends only on their names and contents, in
  order, so it is stored under a chained hash of `(name, git blob id)` and the longest cached prefix
  is loaded (a pickle of a 220-table model loads in ~6 ms) and only the files after it are replayed.
  A pull request that adds migrations replays just those. Caching parsed sqlglot trees per statement
  was measured and rejected: unpickling them (0.18 s on the fineract corpus) is slower than parsing
  them again (0.15 s).
* classifications per table (keyed by the table's names, types and comments), which spares loading
  the classifier's dictionaries (~0.5 s) when no table changed in a way that matters to it;
* the base's violations, keyed by the base model, catalog, policies and parameters: a base commit
  never changes, so it is judged once.

Every key includes the plaudit version and a stamp of the scanner and classifier sources, so a new
plaudit (or a local edit) never reads stale results. The cache is skipped when git tracks files
under it: it holds pickles, and a pull request must not be able to plant one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from plaudit import __version__
from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import Catalog, load_catalog
from plaudit.errors import CatalogError, ConfigError
from plaudit.model import Classification, ScanError, SchemaModel, Severity, Table
from plaudit.pipeline import Options, audit, utcnow
from plaudit.policies.engine import PolicySet
from plaudit.scanners.sqlsplit import (
    _is_skipped,
    _is_versioned,
    _natural,
    collect_sql_files,
    decode_sql,
    version_key,
)
from plaudit.scanners.suppressions import collect_files

__all__ = ["DEFAULT_BASES", "run_check"]

#: Tried in this order when no `--base` is given.
DEFAULT_BASES = ("main", "master", "origin/main", "origin/master")
CACHE_DIR = Path(".plaudit") / "cache"
_CACHE_FORMAT = "check-1"
_MAX_SNAPSHOTS = 16  # enough for a few bases and heads; each is a few hundred KB for a large schema
_MAX_BASE_REPORTS = 64
_MAX_MEMO = 200_000  # classified tables kept before the memo starts again
_CATALOG_SUFFIXES = (".yaml", ".yml")
_FETCH_HINT = "fetch the full history (actions/checkout with `fetch-depth: 0`) or pass --base REF"

Prepared = tuple[Catalog, PolicySet, Classifier]


def run_check(
    paths: Sequence[str],
    *,
    base: str | None,
    repo: Path,
    options: Options,
    prepared: Prepared,
    dialect: str | None,
) -> dict[str, Any]:
    """Judge the working tree against the merge base of `base` (default: main / master) and HEAD.

    `paths` are SQL files or folders as the user typed them, relative to `repo` (the current
    directory); none means the whole repository. Returns the JSON report (SPEC §6) with `run.mode`
    "check", only the new violations, and the extension keys `base`, `changed` and `fixed`.
    Raises `ConfigError` when git is missing, `repo` is not in a repository or the ref is unknown.
    """
    started = utcnow()
    repo = Path(repo)
    git = _Git(repo)
    top = git.toplevel()
    git.cwd = top  # every path below is relative to the repository root
    ref, commit = git.resolve_base(base)
    raw_paths = list(paths) or [os.path.relpath(top, repo)]
    rel_paths = [_repo_relative(p, repo, top) for p in raw_paths]
    catalog_rels = _catalog_rel_paths(options, repo, top)
    cache = _Cache.open(top, git)

    changed_rel = _changed_files(git, commit, rel_paths, catalog_rels)
    # Named like the report's locations: relative to where the command runs, as `scan sql` names files.
    changed = [_shown(top / name, repo) for name in changed_rel]

    head_files, head_errors, head_data = _head_files(raw_paths, repo)
    head_model, head_key = _replay(head_files, lambda todo: head_data, dialect, cache, head_errors)
    base_files = _base_files(git, commit, raw_paths, rel_paths)
    base_key = _chain(dialect, base_files)[-1]
    base_catalog = _base_catalog(git, commit, options, top, changed_rel, catalog_rels, prepared[0])

    target = f"{' '.join(raw_paths)} since {ref} ({commit[:12]})"
    # Inline suppressions are read from the working tree and judge the head only: the base is judged
    # as committed, without them or the baseline, so its cached judgement never depends on them.
    suppressions = collect_files(((name, head_data[i]) for i, (name, _) in enumerate(head_files)), dialect)
    head_options = dataclasses.replace(options, suppressions=suppressions)
    options = dataclasses.replace(options, suppressions=None, baseline=None)
    if base_key == head_key and base_catalog is prepared[0]:
        # Nothing the policies read differs: the base is judged exactly like the head.
        base_violations: list[dict[str, Any]] | None = None
        base_columns = head_model.column_keys()
    else:
        base_violations, base_columns = _base_violations(
            git, base_files, base_key, base_catalog, dialect, options, prepared, cache, target
        )
    # Columns the base lacks are the change's: GDPR25-SHIFT-LEFT-MIGRATION asks for their catalog entry.
    head_model.added_columns = frozenset(head_model.column_keys() - base_columns)
    head_report = audit(
        head_model,
        mode="check",
        target=target,
        options=head_options,
        prepared=_remembering(prepared, cache),
        started=started,
    )
    if base_violations is None:
        base_violations = [_brief(v) for v in head_report["violations"]]
    cache.save()
    unchanged = {name for name, _ in head_files} - set(changed)
    return _check_report(
        head_report, base_violations, ref=ref, commit=commit, changed=changed, unchanged=unchanged
    )


def _shown(path: Path, cwd: Path) -> str:
    return os.path.relpath(path, cwd)


# ------------------------------------------------------------------------------------------------ git


class _Git:
    """The few git commands the check needs, with failures turned into one actionable line."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        try:
            done = subprocess.run(["git", *args], cwd=self.cwd, input=input, capture_output=True, check=False)
        except FileNotFoundError:
            raise ConfigError(
                "git is not installed or not on PATH",
                hint="install git, or use `plaudit scan sql` to scan files without a base to compare with",
            ) from None
        except NotADirectoryError:
            raise ConfigError("not a folder", path=str(self.cwd)) from None
        if check and done.returncode != 0:
            raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
        return done.stdout

    def toplevel(self) -> Path:
        try:
            out = self.run("rev-parse", "--show-toplevel")
        except _GitFailed:
            raise ConfigError(
                "not inside a git repository",
                path=str(self.cwd),
                hint="run `plaudit check` in a clone, or use `plaudit scan sql` for files outside git",
            ) from None
        return Path(out.decode().strip())

    def resolve_base(self, ref: str | None) -> tuple[str, str]:
        """(the ref used, the merge-base commit of it and HEAD)."""
        if not self._is_commit("HEAD"):
            raise ConfigError("the repository has no commit yet", hint="commit the base first")
        if ref is None:
            found = next((r for r in DEFAULT_BASES if self._is_commit(r)), None)
            if found is None:
                raise ConfigError(
                    "no main or master branch to compare with",
                    hint="pass --base REF (e.g. --base origin/develop); " + _FETCH_HINT,
                )
            ref = found
        elif not self._is_commit(ref):
            raise ConfigError(f"unknown git ref {ref!r}", hint=_FETCH_HINT)
        try:
            commit = self.run("merge-base", ref, "HEAD").decode().strip()
        except _GitFailed:
            raise ConfigError(f"{ref} and HEAD have no common ancestor", hint=_FETCH_HINT) from None
        return ref, commit

    def _is_commit(self, ref: str) -> bool:
        # `--end-of-options` keeps a ref that starts with "-" from being read as an option.
        done = self.run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}", check=False
        )
        return bool(done.strip())

    def ls_tree(self, commit: str, rel_paths: Sequence[str]) -> dict[str, str]:
        """{repository path: blob id} of the files under `rel_paths` at `commit`."""
        specs = [p for p in rel_paths if p] or ["."]
        if "" in rel_paths:
            specs = ["."]
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs)
        files: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, blob = meta.split()
            if kind == b"blob" and mode != b"120000":  # symbolic links are not read as SQL either
                files[name.decode("utf-8", "surrogateescape")] = blob.decode()
        return files

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs in one `git cat-file --batch` call."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(i + "\n" for i in wanted).encode())
        found: dict[str, bytes] = {}
        pos = 0
        for blob in wanted:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split()
            size = int(header[2])
            found[blob] = out[eol + 1 : eol + 1 + size]
            pos = eol + 1 + size + 1
        return found


class _GitFailed(Exception):
    pass


def _repo_relative(raw: str, cwd: Path, top: Path) -> str:
    """`raw` as a POSIX path relative to the repository root ("" for the root itself)."""
    path = (cwd / raw).resolve()
    try:
        rel = path.relative_to(top.resolve())
    except ValueError:
        raise ConfigError(
            "path is outside the git repository", path=raw, hint="check paths inside the clone only"
        ) from None
    return "" if rel == Path(".") else rel.as_posix()


def _under(name: str, roots: Sequence[str]) -> bool:
    return any(not r or name == r or name.startswith(r + "/") for r in roots)


def _is_sql_name(name: str) -> bool:
    base = PurePosixPath(name).name
    if base.startswith(".") or _is_skipped(base):
        return False
    return base.lower().endswith(".sql") or ("." not in base and _is_versioned(base))


def _catalog_rel_paths(options: Options, cwd: Path, top: Path) -> list[str]:
    rels = []
    for raw in options.catalog:
        try:
            rels.append(_repo_relative(str(raw), cwd, top))
        except ConfigError:
            continue  # a catalog outside the repository is the same at both ends
    return rels


def _changed_files(git: _Git, commit: str, rel_paths: list[str], catalog_rels: list[str]) -> list[str]:
    """SQL and catalog files that differ between the base and the working tree, untracked ones too."""
    diff = git.run("diff", "--name-only", "-z", "--no-renames", commit, "--", ":/")
    specs = [":/" + p if p else ":/" for p in rel_paths]
    untracked = git.run("ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", *specs)
    names = {n.decode("utf-8", "surrogateescape") for n in (diff + b"\0" + untracked).split(b"\0") if n}
    out = []
    for name in sorted(names):
        is_sql = _under(name, rel_paths) and _is_sql_name(name)
        if is_sql or (_under(name, catalog_rels) and name.lower().endswith(_CATALOG_SUFFIXES)):
            out.append(name)
    return out


# --------------------------------------------------------------------------------------------- models


def _blob_id(data: bytes) -> str:
    """Git's id of these bytes, so a file unchanged since the base has the same key at both ends."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _chain(dialect: str | None, files: Sequence[tuple[str, str]]) -> list[str]:
    """Key of the model after each prefix of `files` ((name, blob id) in replay order); [0] is empty."""
    h = hashlib.sha256(f"{_CACHE_FORMAT}\0{_stamp()}\0{dialect}".encode()).hexdigest()
    keys = [h]
    for name, blob in files:
        h = hashlib.sha256(f"{h}\0{name}\0{blob}".encode()).hexdigest()
        keys.append(h)
    return keys


def _replay(
    files: Sequence[tuple[str, str]],
    read: Callable[[list[int]], dict[int, bytes]],
    dialect: str | None,
    cache: _Cache,
    preamble: Sequence[ScanError] = (),
) -> tuple[SchemaModel, str]:
    """The model of `files` replayed in order, from the longest cached prefix; and its key.

    `read(indexes)` returns the bytes of those files: only the files after the cached prefix are read.
    """
    keys = _chain(dialect, files)
    start, model = cache.snapshot(keys)
    if model is None:
        start, model = 0, SchemaModel()
    todo = list(range(start, len(files)))
    contents = read(todo) if todo else {}
    if todo:
        # Imported only when a file must be replayed: the SQL parser is a tenth of a second to import,
        # a warm check with nothing to replay does without it.
        from plaudit.scanners.sql import scan_text
    for i in todo:
        name = files[i][0]
        # What `scan_paths` does with each file, so that both commands build the same model.
        text, problem = decode_sql(contents[i])
        if text is None:
            model.errors.append(ScanError(name, problem or "unreadable file"))
            continue
        if problem:
            model.errors.append(ScanError(name, problem))
        scan_text(text, name, dialect, model)
    if todo:
        cache.store_snapshot(keys[-1], model)
    if preamble:  # errors about the paths themselves are not part of the replay (nor of the snapshot)
        model = dataclasses.replace(model, errors=[*preamble, *model.errors])
    return model, keys[-1]


def _head_files(
    raw_paths: list[str], cwd: Path
) -> tuple[list[tuple[str, str]], list[ScanError], dict[int, bytes]]:
    """The working tree's SQL files as (name, blob id) in replay order, path errors, and their bytes.

    Names are what `scan sql` run from `cwd` would print, so that locations agree between the two.
    """
    files: list[tuple[str, str]] = []
    errors: list[ScanError] = []
    data: dict[int, bytes] = {}
    absolute = [p if Path(p).is_absolute() else str(cwd / p) for p in raw_paths]
    for raw, given in zip(raw_paths, absolute, strict=True):
        if not Path(given).exists():
            errors.append(ScanError(raw, "no such file or directory"))
    for path in collect_sql_files(absolute)[0]:  # what `scanners.sql.iter_sql_files` returns
        name = str(path) if Path(raw_paths[0]).is_absolute() else _shown(path, cwd)
        try:
            blob = path.read_bytes()
        except OSError as err:
            errors.append(ScanError(name, f"cannot read file: {err.strerror or err}"))
            continue
        data[len(files)] = blob
        files.append((name, _blob_id(blob)))
    return files, errors, data


def _base_files(git: _Git, commit: str, raw_paths: list[str], rel_paths: list[str]) -> list[tuple[str, str]]:
    """The base's SQL files as (name, blob id), in the order and with the names `scan sql` would use.

    Mirrors `sqlsplit.collect_sql_files` on the committed tree: a folder is walked recursively and
    sorted by (sub-folder, version), hidden folders skipped; a run of versioned file arguments is
    sorted by (folder, version); other files keep their order.
    """
    tree = git.ls_tree(commit, rel_paths)
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if run and all(_is_versioned(Path(n).name) for n, _ in run):
            run.sort(key=lambda nb: (_natural(str(Path(nb[0]).parent)), version_key(Path(nb[0]).name)))
        out.extend(run)
        run.clear()

    for raw, rel in zip(raw_paths, rel_paths, strict=True):
        if rel in tree:  # a file argument is read whatever its name, as on disk
            run.append((str(Path(raw)), tree[rel]))
            continue
        flush()
        prefix = rel + "/" if rel else ""
        found: list[tuple[tuple[object, ...], tuple[str, ...], str]] = []
        extensionless: list[tuple[tuple[str, ...], str]] = []
        for name, blob in tree.items():
            if not name.startswith(prefix) or not _is_sql_name(name):
                continue
            parts = PurePosixPath(name[len(prefix) :]).parts
            if any(p.startswith(".") for p in parts[:-1]):
                continue
            if parts[-1].lower().endswith(".sql"):
                found.append((_walk_key(parts), parts, blob))
            else:
                extensionless.append((parts, blob))
        if extensionless:  # kept only when they look like SQL, as on disk
            heads = git.blobs(b for _, b in extensionless)
            found.extend((_walk_key(parts), parts, blob) for parts, blob in extensionless
                         if _looks_like_sql(heads[blob][:4096]))  # fmt: skip
        found.sort(key=lambda kpb: kpb[0])
        out.extend((str(Path(raw, *parts)), blob) for _, parts, blob in found)
    flush()
    return out


def _walk_key(parts: tuple[str, ...]) -> tuple[object, ...]:
    return (tuple(_natural(p) for p in parts[:-1]), version_key(parts[-1]))


def _looks_like_sql(head: bytes) -> bool:
    return b"\0" not in head and bool(_SQLISH.search(head.decode("latin-1")))


_SQLISH = re.compile(r"\b(?:CREATE|ALTER|INSERT|UPDATE|DELETE|DROP|GRANT|SELECT|SET)\b", re.I)


# -------------------------------------------------------------------------------------------- catalog


def _base_catalog(
    git: _Git,
    commit: str,
    options: Options,
    top: Path,
    changed: list[str],
    rels: list[str],
    head: Catalog,
) -> Catalog:
    """The catalog as the base had it; the head's own object when no catalog file changed."""
    if not any(_under(n, rels) and n.lower().endswith(_CATALOG_SUFFIXES) for n in changed):
        return head
    tree = git.ls_tree(commit, rels)
    wanted = {n: b for n, b in tree.items() if n.lower().endswith(_CATALOG_SUFFIXES)}
    if not wanted:
        return Catalog()
    blobs = git.blobs(wanted.values())
    # The loader reads files; the base's live in git objects, so they are written out for it.
    folder = Path(tempfile.mkdtemp(prefix="plaudit-base-catalog-"))
    try:
        for name, blob in wanted.items():
            dest = folder / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(blobs[blob])
        roots = tuple(str(folder / r) if r else str(folder) for r in rels if (folder / r).exists())
        try:
            return load_catalog(roots) if roots else Catalog()
        except CatalogError as err:
            raise ConfigError(
                f"the catalog at the base commit {commit[:12]} is invalid: {err.message}",
                hint="fix it on the base branch, or pass --base a commit whose catalog is valid",
            ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------ judgement

_BRIEF_KEYS = ("rule", "kind", "severity", "resource", "location", "fingerprint", "waived")


def _brief(v: dict[str, Any]) -> dict[str, Any]:
    return {k: v.get(k) for k in _BRIEF_KEYS}


def _base_violations(
    git: _Git,
    files: list[tuple[str, str]],
    key: str,
    catalog: Catalog,
    dialect: str | None,
    options: Options,
    prepared: Prepared,
    cache: _Cache,
    target: str,
) -> tuple[list[dict[str, Any]], set[tuple[str, str, str]]]:
    """The base's violations and column keys, judged once per base model, catalog, policies and
    parameters."""
    _, policies, classifier = prepared
    judged = [
        key,
        catalog.digest,
        policies.digest,
        options.params,
        options.threshold,
        options.policy_key(),
        _stamp(),
    ]
    judged_key = hashlib.sha256(json.dumps(judged, sort_keys=True, default=str).encode()).hexdigest()
    cached = cache.base_report(judged_key)
    if cached is not None:
        return cached

    def read(todo: list[int]) -> dict[int, bytes]:
        blobs = git.blobs(files[i][1] for i in todo)
        return {i: blobs[files[i][1]] for i in todo}

    model, _ = _replay(files, read, dialect, cache)
    if catalog is not prepared[0]:
        classifier = Classifier(taxonomy_keys=catalog.taxonomy.keys(), threshold=options.threshold)
    base_prepared = _remembering((catalog, policies, classifier), cache)
    report = audit(model, mode="check", target=target, options=options, prepared=base_prepared)
    found = [_brief(v) for v in report["violations"]]
    columns = model.column_keys()
    cache.store_base_report(judged_key, found, columns)
    return found, columns


def _check_report(
    head: dict[str, Any],
    base: list[dict[str, Any]],
    *,
    ref: str,
    commit: str,
    changed: list[str],
    unchanged: set[str],
) -> dict[str, Any]:
    before = {v["fingerprint"]: bool(v.get("waived")) for v in base}
    after = {v["fingerprint"] for v in head["violations"]}
    # New: absent at the base, or waived there and no longer (the branch removed or narrowed the waiver).
    new = [
        v
        for v in head["violations"]
        if v["fingerprint"] not in before or (before[v["fingerprint"]] and not v.get("waived"))
    ]
    counts = {s.value: 0 for s in Severity}
    for v in new:
        if not v.get("waived"):
            counts[v["severity"]] += 1
    report = dict(head)
    report["violations"] = new
    # Problems in files the branch did not touch were there before it, like the base's violations.
    report["errors"] = [e for e in head["errors"] if e.get("path") not in unchanged]
    report["summary"] = {
        **head["summary"],
        "violations": counts,
        "waived": sum(1 for v in new if v.get("waived")),
    }
    # Extensions of SPEC §6 for the pre-merge check.
    report["base"] = {"ref": ref, "commit": commit}
    report["changed"] = changed
    report["fixed"] = [v for v in base if v["fingerprint"] not in after]
    return report


# -------------------------------------------------------------------------------------- classifier


class _RememberingClassifier(Classifier):
    """A classifier that answers from the cache for tables it has seen with the same names, types
    and comments (classification reads nothing else), and loads its dictionaries only on a miss."""

    def __init__(self, inner: Classifier, memo: dict[str, dict[str, Classification]]) -> None:
        super().__init__(taxonomy_keys=inner.allowed, threshold=inner.threshold)
        self._inner = inner
        self._memo = memo
        self.added = 0

    def classify_table(self, table: Table) -> dict[str, Classification]:
        key = _table_key(table, self.allowed, self.threshold)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._inner.classify_table(table)
            self.added += 1
        return hit


def _table_key(table: Table, allowed: frozenset[str], threshold: float) -> str:
    shape = (
        sorted(allowed),
        threshold,
        table.schema,
        table.name,
        table.kind,
        table.comment,
        table.view_sql,
        [(k, c.name, c.type, c.comment, c.nullable) for k, c in table.columns.items()],
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()


def _remembering(prepared: Prepared, cache: _Cache) -> Prepared:
    catalog, policies, classifier = prepared
    if not cache.enabled:
        return prepared
    return catalog, policies, _RememberingClassifier(classifier, cache.memo())


# ------------------------------------------------------------------------------------------- cache

_STAMP: str | None = None


def _stamp() -> str:
    """The plaudit version plus the size and mtime of the sources whose output the cache holds."""
    global _STAMP
    if _STAMP is None:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256(__version__.encode())
        for folder in ("scanners", "catalog", "catalog/terms"):
            for path in sorted((here / folder).iterdir()):
                if path.suffix in (".py", ".yaml"):
                    st = path.stat()
                    h.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}\0".encode())
        for name in ("model.py", "facts.py", "pipeline.py", "check.py"):
            st = (here / name).stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}\0".encode())
        _STAMP = h.hexdigest()[:16]
    return _STAMP


class _Cache:
    """`.plaudit/cache/`: model snapshots, classifications, base judgements. Losing it costs time only."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._snapshots: set[str] = set()
        self._memo: dict[str, dict[str, Classification]] | None = None
        self._memo_size = 0
        if root is not None:
            with _ignored():
                self._snapshots = {p.stem for p in (root / "models").glob("*.pickle")}

    @property
    def enabled(self) -> bool:
        return self.root is not None

    @classmethod
    def open(cls, top: Path, git: _Git) -> _Cache:
        if os.environ.get("PLAUDIT_NO_CACHE"):
            return cls(None)
        root = top / CACHE_DIR / _CACHE_FORMAT
        try:
            tracked = git.run("ls-files", "-z", "--", str(CACHE_DIR))
        except _GitFailed:
            tracked = b""
        if tracked.strip(b"\0"):
            return cls(None)  # committed pickles are not ours to load
        try:
            (root / "models").mkdir(parents=True, exist_ok=True)
            (root / "base").mkdir(parents=True, exist_ok=True)
            ignore = top / CACHE_DIR / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# plaudit check's cache: never commit it\n*\n", encoding="utf-8")
        except OSError:
            return cls(None)  # a read-only checkout still gets checked, without a cache
        return cls(root)

    # --- model snapshots

    def snapshot(self, keys: list[str]) -> tuple[int, SchemaModel | None]:
        """(k, model after the first k files) for the longest cached prefix; (0, None) if none."""
        if self.root is None:
            return 0, None
        for k in range(len(keys) - 1, 0, -1):
            if keys[k] in self._snapshots:
                model = self._load(self.root / "models" / f"{keys[k]}.pickle")
                if isinstance(model, SchemaModel):
                    return k, model
        return 0, None

    def store_snapshot(self, key: str, model: SchemaModel) -> None:
        if self.root is None or key in self._snapshots:
            return
        self._write(self.root / "models" / f"{key}.pickle", model)
        self._snapshots.add(key)
        self._prune(self.root / "models", "*.pickle", _MAX_SNAPSHOTS)

    # --- base judgements

    def base_report(self, judged_key: str) -> tuple[list[dict[str, Any]], set[tuple[str, str, str]]] | None:
        if self.root is None:
            return None
        path = self.root / "base" / f"{judged_key}.json"
        with _ignored():
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("violations"), list):
                return data["violations"], {tuple(c) for c in data.get("columns") or ()}
        return None

    def store_base_report(
        self, judged_key: str, found: list[dict[str, Any]], columns: set[tuple[str, str, str]]
    ) -> None:
        if self.root is None:
            return
        path = self.root / "base" / f"{judged_key}.json"
        data = {"violations": found, "columns": sorted(columns)}
        self._write_bytes(path, json.dumps(data, ensure_ascii=False).encode())
        self._prune(self.root / "base", "*.json", _MAX_BASE_REPORTS)

    # --- classifications

    def memo(self) -> dict[str, dict[str, Classification]]:
        if self._memo is None:
            loaded = self._load(self.root / "classify.pickle") if self.root else None
            self._memo = loaded if isinstance(loaded, dict) else {}
            if len(self._memo) > _MAX_MEMO:
                self._memo = {}
            self._memo_size = len(self._memo)
        return self._memo

    def save(self) -> None:
        if self.root is not None and self._memo is not None and len(self._memo) != self._memo_size:
            self._write(self.root / "classify.pickle", self._memo)
            self._memo_size = len(self._memo)

    # --- files

    @staticmethod
    def _load(path: Path) -> Any:
        with _ignored(), path.open("rb") as fh:
            return pickle.load(fh)
        return None

    def _write(self, path: Path, value: Any) -> None:
        self._write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    @staticmethod
    def _write_bytes(path: Path, data: bytes) -> None:
        # Write then rename: two CI jobs sharing a cache never read half a file.
        with _ignored():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                with _ignored():
                    os.unlink(tmp)
                raise

    @staticmethod
    def _prune(folder: Path, pattern: str, keep: int) -> None:
        with _ignored():
            entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in entries[keep:]:
                old.unlink(missing_ok=True)


class _ignored:
    """A cache that cannot be read or written is a cache miss, never a failed check."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, _CACHE_PROBLEMS)


_CACHE_PROBLEMS = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    AttributeError,
    ImportError,
    TypeError,
)
