"""The course's Python package: the clinical model (`widgets.clinical`, pure Python) and the
interactive components. `python -m widgets assess FILE` assesses a scenario file."""
