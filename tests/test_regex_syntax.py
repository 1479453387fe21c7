"""Tests for grammarkit.regex_syntax, with llguidance as the oracle of Rust syntax."""

from __future__ import annotations

import llguidance as llg
import pytest

from grammarkit.regex_syntax import (
    NEST_LIMIT,
    Alternation,
    Anchor,
    Backref,
    Class,
    ClassRange,
    ClassSetOp,
    ClassUnion,
    Concat,
    Dot,
    Empty,
    Group,
    Literal,
    NamedChar,
    Node,
    PerlClass,
    PosixClass,
    RegexSyntaxError,
    Repeat,
    SetFlags,
    UnicodeClass,
    iter_nodes,
    max_length,
    min_length,
    parse,
)

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

_TOKENIZER = llg.LLTokenizer("byte")


def llguidance_accepts(pattern: str) -> bool:
    """Whether llguidance compiles ``pattern`` as a whole "regex" grammar.

    ``grammar_from("regex", ...)`` wraps the pattern in a Lark ``/.../`` literal; in
    doing so (llguidance 1.9.1) it drops a trailing lone backslash and rewrites a raw
    newline as ``\\n``, which changes what verbose-mode comments swallow. The
    differential corpus avoids both.
    """
    grammar = llg.grammar_from("regex", pattern)
    is_error, _messages = llg.LLMatcher.validate_grammar_with_warnings(grammar, _TOKENIZER)
    return not is_error


def nodes_of(pattern: str, cls: type[Node]) -> list[Node]:
    return [n for n in iter_nodes(parse(pattern)) if isinstance(n, cls)]


def only(pattern: str, cls: type[Node]) -> Node:
    found = nodes_of(pattern, cls)
    assert len(found) == 1, found
    return found[0]


def text(pattern: str, node: Node) -> str:
    return pattern[node.start : node.end]


# ---------------------------------------------------------------------------
# the differential corpus
# ---------------------------------------------------------------------------

# Valid Rust syntax (llguidance may still reject some, e.g. \b, which it cannot run).
RUST_VALID = [
    "",
    "a",
    "abc",
    "a|b|c",
    "a||b",
    "|",
    "()",
    "(?:)",
    "(a)(b)",
    "(?:a|b)*",
    "a*",
    "a+",
    "a?",
    "a*?",
    "a+?",
    "a??",
    "a{3}",
    "a{3,}",
    "a{2,5}",
    "a{2,5}?",
    "a{ 2 , 5 }",
    "a{1, 2}",
    "x{4294967295}",
    "a**",
    "a*+",
    "a?+",
    "a{2}+",
    "a*?+",
    "x{2}{3}",
    "()*",
    ".",
    "^a$",
    r"\A\z",
    r"\b",
    r"\B",
    r"\<",
    r"\>",
    r"\b{start}",
    r"\b{end}",
    r"\b{start-half}",
    r"\b{end-half}",
    r"\b{2}",
    "^*",
    r"\d\D\w\W\s\S",
    r"\pL",
    r"\PL",
    r"\pN",
    r"\p{Greek}",
    r"\P{Greek}",
    r"\p{Script=Greek}",
    r"\p{ Greek }",
    r"\x41",
    r"\x{41}",
    r"\x{10FFFF}",
    r"\u0041",
    r"\u{41}",
    r"\U00000041",
    r"\U{1F600}",
    r"\xFF",
    r"\n\t\r\f\v\a",
    r"\.\*\+\?\(\)\[\]\{\}\|\^\$\#\&\-\~\\",
    r"\ \%\/\!\@\"\'\,\;\:\=\_\`",
    "[a]",
    "[abc]",
    "[a-z]",
    "[^a-z]",
    "[a-zA-Z0-9_]",
    "[]a]",
    "[^]a]",
    "[-a]",
    "[a-]",
    "[--a]",
    "[a-z-9]",
    r"[\]]",
    r"[\-]",
    r"[\x41-\x5A]",
    r"[\d\s]",
    r"[\pL\p{Greek}]",
    "[.*+?(){}|^$]",
    "[(?=]",
    "[*?]",
    "[[:alpha:]]",
    "[[:^alpha:]]",
    "[[:alpha:][:digit:]]",
    "[[:foo:]]",
    "[:alpha:]",
    "[a[b]]",
    "[a-z&&[^aeiou]]",
    "[a-z--[aeiou]]",
    "[a-z~~m-q]",
    "[a&&b&&c]",
    "[a&&b--c]",
    "[&&a]",
    "[a&&]",
    "[a&&b]",
    "[~a]",
    "(?i)a",
    "(?i)",
    "(?R)",
    "(?u)a",
    "(?i-s)a",
    "(?imsUuxR)a",
    "(?i:a)",
    "(?-i:a)",
    "(?s-x:.)",
    "(?U)a*",
    "(?U)a*?",
    "(?x) a b c",
    "(?x) a b # comment",
    "(?x)a{ 1 , 2 }",
    "(?x)a{1}  ?",
    "(?x)a* ?",
    "(?x)[ a - c ]",
    r"(?x)\x 4 1",
    r"(?x)\ ",
    "(?x)( ?:a)",
    "(?x:a b)c",
    "(?P<name>a)",
    "(?<name>a)",
    "(?P<a_1>x)(?P<b>y)",
    "(?<a.b[0]>x)",
    r"\(?=x",
    r"a\*?",
    r"\(?<=x\)",
    r"\[?=x\]",
    "a{1000}",
    "[a-z]{2,5}(?:,[a-z]{2,5})*",
    r"\d{3}-\d{4}",
    r"[A-Za-z_][A-Za-z0-9_]*",
    r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?",
    r'"([^"\\]|\\.)*"',
    "(a|b)*c(d|e)+",
    "(?i)(?:select|insert)\\s+\\w+",
    "é+ü",
    "日本語",
    "😀{2}",
    "(?-u:a)",
]

# Malformed in Rust and not representable: parse() must raise, llguidance must reject.
MALFORMED = [
    "(",
    "(a",
    "((a)",
    ")",
    "a)",
    "(a))",
    "[",
    "[a",
    "[]",
    "[^]",
    "[a-",
    "[[a]",
    "*",
    "+a",
    "?",
    "a|*",
    "(*)",
    "(?i)*",
    "(?)",
    "{",
    "{a",
    "a{",
    "a{1",
    "a{x}",
    "a{}",
    "a{ }",
    "a{,}",
    "a{1,x}",
    "x{2,1}",
    "x{4294967296}",
    r"\y",
    r"\e",
    r"\Q",
    r"\Qa\E",
    r"\é",
    r"\x",
    r"\x4",
    r"\xG1",
    r"\x{}",
    r"\x{D800}",
    r"\x{110000}",
    r"\uD800",
    r"\u{zz}",
    r"\p",
    r"\p{",
    r"\p{Greek",
    r"\p\d",
    r"\b{foo}",
    r"\b{start",
    r"\b{",
    r"\k",
    r"\k{a}",
    r"\g",
    r"\N",
    "(?ii)",
    "(?i-i)",
    "(?--i)",
    "(?i-)",
    "(?-:a)",
    "(?a)",
    "(?L)",
    "(?z:a)",
    "(?1)",
    "(?P>n)",
    "(?i x)",
    "(?x)(?i :a)",
    "(?P<1a>x)",
    "(?P<>x)",
    "(?P<a",
    "(?<a b>x)",
    "(?P<a>x)(?P<a>y)",
    "[z-a]",
    r"[a-\d]",
    r"[\d-z]",
    r"[\b]",
    r"[\A]",
    r"[\b{start}]",
    r"[\8]",
    "(?#unclosed",
    "(?P=n",
]

# Python-only and PCRE-only constructs that parse() represents, as
# (pattern, what the tree must hold, whether llguidance 1.9.1 accepts it).
# A tree has an `unsupported` node exactly when llguidance rejects the pattern.
UNSUPPORTED: list[tuple[str, str, bool]] = [
    ("(?=a)", "lookahead", False),
    ("(?!a)", "neg_lookahead", False),
    ("(?<=a)b", "lookbehind", False),
    ("(?<!a)b", "neg_lookbehind", False),
    ("(?>a+)", "atomic", False),
    ("(?#note)a", "comment", False),
    ("(a)?(?(1)b|c)", "conditional", False),
    (r"(a)\1", "backref", False),
    (r"(?P<n>a)(?P=n)", "backref", False),
    (r"(?<n>a)\k<n>", "backref", False),
    (r"(?P<n>a)\g<n>", "backref", False),
    (r"a\Z", "python_Z", False),
    (r"\N{EM DASH}", "named_char", False),
    (r"\0", "octal", False),
    (r"\141", "octal", False),
    (r"[\1]", "octal", False),
    (r"\p{^Greek}", "caret", False),
    # llguidance 1.9.1 rejects {,n} ("repetition quantifier expects a valid decimal"):
    # the crate's `empty_min_range` option is off there.
    ("a{,3}", "{,n}", False),
    # Possessive in Python 3.11+, but Rust reads `a*+` as `(a*)+`, which compiles.
    ("a*+", "possessive", True),
    ("a?+", "possessive", True),
    ("a{2}+", "possessive", True),
]

# Look-alikes that must not be mistaken for lookarounds or lazy quantifiers.
TRAPS = [
    "[(?=]",
    "[(?!]",
    "[(?<=]",
    r"\(?=x",
    r"\(?!x",
    r"\(?<=x",
    r"a\*?",
    r"a\+?",
    r"a\??",
    r"a\}?",
    "(?<name>x)",
    "(?P<name>x)",
    "(?i)a",
    "(?:a)",
    "[*?]",
    "[+?]",
    "[a*?]",
    "(?x)a* ?",
    r"[\]*?]",
    "(?U)(?-U)a*",
]


def _differential_corpus() -> list[str]:
    return RUST_VALID + MALFORMED + [p for p, _, _ in UNSUPPORTED] + TRAPS


@pytest.mark.parametrize("pattern", _differential_corpus())
def test_differential_against_llguidance(pattern: str) -> None:
    """parse() raises only if llguidance rejects; llguidance accepts only if parse() works."""
    # (llguidance may reject valid syntax it cannot run, such as \b: that is fine.)
    try:
        parse(pattern)
    except RegexSyntaxError as err:
        assert not llguidance_accepts(pattern), f"we reject ({err}) but llguidance accepts"
        assert 0 <= err.offset < err.end <= len(pattern) + 1


def test_corpus_size() -> None:
    assert len(set(_differential_corpus())) >= 100


@pytest.mark.parametrize("pattern", RUST_VALID + TRAPS)
def test_valid_rust_syntax_parses(pattern: str) -> None:
    tree = parse(pattern)
    assert not any(n.unsupported for n in iter_nodes(tree)), pattern


@pytest.mark.parametrize("pattern", MALFORMED)
def test_malformed_raises(pattern: str) -> None:
    with pytest.raises(RegexSyntaxError):
        parse(pattern)


def _has(tree: Node, what: str) -> bool:
    for n in iter_nodes(tree):
        if isinstance(n, Group) and n.kind == what:
            return True
        if what == "backref" and isinstance(n, Backref):
            return True
        if what == "python_Z" and isinstance(n, Anchor) and n.kind == "python_Z":
            return True
        if what == "named_char" and isinstance(n, NamedChar):
            return True
        if what == "octal" and isinstance(n, Literal) and n.form == "octal":
            return True
        if what == "caret" and isinstance(n, UnicodeClass) and n.caret:
            return True
        if what == "{,n}" and isinstance(n, Repeat) and n.form == "{,n}":
            return True
        if what == "possessive" and isinstance(n, Repeat) and n.possessive:
            return True
    return False


@pytest.mark.parametrize(("pattern", "what", "llg_accepts"), UNSUPPORTED)
def test_unsupported_constructs_are_represented(pattern: str, what: str, llg_accepts: bool) -> None:
    tree = parse(pattern)
    assert _has(tree, what)
    flagged = [n for n in iter_nodes(tree) if n.unsupported]
    assert bool(flagged) is not llg_accepts
    assert llguidance_accepts(pattern) is llg_accepts


def test_lazy_quantifiers_compile_in_llguidance() -> None:
    # llguidance matches whole lexemes, so laziness has no effect, but it compiles.
    assert llguidance_accepts("a*?b")
    assert llguidance_accepts("(?U)a*")


# ---------------------------------------------------------------------------
# traps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", TRAPS)
def test_traps_are_not_lookarounds_or_lazy(pattern: str) -> None:
    for n in iter_nodes(parse(pattern)):
        if isinstance(n, Group):
            assert not n.is_lookaround and not n.unsupported, (pattern, n)
        if isinstance(n, Repeat):
            assert n.greedy and not n.lazy_suffix and not n.possessive, (pattern, n)


def test_class_lookalike_is_a_class() -> None:
    tree = parse("[(?=]")
    assert isinstance(tree, Class)
    assert [item.char for item in tree.items if isinstance(item, Literal)] == ["(", "?", "="]


def test_escaped_paren_then_optional() -> None:
    tree = parse(r"\(?=x")
    assert isinstance(tree, Concat)
    rep = tree.items[0]
    assert isinstance(rep, Repeat) and (rep.min, rep.max) == (0, 1) and rep.greedy
    assert isinstance(rep.child, Literal) and rep.child.char == "(" and rep.child.escaped
    assert (rep.op_start, rep.op_end) == (2, 3)


def test_escaped_star_made_optional_is_not_lazy() -> None:
    rep = only(r"a\*?", Repeat)
    assert isinstance(rep, Repeat)
    assert rep.greedy and not rep.lazy_suffix
    assert isinstance(rep.child, Literal) and rep.child.char == "*"
    assert (rep.start, rep.end, rep.op_start, rep.op_end) == (1, 4, 3, 4)


def test_named_group_is_not_lookbehind() -> None:
    group = only("(?<name>x)", Group)
    assert isinstance(group, Group)
    assert group.kind == "named" and group.name == "name" and group.index == 1
    assert not group.unsupported


# ---------------------------------------------------------------------------
# offsets
# ---------------------------------------------------------------------------


def test_lookaround_offsets() -> None:
    pattern = "a(?=bc)d(?<!x)(?!y)(?<=z)"
    groups = nodes_of(pattern, Group)
    got = [(g.kind, g.start, g.open_end, g.end) for g in groups if isinstance(g, Group)]
    assert got == [
        ("lookahead", 1, 4, 7),
        ("neg_lookbehind", 8, 12, 14),
        ("neg_lookahead", 14, 17, 19),
        ("lookbehind", 19, 23, 25),
    ]
    assert all(g.unsupported and g.is_lookaround for g in groups if isinstance(g, Group))
    first = groups[0]
    assert isinstance(first, Group) and text(pattern, first.child) == "bc"


def test_lazy_quantifier_offsets() -> None:
    pattern = "ab*?c+?d??e{2,3}?f{4}g"
    reps = [r for r in nodes_of(pattern, Repeat) if isinstance(r, Repeat)]
    assert [(text(pattern, r), r.op_start, r.op_end, r.greedy) for r in reps] == [
        ("b*?", 2, 4, False),
        ("c+?", 5, 7, False),
        ("d??", 8, 10, False),
        ("e{2,3}?", 11, 17, False),
        ("f{4}", 18, 21, True),
    ]
    assert all(r.lazy_suffix for r in reps[:4]) and not reps[4].lazy_suffix
    assert [(r.min, r.max, r.form) for r in reps] == [
        (0, None, "*"),
        (1, None, "+"),
        (0, 1, "?"),
        (2, 3, "{m,n}"),
        (4, 4, "{m}"),
    ]


def test_group_offsets_and_kinds() -> None:
    pattern = "(a)(?:b)(?P<n>c)(?<m>d)(?i-s:e)(?>f)(?#g)"
    groups = [g for g in nodes_of(pattern, Group) if isinstance(g, Group)]
    assert [(g.kind, text(pattern, g), pattern[g.start : g.open_end]) for g in groups] == [
        ("capture", "(a)", "("),
        ("noncapture", "(?:b)", "(?:"),
        ("named", "(?P<n>c)", "(?P<n>"),
        ("named", "(?<m>d)", "(?<m>"),
        ("flags", "(?i-s:e)", "(?i-s:"),
        ("atomic", "(?>f)", "(?>"),
        ("comment", "(?#g)", "(?#g)"),
    ]
    assert [g.index for g in groups] == [1, None, 2, 3, None, None, None]
    assert groups[4].flags == "i-s"
    assert groups[6].name == "g"
    assert [g.unsupported for g in groups] == [False] * 5 + [True] * 2


def test_conditional_group() -> None:
    groups = [g for g in nodes_of("(a)?(?(1)b|cd)", Group) if isinstance(g, Group)]
    cond = groups[1]
    assert (cond.kind, cond.name, cond.start, cond.open_end, cond.end) == (
        "conditional",
        "1",
        4,
        9,
        14,
    )
    assert isinstance(cond.child, Alternation)


def test_literal_offsets_and_forms() -> None:
    pattern = r"a\.\n\x41\x{1F600}\u0042é"
    tree = parse(pattern)
    assert isinstance(tree, Concat)
    got = [(text(pattern, n), n.char, n.form) for n in tree.items if isinstance(n, Literal)]
    assert got == [
        ("a", "a", "verbatim"),
        (r"\.", ".", "escaped"),
        (r"\n", "\n", "special"),
        (r"\x41", "A", "hex"),
        (r"\x{1F600}", "\U0001f600", "hex"),
        (r"\u0042", "B", "hex"),
        ("é", "é", "verbatim"),
    ]


def test_offsets_count_code_points() -> None:
    pattern = "😀(?=é)"
    group = only(pattern, Group)
    assert (group.start, group.end) == (1, 6)


def test_anchors() -> None:
    pattern = r"^\A\z$\b\B\<\>\b{start}\b{end}\b{start-half}\b{end-half}\Z"
    kinds = [(n.kind, text(pattern, n)) for n in nodes_of(pattern, Anchor) if isinstance(n, Anchor)]
    assert kinds == [
        ("start", "^"),
        ("start_text", r"\A"),
        ("end_text", r"\z"),
        ("end", "$"),
        ("word_boundary", r"\b"),
        ("not_word_boundary", r"\B"),
        ("word_start", r"\<"),
        ("word_end", r"\>"),
        ("word_start", r"\b{start}"),
        ("word_end", r"\b{end}"),
        ("word_start_half", r"\b{start-half}"),
        ("word_end_half", r"\b{end-half}"),
        ("python_Z", r"\Z"),
    ]
    assert [n.unsupported for n in nodes_of(pattern, Anchor)] == [False] * 12 + [True]


def test_word_boundary_then_counted_repetition() -> None:
    rep = only(r"\b{2}", Repeat)
    assert isinstance(rep, Repeat) and isinstance(rep.child, Anchor) and rep.min == 2


def test_perl_and_unicode_classes() -> None:
    pattern = r"\d\D\pL\PL\p{Greek}\P{Script=Greek}\p{^Greek}"
    perl = [(n.letter, n.negated) for n in nodes_of(pattern, PerlClass) if isinstance(n, PerlClass)]
    assert perl == [("d", False), ("d", True)]
    uni = [
        (n.name, n.negated, n.caret, text(pattern, n))
        for n in nodes_of(pattern, UnicodeClass)
        if isinstance(n, UnicodeClass)
    ]
    assert uni == [
        ("L", False, False, r"\pL"),
        ("L", True, False, r"\PL"),
        ("Greek", False, False, r"\p{Greek}"),
        ("Script=Greek", True, False, r"\P{Script=Greek}"),
        ("Greek", True, True, r"\p{^Greek}"),
    ]


def test_class_structure() -> None:
    pattern = r"[^]a-c\d[:alpha:][x]-]"
    cls = parse(pattern)
    assert isinstance(cls, Class) and cls.negated and (cls.start, cls.end) == (0, len(pattern))
    kinds = [type(i).__name__ for i in cls.items]
    assert kinds == ["Literal", "ClassRange", "PerlClass", "PosixClass", "Class", "Literal"]
    rng = cls.items[1]
    assert isinstance(rng, ClassRange) and (rng.lo.char, rng.hi.char) == ("a", "c")
    assert text(pattern, rng) == "a-c"
    posix = cls.items[3]
    assert (
        isinstance(posix, PosixClass)
        and posix.name == "alpha"
        and text(pattern, posix) == "[:alpha:]"
    )


def test_class_set_operations_are_left_associative() -> None:
    pattern = "[a-z&&[^aeiou]--x]"
    cls = parse(pattern)
    assert isinstance(cls, Class) and len(cls.items) == 1
    outer = cls.items[0]
    assert isinstance(outer, ClassSetOp) and outer.op == "--" and outer.op_start == 14
    assert isinstance(outer.lhs, ClassSetOp) and outer.lhs.op == "&&"
    assert isinstance(outer.rhs, ClassUnion) and text(pattern, outer.rhs) == "x"
    assert text(pattern, outer.lhs) == "a-z&&[^aeiou]"


def test_posix_class_only_inside_a_class() -> None:
    cls = parse("[:alpha:]")
    assert isinstance(cls, Class)
    assert not any(isinstance(i, PosixClass) for i in cls.items)


def test_nested_class_is_nested_not_literal_bracket() -> None:
    cls = parse("[a[b]]")
    assert isinstance(cls, Class) and isinstance(cls.items[1], Class)


def test_alternation_and_empty() -> None:
    tree = parse("a||b")
    assert isinstance(tree, Alternation)
    assert [type(b) for b in tree.branches] == [Literal, Empty, Literal]
    assert (tree.branches[1].start, tree.branches[1].end) == (2, 2)
    assert isinstance(parse(""), Empty)
    group = parse("()")
    assert isinstance(group, Group) and isinstance(group.child, Empty)


def test_set_flags() -> None:
    pattern = "a(?i-s)b"
    flags = only(pattern, SetFlags)
    assert isinstance(flags, SetFlags) and flags.flags == "i-s" and text(pattern, flags) == "(?i-s)"


def test_backreferences() -> None:
    pattern = r"(?P<n>a)\1(?P=n)\k<n>\g<n>"
    refs = [
        (b.ref, b.form, text(pattern, b))
        for b in nodes_of(pattern, Backref)
        if isinstance(b, Backref)
    ]
    assert refs == [
        ("1", "\\N", r"\1"),
        ("n", "(?P=", "(?P=n)"),
        ("n", "\\k", r"\k<n>"),
        ("n", "\\g", r"\g<n>"),
    ]


def test_named_char() -> None:
    node = parse(r"\N{EM DASH}")
    assert isinstance(node, NamedChar) and node.char == "\u2014" and node.unsupported


def test_dot() -> None:
    assert isinstance(parse("."), Dot)


# ---------------------------------------------------------------------------
# quantifier details: possessive, {,n}, swap-greed
# ---------------------------------------------------------------------------


def test_possessive_is_rusts_nested_repetition() -> None:
    pattern = "xa*+"
    outer = parse(pattern)
    assert isinstance(outer, Concat)
    rep = outer.items[1]
    assert isinstance(rep, Repeat) and rep.possessive and not rep.unsupported
    assert (rep.op_start, rep.op_end) == (2, 4)  # the whole `*+`
    assert isinstance(rep.child, Repeat) and not rep.child.possessive
    assert (rep.child.op_start, rep.child.op_end) == (2, 3)
    # Rust runs (a?)+, so the length is unbounded, not 1.
    assert max_length(parse("a?+")) is None


def test_stacked_quantifiers_are_not_possessive() -> None:
    assert not any(r.possessive for r in nodes_of("a**", Repeat) if isinstance(r, Repeat))
    assert not any(r.possessive for r in nodes_of("a*?+", Repeat) if isinstance(r, Repeat))


def test_empty_min_range() -> None:
    rep = parse("a{,3}")
    assert isinstance(rep, Repeat)
    assert (rep.min, rep.max, rep.form, rep.unsupported) == (0, 3, "{,n}", True)
    assert (rep.op_start, rep.op_end) == (1, 5)


def test_swap_greed_flag() -> None:
    pattern = "(?U)a*b*?((?-U)c*)d+"
    reps = {text(pattern, r)[0]: r for r in nodes_of(pattern, Repeat) if isinstance(r, Repeat)}
    a, b, c, d = reps["a"], reps["b"], reps["c"], reps["d"]
    assert (a.greedy, a.lazy_suffix, a.lazy_by_flag) == (False, False, True)
    assert (b.greedy, b.lazy_suffix, b.lazy_by_flag) == (True, True, False)
    assert (c.greedy, c.lazy_by_flag) == (True, False)
    assert (d.greedy, d.lazy_by_flag) == (False, True)


def test_swap_greed_is_scoped_to_its_group() -> None:
    pattern = "((?U)a*)b*(?U:c*)e*"
    reps = {text(pattern, r)[0]: r for r in nodes_of(pattern, Repeat) if isinstance(r, Repeat)}
    assert not reps["a"].greedy and reps["a"].lazy_by_flag
    assert reps["b"].greedy
    assert not reps["c"].greedy
    assert reps["e"].greedy


# ---------------------------------------------------------------------------
# verbose mode
# ---------------------------------------------------------------------------


def test_verbose_mode_ignores_whitespace_and_comments() -> None:
    pattern = "(?x) a b # comment\n c"
    chars = [n.char for n in nodes_of(pattern, Literal) if isinstance(n, Literal)]
    assert chars == ["a", "b", "c"]
    c = nodes_of(pattern, Literal)[-1]
    assert (c.start, c.end) == (len(pattern) - 1, len(pattern))


def test_verbose_mode_escaped_space_and_classes() -> None:
    assert [n.char for n in nodes_of(r"(?x)a\ b", Literal) if isinstance(n, Literal)] == [
        "a",
        " ",
        "b",
    ]
    cls = parse("(?x)[ a - c ]")
    assert isinstance(cls, Concat)
    rng = cls.items[1]
    assert isinstance(rng, Class) and isinstance(rng.items[0], ClassRange)


def test_verbose_mode_is_scoped() -> None:
    pattern = "(?x: a b ) c"
    chars = [n.char for n in nodes_of(pattern, Literal) if isinstance(n, Literal)]
    assert chars == ["a", "b", " ", "c"]  # the space before `)` is still verbose
    # switched off again inside the scope
    assert [n.char for n in nodes_of("(?x)a (?-x)b c", Literal) if isinstance(n, Literal)] == [
        "a",
        "b",
        " ",
        "c",
    ]


def test_verbose_mode_hash_is_literal_without_x() -> None:
    assert [n.char for n in nodes_of("a#b", Literal) if isinstance(n, Literal)] == ["a", "#", "b"]


def test_verbose_space_before_lazy_marker() -> None:
    # Rust: after `*` the lazy `?` must follow at once; `a* ?` is (a*)?.
    outer = parse("(?x)a* ?")
    assert isinstance(outer, Concat)
    rep = outer.items[1]
    assert isinstance(rep, Repeat) and rep.greedy and isinstance(rep.child, Repeat)
    # ...but after `}` whitespace is skipped first, so this one is lazy.
    lazy = parse("(?x)a{1} ?")
    assert isinstance(lazy, Concat)
    assert isinstance(lazy.items[1], Repeat) and not lazy.items[1].greedy


# ---------------------------------------------------------------------------
# lengths
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "lo", "hi"),
    [
        ("a{2,5}", 2, 5),
        ("a+", 1, None),
        ("(ab|c)?", 0, 2),
        ("[a-z]", 1, 1),
        (r"\d{0}", 0, 0),
        ("x*", 0, None),
        ("(?:)", 0, 0),
        ("a{3,}", 3, None),
        ("", 0, 0),
        ("abc", 3, 3),
        ("a|bc|", 0, 2),
        ("(?:a*){0}", 0, 0),
        ("(?:){3,}", 0, 0),
        ("(?=abc)d", 1, 1),
        ("(?#comment)d", 1, 1),
        (r"^\b$", 0, 0),
        ("(?i)a", 1, 1),
        (r"(a)\1", 1, None),
        ("(a)(?(1)bc)", 1, 3),
        ("(a)(?(1)bc|d)", 2, 3),
        (r"\N{EM DASH}.", 2, 2),
        ("[a-z&&b]", 1, 1),
        ("a{2}{3}", 6, 6),
        ("a?+", 0, None),
    ],
)
def test_lengths(pattern: str, lo: int, hi: int | None) -> None:
    tree = parse(pattern)
    assert min_length(tree) == lo
    assert max_length(tree) == hi


# ---------------------------------------------------------------------------
# errors, depth and size
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "offset"),
    [
        ("a)", 1),
        ("(a", 0),
        ("x(?:a", 1),
        ("[a", 0),
        ("x[[a]", 1),
        ("*", 0),
        ("a|+", 2),
        ("a{", 1),
        ("a{x}", 2),
        (r"ab\y", 2),
        ("(?ii)", 3),
        ("(?P<a>x)(?P<a>y)", 12),
        ("x{2,1}", 1),
        ("[z-a]", 1),
    ],
)
def test_error_offsets(pattern: str, offset: int) -> None:
    with pytest.raises(RegexSyntaxError) as info:
        parse(pattern)
    assert info.value.offset == offset
    assert info.value.end > info.value.offset
    assert isinstance(info.value, ValueError) and info.value.message


@pytest.mark.parametrize("opener", ["(", "(?:", "[", "(?="])
def test_deep_nesting_raises_instead_of_recursion_error(opener: str) -> None:
    with pytest.raises(RegexSyntaxError, match="nesting"):
        parse(opener * 10000)


def test_deep_repetition_stack_raises() -> None:
    with pytest.raises(RegexSyntaxError, match="nesting"):
        parse("a" + "*" * 10000)


def test_nest_limit_matches_rust() -> None:
    at_limit = "(" * NEST_LIMIT + "a" + ")" * NEST_LIMIT
    over = "(" * (NEST_LIMIT + 1) + "a" + ")" * (NEST_LIMIT + 1)
    with_concat = "(" * NEST_LIMIT + "ab" + ")" * NEST_LIMIT  # the concat is one more level
    parse(at_limit)
    with pytest.raises(RegexSyntaxError):
        parse(over)
    with pytest.raises(RegexSyntaxError):
        parse(with_concat)
    assert llguidance_accepts(at_limit)
    assert not llguidance_accepts(over)
    assert not llguidance_accepts(with_concat)
    classes = "[" * NEST_LIMIT + "a" + "]" * NEST_LIMIT
    parse(classes)
    assert llguidance_accepts(classes)


def test_large_pattern_parses() -> None:
    pattern = "(?:[a-z]+|\\d{2,3}|x*?y)" * 4000 + "a" * 20000
    assert len(pattern) > 100_000
    tree = parse(pattern)
    assert isinstance(tree, Concat)
    assert sum(1 for _ in iter_nodes(tree)) > 40_000
    assert max_length(tree) is None
    assert min_length(parse("a" * 100_000)) == 100_000


# ---------------------------------------------------------------------------
# tree invariants over the corpus
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", RUST_VALID + [p for p, _, _ in UNSUPPORTED] + TRAPS)
def test_spans_nest(pattern: str) -> None:
    tree = parse(pattern)
    assert 0 <= tree.start <= tree.end <= len(pattern)
    for node in iter_nodes(tree):
        for child in node.children():
            assert node.start <= child.start <= child.end <= node.end, (node, child)
        if isinstance(node, Repeat):
            assert node.start <= node.op_start < node.op_end == node.end


def test_iter_nodes_is_preorder() -> None:
    tree = parse("a(b|c)*")
    names = [type(n).__name__ for n in iter_nodes(tree)]
    assert names == ["Concat", "Literal", "Repeat", "Group", "Alternation", "Literal", "Literal"]
