"""The Textual app, the ``awstutor`` command, and the web server that serves the app to a browser.

Importing this package must stay cheap: the command's headless subcommands
(lookup, calc, progress, topics) import only what they need, and never Textual;
nor does ``serve``'s server (each browser tab's app is a process of its own).
"""

__version__ = "0.1.0"

OWNER = "awstutor"  # checked at start-up: another project's package of this name is not ours
