# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The audit report as a person sees it: rendered in headless Chromium (Debian's
`chromium`, which scripts/setup-deps installs; Playwright drives it and never downloads a
browser of its own), with the network cut off. Each section is screenshotted; the checks
read the text the browser shows, not the HTML source, and measure every chart as drawn.

Screenshots go to $VIGIL_REPORT_SCREENSHOTS when it is set (scripts/test-python sets
build-python/report-screenshots; docs/images/report-*.png in the README come from there),
else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import need_cli, need_module
from test_report import EXAMPLES, SHARED, gap_tree, scan_jsonl, summary_counts

SECTIONS = ("summary", "findings", "signins", "changes", "cis", "coverage", "retention", "integrity")
CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
# Chromium as the machine's probe runs it: no sandbox (root in CI), and none of the
# background connections to Google's hosts, which the closed network refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    need_module("jinja2")
    need_module("vl_convert")
    sync_api = need_module("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("VIGIL_TEST_OPTIONAL") == "require":
            pytest.fail(f"{CHROMIUM} is not installed (scripts/setup-deps installs chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shots_dir(tmp: Path) -> Path:
    d = Path(os.environ.get("VIGIL_REPORT_SCREENSHOTS") or tmp)
    d.mkdir(parents=True, exist_ok=True)
    return d


def open_report(browser, path: Path):
    """The report in a page with every request but the report itself refused, and the
    requests it tried recorded (there must be none)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True,
                              java_script_enabled=False)
    page = ctx.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return ctx, page, requests


def check_sections(page, name: str, out: Path) -> dict:
    texts = {}
    for sec in SECTIONS:
        loc = page.locator(f"#{sec}")
        assert loc.count() == 1, sec
        png = out / f"report-{name}-{sec}.png"
        loc.screenshot(path=str(png))
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000, (sec, len(data))
        texts[sec] = loc.inner_text()
    return texts


def check_charts(page) -> int:
    boxes = [page.locator("svg").nth(i).bounding_box() for i in range(page.locator("svg").count())]
    for box in boxes:
        assert box is not None and box["width"] > 100 and box["height"] > 40, box
    # drawn marks, not an empty frame: every chart has filled rectangles or paths
    for i in range(len(boxes)):
        svg = page.locator("svg").nth(i)
        assert svg.locator("path, rect").count() >= 3
    return len(boxes)


def number(text: str, label: str) -> int:
    """The number shown just before `label` in a section's visible text."""
    m = re.search(r"([\d,]+)\s*\n\s*" + re.escape(label), text)
    assert m, (label, text[:400])
    return int(m.group(1).replace(",", ""))


def test_examples_report_in_chromium(browser, tmp_path):
    import vigil.report

    cli = need_cli()
    matches, alerts, stderr = scan_jsonl(cli, EXAMPLES)
    counts = summary_counts(stderr)
    html = tmp_path / "examples.html"
    r = vigil.report.report(EXAMPLES, output=html, retention_days=90)
    ctx, page, requests = open_report(browser, html)
    texts = check_sections(page, "examples", shots_dir(tmp_path))
    summary = texts["summary"]
    assert number(summary, "events read") == counts["events"] == 2500
    assert number(summary, "findings") == counts["matches"] == len(matches) == 94
    assert number(summary, "correlation alerts") == len(alerts) == 2
    assert number(summary, "read errors") == counts["event_errors"] + counts["input_errors"] == 0
    assert "2026-11-25T08:00:00Z to 2026-11-25T09:30:04Z" in summary
    assert "AWS Console Login Failures From One Address" in summary
    cis = texts["cis"]
    for i in range(1, 16):
        assert re.search(rf"^4\.{i}\t", cis, flags=re.M), f"CIS 4.{i} not shown"
    assert "no rule" not in cis
    assert number(texts["signins"], "failed console sign-ins") == r.summary["signins"]["failure"] == 6
    assert "No gap" in texts["coverage"] and "multi-region turned off" in texts["coverage"]
    assert "short by" in texts["retention"]
    assert "55 of 55 listed log files verified" in texts["integrity"]
    assert "signatures were not verified" in texts["integrity"]
    assert check_charts(page) == 11
    # the findings of a rule expand in place (<details>), the event shown in full
    first = page.locator("#findings details").first
    assert not first.locator("table").is_visible()
    first.locator("summary").first.click()
    assert first.locator("table").is_visible()
    # printed to PDF, each section starts a page
    pdf = tmp_path / "examples.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= len(SECTIONS)
    assert requests == [html.as_uri()]
    ctx.close()


def test_known_gap_in_chromium(browser, tmp_path):
    import vigil.report

    html = tmp_path / "gap.html"
    tree, removed = gap_tree(tmp_path)
    vigil.report.report(tree, output=html)
    ctx, page, requests = open_report(browser, html)
    texts = check_sections(page, "gap", shots_dir(tmp_path))
    cov = texts["coverage"]
    assert re.search(r"^1\s*\n?\s*gap:", cov, flags=re.M) or "1 gap:" in cov.replace("\n", " ")
    assert re.search(r"641826429272\teu-west-1\t2026-11-25T08:00:00Z\t2026-11-25T09:00:00Z\t1", cov), cov
    assert number(texts["summary"], "events read") == 2500 - removed
    assert requests == [html.as_uri()]
    ctx.close()


def test_real_logs_report_in_chromium(browser, tmp_path):
    """The real records of ../shared/data (provenance in its README.md)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data/cloudtrail is not there")
    import vigil.report

    cli = need_cli()
    matches, alerts, stderr = scan_jsonl(cli, SHARED)
    counts = summary_counts(stderr)
    html = tmp_path / "real.html"
    r = vigil.report.report(SHARED, output=html)
    ctx, page, requests = open_report(browser, html)
    texts = check_sections(page, "real", shots_dir(tmp_path))
    summary = texts["summary"]
    assert number(summary, "events read") == counts["events"]
    assert number(summary, "findings") == counts["matches"] == len(matches)
    assert number(summary, "correlation alerts") == len(alerts)
    assert number(summary, "read errors") == counts["event_errors"] + counts["input_errors"] > 0
    for i in range(1, 16):
        assert re.search(rf"^4\.{i}\t", texts["cis"], flags=re.M)
    assert r.summary["coverage"]["gaps_total"] > 0 and "gap" in texts["coverage"]
    assert check_charts(page) >= 8
    assert requests == [html.as_uri()]
    ctx.close()
