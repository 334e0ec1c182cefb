"""What the journey core counts into the kiosk's real metrics registry (kiosk.fleet.metrics): journeys by service and
outcome with their duration, each face decision (the assisted path apart from the automatic match), fees and
withdrawals. Scripted visits on the demo kiosk; the figures are read back as Prometheus samples."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Callable

from kiosk.fleet.metrics import JOURNEY_OUTCOMES, KioskLabels, KioskMetrics
from kiosk.journey import CardPlaced, CardRemoved, Command, ScreenView, Tap, Tick, Typed
from kiosk.journey.persona import Persona, play
from kiosk.session.timer import ManualClock
from tests.kiosk.journey.conftest import VOLUNTEER_PIN, Stand
from tests.kiosk.journey.ux_support import drive, past_face


def metered(stand: Stand) -> KioskMetrics:
    """A real registry for this kiosk, handed to the visit as the composition root hands `kiosk.metrics`."""
    metrics = KioskMetrics(KioskLabels.from_config(stand.kiosk.config), services=stand.kiosk.catalogue.codes())
    stand.visit.parts.metrics = metrics
    return metrics


def sample(metrics: KioskMetrics, name: str, **labels: str) -> float:
    """A counter's value; every value of its vocabulary exists from the start, "other" only once counted."""
    value = metrics.registry.get_sample_value(name, {**metrics.labels.as_dict(), **labels})
    if value is None and labels.get("outcome") == "other":
        return 0.0
    assert value is not None, f"no sample {name} {labels}"
    return value


def journeys(metrics: KioskMetrics, service: str) -> dict[str, float]:
    """The non-zero journey counts of one service, by outcome."""
    counts = {o: sample(metrics, "kiosk_journeys_completed_total", service=service, outcome=o)
              for o in JOURNEY_OUTCOMES}
    return {o: n for o, n in counts.items() if n}


def faces(metrics: KioskMetrics) -> dict[str, float]:
    counts = {o: sample(metrics, "kiosk_face_checks_total", outcome=o)
              for o in ("match", "no_match", "liveness_failed", "no_face", "staff_vouched", "gave_up", "other")}
    return {o: n for o, n in counts.items() if n}


def test_a_file_sent_counts_one_journey_with_its_time_and_one_automatic_face_match(
        make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock()
    stand = make_stand(clock=clock, hospital=False)
    metrics = metered(stand)

    def take_card_later() -> None:   # the citizen reads the done screen for 42 s, then takes the card
        clock.advance(42.0)
        stand.take()

    play(stand.visit, Persona("id_confirmation"), place_card=stand.place, take_card=take_card_later)
    assert journeys(metrics, "id_confirmation") == {"sent": 1.0}
    assert sample(metrics, "kiosk_journey_duration_seconds_count", service="id_confirmation") == 1.0
    assert sample(metrics, "kiosk_journey_duration_seconds_sum", service="id_confirmation") == 42.0
    assert faces(metrics) == {"match": 1.0}


def test_a_hospital_check_in_counts_as_a_ticket(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    metrics = metered(stand)
    play(stand.visit, Persona("hospital_checkin"), place_card=stand.place, take_card=stand.take)
    assert journeys(metrics, "hospital_checkin") == {"ticket": 1.0}


def test_the_card_taken_mid_service_counts_the_journey_abandoned(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    metrics = metered(stand)
    view = drive(stand, Persona("temporary_residence"), "question")
    assert view.screen == "question"
    stand.take()
    assert stand.visit.handle(CardRemoved()).screen == "welcome"
    assert journeys(metrics, "temporary_residence") == {"abandoned": 1.0}
    # Nothing more is counted for the welcome screen that follows, nor for a tap that goes nowhere.
    stand.visit.handle(Tick())
    assert journeys(metrics, "temporary_residence") == {"abandoned": 1.0}
    assert not journeys(metrics, "other")


def test_a_volunteer_vouching_is_counted_apart_from_the_match_and_the_visit_as_handed_to_staff(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(face="impostor", hospital=False)
    metrics = metered(stand)
    visit = stand.visit
    view = past_face(stand, ticks=400)
    assert view.screen == "face_failed"
    assert faces(metrics) == {"no_match": 1.0}
    visit.handle(Tap("help"))
    visit.handle(Tap("volunteer_sign_in"))
    visit.handle(Typed("pin", VOLUNTEER_PIN))
    assert visit.handle(Tap("next")).screen == "face_failed"
    assert visit.handle(Tap("staff_vouch")).screen == "services"
    assert faces(metrics) == {"no_match": 1.0, "staff_vouched": 1.0}   # the assisted path, not a "match"
    assert visit.handle(Tap("service:id_confirmation")).screen == "question"
    stand.take()
    visit.handle(CardRemoved())
    assert journeys(metrics, "id_confirmation") == {"handed_to_staff": 1.0}


def test_a_fee_paid_at_the_kiosk_and_a_fee_left_for_later(make_stand: Callable[..., Stand]) -> None:
    clock = ManualClock()
    stand = make_stand(clock=clock, hospital=False, bank_confirms_s=None)
    metrics = metered(stand)
    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    drive(stand, Persona("temporary_residence"), "payment")
    code = stand.visit.outcome.file_code if stand.visit.outcome is not None else ""
    assert code
    simulator.confirm_payment(code)
    clock.advance(stand.kiosk.config.payment.poll_interval_s)
    stand.visit.handle(Tick())
    assert sample(metrics, "kiosk_payments_total", outcome="paid") == 1.0
    stand.visit.handle(Tap("finish"))
    assert sample(metrics, "kiosk_payments_total", outcome="paid") == 1.0   # counted once
    assert journeys(metrics, "temporary_residence") == {"sent": 1.0}

    drive(stand, Persona("temporary_residence"), "payment")
    assert stand.visit.handle(Tap("pay_later")).screen == "welcome"
    assert sample(metrics, "kiosk_payments_total", outcome="cancelled") == 1.0
    assert sample(metrics, "kiosk_payments_total", outcome="paid") == 1.0
    assert journeys(metrics, "temporary_residence") == {"sent": 2.0}


class _Keeper(Persona):
    """The persona, keeping its receipt's QR code before the visit is wiped."""

    def __init__(self, stand: Stand, service: str) -> None:
        super().__init__(service)
        self._stand = stand
        self.kept = ""

    def next_command(self, view: ScreenView) -> Command | None:
        if view.screen == "done" and self._stand.visit.receipt_qr:
            self.kept = self._stand.visit.receipt_qr
        return super().next_command(view)


def test_a_withdrawal_counts_its_outcome_and_no_journey(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    metrics = metered(stand)
    keeper = _Keeper(stand, "id_confirmation")
    play(stand.visit, keeper, place_card=stand.place, take_card=stand.take)
    withdrawal = Persona("withdrawal", receipt_qr=keeper.kept)
    counts = play(stand.visit, withdrawal, place_card=stand.place, take_card=stand.take)
    assert counts.path[-1] == "withdraw_done"
    kinds = {k: sample(metrics, "kiosk_withdrawals_total", outcome=k)
             for k in ("withdrawn_locally", "withdrawn", "requested", "pending", "too_late", "busy",
                       "nothing_to_withdraw", "not_found", "unavailable", "other")}
    assert sum(kinds.values()) == 1.0 and kinds["other"] == 0.0
    assert journeys(metrics, "id_confirmation") == {"sent": 1.0}
    assert not journeys(metrics, "other")   # the withdrawal visit files nothing: not a journey


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_composition_root_hands_the_kiosks_metrics_to_the_visit(make_stand: Callable[..., Stand]) -> None:
    plain = make_stand(hospital=False)
    assert plain.visit.parts.metrics is None
    stand = make_stand(hospital=False, settings={"fleet": {"metrics_address": f"127.0.0.1:{free_port()}"}})
    metrics = stand.kiosk.metrics
    assert metrics is not None and stand.visit.parts.metrics is metrics
    # The metered card reader passes the emulator's hand (insert, remove) through to the virtual card.
    reader = stand.kiosk.card_reader
    reader.insert(stand.kiosk.card_image)  # type: ignore[attr-defined]
    view = stand.visit.handle(CardPlaced())
    while view.screen == "face":
        view = stand.visit.handle(Tick())
    assert view.screen == "services"
    reader.remove()  # type: ignore[attr-defined]
    stand.visit.handle(CardRemoved())
    assert faces(metrics) == {"match": 1.0}
    assert journeys(metrics, "other") == {"abandoned": 1.0}   # the card read, no service chosen yet


class _RefusingPortal(http.server.BaseHTTPRequestHandler):
    """A portal on 127.0.0.1 whose intake refuses every application (HTTP 422 with the portal's error list)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"errors": [{"field": "form", "code": "invalid", "message_vi": "Tờ khai không hợp lệ.",
                                       "message_en": "The form is not valid."}]}).encode()
        self.send_response(422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_file_the_portal_refuses_ends_the_journey_rejected(make_stand: Callable[..., Stand]) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RefusingPortal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        stand = make_stand(hospital=False, settings={"portal": {"start_simulator": False, "base_url": url}})
        metrics = metered(stand)
        view = drive(stand, Persona("id_confirmation"), "review")
        view = stand.visit.handle(Tap("send"))
        assert view.screen == "review" and view.error_key
        stand.take()
        stand.visit.handle(CardRemoved())
    finally:
        server.shutdown()
        server.server_close()
    assert journeys(metrics, "id_confirmation") == {"rejected": 1.0}
