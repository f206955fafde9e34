# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The pytest plugin (vigil.pytest_plugin): rule tests as pytest items.

Each test runs pytest (pytester, in process) on a folder of rules written here, and on
the real pack in rules/.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


def _plugin_args():
    """-p vigil.pytest_plugin unless pytest loads it by itself (installed entry point)."""
    if not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        for ep in entry_points(group="pytest11"):
            if ep.value.split(":")[0] == "vigil.pytest_plugin":
                return []
    return ["-p", "vigil.pytest_plugin"]


ROOT_LOGIN = """\
title: Console login as root
id: 7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0001
level: high
tags: [attack.initial-access, attack.t1078.004]
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
        userIdentity.type: Root
    condition: selection
tests:
    - name: root signs in
      expect: match
      event: {eventName: ConsoleLogin, userIdentity: {type: Root}, sourceIPAddress: 203.0.113.9}
    - name: a user signs in
      expect: no_match
      event: {eventName: ConsoleLogin, userIdentity: {type: IAMUser}}
    - name: root from the office is allowed by the filter
      expect: no_match
      event: {eventName: ConsoleLogin, userIdentity: {type: Root}, sourceIPAddress: 198.51.100.7}
"""

OFFICE_FILTER = """\
title: Root may sign in from the office
filter:
    rules: [7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0001]
    selection:
        sourceIPAddress: 198.51.100.7
    condition: not selection
logsource: {product: aws, service: cloudtrail}
"""

TRAIL_STOPPED = """\
title: Trail stopped
id: 7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0002
level: medium
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: StopLogging
    condition: selection
tests:
    - name: stop logging
      expect: match
      event: {eventName: StopLogging}
    - name: deleting the trail counts too
      expect: match
      event: {eventName: DeleteTrail}
"""

BROKEN = """\
title: Broken rule
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName|nosuchmodifier: StopLogging
    condition: selection
tests:
    - name: never runs
      expect: match
      event: {eventName: StopLogging}
"""

MALFORMED_TESTS = """\
title: Malformed tests
id: 7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0003
level: low
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: StopLogging
    condition: selection
tests:
    - name: expect is misspelt
      expect: matches
      event: {eventName: StopLogging}
"""


@pytest.fixture
def rules(pytester: pytest.Pytester) -> Path:
    """rules/: a rule whose 3 tests pass (one thanks to a filter in another file), a rule
    with a passing and a failing test, rules without tests, and YAML that is not Sigma."""
    folder = pytester.mkdir("rules")
    (folder / "root_login.yml").write_text(ROOT_LOGIN)
    (folder / "filters").mkdir()
    (folder / "filters" / "office.yml").write_text(OFFICE_FILTER)
    (folder / "trail_stopped.yaml").write_text(TRAIL_STOPPED)
    # YAML that is not Sigma (no title) is not read, even with a `filter:` key...
    (folder / "settings.yml").write_text("colour: blue\nfilter: [a, b]\ntests: [1, 2]\n")
    # ...and rules without tests (or with `tests: null`) give no items
    untested = TRAIL_STOPPED.split("tests:")[0].replace("Trail stopped", "Untested")
    (folder / "untested.yml").write_text(untested.replace("0002", "0004"))
    (folder / "null_tests.yml").write_text(untested.replace("0002", "0005") + "tests: null\n")
    return folder


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", *args)


def test_items_outcomes_and_names(pytester, rules):
    result = run(pytester, "rules", "-v")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "rules/root_login.yml::Console login as root::root signs in PASSED*",
            "rules/root_login.yml::Console login as root::a user signs in PASSED*",
            "rules/root_login.yml::Console login as root::root from the office is allowed by the filter PASSED*",
            "rules/trail_stopped.yaml::Trail stopped::stop logging PASSED*",
            "rules/trail_stopped.yaml::Trail stopped::deleting the trail counts too FAILED*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_failure_shows_the_explanation(pytester, rules):
    result = run(pytester, "rules")
    result.stdout.fnmatch_lines(
        [
            "*Trail stopped::deleting the trail counts too*",
            "expected match, got no match",
            "  rule: Trail stopped (7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0002)  rules/trail_stopped.yaml:1",
            "  test: deleting the trail counts too  rules/trail_stopped.yaml:13",
            # the explanation: the item, the value the event had, the verdict
            "*eventName: StopLogging*DeleteTrail*",
            "*verdict: no match*",
        ]
    )
    # the short summary gives the verdict (-vv: not cut to the terminal's width)
    result = run(pytester, "rules", "-vv")
    result.stdout.fnmatch_lines(
        ["FAILED rules/trail_stopped.yaml::Trail stopped::deleting the trail counts too - expected match, got no match"]
    )


def test_keyword_and_marker_selection(pytester, rules):
    run(pytester, "rules", "-k", "signs and not user").assert_outcomes(passed=1)
    run(pytester, "rules", "-k", "Trail and logging").assert_outcomes(passed=1)
    run(pytester, "rules", "-k", "attack.t1078.004").assert_outcomes(passed=3)  # a tag
    run(pytester, "rules", "-k", "7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0002").assert_outcomes(passed=1, failed=1)  # an id
    run(pytester, "rules", "-m", "high").assert_outcomes(passed=3)
    run(pytester, "rules", "-m", "medium").assert_outcomes(passed=1, failed=1)
    run(pytester, "rules", "-m", "vigil and not high").assert_outcomes(passed=1, failed=1)
    # --strict-markers: the level markers are registered
    run(pytester, "rules", "--strict-markers", "-m", "critical").assert_outcomes()


def test_node_id_selection(pytester, rules):
    result = run(pytester, "rules/trail_stopped.yaml::Trail stopped::stop logging", "-v")
    result.assert_outcomes(passed=1)


def test_junit_xml(pytester, rules):
    run(pytester, "rules", "--junitxml=out.xml")
    suite = ET.parse(pytester.path / "out.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 5
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["deleting the trail counts too"]
    assert "expected match, got no match" in failed[0].find("failure").get("message")


def test_filters_come_from_the_rule_folder(pytester, rules):
    # Only the file named: the filter beside it is not loaded, so its test fails...
    result = run(pytester, "rules/root_login.yml")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*root from the office is allowed by the filter*", "expected no match, got match"])
    # ...unless the ini option says where the rules are: then the whole folder is loaded.
    pytester.makeini("[pytest]\nvigil_rules = rules\n")
    run(pytester, "rules/root_login.yml").assert_outcomes(passed=3)


def test_yaml_is_collected_only_under_named_paths(pytester, rules):
    # A bare `pytest` does not read YAML (no test files here at all).
    result = run(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    # ...unless vigil_rules names the folder.
    pytester.makeini("[pytest]\nvigil_rules = rules\n")
    run(pytester).assert_outcomes(passed=4, failed=1)


def test_python_tests_beside_rules_still_run(pytester, rules):
    pytester.makepyfile(test_other="def test_plain():\n    assert True\n")
    run(pytester, "rules", "test_other.py").assert_outcomes(passed=5, failed=1)


def test_load_error_is_a_collection_error_with_position(pytester, rules):
    (rules / "broken.yml").write_text(BROKEN)
    result = run(pytester, "rules")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting rules/broken.yml*", "rules/broken.yml:5:*: error: *nosuchmodifier*"])
    # the other files still load (without the broken one) and run
    result = run(pytester, "rules", "--continue-on-collection-errors")
    result.assert_outcomes(passed=4, failed=1, errors=1)


def test_malformed_tests_are_a_collection_error(pytester, rules):
    (rules / "malformed.yml").write_text(MALFORMED_TESTS)
    result = run(pytester, "rules", "--continue-on-collection-errors")
    result.assert_outcomes(passed=4, failed=1, errors=1)
    result.stdout.fnmatch_lines(["rules/malformed.yml:9:1: error: malformed tests of 'Malformed tests': *'expect' must be 'match' or 'no_match'*"])


MANY_STOPS = """\
title: Many stops
id: 7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0010
level: critical
tags: [attack.t1562.008]
correlation:
    type: event_count
    rules: [7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0002]
    group-by: [userIdentity.arn]
    timespan: 1h
    condition: {gte: 2}
tests:
    - name: two stops by alice
      events:
          - {eventTime: '2026-01-01T00:00:00Z', eventName: StopLogging, userIdentity: {arn: alice}}
          - {eventTime: '2026-01-01T00:10:00Z', eventName: StopLogging, userIdentity: {arn: alice}}
      alerts:
          - group: {userIdentity.arn: alice}
            value: 2
            events: [0, 1]
    - name: one stop each is not many
      events:
          - {eventTime: '2026-01-01T00:00:00Z', eventName: StopLogging, userIdentity: {arn: alice}}
          - {eventTime: '2026-01-01T00:10:00Z', eventName: StopLogging, userIdentity: {arn: bob}}
      alerts:
          - group: {userIdentity.arn: alice}
            value: 2
"""


def test_correlation_tests_are_items(pytester, rules):
    (rules / "many_stops.yml").write_text(MANY_STOPS)
    result = run(pytester, "rules", "-v")
    result.assert_outcomes(passed=5, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "rules/many_stops.yml::Many stops::two stops by alice PASSED*",
            "rules/many_stops.yml::Many stops::one stop each is not many FAILED*",
        ]
    )
    # the failure: the alert counts, the positions, and the expected and actual alerts
    result.stdout.fnmatch_lines(
        [
            "*Many stops::one stop each is not many*",
            "expected 1 alert, got 0 alerts",
            "  rule: Many stops (7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0010)  rules/many_stops.yml:1",
            "  test: one stop each is not many  rules/many_stops.yml:20",
            "",
            "expected alerts:",
            "  group userIdentity.arn=alice value=2",
            "actual alerts:",
            "  (none)",
        ]
    )
    # markers and keywords: the level, the tags, the id
    run(pytester, "rules", "-m", "critical").assert_outcomes(passed=1, failed=1)
    run(pytester, "rules", "-k", "attack.t1562.008").assert_outcomes(passed=1, failed=1)
    run(pytester, "rules", "-k", "7d1a6f52-7d3e-4c51-9d0c-0b0c1a9d0010 and alice").assert_outcomes(passed=1)
    # a node id: the file's rule set comes from the folder (the rule it counts is beside it)
    pytester.makeini("[pytest]\nvigil_rules = rules\n")
    run(pytester, "rules/many_stops.yml::Many stops::two stops by alice").assert_outcomes(passed=1)


def test_malformed_correlation_tests_are_a_collection_error(pytester, rules):
    malformed = MANY_STOPS[:MANY_STOPS.rindex("      alerts:")]  # the last test has no alerts
    (rules / "many_stops.yml").write_text(malformed)
    result = run(pytester, "rules", "--continue-on-collection-errors")
    result.assert_outcomes(passed=4, failed=1, errors=1)
    result.stdout.fnmatch_lines(["rules/many_stops.yml:11:1: error: malformed tests of 'Many stops': "
                               "test #2 'one stop each is not many': 'alerts' must be a list of the alerts expected "
                               "([] for none)"])


def test_the_rule_pack(pytester):
    """`pytest rules/` on the bundled pack: one item per test, all passing."""
    pack = REPO / "rules"
    result = run(pytester, str(pack), "-q")
    # 497 tests of detection rules, 22 of the 7 correlation rules
    result.assert_outcomes(passed=519)
    assert result.ret == pytest.ExitCode.OK
    result = run(pytester, str(pack), "-q", "--co")
    result.stdout.fnmatch_lines_random(
        [
            "*/aws_console_login_failures_for_one_user.yml::AWS Console Login Failures for One User::*",
            "*/aws_console_login_then_access_key_then_logging_disabled.yml::"
            "AWS Console Login, Access Key Created, Then Logging Disabled::*",
        ]
    )
