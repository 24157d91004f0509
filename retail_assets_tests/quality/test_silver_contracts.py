"""Silver outputs carry their pandera contract as Dagster type; breaches fail with the checks listed."""

import pandas as pd
from dagster import check_dagster_type

from retail_assets.assets.silver import silver_assets
from retail_assets.ingestion.readers import read_source, to_bronze_columns
from retail_assets.ingestion.cleaning import clean_batch
from retail_assets.landing.profiles import match_file
from retail_assets.quality.silver_schemas import SILVER_SCHEMAS


def _silver_type(entity):
    [asset] = [a for a in silver_assets if a.key.path == ["silver", entity]]
    return asset.op.outs["result"].dagster_type


def _clean_sales(online_retail):
    path = online_retail / "2010-12-01.csv"
    m = match_file(path.name)
    bronze = to_bronze_columns(read_source(path.read_bytes(), m.profile), m.profile)
    bronze = bronze.assign(_source_file=path.name, _file_sha256="f" * 64, _profile=m.profile.name,
                           _row_number=range(1, len(bronze) + 1), _partition_date=m.partition_key,
                           _ingested_at=pd.Timestamp("2010-12-01 23:00"))
    return clean_batch(bronze, "sales_lines").clean


def test_every_silver_asset_has_its_pandera_type():
    for entity, model in SILVER_SCHEMAS.items():
        dagster_type = _silver_type(entity)
        assert dagster_type.display_name == model.Config.name
        assert "schema" in dagster_type.metadata  # the column contract shows on the asset page


def test_clean_output_passes_and_breaches_fail_with_checks_listed(online_retail):
    dagster_type = _silver_type("sales_lines")
    clean = _clean_sales(online_retail)
    assert check_dagster_type(dagster_type, clean).success

    duplicated = pd.concat([clean, clean.head(3)], ignore_index=True)
    result = check_dagster_type(dagster_type, duplicated)
    assert not result.success
    # The failing checks are listed in the type check the UI shows on the failed step.
    assert "multiple_fields_uniqueness" in result.description and "536365" in result.description

    wrong_columns = clean.assign(unexpected_column="x")
    result = check_dagster_type(dagster_type, wrong_columns)
    assert not result.success and "unexpected_column" in result.description

    broken_sign = clean.copy()
    broken_sign.loc[broken_sign.index[0], "quantity"] = -5  # negative but not a cancellation
    result = check_dagster_type(dagster_type, broken_sign)
    assert not result.success and "cancellations_are_negative" in result.description


def test_an_empty_window_still_meets_every_contract():
    """A day without a file for an entity yields an empty silver frame with the right dtypes."""
    from retail_assets.entities import BRONZE_META, ENTITIES

    for entity in ENTITIES.values():
        bronze = pd.DataFrame({c: pd.Series(dtype=object) for c in entity.column_names + BRONZE_META})
        clean = clean_batch(bronze, entity.name).clean
        assert clean.empty
        result = check_dagster_type(_silver_type(entity.name), clean)
        assert result.success, (entity.name, result.description)
