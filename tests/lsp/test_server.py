"""`grammarkit lsp` driven through a real LSP client over stdio (pygls's own client, the
server a `python -m grammarkit lsp` subprocess): diagnostics as you type, samples files,
code actions, hover, definition, references, rename, symbols, completion, positions."""

from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t
from lsputil import Session, apply_edits, doc_id, pos

LOOKAHEAD = 'start: LOOK\nLOOK: /(?=a)a/\n'


@pytest.fixture(scope="module")
def lsp(tmp_path_factory):
    root = tmp_path_factory.mktemp("lsp")
    session = Session({"debounceMs": 20, "maxChars": 20_000}, cwd=root)
    session.root = root
    yield session
    session.close()


@pytest.fixture
def folder(lsp, request):
    path = lsp.root / request.node.name.replace("[", "_").replace("]", "_")
    path.mkdir()
    return path


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def by_code(diagnostics, code):
    return [d for d in diagnostics if d.code == code]


# ---------------------------------------------------------------- diagnostics


def test_initialize_announces_the_features(lsp):
    caps = lsp.init.capabilities
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.rename_provider.prepare_provider is True
    assert caps.document_symbol_provider and caps.completion_provider and caps.code_action_provider
    assert caps.position_encoding == t.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == t.TextDocumentSyncKind.Incremental


def test_a_lookahead_is_GK101_at_its_range_and_fixing_it_clears_it(lsp, folder):
    uri = lsp.open(write(folder, "g.lark", LOOKAHEAD))
    diagnostics = lsp.diagnostics(uri)
    assert [d.code for d in diagnostics] == ["GK101"]
    d = diagnostics[0]
    assert d.source == "grammarkit" and d.severity == t.DiagnosticSeverity.Error
    assert d.range == t.Range(start=pos(1, 7), end=pos(1, 10))  # `(?=`
    assert d.message.startswith("lookahead `(?=` is not supported")
    assert d.data["name"] == "lookaround"
    # an incremental change: replace `(?=a)` with nothing
    version = lsp.change(uri, "", t.Range(start=pos(1, 7), end=pos(1, 12)))
    assert lsp.diagnostics(uri, where=lambda p: p.version == version) == []


def test_positions_count_utf16_units_an_emoji_counts_two(lsp, folder):
    text = 'start: LOOK\nLOOK: /😀(?=a)a/ // 😀\n'
    uri = lsp.open(write(folder, "g.lark", text))
    (d,) = lsp.diagnostics(uri)
    assert d.code == "GK101"
    # `LOOK: /` is 7 units, the emoji 2 more: `(?=` starts at 9 (the 8th character)
    assert d.range == t.Range(start=pos(1, 9), end=pos(1, 12))
    # an edit addressed in UTF-16 units after the emoji lands where the client means it
    version = lsp.change(uri, "", t.Range(start=pos(1, 9), end=pos(1, 14)))
    assert lsp.diagnostics(uri, where=lambda p: p.version == version) == []


def test_configuration_of_the_folder_applies(lsp, folder):
    write(
        folder,
        "pyproject.toml",
        """\
        [tool.grammarkit]
        ignore = ["GK101"]

        [tool.grammarkit.severity]
        GK229 = "info"
        """,
    )
    grammar = write(folder, "g.lark", 'start: "a" X\nUNUSED: "b"\nX: /(?=a)b/\n')
    uri = lsp.open(grammar)
    diagnostics = lsp.diagnostics(uri)
    # GK101 ignored (llguidance's rejection comes back as GK109, as with `check`)
    assert sorted(d.code for d in diagnostics) == ["GK109", "GK229"]
    assert by_code(diagnostics, "GK229")[0].severity == t.DiagnosticSeverity.Information


def test_inline_suppressions_are_honoured(lsp, folder):
    uri = lsp.open(write(folder, "g.lark", 'start: "a"\nUNUSED: "b"  // grammarkit: ignore[GK229]\n'))
    assert lsp.diagnostics(uri) == []


def test_a_huge_document_gets_one_diagnostic(lsp, folder):
    text = 'start: "a"\n' + "".join(f'r{i}: "x{i}"\n' for i in range(3000))
    uri = lsp.open(write(folder, "big.lark", text))
    (d,) = lsp.diagnostics(uri)
    assert "does not lint a grammar this large" in d.message and d.code is None
    assert d.severity == t.DiagnosticSeverity.Warning


def test_a_regex_grammar(lsp, folder):
    uri = lsp.open(write(folder, "r.regex", "(?=a)b\n"), language="regex")
    (d,) = lsp.diagnostics(uri)
    assert d.code == "GK101" and d.range == t.Range(start=pos(0, 0), end=pos(0, 3))


def test_an_untitled_document_and_closing_clears(lsp, folder):
    uri = "untitled:Untitled-1"
    lsp.client.versions[uri] = 1
    lsp.client.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id="lark", version=1, text=LOOKAHEAD))
    )
    assert [d.code for d in lsp.diagnostics(uri)] == ["GK101"]
    seen = lsp.count(uri)
    lsp.close_doc(uri)
    assert lsp.diagnostics(uri, after=seen) == []


def test_a_configuration_change_on_disk_applies(lsp, folder):
    uri = lsp.open(write(folder, "g.lark", 'start: "a"\nUNUSED: "b"\n'))
    assert [d.code for d in lsp.diagnostics(uri)] == ["GK229"]
    seen = lsp.count(uri)
    write(folder, "pyproject.toml", '[tool.grammarkit]\nignore = ["GK229"]\n')
    lsp.client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=uri.replace("g.lark", "pyproject.toml"), type=t.FileChangeType.Created)]
        )
    )
    assert lsp.diagnostics(uri, after=seen) == []
    # a broken configuration is one diagnostic, and the defaults apply
    seen = lsp.count(uri)
    write(folder, "pyproject.toml", '[tool.grammarkit]\nignore = ["GK999"]\n')
    lsp.client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[]))
    diagnostics = lsp.diagnostics(uri, after=seen)
    assert [d.code for d in diagnostics] == [None, "GK229"]
    assert "grammarkit configuration:" in diagnostics[0].message and "GK999" in diagnostics[0].message


# ---------------------------------------------------------------- samples


SAMPLES = """\
valid = [
  "ab",
  "abc",
]
invalid = ["b"]
"""


def test_sample_verdicts_on_their_lines_and_rechecked_when_the_grammar_changes(lsp, folder):
    grammar = write(folder, "g.lark", 'start: "a" "b"\n')
    samples = write(folder, "g.samples.toml", SAMPLES)
    samples_uri = lsp.open(samples, language="toml")
    grammar_uri = lsp.open(grammar)
    diagnostics = lsp.diagnostics(samples_uri, where=lambda p: p.diagnostics)
    (d,) = diagnostics
    assert d.code == "GK300" and d.severity == t.DiagnosticSeverity.Error
    assert d.range == t.Range(start=pos(2, 2), end=pos(2, 8))  # the line of "abc", its text
    assert "sample 2 \"abc\" should be accepted" in d.message
    assert lsp.diagnostics(grammar_uri) == []
    # every sample's verdict at the end of its line
    hints = lsp.request(
        "text_document_inlay_hint",
        t.InlayHintParams(text_document=doc_id(samples_uri), range=t.Range(start=pos(0, 0), end=pos(9, 0))),
    )
    assert [(h.position.line, h.position.character, h.label) for h in hints] == [
        (1, 7, "✓ accepted"),
        (2, 8, "✗ rejected"),
        (4, 15, "✓ rejected"),
    ]
    # widen the grammar: the sample is accepted now, and its diagnostic goes away
    seen = lsp.count(samples_uri)
    lsp.change(grammar_uri, 'start: "a" "b" "c"?\n')
    assert lsp.diagnostics(samples_uri, after=seen) == []


def test_the_open_samples_text_wins_over_the_file(lsp, folder):
    grammar = write(folder, "g.lark", 'start: "a" "b"\n')
    samples = write(folder, "g.samples.toml", 'valid = ["ab"]\n')
    grammar_uri = lsp.open(grammar)
    assert lsp.diagnostics(grammar_uri) == []
    samples_uri = lsp.open(samples, 'valid = ["ab"]\n', language="toml")
    assert lsp.diagnostics(samples_uri) == []
    # unsaved: a sample the grammar rejects, on line 3
    version = lsp.change(samples_uri, 'valid = ["ab"]\n\ninvalid = ["ab"]\n')
    (d,) = lsp.diagnostics(samples_uri, where=lambda p: p.version == version)
    assert d.code == "GK300" and d.range.start.line == 2
    assert "should be rejected" in d.message
    # a broken samples file is one diagnostic, where TOML says
    version = lsp.change(samples_uri, 'valid = ["ab"\n\n')
    (d,) = lsp.diagnostics(samples_uri, where=lambda p: p.version == version)
    assert d.code is None and "invalid TOML" in d.message


# ---------------------------------------------------------------- code actions


def test_suppress_code_action_adds_the_comment(lsp, folder):
    text = 'start: "a"\nUNUSED: "b"\n'
    uri = lsp.open(write(folder, "g.lark", text))
    (d,) = lsp.diagnostics(uri)
    assert d.code == "GK229" and list(d.tags) == [t.DiagnosticTag.Unnecessary]
    actions = lsp.request(
        "text_document_code_action",
        t.CodeActionParams(
            text_document=doc_id(uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])
        ),
    )
    (action,) = [a for a in actions if a.title.startswith("Suppress")]
    assert action.title == "Suppress GK229 on this line" and action.kind == t.CodeActionKind.QuickFix
    assert [a.title for a in actions if not a.title.startswith("Suppress")][0] == "delete the unused terminal UNUSED"
    fixed = apply_edits(text, action.edit.changes[uri])
    assert fixed == 'start: "a"\nUNUSED: "b"  // grammarkit: ignore[GK229]\n'
    version = lsp.change(uri, fixed)
    assert lsp.diagnostics(uri, where=lambda p: p.version == version) == []
    # a second code on the same line extends the comment
    text2 = 'start: "a"\nUNUSED: /(?=a)b/  // grammarkit: ignore[GK229]\n'
    version = lsp.change(uri, text2)
    (d,) = lsp.diagnostics(uri, where=lambda p: p.version == version)
    assert d.code == "GK101"
    (action,) = lsp.request(
        "text_document_code_action",
        t.CodeActionParams(text_document=doc_id(uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])),
    )
    assert apply_edits(text2, action.edit.changes[uri]).splitlines()[1].endswith("ignore[GK229, GK101]")


def test_a_rules_own_fix_and_fix_all(lsp, folder):
    text = 'start: A B\nA: /a{1,3}?/\nB: /b{1,2}?/\n'
    uri = lsp.open(write(folder, "g.lark", text))
    diagnostics = lsp.diagnostics(uri)
    assert [d.code for d in diagnostics] == ["GK102", "GK102"]
    actions = lsp.request(
        "text_document_code_action",
        t.CodeActionParams(
            text_document=doc_id(uri), range=diagnostics[0].range, context=t.CodeActionContext(diagnostics=[])
        ),
    )
    assert [a.title for a in actions] == [
        "make `{1,3}?` greedy: `{1,3}`",
        "Suppress GK102 on this line",
        "Fix all auto-fixable grammarkit problems (safe, verified)",
    ]
    assert actions[0].is_preferred and apply_edits(text, actions[0].edit.changes[uri]) == text.replace("}?", "}", 1)
    fix_all = actions[2]
    assert fix_all.edit is None  # worked out on resolve: it lints once per fix
    resolved = lsp.request("code_action_resolve", fix_all)
    fixed = apply_edits(text, resolved.edit.changes[uri])
    assert fixed == 'start: A B\nA: /a{1,3}/\nB: /b{1,2}/\n'
    version = lsp.change(uri, fixed)
    assert lsp.diagnostics(uri, where=lambda p: p.version == version) == []
    # asked for as a source action (e.g. on save): there as well
    version = lsp.change(uri, text)
    lsp.diagnostics(uri, where=lambda p: p.version == version)
    only = lsp.request(
        "text_document_code_action",
        t.CodeActionParams(
            text_document=doc_id(uri),
            range=t.Range(start=pos(0, 0), end=pos(0, 0)),
            context=t.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        ),
    )
    assert [a.kind for a in only] == ["source.fixAll.grammarkit"]


# ---------------------------------------------------------------- navigation


NAVIGATION = """\
start: expr
expr: term (ADD term)*  // grammarkit: ignore[GK221]
term: NUMBER | "(" expr ")"
ADD: "+"
%import common.NUMBER
inner: %lark {
  start: term
  term: "q"
}
"""


@pytest.fixture
def nav(lsp, folder):
    return lsp.open(write(folder, "nav.lark", NAVIGATION))


def test_hover_on_a_rule_name(lsp, nav):
    hover = lsp.request("text_document_hover", t.HoverParams(text_document=doc_id(nav), position=pos(1, 7)))
    value = hover.contents.value
    assert "**rule** `term` (line 3)" in value
    assert 'term: NUMBER | "(" expr ")"' in value
    assert "**Length:** at least 1 characters (no upper bound)" in value
    assert "**Can be followed by:** `\")\"`, `ADD`, end of input" in value
    assert hover.range == t.Range(start=pos(1, 6), end=pos(1, 10))


def test_hover_on_a_terminal_and_an_import(lsp, nav):
    hover = lsp.request("text_document_hover", t.HoverParams(text_document=doc_id(nav), position=pos(3, 1)))
    assert "**terminal** `ADD`" in hover.contents.value and "exactly 1 character" in hover.contents.value
    assert "**Can be followed by:** `\"(\"`, `NUMBER`" in hover.contents.value
    hover = lsp.request("text_document_hover", t.HoverParams(text_document=doc_id(nav), position=pos(2, 8)))
    assert "**import** `NUMBER`" in hover.contents.value and "NUMBER is /" in hover.contents.value


def test_hover_on_a_rule_code(lsp, nav):
    hover = lsp.request("text_document_hover", t.HoverParams(text_document=doc_id(nav), position=pos(1, 48)))
    assert hover.contents.kind == t.MarkupKind.Markdown
    assert hover.contents.value.startswith("**GK221 split-free-text** (warning)")
    assert hover.range == t.Range(start=pos(1, 46), end=pos(1, 51))


def test_definition_and_references_stay_in_their_scope(lsp, nav):
    (loc,) = lsp.request("text_document_definition", t.DefinitionParams(text_document=doc_id(nav), position=pos(0, 8)))
    assert loc.range == t.Range(start=pos(1, 0), end=pos(1, 4))
    refs = lsp.request(
        "text_document_references",
        t.ReferenceParams(
            text_document=doc_id(nav), position=pos(2, 0), context=t.ReferenceContext(include_declaration=True)
        ),
    )
    assert [r.range.start.line for r in refs] == [1, 1, 2]
    # the nested grammar's `term` is another symbol
    refs = lsp.request(
        "text_document_references",
        t.ReferenceParams(
            text_document=doc_id(nav), position=pos(6, 10), context=t.ReferenceContext(include_declaration=False)
        ),
    )
    assert [(r.range.start.line, r.range.start.character) for r in refs] == [(6, 9)]


def test_rename_changes_definition_and_references_and_refuses_clashes(lsp, nav):
    prepared = lsp.request(
        "text_document_prepare_rename", t.PrepareRenameParams(text_document=doc_id(nav), position=pos(2, 1))
    )
    assert prepared.placeholder == "term" and prepared.range == t.Range(start=pos(2, 0), end=pos(2, 4))
    edit = lsp.request(
        "text_document_rename", t.RenameParams(text_document=doc_id(nav), position=pos(2, 1), new_name="factor")
    )
    renamed = apply_edits(NAVIGATION, edit.changes[nav])
    assert renamed.splitlines()[1:3] == [
        "expr: factor (ADD factor)*  // grammarkit: ignore[GK221]",
        'factor: NUMBER | "(" expr ")"',
    ]
    assert "  start: term\n  term: \"q\"" in renamed  # the nested grammar is untouched
    # an import gets an alias
    edit = lsp.request(
        "text_document_rename", t.RenameParams(text_document=doc_id(nav), position=pos(2, 8), new_name="NUM")
    )
    assert "term: NUM |" in apply_edits(NAVIGATION, edit.changes[nav])
    assert "%import common.NUMBER -> NUM" in apply_edits(NAVIGATION, edit.changes[nav])
    for new_name, message in [("expr", "expr is already defined on line 2"), ("Factor", "is not a rule name")]:
        with pytest.raises(Exception, match=message):
            lsp.request(
                "text_document_rename",
                t.RenameParams(text_document=doc_id(nav), position=pos(2, 1), new_name=new_name),
            )
    with pytest.raises(Exception, match="entry point"):
        lsp.request("text_document_prepare_rename", t.PrepareRenameParams(text_document=doc_id(nav), position=pos(0, 1)))


def test_document_symbols(lsp, nav):
    symbols = lsp.request("text_document_document_symbol", t.DocumentSymbolParams(text_document=doc_id(nav)))
    assert [(s.name, s.kind) for s in symbols] == [
        ("start", t.SymbolKind.Function),
        ("expr", t.SymbolKind.Function),
        ("term", t.SymbolKind.Function),
        ("ADD", t.SymbolKind.Constant),
        ("NUMBER", t.SymbolKind.Constant),
        ("inner", t.SymbolKind.Function),
    ]
    inner = symbols[-1]
    assert [c.name for c in inner.children] == ["start", "term"]
    assert inner.range == t.Range(start=pos(5, 0), end=pos(8, 1))
    assert inner.selection_range == t.Range(start=pos(5, 0), end=pos(5, 5))


def test_completion(lsp, folder):
    text = 'start: ex\nexpr: "a" NUM\nNUM: /[0-9]+/\n%import common.\n%i\n'
    uri = lsp.open(write(folder, "c.lark", text))

    def labels(line, character):
        found = lsp.request(
            "text_document_completion", t.CompletionParams(text_document=doc_id(uri), position=pos(line, character))
        )
        return [item.label for item in found.items], found.items

    names, items = labels(0, 9)
    assert names == ["NUM", "expr", "start"]
    assert items[1].text_edit.range == t.Range(start=pos(0, 7), end=pos(0, 9))
    names, _ = labels(3, 15)
    assert "NUMBER" in names and "WS" in names and "ESCAPED_STRING" in names
    names, _ = labels(4, 2)
    assert names == ["%ignore", "%import", "%llguidance"]
