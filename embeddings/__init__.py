"""Turning text into vectors and finding near vectors."""
