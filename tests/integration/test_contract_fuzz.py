"""The services' OpenAPI documents against the services themselves: Schemathesis (all phases,
a fixed seed) with a real token of each level (county, township, city), bounded to stay cheap.

Asserts no server error anywhere, and that every check holds: status codes, content types and
bodies as documented; data the schema allows is accepted (never refused as malformed), data it
forbids is refused; unsupported methods answer 405 with Allow. `make fuzz` runs the same longer.
"""
from __future__ import annotations

import pytest

from tests.fuzz.run import LEVELS, run_all
from tests.integration.helpers import load_demo_divisions
from tests.support.platform import running_platform

EXAMPLES = 3        # per operation and phase; the coverage phase adds its own boundary cases
MAX_SECONDS = 12    # per service and level: 15 runs stay within ~3 minutes


@pytest.fixture(scope="module")
def fuzzed():
    # Its own platform: the fuzzer writes junk that other tests must not meet.
    with running_platform() as platform:
        load_demo_divisions(platform)
        outcomes = run_all(platform, examples=EXAMPLES, report_dir=platform.log_dir / "fuzz", max_time=MAX_SECONDS)
        yield outcomes


def test_every_service_and_level_was_fuzzed(fuzzed):
    assert {(o.service, o.level) for o in fuzzed} == {(s, level) for s in
                                                      ("screening", "casework", "supervision", "acceptance", "reporting")
                                                      for level in LEVELS}
    for outcome in fuzzed:
        assert outcome.requests > 50, f"{outcome.service}/{outcome.level} sent only {outcome.requests} requests"
    print(f"\ncontract fuzz: {sum(o.requests for o in fuzzed)} requests")


def test_no_server_error_and_every_check_holds(fuzzed):
    failures = [f"{o.service}/{o.level}: {f}" for o in fuzzed for f in o.failures]
    assert not failures, f"{len(failures)} failures (reports under {fuzzed[0].report.parent}):\n" + "\n".join(failures)
    assert all(o.exit_code == 0 for o in fuzzed), [(o.service, o.level, o.exit_code) for o in fuzzed if o.exit_code]
