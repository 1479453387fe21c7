"""A pytest plugin: every grammar with sample files beside it becomes a test.

Installed with grammarkit (entry point ``pytest11``: ``grammarkit``) but off until asked
for, with ``pytest --grammarkit`` or ``grammarkit = true`` in the pytest configuration.
Then each ``x.lark`` or ``x.regex`` that pytest's collection reaches and that has an
``x.samples.toml`` or ``x.samples.json`` beside it is one test item (``x.lark::grammarkit``)
running :func:`grammarkit.lint.lint_file` with its samples. The item fails when there is
any error-severity diagnostic (a rule's, or a sample whose verdict differs from its
expectation), and the failure reads like ``grammarkit check`` output.

Importing this module imports nothing of grammarkit's: pytest loads it in every session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grammarkit.core.errors import GrammarkitError

SUFFIXES = (".lark", ".regex")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grammarkit", "grammarkit: grammars with samples as tests")
    group.addoption(
        "--grammarkit",
        action="store_true",
        default=False,
        help="check each grammar (*.lark, *.regex) that has x.samples.toml/.json beside it, one test per grammar",
    )
    parser.addini(
        "grammarkit",
        type="bool",
        default=False,
        help="check grammars that have sample files beside them, as with --grammarkit",
    )


def enabled(config: pytest.Config) -> bool:
    """Whether the plugin collects grammars: ``--grammarkit`` or ``grammarkit = true``."""
    return bool(config.getoption("grammarkit", default=False) or config.getini("grammarkit"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix.lower() not in SUFFIXES or not enabled(parent.config):
        return None
    from grammarkit.lint.config import ConfigError

    try:
        config = _config_for(file_path.parent)
    except ConfigError:
        return GrammarFile.from_parent(parent, path=file_path)  # the item reports the error
    if config.excluded(file_path) or not config.sample_files(file_path):
        return None
    return GrammarFile.from_parent(parent, path=file_path)


def _config_for(folder: Path):
    """[tool.grammarkit] for grammars in ``folder`` (cached per folder for a session)."""
    from grammarkit.lint.config import load_config

    key = str(folder)
    if key not in _CONFIGS:
        try:
            _CONFIGS[key] = load_config(start=folder)
        except Exception as exc:  # ConfigError: remembered, raised for every grammar there
            _CONFIGS[key] = exc
    found = _CONFIGS[key]
    if isinstance(found, Exception):
        raise found
    return found


_CONFIGS: dict[str, object] = {}


class GrammarFile(pytest.File):
    """A grammar file with samples: holds one :class:`GrammarItem`."""

    def collect(self):
        yield GrammarItem.from_parent(self, name="grammarkit")


class GrammarCheckFailed(GrammarkitError):
    """The grammar has errors; ``report`` is the text to show."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class GrammarItem(pytest.Item):
    """Lint one grammar with its sidecar samples; fail on any error-severity diagnostic."""

    def runtest(self) -> None:
        from grammarkit.core.errors import InputError
        from grammarkit.lint.config import ConfigError
        from grammarkit.lint.runner import lint_file
        from grammarkit.output.text import render_results, summary_line

        # The same configuration `grammarkit check` uses ([tool.grammarkit] of the nearest
        # pyproject.toml, looked up from the grammar's directory).
        try:
            config = _config_for(self.path.parent)
        except ConfigError as err:
            raise GrammarCheckFailed(f"grammarkit: error: {err}") from None
        options = config.lint_options(self.path)
        # Lint by absolute path (the working directory may have changed), but show the
        # paths as pytest does: relative to where pytest was started.
        shown = {str(p): self._shown(p) for p in (self.path, *options["sample_files"])}
        from grammarkit.llg.tokenizer import TokenizerUnavailable

        try:
            result = lint_file(self.path, **options)
        except InputError as err:
            raise GrammarCheckFailed(f"grammarkit: error: {shown.get(err.path, err.path)}: {err.message}") from None
        except TokenizerUnavailable as err:  # tokenizer = "o200k" configured, bpe-openai missing
            raise GrammarCheckFailed(f"grammarkit: error: {err}") from None
        result.path = shown[str(self.path)]
        for d in result.diagnostics:
            d.path = shown.get(d.path, d.path)
        body = render_results([result], color=False)
        report = f"{body}\n{summary_line([result], color=False)}" if body else summary_line([result], color=False)
        if result.errors:
            raise GrammarCheckFailed(report)
        if result.diagnostics:  # warnings and notes: shown with -rA / -rP
            self.add_report_section("call", "grammarkit", report)

    def _shown(self, path: Path) -> str:
        try:
            return os.path.relpath(path, self.config.invocation_params.dir)
        except ValueError:  # another drive (Windows)
            return str(path)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GrammarCheckFailed):
            return excinfo.value.report
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"grammarkit::{self.path.name}"
