{#
    Register raw files as external tables so that staging reads them with
    `source()`. Driven by the sources' YAML: a source whose `meta.register`
    is set gets one table per YAML table, with the YAML columns.

    meta.register keys:
      path_var      var holding the folder of the files (one sub-folder per table)
      format_var    var holding csv|parquet (default csv)
      dataset       for public datasets: key of var('public_data') holding the folder
      optional      true: with no folder, create an empty table (e.g. truth)
    table meta: `file` (path below the folder; default the table name),
    `csv_options` (extra Spark CSV reader options).

    A run, build, test, seed or snapshot registers only the sources its
    selected nodes read (through ephemeral models and views too): each table costs a
    drop, a one-line read and a create, ~10 s for all of them, which a
    one-model run would pay for nothing. Other commands register them all.

    CSV columns are all read as strings (staging casts them and rejects what
    does not parse) plus `_corrupt_record`, which holds lines Spark could not
    split into the declared columns. The header must name the declared columns
    in order (enforceSchema=false): a missing, extra or renamed column fails
    with Spark's message naming it. A relative folder is taken from the dbt
    process's working directory (Spark would resolve it inside the warehouse).
#}
{% macro register_raw_tables() %}
    {#- `dbt docs generate` documents the warehouse a build registered: it re-registers
        only a warehouse without raw tables (it saves the ~10 s of this hook). -#}
    {% if execute and flags.WHICH == 'generate' and adapter.check_schema_exists(none, 'raw') %}
        {{ log('register_raw_tables: raw tables already registered, kept for docs generate', info=True) }}
    {% elif execute %}
        {% set public_data = var('public_data', {}) %}
        {% set needed = sources_read_by_selection() %}
        {% set registerable, registered = [], [] %}
        {% for node in graph.sources.values() | sort(attribute='unique_id') %}
            {% set register = node.source_meta.get('register') %}
            {% if register %}
                {% do registerable.append(node.unique_id) %}
            {% endif %}
            {% if register and (needed is none or node.unique_id in needed) %}
                {% set folder = none %}
                {% if register.get('dataset') %}
                    {% set folder = public_data.get(register.dataset) %}
                {% elif register.get('path_var') %}
                    {% set folder = var(register.path_var, '') %}
                {% endif %}
                {% set file_format = var(register.format_var, 'csv') if register.get('format_var') else 'csv' %}
                {% if folder %}
                    {% set location = validated_path(folder ~ '/' ~ node.meta.get('file', node.name)) %}
                    {% set location = validated_path(adapter.absolute_path(location)) %}
                    {% do register_raw_table(node, location, validated_identifier(file_format)) %}
                    {% do registered.append(node.unique_id) %}
                {% elif register.get('optional') %}
                    {% do register_raw_table(node, none, 'parquet') %}
                    {% do registered.append(node.unique_id) %}
                {% endif %}
            {% endif %}
        {% endfor %}
        {% if needed is not none %}
            {{ log('register_raw_tables: ' ~ registered | length ~ ' of ' ~ registerable | length
                   ~ ' source tables registered, the ones the selection reads', info=True) }}
        {% endif %}
    {% endif %}
{% endmacro %}


{#- The sources the selected nodes read, as a dict used as a set; none (every source)
    for commands without a node selection (run-operation, docs generate, show). -#}
{% macro sources_read_by_selection() %}
    {% if flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot') %}
        {{ return(none) }}
    {% endif %}
    {% set found = {} %}
    {% for unique_id in selected_resources %}
        {% do add_sources_read_by(unique_id, found) %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}


{% macro add_sources_read_by(unique_id, found) %}
    {% set node = graph.nodes.get(unique_id) %}
    {% for dependency in (node.depends_on.nodes if node else []) %}
        {% if dependency.startswith('source.') %}
            {% do found.update({dependency: true}) %}
        {#- An ephemeral model or a view reads its sources when the selected node runs. -#}
        {% elif graph.nodes.get(dependency, {}).get('config', {}).get('materialized') in ('ephemeral', 'view') %}
            {% do add_sources_read_by(dependency, found) %}
        {% endif %}
    {% endfor %}
{% endmacro %}


{% macro register_raw_table(node, location, file_format) %}
    {% set relation = validated_identifier(node.schema) ~ '.' ~ validated_identifier(node.identifier) %}
    {# `create schema if not exists` on an existing schema makes the Hive metastore log an
       AlreadyExistsException with its stack trace: create only the missing ones. #}
    {% if not adapter.check_schema_exists(node.database, node.schema) %}
        {% do run_query('create schema ' ~ validated_identifier(node.schema)) %}
    {% endif %}
    {% do run_query('drop table if exists ' ~ relation) %}
    {% if location is not none %}
        {#
            Spark reads a table over a missing folder as an empty table: a
            missing table folder would lose the table silently. Reading one
            line of it first fails the run with [PATH_NOT_FOUND] naming the path.
        #}
        {% do run_query(
            'select 1 from ' ~ ('text' if file_format == 'csv' else file_format)
            ~ '.`' ~ location ~ '` limit 1') %}
    {% endif %}
    {% if location is none %}
        {# No files: an empty table with the contract's types. #}
        {% set ddl %}
            create table {{ relation }} ({{ raw_column_list(node, typed=true) }}) using parquet
        {% endset %}
    {% elif file_format == 'csv' %}
        {% set options = {
            'path': location,
            'header': 'true',
            'enforceSchema': 'false',
            'mode': 'PERMISSIVE',
            'columnNameOfCorruptRecord': '_corrupt_record',
            'multiLine': 'false',
            'encoding': 'UTF-8',
        } %}
        {% do options.update(node.meta.get('csv_options', {})) %}
        {% set ddl %}
            create table {{ relation }} ({{ raw_column_list(node, typed=false) }}, _corrupt_record string)
            using csv
            options (
                {%- for key, value in options.items() %}
                {{ key }} '{{ value | replace("'", "\\'") }}'{{ ',' if not loop.last }}
                {%- endfor %}
            )
        {% endset %}
    {% else %}
        {% set ddl %}
            create table {{ relation }} using {{ file_format }} options (path '{{ location }}')
        {% endset %}
    {% endif %}
    {% do run_query(ddl) %}
    {{ log('registered ' ~ relation ~ ' <- ' ~ (location or 'empty'), info=false) }}
{% endmacro %}


{% macro raw_column_list(node, typed) %}
    {%- for column in node.columns.values() -%}
        `{{ column.name }}` {{ (column.data_type or 'string') if typed else 'string' }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{% endmacro %}
