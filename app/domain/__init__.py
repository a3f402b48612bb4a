"""The pure domain core: the rules Gongzhi decides by.

Nothing here imports Flask, SQLAlchemy or any other part of ``app``; every
function takes plain values and returns plain values, so each rule exists in
exactly one place and can be tested exhaustively.
"""
