"""Stage 5: outputs people open (GeoJSON now; HTML and PNG maps build on it)."""
