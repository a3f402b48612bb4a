"""The street office's orders to a community: the record, its public notice, its deadline.

Oversight issues them with their effects; a petition that reaches its threshold issues one too.
"""
