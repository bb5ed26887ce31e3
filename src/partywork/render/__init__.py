"""Renderers: pure functions from data to text. The CLI decides where the text goes."""
