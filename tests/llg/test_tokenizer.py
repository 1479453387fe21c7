"""grammarkit.llg.tokenizer: byte by default, o200k from bpe-openai's shipped vocabulary,
small synthetic vocabularies for tests, and never building o200k unless asked."""

from __future__ import annotations

import json
import subprocess
import sys

import llguidance
import pytest

import grammarkit.llg.tokenizer as tk
from grammarkit.llg.compile import byte_tokenizer

O200K = tk.o200k_available()
needs_o200k = pytest.mark.skipif(not O200K, reason="bpe-openai (grammarkit[tokens]) is not installed")

SMALL_VOCAB = [bytes([b]) for b in range(256)] + [b"SELECT", b" FROM", b" name", b"ab", b"abc"]


def test_byte_is_the_default_and_the_compile_tokenizer():
    assert tk.DEFAULT_TOKENIZER == "byte"
    assert tk.get_tokenizer() is byte_tokenizer()
    assert tk.get_tokenizer("byte") is byte_tokenizer()


def test_unknown_tokenizer_is_a_value_error():
    with pytest.raises(ValueError, match="unknown tokenizer 'gpt2'"):
        tk.get_tokenizer("gpt2")


def test_small_vocabulary_tokenizer():
    tok = tk.tokenizer_from_vocabulary(SMALL_VOCAB)
    assert tok.vocab_size == len(SMALL_VOCAB) + 1
    assert tok.eos_token == len(SMALL_VOCAB)
    ids = tok.tokenize_str("SELECT name FROM abc")
    assert tok.decode_str(ids) == "SELECT name FROM abc"
    assert ids[0] == SMALL_VOCAB.index(b"SELECT")
    assert SMALL_VOCAB.index(b"abc") in ids
    # llguidance runs grammars with it, including fast-forwarding forced text.
    m = llguidance.LLMatcher(tok, llguidance.grammar_from("lark", 'start: "SELECT" " name"'), log_level=0)
    assert not m.is_error()
    assert tok.decode_bytes(m.compute_ff_tokens()).startswith(b"SELECT")


def test_missing_package_is_one_line_naming_the_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "bpe_openai" else real(name, *a))
    monkeypatch.setattr(tk, "_o200k", None)
    assert not tk.o200k_available()
    with pytest.raises(tk.TokenizerUnavailable) as info:
        tk.get_tokenizer("o200k")
    message = str(info.value)
    assert "\n" not in message
    assert "bpe-openai" in message and "grammarkit[tokens]" in message


@needs_o200k
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # bpe_openai's own use of importlib.resources
def test_o200k_is_built_once_and_matches_the_bpe():
    tok = tk.get_tokenizer("o200k")
    assert tk.get_tokenizer("o200k") is tok
    assert tok.vocab_size == 200_019
    assert tok.eos_token == 199_999
    import bpe_openai
    from bpe_openai import registry

    assert registry.o200k_base()["pat_str"] == tk.O200K_PATTERN
    assert registry.o200k_base()["special_tokens"] == tk.O200K_SPECIAL_TOKENS
    enc = bpe_openai.get_encoding("o200k_base")
    for text in [
        "SELECT name, age FROM users WHERE age > 30 ORDER BY name;",
        "diff --git a/x b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n",
        "héllo wörld 日本語 it's 12345 😀",
    ]:
        assert tok.tokenize_str(text) == enc.encode(text)


@needs_o200k
def test_o200k_builds_without_the_network():
    # Every socket connection fails in the child: the vocabulary comes from the wheel.
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('no network in this test')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "from grammarkit.llg.tokenizer import get_tokenizer\n"
        "tok = get_tokenizer('o200k')\n"
        "print(tok.vocab_size)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "200019"


def test_a_plain_check_never_loads_the_vocabulary():
    code = (
        "import sys\n"
        "from grammarkit.cli import main\n"
        "code = main(['check', '--format', 'json', 'grammars/sql_select.lark'])\n"
        "import grammarkit.llg.tokenizer as tk\n"
        "print(json.dumps({'code': code, 'bpe': 'bpe_openai' in sys.modules,\n"
        "  'profile': 'grammarkit.llg.token_profile' in sys.modules, 'o200k': tk._o200k is not None}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, timeout=120, cwd=_root()
    )
    assert out.returncode == 0, out.stderr
    verdict = json.loads(out.stdout.strip().splitlines()[-1])
    assert verdict == {"code": 0, "bpe": False, "profile": False, "o200k": False}


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
