"""Labels and the Excel workbook of the Decision 766 statistics (Vietnamese first)."""

from __future__ import annotations

import io

GROUP_LABELS_VI = {
    "publicity": "Công khai, minh bạch",
    "timeliness": "Tiến độ giải quyết",
    "online": "Dịch vụ trực tuyến",
    "payment": "Thanh toán trực tuyến",
    "satisfaction": "Mức độ hài lòng",
    "digitisation": "Số hóa hồ sơ, kết quả",
}
INDICATOR_LABELS_VI = {
    "synced": "Thay đổi trạng thái đã đồng bộ lên Cổng DVC quốc gia",
    "resolved_on_time": "Giải quyết trước và đúng hạn",
    "open_not_overdue": "Đang giải quyết trong hạn",
    "received_online": "Hồ sơ tiếp nhận trực tuyến",
    "paid_online": "Hồ sơ có phí được thanh toán trực tuyến",
    "satisfaction": "Điểm hài lòng bình quân",
    "papers_digitised": "Hồ sơ được số hóa thành phần",
    "results_digitised": "Kết quả cấp dưới dạng điện tử",
}
DIMENSION_LABELS_VI = {"agency": "Theo cơ quan", "field": "Theo lĩnh vực",
                       "procedure": "Theo thủ tục", "month": "Theo tháng"}

#: (count key, Vietnamese column heading) of the tables and the workbook.
COLUMNS = (
    ("received", "Tiếp nhận"),
    ("received_online", "Trực tuyến"),
    ("received_desk", "Trực tiếp"),
    ("resolved_on_time", "Giải quyết đúng hạn"),
    ("resolved_late", "Giải quyết quá hạn"),
    ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("supplemented", "Yêu cầu bổ sung"),
    ("refused", "Từ chối"),
    ("withdrawn", "Rút hồ sơ"),
    ("online_payment_share", "Tỷ lệ thanh toán trực tuyến"),
    ("satisfaction", "Điểm hài lòng"),
    ("total", "Điểm Bộ chỉ số (100)"),
)


def row_label(row: dict, by: str) -> str:
    if by == "agency":
        return f"{row['agency__name']} ({row['agency__code']})"
    if by == "field":
        return row["procedure__field"]
    if by == "procedure":
        return f"{row['procedure__code']} {row['procedure__name']}"
    if by == "month":
        return f"{row['month']:%m/%Y}" if row.get("month") else ""
    return "Toàn tỉnh"


def workbook(period_label: str, total: dict | None, tables: dict[str, list[dict]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Bo chi so 766"
    sheet.append([f"Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) — "
                  f"{period_label}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Nhóm chỉ số", "Điểm tối đa", "Điểm đạt", "Chỉ số thành phần", "Tỷ lệ",
                  "Tử số", "Mẫu số"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    if total:
        for group in total["index"]["groups"]:
            for indicator in group["indicators"]:
                sheet.append([GROUP_LABELS_VI[group["key"]], group["max"], group["points"],
                              INDICATOR_LABELS_VI[indicator["key"]], indicator["share"],
                              indicator["numerator"], indicator["denominator"]])
        sheet.append(["Tổng điểm", 100, total["total"]])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["D"].width = 50
    for by, rows in tables.items():
        part = book.create_sheet(DIMENSION_LABELS_VI[by])
        part.append(["", *[label for _key, label in COLUMNS]])
        for cell in part[1]:
            cell.font = Font(bold=True)
        for row in rows:
            part.append([row_label(row, by), *[row.get(key) for key, _l in COLUMNS]])
        part.column_dimensions["A"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
