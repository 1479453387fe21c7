"""The OpenAI runtime: custom tools built from grammar files, the calls a model sends,
routing them to handlers, and checking streamed input as it arrives."""
