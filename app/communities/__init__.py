"""Street offices, communities, buildings, units, persons, holdings; the register."""
