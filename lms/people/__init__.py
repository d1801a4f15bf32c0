"""People (ASN) and their units, brought in from SIASN/SIMPEG staff lists."""
