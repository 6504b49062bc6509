"""The after-action report's HSEEP analysis: findings grouped under their objective and core capability, and the
exercise's duration as its time in play."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workbench.domain.cases.case import RecordKind, make_exercise_overview, make_record
from workbench.domain.cases.exercise import Observation
from workbench.domain.errors import InvalidInput
from workbench.services.reports import samples
from workbench.services.reports.exercise import analysis_groups, time_in_play


def objective(text: str, capability: str) -> object:
    return make_record(RecordKind.OBJECTIVE, {"objective": text, "capability": capability})


def observation(kind: str, title: str, capability: str | None) -> Observation:
    return make_record(RecordKind.OBSERVATION, {"kind": kind, "title": title, "capability": capability})


def test_findings_go_under_the_objective_testing_their_capability_and_none_is_lost() -> None:
    objectives = [objective("Detect within 2 h", "Detection"), objective("Warn within 24 h", "Reporting")]
    found = [
        observation("area-for-improvement", "Contact list stale", " reporting "),  # spacing and case differ
        observation("strength", "Fast triage", "Detection"),
        observation("strength", "Good press line", "Public information"),  # no objective tests it
        observation("area-for-improvement", "No capability named", None),
    ]
    groups = analysis_groups(objectives, found)
    assert [(g.number, g.capability) for g in groups] == [
        (1, "Detection"),
        (2, "Reporting"),
        (None, "Public information"),
        (None, ""),
    ]
    assert [item.title for item in groups[0].strengths] == ["Fast triage"] and groups[0].improvements == []
    assert [item.title for item in groups[1].improvements] == ["Contact list stale"]
    assert sum(len(g.strengths) + len(g.improvements) for g in groups) == len(found)


def test_a_finding_that_names_its_objective_goes_under_it_whatever_its_capability() -> None:
    # Findings made in the hot wash name their objective; two objectives may test the same capability.
    first, second = objective("Detect on site", "Detection"), objective("Detect remotely", "Detection")

    @dataclass(frozen=True)
    class Finding:
        kind: object
        title: str
        capability: str | None
        objective: str

    plain = observation("strength", "x", "Detection")
    named = Finding(plain.kind, "Remote sensors alerted", "Detection", second.uid)
    groups = analysis_groups([first, second], [named, plain])  # type: ignore[list-item]
    assert [item.title for item in groups[1].strengths] == ["Remote sensors alerted"]
    assert [item.title for item in groups[0].strengths] == ["x"]  # by capability: the first objective testing it


@pytest.mark.parametrize(
    ("fields", "dates", "duration"),
    [
        ({"time_in_play": 480}, "2026-03-04, 08:00 to 17:00 UTC", "8 h"),
        ({}, "2026-03-04, 08:00 to 17:00 UTC", "9 h (start to end; no breaks recorded)"),
        ({"ends_at": "2026-03-05T17:00:00Z"}, "2026-03-04 08:00 UTC to 2026-03-05 17:00 UTC (2 days)", ""),
        ({"ends_at": "2026-03-05T17:00:00Z", "time_in_play": 975}, "(2 days)", "16 h 15 min"),
    ],
)
def test_the_duration_is_the_time_in_play_never_the_first_start_to_the_last_end(
    fields: dict[str, object], dates: str, duration: str
) -> None:
    report = samples.exercise()
    values = {"starts_at": "2026-03-04T08:00:00Z", "ends_at": "2026-03-04T17:00:00Z", **fields}
    report.overview = make_exercise_overview(values)
    shown_dates, shown_duration = time_in_play(report)
    assert dates in shown_dates and shown_duration == duration


def test_a_time_in_play_longer_than_the_exercise_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"time in play \(600 minutes\) is longer than .* \(540 minutes\)"):
        make_exercise_overview(
            {"starts_at": "2026-03-04T08:00:00Z", "ends_at": "2026-03-04T17:00:00Z", "time_in_play": 600}
        )
