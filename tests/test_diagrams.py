"""The static diagrams draw what their captions promise."""

import matplotlib.pyplot as plt

from course_utils import diagrams


def test_draw_cells_shows_both_cells():
    figure = diagrams.draw_cells()
    titles = " ".join(axis.get_title() for axis in figure.axes)
    labels = " ".join(text.get_text() for axis in figure.axes for text in axis.texts)
    plt.close(figure)
    assert "LSTM" in titles and "GRU" in titles
    for gate in ("forget", "input", "output", "update", "reset"):
        assert gate in labels
