"""A learner who runs a lesson out of order is told which section to run first.

Each case passes what a skipped cell, a restarted kernel or a variable left over from another
lesson leaves behind (None, ``...``, CO2 windows where digits belong, digits where windows
belong) and checks that the error names the lesson section whose cells make the right input.
"""

import re

import numpy as np
import pytest

from course_utils import adversarial, data, explore, forecast, quality, recurrence, sequences
from course_utils.models import digits

DIGITS = np.zeros((3, 28, 28), dtype=np.float32)
LABELS = np.array([0, 1, 2])
WINDOWS = np.linspace(315.0, 320.0, 30, dtype=np.float32).reshape(3, 10, 1)  # lesson 05's x


def _uniform(images, training=False):
    """A stand-in classifier: ten equal probabilities per image."""
    return np.full((len(images), 10), 0.1, dtype=np.float32)


def _says(section):
    return re.escape(section)


@pytest.mark.parametrize("image", [None, WINDOWS[0]])
def test_threshold_explorer_names_the_data_section(image):
    with pytest.raises((TypeError, ValueError), match=_says("'A first look at the data'")):
        explore.start.ThresholdExplorer(image)


def test_digit_explorer_names_the_checkpoint_and_data_sections():
    with pytest.raises(TypeError, match=_says(
            "'The course CNN, fully trained: a shipped checkpoint'")):
        explore.digits.DigitExplorer(None, DIGITS, LABELS)
    with pytest.raises(ValueError, match=_says("'The data: 5,000 real handwritten digits'")):
        explore.digits.DigitExplorer(_uniform, WINDOWS, LABELS)
    with pytest.raises(TypeError, match=_says("'The data: 5,000 real handwritten digits'")):
        explore.digits.DigitExplorer(_uniform, DIGITS, None)


def test_digit_functions_name_where_digits_and_classifier_come_from():
    with pytest.raises(ValueError, match=_says("'The data: 5,000 real handwritten digits'")):
        digits.digit_probabilities(_uniform, WINDOWS)
    with pytest.raises(TypeError, match=_says("'The data: 5,000 real handwritten digits'")):
        digits.digit_probabilities(_uniform, ...)
    for function in (digits.digit_probabilities, digits.digit_features):
        with pytest.raises(TypeError, match=_says("'Measure, do not eyeball'")):
            function(None, DIGITS)


def test_forecast_functions_name_the_split_section():
    split = _says("'Split by time, never shuffled across the split'")
    with pytest.raises(ValueError, match=split):
        forecast.persistence(DIGITS)
    with pytest.raises(TypeError, match=split):
        forecast.to_changes(None)
    with pytest.raises(TypeError, match=split):
        forecast.mae(np.zeros(3), None)
    with pytest.raises(TypeError, match=_says("'Fix 2: predict the change, not the level'")):
        forecast.recursive(None, WINDOWS, 2)


def test_recurrence_explorer_names_its_section():
    with pytest.raises(TypeError, match=_says("'Explorer: watch the memory fade or explode'")):
        explore.recurrence.RecurrenceExplorer(None, np.zeros((1, 4)), np.eye(4), np.zeros(4))


def test_a_missing_reference_input_is_not_called_a_shape_problem():
    with pytest.raises(TypeError, match="U is None.*run the cell that makes it first"):
        recurrence.spectral_radius(None)


def test_sampling_names_names_the_generation_section():
    with pytest.raises(TypeError, match=_says("'Generating names, one character at a time'")):
        sequences.sample_names(None, sequences.make_vocabulary(["ada"]), 2)


def test_the_2d_game_names_the_data_and_losses_sections():
    points = _says("'The data: points in the plane'")
    with pytest.raises(TypeError, match=points):
        explore.adversarial.GanExplorer(None)
    with pytest.raises(ValueError, match=points):
        explore.adversarial.GanExplorer(DIGITS)
    with pytest.raises(TypeError, match=points):
        adversarial.mode_coverage(np.zeros((4, 2)), None, std=0.05)
    with pytest.raises(TypeError, match=_says("'The two players and their losses'")):
        adversarial.discriminator_loss(None, np.full(3, 0.5))


def test_the_judge_and_the_generator_name_their_sections():
    with pytest.raises(TypeError, match=_says("'Measure, do not eyeball'")):
        quality.digit_scores(None, DIGITS)
    with pytest.raises(TypeError, match=_says("'A better design: the DCGAN'")):
        explore.gan.LatentExplorer(None)


def test_few_per_class_refuses_a_series_for_digits():
    with pytest.raises(ValueError, match="opening code cells"):
        data.few_per_class(WINDOWS, WINDOWS[:, 0, 0], per_class=1)
    with pytest.raises(TypeError, match="opening code cells"):
        data.few_per_class(None, None, per_class=1)


def test_generate_digits_needs_the_conditional_generator():
    from course_utils.models import conditional_gan

    class Unconditional:
        """Lesson 08's kind of generator: noise in, images out, one input."""
        inputs = [np.zeros((1, 100))]
        name = "dcgan_generator"

        def __call__(self, noise, training=False):
            return np.zeros((len(noise), 28, 28, 1))

    section = _says("'3. New samples: a classifier is not a generator'")
    with pytest.raises(TypeError, match=section):
        conditional_gan.generate_digits(None, per_class=1)
    with pytest.raises(TypeError, match=section):
        conditional_gan.generate_digits(Unconditional(), per_class=1)


def test_every_named_section_is_a_heading_of_a_lesson(root):
    """A renamed heading would send the learner looking for a section that no longer exists."""
    import json

    headings = set()
    for notebook in sorted((root / "notebooks").glob("0*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                headings.update(line.lstrip("#").strip()
                                for line in "".join(cell["source"]).splitlines()
                                if line.startswith("#"))
    named = set()
    for module in sorted((root / "course_utils").rglob("*.py")):
        named.update(match[1] for match in re.findall(r"""run_first\((["'])(.+?)\1\)""",
                                                       module.read_text(encoding="utf-8")))
    assert len(named) >= 10
    assert named <= headings, f"not a heading of any lesson: {sorted(named - headings)}"


def test_forecast_explorer_names_the_series_and_horizon_sections():

    series = np.linspace(315.0, 330.0, 60)
    with pytest.raises(TypeError, match=_says("'The series: monthly CO2, 1958-2001'")):
        explore.forecast.ForecastExplorer(None, series, n_test=12)
    with pytest.raises(ValueError, match=_says(
            "'Forecasting further ahead, with an uncertainty band'")):
        explore.forecast.ForecastExplorer(np.arange(60), series, n_test=12,
                                           extra={"SimpleRNN": None}, max_horizon=3)


def test_sampling_names_with_another_model_names_the_generation_section():
    def adding_model(x, training=False):
        """Lesson 06's adding-problem model: (N, T, 2) floats in, so token indices fail."""
        if np.ndim(x) != 3:
            raise ValueError(f"Invalid input shape {np.shape(x)}, expected (None, None, 2)")
        return np.zeros((len(x), 1))

    with pytest.raises(ValueError, match=_says("'Generating names, one character at a time'")):
        sequences.sample_names(adding_model, sequences.make_vocabulary(["ada"]), 2)


def test_a_forecaster_is_not_taken_for_a_digit_classifier():
    from course_utils.models import forecasters

    with pytest.raises(ValueError, match="inputs of shape \\(N, 10, 1\\).*" + _says(
            "'The course CNN, fully trained: a shipped checkpoint'")):
        digits.digit_probabilities(forecasters.build_article_rnn(window=10), DIGITS)
