"""Every page of the kiosk, by name, and which page shows each session state."""

from __future__ import annotations

from kiosk.session_events import SessionState
from ui.screens.base import Screen
from ui.screens.done import DoneScreen
from ui.screens.face import FaceScreen
from ui.screens.form import FormScreen
from ui.screens.identify import IdentifyScreen
from ui.screens.language import LanguageScreen
from ui.screens.manager import ManagerScreen
from ui.screens.services import ServiceInfoScreen, ServicesScreen
from ui.screens.staff import CallStaffScreen, TechnicianPinScreen, VolunteerScreen
from ui.screens.status import StatusScreen
from ui.screens.submit import ReceiptScreen, ReviewScreen, SubmittingScreen
from ui.screens.technician import TechnicianScreen
from ui.screens.welcome import WelcomeScreen

SCREENS: dict[str, type[Screen]] = {cls.name: cls for cls in (
    WelcomeScreen, LanguageScreen, IdentifyScreen, FaceScreen, ServicesScreen, ServiceInfoScreen, FormScreen,
    ReviewScreen, SubmittingScreen, ReceiptScreen, DoneScreen, StatusScreen, CallStaffScreen, VolunteerScreen,
    TechnicianPinScreen, TechnicianScreen, ManagerScreen,
)}

S = SessionState
STATE_SCREENS: dict[SessionState, str] = {
    S.IDLE: "welcome", S.LANGUAGE: "language", S.IDENTIFY: "identify", S.VERIFY_FACE: "face",
    S.CHOOSE_SERVICE: "services", S.STEPS: "form", S.REVIEW: "review", S.SUBMITTING: "submitting",
    S.RECEIPT: "receipt", S.DONE: "done", S.STATUS_LOOKUP: "status", S.TECHNICIAN: "technician",
    S.MANAGER: "manager",
}
