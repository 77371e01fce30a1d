"""The import wizard's work off the main thread: reading and checking a file, checking it
again after a change of sheet or mapping, applying it and undoing a batch.

Each worker reports its end as a typed message (import_wizard_messages.py) that the screen
handles on the main thread; the services report progress through callbacks and never see a
widget. Mixed into `ImportWizardScreen`: `self` is the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.import_wizard_messages import (
    Checked,
    ImportApplied,
    ImportStopped,
    ImportUndone,
    RosterChecked,
    StepFailed,
)

if TYPE_CHECKING:
    from branchdesk.services.import_prepare import LoadedRoster, PreparedRoster


class WizardWorkers:
    """The wizard's thread workers (groups: "read" for reading and checking, "apply" for
    applying and undoing); `_cancel` is set by the screen to stop an import."""

    _cancel: threading.Event

    def _report(self, message: Message) -> None:
        """Post a worker's result, unless the worker was cancelled (a newer one replaced it)."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="read", name="read", exit_on_error=False)
    def _read(self, path: Path) -> None:
        from branchdesk.services import import_prepare

        try:
            self._report(RosterChecked(self._check(import_prepare.load(path)), first=True))
        except UserError as error:
            self._report(StepFailed("read", error.message))
        except Exception as error:  # a reader bug must not take the app down
            self._report(StepFailed("read", t("import_wizard.unexpected", file=path.name,
                                               error=repr(error))))
        finally:
            self.store.close()  # this worker thread's connection

    def _check(self, loaded: LoadedRoster) -> Checked:
        """Parse and preview (in a worker thread)."""
        from branchdesk.services import import_prepare, importing

        worker = get_current_worker()
        prepared = import_prepare.prepare(loaded, progress=self._progress_callback(),
                                          cancelled=lambda: worker.is_cancelled)
        return Checked(loaded, prepared, importing.preview(self.store, prepared))

    def _progress_callback(self) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            # RuntimeError: the app is closing; the worker learns it from is_cancelled.
            with suppress(RuntimeError):
                self.app.call_from_thread(self._show_progress, done, total)

        return report

    @work(thread=True, exclusive=True, group="read", name="recheck", exit_on_error=False)
    def _recheck(self, loaded: LoadedRoster, sheet: str | None = None) -> None:
        from branchdesk.services import import_steps

        try:
            if sheet is not None:
                loaded = import_steps.switch_sheet(loaded, sheet)
            self._report(RosterChecked(self._check(loaded), first=False))
        except UserError as error:
            self._report(StepFailed("recheck", error.message))
        except Exception as error:
            self._report(StepFailed("recheck", t("import_wizard.unexpected", file=loaded.path.name,
                                                  error=repr(error))))
        finally:
            self.store.close()

    @work(thread=True, exclusive=True, group="apply", name="apply", exit_on_error=False)
    def _apply(self, prepared: PreparedRoster) -> None:
        from branchdesk.services import importing
        from branchdesk.services.import_prepare import ImportCancelled

        worker = get_current_worker()
        # Our own flag, not worker.cancel(): a cancelled thread worker stops being watched
        # while its thread runs on, and we must report what the database really holds.
        try:
            self.post_message(ImportApplied(importing.apply(
                self.store, prepared, self.operator, progress=self._progress_callback(),
                cancelled=lambda: self._cancel.is_set() or worker.is_cancelled)))
        except ImportCancelled as error:
            self.post_message(ImportStopped(error.message))
        except UserError as error:
            self.post_message(StepFailed("apply", error.message))
        except Exception as error:
            self.post_message(StepFailed("apply", t(
                "import_wizard.unexpected", file=prepared.loaded.path.name, error=repr(error))))
        finally:
            self.store.close()

    @work(thread=True, exclusive=True, group="apply", name="undo", exit_on_error=False)
    def _undo(self, batch_id: int) -> None:
        from branchdesk.services import import_undo

        try:
            result = import_undo.undo(self.store, batch_id, self.operator)
            self.post_message(ImportUndone({"batch": batch_id, **result}))
        except UserError as error:
            self.post_message(StepFailed("undo", error.message))
        finally:
            self.store.close()

    def _busy(self, group: str) -> bool:
        return any(w.group == group and w.is_running for w in self.workers if w.node is self)
