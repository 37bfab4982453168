"""Live view of a GAN learning 2-D points (lesson 07): the game, move by move.

Left: the discriminator's belief D(x) that a point is real, as a heat map; real points;
generated points; arrows showing where the generator's loss pushes each generated point
(minus its gradient with respect to the point). Right: both losses and the discriminator's
average output on real and generated points, which meet at 1/2 at the equilibrium.

Watched, ``start()`` trains in small chunks scheduled on the kernel's asyncio event loop and
yields between chunks, so buttons and sliders keep working while it trains. Unattended,
``train(steps=...)`` runs the same chunks synchronously, so a notebook repeats exactly.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_utils import adversarial
from course_utils._arrays import given, run_first
from course_utils.explore._base import Explorer, FigureView

__all__ = ["GanExplorer"]

_LOSSES = {"non-saturating": "non_saturating", "minimax": "minimax"}


class GanExplorer(Explorer):
    """Train a small GAN on 2-D points and watch it: controls, buttons and a live figure.

    real_points: (N, 2) training data. centers, std: the mixture's means (K, 2) and spread,
    to count the modes covered (leave None for data without modes, such as a spiral).
    """

    name = "gan2d"

    def __init__(self, real_points: np.ndarray, centers: np.ndarray | None = None,
                 std: float | None = None, noise_dim: int = 2,
                 generator_learning_rate: float = 2e-3,
                 discriminator_learning_rate: float = 2e-3, discriminator_steps: int = 1,
                 generator_steps: int = 1, generator_loss: str = "non_saturating",
                 hidden_units: int = 64, batch_size: int = 256, refresh_every: int = 25,
                 max_steps: int = 5000, extent: float = 3.0, seed: int = 0):
        import ipywidgets

        super().__init__()
        data_first = run_first("The data: points in the plane")
        given(real_points, "real_points", "points of shape (N, 2)", data_first)
        real_points = np.asarray(real_points, dtype=np.float32)
        if real_points.ndim != 2 or real_points.shape[1] != 2 or len(real_points) < 2:
            raise ValueError(f"real_points must have shape (N, 2), got {real_points.shape}: "
                             f"use adversarial.ring_of_gaussians(...) or similar; {data_first}")
        if (centers is None) != (std is None):
            raise ValueError("give both centers and std to count modes covered, or neither")
        if generator_loss not in _LOSSES.values():
            raise ValueError(f"generator_loss must be one of {sorted(_LOSSES.values())}, "
                             f"got {generator_loss!r}")
        for label, value in (("batch_size", batch_size), ("refresh_every", refresh_every),
                             ("max_steps", max_steps), ("hidden_units", hidden_units)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be a positive int, got {value!r}")
        self.real_points = real_points
        self.centers = None if centers is None else np.asarray(centers, dtype=np.float32)
        self.std = std
        self.hidden_units, self.batch_size = hidden_units, batch_size
        self.refresh_every, self.max_steps, self.seed = refresh_every, max_steps, seed
        self.history: dict[str, list[float]] = {}
        self.coverage: dict[str, Any] | None = None
        self._task: asyncio.Task | None = None
        self._running = False

        log_slider = dict(base=10, min=-4, max=-1, step=0.25, readout_format=".0e",
                          continuous_update=False, style={"description_width": "initial"})
        self.controls = {
            "generator_learning_rate": ipywidgets.FloatLogSlider(
                value=generator_learning_rate, description="G learning rate", **log_slider),
            "discriminator_learning_rate": ipywidgets.FloatLogSlider(
                value=discriminator_learning_rate, description="D learning rate", **log_slider),
            "discriminator_steps": ipywidgets.IntSlider(
                value=discriminator_steps, min=1, max=5, description="D steps",
                continuous_update=False),
            "generator_steps": ipywidgets.IntSlider(
                value=generator_steps, min=1, max=5, description="G steps",
                continuous_update=False),
            "noise_dim": ipywidgets.Dropdown(options=[1, 2, 4, 8], value=noise_dim,
                                             description="noise dim"),
            "generator_loss": ipywidgets.Dropdown(options=list(_LOSSES.items()),
                                                  value=generator_loss, description="G loss"),
        }
        self.buttons = {name: ipywidgets.Button(description=name, layout={"width": "80px"})
                        for name in ("start", "pause", "step", "reset")}

        # A fixed probe: the plane on a grid, fixed noise for the shown generated points.
        axis = np.linspace(-extent, extent, 48, dtype=np.float32)
        grid_x, grid_y = np.meshgrid(axis, axis)
        self._grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
        self._grid_shape = grid_x.shape
        self._shown_real = real_points[np.random.default_rng(seed).permutation(
            len(real_points))[:400]]
        self._networks: dict[Any, tuple[Any, list[np.ndarray], Any]] = {}
        self._game = 0
        self._probed: tuple | None = None
        self._drawn_steps: int | None = None  # rounds in the histories last drawn
        self._build_figure(extent)
        self.reset()
        self.redraw()
        # The plane's picture and the title move with the game; the arrows (the push
        # depends on G's loss), the legend over them and the settings line move with any
        # control. The axes and the histories stay: they change only when the game is
        # played, and then so do their limits, which needs a full drawing anyway.
        self.view = FigureView(
            self.figure, animated=[self._surface, self._real, self._fake, self._title],
            overlay=[self._arrows, self._legend, self._settings])
        self.watch_controls()
        self.buttons["start"].on_click(lambda _: self.start())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.train(steps=1))
        self.buttons["reset"].on_click(lambda _: self._new_game())
        left = ipywidgets.VBox([self.controls[name] for name in
                                ("generator_learning_rate", "discriminator_learning_rate",
                                 "generator_loss")])
        right = ipywidgets.VBox([self.controls[name] for name in
                                 ("discriminator_steps", "generator_steps", "noise_dim")])
        self.widget = ipywidgets.VBox([
            ipywidgets.HBox([left, right]),
            ipywidgets.HBox(list(self.buttons.values())),
            self.view.image])

    # ----- the models and one round of the game -------------------------------------------
    @property
    def step(self) -> int:
        """Rounds of the game played so far (each: D steps, then G steps)."""
        return len(self.history["discriminator_loss"])

    @property
    def running(self) -> bool:
        return self._running

    def reset(self) -> None:
        """A new game: both networks at their starting weights (same seed), fresh optimizers,
        empty history."""
        import keras

        self._running = False
        self._noise_dim = self.controls["noise_dim"].value
        self._rng = np.random.default_rng(self.seed)
        self.generator, self.discriminator, self._probe_networks = self._fresh_networks(
            self._noise_dim)
        self._generator_optimizer = keras.optimizers.Adam(
            self.controls["generator_learning_rate"].value, beta_1=0.5)
        self._discriminator_optimizer = keras.optimizers.Adam(
            self.controls["discriminator_learning_rate"].value, beta_1=0.5)
        self._discriminator_step = adversarial.make_discriminator_step(
            self.generator, self.discriminator, self._discriminator_optimizer)
        self._generator_steps = {
            kind: adversarial.make_generator_step(self.generator, self.discriminator,
                                                  self._generator_optimizer, kind)
            for kind in adversarial.GENERATOR_LOSSES}
        self._probe_noise = np.random.default_rng(self.seed + 1).standard_normal(
            (2000, self._noise_dim)).astype(np.float32)
        self.history = {key: [] for key in ("discriminator_loss", "generator_loss",
                                            "d_real", "d_fake")}
        self.coverage = None
        self._game += 1  # what was probed belongs to the game before

    def _fresh_networks(self, noise_dim: int) -> tuple[Any, Any, Any]:
        """The generator for ``noise_dim``, the discriminator, and the probe of the pair.

        Each network is built once (a build costs tens of ms) and later put back to the
        weights it was built with: the same networks a new build with the same seed gives.
        The compiled probe then stays valid, so a new game costs no new tracing.
        """
        if "discriminator" not in self._networks:
            discriminator = adversarial.make_discriminator(2, self.hidden_units,
                                                           seed=self.seed + 100)
            self._networks["discriminator"] = (discriminator, discriminator.get_weights(), None)
        discriminator, weights, _ = self._networks["discriminator"]
        discriminator.set_weights(weights)
        if noise_dim not in self._networks:
            generator = adversarial.make_generator(noise_dim, self.hidden_units, seed=self.seed)
            self._networks[noise_dim] = (generator, generator.get_weights(),
                                         adversarial.make_probe(generator, discriminator))
        generator, weights, probe = self._networks[noise_dim]
        generator.set_weights(weights)
        return generator, discriminator, probe

    def _probe(self, grid: np.ndarray, z: np.ndarray, kind: str) -> tuple[Any, Any, Any]:
        """D(x) on ``grid`` (M, 2), the points G makes from ``z`` (N, noise_dim), and minus
        the gradient of G's loss ``kind`` with respect to each point (N, 2)."""
        surface, points, pushes = self._probe_networks(grid, z)
        return surface, points, pushes[kind]

    def _play_round(self) -> None:
        batch, noise_dim = self.batch_size, self._noise_dim
        for _ in range(self.controls["discriminator_steps"].value):
            x_real = self.real_points[self._rng.integers(0, len(self.real_points), batch)]
            z = self._rng.standard_normal((batch, noise_dim)).astype(np.float32)
            d_loss, d_real, d_fake = self._discriminator_step(x_real, z)
        step = self._generator_steps[self.controls["generator_loss"].value]
        for _ in range(self.controls["generator_steps"].value):
            z = self._rng.standard_normal((batch, noise_dim)).astype(np.float32)
            g_loss = step(z)
        for key, value in (("discriminator_loss", d_loss), ("generator_loss", g_loss),
                           ("d_real", d_real), ("d_fake", d_fake)):
            self.history[key].append(float(value))

    # ----- training: unattended (train) and watched (start / pause) ------------------------
    def train(self, steps: int) -> None:
        """Play ``steps`` rounds now, then redraw: the unattended path (nbval, scripts)."""
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive int, got {steps!r}")
        for _ in range(steps):
            self._play_round()
        self.redraw()

    def start(self) -> asyncio.Task | None:
        """Train in the background on the kernel's event loop until paused or ``max_steps``."""
        if self._task is not None and not self._task.done():
            self._running = True  # paused or reset but not yet stopped: carry on
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("start() needs a running event loop, as in a Jupyter kernel; "
                               "in a script, call train(steps=...) instead") from None
        self._running = True
        self._task = loop.create_task(self._run())
        return self._task

    def pause(self) -> None:
        """Stop after the current chunk; the figure shows the last state."""
        self._running = False

    async def _run(self) -> None:
        try:
            drawn_at = self.step
            while self._running and self.step < self.max_steps:
                for _ in range(5):  # a chunk of about 10 ms, then let the kernel breathe
                    self._play_round()
                if self.step - drawn_at >= self.refresh_every:
                    self.redraw()
                    drawn_at = self.step
                await asyncio.sleep(0)
        finally:
            self._running = False
            self.redraw()

    # ----- controls -------------------------------------------------------------------------
    def _new_game(self) -> None:
        self.reset()
        self.redraw()

    def sweep(self) -> list[tuple[str, Any]]:
        """Every control that redraws the figure, each moved away and back."""
        changes: list[tuple[str, Any]] = []
        for name in ("generator_learning_rate", "discriminator_learning_rate"):
            changes += [(name, 1e-2), (name, 1e-4), (name, self.controls[name].value)]
        for name in ("discriminator_steps", "generator_steps"):
            changes += [(name, 3), (name, self.controls[name].value)]
        loss = self.controls["generator_loss"].value
        changes += [("generator_loss", "minimax" if loss != "minimax" else "non_saturating"),
                    ("generator_loss", loss)]
        noise_dim = self.controls["noise_dim"].value
        changes += [("noise_dim", 4 if noise_dim != 4 else 2), ("noise_dim", noise_dim)]
        return changes

    # ----- the figure -----------------------------------------------------------------------
    def _build_figure(self, extent: float) -> None:
        figure = Figure(figsize=(9.6, 4.6))
        grid = figure.add_gridspec(2, 2, width_ratios=(1.15, 1), hspace=0.45, wspace=0.3,
                                   left=0.07, right=0.97, top=0.86, bottom=0.11)
        plane = figure.add_subplot(grid[:, 0])
        self._surface = plane.imshow(np.full(self._grid_shape, 0.5), origin="lower",
                                     extent=(-extent, extent, -extent, extent), cmap="RdBu",
                                     vmin=0, vmax=1, alpha=0.75, interpolation="nearest")
        real = self._shown_real
        self._real = plane.scatter(real[:, 0], real[:, 1], s=4, c="black", label="real")
        self._fake = plane.scatter(np.zeros(300), np.zeros(300), s=9, facecolors="white",
                                   edgecolors="#333333", linewidths=0.5, label="generated")
        self._arrows = plane.quiver(np.zeros(40), np.zeros(40), np.zeros(40), np.zeros(40),
                                    color="#5e3c99", angles="xy", scale_units="xy", scale=1,
                                    width=0.005, label="push on G(z)")
        plane.set_xlim(-extent, extent)
        plane.set_ylim(-extent, extent)
        plane.set_aspect("equal")
        plane.set_xticks([-2, 0, 2])
        plane.set_yticks([-2, 0, 2])
        plane.set_xlabel("x1   (background: D(x), blue = 'real', red = 'generated')", fontsize=8)
        self._legend = plane.legend(loc="upper right", fontsize=7, framealpha=0.85)
        self._plane = plane

        losses = figure.add_subplot(grid[0, 1])
        self._loss_lines = {
            "discriminator_loss": losses.plot([], [], color="#e66101", label="D loss")[0],
            "generator_loss": losses.plot([], [], color="#5e3c99", label="G loss")[0]}
        losses.axhline(2 * np.log(2), color="gray", linestyle=":", linewidth=1)
        losses.set_ylabel("loss")
        losses.yaxis.set_major_locator(MaxNLocator(3))
        losses.xaxis.set_major_locator(MaxNLocator(4))
        losses.set_title("losses (dotted: D's loss at equilibrium, 2 log 2)", fontsize=9)
        losses.tick_params(labelbottom=False)
        losses.legend(fontsize=7, loc="upper right")
        self._losses = losses

        outputs = figure.add_subplot(grid[1, 1], sharex=losses)
        self._output_lines = {
            "d_real": outputs.plot([], [], color="black", label="mean D(real)")[0],
            "d_fake": outputs.plot([], [], color="#5e3c99", label="mean D(generated)")[0]}
        outputs.axhline(0.5, color="gray", linestyle=":", linewidth=1)
        outputs.set_ylim(0, 1)
        outputs.set_yticks([0, 0.5, 1])
        outputs.set_xlabel("round of the game (D steps, then G steps)")
        outputs.set_ylabel("D output")
        outputs.set_title("discriminator's mean output (dotted: 1/2)", fontsize=9)
        outputs.legend(fontsize=7, loc="lower left")
        self._outputs = outputs
        self._title = figure.suptitle("", fontsize=10)
        self._settings = figure.text(0.5, 0.925, "", ha="center", fontsize=8, color="#444444")
        self.figure = figure

    def measure(self) -> dict[str, Any] | None:
        """Modes covered and share of high-quality points for 2,000 generated points."""
        if self.centers is None:
            return None
        points = np.asarray(self.generator(self._probe_noise, training=False))
        return adversarial.mode_coverage(points, self.centers, self.std)

    def redraw(self, moved: str | None = None) -> None:
        """Apply the control ``moved``, then redraw what it changed.

        noise_dim starts a new game; the learning rates reach the optimizers. A setting
        changes only the settings line (and G's loss the arrows): the plane is pasted from
        the last drawing. New histories (after training, or a new game after one) come with
        new limits and need a full drawing.
        """
        if moved == "noise_dim":
            self.reset()
        elif moved in ("generator_learning_rate", "discriminator_learning_rate"):
            self._generator_optimizer.learning_rate.assign(
                self.controls["generator_learning_rate"].value)
            self._discriminator_optimizer.learning_rate.assign(
                self.controls["discriminator_learning_rate"].value)
        kind = self.controls["generator_loss"].value
        new_state = self._probed is None or self._probed[0] != (self._game, self.step)
        if new_state:
            surface, points, pushes = self._probe_networks(self._grid, self._probe_noise)
            coverage = (None if self.centers is None else  # the same points as measure()
                        adversarial.mode_coverage(np.asarray(points), self.centers, self.std))
            self._probed = ((self._game, self.step), surface, points, pushes, coverage)
            self._show_game()
        self._show_arrows(kind)
        new_history = self.step != self._drawn_steps  # a new game starts with none
        if new_history:
            self._show_history()
            self._drawn_steps = self.step
        self._show_texts(kind)
        if self.view is not None:
            self.view.refresh(full=moved is None or new_history, overlay_only=not new_state)

    def _show_game(self) -> None:
        """The discriminator's belief and the generated points, as last probed."""
        _, surface, points, _, coverage = self._probed
        self._surface.set_data(np.asarray(surface).reshape(self._grid_shape))
        self._fake.set_offsets(np.asarray(points)[:300])
        self.coverage = coverage

    def _show_arrows(self, kind: str) -> None:
        """Where G's loss ``kind`` pushes 40 generated points, the longest arrow 0.5 long."""
        _, _, points, pushes, _ = self._probed
        arrows = np.asarray(pushes[kind])[:40]
        longest = np.linalg.norm(arrows, axis=1).max()
        arrows = arrows * (0.5 / longest) if longest > 0 else arrows
        self._arrows.set_offsets(np.asarray(points)[:40])
        self._arrows.set_UVC(arrows[:, 0], arrows[:, 1])

    def _show_history(self) -> None:
        """Both losses and D's mean outputs so far, on limits that hold them."""
        steps = np.arange(1, self.step + 1)
        for key, line in {**self._loss_lines, **self._output_lines}.items():
            line.set_data(steps, self.history[key])
        self._losses.set_xlim(0, max(self.step, 10))  # shared with the outputs' axes
        if self.step:
            values = self.history["discriminator_loss"] + self.history["generator_loss"]
            low, high = min(min(values), 0.0), max(max(values), 2 * np.log(2))
            self._losses.set_ylim(low - 0.1, high + 0.1)

    def _show_texts(self, kind: str) -> None:
        title = f"round {self.step}"
        if self.coverage is not None:
            title += (f"   ·   modes covered {self.coverage['modes_covered']}/"
                      f"{len(self.centers)}   ·   high-quality points "
                      f"{self.coverage['high_quality']:.0%}")
        self._title.set_text(title)
        controls = self.controls
        self._settings.set_text(
            f"G lr {controls['generator_learning_rate'].value:.0e}   D lr "
            f"{controls['discriminator_learning_rate'].value:.0e}   D steps "
            f"{controls['discriminator_steps'].value}   G steps "
            f"{controls['generator_steps'].value}   noise dim {self._noise_dim}   G loss "
            f"{kind.replace('_', '-')}" + ("   (training...)" if self._running else ""))
