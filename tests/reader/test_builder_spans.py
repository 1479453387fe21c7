"""The builder's span maker (``parser._new_span``, which sets a frozen Span's slots
directly) makes exactly what the ``Span`` constructor makes."""

from __future__ import annotations

import dataclasses

import pytest

from grammarkit.core.span import Span
from grammarkit.reader import parser


def test_span_fields_are_the_ones_the_builder_sets():
    assert tuple(f.name for f in dataclasses.fields(Span)) == parser._SPAN_FIELDS
    assert Span.__slots__ == parser._SPAN_FIELDS
    assert not hasattr(Span, "__post_init__")


@pytest.mark.parametrize("values", [(1, 1, 1, 2, 0, 1), (3, 7, 5, 1, 40, 99), (1, 1, 1, 1, 0, 0)])
def test_new_span_equals_the_constructor(values):
    made, built = parser._new_span(*values), Span(*values)
    assert type(made) is Span
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert dataclasses.astuple(made) == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 2  # type: ignore[misc]
