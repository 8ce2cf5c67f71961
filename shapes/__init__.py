"""The bundled reference data, installed as ``geoincidents._shapes`` (see shapes/README.md)."""
