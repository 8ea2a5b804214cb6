"""Web: the Gradio chat, its /ask API, where it listens and the Host-header check."""
