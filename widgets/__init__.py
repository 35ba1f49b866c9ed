"""Reusable widgets of h2o-lab. They never import h2o: data reaches them as plain objects."""
