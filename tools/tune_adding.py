"""Tune the learning rate of each recurrent layer on lesson 06's adding problem, fairly.

    .venv/bin/python -m tools.tune_adding                   # the grid lesson 06 prints
    .venv/bin/python -m tools.tune_adding --longer SimpleRNN 20   # then: one layer, at its
                                                # chosen rate and the same seeds, for 20 epochs
    .venv/bin/python -m tools.tune_adding --longer SimpleRNN 20 --longer-rate 0.001
    .venv/bin/python -m tools.tune_adding --seeds 0 --learning-rates 0.01 --output /tmp/a.json

Every layer (SimpleRNN, LSTM, GRU; 32 units, then Dense(1)) is trained with Adam at every
learning rate of the same grid, with the same seeds, on the same 20,000 training sequences of
length 50 for the same 5 epochs with batches of 128, exactly as lesson 06 trains them. Each run
is scored after every epoch on 2,000 validation sequences (seed 3); the learning rate whose
final validation MSE, averaged over the seeds, is lowest is chosen for each layer. The test
sequences of the lesson (seed 2) are never read here. Writes
course_utils/checkpoints/adding_grid.json: the settings, this script's name, the date and
every score. ``--longer CELL EPOCHS`` adds to that file one more run per seed of one layer at
its chosen rate (or at ``--longer-rate``) with more epochs: does a longer budget change its
verdict? Results repeat bit for bit only on the same machine, thread count and versions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import time
from pathlib import Path

import numpy as np

import course_utils
from course_utils import sequences

ROOT = Path(__file__).resolve().parent.parent

CELLS = ("SimpleRNN", "LSTM", "GRU")
SETTINGS = {"length": 50, "train_sequences": 20_000, "train_seed": 1,
            "validation_sequences": 2_000, "validation_seed": 3, "units": 32,
            "num_epochs": 5, "batch_size": 128, "optimizer": "Adam", "loss": "mse"}
LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01)
SEEDS = (0, 1)


def train_once(cell: str, learning_rate: float, seed: int, x_train: np.ndarray,
               y_train: np.ndarray, x_valid: np.ndarray, y_valid: np.ndarray,
               num_epochs: int = SETTINGS["num_epochs"]) -> dict:
    """One run of lesson 06's recipe; returns the validation MSE after each epoch."""
    import keras

    course_utils.set_seed(seed)
    layer = getattr(keras.layers, cell)(SETTINGS["units"])
    model = keras.Sequential([keras.Input((SETTINGS["length"], 2)), layer,
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=SETTINGS["batch_size"],
                        epochs=num_epochs, validation_data=(x_valid, y_valid),
                        verbose=0).history
    return {"validation_mse": [round(float(value), 6) for value in history["val_loss"]],
            "seconds": round(time.perf_counter() - start, 1)}


def choose(runs: dict) -> dict:
    """For each cell, the learning rate with the lowest final validation MSE (seed mean)."""
    chosen = {}
    for cell, by_rate in runs.items():
        means = {rate: float(np.mean([run["validation_mse"][-1] for run in by_seed.values()]))
                 for rate, by_seed in by_rate.items()}
        chosen[cell] = float(min(means, key=means.get))
    return chosen


def longer(path: Path, cell: str, num_epochs: int, arrays: tuple,
           rate: float | None = None) -> None:
    """Train ``cell`` at ``rate`` (its chosen one if None), with the grid's seeds, for
    ``num_epochs``; add the runs to the record at ``path``."""
    if cell not in CELLS or num_epochs < 1:
        raise ValueError(f"--longer takes a layer of {CELLS} and a number of epochs >= 1, "
                         f"got {cell!r} {num_epochs!r}")
    record = json.loads(path.read_text(encoding="utf-8"))
    rate = record["chosen_learning_rate"][cell] if rate is None else float(rate)
    runs = {}
    for seed in record["seeds"]:
        runs[str(seed)] = train_once(cell, rate, seed, *arrays, num_epochs=num_epochs)
        print(f"{cell:>9} learning rate {rate:g} seed {seed}, {num_epochs} epochs: validation "
              f"MSE {runs[str(seed)]['validation_mse'][-1]:.4f}", flush=True)
    command = f"python -m tools.tune_adding --longer {cell} {num_epochs} --longer-rate {rate:g}"
    record.setdefault("longer", {})[f"{cell} {rate:g} {num_epochs}"] = {
        "cell": cell, "num_epochs": num_epochs, "learning_rate": rate,
        "chosen_in_the_grid": rate == record["chosen_learning_rate"][cell], "runs": runs,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"), "command": command}
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learning-rates", type=float, nargs="+", default=LEARNING_RATES)
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--cells", nargs="+", default=CELLS, choices=CELLS)
    parser.add_argument("--longer", nargs=2, metavar=("CELL", "EPOCHS"),
                        help="train one layer longer at its chosen rate, into the existing file")
    parser.add_argument("--longer-rate", type=float, default=None,
                        help="with --longer: this learning rate instead of the chosen one")
    parser.add_argument("--output", type=Path,
                        default=ROOT / "course_utils" / "checkpoints" / "adding_grid.json")
    arguments = parser.parse_args()
    course_utils.env.quiet_tensorflow()  # before TensorFlow is imported
    import keras

    x_train, y_train = sequences.adding_problem(SETTINGS["train_sequences"], SETTINGS["length"],
                                                seed=SETTINGS["train_seed"])
    x_valid, y_valid = sequences.adding_problem(SETTINGS["validation_sequences"],
                                                SETTINGS["length"],
                                                seed=SETTINGS["validation_seed"])
    if arguments.longer:
        longer(arguments.output, arguments.longer[0], int(arguments.longer[1]),
               (x_train, y_train, x_valid, y_valid), arguments.longer_rate)
        return
    runs: dict = {}
    for cell in arguments.cells:
        for rate in arguments.learning_rates:
            for seed in arguments.seeds:
                run = train_once(cell, rate, seed, x_train, y_train, x_valid, y_valid)
                runs.setdefault(cell, {}).setdefault(str(rate), {})[str(seed)] = run
                print(f"{cell:>9} learning rate {rate:<7g} seed {seed}: validation MSE "
                      f"{run['validation_mse'][-1]:.4f} ({run['seconds']:.0f} s)", flush=True)
    record = {
        "script": "python -m tools.tune_adding",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "settings": SETTINGS,
        "learning_rates": [float(rate) for rate in arguments.learning_rates],
        "seeds": list(arguments.seeds),
        "selected_on": "final validation MSE, mean over the seeds (test sequences unused)",
        "chosen_learning_rate": choose(runs),
        "runs": runs,
        "versions": {"python": platform.python_version(), "keras": keras.__version__,
                     "numpy": np.__version__},
    }
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"chosen: {record['chosen_learning_rate']} -> {arguments.output}")


if __name__ == "__main__":
    main()
