"""A virtual CCCD chip for tests and demos: personalisation (profiles, test issuer) and the chip emulator."""
