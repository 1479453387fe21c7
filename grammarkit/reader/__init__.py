"""Reading Lark grammar text (llguidance's dialect) into a located model."""

from .model import Grammar, walk
from .reader import ReadResult, SyntaxProblem, read_grammar

__all__ = ["Grammar", "ReadResult", "SyntaxProblem", "read_grammar", "walk"]
