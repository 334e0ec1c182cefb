from kiosk.forms.address import format_address, parse_address, provinces, ward_name, wards


def test_two_level_units_after_the_2025_merger() -> None:
    assert len(provinces()) == 34
    hanoi = wards(1)
    assert hanoi and all(ward_name(1, w.code) == w.name for w in hanoi)
    assert wards(2) == ()  # Hà Giang merged into Tuyên Quang: no longer a province


def test_chip_residence_line_is_matched_to_current_units() -> None:
    parsed = parse_address("Số 1 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội")
    assert parsed is not None
    assert parsed["province_code"] == 1 and parsed["street"] == "Số 1 Hàng Bạc"
    assert parsed["ward_code"] is not None
    assert format_address(parsed) == "Số 1 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"


def test_old_pre_reform_address_is_left_for_the_citizen_to_pick() -> None:
    assert parse_address("Thôn 1, Xã Cũ, Huyện Cũ, Tỉnh Hà Giang") is None
    assert parse_address("") is None
