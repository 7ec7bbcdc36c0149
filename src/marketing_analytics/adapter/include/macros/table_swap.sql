{#
    Metastore facts the table materialization's swap needs, from one
    `show table extended` (a metastore call, no Spark job): for each table of
    `schema` whose name matches `pattern` (SHOW TABLES syntax: `*`, `|`), its
    location and its shape (provider, partitioning, bucketing and columns:
    what SET LOCATION cannot change).
#}
{% macro sparkoss__tables_information(schema, pattern) %}
    {%- set tables = {} -%}
    {%- for row in run_query("show table extended in " ~ schema ~ " like '" ~ pattern ~ "'") -%}
        {%- set information = row['information'] -%}
        {%- set location = modules.re.search('(?m)^Location: (.*)$', information) -%}
        {%- set shape = [] -%}
        {%- for line in information.split('\n') -%}
            {%- if line.startswith(('Provider:', 'Partition Columns:', 'Num Buckets:',
                    'Bucket Columns:', 'Sort Columns:', ' |--')) -%}
                {%- do shape.append(line) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do tables.update({row['tableName']: {
            'location': location.group(1) if location else none,
            'shape': shape | join('\n'),
            'partitioned': 'Partition Columns:' in information}}) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}


{#
    Drops a tmp table a killed run left behind. If the run was killed inside
    the swap, after the target was pointed at the tmp table's files, both
    tables share one location: the leftover is pointed elsewhere first, so
    dropping it cannot delete the files the target reads.
#}
{% macro sparkoss__drop_leftover(relation, location, target_location) %}
    {% if location is not none and location == target_location %}
        {% call statement('detach_leftover', auto_begin=False) -%}
            alter table {{ relation }} set location '{{ location }}__dbt_detached'
        {%- endcall %}
    {% endif %}
    {% do adapter.drop_relation(relation) %}
{% endmacro %}


{#
    Points `target` at the files of `tmp` (one metastore call: a reader sees the
    old version or the new one, never no table), then points `tmp` at the old
    files and drops it, which deletes them (`tmp` is a managed table).
#}
{% macro sparkoss__swap_locations(target, tmp, target_location, tmp_location) %}
    {% call statement('swap_location', auto_begin=False) -%}
        alter table {{ target }} set location '{{ tmp_location }}'
    {%- endcall %}
    {% call statement('release_old_files', auto_begin=False) -%}
        alter table {{ tmp }} set location '{{ target_location }}'
    {%- endcall %}
    {% do adapter.drop_relation(tmp) %}
{% endmacro %}
