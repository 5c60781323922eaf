"""The qualities and competences a primary pupil is assessed on (Circular 27/2020/TT-BGDĐT
Art. 6 cl. 2(b), naming those of the 2018 general education programme, Circular
32/2018/TT-BGDĐT section II). Pure data, no Django import; the levels are
`rules.circular27.TraitLevel`."""

from __future__ import annotations

#: (code, Vietnamese name, English name): the five main qualities (phẩm chất chủ yếu).
QUALITIES = (
    ("yeu_nuoc", "Yêu nước", "Patriotism"),
    ("nhan_ai", "Nhân ái", "Kindness"),
    ("cham_chi", "Chăm chỉ", "Diligence"),
    ("trung_thuc", "Trung thực", "Honesty"),
    ("trach_nhiem", "Trách nhiệm", "Responsibility"),
)

#: The three general competences (năng lực chung).
GENERAL = (
    ("tu_chu", "Tự chủ và tự học", "Autonomy and self-learning"),
    ("giao_tiep", "Giao tiếp và hợp tác", "Communication and cooperation"),
    ("sang_tao", "Giải quyết vấn đề và sáng tạo", "Problem solving and creativity"),
)

#: The seven specific competences (năng lực đặc thù).
SPECIFIC = (
    ("ngon_ngu", "Ngôn ngữ", "Language"),
    ("tinh_toan", "Tính toán", "Mathematics"),
    ("khoa_hoc", "Khoa học", "Science"),
    ("cong_nghe", "Công nghệ", "Technology"),
    ("tin_hoc", "Tin học", "Informatics"),
    ("tham_mi", "Thẩm mĩ", "Aesthetics"),
    ("the_chat", "Thể chất", "Physical"),
)

GROUPS = (("Phẩm chất chủ yếu", "Main qualities", QUALITIES),
          ("Năng lực chung", "General competences", GENERAL),
          ("Năng lực đặc thù", "Specific competences", SPECIFIC))

ALL = QUALITIES + GENERAL + SPECIFIC
CODES = tuple(code for code, _vi, _en in ALL)
NAME_VI = {code: vi for code, vi, _en in ALL}
NAME_EN = {code: en for code, _vi, en in ALL}
