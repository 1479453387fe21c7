"""The linear-time local parser (grammarkit.local.lr_parser): exactly the Earley parser's
trees and verdicts, checked differentially.

Every input goes through both parsers of one LocalParser and the outcomes must be equal:
the whole tree (rule names, children, every token's type, text and positions, every node's
meta positions) or the whole rejection (message, line, column, offset, found, expected,
snippet). Inputs: each bundled grammar's samples, strings llguidance generates from it,
mutations of both (the rejections), and longer inputs combined from samples; plus small
grammars that stress what the fast parser must get right (ignored terminals, ties between
terminals, `?rule`/`_rule`/aliases, empty rules, conflicts, Unicode, multi-line tokens).
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest
from lark import Tree

from grammarkit.local import lr_parser
from grammarkit.local.differential import compare, signature
from grammarkit.local.lr_parser import FALLBACK, Rejected
from grammarkit.local.parser import InputRejected, LocalParser
from grammarkit.samples.files import find_sidecars, load_samples
from grammarkit.samples.generate import generate

ROOT = Path(__file__).resolve().parent.parent.parent
LARK_GRAMMARS = sorted((ROOT / "grammars").glob("*.lark"))

KINDS = {
    # LALR(1) conflicts: `SP?` before an operator of either precedence level (arithmetic),
    # before `AND`/`OR`/`ORDER BY`/`LIMIT` (sql_select), before `||` or a comparator
    # (semver_range); the token after the space settles them.
    "arithmetic": "glr",
    "semver_range": "glr",
    "sql_select": "glr",
    "command_line": "lalr",
    "cron": "lalr",
    "key_value_config": "lalr",
    "order_lookup": "lalr",
    "unified_diff": "lalr",
}

_ALPHABET = list(" +-*/()0123456789.aZ_\n\t,;=\"'[]#@:|<>^~xXé") + ["--", "||", " AND ", "\n+", "@@"]


def _mutations(rng: random.Random, text: str, n: int) -> list[str]:
    out = []
    for _ in range(n):
        chars = list(text)
        op = rng.randrange(4)
        if op == 0 and chars:
            del chars[rng.randrange(len(chars))]
        elif op == 1:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_ALPHABET))
        elif op == 2 and chars:
            chars[rng.randrange(len(chars))] = rng.choice(_ALPHABET)
        elif chars:
            i, j = sorted((rng.randrange(len(chars)), rng.randrange(len(chars))))
            chars = chars[:i] + chars[j:]
        out.append("".join(chars))
    return out


def _assert_agree(parser: LocalParser, texts, *, may_fall_back: bool = False) -> list:
    """Both parsers agree on every text; returns the comparisons."""
    done = []
    for text in texts:
        c = compare(parser, text)
        assert c.agrees, f"{text!r}:\n fast   {c.fast}\n earley {c.earley}"
        assert may_fall_back or not c.fell_back, f"{text!r} was handed to Earley"
        done.append(c)
    return done


# ---------------------------------------------------------------- bundled grammars


def _samples(path: Path) -> list[str]:
    return [s.input for sidecar in find_sidecars(path) for s in load_samples(sidecar)]


@pytest.mark.parametrize("path", LARK_GRAMMARS, ids=lambda p: p.stem)
def test_bundled_grammar_gets_the_fast_parser(path):
    parser = LocalParser(path.read_text(encoding="utf-8"))
    assert parser.parser == KINDS[path.stem]
    assert parser._fast is not None and parser._fast.kind == parser.parser


@pytest.mark.parametrize("path", LARK_GRAMMARS, ids=lambda p: p.stem)
def test_bundled_grammar_samples_and_generated_inputs_agree(path):
    grammar = path.read_text(encoding="utf-8")
    parser = LocalParser(grammar)
    samples = _samples(path)
    generated = generate(grammar, n=40, seed=path.stem, max_bytes=120).samples
    rng = random.Random(path.stem)
    mutated = [m for text in samples + generated for m in _mutations(rng, text, 2)]
    done = _assert_agree(parser, samples + generated + mutated)  # unambiguous grammars: no fallback
    accepted = sum(1 for c in done if c.earley[0] == "tree")
    assert 0 < accepted < len(done)  # both verdicts are exercised


def _long_inputs(name: str, samples: list[str]) -> list[str]:
    """Inputs of 1-2k characters combined from valid samples, where the grammar repeats."""
    if name == "arithmetic":
        return [" + ".join(f"({s})" for s in samples * 2), "*".join(["-(1 - 2)"] * 50)]
    if name == "sql_select":
        cond = " AND ".join(["(a = 1 OR b != 'x''y')", "c >= -2", "d<>'z'"] * 30)
        return [f"SELECT id, name FROM t WHERE {cond} ORDER BY id DESC LIMIT 5;"]
    if name == "semver_range":
        return [" || ".join(samples * 5), " ".join([">=1.2.3-rc.1+b.5", "<2"] * 60)]
    if name == "key_value_config":
        return ["\n".join(s.rstrip("\n") for s in samples * 5)]
    if name == "unified_diff":
        first = next(s for s in samples if not s.startswith("diff --git"))
        return [first + "".join(s for s in samples if s.startswith("diff --git")) * 4]
    if name == "cron":
        return [" ".join([",".join(["*/5", "0-30/10", "7"] * 40)] + ["*"] * 4)]
    if name == "command_line":
        return ["logs web" + " --since 15m --tail 200 --env prod" * 40]
    return []


@pytest.mark.parametrize("path", LARK_GRAMMARS, ids=lambda p: p.stem)
def test_long_inputs_agree(path):
    parser = LocalParser(path.read_text(encoding="utf-8"))
    valid = [s.input for sidecar in find_sidecars(path) for s in load_samples(sidecar) if s.expected]
    texts = _long_inputs(path.stem, valid)
    if not texts:
        pytest.skip("no repetition in this grammar")
    rng = random.Random(1)
    broken = [m for t in texts for m in _mutations(rng, t, 2)] + [texts[0][: len(texts[0]) // 2]]
    for text in texts:
        assert isinstance(parser.parse(text), Tree)
    _assert_agree(parser, texts + broken)


# ---------------------------------------------------------------- hard cases

HARD = {
    # name: (grammar, kind, inputs); every input is compared, generated ones are added
    "ignored whitespace": (
        "start: item+\nitem: WORD | NUMBER | \"(\" item* \")\"\n%import common.WORD\n"
        "%import common.NUMBER\n%import common.WS\n%ignore WS\n",
        "lalr",
        ["a b 1", " ( a 1.5 ) ", "a(b)c", "  ", "a\n\n(1 2)\n", "a ) b"],
    ),
    "two terminals, two lengths": (
        'start: a | b\na: X "!"\nb: Y "?"\nX: /[a-z]+/\nY: /[a-m]+/\n',
        "lalr",
        ["abc!", "abc?", "xyz?", "abz?", "a!"],
    ),
    "keyword and identifier tie": (
        'start: (KW | ID)+\nKW: "if"\nID: /[a-z]+/\n%ignore " "\n',
        "lalr",
        ["if x", "iffy", "if", "x y z", "ifif", "x  if"],
    ),
    "empty rules and optionals": (
        'start: a b c\na: "x"?\nb: \nc: ["y"] "z"\n',
        "lalr",
        ["z", "xz", "yz", "xyz", "xy", ""],
    ),
    "nullable start": ('start: "a"*\n', "lalr", ["", "a", "aaa", "b"]),
    "inlining and aliases": (
        '?start: sum\n?sum: product | sum "+" product -> add\n?product: atom | product "*" atom -> mul\n'
        '_atom: NUMBER | "(" sum ")"\natom: _atom\nNUMBER: /[0-9]+/\n',
        "lalr",
        ["1", "1+2*3", "(1+2)*3", "1+", "((1))", "(1"],
    ),
    "kept tokens": ('start: pair ("," pair)*\n!pair: KEY ":" VALUE\nKEY: /[a-z]+/\nVALUE: /[0-9]+/\n', "lalr",
                    ["a:1", "a:1,b:2", "a:1,", ":1"]),
    "right recursion": ('start: list\nlist: item "," list | item\nitem: /[a-z]{1,8}/\n', "lalr",
                        ["a", "a,b,c", "a,,b", "a,b,"]),
    "middle recursion": ('start: x\nx: "a" x "b" | "c"\n', "lalr", ["c", "acb", "aacbb", "aacb", "ab"]),
    "unicode": ('start: WORD (" " WORD)*\nWORD: /\\w+/\n', "lalr", ["héllo wörld", "中文 字", "a  b", "é", "a é!"]),
    "case-insensitive literal": ('start: "select"i NAME\nNAME: /[a-z]+/\n%ignore " "\n', "lalr",
                                 ["select x", "SELECT x", "SeLeCt abc", "selectx"]),
    "ignored terminal also used": ('start: A (SP A)*\nA: "a"\nSP: " "\n%ignore SP\n', "lalr",
                                   ["a a", "a  a", "aa", " a ", "a   a a"]),
    "two ignores": ('start: "a" "b"\n%ignore " "\n%ignore /\\s+/\n', "lalr", ["ab", "a b", "a   b", " a\tb ", "a  c"]),
    "line tokens": ('start: line+\nline: TEXT "\\n"\nTEXT: /[^\\n]+/\n', "lalr", ["a\nb\n", "a\n\n", "abc\n", "a"]),
    "multi-line tokens": ('start: BLOCK+\nBLOCK: /<[^>]*>/\n%ignore /\\s+/\n', "lalr",
                          ["<a\nb> <c>", "<\n>\n<x>", "<a", "<>\n\n", "<a\n\n>x"]),
    "comments ignored": (
        'start: (NAME ";")*\nNAME: /[a-z]+/\nCOMMENT: /#[^\\n]*/\n%ignore COMMENT\n%ignore /[ \\n]+/\n',
        "lalr",
        ["a; b;", "a; # x\n b;", "#c\n", "a;#", "a #x\n;"],
    ),
    "zero-width terminal made optional": (
        'start: "*** Begin Patch\\n" line* "*** End Patch"\nline: "+" LINE "\\n"\nLINE: /(.*)/\n',
        "lalr",
        ["*** Begin Patch\n+hello\n+\n*** End Patch", "*** Begin Patch\nhello\n*** End Patch"],
    ),
    "common numbers": ('start: NUMBER ("," NUMBER)*\n%import common.NUMBER\n', "lalr",
                       ["1.5", "1e5,2", ".5,1.", "1,,2", "1.2.3"]),
    "string alternatives": ('start: OP+\nOP: "<" | "<=" | "<>" | "="\n', "lalr", ["<=", "<<=", "<>=", "==<"]),
    "literal prefixes": ('start: ("a" | "ab" | "abc")+\n', "lalr", ["abc", "aab", "abab", "abca", "abcabc"]),
    "json-like": (
        'start: value\n?value: dict | list | STRING | NUMBER | "true" -> t | "null" -> n\n'
        'list: "[" [value ("," value)*] "]"\ndict: "{" [pair ("," pair)*] "}"\npair: STRING ":" value\n'
        'STRING: /"[^"]*"/\nNUMBER: /-?[0-9]+/\n%ignore /[ \\t\\n]+/\n',
        "lalr",
        ['{"a": [1, 2, {"b": null}], "c": true}', "[]", "{}", "[1,]", '{"a" 1}', " [ 1 , 2 ] "],
    ),
    "left-recursive start": ('start: start "x" | "y"\n%ignore " "\n', "lalr", ["y", "yx", "y x x ", "x"]),
    "dangling else": (
        'start: stmt\nstmt: "if" "c" stmt | "if" "c" stmt "else" stmt | "s"\n%ignore " "\n',
        "glr",
        ["if c s", "if c if c s else s", "s", "if c s else", "if c if c s else s else s"],
    ),
    "OpenAI math_exp": (
        'start: expr\nexpr: term (SP ADD SP term)* -> add\n    | term\nterm: NUMBER\nADD: "+"\nSP: " "\n'
        "NUMBER: /[0-9]{1,10}/\n",
        "glr",
        ["1 + 2 + 3", "7", "1 +", "+ 1"],
    ),
    "names with dashes": ('start: my-rule\nmy-rule: "x" MY-TOKEN\nMY-TOKEN: /[0-9]{1,3}/\n', "lalr", ["x12", "x", "x1234"]),
    "brace repetition": ('start: item{2,3} item{1,}\nitem: "a"\n', "glr", ["aaa", "aaaaa", "a", "aa"]),
}


@pytest.mark.parametrize("name", HARD)
def test_hard_cases_agree(name):
    grammar, kind, inputs = HARD[name]
    parser = LocalParser(grammar)
    assert parser.parser == kind
    try:
        generated = generate(grammar, n=20, seed=name, max_bytes=80).samples
    except Exception:  # pragma: no cover - a grammar llguidance cannot sample
        generated = []
    rng = random.Random(name)
    texts = inputs + generated
    texts += [m for t in texts for m in _mutations(rng, t, 3)]
    done = _assert_agree(parser, texts, may_fall_back=True)
    assert sum(not c.fell_back for c in done) >= len(done) // 2


def test_positions_of_tokens_across_lines():
    parser = LocalParser(HARD["multi-line tokens"][0])
    tree = parser.parse("<a\nb>\n <c\n>")
    first, second = tree.children
    # Earley's scanner: end_line/end_column are those of the last character (+1 column).
    assert (first.line, first.column, first.end_line, first.end_column, first.end_pos) == (1, 1, 2, 3, 5)
    assert (second.line, second.column, second.end_line, second.end_column) == (3, 2, 4, 2)
    assert signature(tree) == signature(parser._parse_earley("<a\nb>\n <c\n>"))


def test_rejection_matches_earley_wording():
    parser = LocalParser((ROOT / "grammars" / "sql_select.lark").read_text(encoding="utf-8"))
    with pytest.raises(InputRejected) as info:
        parser.parse("SELECT a FROM t WHERE b = 1 XOR c = 2")
    err = info.value
    assert (err.line, err.column, err.found) == (1, 29, "X")
    assert err.expected == ['"AND"', '"LIMIT"', '"OR"', '"ORDER BY"']
    assert compare(parser, "SELECT a FROM t WHERE b = 1 XOR c = 2").agrees


# ---------------------------------------------------------------- falling back to Earley


def test_an_ambiguous_input_is_handed_to_earley():
    parser = LocalParser(HARD["keyword and identifier tie"][0])
    assert parser.parser == "lalr"
    assert parser._fast.parse("x y") is not FALLBACK
    # "iffy" is KW "if" + ID "fy" or ID "iffy": Earley's ambiguity="resolve" picks.
    assert parser._fast.parse("iffy") is FALLBACK
    assert signature(parser.parse("iffy")) == signature(parser._parse_earley("iffy"))


def test_too_many_alternatives_are_handed_to_earley():
    # Every "a" is A or B: 2**n ways; the stacks outgrow MAX_STACKS long before the end.
    parser = LocalParser('start: (A | B)+ "!"\nA: "a"\nB: /a/\n')
    text = "a" * 40 + "!"
    assert parser._fast.parse(text) is FALLBACK
    assert isinstance(parser.parse(text), Tree)
    with pytest.raises(Rejected) as info:  # a rejection is still the fast parser's
        parser._fast.parse("a" * 3 + "?")
    assert info.value.pos == 3


@pytest.mark.parametrize(
    "grammar, reason",
    [
        ('start: e\ne: e "+" e | "1"\n', "rule e is ambiguous: `e: e PLUS e` is both left- and right-recursive"),
        ('start: e\ne: e "!" | "-" e | "1"\n', "rule e is ambiguous: `e: e BANG` is left-recursive and `e: MINUS e` right-recursive"),
        ('start: a\na: b | "x"\nb: a | "y"\n', "the grammar has a cycle (a rule derives itself and nothing else)"),
        ('start: a\na: b a "x" | "y"\nb: "z"?\n', "rule a is left-recursive behind a part that can be empty (hidden left recursion)"),
    ],
)
def test_grammars_kept_on_earley(grammar, reason):
    parser = LocalParser(grammar)
    assert (parser.parser, parser.analysis.reason) == ("earley", reason)
    assert parser._fast is None


def test_earley_can_be_asked_for():
    grammar = (ROOT / "grammars" / "arithmetic.lark").read_text(encoding="utf-8")
    slow = LocalParser(grammar, parser="earley")
    assert slow.parser == "earley" and slow._fast is None
    fast = LocalParser(grammar)
    for text in ["1 + 2*3", "(1", "-(2 - 5) / 2"]:
        try:
            expected = signature(slow.parse(text))
        except InputRejected as exc:
            expected = exc.to_dict()
        try:
            got = signature(fast.parse(text))
        except InputRejected as exc:
            got = exc.to_dict()
        assert got == expected
    with pytest.raises(ValueError):
        LocalParser(grammar, parser="lalr")


def test_custom_tool_says_which_parser():
    from grammarkit.runtime.tool import CustomTool

    assert CustomTool.from_file(ROOT / "grammars" / "arithmetic.lark").parser == "glr"
    assert CustomTool.from_file(ROOT / "grammars" / "cron.lark").parser == "lalr"
    assert CustomTool.from_file(ROOT / "grammars" / "timestamp.regex").parser is None
    assert CustomTool("cyclic", 'start: a\na: b | "x"\nb: a | "y"\n').parser == "earley"


# ---------------------------------------------------------------- the lexer's shortcut


@pytest.mark.parametrize("path", LARK_GRAMMARS, ids=lambda p: p.stem)
def test_first_character_filter_never_hides_a_match(path):
    """The lexer tries a terminal only where its regex can start with the character
    there; every match the regex finds in real inputs must start with such a character."""
    grammar = path.read_text(encoding="utf-8")
    fast = LocalParser(grammar)._fast
    texts = _samples(path) + generate(grammar, n=20, seed=1, max_bytes=120).samples
    for name, rx in fast.regexps.items():
        first = lr_parser._first_chars(rx)
        if first is None:
            continue
        for text in texts:
            for pos in range(len(text)):
                if rx.match(text, pos) is not None and ord(text[pos]) < 128:
                    assert text[pos] in first, (name, text, pos)


# ---------------------------------------------------------------- GK245 ambiguous-recursion

from grammarkit.lint.registry import get_rule  # noqa: E402
from grammarkit.lint.runner import lint_text  # noqa: E402
from grammarkit.local import ambiguity  # noqa: E402
from grammarkit.rules import ambiguous_recursion as gk245  # noqa: E402


def _gk245(text: str) -> list:
    return [d for d in lint_text(text, syntax="lark").diagnostics if d.code == "GK245"]


@pytest.fixture
def synthetic_cost(monkeypatch):
    """Parse times made up from the input length (cost = length ** exponent * 1e-6 s), so
    the rule's decisions are tested without timing (or running) the slow parses."""

    def use(exponent: float, scale: float = 1e-6):
        def fake(parser, text):
            return len(text) ** exponent * scale

        monkeypatch.setattr(ambiguity, "_time_parse", fake)

    return use


def test_gk245_is_registered_and_documented():
    rule = get_rule("GK245")
    assert (rule.name, rule.severity.value, rule.syntaxes) == ("ambiguous-recursion", "warning", ("lark",))


def test_gk245_documented_example_fires():
    """End to end, with real measurements: this grammar's local parse grows far faster
    than the 1.5th power (about the cube of the length)."""
    example = textwrap.dedent(get_rule("GK245").doc.split("**Example.**", 1)[1].split("**Fix.**", 1)[0]).strip()
    (d,) = _gk245(example + "\n")
    assert (d.line, d.column) == (2, 1)
    assert d.message.startswith("rule expr is ambiguous ('0+0+0' parses two ways): the local parser must use Earley")
    assert "(max_input_chars)" in d.message or "(measured)" in d.message
    assert d.hint.startswith("make expr's recursion one-sided")


def test_gk245_reports_the_growth_and_the_cost_at_the_limit(synthetic_cost):
    synthetic_cost(3.0)
    (d,) = _gk245('start: expr\nexpr: expr "+" expr | NUMBER\nNUMBER: /[0-9]{1,9}/\n')
    # k doubles from 2 until a parse takes 0.25 s: "0" + "+0" * k, 65 characters at k = 32
    # (65**3 µs = 0.27 s); 0.27 s * (16,000 / 65)**3 = 4.1 million s.
    assert d.message == (
        "rule expr is ambiguous ('0+0+0' parses two ways): the local parser must use Earley, whose work "
        "grows as n^3.0 on such input: 0.3 s at 65 characters, about 47 days at 16,000 (max_input_chars)"
    )


def test_gk245_measures_at_the_limit_when_it_can(synthetic_cost):
    synthetic_cost(1.5, scale=1e-8)  # 16,000 characters cost 20 ms: measured, not extrapolated
    (d,) = _gk245('start: expr\nexpr: expr "+" expr | NUMBER\nNUMBER: /[0-9]{1,9}/\n')
    assert d.message.endswith(
        "grows as n^1.5 on such input: 20 ms at 15,999 characters (measured; max_input_chars is 16,000)"
    )


def test_gk245_prefix_and_postfix(synthetic_cost):
    synthetic_cost(2.0)
    (d,) = _gk245('start: e\ne: e "!" | "-" e | NUM\nNUM: /[0-9]{1,5}/\n')
    assert d.message.startswith("rule e is ambiguous ('--0!!' parses two ways)")
    assert "n^2.0" in d.message
    assert d.hint == 'put the prefix and the postfix forms on different levels: `e: PREFIX e | post` and `post: post POSTFIX | item`'


def test_gk245_names_and_context(synthetic_cost):
    synthetic_cost(2.5)
    text = 'start: "let x = " my-sum ";"\nmy-sum: my-sum "+" my-sum | N\nN: /[0-9]{1,3}/\n'
    (d,) = _gk245(text)
    assert (d.line, d.column) == (2, 1)
    assert d.message.startswith("rule my-sum is ambiguous ('let x = 0+0+0;' parses two ways)")


@pytest.mark.parametrize(
    "text",
    [
        'start: e\ne: e "+" e | "1"\n',
        'start: expr\nexpr: expr "*" expr | "(" expr ")" | N\nN: /[0-9]/\n%ignore " "\n',
    ],
)
def test_gk245_silent_below_the_growth_threshold(synthetic_cost, text):
    synthetic_cost(1.2)  # as if Earley stayed near-linear: no claim
    assert _gk245(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # The lexer glues "000" into one NUM: no input parses two ways.
        'start: e\ne: e e | NUM\nNUM: /[0-9]+/\n',
        'start: many\nmany: many one | one\none: "a"\n',  # left recursion only
        'start: list\nlist: item "," list | item\nitem: /[a-z]{1,8}/\n',  # right recursion only
        'start: x\nx: "a" x "b" | "c"\n',  # recursion in the middle
        'start: e\ne: t "+" e | t\nt: t "*" f | f\nf: /[0-9]/\n',  # one-sided on each level
        'start: %json {"type": "string"}\n',  # no local parser
    ],
)
def test_gk245_silent(synthetic_cost, text):
    synthetic_cost(3.0)  # it would fire if it measured anything
    assert _gk245(text) == []


@pytest.mark.parametrize(
    "path",
    LARK_GRAMMARS + sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark")),
    ids=lambda p: p.name,
)
def test_gk245_silent_on_bundled_and_clean_grammars(path, synthetic_cost):
    synthetic_cost(3.0)
    assert _gk245(path.read_text(encoding="utf-8")) == []


def test_ambiguity_witness_is_checked_on_the_local_parser():
    parser = LocalParser('start: "[" e "]"\ne: e "," e | WORD\nWORD: /[a-z]{1,4}/\n')
    strings = ambiguity._Strings(parser._lark)
    amb = lr_parser.ambiguous_recursion(parser._lark.rules)
    make = strings.inputs(amb)
    assert [make(k) for k in (1, 2, 3)] == ["[a,a]", "[a,a,a]", "[a,a,a,a]"]
    assert ambiguity._two_parses(parser._lark, make(2))
    glued = LocalParser('start: e\ne: e e | NUM\nNUM: /[0-9]+/\n')
    assert ambiguity.ambiguity_cost(glued) is None  # "000" is one token: nothing timed


def test_gk245_duration_wording():
    assert [gk245._duration(s) for s in (0.0123, 0.5, 42, 600, 7200 * 3, 86400 * 5, 86400 * 365 * 10)] == [
        "12 ms", "0.5 s", "42 s", "10 minutes", "6 hours", "5 days", "10 years",
    ]


def test_garbage_collector_state_is_restored():
    import gc

    parser = LocalParser((ROOT / "grammars" / "arithmetic.lark").read_text(encoding="utf-8"))
    long = "+".join(["1"] * (lr_parser.GC_PAUSE_CHARS // 2 + 1))
    assert gc.isenabled()
    assert isinstance(parser.parse(long), Tree)
    assert gc.isenabled()
    gc.disable()
    try:
        parser.parse(long)
        with pytest.raises(InputRejected):
            parser.parse(long + "+")
        assert not gc.isenabled()
    finally:
        gc.enable()
