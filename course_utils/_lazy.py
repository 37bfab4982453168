"""Subpackages whose modules are reached as attributes and imported on first use."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from types import ModuleType


def submodule_getter(package: str, path: Iterable[str], kind: str) -> Callable[[str], ModuleType]:
    """A module ``__getattr__`` that imports ``package.<name>`` when ``<name>`` is asked for.

    kind: what the modules are, for the error that lists them ("explorer", "exercise").
    """
    names = frozenset(module.name for module in pkgutil.iter_modules(path)
                      if not module.name.startswith("_"))

    def __getattr__(name: str) -> ModuleType:  # noqa: N807 - the module hook's own name
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}; "
                             f"the {kind} modules are {', '.join(sorted(names))}")

    return __getattr__
