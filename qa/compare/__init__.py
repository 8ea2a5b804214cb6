"""Comparing wordings: a topic through the years, reused paragraphs, two documents side by side."""
