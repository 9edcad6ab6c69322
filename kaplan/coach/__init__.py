"""Judgement on a plan: the coaching rules, health, and ``kaplan check``."""
