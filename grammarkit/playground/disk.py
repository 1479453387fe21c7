"""The grammar file and its samples sidecars on disk: loading, and saving without losing
anything.

Saving is atomic (:func:`grammarkit.lint.fixes.write_atomically`: a temporary file in the
same directory, flushed, given the old file's mode, then renamed over it; a byte order mark
and the line endings are kept), and never overwrites a file that changed on disk since the
page loaded it: every load hands the page a fingerprint (SHA-256 and mtime) of each file,
the page sends them back with a save, and a file whose content is no longer the one
fingerprinted is refused with :class:`ChangedOnDisk` (HTTP 409) unless the page asks to
overwrite it.

Paths from the page are relative to the playground's folder (``root``) and must stay in
it; grammars end in ``.lark`` or ``.regex``. Samples come from the sidecars the
configuration names (``x.samples.toml``, ``x.samples.json`` by default); each sample
remembers its file, new samples go to the first sidecar (``x.samples.toml`` when there is
none yet), and a sidecar whose samples did not change is not rewritten (its comments stay).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grammarkit.core.errors import InputError
from grammarkit.core.source import (
    GRAMMAR_SUFFIXES,
    MAX_GRAMMAR_BYTES,
    Syntax,
    decode_grammar_bytes,
    detect_syntax,
    read_grammar_file,
)
from grammarkit.lint.config import Config
from grammarkit.lint.fixes import write_atomically
from grammarkit.playground.api import PlaygroundError
from grammarkit.samples.files import (
    Sample,
    format_json_samples,
    format_toml_samples,
    load_samples,
    parse_json_samples,
    parse_toml_samples,
)

MAX_LISTED = 1000
"""Grammar files listed for the page's "open" menu ..."""
MAX_DEPTH = 4
MAX_FOLDERS = 2000
"""... found at most this deep, looking into at most this many folders (the playground may
be started in a home directory)."""
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "build", "dist"})


class ChangedOnDisk(PlaygroundError):
    """Files changed on disk since the page loaded them (``files``: their shown paths)."""

    status = 409

    def __init__(self, files: list[str], new: list[str] | None = None) -> None:
        parts = []
        changed = [f for f in files if f not in (new or [])]
        if changed:
            verb = "it was" if len(changed) == 1 else "they were"
            parts.append(f"{', '.join(changed)} changed on disk since {verb} loaded")
        if new:
            parts.append(f"{', '.join(new)} already exist{'s' if len(new) == 1 else ''}")
        super().__init__("; ".join(parts) + ": reload to see what is on disk, or overwrite it")
        self.files = files


def fingerprint(path: Path) -> dict[str, Any] | None:
    """``{"sha256", "mtime_ns", "size"}`` of a file, None when there is none."""
    try:
        data = path.read_bytes()
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PlaygroundError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    return {"sha256": hashlib.sha256(data).hexdigest(), "mtime_ns": st.st_mtime_ns, "size": len(data)}


@dataclass
class Workspace:
    """The folder the playground works in, the grammar it opened first, and the
    configuration that names the sidecars."""

    root: Path
    grammar: Path | None = None
    syntax: Syntax | None = None
    config: Config | None = None

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))
        if self.config is None:
            self.config = Config(root=self.root)

    # -- paths
    def shown(self, path: Path) -> str:
        """``path`` as the page shows it: relative to the root when inside it."""
        try:
            return Path(os.path.realpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def resolve(self, rel: str) -> Path:
        """The grammar file a page path names; :class:`PlaygroundError` when it leaves the
        root or does not end in ``.lark``/``.regex``."""
        if not rel or "\x00" in rel:
            raise PlaygroundError("no file name given")
        candidate = Path(rel)
        if candidate.is_absolute():
            raise PlaygroundError(f"{rel}: give a path relative to the playground's folder")
        full = Path(os.path.realpath(self.root / candidate))
        if full != self.root and self.root not in full.parents:
            raise PlaygroundError(f"{rel}: outside the playground's folder")
        if full.suffix.lower() not in GRAMMAR_SUFFIXES:
            raise PlaygroundError(f"{rel}: a grammar file name ends in .lark or .regex")
        return full

    def list_grammars(self) -> list[str]:
        """Grammar files under the root (hidden folders skipped), at most :data:`MAX_LISTED`."""
        found: list[str] = []
        for visited, (folder, dirs, files) in enumerate(os.walk(self.root)):
            depth = len(Path(folder).relative_to(self.root).parts)
            if visited >= MAX_FOLDERS:
                break
            dirs[:] = [] if depth >= MAX_DEPTH else sorted(
                d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS
            )
            for name in sorted(files):
                if Path(name).suffix.lower() in GRAMMAR_SUFFIXES:
                    found.append(self.shown(Path(folder) / name))
                    if len(found) >= MAX_LISTED:
                        return found
        return found

    def sidecars(self, grammar: Path) -> tuple[list[Path], Path]:
        """The existing sidecars of ``grammar`` and the one new samples go to."""
        assert self.config is not None
        existing = self.config.sample_files(grammar)
        stem = grammar.name[: -len(grammar.suffix)] if grammar.suffix else grammar.name
        return existing, existing[0] if existing else grammar.with_name(stem + ".samples.toml")

    # -- loading
    def load(self, rel: str | None = None) -> dict[str, Any]:
        """The page's state for the grammar ``rel`` (default: the one opened first): its
        text, syntax, line ending, samples with their files, and every file's fingerprint."""
        if rel is None and self.grammar is None:
            return {"path": None, "grammar": None, "files": self.list_grammars()}
        path = self.resolve(rel) if rel is not None else Path(os.path.realpath(self.grammar))  # type: ignore[arg-type]
        syntax = (self.syntax if rel is None else None) or detect_syntax(path) or "lark"
        exists = path.is_file()
        text = ""
        if exists:
            try:
                text = read_grammar_file(path)
            except InputError as exc:
                raise PlaygroundError(f"{self.shown(path)}: {exc.message}", 422) from None
        elif path.exists():
            raise PlaygroundError(f"{self.shown(path)}: not a file", 422)
        existing, primary = self.sidecars(path)
        samples: list[dict[str, Any]] = []
        files: dict[str, Any] = {self.shown(path): fingerprint(path)}
        for sidecar in existing:
            try:
                loaded = load_samples(sidecar)
            except InputError as exc:
                raise PlaygroundError(f"{self.shown(sidecar)}: {exc.message}", 422) from None
            shown = self.shown(sidecar)
            files[shown] = fingerprint(sidecar)
            samples += [
                {"input": s.input, "expected": s.expected, "description": s.description, "source": shown}
                for s in loaded
            ]
        files.setdefault(self.shown(primary), fingerprint(primary))
        return {
            "path": self.shown(path),
            "exists": exists,
            "syntax": syntax,
            "grammar": text.replace("\r\n", "\n"),
            "newline": "\r\n" if "\r\n" in text else "\n",
            "samples": samples,
            "sidecar": self.shown(primary),
            "base": files,
            "files": self.list_grammars(),
        }

    # -- saving
    def save(
        self,
        rel: str,
        grammar: str,
        samples: list[dict[str, Any]],
        base: dict[str, Any],
        *,
        newline: str = "\n",
        force: bool = False,
    ) -> dict[str, Any]:
        """Write the grammar and the sidecars whose samples changed; return the new
        fingerprints. :class:`ChangedOnDisk` when a file to write is not the one the page
        loaded (``base``), unless ``force``."""
        path = self.resolve(rel)
        if newline not in ("\n", "\r\n"):
            raise PlaygroundError("'newline' must be \\n or \\r\\n")
        data = grammar.replace("\r\n", "\n").replace("\n", newline).encode("utf-8", "surrogatepass")
        if len(data) > MAX_GRAMMAR_BYTES:
            limit = MAX_GRAMMAR_BYTES
            raise PlaygroundError(f"grammar is too large ({len(data):,} bytes; the limit is {limit:,})", 413)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise PlaygroundError("the grammar holds a lone surrogate, which a UTF-8 file cannot") from None
        writes: dict[Path, str] = {path: data.decode("utf-8")}
        existing, primary = self.sidecars(path)
        by_file: dict[Path, list[Sample]] = {p: [] for p in existing}
        known = {self.shown(p): p for p in [*existing, primary]}
        for i, item in enumerate(samples, 1):
            target = known.get(item.get("source") or "", primary)
            by_file.setdefault(target, []).append(
                Sample(item["input"], item.get("expected", True), item.get("description") or "", index=i)
            )
        for sidecar, items in by_file.items():
            content = self._sidecar_content(sidecar, items)
            if content is not None:
                writes[sidecar] = content
        changed, new = [], []
        for p in writes:
            now, then = _fingerprint_hash(fingerprint(p)), _fingerprint_hash(base.get(self.shown(p)))
            if not force and now != then:
                changed.append(self.shown(p))
                if then is None:
                    new.append(self.shown(p))
        if changed:
            raise ChangedOnDisk(changed, new)
        for p, content in writes.items():
            try:
                write_atomically(str(p), content, like=_head(p))
            except OSError as exc:
                raise PlaygroundError(f"cannot write {self.shown(p)}: {exc.strerror or exc}", 500) from None
        files = {self.shown(p): fingerprint(p) for p in [path, *existing, primary]}
        return {"path": self.shown(path), "base": files, "written": [self.shown(p) for p in writes]}

    def _sidecar_content(self, sidecar: Path, samples: list[Sample]) -> str | None:
        """The new content of ``sidecar``, None when it need not be written (its samples
        are unchanged, or there are none and it does not exist)."""
        old_text = None
        if sidecar.is_file():
            try:
                old_text = decode_grammar_bytes(sidecar.read_bytes(), self.shown(sidecar))
                parse = parse_json_samples if sidecar.suffix.lower() == ".json" else parse_toml_samples
                old = parse(old_text, self.shown(sidecar))
            except (InputError, OSError):
                old = None  # unreadable now: rewrite it (the fingerprint check still guards it)
            if old is not None and _same_samples(old, samples):
                return None
        elif not samples:
            return None
        try:
            if sidecar.suffix.lower() == ".json":
                text = format_json_samples(samples)
            else:
                text = format_toml_samples(samples, header=_leading_comments(old_text or ""))
        except InputError as exc:
            raise PlaygroundError(f"{self.shown(sidecar)}: {exc.message}", 422) from None
        return text


def _head(path: Path) -> bytes | None:
    """The first bytes of a file (to keep its byte order mark), None when there is none."""
    try:
        with open(path, "rb") as fh:
            return fh.read(3)
    except OSError:
        return None


def _fingerprint_hash(fp: Any) -> str | None:
    return fp.get("sha256") if isinstance(fp, dict) else None


def _same_samples(a: list[Sample], b: list[Sample]) -> bool:
    return [(s.input, s.expected, s.description) for s in a] == [(s.input, s.expected, s.description) for s in b]


def _leading_comments(text: str) -> str:
    """The comment lines (and blank lines) at the top of a TOML file."""
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines).strip("\n")
