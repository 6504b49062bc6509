"""Exercise conduct mode: the controller's clock and MSEL, the evaluators' quick observations, the hot wash."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.exercise.exercise_screen import ExerciseScreen

    return ExerciseScreen(context)


SCREEN = ScreenSpec(
    key="exercise",
    title=lambda: QCoreApplication.translate("Screens", "Exercise"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens",
        "Conduct an exercise: the scenario clock, the master scenario events list, evaluators' observations "
        "and the hot wash",
    ),
    icon="exercise",
    factory=_build,
)
