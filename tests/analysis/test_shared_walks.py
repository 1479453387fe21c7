"""The faster computations behind the analyses give what the direct ones give: a
definition's body cut from the grammar's node list is its own walk, the followers
gathered per lexeme are those of every occurrence, and so on, on the bundled grammars
and on generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.analysis import Analysis
from grammarkit.analysis.scoping import Unanalysable, body_nodes, scopes
from grammarkit.reader import model as m
from grammarkit.reader import read_grammar

ROOT = Path(__file__).resolve().parents[2]


def _chain(n: int) -> str:
    return "start: r0\n" + "".join(f'r{i}: "a" r{i + 1}\n' for i in range(n - 1)) + f'r{n - 1}: "a"\n'


def _wide(n: int) -> str:
    return "start: " + " | ".join(f"T{i}" for i in range(n)) + "\n" + "".join(f"T{i}: /[a-z]{{1,8}}/\n" for i in range(n))


def _mixed(groups: int) -> str:
    lines = ['start: command (";" SP? command)~0..50', "command: " + " | ".join(f"cmd{i}" for i in range(groups))]
    for i in range(groups):
        lines.append(f'cmd{i}: "verb{i}" (SP arg{i})*')
        lines.append(f'arg{i}: NAME | NUMBER | STRING | "opt{i}=" value{i}')
        lines.append(f'value{i}: "true" | "false" | NUMBER | "[" [NUMBER ("," NUMBER)*] "]"')
    lines += ['SP: " "', "NAME: /[a-z_][a-z0-9_]{0,31}/", "NUMBER: /[0-9]{1,10}/", 'STRING: /"[^"\\n]{0,64}"/']
    return "\n".join(lines) + "\n"


HANDWRITTEN = [
    'start: a b\na: "x" [b] -> one\n  | "y"\nb[lazy]: /[a-z]+/ ";"\nID: /[a-z]{1,8}/ WS\nWS: /[ \\n]*/\n%ignore WS\n',
    'start: ID "\\n"\nID: /[a-z]{1,8}/ WS\nWS: /[ \\n]*/\n',
    'start: x\nx: "a" %lark {\n start: y\n y: "b" Y\n Y: /[0-9]+/\n}\n',
    'start: item+\nitem: NAME | NAME "=" NAME\nNAME: /[a-z]+/\n%import common.WS\n%ignore WS\n',
    "start: list{NAME}\nlist{x}: x (\",\" x)*\nNAME: /[a-z]+/\n",
    'start: A B | C\nA: "a"+\nB: /b*/\nC: A B "c"\n',
]


def _corpus() -> list[str]:
    texts = [p.read_text() for p in sorted((ROOT / "grammars").glob("*.lark"))]
    return texts + HANDWRITTEN + [_chain(40), _wide(30), _mixed(12)]


@pytest.mark.parametrize("text", _corpus())
def test_body_slices_are_the_walks(text: str) -> None:
    grammar = read_grammar(text).grammar
    for scope in scopes(grammar):
        for d in scope.definition_list():
            cut, walked = scope.body(d), list(body_nodes(d.body))
            assert len(cut) == len(walked) and all(a is b for a, b in zip(cut, walked, strict=True)), d.name
            assert scope.refs(d) == [n.name for n in walked if isinstance(n, m.NameRef)]


DIRECTIVES = (
    'start: A "x"+ B w\nw[lazy]: /[a-z]{1,4}/\nA: "a"\nB: "b" | ("c" "d")?\n%ignore /[ ]/ | "\\t"\n'
    '%override A: /[a-c]{1,2}/ "q"\n%declare C\nc: \nd: [A] A{2} "e"~3\n'
)


@pytest.mark.parametrize("text", [*_corpus(), DIRECTIVES])
def test_nodes_in_bodies_are_those_of_the_walks(text: str) -> None:
    grammar = read_grammar(text).grammar
    kinds = [m.NameRef, m.Literal, m.RegexLiteral, m.Sequence, m.Alternative, m.Repeat, m.Maybe, m.Group]
    for scope in scopes(grammar):
        for kind in kinds:
            walked = [(d, n) for d in scope.definition_list() for n in scope.body(d) if isinstance(n, kind)]
            found = scope.nodes_in_bodies(kind)
            assert [(d.name, id(n)) for d, n in found] == [(d.name, id(n)) for d, n in walked], kind.__name__
        long = scope.nodes_in_bodies(m.Sequence, lambda s: len(s.items) >= 2)
        assert all(len(n.items) >= 2 for _, n in long)


@pytest.mark.parametrize("text", _corpus())
def test_followers_anywhere_are_those_of_the_occurrences(text: str) -> None:
    analysis = Analysis(read_grammar(text).grammar)
    for scope in analysis.scopes:
        greedy = analysis.greedy(scope)
        expected: dict = {}
        if not greedy.ignore_unknown:
            for _i, _pos, sym, followers in greedy.occurrences():
                if sym[0] != "L" and sym not in greedy.lazy:
                    expected.setdefault(sym, set()).update(followers)
        assert greedy._followers_anywhere() == expected
        assert greedy.sites() == [(i, pos, sym) for i, pos, sym, _ in greedy.occurrences()]


def _reference_sets(flow) -> tuple[set, dict, dict]:
    """nullable, FIRST and FOLLOW by plain rounds over every production until nothing
    changes (slow and obviously right)."""
    nullable: set[str] = set()
    first: dict[str, set] = {nt: set() for nt in flow.by_lhs}
    follow: dict[str, set] = {nt: set() for nt in flow.by_lhs}
    if flow.start:
        follow[flow.start].add(("$",))

    def first_of(seq) -> tuple[set, bool]:
        out: set = set()
        for s in seq:
            if isinstance(s, str):
                out |= first.get(s, set())
                if s not in nullable:
                    return out, False
            else:
                out.add(s)
                return out, False
        return out, True

    changed = True
    while changed:
        changed = False
        for p in flow.prods:
            f, empty = first_of(p.rhs)
            if empty and p.lhs not in nullable:
                nullable.add(p.lhs)
                changed = True
            if not f <= first[p.lhs]:
                first[p.lhs] |= f
                changed = True
            for i, s in enumerate(p.rhs):
                if not isinstance(s, str) or s not in follow:
                    continue
                f, empty = first_of(p.rhs[i + 1 :])
                if empty:
                    f = f | follow[p.lhs]
                if not f <= follow[s]:
                    follow[s] |= f
                    changed = True
    return nullable, first, follow


@pytest.mark.parametrize("text", _corpus())
def test_flow_sets_are_the_plain_fixpoint(text: str) -> None:
    from grammarkit.analysis.lexemes import lexeme_key

    analysis = Analysis(read_grammar(text).grammar)
    for scope in analysis.scopes:
        flow = analysis.flow(scope)
        nullable, first, follow = _reference_sets(flow)
        assert flow.nullable_nts == nullable
        assert flow.first_sets == first
        assert flow.follow_sets == follow
        for i, prod in enumerate(flow.prods):
            assert i in flow.by_lhs[prod.lhs]
            for sym, node in zip(prod.rhs, prod.nodes, strict=True):
                if isinstance(sym, str):
                    assert node is None or sym == node.name
                else:
                    assert sym == lexeme_key(scope, node)


def _reference_term(lex, node) -> int:
    """``Lexemes.node_term`` as it was, without the one-child shortcuts."""
    from grammarkit.analysis.languages import EPS

    lang = lex.lang
    if isinstance(node, m.Expansions):
        return lang.alt([_reference_term(lex, a) for a in node.alternatives])
    if isinstance(node, m.Alternative):
        if len(node.conjuncts) != 1:
            raise Unanalysable("&")
        return _reference_term(lex, node.conjuncts[0])
    if isinstance(node, m.Sequence):
        return lang.cat([_reference_term(lex, i) for i in node.items])
    if isinstance(node, m.Group):
        return _reference_term(lex, node.body)
    if isinstance(node, m.Maybe):
        return lang.alt((_reference_term(lex, node.body), EPS))
    if isinstance(node, m.Repeat):
        return lang.rep(_reference_term(lex, node.item), node.min, node.max)
    return lex.node_term(node)


@pytest.mark.parametrize("text", _corpus())
def test_terms_and_literal_nullability(text: str) -> None:
    analysis = Analysis(read_grammar(text).grammar)
    for scope in analysis.scopes:
        lex = analysis.lexemes(scope)
        for d in scope.definition_list():
            for node in [d.body, *scope.body(d)]:
                try:
                    expected: int | None = _reference_term(lex, node)
                except (Unanalysable, RecursionError):
                    expected = None
                try:
                    found: int | None = lex.node_term(node)
                except (Unanalysable, RecursionError):
                    found = None
                assert found == expected
        for prod in analysis.flow(scope).prods:
            for sym in prod.rhs:
                if not isinstance(sym, str) and sym[0] == "L":
                    term = lex.term(sym)
                    assert (term is not None and analysis.lang.nullable(term)) == (sym[1] == "")


@pytest.mark.parametrize("text", [*_corpus(), 'start: "aB"i "Z"i "" "é" "x"\n'])
def test_literal_first_masks(text: str) -> None:
    analysis = Analysis(read_grammar(text).grammar)
    lang = analysis.lang
    for scope in analysis.scopes:
        lex = analysis.lexemes(scope)
        for prod in analysis.flow(scope).prods:
            for sym in prod.rhs:
                if not isinstance(sym, str) and sym[0] == "L":
                    term = lex.term(sym)
                    expected = None if term is None else lang.first_mask(term)
                    assert lang.literal_first_mask(sym[1], "i" in sym[2]) == expected
                    assert analysis.greedy(scope).first_mask(sym) == expected
    for value in ["", "a", "ab", "\u2603x", "x\u2603"]:  # (a snowman is outside this alphabet)
        for ci in (False, True):
            try:
                expected = lang.first_mask(lang.literal(value, ci))
            except Unanalysable:
                expected = None
            assert lang.literal_first_mask(value, ci) == expected


def test_propagation_matches_plain_rounds_on_random_graphs() -> None:
    import random

    from grammarkit.analysis.flow import Flow

    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 25)
        nodes = [f"n{i}" for i in range(n)]
        edges: dict[str, set[str]] = {}
        for _e in range(rng.randint(0, 3 * n)):
            a, b = rng.choice(nodes), rng.choice(nodes)
            edges.setdefault(a, set()).add(b)
        start = {a: {rng.randint(0, 9) for _k in range(rng.randint(0, 3))} for a in nodes}
        expected = {a: set(v) for a, v in start.items()}
        changed = True
        while changed:
            changed = False
            for a, outs in edges.items():
                for b in outs:
                    if not expected[a] <= expected[b]:
                        expected[b] |= expected[a]
                        changed = True
        got = {a: set(v) for a, v in start.items()}
        Flow._propagate(got, edges)
        assert got == expected


def _scopes(texts: list[str]):
    """``(text, analysis, scope)`` for every scope of every text that reads."""
    for text in texts:
        read = read_grammar(text)
        if read.errors:
            continue
        analysis = Analysis(read.grammar)
        for scope in analysis.scopes:
            yield text, analysis, scope


def _random_grammar(rng) -> str:
    """A small random grammar: rules calling each other (left, right and mutual
    recursion, empty alternatives, optional and repeated parts) and a few terminals, some
    of which can match the empty string."""
    rules = [f"r{i}" for i in range(rng.randint(1, 7))]
    atoms = [*rules, '"a"', '"b"', '""', "A", "B", "/c*/", "undefined_rule"]
    lines = ["start: " + " | ".join(rng.sample(rules, rng.randint(1, len(rules))))]
    for name in rules:
        alts = []
        for _ in range(rng.randint(1, 3)):
            items = []
            for _ in range(rng.randint(0, 3)):
                item = rng.choice(atoms)
                item = rng.choice([item, item, f"[{item}]", f"{item}*", f"({item} {rng.choice(atoms)})+"])
                items.append(item)
            alts.append(" ".join(items) if items else '""')
        lines.append(f"{name}: " + " | ".join(alts))
    lines += ['A: "x"', "B: /y?/"]
    return "\n".join(lines) + "\n"


def test_counted_completable_is_the_swept_one() -> None:
    import random

    from grammarkit.analysis.greedy import Greedy

    rng = random.Random(11)
    compared = 0
    for text, analysis, scope in _scopes(_corpus() + [_random_grammar(rng) for _ in range(300)]):
        flow, lex = analysis.flow(scope), analysis.lexemes(scope)
        counted, swept = Greedy(scope, flow, lex), Greedy(scope, flow, lex)
        swept.counted = False
        assert counted.completable() == swept.completable(), text
        compared += not counted.blocked()
    assert compared > 150


def test_lr0_lower_bound() -> None:
    """The bound never exceeds the automaton's states: where it is over a limit, building
    the automaton up to that limit gives up too."""
    import random

    rng = random.Random(5)
    checked = 0
    for text, analysis, scope in _scopes(_corpus() + [_random_grammar(rng) for _ in range(200)]):
        flow = analysis.flow(scope)
        if flow.start is None:
            continue
        bound = flow._lr0_states_at_least()
        built = flow._build_lr0(100_000)
        assert built is not None and bound <= len(built[0]), text
        for limit in (bound - 1, bound // 2):
            if limit >= 1:
                assert flow._build_lr0(limit) is None
        checked += 1
    assert checked > 150


def _reference_keyword(lex, node, active: set[str]) -> bool:
    """``Lexemes._keyword_node`` as it was (through ``children()``)."""
    if node is None:
        return False
    if isinstance(node, m.Definition):
        if not node.is_terminal or node.name in active:
            return False
        return _reference_keyword(lex, node.body, active | {node.name})
    if isinstance(node, m.Literal):
        return True
    if isinstance(node, m.NameRef):
        if not m.is_terminal_name(node.name):
            return False
        return _reference_keyword(lex, lex.scope.definitions.get(node.name), active)
    if isinstance(node, (m.Expansions, m.Alternative, m.Sequence, m.Group, m.Maybe)):
        return all(_reference_keyword(lex, c, active) for c in node.children())
    return False


@pytest.mark.parametrize(
    "text",
    [
        *_corpus(),
        'start: A B C D E\nA: "x" | "y"\nB: ("a" ["b"]) "c"\nC: A B\nD: /d/ | "d"\nE: E "e"\nF: G\n',
        'start: K\nK: "a"~3 | "b"+\nL: "l" & "m"\n',
    ],
)
def test_keywords_as_through_children(text: str) -> None:
    analysis = Analysis(read_grammar(text).grammar)
    for scope in analysis.scopes:
        lex = analysis.lexemes(scope)
        for name in [*scope.definitions, "UNDEFINED"]:
            key = ("T", name)
            assert lex.is_keyword(key) == _reference_keyword(lex, scope.definitions.get(name), set())


@pytest.mark.parametrize(
    "text",
    [
        *_corpus(),
        'start: A B C D E F\nA: /[a-z]{1,8}/\nB: /[a-z]{1,8}/\nC: "x"i\nD: "x"\nE: /\\p{Greek}+/\nF: /\\p{Greek}+/\n'
        'G: "x"i\nH: A\nI: A\n',
    ],
)
def test_terminals_written_alike_share_their_terms(text: str) -> None:
    from grammarkit.analysis.lexemes import Lexemes

    analysis = Analysis(read_grammar(text).grammar)
    for scope in analysis.scopes:
        lex = analysis.lexemes(scope)
        for d in scope.definition_list():
            if not d.is_terminal or scope.definitions.get(d.name) is not d:
                continue
            fresh = Lexemes(scope, analysis.lang)  # (nothing remembered yet)
            try:
                expected: int | None = fresh.node_term(d.body) if d.params is None else None
            except (Unanalysable, RecursionError):
                expected = None
            assert lex.term(("T", d.name)) == expected, d.name
