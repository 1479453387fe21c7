"""Project configuration: ``[tool.grammarkit]`` in the nearest ``pyproject.toml``.

Looked up from the current directory upwards (the first ``pyproject.toml`` that has a
``[tool.grammarkit]`` table wins), or read from the file given with ``--config`` (a
``pyproject.toml``, or a TOML file with the same keys at the top level)::

    [tool.grammarkit]
    select = ["GK1", "GK2"]            # rule codes, code prefixes or names (default: all)
    ignore = ["GK224"]
    engine = "auto"                     # which engines judge samples
    tokenizer = "byte"                  # or "o200k": measure llguidance's cost per model token
    samples = ["{stem}.samples.toml", "{stem}.samples.json", "tests/samples/{stem}.json"]
    exclude = ["vendor/**"]             # grammar files to skip when walking directories

    [tool.grammarkit.severity]          # per-rule severity
    GK107 = "error"

    [tool.grammarkit.per-file-ignores]  # globs relative to the configuration file
    "legacy/*.lark" = ["GK220", "GK221"]

Unknown keys, unknown rule codes, wrongly typed values and an empty ``select`` (which
would turn every rule off) are a :class:`ConfigError` (exit status 2 on the command
line), and so is a ``pyproject.toml`` met on the way up that cannot be read or parsed
(it might hold the configuration): it is named, never skipped. Configuration files are
read with a bound (:data:`MAX_CONFIG_BYTES`), also from a device or a pipe.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from grammarkit.core.diagnostics import Severity
from grammarkit.core.errors import GrammarkitError
from grammarkit.lint.patterns import matches
from grammarkit.lint.registry import all_rules, get_rule

KNOWN_KEYS = {"select", "ignore", "severity", "per-file-ignores", "samples", "engine", "exclude", "tokenizer"}
DEFAULT_SAMPLE_PATTERNS = ("{stem}.samples.toml", "{stem}.samples.json", "{stem}.samples.jsonl")
ENGINES = ("auto", "both", "llguidance", "lark")
TOKENIZERS = ("byte", "o200k")  # as grammarkit.llg.tokenizer.TOKENIZERS (not imported: it is not needed here)
MAX_CONFIG_BYTES = 4 * 1024 * 1024


class ConfigError(GrammarkitError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class Config:
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    samples: tuple[str, ...] = DEFAULT_SAMPLE_PATTERNS
    engine: str = "auto"
    tokenizer: str = "byte"
    exclude: list[str] = field(default_factory=list)
    root: Path = field(default_factory=Path.cwd)  # the configuration file's directory
    source: Path | None = None

    def per_file_ignores_for(self, path: str | os.PathLike[str]) -> list[str]:
        """Codes the per-file-ignores patterns matching ``path`` ignore."""
        rel = self._relative(path)
        codes: list[str] = []
        for pattern, extra in self.per_file_ignores.items():
            if _glob_match(rel, pattern):
                codes.extend(extra)
        return codes

    def ignores_for(self, path: str | os.PathLike[str], override: list[str] | None = None) -> list[str]:
        """Codes ignored for ``path``: ``ignore`` (or ``override``, from the command line)
        plus the matching per-file-ignores."""
        base = list(self.ignore) if override is None else list(override)
        return base + self.per_file_ignores_for(path)

    def lint_options(
        self,
        path: str | os.PathLike[str],
        *,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        engine: str | None = None,
        sidecars: bool = True,
        tokenizer: str | None = None,
    ) -> dict:
        """Keyword arguments for :func:`grammarkit.lint.lint_file` on ``path`` under this
        configuration; ``select``/``ignore``/``engine`` (from the command line) replace
        the configured ones, per-file ignores still apply; so does ``tokenizer``."""
        return {
            "select": select if select is not None else self.select,
            "ignore": self.ignores_for(path, override=ignore),
            "severity": self.severity,
            "engine": engine or self.engine,
            "tokenizer": tokenizer or self.tokenizer,
            "sample_files": self.sample_files(path) if sidecars else (),
        }

    def excluded(self, path: str | os.PathLike[str]) -> bool:
        rel = self._relative(path)
        return any(_glob_match(rel, pattern) for pattern in self.exclude)

    def sample_files(self, grammar: str | os.PathLike[str]) -> list[Path]:
        """Existing sample files for ``grammar`` by the ``samples`` patterns: ``{stem}`` is
        the grammar's name without suffix; a pattern with a ``/`` is relative to the
        configuration root, else to the grammar's directory."""
        g = Path(grammar)
        stem = g.name[: -len(g.suffix)] if g.suffix else g.name
        found = []
        for pattern in self.samples:
            name = pattern.replace("{stem}", stem)
            base = self.root if "/" in pattern else g.parent
            candidate = base / name
            if candidate.is_file() and candidate not in found:
                found.append(candidate)
        return found

    def _relative(self, path: str | os.PathLike[str]) -> str:
        p = Path(path).resolve()
        try:
            return p.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()


def _glob_match(rel: str, pattern: str) -> bool:
    pattern = pattern.removeprefix("./")
    if fnmatch.fnmatchcase(rel, pattern):
        return True
    if pattern.startswith("**/") and _glob_match(rel, pattern[3:]):
        return True  # like .gitignore: **/x matches x at the top too
    if pattern.endswith("/**") and (rel + "/").startswith(pattern[:-2]):
        return True
    # A pattern without a directory matches the file name anywhere (like .gitignore).
    return "/" not in pattern and fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.grammarkit]`` table, upwards from
    ``start``. One that cannot be read or parsed on the way is a :class:`ConfigError`."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        try:
            present = candidate.exists() or candidate.is_symlink()
        except OSError:  # e.g. a parent that cannot be searched
            present = False
        if not present:
            continue
        data = _read_toml(candidate, str(candidate))
        if isinstance(data.get("tool"), dict) and "grammarkit" in data["tool"]:
            return candidate
    return None


def _read_toml(path: Path, shown: str) -> dict:
    """A TOML file's table, read with a bound; every failure is a :class:`ConfigError`."""
    import tomllib

    from grammarkit.core.errors import InputError
    from grammarkit.core.source import read_bounded

    try:
        data = read_bounded(path, MAX_CONFIG_BYTES, shown, what="configuration file")
    except InputError as err:
        raise ConfigError(shown, err.message) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        raise ConfigError(shown, f"cannot read: not valid UTF-8 ({bad})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(shown, "invalid TOML: nested too deeply") from None


def load_config(path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration at ``path``, or the nearest one (defaults when there is none)."""
    if path is None:
        found = find_config(start)
        if found is None:
            return Config()
        path = found
    p = Path(path)
    shown = str(path)
    data = _read_toml(p, shown)
    if p.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("grammarkit") if isinstance(data.get("tool"), dict) else None
        if table is None:
            if p.name == "pyproject.toml":
                raise ConfigError(shown, "has no [tool.grammarkit] table")
            table = {}
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(shown, "[tool.grammarkit] must be a table")
    return _from_table(table, shown, p.resolve().parent, p.resolve())


def _from_table(table: dict, shown: str, root: Path, source: Path) -> Config:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(shown, f"unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(KNOWN_KEYS))}")
    config = Config(root=root, source=source)
    if "select" in table:
        config.select = _codes(table["select"], shown, "select")
        if not config.select:
            # As an empty --select: it would silently turn every rule off.
            raise ConfigError(
                shown, "select needs at least one rule code, prefix or name (an empty list selects nothing)"
            )
    if "ignore" in table:
        config.ignore = _codes(table["ignore"], shown, "ignore")
    if "severity" in table:
        raw = table["severity"]
        if not isinstance(raw, dict):
            raise ConfigError(shown, "severity must be a table of CODE = \"error\" | \"warning\" | \"info\"")

        for code, level in raw.items():
            rule = get_rule(code)
            if rule is None:
                raise ConfigError(shown, f"severity: unknown rule {code!r} (give a full code or name)")
            if level not in ("error", "warning", "info"):
                raise ConfigError(shown, f"severity.{code}: expected \"error\", \"warning\" or \"info\", not {level!r}")
            config.severity[rule.code] = Severity(level)
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(shown, "per-file-ignores must be a table of \"glob\" = [codes]")
        for pattern, codes in raw.items():
            config.per_file_ignores[pattern] = _codes(codes, shown, f"per-file-ignores.{pattern!r}")
    if "samples" in table:
        config.samples = tuple(_strings(table["samples"], shown, "samples"))
    if "exclude" in table:
        config.exclude = _strings(table["exclude"], shown, "exclude")
    if "engine" in table:
        if table["engine"] not in ENGINES:
            raise ConfigError(shown, f"engine must be one of {', '.join(ENGINES)}, not {table['engine']!r}")
        config.engine = table["engine"]
    if "tokenizer" in table:
        if table["tokenizer"] not in TOKENIZERS:
            raise ConfigError(shown, f"tokenizer must be one of {', '.join(TOKENIZERS)}, not {table['tokenizer']!r}")
        config.tokenizer = table["tokenizer"]
    return config


def _strings(value, shown: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(shown, f"{key} must be a list of strings")
    return list(value)


def _codes(value, shown: str, key: str) -> list[str]:
    items = _strings(value, shown, key)
    for item in items:
        if not is_known_code(item):
            raise ConfigError(shown, f"{key}: unknown rule {item!r}")
    return items


def is_known_code(item: str) -> bool:
    """A rule code, a code prefix (``GK1``), a rule name, or ``ALL``."""

    return any(matches(item, rule.code, rule.name) for rule in all_rules())
