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
        {% set schemas = schemas or var('checksum_schemas', ['staging', 'intermediate', 'marts', 'ml']) %}
        {% set existing = run_query('show schemas').columns[0].values() | map('lower') | list %}
        {% set checksums = {} %}
        {% for schema in schemas if schema | lower in existing %}
            {% set tables = run_query('show tables in ' ~ validated_identifier(schema)) %}
            {% for row in tables if not row['isTemporary'] %}
                {% set relation = validated_identifier(schema) ~ '.' ~ validated_identifier(row['tableName']) %}
                {% set result = run_query(
                    'select count(*), cast(coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) as string) from '
                    ~ relation) %}
                {% do checksums.update({relation: [result.rows[0][0] | int, result.rows[0][1]]}) %}
            {% endfor %}
        {% endfor %}
        {{ log('RELATION_CHECKSUMS ' ~ label ~ ' ' ~ tojson(checksums, sort_keys=true), info=true) }}
    {% endif %}
{% endmacro %}
