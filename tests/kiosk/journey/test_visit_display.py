"""A visit holds the citizen's display and voice settings (kiosk.journey.display.DisplayPrefs): the header's
controls change them through the visit, the voice guide's speaker follows the chosen volume, and every wipe puts
them back to the configured defaults for the next citizen."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey.display import VOLUME_STEP, DisplayPrefs
from kiosk.journey.shell import ViewVoice
from kiosk.session.events import WipeReason
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import to_services


def test_the_visit_starts_from_the_configured_defaults(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    assert stand.visit.display == DisplayPrefs.defaults(stand.kiosk.config.speech.volume)


def test_text_size_contrast_and_volume_change_through_the_visit(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    start = visit.display.volume
    assert visit.set_text_scale(1.5).text_scale == 1.5
    assert visit.toggle_contrast().high_contrast is True
    assert visit.louder().volume == start + VOLUME_STEP
    visit.quieter()
    assert visit.quieter().volume == start - VOLUME_STEP
    assert visit.display == DisplayPrefs(1.5, True, start - VOLUME_STEP)


def test_the_voice_follows_the_chosen_volume_and_says_so(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    voice = ViewVoice(stand.kiosk, stand.visit)
    prefs = stand.visit.louder()
    assert voice.volume_changed(prefs) == prefs.volume
    assert stand.kiosk.guide.volume == prefs.volume


def test_a_wipe_puts_every_setting_back_to_the_defaults(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand)
    visit.set_text_scale(1.25)
    visit.toggle_contrast()
    visit.louder()
    stand.kiosk.session.wipe(WipeReason.CARD_REMOVED)
    assert visit.display == DisplayPrefs.defaults(stand.kiosk.config.speech.volume)
