from enum import StrEnum

from tinhso.core.errors import coded_error


class BorderError(StrEnum):
    NOT_ALLOWED_IN_STATE = "border.state"
    SLOT_FULL = "border.slot_full"
    SLOT_PAST = "border.slot_past"
    GATE_CLOSED = "border.gate_closed"
    UNKNOWN_CAMERA = "border.camera"
    CAMERA_NOT_YOURS = "border.camera_owner"
    NOT_REQUIRED_AGENCY = "border.agency"
    UNKNOWN_VERDICT = "border.verdict"
    EVENT_ALREADY_HANDLED = "border.event_handled"


MESSAGES = {
    BorderError.NOT_ALLOWED_IN_STATE: (
        "Không thể {action_vi} khi tờ khai đang ở trạng thái “{state}”.",
        "Cannot {action_en} while the declaration is “{state}”.", 409),
    BorderError.SLOT_FULL: (
        "Khung giờ đã đủ chỗ. Xem các khung giờ trống gần nhất.",
        "This slot is full. See the nearest free slots.", 409),
    BorderError.SLOT_PAST: (
        "Khung giờ {hour} đã qua. Chọn khung giờ hiện tại hoặc sau đó.",
        "The {hour} slot has passed. Choose the current hour or a later one.", 422),
    BorderError.GATE_CLOSED: (
        "Cửa khẩu không làm việc vào giờ này ({opens}–{closes}).",
        "The gate is closed at that hour ({opens}–{closes}).", 422),
    BorderError.UNKNOWN_CAMERA: ("Không có camera mã “{code}”.", "No camera “{code}”.", 404),
    BorderError.CAMERA_NOT_YOURS: (
        "Khóa API này không được gửi sự kiện cho camera “{code}”.",
        "This API key may not send events for camera “{code}”.", 403),
    BorderError.NOT_REQUIRED_AGENCY: (
        "Lô hàng này không cần {agency} kiểm tra.",
        "This load does not need {agency}.", 409),
    BorderError.UNKNOWN_VERDICT: (
        "Kết quả kiểm tra “{verdict}” không hợp lệ: chọn đạt, tạm giữ hoặc từ chối.",
        "“{verdict}” is not a verdict: choose pass, hold or reject.", 422),
    BorderError.EVENT_ALREADY_HANDLED: (
        "Sự kiện này đã được xử lý.", "This event has already been handled.", 409),
}

border_error = coded_error(MESSAGES)
