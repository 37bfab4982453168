"""The one checkpoint record: its schema, its reader's errors, and the shipped records."""

import json
import re
from pathlib import Path

import pytest

from course_utils.models import record

CHECKPOINTS = Path(record.__file__).resolve().parent.parent / "checkpoints"


def _valid(**changes):
    return {"model": "course_utils.models.gan.dcgan_generator",
            "trained_by": "python -m tools.train_dcgan", "settings": {"latent_dim": 100},
            "scores": {"conf90": 0.5}, "date": "2026-12-03", **changes}


def test_a_written_record_reads_back_dated_today(tmp_path):
    made = record.new_record("course_utils.models.gan.dcgan_generator",
                             "python -m tools.train_dcgan", {"latent_dim": 100}, None)
    record.write_record(tmp_path / "dcgan_generator.json", made)
    read = record.read_record(tmp_path / "dcgan_generator.json", needs=("latent_dim",))
    assert read == made and tuple(read) == record.FIELDS
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", read["date"])


@pytest.mark.parametrize("name, words", [
    ("dcgan_generator.json", "run `python -m tools.train_dcgan`"),
    ("conditional_generator.json", "run `python -m tools.train_conditional_gan`"),
    ("someone_elses.json", "git checkout -- someone_elses.json"),
])
def test_a_missing_record_says_how_to_make_it(tmp_path, name, words):
    with pytest.raises(FileNotFoundError, match=re.escape(words)):
        record.read_record(tmp_path / name)


@pytest.mark.parametrize("content, words", [
    ("{not json", "is not valid JSON"),
    (json.dumps([1, 2]), "not a checkpoint record"),
    (json.dumps({k: v for k, v in _valid().items() if k != "date"}), "lacks ['date']"),
    (json.dumps(_valid(training_seconds=3.0)), "has extra ['training_seconds']"),
    (json.dumps(_valid(settings=[100])), "settings must be a JSON object"),
    (json.dumps(_valid(scores=0.5)), "scores must be a JSON object or null"),
])
def test_a_bad_record_is_refused_with_what_to_do(tmp_path, content, words):
    path = tmp_path / "dcgan_generator.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=re.escape(words)) as error:
        record.read_record(path)
    assert "python -m tools.train_dcgan" in str(error.value)


def test_a_record_without_a_setting_its_loader_needs_is_refused(tmp_path):
    path = tmp_path / "dcgan_generator.json"
    path.write_text(json.dumps(_valid()))
    with pytest.raises(ValueError, match="no 'generator_width' in its settings"):
        record.read_record(path, needs=("latent_dim", "generator_width"))


@pytest.mark.parametrize("weights", sorted(CHECKPOINTS.glob("*.weights.h5")),
                         ids=lambda path: path.name)
def test_every_shipped_checkpoint_has_a_record_in_the_one_schema(weights):
    path = weights.with_name(weights.name.replace(".weights.h5", ".json"))
    shipped = record.read_record(path)
    assert tuple(shipped) == record.FIELDS
    assert shipped["trained_by"].startswith("python -m tools.train_")
    assert shipped["model"].startswith("course_utils.models.")
    assert isinstance(shipped["scores"], dict) and shipped["scores"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shipped["date"])
