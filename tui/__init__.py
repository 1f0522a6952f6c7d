"""The Textual app and the ``awstutor`` command.

Importing this package must stay cheap: the command's headless subcommands
(lookup, calc, progress, topics) import only what they need, and never Textual.
"""

__version__ = "0.1.0"

OWNER = "awstutor"  # checked at start-up: another project's package of this name is not ours
