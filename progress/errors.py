"""The exceptions of the progress layer, each carrying one line for the user.

* :class:`ProgressError`: what the layer cannot recover from (a folder that
  cannot be used, a lock held too long). The command line prints
  ``awstutor: <message>`` and exits 1.
* :class:`StoreWriteError`: a change that was not saved (read-only store, disk
  full, no permission, lock unavailable). Nothing on disk changed; the caller
  may keep what it wanted to save and try again.
* :class:`InvalidImport`: a file given to ``progress import`` that is refused.
* :class:`BadFile`: internal: a data file that cannot be used as it is (moved
  aside by the store, never shown as a traceback).
"""

from __future__ import annotations


class ProgressError(Exception):
    """What the progress layer cannot recover from, as one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreWriteError(ProgressError):
    """A change that could not be saved; the data on disk is as it was before."""


class InvalidImport(ProgressError):
    """A file given to import that is not an acceptable awstutor progress export."""


class BadFile(Exception):
    """A data file that cannot be used as it is.

    ``reason`` goes into the name the file is moved aside under
    (``truncated``, ``corrupt``, ``wrong-shape``, ``newer-schema-v9``,
    ``symlink``...); ``detail`` is the human half of the notice (``was not
    valid JSON``).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
