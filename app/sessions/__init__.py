"""Assembly sessions, items, rolls, ballots, paper entry, close, results, bulletin."""
