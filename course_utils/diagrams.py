"""Static diagrams the lessons show: matplotlib figures drawn once, from no data.

    draw_cells()    the LSTM and GRU cells side by side               lesson 06

Each function returns a pyplot Figure and shows nothing by itself; the notebook displays it.
Interactive figures are explorers and live in ``course_utils.explore``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["draw_cells"]


def draw_cells() -> Any:
    """The LSTM and GRU cells as two diagrams side by side; returns the pyplot Figure. Lesson 06."""
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))

    def box(axis, x, y, text, color):
        axis.text(x, y, text, ha="center", va="center", fontsize=11,
                  bbox={"boxstyle": "round,pad=0.35", "facecolor": color, "edgecolor": "black"})

    def arrow(axis, start, end, shrink_start=9):
        axis.annotate("", xy=end, xytext=start,
                      arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.4,
                                  "shrinkA": shrink_start, "shrinkB": 9})

    def line(axis, points):
        xs, ys = zip(*points)
        axis.plot(xs, ys, color="black", linewidth=1.4)

    gate, squash, point = "#fde0c5", "#c6dbef", "white"
    # LSTM: the cell state c runs along the top, touched only by x and +
    axis = left
    for start, end in (((0.3, 3), (1.5, 3)), ((1.5, 3), (3.3, 3)), ((3.3, 3), (7.0, 3)),
                       ((1.5, 1), (1.5, 3)), ((2.7, 1), (3.3, 2.1)), ((3.9, 1), (3.3, 2.1)),
                       ((3.3, 2.1), (3.3, 3)), ((6.1, 3), (6.1, 2.1)), ((6.1, 2.1), (6.1, 1)),
                       ((5.1, 1), (6.1, 1)), ((6.1, 1), (7.0, 1))):
        arrow(axis, start, end)
    for x in (1.5, 2.7, 3.9, 5.1):
        arrow(axis, (x, -0.2), (x, 1))
    line(axis, [(0.3, -0.2), (5.1, -0.2)])
    for x, text in ((1.5, "σ\nforget f"), (2.7, "σ\ninput i"), (3.9, "tanh\ncandidate"),
                    (5.1, "σ\noutput o")):
        box(axis, x, 1, text, gate if text.startswith("σ") else squash)
    for x, y, text in ((1.5, 3, "×"), (3.3, 3, "+"), (3.3, 2.1, "×"), (6.1, 1, "×")):
        box(axis, x, y, text, point)
    box(axis, 6.1, 2.1, "tanh", squash)
    labels = ((0, 3, "$c_{t-1}$"), (7.35, 3, "$c_t$"), (7.35, 1, "$h_t$"))
    # GRU: one state h; z keeps part of the old state, 1 - z lets the candidate in
    axis = right
    for start, end in (((0.3, 3), (1.2, 3)), ((1.2, 3), (4.0, 3)), ((4.0, 3), (7.0, 3)),
                       ((4.0, 1), (4.0, 2.1)), ((4.0, 2.1), (4.0, 3))):
        arrow(axis, start, end)
    arrow(axis, (1.2, 2.1), (4.0, 2.1), shrink_start=0)
    arrow(axis, (1.2, 2.1), (1.2, 3), shrink_start=0)
    arrow(axis, (2.55, 1), (3.95, 1))
    line(axis, [(1.2, 1.35), (1.2, 2.1)])
    for x in (1.2, 2.5, 4.0):
        arrow(axis, (x, -0.2), (x, 1))
    line(axis, [(0.3, -0.2), (4.0, -0.2)])
    box(axis, 1.2, 1, "σ\nupdate z", gate)
    box(axis, 2.5, 1, "σ\nreset r", gate)
    box(axis, 4.0, 1, "tanh\ncandidate\nfrom r·h, x", squash)
    box(axis, 1.2, 3, "× z", point)
    box(axis, 4.0, 2.1, "× (1 - z)", point)
    box(axis, 4.0, 3, "+", point)
    for axis, text, more in ((left, "$c_{t-1}$", labels), (right, "$h_{t-1}$",
                                                          ((7.35, 3, "$h_t$"),))):
        for x, y, label in more:
            axis.text(x, y, label, ha="center", va="center", fontsize=12)
        axis.text(0, 3, text, ha="center", va="center", fontsize=12)
        axis.text(0.3, -0.55, "$[h_{t-1}, x_t]$", ha="left", va="center", fontsize=12)
    left.set_title("LSTM: four gates; the cell state c is only scaled (×) and added to (+)")
    right.set_title("GRU: three gates; z keeps part of the old state, 1 - z takes the candidate")
    for axis in (left, right):
        axis.set_xlim(-0.4, 7.6)
        axis.set_ylim(-0.8, 3.5)
        axis.set_axis_off()
        axis.title.set_fontsize(10)
    figure.tight_layout()
    return figure
