# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""examples/notebook.ipynb, executed headless with nbclient and a kernel of this Python.

The notebook scans examples/logs with the bundled rules; the checks compare its table with
the same scan made here through the API (94 findings), and look for the plot as a PNG
both in the cell's output and in the file the notebook was asked to write.

Needs nbclient, nbformat, ipykernel, pandas and matplotlib; without them the tests are
skipped, unless VIGIL_TEST_OPTIONAL=require (as in scripts/test-python), where a missing
one is a failure.
"""

from __future__ import annotations

import base64
import collections
import html
import html.parser
import importlib
import json
import os
import sys
from pathlib import Path

import pytest

import vigil
from conftest import need_module

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
NOTEBOOK = EXAMPLES / "notebook.ipynb"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KERNEL = "vigil-test-python"


_need = need_module


def _kernelspec(folder: Path) -> None:
    """A kernelspec running ipykernel in this very interpreter (so the kernel imports the
    vigil under test, whatever kernels the machine has)."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "vigil test kernel",
                "language": "python",
            }
        )
    )


def _execute(tmp: Path, cwd: Path, params: dict):
    """Runs the notebook (parameters injected after its `parameters` cell) in cwd."""
    nbformat = _need("nbformat")
    nbclient = _need("nbclient")
    for module in ("ipykernel", "pandas", "matplotlib"):
        _need(module)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    if params:
        at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
        code = "\n".join(f"{k} = {v!r}" for k, v in params.items())
        nb.cells.insert(at + 1, nbformat.v4.new_code_cell(code, metadata={"tags": ["injected-parameters"]}))
    jupyter = tmp / "jupyter"
    _kernelspec(jupyter)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(jupyter))
        mp.setenv("IPYTHONDIR", str(tmp / "ipython"))
        mp.setenv("MPLCONFIGDIR", str(tmp / "mpl"))
        mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
        mp.delenv("MPLBACKEND", raising=False)
        client = nbclient.NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=600,
            resources={"metadata": {"path": str(cwd)}},
        )
        client.execute()
    return nb


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The notebook executed once from a folder outside the repository, told where
    examples/ is by its EXAMPLES_DIR parameter, and asked to save its plot."""
    tmp = tmp_path_factory.mktemp("notebook")
    png = tmp / "findings.png"
    elsewhere = tmp / "cwd"
    elsewhere.mkdir()
    nb = _execute(tmp, elsewhere, {"EXAMPLES_DIR": str(EXAMPLES), "PLOT_PATH": str(png)})
    return nb, png


def _cell(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"one cell tagged {tag!r} expected"
    return cells[0]


def _text(cell) -> str:
    out = []
    for o in cell.outputs:
        if o.output_type == "stream":
            out.append(o.text)
        elif "data" in o and "text/plain" in o.data:
            out.append(o.data["text/plain"])
    return "".join(out)


class _Table(html.parser.HTMLParser):
    """The rows of an HTML table (pandas' DataFrame._repr_html_), as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows, self._row, self._cell, self._in_body = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html_rows(cell):
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert results, "the cell shows no table"
    parser = _Table()
    parser.feed(results[-1].data["text/html"])
    return parser.rows


def _expected_counts():
    scan = vigil.load(vigil.bundled()).scan(str(EXAMPLES / "logs"))
    counts = collections.Counter((m.rule.level, m.rule.title) for m in scan)
    assert not scan.errors
    return counts


def test_committed_notebook_has_no_outputs():
    nbformat = _need("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for c in code:
        assert c.outputs == [] and c.execution_count is None, "commit the notebook with its outputs cleared"
    assert any("parameters" in c.metadata.get("tags", []) for c in code)


def test_no_cell_failed(run):
    nb, _ = run
    for c in nb.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.source
            assert "Traceback" not in _text(c), c.source


def test_scan_summary(run):
    nb, _ = run
    text = _text(_cell(nb, "scan"))
    assert "94 findings in " in text
    assert "read error" not in text


def test_counts_table_has_every_rule_and_count(run):
    nb, _ = run
    rows = _html_rows(_cell(nb, "counts-table"))
    # columns: index, level, rule_title, findings
    table = {(level, title): int(n) for _, level, title, n in rows}
    assert sum(table.values()) == 94
    assert table == dict(_expected_counts())
    assert table[("informational", "AWS Unauthorized API Call")] == 27
    assert table[("high", "AWS Root Account Usage")] == 2
    assert table[("critical", "AWS CloudTrail Trail Coverage or Integrity Reduced by UpdateTrail")] == 1
    # most severe first, then the most frequent
    order = ["critical", "high", "medium", "low", "informational"]
    levels = [order.index(r[1]) for r in rows]
    assert levels == sorted(levels)
    assert rows[0][2] == "AWS CloudTrail Trail Coverage or Integrity Reduced by UpdateTrail"


def test_level_table(run):
    nb, _ = run
    rows = {r[0]: int(r[1]) for r in _html_rows(_cell(nb, "level-table"))}
    expected = collections.Counter()
    for (level, _), n in _expected_counts().items():
        expected[level] += n
    assert rows["total"] == 94
    assert {k: v for k, v in rows.items() if k != "total" and v} == dict(expected)


def test_plot_is_a_png_output_and_a_file(run):
    nb, png = run
    images = [o for o in _cell(nb, "plot").outputs if "data" in o and "image/png" in o.data]
    assert len(images) == 1
    data = base64.b64decode(images[0].data["image/png"])
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    saved = png.read_bytes()
    assert saved.startswith(PNG_MAGIC) and len(saved) > 10_000


def test_severe_findings_table(run):
    nb, _ = run
    rows = _html_rows(_cell(nb, "severe-table"))
    expected = sum(n for (level, _), n in _expected_counts().items() if level in ("high", "critical"))
    assert len(rows) == expected
    assert {r[2] for r in rows} <= {"high", "critical"}


def test_finds_examples_from_a_folder_inside_the_repository(tmp_path):
    """Without parameters, the notebook finds examples/ from the working directory up."""
    nb = _execute(tmp_path, REPO / "tests", {})
    assert f"scanning {EXAMPLES / 'logs'}" in _text(_cell(nb, "locate"))
    assert "94 findings in " in _text(_cell(nb, "scan"))


def test_report_shown_inline(run):
    """The audit report cell displays the report itself (in an iframe, so its styles stay
    its own) with the same 94 findings."""
    nb, _ = run
    cell = _cell(nb, "report")
    assert "94 findings" in _text(cell)
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert results and "text/html" in results[-1].data
    shown = results[-1].data["text/html"]
    assert shown.startswith("<iframe") and "srcdoc=" in shown
    page = html.unescape(shown.split('srcdoc="', 1)[1])
    assert 'data-count="findings">94<' in page
    assert "CIS AWS Foundations Benchmark monitoring controls" in page
    assert page.count("<svg") >= 5
