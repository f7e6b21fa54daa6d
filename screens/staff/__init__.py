"""The staff console's screens: the request table, a request, its status change and notes, the
archive, receipts, the audit log, the banner and the supervisor's tools."""

from screens.staff.archive import StaffArchiveScreen
from screens.staff.archived_request import ArchivedRequestScreen
from screens.staff.audit import StaffAuditScreen
from screens.staff.banner import StaffBannerScreen
from screens.staff.base import StaffDialog, StaffPane, StaffScreen
from screens.staff.note import InternalNoteDialog
from screens.staff.receipts import StaffReceiptsScreen
from screens.staff.request import StaffRequestScreen
from screens.staff.requests import StaffRequestsScreen
from screens.staff.status_change import StatusChangeDialog
from screens.staff.supervisor import StaffSupervisorScreen

__all__ = [
    "ArchivedRequestScreen",
    "InternalNoteDialog",
    "StaffArchiveScreen",
    "StaffAuditScreen",
    "StaffBannerScreen",
    "StaffDialog",
    "StaffPane",
    "StaffReceiptsScreen",
    "StaffRequestScreen",
    "StaffRequestsScreen",
    "StaffScreen",
    "StaffSupervisorScreen",
    "StatusChangeDialog",
]
