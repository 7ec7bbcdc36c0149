{#
    The table materialization of sparkoss: build, then swap.

    dbt-spark drops a Parquet table and then runs CREATE TABLE AS SELECT, so
    for the whole build (seconds to minutes) a BI reader finds no table, and
    a run killed in between leaves the mart missing. Here the model is built
    into `<name>__dbt_tmp_<run>` (SQL: CREATE TABLE AS SELECT; Python:
    saveAsTable through py_write_table), and only when that succeeded does the
    swap run (macros/table_swap.sql):

        alter table <name>__dbt_tmp_<run> set location '<the old files>'
        alter table <name> set location '<the new table's files>'
        drop table <name>__dbt_tmp_<run>          -- deletes the old files

    The second statement is the swap, one metastore call: a reader sees the
    old version or the new one and never a missing table, so a run killed
    anywhere leaves every table readable, whatever the number of threads. A
    table that lived at `<name>/` now lives at `<name>__dbt_tmp_<run>/`
    (WarehouseFiles finds it). Leftovers of a killed run are dropped first; a
    kill between the first two statements leaves a tmp table that shares the
    target's files, so it is pointed back at its own folder before the drop.

    SET LOCATION cannot change a table's columns, provider or partitioning:
    when those changed (the model was edited) or the table is partitioned (its
    partitions keep their own locations), the old table is dropped and the new
    one renamed into place, the one case a reader can miss the table for a
    metastore call. A first build (no table, no leftovers) writes straight
    into place: CTAS registers the table only once its files are written, so
    there is no reader to protect, and it saves a listing and a rename per
    model. A build killed mid-write can leave files without a table under its
    location, which Spark's CTAS refuses by default:
    spark.sql.legacy.allowNonEmptyLocationInCTAS lets the CTAS overwrite them.
    Delta and Iceberg tables keep dbt-spark's `create or replace table`
    (atomic in those formats).
#}
{% materialization table, adapter='sparkoss', supported_languages=['sql', 'python'] %}
    {%- set language = model['language'] -%}
    {%- set identifier = model['alias'] -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set file_format = config.get('file_format', 'parquet') -%}

    {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
    {%- set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type='table') -%}
    {#- A name of this run's own: a run killed while writing leaves its folder
        behind, and a managed table cannot be created over an existing folder. -#}
    {%- set tmp_prefix = identifier ~ '__dbt_tmp' -%}
    {%- set tmp_relation = api.Relation.create(
        identifier=tmp_prefix ~ '_' ~ invocation_id[:8], schema=schema, database=database,
        type='table') -%}
    {%- set in_place = old_relation is not none and (
        (old_relation.is_delta and file_format == 'delta')
        or (old_relation.is_iceberg and file_format == 'iceberg')) -%}

    {{ run_hooks(pre_hooks) }}

    {%- set first_build = not in_place and old_relation is none
        and adapter.nothing_to_replace(target_relation, tmp_prefix) -%}

    {% if in_place or first_build %}
        {% if first_build %}
            {% do sparkoss__allow_non_empty_ctas_location() %}
        {% endif %}
        {%- call statement('main', language=language) -%}
            {{ create_table_as(False, target_relation, compiled_code, language) }}
        {%- endcall -%}
    {% else %}
        {#- The target and the tmp tables of earlier runs killed before or inside
            their swap (and a backup left by the rename swap of earlier versions). -#}
        {%- set found = sparkoss__tables_information(
            schema, identifier ~ '|' ~ tmp_prefix ~ '_*|' ~ identifier ~ '__dbt_backup') -%}
        {%- set target_location = (found.get(identifier) or {}).get('location') -%}
        {% for name, table in found.items() if name != identifier %}
            {% do sparkoss__drop_leftover(
                api.Relation.create(identifier=name, schema=schema, database=database, type='table'),
                table['location'], target_location) %}
        {% endfor %}
        {% do sparkoss__allow_non_empty_ctas_location() %}

        {%- call statement('main', language=language) -%}
            {{ create_table_as(False, tmp_relation, compiled_code, language) }}
        {%- endcall -%}

        {% if old_relation is not none and old_relation.type == 'view' %}
            {# A view becomes a table: no data to keep, drop it just before the rename. #}
            {% do adapter.drop_relation(old_relation) %}
            {% set old_relation = none %}
        {% endif %}
        {%- set old = found.get(identifier) if old_relation is not none else none -%}
        {%- set new = sparkoss__tables_information(schema, tmp_relation.identifier)
            .get(tmp_relation.identifier) if old is not none else none -%}
        {% if old is not none and new is not none and not old['partitioned']
                and old['shape'] == new['shape'] %}
            {% do sparkoss__swap_locations(
                target_relation, tmp_relation, old['location'], new['location']) %}
        {% else %}
            {% if old_relation is not none %}
                {% do adapter.drop_relation(target_relation) %}
            {% endif %}
            {% do adapter.rename_relation(tmp_relation, target_relation) %}
        {% endif %}
    {% endif %}

    {% set should_revoke = should_revoke(old_relation, full_refresh_mode=True) %}
    {% do apply_grants(target_relation, grant_config, should_revoke) %}

    {% do persist_docs(target_relation, model) %}

    {% do persist_constraints(target_relation, model) %}

    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Lets CTAS write over files a killed build left without a table; skipped when
    the profile already sets it for every session (a statement per model saved). -#}
{% macro sparkoss__allow_non_empty_ctas_location() %}
    {% if adapter.server_side_parameter('spark.sql.legacy.allowNonEmptyLocationInCTAS') != 'true' %}
        {% call statement('allow_non_empty_ctas_location', auto_begin=False) -%}
            set spark.sql.legacy.allowNonEmptyLocationInCTAS=true
        {%- endcall %}
    {% endif %}
{% endmacro %}
