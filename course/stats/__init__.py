"""Class and school statistics that cannot single out a pupil: suppression, counts, charts."""
