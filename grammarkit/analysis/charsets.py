"""The finite sample alphabet and Rust-regex character classes as sets over it (see
:mod:`grammarkit.analysis.languages`).
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from grammarkit import regex_syntax as rx
from grammarkit.analysis.scoping import Unanalysable
from grammarkit.reader import model as m

# ---------------------------------------------------------------------------- alphabet

PREFERRED = (
    string.ascii_lowercase
    + string.ascii_uppercase
    + string.digits
    + " _-.,:;!?'\"()[]{}<>/\\|@#$%^&*+=~`"
    + "\n\t\r\x0b\x0c"
)
# Non-ASCII representatives: a Latin letter, a sharp s, a Greek capital, an ideograph, an
# Arabic-Indic digit, a no-break space, a line separator, an emoji, a titlecase letter.
REPRESENTATIVES = "éßΩ中٣\u00a0\u2028😀ǅ"

PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F))


def case_variants(ch: str) -> set[str]:
    out = {ch}
    for v in (ch.lower(), ch.upper(), ch.swapcase(), ch.casefold()):
        if len(v) == 1:
            out.add(v)
    return out


def explicit_chars(grammar: m.Grammar) -> set[str]:
    """Every character written in a literal or regex of the grammar."""
    chars: set[str] = set()
    patterns: set[str] = set()  # (the regexes read already: many are written alike)
    node: Any
    for node in grammar.nodes():
        if type(node) is m.Literal:
            chars.update(node.value)
        elif type(node) is m.RegexLiteral:
            if node.pattern in patterns:
                continue
            patterns.add(node.pattern)
            try:
                tree = parse_regex(node.pattern)
            except Unanalysable:
                continue
            for sub in rx.iter_nodes(tree):
                if isinstance(sub, (rx.Literal, rx.NamedChar)) and sub.char:  # a Literal is one character
                    chars.add(sub.char)
    return chars


_PARSE_CACHE: dict[str, rx.Node | Literal[False]] = {}  # False: does not parse


def parse_regex(pattern: str) -> rx.Node:
    """The Rust-regex AST of ``pattern`` (cached); raises :class:`Unanalysable`."""
    found = _PARSE_CACHE.get(pattern)
    if found is None:
        try:
            found = rx.parse_remembered(pattern)
        except rx.RegexSyntaxError:
            found = False
        if len(_PARSE_CACHE) > 4096:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[pattern] = found
    if found is False:
        raise Unanalysable("regex does not parse")
    return found


# ---------------------------------------------------------------------------- char classes

_GC_LONG = {
    "letter": "L", "casedletter": "LC", "uppercaseletter": "Lu", "lowercaseletter": "Ll",
    "titlecaseletter": "Lt", "modifierletter": "Lm", "otherletter": "Lo",
    "mark": "M", "combiningmark": "M", "nonspacingmark": "Mn", "spacingmark": "Mc",
    "enclosingmark": "Me", "number": "N", "decimalnumber": "Nd", "letternumber": "Nl",
    "othernumber": "No", "punctuation": "P", "connectorpunctuation": "Pc",
    "dashpunctuation": "Pd", "openpunctuation": "Ps", "closepunctuation": "Pe",
    "initialpunctuation": "Pi", "finalpunctuation": "Pf", "otherpunctuation": "Po",
    "symbol": "S", "mathsymbol": "Sm", "currencysymbol": "Sc", "modifiersymbol": "Sk",
    "othersymbol": "So", "separator": "Z", "spaceseparator": "Zs", "lineseparator": "Zl",
    "paragraphseparator": "Zp", "other": "C", "control": "Cc", "format": "Cf",
    "surrogate": "Cs", "privateuse": "Co", "unassigned": "Cn", "digit": "Nd",
}  # fmt: skip
_GC_SHORT = {
    v.lower(): v
    for v in [
        "L", "LC", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
        "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ]
}  # fmt: skip


def _unicode_predicate(name: str):
    key = name.lower().replace(" ", "").replace("_", "").replace("-", "")
    for prefix in ("generalcategory=", "generalcategory:", "gc=", "gc:"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    gc = _GC_SHORT.get(key) or _GC_LONG.get(key)
    if gc is not None:
        if gc == "LC":
            return lambda c: unicodedata.category(c) in ("Lu", "Ll", "Lt")
        if len(gc) == 1:
            return lambda c: unicodedata.category(c)[0] == gc
        return lambda c: unicodedata.category(c) == gc
    if key == "any":
        return lambda c: True
    if key == "ascii":
        return lambda c: ord(c) < 128
    if key in ("alphabetic", "alpha"):
        return lambda c: c.isalpha() or unicodedata.category(c) == "Nl"
    if key in ("whitespace", "space", "wspace"):
        return lambda c: c in rx._WHITESPACE
    if key in ("uppercase", "upper"):
        return lambda c: c.isupper()
    if key in ("lowercase", "lower"):
        return lambda c: c.islower()
    raise Unanalysable(f"unicode class {name}")


_POSIX = {
    "alnum": lambda c: c.isascii() and c.isalnum(),
    "alpha": lambda c: c.isascii() and c.isalpha(),
    "ascii": lambda c: ord(c) < 128,
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: 0x21 <= ord(c) <= 0x7E,
    "lower": lambda c: "a" <= c <= "z",
    "print": lambda c: 0x20 <= ord(c) <= 0x7E,
    "punct": lambda c: 0x21 <= ord(c) <= 0x7E and not c.isalnum(),
    "space": lambda c: c in " \t\n\r\x0b\x0c",
    "upper": lambda c: "A" <= c <= "Z",
    "word": lambda c: (c.isascii() and c.isalnum()) or c == "_",
    "xdigit": lambda c: c in string.hexdigits,
}


def _word_char(c: str) -> bool:
    if c == "_" or c.isalnum():
        return True
    return unicodedata.category(c) in ("Mn", "Mc", "Me", "Nd", "Nl", "Pc")


def _perl(letter: str, c: str, unicode: bool) -> bool:
    if letter == "d":
        return unicodedata.category(c) == "Nd" if unicode else "0" <= c <= "9"
    if letter == "s":
        return c in rx._WHITESPACE if unicode else c in " \t\n\r\x0b\x0c"
    return _word_char(c) if unicode else ((c.isascii() and c.isalnum()) or c == "_")


@dataclass(frozen=True)
class Flags:
    i: bool = False  # case-insensitive
    s: bool = False  # dot matches \n
    u: bool = True  # Unicode classes

    def apply(self, text: str) -> Flags:
        i, s, u = self.i, self.s, self.u
        on = True
        for ch in text:
            if ch == "-":
                on = False
            elif ch == "i":
                i = on
            elif ch == "s":
                s = on
            elif ch == "u":
                u = on
        return Flags(i, s, u)


def _class_item(node: rx.Node, c: str, flags: Flags) -> bool:
    if isinstance(node, rx.Literal):
        return c == node.char
    if isinstance(node, rx.ClassRange):
        return node.lo.char <= c <= node.hi.char
    if isinstance(node, rx.PerlClass):
        return _perl(node.letter, c, flags.u) != node.negated
    if isinstance(node, rx.UnicodeClass):
        if node.caret:
            raise Unanalysable("\\p{^...}")
        return _unicode_predicate(node.name)(c) != node.negated
    if isinstance(node, rx.PosixClass):
        return _POSIX[node.name](c) != node.negated
    if isinstance(node, rx.NamedChar):
        if node.char is None:
            raise Unanalysable("unknown \\N{...}")
        return c == node.char
    if isinstance(node, rx.Class):
        return any(_class_item(i, c, flags) for i in node.items) != node.negated
    if isinstance(node, rx.ClassUnion):
        return any(_class_item(i, c, flags) for i in node.items)
    if isinstance(node, rx.ClassSetOp):
        a = _class_item(node.lhs, c, flags)
        b = _class_item(node.rhs, c, flags)
        return {"&&": a and b, "--": a and not b, "~~": a != b}[node.op]
    raise Unanalysable(type(node).__name__)


def char_member(node: rx.Node, c: str, flags: Flags) -> bool:
    """Does the one-character regex ``node`` match ``c`` (Rust semantics)?"""
    if isinstance(node, rx.Dot):
        return flags.s or c != "\n"
    variants = case_variants(c) if flags.i else (c,)
    if isinstance(node, rx.Class):
        hit = any(_class_item(i, v, flags) for i in node.items for v in variants)
        return hit != node.negated
    return any(_class_item(node, v, flags) for v in variants)


CHAR_LEAVES = (rx.Literal, rx.Dot, rx.Class, rx.PerlClass, rx.UnicodeClass, rx.NamedChar)


# ---------------------------------------------------------------------------- spelling

_CLASS_SPECIAL = frozenset("\\[]^-&~")
_CONTROL_ESCAPES = {9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}


def spell_class(negated: bool, chars: set[int]) -> str | None:
    """A Rust bracket class for a set of code points (None when empty or unwieldy)."""
    if not chars or len(chars) > 0x10000:
        return None
    codes = sorted(chars)
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    if len(runs) > 40:
        return None
    parts = []
    for lo, hi in runs:
        if hi == lo:
            parts.append(_class_char(lo))
        elif hi == lo + 1:
            parts.append(_class_char(lo) + _class_char(hi))
        else:
            parts.append(f"{_class_char(lo)}-{_class_char(hi)}")
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


def _class_char(code: int) -> str:
    c = chr(code)
    if c in _CLASS_SPECIAL:
        return "\\" + c
    if code in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[code]
    if c == " ":
        return " "
    if code < 0x20 or code == 0x7F or c == "`":  # a backquote would end the hint's code span
        return f"\\x{code:02X}"
    if unicodedata.category(c)[0] in "CZ":
        # \uXXXX and \UXXXXXXXX: Rust and Python both read them (\u{…} is Rust-only)
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
    return c
