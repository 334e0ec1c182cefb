"""The chip's files as ICAO 9303-10 defines them (LDS 1.7/1.8): parsers and builders, one module per file."""
