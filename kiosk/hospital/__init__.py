"""Hospital check-in with the chip ID card: BHYT check through the BHXH gateway shape, specialty, queue number."""
