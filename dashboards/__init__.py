"""The top layer: what people look at across the apps (home pages, digests, reports) and the
operator commands. The only app besides the demo data allowed to import every other app."""
