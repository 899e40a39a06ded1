"""Capacity simulation of the handoff queue (SimPy): policies, planning and reports."""
