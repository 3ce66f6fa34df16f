import pytest

from posyandu.wilayah.codes import ancestors_of, dotted, is_kelurahan, is_kota, level_of, undotted


@pytest.mark.parametrize(
    ("kode", "level"),
    [
        ("14", "provinsi"),
        ("14.71", "kabkota"),
        ("14.71.01", "kecamatan"),
        ("14.71.01.1001", "desa"),
    ],
)
def test_level_by_code_length(kode, level):
    assert level_of(kode) == level


@pytest.mark.parametrize("bad", ["1", "14.7", "14.71.1", "14.71.01.101", "1471", "aa.71", ""])
def test_malformed_codes_are_rejected_with_the_format(bad):
    with pytest.raises(ValueError, match="PP.KK.CC.DDDD"):
        level_of(bad)


def test_code_helpers():
    assert ancestors_of("17.05.03.2004") == ["17", "17.05", "17.05.03", "17.05.03.2004"]
    assert undotted("14.71.01.1001") == "1471011001"
    assert dotted("1471011001") == "14.71.01.1001"
    assert dotted("1705") == "17.05"
    assert is_kelurahan("14.71.01.1001") and not is_kelurahan("17.05.03.2004")
    assert is_kota("14.71") and not is_kota("17.05")
