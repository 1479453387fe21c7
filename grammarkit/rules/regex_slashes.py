"""GK202 regex-slashes: a regex grammar wrapped in ``/…/``.

**What it flags.** A regex grammar whose pattern starts with ``/`` and ends with ``/``
(optionally followed by Lark-style flags such as ``/i``).

**Why.** A regex grammar's definition is the bare pattern; slashes are Lark's syntax for
a regex literal, not part of a regex. Here they are literal characters the model must
emit at both ends.

**Example.** ``/[a-z]+@[a-z]+\\.com/``

**Fix.** Drop the slashes: ``[a-z]+@[a-z]+\\.com``. For flags use an inline group such
as ``(?i)``. If the slashes really are part of the input (a path such as ``/api/``),
ignore this rule for the file.

**Fix (automatic, unsafe).** ``--fix --unsafe-fixes`` removes the slashes (and writes
``i``/``m``/``s``/``u``/``x`` flags as an inline group). Unsafe: the model no longer has
to emit the slashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity

CODE = "GK202"
NAME = "regex-slashes"
SEVERITY = Severity.WARNING
SYNTAXES = ("regex",)

_WRAPPED = re.compile(r"/(?:[^\n]*)/([imslux]*)", re.DOTALL)


def check(ctx) -> Iterator[Finding]:
    pattern = ctx.regex_pattern
    m = _WRAPPED.fullmatch(pattern)
    if m is None or len(pattern) < 2:
        return
    flags = m.group(1)
    hint = "remove the surrounding slashes"
    if flags:
        hint += f"; write the flags inline as (?{flags.replace('l', '').replace('x', 'x')})"
    fix = None
    if not flags or set(flags) <= set("imsux"):
        inline = f"(?{flags})" if flags else ""
        fix = Fix(
            "remove the surrounding slashes" + (f" and write the flags as {inline}" if inline else ""),
            (Edit(0, 1, inline), Edit(len(pattern) - 1 - len(flags), len(pattern), "")),
            safety="unsafe",  # the slashes were characters the model had to emit
        )
    yield Finding(
        ctx.index.span(0, len(pattern)),
        "the regex pattern is wrapped in /…/; the slashes are literal characters here",
        hint,
        fix=fix,
    )
