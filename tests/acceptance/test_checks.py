"""The checks of this suite find what they look for (tests of the helpers in conftest.py,
not of wardstudy): each would fail on a sentence of the old pages."""

from acceptance.reading import leaked_words, vietnamese_runs, wrong_randomisation_p


def test_a_randomisation_p_rounded_up_after_equals_is_wrong_and_the_exact_forms_are_right():
    assert wrong_randomisation_p("p = 5/6 = 0,834; p = 2/6 = 0,334", "vi") == ["p = 5/6 = 0,834", "p = 2/6 = 0,334"]
    assert wrong_randomisation_p("p = 5/6 ≈ 0,833; p = 1/8 = 0,125; p = 1/16 = 0,0625", "vi") == []
    assert wrong_randomisation_p("p = 1/8 ≈ 0,125", "vi") == ["p = 1/8 ≈ 0,125"]     # exact: '=' not '≈'
    assert wrong_randomisation_p("p = 5/6 ≈ 0.833 and p = 1/3 ≈ 0.34", "en") == ["p = 1/3 ≈ 0.34"]


def test_missing_values_ids_and_slugs_are_found_and_dates_and_file_free_prose_are_not():
    assert leaked_words("p = nan; None; category social_order; see duc-xuan-2025 or duc-xuan", {"duc-xuan"}) == [
        "nan", "None", "social_order", "duc-xuan-2025", "duc-xuan"]
    assert leaked_words("01/07/2025 – 31/12/2025; T1/2021 – T6/2025; 2.985 / 3.328; Khuê Trung", {"duc-xuan"}) == []


def test_a_vietnamese_sentence_in_english_is_found_and_names_and_titles_are_not():
    assert vietnamese_runs("The Đức Xuân ward: Không đánh giá tác động cho đơn vị mới.", ["Đức Xuân"])
    assert vietnamese_runs("Nguyễn Thị Minh Khai ward (Báo Bắc Kạn, “Công an phường điển hình, kiểu mẫu”)",
                           ["Nguyễn Thị Minh Khai", "Báo Bắc Kạn"]) == []
