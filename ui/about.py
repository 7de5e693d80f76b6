"""About Knop: the version, the server this machine talks to, the device, its site and the log file.

What IT and the helpdesk ask for first when someone calls. The site's name is
read from the local store on the DB thread; the dialog opens when it arrives.
"""

from __future__ import annotations

import socket
from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

import desktop
from desktop import logs
from desktop.core.entities import Site
from desktop.store import Store
from ui.words import tr


def about_text(
    server: str | None, device: str, device_id: str | None, site: str | None, log: str
) -> str:
    """The dialog's text: what Knop is, then one line per fact (a fact not known says so).

    `log` is the log file's path: what the helpdesk asks for after the version.
    """
    unknown = tr("not enrolled")
    return "\n".join(
        (
            tr(
                "Knop: a task exchange for the municipality.\n\n"
                "Post a task, find colleagues with the right skills, and see "
                "what people can do from the work they have done."
            ),
            "",
            tr("Version: {version}", version=desktop.__version__),
            tr("Server: {server}", server=server or unknown),
            # The id on a line of its own, whole (`show_about`), where the helpdesk finds it.
            tr("Device: {device}", device=device),
            tr("Device id: {device_id}", device_id=device_id or unknown),
            tr("Site: {site}", site=site or unknown),
            tr("Log file: {path}", path=log),
        )
    )


def device_name(settings: Any) -> str:
    """The name this machine was enrolled under, as the admin's device list shows it.

    Machines enrolled before the name was kept (settings.device_name None) were
    enrolled under their host name unless IT gave `--name`, so that is the best left.
    """
    return str(getattr(settings, "device_name", None) or socket.gethostname())


def show_about(parent: QWidget, context: Any) -> None:
    """Look the site up on the DB thread, then show the dialog (non-blocking for the UI thread)."""
    site_id = context.settings.site_id

    def site_name(store: Store) -> str | None:
        site = store.get(Site, site_id) if site_id else None
        return site.name if site else site_id

    def show(name: str | None) -> None:
        text = about_text(
            context.settings.server_url,
            device_name(context.settings),
            context.device_id,
            name,
            str(logs.log_file()),
        )
        # What Knop is wraps; the facts below it do not: the device id was broken at a hyphen,
        # mid-id (try-out s36). Each fact stays whole on its line, the box as wide as they need.
        intro, facts = text.rsplit("\n\n", 1)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("About Knop"),
            intro,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setInformativeText(facts)
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setWordWrap(False)
        box.setObjectName("about")
        box.open()  # not exec(): the window stays alive to the event loop (and to tests)

    context.query(site_name, parent=parent).success(show).run_in_background()
