"""llguidance may force bytes forever on some grammars (grammarkit.llg.forcing): the
grammars where it may are recognised, masks are probed there, and the probe gives
llguidance's own masks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import llguidance
import pytest

from grammarkit.llg.compile import byte_tokenizer
from grammarkit.llg.forcing import may_force_forever, probed_bitmask
from grammarkit.llg.matcher import EngineMatcher

GRAMMARS = Path(__file__).resolve().parents[2] / "grammars"

# Grammars on which llguidance 1.9's compute_bitmask never returns (checked by hand in a
# child process: it loops, its memory growing) in the state given.
LOOPING = [
    ('start: A "x"\nA: /x+/\n', ""),
    ("start: A A\nA: /x+/\n", ""),
    ('start: A "x"\nA: "x"+\n', ""),
    ('start: A "xy"\nA: /(xy)+/\n', ""),
    ("start: A B\nA: /x+/\nB: /x[ab]/\n", ""),
    ('start: "q" A B\nA: /x+/\nB: "x"\n', ""),
    ('start: A B | "z"\nA: /x+/\nB: "x"\n', "x"),
]

SAFE = [
    'start: A "x"\nA: /x+/i\n',  # x or X: never one byte only
    'start: A "x"\nA: /[a-z]+/\n',
    'start: A\nA: /[^"]*/\n',
    'start: a "x"\na: "x"+\n',  # a rule's repetition is not one lexeme
    "start: A\nA: /\\s+/\n",
    "start: A\nA: /[^a-z]+/\n",
    'start: A\n%import common.WS\n%ignore WS\nA: "a"\n',
    'start: A B\nA: /x{1,50}/\nB: "x"\n',  # the chain ends
]


@pytest.mark.parametrize("grammar, prefix", LOOPING)
def test_grammars_where_llguidance_loops_are_recognised(grammar, prefix):
    assert may_force_forever(grammar, "lark")


@pytest.mark.parametrize("grammar", SAFE)
def test_grammars_without_a_one_byte_cycle_are_not(grammar):
    assert not may_force_forever(grammar, "lark")


@pytest.mark.parametrize(
    "grammar, expected",
    [
        ("start: A\nA: /x+/ & /x+y/\n", True),  # `&`: not read here
        ('start: A\n%ignore / +/\nA: "a"\n', True),
        ("start: A\nA: /[é]+/\n", True),  # one lead byte
        ("start: A\nA: /[éa]+/\n", False),
        ("start: A\nA: B+\nB: /[ab]/\n", False),
        ('start: A\nA: B+\nB: "b"\n', True),
        ("start: A\nA: /(/\n", True),  # a regex it cannot read
    ],
)
def test_what_the_check_reads(grammar, expected):
    assert may_force_forever(grammar, "lark") is expected


def test_regex_grammars():
    assert may_force_forever("x+", "regex")
    assert not may_force_forever("[a-z]+", "regex")


@pytest.mark.parametrize("path", sorted(GRAMMARS.glob("*.lark")), ids=lambda p: p.name)
def test_no_bundled_grammar_needs_probing(path):
    assert not may_force_forever(path.read_text(encoding="utf-8"), "lark")


def _samples(path: Path) -> list[str]:
    import tomllib

    sidecar = path.with_suffix(".samples.toml")
    if not sidecar.exists():
        return []
    data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    listed = [*data.get("valid", []), *data.get("invalid", [])]
    listed += [s.get("input") for s in data.get("samples", []) if isinstance(s, dict)]
    return [s for s in listed if isinstance(s, str)][:30]


@pytest.mark.parametrize("path", sorted(GRAMMARS.glob("*.lark")), ids=lambda p: p.name)
def test_probed_masks_are_llguidance_masks(path):
    tok = byte_tokenizer()
    matcher = llguidance.LLMatcher(tok, llguidance.LLMatcher.grammar_from_lark(path.read_text(encoding="utf-8")))
    compared = 0
    for sample in _samples(path):
        data = sample.encode("utf-8")
        for cut in sorted({0, 1, len(data) // 2, len(data)}):
            m = matcher.deep_copy()
            if m.try_consume_tokens(list(data[:cut])) < cut:
                break
            probed = probed_bitmask(m, tok.vocab_size, tok.eos_token)
            assert probed == m.compute_bitmask(), (sample, cut)
            compared += 1
    assert compared > 0


def _run(code: str) -> subprocess.CompletedProcess:
    # In a child process with a timeout: a regression loops forever with growing memory.
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_lint_of_a_grammar_llguidance_loops_on_ends_with_gk110():
    done = _run(
        """
        from grammarkit.lint.runner import lint_text
        r = lint_text('start: A "x"\\nA: /x+/\\n')
        print(sorted({d.code for d in r.diagnostics}))
        """
    )
    assert done.returncode == 0, done.stderr
    assert "GK110" in done.stdout


def test_rejections_and_samples_on_such_a_grammar_end():
    done = _run(
        """
        from grammarkit.llg.matcher import EngineMatcher
        from grammarkit.samples.generate import generate_samples
        em = EngineMatcher('start: A "x" | "y" A "z"\\nA: /x+/\\n')
        print(em.rejection("xx").message)
        print(em.rejection("yx").message)
        print(sorted(set(generate_samples('start: A "x" | "y" A "z"\\nA: /x+/\\n', n=20, seed=1))))
        """
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == 'the input ends too early; expected "x"'
    assert lines[1] == 'the input ends too early; expected "x", "z"'
    assert lines[2].startswith("['yx")


def test_engine_matcher_probes_only_where_needed():
    assert EngineMatcher('start: A "x"\nA: /x+/\n').may_force_forever
    assert not EngineMatcher('start: A "x"\nA: /[a-z]+/\n').may_force_forever
