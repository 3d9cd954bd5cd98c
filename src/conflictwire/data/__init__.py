"""Readable knowledge files: lexicons, actor dictionary, gazetteer supplement."""
