"""A virtual CCCD chip for tests, benchmarks and technicians' demos, never for serving citizens.

`profile` loads a fictional person and chip options, `personalise` builds the ICAO 9303-10 files and signs EF.SOD
(9303-12) with a throw-away test PKI (`issuer`), `chip` answers ISO/IEC 7816-4 APDUs with BAC, PACE, secure
messaging and Chip/Active Authentication (9303-11), and `inprocess` / `vpcd` / `pcscd` put it behind an in-process
channel or a real pcscd through the vsmartcard vpcd driver.
"""
