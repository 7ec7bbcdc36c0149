{#-
    dbt's `get_where_subquery` (the relation a data test reads), plus one option for the
    tests of incremental models: `config: {meta: {checks: rows_written_by_this_run}}`.

    In a `dbt build` that writes the tested model, such a test reads only the rows of the
    Parquet files written since the run started (`_metadata.file_modification_time`;
    Spark lists only those files). A daily run then checks the days it wrote, not the
    whole history: the rows of older files were checked by the run that wrote them. A
    full refresh writes every file, so it checks every row. A key that contains the day
    cannot repeat across files of different runs, because a run rewrites whole
    partitions (months), each holding only its own days.

    `dbt test`, a build that does not write the model, and other file formats check every
    row. `written_rows_clock_skew_minutes` (default 0) widens the window for storage whose
    clock lags the driver's; a wider window only checks more rows.
-#}
{% macro get_where_subquery(relation) -%}
    {% set filters = [] %}
    {% if config.get('where') %}{% do filters.append('(' ~ config.get('where') ~ ')') %}{% endif %}
    {% set written = rows_written_by_this_run() %}
    {% if written %}{% do filters.append(written) %}{% endif %}
    {% if filters %}
        {% do return('(select * from ' ~ relation ~ ' where ' ~ filters | join(' and ') ~ ') dbt_subquery') %}
    {% endif %}
    {% do return(relation) %}
{%- endmacro %}


{% macro rows_written_by_this_run() %}
    {% if (config.get('meta') or {}).get('checks') != 'rows_written_by_this_run' %}
        {% do return('') %}
    {% endif %}
    {% set tested = graph.nodes.get(model.get('attached_node')) %}
    {% if flags.WHICH != 'build' or tested is none or tested.unique_id not in selected_resources
        or tested.config.get('file_format') != 'parquet' %}
        {% do return('') %}
    {% endif %}
    {% set since = run_started_at - modules.datetime.timedelta(minutes=var('written_rows_clock_skew_minutes')) %}
    {% do return("_metadata.file_modification_time >= timestamp '" ~ since.strftime('%Y-%m-%d %H:%M:%S') ~ "+00:00'") %}
{% endmacro %}
