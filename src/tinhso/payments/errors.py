from enum import StrEnum

from tinhso.core.errors import coded_error


class PaymentError(StrEnum):
    NO_RATE = "payments.no_rate"
    NO_PAYEE = "payments.no_payee"
    NOT_UNPAID = "payments.not_unpaid"
    WRONG_AMOUNT = "payments.wrong_amount"
    BAD_AMOUNT = "payments.amount"
    BAD_SIGNATURE = "payments.webhook_signature"
    STALE = "payments.webhook_stale"
    NOT_CONFIGURED = "payments.webhook_not_configured"
    UNKNOWN_PROVIDER = "payments.webhook_provider"
    MALFORMED = "payments.webhook_malformed"
    INVALID = "payments.webhook_invalid"


MESSAGES = {
    PaymentError.NO_RATE: (
        "Chưa có mức phí áp dụng cho loại xe {vehicle}, hàng {goods}, chiều {direction}.",
        "No fee rate applies to vehicle {vehicle}, goods {goods}, direction {direction}.", 422),
    PaymentError.NO_PAYEE: (
        "Chưa cấu hình tài khoản thu phí.", "No fee-receiving account is configured.", 500),
    PaymentError.NOT_UNPAID: (
        "Hóa đơn {reference} đang ở trạng thái “{status}”, không thể xác nhận thu tiền.",
        "Invoice {reference} is “{status}”: a payment cannot be confirmed.", 409),
    PaymentError.WRONG_AMOUNT: (
        "Số tiền thu {amount} khác số tiền hóa đơn {expected}.",
        "The amount received {amount} differs from the invoice amount {expected}.", 422),
    PaymentError.BAD_AMOUNT: (
        "Số tiền phải là số nguyên dương (đồng).",
        "The amount must be a positive whole number of đồng.", 422),
    PaymentError.BAD_SIGNATURE: (
        "Chữ ký thông báo không hợp lệ.", "Invalid notification signature.", 401),
    PaymentError.STALE: (
        "Thông báo quá cũ hoặc sai thời gian (quá {seconds} giây).",
        "Notification timestamp is outside the {seconds}-second window.", 401),
    PaymentError.NOT_CONFIGURED: (
        "Chưa cấu hình khóa bí mật cho ngân hàng “{provider}”.",
        "No shared secret is configured for bank “{provider}”.", 401),
    PaymentError.UNKNOWN_PROVIDER: (
        "Không có kênh thông báo ngân hàng “{provider}”.",
        "No bank notification provider “{provider}”.", 404),
    PaymentError.MALFORMED: (
        "Nội dung thông báo không phải JSON hợp lệ.", "The notification is not valid JSON.", 400),
    PaymentError.INVALID: (
        "Trường “{field_name}” của thông báo thiếu hoặc sai.",
        "Notification field “{field_name}” is missing or invalid.", 422),
}

payment_error = coded_error(MESSAGES)
