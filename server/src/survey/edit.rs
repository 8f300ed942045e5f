//! Single edits (OGC API Features Part 4) through the import pipeline.
