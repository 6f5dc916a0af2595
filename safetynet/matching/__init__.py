"""Person matching (issue 6): names made comparable across spellings and scripts (normalise.py)."""
