"""Textual screens of Tawasul Kiosk."""

from screens.staff_audit import StaffAuditScreen as StaffAuditScreen
from screens.staff_banner import StaffBannerScreen as StaffBannerScreen
from screens.staff_note import InternalNoteDialog as InternalNoteDialog
from screens.staff_request import StaffRequestScreen as StaffRequestScreen
from screens.staff_requests import StaffRequestsScreen as StaffRequestsScreen
from screens.staff_status_change import StatusChangeDialog as StatusChangeDialog
from screens.staff_supervisor import StaffSupervisorScreen as StaffSupervisorScreen
