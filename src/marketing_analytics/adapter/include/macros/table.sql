{#
    The table materialization of sparkoss: build, then swap.

    dbt-spark drops a Parquet table and then runs CREATE TABLE AS SELECT, so
    for the whole build (seconds to minutes) a BI reader finds no table, and
    a run killed in between leaves the mart missing. Here the model is built
    into `<name>__dbt_tmp` (SQL: CREATE TABLE AS SELECT; Python: saveAsTable
    through py_write_table), and only when that succeeded does the swap run:

        alter table <name> rename to <name>__dbt_backup
        alter table <name>__dbt_tmp rename to <name>
        drop table <name>__dbt_backup

    A reader sees the old table until the first rename and the new one after
    the second: the only window without the table is between the two renames
    (a metastore call and a directory move; Spark has no atomic swap of two
    Parquet tables). Short, but not negligible: with four threads swapping at
    once, a SIGKILL in the kill test caught two tables there (docs/benchmarks.md).
    A run killed before the swap leaves the old table in place; one killed
    between the renames leaves `<name>__dbt_backup` (the old data) until the
    next run rebuilds the table.

    Leftovers of a killed run are dropped first; a build killed mid-write can
    leave files without a table under the tmp location, which Spark's CTAS
    refuses by default: spark.sql.legacy.allowNonEmptyLocationInCTAS lets the
    CTAS overwrite them. Delta and Iceberg tables keep dbt-spark's
    `create or replace table` (atomic in those formats).
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
    {%- set backup_relation = api.Relation.create(
        identifier=identifier ~ '__dbt_backup', schema=schema, database=database, type='table') -%}

    {%- set in_place = old_relation is not none and (
        (old_relation.is_delta and file_format == 'delta')
        or (old_relation.is_iceberg and file_format == 'iceberg')) -%}

    {{ run_hooks(pre_hooks) }}

    {% if in_place %}
        {%- call statement('main', language=language) -%}
            {{ create_table_as(False, target_relation, compiled_code, language) }}
        {%- endcall -%}
    {% else %}
        {#- Tmp tables of earlier runs that were killed before their swap. -#}
        {% set leftovers = run_query("show tables in " ~ schema ~ " like '" ~ tmp_prefix ~ "_*'") %}
        {% for row in leftovers %}
            {% do adapter.drop_relation(api.Relation.create(
                identifier=row['tableName'], schema=schema, database=database, type='table')) %}
        {% endfor %}
        {% do adapter.drop_relation(backup_relation) %}
        {% call statement('allow_stale_tmp_location', auto_begin=False) -%}
            set spark.sql.legacy.allowNonEmptyLocationInCTAS=true
        {%- endcall %}

        {%- call statement('main', language=language) -%}
            {{ create_table_as(False, tmp_relation, compiled_code, language) }}
        {%- endcall -%}

        {% if old_relation is not none and old_relation.type == 'view' %}
            {# A view becomes a table: no data to keep, drop it just before the rename. #}
            {% do adapter.drop_relation(old_relation) %}
            {% set old_relation = none %}
        {% endif %}
        {% if old_relation is not none %}
            {% do adapter.rename_relation(target_relation, backup_relation) %}
        {% endif %}
        {% do adapter.rename_relation(tmp_relation, target_relation) %}
        {% if old_relation is not none %}
            {% do adapter.drop_relation(backup_relation) %}
        {% endif %}
    {% endif %}

    {% set should_revoke = should_revoke(old_relation, full_refresh_mode=True) %}
    {% do apply_grants(target_relation, grant_config, should_revoke) %}

    {% do persist_docs(target_relation, model) %}

    {% do persist_constraints(target_relation, model) %}

    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
