"""Core package tests."""
