"""The package's file names: ASCII-folded kommun, period and version; headers with the exact name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from api.packages import naming


def test_ascii_fold_keeps_letters_and_joins_words_with_hyphens() -> None:
    assert naming.ascii_fold("Örebro") == "Orebro"
    assert naming.ascii_fold("Upplands Väsby") == "Upplands-Vasby"
    assert naming.ascii_fold("Håbo") == "Habo"
    assert naming.ascii_fold("Malmö stad / Öst") == "Malmo-stad-Ost"
    assert naming.ascii_fold("Strauß Ærø") == "Strauss-AEro"
    assert naming.ascii_fold("åäö") == "aao"
    assert naming.ascii_fold("???") == "kommun"  # never an empty part in a file name


def test_file_stem_names_kommun_period_and_version() -> None:
    assert naming.file_stem(kommun_name="Örebro", period="2026-Q3", version=1) == "Lagesbild_Orebro_2026-Q3_v1"
    assert (naming.file_stem(kommun_name="Upplands Väsby", period="2026-T2", version=12)
            == "Lagesbild_Upplands-Vasby_2026-T2_v12")


def test_content_disposition_has_the_ascii_and_the_exact_name() -> None:
    header = naming.content_disposition("Lagesbild_Orebro_2026-Q3_v1.zip", exact="Lägesbild_Örebro_2026-Q3_v1.zip")
    # ä is C3 A4 and Ö is C3 96 in UTF-8 (RFC 5987 percent-encoding).
    assert header == ('attachment; filename="Lagesbild_Orebro_2026-Q3_v1.zip"; '
                      "filename*=UTF-8''L%C3%A4gesbild_%C3%96rebro_2026-Q3_v1.zip")


def test_zip_time_is_the_local_wall_clock() -> None:
    moment = datetime(2026, 10, 25, 1, 30, 5, tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Europe/Stockholm"))
    # 2026-10-25 01:30 UTC: summer time ended at 01:00 UTC, so Stockholm shows 02:30 (CET).
    assert naming.zip_time(moment) == (2026, 10, 25, 2, 30, 5)
