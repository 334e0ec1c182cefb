"""The result date: the journey hands the review screen's estimate to the submission, and when the portal's own
date differs, the done screen shows and says so (kiosk.receipts.desk.due_note); when they agree, nothing extra."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey.persona import Persona
from tests.kiosk.journey.conftest import MONDAY, Stand
from tests.kiosk.journey.test_payment_step import drive


def test_a_portal_date_other_than_the_estimate_is_shown_and_said_on_done(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    assert stand.kiosk.portal_simulator is not None
    stand.kiosk.portal_simulator.advance_clock(2 * 86400.0)   # the portal receives it on Wednesday
    view = drive(stand, Persona("id_confirmation"), "done")
    outcome = stand.visit.outcome
    assert outcome is not None and outcome.estimated_due is not None
    assert outcome.due_at is not None and outcome.due_at[:10] != outcome.estimated_due
    notes = [line.value for line in view.lines if outcome.due_at[8:10] + "/" + outcome.due_at[5:7] in line.value
             and "/" + outcome.estimated_due[5:7] + "/" in line.value and not line.label]
    assert len(notes) == 1
    assert "queue.due_differs" in [p.key for p in view.prompts]


def test_a_portal_date_that_agrees_adds_nothing(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    view = drive(stand, Persona("id_confirmation"), "done")
    outcome = stand.visit.outcome
    assert outcome is not None and outcome.estimated_due is not None
    assert outcome.estimated_due >= MONDAY.date().isoformat()
    assert not outcome.due_differs_from_estimate
    assert "queue.due_differs" not in [p.key for p in view.prompts]
