"""The citizen's session: one state machine per visit and the privacy rules around it (services.md §5.3,
PDPL 91/2025, Decree 356/2025; WCAG 2.2 SC 2.2.1 for the inactivity timer).

`machine` is the state machine (`Session`), `state` what one visit holds and the guarded move between states,
`events` the states, allowed moves and what observers are told, `timer` the clock and the inactivity timer.
"""

from kiosk.session.events import Helper, SessionState, SessionTransitionError, Wipeable, WipeReason
from kiosk.session.machine import Session
from kiosk.session.state import SessionCore, VisitData
from kiosk.session.timer import Clock, ManualClock, SystemClock

__all__ = ["Clock", "Helper", "ManualClock", "Session", "SessionCore", "SessionState", "SessionTransitionError",
           "SystemClock", "VisitData", "WipeReason", "Wipeable"]
