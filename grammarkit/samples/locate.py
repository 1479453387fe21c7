"""Shared by the sample rules: where a sample's diagnostic points."""

from __future__ import annotations

from grammarkit.core.span import Span


def sample_span(sample) -> Span:
    """Line of the sample in its samples file (column 1); line 1 for --sample inputs."""
    return Span(sample.line, 1, sample.line, 2)


def located(rejection) -> str:
    if rejection is None:
        return ""
    return f" at {rejection.line}:{rejection.column}: {rejection.message}"
