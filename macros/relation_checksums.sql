{#
    Audit of what a run left behind: for every table of the given schemas, its
    row count and an order-independent checksum of its rows (the sum of a
    64-bit hash of each row), logged as one JSON line

        RELATION_CHECKSUMS <label> {"marts.fct_x": [rows, "checksum"], ...}

    Two runs on the same data must log the same line (tests/python/test_reruns.py).
    Enabled with `--vars '{log_checksums: true}'` (on-run-start and on-run-end
    hooks); leftovers of the table materialization (`__dbt_tmp`,
    `__dbt_backup`) are listed under their own names.
#}
{% macro log_relation_checksums(label, schemas=none) %}
    {% if execute and var('log_checksums', false) %}
        {% set schemas = schemas or var('checksum_schemas', ['staging', 'intermediate', 'marts', 'ml', 'reports']) %}
        {% set existing = run_query('show schemas').columns[0].values() | map('lower') | list %}
        {% set relations = [] %}
        {% for schema in schemas if schema | lower in existing %}
            {% set tables = run_query('show tables in ' ~ validated_identifier(schema)) %}
            {% for row in tables if not row['isTemporary'] %}
                {% do relations.append(validated_identifier(schema) ~ '.' ~ validated_identifier(row['tableName'])) %}
            {% endfor %}
        {% endfor %}
        {#- One query for all tables: one Spark job per table costs ~0.4 s each. -#}
        {% set checksums = {} %}
        {% if relations %}
            {% set queries = [] %}
            {% for relation in relations %}
                {% do queries.append(
                    "select '" ~ relation ~ "' as relation, count(*) as row_count, "
                    ~ "cast(coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) as string) as checksum from "
                    ~ relation) %}
            {% endfor %}
            {% set result = run_query(queries | join('\nunion all\n')) %}
            {% for row in result.rows %}
                {% do checksums.update({row[0]: [row[1] | int, row[2]]}) %}
            {% endfor %}
        {% endif %}
        {{ log('RELATION_CHECKSUMS ' ~ label ~ ' ' ~ tojson(checksums, sort_keys=true), info=true) }}
    {% endif %}
{% endmacro %}
