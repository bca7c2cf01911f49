"""Packaging: the wheel setuptools builds from setup.cfg carries every data file the app reads, and the
build prints no setuptools warning (``make run`` starts with ``pip install -e .``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(600)


SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "archive", "ingest", "index", "web")


def test_wheel_has_the_data_files_and_the_build_no_warnings(tmp_path: Path) -> None:
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path / "dist"
    # -v: pip shows the build backend's output, where setuptools' warnings are printed.
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(out), str(source)],
                         capture_output=True, text=True, timeout=540, cwd=tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    warnings = [line for line in output.splitlines()
                if "Warning" in line and "setuptools" in line.lower() or "is absent from the `packages`" in line]
    assert not warnings, "\n".join(warnings)
    (wheel,) = out.glob("crm_archive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"web/openapi.json", "web/static/style.css", "web/static/favicon.svg", "web/templates/base.html"}
    expected |= {f"archive/data/{p.name}" for p in (ROOT / "archive" / "data").glob("*.json")}
    expected |= {f"web/templates/{p.name}" for p in (ROOT / "web" / "templates").glob("*.html")}
    assert expected <= names, sorted(expected - names)
    assert not any("__pycache__" in n for n in names)
