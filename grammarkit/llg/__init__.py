"""The llguidance side: running it safely, compiling grammars and locating its messages,
matching tool inputs, and its limits. llguidance is the authority on what the model can
emit; everything grammarkit says about a grammar's language is checked here."""
