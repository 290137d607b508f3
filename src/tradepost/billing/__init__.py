"""Paid services (issue 13): the service catalogue and its regions, plans, subscriptions and
invoices, verification, Promotion Services, the liability cap, and maintenance windows.

Clause 2.2: some Services are reserved to paying members.
"""
