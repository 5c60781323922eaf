"""The eight systems of the platform, for the home page. Status is honest: only what is
built links anywhere."""

from django.utils.translation import gettext_lazy as _

SYSTEMS = [
    {
        "name_vi": "Nền tảng cửa khẩu số",
        "name_en": "Digital border gate",
        "summary": _(
            "Declare trucks and goods before departure, book a slot, check in by plate camera, "
            "one-stop clearance, and a live public queue."
        ),
        "url_name": "border:status",
        "built": True,
    },
    {
        "name_vi": "Cửa hàng số và thanh toán điện tử",
        "name_en": "Digital stores and e-payment",
        "summary": _("Online stores for farm households with QR bank payment."),
        "built": False,
    },
    {
        "name_vi": "Dịch vụ công, một cửa điện tử",
        "name_en": "One-stop public services",
        "summary": _("Submit and track administrative procedures online."),
        "built": False,
    },
    {
        "name_vi": "Trung tâm giám sát, điều hành (IOC)",
        "name_en": "Provincial operations dashboard",
        "summary": _("Key figures of the province for its leaders, live."),
        "built": False,
    },
    {
        "name_vi": "Quản lý văn bản và điều hành",
        "name_en": "Official documents",
        "summary": _("Incoming and outgoing documents exchanged between agencies."),
        "built": False,
    },
    {
        "name_vi": "Hội nghị trực tuyến",
        "name_en": "Online meetings",
        "summary": _("Video conferences across 213 points in the province."),
        "url_name": "meetings:schedule",
        "built": True,
    },
    {
        "name_vi": "Sổ điểm điện tử",
        "name_en": "School records and e-gradebook",
        "summary": _("Grades and records for 675 schools, for teachers and parents."),
        "built": False,
    },
    {
        "name_vi": "Khởi nghiệp đổi mới sáng tạo",
        "name_en": "Innovation and startups",
        "summary": _("Startups and cooperatives, calls with fair judging, OCOP products."),
        "url_name": "innovation:home",
        "built": True,
    },
]
