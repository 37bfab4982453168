"""Reading the JSON description a training script writes beside a shipped checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_description(path: str | Path, script: str) -> dict[str, Any]:
    """The description at ``path``, or a FileNotFoundError naming the ``script`` that writes it.

    script: the module that writes it, "tools.train_digit_cnn", run as ``python -m``; a path
    such as "tools/train_dcgan.py" is read as that module too.
    """
    path = Path(path)
    module = script.removesuffix(".py").replace("/", ".")
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint description at {path}: run "
                                f"`python -m {module}` in the course folder")
    return json.loads(path.read_text(encoding="utf-8"))
