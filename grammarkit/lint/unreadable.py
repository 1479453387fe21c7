"""Shared by GK100 and GK200: every place grammarkit could not read, and whether
llguidance compiles it anyway (then grammarkit, not the grammar, is at fault)."""

from __future__ import annotations

from dataclasses import dataclass

from grammarkit.core.span import Span


@dataclass(slots=True)
class Unreadable:
    span: Span
    message: str
    hint: str
    engine_accepts: bool


def unreadable(ctx) -> list[Unreadable]:
    cached = getattr(ctx, "_unreadable_cache", None)
    if cached is not None:
        return cached
    problems: list[Unreadable] = []
    engine_ok = ctx.engine.ok
    if ctx.read is not None:
        for p in ctx.read.errors:
            problems.append(Unreadable(p.span, p.message, p.hint, engine_ok))
    for site in ctx.regex_sites:
        err = site.error
        if err is None:
            continue
        accepts = engine_ok or _regex_compiles(site.pattern, site.flags, ctx.syntax)
        problems.append(
            Unreadable(
                site.span(err.offset, max(err.end, err.offset + 1)),
                f"invalid regex: {err.message}",
                "llguidance reads regexes with Rust `regex` crate syntax",
                accepts,
            )
        )
    ctx._unreadable_cache = problems
    return problems


def _regex_compiles(pattern: str, flags: str, syntax: str) -> bool:
    """Whether llguidance compiles this one regex on its own."""
    from grammarkit.llg.compile import compile_report

    if syntax == "regex":
        return compile_report("regex", pattern).ok
    return compile_report("lark", f"start: /{pattern}/{flags}\n").ok
