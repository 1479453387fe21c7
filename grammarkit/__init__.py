"""grammarkit: lint, test and serve grammars for OpenAI custom tools."""

__version__ = "0.1.0"
