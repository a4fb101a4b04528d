"""The typed parsers every view reads its input through (survey/params.py), and the 400 page they give."""
from __future__ import annotations

from datetime import date

import pytest

from survey import params
from survey.params import BadParameter


@pytest.mark.parametrize("raw", ["²", "٣", "１", "1²", " 1", "1 ", "+1", "1.0", "1e3", "0x10", "1_000", "\x001",
                                 str(2**63), str(2**64 + 1), "9" * 5000, "--1", "-"])
def test_integer_refuses_what_int_would_take_or_choke_on(raw):
    with pytest.raises(BadParameter):
        params.integer(raw, "Số")


def test_integer_bounds_default_and_sign():
    assert params.integer("-5", "Số", -10, 10) == -5
    assert params.integer(str(2**63 - 1), "Số") == 2**63 - 1
    assert params.integer(None, "Số", default=3) == 3 and params.integer("", "Số", default=3) == 3
    with pytest.raises(BadParameter, match="từ 1 đến 500"):
        params.integer("501", "Số mã", 1, 500)


@pytest.mark.parametrize("raw", ["0", "-1", "٣", "²", str(2**31), str(2**64 + 1), "1\x00", "abc"])
def test_identifier_is_positive_ascii_and_within_its_column(raw):
    with pytest.raises(BadParameter):
        params.identifier(raw, "Quầy")


def test_identifier_of_a_bigint_column_and_lists():
    assert params.identifier(str(2**40), "Phiếu", hi=params.INT64_MAX) == 2**40
    assert params.identifier("", "Quầy") is None
    assert params.identifiers(["3", "", "5"], "Thủ tục") == [3, 5]
    with pytest.raises(BadParameter):
        params.identifiers(["3", "²"], "Thủ tục")


@pytest.mark.parametrize("raw", ["9999-12-31", "0000-00-00", "1999-12-31", "2101-01-01", "2024-02-30",
                                 "20240101", "2024-W01", "2024-01-01T00:00", "٢٠٢٤-٠١-٠١", "2024-1-1", "\x00"])
def test_day_is_iso_and_bounded(raw):
    with pytest.raises(BadParameter, match="2000-01-01 đến 2100-12-31"):
        params.day(raw, "Từ ngày")


def test_day_reads_iso_dates_and_absence():
    assert params.day("2024-02-29", "Từ ngày") == date(2024, 2, 29)
    assert params.day("2100-12-31", "Đến ngày") == date(2100, 12, 31)
    assert params.day(None, "Từ ngày") is None and params.day("", "Từ ngày") is None


def test_choice_flag_page_and_text():
    assert params.choice("month", "Kỳ", ("month", "year"), "year") == "month"
    assert params.choice("", "Kỳ", ("month", "year"), "year") == "year"
    with pytest.raises(BadParameter):
        params.choice("week", "Kỳ", ("month", "year"))
    assert params.flag("1", "Cờ") and params.flag("on", "Cờ") and not params.flag(None, "Cờ")
    assert not params.flag("0", "Cờ")
    with pytest.raises(BadParameter):
        params.flag("2", "Cờ")
    assert params.page(None) == 1 and params.page("7") == 7
    for raw in ("0", "-1", "²", str(2**64 + 1), str(params.PAGE_MAX + 1)):
        with pytest.raises(BadParameter):
            params.page(raw)
    assert params.text(" Quầy\x00 số\x0b 1 ", "Tên", 20) == "Quầy số 1"
    with pytest.raises(BadParameter, match="dài quá 20 ký tự"):
        params.text("x" * 21, "Tên", 20)


def test_whole_number_for_forms_that_list_errors_per_field():
    assert params.whole_number("12") == 12
    assert params.whole_number("²") is None and params.whole_number("٣") is None
    assert params.whole_number("9" * 5000) is None and params.whole_number("123", max_digits=2) is None


def test_url_ids_past_their_column_and_unicode_digits_are_404(client):
    for path in ("/staff/plans/2147483648", "/staff/plans/18446744073709551617", "/staff/plans/%D9%A3",
                 "/staff/plans/%EF%BC%91", "/s/%00", "/cong-khai/a%00b", "/s/" + "x" * 201):
        assert client.get(path).status_code == 404, path
    assert client.get("/staff/plans/2147483647").status_code == 302  # in range: the login check answers


def test_a_bad_parameter_is_a_400_page_with_its_message_in_both_languages(app, client, demo):
    page = client.get(f"/cong-khai/{demo.unit_code}?nam=²")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Năm phải là số nguyên từ 2000 đến 2100." in html and "Mã lỗi" in html
    english = client.get(f"/cong-khai/{demo.unit_code}?nam=9999&lang=en").get_data(as_text=True)
    assert "Year must be a whole number from 2000 to 2100." in english
