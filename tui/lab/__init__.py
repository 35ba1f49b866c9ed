"""The domain of h2o-lab: cluster, data, parameters, training, evaluation, journal and code; no Textual here."""
