"""The window's pages: one page renders every screen of a citizen's visit (ui.screens.journey); the staff pages
(the hidden PIN pad, technician mode, the manager's statistics) are no part of a visit and are listed here."""

from __future__ import annotations

from ui.screens.base import Screen
from ui.screens.manager import ManagerScreen
from ui.screens.staff import TechnicianPinScreen
from ui.screens.technician import TechnicianScreen

STAFF_PAGES: dict[str, type[Screen]] = {cls.name: cls for cls in (TechnicianPinScreen, TechnicianScreen,
                                                                    ManagerScreen)}
