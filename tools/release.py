"""The course's release: its version, its home URL, and every link built from them.

    python -m tools.release check     list every link or copy that does not match (exit 1 if any)
    python -m tools.release sync      rewrite them: README, docs, CITATION.cff, notebooks

The version and the repository's home URL live in pyproject.toml only ([project] version,
[project.urls] Homepage). Everything that names them is derived: the release tag (v + version),
the Binder, Colab and Kaggle links that open a lesson at that tag, the nbgitpuller links for a
hub, CITATION.cff's version, and the Colab setup cell at the top of every lesson. A fork edits
the Homepage line and runs `sync`; a release edits the version line, adds a CHANGELOG entry,
runs `sync`, commits and tags `v<version>`. Links point at the tag, not at a moving branch, so
Binder builds one image per release and a link in a paper keeps opening the same lessons.
Standard library only: the launcher runs it before anything is installed.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK_FILES = ["README.md", "CONTRIBUTING.md", "docs/*.md", "CITATION.cff"]
NOTEBOOK_FOLDERS = ["notebooks", "templates"]
SETUP_MARK = "# COURSE SETUP"
GLOSSARY = "../docs/glossary.md"


def project(root: Path = ROOT) -> dict:
    with open(root / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def version(root: Path = ROOT) -> str:
    return project(root)["version"]


def tag(root: Path = ROOT) -> str:
    return "v" + version(root)


def home(root: Path = ROOT) -> str:
    """The repository's home, https://github.com/OWNER/NAME (no trailing slash)."""
    url = project(root)["urls"]["Homepage"].rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"pyproject.toml's [project.urls] Homepage is {url!r}: it must be "
                         "https://github.com/OWNER/NAME (Binder and Colab open GitHub repositories)")
    return url


def slug(root: Path = ROOT) -> str:
    """OWNER/NAME."""
    return home(root).removeprefix("https://github.com/")


def binder_url(notebook: str = "notebooks/00_start_here.ipynb", root: Path = ROOT,
               host: str = "https://mybinder.org") -> str:
    return f"{host}/v2/gh/{slug(root)}/{tag(root)}?urlpath=lab/tree/{notebook}"


def colab_url(notebook: str, root: Path = ROOT) -> str:
    return f"https://colab.research.google.com/github/{slug(root)}/blob/{tag(root)}/{notebook}"


def kaggle_url(notebook: str, root: Path = ROOT) -> str:
    source = f"{home(root)}/blob/{tag(root)}/{notebook}"
    return f"https://kaggle.com/kernels/welcome?src={source}"


def nbgitpuller_url(hub: str = "https://YOUR-HUB", notebook: str = "notebooks/00_start_here.ipynb",
                    root: Path = ROOT, branch: str = "main") -> str:
    """A hub link that clones (later: pulls) the repository into ~/course and opens a lesson.

    nbgitpuller follows a branch, not a tag: it pulls updates into the learner's copy.
    """
    query = urllib.parse.urlencode({"repo": home(root), "branch": branch,
                                    "urlpath": f"lab/tree/course/{notebook}"})
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def setup_cell_source(root: Path = ROOT) -> str:
    """The first code cell of every lesson: installs the course on Colab or Kaggle, else nothing.

    It runs before `from course_utils import ...`, because there course_utils is not installed
    yet. It installs the package at the release tag with the `hosted` extra (what a hosted
    notebook lacks: the data packages), keeping the hosted runtime's own TensorFlow.
    """
    return f'''{SETUP_MARK}: on Google Colab or Kaggle this installs the course; elsewhere it does nothing.
import importlib.util
import os
import subprocess
import sys

ON_COLAB = "google.colab" in sys.modules
ON_KAGGLE = "KAGGLE_KERNEL_RUN_TYPE" in os.environ
if (ON_COLAB or ON_KAGGLE) and importlib.util.find_spec("course_utils") is None:
    print("Installing the course {tag(root)} (a minute or two) ...")
    course = "course_utils[hosted] @ git+{home(root)}@{tag(root)}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", course], check=True)
    importlib.invalidate_caches()
if ON_COLAB:
    from google.colab import output

    output.enable_custom_widget_manager()  # the explorers are ipywidgets
    print("Colab's widget manager is on. Every explorer (lessons 00 to 08) is a live widget; "
          "if one shows only a picture, that is its starting state, and its sliders need "
          "JupyterLab (see the README).")'''


def lesson_links(notebook: str, root: Path = ROOT) -> str:
    """The line the first cell of a lesson ends with."""
    return (f"[Open in Colab]({colab_url(notebook, root)}) · "
            f"New words are explained in the [glossary]({GLOSSARY}).")


# Links found in text, each with a function that says what it should be. A pattern's
# group "notebook" (when present) is kept; everything else is rebuilt from pyproject.toml.
_NOTEBOOK = r"(?P<notebook>(?:notebooks|templates)/[\w.]+\.ipynb)"
_PATTERNS = [
    (re.compile(r"(?P<host>https://[\w.-]+|https://YOUR-BINDERHUB)/v2/gh/[\w.-]+/[\w.-]+/[\w.-]+"
                rf"\?urlpath=lab/tree/{_NOTEBOOK}"),
     lambda m, root: binder_url(m["notebook"], root, host=m["host"])),
    (re.compile(rf"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w.-]+/{_NOTEBOOK}"),
     lambda m, root: colab_url(m["notebook"], root)),
    (re.compile(rf"https://kaggle\.com/kernels/welcome\?src=https://github\.com/[\w.-]+/[\w.-]+"
                rf"/blob/[\w.-]+/{_NOTEBOOK}"),
     lambda m, root: kaggle_url(m["notebook"], root)),
    (re.compile(r"(?P<hub>https://[\w.-]+|https://YOUR-HUB)/hub/user-redirect/git-pull\?repo="
                r"[^&\s]+&branch=(?P<branch>[\w.-]+)&urlpath=lab%2Ftree%2Fcourse%2F"
                r"(?P<path>[\w%.-]+\.ipynb)"),
     lambda m, root: nbgitpuller_url(m["hub"], urllib.parse.unquote(m["path"]), root,
                                     m["branch"])),
    (re.compile(r"https://codespaces\.new/[\w.-]+/[\w.-]+"),
     lambda m, root: f"https://codespaces.new/{slug(root)}"),
    (re.compile(r"git clone https://github\.com/[\w.-]+/[\w.-]+"),
     lambda m, root: f"git clone {home(root)}"),
    (re.compile(r"(?m)^(?P<key>version|repository-code|url): .*$"),
     lambda m, root: f"{m['key']}: " + (version(root) if m["key"] == "version" else
                                         f'"{home(root)}"')),
]


def rewrite(text: str, root: Path = ROOT, citation: bool = False) -> str:
    """Text with every course link rebuilt from pyproject.toml."""
    for pattern, build in _PATTERNS:
        if pattern.pattern.startswith("(?m)^(?P<key>") != citation:
            continue  # the CITATION.cff keys are only rewritten in CITATION.cff
        text = pattern.sub(lambda m, build=build: build(m, root), text)
    return text


def link_files(root: Path = ROOT) -> list[Path]:
    return sorted({path for pattern in LINK_FILES for path in root.glob(pattern)})


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(path for folder in NOTEBOOK_FOLDERS for path in (root / folder).glob("*.ipynb"))


def sync_notebook(notebook: dict, relative: str, root: Path = ROOT) -> dict:
    """The lesson with its first cell's links and its setup cell as pyproject.toml says.

    ``notebook`` is the notebook's JSON (nbformat 4); the setup cell is inserted just
    before the first code cell when the lesson has none yet.
    """
    cells = notebook["cells"]
    first = _text(cells[0])
    line = lesson_links(relative, root)
    kept = [text for text in first.rstrip("\n").split("\n") if "[Open in Colab](" not in text]
    while kept and not kept[-1].strip():
        kept.pop()
    cells[0]["source"] = "\n".join(kept) + "\n\n" + line
    code = [index for index, cell in enumerate(cells) if cell["cell_type"] == "code"]
    setup = setup_cell_source(root)
    if code and _text(cells[code[0]]).startswith(SETUP_MARK):
        cells[code[0]]["source"] = setup
    else:
        cells.insert(code[0] if code else 1, {
            "cell_type": "code", "execution_count": None, "id": "course-setup",
            "metadata": {}, "outputs": [], "source": setup})
    return notebook


def _text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def problems(root: Path = ROOT) -> list[str]:
    """Every file whose links or copies differ from what pyproject.toml says."""
    found = []
    for path in link_files(root):
        text = path.read_text(encoding="utf-8")
        if rewrite(text, root, citation=path.name == "CITATION.cff") != text:
            found.append(f"{path.relative_to(root)}: a link or version differs from pyproject.toml")
    for path in notebooks(root):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        before = json.dumps([_text(cell) for cell in notebook["cells"]])
        relative = path.relative_to(root).as_posix()
        after = json.dumps([_text(cell) for cell in sync_notebook(notebook, relative, root)["cells"]])
        if before != after:
            found.append(f"{relative}: its Colab link, glossary link or setup cell differs")
    return found


def sync(root: Path = ROOT) -> list[Path]:
    """Rewrite every derived link and copy; returns the files changed."""
    changed = []
    for path in link_files(root):
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, root, citation=path.name == "CITATION.cff")
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    import nbformat  # only here: check and the link builders need nothing installed

    for path in notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        before = [cell.source for cell in notebook.cells]
        sync_notebook(notebook, path.relative_to(root).as_posix(), root)
        notebook = nbformat.from_dict(notebook)
        if [cell.source for cell in notebook.cells] != before:
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["check"]
    if command[0] == "sync":
        for path in sync():
            print(f"rewrote {path.relative_to(ROOT)}")
        return 0
    if command[0] == "check":
        found = problems()
        for line in found:
            print(line)
        if found:
            print("run `python -m tools.release sync` to rebuild them from pyproject.toml")
        else:
            print(f"every link points at {home()} at {tag()}")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
