"""The screens of h2o-lab: one module per kind of screen. They never import h2o."""
