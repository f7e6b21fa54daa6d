"""The ``tawasul`` command, a module for each group of its subcommands.

- ``commands``: the entry point, the parser, the kiosk and staff apps, requests, ID numbers, the
  calendar and ``db check``;
- ``office``: ``init`` and ``audit``; ``staff``: staff accounts and the staff SSH set-up;
- ``receipts``: receipt keys, verification and the print spool; ``archive``: the yearly archives;
- ``doctor``: the host's self-test;
- ``arguments``: argument types the groups share.
"""

from kiosk.cli.commands import build_parser, configure_logging, main

__all__ = ["build_parser", "configure_logging", "main"]
