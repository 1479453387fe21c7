"""``grammarkit playground``: a local web page to work on one grammar and its samples.

A front end, like the command line and the pytest plugin: every answer comes from the
library. :mod:`~grammarkit.playground.api` holds the page's operations (one library call
each, bounded), :mod:`~grammarkit.playground.worker` runs them in worker processes with a
timeout, :mod:`~grammarkit.playground.disk` loads and saves the files,
:mod:`~grammarkit.playground.server` is the Starlette application (with its guard against
other sites) and runs it with uvicorn, and ``static/`` is the page.

Starlette and uvicorn (the ``playground`` extra) are imported only by the server module, and
only inside its functions.
"""
