"""A case on a time axis: timeline events, injects (planned ◇ and actual ◆, joined), report submissions and due
times, the incident's awareness or the exercise's start and end, and now.

Zoom with Ctrl+wheel or + and - (0 fits the records and the due times within four days of them), scroll with
the wheel or Left and Right, Home and End jump to the ends; Up and Down select the previous or next marker,
double-click or Enter opens its record. Labels are plain text (``QGraphicsSimpleTextItem``); the axis is in this
computer's local time. The scene is rebuilt at each zoom step so that text keeps its size while time stretches.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from workbench.ui.common.text import one_line, tooltip_text

logger = logging.getLogger(__name__)

MARGIN = 70.0
AXIS_HEIGHT = 44.0
LANE_TITLE = 22.0
ROW_HEIGHT = 24.0
LABEL_CHARS = 48
MIN_PPH = 0.02  # pixels per hour: a year fits in about 175 px
MAX_PPH = 4000.0  # a minute is 66 px
ZOOM_STEP = 1.4
#: Tick spacings to choose from (the first that leaves ``MIN_TICK_PX`` between ticks).
TICKS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=2),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=30),
    timedelta(days=91),
    timedelta(days=365),
)
MIN_TICK_PX = 90.0
#: How far after the last record a due time still counts for fitting (later ones are scrolled or zoomed to).
FIT_AHEAD = timedelta(days=4)


class Mark(enum.Enum):
    """What a marker stands for; it decides its lane and its shape."""

    EVENT = "event"
    INJECT_PLANNED = "inject-planned"
    INJECT_ACTUAL = "inject-actual"
    SUBMISSION = "submission"
    DUE = "due"
    BOUNDARY = "boundary"  # awareness, exercise start and end


@dataclass(frozen=True)
class TimelineEntry:
    """One thing at one time. ``uid`` and ``record`` name the record it opens (empty for due times)."""

    mark: Mark
    at: datetime
    label: str
    detail: str = ""
    uid: str = ""
    record: str = ""
    #: For an inject's actual time: its planned time, to draw the two joined.
    planned_at: datetime | None = None


LANES = {Mark.EVENT: 0, Mark.INJECT_PLANNED: 1, Mark.INJECT_ACTUAL: 1, Mark.SUBMISSION: 2, Mark.DUE: 2}
_COLOURS = {
    Mark.EVENT: "#1a73e8",
    Mark.INJECT_PLANNED: "#8e44ad",
    Mark.INJECT_ACTUAL: "#8e44ad",
    Mark.SUBMISSION: "#0d652d",
    Mark.DUE: "#b06000",
    Mark.BOUNDARY: "#5f6368",
}


class _Marker(QGraphicsItem):
    """A small shape at a time; selectable, with its label beside it."""

    SIZE = 7.0

    def __init__(self, entry: TimelineEntry, colour: QColor) -> None:
        super().__init__()
        self.entry = entry
        self.colour = colour
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, bool(entry.uid))
        self.setZValue(3)
        self.setCursor(Qt.CursorShape.PointingHandCursor if entry.uid else Qt.CursorShape.ArrowCursor)
        when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        self.setToolTip(tooltip_text("\n".join(part for part in (entry.label, entry.detail, when) if part)))

    def boundingRect(self) -> QRectF:
        size = self.SIZE + 3
        return QRectF(-size, -size, 2 * size, 2 * size)

    def paint(self, painter: QPainter, _option: object, _widget: QWidget | None = None) -> None:
        size = self.SIZE
        pen = QPen(self.colour, 2)
        if self.isSelected():
            pen = QPen(QColor("#d93025"), 3)
        painter.setPen(pen)
        mark = self.entry.mark
        hollow = mark is Mark.INJECT_PLANNED
        painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QBrush(self.colour))
        if mark in (Mark.INJECT_PLANNED, Mark.INJECT_ACTUAL):
            painter.drawPolygon(QPolygonF([QPointF(0, -size), QPointF(size, 0), QPointF(0, size), QPointF(-size, 0)]))
        elif mark is Mark.SUBMISSION:
            painter.drawRect(QRectF(-size + 1, -size + 1, 2 * size - 2, 2 * size - 2))
        else:
            painter.drawEllipse(QPointF(0, 0), size, size)


def _local(moment: datetime) -> datetime:
    return moment.astimezone()


@dataclass
class _Item:
    """What takes one place on a row: a marker (or an inject's planned and actual markers) and its label."""

    lane: int
    entries: list[TimelineEntry]
    left: float = 0.0
    right: float = 0.0
    row: int = 0

    @property
    def label(self) -> str:
        return self.entries[0].label


class _Lane:
    def __init__(self, title: str) -> None:
        self.title = title
        self.items: list[_Item] = []
        self.rows = 1
        self.top = 0.0

    @property
    def height(self) -> float:
        return LANE_TITLE + self.rows * ROW_HEIGHT + 8


class TimelineView(QGraphicsView):
    """Shows a list of ``TimelineEntry``; ``entry_activated`` carries the record kind and uid to open."""

    entry_activated = Signal(str, str)
    """The record kind (``event``, ``inject``, ``stage``) and uid of a marker double-clicked or chosen with Enter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Timeline"))
        self.setAccessibleDescription(
            self.tr("The table below lists the same events; this view draws them on a time axis")
        )
        self.setToolTip(
            self.tr(
                "Ctrl+wheel or + and − zoom, 0 fits; wheel or Left and Right scroll; Up and Down "
                "select a marker, double-click or Enter opens it"
            )
        )
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.entries: list[TimelineEntry] = []
        self.markers: list[_Marker] = []
        self.lanes: list[_Lane] = []
        self.pph = 1.0
        self._start = datetime.now(UTC)
        self._end = self._start
        self._fit_end = self._start
        self._fitted = True
        self.now: datetime | None = None

    # -- content -----------------------------------------------------------------------------------------------

    def set_entries(self, entries: list[TimelineEntry], now: datetime | None = None) -> None:
        self.entries = sorted(entries, key=lambda entry: entry.at)
        self.now = now
        if self.entries:
            times = [entry.at for entry in self.entries] + [e.planned_at for e in self.entries if e.planned_at]
            self._start, self._end = min(times), max(times)
            if self._end - self._start < timedelta(hours=1):
                self._end = self._start + timedelta(hours=1)
            # Fitting shows what happened and the deadlines near it; a due time weeks after the last record (the
            # final report, a month away) would squeeze the first days into a few pixels: it lies beyond the edge.
            recorded = [e.at for e in self.entries if e.mark is not Mark.DUE] or [self._start]
            near = max(recorded) + FIT_AHEAD
            self._fit_end = max([t for t in times if t <= near] + [self._start + timedelta(hours=1)])
        self._fitted = True
        self.fit()

    def clear(self) -> None:
        self.set_entries([])

    def x_of(self, moment: datetime) -> float:
        return MARGIN + (moment - self._start).total_seconds() / 3600 * self.pph

    def time_at(self, x: float) -> datetime:
        return self._start + timedelta(hours=(x - MARGIN) / self.pph)

    def labels_in_order(self, mark: Mark | None = None) -> list[str]:
        """The markers' labels from left to right (what the analyst reads along the axis)."""
        shown = [m for m in self.markers if mark is None or m.entry.mark is mark]
        return [m.entry.label for m in sorted(shown, key=lambda m: m.x())]

    def _lay_out(self) -> None:
        """Group the entries into lanes and rows so that no marker or label covers another."""
        titles = {0: self.tr("Events"), 1: self.tr("Injects ◇ planned ◆ actual"), 2: self.tr("Reports ■ sent ● due")}
        used = {0} | {LANES[entry.mark] for entry in self.entries if entry.mark in LANES}
        lanes = {number: _Lane(titles[number]) for number in sorted(used)}
        injects: dict[str, _Item] = {}
        for entry in self.entries:
            if entry.mark is Mark.BOUNDARY:
                continue
            if entry.mark in (Mark.INJECT_PLANNED, Mark.INJECT_ACTUAL) and entry.uid in injects:
                injects[entry.uid].entries.append(entry)
                continue
            item = _Item(LANES[entry.mark], [entry])
            lanes[item.lane].items.append(item)
            if entry.mark in (Mark.INJECT_PLANNED, Mark.INJECT_ACTUAL):
                injects[entry.uid] = item
        metrics = self.fontMetrics()
        for lane in lanes.values():
            ends: list[float] = []
            for item in sorted(lane.items, key=lambda item: min(self.x_of(e.at) for e in item.entries)):
                xs = [self.x_of(entry.at) for entry in item.entries]
                item.left = min(xs) - _Marker.SIZE - 2
                item.right = max(xs) + 12 + metrics.horizontalAdvance(one_line(item.label, LABEL_CHARS))
                row = next((number for number, end in enumerate(ends) if end + 8 < item.left), len(ends))
                if row == len(ends):
                    ends.append(item.right)
                else:
                    ends[row] = item.right
                item.row = row
            lane.rows = max(1, len(ends))
        top = AXIS_HEIGHT
        for lane in lanes.values():
            lane.top = top
            top += lane.height
        self.lanes = list(lanes.values())

    def _rebuild(self) -> None:
        scene = self.scene()
        scene.clear()
        self.markers = []
        text_colour = self.palette().color(QPalette.ColorRole.Text)
        faint = self.palette().color(QPalette.ColorRole.Mid)
        self._lay_out()
        right = max([item.right for lane in self.lanes for item in lane.items] + [self.x_of(self._end)])
        # A band below the lanes holds the "now" label, clear of the markers.
        height = self.lanes[-1].top + self.lanes[-1].height + 18 if self.lanes else AXIS_HEIGHT + 60
        scene.setSceneRect(QRectF(0, 0, max(right + MARGIN, self.viewport().width()), height))
        if not self.entries:
            self.lanes = []
            empty = scene.addSimpleText(self.tr("Nothing on the timeline yet: add timeline events (or injects)."))
            empty.setBrush(QBrush(text_colour))
            empty.setPos(MARGIN, AXIS_HEIGHT + 20)
            return
        self._draw_axis(text_colour, faint, height)
        for lane in self.lanes[1:]:
            scene.addLine(0, lane.top, scene.width(), lane.top, QPen(faint, 1, Qt.PenStyle.DotLine))
        for entry in self.entries:
            if entry.mark is Mark.BOUNDARY:
                self._add_boundary(entry, height)
        for lane in self.lanes:
            for item in lane.items:
                self._add_item(lane, item, text_colour)
        if self.now is not None and self._start - timedelta(days=1) <= self.now <= self._end + timedelta(days=1):
            x = self.x_of(self.now)
            scene.addLine(x, AXIS_HEIGHT - 4, x, height, QPen(QColor("#d93025"), 1, Qt.PenStyle.DashLine))
            label = scene.addSimpleText(self.tr("now"))
            label.setBrush(QBrush(QColor("#d93025")))
            label.setPos(x + 3, height - label.boundingRect().height() - 2)  # the axis row holds boundaries

    def _draw_axis(self, text_colour: QColor, faint: QColor, height: float) -> None:
        scene = self.scene()
        step = next((tick for tick in TICKS if tick.total_seconds() / 3600 * self.pph >= MIN_TICK_PX), TICKS[-1])
        start_local = _local(self._start)
        offset = start_local.utcoffset() or timedelta()
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        seconds = step.total_seconds()
        # Ticks on whole local steps (local midnight for days), with the zone's offset at the start.
        whole_steps = (self._start + offset - epoch).total_seconds() // seconds
        tick = epoch + timedelta(seconds=whole_steps * seconds) - offset
        scene.addLine(0, AXIS_HEIGHT, scene.width(), AXIS_HEIGHT, QPen(text_colour, 1))
        limit = self.time_at(scene.width())
        last_day = None
        while tick <= limit:
            x = self.x_of(tick)
            if x >= MARGIN - 1:
                scene.addLine(x, AXIS_HEIGHT - 5, x, AXIS_HEIGHT, QPen(text_colour, 1))
                scene.addLine(x, AXIS_HEIGHT, x, height, QPen(faint, 1, Qt.PenStyle.DotLine))
                local = _local(tick)
                if step >= timedelta(days=1):
                    text = local.strftime("%Y-%m-%d")
                elif local.date() != last_day:
                    text = local.strftime("%m-%d %H:%M")
                else:
                    text = local.strftime("%H:%M")
                last_day = local.date()
                label = scene.addSimpleText(text)
                label.setBrush(QBrush(text_colour))
                label.setPos(x - label.boundingRect().width() / 2, 2)
            tick += step
        zone = scene.addSimpleText(start_local.strftime("%Z") or "local")
        zone.setBrush(QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText)))
        zone.setPos(4, 2)

    def _add_boundary(self, entry: TimelineEntry, height: float) -> None:
        scene = self.scene()
        colour = self.palette().color(QPalette.ColorRole.PlaceholderText)
        x = self.x_of(entry.at)
        scene.addLine(x, AXIS_HEIGHT - 4, x, height, QPen(colour, 2))
        label = scene.addSimpleText(one_line(entry.label, 40))
        label.setBrush(QBrush(colour))
        label.setPos(x + 4, AXIS_HEIGHT - 20)

    def _add_item(self, lane: _Lane, item: _Item, text_colour: QColor) -> None:
        scene = self.scene()
        y = lane.top + LANE_TITLE + item.row * ROW_HEIGHT + ROW_HEIGHT / 2
        xs = [self.x_of(entry.at) for entry in item.entries]
        colour = QColor(_COLOURS[item.entries[0].mark])
        if len(xs) > 1:
            scene.addLine(min(xs), y, max(xs), y, QPen(colour, 1, Qt.PenStyle.DashLine))
        for entry, x in zip(item.entries, xs, strict=True):
            if entry.mark is Mark.DUE:
                scene.addLine(x, lane.top + 2, x, lane.top + lane.height - 2, QPen(colour, 1, Qt.PenStyle.DashLine))
            marker = _Marker(entry, QColor(_COLOURS[entry.mark]))
            marker.setPos(x, y)
            scene.addItem(marker)
            self.markers.append(marker)
        label = QGraphicsSimpleTextItem(one_line(item.label, LABEL_CHARS))
        label.setBrush(QBrush(text_colour))
        label.setPos(max(xs) + 12, y - label.boundingRect().height() / 2)
        scene.addItem(label)

    # -- zoom and scroll ---------------------------------------------------------------------------------------

    def fit(self) -> None:
        """Zoom so that the records and the due times near them fit the width of the view."""
        span_hours = max((self._fit_end - self._start).total_seconds() / 3600, 1.0)
        usable = max(self.viewport().width() - 2 * MARGIN - 180, 100)
        self.pph = min(max(usable / span_hours, MIN_PPH), MAX_PPH)
        self._fitted = True
        self._rebuild()
        self.horizontalScrollBar().setValue(0)

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Stretch time by ``factor`` around ``anchor_x`` (a viewport x; the middle by default)."""
        anchor = self.viewport().width() / 2 if anchor_x is None else anchor_x
        scene_x = self.mapToScene(int(anchor), 0).x()
        moment = self.time_at(scene_x)
        pph = min(max(self.pph * factor, MIN_PPH), MAX_PPH)
        if pph == self.pph:
            return
        self.pph = pph
        self._fitted = False
        self._rebuild()
        self.horizontalScrollBar().setValue(int(self.x_of(moment) - anchor))

    def scroll_by(self, pixels: int) -> None:
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() + pixels)

    def select_step(self, step: int) -> None:
        """Select the next (or previous) marker along the axis and bring it into view."""
        ordered = sorted((m for m in self.markers if m.entry.uid), key=lambda m: (m.x(), m.y()))
        if not ordered:
            return
        chosen = [m for m in ordered if m.isSelected()]
        index = ordered.index(chosen[0]) + step if chosen else (0 if step > 0 else len(ordered) - 1)
        index = min(max(index, 0), len(ordered) - 1)
        self.scene().clearSelection()
        ordered[index].setSelected(True)
        self.ensureVisible(ordered[index], 120, 20)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_Left:
            self.scroll_by(-self.viewport().width() // 8)
        elif key == Qt.Key.Key_Right:
            self.scroll_by(self.viewport().width() // 8)
        elif key == Qt.Key.Key_Home:
            self.horizontalScrollBar().setValue(0)
        elif key == Qt.Key.Key_End:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().maximum())
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.select_step(1 if key == Qt.Key.Key_Down else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate_selected()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP if delta > 0 else 1 / ZOOM_STEP, event.position().x())
        else:
            self.scroll_by(-delta)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, _Marker) and item.entry.uid:
            self.entry_activated.emit(item.entry.record, item.entry.uid)
            return
        super().mouseDoubleClickEvent(event)

    def _activate_selected(self) -> None:
        chosen = [item for item in self.scene().selectedItems() if isinstance(item, _Marker)]
        if chosen and chosen[0].entry.uid:
            self.entry_activated.emit(chosen[0].entry.record, chosen[0].entry.uid)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.entries:
            self._rebuild()  # light or dark: text and axis take the palette's colours

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """Lane titles stay at the left edge while time scrolls."""
        painter.save()
        painter.resetTransform()
        colour = self.palette().color(QPalette.ColorRole.Text)
        painter.setPen(QPen(colour))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        top = self.mapFromScene(0, 0).y()
        for lane in self.lanes:
            y = top + lane.top + 15
            box = painter.fontMetrics().boundingRect(lane.title)
            painter.fillRect(
                QRectF(2, y - box.height() + 3, box.width() + 8, box.height() + 2),
                self.palette().color(QPalette.ColorRole.Base),
            )
            painter.drawText(QPointF(6, y), lane.title)
        painter.restore()
