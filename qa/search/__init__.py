"""Search: the in-memory hybrid index and its ranking (BM25, dense candidates, fusion, highlight, abstention)."""
