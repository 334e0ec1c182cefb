"""Deciding whether to believe the chip per ICAO Doc 9303 part 11 §5 and part 12: Passive Authentication, signature
checks, public keys, the CSCA trust store and the ICAO master lists that feed it."""
