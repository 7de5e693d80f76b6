"""Keys typed while the window is rebuilt in another language, given to the new one in order.

Choosing another language closes the person's window and store and opens both
anew, which holds the UI thread for a moment (seconds on a busy machine). The
keys typed meanwhile wait in the window system's queue and reach Knop only
afterwards, addressed to the window that had the keys when they were typed.
The old window therefore stays mapped until the new one is up (so the window
system has a Knop window to send them to: a hidden one passes the keys to no
one), and every key is held from the choice until the new window has put the
keys where they were (`MainWindow.keys_placed`); then they are given, in the
order typed, to the widget that has the keys. A try-out typed on in the comment
box during the switch and lost those words.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

_HELD = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
# The longest the keys are held once the new window is up, should its page never say it has
# loaded (the rebuild itself takes well under a second on an idle machine).
AT_MOST_MS = 3_000


class TypedAhead(QObject):
    """Holds every key the application receives until `give_to` hands them on.

    Created as the rebuild starts; a child of the application, gone once the
    keys are given. A shortcut typed meanwhile is held as a key, not run: it
    would reach the window being closed. Raises nothing.
    """

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._keys: list[QKeyEvent] = []
        self._giving = False
        app.installEventFilter(self)

    def give_when_placed(self, window: QWidget, keys_placed: SignalInstance) -> None:
        """Give the keys to `window` at `keys_placed`, or after `AT_MOST_MS` if that does not come.

        A page that never finishes loading must not leave every key held; the keys then
        go to wherever `window` has them.
        """
        keys_placed.connect(lambda: self.give_to(window), Qt.ConnectionType.SingleShotConnection)
        QTimer.singleShot(AT_MOST_MS, self, lambda: self.give_to(window))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._giving:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # "not a shortcut": the key press follows, and is held below
            return True
        if event.type() in _HELD and isinstance(event, QKeyEvent):
            # A copy: Qt deletes the event it delivers once the filter returns.
            self._keys.append(
                QKeyEvent(
                    event.type(),
                    event.key(),
                    event.modifiers(),
                    event.text(),
                    event.isAutoRepeat(),
                    event.count(),
                )
            )
            return True
        return False

    def give_to(self, window: QWidget) -> None:
        """Give the held keys, in order, to the widget of `window` that has the keys now, and stop holding.

        `window` is the new main window, once its keys are back in place. With no
        widget of it holding the keys, they go to the window itself (which drops them).
        """
        if self._giving:
            return  # given already (`give_when_placed`'s two ways)
        self._app.removeEventFilter(self)
        if not shiboken6.isValid(window):
            self._keys.clear()
            self.deleteLater()
            return
        self._giving = True
        # Sent straight to the widget: typed text, not a shortcut run late (see the class).
        # The widget is asked again for every key: a Tab typed ahead moves the keys on (a
        # name, Tab, a password on the login screen after a switch of user).
        for key in self._keys:
            if not shiboken6.isValid(window):
                break  # an Enter typed ahead ended the window (a login went through)
            QApplication.sendEvent(window.focusWidget() or window, key)
        self._keys.clear()
        self.deleteLater()

    def held(self) -> int:
        """How many key events are held now (presses and releases)."""
        return len(self._keys)


def holding(app: QCoreApplication) -> bool:
    """Whether keys are being held now: a language switch is under way, its window not yet settled.

    Keys sent meanwhile wait and go, in order, to the widget with the keys once the new
    window has put them back; a script (or a test) that types and then moves the keys
    itself waits for this to be over first, or its keys arrive after its move.
    """
    return any(not typed._giving for typed in app.findChildren(TypedAhead))


class KeysPassedOn(QObject):
    """Keys that reach `old` (a window being left) go to the widget of `new` that has the keys.

    A switch of user replaces the person's window with the login screen at once; the
    keys typed right after Ctrl+Shift+L were queued by the window system for the old
    window, which had the keys when they were typed, and were lost there (try-out s36:
    a name, Tab, a password and Enter typed at once). Each is passed on as it arrives,
    so a Tab moves the login screen's keys on before the password follows; keys sent
    to any other window pass untouched. Ends after `AT_MOST_MS` or once `new` is gone;
    `old` is deleted then (it is kept until then so that the keys have a target).
    Raises nothing.
    """

    def __init__(self, app: QCoreApplication, old: QWidget, new: QWidget) -> None:
        super().__init__(app)
        self._app = app
        self._old = old
        self._new = new
        self._old_handle = old.windowHandle()
        app.installEventFilter(self)
        QTimer.singleShot(AT_MOST_MS, self, self.end)
        new.destroyed.connect(self.end)

    def _for_old(self, watched: QObject) -> bool:
        if not shiboken6.isValid(self._old):
            return False
        if isinstance(watched, QWidget):
            return shiboken6.isValid(watched) and watched.window() is self._old
        return self._old_handle is not None and watched is self._old_handle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, *_HELD) or not self._for_old(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # typed for the login screen, not a shortcut of the window left
            return True
        new = self._new
        if isinstance(event, QKeyEvent) and shiboken6.isValid(new):
            copy = QKeyEvent(
                kind, event.key(), event.modifiers(), event.text(), event.isAutoRepeat(), event.count()
            )
            QApplication.sendEvent(new.focusWidget() or new, copy)
        return True

    def end(self) -> None:
        """Stop passing keys on, and let the old window go."""
        if not shiboken6.isValid(self):
            return
        self._app.removeEventFilter(self)
        if shiboken6.isValid(self._old):
            self._old.deleteLater()
        self.deleteLater()
