"""The learned spam detector: features, model file, training and operation-grouped cross-validation."""
