"""The real kiosk with one fault planted, for the tests only.

``python -m tests.kiosk.faulty_kiosk FAULT -- tawasul arguments…`` replaces one function with
one that raises the first time it is called and behaves as before afterwards, then runs
``kiosk.cli.main`` with the arguments. The fault lives in the test tree and is chosen on its
command line: nothing of it ships, and no setting or variable of the installed kiosk reaches it.
"""

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any

FAULTS: dict[str, tuple[str, str, str]] = {
    # A key handler of a screen, on the event loop (Down Enter on the request types).
    "screen-handler": (
        "screens.resident.request_types",
        "RequestTypeScreen",
        "on_option_list_option_selected",
    ),
    # The request types screen's loading worker (a thread).
    "worker": ("kiosk.services.requests", "RequestService", "requests_by_type"),
    # The idle countdown's one-second timer.
    "timer": ("screens.resident.idle_countdown", "IdleCountdown", "_tick"),
    # The print worker, inside the receipt service.
    "printing": ("kiosk.services.receipts", "ReceiptService", "print_receipt"),
    # The sign-in worker, inside the account service.
    "sign-in": ("kiosk.services.accounts", "AccountService", "sign_in"),
}
"""Where each kind of unexpected error is planted: module, class, method."""


class PlantedFault(RuntimeError):
    """The error a planted fault raises (the log names it)."""


def plant(fault: str) -> None:
    """Make the method named by *fault* raise PlantedFault on its first call only."""
    module_name, class_name, method_name = FAULTS[fault]
    owner = getattr(importlib.import_module(module_name), class_name)
    original: Callable[..., Any] = getattr(owner, method_name)
    calls = 0

    @functools.wraps(original)
    def failing_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise PlantedFault(f"planted fault: {fault}")
        return original(*args, **kwargs)

    setattr(owner, method_name, failing_once)


def main(argv: list[str]) -> int:
    """Plant ``argv[0]``'s fault, then run the kiosk command after ``--``."""
    fault, separator, *command = argv
    assert separator == "--", "usage: faulty_kiosk FAULT -- ARGUMENTS"
    plant(fault)
    from kiosk.cli import main as tawasul

    return tawasul(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
