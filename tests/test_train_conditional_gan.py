"""The script that trains lesson 09's conditional GAN: its record and its resumption, tiny."""

import pytest

from course_utils.models import conditional_gan
from tools import train_conditional_gan

TINY = ["--per-class", "2", "--batch-size", "10", "--generator-width", "8",
        "--discriminator-width", "4", "--save-every", "2"]


@pytest.fixture
def scored(monkeypatch):
    """Stands in for the judge: records which generators were scored."""
    calls = []

    def fake_score(generator, per_class=100):
        calls.append(generator.name)
        return {"judged_as_intended": 0.1, "conf90": 0.0, "classes_covered": 1.0}

    monkeypatch.setattr(train_conditional_gan, "score", fake_score)
    return calls


@pytest.mark.slow
def test_a_run_writes_a_record_its_loader_rebuilds_and_resumes(scored, tmp_path, capsys):
    state, out = tmp_path / "state", tmp_path / "out"
    where = ["--state-dir", str(state), "--out", str(out)]
    train_conditional_gan.main([*TINY, "--steps", "2", *where])
    written = conditional_gan.read_record(out / "conditional_generator.json")
    assert written["settings"]["generator_width"] == 8 and written["settings"]["steps"] == 2
    assert written["settings"]["label_smoothing"] == 0.1
    assert written["scores"]["judged_as_intended"] == 0.1 and scored
    generator = conditional_gan.load_conditional_generator(out / "conditional_generator.weights.h5",
                                                           out / "conditional_generator.json")
    images, _ = conditional_gan.generate_digits(generator, per_class=1)
    assert images.shape == (10, 28, 28)
    # a longer run picks up where the saved game stopped
    train_conditional_gan.main([*TINY, "--steps", "4", *where])
    assert "resuming from step 2" in capsys.readouterr().out
    # a run with other settings is refused rather than mixed with the saved one
    other = [arg if arg != "8" else "16" for arg in TINY]
    with pytest.raises(SystemExit, match=r"other settings \(generator_width: 8 -> 16\)"):
        train_conditional_gan.main([*other, "--steps", "6", *where])
