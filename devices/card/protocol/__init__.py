"""Talking to the chip per ICAO Doc 9303 parts 10-11 and ISO/IEC 7816-4: APDUs and the transport under them, the
access protocols (BAC, PACE), secure messaging, Chip and Active Authentication, and reading the chip's files."""
