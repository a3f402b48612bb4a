"""The owner with a letter: open it, vote, keep the receipt, say a ballot is not theirs, petition."""
