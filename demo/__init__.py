"""Demo data for `make run`: the only package besides the top layer allowed to import every app."""
