"""Packages that export names from their modules without importing those modules up front."""

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for *package*: each name in *modules* (name → module)
    is imported from its module when first asked for, then kept in the package.

    The kiosk's first screen is drawn before the use cases and screens that come later are
    imported: a package that imported them all would cost the kiosk's start ~20 ms.
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
