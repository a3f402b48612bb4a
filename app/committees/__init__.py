"""The owners' committee at work (RULES §5): its meetings, motions, minutes and decisions, published on the board."""
