"""Answers: ranked rows become cited Hit and Answer records (questions checked, follow-ups read, rendering)."""
