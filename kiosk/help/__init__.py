"""Help for citizens at the kiosk: the `HelpDesk` interface and its back ends (`kiosk.help.desk`)."""

from kiosk.help.desk import HelpDesk, HelpDeskParts, HelpResult, build_help_desk

__all__ = ["HelpDesk", "HelpDeskParts", "HelpResult", "build_help_desk"]
