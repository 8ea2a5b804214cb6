"""Text: index-time analysis of paragraph text (tokens, sentences, entities, answer types) and its per-text cache."""
