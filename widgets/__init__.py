"""The course's Python package: the clinical model (`widgets.clinical`, pure Python) and the
interactive components. `python -m widgets assess FILE` assesses a scenario file."""


def __getattr__(name):
    # Components import anywidget; load them on first use so that `widgets.clinical` and the
    # command line stay free of widget imports.
    if name == "Explorer":
        from .explorer import Explorer

        return Explorer
    if name == "Quiz":
        from .quiz import Quiz

        return Quiz
    if name == "Walkthrough":
        from .walkthrough import Walkthrough

        return Walkthrough
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Explorer", "Quiz", "Walkthrough"]
