"""Keep notebooks in their stored form: no outputs, except the expected output of checked cells.

    python -m tools.nbtools clean  notebooks/01_convolution.ipynb ...   strip outputs (the
                                                                       recorded outputs of checked
                                                                       cells stay)
    python -m tools.nbtools record notebooks/01_convolution.ipynb ...   execute, then keep only
                                                                       the outputs of cells marked
                                                                       "# NBVAL_CHECK_OUTPUT"

    python -m tools.nbtools run    notebooks/01_convolution.ipynb ...   execute into executed/,
                                                                       every figure saved as PNG
                                                                       in executed/NN_name/

`record` is how the expected output of a checked cell is written: never by hand.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import sys
from pathlib import Path

import nbformat

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
ROOT = Path(__file__).resolve().parent.parent
# where an executed notebook records run_digest() of the run that produced it
RUN_DIGEST_KEY = "course_run_digest"
# what a lesson's outputs depend on besides its own cells
RUN_INPUTS = ["course_utils", "requirements.txt", "pyproject.toml"]


def run_digest(path: Path) -> str:
    """A fingerprint of everything an execution of the notebook at ``path`` depends on: the
    notebook itself, the course_utils package and the pinned requirements. Two executions
    with the same fingerprint ran the same code."""
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(_inputs_digest().encode())
    return digest.hexdigest()


@functools.cache
def _inputs_digest() -> str:
    """The fingerprint of RUN_INPUTS, read once per process: every lesson shares them."""
    digest = hashlib.sha256()
    for name in RUN_INPUTS:
        top = ROOT / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and CHECK_MARK in cell.source


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop outputs and execution counts, except the recorded text outputs of checked cells."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if is_checked(cell) and cell.outputs:
            # nbval compares only cells that were run, so these keep their execution count
            cell.outputs = [_plain(output) for output in cell.outputs]
        else:
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("scrolled", None)
        cell.metadata.pop("collapsed", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)",
                                       "language": "python", "name": "python3"}
    notebook.metadata.setdefault("language_info", {})
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def _plain(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if output.output_type == "stream":
        return output
    if output.output_type == "execute_result":
        return nbformat.v4.new_output("execute_result", data={"text/plain":
                                      output.data.get("text/plain", "")},
                                      execution_count=output.execution_count)
    raise ValueError("a checked cell may only print text; found a "
                     f"{output.output_type} output with {sorted(output.get('data', {}))}")


def execute(notebook: nbformat.NotebookNode, path: Path, timeout: int = 600
            ) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    from course_utils.env import kernel_environment

    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=kernel_environment())  # inline figures, as in JupyterLab
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["clean", "record", "run"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        if args.action == "run":
            print(f"executing {path} ...", flush=True)
            execute(notebook, path)
            print(f"wrote {save_executed(notebook, path)}")
            continue
        if args.action == "record":
            print(f"executing {path} ...", flush=True)
            execute(notebook, path)
        clean(notebook)
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
        print(f"wrote {path}")
    return 0


def save_executed(notebook: nbformat.NotebookNode, path: Path) -> Path:
    """Write the executed notebook and its PNG figures under executed/ beside notebooks/."""
    folder = path.resolve().parent.parent / "executed"
    figures = folder / path.stem
    figures.mkdir(parents=True, exist_ok=True)
    for index, cell in enumerate(notebook.cells):
        for number, output in enumerate(cell.get("outputs", [])):
            png = output.get("data", {}).get("image/png")
            if png:
                (figures / f"cell{index:02d}_{number}.png").write_bytes(base64.b64decode(png))
    target = folder / path.name
    nbformat.write(notebook, target)
    return target


if __name__ == "__main__":
    sys.exit(main())
