"""Running an exercise from the workbench: conduct mode, evaluation, the hot wash, and exercise material exchanged
with partner agencies.

- ``conduct``: the controller's clock (start, pause, resume, jump, speed, end) and the master scenario events list
  (deliver, hold, release, skip, add during play), and the players' responses; ``conduct_view`` is what the
  window and ``workbench exercise status`` show.
- ``evaluation``: exercise evaluation guides (objectives, critical tasks, performance measures) and evaluators'
  observations with their evidence.
- ``hotwash``: observations by objective and critical task, findings made from them, ratings, improvement items.

Every change is one transaction with one audit entry (through ``services.cases.change_case``); times come from
``now`` arguments when given, so tests run the clock with fixed times.
"""
