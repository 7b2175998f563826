"""Habari: media monitoring for a Tanzanian district council.

This package holds the app itself: settings, the `habari` command and the scheduler wiring.
"""
