"""What the learner did, kept safe on disk, and what to study next.

Plain Python: no Textual, no ``tui``, no ``lessons`` (the course comes in as
plain data). Modules, from the bottom up (each imports only those above it):

* ``errors``: the exceptions, each one line for the user;
* ``locations``: where data, config and cache folders are;
* ``files``: the one atomic write, reads that follow no link, moving aside;
* ``schema``: what the files hold, times, limits, checking an import;
* ``storage``: TinyDB on atomic, cached, validated files;
* ``records``, ``activity``, ``summaries``: record values, days and streaks,
  folded summaries of answers and marks;
* ``log``, ``cards``: the segmented logs, the per-topic card files;
* ``transfer``: export, import, reset;
* ``store``: :class:`~progress.store.ProgressStore`, the public API;
* ``scheduler``, ``stats``, ``dashboard``: FSRS scheduling and the figures,
  all read through the store.
"""

OWNER = "awstutor"  # checked at start-up: another project's package of this name is not ours
