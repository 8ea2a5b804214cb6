"""Evaluation: `qa eval` (recall, MRR, answer-sentence accuracy, abstention) and `qa bench` (speed, memory)."""
