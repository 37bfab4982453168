"""Run a lesson out of order and print the error a learner would see.

    python -m tools.out_of_order notebooks/03_cnn_classifier.ipynb --run 2,4 43
        runs code cells 2 and 4 (notebook cell indices), then cell 43, in one fresh kernel,
        and prints the first error with its message

    python -m tools.out_of_order notebooks/00_start_here.ipynb --run 4 --code "x_train = ..." 8
        runs cell 4, then the code (a variable left over from elsewhere), then cell 8

    python -m tools.out_of_order notebooks/03_cnn_classifier.ipynb --list
        lists each cell's index, kind and first line

A cell that fails to run among the --run cells is reported too, so a skipped setup cell shows
where the lesson breaks first. Cells run as written: expensive cells (training) cost as much
as in the lesson, so choose the subset with care.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import nbformat
from jupyter_client.manager import start_new_kernel


def _run(client, source: str, timeout: float) -> tuple[str | None, str]:
    """Run ``source``; the error name and message it raised (or None) and its printed text."""
    message_id = client.execute(source)
    error, printed = None, ""
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        if message["msg_type"] == "error":
            error = f"{message['content']['ename']}: {message['content']['evalue']}"
        if message["msg_type"] == "stream":
            printed += message["content"]["text"]
        if message["msg_type"] in ("execute_result", "display_data"):
            printed += message["content"]["data"].get("text/plain", "") + "\n"
        if (message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"):
            return error, printed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("cells", nargs="*", type=int, help="cells whose error is printed")
    parser.add_argument("--run", default="", help="comma-separated cells run first")
    parser.add_argument("--code", default="", help="code run after the --run cells")
    parser.add_argument("--list", action="store_true", help="list the cells and stop")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--width", type=int, default=400, help="characters of printed text shown")
    arguments = parser.parse_intermixed_args(argv)
    notebook = nbformat.read(arguments.notebook, as_version=4)
    if arguments.list:
        for index, cell in enumerate(notebook.cells):
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            print(f"{index:3d} {cell.cell_type[:4]:4s} {first[:90]}")
        return 0
    setup = [int(index) for index in arguments.run.split(",") if index.strip()]
    manager, client = start_new_kernel(kernel_name="python3", cwd="notebooks",
                                       stderr=subprocess.DEVNULL)
    try:
        for index in setup:
            if notebook.cells[index].cell_type != "code":
                continue
            error, _ = _run(client, notebook.cells[index].source, arguments.timeout)
            print(f"[setup cell {index}] {error or 'ran without error'}")
        if arguments.code:
            error, _ = _run(client, arguments.code, arguments.timeout)
            print(f"[--code] {error or 'ran without error'}")
        for index in arguments.cells:
            error, printed = _run(client, notebook.cells[index].source, arguments.timeout)
            # a checker answers in print, so what it said is part of the outcome
            said = printed.strip()[:arguments.width]
            print(f"[tried cell {index}] {error or 'ran without error'}"
                  + (f"\n    printed: {said}" if said else ""))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
