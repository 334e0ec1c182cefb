"""Chip ID card (CCCD) reading per ICAO Doc 9303 parts 10-12: the `CardReader` port (`interface`), the PC/SC
back end (`pcsc`), the in-process simulator (`simulated`), the protocol stack underneath (`protocol`: BAC, PACE,
secure messaging, Chip/Active Authentication), the certificates and trust behind Passive Authentication (`trust`),
the LDS files (`lds`) and a virtual chip for tests (`emulator`).
Nothing here opens a reader at import time; the kiosk's composition root picks the implementation."""
