"""The local Lark side: the grammar translated for Python Lark, and the parser an
application runs on tool inputs."""
