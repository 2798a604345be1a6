"""Room 1, the catalog: what is sensitive. Loading and validating the YAML catalog, the taxonomy,
the column classifier and the value detectors."""
