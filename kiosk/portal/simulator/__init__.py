"""The portal simulator: a local stand-in for the provincial system, with persistent state and injected faults."""

from kiosk.portal.simulator.faults import FaultPlan, FaultSpec, FaultSpecError
from kiosk.portal.simulator.server import RunningSimulator, parse_fates, start_simulator

__all__ = ["FaultPlan", "FaultSpec", "FaultSpecError", "RunningSimulator", "parse_fates", "start_simulator"]
