"""Versioned research dataset releases: label resolution, leak-free splits, card, Croissant, manifest."""
