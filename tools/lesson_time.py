"""Each lesson's time estimate, derived from the lesson itself, and kept the same everywhere.

    python -m tools.lesson_time           the estimate of every lesson, and where it is stated
    python -m tools.lesson_time --write   put the estimates in each lesson's first cell, lesson
                                          00's map, the README's lesson table and the instructor
                                          guide

An estimate is reading plus exercises:
- reading and running: the markdown at 200 words a minute and the code at 20 lines a minute
  (the set-up cell that installs the course on Colab is not read), rounded to 5 minutes;
- exercises: each "write" exercise 2 minutes plus 2 for every `...` region of its shipped
  cell; each "predict", "choose" or "find the bug" exercise 3 minutes; rounded to 5.
The first cell says "**Time:** about N minutes: R to read and run, E for the exercises."
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "instructor_guide.md"
WORDS_PER_MINUTE, CODE_LINES_PER_MINUTE = 200, 20
SETUP_MARK = "# COURSE SETUP"
EXERCISE_MARK = re.compile(r"^# EXERCISE (\S+)", re.M)
TIME_LINE = re.compile(r"\*\*Time:\*\* about \d+ minutes[^\n]*(?:\n(?!\n)[^\n]*)*")


@dataclass(frozen=True)
class Estimate:
    lesson: str
    reading: int
    exercises: int

    @property
    def total(self) -> int:
        return self.reading + self.exercises

    def sentence(self) -> str:
        if not self.exercises:
            return f"**Time:** about {self.total} minutes to read and run."
        return (f"**Time:** about {self.total} minutes: {self.reading} to read and run, "
                f"{self.exercises} for the exercises.")


def _round5(minutes: float) -> int:
    return max(5, int(5 * round(minutes / 5)))


def exercise_minutes(kind: str, source: str) -> float:
    if kind == "write":
        return 2 + 2 * source.count("...")
    return 3


def estimate(path: Path) -> Estimate:
    from course_utils import checks

    notebook = nbformat.read(path, as_version=4)
    kinds = {item.id: item.kind for item in checks.exercises(path.name[:2])}
    words = lines = exercise_total = 0.0
    for cell in notebook.cells[1:]:  # the first cell states the estimate itself
        if cell.cell_type == "markdown":
            words += len(re.findall(r"[A-Za-z0-9']+", cell.source))
        elif cell.cell_type == "code" and not cell.source.startswith(SETUP_MARK):
            lines += sum(1 for line in cell.source.splitlines() if line.strip())
            found = EXERCISE_MARK.search(cell.source)
            if found and found.group(1) in kinds:
                exercise_total += exercise_minutes(kinds[found.group(1)], cell.source)
    reading = _round5(words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE)
    return Estimate(path.name[:2], reading, _round5(exercise_total) if exercise_total else 0)


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def stated(path: Path) -> str | None:
    """The time sentence in the lesson's first cell."""
    found = TIME_LINE.search(nbformat.read(path, as_version=4).cells[0].source)
    return " ".join(found.group(0).split()) if found else None


def _readme_row(text: str, lesson: str) -> re.Match | None:
    return re.search(rf"^\| {lesson} \|.*\| (\d+) min \|$", text, re.M)


def _guide_row(text: str, lesson: str) -> re.Match | None:
    return re.search(rf"^\| {lesson} \| [^|]+ \| (\d+) min \| (\d+)([^|]*)\| (\d+)([^|]*)\|",
                     text, re.M)


def _map_row(text: str, lesson: str) -> re.Match | None:
    """The lesson's row in lesson 00's map of the course."""
    return re.search(rf"^\| {lesson} \| \[.*\| about (\d+) min \|$", text, re.M)


def _map_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    return next((cell for cell in notebook.cells if cell.cell_type == "markdown"
                 and _map_row(cell.source, "01")), None)


def _guide_heading(text: str, lesson: str) -> re.Match | None:
    return re.search(rf"^### {lesson} · .*\(about (\d+) minutes\)$", text, re.M)


def disagreements(estimates: list[Estimate]) -> list[str]:
    """Every place where a stated time differs from the derived one."""
    readme, guide = README.read_text(encoding="utf-8"), GUIDE.read_text(encoding="utf-8")
    course_map = _map_cell(nbformat.read(lessons()[0], as_version=4))
    found = [] if course_map else ["lesson 00 has no map of the lessons with their times"]
    for path, item in zip(lessons(), estimates, strict=True):
        row = _map_row(course_map.source, item.lesson) if course_map else None
        if item.lesson != "00" and (row is None or int(row.group(1)) != item.total):
            found.append(f"lesson 00's map, lesson {item.lesson}: "
                         f"{row.group(1) if row else 'no row'} min, derived {item.total}")
        if stated(path) != item.sentence():
            found.append(f"{path.name} first cell: {stated(path)!r}, derived {item.sentence()!r}")
        row = _readme_row(readme, item.lesson)
        if row is None or int(row.group(1)) != item.total:
            found.append(f"README.md lesson {item.lesson}: "
                         f"{row.group(1) if row else 'no row'} min, derived {item.total}")
        row = _guide_row(guide, item.lesson)
        if row is None or (int(row.group(1)), int(row.group(2)), int(row.group(4))) != (
                item.total, item.reading, item.exercises):
            found.append(f"docs/instructor_guide.md table, lesson {item.lesson}: "
                         f"{row.group(1, 2, 4) if row else 'no row'}, derived "
                         f"{(item.total, item.reading, item.exercises)}")
        heading = _guide_heading(guide, item.lesson)
        if item.lesson != "00" and (heading is None or int(heading.group(1)) != item.total):
            found.append(f"docs/instructor_guide.md heading, lesson {item.lesson}: "
                         f"{heading.group(1) if heading else 'no heading'}, derived {item.total}")
    return found


def write(estimates: list[Estimate]) -> None:
    readme, guide = README.read_text(encoding="utf-8"), GUIDE.read_text(encoding="utf-8")
    for path, item in zip(lessons(), estimates, strict=True):
        notebook = nbformat.read(path, as_version=4)
        first = notebook.cells[0]
        if TIME_LINE.search(first.source) is None:
            raise SystemExit(f"{path.name}: its first cell has no '**Time:** about N minutes' "
                             "line to update")
        first.source = TIME_LINE.sub(item.sentence(), first.source, count=1)
        nbformat.write(notebook, path)
        row = _readme_row(readme, item.lesson)
        if row:
            readme = readme[:row.start(1)] + str(item.total) + readme[row.end(1):]
        row = _guide_row(guide, item.lesson)
        if row:
            guide = (guide[:row.start(1)] + str(item.total) + guide[row.end(1):row.start(2)]
                     + str(item.reading) + guide[row.end(2):row.start(4)] + str(item.exercises)
                     + guide[row.end(4):])
        heading = _guide_heading(guide, item.lesson)
        if heading:
            guide = guide[:heading.start(1)] + str(item.total) + guide[heading.end(1):]
    start = nbformat.read(lessons()[0], as_version=4)
    course_map = _map_cell(start)
    if course_map is not None:
        for item in estimates:
            row = _map_row(course_map.source, item.lesson)
            if row:
                course_map.source = (course_map.source[:row.start(1)] + str(item.total)
                                     + course_map.source[row.end(1):])
        nbformat.write(start, lessons()[0])
    README.write_text(readme, encoding="utf-8")
    GUIDE.write_text(guide, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true",
                        help="write the derived estimates where the course states them")
    args = parser.parse_args(argv)
    estimates = [estimate(path) for path in lessons()]
    for item in estimates:
        print(f"{item.lesson}: {item.total:3d} min = {item.reading:2d} reading and running "
              f"+ {item.exercises:2d} exercises")
    if args.write:
        write(estimates)
    problems = disagreements(estimates)
    for problem in problems:
        print("differs:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
