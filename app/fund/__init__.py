"""The maintenance fund as the law runs it (RULES §11): projects with budgets, per-unit accounts, emergency use.

It sits above ``ledgers``: the fund's money moves in the community's maintenance-fund
ledger, and this package is the only way an expense gets there (a project's invoice
or a confirmed emergency's cost), apportioned to the units that bear it.
"""
