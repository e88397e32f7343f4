"""Evaluation against vignettes, scored the way symptom-checker studies score."""
