"""The relationship graph: the selected object in the middle, its neighbours around it.

Clicking a neighbour (or selecting it with the arrow keys and pressing Enter) follows it. Labels are
``QGraphicsSimpleTextItem``: plain text, never markup.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from workbench.services.library import Direction, Neighbourhood
from workbench.ui.common.text import one_line

NODE_RADIUS = 20.0
TYPE_COLOURS = {
    "threat-actor": "#c0392b",
    "intrusion-set": "#a93226",
    "campaign": "#8e44ad",
    "malware": "#d35400",
    "tool": "#b9770e",
    "attack-pattern": "#2874a6",
    "indicator": "#1e8449",
    "vulnerability": "#7d3c98",
    "identity": "#5d6d7e",
    "report": "#5b7a99",
    "infrastructure": "#117a65",
    "location": "#6e2c00",
    "sighting": "#148f77",
    "observed-data": "#34495e",
    "note": "#7f8c8d",
}


def type_colour(kind: str) -> QColor:
    return QColor(TYPE_COLOURS.get(kind, "#808b96"))


class _Node(QGraphicsEllipseItem):
    def __init__(self, stix_id: str, kind: str, name: str, centre: bool) -> None:
        radius = NODE_RADIUS * (1.4 if centre else 1.0)
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.stix_id = stix_id
        self.setBrush(QBrush(type_colour(kind)))
        self.setPen(QPen(QColor("#ffffff" if centre else "#202020"), 3 if centre else 1))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, not centre)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("")  # tool tips would be rich text; the label says it all
        self.setZValue(2)
        label = QGraphicsSimpleTextItem(one_line(name or stix_id, 28), self)
        kind_label = QGraphicsSimpleTextItem(kind, self)
        for item, offset in ((label, radius + 4), (kind_label, radius + 20)):
            item.setBrush(QBrush(QColor("#7f8c8d") if item is kind_label else QColor("#1b1b1b")))
            rect = item.boundingRect()
            item.setPos(-rect.width() / 2, offset)
        self.label = label
        self.kind_label = kind_label


class RelationshipGraph(QGraphicsView):
    """Shows one ``Neighbourhood``; ``object_activated`` carries the id of a neighbour the analyst followed."""

    object_activated = Signal(str)
    """The id of the neighbour that was clicked (or chosen with Enter)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Relationship graph"))
        self.setToolTip(self.tr("Click a neighbour to follow it; arrow keys choose one, Enter follows"))
        self.nodes: list[_Node] = []
        self._dark = False

    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def clear(self) -> None:
        self.scene().clear()
        self.nodes = []

    def show_neighbourhood(self, hood: Neighbourhood) -> None:
        self.clear()
        scene = self.scene()
        text_colour = QColor("#e6e6e6" if self._dark else "#1b1b1b")
        centre = _Node(hood.centre.id, hood.centre.type, hood.centre.name, True)
        scene.addItem(centre)
        count = len(hood.links)
        radius = max(170.0, count * 95.0 / math.tau * 1.6)
        for number, link in enumerate(hood.links):
            angle = -math.pi / 2 + number * math.tau / max(count, 1)
            position = QPointF(radius * math.cos(angle), radius * math.sin(angle))
            node = _Node(link.other_id, link.other_type, link.other_name if link.stored else link.other_id, False)
            node.setPos(position)
            scene.addItem(node)
            self.nodes.append(node)
            origin = QPointF(0, 0)
            start, end = (origin, position) if link.direction is Direction.OUTGOING else (position, origin)
            self._edge(scene, start, end, link.label, text_colour)
        for node in [centre, *self.nodes]:
            node.label.setBrush(QBrush(text_colour))
        if hood.truncated:
            more = QGraphicsSimpleTextItem(self.tr("(more neighbours not shown)"))
            more.setBrush(QBrush(QColor("#7f8c8d")))
            more.setPos(-more.boundingRect().width() / 2, radius + 60)
            scene.addItem(more)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()

    def _edge(self, scene: QGraphicsScene, start: QPointF, end: QPointF, label: str, colour: QColor) -> None:
        line = QLineF(start, end)
        length = line.length()
        if length <= 0:
            return
        unit = QPointF(line.dx() / length, line.dy() / length)
        start_at = start + unit * NODE_RADIUS * (1.4 if start == QPointF(0, 0) else 1.0)
        end_at = end - unit * NODE_RADIUS * (1.4 if end == QPointF(0, 0) else 1.0)
        pen = QPen(QColor("#95a5a6"), 1.5)
        edge = QGraphicsLineItem(QLineF(start_at, end_at))
        edge.setPen(pen)
        edge.setZValue(0)
        scene.addItem(edge)
        normal = QPointF(-unit.y(), unit.x())
        head = QPolygonF([end_at, end_at - unit * 10 + normal * 5, end_at - unit * 10 - normal * 5])
        arrow = QGraphicsPolygonItem(head)
        arrow.setBrush(QBrush(QColor("#95a5a6")))
        arrow.setPen(QPen(Qt.PenStyle.NoPen))
        scene.addItem(arrow)
        text = QGraphicsSimpleTextItem(one_line(label, 30))
        text.setBrush(QBrush(colour))
        middle = (start_at + end_at) / 2
        rect = text.boundingRect()
        text.setPos(middle.x() - rect.width() / 2, middle.y() - rect.height() / 2)
        text.setZValue(1)
        backing = scene.addRect(
            QRectF(text.pos(), rect.size()), QPen(Qt.PenStyle.NoPen), QBrush(self.palette().base().color())
        )
        backing.setZValue(0.5)
        scene.addItem(text)

    def _fit(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        view = self.viewport().rect()
        scale = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _node_at(self, point: QPointF) -> _Node | None:
        item = self.itemAt(point.toPoint())
        while item is not None and not isinstance(item, _Node):
            item = item.parentItem()
        return item

    def mousePressEvent(self, event: QMouseEvent) -> None:
        node = self._node_at(event.position())
        if node is not None and event.button() == Qt.MouseButton.LeftButton and node in self.nodes:
            self.object_activated.emit(node.stix_id)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.nodes:
            super().keyPressEvent(event)
            return
        selected = [node for node in self.nodes if node.isSelected()]
        current = self.nodes.index(selected[0]) if selected else -1
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
            step = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            chosen = self.nodes[(current + step) % len(self.nodes)]
            self.scene().clearSelection()
            chosen.setSelected(True)
            self.ensureVisible(chosen)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current >= 0:
            self.object_activated.emit(self.nodes[current].stix_id)
            return
        super().keyPressEvent(event)
