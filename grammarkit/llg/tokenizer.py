"""The tokenizer llguidance runs with: bytes (the default) or the model's own o200k vocabulary.

Every check runs llguidance with a byte-level tokenizer unless asked otherwise: exact for
which strings a grammar accepts, and cheap to build. The API, though, constrains a model
that samples from OpenAI's o200k vocabulary (200,019 tokens), and llguidance's cost per
token depends on walking that vocabulary against the grammar's lexer. :func:`get_tokenizer`
gives either:

* ``"byte"``: :func:`grammarkit.llg.compile.byte_tokenizer` (token ``b`` is byte ``b``).
* ``"o200k"``: llguidance's tokenizer built from the o200k vocabulary shipped inside the
  ``bpe-openai`` package (``pip install 'grammarkit[tokens]'``): the file
  ``bpe_openai/data/o200k_base.tiktoken.gz`` is read directly (the package itself is never
  imported: importing it costs about a second) and handed to llguidance's
  ``LLTokenizer.from_tiktoken`` with o200k's split pattern and special tokens. Nothing is
  downloaded. Building it takes about 2 s, so it is built once per process, on first use,
  and never unless asked for.

:func:`tokenizer_from_vocabulary` builds a tokenizer from any small list of token byte
strings (through ``llguidance.TokenizerWrapper``): tests use it where bpe-openai is not
installed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # pragma: no cover
    import llguidance

TOKENIZERS: Final = ("byte", "o200k")
DEFAULT_TOKENIZER: Final = "byte"

O200K_PACKAGE: Final = "bpe-openai"
O200K_MODULE: Final = "bpe_openai"
O200K_DATA: Final = ("data", "o200k_base.tiktoken.gz")
O200K_EXTRA: Final = "tokens"

# o200k_base as tiktoken defines it (and bpe_openai.registry.o200k_base repeats it): the
# pre-tokenizer split pattern and the special tokens. llguidance uses the pattern only to
# tokenize text (token counts); masks depend on the vocabulary alone.
O200K_PATTERN: Final = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
O200K_SPECIAL_TOKENS: Final = {"<|endoftext|>": 199_999, "<|endofprompt|>": 200_018}
O200K_EOS: Final = 199_999


class TokenizerUnavailable(Exception):
    """The tokenizer asked for cannot be built here (a one-line reason; exit status 2)."""


_o200k: llguidance.LLTokenizer | None = None
_o200k_lock = threading.Lock()


def check_tokenizer_name(name: str) -> str:
    """``name`` when it is a known tokenizer, else ``ValueError``."""
    if name not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {name!r}; expected one of {', '.join(TOKENIZERS)}")
    return name


def get_tokenizer(name: str = DEFAULT_TOKENIZER) -> llguidance.LLTokenizer:
    """The process-wide llguidance tokenizer called ``name`` (see :data:`TOKENIZERS`).

    Raises :class:`TokenizerUnavailable` when ``o200k`` is asked for and bpe-openai is
    not installed, ``ValueError`` for an unknown name."""
    check_tokenizer_name(name)
    if name == "byte":
        from grammarkit.llg.compile import byte_tokenizer

        return byte_tokenizer()
    return o200k_tokenizer()


def o200k_available() -> bool:
    """Whether the o200k vocabulary is installed (without loading it)."""
    try:
        _o200k_data_path()
    except TokenizerUnavailable:
        return False
    return True


def o200k_tokenizer() -> llguidance.LLTokenizer:
    """llguidance's tokenizer for the o200k vocabulary, built on first use (about 2 s)."""
    global _o200k
    if _o200k is None:
        with _o200k_lock:
            if _o200k is None:
                _o200k = _build_o200k()
    return _o200k


def missing_message() -> str:
    return (
        f"the o200k tokenizer needs the {O200K_PACKAGE} package, which is not installed: "
        f"pip install 'grammarkit[{O200K_EXTRA}]'"
    )


def _o200k_data_path() -> str:
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec(O200K_MODULE)  # finds the package without running it
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        path = os.path.join(folder, *O200K_DATA)
        if os.path.isfile(path):
            return path
    if spec is None:
        raise TokenizerUnavailable(missing_message())
    raise TokenizerUnavailable(
        f"the installed {O200K_PACKAGE} has no {'/'.join(O200K_DATA)} (reinstall it: "
        f"pip install --force-reinstall '{O200K_PACKAGE}')"
    )


def load_o200k_ranks(path: str | None = None) -> dict[bytes, int]:
    """The o200k vocabulary: token bytes -> rank (= token id), from tiktoken's format
    (one ``base64 rank`` pair a line, gzipped)."""
    import base64
    import zlib

    with open(path or _o200k_data_path(), "rb") as fh:
        raw = zlib.decompress(fh.read(), 31)  # 31: gzip header
    b64 = base64.b64decode
    ranks: dict[bytes, int] = {}
    for line in raw.splitlines():
        if line:
            token, rank = line.split(b" ")
            ranks[b64(token)] = int(rank)
    return ranks


def _build_o200k() -> llguidance.LLTokenizer:
    import llguidance

    ranks = load_o200k_ranks()
    return llguidance.LLTokenizer.from_tiktoken(  # type: ignore[attr-defined]
        encoder=ranks,
        special_tokens=dict(O200K_SPECIAL_TOKENS),
        pattern=O200K_PATTERN,
        eos_token=O200K_EOS,
    )


def tokenizer_from_vocabulary(
    tokens: Sequence[bytes], *, eos: bytes = b"<|end|>"
) -> llguidance.LLTokenizer:
    """An llguidance tokenizer over a small vocabulary: ``tokens`` (byte strings; ids in
    that order) plus an end-of-sequence token ``eos`` appended as a special token.

    Every single byte should be in ``tokens`` so that any text can be written. Text is
    tokenized greedily (longest token first), which is not BPE but is deterministic."""
    import llguidance

    vocab = [bytes(t) for t in tokens]
    eos_id = len(vocab)
    vocab.append(eos)
    by_length = sorted({len(t) for t in vocab[:eos_id]}, reverse=True)
    index = {t: i for i, t in enumerate(vocab[:eos_id])}

    class _Small:
        eos_token_id = eos_id
        bos_token_id = None
        special_token_ids = [eos_id]

        def __init__(self) -> None:
            self.tokens = vocab

        def __call__(self, text: bytes | str) -> list[int]:
            data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
            out, i = [], 0
            while i < len(data):
                for n in by_length:
                    t = index.get(data[i : i + n])
                    if t is not None:
                        out.append(t)
                        i += n
                        break
                else:
                    raise ValueError(f"byte {data[i]:#04x} is not in the vocabulary")
            return out

    return llguidance.LLTokenizer(llguidance.TokenizerWrapper(_Small()))


__all__ = [
    "DEFAULT_TOKENIZER",
    "TOKENIZERS",
    "TokenizerUnavailable",
    "check_tokenizer_name",
    "get_tokenizer",
    "load_o200k_ranks",
    "missing_message",
    "o200k_available",
    "o200k_tokenizer",
    "tokenizer_from_vocabulary",
]
