"""Reading Lark grammar text (llguidance's dialect) into a located model."""

from grammarkit.reader.model import Grammar, walk
from grammarkit.reader.parser import ReadResult, SyntaxProblem, read_grammar

__all__ = ["Grammar", "ReadResult", "SyntaxProblem", "read_grammar", "walk"]
